import { describe, expect, test } from 'bun:test'
import { seededRandom } from '@jackpot/test-kit'
import { InvalidCommandError } from '../errors.ts'
import { type ContributionPoolState, MAX_WAGER_CENTS, splitContribution } from './contribution-split.ts'
import { computeWinPayout } from './win-payout.ts'

const pool = (overrides: Partial<ContributionPoolState> = {}): ContributionPoolState => ({
  amountCents: 100_000n,
  reserveCents: 0n,
  residue: 0,
  contributionBp: 100,
  ceilingCents: null,
  ...overrides,
})

describe('splitContribution', () => {
  test('adds wager × bp / 10 000 whole cents and carries the fraction as residue', () => {
    const split = splitContribution(pool({ contributionBp: 50 }), 12_345n)
    // 12 345 × 50 = 617 250 ten-thousandths of a cent → 61 cents, 7 250 carried.
    expect(split).toEqual({
      contributedCents: 61n,
      toAmountCents: 61n,
      toReserveCents: 0n,
      amountCents: 100_061n,
      reserveCents: 0n,
      residue: 7_250,
    })
  })

  test('turns a carried residue into a cent when it adds up', () => {
    const first = splitContribution(pool({ contributionBp: 25 }), 200n) // 5 000 → 0 cents
    expect(first.contributedCents).toBe(0n)
    expect(first.residue).toBe(5_000)
    const second = splitContribution({ ...pool({ contributionBp: 25 }), residue: first.residue }, 200n)
    expect(second.contributedCents).toBe(1n)
    expect(second.residue).toBe(0)
  })

  test('sends the part above the ceiling to the reserve', () => {
    const split = splitContribution(pool({ amountCents: 999_990n, ceilingCents: 1_000_000n }), 2_500n)
    // 25 cents: 10 fill the amount up to the ceiling, 15 overflow.
    expect(split.contributedCents).toBe(25n)
    expect(split.toAmountCents).toBe(10n)
    expect(split.toReserveCents).toBe(15n)
    expect(split.amountCents).toBe(1_000_000n)
    expect(split.reserveCents).toBe(15n)
  })

  test('sends everything to the reserve when the amount is already above a lowered ceiling', () => {
    const split = splitContribution(
      pool({ amountCents: 2_000n, ceilingCents: 1_000n, reserveCents: 5n }),
      1_000n,
    )
    expect(split.amountCents).toBe(2_000n)
    expect(split.toReserveCents).toBe(10n)
    expect(split.reserveCents).toBe(15n)
  })

  test('adds nothing at zero basis points', () => {
    const split = splitContribution(pool({ contributionBp: 0 }), 1_000_000n)
    expect(split.contributedCents).toBe(0n)
    expect(split.residue).toBe(0)
  })

  test('refuses a wager that is not positive or is absurdly large', () => {
    expect(() => splitContribution(pool(), 0n)).toThrow(InvalidCommandError)
    expect(() => splitContribution(pool(), -5n)).toThrow(InvalidCommandError)
    expect(() => splitContribution(pool(), MAX_WAGER_CENTS + 1n)).toThrow(InvalidCommandError)
    expect(splitContribution(pool(), MAX_WAGER_CENTS).contributedCents).toBe(MAX_WAGER_CENTS / 100n)
  })
})

describe('contribution and win rules together (property-style)', () => {
  const configs = [
    { contributionBp: 100, seedCents: 100_000n, ceilingCents: 1_000_000n },
    { contributionBp: 50, seedCents: 1_000_000n, ceilingCents: 1_050_000n },
    { contributionBp: 25, seedCents: 10_000_000n, ceilingCents: null },
    { contributionBp: 7, seedCents: 0n, ceilingCents: 500n },
    { contributionBp: 10_000, seedCents: 300n, ceilingCents: 300n },
  ]

  for (const [index, config] of configs.entries()) {
    test(`keeps contributed = floor(Σ wager×bp / 10 000) and conserves every cent (config ${index})`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const random = seededRandom(seed * 1_000 + index)
        let state = {
          amountCents: config.seedCents,
          reserveCents: 0n,
          residue: 0,
          contributedCents: 0n,
          paidOutCents: 0n,
          seededByHouseCents: config.seedCents,
        }
        let wagered = 0n
        for (let step = 0; step < 500; step++) {
          if (random.next() < 0.02) {
            const payout = computeWinPayout({ ...state, seedCents: config.seedCents })
            state = {
              ...state,
              amountCents: payout.amountCents,
              reserveCents: payout.reserveCents,
              paidOutCents: state.paidOutCents + payout.payoutCents,
              seededByHouseCents: state.seededByHouseCents + payout.resetFromHouseCents,
            }
          } else {
            const wager = random.wager()
            wagered += wager
            const split = splitContribution({ ...state, ...config }, wager)
            expect(split.toAmountCents + split.toReserveCents).toBe(split.contributedCents)
            state = {
              ...state,
              amountCents: split.amountCents,
              reserveCents: split.reserveCents,
              residue: split.residue,
              contributedCents: state.contributedCents + split.contributedCents,
            }
          }
          if (config.ceilingCents !== null) expect(state.amountCents <= config.ceilingCents).toBe(true)
          expect(state.amountCents + state.reserveCents + state.paidOutCents).toBe(
            state.contributedCents + state.seededByHouseCents,
          )
        }
        const exact = wagered * BigInt(config.contributionBp)
        expect(state.contributedCents).toBe(exact / 10_000n)
        expect(BigInt(state.residue)).toBe(exact % 10_000n)
      }
    })
  }
})
