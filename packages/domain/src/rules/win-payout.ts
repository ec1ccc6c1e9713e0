/** The part of a pool the win rule reads. */
export interface WinPoolState {
  amountCents: bigint
  reserveCents: bigint
  seedCents: bigint
}

/** What a win does to a pool: pay out, then reset to the seed. */
export interface WinPayout {
  payoutCents: bigint
  resetFromReserveCents: bigint
  resetFromHouseCents: bigint
  /** Amount after the reset: the seed. */
  amountCents: bigint
  reserveCents: bigint
}

/**
 * A win pays the pool's whole current amount, then resets the amount to the
 * seed, funded from the reserve first and by the house for whatever the
 * reserve cannot cover.
 *
 * @example
 * computeWinPayout({ amountCents: 5_000n, reserveCents: 300n, seedCents: 1_000n })
 * // → { payoutCents: 5_000n, resetFromReserveCents: 300n, resetFromHouseCents: 700n, amountCents: 1_000n, reserveCents: 0n }
 */
export function computeWinPayout(pool: WinPoolState): WinPayout {
  const resetFromReserveCents = minCents(pool.reserveCents, pool.seedCents)
  return {
    payoutCents: pool.amountCents,
    resetFromReserveCents,
    resetFromHouseCents: pool.seedCents - resetFromReserveCents,
    amountCents: pool.seedCents,
    reserveCents: pool.reserveCents - resetFromReserveCents,
  }
}

// Math.min does not take bigint.
function minCents(a: bigint, b: bigint): bigint {
  if (a < b) return a
  return b
}
