import { createServer } from 'node:net'

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (the OS picks it).
 * Another process could take it before it is used; good enough for a test run.
 *
 * @example
 * const port = await freePort()
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}

/**
 * Polls `probe` until it returns true, or throws `message` after `timeoutMs`.
 *
 * @example
 * await waitFor(() => fetch(url).then((r) => r.ok, () => false), 30_000, 'server not ready')
 */
export async function waitFor(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  message: string,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe()) return
    if (Date.now() > deadline) throw new Error(`${message} (waited ${Math.round(timeoutMs / 1000)} s)`)
    await Bun.sleep(intervalMs)
  }
}
