import { Elysia, ValidationError } from 'elysia'
import { type FieldError, HttpProblem, PROBLEM_CONTENT_TYPE, type Problem, problem } from './problem.ts'
import { CONTROL_CHARACTER_MESSAGE, NO_CONTROL_CHARACTERS } from './text.ts'

export interface ErrorHandlerOptions {
  /** Seconds a client should wait after a 503 when nothing better is known. Defaults to 5. */
  retryAfterSeconds?: number
}

/**
 * Turns every error into an RFC 9457 problem: Elysia's own (validation, parse,
 * not found), the domain's (by their stable `code`), and `HttpProblem`.
 * Anything unrecognised becomes a bare 500: its message and stack never reach the
 * client. Logging is the observability plugin's job: it writes every 5xx once,
 * with its stack, on the request's access line.
 *
 * @example
 * new Elysia().use(errorHandler()).get('/', () => { throw new Error('boom') })
 */
export function errorHandler(options: ErrorHandlerOptions = {}) {
  const retryAfter = String(options.retryAfterSeconds ?? 5)
  return new Elysia({ name: 'jackpot/error-handler' }).onError(
    { as: 'global' },
    ({ code, error, set, request }) => {
      const instance = new URL(request.url).pathname
      const { body, headers } = toProblem(code, error, retryAfter)
      set.status = body.status
      Object.assign(set.headers, headers, { 'content-type': PROBLEM_CONTENT_TYPE })
      return { ...body, instance }
    },
  )
}

interface Mapped {
  body: Problem
  headers: Record<string, string>
}

function toProblem(code: string | number, error: unknown, retryAfter: string): Mapped {
  if (error instanceof HttpProblem) return { body: error.problem, headers: error.headers }
  // Elysia wraps whatever a body parser throws in a ParseError; ours throws problems (413, 415).
  if (code === 'PARSE' && error instanceof Error && error.cause instanceof HttpProblem) {
    return { body: error.cause.problem, headers: error.cause.headers }
  }
  if (error instanceof ValidationError) {
    // A response that fails its own schema is our bug, not the client's.
    if (error.type === 'response') return internal()
    return { body: validationProblem(error), headers: {} }
  }
  if (code === 'PARSE') {
    return {
      body: problem('malformed-json', { detail: 'The body could not be parsed as JSON.' }),
      headers: {},
    }
  }
  if (code === 'NOT_FOUND') {
    return { body: problem('not-found', { detail: 'No route matches this method and path.' }), headers: {} }
  }
  return fromDomain(error, retryAfter) ?? internal()
}

function internal(): Mapped {
  return { body: problem('internal', { detail: 'The server failed to handle this request.' }), headers: {} }
}

