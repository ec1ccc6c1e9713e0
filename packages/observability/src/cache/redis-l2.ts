import type { Redis } from 'ioredis'
import type { CircuitBreaker } from '../breaker/index.ts'

/** Options of {@link RedisL2}. */
export interface RedisL2Settings {
  client: Redis | Promise<Redis>
  breaker: CircuitBreaker
  /** How long calls made before the first connection wait for it. */
  connectTimeoutMs: number
}

/**
 * The Redis commands the cache needs, each run through the circuit breaker
 * (which bounds it with its timeout and refuses calls at once while open).
 * Errors are thrown to the cache, which counts, logs and absorbs them.
 */
export class RedisL2 {
  readonly breaker: CircuitBreaker
  #client: Redis | undefined
  readonly #clientPromise: Promise<Redis>
  #firstConnection: Promise<void> | undefined

  constructor(settings: RedisL2Settings) {
    this.breaker = settings.breaker
    this.#clientPromise = Promise.resolve(settings.client)
    // The lazily imported client may fail to load; `#run` reports that per call.
    this.#clientPromise.then(
      (client) => {
        this.#client = client
      },
      () => undefined,
    )
    // A client that never loads is reported by each call, not as an unhandled rejection.
    this.#firstConnection = this.#waitForFirstConnection(settings.connectTimeoutMs).catch(() => undefined)
  }

  /** The command client once loaded (for health checks). */
  get client(): Redis | undefined {
    return this.#client
  }

  // With the offline queue off, a command sent before the first `ready` fails;
  // at start-up that is not an outage, so early calls wait for the connection
  // (once, at most `connectTimeoutMs`) before going through the breaker.
  async #waitForFirstConnection(timeoutMs: number): Promise<void> {
    const client = await this.#clientPromise
    if (client.status === 'ready') return
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer)
        client.off('ready', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      if (typeof timer === 'object' && 'unref' in timer) timer.unref()
      client.once('ready', done)
    })
  }

  #run<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    const client = this.#client
    // Every call after start-up: straight to the breaker, no extra promise hop.
    if (client !== undefined && this.#firstConnection === undefined) {
      return this.breaker.execute(() => command(client))
    }
    return this.#runAfterStartup(command)
  }

  async #runAfterStartup<T>(command: (client: Redis) => Promise<T>): Promise<T> {
    if (this.#firstConnection !== undefined) {
      await this.#firstConnection
      this.#firstConnection = undefined
    }
    const client = this.#client ?? (await this.#clientPromise)
    return this.breaker.execute(() => command(client))
  }

  get(key: string): Promise<string | null> {
    return this.#run((client) => client.get(key))
  }

  mget(keys: readonly string[]): Promise<(string | null)[]> {
    return this.#run((client) => client.mget(...keys))
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.#run((client) => client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs))))
  }

  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await this.#run((client) => client.del(...keys))
  }

  /** INCR of each key, in one round trip; the new values in order. */
  incr(keys: readonly string[]): Promise<number[]> {
    return this.#run(async (client) => {
      const pipeline = client.pipeline()
      for (const key of keys) pipeline.incr(key)
      const replies = (await pipeline.exec()) ?? []
      return replies.map(([error, value]) => {
        if (error) throw error
        return Number(value)
      })
    })
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#run((client) => client.publish(channel, message))
  }

  /** Round-trip time of a PING, outside the breaker (health checks must see Redis, not the breaker). */
  async ping(): Promise<number> {
    const client = await this.#clientPromise
    const started = performance.now()
    await client.ping()
    return performance.now() - started
  }
}
