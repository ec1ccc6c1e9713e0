import { describe, expect, test } from 'bun:test'
import { InvalidQueryError } from './errors.ts'
import { DEFAULT_PAGE_LIMIT, decodeCursor, encodeCursor, MAX_PAGE_LIMIT, pageLimit } from './page-cursor.ts'

describe('page cursors', () => {
  test('round-trip an id through an opaque base64url token', () => {
    for (const id of [1n, 42n, 9_223_372_036_854_775_807n]) {
      const cursor = encodeCursor(id)
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
      expect(cursor).not.toContain(id.toString())
      expect(decodeCursor(cursor)).toBe(id)
    }
  })

  test('refuse tokens they did not make', () => {
    for (const cursor of ['', '!!!', `${encodeCursor(5n)}=`, Buffer.from('12a').toString('base64url')]) {
      expect(() => decodeCursor(cursor)).toThrow(InvalidQueryError)
    }
  })

  test('default the page size and refuse one outside 1..500', () => {
    expect(pageLimit(undefined)).toBe(DEFAULT_PAGE_LIMIT)
    expect(pageLimit(1)).toBe(1)
    expect(pageLimit(MAX_PAGE_LIMIT)).toBe(500)
    for (const limit of [0, -1, 501, 2.5]) expect(() => pageLimit(limit)).toThrow(InvalidQueryError)
  })
})

describe('cursor range', () => {
  test('refuses a cursor one past the int8 range and accepts the largest int8', () => {
    expect(() => decodeCursor(encodeCursor(9_223_372_036_854_775_808n))).toThrow(InvalidQueryError)
    expect(decodeCursor(encodeCursor(9_223_372_036_854_775_807n))).toBe(9_223_372_036_854_775_807n)
  })
})
