/** What a redacted value is replaced with (pino's own censor string). */
export const REDACTED = '[Redacted]'

/**
 * Key fragments redacted by default. A key is secret when its name, ignoring case,
 * `-` and `_`, contains one of them: `Authorization`, `set-cookie`, `x-api-key`,
 * `dbPassword`, `refresh_token`, `clientSecret`, `jwt`… all match.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = [
  'authorization',
  'cookie',
  'apikey',
  'password',
  'passwd',
  'secret',
  'token',
  'jwt',
  'privatekey',
  'credential',
]

// Deep enough for `{ req: { headers: { authorization } } }` or an error's
// `config.headers`, shallow enough that a huge object cannot stall logging.
export const MAX_REDACTION_DEPTH = 6
const MAX_DEPTH = MAX_REDACTION_DEPTH
// Log objects reuse a small vocabulary of keys; remembering each verdict keeps the
// per-line cost to a map lookup. The cap stops a stream of unique keys (ids used as
// keys) from growing the cache without bound.
const MAX_CACHED_KEYS = 4096

const normalize = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '')

/**
 * Builds the function applied to every log object: it returns the object itself
 * when nothing is secret (no allocation on the hot path) and otherwise a copy with
 * every secret value replaced by {@link REDACTED}, at any depth up to six levels.
 *
 * @example
 * const redact = createSecretRedactor(['pin'])
 * redact({ user: { password: 'x', pin: '1234', name: 'ann' } })
 * // { user: { password: '[Redacted]', pin: '[Redacted]', name: 'ann' } }
 */
export function createSecretRedactor(extraKeys: readonly string[] = []): <T>(value: T) => T {
  const fragments = [...new Set([...DEFAULT_REDACT_KEYS, ...extraKeys].map(normalize))].filter(Boolean)
  // A null-prototype object rather than a Map: JavaScriptCore looks string keys up
  // in it about three times faster, and this runs for every key of every line.
  const verdicts: Record<string, boolean | undefined> = Object.create(null)
  let cachedKeys = 0

  const isSecretKey = (key: string): boolean => {
    const known = verdicts[key]
    if (known !== undefined) return known
    const normalized = normalize(key)
    const secret = fragments.some((fragment) => normalized.includes(fragment))
    if (cachedKeys < MAX_CACHED_KEYS) {
      verdicts[key] = secret
      cachedKeys++
    }
    return secret
  }

  // Hot path: called for every logged object. Primitives are skipped before any
  // call, and nothing is allocated unless a secret is found.
  const redact = (value: object, depth: number): object => {
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (typeof item !== 'object' || item === null || depth >= MAX_DEPTH) continue
        const next = redact(item, depth + 1)
        if (next !== item) {
          copy ??= value.slice()
          copy[i] = next
        }
      }
      return copy ?? value
    }
    const prototype = Object.getPrototypeOf(value)
    const isError = prototype !== Object.prototype && prototype !== null && value instanceof Error
    if (prototype !== Object.prototype && prototype !== null && !isError) {
      // Bun serialises a fetch `Headers` object with its values (toJSON), so one
      // logged as-is would print the Authorization header: turn it into a plain
      // object and redact that.
      if (typeof Headers !== 'undefined' && value instanceof Headers) {
        return redact(Object.fromEntries(value.entries()), depth)
      }
      return value
    }

    const source = value as Record<string, unknown>
    let copy: Record<string, unknown> | undefined
    for (const key in source) {
      const current = source[key]
      let next: unknown = current
      if (isSecretKey(key)) {
        if (current !== undefined && current !== null) next = REDACTED
      } else if (typeof current === 'object' && current !== null && depth < MAX_DEPTH) {
        next = redact(current, depth + 1)
      }
      if (next !== current && Object.hasOwn(source, key)) {
        copy ??= isError ? cloneError(value as Error) : { ...source }
        copy[key] = next
      }
    }
    return copy ?? value
  }

  return <T>(value: T): T => (typeof value === 'object' && value !== null ? (redact(value, 0) as T) : value)
}

// Keeps the prototype, message and stack (non-enumerable own properties) so pino's
// error serialiser still recognises and prints it.
function cloneError(error: Error): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(error)) as Record<string, unknown>
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error))
  return copy
}
