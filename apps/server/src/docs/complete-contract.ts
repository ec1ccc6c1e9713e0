import {
  PROBLEM_BASE_URI,
  PROBLEM_CONTENT_TYPE,
  PROBLEMS,
  ProblemSchema,
  ValidationProblemSchema,
} from '../http/problem.ts'
import { CONTRACT_HEADERS, type ContractHeader, headerRefs, RATE_LIMIT_HEADERS } from './contract-headers.ts'
import { hoistNamedSchemas, type Json, type JsonObject } from './hoist-named-schemas.ts'

/**
 * Pool reads answer from the pool cache with a strong ETag, 304 on a matching
 * If-None-Match, and a Cache-Control that edges act on.
 */
const CACHED_READS = new Set(['listPools', 'getPool'])
/** Responses that carry a secret and tell every cache not to keep them. */
const NO_STORE = new Set(['createApiKey'])

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const

const STATUS_TEXT: Record<number, string> = {
  400: 'The request is not valid',
  401: 'No valid credentials',
  403: 'The credentials do not carry a role this route allows',
  404: 'Not found',
  409: 'Conflicts with an earlier request or a newer state',
  413: 'The body is larger than the server accepts (BODY_LIMIT_BYTES)',
  415: 'The body is not JSON',
  422: 'Understood but refused by a jackpot rule',
  429: 'Rate limit reached for this client and route group; wait Retry-After seconds',
  500: 'The server failed; nothing is said about why (see the log under X-Request-Id)',
  503: 'Temporarily unavailable (e.g. the database is down); retry after Retry-After seconds',
}

/** The 503 of idempotent writes: the write path's own refusals, and what to do about each. */
const WRITE_UNAVAILABLE =
  'Not applied, or not known to be applied; the `type` says which. ' +
  `\`${PROBLEM_BASE_URI}overloaded\`: the write queue is full and the write was refused before it ` +
  'started; retry after Retry-After seconds. ' +
  `\`${PROBLEM_BASE_URI}outcome-unknown\`: the database connection was lost while committing, so the ` +
  'write may or may not have been applied; repeat the request with the same Idempotency-Key and body ' +
  'to learn which (a replay answers with the first result, or applies it once). ' +
  `\`${PROBLEM_BASE_URI}service-unavailable\`: the database is unavailable; retry after Retry-After seconds.`

/** Problem types a status can carry, read from the catalogue so a new entry is documented at once. */
function problemTypes(status: number): string {
  const kinds = Object.entries(PROBLEMS)
    .filter(([, entry]) => entry.status === status)
    .map(([kind]) => `\`${kind}\``)
  return kinds.length === 0 ? '' : ` Problem types: ${kinds.join(', ')}.`
}

interface Operation extends JsonObject {
  responses: JsonObject
}

/**
 * Turns the document Elysia generates from the route declarations into the
 * published contract:
 * - named component schemas (from the schemas' titles), `servers`, and
 *   `security: []` on public operations;
 * - every error as `application/problem+json` with the `Problem` schema;
 * - the responses that cross-cutting layers add to routes, documented where
 *   they can happen: 400 for any input, 413/415 for bodies (body limit), 429
 *   under /api (rate limit), 503 (database guard, write queue), 500, and 304
 *   on cached reads;
 * - the response headers: X-Request-Id everywhere, RateLimit-* under /api,
 *   ETag/Cache-Control on pool reads, Idempotency-Replayed on writes,
 *   Retry-After on 429/503, WWW-Authenticate on 401.
 *
 * @example
 * const published = completeContract(generatedDocument)
 */
export function completeContract(generated: JsonObject): JsonObject {
  const schemas: Record<string, Json> = {}
  const paths = hoistNamedSchemas(generated.paths ?? {}, schemas) as Record<string, JsonObject>
  // The problem schemas are referenced by responses this function adds, whether or not a route declared them.
  hoistNamedSchemas(JSON.parse(JSON.stringify([ProblemSchema, ValidationProblemSchema])) as Json, schemas)

  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined
      if (operation !== undefined) item[method] = completeOperation(path, operation)
    }
  }

  const components = (generated.components ?? {}) as JsonObject
  return {
    ...generated,
    servers: [{ url: '/', description: 'The server that serves this document' }],
    paths,
    components: {
      ...components,
      schemas: sortKeys({ ...((components.schemas as JsonObject | undefined) ?? {}), ...schemas }),
      headers: CONTRACT_HEADERS,
    },
  }
}

