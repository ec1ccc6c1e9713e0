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
