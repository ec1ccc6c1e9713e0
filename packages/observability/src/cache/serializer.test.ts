import { describe, expect, test } from 'bun:test'
import { CacheError } from './errors.ts'
import { jsonSerializer, jsonWithBigIntSerializer, serializeValue } from './serializer.ts'

describe('serializers', () => {
  test('the default JSON serializer refuses bigint with E_CACHE_SERIALIZE and keeps the cause', () => {
    let caught: unknown
    try {
      serializeValue(jsonSerializer, { amountCents: 10n }, 'pools:mega')
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(CacheError)
    expect((caught as CacheError).code).toBe('E_CACHE_SERIALIZE')
    expect((caught as CacheError).cause).toBeInstanceOf(TypeError)
  })

  test('the bigint serializer round-trips bigint at any depth', () => {
    const value = { pools: [{ slug: 'mega', amountCents: 123_456_789_012_345_678_901n }], total: 1n }
    const text = jsonWithBigIntSerializer.serialize(value)
    expect(jsonWithBigIntSerializer.deserialize(text)).toEqual(value)
  })

  test('the bigint serializer leaves ordinary objects alone', () => {
    const value = { $bigint: 'x', other: 1, list: [1, 'two', null] }
    expect(jsonWithBigIntSerializer.deserialize(jsonWithBigIntSerializer.serialize(value))).toEqual(value)
  })
})
