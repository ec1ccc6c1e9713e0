// The root is what a newcomer needs to start: logger, metrics, health, breaker and
// retry, none of which names an optional peer's types. The cache (ioredis types),
// the Elysia plugin, tracing and test helpers have subpaths of their own.
export * from './breaker/index.ts'
export * from './clock/index.ts'
export * from './errors/index.ts'
export * from './health/index.ts'
export * from './logger/index.ts'
export * from './metrics/index.ts'
export * from './retry/index.ts'
