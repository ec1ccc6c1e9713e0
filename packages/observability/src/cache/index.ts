export type { Clock } from '../clock/clock.ts'
export { ObservabilityError } from '../errors/observability-error.ts'
export type { CacheBus, CacheBusListener, CacheBusMessage } from './bus/cache-bus.ts'
export { memoryBus } from './bus/memory-bus.ts'
export type {
  CacheLogger,
  FactoryContext,
  GetOptions,
  GetOrSetOptions,
  L1Options,
  MultiLevelCacheOptions,
  RedisL2Options,
  WriteOptions,
} from './cache-options.ts'
export { CacheError, type CacheErrorCode } from './errors.ts'
export { MultiLevelCache, multiLevelCache } from './multi-level-cache.ts'
export { redisFailFastOptions } from './redis-connections.ts'
export { type CacheSerializer, jsonSerializer, jsonWithBigIntSerializer } from './serializer.ts'
