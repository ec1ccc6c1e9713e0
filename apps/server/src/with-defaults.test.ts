import { describe, expect, test } from 'bun:test'
import { withDefaults } from './with-defaults.ts'

const DEFAULTS = { ttlMs: 1_000, prefix: 'p' } as const

describe('withDefaults', () => {
  test('takes the given options over the defaults', () => {
    expect(withDefaults({ ttlMs: 5, prefix: 'q' }, DEFAULTS)).toEqual({ ttlMs: 5, prefix: 'q' })
  })

  test('falls back to the default for a missing or undefined option', () => {
    expect(withDefaults({ ttlMs: undefined }, DEFAULTS)).toEqual({ ttlMs: 1_000, prefix: 'p' })
  })

  test('keeps a zero option rather than the default', () => {
    expect(withDefaults({ ttlMs: 0 }, DEFAULTS).ttlMs).toBe(0)
  })

  test('leaves out options the defaults do not name', () => {
    expect(withDefaults({ ttlMs: 2, store: 'x' }, DEFAULTS)).toEqual({ ttlMs: 2, prefix: 'p' })
  })
})
