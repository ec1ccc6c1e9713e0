import { describe, expect, test } from 'bun:test'
import { formatMoney } from './format.ts'

describe('formatMoney', () => {
  const eur = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' })

  test('formats integer cents and int64 decimal strings alike', () => {
    expect(formatMoney(1_000_025, 'EUR')).toBe(eur.format(10_000.25))
    expect(formatMoney('1000025', 'EUR')).toBe(eur.format(10_000.25))
    expect(formatMoney('5', 'EUR')).toBe(eur.format(0.05))
    expect(formatMoney('-250', 'EUR')).toBe(eur.format(-2.5))
  })

  test('keeps every cent of a total past 2^53, which a number cannot carry', () => {
    const text = formatMoney('9010000000000000001', 'EUR')
    expect(text.replace(/\D/g, '')).toBe('9010000000000000001')
  })
})
