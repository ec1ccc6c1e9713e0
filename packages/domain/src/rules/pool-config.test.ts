import { describe, expect, test } from 'bun:test'
import { DEFAULT_POOLS } from '../default-pools.ts'
import { InvalidCommandError } from '../errors.ts'
import { validatePoolConfig, validatePoolDefinition } from './pool-config.ts'

const fieldOf = (run: () => void): string | undefined => {
  try {
    run()
  } catch (error) {
    if (error instanceof InvalidCommandError) return error.field
    throw error
  }
  return undefined
}

describe('validatePoolConfig', () => {
  test('accepts basis points from 0 to 10 000', () => {
    expect(
      fieldOf(() => validatePoolConfig({ contributionBp: 0, seedCents: 0n, ceilingCents: null })),
    ).toBeUndefined()
    expect(
      fieldOf(() => validatePoolConfig({ contributionBp: 10_000, seedCents: 0n, ceilingCents: null })),
    ).toBeUndefined()
  })

  test('refuses basis points outside 0..10 000 or fractional', () => {
    for (const contributionBp of [-1, 10_001, 2.5, Number.NaN]) {
      expect(fieldOf(() => validatePoolConfig({ contributionBp, seedCents: 0n, ceilingCents: null }))).toBe(
        'contributionBp',
      )
    }
  })

  test('refuses a negative seed', () => {
    expect(
      fieldOf(() => validatePoolConfig({ contributionBp: 10, seedCents: -1n, ceilingCents: null })),
    ).toBe('seedCents')
  })

  test('refuses a ceiling below the seed and accepts one equal to it', () => {
    expect(
      fieldOf(() => validatePoolConfig({ contributionBp: 10, seedCents: 100n, ceilingCents: 99n })),
    ).toBe('ceilingCents')
    expect(
      fieldOf(() => validatePoolConfig({ contributionBp: 10, seedCents: 100n, ceilingCents: 100n })),
    ).toBeUndefined()
  })
})

describe('validatePoolDefinition', () => {
  test('accepts the default pools', () => {
    for (const pool of DEFAULT_POOLS) expect(fieldOf(() => validatePoolDefinition(pool))).toBeUndefined()
  })

  test('refuses a slug that is not lowercase letters, digits and inner dashes', () => {
    for (const slug of ['', 'Mega', 'mega pool', '-mega', 'mega-', 'a/b']) {
      expect(fieldOf(() => validatePoolDefinition({ ...DEFAULT_POOLS[0]!, slug }))).toBe('slug')
    }
  })

  test('accepts a slug of one to 64 characters with inner dashes, and refuses 65', () => {
    for (const slug of ['m', 'daily-drop', 'a--b', 'x'.repeat(64)]) {
      expect(fieldOf(() => validatePoolDefinition({ ...DEFAULT_POOLS[0]!, slug }))).toBeUndefined()
    }
    expect(fieldOf(() => validatePoolDefinition({ ...DEFAULT_POOLS[0]!, slug: 'x'.repeat(65) }))).toBe('slug')
  })

  test('refuses an empty name', () => {
    expect(fieldOf(() => validatePoolDefinition({ ...DEFAULT_POOLS[0]!, name: '  ' }))).toBe('name')
  })
})

describe('DEFAULT_POOLS', () => {
  test('are minor, major and mega with the documented seeds, rates and ceilings', () => {
    expect(DEFAULT_POOLS.map((p) => [p.slug, p.seedCents, p.contributionBp, p.ceilingCents])).toEqual([
      ['minor', 100_000n, 100, 1_000_000n],
      ['major', 1_000_000n, 50, 10_000_000n],
      ['mega', 10_000_000n, 25, null],
    ])
  })
})
