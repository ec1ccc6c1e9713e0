import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError, type OpenedJackpot, openJackpot } from '@jackpot/domain'
import type { ContractValidator } from './support/contract-validator.ts'
import { contractOf, createHarness, type Harness } from './support/harness.ts'

/**
 * Drives every documented operation into every status the document promises
 * and that can be produced in-process. The harness checks each response
 * against /swagger/json as it arrives (see ContractValidator), so this file
 * proves coverage: each documented `operation status` was received and kept
 * the contract, or is listed below with the reason it is not produced here.
 * Socket-level suites (a listening app or a main.ts process) check their answers
 * against the same document through contractFetch (support/contract-fetch.ts).
 */
const NOT_PRODUCED_HERE: Record<string, string> = {
  'getMetrics 500': 'the exporter renders from memory; nothing in a request can make it fail',
  'getHealth 500': 'the health registry turns a failing check into a 503 report, never a 500',
  'getHealthLive 500': 'same as getHealth',
  'getHealthReady 500': 'same as getHealth',
  'getHealthStartup 500': 'same as getHealth',
  'getHealthDatabase 500': 'same as getHealth',
  'getHealthJackpot 500': 'same as getHealth',
  'getHealthLive 503':
    'liveness holds only the event-loop check, which fails on a stalled loop, not on demand',
  'getHealthStartup 503': 'startup checks pass once the app is built; the outage e2e suite covers readiness',
  'getHealthJackpot 503': 'needs a failing business ratio over a window; covered by jackpot-check.test.ts',
  // A stream never ends, so this harness (which reads every body to check it) cannot take one;
  // apps/server/test/pool-stream.test.ts and the stream hub's tests cover its answers.
  'streamPools 200': 'an endless text/event-stream; covered by pool-stream.test.ts',
  // Archiving needs PostgreSQL partitions detached by `cli archive`; the drill produces it through the contract check.
  'listLedgerEntries 410': 'needs days archived out of the database; covered by archive-drill.e2e.test.ts',
  'streamPools 400': 'a malformed Last-Event-ID; covered by pool-stream.test.ts',
  'streamPools 429': 'the per-IP stream cap; covered by pool-stream-hub.test.ts and pool-stream.test.ts',
  'streamPools 500': 'the stream is served from memory; no store call to fail',
  'streamPools 503': 'at shutdown only; covered by pool-stream-hub.test.ts',
}

/** Store methods a fault can hit; subscriptions, ping and close keep working. */
const FAULTABLE = new Set([
  'listPools',
  'getPool',
  'contribute',
  'win',
  'ledger',
  'updatePoolConfig',
  'audit',
  'stats',
  'createApiKey',
  'listApiKeys',
  'revokeApiKey',
  'authenticateApiKey',
  'recentWins',
  'topGames',
  'poolGrowth',
])

/** `store` whose data calls throw `fault()` while it returns an error. */
function faultyStore(store: OpenedJackpot, fault: () => Error | null, methods = FAULTABLE): OpenedJackpot {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      // Bound to the real store: its methods use private fields, which a proxy does not have.
      if (!methods.has(String(property))) return value.bind(target)
      return (...args: unknown[]) => {
        const error = fault()
        return error === null ? value.apply(target, args) : Promise.reject(error)
      }
    },
  })
}

const databaseDown = () => new DatabaseUnavailableError('connection refused')

let h: Harness
let limited: Harness
let contract: ContractValidator
let store: OpenedJackpot
let fault: Error | null = null
const observed = new Set<string>()

beforeAll(async () => {
  store = await openJackpot({ pgliteDataDir: 'memory://', currency: 'EUR' })
  h = await createHarness({ store: faultyStore(store, () => fault) })
  // One PGlite for every app of this file: starting one is the slow part.
  limited = await createHarness({
    store,
    env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_PUBLIC: '1', RATE_LIMIT_GAME: '1', RATE_LIMIT_STAFF: '1' },
  })
  contract = await contractOf(h.app)
})
afterAll(async () => {
  await h.close()
  await limited.close()
  await store.close()
})

