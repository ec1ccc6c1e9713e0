export { ConfigError, type ConfigIssue } from './config-error.ts'
export { type DashboardConfig, DashboardEnvSchema, loadDashboardConfig } from './dashboard-config.ts'
export {
  type Config,
  DEVELOPMENT_JWT_SECRET,
  isPlaceholderSecret,
  type JwtKey,
  loadConfig,
} from './load-config.ts'
export { DEFAULT_JWT_AUDIENCE, DEFAULT_JWT_KID, type Env, EnvSchema, SECRET_VARIABLES } from './schema.ts'
