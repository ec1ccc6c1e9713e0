import type { Metrics } from '@jackpot/observability'
import type { RateLimitDecision } from '../rate-limit/index.ts'

/**
 * `rate_limit_decisions_total{group, decision}` (`decision` = `allowed` or
 * `limited`), for the rate limit plugin's `onDecision`.
 *
 * @example
 * rateLimit({ limiter, groups, onDecision: rateLimitDecisions(metrics.meter) })
 */
export function rateLimitDecisions(
  meter: Metrics['meter'],
): (group: string, decision: RateLimitDecision) => void {
  const counter = meter.createCounter('rate_limit.decisions', {
    description: 'Rate limit decisions by route group.',
    unit: '{request}',
  })
  // Few groups, two outcomes: reuse the attribute objects.
  const attributes = new Map<string, { group: string; decision: 'allowed' | 'limited' }>()
  return (group, decision) => {
    const outcome = decision.allowed ? 'allowed' : 'limited'
    const key = `${group}\u0000${outcome}`
    let labels = attributes.get(key)
    if (labels === undefined) {
      labels = { group, decision: outcome }
      attributes.set(key, labels)
    }
    counter.add(1, labels)
  }
}
