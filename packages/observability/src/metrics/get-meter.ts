import { type Meter, metrics } from '@opentelemetry/api'

/** Meter name used when domain code does not name its own. */
export const DEFAULT_METER_NAME = 'app'

/**
 * A meter from the global meter provider, for domain code that records its own
 * instruments without importing the exporter. `createMetrics()` registers its
 * provider globally (unless `global: false`), so call this after it — e.g. when
 * building services, not at module load: before registration OpenTelemetry hands out
 * a no-op meter and those instruments would never be exported.
 *
 * @example
 * const meter = getMeter('jackpot')
 * const wins = meter.createCounter('jackpot.wins', { description: 'Jackpot wins.' })
 * wins.add(1, { pool: 'mega' })
 */
export function getMeter(name: string = DEFAULT_METER_NAME, version?: string): Meter {
  return metrics.getMeter(name, version)
}
