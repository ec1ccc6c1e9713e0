import { type Static, Type as T } from '@sinclair/typebox'

/** The `aud` claim of bearer tokens unless JWT_AUDIENCE says otherwise. */
export const DEFAULT_JWT_AUDIENCE = 'jackpot-api'

/** The `kid` of the key JWT_SECRET provides, and the key a token without a `kid` is checked with. */
export const DEFAULT_JWT_KID = 'default'

/**
 * Every environment variable the platform reads, with the default that makes
 * `bun run start` work on a fresh clone (embedded PGlite, no Redis).
 *
 * Values arrive as strings; the loader converts them to the types below.
 * `description` doubles as the "what was expected" text in error messages.
 */
export const EnvSchema = T.Object({
  NODE_ENV: T.Union([T.Literal('development'), T.Literal('test'), T.Literal('production')], {
    default: 'development',
    description: 'one of development, test, production',
  }),
  HOST: T.String({ default: '0.0.0.0', minLength: 1, description: 'an interface address to bind' }),
  PORT: T.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'a TCP port, 0..65535' }),
  SERVICE_NAME: T.String({
    default: 'jackpot-server',
    minLength: 1,
    description: 'a service name for logs and metrics',
  }),

  DATABASE_URL: T.Optional(
    T.String({
      pattern: '^postgres(ql)?://',
      description: 'a postgres:// URL; unset to use embedded PGlite',
    }),
  ),
  DATABASE_POOL_SIZE: T.Integer({ default: 10, minimum: 1, maximum: 200, description: 'an integer 1..200' }),
  WRITE_QUEUE_LIMIT: T.Integer({
    default: 1000,
    minimum: 1,
    maximum: 100_000,
    description: 'writes waiting for a batch before new ones get 503, an integer 1..100000',
  }),
  WRITE_BATCH_MAX: T.Integer({
    default: 500,
    minimum: 1,
    maximum: 2_000,
    description: 'most writes per group-commit transaction, an integer 1..2000',
  }),
  WRITE_DEADLINE_MS: T.Integer({
    default: 3000,
    minimum: 1,
    description: 'ms a write may wait for its batch before it is dropped unapplied (503)',
  }),
  STATEMENT_TIMEOUT_MS: T.Integer({
    default: 2_500,
    minimum: 0,
    maximum: 3_600_000,
    description: 'PostgreSQL statement_timeout per session, ms (0 = none)',
  }),
  LOCK_TIMEOUT_MS: T.Integer({
    default: 1_000,
    minimum: 0,
    maximum: 3_600_000,
    description: 'PostgreSQL lock_timeout per session, ms (0 = none)',
  }),
  IDEMPOTENCY_RETENTION_DAYS: T.Integer({
    default: 7,
    minimum: 1,
    maximum: 3_650,
    description:
      'days an idempotency key answers a replay; after them a reuse of the key is refused (409 idempotency-key-expired)',
  }),
  LEDGER_PARTITIONS_AHEAD_DAYS: T.Integer({
    default: 7,
    minimum: 0,
    maximum: 366,
    description:
      'days of ledger partitions (UTC) made ahead of today by the hourly upkeep (start makes today and tomorrow)',
  }),
  LEDGER_VERIFY_INTERVAL_MS: T.Integer({
    default: 300_000,
    minimum: 0,
    maximum: 86_400_000,
    description:
      'ms between background ledger replays (the verify-ledger check; the first runs at start), 0 = off',
  }),
  PGLITE_DATA_DIR: T.String({
    default: './data',
    minLength: 1,
    description: "a directory for the embedded database, or 'memory://'",
  }),
  REDIS_URL: T.Optional(
    T.String({ pattern: '^rediss?://', description: 'a redis:// URL; unset to run without Redis' }),
  ),
  REDIS_KEY_PREFIX: T.String({
    default: 'jackpot',
    pattern: '^[A-Za-z0-9_.:-]{1,64}$',
    description:
      'prefix of every Redis key and channel (letters, digits, _.:-); replicas of one deployment share it',
  }),

  JWT_SECRET: T.Optional(
    T.String({
      minLength: 1,
      description: "the HS256 secret for bearer tokens (the key with kid 'default')",
    }),
  ),
  JWT_SECRETS: T.Optional(
    T.String({
      minLength: 1,
      description:
        'comma-separated kid:secret pairs (kid: letters, digits, . _ -); the first signs, every one verifies',
    }),
  ),
  JWT_ISSUER: T.String({ default: 'jackpot-platform', minLength: 1, description: 'the JWT iss claim' }),
  JWT_AUDIENCE: T.String({
    default: DEFAULT_JWT_AUDIENCE,
    minLength: 1,
    description: 'the JWT aud claim tokens are issued with and must carry',
  }),
  JWT_MAX_TTL_SECONDS: T.Integer({
    default: 86_400,
    minimum: 60,
    maximum: 2_592_000,
    description: 'longest bearer-token lifetime (exp - iat) signed or accepted, seconds 60..2592000',
  }),
  CORS_ORIGINS: T.String({
    default: 'http://localhost:3000',
    description: "a comma-separated list of origins, or '*'",
  }),
  BODY_LIMIT_BYTES: T.Integer({
    default: 65_536,
    minimum: 1024,
    maximum: 10_485_760,
    description: 'bytes, 1024..10485760',
  }),
  BODY_TIMEOUT_MS: T.Integer({
    default: 10_000,
    minimum: 100,
    maximum: 600_000,
    description: 'ms the whole request body may take to arrive, 100..600000',
  }),
  JACKPOT_CURRENCY: T.String({
    default: 'EUR',
    pattern: '^[A-Z]{3}$',
    description: 'an ISO 4217 code such as EUR',
  }),

  LOG_LEVEL: T.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => T.Literal(level)),
    { default: 'info', description: 'one of fatal, error, warn, info, debug, trace, silent' },
  ),
  LOG_PRETTY: T.Boolean({ default: false, description: 'true or false' }),

  POOL_CACHE_MAX_AGE_SECONDS: T.Integer({
    default: 1,
    minimum: 0,
    description: 'seconds a browser may reuse a pool read',
  }),
  POOL_CACHE_S_MAXAGE_SECONDS: T.Integer({
    default: 1,
    minimum: 0,
    description: 'seconds an edge may reuse a pool read',
  }),
  POOL_CACHE_SWR_SECONDS: T.Integer({
    default: 5,
    minimum: 0,
    description: 'stale-while-revalidate seconds',
  }),
  POOL_CACHE_SIE_SECONDS: T.Integer({ default: 60, minimum: 0, description: 'stale-if-error seconds' }),

  RATE_LIMIT_ENABLED: T.Boolean({ default: true, description: 'true or false' }),
  RATE_LIMIT_WINDOW_SECONDS: T.Integer({
    default: 60,
    minimum: 1,
    maximum: 3600,
    description: 'seconds, 1..3600',
  }),
  RATE_LIMIT_PUBLIC: T.Integer({
    default: 1200,
    minimum: 1,
    description: 'requests per window per client IP on public reads',
  }),
  RATE_LIMIT_GAME: T.Integer({
    default: 60_000,
    minimum: 1,
    description: 'requests per window per API key on contributions and wins',
  }),
  RATE_LIMIT_STAFF: T.Integer({
    default: 600,
    minimum: 1,
    description: 'requests per window per token subject on operator and admin routes',
  }),
  TRUST_PROXY: T.Boolean({
    default: false,
    description: 'true to take the client IP from X-Forwarded-For (only behind a trusted edge)',
  }),

  POOL_STREAM_MAX_PER_IP: T.Integer({
    default: 16,
    minimum: 1,
    description: 'concurrent pool streams (GET /api/v1/pools/stream) one client IP may hold',
  }),
  TRUST_PROXY_HOPS: T.Integer({
    default: 1,
    minimum: 1,
    maximum: 10,
    description:
      'proxies in front of the server that append to X-Forwarded-For (read right to left), 1..10; used when TRUST_PROXY=true',
  }),

  TRACING_ENABLED: T.Boolean({
    default: false,
    description: 'true to export a span per request and per database call over OTLP/HTTP',
  }),
  OTEL_EXPORTER_OTLP_ENDPOINT: T.String({
    default: 'http://localhost:4318',
    pattern: '^https?://',
    description:
      'an http(s):// OTLP/HTTP base URL; traces go to <it>/v1/traces (used when TRACING_ENABLED=true)',
  }),
  TRACING_SAMPLE_RATIO: T.Number({
    default: 1,
    minimum: 0,
    maximum: 1,
    description: 'share of new traces recorded, 0..1; a sampled incoming traceparent is always kept',
  }),

  SHUTDOWN_GRACE_MS: T.Integer({
    default: 10_000,
    minimum: 0,
    description: 'milliseconds to drain on shutdown',
  }),
  SHUTDOWN_READINESS_DELAY_MS: T.Integer({
    default: 0,
    minimum: 0,
    description:
      'milliseconds the server keeps serving with readiness failing before it stops listening (let load balancers notice)',
  }),
})

export type Env = Static<typeof EnvSchema>

/** Variables whose values must never be echoed, not even in an error. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'JWT_SECRET',
  'JWT_SECRETS',
  'DATABASE_URL',
  'REDIS_URL',
])
