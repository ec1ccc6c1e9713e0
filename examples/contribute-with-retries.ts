/**
 * A game server posting a wager contribution, with types generated from the
 * API's OpenAPI document (openapi-typescript) and calls made through
 * openapi-fetch. Copy this file and `jackpot-api.d.ts` into your project:
 *
 *   bun add openapi-fetch
 *   bunx openapi-typescript http://localhost:3000/swagger/json -o jackpot-api.d.ts
 *
 * The one rule that makes retries safe: every attempt of one logical
 * contribution (one game round) carries the same Idempotency-Key and the same
 * body. The server applies a key at most once and answers a repeat with the
 * first result (`Idempotency-Replayed: true`), so a retry can never pay twice.
 */
import createClient from 'openapi-fetch'
import type { components, paths } from './jackpot-api'

export type ContributionRequest = components['schemas']['ContributionRequest']
export type Contribution = components['schemas']['Contribution']
export type Problem = components['schemas']['Problem']

/** A client for the Jackpot API that authenticates as a game server. */
export function createJackpotClient(baseUrl: string, apiKey: string) {
  return createClient<paths>({ baseUrl, headers: { 'X-API-Key': apiKey } })
}

export type JackpotClient = ReturnType<typeof createJackpotClient>

export interface RetryOptions {
  /** Attempts in all, the first included. Defaults to 5. */
  attempts?: number
  /** Longest wait between two attempts in ms, whatever Retry-After asks. Defaults to 10 000. */
  maxDelayMs?: number
  /** Time one attempt may take; past it the outcome is unknown and the attempt is retried. Defaults to 5 000. */
  timeoutMs?: number
  /** How to wait; tests pass a fake one. Defaults to a timer. */
  sleep?: (ms: number) => Promise<void>
}

export interface ContributionResult {
  contribution: Contribution
  /** True when the server had already applied this key: an earlier attempt landed. */
  replayed: boolean
  attempts: number
}

/** The server refused the contribution for good (4xx other than 429), or kept failing until attempts ran out. */
export class ContributionRefused extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${status} ${problem.type}: ${problem.detail ?? problem.title}` : `HTTP ${status}`)
    this.name = 'ContributionRefused'
  }
}

/**
 * Posts one contribution, retrying what may safely be retried:
 * - 503 `overloaded` (the write queue was full; nothing applied) and 429, after Retry-After;
 * - 503 `outcome-unknown` (the database connection was lost while committing; it may have
 *   been applied) and no answer at all (connection dropped, timeout): the same request
 *   again settles it, applying it once or returning the first result.
 * Anything else (400, 401, 409, 422…) is final and thrown as ContributionRefused.
 *
 * @example
 * const client = createJackpotClient('http://localhost:3000', process.env.JACKPOT_API_KEY!)
 * const { contribution } = await contributeWithRetries(client, `round-${roundId}`, {
 *   gameId: 'slots-42', playerId: 'player-7', wagerCents: 250, currency: 'EUR',
 * })
 */
export async function contributeWithRetries(
  client: JackpotClient,
  idempotencyKey: string,
  body: ContributionRequest,
  options: RetryOptions = {},
): Promise<ContributionResult> {
  const { attempts = 5, maxDelayMs = 10_000, timeoutMs = 5_000 } = options
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))

  for (let attempt = 1; ; attempt++) {
    let delayMs: number
    try {
      const { data, error, response } = await client.POST('/api/v1/contributions', {
        params: { header: { 'idempotency-key': idempotencyKey } },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      })
      if (data !== undefined) {
        const replayed = response.headers.get('idempotency-replayed') === 'true'
        return { contribution: data, replayed, attempts: attempt }
      }
      const retryable = response.status === 503 || response.status === 429
      if (!retryable || attempt >= attempts) throw new ContributionRefused(response.status, error)
      delayMs = retryAfterMs(response) ?? backoffMs(attempt)
    } catch (failure) {
      if (failure instanceof ContributionRefused) throw failure
      // No answer: the contribution may or may not have been applied. Only a retry with the
      // same key can tell, and it cannot apply it twice.
      if (attempt >= attempts) throw new Error(`No answer after ${attempts} attempts`, { cause: failure })
      delayMs = backoffMs(attempt)
    }
    await sleep(Math.min(delayMs, maxDelayMs))
  }
}

/** Retry-After in ms, when the server sent it as seconds. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
}

/** 100 ms, 200 ms, 400 ms… with jitter, so many game servers do not retry in step. */
function backoffMs(attempt: number): number {
  return 100 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)
}
