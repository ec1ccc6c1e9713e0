/**
 * Realistic load for the verification run: pool reads (direct and through the
 * edge), contributions, wins, a share of client errors and an over-eager
 * operator who gets rate limited, from a few concurrent workers, until
 * stopped. Light on purpose: the point is that every metric exists, not to
 * load the machine.
 */

export interface TrafficOptions {
  baseUrl: string
  /** A game-server API key (`X-API-Key`) for contributions and wins. */
  apiKey: string
  /** Concurrent request loops. Defaults to 4. */
  workers?: number
  /** Pause between a worker's requests, in ms. Defaults to 20. */
  pauseMs?: number
  /** Pool slugs to read and win. Defaults to the default pools. */
  pools?: string[]
  /** Currency of contributions. Defaults to 'EUR' (the server's default). */
  currency?: string
  /** The nginx edge in front of the server: a share of pool reads go through it. Defaults to none. */
  edgeUrl?: string | undefined
  /** A staff bearer token for ledger reads (they meet the staff rate limit). Defaults to none. */
  staffToken?: string | undefined
}

/** Requests sent, by operation and status class (e.g. `contribution 2xx`, `ledger read 429`). */
export type TrafficSummary = Record<string, number>

export interface RunningTraffic {
  summary: TrafficSummary
  stop(): Promise<TrafficSummary>
}

type ResolvedOptions = Required<Omit<TrafficOptions, 'edgeUrl' | 'staffToken'>> &
  Pick<TrafficOptions, 'edgeUrl' | 'staffToken'>

/** One request of a kind, or `undefined` when the options leave that kind out. */
type Step = (options: ResolvedOptions, n: number) => { operation: string; request: Request } | undefined

/**
 * A game write: `body` as JSON under a fresh idempotency key
 * (`ops-verify-<tag>-<uuid>`), with the API key unless the step tests its absence.
 */
const gameWrite = (url: string, tag: string, body: unknown, apiKey: string | undefined) =>
  new Request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': `ops-verify-${tag}-${crypto.randomUUID()}`,
      ...(apiKey === undefined ? {} : { 'x-api-key': apiKey }),
    },
    body: JSON.stringify(body),
  })

// Weighted like a real day: reads dominate, wins are rare, some callers get it wrong.
const STEPS: { weight: number; step: Step }[] = [
  {
    weight: 30,
    step: (o) => ({ operation: 'pool list', request: new Request(`${o.baseUrl}/api/v1/pools`) }),
  },
  {
    weight: 20,
    step: (o, n) => ({
      operation: 'pool read',
      request: new Request(`${o.baseUrl}/api/v1/pools/${o.pools[n % o.pools.length]}`),
    }),
  },
  {
    weight: 35,
    step: (o, n) => ({
      operation: 'contribution',
      request: gameWrite(
        `${o.baseUrl}/api/v1/contributions`,
        'c',
        {
          gameId: 'ops-verify',
          playerId: `player-${n % 50}`,
          wagerCents: 100 + (n % 900),
          currency: o.currency,
        },
        o.apiKey,
      ),
    }),
  },
  {
    weight: 3,
    step: (o, n) => ({
      operation: 'win',
      request: gameWrite(
        `${o.baseUrl}/api/v1/wins`,
        'w',
        { pool: o.pools[n % o.pools.length], gameId: 'ops-verify', playerId: `player-${n % 50}` },
        o.apiKey,
      ),
    }),
  },
  {
    weight: 25,
    step: (o, n) =>
      o.edgeUrl === undefined
        ? undefined
        : {
            operation: 'edge pool read',
            request: new Request(
              n % 2 === 0
                ? `${o.edgeUrl}/api/v1/pools`
                : `${o.edgeUrl}/api/v1/pools/${o.pools[n % o.pools.length]}`,
            ),
          },
  },
  {
    // Fast enough to exceed a low staff limit: the rate-limit panels need 429s.
    weight: 6,
    step: (o) =>
      o.staffToken === undefined
        ? undefined
        : {
            operation: 'ledger read',
            request: new Request(`${o.baseUrl}/api/v1/ledger?limit=5`, {
              headers: { authorization: `Bearer ${o.staffToken}` },
            }),
          },
  },
  {
    weight: 4,
    step: (o) => ({
      operation: 'unknown pool',
      request: new Request(`${o.baseUrl}/api/v1/pools/no-such-pool`),
    }),
  },
  {
    weight: 4,
    step: (o) => ({
      operation: 'contribution without key',
      request: gameWrite(
        `${o.baseUrl}/api/v1/contributions`,
        'x',
        { gameId: 'ops-verify', wagerCents: 100, currency: o.currency },
        undefined,
      ),
    }),
  },
  {
    weight: 4,
    step: (o) => ({
      operation: 'invalid contribution',
      request: gameWrite(
        `${o.baseUrl}/api/v1/contributions`,
        'i',
        { gameId: 'ops-verify', wagerCents: 'a lot', currency: o.currency },
        o.apiKey,
      ),
    }),
  },
]
const TOTAL_WEIGHT = STEPS.reduce((sum, { weight }) => sum + weight, 0)

function pick(n: number): Step {
  // Deterministic spread (golden-ratio stepping) instead of Math.random: every kind shows up early.
  let point = Math.floor(((n * 0.618_033_988_75) % 1) * TOTAL_WEIGHT)
  for (const { weight, step } of STEPS) {
    if (point < weight) return step
    point -= weight
  }
  return STEPS[0]!.step
}

/**
 * Starts the workers; `stop()` waits for in-flight requests and returns the summary.
 *
 * @example
 * const traffic = startTraffic({ baseUrl: server.url, apiKey })
 * await Bun.sleep(10_000)
 * console.log(await traffic.stop())
 */
export function startTraffic(options: TrafficOptions): RunningTraffic {
  const resolved: ResolvedOptions = {
    workers: 4,
    pauseMs: 20,
    pools: ['minor', 'major', 'mega'],
    currency: 'EUR',
    ...options,
  }
  const summary: TrafficSummary = {}
  let running = true
  let counter = 0
  const worker = async () => {
    while (running) {
      const n = counter++
      const next = pick(n)(resolved, n)
      if (!next) continue
      const { operation, request } = next
      const key = await fetch(request).then(
        async (response) => {
          await response.arrayBuffer()
          // 429 on its own: the rate-limit panels need them, and the summary shows whether they came.
          return `${operation} ${response.status === 429 ? '429' : `${Math.floor(response.status / 100)}xx`}`
        },
        () => `${operation} network error`,
      )
      summary[key] = (summary[key] ?? 0) + 1
      await Bun.sleep(resolved.pauseMs)
    }
  }
  const done = Promise.all(Array.from({ length: resolved.workers }, worker))
  return {
    summary,
    async stop() {
      running = false
      await done
      return summary
    },
  }
}

/**
 * Creates a game-server API key over HTTP with an admin token, as an operator would.
 *
 * @example
 * const apiKey = await createGameKey(server.url, adminToken)
 */
export async function createGameKey(baseUrl: string, adminToken: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `ops-verify-${Date.now()}` }),
  })
  const body = (await response.json().catch(() => ({}))) as { key?: string; detail?: string }
  if (response.status !== 201 || !body.key) {
    throw new Error(
      `POST /api/v1/api-keys answered ${response.status}: ${body.detail ?? JSON.stringify(body)}`,
    )
  }
  return body.key
}
