import { describe, expect, test } from 'bun:test'
import { t } from 'elysia'
import { Cents } from '../http/money.ts'
import { toJsonView } from './json-view.ts'

const Schema = t.Object({
  id: t.String(),
  payoutCents: Cents(),
  createdAt: t.String({ format: 'date-time' }),
  revokedAt: t.Union([t.String({ format: 'date-time' }), t.Null()]),
})

const record = {
  id: 'w1',
  payoutCents: 500n,
  createdAt: new Date('2026-01-02T03:04:05.000Z'),
  revokedAt: null,
  secret: 'never shown',
}

describe('toJsonView', () => {
  test('turns bigint cents into numbers and dates into ISO text, keeping null', () => {
    expect(toJsonView(record, Schema)).toEqual({
      id: 'w1',
      payoutCents: 500,
      createdAt: '2026-01-02T03:04:05.000Z',
      revokedAt: null,
    })
  })

  test('leaves out the fields the schema does not name', () => {
    expect(Object.keys(toJsonView(record, Schema))).not.toContain('secret')
  })

  test('refuses cents a JSON number cannot hold exactly', () => {
    expect(() => toJsonView({ ...record, payoutCents: 2n ** 60n }, Schema)).toThrow(RangeError)
  })
})
