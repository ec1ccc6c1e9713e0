import { afterAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { canonicalHeader, durationMs } from './k6-modules.ts'
import { failuresOf, runK6Script } from './k6-runner.ts'

const FIXTURES = join(import.meta.dir, 'fixtures')
let tornDown: unknown = null

// A tiny server that answers the fixtures: an echo, a teapot, a slow route.
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(request) {
    const path = new URL(request.url).pathname
    if (path === '/token') return Response.json({ token: 'from-setup' })
    if (path === '/teapot') return new Response('no coffee', { status: 418 })
    if (path === '/slow') return Bun.sleep(2_000).then(() => new Response('late'))
    if (path === '/teardown') {
      tornDown = await request.json()
      return new Response('ok')
    }
    return Response.json(
      {
        method: request.method,
        authorization: request.headers.get('authorization'),
        body: await request.text(),
      },
      { headers: { 'x-echo-method': request.method } },
    )
  },
})
const BASE_URL = `http://127.0.0.1:${server.port}`

afterAll(() => server.stop(true))

describe('the k6 runner', () => {
  test('implements what the scripts use: sync http, check, group, sleep, metrics, setup data, scenario exec', async () => {
    const report = await runK6Script({
      script: join(FIXTURES, 'api-surface.k6.ts'),
      env: { BASE_URL },
      iterations: 3,
    })

    expect(failuresOf(report, { setup: true, teardown: true })).toEqual([])
    expect(report.scenarios.map((s) => [s.name, s.exec, s.iterations])).toEqual([
      ['readers', 'reader', 3],
      ['writers', 'writer', 3],
    ])
    // Every check ran and passed, grouped checks under their group.
    const checks = Object.fromEntries(report.checks.map((c) => [`${c.group}/${c.name}`, c.passes]))
    expect(checks['::read/setup data reaches the VU']).toBe(3)
    expect(checks['/a timeout is k6 error 1050 with no status']).toBe(3)
    expect(checks['/teardown gets the setup data']).toBe(1)
    expect(checks['/sleep is cut short in a smoke run']).toBe(3)
    expect(report.checks.every((c) => c.fails === 0)).toBe(true)
    expect(tornDown).toEqual({ base: BASE_URL, token: 'from-setup' })
    // setup + 3 reads + 3 × (echo, teapot, slow) + teardown
    expect(report.requests).toBe(1 + 3 + 9 + 1)
    const samples = Object.fromEntries(report.metrics.map((m) => [m.name, m.samples]))
    expect(samples).toMatchObject({ echoes: 3, body_size: 3, teapots: 3, last_iteration: 3, http_reqs: 14 })
    // Thresholds are valid and evaluated on the run's samples.
    const held = Object.fromEntries(report.thresholds.map((t) => [`${t.expression} ${t.condition}`, t.held]))
    expect(held).toEqual({
      'echoes count>0': true,
      'body_size p(95)<100000': true,
      'body_size avg>0': true,
      'teapots rate<0.5': false,
      'last_iteration value>=0': true,
      'http_req_duration{scenario:readers} max<60000': true,
      'http_req_failed rate<0.5': true,
    })
  }, 30_000)

  test('reports a run whose check fails as failed, naming the check', async () => {
    const report = await runK6Script({
      script: join(FIXTURES, 'failing-check.k6.ts'),
      env: { BASE_URL },
      iterations: 2,
    })

    expect(failuresOf(report)).toEqual(["check 'the server is a teapot' failed 2 of 2"])
    expect(report.checks.find((c) => c.name === 'the server answers')).toMatchObject({ passes: 2, fails: 0 })
  }, 30_000)

  test('reports thresholds k6 would refuse and iterations that throw', async () => {
    const report = await runK6Script({ script: join(FIXTURES, 'broken.k6.ts'), env: {}, iterations: 2 })

    const failures = failuresOf(report, { setup: true, teardown: true })
    expect(
      failures.filter((f) => f.startsWith('iteration (default): Error: the iteration blew up')),
    ).toHaveLength(2)
    expect(failures).toContain(
      "threshold no_such_metric: no metric 'no_such_metric' (neither built in nor declared by the script)",
    )
    expect(failures).toContain("threshold http_req_duration: a trend metric has no 'rate' aggregation")
    expect(report.setupRan && report.teardownRan).toBe(true)
  }, 30_000)

  test('reports a script that does not load, and a missing setup() or teardown() when one is expected', async () => {
    const report = await runK6Script({ script: join(FIXTURES, 'no-such-script.k6.ts') })

    const failures = failuresOf(report, { setup: true, teardown: true })
    expect(failures[0]).toStartWith('init: ')
    expect(failures).toContain('setup() did not complete')
    expect(failures).toContain('teardown() did not complete')
  }, 30_000)
})

describe('k6 conventions', () => {
  test('header names come back in Go canonical form, as k6 gives them', () => {
    expect(canonicalHeader('x-cache-status')).toBe('X-Cache-Status')
    expect(canonicalHeader('RATELIMIT-POLICY')).toBe('Ratelimit-Policy')
    expect(canonicalHeader('etag')).toBe('Etag')
  })

  test('timeouts read as k6 writes them', () => {
    expect(durationMs('10s', 1)).toBe(10_000)
    expect(durationMs('250ms', 1)).toBe(250)
    expect(durationMs('1.5m', 1)).toBe(90_000)
    expect(durationMs(undefined, 42)).toBe(42)
    expect(() => durationMs('soon', 1)).toThrow("cannot read duration 'soon'")
  })
})
