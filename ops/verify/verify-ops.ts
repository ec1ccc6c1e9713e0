import { INSTANCE_QUERY } from '../grafana/build/dashboard-builder.ts'
import { allRules } from '../test/support/rule-files.ts'
import {
  dashboardQueries,
  leftoverVariables,
  substituteVariables,
  type VariableValues,
} from './dashboard-queries.ts'
import { freePort, waitFor } from './free-port.ts'
import { instantQuery, labelValues, ruleStates } from './prometheus-api.ts'
import { type RunningPrometheus, SERVER_JOB, startPrometheus } from './prometheus-process.ts'
import { mintToken, type RunningServer, startServer } from './server-process.ts'
import { createGameKey, type RunningTraffic, startTraffic, type TrafficSummary } from './traffic.ts'

export interface VerifyOptions {
  /** Verify against this running server instead of starting one (then give `apiKey` or `adminToken`). */
  serverUrl?: string
  /** A game API key for the traffic. Defaults to one created with `adminToken`. */
  apiKey?: string
  /** An admin bearer token to create the API key. Defaults to one minted with `bun run cli token`. */
  adminToken?: string
  /** Redis for the started server (cache L2, bus, shared rate limits). Defaults to none: L1 only. */
  redisUrl?: string | undefined
  /** Seconds of traffic Prometheus scrapes before the queries run. Defaults to 15. */
  warmUpSeconds?: number
  /** Progress lines. Defaults to none. */
  log?: (line: string) => void
  /** Forward the server's logs. Defaults to false. */
  verbose?: boolean
}

/** One query run against live data. */
export interface QueryCheck {
  kind: 'panel' | 'recording rule' | 'rule health' | 'variable'
  /** Where it comes from, e.g. "Jackpot · Pools › Pool amounts [A]". */
  source: string
  expr: string
  series: number
  /** Why it failed; absent when it passed. */
  problem?: string
}

export interface VerifyReport {
  checks: QueryCheck[]
  failures: QueryCheck[]
  traffic: TrafficSummary
}

/** Grafana's interval variables at the 1 s scrape interval used here (Grafana: max(4 × scrape, interval)). */
const INTERVALS = { rateInterval: '15s', interval: '2s', range: '5m' } as const

/**
 * Starts a server (unless given one) and Prometheus with the committed rules,
 * drives traffic, then runs every dashboard panel query (variables substituted)
 * and every recording rule against the live data. A query fails when
 * Prometheus rejects it, returns no series, or returns only NaN; a rule fails
 * when its evaluation reports an error. Always stops what it started.
 *
 * @example
 * const report = await verifyOps({ redisUrl: 'redis://127.0.0.1:6379', log: console.log })
 * if (report.failures.length > 0) process.exit(1)
 */
export async function verifyOps(options: VerifyOptions = {}): Promise<VerifyReport> {
  const log = options.log ?? (() => {})
  let server: RunningServer | undefined
  let prometheus: RunningPrometheus | undefined
  let traffic: RunningTraffic | undefined
  try {
    let serverUrl = options.serverUrl
    let adminToken = options.adminToken
    if (!serverUrl) {
      const port = await freePort()
      log(`starting the server on port ${port}${options.redisUrl ? ` with Redis ${options.redisUrl}` : ''}`)
      server = await startServer({ port, redisUrl: options.redisUrl, verbose: options.verbose })
      serverUrl = server.url
      adminToken ??= await mintToken({ role: 'admin', sub: 'ops-verify', jwtSecret: server.jwtSecret })
    }
    const target = new URL(serverUrl).host

    const prometheusPort = await freePort()
    log(`starting Prometheus on port ${prometheusPort}, scraping ${target} every second`)
    prometheus = await startPrometheus({ port: prometheusPort, targets: [target] })

    let apiKey = options.apiKey
    if (!apiKey) {
      if (!adminToken) throw new Error('give an API key or an admin token to verify a running server')
      apiKey = await createGameKey(serverUrl, adminToken)
    }
    log('generating traffic: pool reads, contributions, wins, client errors')
    traffic = startTraffic({ baseUrl: serverUrl, apiKey })

    const promUrl = prometheus.url
    await waitFor(
      async () => {
        const up = await instantQuery(promUrl, `up{job="${SERVER_JOB}", instance="${target}"} == 1`)
        return up.ok && up.samples.length > 0
      },
      30_000,
      `Prometheus never scraped ${target} successfully`,
    )
    const warmUp = (options.warmUpSeconds ?? 15) * 1000
    log(`scraping for ${warmUp / 1000} s under traffic`)
    await Bun.sleep(warmUp)
    assertTrafficWorked(traffic.summary)

    const checks = [
      ...(await checkInstanceVariable(promUrl, target)),
      ...(await checkPanels(promUrl, target)),
      ...(await checkRecordingRules(promUrl)),
      ...(await checkRuleHealth(promUrl)),
    ]
    const summary = await traffic.stop()
    traffic = undefined
    return { checks, failures: checks.filter((check) => check.problem), traffic: summary }
  } finally {
    await traffic?.stop()
    await prometheus?.stop()
    await server?.stop()
  }
}

