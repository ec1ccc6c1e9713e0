import { expect } from 'bun:test'
import autocannon from 'autocannon'
import { parseEdgeLogLine } from '../../../../../ops/edge-metrics/edge-log-line.ts'
import { signJwt } from '../../../src/auth/jwt.ts'
import type { StaffRole } from '../../../src/auth/roles.ts'

/** A bearer token the local cluster's replicas accept. */
export function clusterToken(secret: string, role: StaffRole, sub: string): string {
  return signJwt({ sub, role }, { secret, issuer: 'jackpot-platform', ttlSeconds: 3600 })
}

/** `GET /api/v1/pools` on `base`: its strong ETag and mega's amount. Fails on anything but 200. */
export async function readPools(base: string): Promise<{ etag: string; mega: number; cache: string | null }> {
  const response = await fetch(`${base}/api/v1/pools`)
  const text = await response.text()
  if (response.status !== 200)
    throw new Error(`GET ${base}/api/v1/pools answered ${response.status}: ${text}`)
  const etag = response.headers.get('etag')
  if (etag === null || etag.startsWith('W/')) throw new Error(`no strong ETag from ${base}: ${etag}`)
  const mega = (JSON.parse(text) as { pools: { slug: string; amountCents: number }[] }).pools.find(
    (pool) => pool.slug === 'mega',
  )
  if (mega === undefined) throw new Error(`no mega pool in ${text}`)
  return { etag, mega: mega.amountCents, cache: response.headers.get('x-cache-status') }
}

/** Posts one contribution of `wagerCents` through `base` with a game API key and expects 201. */
export async function contribute(base: string, apiKey: string, wagerCents = 40_000): Promise<void> {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({ gameId: 'cluster-e2e', wagerCents, currency: 'EUR' }),
  })
  expect(response.status).toBe(201)
  await response.arrayBuffer()
}

/** Creates a game API key named `name` through `base` with an admin token. */
export async function createGameKey(base: string, adminToken: string, name = 'cluster-e2e'): Promise<string> {
  const response = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ name }),
  })
  const body = (await response.json()) as { key?: string }
  if (response.status !== 201 || !body.key)
    throw new Error(`could not create an API key (${response.status}): ${JSON.stringify(body)}`)
  return body.key
}

/** The `cache` check of `/health` on `base` (`pass`, `warn`, …). */
export async function cacheCheck(base: string): Promise<string> {
  const body = (await fetch(`${base}/health`).then((response) => response.json())) as {
    checks: Record<string, { status: string }[]>
  }
  return body.checks.cache?.[0]?.status ?? 'missing'
}

/** Current state of a breaker as `/metrics` shows it (`circuit_breaker_state{breaker,state} 1`). */
export async function breakerState(base: string, breaker: string): Promise<string> {
  const text = await fetch(`${base}/metrics`).then((response) => response.text())
  const line = new RegExp(`^circuit_breaker_state\\{breaker="${breaker}",state="([a-z_]+)"\\} 1$`, 'm')
  return line.exec(text)?.[1] ?? 'missing'
}

/** A counter's value from `/metrics` (sum over the lines whose labels contain every `labels` pair). */
export async function counterValue(
  base: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await fetch(`${base}/metrics`).then((response) => response.text())
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue
    sum += Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return sum
}

/** Polls `probe` every `intervalMs` until it returns true; returns the milliseconds it took, or throws. */
export async function within(
  timeoutMs: number,
  probe: () => Promise<boolean>,
  what: string,
  intervalMs = 10,
): Promise<number> {
  const started = performance.now()
  for (;;) {
    if (await probe()) return performance.now() - started
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await Bun.sleep(intervalMs)
  }
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}

/** A running autocannon load: its result once done, and a way to end it early. */
export interface Load {
  done: Promise<autocannon.Result>
  stop(): void
}

/** Starts autocannon in this process (no binary needed) and returns at once. */
export function startLoad(options: autocannon.Options): Load {
  let settle: (result: autocannon.Result) => void = () => {}
  let fail: (error: unknown) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve
    fail = reject
  })
  const instance = autocannon(options, (error, result) => (error ? fail(error) : settle(result)))
  return { done, stop: () => instance.stop() }
}

/**
 * How the edge answered the `200` pool reads in an access-log excerpt (ops/edge
 * `jackpot_edge` format), by cache status: `{ HIT: 9 950, MISS: 3, … }`.
 *
 * @example
 * const statuses = edgeCacheStatuses(readFileSync(accessLog, 'utf8').slice(offset))
 */
export function edgeCacheStatuses(
  log: string,
  requestLine = 'GET /api/v1/pools HTTP/1.1',
): Map<string, number> {
  const statuses = new Map<string, number>()
  for (const line of log.split('\n')) {
    if (!line.includes(`"${requestLine}"`)) continue
    const parsed = parseEdgeLogLine(line)
    if (parsed?.status !== 200) continue
    statuses.set(parsed.cacheStatus, (statuses.get(parsed.cacheStatus) ?? 0) + 1)
  }
  return statuses
}
