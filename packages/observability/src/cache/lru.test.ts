import { describe, expect, test } from 'bun:test'
import { LruCache } from './lru.ts'

describe('LruCache', () => {
  test('evicts the least recently used entry once the entry count is exceeded', () => {
    const lru = new LruCache<string>({ maxEntries: 2, maxBytes: 1_000 })
    lru.set('a', 'A', 1)
    lru.set('b', 'B', 1)
    expect(lru.get('a')).toBe('A') // 'a' becomes the most recent
    lru.set('c', 'C', 1)
    expect([...lru.keys()]).toEqual(['a', 'c'])
    expect(lru.has('b')).toBe(false)
  })

  test('evicts by approximate bytes, oldest first, until the byte bound holds', () => {
    const lru = new LruCache<string>({ maxEntries: 100, maxBytes: 100 })
    lru.set('a', 'A', 40)
    lru.set('b', 'B', 40)
    lru.set('c', 'C', 40)
    expect(lru.has('a')).toBe(false)
    expect([...lru.keys()]).toEqual(['b', 'c'])
    expect(lru.bytes).toBe(80)
  })

  test('keeps nothing larger than the byte bound and leaves the others in place', () => {
    const lru = new LruCache<string>({ maxEntries: 10, maxBytes: 50 })
    lru.set('small', 's', 10)
    lru.set('huge', 'h', 51)
    expect(lru.has('huge')).toBe(false)
    expect(lru.get('small')).toBe('s')
    expect(lru.bytes).toBe(10)
  })

  test('replacing a key accounts for its new size only', () => {
    const lru = new LruCache<string>({ maxEntries: 10, maxBytes: 100 })
    lru.set('a', 'x', 30)
    lru.set('a', 'y', 50)
    expect(lru.size).toBe(1)
    expect(lru.bytes).toBe(50)
    expect(lru.peek('a')).toBe('y')
  })

  test('peek does not refresh recency', () => {
    const lru = new LruCache<string>({ maxEntries: 2, maxBytes: 1_000 })
    lru.set('a', 'A', 1)
    lru.set('b', 'B', 1)
    lru.peek('a')
    lru.set('c', 'C', 1)
    expect(lru.has('a')).toBe(false)
  })

  test('a zero entry bound disables storing', () => {
    const lru = new LruCache<string>({ maxEntries: 0, maxBytes: 1_000 })
    lru.set('a', 'A', 1)
    expect(lru.size).toBe(0)
    expect(lru.get('a')).toBeUndefined()
  })

  test('deleteWhere removes the matching entries and their bytes', () => {
    const lru = new LruCache<number>({ maxEntries: 10, maxBytes: 1_000 })
    for (const [key, value] of [
      ['pools:a', 1],
      ['pools:b', 2],
      ['users:a', 3],
    ] as const) {
      lru.set(key, value, 10)
    }
    expect(lru.deleteWhere((key) => key.startsWith('pools:'))).toBe(2)
    expect([...lru.keys()]).toEqual(['users:a'])
    expect(lru.bytes).toBe(10)
  })

  test('a hit on the newest key after it was deleted and re-added still orders correctly', () => {
    const lru = new LruCache<string>({ maxEntries: 2, maxBytes: 1_000 })
    lru.set('a', 'A', 1)
    lru.delete('a')
    lru.set('b', 'B', 1)
    lru.set('a', 'A', 1)
    lru.get('b')
    lru.set('c', 'C', 1)
    expect([...lru.keys()]).toEqual(['b', 'c'])
  })
})
