import type { Metrics } from '@jackpot/observability'

/** The `name{labels} value` lines of one metric in what `metrics` renders for a scrape. */
export async function metricSeries(metrics: Metrics, name: string): Promise<string[]> {
  return (await metrics.render()).split('\n').filter((line) => line.startsWith(`${name}{`))
}
