import type { Redis, RedisOptions } from 'ioredis'
import { CACHE_DEFAULTS, type RedisL2Options } from './cache-options.ts'
import { CacheError } from './errors.ts'

/**
 * ioredis settings under which a dead Redis costs milliseconds instead of the
 * default minute of queued retries: commands issued while disconnected fail at
 * once (`enableOfflineQueue: false`), a command in flight when the connection
 * drops is retried at most once (`maxRetriesPerRequest: 1`), a command waits at
 * most `commandTimeoutMs` for its reply, and reconnection backs off from 50 ms
 * to at most 2 s, for ever.
 *
 * Use them for a client you pass to the cache; the cache applies them to the
 * connections it opens from a URL.
 *
 * @example
 * import { Redis } from 'ioredis'
 * const client = new Redis(url, redisFailFastOptions(250))
 * const cache = multiLevelCache({ name: 'pools', redis: { client } })
 */
export function redisFailFastOptions(commandTimeoutMs = 250): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1000, commandTimeoutMs * 4),
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.max(0, attempt - 1), 2000),
  }
}

/** The two connections the cache opens from a URL. */
export interface RedisConnections {
  client: Redis
  subscriber: Redis
}

/**
 * Opens a command connection and a pub/sub connection to `url`, importing
 * `ioredis` only now so users without Redis never load it.
 */
export async function openRedisConnections(url: string, commandTimeoutMs: number): Promise<RedisConnections> {
  let Client: typeof Redis
  try {
    ;({ Redis: Client } = await import('ioredis'))
  } catch (cause) {
    throw new CacheError(
      'E_CACHE_REDIS_MISSING',
      'redis.url needs the optional peer dependency "ioredis" (npm install ioredis)',
      { cause },
    )
  }
  const options = redisFailFastOptions(commandTimeoutMs)
  const client = new Client(url, { ...options, connectionName: 'cache' })
  // The subscriber re-subscribes itself on every `ready` (RedisBus), then tells
  // the cache it may have missed messages; ioredis' own resubscribe would race that.
  const subscriber = new Client(url, {
    ...options,
    // Subscribing is the only command it sends, once per (re)connection.
    enableOfflineQueue: true,
    autoResubscribe: false,
    connectionName: 'cache-bus',
  })
  // Connection errors also fail the commands in flight, which the cache counts
  // and logs (throttled); without a listener ioredis prints each one to stderr.
  for (const connection of [client, subscriber]) connection.on('error', () => undefined)
  return { client, subscriber }
}

/** The connections a cache uses, and which of them it must close. */
export interface ResolvedConnections {
  client: Promise<Redis>
  subscriber: Promise<Redis> | undefined
  ownsClient: boolean
  ownsSubscriber: boolean
}

/**
 * The command and subscriber connections for the `redis` options: yours (plus
 * a `duplicate()` for the bus, unless you gave a subscriber or a bus of your
 * own), or two fail-fast ones opened from the URL. `undefined` without Redis.
 */
export function resolveRedisConnections(
  redis: RedisL2Options | undefined,
  hasOwnBus: boolean,
): ResolvedConnections | undefined {
  if (redis === undefined) return undefined
  if (redis.client !== undefined) {
    const subscriber = redis.subscriber ?? (hasOwnBus ? undefined : redis.client.duplicate())
    return {
      client: Promise.resolve(redis.client),
      subscriber: subscriber === undefined ? undefined : Promise.resolve(subscriber),
      ownsClient: false,
      ownsSubscriber: redis.subscriber === undefined,
    }
  }
  if (redis.url === undefined) {
    throw new CacheError('E_CACHE_INVALID_OPTIONS', 'redis needs a url or a client')
  }
  const opened = openRedisConnections(redis.url, redis.commandTimeoutMs ?? CACHE_DEFAULTS.commandTimeoutMs)
  // Each use reports a failed import; this keeps it from also being unhandled.
  opened.catch(() => undefined)
  return {
    client: opened.then((connections) => connections.client),
    subscriber: hasOwnBus ? undefined : opened.then((connections) => connections.subscriber),
    ownsClient: true,
    ownsSubscriber: true,
  }
}
