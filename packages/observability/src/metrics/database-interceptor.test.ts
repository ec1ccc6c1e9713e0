import { afterEach, describe, expect, test } from 'bun:test'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { createTracing } from '../tracing/index.ts'
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

describe('databaseInterceptor with a tracer', () => {
  test('wraps each operation in a CLIENT span, a child of the active span, marked on error', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    const exporter = new InMemorySpanExporter()
    const tracing = createTracing({ service: 'svc', exporter })
    try {
      const timed = databaseInterceptor(metrics.meter, { system: 'postgresql', tracer: tracing.tracer })
      const failure = Object.assign(new Error('deadlock'), { code: '40P01' })
      await tracing.tracer.startActiveSpan('POST /contributions', async (request) => {
        await timed('select pools', async () => ['minor'])
        await expect(timed('insert ledger', () => Promise.reject(failure))).rejects.toBe(failure)
        request.end()
      })
      await tracing.forceFlush()
      const spans = exporter.getFinishedSpans()
      const request = spans.find((span) => span.name === 'POST /contributions')
      const [select, insert] = ['select pools', 'insert ledger'].map((name) =>
        spans.find((s) => s.name === name),
      )
      for (const span of [select, insert]) {
        expect(span?.kind).toBe(SpanKind.CLIENT)
        expect(span?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId)
        expect(span?.attributes).toMatchObject({ 'db.system.name': 'postgresql' })
      }
      expect(select?.status.code).toBe(SpanStatusCode.UNSET)
      expect(insert?.status.code).toBe(SpanStatusCode.ERROR)
      expect(insert?.attributes['error.type']).toBe('40P01')
    } finally {
      await tracing.shutdown()
    }
  })
})
