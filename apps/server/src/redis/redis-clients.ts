import { redisFailFastOptions } from '@jackpot/observability/cache'
import { Redis } from 'ioredis'

/** Options of {@link createRedisClients}; every field has a default. */
export interface RedisClientsOptions {
  /**
   * Longest a command waits for its reply (ioredis `commandTimeout`). A dead
   * or hung Redis then costs this much per call, not ioredis' minute of queued
   * retries. Defaults to 250 ms.
   */
  commandTimeoutMs?: number
  /** Prefix of the connection names Redis shows in `CLIENT LIST`. Defaults to `'jackpot'`. */
  connectionName?: string
}

/** The defaults of {@link RedisClientsOptions}, in one place. */
export const REDIS_CLIENTS_DEFAULTS = {
  commandTimeoutMs: 250,
  connectionName: 'jackpot',
} as const

/**
 * The replica's two Redis connections: one for commands, shared by the pool
 * cache (L2) and the rate limiter, and one that only subscribes (the cache's
 * invalidation bus; a subscribed connection can send nothing else).
 */
export interface RedisClients {
  /** Fail-fast command connection: no offline queue, one retry, a command timeout. */
  readonly commands: Redis
  /** Pub/sub connection for the cache bus (it re-subscribes itself after a reconnection). */
  readonly subscriber: Redis
  /** Closes both connections; safe to call twice. */
  close(): Promise<void>
}

/**
 * Opens the connections every Redis user of this server shares, from
 * `config.REDIS_URL`. They fail fast (the observability SDK's
 * `redisFailFastOptions`): with Redis down a command is refused at once, so
 * the circuit breakers in front of them see failures within milliseconds and
 * the cache and rate limiter fall back to memory. They reconnect on their own
 * (back-off capped at 2 s) when Redis returns.
 *
 * @example
 * const redis = createRedisClients(config.REDIS_URL)
 * const poolCache = createPoolCache({ store, redis })
 * // on shutdown, after the users are closed:
 * await redis.close()
 */
export function createRedisClients(url: string, options: RedisClientsOptions = {}): RedisClients {
  const { commandTimeoutMs, connectionName } = { ...REDIS_CLIENTS_DEFAULTS, ...options }
  const failFast = redisFailFastOptions(commandTimeoutMs)
  const commands = new Redis(url, { ...failFast, connectionName: `${connectionName}-commands` })
  const subscriber = new Redis(url, {
    ...failFast,
    // SUBSCRIBE is its only command, sent on each (re)connection by the cache's bus,
    // which re-subscribes itself and then drops its L1; ioredis' own resubscribe would race that.
    enableOfflineQueue: true,
    autoResubscribe: false,
    connectionName: `${connectionName}-cache-bus`,
  })
  // ioredis prints every unhandled 'error' event; the breakers count and the cache logs them.
  for (const connection of [commands, subscriber]) connection.on('error', () => undefined)

  let closing: Promise<void> | undefined
  return {
    commands,
    subscriber,
    close() {
      closing ??= Promise.all([commands, subscriber].map(quit)).then(() => undefined)
      return closing
    },
  }
}

/** QUIT when connected (pending replies arrive first), otherwise just drop the socket. */
async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect()
    return
  }
  await connection.quit().catch(() => connection.disconnect())
}
