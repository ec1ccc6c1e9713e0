export { type RetryEvent, RetryOptionError, type RetryOptions, retry } from './retry.ts'
