/**
 * The runner's record of one script run: metric samples, checks and groups,
 * and the script's thresholds checked the way k6 checks them at start
 * (a known metric, an aggregation that metric has) and evaluated on the
 * few samples a smoke run gathers.
 */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend'

export interface Sample {
  value: number
  tags: Record<string, string>
}

export interface MetricRecord {
  name: string
  type: MetricType
  samples: Sample[]
}

export interface CheckRecord {
  name: string
  /** `::group::subgroup` path, '' at the top level (k6's `group` tag). */
  group: string
  passes: number
  fails: number
}

export interface ThresholdResult {
  /** The `options.thresholds` key, e.g. `http_req_duration{operation:win}`. */
  expression: string
  condition: string
  /** Why k6 would refuse it at start, if it would. */
  problem: string | null
  /** The aggregated value over this run's samples; null without samples. */
  value: number | null
  /** Whether the condition held on this run's samples; null without samples. */
  held: boolean | null
}

/** The metrics k6 itself records for HTTP requests and iterations (and so names thresholds may use). */
export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_req_waiting: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_sending: 'trend',
  http_req_receiving: 'trend',
  http_req_tls_handshaking: 'trend',
  iterations: 'counter',
  iteration_duration: 'trend',
  checks: 'rate',
  data_sent: 'counter',
  data_received: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  dropped_iterations: 'counter',
  group_duration: 'trend',
}

/** Aggregations each metric type supports in a threshold (k6 rejects the others at start). */
const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\(\d+(\.\d+)?\))$/,
}

const CONDITION =
  /^\s*(count|rate|value|avg|min|max|med|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/
const EXPRESSION = /^([A-Za-z_][A-Za-z0-9_]*)(?:\{([^}]*)\})?$/

export class MetricRecorder {
  readonly metrics = new Map<string, MetricRecord>()
  readonly checks = new Map<string, CheckRecord>()
  /** Declares a metric, as `new Trend(name)` does in the init context. */
  declare(name: string, type: MetricType): void {
    const existing =
      this.metrics.get(name) ?? (BUILTIN_METRICS[name] ? { type: BUILTIN_METRICS[name] } : null)
    if (existing && existing.type !== type)
      throw new Error(`metric '${name}' is already a ${existing.type}, cannot declare it a ${type}`)
    if (!this.metrics.has(name)) this.metrics.set(name, { name, type, samples: [] })
  }

  add(name: string, value: number, tags: Record<string, string> = {}): void {
    const metric = this.metrics.get(name)
    if (!metric) throw new Error(`metric '${name}' was never declared`)
    metric.samples.push({ value, tags })
  }

  check(group: string, name: string, passed: boolean): void {
    const key = `${group}\u0000${name}`
    const record = this.checks.get(key) ?? { name, group, passes: 0, fails: 0 }
    if (passed) record.passes++
    else record.fails++
    this.checks.set(key, record)
  }

  /**
   * Each condition of `thresholds` checked for validity and evaluated on the
   * samples so far.
   */
  thresholds(thresholds: Record<string, unknown>): ThresholdResult[] {
    const results: ThresholdResult[] = []
    for (const [expression, conditions] of Object.entries(thresholds)) {
      const list = (Array.isArray(conditions) ? conditions : [conditions]).map((c) =>
        typeof c === 'object' && c !== null && 'threshold' in c ? String(c.threshold) : String(c),
      )
      for (const condition of list) results.push(this.threshold(expression, condition))
    }
    return results
  }

  private threshold(expression: string, condition: string): ThresholdResult {
    const result: ThresholdResult = { expression, condition, problem: null, value: null, held: null }
    const parsed = EXPRESSION.exec(expression)
    const metric = parsed ? this.metrics.get(parsed[1]!) : undefined
    const type = metric?.type ?? (parsed ? BUILTIN_METRICS[parsed[1]!] : undefined)
    const match = CONDITION.exec(condition)
    if (!parsed) result.problem = `'${expression}' is not a metric name with optional {tag:value} filters`
    else if (!type) result.problem = `no metric '${parsed[1]}' (neither built in nor declared by the script)`
    else if (!match) result.problem = `'${condition}' is not an aggregation, an operator and a number`
    else if (!AGGREGATIONS[type].test(match[1]!))
      result.problem = `a ${type} metric has no '${match[1]}' aggregation`
    if (result.problem || !parsed || !match) return result

    const filters = (parsed[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => pair.split(':').map((part) => part.trim()) as [string, string])
    const samples = (metric?.samples ?? []).filter((sample) =>
      filters.every(([tag, value]) => sample.tags[tag] === value),
    )
    if (samples.length === 0) return result
    result.value = aggregate(
      match[1]!,
      samples.map((sample) => sample.value),
    )
    result.held = compare(result.value, match[2]!, Number(match[3]))
    return result
  }
}

function aggregate(method: string, values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const sum = values.reduce((total, value) => total + value, 0)
  switch (method) {
    case 'count':
      return sum
    case 'rate':
      return sum / values.length
    case 'value':
      return values[values.length - 1]!
    case 'avg':
      return sum / values.length
    case 'min':
      return sorted[0]!
    case 'max':
      return sorted[sorted.length - 1]!
    case 'med':
      return percentile(sorted, 50)
    default:
      return percentile(sorted, Number(/^p\(([\d.]+)\)$/.exec(method)![1]))
  }
}

/** Linear interpolation between closest ranks, as k6 computes trend percentiles. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

function compare(value: number, operator: string, bound: number): boolean {
  switch (operator) {
    case '<':
      return value < bound
    case '<=':
      return value <= bound
    case '>':
      return value > bound
    case '>=':
      return value >= bound
    case '!=':
      return value !== bound
    default:
      return value === bound
  }
}
