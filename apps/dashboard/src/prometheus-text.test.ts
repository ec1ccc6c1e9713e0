import { describe, expect, test } from 'bun:test'
import { histogramQuantile, parsePrometheusText } from './prometheus-text.ts'

describe('parsePrometheusText', () => {
  test('reads names, labels (with escapes) and values, skipping comments', () => {
    const samples = parsePrometheusText(
      [
        '# HELP up whether it is up',
        'up 1',
        'http_count{route="/api/v1/pools",note="a \\"quoted\\" word"} 42.5',
        '',
      ].join('\n'),
    )
    expect(samples).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'http_count', labels: { route: '/api/v1/pools', note: 'a "quoted" word' }, value: 42.5 },
    ])
  })
})

describe('histogramQuantile', () => {
  test('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    // 100 observations: 50 ≤ 0.01 s, 40 more ≤ 0.05 s, 10 more ≤ 0.1 s.
    const buckets: [number, number][] = [
      [0.01, 50],
      [0.05, 90],
      [0.1, 100],
      [Number.POSITIVE_INFINITY, 100],
    ]
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.01)
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.075)
  })

  test('is null without observations, and the highest bound when the rank is in +Inf', () => {
    expect(
      histogramQuantile(0.95, [
        [0.1, 0],
        [Number.POSITIVE_INFINITY, 0],
      ]),
    ).toBeNull()
    expect(
      histogramQuantile(0.95, [
        [0.1, 1],
        [Number.POSITIVE_INFINITY, 10],
      ]),
    ).toBe(0.1)
  })
})
