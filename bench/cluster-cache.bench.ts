/**
 * The cluster figures of the cache issue, measured on a real local cluster
 * (ops/cluster/local-cluster.ts): two replicas on a fresh PostgreSQL database
 * and a private redis-server, Debian's nginx edge in front.
 *
 *   bun run bench/cluster-cache.bench.ts [trials=300] [edgeSeconds=10]
 *
 * 1. Cross-replica visibility: post a contribution to replica A; from its 201,
 *    read `GET /api/v1/pools` on replica B back to back until B serves the
 *    ETag A serves. p50/p95/p99/max over the trials, against the 100 ms target.
 *    The anchor is the bound without the bus: the 1 s TTL of an L1 entry.
 * 2. Edge: autocannon on `GET /api/v1/pools` through nginx; the share of reads
 *    nginx answered from its cache (X-Cache-Status HIT in its access log),
 *    against the 95 % target, and how long a change takes to show through the
 *    edge (s-maxage=1, kept by nginx in whole seconds).
 *
 * Needs PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * redis-server and nginx.
 */
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import {
  contribute,
  edgeCacheStatuses,
  quantile,
  readPools,
  startLoad,
  within,
} from '../apps/server/test/cluster/support/cluster-client.ts'
import { startEdgeCluster } from '../apps/server/test/cluster/support/edge-cluster.ts'

const TRIALS = Number(process.argv[2] ?? 300)
const EDGE_SECONDS = Number(process.argv[3] ?? 10)
const VISIBILITY_TARGET_MS = 100
const HIT_TARGET = 0.95

const c = await startEdgeCluster({
  redis: 'private',
  redisKeyPrefix: `bench-${crypto.randomUUID()}`,
  env: { RATE_LIMIT_PUBLIC: '1000000000', RATE_LIMIT_GAME: '1000000000' },
  adminSub: 'bench',
})
try {
  const { a, b, edge, gameKey: key, cluster } = c
  console.log(
    `cluster cache bench — ${new Date().toISOString()} — bun ${Bun.version}, 2 replicas, ${TRIALS} trials, ${EDGE_SECONDS}s edge load`,
  )

  const delays: number[] = []
  let staleAfter = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    await contribute(a, key)
    const posted = performance.now()
    const expected = (await readPools(a)).etag
    while ((await readPools(b)).etag !== expected) {
      if (performance.now() - posted > 5_000) throw new Error(`trial ${trial}: B never showed the change`)
    }
    delays.push(performance.now() - posted)
    if ((await readPools(b)).etag !== expected) staleAfter++
  }
  const p99 = quantile(delays, 0.99)
  console.log(
    `\n1. cross-replica visibility (201 on A → B serves it), ms: p50 ${quantile(delays, 0.5).toFixed(1)}, ` +
      `p95 ${quantile(delays, 0.95).toFixed(1)}, p99 ${p99.toFixed(1)}, max ${Math.max(...delays).toFixed(1)}; ` +
      `stale reads after: ${staleAfter}\n   p99 ${p99.toFixed(1)} ms vs target ${VISIBILITY_TARGET_MS} ms: ` +
      `${p99 < VISIBILITY_TARGET_MS ? 'met' : 'NOT met'} (without the bus: up to the 1 000 ms TTL)`,
  )

  const accessLog = join(cluster.edge!.workDir, 'access.log')
  const offset = statSync(accessLog).size
  // Reconnecting before nginx's keepalive_requests (1 000) closes the connection: autocannon
  // ignores `Connection: close` and would count the reset as an error.
  const load = startLoad({
    url: `${edge}/api/v1/pools`,
    connections: 32,
    duration: EDGE_SECONDS,
    reconnectRate: 500,
  })
  const freshness: number[] = []
  for (let change = 0; change < EDGE_SECONDS / 2.5 - 1; change++) {
    await Bun.sleep(1_000)
    await contribute(a, key)
    const expected = (await readPools(a)).etag
    freshness.push(await within(5_000, async () => (await readPools(edge)).etag === expected, 'edge fresh'))
  }
  const result = await load.done
  const statuses = edgeCacheStatuses(readFileSync(accessLog, 'utf8').slice(offset))
  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0)
  const ratio = (statuses.get('HIT') ?? 0) / total
  console.log(
    `\n2. edge: ${total} pool reads (${Math.round(result.requests.average)} req/s, errors ${result.errors}, ` +
      `non-2xx ${result.non2xx}): ${JSON.stringify(Object.fromEntries(statuses))}\n` +
      `   HIT ratio ${(ratio * 100).toFixed(2)} % vs target ${HIT_TARGET * 100} %: ${ratio >= HIT_TARGET ? 'met' : 'NOT met'}\n` +
      `   a change showed through the edge after ${freshness.map((ms) => ms.toFixed(0)).join(', ')} ms ` +
      '(s-maxage=1; nginx keeps whole seconds)',
  )
} finally {
  await c.stop()
}
