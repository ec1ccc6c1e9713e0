import { join } from 'node:path'
import { TcpProxy } from '@jackpot/observability/testing'
import { freePort } from '@jackpot/test-kit'
import { type RunningEdge, startEdge } from '../edge/start-edge.ts'
import { startEdgeMetrics } from '../edge-metrics/edge-metrics-server.ts'
import { INSTANCE_QUERY } from '../grafana/build/dashboard-builder.ts'
import { allRules } from '../test/support/rule-files.ts'
import {
  dashboardQueries,
  leftoverVariables,
  substituteVariables,
  type VariableValues,
} from './dashboard-queries.ts'
import { metricNames } from './metric-names.ts'
import { instantQuery, labelValues, ruleStates } from './prometheus-api.ts'
import { EDGE_JOB, type RunningPrometheus, SERVER_JOB, startPrometheus } from './prometheus-process.ts'
import { mintToken, type RunningServer, startServer } from './server-process.ts'
import { createGameKey, type RunningTraffic, startTraffic, type TrafficSummary } from './traffic.ts'
import { waitFor } from './wait-for.ts'

export interface VerifyOptions {
  /** Verify against this running server instead of starting one (then give `apiKey` or `adminToken`). */
  serverUrl?: string
  /** A game API key for the traffic. Defaults to one created with `adminToken`. */
  apiKey?: string
  /** An admin bearer token to create the API key. Defaults to one minted with `bun run cli token`. */
  adminToken?: string
  /**
   * Redis for the started server (cache L2, bus, shared rate limits). The
   * server reaches it through a link that is cut for a few seconds of the
   * warm-up, so the outage metrics (L2 errors, breaker states) exist too.
   * Defaults to none: L1 only.
   */
  redisUrl?: string | undefined
  /** Seconds of traffic Prometheus scrapes before the queries run. Defaults to 15. */
  warmUpSeconds?: number
  /** Seconds into the warm-up the Redis link is cut, and for how long. Defaults to 3 and 4. */
  redisOutage?: { atSeconds: number; forSeconds: number }
  /** Progress lines. Defaults to none. */
  log?: (line: string) => void
  /** Forward the server's logs. Defaults to false. */
  verbose?: boolean
}

