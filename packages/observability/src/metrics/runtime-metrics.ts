import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { BatchObservableCallback, Meter } from '@opentelemetry/api'
import { memoryLimitBytes } from './memory-limit.ts'

/** Options of {@link runtimeMetrics}. */
export interface RuntimeMetricsOptions {
  /** Sampling resolution of the event-loop delay monitor, in ms. Defaults to 20. */
  eventLoopResolutionMs?: number
  /** Memory limit in bytes. Defaults to the cgroup limit, else the machine's memory. */
  memoryLimitBytes?: number
}

/**
 * Registers process runtime gauges on `meter`, read at each collection:
 * `nodejs.eventloop.delay.p99` and `.mean` (seconds, over the interval since the
 * previous collection), `v8js.memory.heap.used`, `process.memory.usage` (RSS),
 * `process.memory.limit` (bytes) and `process.cpu.time` (seconds, by `cpu.mode`).
 * Works on Node and Bun. Returns a function that stops the event-loop monitor.
 *
 * @example
 * const stop = runtimeMetrics(metrics.meter)
 * // on shutdown
 * stop()
 */
export function runtimeMetrics(meter: Meter, options: RuntimeMetricsOptions = {}): () => void {
  const resolution = options.eventLoopResolutionMs ?? 20
  const limit = options.memoryLimitBytes ?? memoryLimitBytes()
  const delay = monitorEventLoopDelay({ resolution })
  delay.enable()

  const gauge = (name: string, description: string, unit: string) =>
    meter.createObservableGauge(name, { description, unit })
  const p99 = gauge(
    'nodejs.eventloop.delay.p99',
    'Event loop delay, 99th percentile since the previous collection.',
    's',
  )
  const mean = gauge(
    'nodejs.eventloop.delay.mean',
    'Mean event loop delay since the previous collection.',
    's',
  )
  const heapUsed = gauge('v8js.memory.heap.used', 'Heap memory in use.', 'By')
  const rss = gauge('process.memory.usage', 'Resident set size of the process.', 'By')
  const memoryLimit = gauge(
    'process.memory.limit',
    'Memory the process may use: the cgroup limit, else total machine memory.',
    'By',
  )
  const cpuTime = meter.createObservableCounter('process.cpu.time', {
    description: 'CPU time used by the process.',
    unit: 's',
  })

  // Two scrapes close together leave no new samples; repeating the last figures
  // keeps the series continuous instead of flapping out of the exposition.
  let lastP99 = 0
  let lastMean = 0
  const callback: BatchObservableCallback = (observer) => {
    if (delay.count > 0) {
      lastP99 = delay.percentile(99) / 1e9
      lastMean = delay.mean / 1e9
      delay.reset()
    }
    observer.observe(p99, lastP99)
    observer.observe(mean, lastMean)
    const memory = process.memoryUsage()
    observer.observe(heapUsed, memory.heapUsed)
    observer.observe(rss, memory.rss)
    observer.observe(memoryLimit, limit)
    const cpu = process.cpuUsage()
    observer.observe(cpuTime, cpu.user / 1e6, { 'cpu.mode': 'user' })
    observer.observe(cpuTime, cpu.system / 1e6, { 'cpu.mode': 'system' })
  }
  const observables = [p99, mean, heapUsed, rss, memoryLimit, cpuTime]
  meter.addBatchObservableCallback(callback, observables)

  return () => {
    meter.removeBatchObservableCallback(callback, observables)
    delay.disable()
  }
}
