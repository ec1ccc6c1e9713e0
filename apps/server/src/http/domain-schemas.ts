import {
  CURRENCY_PATTERN,
  DEFAULT_PAGE_LIMIT,
  MAX_CONTRIBUTION_BP,
  MAX_PAGE_LIMIT,
  MAX_WAGER_CENTS,
  POOL_SLUG_PATTERN,
} from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, StrictInteger } from './money.ts'
import { QueryInteger } from './query-integer.ts'

// Request schemas for the domain's own inputs, built from the domain's constants: the HTTP
// layer refuses exactly what the domain refuses (a 400 naming the field, before any query),
// and OpenAPI publishes the same bounds. None of these values is retyped here.

/**
 * A pool slug, by the domain's pattern: `drop-` is a 400 here as it is an error there.
 *
 * @example
 * t.Object({ slug: PoolSlug({ examples: ['mega'] }) })
 */
export function PoolSlug(options: { description?: string; examples?: string[] } = {}) {
  return t.String({ pattern: POOL_SLUG_PATTERN, ...options })
}

/**
 * An ISO 4217 currency code, by the domain's pattern.
 *
 * @example
 * t.Object({ currency: CurrencyCode() })
 */
export function CurrencyCode() {
  return t.String({ pattern: CURRENCY_PATTERN, description: 'ISO 4217 code', examples: ['EUR'] })
}

/**
 * A wager in integer cents, 1 to the domain's {@link MAX_WAGER_CENTS}; the bound is in OpenAPI.
 *
 * @example
 * t.Object({ wagerCents: WagerCents() })
 */
export function WagerCents() {
  return Cents({
    minimum: 1,
    maximum: Number(MAX_WAGER_CENTS),
    description: `Wager in integer cents, at most ${MAX_WAGER_CENTS} (100 000.00 in the pools' currency)`,
  })
}

/**
 * A pool's rate in basis points, 0 to the domain's {@link MAX_CONTRIBUTION_BP}.
 *
 * @example
 * t.Object({ contributionBp: t.Optional(ContributionBp()) })
 */
export function ContributionBp() {
  return StrictInteger({ minimum: 0, maximum: MAX_CONTRIBUTION_BP, description: 'Basis points' })
}

/**
 * The `limit` query parameter of a paginated read: 1 to {@link MAX_PAGE_LIMIT},
 * {@link DEFAULT_PAGE_LIMIT} when absent, as the domain's readers apply it.
 *
 * @example
 * t.Object({ after: t.Optional(CursorText()), limit: PageLimit() })
 */
export function PageLimit() {
  return t.Optional(
    QueryInteger('limit', { minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT }),
  )
}
