import { describe, expect, test } from 'bun:test'
import { computeWinPayout } from './win-payout.ts'

describe('computeWinPayout', () => {
  const cases = [
    {
      name: 'pays the whole amount and resets to the seed from the reserve first',
      pool: { amountCents: 5_000n, reserveCents: 1_500n, seedCents: 1_000n },
      payout: { payoutCents: 5_000n, resetFromReserveCents: 1_000n, resetFromHouseCents: 0n },
      after: { amountCents: 1_000n, reserveCents: 500n },
    },
    {
      name: 'has the house fund what the reserve cannot',
      pool: { amountCents: 5_000n, reserveCents: 300n, seedCents: 1_000n },
      payout: { payoutCents: 5_000n, resetFromReserveCents: 300n, resetFromHouseCents: 700n },
      after: { amountCents: 1_000n, reserveCents: 0n },
    },
    {
      name: 'pays an empty pool nothing and resets a zero seed from nobody',
      pool: { amountCents: 0n, reserveCents: 0n, seedCents: 0n },
      payout: { payoutCents: 0n, resetFromReserveCents: 0n, resetFromHouseCents: 0n },
      after: { amountCents: 0n, reserveCents: 0n },
    },
  ]
  for (const { name, pool, payout, after } of cases) {
    test(name, () => {
      expect(computeWinPayout(pool)).toEqual({ ...payout, ...after })
    })
  }
})
