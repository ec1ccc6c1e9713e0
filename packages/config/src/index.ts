export { ConfigError, type ConfigIssue } from './config-error.ts'
export { type Config, DEVELOPMENT_JWT_SECRET, isPlaceholderSecret, loadConfig } from './load-config.ts'
export { type Env, EnvSchema, SECRET_VARIABLES } from './schema.ts'
export { serviceAnswers, type TestServices, testServices, UNAVAILABLE_REPORT } from './test-services.ts'
