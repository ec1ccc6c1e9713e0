import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  createTestPostgresDatabase,
  runPostgresSuite,
  type TestPostgresDatabase,
} from '@jackpot/domain/testing'
import { TcpProxy } from '@jackpot/observability/testing'
import { testServices } from '@jackpot/test-kit'
import { contribute, type ObservedServer, startObservedServer } from '../support/observed-server.ts'

// Short enough for a test, in the same proportions as the defaults; the timeouts leave room
// for a CI machine busy with other suites (a call over CALL_TIMEOUT_MS counts as a failure).
const CHECK_INTERVAL_MS = 250
const CHECK_TIMEOUT_MS = 1_000
const OPEN_WAIT_MS = 1_000
const CALL_TIMEOUT_MS = 1_500
/** Readiness must follow the database within one interval plus one ping timeout; the rest is scheduling slack. */
const READINESS_DEADLINE_MS = CHECK_INTERVAL_MS + CHECK_TIMEOUT_MS + 1_000
const PASSWORD = 'pg-password-never-logged-8d1f'

interface Health {
  status: number
  body: { status: string; checks: Record<string, { status: string; output?: string }[]> }
}

async function health(server: ObservedServer, path: string): Promise<Health> {
  const response = await server.fetch(path)
  expect(response.headers.get('content-type')).toStartWith('application/health+json')
  return { status: response.status, body: (await response.json()) as Health['body'] }
}

/** Polls `path` until its HTTP status is `status`; returns the answer and how long it took. */
async function waitForHealth(
  server: ObservedServer,
  path: string,
  status: number,
  deadlineMs: number,
): Promise<Health & { afterMs: number }> {
  const started = performance.now()
  for (;;) {
    const answer = await health(server, path)
    const afterMs = performance.now() - started
    if (answer.status === status || afterMs > deadlineMs) return { ...answer, afterMs }
    await Bun.sleep(25)
  }
}

/**
 * Sends contributions one at a time until the breaker is closed again and a write
 * succeeds, then three more that must all succeed. On the way, while the breaker is open
 * or half-open (a request beyond its permitted probes is refused, like in resilience4j),
 * only 503s with Retry-After are acceptable. Returns how many were refused.
 */
async function writesFlowAgain(
  server: ObservedServer,
  key: string,
  proxyPort: number,
  deadlineMs: number,
): Promise<number> {
  const started = performance.now()
  let refused = 0
  for (;;) {
    const response = await contribute(server, key)
    const state = server.telemetry.databaseBreaker.state
    if (response.status === 201 && state === 'closed') break
    if (response.status !== 201) {
      await expectUnavailable(response, proxyPort)
      refused++
    }
    expect(performance.now() - started, `breaker still ${state}`).toBeLessThan(deadlineMs)
    await Bun.sleep(20)
  }
  for (let i = 0; i < 3; i++) expect((await contribute(server, key)).status).toBe(201)
  return refused
}

