import type { Config } from '@jackpot/config'

/** What Elysia's `server` offers to find a request's peer address (Bun's `Server.requestIP`). */
export interface RequestIpSource {
  requestIP?: (request: Request) => { address: string } | null
}

/**
 * The client's address as the trusted proxies saw it.
 *
 * Each proxy appends the address it received the request from to
 * `X-Forwarded-For`, so only the right-most `trustedHops` entries were written
 * by proxies we trust; anything to their left came from the client and may be
 * forged. Reading right to left, the entry the outermost trusted proxy wrote is
 * the client. With fewer entries than trusted hops the request did not come
 * through the edge, and the socket's peer is all we know.
 *
 * @example
 * clientAddress('6.6.6.6, 203.0.113.9', '10.0.0.2', 1) // '203.0.113.9' (6.6.6.6 was sent by the client)
 */
export function clientAddress(forwardedFor: string | null, peer: string, trustedHops: number): string {
  if (trustedHops <= 0 || !forwardedFor) return peer
  const entries = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
  if (entries.length < trustedHops) return peer
  return entries[entries.length - trustedHops] ?? peer
}

/**
 * The client IP of a request: `X-Forwarded-For` read right to left through
 * `trustedHops` proxies (see {@link clientAddress}), else the socket's peer
 * address; `'unknown'` when neither is known (a request handed to `app.handle`
 * in tests).
 *
 * @example
 * clientIp(request, server, trustedProxyHops(config)) // '203.0.113.7'
 */
export function clientIp(request: Request, server: RequestIpSource | null, trustedHops: number): string {
  const peer = server?.requestIP?.(request)?.address ?? 'unknown'
  return clientAddress(request.headers.get('x-forwarded-for'), peer, trustedHops)
}

/**
 * How many `X-Forwarded-For` entries to trust: `TRUST_PROXY_HOPS` behind a
 * trusted edge (`TRUST_PROXY=true`), none otherwise.
 */
export function trustedProxyHops(config: Pick<Config, 'TRUST_PROXY' | 'TRUST_PROXY_HOPS'>): number {
  return config.TRUST_PROXY ? config.TRUST_PROXY_HOPS : 0
}
