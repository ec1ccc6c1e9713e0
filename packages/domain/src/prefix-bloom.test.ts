import { describe, expect, test } from 'bun:test'
import { keyDigest, keyPrefix } from './idempotency-keys.ts'
import { PrefixBloom } from './prefix-bloom.ts'

const prefixOf = (key: string) => keyPrefix(keyDigest('api-key-1', key))

describe('PrefixBloom', () => {
  test('holds every prefix added to it: never a false "not there"', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => prefixOf(`round-${i}`))
    const bloom = PrefixBloom.forKeys(keys.length)
    for (const prefix of keys) bloom.add(prefix)
    expect(keys.filter((prefix) => !bloom.mightHold(prefix))).toEqual([])
    expect(bloom.keys).toBe(keys.length)
  })

  test('answers "maybe" for well under 1 in 1 000 absent prefixes when sized for its keys', () => {
    const bloom = PrefixBloom.forKeys(50_000)
    for (let i = 0; i < 50_000; i++) bloom.add(prefixOf(`round-${i}`))
    let maybes = 0
    for (let i = 0; i < 200_000; i++) if (bloom.mightHold(prefixOf(`other-${i}`))) maybes++
    // 16 bits and 11 positions per key: about 0.05 % expected (100 of 200 000).
    expect(maybes).toBeLessThan(200)
  })

  test('adds a prefix from its two 32-bit halves exactly as from the whole, signed or not', () => {
    const prefixes = [0n, -1n, -(2n ** 63n), 2n ** 63n - 1n, prefixOf('a'), prefixOf('b')]
    for (const prefix of prefixes) {
      const byHalves = PrefixBloom.forKeys(1)
      // As PostgreSQL hands them over: (p >> 32)::int and ((p << 32) >> 32)::int.
      byHalves.addHalves(Number(BigInt.asIntN(32, prefix >> 32n)), Number(BigInt.asIntN(32, prefix)))
      expect(byHalves.mightHold(prefix)).toBe(true)
      const empty = PrefixBloom.forKeys(1)
      expect(empty.mightHold(prefix)).toBe(false)
    }
  })

  test('takes 16 bits per key, so a size cap can be checked before allocating', () => {
    expect(PrefixBloom.bytesFor(10_000_000)).toBe(20_000_000)
    expect(PrefixBloom.forKeys(10_000).bytes).toBe(PrefixBloom.bytesFor(10_000))
    // A filter for no keys still has room (and answers "not there" for everything).
    expect(PrefixBloom.forKeys(0).bytes).toBe(128)
  })
})
