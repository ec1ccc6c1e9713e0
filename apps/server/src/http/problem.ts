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
  'version-conflict': { status: 409, title: 'Pool configuration changed meanwhile' },
  'request-timeout': { status: 408, title: 'Request body took too long to arrive' },
  'payload-too-large': { status: 413, title: 'Request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type' },
  'currency-mismatch': { status: 422, title: 'Currency not accepted' },
  'invalid-command': { status: 422, title: 'Request breaks a jackpot rule' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service temporarily unavailable' },
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

/** OpenAPI description of every error response. */
export const ProblemSchema = t.Object(
  {
    type: t.String({ format: 'uri', examples: [`${PROBLEM_BASE_URI}validation`] }),
    title: t.String(),
    status: t.Integer(),
    detail: t.Optional(t.String()),
    instance: t.Optional(t.String()),
    errors: t.Optional(
      t.Array(t.Object({ field: t.String(), message: t.String() }), {
        description: 'Present on validation problems: which input failed and why.',
      }),
    ),
  },
  { description: 'RFC 9457 problem details' },
)