function completeOperation(path: string, operation: Operation): Operation {
  const operationId = String(operation.operationId)
  const underApi = path.startsWith('/api/')
  const parameters = (operation.parameters as JsonObject[] | undefined) ?? []
  const hasBody = operation.requestBody !== undefined
  const idempotent = parameters.some((p) => String(p.name).toLowerCase() === 'idempotency-key')
  const everywhere: ContractHeader[] = underApi ? ['X-Request-Id', ...RATE_LIMIT_HEADERS] : ['X-Request-Id']

  const statuses = new Set(Object.keys(operation.responses).map(Number))
  statuses.add(500)
  if (underApi) {
    statuses.add(429)
    statuses.add(503)
  }
  if (parameters.length > 0 || hasBody) statuses.add(400)
  if (hasBody) {
    statuses.add(413)
    statuses.add(415)
  }
  if (CACHED_READS.has(operationId)) statuses.add(304)

  const responses: JsonObject = {}
  for (const status of [...statuses].sort((a, b) => a - b)) {
    const declared = operation.responses[String(status)] as JsonObject | undefined
    if (status < 400 || (declared !== undefined && !isJsonError(declared))) {
      responses[status] = successResponse(status, declared, operationId, idempotent, everywhere)
    } else {
      responses[status] = problemResponse(status, idempotent, everywhere)
    }
  }
  return { ...operation, security: operation.security ?? [], responses }
}

/** An error response Elysia rendered from a route's `ProblemSchema` (as plain JSON), or one to add. */
function isJsonError(response: JsonObject): boolean {
  const content = response.content as JsonObject | undefined
  return content === undefined || 'application/json' in content
}

function successResponse(
  status: number,
  declared: JsonObject | undefined,
  operationId: string,
  idempotent: boolean,
  everywhere: ContractHeader[],
): JsonObject {
  const headers: ContractHeader[] = [...everywhere]
  if (CACHED_READS.has(operationId)) headers.push('ETag', 'Cache-Control')
  if (NO_STORE.has(operationId)) headers.push('Cache-Control')
  if (idempotent && status < 300) headers.push('Idempotency-Replayed')
  if (status === 304) {
    return { description: 'Not modified: the If-None-Match tag is current', headers: headerRefs(headers) }
  }
  // The health routes declare their own 503 (a failing health report) and Cache-Control.
  if (declared !== undefined && (declared.content as JsonObject | undefined)?.['application/health+json']) {
    headers.push('Cache-Control')
  }
  const description = String(declared?.description ?? 'Success').replace(
    /^Response for status \d+$/,
    'Success',
  )
  return { ...declared, description, headers: headerRefs(headers) }
}

function problemResponse(status: number, idempotent: boolean, everywhere: ContractHeader[]): JsonObject {
  const headers: ContractHeader[] = [...everywhere]
  if (status === 401) headers.push('WWW-Authenticate')
  if (status === 429) headers.push('Retry-After')
  if (status === 503 && !idempotent) headers.push('Retry-After')
  const description =
    status === 503 && idempotent
      ? WRITE_UNAVAILABLE
      : `${STATUS_TEXT[status] ?? 'Error'}.${problemTypes(status)}`
  const schema: JsonObject =
    status === 400
      ? {
          anyOf: [
            { $ref: '#/components/schemas/ValidationProblem' },
            { $ref: '#/components/schemas/Problem' },
          ],
        }
      : { $ref: '#/components/schemas/Problem' }
  const refs = headerRefs(headers)
  if (status === 503 && idempotent) {
    // outcome-unknown may come without a wait: a replay can be sent at once.
    refs['Retry-After'] = { ...CONTRACT_HEADERS['Retry-After'], required: false }
  }
  return { description, headers: refs, content: { [PROBLEM_CONTENT_TYPE]: { schema } } }
}

function sortKeys(object: Record<string, Json>): JsonObject {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)))
}
