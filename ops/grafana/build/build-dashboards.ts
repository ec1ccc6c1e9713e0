/**
 * Writes the provisioned Grafana dashboards (ops/grafana/dashboards/*.json)
 * from their TypeScript definitions beside this file. The JSON is committed
 * (Grafana reads it); ops/test/dashboards.test.ts fails when it is stale.
 *
 *   bun run ops/grafana/build/build-dashboards.ts
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildDashboard, type DashboardSpec } from './dashboard-builder.ts'
import { dependencies } from './dependencies.ts'
import type { Dashboard } from './grafana-model.ts'
import { jackpot } from './jackpot.ts'
import { runtime } from './runtime.ts'
import { serviceOverview } from './service-overview.ts'

export const DASHBOARDS_DIR = join(import.meta.dir, '..', 'dashboards')

/** Each dashboard's file name and its definition. */
export const DASHBOARD_SPECS: Readonly<Record<string, DashboardSpec>> = {
  'service-overview.json': serviceOverview,
  'jackpot.json': jackpot,
  'dependencies.json': dependencies,
  'runtime.json': runtime,
}

/** The exact text written for a dashboard (stable key order, trailing newline). */
export function renderDashboard(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`
}

if (import.meta.main) {
  for (const [file, spec] of Object.entries(DASHBOARD_SPECS)) {
    writeFileSync(join(DASHBOARDS_DIR, file), renderDashboard(buildDashboard(spec)))
    console.log(`wrote ops/grafana/dashboards/${file}`)
  }
}
