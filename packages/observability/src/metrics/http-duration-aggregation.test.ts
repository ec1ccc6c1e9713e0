import { afterEach, describe, expect, test } from 'bun:test'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { createMetrics, type Metrics } from './create-metrics.ts'
import { HttpDurationAggregation } from './http-duration-aggregation.ts'
import { type HttpRequestRecord, httpServerMetrics } from './http-server-metrics.ts'

const opened: Metrics[] = []
const make = () => {
  const metrics = createMetrics({ service: 'svc', global: false, runtime: false })
  opened.push(metrics)
  return metrics
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((metrics) => metrics.shutdown()))
})

const requests: HttpRequestRecord[] = [
  { method: 'GET', route: '/items/:id', status: 200, durationSeconds: 0.004 },
  { method: 'GET', route: '/items/:id', status: 200, durationSeconds: 0.05 },
  { method: 'GET', route: '/items/:id', status: 200, durationSeconds: 0.12 },
  { method: 'POST', route: '/items', status: 503, durationSeconds: 12 },
  { method: 'BREW', route: undefined, status: 404, durationSeconds: 0.0001 },
  { method: 'PURGE', route: undefined, status: 404, durationSeconds: 0.2 },
]
const durationLines = (text: string) =>
  text.split('\n').filter((line) => line.includes('http_server_request_duration_seconds'))

describe('HttpDurationAggregation', () => {
  test('renders exactly what an OpenTelemetry SDK histogram renders for the same requests', async () => {
    const fast = make()
    const sdk = make()
    const sdkHttp = httpServerMetrics(sdk.meter)
    for (const request of requests) {
      fast.http.recordRequest(request)
      sdkHttp.recordRequest(request)
    }
    const fastLines = durationLines(await fast.render())
    expect(fastLines.length).toBeGreaterThan(40)
    expect(fastLines).toEqual(durationLines(await sdk.render()))
  })

  test('counts a value equal to a boundary in that bucket (inclusive upper bounds)', () => {
    const aggregation = new HttpDurationAggregation({ boundaries: [0.1, 0.2] })
    aggregation.record('GET', 200, '/a', 0.1)
    aggregation.record('GET', 200, '/a', 0.2)
    aggregation.record('GET', 200, '/a', 0.3)
    const [point] = aggregation.metricData().dataPoints
    expect(point?.value).toMatchObject({ buckets: { boundaries: [0.1, 0.2], counts: [1, 1, 1] }, count: 3 })
    expect(point?.value.sum).toBeCloseTo(0.6)
    expect(point?.value).toMatchObject({ min: 0.1, max: 0.3 })
  })

  test('folds unknown methods into _OTHER so invented methods add no series', () => {
    const aggregation = new HttpDurationAggregation()
    for (const method of ['BREW', 'PURGE', 'XYZ']) aggregation.record(method, 404, undefined, 0.001)
    expect(aggregation.metricData().dataPoints.map((p) => p.attributes)).toEqual([
      { 'http.request.method': '_OTHER', 'http.response.status_code': 404 },
    ])
  })

  test('folds series beyond 2000 into one overflow series', () => {
    const aggregation = new HttpDurationAggregation()
    for (let i = 0; i < 2100; i++) aggregation.record('GET', 200, `/r${i}`, 0.001)
    const points = aggregation.metricData().dataPoints
    expect(points).toHaveLength(2001)
    expect(points.at(-1)?.attributes).toEqual({ 'otel.metric.overflow': true })
    expect(points.at(-1)?.value.count).toBe(100)
  })

  test('stays out of the exposition until a request is recorded', async () => {
    const metrics = make()
    expect(parseSamples(await metrics.render()).some((s) => s.name.startsWith('http_server_request'))).toBe(
      false,
    )
  })
})
