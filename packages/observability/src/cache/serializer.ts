import { CacheError } from './errors.ts'

/**
 * Turns values into the strings stored in Redis (and measured for the L1 byte
 * bound) and back. The same serializer must be used by every replica sharing a
 * Redis prefix.
 */
export interface CacheSerializer {
  serialize(value: unknown): string
  deserialize(text: string): unknown
}

/**
 * Plain `JSON.stringify`/`JSON.parse`, the default. JSON semantics apply: a
 * `Date` comes back as a string, `undefined` properties disappear, and a
 * `bigint` anywhere in the value is refused with `E_CACHE_SERIALIZE` — use
 * {@link jsonWithBigIntSerializer} (or your own) for money held as `bigint`.
 */
export const jsonSerializer: CacheSerializer = {
  serialize: (value) => JSON.stringify(value),
  deserialize: (text) => JSON.parse(text),
}

const BIGINT_TAG = '$bigint'

/**
 * JSON where every `bigint` is written as `{ "$bigint": "123" }` and read back
 * as a `bigint`. An object whose only own key is `$bigint` is therefore
 * reserved.
 *
 * @example
 * const cache = multiLevelCache({ name: 'pools', serializer: jsonWithBigIntSerializer })
 * await cache.set('mega', { amountCents: 1_250_000n })
 */
export const jsonWithBigIntSerializer: CacheSerializer = {
  serialize: (value) =>
    JSON.stringify(value, (_key, item: unknown) =>
      typeof item === 'bigint' ? { [BIGINT_TAG]: item.toString() } : item,
    ),
  deserialize: (text) =>
    JSON.parse(text, (_key, item: unknown) => {
      if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const keys = Object.keys(item)
        const tagged = (item as Record<string, unknown>)[BIGINT_TAG]
        if (keys.length === 1 && typeof tagged === 'string') return BigInt(tagged)
      }
      return item
    }),
}

/** Serializes and wraps any failure (cyclic value, bigint, a custom serializer's error) as `E_CACHE_SERIALIZE`. */
export function serializeValue(serializer: CacheSerializer, value: unknown, key: string): string {
  let text: unknown
  try {
    text = serializer.serialize(value)
  } catch (cause) {
    throw new CacheError('E_CACHE_SERIALIZE', `Cannot serialize the value of cache key "${key}"`, { cause })
  }
  if (typeof text !== 'string') {
    throw new CacheError('E_CACHE_SERIALIZE', `The serializer returned no string for cache key "${key}"`)
  }
  return text
}

/** Deserializes and wraps any failure as `E_CACHE_SERIALIZE`. */
export function deserializeValue(serializer: CacheSerializer, text: string, key: string): unknown {
  try {
    return serializer.deserialize(text)
  } catch (cause) {
    throw new CacheError('E_CACHE_SERIALIZE', `Cannot deserialize the value of cache key "${key}"`, { cause })
  }
}
