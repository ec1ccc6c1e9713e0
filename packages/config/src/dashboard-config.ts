import { type Static, Type as T } from '@sinclair/typebox'
import { ConfigError } from './config-error.ts'
import { readEnv } from './read-env.ts'

/**
 * The environment of `apps/dashboard` (`bun run dashboard`): where it listens,
 * the jackpot API it shows, and the optional Prometheus and Alertmanager it
 * reads charts and alerts from. Defaults work next to `bun run start`.
 */
export const DashboardEnvSchema = T.Object({
  DASHBOARD_HOST: T.String({ default: '0.0.0.0', minLength: 1, description: 'an interface address to bind' }),
  DASHBOARD_PORT: T.Integer({
    default: 3100,
    minimum: 0,
    maximum: 65535,
    description: 'a TCP port, 0..65535',
  }),
  JACKPOT_API_URL: T.String({
    default: 'http://localhost:3000',
    pattern: '^https?://',
    description: 'the jackpot server (or edge) base URL, http(s)://…',
  }),
  PROMETHEUS_URL: T.Optional(
    T.String({
      pattern: '^https?://',
      description: "Prometheus's base URL; unset to chart the server's own metrics",
    }),
  ),
  ALERTMANAGER_URL: T.Optional(
    T.String({
      pattern: '^https?://',
      description: "Alertmanager's base URL; unset to list the health warnings",
    }),
  ),
})

export interface DashboardConfig extends Static<typeof DashboardEnvSchema> {
  /** JACKPOT_API_URL without a trailing slash. */
  apiUrl: string
}

/**
 * Reads and validates the dashboard's environment; throws one `ConfigError`
 * listing every invalid variable.
 *
 * @example
 * const config = loadDashboardConfig()                  // process.env
 * const testConfig = loadDashboardConfig({ DASHBOARD_PORT: '0' })
 */
export function loadDashboardConfig(
  source: Record<string, string | undefined> = process.env,
): DashboardConfig {
  const { converted, issues } = readEnv(DashboardEnvSchema, source)
  if (issues.length > 0) throw new ConfigError(issues)
  const env = converted as Static<typeof DashboardEnvSchema>
  return { ...env, apiUrl: env.JACKPOT_API_URL.replace(/\/+$/, '') }
}
