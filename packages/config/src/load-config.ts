import { Value } from '@sinclair/typebox/value'
import { ConfigError, type ConfigIssue } from './config-error.ts'
import { type Env, EnvSchema, SECRET_VARIABLES } from './schema.ts'

export interface Config extends Env {
  /** JWT_SECRET after defaults: always set (a development-only value outside production). */
  JWT_SECRET: string
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

/**
 * Reads, converts and validates the environment. Throws one `ConfigError` that
 * lists every invalid variable; secret values never appear in it.
 *
 * @example
 * const config = loadConfig()            // process.env
 * const testConfig = loadConfig({ PORT: '0' })
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(EnvSchema.properties)
  // Empty strings count as unset: `FOO= bun run start` should mean "use the default".
  const raw: Record<string, unknown> = {}
  for (const key of known) {
    const value = source[key]
    if (value !== undefined && value !== '') raw[key] = value
  }

  const converted = Value.Default(EnvSchema, Value.Convert(EnvSchema, raw)) as Record<string, unknown>
  const issues: ConfigIssue[] = []
  const seen = new Set<string>()
  for (const error of Value.Errors(EnvSchema, converted)) {
    const variable = error.path.replace(/^\//, '').split('/')[0] || '(root)'
    if (seen.has(variable)) continue
    seen.add(variable)
    const schema = (EnvSchema.properties as Record<string, { description?: string }>)[variable]
    const expected = schema?.description ?? error.message
    issues.push({
      variable,
      expected: SECRET_VARIABLES.has(variable)
        ? expected
        : `${expected} (got ${JSON.stringify(raw[variable])})`,
    })
  }

  const env = converted as Env
  if (env.NODE_ENV === 'production' && !seen.has('JWT_SECRET')) {
    const secret = env.JWT_SECRET
    if (secret === undefined) {
      issues.push({ variable: 'JWT_SECRET', expected: 'a secret in production (it is missing)' })
    } else if (secret.length < MIN_PRODUCTION_SECRET_LENGTH) {
      issues.push({
        variable: 'JWT_SECRET',
        expected: `at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
      })
    } else if (isPlaceholderSecret(secret)) {
      issues.push({ variable: 'JWT_SECRET', expected: 'a real secret, not a well-known placeholder' })
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

  return {
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    corsOrigins: env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    databaseKind: env.DATABASE_URL ? 'postgres' : 'pglite',
  }
}
