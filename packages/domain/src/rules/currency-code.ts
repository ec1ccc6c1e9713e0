/**
 * An ISO 4217 alphabetic code: three capital letters. A string, not a RegExp, so the
 * HTTP schemas publish the very same pattern in OpenAPI.
 */
export const CURRENCY_PATTERN = '^[A-Z]{3}$'

const CURRENCY = new RegExp(CURRENCY_PATTERN)

/**
 * Whether `code` has the shape of an ISO 4217 code (whether it is one the pools accept
 * is the store's call: `CurrencyMismatchError`).
 *
 * @example
 * isCurrencyCode('EUR') // true
 * isCurrencyCode('eur') // false
 */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY.test(code)
}
