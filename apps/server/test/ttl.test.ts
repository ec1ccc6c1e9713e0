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

describe('parseTtl with a configured maximum', () => {
  test('refuses a lifetime past the maximum it is given (JWT_MAX_TTL_SECONDS, 24 h by default)', () => {
    expect(parseTtl('24h', 86_400)).toBe(86_400)
    expect(parseTtl('2d', 86_400)).toBeNull()
  })
})
