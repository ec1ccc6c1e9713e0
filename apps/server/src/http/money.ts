import { Type } from '@sinclair/typebox'

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
