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
    } else if (PLACEHOLDER_SECRETS.has(secret.toLowerCase())) {
      issues.push({ variable: 'JWT_SECRET', expected: 'a real secret, not a well-known placeholder' })
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
