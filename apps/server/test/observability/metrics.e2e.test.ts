import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { contribute, type ObservedServer, startObservedServer } from '../support/observed-server.ts'

/** Runs `promtool check metrics` on the exposition text; returns its exit code and complaints. */
async function promtoolCheck(text: string): Promise<{ exitCode: number; output: string }> {
  const child = Bun.spawn(['promtool', 'check', 'metrics'], { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' })
  child.stdin.write(text)
  await child.stdin.end()
  const [exitCode, stdout, stderr] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  return { exitCode, output: `${stdout}${stderr}` }
}

/** The sample lines of the exposition (comments dropped). */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0 && !line.startsWith('#'))
}

/** Value of the one sample whose line starts with `prefix` (name plus labels). */
function sampleValue(text: string, prefix: string): number {
  const matching = samples(text).filter((line) => line.startsWith(prefix))
  expect(matching).toHaveLength(1)
  return Number(matching[0]!.slice(matching[0]!.lastIndexOf(' ') + 1))
}

async function scrape(server: ObservedServer): Promise<string> {
  const response = await server.fetch('/metrics')
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toStartWith('text/plain; version=0.0.4')
  return response.text()
}

describe('end-to-end: /metrics of the running server', () => {
  let server: ObservedServer
  let text: string
  /** What the responses said went into each pool and what the win paid. */
  const contributed = new Map<string, number>()
  let paidOut = 0

  beforeAll(async () => {
    server = await startObservedServer()
    const key = await server.gameKey()
    for (const slug of ['minor', 'major', 'minor']) {
      expect((await server.fetch(`/api/v1/pools/${slug}`)).status).toBe(200)
    }
    for (const wagerCents of [12_345, 10_000]) {
      const response = await contribute(server, key, { wagerCents })
      expect(response.status).toBe(201)
      const receipt = (await response.json()) as { pools: { slug: string; contributedCents: number }[] }
      for (const pool of receipt.pools) {
        contributed.set(pool.slug, (contributed.get(pool.slug) ?? 0) + pool.contributedCents)
      }
    }
    const win = await server.fetch('/api/v1/wins', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': key,
        'idempotency-key': crypto.randomUUID(),
      },
      body: JSON.stringify({ pool: 'minor', gameId: 'slots-1', playerId: 'player-1' }),
    })
    expect(win.status).toBe(201)
    paidOut = ((await win.json()) as { payoutCents: number }).payoutCents
    text = await scrape(server)
  }, 60_000)

  afterAll(async () => {
    await server?.close()
  })

  test('parses with promtool check metrics', async () => {
    const { exitCode, output } = await promtoolCheck(text)
    expect(output).toBe('')
    expect(exitCode).toBe(0)
  })

  test('labels request durations with the route template, never the raw path', () => {
    const pools = samples(text).filter((line) =>
      line.startsWith('http_server_request_duration_seconds_count'),
    )
    expect(pools).toContainEqual(expect.stringContaining('http_route="/api/v1/pools/:slug"'))
    expect(
      sampleValue(
        text,
        'http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/api/v1/pools/:slug"}',
      ),
    ).toBe(3)
    expect(text).toContain(
      'http_server_request_duration_seconds_bucket{http_request_method="POST",http_response_status_code="201",http_route="/api/v1/contributions",le="0.1"}',
    )
    expect(text).not.toContain('/api/v1/pools/minor')
    expect(text).not.toContain('/api/v1/pools/major')
  })

  test('has bucket boundaries at every SLA bound: 0.05, 0.1, 0.15 and 0.2 seconds', () => {
    const bounds = new Set(
      samples(text)
        .filter((line) => line.startsWith('http_server_request_duration_seconds_bucket{'))
        .map((line) => /le="([^"]+)"/.exec(line)?.[1]),
    )
    for (const bound of ['0.05', '0.1', '0.15', '0.2']) expect(bounds).toContain(bound)
  })

  test('has the runtime metrics: event-loop delay, heap and resident memory, CPU time', () => {
    for (const name of [
      'nodejs_eventloop_delay_p99_seconds',
      'nodejs_eventloop_delay_mean_seconds',
      'v8js_memory_heap_used_bytes',
      'process_memory_usage_bytes',
      'process_cpu_time_seconds_total{cpu_mode="user"}',
    ]) {
      expect(sampleValue(text, `${name} `)).toBeGreaterThanOrEqual(0)
    }
    expect(sampleValue(text, 'process_memory_usage_bytes ')).toBeGreaterThan(0)
    expect(sampleValue(text, 'process_cpu_time_seconds_total{cpu_mode="user"} ')).toBeGreaterThan(0)
  })

  test('has the domain metrics: contributions, wins, cents in and out, and each pool amount', async () => {
    const pools = (await (await server.fetch('/api/v1/pools')).json()) as {
      pools: { slug: string; amountCents: number }[]
    }
    const after = await scrape(server)
    expect(sampleValue(after, 'jackpot_contributions_total ')).toBe(2)
    expect(sampleValue(after, 'jackpot_wins_total{pool="minor"} ')).toBe(1)
    expect(contributed.size).toBe(3)
    for (const [slug, cents] of contributed) {
      expect(cents).toBeGreaterThan(0)
      expect(sampleValue(after, `jackpot_contributed_cents_total{pool="${slug}"} `)).toBe(cents)
    }
    expect(paidOut).toBeGreaterThan(0)
    expect(sampleValue(after, 'jackpot_paid_out_cents_total{pool="minor"} ')).toBe(paidOut)
    expect(
      sampleValue(
        after,
        'db_client_operation_duration_seconds_count{db_system_name="postgresql",db_operation_name="contribution.write"} ',
      ),
    ).toBe(2)
    for (const pool of pools.pools) {
      expect(sampleValue(after, `jackpot_pool_amount_cents{pool="${pool.slug}"} `)).toBe(pool.amountCents)
    }
    expect(pools.pools.map((p) => p.slug).sort()).toEqual(['major', 'mega', 'minor'])
  })

  test('after 1 000 requests to random URLs no series carries a raw unmatched path', async () => {
    const before = samples(await scrape(server)).length
    const paths: string[] = []
    for (let i = 0; i < 1_000; i++) {
      const random = crypto.randomUUID()
      paths.push(
        i % 4 === 0
          ? `/${random}`
          : i % 4 === 1
            ? `/api/v1/${random}/x`
            : i % 4 === 2
              ? `/api/v1/pools/${random}/extra`
              : `/wp-admin/${random}.php?q=${random}`,
      )
    }
    for (let i = 0; i < paths.length; i += 50) {
      const batch = paths.slice(i, i + 50)
      const statuses = await Promise.all(batch.map(async (path) => (await server.fetch(path)).status))
      for (const status of statuses) expect(status).toBe(404)
    }
    const after = await scrape(server)
    const ids = paths.map((path) => /[0-9a-f-]{36}/.exec(path)![0])
    for (const id of ids) expect(after).not.toContain(id)
    expect(after).not.toContain('wp-admin')
    // Every unmatched request lands in the one route-less 404 series.
    expect(
      sampleValue(
        after,
        'http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="404"} ',
      ),
    ).toBe(1_000)
    // A handful of new series at most (the 404 histogram), not one per URL.
    expect(samples(after).length - before).toBeLessThan(40)
    expect((await promtoolCheck(after)).exitCode).toBe(0)
  }, 60_000)
})
