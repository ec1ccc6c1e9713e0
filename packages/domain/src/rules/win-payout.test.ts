import { describe, expect, test } from 'bun:test'
import { computeWinPayout } from './win-payout.ts'

describe('computeWinPayout', () => {
  test('pays the whole amount and resets to the seed from the reserve first', () => {
    expect(computeWinPayout({ amountCents: 5_000n, reserveCents: 1_500n, seedCents: 1_000n })).toEqual({
      payoutCents: 5_000n,
      resetFromReserveCents: 1_000n,
      resetFromHouseCents: 0n,
      amountCents: 1_000n,
      reserveCents: 500n,
    })
  })

  test('has the house fund what the reserve cannot', () => {
    expect(computeWinPayout({ amountCents: 5_000n, reserveCents: 300n, seedCents: 1_000n })).toEqual({
      payoutCents: 5_000n,
      resetFromReserveCents: 300n,
      resetFromHouseCents: 700n,
      amountCents: 1_000n,
      reserveCents: 0n,
    })
  })

  test('pays an empty pool nothing and resets a zero seed from nobody', () => {
    expect(computeWinPayout({ amountCents: 0n, reserveCents: 0n, seedCents: 0n })).toEqual({
      payoutCents: 0n,
      resetFromReserveCents: 0n,
      resetFromHouseCents: 0n,
      amountCents: 0n,
      reserveCents: 0n,
    })
  })
})
