import type { CacheBus, CacheBusListener, CacheBusMessage } from './cache-bus.ts'

/**
 * An in-process bus: every cache built with the same instance receives the
 * others' invalidations, synchronously. Use it to link several L1-only caches
 * of one process (or replicas simulated in a test); it never disconnects.
 *
 * @example
 * const bus = memoryBus()
 * const a = multiLevelCache({ name: 'pools', bus })
 * const b = multiLevelCache({ name: 'pools', bus })
 * await a.delete('mega') // b drops 'mega' from its L1 too
 */
export function memoryBus(): CacheBus {
  return new MemoryBus()
}

/** @see {@link memoryBus} */
export class MemoryBus implements CacheBus {
  readonly connected = true
  #channels = new Map<string, Set<CacheBusListener>>()

  async publish(channel: string, message: CacheBusMessage): Promise<void> {
    // Each listener gets its own copy, as it would from the wire.
    const text = JSON.stringify(message)
    for (const listener of [...(this.#channels.get(channel) ?? [])]) {
      listener.message(JSON.parse(text) as CacheBusMessage)
    }
  }

  subscribe(channel: string, listener: CacheBusListener): () => void {
    let listeners = this.#channels.get(channel)
    if (listeners === undefined) {
      listeners = new Set()
      this.#channels.set(channel, listeners)
    }
    listeners.add(listener)
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0) this.#channels.delete(channel)
    }
  }

  async close(): Promise<void> {
    this.#channels.clear()
  }
}
