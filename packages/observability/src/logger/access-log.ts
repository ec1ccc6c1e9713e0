import type { Logger } from 'pino'
import {
  accessLineEncoder,
  type LineParts,
  lineParts,
  type StatusPart,
  statusPart,
} from './access-line-encoder.ts'
import { logFlat, logRendered, renderedKey } from './flat-line.ts'
import { quote } from './json-fragment.ts'

/** One finished HTTP request, as its access line reports it. */
export interface AccessRecord {
  requestId: string
  method: string
  /** Matched route template (`/items/:id`); undefined when no route matched. */
  route: string | undefined
  /** Raw path, without the query string. */
  path: string
  /** Status the client received. */
  status: number
  durationMs: number
  /** What the request failed with, logged with its stack on a 5xx line. */
  error?: unknown
}

/** The access log of a logger: one line per request, in one format whatever the framework. */
export interface AccessLog {
  /** Whether a request ending with `status` gets a line at the logger's level now; skip the work otherwise. */
  enabled(status: number): boolean
  /**
   * Writes the request's line: `info` "request completed", or for a 5xx `error`
   * "request failed" with `err` (message and stack). Fields: `requestId`, `method`,
   * `route`, `path`, `status`, `durationMs` (rounded to the microsecond).
   */
  write(record: AccessRecord): void
}

const LEVEL_INFO = 30
const LEVEL_ERROR = 50
// Raw paths only go to logs (never to metric labels); capped so a hostile URL
// cannot bloat a log line.
const MAX_LOGGED_PATH = 512
const FIELDS = ['requestId', 'method', 'route', 'path', 'status', 'durationMs'] as const
const COMMON_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * The access log of `logger`. For loggers built by `createLogger` the line of a
 * successful request is rendered here, byte for byte as `logger.info(fields, msg)`
 * would write it (a test compares both), with the parts that repeat on every
 * request — method and route, status — rendered once per combination: an access
 * line is written per request, and building it field by field measured about a
 * third of the Elysia plugin's own CPU. Any other logger gets `logger.info(…)`.
 *
 * @example
 * const access = accessLog(logger)
 * if (access.enabled(200)) access.write({ requestId, method: 'GET', route: '/items/:id', path: '/items/7', status: 200, durationMs: 1.2 })
 */
export function accessLog(logger: Logger): AccessLog {
  const parts = successLineParts(logger)
  const encode = parts === undefined ? undefined : accessLineEncoder(logger, parts.keys)
  return {
    enabled: (status) => logger.levelVal <= (status >= 500 ? LEVEL_ERROR : LEVEL_INFO),
    write(record) {
      const path = record.path.length > MAX_LOGGED_PATH ? record.path.slice(0, MAX_LOGGED_PATH) : record.path
      if (record.status < 500 && parts !== undefined) {
        if (logger.levelVal > LEVEL_INFO) return
        const route = parts.of(record.method, record.route)
        const status = parts.status(record.status)
        const samePath = path === record.route
        if (encode?.(route, status, record.requestId, path, samePath, record.durationMs)) return
        const fields =
          parts.keys.requestId +
          quote(record.requestId) +
          (samePath && route.samePath !== undefined
            ? route.samePath
            : route.head + parts.keys.path + quote(path)) +
          status.text +
          String(Math.round(record.durationMs * 1000) / 1000)
        logRendered(logger, 'info', fields, 'request completed')
        return
      }
      const line = {
        requestId: record.requestId,
        method: record.method,
        route: record.route,
        path,
        status: record.status,
        durationMs: Math.round(record.durationMs * 1000) / 1000,
      }
      if (record.status >= 500) {
        const { error } = record
        logger.error(error instanceof Error ? { ...line, err: error } : line, 'request failed')
      } else {
        logFlat(logger, 'info', line, 'request completed')
      }
    },
  }
}

/**
 * The pre-rendered parts of success lines, made once per method and route and once
 * per status; undefined when `logger` cannot take pre-rendered fields (not built by
 * createLogger, or configured to redact one of the fields).
 */
function successLineParts(logger: Logger) {
  const keys = {} as Record<(typeof FIELDS)[number], string>
  for (const field of FIELDS) {
    const key = renderedKey(logger, field)
    if (key === undefined) return undefined
    keys[field] = key
  }
  const partsOf = (method: string, route: string | undefined): LineParts => {
    const head = keys.method + quote(method) + (route === undefined ? '' : keys.route + quote(route))
    // The path of a route without parameters is usually the template itself.
    return lineParts(head, route === undefined ? undefined : head + keys.path + quote(route))
  }
  // Bounded: route templates × the common methods, and status codes.
  const byRoute = new Map<string | undefined, Partial<Record<string, LineParts>>>()
  const byStatus = new Map<number, StatusPart>()
  // Consecutive requests mostly hit the same route: the last answer skips both lookups.
  let lastMethod = ''
  let lastRoute: string | undefined
  let last: LineParts | undefined
  return {
    keys,
    of(method: string, route: string | undefined): LineParts {
      if (method === lastMethod && route === lastRoute && last !== undefined) return last
      // A client may invent methods (and reach an `.all()` route with them): not kept.
      if (!COMMON_METHODS.has(method)) return partsOf(method, route)
      const forRoute = byRoute.get(route) ?? {}
      byRoute.set(route, forRoute)
      const parts = forRoute[method] ?? partsOf(method, route)
      forRoute[method] = parts
      lastMethod = method
      lastRoute = route
      last = parts
      return parts
    },
    status(status: number): StatusPart {
      let part = byStatus.get(status)
      if (part === undefined) {
        part = statusPart(`${keys.status}${status}${keys.durationMs}`)
        byStatus.set(status, part)
      }
      return part
    },
  }
}
