import { describe, expect, test } from 'bun:test'
import { seededRandom } from '@jackpot/test-kit'
import {
  type ContributionReceipt,
  IdempotencyConflictError,
  type Idempotent,
  type WinReceipt,
} from '../../src/index.ts'
import { conservationGap, figuresOf, readWholeLedger, replayLedger } from '../support/ledger-replay.ts'
import type { StoreHarness } from './store-harness.ts'

const CONTRIBUTIONS = 500
const WINS = 24
const RETRIED_CONTRIBUTIONS = 60
const RETRIED_WINS = 6
const CONFLICTING = 10

type Request = () => Promise<{ key: string; outcome: Idempotent<ContributionReceipt | WinReceipt> }>

export function concurrencyCases(h: StoreHarness): void {
  describe('concurrency', () => {
    test('keeps every pool exact under concurrent contributions, wins, retries and key conflicts', async () => {
      const random = seededRandom(20_250_310)
      const slugs = ['major', 'mega', 'minor']
      const contribution =
        (key: string, wagerCents: bigint): Request =>
        async () => ({
          key,
          outcome: await h.store.contribute({
            idempotencyKey: key,
            gameId: 'g',
            wagerCents,
            currency: 'EUR',
          }),
        })
      const win =
        (key: string, pool: string): Request =>
        async () => ({
          key,
          outcome: await h.store.win({ idempotencyKey: key, pool, gameId: 'g', playerId: `p-${key}` }),
        })

      const requests: Request[] = []
      const wagers = Array.from({ length: CONTRIBUTIONS }, () => random.wager())
      wagers.forEach((wager, i) => {
        requests.push(contribution(`c-${i}`, wager))
      })
      for (let i = 0; i < RETRIED_CONTRIBUTIONS; i++)
        requests.push(contribution(`c-${i * 7}`, wagers[i * 7]!))
      // Same key, different wager: whichever commits first wins, the other must be refused.
      for (let i = 0; i < CONFLICTING; i++)
        requests.push(contribution(`c-${i * 11 + 3}`, wagers[i * 11 + 3]! + 1n))
      const winPools = Array.from({ length: WINS }, () => random.pick(slugs))
      winPools.forEach((pool, i) => {
        requests.push(win(`w-${i}`, pool))
      })
      for (let i = 0; i < RETRIED_WINS; i++) requests.push(win(`w-${i * 3}`, winPools[i * 3]!))
      // Fisher–Yates with the seeded random, so retries race their originals.
      for (let i = requests.length - 1; i > 0; i--) {
        const j = random.int(0, i)
        ;[requests[i], requests[j]] = [requests[j]!, requests[i]!]
      }

      const settled = await Promise.allSettled(requests.map((request) => request()))

      const failures = settled
        .filter((s) => s.status === 'rejected')
        .map((s) => (s as PromiseRejectedResult).reason)
      expect(failures.length).toBe(CONFLICTING)
      for (const failure of failures) expect(failure).toBeInstanceOf(IdempotencyConflictError)

      const fulfilled = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
      const firsts = new Map(
        fulfilled.filter((f) => !f.outcome.replayed).map((f) => [f.key, f.outcome.result]),
      )
      expect(firsts.size).toBe(CONTRIBUTIONS + WINS)
      // Every retry got exactly what the first call got.
      for (const { key, outcome } of fulfilled.filter((f) => f.outcome.replayed)) {
        expect(outcome.result).toEqual(firsts.get(key)!)
      }

      const accepted = [...firsts.values()].filter((r): r is ContributionReceipt => 'wagerCents' in r)
      const totalWagered = accepted.reduce((sum, receipt) => sum + receipt.wagerCents, 0n)
      const pools = await h.store.listPools()
      const ledger = await readWholeLedger(h.store)
      const replayed = replayLedger(ledger)
      for (const pool of pools) {
        expect(conservationGap(pool)).toBe(0n)
        // Wins pay out and reset; they never change what was contributed.
        expect(pool.totals.contributedCents).toBe((totalWagered * BigInt(pool.contributionBp)) / 10_000n)
        expect(BigInt(pool.residue)).toBe((totalWagered * BigInt(pool.contributionBp)) % 10_000n)
        expect(pool.totals.contributions).toBe(CONTRIBUTIONS)
        expect(pool.totals.wins).toBe(winPools.filter((slug) => slug === pool.slug).length)
        expect(replayed.get(pool.slug)).toEqual(figuresOf(pool))
      }

      const keyed = ledger.filter((entry) => entry.idempotencyKey !== null)
      expect(keyed.length).toBe(CONTRIBUTIONS + WINS)
      expect(new Set(keyed.map((entry) => entry.idempotencyKey))).toEqual(new Set(firsts.keys()))
      expect(ledger.filter((entry) => entry.kind === 'reset').length).toBe(WINS)
    })
  })
}
