import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createHarness, type Harness } from '../support/harness.ts'
import { invalidBody, type JsonSchema, nastyString, parameterText } from './schema-arbitraries.ts'

/**
 * Drives every route in the OpenAPI document with generated bad input built from
 * its own schemas (parameters, headers, JSON bodies), through app.handle on an
 * in-memory PGlite: no answer may be a 5xx, and nothing may change. Seeded, so a
 * failure replays; fast-check prints the seed and the shrunk request.
 */
const SEED = 20_261_205
const RUNS_PER_ROUTE = 2_000

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: JsonSchema
}

interface Operation {
  method: string
  path: string
  parameters: Parameter[]
  body?: JsonSchema
  tags: string[]
}

interface FuzzRequest {
  path: string
  query: [string, string][]
  headers: Record<string, string>
  body?: string
  credential: 'right' | 'none' | 'forged-bearer' | 'forged-key' | 'other'
  mutation: string
}

let h: Harness
let operations: Operation[]
let adminToken: string
let gameKey: string

beforeAll(async () => {
  h = await createHarness()
  adminToken = h.token('admin')
  gameKey = await h.gameKey('fuzz-game')
  const spec = (await (await h.app.handle(new Request('http://localhost/swagger/json'))).json()) as {
    paths: Record<string, Record<string, Record<string, unknown>>>
  }
  operations = []
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const responses = (operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>
      // An event stream never ends; it has no input to fuzz beyond its path.
      if (Object.values(responses).some((r) => r.content?.['text/event-stream'])) continue
      const content = (
        operation.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined
      )?.content
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: (operation.parameters ?? []) as Parameter[],
        ...(content?.['application/json'] ? { body: content['application/json'].schema } : {}),
        tags: (operation.tags ?? []) as string[],
      })
    }
  }
}, 60_000)
afterAll(() => h?.close())

/** Everything a request could change, as comparable text. */
async function state(): Promise<string> {
  const [pools, ledger, audit, keys] = await Promise.all([
    h.store.listPools(),
    h.store.ledger({ limit: 500 }),
    h.store.audit({ limit: 500 }),
    h.store.listApiKeys(),
  ])
  // lastUsedAt is bookkeeping of a successful authentication, not state a request may not change.
  const keyState = keys.map(({ lastUsedAt: _used, ...key }) => key)
  return JSON.stringify({ pools, ledger, audit, keys: keyState }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  )
}

function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
  const mutating = operation.method !== 'GET'
  const pathParameters = operation.parameters.filter((p) => p.in === 'path')
  const queryParameters = operation.parameters.filter((p) => p.in === 'query')
  const headerParameters = operation.parameters.filter((p) => p.in === 'header')

  const path = fc
    .tuple(...pathParameters.map((p) => parameterText(p.schema).map((value) => [p.name, value] as const)))
    .map((pairs) =>
      pairs.reduce((built, [name, value]) => built.replace(`{${name}}`, pathSegment(value)), operation.path),
    )
  const query = fc
    .tuple(
      ...queryParameters.map((p) =>
        fc.option(
          parameterText(p.schema).map((value) => [p.name, value] as [string, string]),
          { nil: undefined },
        ),
      ),
      fc.array(fc.tuple(nastyString, nastyString), { maxLength: 2 }),
    )
    .map((parts) => {
      const extra = parts.pop() as [string, string][]
      return [...(parts as ([string, string] | undefined)[]).filter((p) => p !== undefined), ...extra] as [
        string,
        string,
      ][]
    })
  // Header values must be valid header text for the Request constructor; junk is kept printable.
  const headers = fc
    .tuple(
      ...headerParameters.map((p) =>
        fc.option(
          parameterText(p.schema).map((value) => [p.name, value.replace(/[^\x20-\x7e]/g, '?')] as const),
          { nil: undefined },
        ),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)) as Record<string, string>)
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        '',
      ),
    },
  )
  const body = operation.body
    ? invalidBody(operation.body)
    : fc.constant({ text: undefined as string | undefined, mutation: mutating ? 'no body' : 'query' })
  const credential = fc.oneof(
    { weight: 12, arbitrary: fc.constant('right' as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'none' as const,
        'forged-bearer' as const,
        'forged-key' as const,
        'other' as const,
      ),
    },
  )
  return fc.record({ path, query, headers, contentType, body, credential }).map((r) => ({
    path: r.path,
    query: r.query,
    headers: {
      ...r.headers,
      ...(r.body.text !== undefined && r.contentType ? { 'content-type': r.contentType } : {}),
    },
    ...(r.body.text !== undefined ? { body: r.body.text } : {}),
    credential: r.credential,
    mutation: r.body.mutation,
  }))
}

