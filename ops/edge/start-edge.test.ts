import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadConfig } from '@jackpot/config'
import { freePort } from '@jackpot/test-kit'
import { PROBLEM_BASE_URI, PROBLEMS, problem } from '../../apps/server/src/http/problem.ts'
import { type RunningEdge, renderEdgeConfig, startEdge } from './start-edge.ts'

// End-to-end: real nginx (Debian package) in front of two stub origins that
// answer like the server's pool route, so the edge config is proven on its own.
const nginxInstalled = existsSync('/usr/sbin/nginx')

describe('nginx edge (end-to-end)', () => {
  const hits = { a: 0, b: 0 }
  let amount = 100
  let failing = false
  const origins = (['a', 'b'] as const).map((name) =>
    Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(request) {
        const url = new URL(request.url)
        if (url.pathname === '/api/v1/pools') {
          hits[name]++
          if (failing) return new Response('down', { status: 503 })
          return Response.json(
            { pools: [{ slug: 'minor', amountCents: amount }], servedBy: name },
            {
              headers: {
                'cache-control': 'public, max-age=1, s-maxage=1, stale-while-revalidate=5, stale-if-error=60',
              },
            },
          )
        }
        return Response.json({ servedBy: name, path: url.pathname })
      },
    }),
  )
  let edge: RunningEdge

  beforeAll(async () => {
    if (!nginxInstalled)
      throw new Error('nginx is not installed (apt-get install nginx); .ci/run installs it')
    edge = await startEdge({
      upstreams: origins.map((o) => `127.0.0.1:${o.port}`),
      port: 18_000 + (process.pid % 1000),
    })
  })
  afterAll(async () => {
    await edge?.stop()
    for (const origin of origins) origin.stop(true)
  })

  test('serves repeated pool reads from its cache and says so in X-Cache-Status', async () => {
    const statuses: string[] = []
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${edge.url}/api/v1/pools`)
      expect(response.status).toBe(200)
      statuses.push(response.headers.get('x-cache-status') ?? '')
    }
    expect(statuses[0]).toBe('MISS')
    expect(statuses.slice(1).every((s) => s === 'HIT')).toBe(true)
    expect(hits.a + hits.b).toBe(1)
  })

  test('refills an expired entry with one origin request however many readers arrive at once', async () => {
    // nginx keeps validity in whole seconds, so s-maxage=1 lasts up to 2 s.
    await Bun.sleep(2100)
    const before = hits.a + hits.b
    amount = 250
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(`${edge.url}/api/v1/pools`)))
    expect(responses.every((r) => r.status === 200)).toBe(true)
    await Bun.sleep(200) // let the background refresh land
    expect(hits.a + hits.b - before).toBe(1)
    const fresh = await fetch(`${edge.url}/api/v1/pools`).then((r) => r.json())
    expect(fresh.pools[0].amountCents).toBe(250)
  })

  test('balances uncached routes across both replicas', async () => {
    const servedBy = new Set<string>()
    for (let i = 0; i < 10; i++) {
      const body = await fetch(`${edge.url}/api/v1/stats`).then((r) => r.json())
      servedBy.add(body.servedBy)
    }
    expect([...servedBy].sort()).toEqual(['a', 'b'])
  })

  test('serves the last good pool read when every origin fails (stale-if-error)', async () => {
    failing = true
    await Bun.sleep(2100)
    const response = await fetch(`${edge.url}/api/v1/pools`)
    expect(response.status).toBe(200)
    expect(['STALE', 'UPDATING']).toContain(response.headers.get('x-cache-status') ?? '')
    failing = false
  })

  test('hides /metrics and the detailed health reports, and forwards liveness', async () => {
    for (const path of ['/metrics', '/health', '/health/ready', '/health/database', '/health/jackpot']) {
      const response = await fetch(`${edge.url}${path}`)
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
    const live = await fetch(`${edge.url}/health/live`)
    expect(live.status).toBe(200)
    expect(((await live.json()) as { path: string }).path).toBe('/health/live')
  })

  test('answers an oversized body itself with the problem+json 413 the server would send', async () => {
    const limit = loadConfig({}).BODY_LIMIT_BYTES
    const response = await fetch(`${edge.url}/api/v1/contributions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'edge-413' },
      body: 'x'.repeat(limit + 1),
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('x-request-id')).toBe('edge-413')
    // Byte for byte the body of the server's own body limit (apps/server/src/http/body-limit.ts).
    expect(await response.json()).toEqual(
      problem('payload-too-large', {
        detail: `The body exceeds the limit of ${limit} bytes.`,
        maxBytes: limit,
      }),
    )
  })

  test('forwards a body at the limit to the origin', async () => {
    const limit = loadConfig({}).BODY_LIMIT_BYTES
    const response = await fetch(`${edge.url}/api/v1/contributions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(limit),
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { path: string }).path).toBe('/api/v1/contributions')
  })
})

describe('nginx edge: its own errors (end-to-end)', () => {
  const slow = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      await Bun.sleep(2500)
      return Response.json({ path: new URL(request.url).pathname })
    },
  })
  const edges: RunningEdge[] = []
  const start = async (options: Omit<Parameters<typeof startEdge>[0], 'port'>) => {
    if (!nginxInstalled)
      throw new Error('nginx is not installed (apt-get install nginx); .ci/run installs it')
    const edge = await startEdge({ ...options, port: await freePort() })
    edges.push(edge)
    return edge
  }
  afterAll(async () => {
    for (const edge of edges) await edge.stop()
    slow.stop(true)
  })

  const expectCatalogued = async (response: Response, kind: keyof typeof PROBLEMS) => {
    expect(response.status).toBe(PROBLEMS[kind].status)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(response.headers.get('x-request-id')).toBeTruthy()
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ type: `${PROBLEM_BASE_URI}${kind}`, title: PROBLEMS[kind].title })
    expect(body.status).toBe(response.status)
  }

  test('a replica that cannot be reached is a problem+json 502 (bad-gateway) with Retry-After', async () => {
    // A port nothing listens on: every connection is refused.
    const edge = await start({ upstreams: [`127.0.0.1:${await freePort()}`] })
    const response = await fetch(`${edge.url}/api/v1/stats`)
    expect(response.headers.get('retry-after')).toBe('5')
    await expectCatalogued(response, 'bad-gateway')
  })

  test('a replica slower than the read timeout is a problem+json 504 (gateway-timeout)', async () => {
    const edge = await start({ upstreams: [`127.0.0.1:${slow.port}`], readTimeoutSeconds: 1 })
    const response = await fetch(`${edge.url}/api/v1/contributions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    await expectCatalogued(response, 'gateway-timeout')
  })

  test("follows the body limit it is given: the server's BODY_LIMIT_BYTES", async () => {
    // No origin at all: the edge decides on the declared length before it picks a replica.
    const edge = await start({ upstreams: [`127.0.0.1:${await freePort()}`], bodyLimitBytes: 2048 })
    const response = await fetch(`${edge.url}/api/v1/contributions`, {
      method: 'POST',
      body: 'x'.repeat(2049),
    })
    await expectCatalogued(response, 'payload-too-large')
  })
})

