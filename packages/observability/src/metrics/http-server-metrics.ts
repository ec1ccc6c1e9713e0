import type { Attributes, Histogram, Meter, ObservableUpDownCounter } from '@opentelemetry/api'

/**
 * Bucket boundaries (seconds) of `http.server.request.duration`: the OTel semconv
 * defaults plus every SLA bound (50, 100, 150, 200 ms), so SLA ratios can be read
 * straight from the buckets instead of being interpolated.
 */
export const HTTP_SERVER_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 1, 2.5, 5, 10,
]

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
])

/**
 * `http.request.method` as semconv wants it: known methods as-is, anything else
 * `_OTHER`, so a client inventing methods cannot create new series.
 */
export function normalizeHttpMethod(method: string): string {
  // Runs up to three times per request: the usual methods skip the Set's hashing.
  if (method === 'GET' || method === 'POST') return method
  return KNOWN_METHODS.has(method) ? method : '_OTHER'
}

/** One finished request, as the HTTP server metrics record it. */
export interface HttpRequestRecord {
  method: string
  /** The matched route template (`/items/:id`); leave undefined when no route matched. */
  route?: string | undefined
  status: number
  durationSeconds: number
}

/** HTTP server instruments per the OpenTelemetry semantic conventions. */
export interface HttpServerMetrics {
  /** Counts a request as in flight (`http.server.active_requests` + 1). */
  requestStarted(method: string): void
  /** Ends the in-flight count of a request started with {@link requestStarted}. */
  requestEnded(method: string): void
  /** Records `http.server.request.duration` for a finished request. */
  recordRequest(record: HttpRequestRecord): void
}

/**
 * `http.server.active_requests` by `http.request.method`, counted in plain numbers
 * and reported at collection time: two synchronous up-down-counter updates per
 * request would each hash their attribute set.
 */
export function activeRequests(meter: Meter): Pick<HttpServerMetrics, 'requestStarted' | 'requestEnded'> {
  // GET and POST, nearly every request, are plain numbers; other methods a map.
  let get = 0
  let post = 0
  const others = new Map<string, number>()
  const observed: ObservableUpDownCounter = meter.createObservableUpDownCounter(
    'http.server.active_requests',
    {
      description: 'Number of active HTTP server requests.',
      unit: '{request}',
    },
  )
  let seenGet = false
  let seenPost = false
  observed.addCallback((result) => {
    if (seenGet) result.observe(get, { 'http.request.method': 'GET' })
    if (seenPost) result.observe(post, { 'http.request.method': 'POST' })
    for (const [method, count] of others) result.observe(count, { 'http.request.method': method })
  })
  const add = (method: string, delta: number) => {
    if (method === 'GET') {
      get += delta
      seenGet = true
    } else if (method === 'POST') {
      post += delta
      seenPost = true
    } else {
      const normalized = normalizeHttpMethod(method)
      others.set(normalized, (others.get(normalized) ?? 0) + delta)
    }
  }
  return {
    requestStarted: (method) => add(method, 1),
    requestEnded: (method) => add(method, -1),
  }
}

/**
 * Creates the HTTP server instruments on any OpenTelemetry `meter`: the
 * `http.server.request.duration` histogram (seconds; `http.request.method`,
 * `http.route`, `http.response.status_code`) and `http.server.active_requests`
 * (`http.request.method`). With `createMetrics()`, prefer its `http`, which records
 * the same series several times cheaper.
 *
 * @example
 * const http = httpServerMetrics(meter)
 * http.requestStarted('GET')
 * // … handle the request …
 * http.requestEnded('GET')
 * http.recordRequest({ method: 'GET', route: '/items/:id', status: 200, durationSeconds: 0.012 })
 */
export function httpServerMetrics(meter: Meter): HttpServerMetrics {
  const duration: Histogram = meter.createHistogram('http.server.request.duration', {
    description: 'Duration of HTTP server requests.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...HTTP_SERVER_DURATION_BUCKETS] },
  })
  return {
    ...activeRequests(meter),
    recordRequest({ method, route, status, durationSeconds }) {
      const attributes: Attributes = {
        'http.request.method': normalizeHttpMethod(method),
        'http.response.status_code': status,
      }
      if (route !== undefined) attributes['http.route'] = route
      duration.record(durationSeconds, attributes)
    },
  }
}
