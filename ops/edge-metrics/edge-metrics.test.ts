import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from '@jackpot/test-kit'
import { startEdge } from '../edge/start-edge.ts'
import { allRules } from '../test/support/rule-files.ts'
import { REPO_ROOT } from '../test/support/run-tool.ts'
import { EDGE_HIT_STATUSES, parseEdgeLogLine } from './edge-log-line.ts'
import { type RunningEdgeMetrics, startEdgeMetrics } from './edge-metrics-server.ts'

const LINE =
  '10.0.0.7 [2026-01-01T10:00:00+00:00] "GET /api/v1/pools/mega HTTP/1.1" 200 HIT rt=0.002 urt=- rid=abc'

async function scrape(exporter: RunningEdgeMetrics): Promise<string> {
  return (await fetch(`${exporter.url}/metrics`)).text()
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function eventually(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await probe()); i++) await Bun.sleep(50)
}

describe('parseEdgeLogLine', () => {
  test('reads status, cache status and duration from the jackpot_edge format', () => {
    expect(parseEdgeLogLine(LINE)).toEqual({ status: 200, cacheStatus: 'HIT', seconds: 0.002 })
  })

  test('reads the same line behind a syslog header and counts "-" as an uncached location', () => {
    const uncached = LINE.replace('200 HIT', '201 -')
    expect(parseEdgeLogLine(`<190>Jan  1 10:00:00 jackpot_edge: ${uncached}`)).toEqual({
      status: 201,
      cacheStatus: 'NONE',
      seconds: 0.002,
    })
  })

  test('keeps a garbage request line with escaped quotes and rejects lines in another format', () => {
    expect(parseEdgeLogLine('1.2.3.4 [t] "\\x22\\x16 junk" 400 - rt=0.000 urt=- rid=x')?.status).toBe(400)
    expect(parseEdgeLogLine('1.2.3.4 - - [01/Jan/2026] "GET / HTTP/1.1" 200 612 "-" "curl"')).toBeUndefined()
    expect(parseEdgeLogLine(LINE.replace('HIT', 'MAYBE'))).toBeUndefined()
  })
})

describe('edge metrics exporter', () => {
  const stops: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop()
  })

  test('counts what a real nginx edge logs: one miss, then hits, per cache status', async () => {
    const origin = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: (request) =>
        new URL(request.url).pathname === '/health/live'
          ? new Response(null, { status: 204 })
          : Response.json([{ slug: 'mega' }], {
              headers: { 'cache-control': 'public, max-age=1, s-maxage=60' },
            }),
    })
    stops.push(async () => void (await origin.stop(true)))
    const edge = await startEdge({
      upstreams: [`127.0.0.1:${origin.port}`],
      port: await freePort(),
    })
    stops.push(edge.stop)
    const exporter = await startEdgeMetrics({ port: 0, file: join(edge.workDir, 'access.log'), pollMs: 20 })
    stops.push(exporter.stop)

    for (let i = 0; i < 3; i++) await (await fetch(`${edge.url}/api/v1/pools`)).arrayBuffer()
    await (await fetch(`${edge.url}/health/live`)).arrayBuffer()

    const hit = 'edge_requests_total{cache_status="HIT",code="200"}'
    await eventually(async () => sample(await scrape(exporter), hit) === 2)
    const text = await scrape(exporter)
    expect(sample(text, hit)).toBe(2)
    expect(sample(text, 'edge_requests_total{cache_status="MISS",code="200"}')).toBe(1)
    expect(sample(text, 'edge_requests_total{cache_status="NONE",code="204"}')).toBe(1)
    expect(sample(text, 'edge_request_duration_seconds_count{cache_status="HIT"}')).toBe(2)
    expect(sample(text, 'edge_log_lines_total{result="unparsed"}')).toBe(0)
  })

  test('counts syslog datagrams as nginx sends them, and lines it cannot read as unparsed', async () => {
    const exporter = await startEdgeMetrics({ port: 0, syslogPort: 0 })
    stops.push(exporter.stop)
    const client = await Bun.udpSocket({})
    stops.push(async () => client.close())
    client.send(
      `<190>Jan  1 10:00:00 jackpot_edge: ${LINE.replace('HIT', 'STALE')}`,
      exporter.syslogPort!,
      '127.0.0.1',
    )
    client.send('<190>Jan  1 10:00:00 jackpot_edge: something else', exporter.syslogPort!, '127.0.0.1')

    const unparsed = 'edge_log_lines_total{result="unparsed"}'
    await eventually(async () => sample(await scrape(exporter), unparsed) === 1)
    const text = await scrape(exporter)
    expect(sample(text, 'edge_requests_total{cache_status="STALE",code="200"}')).toBe(1)
    expect(sample(text, unparsed)).toBe(1)
  })
})

describe('edge metrics in docker-compose.yml and prometheus.yml', () => {
  const compose = Bun.YAML.parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string> }>
  }
  const prometheus = Bun.YAML.parse(
    readFileSync(join(REPO_ROOT, 'ops/prometheus/prometheus.yml'), 'utf8'),
  ) as {
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[]
  }
  const command = compose.services['edge-metrics']?.command ?? []
  const flag = (name: string) => command[command.indexOf(name) + 1]

  test('nginx sends its access log to the syslog port the exporter listens on', () => {
    expect(compose.services.edge?.environment?.EDGE_ACCESS_LOG).toStartWith(
      `syslog:server=edge-metrics:${flag('--syslog-port')},`,
    )
  })

  test('Prometheus scrapes the exporter on the port it serves', () => {
    const job = prometheus.scrape_configs.find((config) => config.job_name === 'jackpot-edge')
    expect(job?.static_configs.flatMap((config) => config.targets)).toEqual([
      `edge-metrics:${flag('--port')}`,
    ])
  })

  test('the edge hit-ratio rule counts exactly the statuses the exporter calls hits', () => {
    const rule = allRules().find((candidate) => candidate.record === 'job:edge_requests:hit_ratio_rate5m')
    expect(rule?.expr).toContain(`cache_status=~"${EDGE_HIT_STATUSES.join('|')}"`)
  })
})
