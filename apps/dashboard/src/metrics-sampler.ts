import { OPERATIONS, type Operation } from '../../../loadtests/sla.ts'
import { histogramQuantile, parsePrometheusText, type Sample } from './prometheus-text.ts'

/** What the server's own `/metrics` says over the last sampling interval. */
export interface MetricsPoint {
  /** Milliseconds since the epoch. */
  at: number
  /** API requests per second (health and /metrics left out, as the recording rules do). */
  requestsPerSecond: number | null
  /** Share of API answers that were 5xx; null without traffic. */
  errorRate: number | null
  /** p95 per SLA operation, in milliseconds; null without traffic. */
  p95Ms: Record<Operation, number | null>
}

/** The latest figures besides the chart points. */
export interface MetricsSummary {
  /** Over the last minute (or since the first scrape, if later): steadier than one interval. */
  latest: MetricsPoint | null
  /** L1 hit ratio of the pool cache since the server started; null before any read. */
  cacheHitRatio: number | null
  /** Every breaker and its state (`closed`, `open`, `half_open`, `isolated`). */
  breakers: { name: string; state: string }[]
  streamSubscribers: number | null
  /** Why the last scrape failed, if it did. */
  error: string | null
}

interface Counters {
  at: number
  requests: number
  errors: number
  /** Per operation: `le` → cumulative count. */
  buckets: Record<Operation, Map<number, number>>
}

export interface MetricsSamplerOptions {
  /** Fetches the server's `/metrics` text. */
  scrape: () => Promise<string>
  /** Milliseconds between scrapes. Defaults to 5 000. */
  intervalMs?: number
  /** Points kept for the charts. Defaults to 120 (10 min at 5 s). */
  keep?: number
  now?: () => number
}

const operationOf = (sample: Sample): Operation | undefined => {
  for (const [operation, sla] of Object.entries(OPERATIONS) as [
    Operation,
    (typeof OPERATIONS)[Operation],
  ][]) {
    if (
      sample.labels.http_request_method === sla.method &&
      sla.routes.includes(sample.labels.http_route ?? '')
    ) {
      return operation
    }
  }
  return undefined
}

/**
 * Scrapes the jackpot server's `/metrics` every few seconds and turns the
 * counters into rates, the charts' points when there is no Prometheus: the
 * same figures as the recording rules in ops/prometheus (API requests/s, 5xx
 * ratio, p95 per SLA operation), over one interval instead of 5 minutes.
 *
 * @example
 * const sampler = new MetricsSampler({ scrape: () => fetch(`${api}/metrics`).then((r) => r.text()) })
 * sampler.start()
 */
export class MetricsSampler {
  readonly #scrape: () => Promise<string>
  readonly #intervalMs: number
  readonly #keep: number
  readonly #now: () => number
  readonly #points: MetricsPoint[] = []
  /** Scrapes of the last minute, oldest first, since the last failed one. */
  #recent: Counters[] = []
  #summary: MetricsSummary = {
    latest: null,
    cacheHitRatio: null,
    breakers: [],
    streamSubscribers: null,
    error: null,
  }
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(options: MetricsSamplerOptions) {
    this.#scrape = options.scrape
    this.#intervalMs = options.intervalMs ?? 5_000
    this.#keep = options.keep ?? 120
    this.#now = options.now ?? Date.now
  }

  start(): void {
    if (this.#timer) return
    void this.sample()
    this.#timer = setInterval(() => void this.sample(), this.#intervalMs)
    this.#timer.unref?.()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** The chart points, oldest first. */
  points(): readonly MetricsPoint[] {
    return this.#points
  }

  summary(): MetricsSummary {
    return this.#summary
  }

  /** One scrape: a new point once there are two to compare. */
  async sample(): Promise<void> {
    let samples: Sample[]
    try {
      samples = parsePrometheusText(await this.#scrape())
    } catch (error) {
      this.#summary = { ...this.#summary, error: error instanceof Error ? error.message : String(error) }
      // A gap, not a rate across the outage (the server may have restarted): start afresh.
      this.#recent = []
      return
    }
    const counters = countersOf(samples, this.#now())
    const previous = this.#recent.at(-1)
    // Counters that went down mean a restarted server: rates start afresh from here.
    if (previous && counters.requests < previous.requests) this.#recent = []
    if (previous && this.#recent.length > 0) {
      this.#points.push(pointBetween(previous, counters))
      if (this.#points.length > this.#keep) this.#points.shift()
    }
    this.#recent.push(counters)
    while (this.#recent.length > 2 && counters.at - this.#recent[0]!.at > 60_000) this.#recent.shift()
    const oldest = this.#recent[0]!
    const latest = oldest === counters ? this.#summary.latest : pointBetween(oldest, counters)
    this.#summary = { latest, ...gaugesOf(samples), error: null }
  }
}

function countersOf(samples: Sample[], at: number): Counters {
  const counters: Counters = {
    at,
    requests: 0,
    errors: 0,
    buckets: { contribution: new Map(), win: new Map(), pool_query: new Map() },
  }
  for (const sample of samples) {
    if (!(sample.labels.http_route ?? '').startsWith('/api/')) continue
    if (sample.name === 'http_server_request_duration_seconds_count') {
      counters.requests += sample.value
      if ((sample.labels.http_response_status_code ?? '').startsWith('5')) counters.errors += sample.value
    } else if (sample.name === 'http_server_request_duration_seconds_bucket') {
      const operation = operationOf(sample)
      if (operation === undefined) continue
      const le = sample.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels.le)
      const buckets = counters.buckets[operation]
      buckets.set(le, (buckets.get(le) ?? 0) + sample.value)
    }
  }
  return counters
}

function pointBetween(before: Counters, after: Counters): MetricsPoint {
  const seconds = (after.at - before.at) / 1000
  const requests = after.requests - before.requests
  const p95 = (operation: Operation) => {
    const deltas = [...after.buckets[operation]].map(
      ([le, count]) => [le, count - (before.buckets[operation].get(le) ?? 0)] as const,
    )
    const seconds = histogramQuantile(0.95, deltas)
    return seconds === null ? null : seconds * 1000
  }
  return {
    at: after.at,
    requestsPerSecond: seconds > 0 ? requests / seconds : null,
    errorRate: requests > 0 ? (after.errors - before.errors) / requests : null,
    p95Ms: { contribution: p95('contribution'), win: p95('win'), pool_query: p95('pool_query') },
  }
}

function gaugesOf(samples: Sample[]): Omit<MetricsSummary, 'latest' | 'error'> {
  let hits = 0
  let reads = 0
  const breakers: { name: string; state: string }[] = []
  let streamSubscribers: number | null = null
  for (const sample of samples) {
    if (
      sample.name === 'cache_requests_total' &&
      sample.labels.cache === 'pools' &&
      sample.labels.level === 'l1'
    ) {
      reads += sample.value
      if (sample.labels.result === 'hit') hits += sample.value
    } else if (sample.name === 'circuit_breaker_state' && sample.value === 1) {
      breakers.push({ name: sample.labels.breaker ?? '?', state: sample.labels.state ?? '?' })
    } else if (sample.name === 'jackpot_pool_stream_subscribers') {
      streamSubscribers = sample.value
    }
  }
  return { cacheHitRatio: reads > 0 ? hits / reads : null, breakers, streamSubscribers }
}
