import { type CircuitBreaker, type Clock, systemClock, unrefTimer } from '@jackpot/observability'

/** What the heartbeat pings: an ioredis client fits. */
export interface Pingable {
  ping(): Promise<unknown>
}

/** Options of {@link startRedisHeartbeat}. */
export interface RedisHeartbeatOptions {
  client: Pingable
  /** The breaker the pings go through (and so keep informed). */
  breaker: CircuitBreaker<unknown>
  /** Pause between the end of one PING and the next. Defaults to 250 ms. */
  intervalMs?: number
  /** Time source. Defaults to the system clock. */
  clock?: Clock
}

/** The defaults of {@link RedisHeartbeatOptions}. */
export const REDIS_HEARTBEAT_DEFAULTS = { intervalMs: 250 } as const

/**
 * PINGs Redis through a circuit breaker at a steady pace, so the breaker
 * learns that Redis died (or came back) from the pings rather than waiting
 * for real traffic. A cache serving from L1 calls Redis only about once per
 * entry TTL, too rarely to open its breaker quickly; with a PING every 250 ms
 * and a breaker that opens on 2 failures in its last 4 calls, a dead Redis
 * opens it within about half a second, and the first PING after the open wait
 * is the half-open probe that closes it once Redis answers again.
 *
 * Pings never overlap: the next is scheduled when the previous settles.
 * Returns the function that stops it.
 *
 * @example
 * const stop = startRedisHeartbeat({ client: redis.commands, breaker })
 * // on shutdown
 * stop()
 */
export function startRedisHeartbeat(options: RedisHeartbeatOptions): () => void {
  const clock = options.clock ?? systemClock
  const intervalMs = options.intervalMs ?? REDIS_HEARTBEAT_DEFAULTS.intervalMs
  let stopped = false
  let timer: unknown

  const schedule = () => {
    if (stopped) return
    timer = clock.setTimeout(beat, intervalMs)
    // A forgotten stop() must not keep the process alive.
    unrefTimer(timer)
  }
  const beat = () => {
    // Failures are what the breaker is for; an open breaker refuses the PING at once.
    options.breaker.execute(() => options.client.ping()).then(schedule, schedule)
  }

  schedule()
  return () => {
    stopped = true
    clock.clearTimeout(timer)
  }
}
