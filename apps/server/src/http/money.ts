import { FormatRegistry, Type } from '@sinclair/typebox'

// OpenAPI's 'int64' format, which TypeBox (and so Elysia's response check) does not know on its own.
if (!FormatRegistry.Has('int64')) FormatRegistry.Set('int64', (value) => /^-?[0-9]{1,19}$/.test(value))

/**
 * Cents as a JSON integer. Built with plain TypeBox on purpose: Elysia's
 * `t.Integer` also accepts numeric strings, and `"100"` is not an amount.
 * The ceiling keeps every accepted value exactly representable in a double.
 *
 * @example
 * t.Object({ wagerCents: Cents({ minimum: 1, maximum: 1e12 }) })
 */
export function Cents(options: { minimum?: number; maximum?: number; description?: string } = {}) {
  return Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...options })
}

/** A strict JSON integer (no string coercion) for non-money numbers in bodies. */
export function StrictInteger(options: { minimum?: number; maximum?: number; description?: string } = {}) {
  return Type.Integer(options)
}

/**
 * Domain bigint → JSON number. Refuses what a double cannot hold exactly
 * rather than send a rounded amount.
 *
 * @example
 * centsToJson(12_345n)  // 12345
 */
export function centsToJson(cents: bigint): number {
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`Amount ${cents} cents is beyond what JSON numbers carry exactly`)
  }
  return Number(cents)
}

/** JSON number (already schema-checked as a safe integer) → domain bigint. */
export function centsFromJson(cents: number): bigint {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`${cents} is not a whole number of cents`)
  return BigInt(cents)
}

/**
 * Cents that are a sum over history (totals, daily figures) and so may pass
 * 2^53: an int64 as a JSON string of decimal digits, exact at any size.
 *
 * @example
 * t.Object({ totalContributedCents: Int64Cents() })
 */
export function Int64Cents(options: { description?: string } = {}) {
  return Type.String({
    pattern: '^-?[0-9]{1,19}$',
    format: 'int64',
    examples: ['9010000000000000'],
    ...options,
    description: `${options.description ? `${options.description}. ` : ''}Integer cents as a decimal string (int64: totals may exceed what a JSON number carries exactly)`,
  })
}

/** Domain bigint → int64 decimal string, exact at any size. */
export function centsToInt64String(cents: bigint): string {
  return cents.toString()
}
