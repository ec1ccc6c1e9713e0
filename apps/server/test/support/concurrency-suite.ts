import { afterAll, beforeAll, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import { MAX_WAGER_CENTS, type OpenedJackpot } from '@jackpot/domain'
import { seededRandom, silentLogger } from '@jackpot/test-kit'
import { signJwt } from '../../src/auth/jwt.ts'
import { buildServer } from '../../src/build-server.ts'
import type { ContributionView } from '../../src/views/contribution-view.ts'
import type { LedgerEntryView } from '../../src/views/ledger-view.ts'
import type { PoolView } from '../../src/views/pool-view.ts'
import { type CheckedFetch, contractFetch } from './contract-fetch.ts'

export interface ConcurrencySuiteOptions {
  /** Opens a fresh, empty store; `close` closes it and drops its database. */
  open: () => Promise<{ store: OpenedJackpot; close(): Promise<void> }>
  contributions?: number
  wins?: number
}

interface Planned {
  method: 'contribution' | 'win'
  key: string
  body: Record<string, unknown>
}

/**
 * The HTTP acceptance run, shared by the PGlite and PostgreSQL suites: a real
 * server on a real socket takes ≥ 500 random contributions and ≥ 20 wins at
 * once, some sent twice with the same idempotency key, and afterwards every
 * pool balances to the cent.
 */
export function concurrencySuite(options: ConcurrencySuiteOptions): void {
  const contributionCount = options.contributions ?? 520
  const winCount = options.wins ?? 24
  const seed = Date.now() % 2_147_483_647
  const random = seededRandom(seed)

  let store: OpenedJackpot
  let closeStore: (() => Promise<void>) | undefined
  let closeServer: (() => Promise<void>) | undefined
  let server: { stop(force?: boolean): Promise<void> | void; port: number | undefined } | undefined
  let send: CheckedFetch
  let viewer: string
  let gameKey: string

  beforeAll(async () => {
    const opened = await options.open()
    store = opened.store
    closeStore = () => opened.close()
    const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_ENABLED: 'false' })
    const built = await buildServer(config, {
      store,
      logger: silentLogger,
      observability: { globalMetrics: false },
    })
    closeServer = () => built.close()
    const app = built.app.listen({ hostname: '127.0.0.1', port: 0 })
    server = app.server ?? undefined
    // Every answer of the run is checked against the /swagger/json this server publishes.
    send = await contractFetch(`http://127.0.0.1:${app.server?.port}`)
    viewer = signJwt(
      { sub: 'auditor', role: 'viewer' },
      { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, ttlSeconds: 600 },
    )
    gameKey = (await store.createApiKey({ name: 'load', createdBy: 'suite' })).key
  })

  afterAll(async () => {
    await server?.stop(true)
    await closeServer?.()
    await closeStore?.()
  })

  test(`keeps every pool balanced under ${contributionCount} parallel contributions and ${winCount} wins with repeats`, async () => {
    const pools = await getJson<{ pools: PoolView[] }>(send, '/api/v1/pools')
    const slugs = pools.pools.map((p) => p.slug)

    const planned: Planned[] = []
    for (let i = 0; i < contributionCount; i++) {
      // Mostly small wagers with a tail of large ones, so residues and ceilings both get exercised.
      const wagerCents =
        random.next() < 0.9 ? random.int(1, 50_000) : random.int(50_001, Number(MAX_WAGER_CENTS))
      planned.push({
        method: 'contribution',
        key: `c-${seed}-${i}`,
        body: { gameId: `g${i % 7}`, wagerCents, currency: 'EUR' },
      })
    }
    for (let i = 0; i < winCount; i++) {
      planned.push({
        method: 'win',
        key: `w-${seed}-${i}`,
        body: { pool: random.pick(slugs), gameId: 'g0', playerId: `p${i}` },
      })
    }
    // Every 8th request goes out twice with the same key and body, as a retrying client would.
    const repeats = planned.filter((_, i) => i % 8 === 0)
    const sends = [...planned, ...repeats].sort(() => random.next() - 0.5)

    const responses = await Promise.all(
      sends.map(async (p) => {
        const res = await send(`/api/v1/${p.method === 'win' ? 'wins' : 'contributions'}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': gameKey, 'idempotency-key': p.key },
          body: JSON.stringify(p.body),
        })
        return {
          key: p.key,
          status: res.status,
          replayed: res.headers.get('idempotency-replayed'),
          body: await res.text(),
        }
      }),
    )

    const failures = responses.filter((r) => r.status !== 201)
    expect(failures.slice(0, 3), `seed ${seed}`).toEqual([])
    // A repeated key answers with the very same body, and exactly one of the pair says it replayed.
    for (const repeat of repeats) {
      const pair = responses.filter((r) => r.key === repeat.key)
      expect(pair).toHaveLength(2)
      expect(pair[0]?.body).toBe(pair[1]?.body)
      expect(pair.filter((r) => r.replayed === 'true')).toHaveLength(1)
    }

    const after = (await getJson<{ pools: PoolView[] }>(send, '/api/v1/pools')).pools
    const wagers = planned
      .filter((p) => p.method === 'contribution')
      .map((p) => BigInt(p.body.wagerCents as number))
    for (const pool of after) {
      const t = pool.totals
      expect(BigInt(pool.amountCents) + BigInt(pool.reserveCents) + BigInt(t.paidOutCents), pool.slug).toBe(
        BigInt(t.contributedCents) + BigInt(t.seededByHouseCents),
      )
      const exact = wagers.reduce((sum, w) => sum + w * BigInt(pool.contributionBp), 0n) / 10_000n
      expect(BigInt(t.contributedCents), `${pool.slug} contributed, seed ${seed}`).toBe(exact)
      expect(t.contributions).toBe(contributionCount)
      expect(t.wins).toBe(planned.filter((p) => p.method === 'win' && p.body.pool === pool.slug).length)
    }

    // One ledger entry per distinct idempotency key, no more, no fewer.
    const entries = await readLedger(send, viewer)
    const keyed = entries.filter((e) => e.idempotencyKey !== null)
    const counts = new Map<string, number>()
    for (const entry of keyed) counts.set(entry.idempotencyKey!, (counts.get(entry.idempotencyKey!) ?? 0) + 1)
    expect([...counts.keys()].sort()).toEqual(planned.map((p) => p.key).sort())
    expect([...counts.values()].every((n) => n === 1)).toBe(true)

    // The receipts agree with the ledger: each contribution's per-pool cents sum to its entry's lines.
    const receipt = JSON.parse(responses.find((r) => r.key.startsWith('c-'))!.body) as ContributionView
    const entry = keyed.find((e) => e.id === receipt.id)!
    const lineTotal = entry.lines.reduce((s, l) => s + l.amountDeltaCents + l.reserveDeltaCents, 0)
    expect(lineTotal).toBe(receipt.pools.reduce((s, p) => s + p.contributedCents, 0))
  }, 120_000)
}

async function getJson<T>(send: CheckedFetch, url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await send(url, { headers })
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as T
}

async function readLedger(send: CheckedFetch, token: string): Promise<LedgerEntryView[]> {
  const all: LedgerEntryView[] = []
  let cursor: string | null = null
  do {
    const query: string = cursor ? `&after=${encodeURIComponent(cursor)}` : ''
    const page: { entries: LedgerEntryView[]; nextCursor: string | null } = await getJson(
      send,
      `/api/v1/ledger?limit=500${query}`,
      { authorization: `Bearer ${token}` },
    )
    all.push(...page.entries)
    cursor = page.nextCursor
  } while (cursor)
  return all
}
