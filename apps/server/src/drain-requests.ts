import type { Server } from 'bun'

export interface DrainOptions {
  /** The whole budget: past it, remaining connections are closed. */
  graceMs: number
  /** Turns of the event loop with nothing pending before the listener closes. Defaults to 3. */
  quietTurns?: number
  /** Milliseconds per turn. Defaults to 10. */
  turnMs?: number
}

/**
 * Stops `server` without dropping a request whose bytes already arrived.
 *
 * Bun's `stop(false)` closes every connection that has no request *it has parsed*
 * yet. While the event loop is busy (PGlite runs its queries on the loop itself)
 * a keep-alive connection can hold a complete request in the kernel's buffer that
 * Bun has not read: `stop(false)` then resets it. So first wait until nothing is
 * pending for a few turns of the loop (each turn polls the sockets and reads what
 * has arrived), then close the listener, then wait for what is still in flight.
 * Returns false when the grace ran out and connections were closed by force.
 *
 * @example
 * const clean = await drainRequests(app.server, { graceMs: 10_000 })
 */
export async function drainRequests(
  server: Pick<Server<unknown>, 'pendingRequests' | 'stop'>,
  { graceMs, quietTurns = 3, turnMs = 10 }: DrainOptions,
): Promise<boolean> {
  const deadline = performance.now() + graceMs
  let quiet = 0
  while (quiet < quietTurns && performance.now() < deadline) {
    await Bun.sleep(turnMs)
    quiet = server.pendingRequests === 0 ? quiet + 1 : 0
  }
  const stopped = server.stop(false)
  while (server.pendingRequests > 0 && performance.now() < deadline) await Bun.sleep(turnMs)
  if (server.pendingRequests > 0) {
    await server.stop(true)
    return false
  }
  await stopped
  return true
}
