/** What Elysia's `server` offers to find a request's peer address (Bun's `Server.requestIP`). */
export interface RequestIpSource {
  requestIP?: (request: Request) => { address: string } | null
}

/**
 * The client's IP: the first `X-Forwarded-For` hop when behind a trusted edge
 * (`trustProxy`), else the socket's peer address; `'unknown'` when neither is
 * known (a request handed to `app.handle` in tests).
 *
 * @example
 * clientIp(request, server, config.TRUST_PROXY) // '203.0.113.7'
 */
export function clientIp(request: Request, server: RequestIpSource | null, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  return server?.requestIP?.(request)?.address ?? 'unknown'
}
