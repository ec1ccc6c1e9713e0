import { describe, expect, test } from 'bun:test'
import pino from 'pino'
import { logCapture } from '../../test/support/log-capture.ts'
import { createLogger } from './create-logger.ts'
import { logFlat } from './flat-line.ts'
import { runWithRequestContext } from './request-context.ts'

const withoutTime = (line: string | undefined) => String(line).replace(/"time":\d+/, '"time":0')
const fields = {
  requestId: 'r-1',
  method: 'GET',
  route: undefined,
  path: '/items/"quoted"\\ü\n\t\ud800',
  status: 404,
  durationMs: 1.234,
  cached: false,
}

describe('logFlat', () => {
  test('writes exactly the line pino writes for the same fields', () => {
    const out = logCapture()
    const logger = createLogger({ service: 'svc', version: '1', env: 'test', destination: out }).child({
      part: 'http',
    })
    logger.info(fields, 'request completed')
    logFlat(logger, 'info', fields, 'request completed')
    expect(out.raw).toHaveLength(2)
    expect(withoutTime(out.raw[1])).toBe(withoutTime(out.raw[0]))
  })

  test('carries the request context and redacts like every other line', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    runWithRequestContext({ requestId: 'ctx-1' }, () => {
      logger.warn({ apiKey: 'sk-1', n: 1 }, 'm')
      logFlat(logger, 'warn', { apiKey: 'sk-1', n: 1 }, 'm')
    })
    expect(withoutTime(out.raw[1])).toBe(withoutTime(out.raw[0]))
    expect(out.lines()[1]).toMatchObject({ requestId: 'ctx-1', apiKey: '[Redacted]', level: 'warn' })
  })

  test('writes nothing below the logger level', () => {
    const out = logCapture()
    logFlat(createLogger({ level: 'error', destination: out }), 'info', { a: 1 }, 'quiet')
    expect(out.raw).toEqual([])
  })

  test('hands loggers it did not build to their own method', () => {
    const out = logCapture()
    logFlat(pino({}, out), 'info', { a: 1 }, 'plain pino')
    expect(out.lines()[0]).toMatchObject({ level: 30, a: 1, msg: 'plain pino' })
  })
})
