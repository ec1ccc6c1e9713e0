import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api'
import { emptyResource } from '@opentelemetry/resources'
import {
  AggregationTemporality,
  DataPointType,
  type HistogramMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics'
import { HTTP_SERVER_DURATION_BUCKETS, normalizeHttpMethod } from './http-server-metrics.ts'

/** Series kept before further attribute sets fold into one overflow series (OTel's default limit). */
const CARDINALITY_LIMIT = 2000
const OVERFLOW: Attributes = Object.freeze({ 'otel.metric.overflow': true })

interface Series {
  attributes: Attributes
  startTime: HrTime
  counts: number[]
  sum: number
  count: number
  min: number
  max: number
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)]

/**
 * `http.server.request.duration`, aggregated in place: one lookup in nested maps
 * (method → status → route) and a bucket increment per request. Recording through
 * an OTel SDK histogram hashes the attribute set into a JSON string on every call,
 * which on a trivial route cost about a quarter of Bun's own per-request CPU. The
 * aggregate reaches the exporter as a `MetricProducer`, with the same name, unit,
 * buckets, attributes and cardinality limit as the SDK instrument.
 */
export class HttpDurationAggregation implements MetricProducer {
  readonly #boundaries: readonly number[]
  readonly #byMethod = new Map<string, Map<number, Map<string, Series>>>()
  readonly #all: Series[] = []
  readonly #now: () => number
  #overflow: Series | undefined
  // Consecutive requests mostly end alike (same method, route and status): the last
  // series answers them without the three lookups.
  #lastMethod = ''
  #lastStatus = 0
  #lastRoute: string | undefined
  #last: Series | undefined

  constructor(options: { boundaries?: readonly number[]; now?: () => number } = {}) {
    this.#boundaries = options.boundaries ?? HTTP_SERVER_DURATION_BUCKETS
    this.#now = options.now ?? Date.now
  }

  /** Records one finished request; `route` undefined means no route matched. */
  record(method: string, status: number, route: string | undefined, seconds: number): void {
    let series = this.#last
    if (
      series === undefined ||
      method !== this.#lastMethod ||
      status !== this.#lastStatus ||
      route !== this.#lastRoute
    ) {
      series = this.#series(normalizeHttpMethod(method), status, route ?? '')
      this.#lastMethod = method
      this.#lastStatus = status
      this.#lastRoute = route
      this.#last = series
    }
    let bucket = 0
    const boundaries = this.#boundaries
    while (bucket < boundaries.length && seconds > (boundaries[bucket] as number)) bucket++
    series.counts[bucket] = (series.counts[bucket] as number) + 1
    series.sum += seconds
    series.count++
    if (seconds < series.min) series.min = seconds
    if (seconds > series.max) series.max = seconds
  }

  /** The cumulative histogram, as the SDK's own histograms report it. */
  metricData(): HistogramMetricData {
    const endTime = hrTime(this.#now())
    const series = this.#overflow === undefined ? this.#all : [...this.#all, this.#overflow]
    return {
      descriptor: {
        name: 'http.server.request.duration',
        description: 'Duration of HTTP server requests.',
        unit: 's',
        valueType: ValueType.DOUBLE,
      },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: series.map((s) => ({
        attributes: s.attributes,
        startTime: s.startTime,
        endTime,
        value: {
          buckets: { boundaries: [...this.#boundaries], counts: [...s.counts] },
          sum: s.sum,
          count: s.count,
          min: s.min,
          max: s.max,
        },
      })),
    }
  }

  /** {@link MetricProducer}: lets a metric reader collect this aggregate next to the SDK's. */
  async collect(): ReturnType<MetricProducer['collect']> {
    const data = this.metricData()
    return {
      resourceMetrics: {
        // The reader ignores a producer's resource and uses the SDK's.
        resource: emptyResource(),
        scopeMetrics:
          data.dataPoints.length === 0
            ? []
            : [{ scope: { name: '@jackpot/observability' }, metrics: [data] }],
      },
      errors: [],
    }
  }

  #series(method: string, status: number, route: string): Series {
    let byStatus = this.#byMethod.get(method)
    if (byStatus === undefined) {
      byStatus = new Map()
      this.#byMethod.set(method, byStatus)
    }
    let byRoute = byStatus.get(status)
    if (byRoute === undefined) {
      byRoute = new Map()
      byStatus.set(status, byRoute)
    }
    let series = byRoute.get(route)
    if (series === undefined) {
      if (this.#all.length >= CARDINALITY_LIMIT) {
        this.#overflow ??= this.#newSeries(OVERFLOW)
        return this.#overflow
      }
      const attributes: Attributes = {
        'http.request.method': method,
        'http.response.status_code': status,
      }
      if (route !== '') attributes['http.route'] = route
      series = this.#newSeries(attributes)
      byRoute.set(route, series)
      this.#all.push(series)
    }
    return series
  }

  #newSeries(attributes: Attributes): Series {
    return {
      attributes,
      startTime: hrTime(this.#now()),
      counts: new Array<number>(this.#boundaries.length + 1).fill(0),
      sum: 0,
      count: 0,
      min: Number.POSITIVE_INFINITY,
      max: Number.NEGATIVE_INFINITY,
    }
  }
}
