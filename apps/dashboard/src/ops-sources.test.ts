import { describe, expect, test } from 'bun:test'
import { alertmanagerAlerts, healthAlerts, PROMETHEUS_QUERIES, prometheusSeries } from './ops-sources.ts'

describe('prometheusSeries', () => {
  test('reads the recording rules over query_range into chart points', async () => {
    const asked: string[] = []
    const fetcher = async (url: string) => {
      const query = new URL(url).searchParams.get('query')!
      asked.push(query)
      const result =
        query === PROMETHEUS_QUERIES.p95Seconds
          ? [{ metric: { operation: 'win' }, values: [[100, '0.12']] }]
          : [{ metric: {}, values: [[100, query === PROMETHEUS_QUERIES.errorRate ? '0.001' : '42']] }]
      return Response.json({ status: 'success', data: { result } })
    }
    const points = await prometheusSeries(fetcher, 'http://prometheus:9090', { now: 200_000 })
    expect(asked.sort()).toEqual(Object.values(PROMETHEUS_QUERIES).sort())
    expect(points).toEqual([
      {
        at: 100_000,
        requestsPerSecond: 42,
        errorRate: 0.001,
        p95Ms: { contribution: null, win: 120, pool_query: null },
      },
    ])
  })

  test('fails with Prometheus’s own error', async () => {
    const fetcher = async () => Response.json({ status: 'error', error: 'parse error' }, { status: 400 })
    await expect(prometheusSeries(fetcher, 'http://p')).rejects.toThrow('Prometheus: parse error')
  })
})

describe('alerts', () => {
  test('lists Alertmanager’s active alerts by name, severity and summary', async () => {
    const fetcher = async () =>
      Response.json([
        {
          labels: { alertname: 'JackpotErrorRateHigh', severity: 'critical' },
          annotations: { summary: 'Error rate above 5 %' },
          startsAt: '2026-01-01T00:00:00Z',
        },
      ])
    expect(await alertmanagerAlerts(fetcher, 'http://am:9093')).toEqual([
      {
        name: 'JackpotErrorRateHigh',
        severity: 'critical',
        summary: 'Error rate above 5 %',
        since: '2026-01-01T00:00:00Z',
        source: 'alertmanager',
      },
    ])
  })

  test('without Alertmanager, turns every health check that is not pass into an alert', () => {
    const alerts = healthAlerts({
      status: 'warn',
      checks: {
        database: [{ status: 'pass' }],
        cache: [{ status: 'warn', output: 'Redis unreachable' }],
        jackpot: [{ status: 'fail' }],
      },
    })
    expect(alerts.map((a) => [a.name, a.severity, a.summary])).toEqual([
      ['cache', 'warning', 'Redis unreachable'],
      ['jackpot', 'critical', 'jackpot is fail'],
    ])
  })
})
