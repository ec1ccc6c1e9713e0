import type { Redis } from 'ioredis'

/** Options of {@link poolRevisionChannel}. */
export interface PoolRevisionChannelOptions {
  /** The command connection PUBLISH goes through (the same one the pool cache writes Redis with). */
  commands: Pick<Redis, 'publish'>
  /** The replica's subscriber connection (shared with the cache bus; it never re-subscribes by itself). */
  subscriber: Redis
  /** The channel, e.g. `jackpot:pool-stream`. */
  channel: string
  /** Told about failed publishes (the resync catches up). Defaults to none. */
  logger?: { warn(fields: object, message: string): void } | undefined
}

/** Tells every replica that pools changed, and hears what the others tell. */
export interface PoolRevisionChannel {
  /** Announces that the shared cache now holds `revision`. Never throws. */
  publish(revision: number): void
  /** Calls `listener` with each revision another replica announces. Returns a disposer. */
  onRevision(listener: (revision: number) => void): () => void
  /** Unsubscribes; leaves the connections open (their owner closes them). */
  close(): Promise<void>
}

/**
 * A Redis pub/sub channel of pool revisions: the push that carries a change
 * committed on one replica to the pool stream on every other, at once. The
 * message is small (`{"o":origin,"r":revision}`); the state itself is read
 * from the shared cache, once per replica, never per subscriber.
 *
 * Order matters and holds: the announcing replica publishes after its cache
 * write resolved, which also published the cache bus's invalidation, on the
 * same command connection. Redis delivers both, in that order, on the
 * receiving replica's one subscriber connection, so by the time a revision is
 * heard the old snapshot has left that replica's memory and a read fetches the
 * new one. Pub/sub is at most once: the pool stream's slow resync covers a
 * message lost while Redis was away.
 *
 * @example
 * const channel = poolRevisionChannel({ commands: redis.commands, subscriber: redis.subscriber, channel: 'jackpot:pool-stream' })
 * poolCache.onShared((snapshot) => channel.publish(snapshot.revision))
 * channel.onRevision((revision) => void poolCache.catchUp(revision))
 */
export function poolRevisionChannel(options: PoolRevisionChannelOptions): PoolRevisionChannel {
  const { commands, subscriber, channel, logger } = options
  // Our own announcements come back to us; the stream already has those states.
  const origin = crypto.randomUUID()
  const listeners = new Set<(revision: number) => void>()
  let closed = false

  const onMessage = (from: string, payload: string) => {
    if (from !== channel) return
    const revision = parseAnnouncement(payload, origin)
    if (revision === undefined) return
    for (const listener of listeners) listener(revision)
  }
  // `autoResubscribe` is off on this connection (the cache bus orders its own re-subscription), so this one re-subscribes itself.
  const subscribe = () => {
    if (!closed) subscriber.subscribe(channel).catch(() => undefined)
  }
  subscriber.on('message', onMessage)
  subscriber.on('ready', subscribe)
  if (subscriber.status === 'ready') subscribe()

  return {
    publish(revision) {
      if (closed) return
      commands.publish(channel, JSON.stringify({ o: origin, r: revision })).catch((error: unknown) => {
        logger?.warn({ err: error }, 'pool stream: announcing a pool change to the other replicas failed')
      })
    },
    onRevision(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      if (closed) return
      closed = true
      listeners.clear()
      subscriber.off('message', onMessage)
      subscriber.off('ready', subscribe)
      if (subscriber.status === 'ready') await subscriber.unsubscribe(channel).catch(() => undefined)
    },
  }
}

/** The revision of another replica's announcement; undefined for ours or for anything malformed. */
export function parseAnnouncement(payload: string, ownOrigin: string): number | undefined {
  try {
    const message = JSON.parse(payload) as { o?: unknown; r?: unknown }
    if (message.o === ownOrigin || typeof message.r !== 'number' || !Number.isSafeInteger(message.r)) {
      return undefined
    }
    return message.r
  } catch {
    return undefined
  }
}
