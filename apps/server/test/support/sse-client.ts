export interface StreamEvent {
  id: number
  /** performance.now() when it was parsed. */
  receivedAt: number
  event: string
  data: string
}

/**
 * An open Server-Sent Events response, parsed into its events as they arrive
 * (what a browser's EventSource would dispatch; comments are skipped).
 *
 * @example
 * const stream = eventsOf(await fetch(`${base}/api/v1/pools/stream`))
 * const first = await stream.nth(0)
 */
export function eventsOf(response: Response) {
  const events: StreamEvent[] = []
  const waiting: (() => void)[] = []
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const field = (name: string) => frame.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1]
        if (field('event') !== undefined) {
          events.push({
            id: Number(field('id')),
            receivedAt: performance.now(),
            event: field('event')!,
            data: field('data')!,
          })
          for (const wake of waiting.splice(0)) wake()
        }
      }
    }
  })()
  return {
    events,
    /** Resolves with the event at `index` once it has arrived. */
    async nth(index: number, timeoutMs = 2_000): Promise<StreamEvent> {
      const deadline = Date.now() + timeoutMs
      while (events.length <= index) {
        if (Date.now() > deadline) throw new Error(`no event #${index} within ${timeoutMs} ms`)
        await new Promise<void>((resolve) => {
          waiting.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return events[index]!
    },
    close: () => reader.cancel(),
  }
}
