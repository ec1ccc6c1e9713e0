import type { PoolDefinition } from './types.ts'

/**
 * The pools a new database starts with: seeds 1 000.00 / 10 000.00 / 100 000.00,
 * contribution 1 % / 0.5 % / 0.25 %, ceilings 10 000.00 / 100 000.00 / none.
 */
export const DEFAULT_POOLS: readonly PoolDefinition[] = Object.freeze([
  { slug: 'minor', name: 'Minor', seedCents: 100_000n, contributionBp: 100, ceilingCents: 1_000_000n },
  { slug: 'major', name: 'Major', seedCents: 1_000_000n, contributionBp: 50, ceilingCents: 10_000_000n },
  { slug: 'mega', name: 'Mega', seedCents: 10_000_000n, contributionBp: 25, ceilingCents: null },
])
