/// <reference types="k6" />
/**
 * Where a k6 run points and how it authenticates, from `-e NAME=value`:
 *   BASE_URL     the edge or a replica. Defaults to http://localhost:8080 (the compose edge).
 *   API_KEY      a game-server key for contributions and wins, or
 *   ADMIN_TOKEN  an admin bearer token: setup() then creates a key, and teardown()
 *                revokes it (`bun run cli token --role admin --sub k6`).
 *   POOLS        comma-separated pool slugs. Defaults to minor,major,mega.
 *   CURRENCY     contribution currency. Defaults to EUR.
 */
import { check } from 'k6'
import http from 'k6/http'

export interface Target {
  baseUrl: string
  apiKey: string
  /** Id of the key setup() created, which teardown() revokes; null when API_KEY was given. */
  createdKeyId: string | null
  pools: string[]
  currency: string
}

export function baseUrl(): string {
  return (__ENV.BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '')
}

/**
 * k6 `setup()` body: resolves the API key once for every VU, after making sure
 * the public rate limit will not throttle `readsPerSecond` pool reads from this
 * one load generator (see {@link requireReadHeadroom}).
 *
 * @example
 * export function setup(): Target { return resolveTarget({ readsPerSecond: 200 }) }
 */
export function resolveTarget(load: { readsPerSecond: number }): Target {
  const base = baseUrl()
  requireReadHeadroom(base, load.readsPerSecond)
  let apiKey = __ENV.API_KEY ?? ''
  let createdKeyId: string | null = null
  if (!apiKey) {
    const token = __ENV.ADMIN_TOKEN
    if (!token)
      throw new Error('set -e API_KEY=… or -e ADMIN_TOKEN=… (bun run cli token --role admin --sub k6)')
    const response = http.post(`${base}/api/v1/api-keys`, JSON.stringify({ name: `k6-${Date.now()}` }), {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    if (response.status !== 201)
      throw new Error(`creating an API key answered ${response.status}: ${response.body}`)
    const created = response.json() as { id: string; key: string }
    apiKey = created.key
    createdKeyId = created.id
  }
  return {
    baseUrl: base,
    apiKey,
    createdKeyId,
    pools: (__ENV.POOLS ?? 'minor,major,mega').split(',').filter(Boolean),
    currency: __ENV.CURRENCY ?? 'EUR',
  }
}

/**
 * k6 `teardown()` body: revokes the API key setup() created, so a load run
 * leaves no live credential behind. A key given as API_KEY is the caller's and stays.
 *
 * @example
 * export function teardown(target: Target): void { releaseTarget(target) }
 */
export function releaseTarget(target: Target): void {
  if (target.createdKeyId === null) return
  const response = http.del(`${target.baseUrl}/api/v1/api-keys/${target.createdKeyId}`, null, {
    headers: { authorization: `Bearer ${__ENV.ADMIN_TOKEN}` },
  })
  check(response, { 'the API key setup() made is revoked': (r) => r.status === 200 })
}

/**
 * A load generator is one client IP, and pool reads are limited per client IP
 * (`RATE_LIMIT_PUBLIC` per `RATE_LIMIT_WINDOW_SECONDS`): left at the default,
 * the limit, not the server, would answer most reads (429). The server names
 * its limit in `RateLimit-Policy` ("limit;w=seconds"); stop here with the fix
 * rather than measure 429s. No header means rate limiting is off.
 */
function requireReadHeadroom(base: string, readsPerSecond: number): void {
  const response = http.get(`${base}/api/v1/pools`)
  if (response.status !== 200)
    throw new Error(`GET ${base}/api/v1/pools answered ${response.status}: is the server up?`)
  const policy = /^(\d+);w=(\d+)/.exec(response.headers['Ratelimit-Policy'] ?? '')
  if (!policy) return
  const allowedPerSecond = Number(policy[1]) / Number(policy[2])
  if (allowedPerSecond < readsPerSecond)
    throw new Error(
      `the public rate limit allows ${allowedPerSecond.toFixed(1)} pool reads/s per client and this run sends ` +
        `up to ${readsPerSecond}/s from one IP: start the server with RATE_LIMIT_PUBLIC=1000000000 ` +
        '(or RATE_LIMIT_ENABLED=false), as the README load-test section says',
    )
}
