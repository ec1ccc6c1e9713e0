import type { Idempotent } from '@jackpot/domain'
import { type Context, t } from 'elysia'
import type { Principal } from '../auth/principal.ts'

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

/**
 * Whose idempotency keys a caller's are: its API key, or the person behind a
 * token. Two game servers that number rounds alike get two writes, never each
 * other's receipts.
 *
 * @example
 * idempotencyScope({ kind: 'api-key', keyId: '4f…', name: 'slots', role: 'game' }) // 'api-key:4f…'
 */
export function idempotencyScope(principal: Principal): string {
  return principal.kind === 'api-key' ? `api-key:${principal.keyId}` : `user:${principal.sub}`
}

/** What {@link createdIdempotently} needs of a route's context. */
export interface IdempotentWriteContext {
  headers: { 'idempotency-key': string }
  set: Pick<Context['set'], 'headers' | 'status'>
  principal: Principal
}

/**
 * Runs an idempotent write under the request's key and caller scope and
 * answers 201 with its view, marking a repeat of the first result with
 * {@link REPLAYED_HEADER}: the one protocol of `POST /contributions` and
 * `POST /wins`.
 *
 * @example
 * async (context) => createdIdempotently(context, (key) => store.win({ ...key, ...context.body }), toWinView)
 */
export async function createdIdempotently<R, V>(
  { headers, set, principal }: IdempotentWriteContext,
  write: (key: { idempotencyKey: string; caller: string }) => Promise<Idempotent<R>>,
  view: (result: R) => V,
): Promise<V> {
  const { replayed, result } = await write({
    idempotencyKey: headers['idempotency-key'],
    caller: idempotencyScope(principal),
  })
  if (replayed) set.headers[REPLAYED_HEADER] = 'true'
  set.status = 201
  return view(result)
}
