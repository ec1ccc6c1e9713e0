import { Type } from '@sinclair/typebox'
import { t } from 'elysia'

/** Every problem `type` URI starts here; the suffix is the stable, documented identifier. */
export const PROBLEM_BASE_URI = 'https://jackpot.dev/problems/'

/**
 * The catalogue of problems the API answers with. Clients switch on `type`,
 * so these identifiers are part of the API contract and never change meaning.
 */
export const PROBLEMS = {
  validation: { status: 400, title: 'Request is not valid' },
  'malformed-json': { status: 400, title: 'Request body is not valid JSON' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed for this role' },
  'not-found': { status: 404, title: 'Not found' },
  'pool-not-found': { status: 404, title: 'Pool not found' },
  'api-key-not-found': { status: 404, title: 'API key not found' },
  'idempotency-conflict': { status: 409, title: 'Idempotency key reused with a different request' },
  'idempotency-key-expired': { status: 409, title: 'Idempotency key expired' },
  'version-conflict': { status: 409, title: 'Pool configuration changed meanwhile' },
  'request-timeout': { status: 408, title: 'Request body took too long to arrive' },
  'payload-too-large': { status: 413, title: 'Request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  /** The asked ledger range was archived out of the database (`cli archive`): the problem names the archive. */
  'ledger-archived': { status: 410, title: 'Ledger range archived' },
  'currency-mismatch': { status: 422, title: 'Currency not accepted' },
  'invalid-command': { status: 422, title: 'Request breaks a jackpot rule' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service temporarily unavailable' },
  /** The write was refused before reaching the database (queue full, or it waited past its deadline): not applied. */
  overloaded: { status: 503, title: 'Too many writes in flight; this one was not applied' },
  /** The connection died while the write was committing: replay the same Idempotency-Key to learn the outcome. */
  'outcome-unknown': { status: 503, title: 'Write outcome unknown; replay with the same Idempotency-Key' },
  /** Answered by the edge (ops/edge/nginx.conf), never by a replica: none could be reached, or one broke off its answer. */
  'bad-gateway': { status: 502, title: 'No server replica answered' },
  /** Answered by the edge, never by a replica: the replica took longer than the edge waits. A write may have been applied. */
  'gateway-timeout': { status: 504, title: 'The server did not answer in time' },
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemKind = keyof typeof PROBLEMS

export interface FieldError {
  /** Dotted path of the offending input, e.g. `wagerCents` or `idempotency-key`. */
  field: string
  message: string
}

/** An RFC 9457 problem details object with this API's extension members. */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: FieldError[]
  [extension: string]: unknown
}

/**
 * Builds the problem body for a catalogue entry.
 *
 * @example
 * problem('pool-not-found', { detail: "Pool 'giga' does not exist" })
 */
export function problem(kind: ProblemKind, fields: Omit<Partial<Problem>, 'type'> = {}): Problem {
  const entry = PROBLEMS[kind]
  return { type: `${PROBLEM_BASE_URI}${kind}`, title: entry.title, status: entry.status, ...fields }
}

/**
 * Thrown anywhere in request handling to answer with a problem; the error
 * handler turns it into the response. Carries extra headers such as
 * `WWW-Authenticate` or `Retry-After`.
 *
 * @example
 * throw new HttpProblem(problem('forbidden', { detail: 'Needs role admin' }))
 */
export class HttpProblem extends Error {
  static readonly code = 'E_HTTP_PROBLEM'
  readonly code = HttpProblem.code

  constructor(
    readonly problem: Problem,
    readonly headers: Record<string, string> = {},
    options?: ErrorOptions,
  ) {
    super(problem.detail ?? problem.title, options)
    this.name = 'HttpProblem'
  }
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

/**
 * A complete problem+json `Response`, for places that must answer before
 * routing (body limit, rate limit) where throwing is not an option.
 */
export function problemResponse(body: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
  })
}

const FieldErrorSchema = t.Object(
  {
    field: t.String({ description: 'Dotted path of the offending input', examples: ['wagerCents'] }),
    message: t.String(),
  },
  { title: 'FieldError' },
)

/**
 * The members every problem has, and the extension members some carry. Listed
 * one by one (not an open object) so a generated client knows them and the
 * contract test notices a member nobody documented.
 */
const problemMembers = {
  type: t.String({
    format: 'uri',
    description: `Stable identifier of the problem: ${PROBLEM_BASE_URI} followed by one of ${Object.keys(PROBLEMS).join(', ')}`,
    examples: [`${PROBLEM_BASE_URI}pool-not-found`],
  }),
  title: t.String({ description: 'Short summary of the problem type; the same for every occurrence' }),
  // Plain TypeBox: Elysia's t.Integer would publish `string | integer`.
  status: Type.Integer({ minimum: 400, maximum: 599, description: 'The HTTP status code, repeated' }),
  detail: t.Optional(t.String({ description: 'What went wrong this time, for a person to read' })),
  instance: t.Optional(t.String({ description: 'The request path', examples: ['/api/v1/pools/giga'] })),
  errors: t.Optional(
    t.Array(FieldErrorSchema, { description: 'Which input failed and why (validation, invalid-command)' }),
  ),
  pool: t.Optional(t.String({ description: 'pool-not-found: the slug asked for' })),
  expectedCurrency: t.Optional(t.String({ description: 'currency-mismatch: the currency the pools use' })),
  currentVersion: t.Optional(
    Type.Integer({ description: "version-conflict: the pool's version now; read it again and retry" }),
  ),
  retentionDays: t.Optional(
    Type.Integer({ description: 'idempotency-key-expired: how many days a key answers a replay' }),
  ),
  maxBytes: t.Optional(Type.Integer({ description: 'payload-too-large: the body limit in bytes' })),
  archives: t.Optional(
    t.Array(
      t.Object({
        name: t.String({ description: 'The archive, e.g. ledger-2026-12-01--2026-12-02' }),
        firstDay: t.String({ description: 'First archived UTC day, YYYY-MM-DD' }),
        lastDay: t.String({ description: 'Last archived UTC day, YYYY-MM-DD' }),
        location: t.String({ description: 'Where cli archive wrote the files' }),
        manifestSha256: t.String({ description: "sha256 of the archive's manifest" }),
      }),
      { description: 'ledger-archived: the archives holding the asked range' },
    ),
  ),
}

/** OpenAPI description of every error response: RFC 9457 problem details. */
export const ProblemSchema = t.Object(problemMembers, {
  title: 'Problem',
  description: 'RFC 9457 problem details (application/problem+json)',
})

/** A 400 for input that broke the route's schema: `errors` names every field at fault. */
export const ValidationProblemSchema = t.Object(
  { ...problemMembers, errors: t.Array(FieldErrorSchema, { minItems: 1 }) },
  { title: 'ValidationProblem', description: 'A problem of type validation: the request broke its schema' },
)
