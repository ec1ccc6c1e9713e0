export { ObservabilityError } from './observability-error.ts'
