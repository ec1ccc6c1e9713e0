import { DomainError } from '@jackpot/domain'
import { BrokenCircuitError, CircuitTimeoutError, ObservabilityError } from '@jackpot/observability'
import { CacheError } from '@jackpot/observability/cache'
import { Elysia, ValidationError } from 'elysia'
import { isDatabaseRefusal } from '../resilience/database-guard.ts'
import {
  DATABASE_UNAVAILABLE,
  type DOMAIN_PROBLEMS,
  domainProblem,
  type MappedProblem,
  retryAfterSeconds,
} from './domain-problems.ts'
import { type FieldError, HttpProblem, PROBLEM_CONTENT_TYPE, type Problem, problem } from './problem.ts'
import { CONTROL_CHARACTER_MESSAGE, NO_CONTROL_CHARACTERS } from './text.ts'

export interface ErrorHandlerOptions {
  /** Seconds a client should wait after a 503 when nothing better is known. Defaults to 5. */
  retryAfterSeconds?: number
}

/**
 * Turns every error into an RFC 9457 problem: Elysia's own (validation, parse,
 * not found), the domain's (by the exhaustive {@link DOMAIN_PROBLEMS} table), the
 * observability SDK's refusals (by class), and `HttpProblem`.
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

function toProblem(code: string | number, error: unknown, retryAfter: string): MappedProblem {
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
  if (error instanceof DomainError) return domainProblem(error, retryAfter)
  if (error instanceof ObservabilityError) return fromObservability(error, retryAfter) ?? internal()
  return internal()
}

function internal(): MappedProblem {
  return { body: problem('internal', { detail: 'The server failed to handle this request.' }), headers: {} }
}

/**
 * The SDK's refusals, matched by class. The database breaker's are "the database is
 * unavailable" ({@link isDatabaseRefusal}); any other breaker (Redis behind the cache
 * or the rate limiter) is another dependency, and its refusal must not be reported as
 * a database outage.
 */
function fromObservability(error: ObservabilityError, retryAfter: string): MappedProblem | null {
  if (error instanceof BrokenCircuitError) {
    // The breaker is open: refuse at once, and say when it will probe again.
    const detail = isDatabaseRefusal(error) ? DATABASE_UNAVAILABLE : DEPENDENCY_UNAVAILABLE
    return unavailable(detail, String(retryAfterSeconds(error.retryAfterMs)))
  }
  if (error instanceof CircuitTimeoutError) {
    return unavailable(isDatabaseRefusal(error) ? DATABASE_UNAVAILABLE : DEPENDENCY_UNAVAILABLE, retryAfter)
  }
  if (error instanceof CacheError) {
    // Redis failed (the cache was told to throw) or the cache closed at shutdown: nothing was served.
    // A serializer fault is a bug in what we cache, so it stays a 500.
    return error.code === 'E_CACHE_L2' || error.code === 'E_CACHE_CLOSED'
      ? unavailable(DEPENDENCY_UNAVAILABLE, retryAfter)
      : null
  }
  return null
}

const DEPENDENCY_UNAVAILABLE = 'A service this request depends on is unavailable; retry shortly.'

function unavailable(detail: string, retryAfter: string): MappedProblem {
  // The cause may name hosts or credentials: keep it in the log only.
  return { body: problem('service-unavailable', { detail }), headers: { 'retry-after': retryAfter } }
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
