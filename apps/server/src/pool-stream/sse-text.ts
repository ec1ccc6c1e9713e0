/**
 * The Server-Sent Events wire format (WHATWG HTML §9.2), the few frames the
 * pool stream writes. Each is encoded once and written to every subscriber.
 */
const encoder = new TextEncoder()

/**
 * One event: `id`, `event` and `data` lines, then a blank line. `data` must
 * hold no newline (JSON.stringify output never does).
 *
 * @example
 * sseEvent({ id: 42, event: 'pools', data: '{"pools":[]}' })
 * // 'id: 42\nevent: pools\ndata: {"pools":[]}\n\n' as bytes
 */
export function sseEvent(fields: { id: number; event: string; data: string }): Uint8Array {
  return encoder.encode(`id: ${fields.id}\nevent: ${fields.event}\ndata: ${fields.data}\n\n`)
}

/**
 * The first bytes of every stream: how long a browser's `EventSource` waits
 * before reconnecting (it then sends `Last-Event-ID`).
 */
export function sseRetry(ms: number): Uint8Array {
  return encoder.encode(`retry: ${ms}\n\n`)
}

/** A comment line: ignored by clients, keeps proxies and load balancers from closing an idle stream. */
export const SSE_HEARTBEAT: Uint8Array = encoder.encode(': heartbeat\n\n')

/**
 * The revision a reconnecting client last saw, from `Last-Event-ID`; undefined
 * when absent or not a non-negative integer (then the client gets the full state).
 */
export function parseLastEventId(value: string | null): number | undefined {
  if (value === null || !/^\d{1,15}$/.test(value.trim())) return undefined
  return Number(value.trim())
}
