import type { Attributes, BatchObservableCallback, Meter, Observable } from '@opentelemetry/api'

/** One instrument of {@link batchObservables}. */
export interface ObservableSpec {
  /** OpenTelemetry instrument name, e.g. `'process.memory.usage'`. */
  name: string
  description: string
  /** UCUM unit, e.g. `'By'`, `'s'`, `'{cent}'`. */
  unit: string
  /** `'gauge'` for a level, `'counter'` for a monotonic total. Defaults to `'gauge'`. */
  kind?: 'gauge' | 'counter'
}

/** Records one value of the instrument named `key` in {@link batchObservables}' specs. */
export type ObserveBatch<Key extends string> = (key: Key, value: number, attributes?: Attributes) => void

/**
 * Creates observable instruments that are read together: `collect` runs once per
 * collection (a scrape) and observes any of them by key. Figures taken from one
 * source in one go (`process.memoryUsage()`, a map of the latest pool figures) are
 * then read once, not once per instrument. Returns a function that removes the
 * callback (the instruments stay, reporting nothing).
 *
 * @example
 * const stop = batchObservables(
 *   meter,
 *   {
 *     rss: { name: 'process.memory.usage', description: 'Resident set size.', unit: 'By' },
 *     heap: { name: 'v8js.memory.heap.used', description: 'Heap in use.', unit: 'By' },
 *   },
 *   (observe) => {
 *     const memory = process.memoryUsage()
 *     observe('rss', memory.rss)
 *     observe('heap', memory.heapUsed)
 *   },
 * )
 */
export function batchObservables<Key extends string>(
  meter: Meter,
  specs: Record<Key, ObservableSpec>,
  collect: (observe: ObserveBatch<Key>) => void,
): () => void {
  const instruments = {} as Record<Key, Observable>
  for (const key of Object.keys(specs) as Key[]) {
    const { name, description, unit, kind = 'gauge' } = specs[key]
    instruments[key] =
      kind === 'counter'
        ? meter.createObservableCounter(name, { description, unit })
        : meter.createObservableGauge(name, { description, unit })
  }
  const observables = Object.values<Observable>(instruments)
  const callback: BatchObservableCallback = (observer) =>
    collect((key, value, attributes) => observer.observe(instruments[key], value, attributes))
  meter.addBatchObservableCallback(callback, observables)
  return () => meter.removeBatchObservableCallback(callback, observables)
}
