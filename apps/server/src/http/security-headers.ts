import { Elysia } from 'elysia'

/** JSON responses never need to load anything, so the API gets the tightest policy there is. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * Swagger UI is a page: its own scripts and styles (served locally), an inline
 * bootstrap script, data: images, and fetches of the spec back to this origin.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ')

export interface SecurityHeadersOptions {
  /** Path prefix of the HTML documentation, which gets a page-friendly CSP. Defaults to '/swagger'. */
  docsPath?: string
}

/**
 * Sets the usual hardening headers on every response, errors included.
 *
 * @example
 * new Elysia().use(securityHeaders())
 */
export function securityHeaders(options: SecurityHeadersOptions = {}) {
  const { docsPath = '/swagger' } = options
  return new Elysia({ name: 'jackpot/security-headers' }).onRequest(({ request, set }) => {
    const path = new URL(request.url).pathname
    const isDocs = path === docsPath || path.startsWith(`${docsPath}/`)
    Object.assign(set.headers, {
      'content-security-policy': isDocs ? DOCS_CSP : API_CSP,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      // Browsers ignore HSTS over plain HTTP, so this only takes effect behind the TLS edge.
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    })
  })
}
