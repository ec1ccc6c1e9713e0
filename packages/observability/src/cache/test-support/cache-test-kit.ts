import { createMetrics, type Metrics } from '../../metrics/index.ts'

/**
 * Polls `condition` until it holds, for effects that cross a real socket
 * (Redis pub/sub, reconnection). This waits for I/O, not for time-based
 * logic: TTLs and grace periods are driven by a ManualClock instead.
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A private meter provider whose Prometheus output the tests read. */
export function testMetrics(): Metrics {
  return createMetrics({ service: 'cache-test', runtime: false, global: false })
}

/** The value of one Prometheus sample, `0` when absent. */
export async function sample(
  metrics: Metrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await metrics.render()
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue
    const matches = Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`))
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1))
  }
  return 0
}

/** A pino-shaped logger that records what the cache logs. */
export function recordingLogger() {
  const lines: { level: 'warn' | 'info'; message: string; fields: Record<string, unknown> }[] = []
  return {
    lines,
    warn: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'warn', message, fields }),
    info: (fields: Record<string, unknown>, message: string) =>
      lines.push({ level: 'info', message, fields }),
  }
}
