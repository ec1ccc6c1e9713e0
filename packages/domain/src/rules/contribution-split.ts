import { InvalidCommandError } from '../errors.ts'

/** The residue is kept in 1/10 000 of a cent, so one basis point of one cent is exact. */
export const RESIDUE_SCALE = 10_000n

/**
 * Largest accepted wager, in cents: 100 000.00 in the pools' currency, above the
 * table limits of high-roller games, so a larger value is a client bug (cents sent
 * as units, a unit mix-up), not a bet. The HTTP schema uses this same constant.
 */
export const MAX_WAGER_CENTS = 10_000_000n

/** The part of a pool the contribution rule reads. */
export interface ContributionPoolState {
  amountCents: bigint
  reserveCents: bigint
  /** Sub-cent carry in 1/10 000 of a cent, 0..9 999. */
  residue: number
  contributionBp: number
  ceilingCents: bigint | null
}

/** What one wager does to one pool. */
export interface ContributionSplit {
  /** Whole cents added to the pool (amount + reserve). */
  contributedCents: bigint
  /** Part of `contributedCents` that went to the amount. */
  toAmountCents: bigint
  /** Part of `contributedCents` that the ceiling diverted to the reserve. */
  toReserveCents: bigint
  amountCents: bigint
  reserveCents: bigint
  residue: number
}

/**
 * Splits one wager into a pool: `wager × bp` in 1/10 000 cent plus the carried
 * residue; whole cents go to the pool, the rest is carried. So over any sequence
 * of wagers a fresh pool has received exactly `floor(Σ wager×bp / 10 000)` cents.
 * Cents that would lift the amount above the ceiling go to the reserve instead.
 *
 * @throws InvalidCommandError when the wager is not a positive amount within {@link MAX_WAGER_CENTS}.
 * @example
 * splitContribution({ amountCents: 100n, reserveCents: 0n, residue: 9_950, contributionBp: 100, ceilingCents: null }, 5n)
 * // → { contributedCents: 1n, toAmountCents: 1n, toReserveCents: 0n, amountCents: 101n, reserveCents: 0n, residue: 450 }
 */
export function splitContribution(pool: ContributionPoolState, wagerCents: bigint): ContributionSplit {
  assertWager(wagerCents)
  const total = wagerCents * BigInt(pool.contributionBp) + BigInt(pool.residue)
  const contributedCents = total / RESIDUE_SCALE
  const residue = Number(total % RESIDUE_SCALE)

  let toAmountCents = contributedCents
  if (pool.ceilingCents !== null) {
    const room = pool.ceilingCents - pool.amountCents
    // An amount already above the ceiling (the ceiling was lowered) is left alone, never clawed back.
    toAmountCents = room <= 0n ? 0n : room < contributedCents ? room : contributedCents
  }
  const toReserveCents = contributedCents - toAmountCents
  return {
    contributedCents,
    toAmountCents,
    toReserveCents,
    amountCents: pool.amountCents + toAmountCents,
    reserveCents: pool.reserveCents + toReserveCents,
    residue,
  }
}

/**
 * @throws InvalidCommandError when the wager is not a positive amount within {@link MAX_WAGER_CENTS}.
 * @example
 * assertWager(250n) // passes
 */
export function assertWager(wagerCents: bigint): void {
  if (wagerCents <= 0n)
    throw new InvalidCommandError('wagerCents must be a positive amount of cents', 'wagerCents')
  if (wagerCents > MAX_WAGER_CENTS) {
    throw new InvalidCommandError(`wagerCents must not exceed ${MAX_WAGER_CENTS}`, 'wagerCents')
  }
}
