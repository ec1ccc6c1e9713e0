import type { EdgeLogLine } from './edge-log-line.ts'

/** Upper bounds of the edge request-duration histogram, in seconds. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const

/**
 * Counters over the edge's access log, rendered in the Prometheus text format:
 *
 * - `edge_requests_total{cache_status, code}`: every answer of the edge;
 * - `edge_request_duration_seconds{cache_status}`: nginx's $request_time;
 * - `edge_log_lines_total{result="parsed"|"unparsed"}`: a growing `unparsed`
 *   count means the log format and this exporter disagree.
 *
 * @example
 * const metrics = new EdgeMetrics()
 * metrics.record(parseEdgeLogLine(line))
 * const text = metrics.render()
 */
export class EdgeMetrics {
  readonly #requests = new Map<string, number>()
  readonly #durations = new Map<string, { buckets: number[]; sum: number; count: number }>()
  #parsed = 0
  #unparsed = 0

  /** Counts one log line: a parsed one, or `undefined` for a line that was not understood. */
  record(line: EdgeLogLine | undefined): void {
    if (!line) {
      this.#unparsed++
      return
    }
    this.#parsed++
    const key = `cache_status="${line.cacheStatus}",code="${line.status}"`
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1)
    let duration = this.#durations.get(line.cacheStatus)
    if (!duration) {
      duration = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }
      this.#durations.set(line.cacheStatus, duration)
    }
    for (const [i, bound] of BUCKETS.entries()) if (line.seconds <= bound) duration.buckets[i]!++
    duration.sum += line.seconds
    duration.count++
  }

  /** The Prometheus text exposition (version 0.0.4). */
  render(): string {
    const lines = [
      '# HELP edge_requests_total Requests answered by the nginx edge, by cache status and HTTP status.',
      '# TYPE edge_requests_total counter',
      ...[...this.#requests].map(([labels, value]) => `edge_requests_total{${labels}} ${value}`),
      '# HELP edge_request_duration_seconds Time the edge took to answer ($request_time).',
      '# TYPE edge_request_duration_seconds histogram',
    ]
    for (const [cacheStatus, duration] of this.#durations) {
      const labels = `cache_status="${cacheStatus}"`
      for (const [i, bound] of BUCKETS.entries()) {
        lines.push(`edge_request_duration_seconds_bucket{${labels},le="${bound}"} ${duration.buckets[i]}`)
      }
      lines.push(`edge_request_duration_seconds_bucket{${labels},le="+Inf"} ${duration.count}`)
      lines.push(`edge_request_duration_seconds_sum{${labels}} ${duration.sum}`)
      lines.push(`edge_request_duration_seconds_count{${labels}} ${duration.count}`)
    }
    lines.push(
      '# HELP edge_log_lines_total Access-log lines read, by whether they were in the expected format.',
      '# TYPE edge_log_lines_total counter',
      `edge_log_lines_total{result="parsed"} ${this.#parsed}`,
      `edge_log_lines_total{result="unparsed"} ${this.#unparsed}`,
    )
    return `${lines.join('\n')}\n`
  }
}
