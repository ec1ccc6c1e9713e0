/**
 * `bun run dashboard`: the operations dashboard on DASHBOARD_PORT (3100),
 * showing the jackpot API at JACKPOT_API_URL (http://localhost:3000).
 */
import { ConfigError, loadDashboardConfig } from '@jackpot/config'
import { buildUi } from './build-ui.ts'
import { createDashboard } from './dashboard-server.ts'

let config: ReturnType<typeof loadDashboardConfig>
try {
  config = loadDashboardConfig()
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

const ui = await buildUi()
const dashboard = createDashboard({ config, ui })
const server = Bun.serve({
  hostname: config.DASHBOARD_HOST,
  port: config.DASHBOARD_PORT,
  fetch: (request, bunServer) => dashboard.handle(request, bunServer),
})

const host = config.DASHBOARD_HOST === '0.0.0.0' ? 'localhost' : config.DASHBOARD_HOST
console.log(
  [
    '',
    `  Jackpot dashboard  http://${host}:${server.port}`,
    `  API                ${config.apiUrl}`,
    `  Prometheus         ${config.PROMETHEUS_URL ?? '(not set: charts from the server’s /metrics)'}`,
    `  Alertmanager       ${config.ALERTMANAGER_URL ?? '(not set: alerts are the health warnings)'}`,
    `  JavaScript         ${(ui.scriptBytes.gzip / 1024).toFixed(1)} KiB gzipped`,
    '',
    '  Sign in with a viewer token:  bun run cli token --role viewer --sub you',
    '',
  ].join('\n'),
)

const stop = () => {
  dashboard.close()
  void server.stop(true).then(() => process.exit(0))
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
