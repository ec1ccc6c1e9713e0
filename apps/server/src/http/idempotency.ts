import { t } from 'elysia'

/**
 * The `Idempotency-Key` request header: 1..255 visible ASCII characters.
 * Elysia lower-cases header names, hence the key.
 */
export const IdempotencyHeaders = t.Object({
  'idempotency-key': t.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7E]+$',
    description: 'Unique per logical request (e.g. the game round id). Retries reuse it.',
  }),
})

/** Header on a response that repeats the first result of an idempotency key. */
export const REPLAYED_HEADER = 'idempotency-replayed'