/** One query run against live data. */
export interface QueryCheck {
  kind: 'panel' | 'recording rule' | 'rule health' | 'variable' | 'metric'
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

/** A staff credential's requests per minute on the started server: the ledger reads of the traffic exceed it (429s). */
const STAFF_RATE_LIMIT = 20

/** Grafana's interval variables at the 1 s scrape interval used here (Grafana: max(4 × scrape, interval)). */
const INTERVALS = { rateInterval: '15s', interval: '2s', range: '5m' } as const

/**
 * Starts a server (unless given one), the nginx edge in front of it with its
 * metrics exporter, and Prometheus with the committed rules; drives traffic
 * (with a short Redis outage when it started the server with Redis), then
 * runs every dashboard panel query (variables substituted) and every
 * recording rule against the live data. A query fails when Prometheus rejects
 * it, returns no series, or returns only NaN; a rule fails when its
 * evaluation reports an error; a metric that a panel or rule names but
 * Prometheus never received fails too (an `or … * 0` fallback would hide it).
 * Always stops what it started.
 *
 * @example
 * const report = await verifyOps({ redisUrl: 'redis://127.0.0.1:6379', log: console.log })
 * if (report.failures.length > 0) process.exit(1)
 */
export async function verifyOps(options: VerifyOptions = {}): Promise<VerifyReport> {
  const log = options.log ?? (() => {})
  const stops: (() => Promise<void>)[] = []
  let traffic: RunningTraffic | undefined
  let outage: Timer | undefined
  try {
    let serverUrl = options.serverUrl
    let adminToken = options.adminToken
    let redisLink: TcpProxy | undefined
    if (!serverUrl) {
      let redisUrl = options.redisUrl
      if (redisUrl) {
        const redis = new URL(redisUrl)
        const link = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) })
        stops.push(() => link.close())
        redisLink = link
        redisUrl = link.urlFor(redisUrl)
      }
      const port = await freePort()
      log(
        `starting the server on port ${port}${redisUrl ? ` with Redis ${options.redisUrl} (via ${redisUrl})` : ''}`,
      )
      const server: RunningServer = await startServer({
        port,
        redisUrl,
        verbose: options.verbose,
        staffRateLimit: STAFF_RATE_LIMIT,
      })
      stops.push(server.stop)
      serverUrl = server.url
      adminToken ??= await mintToken({ role: 'admin', sub: 'ops-verify', jwtSecret: server.jwtSecret })
    }
    const target = new URL(serverUrl).host

    const edgePort = await freePort()
    log(`starting the nginx edge on port ${edgePort} in front of ${target}, and its metrics exporter`)
    const edge: RunningEdge = await startEdge({ upstreams: [target], port: edgePort })
    stops.push(edge.stop)
    const edgeMetrics = await startEdgeMetrics({
      port: await freePort(),
      file: join(edge.workDir, 'access.log'),
    })
    stops.push(edgeMetrics.stop)
    const edgeTarget = new URL(edgeMetrics.url).host

    const prometheusPort = await freePort()
    log(`starting Prometheus on port ${prometheusPort}, scraping ${target} and ${edgeTarget} every second`)
    const prometheus: RunningPrometheus = await startPrometheus({
      port: prometheusPort,
      targets: [target],
      edgeTargets: [edgeTarget],
    })
    stops.push(prometheus.stop)

    let apiKey = options.apiKey
    if (!apiKey) {
      if (!adminToken) throw new Error('give an API key or an admin token to verify a running server')
      apiKey = await createGameKey(serverUrl, adminToken)
    }
    log(
      'generating traffic: pool reads (direct and through the edge), contributions, wins, client errors, 429s',
    )
    traffic = startTraffic({ baseUrl: serverUrl, apiKey, edgeUrl: edge.url, staffToken: adminToken })

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
    if (redisLink) {
      const link = redisLink
      const { atSeconds, forSeconds } = options.redisOutage ?? { atSeconds: 3, forSeconds: 4 }
      outage = setTimeout(() => {
        log(`cutting the server's link to Redis for ${forSeconds} s`)
        link.cut()
        outage = setTimeout(() => {
          log('restoring the link to Redis')
          link.restore()
        }, forSeconds * 1000)
      }, atSeconds * 1000)
    }
    await Bun.sleep(warmUp)
    assertTrafficWorked(traffic.summary)

    const checks = [
      ...(await checkInstanceVariable(promUrl, target)),
      ...(await checkMetrics(promUrl)),
      ...(await checkPanels(promUrl, target)),
      ...(await checkRecordingRules(promUrl)),
      ...(await checkRuleHealth(promUrl)),
    ]
    const summary = await traffic.stop()
    traffic = undefined
    return { checks, failures: checks.filter((check) => check.problem), traffic: summary }
  } finally {
    clearTimeout(outage)
    await traffic?.stop()
    for (const stop of stops.reverse()) await stop()
  }
}

// Panels over contributions and wins would be empty for a reason that has nothing
// to do with the dashboards: say so instead of listing forty empty queries.
function assertTrafficWorked(summary: TrafficSummary): void {
  for (const operation of ['pool list', 'pool read', 'edge pool read', 'contribution', 'win']) {
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

/**
 * Every metric a panel, recording rule or alert names must have reached
 * Prometheus from the server or the edge (recorded series count: rules
 * produce them). Catches a renamed metric that an `or … * 0` fallback or a
 * quiet alert would otherwise hide.
 */
async function checkMetrics(promUrl: string): Promise<QueryCheck[]> {
  const sources = new Map<string, string>()
  const note = (names: string[], source: string) => {
    for (const name of names) if (!sources.has(name)) sources.set(name, source)
  }
  for (const query of dashboardQueries()) note(metricNames(query.expr), `${query.dashboard} › ${query.panel}`)
  for (const rule of allRules()) note(metricNames(rule.expr), rule.record ?? `alert ${rule.alert}`)
  const checks: QueryCheck[] = []
  for (const [name, source] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    const expr = `count({__name__="${name}", job=~"${SERVER_JOB}|${EDGE_JOB}"})`
    const result = await check(promUrl, 'metric', `${name} (first named by ${source})`, expr)
    checks.push(result.problem ? { ...result, problem: 'never received: no series with this name' } : result)
  }
  return checks
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
