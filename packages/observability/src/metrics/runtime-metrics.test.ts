import { afterEach, describe, expect, test } from 'bun:test'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { createMetrics, type Metrics } from './create-metrics.ts'
import { runtimeMetrics } from './runtime-metrics.ts'

let metrics: Metrics
afterEach(() => metrics.shutdown())

const value = (text: string, name: string, labels: Record<string, string> = {}) =>
  parseSamples(text).find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value

describe('runtimeMetrics', () => {
  test('reports memory, the configured limit, CPU time by mode and event-loop delay', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    const stop = runtimeMetrics(metrics.meter, {
      memoryLimitBytes: 512 * 1024 * 1024,
      eventLoopResolutionMs: 10,
    })
    await new Promise((resolve) => setTimeout(resolve, 60))
    const text = await metrics.render()
    stop()
    expect(value(text, 'process_memory_limit_bytes')).toBe(512 * 1024 * 1024)
    expect(value(text, 'process_memory_usage_bytes')).toBeGreaterThan(0)
    expect(value(text, 'v8js_memory_heap_used_bytes')).toBeGreaterThan(0)
    expect(value(text, 'process_cpu_time_seconds_total', { cpu_mode: 'user' })).toBeGreaterThan(0)
    expect(value(text, 'process_cpu_time_seconds_total', { cpu_mode: 'system' })).toBeGreaterThanOrEqual(0)
    expect(value(text, 'nodejs_eventloop_delay_p99_seconds')).toBeGreaterThan(0)
    expect(value(text, 'nodejs_eventloop_delay_mean_seconds')).toBeGreaterThan(0)
  })

  test('keeps the last event-loop figures when two collections leave no new samples', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    const stop = runtimeMetrics(metrics.meter, { eventLoopResolutionMs: 10 })
    await new Promise((resolve) => setTimeout(resolve, 60))
    const first = value(await metrics.render(), 'nodejs_eventloop_delay_p99_seconds')
    const second = value(await metrics.render(), 'nodejs_eventloop_delay_p99_seconds')
    stop()
    expect(first).toBeGreaterThan(0)
    expect(second).toBeGreaterThan(0)
  })

  test('stops reporting once stopped', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    runtimeMetrics(metrics.meter)()
    expect(await metrics.render()).not.toContain('process_memory_usage_bytes ')
  })
})