async function rejectedCalls(server: ObservedServer): Promise<number> {
  const text = await (await server.fetch('/metrics')).text()
  const line = text
    .split('\n')
    .find((l) => l.startsWith('circuit_breaker_calls_total{breaker="database",outcome="rejected"}'))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

/** A 503 problem with a Retry-After of a whole number of seconds and nothing about the database in it. */
async function expectUnavailable(response: Response, proxyPort: number): Promise<number> {
  expect(response.status).toBe(503)
  expect(response.headers.get('content-type')).toStartWith('application/problem+json')
  const retryAfter = response.headers.get('retry-after')
  expect(retryAfter).toMatch(/^[1-9]\d*$/)
  const text = await response.text()
  expect(JSON.parse(text)).toMatchObject({
    type: 'https://jackpot.dev/problems/service-unavailable',
    status: 503,
  })
  expect(text).not.toContain(String(proxyPort))
  expect(text).not.toContain(PASSWORD)
  return Number(retryAfter)
}

if (await runPostgresSuite('apps/server database outage')) {
  describe('end-to-end: the server on PostgreSQL behind a proxy that fails', () => {
    let database: TestPostgresDatabase
    let proxy: TcpProxy
    let server: ObservedServer
    let key: string

    beforeAll(async () => {
      database = await createTestPostgresDatabase()
      const target = new URL(testServices().postgresUrl)
      proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) })
      const url = new URL(database.url)
      url.host = `127.0.0.1:${proxy.port}`
      // The test server trusts local connections; the password is there to prove it never reaches a log line.
      url.password = PASSWORD
      server = await startObservedServer({
        databaseUrl: url.toString(),
        env: { LOG_LEVEL: 'info' },
        observability: {
          databaseCheck: { intervalMs: CHECK_INTERVAL_MS, timeoutMs: CHECK_TIMEOUT_MS },
          breaker: { openStateWaitMs: OPEN_WAIT_MS, timeoutMs: CALL_TIMEOUT_MS },
        },
      })
      key = await server.gameKey()
    }, 60_000)

    afterAll(async () => {
      await server?.close()
      await proxy?.close()
      await database?.drop()
    }, 30_000)

    test('readiness fails within the check interval while liveness passes, writes get 503 + Retry-After, and all recovers with no restart', async () => {
      const ready = await waitForHealth(server, '/health/ready', 200, READINESS_DEADLINE_MS)
      expect(ready.status).toBe(200)
      expect(ready.body.status).toBe('pass')
      expect(ready.body.checks.database?.[0]?.status).toBe('pass')
      expect((await contribute(server, key)).status).toBe(201)

      proxy.cut()
      const down = await waitForHealth(server, '/health/ready', 503, READINESS_DEADLINE_MS)
      expect(down.status).toBe(503)
      expect(down.afterMs).toBeLessThanOrEqual(READINESS_DEADLINE_MS)
      expect(down.body.status).toBe('fail')
      expect(down.body.checks.database?.[0]?.status).toBe('fail')
      expect(JSON.stringify(down.body)).not.toContain(PASSWORD)
      expect((await health(server, '/health/database')).status).toBe(503)
      const live = await health(server, '/health/live')
      expect(live.status).toBe(200)
      // In-process only: pass, or warn if a loaded machine stalled the event loop; never fail.
      expect(['pass', 'warn']).toContain(live.body.status)

      // Writes reach the dead database and fail; that opens the breaker. Concurrent writes
      // share one batch (one database call), so they are sent one after the other here.
      const rejectedBefore = await rejectedCalls(server)
      const refusals: Response[] = []
      for (let i = 0; i < 12 && server.telemetry.databaseBreaker.state !== 'open'; i++) {
        refusals.push(await contribute(server, key))
      }
      for (const response of refusals) await expectUnavailable(response, proxy.port)
      expect(server.telemetry.databaseBreaker.state).toBe('open')
      // While it is open, a write is refused without a database call, and Retry-After says when it will probe again.
      const openRefusal = await contribute(server, key)
      expect(await expectUnavailable(openRefusal, proxy.port)).toBeLessThanOrEqual(
        Math.ceil(OPEN_WAIT_MS / 1000),
      )
      expect(await rejectedCalls(server)).toBeGreaterThan(rejectedBefore)
      expect((await health(server, '/health/live')).status).toBe(200)

      proxy.restore()
      const back = await waitForHealth(server, '/health/ready', 200, READINESS_DEADLINE_MS)
      expect(back.status).toBe(200)
      expect(back.body.status).toBe('pass')
      // Writes come back once the breaker's wait is over and its probes succeed.
      await writesFlowAgain(server, key, proxy.port, OPEN_WAIT_MS + 5_000)

      // Each refused request was logged once, under its own request id, without the database password.
      const failed = server.logs.lines.filter((line) => line.msg === 'request failed')
      expect(failed.length).toBeGreaterThanOrEqual(refusals.length + 1)
      for (const line of failed) expect(line.requestId).toMatch(/^[0-9a-f-]{36}$/)
      for (const line of server.logs.raw) expect(line).not.toContain(PASSWORD)
    }, 30_000)

    test('pool reads keep answering from memory while PostgreSQL stalls, and never wait for it', async () => {
      proxy.restore()
      expect((await waitForHealth(server, '/health/ready', 200, READINESS_DEADLINE_MS)).status).toBe(200)
      await writesFlowAgain(server, key, proxy.port, OPEN_WAIT_MS + 5_000)
      const before = await (await server.fetch('/api/v1/pools')).text()

      proxy.stall()
      // Past the cached copy's 1 s TTL, so every read below would refresh it from the database.
      await Bun.sleep(1_200)
      const durations: number[] = []
      for (let i = 0; i < 20; i++) {
        const started = performance.now()
        const response = await server.fetch('/api/v1/pools')
        expect(response.status).toBe(200)
        expect(await response.text()).toBe(before)
        durations.push(performance.now() - started)
      }
      // The median, so one scheduling hiccup of a loaded CI machine does not decide it: a read that
      // waited for the stalled database would take the breaker's whole call timeout.
      durations.sort((a, b) => a - b)
      expect(durations[10]!).toBeLessThan(10)
      proxy.restore()
    }, 30_000)

    test('a hung database times calls out with 503 instead of holding requests, and readiness follows it', async () => {
      proxy.restore() // whatever the previous test left
      expect((await waitForHealth(server, '/health/ready', 200, READINESS_DEADLINE_MS)).status).toBe(200)
      await writesFlowAgain(server, key, proxy.port, OPEN_WAIT_MS + 5_000)

      proxy.stall()
      const down = await waitForHealth(server, '/health/ready', 503, READINESS_DEADLINE_MS)
      expect(down.status).toBe(503)
      expect(down.body.checks.database?.[0]?.status).toBe('fail')
      expect((await health(server, '/health/live')).status).toBe(200)

      // Each batch waits out the breaker's timeout (and is then abandoned: it rolls back when
      // the database answers again), until enough of the window has failed to open it.
      for (let batch = 0; batch < 10 && server.telemetry.databaseBreaker.state !== 'open'; batch++) {
        const refusals = await Promise.all(Array.from({ length: 6 }, () => contribute(server, key)))
        for (const response of refusals) await expectUnavailable(response, proxy.port)
      }
      expect(server.telemetry.databaseBreaker.state).toBe('open')
      const timedOut = server.logs.lines.filter(
        (line) => (line.err as { code?: string } | undefined)?.code === 'E_CIRCUIT_TIMEOUT',
      )
      expect(timedOut.length).toBeGreaterThan(0)

      proxy.restore()
      expect((await waitForHealth(server, '/health/ready', 200, READINESS_DEADLINE_MS)).status).toBe(200)
      await writesFlowAgain(server, key, proxy.port, OPEN_WAIT_MS + 5_000)
    }, 30_000)
  })
}
