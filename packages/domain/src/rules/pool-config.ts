import { InvalidCommandError } from '../errors.ts'
import type { PoolDefinition } from '../types.ts'

/** The configurable part of a pool. */
export interface PoolConfig {
  contributionBp: number
  seedCents: bigint
  ceilingCents: bigint | null
}

/**
 * A pool slug: 1 to 64 lowercase letters, digits and dashes, starting and ending with a
 * letter or digit (`mega`, `daily-drop`; not `drop-`). A string, not a RegExp, so the HTTP
 * schemas publish the very same pattern in OpenAPI.
 */
export const POOL_SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$'

/** The most a pool's rate can be: 10 000 basis points, the whole wager. */
export const MAX_CONTRIBUTION_BP = 10_000

const SLUG = new RegExp(POOL_SLUG_PATTERN)

/**
 * Checks a pool configuration: basis points an integer in 0..10 000, seed not
 * negative, ceiling (when set) not below the seed — a must-hit-by cap under the
 * reset amount would send every contribution to the reserve forever.
 *
 * @throws InvalidCommandError naming the offending field.
 * @example
 * validatePoolConfig({ contributionBp: 100, seedCents: 100_000n, ceilingCents: 1_000_000n })
 */
export function validatePoolConfig(config: PoolConfig): void {
  const { contributionBp, seedCents, ceilingCents } = config
  if (!Number.isInteger(contributionBp) || contributionBp < 0 || contributionBp > MAX_CONTRIBUTION_BP) {
    throw new InvalidCommandError(
      `contributionBp must be an integer from 0 to ${MAX_CONTRIBUTION_BP}`,
      'contributionBp',
    )
  }
  if (seedCents < 0n) throw new InvalidCommandError('seedCents must not be negative', 'seedCents')
  if (ceilingCents !== null && ceilingCents < seedCents) {
    throw new InvalidCommandError('ceilingCents must not be below seedCents', 'ceilingCents')
  }
}

/**
 * Checks a pool definition: a lowercase slug (letters, digits, inner dashes), a
 * name, and a valid configuration.
 *
 * @throws InvalidCommandError naming the offending field.
 * @example
 * validatePoolDefinition({ slug: 'minor', name: 'Minor', seedCents: 100_000n, contributionBp: 100, ceilingCents: null })
 */
export function validatePoolDefinition(definition: PoolDefinition): void {
  if (!SLUG.test(definition.slug)) {
    throw new InvalidCommandError(
      `Pool slug '${definition.slug}' must be 1 to 64 lowercase letters, digits and inner dashes`,
      'slug',
    )
  }
  if (definition.name.trim() === '') throw new InvalidCommandError('Pool name must not be empty', 'name')
  validatePoolConfig(definition)
}
