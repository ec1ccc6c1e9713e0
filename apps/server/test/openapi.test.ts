import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, type Harness } from './support/harness.ts'

type Operation = {
  tags?: string[]
  security?: Record<string, string[]>[]
  responses?: Record<string, unknown>
  requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> }
}
type Spec = {
  info: { title: string }
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes: Record<string, { type: string }> }
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
    expect(spec.paths['/api/v1/pools']?.get?.security).toBeUndefined()
  })

  test('tags every operation, documents its success response and closes JSON bodies to unknown fields', () => {
    const tagNames = spec.tags.map((tag) => tag.name)
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        expect(operation.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0)
        for (const tag of operation.tags ?? []) expect(tagNames).toContain(tag)
        expect(Object.keys(operation.responses ?? {}).some((status) => status.startsWith('2'))).toBe(true)
        const body = operation.requestBody?.content['application/json']
        if (operation.requestBody) expect(body?.schema.additionalProperties, `${method} ${path}`).toBe(false)
      }
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
