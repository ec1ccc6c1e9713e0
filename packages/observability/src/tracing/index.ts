export { AsyncContextManager } from './async-context-manager.ts'
export { createTracing, type Tracing, type TracingOptions } from './create-tracing.ts'
