import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHarness, type Harness } from './support/harness.ts'

/**
 * Every kind of bad input the API contract names gets a 4xx problem+json,
 * never a 5xx, and leaves the pools and the ledger exactly as they were.
 */
const BODY_LIMIT = 1024

let h: Harness
let gameKey: string
let admin: string
beforeAll(async () => {
  h = await createHarness({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } })
  gameKey = await h.gameKey()
  admin = h.token('admin')
  // Some history, so "unchanged" is checked against non-trivial state.
  await h.send('POST', '/api/v1/contributions', {
    apiKey: gameKey,
    idempotencyKey: 'seed-history',
    body: { gameId: 'g', wagerCents: 12_345, currency: 'EUR' },
  })
})
afterAll(() => h.close())

async function snapshot() {
  const pools = await h.store.listPools()
  const ledger = await h.store.ledger({ limit: 500 })
  const audit = await h.store.audit({ limit: 500 })
  return JSON.stringify({ pools, ledger, audit }, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v,
  )
}

interface Case {
  name: string
  status: number
  type: string
  method?: string
  path?: string
  body?: unknown
  headers?: Record<string, string>
  idempotencyKey?: string | null
  /** For validation problems: the field the answer must name. */
  field?: string
}

const valid = { gameId: 'slots-1', playerId: 'p-1', wagerCents: 500, currency: 'EUR' }
const contributionCases: Case[] = [
  {
    name: 'negative wager',
    body: { ...valid, wagerCents: -500 },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'zero wager',
    body: { ...valid, wagerCents: 0 },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'fractional wager',
    body: { ...valid, wagerCents: 10.5 },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'wager above 10^12',
    body: { ...valid, wagerCents: 1_000_000_000_001 },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'huge wager (1e300)',
    body: '{"gameId":"g","wagerCents":1e300,"currency":"EUR"}',
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'wager beyond MAX_SAFE_INTEGER',
    body: '{"gameId":"g","wagerCents":9007199254740993,"currency":"EUR"}',
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'wager as a string',
    body: { ...valid, wagerCents: '500' },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'wager as null',
    body: { ...valid, wagerCents: null },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'missing wager',
    body: { gameId: 'g', currency: 'EUR' },
    status: 400,
    type: 'validation',
    field: 'wagerCents',
  },
  {
    name: 'lower-case currency',
    body: { ...valid, currency: 'eur' },
    status: 400,
    type: 'validation',
    field: 'currency',
  },
  {
    name: 'currency not three letters',
    body: { ...valid, currency: 'EURO' },
    status: 400,
    type: 'validation',
    field: 'currency',
  },
  { name: 'wrong currency', body: { ...valid, currency: 'USD' }, status: 422, type: 'currency-mismatch' },
  { name: 'empty gameId', body: { ...valid, gameId: '' }, status: 400, type: 'validation', field: 'gameId' },
  { name: 'unknown field', body: { ...valid, bonus: 1 }, status: 400, type: 'validation', field: 'bonus' },
  { name: 'array instead of object', body: [valid], status: 400, type: 'validation', field: 'body' },
  {
    name: 'missing Idempotency-Key',
    body: valid,
    idempotencyKey: null,
    status: 400,
    type: 'validation',
    field: 'idempotency-key',
  },
  {
    name: 'Idempotency-Key over 255 chars',
    body: valid,
    idempotencyKey: 'k'.repeat(256),
    status: 400,
    type: 'validation',
    field: 'idempotency-key',
  },
  {
    name: 'Idempotency-Key with a space',
    body: valid,
    idempotencyKey: 'two words',
    status: 400,
    type: 'validation',
    field: 'idempotency-key',
  },
  { name: 'malformed JSON', body: '{"gameId":"g","wagerCents":500,', status: 400, type: 'malformed-json' },
  { name: 'not JSON at all', body: 'wagerCents=500', status: 400, type: 'malformed-json' },
  { name: 'empty body', body: '', status: 400, type: 'validation', field: 'body' },
  {
    name: 'body over the limit',
    body: { ...valid, gameId: 'x'.repeat(BODY_LIMIT) },
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'form-encoded body',
    body: 'gameId=g&wagerCents=5',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    type: 'unsupported-media-type',
  },
]