/** Domain errors are matched on their stable `code`, so the server needs no import of their classes. */
function fromDomain(error: unknown, retryAfter: string): Mapped | null {
  if (!(error instanceof Error) || !('code' in error) || typeof error.code !== 'string') return null
  const detail = error.message
  const fields = error as Error & Record<string, unknown>
  switch (error.code) {
    case 'E_POOL_NOT_FOUND':
      return { body: problem('pool-not-found', { detail, pool: fields.slug }), headers: {} }
    case 'E_API_KEY_NOT_FOUND':
      return { body: problem('api-key-not-found', { detail }), headers: {} }
    case 'E_CURRENCY_MISMATCH':
      return {
        body: problem('currency-mismatch', { detail, expectedCurrency: fields.expected }),
        headers: {},
      }
    case 'E_IDEMPOTENCY_CONFLICT':
      return { body: problem('idempotency-conflict', { detail }), headers: {} }
    case 'E_VERSION_CONFLICT':
      return {
        body: problem('version-conflict', { detail, currentVersion: fields.currentVersion }),
        headers: {},
      }
    case 'E_INVALID_QUERY': {
      // A bad read parameter (forged cursor, date out of range): the request itself is wrong, so 400.
      const field = typeof fields.field === 'string' ? fields.field : 'query'
      return {
        body: problem('validation', {
          detail: `Invalid query: ${field} (${detail})`,
          errors: [{ field, message: detail }],
        }),
        headers: {},
      }
    }
    case 'E_INVALID_COMMAND': {
      const field = typeof fields.field === 'string' ? fields.field : undefined
      return {
        body: problem('invalid-command', {
          detail,
          ...(field ? { errors: [{ field, message: detail }] } : {}),
        }),
        headers: {},
      }
    }
    case 'E_CIRCUIT_OPEN': {
      // The database breaker is open: refuse at once, and say when it will probe again.
      const waitMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : 0
      return {
        body: problem('service-unavailable', { detail: 'The database is unavailable; retry shortly.' }),
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      }
    }
    case 'E_WRITE_QUEUE_FULL':
    case 'E_WRITE_DEADLINE_EXCEEDED': {
      const waitMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : 1000
      return {
        body: problem('overloaded', { detail }),
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      }
    }
    case 'E_WRITE_OUTCOME_UNKNOWN':
      return { body: problem('outcome-unknown', { detail }), headers: { 'retry-after': '1' } }
    case 'E_CIRCUIT_TIMEOUT':
    case 'E_DATABASE_UNAVAILABLE':
      return {
        // The cause may name hosts or credentials: keep it in the log only.
        body: problem('service-unavailable', { detail: 'The database is unavailable; retry shortly.' }),
        headers: { 'retry-after': retryAfter },
      }
    default:
      return null
  }
}

function validationProblem(error: ValidationError): Problem {
  const errors: FieldError[] = []
  const seen = new Set<string>()
  // Elysia reports a query number that decoded but broke a bound as type 'property',
  // without a path; QueryInteger puts the parameter's name in the schema title.
  const title = (error.validator as { title?: unknown } | undefined)?.title
  const location = error.type === 'property' && typeof title === 'string' ? title : error.type
  for (const issue of error.all) {
    const field = fieldName(location, 'path' in issue ? String(issue.path) : '')
    // TypeBox reports a missing property twice ("required", then "expected string"); the first says it best.
    if (seen.has(field)) continue
    seen.add(field)
    errors.push({ field, message: readableMessage(issue) })
  }
  const where =
    error.type === 'headers'
      ? 'header'
      : error.type === 'params'
        ? 'path parameter'
        : error.type === 'property'
          ? 'query'
          : error.type
  return problem('validation', {
    detail: `Invalid ${where}: ${errors.map((e) => `${e.field} (${e.message})`).join('; ')}`,
    errors,
  })
}

/** TypeBox says only "Expected union value" for unions; name the alternatives instead. */
function readableMessage(issue: { message: string; schema?: unknown }): string {
  const members = (
    issue.schema as { anyOf?: { type?: unknown; format?: unknown; const?: unknown }[] } | undefined
  )?.anyOf
  if ((issue.schema as { pattern?: unknown } | undefined)?.pattern === NO_CONTROL_CHARACTERS)
    return CONTROL_CHARACTER_MESSAGE
  if (issue.message !== 'Expected union value' || !Array.isArray(members)) return issue.message
  if (members.every((m) => m.const !== undefined))
    return `Expected one of ${members.map((m) => m.const).join(', ')}`
  // Elysia spells query numbers as strings with format 'integer'/'numeric': the same number, not an alternative.
  const kinds = members.map((m) =>
    m.type === 'string' && (m.format === 'integer' || m.format === 'numeric')
      ? m.format
      : String(m.type ?? 'value'),
  )
  return `Expected ${[...new Set(kinds.map((kind) => (kind === 'numeric' ? 'number' : kind)))].join(' or ')}`
}

/** `/pools/0/slug` → `pools.0.slug`; the root of a body is called `body`. */
function fieldName(location: string, path: string): string {
  const dotted = path
    .split('/')
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
  return dotted || location
}
