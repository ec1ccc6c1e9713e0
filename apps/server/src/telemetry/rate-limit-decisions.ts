import type { Metrics } from '@jackpot/observability'
import type { RateLimitDecision } from '../rate-limit/index.ts'

interface GroupCounts {
  allowed: number
  limited: number
  attributes: {
    allowed: { group: string; decision: 'allowed' }
    limited: { group: string; decision: 'limited' }
  }
}

/**
 * `rate_limit_decisions_total{group, decision}` (`decision` = `allowed` or
 * `limited`), for the rate limit plugin's `onDecision`.
 *
 * A decision is made on every API request, so it only bumps a number here; the
 * totals reach the exporter through an observable counter read at collection
 * time (same series). A synchronous counter's `add` hashes its attributes on
 * every call, which measured ~8 % of the server's JS time on pool reads
 * (bench/pool-reads.bench.ts).
 *
 * @example
 * rateLimit({ limiter, groups, onDecision: rateLimitDecisions(metrics.meter) })
 */
export function rateLimitDecisions(
  meter: Metrics['meter'],
): (group: string, decision: RateLimitDecision) => void {
  const counts = new Map<string, GroupCounts>()
  meter
    .createObservableCounter('rate_limit.decisions', {
      description: 'Rate limit decisions by route group.',
      unit: '{request}',
    })
    .addCallback((result) => {
      for (const group of counts.values()) {
        if (group.allowed > 0) result.observe(group.allowed, group.attributes.allowed)
        if (group.limited > 0) result.observe(group.limited, group.attributes.limited)
      }
    })
  return (group, decision) => {
    let found = counts.get(group)
    if (found === undefined) {
      found = {
        allowed: 0,
        limited: 0,
        attributes: { allowed: { group, decision: 'allowed' }, limited: { group, decision: 'limited' } },
      }
      counts.set(group, found)
    }
    if (decision.allowed) found.allowed++
    else found.limited++
  }
}
