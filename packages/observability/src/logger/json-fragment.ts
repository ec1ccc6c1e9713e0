// Helpers that render JSON fragments of log lines by hand, byte for byte as
// JSON.stringify would, for the hot paths (access lines, request-context fields).

// Strings needing no escape are quoted as they are; anything else (quotes,
// backslashes, control characters, surrogates, which may be lone) goes through
// JSON.stringify. A regular expression: JSC's compiled character-class scan measured
// faster than a charCodeAt loop on the ids and paths of access lines.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/
const needsEscape = (text: string): boolean => NEEDS_ESCAPE.test(text)

/** `text` as a JSON string literal. */
export const quote = (text: string): string => (needsEscape(text) ? JSON.stringify(text) : `"${text}"`)

/** A primitive as JSON (non-finite numbers become `null`, as in JSON.stringify). */
export const json = (value: string | number | boolean): string => {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  return value ? 'true' : 'false'
}

/** Marks a key whose value the redactor censors. */
export const SECRET = 0
export const REDACTED_JSON = '"[Redacted]"'
const MAX_CACHED_KEYS = 256

/**
 * `,"key":` for each key, or {@link SECRET} when `redact` censors it, remembered per
 * key: log lines reuse a handful of keys, so after the first line a key costs one
 * property read instead of a redaction walk and an escape scan.
 */
export function keyRenderer(redact: <T>(value: T) => T): (key: string) => string | typeof SECRET {
  const cache: Record<string, string | typeof SECRET | undefined> = Object.create(null)
  let cached = 0
  return (key) => {
    const known = cache[key]
    if (known !== undefined) return known
    const probe = { [key]: '' }
    const rendered = redact(probe) === probe ? `,${quote(key)}:` : SECRET
    if (cached < MAX_CACHED_KEYS) {
      cache[key] = rendered
      cached++
    }
    return rendered
  }
}
