export type { Clock } from '../clock/clock.ts'
export { type RetryEvent, RetryOptionError, type RetryOptions, retry } from './retry.ts'
