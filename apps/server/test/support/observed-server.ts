import { type Config, loadConfig } from '@jackpot/config'
import type { OpenedJackpot } from '@jackpot/domain'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import type { App } from '../../src/app.ts'
import { signJwt } from '../../src/auth/jwt.ts'
import type { StaffRole } from '../../src/auth/roles.ts'
import { buildServer } from '../../src/build-server.ts'
import { createServerLogger } from '../../src/logger.ts'
import type {
  ServerObservability,
  ServerObservabilityOptions,
} from '../../src/telemetry/server-observability.ts'
import { type CheckedFetch, contractFetch } from './contract-fetch.ts'

/** One JSON log line as the server wrote it. */
export type LogLine = Record<string, unknown> & { msg?: string; requestId?: string; level?: string }

/** Everything the server's logger writes, parsed, in order; `raw` keeps the exact text. */
export interface CapturedLogs {
  lines: LogLine[]
  raw: string[]
  destination: { write(line: string): void }
}

/** A pino destination that keeps every line in memory (pino writes to it synchronously). */
export function captureLogs(): CapturedLogs {
  const lines: LogLine[] = []
  const raw: string[] = []
  return {
    lines,
    raw,
    destination: {
      write(chunk: string) {
        for (const text of chunk.split('\n')) {
          if (text.length === 0) continue
          raw.push(text)
          lines.push(JSON.parse(text) as LogLine)
        }
      },
    },
  }
}

export interface ObservedServerOptions {
  /** Environment for loadConfig, on top of a debug-level, rate-limit-free test setup. */
  env?: Record<string, string>
  /** PostgreSQL URL; defaults to an in-memory PGlite. */
  databaseUrl?: string
  /** Overrides of createServerObservability's options (check intervals, breaker tuning, clock). */
  observability?: Omit<ServerObservabilityOptions, 'config' | 'logger'>
}

/** The whole server as main.ts wires it, listening on a random port, with its log captured. */
export interface ObservedServer {
  base: string
  /** fetch of a path on this server, each answer checked against its /swagger/json. */
  fetch: CheckedFetch
  app: App
  store: OpenedJackpot
  config: Config
  telemetry: ServerObservability
  logs: CapturedLogs
  token(role: StaffRole, sub?: string): string
  gameKey(name?: string): Promise<string>
  close(): Promise<void>
}

/**
 * Starts the server the way main.ts does — through `buildServer`, so the store is opened
 * with the telemetry's interceptor, meter and logger — on 127.0.0.1 and a free port.
 *
 * @example
 * const server = await startObservedServer()
 * await fetch(`${server.base}/metrics`)
 * await server.close()
 */
export async function startObservedServer(options: ObservedServerOptions = {}): Promise<ObservedServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'debug',
    ...options.env,
  })
  const logs = captureLogs()
  const server = await buildServer(config, {
    logger: createServerLogger(config, { destination: logs.destination }),
    observability: {
      globalMetrics: false,
      // A registry of its own: parallel servers in one process must not replace each other's breaker.
      breakerRegistry: new CircuitBreakerRegistry(),
      ...options.observability,
    },
    database: {
      ...(options.databaseUrl === undefined
        ? { pgliteDataDir: 'memory://' }
        : { databaseUrl: options.databaseUrl, connectTimeoutSeconds: 1 }),
      poolSize: 4,
    },
  })
  const { store } = server
  const { telemetry } = server.parts
  const app = server.app.listen({ port: 0, hostname: '127.0.0.1' })
  const base = `http://127.0.0.1:${app.server?.port}`
  return {
    base,
    fetch: await contractFetch(base),
    app,
    store,
    config,
    telemetry,
    logs,
    token: (role, sub = `${role}-user`) =>
      signJwt({ sub, role }, { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, ttlSeconds: 3600 }),
    gameKey: async (name = 'observed-game-server') =>
      (await store.createApiKey({ name, createdBy: 'test' })).key,
    close: async () => {
      await app.stop(true)
      await server.close()
    },
  }
}

/** POST /api/v1/contributions with a game key; a fresh idempotency key unless one is given. */
export function contribute(
  server: Pick<ObservedServer, 'fetch'>,
  apiKey: string,
  init: { wagerCents?: number; idempotencyKey?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return server.fetch('/api/v1/contributions', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'idempotency-key': init.idempotencyKey ?? crypto.randomUUID(),
      ...init.headers,
    },
    body: JSON.stringify({ gameId: 'slots-1', wagerCents: init.wagerCents ?? 10_000, currency: 'EUR' }),
  })
}
