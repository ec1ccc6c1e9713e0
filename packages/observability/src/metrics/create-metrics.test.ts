import { afterEach, describe, expect, test } from 'bun:test'
import { metricTypes, parseSamples } from '../../test/support/prometheus-text.ts'
import { promtoolCheckMetrics } from '../../test/support/promtool.ts'
import { createMetrics, type Metrics } from './create-metrics.ts'
import { databaseInterceptor } from './database-interceptor.ts'
import { getMeter } from './get-meter.ts'
import { httpServerMetrics } from './http-server-metrics.ts'

const open: Metrics[] = []
const make = (options: Partial<Parameters<typeof createMetrics>[0]> = {}) => {
  const metrics = createMetrics({ service: 'svc', version: '9.9.9', global: false, ...options })
  open.push(metrics)
  return metrics
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((metrics) => metrics.shutdown()))
})

async function renderWithTraffic(metrics: Metrics) {
  const http = httpServerMetrics(metrics.meter)
  http.requestStarted('GET')
  http.requestEnded('GET')
  http.recordRequest({ method: 'GET', route: '/items/:id', status: 200, durationSeconds: 0.12 })
  http.requestStarted('GET')
  http.requestStarted('POST')
  http.requestEnded('POST')
  http.recordRequest({ method: 'POST', route: '/items', status: 503, durationSeconds: 0.3 })
  const db = databaseInterceptor(metrics.meter, { system: 'postgresql' })
  await db('select pools', async () => [])
  return metrics.render()
}

describe('createMetrics', () => {
  test('renders the Prometheus names the dashboards and alerts are written against', async () => {
    const text = await renderWithTraffic(make())
    const types = metricTypes(text)
    expect(Object.fromEntries(types)).toMatchObject({
      http_server_request_duration_seconds: 'histogram',
      http_server_active_requests: 'gauge',
      nodejs_eventloop_delay_p99_seconds: 'gauge',
      nodejs_eventloop_delay_mean_seconds: 'gauge',
      v8js_memory_heap_used_bytes: 'gauge',
      process_memory_usage_bytes: 'gauge',
      process_memory_limit_bytes: 'gauge',
      process_cpu_time_seconds_total: 'counter',
      db_client_operation_duration_seconds: 'histogram',
    })
  })

  test('labels request durations with method, route template and final status', async () => {
    const samples = parseSamples(await renderWithTraffic(make()))
    const counts = samples.filter((s) => s.name === 'http_server_request_duration_seconds_count')
    expect(counts.map((s) => s.labels)).toEqual([
      { http_request_method: 'GET', http_response_status_code: '200', http_route: '/items/:id' },
      { http_request_method: 'POST', http_response_status_code: '503', http_route: '/items' },
    ])
    const active = samples.filter((s) => s.name === 'http_server_active_requests')
    expect(active.map((s) => [s.labels.http_request_method, s.value])).toEqual([
      ['GET', 1],
      ['POST', 0],
    ])
  })

  test('puts every SLA bound among the request duration buckets', async () => {
    const samples = parseSamples(await renderWithTraffic(make()))
    const bounds = samples
      .filter(
        (s) =>
          s.name === 'http_server_request_duration_seconds_bucket' && s.labels.http_route === '/items/:id',
      )
      .map((s) => s.labels.le)
    const seconds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.5, 0.75, 1, 2.5, 5, 10]
    expect(bounds).toEqual([...seconds.map(String), '+Inf'])
  })

  test('describes the service in target_info and leaves scope labels off by default', async () => {
    const samples = parseSamples(await renderWithTraffic(make()))
    expect(samples.find((s) => s.name === 'target_info')?.labels).toEqual({
      service_name: 'svc',
      service_version: '9.9.9',
    })
    expect(samples.some((s) => 'otel_scope_name' in s.labels)).toBe(false)
  })

  test('adds otel_scope labels when asked to', async () => {
    const samples = parseSamples(await renderWithTraffic(make({ scopeLabels: true })))
    expect(samples.find((s) => s.name === 'http_server_active_requests')?.labels.otel_scope_name).toBe('svc')
  })

  test('leaves runtime gauges out with runtime: false', async () => {
    const text = await make({ runtime: false }).render()
    expect(text).not.toContain('nodejs_eventloop')
    expect(text).not.toContain('process_memory')
  })

  test('suffixes counters with _total and units once, even when the name already has them', async () => {
    const metrics = make({ runtime: false })
    metrics.meter.createCounter('jackpot.contributions').add(3, { pool: 'mega' })
    metrics.meter.createCounter('queue.wait_seconds_total', { unit: 's' }).add(1)
    metrics.meter.createObservableGauge('cache.size', { unit: 'By' }).addCallback((r) => r.observe(10))
    metrics.meter.createCounter('rate_limit.decisions', { unit: '{decision}' }).add(1)
    const names = parseSamples(await metrics.render()).map((s) => s.name)
    expect(names).toEqual(
      expect.arrayContaining([
        'jackpot_contributions_total',
        'queue_wait_seconds_total',
        'cache_size_bytes',
        'rate_limit_decisions_total',
      ]),
    )
  })

  test('produces an exposition promtool accepts', async () => {
    const check = promtoolCheckMetrics(await renderWithTraffic(make()))
    expect(check.output).not.toContain('could not run')
    expect(check.ok).toBe(true)
  })

  test('registers globally so getMeter instruments are exported, and releases it on shutdown', async () => {
    const metrics = createMetrics({ service: 'global-svc', runtime: false })
    getMeter('jackpot').createCounter('jackpot.wins').add(2, { pool: 'mega' })
    const samples = parseSamples(await metrics.render())
    expect(samples.find((s) => s.name === 'jackpot_wins_total')).toEqual({
      name: 'jackpot_wins_total',
      labels: { pool: 'mega' },
      value: 2,
    })
    await metrics.shutdown()
    const next = make({ global: true, runtime: false })
    getMeter('jackpot').createCounter('jackpot.wins').add(1, { pool: 'minor' })
    expect(parseSamples(await next.render()).find((s) => s.name === 'jackpot_wins_total')?.labels.pool).toBe(
      'minor',
    )
  })
})
