import type { ServerProcess } from './server-process.ts'

/** What a contribution POST got back: its status, the entry id of a 201, and any Retry-After. */
export interface PostedContribution {
  status: number
  id?: string
  retryAfter: string | null
}

/**
 * POSTs one contribution of `wagerCents` EUR on `gameId` to a server process, as
 * a game server would (API key, Idempotency-Key), giving up after `timeoutMs`.
 * A reset or a timeout rejects: the load suites record those as failures.
 *
 * @example
 * const posted = await postContribution(server, key, 'round-1', { gameId: 'slots-1', wagerCents: 1_000 }, 15_000)
 */
export async function postContribution(
  server: ServerProcess,
  apiKey: string,
  idempotencyKey: string,
  wager: { gameId: string; wagerCents: number },
  timeoutMs: number,
): Promise<PostedContribution> {
  const response = await server.fetch('/api/v1/contributions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': apiKey, 'idempotency-key': idempotencyKey },
    body: JSON.stringify({ ...wager, currency: 'EUR' }),
    signal: AbortSignal.timeout(timeoutMs),
  })
  const body = (await response.json()) as { id?: string }
  return {
    status: response.status,
    ...(response.status === 201 && body.id !== undefined ? { id: body.id } : {}),
    retryAfter: response.headers.get('retry-after'),
  }
}