/** Sends through the harness (which checks the contract) and records what was received. */
async function send(
  target: Harness,
  method: string,
  path: string,
  init: Parameters<Harness['send']>[2] = {},
) {
  contract.observed.clear()
  const response = await target.send(method, path, init)
  for (const seen of contract.observed) observed.add(seen)
  return response
}

/** Reads `path`, then again with the ETag it got: the 200 and the 304 of a cached read. */
async function expectRevalidates(path: string) {
  const first = await send(h, 'GET', path)
  expect(first.status).toBe(200)
  const again = await send(h, 'GET', path, { headers: { 'if-none-match': first.headers.get('etag') ?? '' } })
  expect(again.status).toBe(304)
}

/** One request to each API route, as `admin` or with the game `apiKey`; the writes' idempotency keys start with `prefix`. */
function everyApiRequest(
  admin: string,
  apiKey: string,
  prefix: string,
): [method: string, path: string, init: Parameters<Harness['send']>[2]][] {
  return [
    ['GET', '/api/v1/pools', {}],
    ['GET', '/api/v1/pools/mega', {}],
    [
      'POST',
      '/api/v1/contributions',
      { apiKey, idempotencyKey: `${prefix}-1`, body: { gameId: 'g', wagerCents: 1, currency: 'EUR' } },
    ],
    [
      'POST',
      '/api/v1/wins',
      { apiKey, idempotencyKey: `${prefix}-2`, body: { pool: 'minor', gameId: 'g', playerId: 'p' } },
    ],
    ['GET', '/api/v1/ledger', { bearer: admin }],
    ['GET', '/api/v1/stats', { bearer: admin }],
    ['GET', '/api/v1/config', { bearer: admin }],
    ['PUT', '/api/v1/config/pools/mega', { bearer: admin, body: { expectedVersion: 1 } }],
    ['GET', '/api/v1/audit', { bearer: admin }],
    ['GET', '/api/v1/api-keys', { bearer: admin }],
    ['GET', '/api/v1/wins/recent', { bearer: admin }],
    ['GET', '/api/v1/stats/top-games', { bearer: admin }],
    ['GET', '/api/v1/stats/pool-growth', { bearer: admin }],
    ['POST', '/api/v1/api-keys', { bearer: admin, body: { name: 'x' } }],
    ['DELETE', '/api/v1/api-keys/nope', { bearer: admin }],
  ]
}

