import type { Redis } from 'ioredis'
import {
  type CacheBus,
  type CacheBusListener,
  type CacheBusMessage,
  decodeBusMessage,
  encodeBusMessage,
} from './cache-bus.ts'

/** Options of {@link RedisBus}. */
export interface RedisBusOptions {
  /** A connection used for nothing but SUBSCRIBE (it enters subscriber mode). */
  subscriber: Redis | Promise<Redis>
  /** Sends one message; the cache routes it through its breaker-guarded command client. */
  publish: (channel: string, payload: string) => Promise<void>
  /** Close the subscriber on `close()` (true when the cache opened it). */
  ownsSubscriber: boolean
  /** Told about connection changes, for logs. */
  onConnectionChange?: (connected: boolean) => void
}

/**
 * Redis pub/sub as the invalidation bus. Pub/sub delivers at most once: while
 * the subscriber is disconnected, messages are lost. So on every reconnection
 * the bus subscribes again and only then calls each listener's `resync()`
 * (the cache drops its L1 and re-reads tag versions); messages sent between
 * the drop and the re-subscription cannot be lost, since the subscription is
 * confirmed first.
 *
 * @example
 * const bus = new RedisBus({ subscriber, publish: (c, m) => client.publish(c, m).then(() => {}), ownsSubscriber: false })
 */
export class RedisBus implements CacheBus {
  #connected = false
  #wasReady = false
  #closed = false
  #subscriber: Redis | undefined
  readonly #channels = new Map<string, Set<CacheBusListener>>()
  readonly #options: RedisBusOptions

  constructor(options: RedisBusOptions) {
    this.#options = options
    Promise.resolve(options.subscriber).then(
      (subscriber) => this.#attach(subscriber),
      () => undefined,
    )
  }

  get connected(): boolean {
    return this.#connected
  }

  readonly #handlers = {
    message: (channel: string, payload: string) => this.#deliver(channel, payload),
    ready: () => void this.#onReady(),
    close: () => this.#setConnected(false),
    // ioredis prints unhandled 'error' events; reconnection is already under way.
    error: () => undefined,
  }

  #attach(subscriber: Redis): void {
    if (this.#closed) return
    this.#subscriber = subscriber
    for (const [event, handler] of Object.entries(this.#handlers)) subscriber.on(event, handler)
    if (subscriber.status === 'ready') void this.#onReady()
  }

  async #onReady(): Promise<void> {
    const subscriber = this.#subscriber
    if (subscriber === undefined || this.#closed) return
    const channels = [...this.#channels.keys()]
    try {
      if (channels.length > 0) await subscriber.subscribe(...channels)
    } catch {
      // The connection dropped again; the next `ready` retries.
      return
    }
    if (this.#closed) return
    const reconnected = this.#wasReady
    this.#wasReady = true
    this.#setConnected(true)
    if (!reconnected) return
    for (const listeners of this.#channels.values()) {
      for (const listener of listeners) listener.resync()
    }
  }

  #setConnected(connected: boolean): void {
    if (this.#connected === connected) return
    this.#connected = connected
    this.#options.onConnectionChange?.(connected)
  }

  #deliver(channel: string, payload: string): void {
    const listeners = this.#channels.get(channel)
    if (listeners === undefined) return
    const message = decodeBusMessage(payload)
    if (message === undefined) return
    for (const listener of listeners) listener.message(message)
  }

  publish(channel: string, message: CacheBusMessage): Promise<void> {
    return this.#options.publish(channel, encodeBusMessage(message))
  }

  subscribe(channel: string, listener: CacheBusListener): () => void {
    let listeners = this.#channels.get(channel)
    if (listeners === undefined) {
      listeners = new Set()
      this.#channels.set(channel, listeners)
      const subscriber = this.#subscriber
      // Before the first `ready`, #onReady subscribes every channel.
      if (subscriber?.status === 'ready') subscriber.subscribe(channel).catch(() => undefined)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size > 0) return
      this.#channels.delete(channel)
      if (this.#subscriber?.status === 'ready') this.#subscriber.unsubscribe(channel).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    const channels = [...this.#channels.keys()]
    this.#channels.clear()
    this.#setConnected(false)
    const subscriber =
      this.#subscriber ?? (await Promise.resolve(this.#options.subscriber).catch(() => undefined))
    if (subscriber === undefined) return
    for (const [event, handler] of Object.entries(this.#handlers)) subscriber.off(event, handler)
    if (this.#options.ownsSubscriber) {
      await subscriber.quit().catch(() => subscriber.disconnect())
    } else if (channels.length > 0 && subscriber.status === 'ready') {
      await subscriber.unsubscribe(...channels).catch(() => undefined)
    }
  }
}
