/**
 * One line of the edge's access log in nginx's `jackpot_edge` format
 * (ops/edge/nginx.conf):
 *
 *   $remote_addr [$time_iso8601] "$request" $status $upstream_cache_status rt=$request_time urt=… rid=…
 *
 * possibly behind a syslog header (`<190>Dec  1 10:00:00 jackpot_edge: …`)
 * when nginx logs with `access_log syslog:server=…`.
 */
export interface EdgeLogLine {
  /** HTTP status the edge answered with. */
  status: number
  /** nginx's $upstream_cache_status, or 'NONE' where the location does not cache ('-'). */
  cacheStatus: EdgeCacheStatus
  /** $request_time in seconds. */
  seconds: number
}

/** The values of nginx's $upstream_cache_status, plus NONE for uncached locations. */
export const EDGE_CACHE_STATUSES = [
  'HIT',
  'MISS',
  'EXPIRED',
  'STALE',
  'UPDATING',
  'REVALIDATED',
  'BYPASS',
  'NONE',
] as const
export type EdgeCacheStatus = (typeof EDGE_CACHE_STATUSES)[number]

/**
 * Answers served from the edge's cache without waiting for a replica: a fresh
 * hit, or a stale copy while one request refreshes it (`proxy_cache_use_stale
 * updating`) or while the replicas fail. REVALIDATED is not one: a replica
 * answered (a cheap 304, but a round trip all the same).
 */
export const EDGE_HIT_STATUSES: readonly EdgeCacheStatus[] = ['HIT', 'STALE', 'UPDATING']

// The quoted request line is skipped whole: nginx escapes quotes inside it, and
// a garbage request ("-", binary) must still count.
const LINE = /"(?:[^"\\]|\\.)*" (\d{3}) (\S+) rt=(\d+(?:\.\d+)?)/

/**
 * Parses one access-log line; `undefined` when it is not in the `jackpot_edge` format.
 *
 * @example
 * parseEdgeLogLine('127.0.0.1 [2026-01-01T00:00:00+00:00] "GET /api/v1/pools HTTP/1.1" 200 HIT rt=0.000 urt=- rid=abc')
 * // → { status: 200, cacheStatus: 'HIT', seconds: 0 }
 */
export function parseEdgeLogLine(line: string): EdgeLogLine | undefined {
  const match = LINE.exec(line)
  if (!match) return undefined
  const raw = match[2]!
  const cacheStatus =
    raw === '-' ? 'NONE' : (EDGE_CACHE_STATUSES as readonly string[]).includes(raw) ? raw : undefined
  if (cacheStatus === undefined) return undefined
  return { status: Number(match[1]), cacheStatus: cacheStatus as EdgeCacheStatus, seconds: Number(match[3]) }
}