// Panels over contributions and wins would be empty for a reason that has nothing
// to do with the dashboards: say so instead of listing forty empty queries.
function assertTrafficWorked(summary: TrafficSummary): void {
  for (const operation of ['pool list', 'pool read', 'contribution', 'win']) {
    if (!summary[`${operation} 2xx`]) {
      throw new Error(`traffic failed: no successful ${operation} so far (${JSON.stringify(summary)})`)
    }
  }
}

async function checkInstanceVariable(promUrl: string, target: string): Promise<QueryCheck[]> {
  const match = /label_values\((.+),\s*instance\)/.exec(INSTANCE_QUERY)?.[1] ?? ''
  const values = await labelValues(promUrl, 'instance', match)
  return [
    {
      kind: 'variable',
      source: '$instance',
      expr: INSTANCE_QUERY,
      series: values.length,
      ...(values.includes(target)
        ? {}
        : { problem: `does not list ${target} (got ${JSON.stringify(values)})` }),
    },
  ]
}

/** Runs a query, retrying briefly: a series that appears with the next scrape is not a failure. */
async function check(
  promUrl: string,
  kind: QueryCheck['kind'],
  source: string,
  expr: string,
): Promise<QueryCheck> {
  let problem = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await Bun.sleep(2000)
    const outcome = await instantQuery(promUrl, expr)
    if (!outcome.ok) {
      problem = `query error: ${outcome.error}`
      continue
    }
    if (outcome.samples.length === 0) {
      problem = 'empty result'
      continue
    }
    if (outcome.samples.every((sample) => Number.isNaN(Number(sample.value[1])))) {
      problem = `only NaN in ${outcome.samples.length} series`
      continue
    }
    return { kind, source, expr, series: outcome.samples.length }
  }
  return { kind, source, expr, series: 0, problem }
}

async function checkPanels(promUrl: string, target: string): Promise<QueryCheck[]> {
  const values: VariableValues = { instance: [target], ...INTERVALS }
  const checks: QueryCheck[] = []
  for (const query of dashboardQueries()) {
    const expr = substituteVariables(query.expr, values)
    const source = `${query.dashboard} › ${query.panel} [${query.refId}]`
    const leftover = leftoverVariables(expr)
    if (leftover.length > 0) {
      checks.push({
        kind: 'panel',
        source,
        expr,
        series: 0,
        problem: `unknown variables ${leftover.join(', ')}`,
      })
      continue
    }
    checks.push(await check(promUrl, 'panel', source, expr))
  }
  return checks
}

async function checkRecordingRules(promUrl: string): Promise<QueryCheck[]> {
  const checks: QueryCheck[] = []
  for (const rule of allRules()) {
    if (!rule.record) continue
    const labels = rule.labels ? ` ${JSON.stringify(rule.labels)}` : ''
    checks.push(await check(promUrl, 'recording rule', `${rule.record}${labels}`, rule.expr))
  }
  return checks
}

// Alert expressions may rightly be empty (nothing is wrong); they must still evaluate.
async function checkRuleHealth(promUrl: string): Promise<QueryCheck[]> {
  const states = await ruleStates(promUrl)
  const expected = allRules().length
  const checks: QueryCheck[] = states.map((state) => ({
    kind: 'rule health',
    source: `${state.type} ${state.name} (${state.group})`,
    expr: state.query,
    series: 0,
    ...(state.health === 'err' ? { problem: `evaluation error: ${state.lastError ?? 'unknown'}` } : {}),
  }))
  if (states.length !== expected) {
    checks.push({
      kind: 'rule health',
      source: '/api/v1/rules',
      expr: '',
      series: states.length,
      problem: `Prometheus loaded ${states.length} rules, the rule files hold ${expected}`,
    })
  }
  return checks
}
