import { type Clock, type Metrics, systemClock, unrefTimer } from '@jackpot/observability'
import type { PoolSnapshot } from '../pool-cache/pool-snapshot.ts'
import { withDefaults } from '../with-defaults.ts'
import { parseLastEventId, SSE_HEARTBEAT, sseEvent, sseRetry } from './sse-text.ts'

/** What the hub needs of the pool cache: word of every newer snapshot, and a way to ask for one. */
export interface PoolStreamSource {
  onSnapshot(listener: (snapshot: PoolSnapshot) => void): () => void
  latest(): PoolSnapshot | undefined
  snapshot(): Promise<PoolSnapshot>
}

/** Options of {@link PoolStreamHub}; every field but `source` has a default. */
export interface PoolStreamHubOptions {
  source: PoolStreamSource
  /** Concurrent streams one client (IP) may hold; the next is refused. Defaults to 16. */
  maxPerClient?: number | undefined
  /** Least time between two events to one subscriber: 100 ms is at most 10 events/s. Defaults to 100. */
  minIntervalMs?: number | undefined
  /** Pace of the heartbeat comment. Defaults to 15 000 (15 s). */
  heartbeatMs?: number | undefined
  /**
   * While anyone listens, how often the hub asks the pool cache for its
   * snapshot: the safety net only. Changes are pushed: this replica's commits
   * through the cache's `onSnapshot`, another replica's through the Redis
   * revision channel (`poolRevisionChannel`), which makes the cache read the
   * new snapshot once. This resync covers what pub/sub can lose (Redis down
   * or reconnecting): the cache's TTL then lets the read reach Redis or the
   * database (once per replica, not per subscriber). Defaults to 1 000 ms.
   */
  pollMs?: number | undefined
  /** `retry:` sent to clients: how soon an `EventSource` reconnects. Defaults to 1 000 ms. */
  retryMs?: number | undefined
  /** Bytes queued for a slow subscriber before the hub stops writing to it and only sends the newest state once it reads again. Defaults to 64 KiB. */
  highWaterMarkBytes?: number | undefined
  /** True once the process is shutting down: streams end (clients reconnect elsewhere) and new ones are refused. */
  shuttingDown?: (() => boolean) | undefined
  /** For the `jackpot.pool_stream.subscribers` gauge. Defaults to none. */
  meter?: Metrics['meter'] | undefined
  /** Time source of the coalescing, heartbeat and poll timers. Defaults to the system clock. */
  clock?: Clock | undefined
}

/** The defaults of {@link PoolStreamHubOptions}, in one place. */
export const POOL_STREAM_DEFAULTS = {
  maxPerClient: 16,
  minIntervalMs: 100,
  heartbeatMs: 15_000,
  pollMs: 1_000,
  retryMs: 1_000,
  highWaterMarkBytes: 64 * 1024,
} as const

/** Why a stream was not opened. */
export type PoolStreamRefusal = 'client-limit' | 'shutting-down'

/** The outcome of {@link PoolStreamHub.open}. */
export type PoolStreamOpening =
  | { ok: true; stream: ReadableStream<Uint8Array> }
  | { ok: false; reason: PoolStreamRefusal; limit: number }

interface Subscriber {
  client: string
  controller: ReadableStreamDefaultController<Uint8Array>
  /** Revision of the last `pools` event written to it, or given as `Last-Event-ID` (-1: none yet). */
  sentRevision: number
  /** When that event was written: the next one waits `minIntervalMs` after it. */
  sentAt: number
  closed: boolean
}

/** The newest state, encoded once for every subscriber. */
interface Frame {
  revision: number
  bytes: Uint8Array
}

/**
 * Fans the pool cache's snapshots out to Server-Sent Events subscribers.
 *
 * Every subscriber gets the whole state (a `pools` event with the body of
 * `GET /api/v1/pools`, its id the snapshot revision) on connect, then the
 * newest state whenever it changes, at most once per `minIntervalMs`:
 * changes in between are coalesced into the next event. Since every event is
 * the whole state, a client resuming with `Last-Event-ID` misses nothing: it
 * gets the current state at once unless it already has that revision.
 *
 * Work per change is one JSON encoding, then one write per subscriber; no
 * subscriber ever causes a database query.
 *
 * @example
 * const hub = new PoolStreamHub({ source: poolCache, meter: metrics.meter })
 * const opening = hub.open('203.0.113.7', request.headers.get('last-event-id'))
 */
