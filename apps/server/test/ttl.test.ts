import { describe, expect, test } from 'bun:test'
import { parseTtl } from '../src/auth/ttl.ts'

describe('parseTtl', () => {
  test('reads seconds, minutes, hours and days', () => {
    expect(parseTtl('90s')).toBe(90)
    expect(parseTtl('15m')).toBe(900)
    expect(parseTtl('1h')).toBe(3600)
    expect(parseTtl('7d')).toBe(604_800)
  })

  test('refuses other units, zero, negatives and more than 30 days', () => {
    for (const bad of ['1y', '1', 'h', '0s', '-1h', '1.5h', '31d', '', 'one hour']) {
      expect(parseTtl(bad)).toBeNull()
    }
    expect(parseTtl('30d')).toBe(2_592_000)
  })
})
