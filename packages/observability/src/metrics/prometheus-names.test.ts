import { describe, expect, test } from 'bun:test'
import { prometheusBaseName } from './prometheus-names.ts'

describe('prometheusBaseName', () => {
  test('adds the Prometheus unit word for seconds and bytes', () => {
    expect(prometheusBaseName('http.server.request.duration', 's')).toBe(
      'http.server.request.duration_seconds',
    )
    expect(prometheusBaseName('process.memory.usage', 'By')).toBe('process.memory.usage_bytes')
  })

  test('leaves names alone for annotations, dimensionless and unknown units', () => {
    expect(prometheusBaseName('http.server.active_requests', '{request}')).toBe('http.server.active_requests')
    expect(prometheusBaseName('circuit_breaker.state', '1')).toBe('circuit_breaker.state')
    expect(prometheusBaseName('jackpot.pool.amount_cents', 'cents')).toBe('jackpot.pool.amount_cents')
  })

  test('does not repeat a suffix the name already carries', () => {
    expect(prometheusBaseName('job.duration_seconds', 's')).toBe('job.duration_seconds')
    expect(prometheusBaseName('job.time_seconds_total', 's')).toBe('job.time_seconds_total')
  })
})
