/** One call in progress for a key, shared by every caller that asked meanwhile. */
export interface Flight<T> {
  readonly promise: Promise<T>
  /**
   * Set when the key was deleted, overwritten or invalidated while the call
   * ran: its result is still handed to the callers that were waiting, but must
   * not be stored, since it may predate the change.
   */
  invalidated: boolean
}

/**
 * Runs at most one call per key at a time: callers that arrive while a call
 * for their key is running get the same promise.
 *
 * The flight is registered before `run` first awaits, so callers arriving in
 * the same tick (1 000 `getOrSet` calls on a cold key) all join it.
 *
 * @example
 * const flights = new SingleFlight<number>()
 * const [a, b] = await Promise.all([flights.run('k', load).promise, flights.run('k', load).promise])
 * // load ran once; a === b
 */
export class SingleFlight<T> {
  #flights = new Map<string, Flight<T>>()

  /** The running flight for `key`, or a new one running `call`. */
  run(key: string, call: (flight: Flight<T>) => Promise<T>): Flight<T> {
    const running = this.#flights.get(key)
    if (running !== undefined) return running
    let flight!: Flight<T>
    // Deferred by one microtask so `flight` is assigned and in the map before
    // `call` starts, even if `call` is synchronous up to its first await.
    const promise = Promise.resolve()
      .then(() => call(flight))
      .finally(() => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key)
      })
    flight = { promise, invalidated: false }
    this.#flights.set(key, flight)
    return flight
  }

  get(key: string): Flight<T> | undefined {
    return this.#flights.get(key)
  }

  /** Marks the flights whose key satisfies `predicate` as invalidated (all when omitted). */
  invalidate(predicate?: (key: string) => boolean): void {
    for (const [key, flight] of this.#flights) {
      if (predicate === undefined || predicate(key)) flight.invalidated = true
    }
  }

  get size(): number {
    return this.#flights.size
  }
}
