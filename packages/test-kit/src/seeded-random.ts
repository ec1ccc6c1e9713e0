/**
 * A small seeded PRNG (mulberry32), so property-style tests are random yet
 * reproducible: a failure names its seed.
 *
 * @example
 * const random = seededRandom(42)
 * random.int(1, 10_000)
 */
export function seededRandom(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    next,
    /** An integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    /** A wager in cents, mostly small with the odd large one, like real play. */
    wager: (): bigint => {
      const roll = next()
      if (roll < 0.6) return BigInt(1 + Math.floor(next() * 500))
      if (roll < 0.95) return BigInt(1 + Math.floor(next() * 50_000))
      return BigInt(1 + Math.floor(next() * 5_000_000))
    },
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}
