import { describe, expect, test } from 'bun:test'
import { CacheError } from '../cache/index.ts'
import {
  BrokenCircuitError,
  CircuitBreakerOptionError,
  CircuitTimeoutError,
  DuplicateHealthCheckError,
  HealthCheckTimeoutError,
  LoggerError,
  ObservabilityError,
  RetryOptionError,
} from '../index.ts'

// Every entry point of the exports map (`.` and each subpath), as a consumer imports it.
const ENTRY_POINTS = {
  '.': () => import('../index.ts'),
  './logger': () => import('../logger/index.ts'),
  './metrics': () => import('../metrics/index.ts'),
  './health': () => import('../health/index.ts'),
  './breaker': () => import('../breaker/index.ts'),
  './cache': () => import('../cache/index.ts'),
  './retry': () => import('../retry/index.ts'),
  './elysia': () => import('../elysia/index.ts'),
  './testing': () => import('../testing/index.ts'),
  './tracing': () => import('../tracing/index.ts'),
}

const cause = new Error('ECONNREFUSED')

describe('ObservabilityError', () => {
  test('every error class any entry point exports extends it', async () => {
    const errorClasses: string[] = []
    for (const [subpath, load] of Object.entries(ENTRY_POINTS)) {
      for (const [name, value] of Object.entries(await load())) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue
        errorClasses.push(name)
        const extendsBase = value === ObservabilityError || value.prototype instanceof ObservabilityError
        expect({ subpath, name, extendsBase }).toEqual({
          subpath,
          name,
          extendsBase: true,
        })
      }
    }
    // The scan found the SDK's errors, so a pass is not an empty loop.
    expect(new Set(errorClasses)).toEqual(
      new Set([
        'ObservabilityError',
        'BrokenCircuitError',
        'CircuitTimeoutError',
        'CircuitBreakerOptionError',
        'RetryOptionError',
        'HealthCheckTimeoutError',
        'DuplicateHealthCheckError',
        'LoggerError',
        'CacheError',
      ]),
    )
  })

  test('each one carries a stable E_ code, its own name and the cause it was given', () => {
    const errors: ObservabilityError[] = [
      new BrokenCircuitError('redis', 'open', 1_000, { cause }),
      new CircuitTimeoutError('redis', 250),
      new CircuitBreakerOptionError('minimumCalls', 'a positive integer', 0),
      new RetryOptionError('maxAttempts', 'a positive integer', 0),
      new HealthCheckTimeoutError('database', 2_000),
      new DuplicateHealthCheckError('database'),
      new LoggerError('E_PRETTY_UNAVAILABLE', 'pino-pretty is not installed', { cause }),
      new CacheError('E_CACHE_L2', 'redis GET failed', { cause }),
    ]
    expect(errors.map((error) => [error.name, error.code])).toEqual([
      ['BrokenCircuitError', 'E_CIRCUIT_OPEN'],
      ['CircuitTimeoutError', 'E_CIRCUIT_TIMEOUT'],
      ['CircuitBreakerOptionError', 'E_CIRCUIT_OPTION'],
      ['RetryOptionError', 'E_RETRY_OPTION'],
      ['HealthCheckTimeoutError', 'E_HEALTH_CHECK_TIMEOUT'],
      ['DuplicateHealthCheckError', 'E_HEALTH_CHECK_DUPLICATE'],
      ['LoggerError', 'E_PRETTY_UNAVAILABLE'],
      ['CacheError', 'E_CACHE_L2'],
    ])
    for (const error of errors) {
      expect(error).toBeInstanceOf(ObservabilityError)
      expect(error).toBeInstanceOf(Error)
    }
    expect(errors[0]?.cause).toBe(cause)
    expect(errors[6]?.cause).toBe(cause)
    expect(errors[7]?.cause).toBe(cause)
  })
})
