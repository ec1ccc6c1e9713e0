import { Elysia } from 'elysia'
import { clientIp, type RequestIpSource, trustedProxyHops } from '../http/client-ip.ts'
import { HttpProblem, problem } from '../http/problem.ts'
import type { PoolCache } from '../pool-cache/pool-cache.ts'
import type { PoolStreamHub } from '../pool-stream/pool-stream-hub.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import type { RouteDeps } from './route-deps.ts'

export interface PoolStreamRouteOptions {
  poolCache: PoolCache
  /** Fed by `poolCache`; built and closed by `buildServer`. */
  hub: PoolStreamHub
}

/** Headers of the stream: never cached or transformed by anything between us and the client. */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store, no-transform',
  // nginx (and compatible proxies) pass the events through as they come instead of buffering.
  'x-accel-buffering': 'no',
} as const

/**
 * `GET /pools/stream`: public Server-Sent Events. A `pools` event with every
 * pool (the body of `GET /pools`) on connect, then one on every change,
 * coalesced to at most 10 per second; event ids are snapshot revisions, so a
 * reconnecting `EventSource` resumes with `Last-Event-ID`. Fed from the pool
 * cache (see {@link PoolStreamHub}), never a query per subscriber.
 *
 * @example
 * app.use(poolStreamRoutes(deps, { poolCache, hub }))
 */
export function poolStreamRoutes({ config }: RouteDeps, { poolCache, hub }: PoolStreamRouteOptions) {
  return new Elysia({ name: 'jackpot/pool-stream', normalize: false }).get(
    '/pools/stream',
    async ({ request, server, set }) => {
      // The first event goes out from memory once the cache holds a snapshot.
      await poolCache.snapshot()
      const ip = clientIp(request, server as RequestIpSource | null, trustedProxyHops(config))
      const opening = hub.open(ip, request.headers.get('last-event-id'), request.signal)
      if (!opening.ok) {
        if (opening.reason === 'shutting-down') {
          throw new HttpProblem(
            problem('service-unavailable', { detail: 'This replica is shutting down; reconnect.' }),
            { 'retry-after': '1' },
          )
        }
        throw new HttpProblem(
          problem('rate-limited', {
            detail: `At most ${opening.limit} concurrent pool streams per client; close one first.`,
          }),
          { 'retry-after': '5' },
        )
      }
      // Bun closes a connection idle for 10 s by default; a stream is quiet between changes.
      ;(server as { timeout?: (request: Request, seconds: number) => void } | null)?.timeout?.(request, 0)
      const headers = { ...set.headers, ...STREAM_HEADERS } as Record<string, string>
      set.headers = {}
      return new Response(opening.stream, { status: 200, headers })
    },
    {
      detail: {
        ...limitedAs('public'),
        tags: ['pools'],
        operationId: 'streamPools',
        summary: 'Stream pool changes (Server-Sent Events)',
        description: [
          'Public. `text/event-stream`: one `pools` event on connect with every pool (the body of',
          '`GET /api/v1/pools`), then one on every change, at most 10 per second per subscriber',
          '(changes in between are coalesced into the next event). Each event id is the snapshot',
          'revision, which only grows: a client reconnecting with `Last-Event-ID` gets the current',
          'state at once unless it already has it, so it misses nothing. A `: heartbeat` comment',
          'every 15 s keeps proxies from closing the stream. Each client IP may hold',
          '`POOL_STREAM_MAX_PER_IP` streams at once; one more is answered 429.',
        ].join(' '),
        parameters: [
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'Revision of the last event received; set by EventSource on reconnect.',
            schema: { type: 'string', pattern: '^\\d+$' },
          },
        ],
        responses: {
          200: {
            description: 'The event stream (never ends from the server side but at shutdown).',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                example:
                  'retry: 1000\n\nid: 42\nevent: pools\ndata: {"pools":[{"slug":"mega","amountCents":10000250,…}]}\n\n: heartbeat\n\n',
              },
            },
          },
        },
      },
    },
  )
}
