import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, type Harness } from './support/harness.ts'

type Schema = { $ref?: string; additionalProperties?: boolean; properties?: Record<string, Schema> } & Record<
  string,
  unknown
>
type Response = {
  description: string
  headers?: Record<string, { $ref: string }>
  content?: Record<string, { schema: Schema }>
}
type Operation = {
  operationId: string
  tags?: string[]
  security?: Record<string, string[]>[]
  responses: Record<string, Response>
  requestBody?: { content: Record<string, { schema: Schema }> }
}
type Spec = {
  info: { title: string }
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: {
    securitySchemes: Record<string, { type: string }>
    schemas: Record<string, Schema>
    headers: Record<string, unknown>
  }
  tags: { name: string }[]
}

let h: Harness
let spec: Spec
beforeAll(async () => {
  h = await createHarness()
  spec = (await h.send<Spec>('GET', '/swagger/json')).body
})
afterAll(() => h.close())

describe('OpenAPI document', () => {
  test('describes every route of the API contract and the operational routes', () => {
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /api/v1/pools',
        'GET /api/v1/pools/{slug}',
        'GET /api/v1/pools/stream',
        'POST /api/v1/contributions',
        'POST /api/v1/wins',
        'GET /api/v1/ledger',
        'GET /api/v1/config',
        'PUT /api/v1/config/pools/{slug}',
        'GET /api/v1/audit',
        'GET /api/v1/stats',
        'GET /api/v1/stats/top-games',
        'GET /api/v1/stats/pool-growth',
        'GET /api/v1/wins/recent',
        'POST /api/v1/api-keys',
        'GET /api/v1/api-keys',
        'DELETE /api/v1/api-keys/{id}',
        'GET /metrics',
        'GET /health',
        'GET /health/live',
        'GET /health/ready',
        'GET /health/startup',
        'GET /health/database',
        'GET /health/jackpot',
      ].sort(),
    )
  })

  test('declares bearer and API key security, and which routes need which', () => {
    expect(spec.components.securitySchemes.bearer?.type).toBe('http')
    expect(spec.components.securitySchemes.apiKey?.type).toBe('apiKey')
    expect(spec.paths['/api/v1/contributions']?.post?.security).toEqual([{ apiKey: [] }])
    expect(spec.paths['/api/v1/wins']?.post?.security).toEqual([{ apiKey: [] }, { bearer: [] }])
    expect(spec.paths['/api/v1/config']?.get?.security).toEqual([{ bearer: [] }])
    expect(spec.paths['/api/v1/pools']?.get?.security).toEqual([])
    expect(spec.paths['/health/live']?.get?.security).toEqual([])
  })

  test('tags every operation, documents its success response and closes JSON bodies to unknown fields', () => {
    const tagNames = spec.tags.map((tag) => tag.name)
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0)
        for (const tag of operation.tags ?? []) expect(tagNames).toContain(tag)
        expect(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('2'))).toBe(true)
        const body = operation.requestBody?.content['application/json']
        if (operation.requestBody)
          expect(resolve(body?.schema).additionalProperties, `${method} ${path}`).toBe(false)
      }
    }
  })
})

/** The schema a `$ref` points at (component schemas only). */
function resolve(schema: Schema | undefined): Schema {
  const name = schema?.$ref?.replace('#/components/schemas/', '')
  return (name === undefined ? schema : spec.components.schemas[name]) ?? {}
}

const apiOperations = () =>
  Object.entries(spec.paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))

