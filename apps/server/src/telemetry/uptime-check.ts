import { type Clock, type HealthCheck, systemClock } from '@jackpot/observability'

/**
 * The `uptime` entry of `/health` (the health-check draft's own example of a
 * `system` component): seconds since this process built its telemetry, so an
 * operator or the dashboard sees a replica that restarted. Always `pass`, and
 * in no probe (`kinds: []`): a restart is news, not a failure.
 *
 * @example
 * health.register(uptimeCheck())
 * // GET /health → checks.uptime: [{ componentType: 'system', observedValue: 5400.2, observedUnit: 's', status: 'pass', … }]
 */
export function uptimeCheck(clock: Clock = systemClock): HealthCheck {
  const startedAt = clock.now()
  return {
    name: 'uptime',
    kinds: [],
    critical: false,
    componentType: 'system',
    run: async () => ({ observedValue: Math.round((clock.now() - startedAt) / 100) / 10, observedUnit: 's' }),
  }
}
