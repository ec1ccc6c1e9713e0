import { Elysia } from 'elysia'

export interface CorsOptions {
  /** Allowed origins, exact match; `'*'` allows any. */
  origins: readonly string[]
  /** Seconds a browser may cache a preflight. Defaults to 600. */
  maxAgeSeconds?: number
}

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS'
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-API-Key, If-None-Match'
// Without these a browser client cannot see replays, cache validators or rate-limit state.
const EXPOSED_HEADERS =
  'ETag, Idempotency-Replayed, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy'

/**
 * CORS for the configured origins: answers preflights itself and marks every
 * response (errors included) for allowed origins. Unknown origins get no CORS
 * headers, so the browser blocks them.
 *
 * @example
 * new Elysia().use(cors({ origins: config.corsOrigins }))
 */
export function cors(options: CorsOptions) {
  const anyOrigin = options.origins.includes('*')
  const allowed = new Set(options.origins)
  const maxAge = String(options.maxAgeSeconds ?? 600)

  return (
    new Elysia({ name: 'jackpot/cors' })
      // Caches must key on Origin, or one site's answer would be served to another. A default
      // header (see securityHeaders): every response starts with it, without a hook.
      .headers({ vary: 'Origin' })
      .onRequest(({ request, set }) => {
        const origin = request.headers.get('origin')
        if (!origin || !(anyOrigin || allowed.has(origin))) {
          return
        }
        set.headers['access-control-allow-origin'] = anyOrigin ? '*' : origin
        set.headers['access-control-expose-headers'] = EXPOSED_HEADERS

        if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
          return new Response(null, {
            status: 204,
            headers: {
              ...(set.headers as Record<string, string>),
              'access-control-allow-methods': ALLOWED_METHODS,
              'access-control-allow-headers': ALLOWED_HEADERS,
              'access-control-max-age': maxAge,
            },
          })
        }
      })
  )
}
