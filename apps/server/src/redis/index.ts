export { REDIS_BREAKER_DEFAULTS, type RedisBreakerOptions, redisBreaker } from './redis-breaker.ts'
export {
  createRedisClients,
  REDIS_CLIENTS_DEFAULTS,
  type RedisClients,
  type RedisClientsOptions,
} from './redis-clients.ts'
export {
  type Pingable,
  REDIS_HEARTBEAT_DEFAULTS,
  type RedisHeartbeatOptions,
  startRedisHeartbeat,
} from './redis-heartbeat.ts'
