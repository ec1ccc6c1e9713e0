import { expect, test } from 'bun:test'
import { seededRandom } from '../src/index.ts'

test('the same seed replays the same draws, and draws stay within their bounds', () => {
  const draws = (seed: number) => {
    const random = seededRandom(seed)
    return Array.from({ length: 50 }, () => ({
      die: random.int(1, 6),
      letter: random.pick(['a', 'b']),
      wager: random.wager(),
    }))
  }
  expect(draws(42)).toEqual(draws(42))
  expect(draws(42)).not.toEqual(draws(43))
  for (const { die, letter, wager } of draws(7)) {
    expect(die).toBeGreaterThanOrEqual(1)
    expect(die).toBeLessThanOrEqual(6)
    expect(['a', 'b']).toContain(letter)
    expect(wager).toBeGreaterThan(0n)
  }
})
