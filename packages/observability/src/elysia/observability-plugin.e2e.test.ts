import { afterAll, describe, expect, test } from 'bun:test'
import { Elysia } from 'elysia'
import { logCapture } from '../../test/support/log-capture.ts'
import { afterResponses } from '../../test/support/settle.ts'
import { createLogger } from '../logger/index.ts'
import { createMetrics } from '../metrics/index.ts'
import { observability } from './observability-plugin.ts'

/** The default generator's ids: UUIDs. */
const GENERATED_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

// End-to-end: a real Bun.serve socket, where each request starts from the server's
// own async context, unlike app.handle() in the unit tests.
describe('observability plugin end-to-end over a socket', () => {
  const out = logCapture()
  const metrics = createMetrics({ service: 'e2e', global: false, runtime: false })
  const domain = createLogger({ service: 'domain', destination: out })
  const app = new Elysia()
    .use(observability({ logger: createLogger({ destination: out }), metrics, health: false }))
    .get('/work/:n', async ({ params }) => {
      domain.info({ n: params.n, step: 'start' }, 'work')
      await new Promise((resolve) => setTimeout(resolve, Number(params.n) % 7))
      domain.info({ n: params.n, step: 'end' }, 'work')
      return params.n
    })
    .listen({ port: 0, hostname: '127.0.0.1' })
  const base = `http://127.0.0.1:${app.server?.port}`
  afterAll(async () => {
    await app.stop()
    await metrics.shutdown()
  })

  test('every line of concurrent requests carries its own request id', async () => {
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        fetch(`${base}/work/${n}`, n % 2 === 0 ? { headers: { 'x-request-id': `client-${n}` } } : {}),
      ),
    )
    await afterResponses()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const idByN = new Map(responses.map((r, n) => [String(n), r.headers.get('x-request-id')]))
    expect(idByN.get('0')).toBe('client-0')
    expect(idByN.get('1')).toMatch(GENERATED_ID)
    const work = out.lines().filter((line) => line.msg === 'work')
    expect(work).toHaveLength(80)
    for (const line of work) expect(line.requestId).toBe(idByN.get(String(line.n)) as string)
    const access = out.lines().filter((line) => line.msg === 'request completed')
    expect(access).toHaveLength(40)
    for (const line of access)
      expect(line.requestId).toBe(idByN.get(String(line.path).split('/')[2] as string) as string)
  })

  test('no request context remains between requests on the server', async () => {
    const before = out.raw.length
    const response = await fetch(`${base}/work/3`)
    await afterResponses()
    await new Promise((resolve) => setTimeout(resolve, 10))
    const lines = out.raw.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.length).toBe(3)
    expect(new Set(lines.map((line) => line.requestId))).toEqual(
      new Set([response.headers.get('x-request-id')]),
    )
  })
})
