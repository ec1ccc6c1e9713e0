import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { Meter } from '@opentelemetry/api'
import { batchObservables } from './batch-observables.ts'
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

  // Two scrapes close together leave no new samples; repeating the last figures
  // keeps the series continuous instead of flapping out of the exposition.
  let lastP99 = 0
  let lastMean = 0
  const stopObserving = batchObservables(
    meter,
    {
      p99: {
        name: 'nodejs.eventloop.delay.p99',
        description: 'Event loop delay, 99th percentile since the previous collection.',
        unit: 's',
      },
      mean: {
        name: 'nodejs.eventloop.delay.mean',
        description: 'Mean event loop delay since the previous collection.',
        unit: 's',
      },
      heapUsed: { name: 'v8js.memory.heap.used', description: 'Heap memory in use.', unit: 'By' },
      rss: { name: 'process.memory.usage', description: 'Resident set size of the process.', unit: 'By' },
      memoryLimit: {
        name: 'process.memory.limit',
        description: 'Memory the process may use: the cgroup limit, else total machine memory.',
        unit: 'By',
      },
      cpuTime: {
        name: 'process.cpu.time',
        description: 'CPU time used by the process.',
        unit: 's',
        kind: 'counter',
      },
    },
    (observe) => {
      if (delay.count > 0) {
        lastP99 = delay.percentile(99) / 1e9
        lastMean = delay.mean / 1e9
        delay.reset()
      }
      observe('p99', lastP99)
      observe('mean', lastMean)
      const memory = process.memoryUsage()
      observe('heapUsed', memory.heapUsed)
      observe('rss', memory.rss)
      observe('memoryLimit', limit)
      const cpu = process.cpuUsage()
      observe('cpuTime', cpu.user / 1e6, { 'cpu.mode': 'user' })
      observe('cpuTime', cpu.system / 1e6, { 'cpu.mode': 'system' })
    },
  )

  return () => {
    stopObserving()
    delay.disable()
  }
}