const winCases: Case[] = [
  {
    name: 'unknown pool',
    path: '/api/v1/wins',
    body: { pool: 'giga', gameId: 'g', playerId: 'p' },
    status: 404,
    type: 'pool-not-found',
  },
  {
    name: 'pool slug with capitals',
    path: '/api/v1/wins',
    body: { pool: 'MEGA', gameId: 'g', playerId: 'p' },
    status: 400,
    type: 'validation',
    field: 'pool',
  },
  {
    name: 'missing playerId',
    path: '/api/v1/wins',
    body: { pool: 'mega', gameId: 'g' },
    status: 400,
    type: 'validation',
    field: 'playerId',
  },
  {
    name: 'unknown field on a win',
    path: '/api/v1/wins',
    body: { pool: 'mega', gameId: 'g', playerId: 'p', payoutCents: 1 },
    status: 400,
    type: 'validation',
    field: 'payoutCents',
  },
  {
    name: 'win without Idempotency-Key',
    path: '/api/v1/wins',
    body: { pool: 'mega', gameId: 'g', playerId: 'p' },
    idempotencyKey: null,
    status: 400,
    type: 'validation',
    field: 'idempotency-key',
  },
]

const configCases: Case[] = [
  {
    name: 'rate above 10 000 bp',
    body: { contributionBp: 10_001, expectedVersion: 1 },
    status: 400,
    type: 'validation',
    field: 'contributionBp',
  },
  {
    name: 'negative seed',
    body: { seedCents: -1, expectedVersion: 1 },
    status: 400,
    type: 'validation',
    field: 'seedCents',
  },
  {
    name: 'fractional rate',
    body: { contributionBp: 1.5, expectedVersion: 1 },
    status: 400,
    type: 'validation',
    field: 'contributionBp',
  },
  {
    name: 'rate as a string',
    body: { contributionBp: '50', expectedVersion: 1 },
    status: 400,
    type: 'validation',
    field: 'contributionBp',
  },
  {
    name: 'missing expectedVersion',
    body: { contributionBp: 50 },
    status: 400,
    type: 'validation',
    field: 'expectedVersion',
  },
  {
    name: 'unknown config field',
    body: { expectedVersion: 1, currency: 'USD' },
    status: 400,
    type: 'validation',
    field: 'currency',
  },
  {
    name: 'unknown pool in the path',
    path: '/api/v1/config/pools/giga',
    body: { contributionBp: 50, expectedVersion: 1 },
    status: 404,
    type: 'pool-not-found',
  },
]

async function expectRefused(
  c: Case,
  method: string,
  path: string,
  credentials: { apiKey?: string; bearer?: string },
) {
  const before = await snapshot()
  const idempotencyKey =
    c.idempotencyKey === null ? undefined : (c.idempotencyKey ?? `bad-${c.name.replace(/\W+/g, '-')}`)
  const res = await h.send<{ type: string; status: number; errors?: { field: string; message: string }[] }>(
    method,
    path,
    { ...credentials, idempotencyKey, body: c.body, headers: c.headers },
  )
  expect(res.status).toBe(c.status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  expect(res.body.type).toBe(`https://jackpot.dev/problems/${c.type}`)
  expect(res.body.status).toBe(c.status)
  if (c.field) expect(res.body.errors?.map((e) => e.field)).toContain(c.field)
  expect(res.text).not.toMatch(/\bat .*\.ts:\d+/)
  expect(await snapshot()).toBe(before)
}

describe('bad contributions are refused and write nothing', () => {
  for (const c of contributionCases) {
    test(`${c.name} → ${c.status} ${c.type}`, () =>
      expectRefused(c, 'POST', '/api/v1/contributions', { apiKey: gameKey }))
  }
})

describe('bad wins are refused and write nothing', () => {
  for (const c of winCases) {
    test(`${c.name} → ${c.status} ${c.type}`, () => expectRefused(c, 'POST', c.path!, { apiKey: gameKey }))
  }
})

describe('bad configuration changes are refused and write nothing', () => {
  for (const c of configCases) {
    test(`${c.name} → ${c.status} ${c.type}`, () =>
      expectRefused(c, 'PUT', c.path ?? '/api/v1/config/pools/mega', { bearer: admin }))
  }
})

describe('bad queries', () => {
  test('a ledger limit out of range names the parameter', async () => {
    const res = await h.send<{ errors: { field: string }[] }>('GET', '/api/v1/ledger?limit=501', {
      bearer: admin,
    })
    expect(res.status).toBe(400)
    expect(res.body.errors.map((e) => e.field)).toContain('limit')
  })

  test('an unknown ledger kind names the parameter', async () => {
    const res = await h.send<{ errors: { field: string }[] }>('GET', '/api/v1/ledger?kind=refund', {
      bearer: admin,
    })
    expect(res.status).toBe(400)
    expect(res.body.errors.map((e) => e.field)).toContain('kind')
  })

  test('an unknown pool reads as 404 problem+json', async () => {
    const res = await h.send('GET', '/api/v1/pools/giga')
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ type: 'https://jackpot.dev/problems/pool-not-found', pool: 'giga' })
  })
})
