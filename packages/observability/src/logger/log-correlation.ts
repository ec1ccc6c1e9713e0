import { isSpanContextValid, trace } from '@opentelemetry/api'
import pino from 'pino'
import { json, REDACTED_JSON, SECRET } from './json-fragment.ts'
import { getRequestContext, type RequestContext } from './request-context.ts'

// pino serialises a logger's bindings once, into this pre-rendered JSON fragment,
// and prefixes it to every line. Swapping it per line is how the request context
// gets onto lines at the cost of a string concatenation — a mixin object merged
// into every logged object measured ~1.6× slower than a pino child logger.
const { chindingsSym } = pino.symbols
type Instance = Record<symbol, unknown>
const bindingsOf = (logger: object): string => String((logger as Instance)[chindingsSym] ?? '')
const setBindingsOf = (logger: object, bindings: string) => {
  ;(logger as Instance)[chindingsSym] = bindings
}

interface ContextFragment {
  keys: string[]
  values: unknown[]
  json: string
}

/** Correlation of log lines with the current request context and OTel span. */
export interface Correlation {
  /** pino `mixin`: puts the correlation fields of the line being written on its bindings. */
  mixin(logged: object, level: number, logger: object): object
  /**
   * The correlation fields of a line written now (`,"requestId":…` and the trace ids),
   * rendered as JSON fragment; `''` outside requests and spans.
   */
  fields(): string
  /** A logger's own bindings (`,"pid":…,"service":…`), without any per-line fields. */
  ownBindings(logger: object): string
  /** Records the bindings a logger was built with, as opposed to per-line additions. */
  track(logger: object): void
  /** Runs `fn` with the logger's own bindings in place (for child(), bindings()…). */
  withOwnBindings<T>(logger: object, fn: () => T): T
}

const NOTHING: object = Object.freeze({})

/**
 * Builds the per-line correlation: the request context's fields (`requestId`, …),
 * redacted like everything else, and `trace_id`/`span_id`/`trace_flags` (the OTel
 * log data model's names) when a span is active. Context fields are rendered once
 * per context and re-rendered when a field is added or changed, so enriching the
 * context during a request (`getRequestContext().clientId = …`) shows on later lines.
 */
export function createCorrelation(
  redact: <T>(value: T) => T,
  renderKey: (key: string) => string | typeof SECRET,
): Correlation {
  // Each logger's own bindings, kept on the instance under a private symbol: a
  // property read is cheaper than a WeakMap lookup on every line.
  const OWN = Symbol('own bindings')
  const fragments = new WeakMap<RequestContext, ContextFragment>()

  // Every instance is tracked when created (root, child(), setBindings()), so the
  // value read is the instance's own, never one inherited from its parent.
  const ownBindings = (logger: object): string =>
    ((logger as Instance)[OWN] as string | undefined) ?? bindingsOf(logger)

  const contextJson = (context: RequestContext): string => {
    const cached = fragments.get(context)
    if (cached !== undefined && isCurrent(cached, context)) return cached.json
    const keys = Object.keys(context)
    const values = keys.map((key) => context[key])
    const fragment = { keys, values, json: renderFlat(keys, values) ?? renderNested(context) }
    fragments.set(context, fragment)
    return fragment.json
  }
  // A context is a new object per request, usually `{ requestId }`: render primitive
  // fields by hand with cached keys rather than redacting and stringifying the object.
  const renderFlat = (keys: string[], values: unknown[]): string | undefined => {
    let rendered = ''
    for (let i = 0; i < keys.length; i++) {
      const value = values[i]
      if (value === undefined) continue
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return undefined
      const key = renderKey(keys[i] as string)
      rendered += key === SECRET ? `,${JSON.stringify(keys[i])}:${REDACTED_JSON}` : key + json(value)
    }
    return rendered
  }
  const renderNested = (context: RequestContext): string => {
    const rendered = JSON.stringify(redact(context))
    // `{"a":1}` → `,"a":1`; an empty context renders nothing.
    return rendered.length > 2 ? `,${rendered.slice(1, -1)}` : ''
  }

  const fields = (): string => {
    const context = getRequestContext()
    const span = trace.getActiveSpan()?.spanContext()
    let extra = context === undefined ? '' : contextJson(context)
    if (span !== undefined && isSpanContextValid(span)) {
      const flags = `0${span.traceFlags.toString(16)}`.slice(-2)
      extra += `,"trace_id":"${span.traceId}","span_id":"${span.spanId}","trace_flags":"${flags}"`
    }
    return extra
  }

  return {
    mixin(_logged, _level, logger) {
      const base = ownBindings(logger)
      const extra = fields()
      setBindingsOf(logger, extra === '' ? base : base + extra)
      return NOTHING
    },
    fields,
    ownBindings,
    track(logger) {
      ;(logger as Instance)[OWN] = bindingsOf(logger)
    },
    withOwnBindings(logger, fn) {
      const current = bindingsOf(logger)
      setBindingsOf(logger, ownBindings(logger))
      try {
        return fn()
      } finally {
        setBindingsOf(logger, current)
      }
    },
  }
}

/** pino's merge strategy to pair with {@link Correlation.mixin}: the logged object as is. */
export const keepLoggedObject = (logged: object): object => logged

function isCurrent(fragment: ContextFragment, context: RequestContext): boolean {
  let index = 0
  for (const key in context) {
    if (fragment.keys[index] !== key || fragment.values[index] !== context[key]) return false
    index++
  }
  return index === fragment.keys.length
}
