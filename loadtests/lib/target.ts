/// <reference types="k6" />
/**
 * Where a k6 run points and how it authenticates, from `-e NAME=value`:
 *   BASE_URL     the edge or a replica. Defaults to http://localhost:8080 (the compose edge).
 *   API_KEY      a game-server key for contributions and wins, or
 *   ADMIN_TOKEN  an admin bearer token: setup() then creates a key
 *                (`bun run cli token --role admin --sub k6`).
 *   POOLS        comma-separated pool slugs. Defaults to minor,major,mega.
 *   CURRENCY     contribution currency. Defaults to EUR.
 */
import http from 'k6/http'

export interface Target {
  baseUrl: string
  apiKey: string
  pools: string[]
  currency: string
}

export function baseUrl(): string {
  return (__ENV.BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '')
}

/**
 * k6 `setup()` body: resolves the API key once for every VU.
 *
 * @example
 * export function setup(): Target { return resolveTarget() }
 */
export function resolveTarget(): Target {
  const base = baseUrl()
  let apiKey = __ENV.API_KEY ?? ''
  if (!apiKey) {
    const token = __ENV.ADMIN_TOKEN
    if (!token)
      throw new Error('set -e API_KEY=… or -e ADMIN_TOKEN=… (bun run cli token --role admin --sub k6)')
    const response = http.post(`${base}/api/v1/api-keys`, JSON.stringify({ name: `k6-${Date.now()}` }), {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    if (response.status !== 201)
      throw new Error(`creating an API key answered ${response.status}: ${response.body}`)
    apiKey = (response.json() as { key: string }).key
  }
  return {
    baseUrl: base,
    apiKey,
    pools: (__ENV.POOLS ?? 'minor,major,mega').split(',').filter(Boolean),
    currency: __ENV.CURRENCY ?? 'EUR',
  }
}
