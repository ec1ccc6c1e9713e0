import pino, { type Logger } from 'pino'
import { json, quote, REDACTED_JSON, SECRET } from './json-fragment.ts'
import type { Correlation } from './log-correlation.ts'
import { MAX_REDACTION_DEPTH } from './redact-secrets.ts'

const {
  asJsonSym,
  chindingsSym,
  endSym,
  formattersSym,
  lsCacheSym,
  serializersSym,
  streamSym,
  stringifiersSym,
} = pino.symbols
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
type AsJson = (this: Instance, obj: object, msg: unknown, level: number, time: string) => string

/**
 * Marks a logger built by `createLogger` as one whose line format is known, so
 * {@link logFlat} may render lines itself, and gives it (and, through the prototype
 * chain, its children) a faster line renderer for the common call: a plain object
 * of primitives, plain objects and arrays, and a string message. That line is rendered in
 * one pass that also redacts (one cached verdict per key), byte for byte as pino
 * would (a test compares both); anything else — nested objects, errors, arrays, a
 * child with its own serializers, formatters or redact paths — goes to pino's own
 * renderer, behind the redaction walk. pino's renderer measured ~1.4× slower on such
 * a line under Bun: a `JSON.stringify` per string, a serializer and stringifier
 * lookup per key, and a diagnostics-channel wrapper Bun cannot switch off.
 */
export function supportFlatLines(logger: Logger, support: FlatLineSupport): void {
  const instance = logger as Instance
  instance[FLAT_LINES] = support
  const pinoAsJson = instance[asJsonSym] as AsJson
  const serializers = instance[serializersSym] as Record<string, unknown>
  const stringifiers = instance[stringifiersSym]
  // pino's defaults (`err`); a child given serializers has a set of its own.
  const serializedKeys = Object.keys(serializers)
  const { redact, renderKey } = support
  const asJson: AsJson = function asJson(obj, msg, level, time) {
    if (
      (typeof msg === 'string' || msg === undefined) &&
      this[serializersSym] === serializers &&
      this[stringifiersSym] === stringifiers &&
      (this[formattersSym] as { log?: unknown }).log === redact
    ) {
      const fields = renderFields(obj, renderKey, serializedKeys)
      if (fields !== undefined) {
        const message = msg === undefined ? '' : `,"msg":${quote(msg)}`
        return `${(this[lsCacheSym] as Record<number, string>)[level]}${time}${this[chindingsSym] as string}${fields}${message}${this[endSym] as string}`
      }
    }
    return pinoAsJson.call(this, obj, msg, level, time)
  }
  instance[asJsonSym] = asJson
}

/**
 * `,"key":value` for every field of a plain object, secrets censored, as pino would
 * write them behind the redaction walk (see redact-secrets.ts); undefined when the
 * object needs pino's general renderer: a value that is not a primitive, a plain
 * object or an array (an Error, a Date, a class instance, a bigint…), a field
 * with a serializer, or nesting deeper than the redaction walk goes.
 */
function renderFields(
  obj: object,
  renderKey: (key: string) => string | typeof SECRET,
  serializedKeys: readonly string[],
): string | undefined {
  if (!isPlain(obj)) return undefined
  for (const key of serializedKeys) if ((obj as Record<string, unknown>)[key] !== undefined) return undefined
  return renderEntries(obj as Record<string, unknown>, 0, renderKey)
}

const isPlain = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

/** `,"key":value` for the fields of a plain object at `depth` (the logged object is 0). */
function renderEntries(
  fields: Record<string, unknown>,
  depth: number,
  renderKey: (key: string) => string | typeof SECRET,
): string | undefined {
  let rendered = ''
  for (const key in fields) {
    const value = fields[key]
    if (value === undefined) continue
    const renderedKey = renderKey(key)
    if (renderedKey === SECRET) {
      // As the redaction walk: a null secret stays null, anything else is censored.
      rendered += `,${quote(key)}:${value === null ? 'null' : REDACTED_JSON}`
      continue
    }
    const json = renderValue(value, depth, renderKey)
    if (json === undefined) return undefined
    rendered += renderedKey + json
  }
  return rendered
}

/** A value of an object at `depth` (the top level is 0) as JSON.stringify writes it, secrets censored. */
function renderValue(
  value: unknown,
  depth: number,
  renderKey: (key: string) => string | typeof SECRET,
): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'number':
    case 'boolean':
      return json(value)
    case 'object': {
      if (value === null) return 'null'
      // The redaction walk stops below this depth; deeper values keep pino's path.
      if (depth >= MAX_REDACTION_DEPTH) return undefined
      if (Array.isArray(value)) {
        let rendered = ''
        for (const item of value) {
          const itemJson = item === undefined ? 'null' : renderValue(item, depth + 1, renderKey)
          if (itemJson === undefined) return undefined
          rendered += `,${itemJson}`
        }
        return `[${rendered.slice(1)}]`
      }
      if (!isPlain(value)) return undefined
      const entries = renderEntries(value as Record<string, unknown>, depth + 1, renderKey)
      return entries === undefined ? undefined : `{${entries.slice(1)}}`
    }
    default:
      return undefined
  }
}

/**
 * Logs a line whose fields are all primitives — the access line written for every
 * request — byte for byte as pino would (a test compares both), skipping also
 * pino's per-call argument handling. Loggers not built by `createLogger` get a
 * normal `logger[level]()` call.
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

/**
 * `,"key":` as lines of `logger` render the field `key`, for callers that pre-render
 * the constant parts of a line for {@link logRendered}; undefined when the logger
 * was not built by `createLogger` or redacts that key.
 */
export function renderedKey(logger: Logger, key: string): string | undefined {
  const support = (logger as Instance)[FLAT_LINES] as FlatLineSupport | undefined
  const rendered = support?.renderKey(key)
  return rendered === undefined || rendered === SECRET ? undefined : rendered
}

/** The correlation of a logger built by `createLogger` without pino redact paths; undefined otherwise. */
export function correlationOf(logger: Logger): Correlation | undefined {
  return ((logger as Instance)[FLAT_LINES] as FlatLineSupport | undefined)?.correlation
}

/**
 * Logs a line whose fields the caller rendered (`,"key":value…`, keys from
 * {@link renderedKey}, values valid JSON) — the access line, whose method, route and
 * status parts repeat on every request. Only for loggers {@link renderedKey}
 * answered for; the request context and active span are added as on every line.
 */
export function logRendered(logger: Logger, level: 'info' | 'warn', fields: string, message: string): void {
  const support = (logger as Instance)[FLAT_LINES] as FlatLineSupport
  if (!logger.isLevelEnabled(level)) return
  support.correlation.mixin(NO_FIELDS, 0, logger)
  // Callers pass the same message line after line: its JSON is rendered once.
  if (message !== lastMessage) {
    lastMessage = message
    lastMessageEnd = `,"msg":${quote(message)}}\n`
  }
  const line = `{"level":"${level}","time":${Date.now()}${(logger as Instance)[chindingsSym] as string}${fields}${lastMessageEnd}`
  ;((logger as Instance)[streamSym] as { write(line: string): void }).write(line)
}

let lastMessage = ''
let lastMessageEnd = ',"msg":""}\n'

const NO_FIELDS: object = Object.freeze({})
