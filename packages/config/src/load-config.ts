import { ConfigError } from './config-error.ts'
import { readEnv } from './read-env.ts'
import { DEFAULT_JWT_KID, type Env, EnvSchema, SECRET_VARIABLES } from './schema.ts'

/** One bearer-token signing key, named by the `kid` header of the tokens it signs. */
export interface JwtKey {
  kid: string
  secret: string
}

export interface Config extends Env {
  /**
   * The secret of the signing key (`jwtKeys[0]`) after defaults: always set (a
   * development-only value outside production). Sign with `jwtKeys[0]` to get its `kid` too.
   */
  JWT_SECRET: string
  /**
   * Every key tokens may be signed with, the signing one first: JWT_SECRETS in order,
   * then JWT_SECRET as kid `default` (verify only when JWT_SECRETS is set too, which
   * is how a rotation keeps the tokens signed before it valid).
   */
  jwtKeys: readonly JwtKey[]
  /** CORS_ORIGINS split on commas. */
  corsOrigins: string[]
  /** Which database the server runs on. */
  databaseKind: 'postgres' | 'pglite'
}

/** Used only outside production so `bun run start` works with no environment at all. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production'

const PLACEHOLDER_SECRETS = new Set([
  DEVELOPMENT_JWT_SECRET,
  'secret',
  'changeme',
  'change-me',
  'changeit',
  'password',
  'your-secret',
  'your-secret-key',
  'your-256-bit-secret',
  'jwt-secret',
  'supersecret',
  'replace-me',
  'please-change-me',
])

// Words that mark a value as a template to fill in, not a secret: the committed
// `.env.example` and `ops/k8s/secret.yaml` values contain them, and so do most others.
const PLACEHOLDER_WORDS =
  /changeme|replaceme|placeholder|yoursecret|example|dummy|donotuse|notasecret|insecure|fixme/

/**
 * Whether a secret is a well-known value or a fill-me-in placeholder
 * (`change-me-…`, `REPLACE_ME_WITH_…`, `your_secret_here`): compared without case,
 * spaces, dashes or underscores.
 *
 * @example
 * isPlaceholderSecret('REPLACE_ME_WITH_AT_LEAST_32_RANDOM_CHARACTERS') // true
 */
export function isPlaceholderSecret(secret: string): boolean {
  const squashed = secret.toLowerCase().replace(/[^a-z0-9]/g, '')
  return PLACEHOLDER_SECRETS.has(secret.toLowerCase()) || PLACEHOLDER_WORDS.test(squashed)
}

/** The password inside a postgres:// or redis:// URL, if any. */
function urlPassword(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    return decodeURIComponent(new URL(url).password) || undefined
  } catch {
    return undefined
  }
}

const MIN_PRODUCTION_SECRET_LENGTH = 32

const KID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/

/**
 * Parses JWT_SECRETS (`kid1:secret1,kid2:secret2`) and appends JWT_SECRET as kid
 * `default`; returns the keys, or what is wrong with them (never echoing a secret).
 */
function jwtKeysOf(list: string | undefined, single: string | undefined): JwtKey[] | string {
  const keys: JwtKey[] = []
  for (const entry of (list ?? '').split(',')) {
    if (entry.trim() === '') continue
    const colon = entry.indexOf(':')
    const kid = colon === -1 ? '' : entry.slice(0, colon).trim()
    const secret = colon === -1 ? '' : entry.slice(colon + 1).trim()
    if (!KID_PATTERN.test(kid) || secret === '') {
      return `kid:secret pairs separated by commas, kid of letters, digits, . _ - (entry ${keys.length + 1} is not one)`
    }
    if (keys.some((key) => key.kid === kid) || (kid === DEFAULT_JWT_KID && single !== undefined)) {
      return `distinct kids (kid '${kid}' appears twice${kid === DEFAULT_JWT_KID ? ', or is also JWT_SECRET' : ''})`
    }
    keys.push({ kid, secret })
  }
  if (single !== undefined) keys.push({ kid: DEFAULT_JWT_KID, secret: single })
  return keys
}

/** Why a production signing secret is refused, or null when it is fine. */
function weakSecret(secret: string): string | null {
  if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
    return `at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`
  }
  if (isPlaceholderSecret(secret)) return 'a real secret, not a well-known placeholder'
  return null
}

/**
 * Reads, converts and validates the environment. Throws one `ConfigError` that
 * lists every invalid variable; secret values never appear in it.
 *
 * @example
 * const config = loadConfig()            // process.env
 * const testConfig = loadConfig({ PORT: '0' })
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const { converted, issues, invalid: seen } = readEnv(EnvSchema, source, SECRET_VARIABLES)
  const env = converted as Env
  const parsedKeys = seen.has('JWT_SECRETS') ? [] : jwtKeysOf(env.JWT_SECRETS, env.JWT_SECRET)
  if (typeof parsedKeys === 'string') issues.push({ variable: 'JWT_SECRETS', expected: parsedKeys })
  const jwtKeys = typeof parsedKeys === 'string' ? [] : parsedKeys
  if (env.NODE_ENV === 'production' && !seen.has('JWT_SECRET') && !seen.has('JWT_SECRETS')) {
    if (jwtKeys.length === 0 && typeof parsedKeys !== 'string') {
      issues.push({ variable: 'JWT_SECRET', expected: 'a secret in production (it is missing)' })
    }
    for (const key of jwtKeys) {
      const weak = weakSecret(key.secret)
      if (weak === null) continue
      issues.push(
        key.kid === DEFAULT_JWT_KID && env.JWT_SECRET !== undefined
          ? { variable: 'JWT_SECRET', expected: weak }
          : { variable: 'JWT_SECRETS', expected: `${weak} (kid '${key.kid}')` },
      )
    }
  }
  if (env.NODE_ENV === 'production') {
    for (const variable of ['DATABASE_URL', 'REDIS_URL'] as const) {
      const password = urlPassword(env[variable])
      if (password !== undefined && !seen.has(variable) && isPlaceholderSecret(password)) {
        issues.push({ variable, expected: 'a URL whose password is a real secret, not a placeholder' })
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)

  const signing = jwtKeys[0] ?? { kid: DEFAULT_JWT_KID, secret: DEVELOPMENT_JWT_SECRET }
  return {
    ...env,
    JWT_SECRET: signing.secret,
    jwtKeys: jwtKeys.length > 0 ? jwtKeys : [signing],
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    databaseKind: env.DATABASE_URL ? 'postgres' : 'pglite',
  }
}
