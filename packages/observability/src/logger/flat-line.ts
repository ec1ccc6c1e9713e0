import pino, { type Logger } from 'pino'
import { json, quote, REDACTED_JSON, SECRET } from './json-fragment.ts'
import type { Correlation } from './log-correlation.ts'

const { chindingsSym, streamSym } = pino.symbols
const FLAT_LINES = Symbol('flat lines')

/** A log line's fields when every value is a primitive (an access-log line). */
export type FlatFields = Readonly<Record<string, string | number | boolean | undefined>>

interface FlatLineSupport {
  correlation: Correlation
  redact: <T>(value: T) => T
  /** Renders `,"key":` once per key; see `keyRenderer`. */
  renderKey: (key: string) => string | typeof SECRET
}
type Instance = Record<symbol, unknown> & Logger

/**
 * Marks a logger built by `createLogger` as one whose line format is known, so
 * {@link logFlat} may render lines itself. Children inherit the mark.
 */
export function supportFlatLines(logger: Logger, support: FlatLineSupport): void {
  ;(logger as Instance)[FLAT_LINES] = support
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
    const rendered = support.renderKey(key)
    line += rendered === SECRET ? `,${quote(key)}:${REDACTED_JSON}` : rendered + json(value)
  }
  line += `,"msg":${quote(message)}}\n`
  ;((logger as Instance)[streamSym] as { write(line: string): void }).write(line)
}
