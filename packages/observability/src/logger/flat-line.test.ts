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

describe('lines of plain objects', () => {
  // A pino redact path sends every line through pino's own renderer; one matching
  // nothing gives the reference output for the same logger configuration.
  const reference = (out: ReturnType<typeof logCapture>) =>
    createLogger({ service: 'svc', version: '1', destination: out, redact: ['no.such.path'] })

  test('are rendered byte for byte as pino renders them, secrets censored the same', () => {
    const ours = logCapture()
    const pinos = logCapture()
    const objects: object[] = [
      fields,
      {},
      { n: Number.NaN, inf: -Infinity, neg: -0, big: 1e21, small: 5e-7, t: true },
      { apiKey: 'sk-1', Authorization: 'Bearer x', 'set-cookie': 'a=b', name: 'ann' },
      Object.assign(Object.create(null), { bare: 'object' }),
      { nothing: null, password: null, list: [1, 'two', undefined, null, [3], { token: 't', a: [] }] },
      { user: { name: 'ann', cookie: 'c', address: { city: 'Graz', zip: undefined } }, empty: {} },
      { a: { b: { c: { d: { e: { f: { g: 'deep', secret: 's' }, secret: 's' } } } } } },
      { list: [[[[[[[{ secret: 's' }]]]]]]] },
      { err: 'not an error', at: new Date(0), headers: new Headers({ authorization: 'Bearer x' }) },
    ]
    for (const destination of [ours, pinos]) {
      const logger =
        destination === ours
          ? createLogger({ service: 'svc', version: '1', destination })
          : reference(destination)
      const child = logger.child({ part: 'http' })
      for (const object of objects) {
        logger.info(object, 'message with "quotes" \\ and \n')
        child.warn(object)
      }
      logger.info('message only')
    }
    expect(ours.raw.map(withoutTime)).toEqual(pinos.raw.map(withoutTime))
    expect(ours.lines()[6]).toMatchObject({ apiKey: '[Redacted]', Authorization: '[Redacted]', name: 'ann' })
  })

  test('still go through serializers, formatters and redact paths a child adds', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    logger.child({}, { serializers: { n: (value: number) => value * 2 } }).info({ n: 2 })
    logger.child({}, { formatters: { log: (object) => ({ ...object, added: true }) } }).info({ n: 2 })
    logger.child({}, { redact: ['n'] }).info({ n: 2 })
    expect(out.lines().map(({ n, added }) => ({ n, added }))).toEqual([
      { n: 4, added: undefined },
      { n: 2, added: true },
      { n: '[Redacted]', added: undefined },
    ])
  })

  test('hide secrets in nested objects and in errors alike', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    logger.info({ user: { name: 'ann', password: 'p' }, n: 1 }, 'nested')
    logger.error({ err: Object.assign(new Error('boom'), { token: 't' }) }, 'failed')
    const [nested, failed] = out.lines()
    expect(nested).toMatchObject({ user: { name: 'ann', password: '[Redacted]' }, n: 1 })
    expect(failed).toMatchObject({ err: { message: 'boom', token: '[Redacted]' } })
  })
})

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
