import { describe, expect, test } from 'bun:test'
import { metricNames } from './metric-names.ts'

describe('metricNames', () => {
  test('finds the selected series and skips functions, label names, grouping lists and ranges', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (job, le) (rate(http_server_request_duration_seconds_bucket{job="jackpot-server", http_route=~"/api/.+"}[5m])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket'])
  })

  test('finds bare recorded series on both sides of a comparison, and none in vector() or numbers', () => {
    expect(
      metricNames('job:jackpot_pool_amount_cents:sum < job:jackpot_pool_amount_floor_cents:value'),
    ).toEqual(['job:jackpot_pool_amount_cents:sum', 'job:jackpot_pool_amount_floor_cents:value'])
    expect(metricNames('vector(11100000) * 1e3 + 0.5')).toEqual([])
  })

  test('reads through "or … * 0" fallbacks and set operators, without their keywords', () => {
    expect(
      metricNames(
        'sum(rate(cache_l2_errors_total{job="x"}[1m])) or sum(rate(cache_requests_total{level="l2"}[1m])) * 0 and on (job) up unless absent(up) offset 5m',
      ),
    ).toEqual(['cache_l2_errors_total', 'cache_requests_total', 'up'])
  })

  test('ignores words inside label values', () => {
    expect(metricNames('up{job="not_a_metric and more"} == bool 0')).toEqual(['up'])
  })
})
