import { describe, expect, test } from 'bun:test'
import { isCurrencyCode } from './currency-code.ts'

describe('isCurrencyCode', () => {
  test('accepts three capital letters and refuses anything else', () => {
    expect(['EUR', 'USD', 'XAU'].map(isCurrencyCode)).toEqual([true, true, true])
    expect(['eur', 'EURO', 'EU', 'E1R', ' EUR', 'EUR\n', ''].map(isCurrencyCode)).toEqual(
      Array(7).fill(false),
    )
  })
})
