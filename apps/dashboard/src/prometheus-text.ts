/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/**
 * Parses `/metrics` text (comments skipped, escapes in label values undone).
 *
 * @example
 * parsePrometheusText('up{job="x"} 1\n') // [{ name: 'up', labels: { job: 'x' }, value: 1 }]
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (!match) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/**
 * The `q` quantile of a histogram from its cumulative buckets (`le` → count),
 * interpolating linearly inside the bucket as Prometheus's
 * `histogram_quantile` does; null without observations.
 *
 * @example
 * histogramQuantile(0.5, [[0.1, 5], [0.2, 10], [Infinity, 10]]) // 0.1
 */
export function histogramQuantile(q: number, buckets: readonly (readonly [number, number])[]): number | null {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0])
  const total = sorted.at(-1)?.[1] ?? 0
  if (total <= 0) return null
  const rank = q * total
  let previousLe = 0
  let previousCount = 0
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return previousLe
      const inBucket = count - previousCount
      return inBucket === 0 ? le : previousLe + ((le - previousLe) * (rank - previousCount)) / inBucket
    }
    previousLe = le
    previousCount = count
  }
  return previousLe
}
