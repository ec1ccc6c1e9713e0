import { afterEach, describe, expect, test } from 'bun:test'
import { context, TraceFlags, trace } from '@opentelemetry/api'
import { logCapture } from '../../test/support/log-capture.ts'
import { AsyncContextManager } from '../tracing/async-context-manager.ts'
import { createLogger } from './create-logger.ts'
import { LoggerError } from './logger-error.ts'
import { getRequestContext, runWithRequestContext } from './request-context.ts'

describe('createLogger', () => {
  test('writes JSON lines with service, version, env and a level label', () => {
    const out = logCapture()
    const logger = createLogger({ service: 'jackpot', version: '1.2.3', env: 'test', destination: out })
    logger.info({ pool: 'mega' }, 'pool reset')
    const [line] = out.lines()
    expect(line).toMatchObject({
      level: 'info',
      service: 'jackpot',
      version: '1.2.3',
      env: 'test',
      pool: 'mega',
      msg: 'pool reset',
    })
    expect(typeof line?.time).toBe('number')
    expect(out.raw[0]?.endsWith('\n')).toBe(true)
  })

  test('omits version and env when not configured and names the service unknown_service', () => {
    const out = logCapture()
    createLogger({ destination: out }).info('hello')
    const [line] = out.lines()
    expect(line?.service).toBe('unknown_service')
    expect(line).not.toHaveProperty('version')
    expect(line).not.toHaveProperty('env')
  })

  test('drops lines below the configured level', () => {
    const out = logCapture()
    const logger = createLogger({ level: 'warn', destination: out })
    logger.info('quiet')
    logger.warn('loud')
    expect(out.lines().map((line) => line.msg)).toEqual(['loud'])
  })

  test('adds the request context to lines logged inside it, also after an await', async () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    await runWithRequestContext({ requestId: 'req-1', clientId: 'game-7' }, async () => {
      logger.info('before')
      await new Promise((resolve) => setTimeout(resolve, 1))
      logger.info('after')
    })
    logger.info('outside')
    const [before, after, outside] = out.lines()
    expect(before).toMatchObject({ requestId: 'req-1', clientId: 'game-7', msg: 'before' })
    expect(after).toMatchObject({ requestId: 'req-1', clientId: 'game-7', msg: 'after' })
    expect(outside).not.toHaveProperty('requestId')
  })

  test('correlates lines of a logger created elsewhere, as a domain module would', async () => {
    const out = logCapture()
    const domainLogger = createLogger({ service: 'domain', destination: out }).child({ module: 'pools' })
    await runWithRequestContext({ requestId: 'req-2' }, async () => {
      await Promise.resolve()
      domainLogger.info('pool read')
    })
    expect(out.lines()[0]).toMatchObject({ requestId: 'req-2', module: 'pools', msg: 'pool read' })
  })

  test('lets fields logged explicitly win over the request context', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    runWithRequestContext({ requestId: 'ctx' }, () => logger.info({ requestId: 'explicit' }, 'm'))
    expect(out.lines()[0]?.requestId).toBe('explicit')
  })

  test('shows fields added to the request context on the lines after the change', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    runWithRequestContext({ requestId: 'req-4' }, () => {
      logger.info('anonymous')
      const context = getRequestContext()
      if (context) context.clientId = 'game-9'
      logger.info('authenticated')
    })
    const [anonymous, authenticated] = out.lines()
    expect(anonymous).not.toHaveProperty('clientId')
    expect(authenticated).toMatchObject({ requestId: 'req-4', clientId: 'game-9' })
  })

  test('does not bake the request id into children created or bindings read during a request', () => {
    const out = logCapture()
    const logger = createLogger({ destination: out })
    const child = runWithRequestContext({ requestId: 'req-5' }, () => {
      logger.info('inside')
      expect(logger.bindings()).toEqual({ service: 'unknown_service' })
      return logger.child({ component: 'cache' })
    })
    child.info('later, outside')
    logger.info('root, outside')
    const [, later, root] = out.lines()
    expect(later).toMatchObject({ component: 'cache', msg: 'later, outside' })
    expect(later).not.toHaveProperty('requestId')
    expect(root).not.toHaveProperty('requestId')
  })

  describe('with an active OpenTelemetry span', () => {
    const manager = new AsyncContextManager()
    afterEach(() => {
      context.disable()
    })

    test('adds trace_id, span_id and trace_flags', () => {
      context.setGlobalContextManager(manager)
      const out = logCapture()
      const logger = createLogger({ destination: out })
      const span = trace.wrapSpanContext({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        traceFlags: TraceFlags.SAMPLED,
      })
      context.with(trace.setSpan(context.active(), span), () => {
        runWithRequestContext({ requestId: 'req-3' }, () => logger.info('traced'))
      })
      logger.info('untraced')
      const [traced, untraced] = out.lines()
      expect(traced).toMatchObject({
        requestId: 'req-3',
        trace_id: '0af7651916cd43dd8448eb211c80319c',
        span_id: 'b7ad6b7169203331',
        trace_flags: '01',
      })
      expect(untraced).not.toHaveProperty('trace_id')
    })
  })

  describe('redaction', () => {
    test('hides authorization, cookies, API keys, passwords, tokens, secrets and JWTs at any depth', () => {
      const out = logCapture()
      const logger = createLogger({ destination: out })
      logger.info(
        {
          req: {
            headers: {
              authorization: 'Bearer sk-live-1',
              cookie: 'session=sk-live-2',
              'set-cookie': ['id=sk-live-3'],
              'x-api-key': 'sk-live-4',
              accept: 'application/json',
            },
          },
          body: { user: { password: 'sk-live-5', refresh_token: 'sk-live-6', name: 'ann' } },
          config: { clientSecret: 'sk-live-7', apiKey: 'sk-live-8', jwt: 'sk-live-9' },
        },
        'login',
      )
      const raw = out.raw.join('')
      expect(raw).not.toContain('sk-live')
      const [line] = out.lines()
      expect(line).toMatchObject({
        req: { headers: { authorization: '[Redacted]', accept: 'application/json' } },
        body: { user: { password: '[Redacted]', name: 'ann' } },
      })
    })

    test('hides secrets in a logged fetch Headers object', () => {
      const out = logCapture()
      const headers = new Headers({ Authorization: 'Bearer sk-live-h', 'X-Trace': 'ok' })
      createLogger({ destination: out }).info({ headers }, 'headers')
      expect(out.raw.join('')).not.toContain('sk-live-h')
      expect(out.lines()[0]?.headers).toEqual({ authorization: '[Redacted]', 'x-trace': 'ok' })
    })

    test('hides secrets in child bindings, request context fields and error properties', () => {
      const out = logCapture()
      const logger = createLogger({ destination: out })
      const error = Object.assign(new Error('upstream refused'), {
        config: { headers: { Authorization: 'Bearer sk-live-e' } },
      })
      runWithRequestContext({ requestId: 'r', sessionToken: 'sk-live-c' }, () => {
        logger.child({ apiKey: 'sk-live-b' }).error({ err: error }, 'call failed')
      })
      expect(out.raw.join('')).not.toContain('sk-live')
      const [line] = out.lines()
      expect(line?.err).toMatchObject({ type: 'Error', message: 'upstream refused' })
      expect(String((line?.err as { stack?: string } | undefined)?.stack)).toContain('upstream refused')
    })

    test('writes request context fields of any shape as valid JSON, secrets hidden at any depth', () => {
      const out = logCapture()
      const logger = createLogger({ destination: out })
      const contexts = [
        { requestId: 'quo"te\\\n', attempt: 2, replay: false, skipped: undefined, apiKey: 'sk-live-f' },
        { requestId: 'n', client: { name: 'ann', password: 'sk-live-g' }, tags: ['a'] },
      ]
      for (const context of contexts) runWithRequestContext(context, () => logger.info('m'))
      expect(out.raw.join('')).not.toContain('sk-live')
      expect(out.lines()).toEqual([
        expect.objectContaining({ requestId: 'quo"te\\\n', attempt: 2, replay: false, apiKey: '[Redacted]' }),
        expect.objectContaining({
          requestId: 'n',
          client: { name: 'ann', password: '[Redacted]' },
          tags: ['a'],
        }),
      ])
      expect(out.lines()[0]).not.toHaveProperty('skipped')
    })

    test('hides extra names and pino paths given in the redact option', () => {
      const out = logCapture()
      createLogger({ destination: out, redact: ['pin', 'card.number'] }).info(
        { card: { number: '4111-sk', holder: 'ann' }, account: { Pin: '1234-sk' } },
        'payment',
      )
      expect(out.raw.join('')).not.toContain('-sk')
      expect(out.lines()[0]).toMatchObject({ card: { holder: 'ann' } })
    })
  })

  test('writes human-readable lines with pretty: true', () => {
    const out = logCapture()
    createLogger({ pretty: true, destination: out }).info({ pool: 'mega' }, 'pool reset')
    const text = out.raw.join('')
    expect(text).toContain('pool reset')
    expect(text).toContain('INFO')
    expect(() => JSON.parse(text)).toThrow()
  })

  test('LoggerError carries a stable code and its cause', () => {
    const cause = new Error('missing')
    const error = new LoggerError('E_PRETTY_UNAVAILABLE', 'no pretty', { cause })
    expect(error.code).toBe('E_PRETTY_UNAVAILABLE')
    expect(error.cause).toBe(cause)
  })
})
