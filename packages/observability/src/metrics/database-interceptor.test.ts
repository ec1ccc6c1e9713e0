import { afterEach, describe, expect, test } from 'bun:test'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { createMetrics, type Metrics } from './create-metrics.ts'
import { databaseInterceptor } from './database-interceptor.ts'

let metrics: Metrics
afterEach(() => metrics.shutdown())

describe('databaseInterceptor', () => {
  test('returns the result and records the duration by system and operation', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    const timed = databaseInterceptor(metrics.meter, { system: 'postgresql', namespace: 'jackpot' })
    expect(await timed('select pools', async () => ['minor'])).toEqual(['minor'])
    const count = parseSamples(await metrics.render()).find(
      (s) => s.name === 'db_client_operation_duration_seconds_count',
    )
    expect(count).toEqual({
      name: 'db_client_operation_duration_seconds_count',
      labels: { db_system_name: 'postgresql', db_namespace: 'jackpot', db_operation_name: 'select pools' },
      value: 1,
    })
  })

  test('rethrows the error untouched and labels the series with its code or name', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    const timed = databaseInterceptor(metrics.meter, { system: 'postgresql' })
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' })
    await expect(timed('insert ledger', () => Promise.reject(unique))).rejects.toBe(unique)
    await expect(timed('insert ledger', () => Promise.reject(new TypeError('bad')))).rejects.toThrow('bad')
    const errorTypes = parseSamples(await metrics.render())
      .filter((s) => s.name === 'db_client_operation_duration_seconds_count')
      .map((s) => s.labels.error_type)
    expect(errorTypes).toEqual(['23505', 'TypeError'])
  })
})