describe('OpenAPI contract for client generators', () => {
  test('names its operations as verbs on resources', () => {
    const ids = apiOperations().map(({ op }) => op.operationId)
    expect(ids.sort()).toEqual(
      [
        'listPools',
        'getPool',
        'createContribution',
        'createWin',
        'listLedgerEntries',
        'getConfig',
        'updatePoolConfig',
        'listAuditEntries',
        'getStats',
        'createApiKey',
        'listApiKeys',
        'revokeApiKey',
        'streamPools',
        'listRecentWins',
        'listTopGames',
        'listPoolGrowth',
      ].sort(),
    )
  })

  test('names the schemas of bodies and responses as components', () => {
    for (const name of [
      'Pool',
      'Contribution',
      'Win',
      'LedgerEntry',
      'Problem',
      'ValidationProblem',
      'Stats',
    ]) {
      expect(Object.keys(spec.components.schemas)).toContain(name)
    }
    const getPool = spec.paths['/api/v1/pools/{slug}']?.get
    expect(getPool?.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Pool',
    })
  })

  test('says which server it describes', () => {
    expect(spec.servers?.length).toBeGreaterThan(0)
  })

  test('documents every error as application/problem+json with an integer status', () => {
    for (const { path, method, op } of apiOperations()) {
      const statuses = Object.keys(op.responses)
      expect(
        statuses.some((s) => s.startsWith('4')),
        `${method} ${path} has a 4xx`,
      ).toBe(true)
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(Object.keys(op.responses[status]?.content ?? {}), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ])
      }
    }
    expect(spec.components.schemas.Problem?.properties?.status).toMatchObject({ type: 'integer' })
    expect(spec.components.schemas.Problem?.properties?.status?.anyOf).toBeUndefined()
  })

  test('documents 429, 500 and 503 on every API route, with Retry-After where the server sends it', () => {
    for (const { path, method, op } of apiOperations()) {
      for (const status of ['429', '500', '503'])
        expect(op.responses[status], `${method} ${path} ${status}`).toBeDefined()
      expect(Object.keys(op.responses['429']?.headers ?? {})).toContain('Retry-After')
      expect(Object.keys(op.responses['200'] ?? op.responses['201'] ?? {}).length).toBeGreaterThan(0)
      expect(Object.keys((op.responses['200'] ?? op.responses['201'])?.headers ?? {})).toContain(
        'RateLimit-Remaining',
      )
    }
  })

  test('tells writers what a 503 means: overloaded, or an outcome a replay with the same key resolves', () => {
    for (const path of ['/api/v1/contributions', '/api/v1/wins']) {
      const unavailable = spec.paths[path]?.post?.responses['503']
      expect(unavailable?.description).toContain('/problems/overloaded')
      expect(unavailable?.description).toContain('/problems/outcome-unknown')
      expect(unavailable?.description).toContain('same Idempotency-Key')
      expect(Object.keys(spec.paths[path]?.post?.responses['201']?.headers ?? {})).toContain(
        'Idempotency-Replayed',
      )
    }
  })

  test('documents the cache headers and 304 of pool reads, and 413/415 on routes with a body', () => {
    for (const path of ['/api/v1/pools', '/api/v1/pools/{slug}']) {
      const read = spec.paths[path]?.get
      expect(Object.keys(read?.responses['200']?.headers ?? {})).toEqual(
        expect.arrayContaining(['ETag', 'Cache-Control']),
      )
      expect(Object.keys(read?.responses['304']?.headers ?? {})).toEqual(
        expect.arrayContaining(['ETag', 'Cache-Control']),
      )
    }
    for (const { path, method, op } of apiOperations().filter(({ op }) => op.requestBody)) {
      expect(op.responses['413'], `${method} ${path}`).toBeDefined()
      expect(op.responses['415'], `${method} ${path}`).toBeDefined()
    }
  })
})

describe('Swagger UI page', () => {
  test('loads its scripts and styles from this server, never a CDN', async () => {
    const page = await h.send('GET', '/swagger')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(urls).toEqual(['/swagger/assets/swagger-ui.css', '/swagger/assets/swagger-ui-bundle.js'])

    const bundle = await h.app.handle(new Request('http://localhost/swagger/assets/swagger-ui-bundle.js'))
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toContain('javascript')
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
  })

  test('serves only the listed asset files', async () => {
    const res = await h.send('GET', '/swagger/assets/package.json')
    expect(res.status).toBe(404)
  })
})
