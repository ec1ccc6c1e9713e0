import { type DashboardSpec, SERVER } from './dashboard-builder.ts'

const RATE = '[$__rate_interval]'

/** Memory, CPU and event loop per replica. */
export const runtime: DashboardSpec = {
  uid: 'jackpot-runtime',
  title: 'Jackpot · Runtime',
  description: 'Memory, CPU and event-loop delay of each server replica.',
  tags: ['runtime'],
  rows: [
    {
      title: 'Replicas',
      panels: [
        {
          title: 'Replicas up',
          description: 'Scrape health of each replica (1 up, 0 down; ServiceDown pages after a minute at 0).',
          width: 24,
          kind: 'stat',
          decimals: 0,
          limit: { value: 1, above: 'good' },
          alerts: ['ServiceDown'],
          queries: [{ expr: `up{${SERVER}}`, legend: '{{instance}}' }],
        },
      ],
    },
    {
      title: 'Memory',
      panels: [
        {
          title: 'Resident memory, heap and limit',
          description: 'RSS, V8 heap in use, and the limit (cgroup, else machine memory).',
          width: 12,
          unit: 'bytes',
          queries: [
            { expr: `max by (instance) (process_memory_usage_bytes{${SERVER}})`, legend: 'RSS {{instance}}' },
            {
              expr: `max by (instance) (v8js_memory_heap_used_bytes{${SERVER}})`,
              legend: 'heap {{instance}}',
            },
            {
              expr: `max by (instance) (process_memory_limit_bytes{${SERVER}})`,
              legend: 'limit {{instance}}',
            },
          ],
        },
        {
          title: 'Memory use of the limit (alert at 85 %)',
          description: 'RSS over the memory limit; MemoryHigh warns above 85 % for 5 minutes.',
          width: 12,
          unit: 'percentunit',
          min: 0,
          limit: { value: 0.85 },
          alerts: ['MemoryHigh'],
          queries: [
            {
              expr: `max by (instance) (process_memory_usage_bytes{${SERVER}}) / max by (instance) (process_memory_limit_bytes{${SERVER}} > 0)`,
              legend: '{{instance}}',
            },
          ],
        },
      ],
    },
    {
      title: 'CPU and event loop',
      panels: [
        {
          title: 'CPU (cores) by mode',
          description: 'CPU seconds per second: 1 = one core busy.',
          width: 12,
          unit: 'short',
          queries: [
            {
              expr: `sum by (instance, cpu_mode) (rate(process_cpu_time_seconds_total{${SERVER}}${RATE}))`,
              legend: '{{instance}} {{cpu_mode}}',
            },
          ],
        },
        {
          title: 'Event-loop delay (GC pauses and blocking work)',
          description: 'p99 and mean delay of the event loop since the previous scrape.',
          width: 12,
          unit: 's',
          queries: [
            {
              expr: `max by (instance) (nodejs_eventloop_delay_p99_seconds{${SERVER}})`,
              legend: 'p99 {{instance}}',
            },
            {
              expr: `max by (instance) (nodejs_eventloop_delay_mean_seconds{${SERVER}})`,
              legend: 'mean {{instance}}',
            },
          ],
        },
      ],
    },
  ],
}
