import pino, { type Logger } from 'pino'
import type { Correlation } from './log-correlation.ts'

const { chindingsSym, streamSym } = pino.symbols
const FLAT_LINES = Symbol('flat lines')

/** A log line's fields when every value is a primitive (an access-log line). */
export type FlatFields = Readonly<Record<string, string | number | boolean | undefined>>

interface FlatLineSupport {
  correlation: Correlation
  redact: <T>(value: T) => T
}
type Instance = Record<symbol, unknown> & Logger

/**
 * Marks a logger built by `createLogger` as one whose line format is known, so
 * {@link logFlat} may render lines itself. Children inherit the mark.
 */
export function supportFlatLines(logger: Logger, support: FlatLineSupport): void {
  ;(logger as Instance)[FLAT_LINES] = support
}

// Strings needing no escape are quoted as they are; anything else (quotes,
// backslashes, control characters, lone surrogates) goes through JSON.stringify.
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return true
  }
  return false
}
const quote = (text: string): string => (needsEscape(text) ? JSON.stringify(text) : `"${text}"`)

const json = (value: string | number | boolean): string => {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null'
  return value ? 'true' : 'false'
}

// Per logger family: the rendered `,"key":` of each key seen, or SECRET for a key the
// redactor censors. Access lines reuse six keys, so after the first line a key costs
// one property read instead of a redaction walk and an escape scan.
const SECRET = 0
type KeyCache = Record<string, string | typeof SECRET | undefined>
const keyCaches = new WeakMap<FlatLineSupport, KeyCache>()
const MAX_CACHED_KEYS = 256
const REDACTED_JSON = '"[Redacted]"'

function renderedKey(support: FlatLineSupport, key: string): string | typeof SECRET {
  let cache = keyCaches.get(support)
  if (cache === undefined) {
    cache = Object.create(null) as KeyCache
    keyCaches.set(support, cache)
  }
  const known = cache[key]
  if (known !== undefined) return known
  const probe = { [key]: '' }
  const rendered = support.redact(probe) === probe ? `,${quote(key)}:` : SECRET
  if (Object.keys(cache).length < MAX_CACHED_KEYS) cache[key] = rendered
  return rendered
}

/**
 * Logs a line whose fields are all primitives — the access line written for every
 * request — byte for byte as pino would (a test compares both), without pino's
 * general machinery: per-value type dispatch, a `JSON.stringify` per string under
 * Bun, and a diagnostics-channel wrapper that Bun and Node 20 cannot switch off.
 * That machinery measured about half of the plugin's per-request CPU on a trivial
 * route. Loggers not built by `createLogger` get a normal `logger[level]()` call.
 */
export function logFlat(logger: Logger, level: 'info' | 'warn', fields: FlatFields, message: string): void {
  const support = (logger as Instance)[FLAT_LINES] as FlatLineSupport | undefined
  if (support === undefined) {
    logger[level](fields, message)
    return
  }
  if (!logger.isLevelEnabled(level)) return
  // Puts the request context and active span on the logger's bindings for this line.
  support.correlation.mixin(fields, 0, logger)
  let line = `{"level":"${level}","time":${Date.now()}${(logger as Instance)[chindingsSym] as string}`
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    const rendered = renderedKey(support, key)
    line += rendered === SECRET ? `,${quote(key)}:${REDACTED_JSON}` : rendered + json(value)
  }
  line += `,"msg":${quote(message)}}\n`
  ;((logger as Instance)[streamSym] as { write(line: string): void }).write(line)
}
