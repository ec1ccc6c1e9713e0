import { describe, expect, test } from 'bun:test'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { logCapture } from '../../test/support/log-capture.ts'
import { type AccessRecord, accessLog } from './access-log.ts'
import { batchedDestination } from './batched-destination.ts'
import { createLogger } from './create-logger.ts'
import { runWithRequestContext } from './request-context.ts'

const withoutTime = (line: string | undefined) => String(line).replace(/"time":\d+/, '"time":0')
const record = (overrides: Partial<AccessRecord> = {}): AccessRecord => ({
  requestId: 'r-1',
  method: 'GET',
  route: '/items/:id',
  path: '/items/7',
  status: 200,
  durationMs: 1.2345678,
  ...overrides,
})
const fieldsOf = ({ requestId, method, route, path, status, durationMs }: AccessRecord) => ({
  requestId,
  method,
  route,
  path,
  status,
  durationMs: Math.round(durationMs * 1000) / 1000,
})

describe('accessLog', () => {
  test('writes a success line byte for byte as logger.info(fields, msg) would, with the request context', () => {
    const ours = logCapture()
    const reference = logCapture()
    const access = accessLog(createLogger({ service: 'svc', version: '1', destination: ours }))
    const logger = createLogger({ service: 'svc', version: '1', destination: reference })
    const records = [
      record(),
      record({ route: undefined, path: '/nowhere', status: 404 }),
      record({ method: 'BREW', path: '/pot/"quoted"\\ü\n', status: 418 }),
      record({ requestId: 'edge"1', status: 201 }),
      record(), // the second time from the per-route and per-status caches
    ]
    runWithRequestContext({ requestId: 'r-1', clientId: 'c-9' }, () => {
      for (const entry of records) {
        access.write(entry)
        logger.info(fieldsOf(entry), 'request completed')
      }
    })
    expect(ours.raw.map(withoutTime)).toEqual(reference.raw.map(withoutTime))
    expect(ours.lines()[0]).toMatchObject({ clientId: 'c-9', durationMs: 1.235, route: '/items/:id' })
  })

  test('encodes lines into a batched destination byte for byte as the logger writes them, request context and all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'access-log-'))
    const path = join(dir, 'access.log')
    const fd = openSync(path, 'w')
    try {
      const destination = batchedDestination({ fd })
      const access = accessLog(createLogger({ service: 'svc', version: '1', destination }))
      const reference = logCapture()
      const logger = createLogger({ service: 'svc', version: '1', destination: reference })
      const durations = [0, 0.0004, 0.0005, 1.5, 2, 0.001, 0.01, 12345.6789, 1.2345678, 99.999, 7.1006]
      const records = [
        ...durations.map((durationMs) => record({ durationMs })),
        record({ route: '/items', path: '/items' }),
        record({ route: '/items', path: '/items', status: 201 }),
        record({ route: '/items', path: '/items', durationMs: 3 }),
        record({ route: undefined, path: '/nowhere', status: 404 }),
        record({ method: 'BREW', path: '/pot/"quoted"\\ü\n✓', status: 418 }),
        record({ requestId: 'edge"1\u0001é', status: 201 }),
      ]
      runWithRequestContext({ requestId: 'r-1', clientId: 'c-9' }, () => {
        for (const entry of records) {
          access.write(entry)
          logger.info(fieldsOf(entry), 'request completed')
        }
      })
      access.write(record({ requestId: 'outside' }))
      logger.info(fieldsOf(record({ requestId: 'outside' })), 'request completed')
      destination.flushSync()
      const written = readFileSync(path, 'utf8').split(/(?<=\n)/)
      expect(written.map(withoutTime)).toEqual(reference.raw.map(withoutTime))
    } finally {
      closeSync(fd)
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('writes a 5xx once at error level with the error and its stack', () => {
    const out = logCapture()
    const access = accessLog(createLogger({ destination: out }))
    access.write(record({ status: 500, error: new Error('pool exhausted') }))
    expect(out.lines()).toHaveLength(1)
    expect(out.lines()[0]).toMatchObject({ level: 'error', msg: 'request failed', status: 500 })
    const err = out.lines()[0]?.err as { message: string; stack: string }
    expect(err.message).toBe('pool exhausted')
    expect(err.stack).toContain('access-log.test.ts')
  })

  test('is enabled by the logger level: warn keeps failures and drops successes', () => {
    const logger = createLogger({ level: 'warn', destination: logCapture() })
    const access = accessLog(logger)
    expect(access.enabled(200)).toBe(false)
    expect(access.enabled(503)).toBe(true)
    logger.level = 'silent'
    expect(access.enabled(503)).toBe(false)
  })

  test('writes the same fields through any pino logger, and the path capped at 512 characters', () => {
    const out = logCapture()
    accessLog(pino({}, out)).write(record({ path: `/${'a'.repeat(600)}` }))
    const line = out.lines()[0]
    expect(line).toMatchObject({ msg: 'request completed', requestId: 'r-1', status: 200, durationMs: 1.235 })
    expect(String(line?.path)).toHaveLength(512)
  })

  test('honours a redacted field instead of pre-rendering it', () => {
    const out = logCapture()
    accessLog(createLogger({ redact: ['path'], destination: out })).write(record())
    expect(out.lines()[0]).toMatchObject({ path: '[Redacted]', route: '/items/:id' })
  })
})
