/**
 * What travels between cache instances: which keys or versions changed, never
 * values. `origin` identifies the sending instance so it can ignore its echo.
 */
export type CacheBusMessage =
  /** These full keys (namespace included) were set or deleted: drop them from L1. */
  | { type: 'delete'; origin: string; keys: string[] }
  /** These tag versions / namespace generations were bumped (invalidateTags, clear). */
  | { type: 'versions'; origin: string; versions: Record<string, number> }

/** Receives what a bus delivers. */
export interface CacheBusListener {
  message(message: CacheBusMessage): void
  /**
   * The bus reconnected and may have missed messages: the listener must drop
   * what it cannot trust (the cache drops its whole L1 and its tag versions).
   */
  resync(): void
}

/**
 * Carries invalidations between cache instances: Redis pub/sub across
 * replicas ({@link RedisBus}), or {@link memoryBus} inside one process.
 */
export interface CacheBus {
  /** Resolves once sent; rejects when the transport failed (the cache counts it as an L2 error). */
  publish(channel: string, message: CacheBusMessage): Promise<void>
  /** Starts delivering the channel's messages to `listener`; returns the unsubscribe function. */
  subscribe(channel: string, listener: CacheBusListener): () => void
  /** False while the bus knows it is disconnected (reported by the health check). */
  readonly connected: boolean
  /** Releases connections the bus opened itself. */
  close(): Promise<void>
}

/** Wire form of a message: compact JSON. */
export function encodeBusMessage(message: CacheBusMessage): string {
  return JSON.stringify(message)
}

/** Parses a wire message; `undefined` for anything malformed (never throws on foreign traffic). */
export function decodeBusMessage(text: string): CacheBusMessage | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object') return undefined
  const candidate = parsed as Record<string, unknown>
  if (typeof candidate.origin !== 'string') return undefined
  if (
    candidate.type === 'delete' &&
    Array.isArray(candidate.keys) &&
    candidate.keys.every((key) => typeof key === 'string')
  ) {
    return { type: 'delete', origin: candidate.origin, keys: candidate.keys as string[] }
  }
  if (
    candidate.type === 'versions' &&
    candidate.versions !== null &&
    typeof candidate.versions === 'object'
  ) {
    const versions: Record<string, number> = {}
    for (const [name, version] of Object.entries(candidate.versions)) {
      if (typeof version !== 'number' || !Number.isFinite(version)) return undefined
      versions[name] = version
    }
    return { type: 'versions', origin: candidate.origin, versions }
  }
  return undefined
}
