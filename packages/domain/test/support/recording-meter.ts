import type { Attributes } from '@opentelemetry/api'
import type { DomainMeter } from '../../src/index.ts'

/**
 * A meter that keeps counter totals in memory, keyed by instrument name and
 * attributes, for asserting what the store recorded.
 *
 * @example
 * const recording = recordingMeter()
 * await openJackpot({ pgliteDataDir: 'memory://', meter: recording.meter })
 * recording.total('jackpot.wins', { pool: 'mega' })
 */
export function recordingMeter() {
  const totals = new Map<string, number>()
  const keyOf = (name: string, attributes: Attributes = {}) =>
    `${name}${JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)))}`
  const meter: DomainMeter = {
    createCounter: (name) => ({
      add: (value: number, attributes?: Attributes) => {
        const key = keyOf(name, attributes)
        totals.set(key, (totals.get(key) ?? 0) + value)
      },
    }),
  }
  return {
    meter,
    total: (name: string, attributes?: Attributes) => totals.get(keyOf(name, attributes)) ?? 0,
    clear: () => totals.clear(),
  }
}