describe('nginx edge configuration', () => {
  const rendered = renderEdgeConfig({ EDGE_BODY_LIMIT_BYTES: '65536' })

  test('every error body nginx writes itself is a problem of the server catalogue', () => {
    const bodies = [...rendered.matchAll(/return (\d{3}) '(\{.*\})';/g)]
    expect(bodies.length).toBeGreaterThanOrEqual(6)
    for (const [, status, text] of bodies) {
      const body = JSON.parse(text ?? '') as { type: string; title: string; status: number }
      const kind = body.type.replace(PROBLEM_BASE_URI, '') as keyof typeof PROBLEMS
      expect(PROBLEMS[kind], body.type).toBeDefined()
      expect(body, body.type).toMatchObject({ title: PROBLEMS[kind].title, status: PROBLEMS[kind].status })
      expect(Number(status), body.type).toBe(body.status)
    }
  })

  test('sends each of its own 413, 429, 502, 503 and 504 to a problem+json location of that status', () => {
    for (const status of [413, 429, 502, 503, 504]) {
      const location = new RegExp(`error_page (?:\\d{3} )*${status}(?: \\d{3})* (@\\w+);`).exec(rendered)?.[1]
      expect(location, `error_page ${status}`).toBeDefined()
      const block = new RegExp(`location ${location} \\{([^}]*)\\}`).exec(rendered)?.[1] ?? ''
      expect(block, `${location}`).toContain('default_type application/problem+json;')
      expect(block, `${location}`).toContain(`return ${status} '`)
    }
  })

  test('takes its body limit from the same variable as the server in compose, with the server default', () => {
    const compose = Bun.YAML.parse(
      readFileSync(join(import.meta.dir, '../../docker-compose.yml'), 'utf8'),
    ) as { services: Record<string, { environment?: Record<string, string> }> }
    const serverDefault = loadConfig({}).BODY_LIMIT_BYTES
    const sameVariable = `\${BODY_LIMIT_BYTES:-${serverDefault}}`
    expect(compose.services.edge?.environment?.EDGE_BODY_LIMIT_BYTES).toBe(sameVariable)
    for (const name of ['server-1', 'server-2'])
      expect(compose.services[name]?.environment?.BODY_LIMIT_BYTES, name).toBe(sameVariable)
    // The image's envsubst fills only variables that are set: every ${EDGE_*} must be.
    const used = [
      ...readFileSync(join(import.meta.dir, 'nginx.conf'), 'utf8').matchAll(/\$\{(EDGE_[A-Z_]+)\}/g),
    ]
    expect(used.length).toBeGreaterThanOrEqual(6)
    const set = Object.keys(compose.services.edge?.environment ?? {})
    expect(used.map(([, variable]) => variable).filter((variable) => !set.includes(variable ?? ''))).toEqual(
      [],
    )
  })
})
