import { describe, expect, test } from 'bun:test'
import { keysetPage } from './keyset-page.ts'
import { encodeCursor } from './page-cursor.ts'

describe('keysetPage', () => {
  const rows = [{ id: 1n }, { id: 2n }, { id: 3n }]
  const cursor = (row: { id: bigint }) => encodeCursor(row.id)

  test('gives a cursor after the last entry when the extra row shows there is more', () => {
    expect(keysetPage(rows, 2, (row) => Number(row.id), cursor)).toEqual({
      entries: [1, 2],
      nextCursor: encodeCursor(2n),
    })
  })

  test('ends with a null cursor when no extra row came back', () => {
    expect(keysetPage(rows, 3, (row) => Number(row.id), cursor)).toEqual({
      entries: [1, 2, 3],
      nextCursor: null,
    })
  })
})
