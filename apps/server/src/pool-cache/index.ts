export {
  createPoolCache,
  POOL_CACHE_DEFAULTS,
  PoolCache,
  type PoolCacheOptions,
  type PoolSource,
} from './pool-cache.ts'
export { buildPoolSnapshot, type CachedJson, type PoolSnapshot, poolRevision } from './pool-snapshot.ts'
