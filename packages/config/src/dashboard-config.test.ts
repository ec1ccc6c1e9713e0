import { describe, expect, test } from 'bun:test'
import { ConfigError } from './config-error.ts'
import { loadDashboardConfig } from './dashboard-config.ts'

describe('loadDashboardConfig', () => {
  test('defaults to port 3100 and the API on localhost:3000, with no Prometheus or Alertmanager', () => {
    const config = loadDashboardConfig({})
    expect(config).toMatchObject({ DASHBOARD_PORT: 3100, JACKPOT_API_URL: 'http://localhost:3000' })
    expect(config.apiUrl).toBe('http://localhost:3000')
    expect(config.PROMETHEUS_URL).toBeUndefined()
    expect(config.ALERTMANAGER_URL).toBeUndefined()
  })

  test('reads the variables and drops a trailing slash from the API URL', () => {
    const config = loadDashboardConfig({
      DASHBOARD_PORT: '4100',
      JACKPOT_API_URL: 'http://edge:8080/',
      PROMETHEUS_URL: 'http://prometheus:9090',
    })
    expect(config.DASHBOARD_PORT).toBe(4100)
    expect(config.apiUrl).toBe('http://edge:8080')
    expect(config.PROMETHEUS_URL).toBe('http://prometheus:9090')
  })

  test('lists every invalid variable at once', () => {
    let error: unknown
    try {
      loadDashboardConfig({ DASHBOARD_PORT: 'x', JACKPOT_API_URL: 'localhost:3000' })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).issues.map((issue) => issue.variable).sort()).toEqual([
      'DASHBOARD_PORT',
      'JACKPOT_API_URL',
    ])
  })
})