/** Percent-encodes a generated value; raw escapes like %FF or %00 are kept raw, to reach the decoder as they are. */
function pathSegment(value: string): string {
  return /^(%[0-9A-Fa-f]{2})+$/.test(value) ? value : encodeURIComponent(wellFormed(value))
}

/** Lone surrogates become U+FFFD, as String#toWellFormed does, so encodeURIComponent accepts them. */
function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

function credentials(operation: Operation, credential: FuzzRequest['credential']): Record<string, string> {
  const game = operation.tags.includes('game')
  switch (credential) {
    case 'right':
      return game ? { 'x-api-key': gameKey } : { authorization: `Bearer ${adminToken}` }
    case 'other':
      return game ? { authorization: `Bearer ${adminToken}` } : { 'x-api-key': gameKey }
    case 'forged-bearer':
      return { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' }
    case 'forged-key':
      return { 'x-api-key': 'jp_forged_0000000000000000000000000000' }
    case 'none':
      return {}
  }
}

describe('fuzz: every route refuses generated bad input without a 5xx and without a change', () => {
  test('the OpenAPI document lists the routes to fuzz', () => {
    const names = operations.map((o) => `${o.method} ${o.path}`)
    for (const route of [
      'POST /api/v1/contributions',
      'POST /api/v1/wins',
      'PUT /api/v1/config/pools/{slug}',
    ])
      expect(names).toContain(route)
  })

  test(`${RUNS_PER_ROUTE} generated requests per route, seeded`, async () => {
    const before = await state()
    const counts: Record<string, number> = {}
    for (const operation of operations) {
      const name = `${operation.method} ${operation.path}`
      counts[name] = 0
      const started = performance.now()
      await fc.assert(
        fc.asyncProperty(requestArbitrary(operation), async (request) => {
          counts[name] = (counts[name] ?? 0) + 1
          const url = new URL(`http://localhost${request.path}`)
          for (const [key, value] of request.query) url.searchParams.append(key, value)
          const response = await h.app.handle(
            new Request(url, {
              method: operation.method,
              headers: { ...request.headers, ...credentials(operation, request.credential) },
              ...(request.body !== undefined ? { body: request.body } : {}),
            }),
          )
          const text = await response.text()
          if (response.status >= 500) throw new Error(`${name} answered ${response.status}: ${text}`)
          if (operation.method !== 'GET' && response.status < 400) {
            throw new Error(
              `${name} accepted bad input (${request.mutation}) with ${response.status}: ${text}`,
            )
          }
          if (
            response.status >= 400 &&
            !response.headers.get('content-type')?.startsWith('application/problem+json')
          ) {
            throw new Error(`${name} answered ${response.status} without problem+json: ${text.slice(0, 200)}`)
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      )
      console.info(`fuzz ${name}: ${counts[name]} requests in ${Math.round(performance.now() - started)} ms`)
    }
    for (const [name, count] of Object.entries(counts))
      expect(count, name).toBeGreaterThanOrEqual(RUNS_PER_ROUTE)
    expect(await state()).toBe(before)
  }, 300_000)
})
