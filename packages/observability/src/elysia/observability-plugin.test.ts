import { afterEach, describe, expect, test } from 'bun:test'
import { Elysia, status, t } from 'elysia'
import { logCapture } from '../../test/support/log-capture.ts'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { afterResponses } from '../../test/support/settle.ts'
import { HEALTH_CONTENT_TYPE, HealthRegistry } from '../health/index.ts'
import { createLogger, getRequestContext } from '../logger/index.ts'
import { createMetrics, type Metrics } from '../metrics/index.ts'
import { observability } from './observability-plugin.ts'

/** The default generator's ids: UUIDs. */
const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

class ConflictError extends Error {}

const opened: Metrics[] = []
afterEach(async () => {
  await Promise.all(opened.splice(0).map((metrics) => metrics.shutdown()))
})

function setup() {
  const out = logCapture()
  const logger = createLogger({ service: 'test', destination: out })
  const domainLogger = createLogger({ service: 'domain', destination: out })
  const metrics = createMetrics({ service: 'test', global: false, runtime: false })
  opened.push(metrics)
  const health = new HealthRegistry({ service: 'test' })
  const app = new Elysia()
    .use(observability({ logger, metrics, health, healthChecks: ['database'] }))
    .onError(({ error, set }) => {
      if (error instanceof ConflictError) {
        set.status = 409
        return { title: 'conflict' }
      }
    })
    .get('/items/:id', async ({ params }) => {
      await new Promise((resolve) => setTimeout(resolve, 2))
      domainLogger.info({ item: params.id }, 'item loaded')
      return { id: params.id }
    })
    .get('/created', ({ set }) => {
      set.status = 201
      return 'created'
    })
    .get('/teapot', () => status(418, 'short and stout'))
    .get('/accepted', () => new Response(null, { status: 202 }))
    .get('/boom', () => {
      throw new Error('kaboom in handler')
    })
    .get('/conflict', () => {
      throw new ConflictError('already there')
    })
    .post(
      '/login',
      ({ body, request }) => {
        domainLogger.info({ body, headers: request.headers }, 'login attempt')
        throw new Error('login backend down')
      },
      { body: t.Object({ user: t.String(), password: t.String(), token: t.String() }) },
    )
  const call = (path: string, init?: RequestInit) => app.handle(new Request(`http://localhost${path}`, init))
  const accessLines = () =>
    out.lines().filter((l) => l.msg === 'request completed' || l.msg === 'request failed')
  return { app, out, metrics, health, call, accessLines }
}

const durationCounts = async (metrics: Metrics) =>
  parseSamples(await metrics.render()).filter((s) => s.name === 'http_server_request_duration_seconds_count')

