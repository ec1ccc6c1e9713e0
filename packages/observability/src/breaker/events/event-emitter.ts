/** A listener of one event type. */
export type Listener<T> = (event: T) => void

/** Subscribes a listener; calling the returned function unsubscribes it (calling it again does nothing). */
export type Subscribe<T> = (listener: Listener<T>) => () => void

/**
 * A minimal typed emitter, kept private by its owner, which exposes only
 * `addListener` (cockatiel's pattern: `readonly onBreak = this.breakEmitter.addListener`).
 */
export class EventEmitter<T> {
  // Replaced, never mutated, so a listener that unsubscribes during emit does not skip its neighbour.
  #listeners: readonly Listener<T>[] = []

  readonly addListener: Subscribe<T> = (listener) => {
    this.#listeners = [...this.#listeners, listener]
    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      const index = this.#listeners.indexOf(listener)
      if (index !== -1) this.#listeners = this.#listeners.toSpliced(index, 1)
    }
  }

  /** Whether anyone listens: lets hot paths skip building an event object nobody reads. */
  get hasListeners(): boolean {
    return this.#listeners.length > 0
  }

  /**
   * Calls every listener. A throwing listener must not change the outcome of the call
   * being reported, so its error is rethrown from a microtask (surfacing as an
   * uncaught error, as in an EventTarget) instead of propagating into the emitter.
   */
  emit(event: T): void {
    for (const listener of this.#listeners) {
      try {
        listener(event)
      } catch (error) {
        queueMicrotask(() => {
          throw error
        })
      }
    }
  }
}
