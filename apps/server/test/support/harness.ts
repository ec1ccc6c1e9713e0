import { type Config, loadConfig } from '@jackpot/config'
import type { OpenedJackpot } from '@jackpot/domain'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import { silentLogger } from '@jackpot/test-kit'
import type { App } from '../../src/app.ts'
import { signJwt } from '../../src/auth/jwt.ts'
import type { StaffRole } from '../../src/auth/roles.ts'
import { buildServer } from '../../src/build-server.ts'
import { ContractValidator } from './contract-validator.ts'

export interface Harness {
  app: App
  store: OpenedJackpot
  config: Config
  /** A bearer token for `role`, signed with the app's secret. */
  token(role: StaffRole, sub?: string): string
  /** Creates a game API key through the store and returns its plaintext. */
  gameKey(name?: string): Promise<string>
  /** Sends a request through `app.handle` (no socket). */
  send<T = JsonObject>(method: string, path: string, init?: SendInit): Promise<Sent<T>>
  close(): Promise<void>
}

export interface SendInit {
  /** Serialised as JSON unless it is already a string. */
  body?: unknown
  headers?: Record<string, string>
  bearer?: string
  apiKey?: string
  idempotencyKey?: string
}

/**
 * The contract every harness response is checked against: the document the
 * app serves at /swagger/json, loaded once per test process (every app serves
 * the same one). See `ContractValidator`.
 */
let contract: Promise<ContractValidator> | undefined
export function contractOf(app: App): Promise<ContractValidator> {
  contract ??= (async () => {
    const response = await app.handle(new Request('http://localhost/swagger/json'))
    return ContractValidator.load((await response.json()) as never)
  })()
  return contract
}

export type JsonObject = Record<string, unknown>

export interface Sent<T> {
  status: number
  headers: Headers
  /** Parsed JSON, typed as the caller expects it to be: the assertions check it. */
  body: T
  text: string
}

export interface HarnessOptions {
  /** Environment for loadConfig; defaults to an embedded, rate-limit-free test setup. */
  env?: Record<string, string>
  /** Use this store instead of a fresh in-memory PGlite. It is not closed by `close()`. */
  store?: OpenedJackpot
  /** Clock for token checks. */
  now?: () => number
}

/**
 * A fresh app on a fresh in-memory PGlite database, driven without a socket:
 * the server `buildServer` builds for `main.ts`, with a silent log and private metrics.
 *
 * @example
 * const h = await createHarness()
 * const res = await h.send('GET', '/api/v1/pools')
 */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_ENABLED: 'false', ...options.env })
  const server = await buildServer(config, {
    logger: silentLogger,
    // Metrics and a breaker registry of its own: several apps live in one test process.
    observability: { globalMetrics: false, breakerRegistry: new CircuitBreakerRegistry() },
    database: { pgliteDataDir: 'memory://' },
    store: options.store,
    now: options.now,
  })
  const { app, store } = server

  return {
    app,
    store,
    config,
    token: (role, sub = `${role}-user`) =>
      signJwt(
        { sub, role },
        {
          ...config.jwtKeys[0]!,
          issuer: config.JWT_ISSUER,
          audience: config.JWT_AUDIENCE,
          ttlSeconds: 3600,
          now: options.now,
        },
      ),
    gameKey: async (name = 'test-game-server') =>
      (await store.createApiKey({ name, createdBy: 'harness' })).key,
    send: async <T>(method: string, path: string, init: SendInit = {}): Promise<Sent<T>> => {
      const headers: Record<string, string> = { ...init.headers }
      if (init.bearer) headers.authorization = `Bearer ${init.bearer}`
      if (init.apiKey) headers['x-api-key'] = init.apiKey
      if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey
      let body: string | undefined
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
        headers['content-type'] ??= 'application/json'
      }
      const response = await app.handle(new Request(`http://localhost${path}`, { method, headers, body }))
      const text = await response.text()
      // Every response a suite receives must keep the published contract: an undocumented
      // status, field or content type fails the test that received it.
      const violations = (await contractOf(app)).check({
        method,
        url: path,
        status: response.status,
        headers: response.headers,
        text,
      })
      if (violations.length > 0) {
        throw new Error(`Response breaks the OpenAPI contract:\n  ${violations.join('\n  ')}`)
      }
      const json = (response.headers.get('content-type') ?? '').includes('json') && text.length > 0
      return {
        status: response.status,
        headers: response.headers,
        body: (json ? JSON.parse(text) : null) as T,
        text,
      }
    },
    // Closes what buildServer built: the given store stays open.
    close: () => server.close(),
  }
}
