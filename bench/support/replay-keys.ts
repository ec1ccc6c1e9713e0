import { BENCH_WAGER_CENTS, type KeyAnswer } from './contribution-load.ts'

export interface ReplayOptions {
  url: string
  apiKey: string
  currency: string
  /** Requests in flight at once: gentle, so the replay itself never overloads the server. */
  concurrency?: number
  /** A replay answered 503 is retried after its Retry-After (at most 2 s) this many times. Defaults to 5. */
  retries?: number
}

/**
 * Posts each key again with the very body and Idempotency-Key the storm sent
 * (`contributions.lua` builds the same JSON), and returns each key's answer.
 *
 * @example
 * const again = await replayKeys(['run1-main-1-7'], { url, apiKey, currency: 'EUR' })
 * again.get('run1-main-1-7') // { status: 201, replayed: true, retryAfter: null }
 */
export async function replayKeys(
  keys: readonly string[],
  options: ReplayOptions,
): Promise<Map<string, KeyAnswer>> {
  const answers = new Map<string, KeyAnswer>()
  let next = 0
  const post = async (key: string): Promise<KeyAnswer> => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${options.url}/api/v1/contributions`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-API-Key': options.apiKey,
          'Idempotency-Key': key,
          'X-Request-Id': key,
        },
        body: `{"gameId":"draw-rush-bench","playerId":"${key}","wagerCents":${BENCH_WAGER_CENTS},"currency":"${options.currency}"}`,
      })
      await response.arrayBuffer()
      const answer: KeyAnswer = {
        status: response.status,
        replayed: response.headers.get('idempotency-replayed') === 'true',
        retryAfter: response.headers.get('retry-after'),
      }
      if (answer.status !== 503 || attempt >= (options.retries ?? 5)) return answer
      await Bun.sleep(Math.min(2_000, Number(answer.retryAfter ?? 1) * 1_000))
    }
  }
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!
      answers.set(key, await post(key))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker))
  return answers
}