describe('observability plugin', () => {
  describe('request id', () => {
    test('echoes a valid X-Request-Id', async () => {
      const { call } = setup()
      const response = await call('/created', { headers: { 'x-request-id': 'edge-abc.123_X' } })
      expect(response.headers.get('x-request-id')).toBe('edge-abc.123_X')
    })

    test('echoes the id on every kind of response: data, a raw Response, status(), errors mapped or not, 404s and parse errors', async () => {
      const { call } = setup()
      const paths = ['/items/1', '/created', '/accepted', '/teapot', '/boom', '/conflict', '/nowhere']
      for (const [index, path] of paths.entries()) {
        const response = await call(path, { headers: { 'x-request-id': `echo-${index}` } })
        expect({ path, id: response.headers.get('x-request-id') }).toEqual({ path, id: `echo-${index}` })
      }
      const parseError = await call('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'echo-parse' },
        body: '{"user":',
      })
      expect(parseError.headers.get('x-request-id')).toBe('echo-parse')
    })

    test('generates a distinct id when the request has none', async () => {
      const { call } = setup()
      const first = (await call('/created')).headers.get('x-request-id')
      const second = (await call('/created')).headers.get('x-request-id')
      expect(first).toMatch(GENERATED_ID)
      expect(second).toMatch(GENERATED_ID)
      expect(first).not.toBe(second)
    })

    test('replaces an invalid X-Request-Id instead of trusting it', async () => {
      const { call, accessLines } = setup()
      for (const bad of ['has space', 'x'.repeat(129), 'quote"d', '']) {
        const response = await call('/created', { headers: { 'x-request-id': bad } })
        expect(response.headers.get('x-request-id')).toMatch(GENERATED_ID)
      }
      await afterResponses()
      expect(accessLines().every((line) => GENERATED_ID.test(String(line.requestId)))).toBe(true)
    })

    test('is on every line logged during the request, also from another module after an await', async () => {
      const { call, out } = setup()
      const response = await call('/items/42')
      await afterResponses()
      const id = response.headers.get('x-request-id')
      const lines = out.lines()
      expect(lines.map((l) => l.msg)).toEqual(['item loaded', 'request completed'])
      expect(lines.every((line) => line.requestId === id)).toBe(true)
      expect(lines[0]?.service).toBe('domain')
    })

    test('keeps concurrent requests apart', async () => {
      const { call, out } = setup()
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          call(`/items/${i}`, { headers: { 'x-request-id': `req-${i}` } }),
        ),
      )
      await afterResponses()
      expect(responses.map((r) => r.headers.get('x-request-id'))).toEqual(
        Array.from({ length: 20 }, (_, i) => `req-${i}`),
      )
      for (const line of out.lines().filter((l) => l.msg === 'item loaded')) {
        expect(line.requestId).toBe(`req-${line.item}`)
      }
    })
  })

  describe('access log', () => {
    test('writes exactly one line per request, also for 404s, parse errors and thrown errors', async () => {
      const { call, accessLines } = setup()
      await call('/items/7')
      await call('/no/such/route')
      await call('/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' })
      await call('/boom')
      await afterResponses()
      expect(accessLines().map((l) => [l.method, l.route, l.path, l.status])).toEqual([
        ['GET', '/items/:id', '/items/7', 200],
        ['GET', undefined, '/no/such/route', 404],
        ['POST', '/login', '/login', 400],
        ['GET', '/boom', '/boom', 500],
      ])
      for (const line of accessLines()) expect(typeof line.durationMs).toBe('number')
    })

    test('renders the access line exactly as the logger renders the same fields', async () => {
      const { call, out, accessLines } = setup()
      const logger = createLogger({ service: 'test', destination: out })
      await call('/items/7', { headers: { 'x-request-id': 'edge.1_a-B' } })
      await call('/items/8')
      await call('/no/such/"odd"\\path')
      await call('/created', { method: 'PATCH' })
      await afterResponses()
      const plugin = out.raw.filter((line) => line.includes('"request completed"'))
      expect(plugin).toHaveLength(4)
      for (const [index, line] of accessLines().entries()) {
        const { requestId, method, route, path, status, durationMs } = line
        logger.info({ requestId, method, route, path, status, durationMs }, 'request completed')
        const reference = out.raw.at(-1) as string
        const withoutTime = (text: string) => text.replace(/"time":\d+/, '')
        expect(withoutTime(plugin[index] as string)).toBe(withoutTime(reference))
      }
      expect(accessLines()[0]?.requestId).toBe('edge.1_a-B')
    })

    test('logs a 5xx once, at error level with its stack', async () => {
      const { call, out } = setup()
      await call('/boom')
      await afterResponses()
      const mentioning = out.raw.filter((line) => line.includes('kaboom in handler'))
      expect(mentioning).toHaveLength(1)
      const [line] = out.lines()
      expect(line).toMatchObject({ level: 'error', msg: 'request failed', status: 500, route: '/boom' })
      expect((line?.err as { stack?: string } | undefined)?.stack).toContain('kaboom in handler')
    })

    test('does not log an error mapped to a 4xx by the application as a failure', async () => {
      const { call, accessLines } = setup()
      const response = await call('/conflict')
      await afterResponses()
      expect(response.status).toBe(409)
      expect(accessLines()).toEqual([expect.objectContaining({ level: 'info', status: 409 })])
    })

    test('never writes secrets sent in headers or the body to any line', async () => {
      const { call, out } = setup()
      const secrets = ['Bearer sk-auth-1', 'session=sk-cookie-2', 'sk-key-3', 'sk-password-4', 'sk-token-5']
      await call('/login?via=form', {
        method: 'POST',
        headers: {
          authorization: secrets[0] as string,
          cookie: secrets[1] as string,
          'x-api-key': secrets[2] as string,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ user: 'ann', password: secrets[3], token: secrets[4] }),
      })
      await afterResponses()
      const everything = out.raw.join('')
      expect(out.lines().map((l) => l.msg)).toEqual(['login attempt', 'request failed'])
      for (const secret of secrets) expect(everything).not.toContain(secret.replace(/^Bearer |^session=/, ''))
      expect(everything).toContain('"user":"ann"')
    })

    test('leaves scrapes and probes out of the access log but still measures them', async () => {
      const { call, accessLines, metrics } = setup()
      await call('/metrics')
      await call('/health/live')
      await afterResponses()
      expect(accessLines()).toEqual([])
      const routes = (await durationCounts(metrics)).map((s) => s.labels.http_route)
      expect(routes).toEqual(['/metrics', '/health/live'])
    })
  })

  describe('HTTP metrics', () => {
    test('labels durations with the route template, never the raw path', async () => {
      const { call, metrics } = setup()
      await call('/items/42')
      await call('/items/43')
      await afterResponses()
      const text = await metrics.render()
      const counts = await durationCounts(metrics)
      expect(counts).toEqual([
        {
          name: 'http_server_request_duration_seconds_count',
          labels: { http_request_method: 'GET', http_response_status_code: '200', http_route: '/items/:id' },
          value: 2,
        },
      ])
      expect(text).not.toContain('/items/42')
    })

    test('adds no series for a thousand random unmatched paths', async () => {
      const { call, metrics } = setup()
      await call('/first-miss')
      await afterResponses()
      const seriesBefore = parseSamples(await metrics.render()).length
      for (let i = 0; i < 1000; i++) await call(`/${crypto.randomUUID()}/${i}`)
      await afterResponses()
      const after = await metrics.render()
      expect(parseSamples(after).length).toBe(seriesBefore)
      const unmatched = (await durationCounts(metrics)).find(
        (s) => s.labels.http_response_status_code === '404',
      )
      expect(unmatched).toEqual({
        name: 'http_server_request_duration_seconds_count',
        labels: { http_request_method: 'GET', http_response_status_code: '404' },
        value: 1001,
      })
      expect(after).not.toContain('first-miss')
    })

    test('records the status the client received', async () => {
      const { call, metrics, accessLines } = setup()
      const cases: Array<[string, number]> = [
        ['/created', 201],
        ['/teapot', 418],
        ['/accepted', 202],
        ['/boom', 500],
        ['/conflict', 409],
        ['/nowhere', 404],
      ]
      for (const [path, expected] of cases) expect((await call(path)).status).toBe(expected)
      await afterResponses()
      expect(accessLines().map((l) => [l.path, l.status])).toEqual(cases)
      const recorded = (await durationCounts(metrics)).map((s) => [
        s.labels.http_route ?? '(none)',
        Number(s.labels.http_response_status_code),
      ])
      expect(recorded).toEqual([
        ['/created', 201],
        ['/teapot', 418],
        ['/accepted', 202],
        ['/boom', 500],
        ['/conflict', 409],
        ['(none)', 404],
      ])
    })

    test('counts a request as active while its handler runs', async () => {
      const { metrics } = setup()
      let release: () => void = () => {}
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const app = new Elysia()
        .use(observability({ metrics, logger: createLogger({ destination: logCapture() }), health: false }))
        .get('/slow', async () => {
          await gate
          return 'done'
        })
      const active = async () =>
        parseSamples(await metrics.render()).find((s) => s.name === 'http_server_active_requests')?.value
      const pending = app.handle(new Request('http://localhost/slow'))
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(await active()).toBe(1)
      release()
      await pending
      await afterResponses()
      expect(await active()).toBe(0)
    })
  })

  describe('other onRequest hooks that reject requests', () => {
    const limited = (reject: 'return' | 'throw') => {
      const out = logCapture()
      const metrics = createMetrics({ service: 'test', global: false, runtime: false })
      opened.push(metrics)
      const app = new Elysia()
        .use(observability({ metrics, health: false, logger: createLogger({ destination: out }) }))
        .use(
          new Elysia({ name: 'limiter' }).onRequest(({ set }) => {
            set.headers['retry-after'] = '1'
            if (reject === 'throw') throw status(429, 'slow down')
            return new Response('slow down', { status: 429 })
          }),
        )
        .get('/pools', () => 'pools')
      return { app, out, metrics }
    }

    test('are logged and measured when they throw status()', async () => {
      const { app, out, metrics } = limited('throw')
      const response = await app.handle(new Request('http://localhost/pools'))
      await afterResponses()
      expect(response.status).toBe(429)
      expect(response.headers.get('retry-after')).toBe('1')
      expect(out.lines()).toEqual([
        expect.objectContaining({ status: 429, requestId: response.headers.get('x-request-id') }),
      ])
      expect((await durationCounts(metrics)).map((s) => s.labels.http_response_status_code)).toEqual(['429'])
    })

    test('are logged and measured when they return a response early, and leave nothing active', async () => {
      const { app, out, metrics } = limited('return')
      for (let i = 0; i < 3; i++)
        expect((await app.handle(new Request('http://localhost/pools'))).status).toBe(429)
      await afterResponses()
      expect(out.lines().map((line) => [line.status, line.path])).toEqual([
        [429, '/pools'],
        [429, '/pools'],
        [429, '/pools'],
      ])
      const samples = parseSamples(await metrics.render())
      const counts = samples.filter((s) => s.name === 'http_server_request_duration_seconds_count')
      expect(counts.map((s) => [s.labels.http_response_status_code, s.value])).toEqual([['429', 3]])
      const active = samples.filter((s) => s.name === 'http_server_active_requests')
      expect(active.every((s) => s.value === 0)).toBe(true)
    })
  })

  test('records the status of a raw Response returned by an onError hook', async () => {
    const out = logCapture()
    const metrics = createMetrics({ service: 'test', global: false, runtime: false })
    opened.push(metrics)
    const app = new Elysia()
      .use(observability({ metrics, health: false, logger: createLogger({ destination: out }) }))
      .onError(() => new Response('database unavailable', { status: 503, headers: { 'retry-after': '5' } }))
      .get('/pools', () => {
        throw new Error('connection refused')
      })
    const response = await app.handle(new Request('http://localhost/pools'))
    await afterResponses()
    expect(response.status).toBe(503)
    expect(response.headers.get('x-request-id')).toMatch(GENERATED_ID)
    const [line] = out.lines()
    expect(line).toMatchObject({
      level: 'error',
      status: 503,
      route: '/pools',
      err: { message: 'connection refused' },
    })
    expect((await durationCounts(metrics)).map((s) => s.labels.http_response_status_code)).toEqual(['503'])
  })

  test('leaves no request context behind for the code that called the app', async () => {
    const { call } = setup()
    await call('/items/1')
    expect(getRequestContext()).toBeUndefined()
  })

  describe('operational routes', () => {
    test('serves Prometheus text on /metrics', async () => {
      const { call } = setup()
      await call('/items/1')
      await afterResponses()
      const response = await call('/metrics')
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
      expect(await response.text()).toContain('# TYPE http_server_request_duration_seconds histogram')
    })

    test('serves health reports by kind and by check name', async () => {
      const { call, health } = setup()
      let databaseUp = true
      health.register({
        name: 'database',
        kinds: ['ready'],
        run: async () => {
          if (!databaseUp) throw new Error('connection refused')
        },
      })
      const ready = await call('/health/ready')
      expect(ready.status).toBe(200)
      expect(ready.headers.get('content-type')).toBe(HEALTH_CONTENT_TYPE)
      expect(await ready.json()).toMatchObject({ status: 'pass' })

      databaseUp = false
      expect((await call('/health/ready')).status).toBe(503)
      expect((await call('/health')).status).toBe(503)
      expect((await call('/health/database')).status).toBe(503)
      expect((await call('/health/live')).status).toBe(200)
      expect((await call('/health/startup')).status).toBe(200)
      expect((await call('/health/unknown')).status).toBe(404)
    })

    test('turns readiness to fail at shutdown while liveness stays pass', async () => {
      const { call, health } = setup()
      expect((await call('/health/ready')).status).toBe(200)
      health.beginShutdown()
      const ready = await call('/health/ready')
      expect(ready.status).toBe(503)
      expect(await ready.json()).toMatchObject({ status: 'fail' })
      expect((await call('/health/live')).status).toBe(200)
    })

    test('serves neither /metrics nor health routes when disabled', async () => {
      const app = new Elysia().use(
        observability({ metrics: false, health: false, logger: createLogger({ destination: logCapture() }) }),
      )
      expect((await app.handle(new Request('http://localhost/metrics'))).status).toBe(404)
      expect((await app.handle(new Request('http://localhost/health'))).status).toBe(404)
    })
  })
})