export class PoolStreamHub {
  readonly #source: PoolStreamSource
  readonly #settings: Required<Omit<PoolStreamHubOptions, 'source' | 'meter' | 'clock' | 'shuttingDown'>>
  readonly #clock: Clock
  readonly #shuttingDown: () => boolean
  readonly #subscribers = new Set<Subscriber>()
  readonly #perClient = new Map<string, number>()
  readonly #retry: Uint8Array
  readonly #stopSource: () => void
  #frame: Frame | undefined
  #flushTimer: unknown
  #flushDue = Number.POSITIVE_INFINITY
  #heartbeatTimer: unknown
  #pollTimer: unknown
  #polling = false
  #closed = false

  constructor(options: PoolStreamHubOptions) {
    this.#source = options.source
    this.#clock = options.clock ?? systemClock
    this.#shuttingDown = options.shuttingDown ?? (() => false)
    this.#settings = withDefaults(options, POOL_STREAM_DEFAULTS)
    this.#retry = sseRetry(this.#settings.retryMs)
    this.#stopSource = this.#source.onSnapshot((snapshot) => this.#publish(snapshot))
    options.meter
      ?.createObservableGauge('jackpot.pool_stream.subscribers', {
        description: 'Open Server-Sent Events pool streams on this replica.',
        unit: '{subscriber}',
      })
      .addCallback((result) => result.observe(this.#subscribers.size))
  }

  /** Open streams on this replica. */
  get size(): number {
    return this.#subscribers.size
  }

  /**
   * Opens a stream for `client` (its IP), resuming after `lastEventId` (the
   * `Last-Event-ID` header) when given. Call after the pool cache holds a
   * snapshot (`await poolCache.snapshot()`), so the first event goes out at once.
   *
   * @example
   * await poolCache.snapshot()
   * const opening = hub.open(ip, request.headers.get('last-event-id'))
   * if (opening.ok) return new Response(opening.stream, { headers: { 'content-type': 'text/event-stream' } })
   */
  open(client: string, lastEventId: string | null = null, signal?: AbortSignal): PoolStreamOpening {
    const limit = this.#settings.maxPerClient
    if (this.#closed || this.#shuttingDown()) return { ok: false, reason: 'shutting-down', limit }
    const held = this.#perClient.get(client) ?? 0
    if (held >= limit) return { ok: false, reason: 'client-limit', limit }
    this.#perClient.set(client, held + 1)

    const resumeFrom = parseLastEventId(lastEventId)
    let subscriber: Subscriber | undefined
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          subscriber = {
            client,
            controller,
            // A client that already has the current revision gets nothing until the next change.
            sentRevision: resumeFrom ?? -1,
            sentAt: Number.NEGATIVE_INFINITY,
            closed: false,
          }
          this.#subscribers.add(subscriber)
          controller.enqueue(this.#retry)
          this.#ensureTimers()
          this.#catchUp()
          this.#sendTo(subscriber, this.#clock.now())
        },
        // A slow reader drained its queue: give it the newest state it is missing.
        pull: () => {
          if (subscriber) this.#sendTo(subscriber, this.#clock.now())
        },
        cancel: () => {
          if (subscriber) this.#drop(subscriber)
        },
      },
      { highWaterMark: this.#settings.highWaterMarkBytes, size: (chunk) => chunk?.byteLength ?? 0 },
    )
    signal?.addEventListener('abort', () => subscriber && this.#drop(subscriber), { once: true })
    return { ok: true, stream }
  }

  /** Ends every stream and stops the timers and the cache subscription. */
  close(): void {
    if (this.#closed) return
    this.#closed = true
    this.#stopSource()
    this.#endAll()
    this.#stopTimers()
  }

  /** Takes a snapshot the cache already holds that is newer than the hub's (e.g. read before the hub subscribed). */
  #catchUp(): void {
    const latest = this.#source.latest()
    if (latest !== undefined) this.#publish(latest)
  }

  #publish(snapshot: PoolSnapshot): void {
    if (this.#frame !== undefined && snapshot.revision <= this.#frame.revision) return
    // Encoded here, once, whoever listens: a change costs one encoding plus one write per subscriber.
    this.#frame = {
      revision: snapshot.revision,
      bytes: sseEvent({ id: snapshot.revision, event: 'pools', data: snapshot.list.body }),
    }
    if (this.#subscribers.size > 0) this.#flush()
  }

  /** Writes the newest state to every subscriber that lacks it and may receive now; schedules the rest. */
  #flush(): void {
    this.#flushTimer = undefined
    this.#flushDue = Number.POSITIVE_INFINITY
    const now = this.#clock.now()
    let nextDue = Number.POSITIVE_INFINITY
    for (const subscriber of this.#subscribers) {
      const due = this.#sendTo(subscriber, now)
      if (due < nextDue) nextDue = due
    }
    if (nextDue !== Number.POSITIVE_INFINITY) this.#scheduleFlush(nextDue, now)
  }

  /**
   * Sends the newest state to `subscriber` if it lacks it, may receive now,
   * and is reading. Returns when it may next receive if it must wait, else +∞.
   */
  #sendTo(subscriber: Subscriber, now: number): number {
    const frame = this.#frame
    if (subscriber.closed || frame === undefined || subscriber.sentRevision >= frame.revision) {
      return Number.POSITIVE_INFINITY
    }
    const due = subscriber.sentAt + this.#settings.minIntervalMs
    if (due > now) return due
    // A full queue means a slow reader: skip it; `pull` sends it the newest state once it catches up.
    if ((subscriber.controller.desiredSize ?? 1) <= 0) return Number.POSITIVE_INFINITY
    // Marked sent first: `enqueue` may call `pull` at once, which must not send the frame again.
    subscriber.sentRevision = frame.revision
    subscriber.sentAt = now
    try {
      subscriber.controller.enqueue(frame.bytes)
    } catch {
      this.#drop(subscriber)
    }
    return Number.POSITIVE_INFINITY
  }

  #scheduleFlush(due: number, now: number): void {
    if (this.#flushTimer !== undefined && this.#flushDue <= due) return
    if (this.#flushTimer !== undefined) this.#clock.clearTimeout(this.#flushTimer)
    this.#flushDue = due
    this.#flushTimer = this.#clock.setTimeout(() => this.#flush(), Math.max(0, due - now))
    unrefTimer(this.#flushTimer)
  }

  #drop(subscriber: Subscriber): void {
    if (subscriber.closed) return
    subscriber.closed = true
    this.#subscribers.delete(subscriber)
    const held = (this.#perClient.get(subscriber.client) ?? 1) - 1
    if (held <= 0) this.#perClient.delete(subscriber.client)
    else this.#perClient.set(subscriber.client, held)
    try {
      subscriber.controller.close()
    } catch {
      // Already closed or errored by the runtime (the client went away): nothing to end.
    }
    if (this.#subscribers.size === 0) this.#stopTimers()
  }

  #endAll(): void {
    for (const subscriber of [...this.#subscribers]) this.#drop(subscriber)
  }

  /** Heartbeat and resync run only while someone listens, so an idle replica does nothing. */
  #ensureTimers(): void {
    if (this.#heartbeatTimer === undefined) this.#scheduleHeartbeat()
    if (this.#pollTimer === undefined) this.#schedulePoll()
  }

  #stopTimers(): void {
    for (const timer of [this.#heartbeatTimer, this.#pollTimer, this.#flushTimer]) {
      if (timer !== undefined) this.#clock.clearTimeout(timer)
    }
    this.#heartbeatTimer = undefined
    this.#pollTimer = undefined
    this.#flushTimer = undefined
    this.#flushDue = Number.POSITIVE_INFINITY
  }

  #scheduleHeartbeat(): void {
    this.#heartbeatTimer = this.#clock.setTimeout(() => {
      this.#heartbeatTimer = undefined
      for (const subscriber of this.#subscribers) {
        try {
          subscriber.controller.enqueue(SSE_HEARTBEAT)
        } catch {
          this.#drop(subscriber)
        }
      }
      if (this.#subscribers.size > 0) this.#scheduleHeartbeat()
    }, this.#settings.heartbeatMs)
    unrefTimer(this.#heartbeatTimer)
  }

  #schedulePoll(): void {
    this.#pollTimer = this.#clock.setTimeout(() => {
      this.#pollTimer = undefined
      if (this.#shuttingDown()) {
        // Clients reconnect (with Last-Event-ID) to a replica that stays.
        this.#endAll()
        return
      }
      if (!this.#polling) {
        this.#polling = true
        // A newer snapshot reaches #publish through onSnapshot; a failed read is the cache's to log.
        this.#source
          .snapshot()
          .catch(() => undefined)
          .finally(() => {
            this.#polling = false
          })
      }
      if (this.#subscribers.size > 0) this.#schedulePoll()
    }, this.#settings.pollMs)
    unrefTimer(this.#pollTimer)
  }
}
