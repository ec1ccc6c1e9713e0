export { FallbackRateLimiter, type Guard } from './fallback-rate-limiter.ts'
export { MemoryRateLimiter } from './memory-rate-limiter.ts'
export {
  declaredGroupOf,
  limitedAs,
  policyLookup,
  type RateLimitGroupName,
  type RateLimitGroups,
  rateLimitGroupsFromConfig,
} from './rate-limit-groups.ts'
export {
  principalKey,
  type RateLimitPluginOptions,
  type RateLimits,
  rateLimits,
} from './rate-limit-plugin.ts'
export type { RateLimitDecision, RateLimiter, RateLimitPolicy, RateLimitRefund } from './rate-limiter.ts'
export { RedisRateLimiter } from './redis-rate-limiter.ts'