describe('every documented response is produced and keeps the contract', () => {
  test('pool reads: 200, 304 on a current ETag, 400, 404', async () => {
    await expectRevalidates('/api/v1/pools')
    await expectRevalidates('/api/v1/pools/mega')
    expect((await send(h, 'GET', '/api/v1/pools/Not_A_Slug')).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/pools/giga')).status).toBe(404)
  })

  test('writes: 201, 400, 401, 403, 404, 409, 413, 415, 422', async () => {
    const apiKey = await h.gameKey()
    const viewer = h.token('viewer')
    const body = { gameId: 'slots-1', wagerCents: 1_000, currency: 'EUR' }
    const contribute = (init: Parameters<Harness['send']>[2]) =>
      send(h, 'POST', '/api/v1/contributions', init)
    const win = (init: Parameters<Harness['send']>[2]) => send(h, 'POST', '/api/v1/wins', init)
    const winBody = { pool: 'minor', gameId: 'slots-1', playerId: 'p-1' }

    expect((await contribute({ apiKey, idempotencyKey: 'c-1', body })).status).toBe(201)
    expect(
      (await contribute({ apiKey, idempotencyKey: 'c-1', body })).headers.get('idempotency-replayed'),
    ).toBe('true')
    expect(
      (await contribute({ apiKey, idempotencyKey: 'c-1', body: { ...body, wagerCents: 2 } })).status,
    ).toBe(409)
    expect(
      (await contribute({ apiKey, idempotencyKey: 'c-2', body: { ...body, currency: 'USD' } })).status,
    ).toBe(422)
    expect(
      (await contribute({ apiKey, idempotencyKey: 'c-3', body: { ...body, wagerCents: -1 } })).status,
    ).toBe(400)
    expect((await contribute({ idempotencyKey: 'c-4', body })).status).toBe(401)
    expect((await contribute({ bearer: viewer, idempotencyKey: 'c-5', body })).status).toBe(403)
    const huge = JSON.stringify({ ...body, gameId: 'x'.repeat(h.config.BODY_LIMIT_BYTES) })
    expect((await contribute({ apiKey, idempotencyKey: 'c-6', body: huge })).status).toBe(413)
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    expect((await contribute({ apiKey, idempotencyKey: 'c-7', body: 'a=1', headers: form })).status).toBe(415)

    expect((await win({ apiKey, idempotencyKey: 'w-1', body: winBody })).status).toBe(201)
    expect((await win({ apiKey, idempotencyKey: 'w-1', body: { ...winBody, playerId: 'p-2' } })).status).toBe(
      409,
    )
    expect((await win({ apiKey, idempotencyKey: 'w-2', body: { ...winBody, pool: 'giga' } })).status).toBe(
      404,
    )
    expect((await win({ apiKey, idempotencyKey: 'w-3', body: { ...winBody, pool: 'NO' } })).status).toBe(400)
    expect((await win({ idempotencyKey: 'w-4', body: winBody })).status).toBe(401)
    expect((await win({ bearer: viewer, idempotencyKey: 'w-5', body: winBody })).status).toBe(403)
    expect(
      (await win({ apiKey, idempotencyKey: 'w-6', body: JSON.stringify({ ...winBody, gameId: huge }) }))
        .status,
    ).toBe(413)
    expect((await win({ apiKey, idempotencyKey: 'w-7', body: 'a=1', headers: form })).status).toBe(415)
  })

  test('staff reads: 200, 400, 401, 403', async () => {
    const admin = h.token('admin')
    const viewer = h.token('viewer')
    const apiKey = await h.gameKey()
    for (const path of [
      '/api/v1/ledger',
      '/api/v1/stats',
      '/api/v1/config',
      '/api/v1/audit',
      '/api/v1/api-keys',
      '/api/v1/wins/recent',
      '/api/v1/stats/top-games',
      '/api/v1/stats/pool-growth',
    ]) {
      expect((await send(h, 'GET', path, { bearer: admin })).status).toBe(200)
      expect((await send(h, 'GET', path)).status).toBe(401)
      const wrongRole =
        path === '/api/v1/ledger' || path.startsWith('/api/v1/stats') || path === '/api/v1/wins/recent'
          ? { apiKey }
          : { bearer: viewer }
      expect((await send(h, 'GET', path, wrongRole)).status).toBe(403)
    }
    expect((await send(h, 'GET', '/api/v1/ledger?limit=0', { bearer: admin })).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/audit?limit=0', { bearer: admin })).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/wins/recent?limit=0', { bearer: admin })).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/stats/top-games?limit=0', { bearer: admin })).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/stats/pool-growth?limit=0', { bearer: admin })).status).toBe(400)
    expect((await send(h, 'GET', '/api/v1/wins/recent?before=nope', { bearer: admin })).status).toBe(400)
    // A cursor shaped right that this route never handed out breaks a rule: 422.
    expect((await send(h, 'GET', '/api/v1/stats/top-games?after=nope', { bearer: admin })).status).toBe(422)
  })

  test('configuration and API keys: 200, 201, 400, 401, 403, 404, 409, 413, 415, 422', async () => {
    const admin = h.token('admin')
    const viewer = h.token('viewer')
    const put = (init: Parameters<Harness['send']>[2], slug = 'mega') =>
      send(h, 'PUT', `/api/v1/config/pools/${slug}`, { bearer: admin, ...init })
    const { version, seedCents } = (await h.store.getPool('mega')) as { version: number; seedCents: bigint }
    expect((await put({ body: { expectedVersion: version, contributionBp: 40 } })).status).toBe(200)
    expect((await put({ body: { expectedVersion: version, contributionBp: 41 } })).status).toBe(409)
    expect(
      (await put({ body: { expectedVersion: version + 1, ceilingCents: Number(seedCents) - 1 } })).status,
    ).toBe(422)
    expect((await put({ body: { expectedVersion: 1, contributionBp: 1 } }, 'giga')).status).toBe(404)
    expect((await put({ body: { expectedVersion: 0 } })).status).toBe(400)
    expect((await put({ body: { expectedVersion: 1 }, bearer: viewer })).status).toBe(403)
    expect((await send(h, 'PUT', '/api/v1/config/pools/mega', { body: { expectedVersion: 1 } })).status).toBe(
      401,
    )
    const huge = JSON.stringify({ expectedVersion: 1, pad: 'x'.repeat(h.config.BODY_LIMIT_BYTES) })
    expect((await put({ body: huge })).status).toBe(413)
    expect((await put({ body: 'a=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415)

    const created = await send(h, 'POST', '/api/v1/api-keys', { bearer: admin, body: { name: 'contract' } })
    expect(created.status).toBe(201)
    expect((await send(h, 'POST', '/api/v1/api-keys', { bearer: admin, body: { name: '' } })).status).toBe(
      400,
    )
    expect((await send(h, 'POST', '/api/v1/api-keys', { body: { name: 'x' } })).status).toBe(401)
    expect((await send(h, 'POST', '/api/v1/api-keys', { bearer: viewer, body: { name: 'x' } })).status).toBe(
      403,
    )
    const bigName = JSON.stringify({ name: 'x'.repeat(h.config.BODY_LIMIT_BYTES) })
    expect((await send(h, 'POST', '/api/v1/api-keys', { bearer: admin, body: bigName })).status).toBe(413)
    const text = { 'content-type': 'text/plain' }
    expect(
      (await send(h, 'POST', '/api/v1/api-keys', { bearer: admin, body: 'x', headers: text })).status,
    ).toBe(415)

    const id = String((created.body as { id: string }).id)
    expect((await send(h, 'DELETE', `/api/v1/api-keys/${id}`, { bearer: admin })).status).toBe(200)
    expect((await send(h, 'DELETE', '/api/v1/api-keys/no-such-key', { bearer: admin })).status).toBe(404)
    expect((await send(h, 'DELETE', `/api/v1/api-keys/${'x'.repeat(65)}`, { bearer: admin })).status).toBe(
      400,
    )
    expect((await send(h, 'DELETE', `/api/v1/api-keys/${id}`)).status).toBe(401)
    expect((await send(h, 'DELETE', `/api/v1/api-keys/${id}`, { bearer: viewer })).status).toBe(403)
  })

  test('every API route: 429 past the rate limit', async () => {
    const admin = limited.token('admin')
    const apiKey = await limited.gameKey()
    const requests = everyApiRequest(admin, apiKey, 'r')
    for (const [method, path, init] of requests) {
      // Limits are per group: the first request of a group may pass, the next is refused.
      await send(limited, method, path, init)
      expect((await send(limited, method, path, init)).status, `${method} ${path}`).toBe(429)
    }
  })

  test('every API route: 503 while the database is down, 500 on an unexpected failure', async () => {
    const admin = h.token('admin')
    const apiKey = await h.gameKey()
    const cold = await createHarness({ store: faultyStore(store, () => fault) })
    // Pool reads are served from the pool cache: a cold one asks the store.
    const requests = everyApiRequest(admin, apiKey, 'f').map(
      ([method, path, init]) => [path.startsWith('/api/v1/pools') ? cold : h, method, path, init] as const,
    )
    try {
      for (const [target, method, path, init] of requests) {
        fault = databaseDown()
        expect((await send(target, method, path, init)).status, `${method} ${path}`).toBe(503)
        fault = new Error('a bug')
        const failed = await send(target, method, path, {
          ...init,
          idempotencyKey: `${init?.idempotencyKey}-500`,
        })
        expect(failed.status, `${method} ${path}`).toBe(500)
      }
    } finally {
      fault = null
      await cold.close()
    }
  })

  test('operations: metrics, and health reports passing and failing', async () => {
    for (const path of [
      '/metrics',
      '/health',
      '/health/live',
      '/health/ready',
      '/health/startup',
      '/health/database',
      '/health/jackpot',
    ]) {
      expect((await send(h, 'GET', path)).status, path).toBe(200)
    }
    const down = await createHarness({
      store: faultyStore(store, () => databaseDown(), new Set([...FAULTABLE, 'ping'])),
    })
    try {
      for (const path of ['/health', '/health/ready', '/health/database']) {
        expect((await send(down, 'GET', path)).status, path).toBe(503)
      }
    } finally {
      await down.close()
    }
  })

  test('covers every documented status of every operation, except those listed with a reason', async () => {
    const document = (
      await h.send<{ paths: Record<string, Record<string, { operationId: string; responses: object }>> }>(
        'GET',
        '/swagger/json',
      )
    ).body
    const documented = Object.values(document.paths).flatMap((item) =>
      Object.values(item).flatMap((operation) =>
        Object.keys(operation.responses).map((status) => `${operation.operationId} ${status}`),
      ),
    )
    for (const exempt of Object.keys(NOT_PRODUCED_HERE)) expect(documented).toContain(exempt)
    const missing = documented.filter((entry) => !observed.has(entry) && !(entry in NOT_PRODUCED_HERE))
    expect(missing).toEqual([])
  })
})

describe('the contract check itself', () => {
  const received = async (path: string) => {
    const response = await h.app.handle(new Request(`http://localhost${path}`))
    return { headers: response.headers, body: (await response.json()) as Record<string, unknown> }
  }

  test('fails a response with a field the document does not name', async () => {
    const { headers, body } = await received('/api/v1/pools/mega')
    const leaked = JSON.stringify({ ...body, internalNote: 'not in the contract' })
    const violations = contract.check({
      method: 'GET',
      url: '/api/v1/pools/mega',
      status: 200,
      headers,
      text: leaked,
    })
    expect(violations).toEqual([
      "GET /api/v1/pools/mega → 200: body must NOT have additional properties 'internalNote'",
    ])
    // The same body without the extra field passes: the failure is the field, nothing else.
    expect(
      contract.check({
        method: 'GET',
        url: '/api/v1/pools/mega',
        status: 200,
        headers,
        text: JSON.stringify(body),
      }),
    ).toEqual([])
  })

  test('fails an undocumented status, a wrong content type and a missing required header', async () => {
    const { headers, body } = await received('/api/v1/pools/mega')
    const text = JSON.stringify(body)
    expect(contract.check({ method: 'GET', url: '/api/v1/pools/mega', status: 418, headers, text })).toEqual([
      'GET /api/v1/pools/mega → 418: status 418 is not documented for getPool',
    ])
    const html = new Headers(headers)
    html.set('content-type', 'text/html')
    expect(
      contract.check({ method: 'GET', url: '/api/v1/pools/mega', status: 200, headers: html, text }),
    ).toEqual(["GET /api/v1/pools/mega → 200: content type 'text/html' is not one of application/json"])
    const noEtag = new Headers(headers)
    noEtag.delete('etag')
    expect(
      contract.check({ method: 'GET', url: '/api/v1/pools/mega', status: 200, headers: noEtag, text }),
    ).toEqual(['GET /api/v1/pools/mega → 200: required header ETag missing'])
  })

  test('fails a problem whose status is a string', async () => {
    const response = await h.app.handle(new Request('http://localhost/api/v1/pools/giga'))
    const problem = (await response.json()) as Record<string, unknown>
    const text = JSON.stringify({ ...problem, status: '404' })
    const violations = contract.check({
      method: 'GET',
      url: '/api/v1/pools/giga',
      status: 404,
      headers: response.headers,
      text,
    })
    expect(violations).toEqual(['GET /api/v1/pools/giga → 404: body/status must be integer'])
  })
})
