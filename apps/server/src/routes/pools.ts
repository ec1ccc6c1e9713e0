import type { Config } from '@jackpot/config'
import { Elysia, t } from 'elysia'
import { PoolSlug } from '../http/domain-schemas.ts'
import { ProblemSchema } from '../http/problem.ts'
import { ResponseHeaders } from '../http/response-headers.ts'
import type { PoolCache } from '../pool-cache/pool-cache.ts'
import type { CachedJson } from '../pool-cache/pool-snapshot.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { RATE_LIMIT_VOLATILE_HEADERS } from '../rate-limit/rate-limit-plugin.ts'
import { PoolListSchema, PoolSchema } from '../views/pool-view.ts'
import type { RouteDeps } from './route-deps.ts'

const Slug = PoolSlug({ examples: ['mega'] })

/**
 * Public pool reads, served from the pool cache: the body is JSON rendered
 * once per change, so a read is a lookup. Responses carry a strong ETag
 * (answering `If-None-Match` with 304) and a `Cache-Control` an edge acts on,
 * because players' front ends poll these constantly.
 *
 * @example
 * app.use(poolRoutes(deps, createPoolCache({ store })))
 */
export function poolRoutes({ config }: RouteDeps, poolCache: PoolCache) {
  const cacheControl = poolCacheControl(config)
  // One Response with every header: the ones the global hooks put in `set.headers`
  // (security, CORS, rate limit) and the read's own. Handing Elysia a Response *and* a
  // non-empty `set.headers` makes it copy both into a second Response per request, so
  // `set.headers` is emptied once used; and the headers, mostly the same from one read
  // to the next, come from a template (see ResponseHeaders). Both measured by
  // bench/pool-reads.bench.ts.
  const headers = new ResponseHeaders({ volatile: RATE_LIMIT_VOLATILE_HEADERS })
  const respond = (entry: CachedJson, request: Request, set: { headers: Record<string, unknown> }) => {
    const fields = set.headers
    set.headers = {}
    fields.etag = entry.etag
    fields['cache-control'] = cacheControl
    if (matches(request.headers.get('if-none-match'), entry.etag)) {
      return headers.response(null, 304, fields)
    }
    fields['content-type'] = 'application/json'
    return headers.response(entry.body, 200, fields)
  }

  return new Elysia({ normalize: false })
    .get('/pools', async ({ request, set }) => respond(await poolCache.list(), request, set), {
      response: { 200: PoolListSchema },
      detail: {
        ...limitedAs('public'),
        tags: ['pools'],
        operationId: 'listPools',
        summary: 'List pools',
        description: 'Public; edge-cacheable: strong ETag (304 on If-None-Match) and Cache-Control.',
      },
    })
    .get(
      '/pools/:slug',
      async ({ params, request, set }) => respond(await poolCache.pool(params.slug), request, set),
      {
        params: t.Object({ slug: Slug }),
        response: { 200: PoolSchema, 404: ProblemSchema },
        detail: {
          ...limitedAs('public'),
          tags: ['pools'],
          operationId: 'getPool',
          summary: 'Read one pool',
          description: 'Public; edge-cacheable: strong ETag (304 on If-None-Match) and Cache-Control.',
        },
      },
    )
}

/**
 * `Cache-Control` of pool reads, from the `POOL_CACHE_*` settings: browsers
 * reuse a read for `max-age`, an edge for `s-maxage`, then serves it stale
 * while refreshing (`stale-while-revalidate`) or while the origin fails
 * (`stale-if-error`).
 *
 * @example
 * poolCacheControl(config) // 'public, max-age=1, s-maxage=1, stale-while-revalidate=5, stale-if-error=60'
 */
export function poolCacheControl(config: Config): string {
  return [
    'public',
    `max-age=${config.POOL_CACHE_MAX_AGE_SECONDS}`,
    `s-maxage=${config.POOL_CACHE_S_MAXAGE_SECONDS}`,
    `stale-while-revalidate=${config.POOL_CACHE_SWR_SECONDS}`,
    `stale-if-error=${config.POOL_CACHE_SIE_SECONDS}`,
  ].join(', ')
}

/** RFC 9110 §13.1.2: If-None-Match compares weakly, so `W/"x"` from a client matches our `"x"`. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false
  if (ifNoneMatch === etag) return true
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim()
    return tag === '*' || tag === etag || tag === `W/${etag}`
  })
}
