/**
 * A Bloom filter over idempotency-key prefixes (the 8-byte digest prefixes
 * `past_idempotency_keys` keeps, as their two 32-bit halves): "certainly not
 * there" or "maybe there", never a false "not there".
 *
 * The prefixes are sha256 bytes, already uniform, so the k bit positions come
 * from the two halves by double hashing (Kirsch and Mitzenmacher) instead of k
 * hash functions: position i is (lo + i * hi') mod m, with hi' odd so that no
 * key's positions collapse onto one bit. 16 bits per key and 11 positions
 * answer "maybe" for about 1 absent key in 2 000 (0.05 %).
 *
 * @example
 * const bloom = PrefixBloom.forKeys(3)
 * bloom.add(keyPrefix(keyDigest('caller', 'round-42')))
 * bloom.mightHold(keyPrefix(keyDigest('caller', 'round-42'))) // true
 */
export class PrefixBloom {
  static readonly BITS_PER_KEY = 16
  static readonly POSITIONS = 11

  readonly #words: Uint32Array
  /** m, the number of bits: a multiple of 32. */
  readonly #bits: number
  #keys = 0

  private constructor(bits: number) {
    this.#bits = bits
    this.#words = new Uint32Array(bits / 32)
  }

  /** Bytes a filter for `keys` keys takes, for a size check before making it. */
  static bytesFor(keys: number): number {
    return PrefixBloom.#bitsFor(keys) / 8
  }

  /** An empty filter sized for `keys` keys (more still work, with more false "maybe"s). */
  static forKeys(keys: number): PrefixBloom {
    return new PrefixBloom(PrefixBloom.#bitsFor(keys))
  }

  static #bitsFor(keys: number): number {
    return Math.max(1024, Math.ceil((Math.max(0, keys) * PrefixBloom.BITS_PER_KEY) / 32) * 32)
  }

  /** The memory the bits take. */
  get bytes(): number {
    return this.#words.byteLength
  }

  /** Keys added. */
  get keys(): number {
    return this.#keys
  }

  /** A prefix's high and low 32 bits, as PostgreSQL's `(p >> 32)::int` and `((p << 32) >> 32)::int` give them. */
  static #halves(prefix: bigint): [hi: number, lo: number] {
    return [Number(BigInt.asIntN(32, prefix >> 32n)), Number(BigInt.asIntN(32, prefix))]
  }

  /** Adds a prefix given as its high and low 32 bits (either signedness: only the bits count). */
  addHalves(hi: number, lo: number): void {
    const step = (hi | 1) >>> 0
    let position = (lo >>> 0) % this.#bits
    const stride = step % this.#bits
    for (let i = 0; i < PrefixBloom.POSITIONS; i++) {
      this.#words[position >>> 5]! |= 1 << (position & 31)
      position += stride
      if (position >= this.#bits) position -= this.#bits
    }
    this.#keys++
  }

  /** Adds a prefix (a signed 64-bit value, as `keyPrefix` makes it). */
  add(prefix: bigint): void {
    this.addHalves(...PrefixBloom.#halves(prefix))
  }

  /** False: the prefix was never added. True: it may have been. */
  mightHold(prefix: bigint): boolean {
    const [hi, lo] = PrefixBloom.#halves(prefix)
    const step = (hi | 1) >>> 0
    let position = (lo >>> 0) % this.#bits
    const stride = step % this.#bits
    for (let i = 0; i < PrefixBloom.POSITIONS; i++) {
      if ((this.#words[position >>> 5]! & (1 << (position & 31))) === 0) return false
      position += stride
      if (position >= this.#bits) position -= this.#bits
    }
    return true
  }
}
