import addFormats from 'ajv-formats'
import OpenAPIBackend from 'openapi-backend'

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
type JsonObject = { [key: string]: Json }

/** One response as a test received it. */
export interface ReceivedResponse {
  method: string
  /** Path with query, e.g. `/api/v1/ledger?limit=2`. */
  url: string
  status: number
  headers: Headers
  /** The body as text ('' when empty). */
  text: string
}

interface DocumentedResponse {
  headers?: Record<string, { required?: boolean }>
  content?: Record<string, unknown>
}

/**
 * Checks responses against the OpenAPI document the server publishes at
 * /swagger/json: the status is documented for the operation, the content
 * type is one it documents, the body matches its schema, and the documented
 * headers are present (when required) and well-formed.
 *
 * Body and header schemas are checked by openapi-backend (Ajv underneath),
 * on a stricter copy of the document: objects with listed properties are
 * closed (`additionalProperties: false`), so a field the document does not
 * name fails. The published document leaves them open on purpose, so clients
 * tolerate fields added later; the server itself must not send unnamed ones.
 *
 * @example
 * const contract = await ContractValidator.load(document)
 * const violations = contract.check({ method: 'GET', url: '/api/v1/pools', status: 200, headers, text })
 */
export class ContractValidator {
  /** `operationId status` of every response checked, for the coverage test. */
  readonly observed = new Set<string>()

  private constructor(private readonly api: OpenAPIBackend) {}

  static async load(document: JsonObject): Promise<ContractValidator> {
    const api = new OpenAPIBackend({
      definition: strictCopy(document) as never,
      // Fail on a document openapi-backend cannot read, rather than validate against half of it.
      strict: true,
      // openapi-backend checks documents with a 3.0 schema; redocly lints the 3.1 one (openapi-lint.test.ts).
      validate: true,
      quick: true,
      // date-time and uri are checked, not ignored with a warning.
      customizeAjv: (ajv) => {
        addFormats(ajv)
        return ajv
      },
    })
    await api.init()
    return new ContractValidator(api)
  }

  /** Every way `response` breaks the contract; empty when it keeps it. Responses of undocumented paths are not checked. */
  check(response: ReceivedResponse): string[] {
    const url = new URL(response.url, 'http://localhost')
    const operation = this.api.matchOperation({
      method: response.method,
      path: url.pathname,
      headers: {},
      query: Object.fromEntries(url.searchParams),
    })
    if (operation === undefined) return []
    const id = operation.operationId ?? `${response.method} ${url.pathname}`
    const where = `${response.method} ${url.pathname} → ${response.status}`
    this.observed.add(`${id} ${response.status}`)

    const documented = (operation.responses as Record<string, DocumentedResponse> | undefined)?.[
      String(response.status)
    ]
    if (documented === undefined) return [`${where}: status ${response.status} is not documented for ${id}`]

    const violations: string[] = []
    const contentType = mediaType(response.headers.get('content-type'))
    const documentedTypes = Object.keys(documented.content ?? {}).map((type) => mediaType(type))
    if (documentedTypes.length === 0) {
      if (response.text.length > 0) violations.push(`${where}: a body where the document has none`)
    } else if (!documentedTypes.includes(contentType)) {
      violations.push(`${where}: content type '${contentType}' is not one of ${documentedTypes.join(', ')}`)
    } else if (contentType.endsWith('json') && response.text.length > 0) {
      const result = this.api.validateResponse(JSON.parse(response.text), operation, response.status)
      for (const error of result.errors ?? []) {
        const extra =
          error.keyword === 'additionalProperties' ? ` '${String(error.params.additionalProperty)}'` : ''
        violations.push(`${where}: body${error.instancePath} ${error.message}${extra}`)
      }
    }

    const headers = Object.fromEntries(response.headers.entries())
    const result = this.api.validateResponseHeaders(headers, operation, {
      statusCode: response.status,
      setMatchType: 'any' as never,
    })
    for (const error of result.errors ?? [])
      violations.push(`${where}: header ${error.instancePath} ${error.message}`)
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      if (header.required && !response.headers.has(name))
        violations.push(`${where}: required header ${name} missing`)
    }
    return violations
  }
}

function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * The document with closed objects, and every JSON media type (problem+json,
 * health+json) also filed under `application/json`, the one key whose schema
 * openapi-backend validates; the content type itself is checked separately.
 */
function strictCopy(document: JsonObject): JsonObject {
  const copy = close(structuredClone(document)) as JsonObject
  for (const item of Object.values((copy.paths ?? {}) as Record<string, Record<string, JsonObject>>)) {
    for (const operation of Object.values(item)) {
      for (const response of Object.values((operation.responses ?? {}) as Record<string, JsonObject>)) {
        const content = response.content as Record<string, Json> | undefined
        if (content === undefined || 'application/json' in content) continue
        const json = Object.entries(content).find(([type]) => mediaType(type).endsWith('json'))
        if (json !== undefined) content['application/json'] = json[1]
      }
    }
  }
  return copy
}

function close(node: Json): Json {
  if (Array.isArray(node)) return node.map(close)
  if (node === null || typeof node !== 'object') return node
  for (const [key, value] of Object.entries(node)) node[key] = close(value)
  if (
    node.properties !== undefined &&
    typeof node.properties === 'object' &&
    !('additionalProperties' in node)
  ) {
    node.additionalProperties = false
  }
  return node
}
