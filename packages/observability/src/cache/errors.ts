import { ObservabilityError } from '../errors/observability-error.ts'

/** Stable codes of {@link CacheError}; match on `error.code`, never on the message. */
export type CacheErrorCode =
  /** An L2 (Redis) command failed and the cache was built with `throwOnL2Error: true`. */
  | 'E_CACHE_L2'
  /** The serializer could not encode or decode a value (e.g. a `bigint` with the default JSON serializer). */
  | 'E_CACHE_SERIALIZE'
  /** `redis.url` was given but the optional peer dependency `ioredis` is not installed. */
  | 'E_CACHE_REDIS_MISSING'
  /** A namespace name is empty or contains the key separator `:`. */
  | 'E_CACHE_INVALID_NAMESPACE'
  /** Contradictory or incomplete options (e.g. `redis` with neither `url` nor `client`). */
  | 'E_CACHE_INVALID_OPTIONS'
  /** The cache was used after `close()`. */
  | 'E_CACHE_CLOSED'

/**
 * Every error the cache itself raises. The underlying error, if any, is kept in
 * `cause`. Errors thrown by your factory are re-thrown as they are, not wrapped.
 *
 * @example
 * try { await cache.set('k', 1n) } catch (error) {
 *   if (error instanceof CacheError && error.code === 'E_CACHE_SERIALIZE') { … }
 * }
 */
export class CacheError extends ObservabilityError<CacheErrorCode> {
  override readonly name = 'CacheError'
}
