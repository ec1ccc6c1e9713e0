import { afterAll, beforeAll, expect, test } from 'bun:test'
import { freePort } from '@jackpot/test-kit'
import { type RunningEdge, startEdge } from '../../../../ops/edge/start-edge.ts'
import { type ServerProcess, startServerProcess } from '../support/server-process.ts'
import { describeWith } from './support/cluster-services.ts'

// The server as `bun run start` runs it, behind Debian's nginx with ops/edge/nginx.conf, over real
// sockets: the X-Forwarded-For the edge forwards is what the limiter reads (TRUST_PROXY_HOPS=1).
await describeWith('rate limits behind the edge (nginx, real sockets)', { nginx: true }, () => {
  let server: ServerProcess
  let edge: RunningEdge

  beforeAll(async () => {
    server = await startServerProcess({
      PGLITE_DATA_DIR: 'memory://',
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_PUBLIC: '2',
      RATE_LIMIT_GAME: '2',
      RATE_LIMIT_STAFF: '2',
      TRUST_PROXY: 'true',
    })
    edge = await startEdge({ upstreams: [new URL(server.base).host], port: await freePort() })
  })
  afterAll(async () => {
    await edge?.stop()
    server?.kill('SIGTERM')
  })

  const statuses = async (requests: (() => Promise<Response>)[]) => {
    const out: number[] = []
    for (const send of requests) out.push((await send()).status)
    return out
  }

  test('a spoofed X-Forwarded-For sent through the edge does not buy a fresh budget', async () => {
    // Pool reads are micro-cached at the edge, so an uncached (staff) route shows the limiter:
    // anonymous requests there count against the IP, like failed authentications.
    const spoofed = ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'].map(
      (address) => () => fetch(`${edge.url}/api/v1/stats`, { headers: { 'x-forwarded-for': address } }),
    )
    const seen = await statuses(spoofed)
    expect(seen).toEqual([401, 401, 429, 429])
  })

  test('forged API keys through the edge share one budget', async () => {
    // The IP is the same as above, but the game group has a budget of its own.
    const contribute = (key: string) => () =>
      fetch(`${edge.url}/api/v1/contributions`, {
        method: 'POST',
        headers: {
          'x-api-key': key,
          'idempotency-key': crypto.randomUUID(),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ gameId: 'slots-1', wagerCents: 100, currency: 'EUR' }),
      })
    const forged = Array.from({ length: 4 }, (_, i) => contribute(`jk_live_forged_${i}`))
    expect(await statuses(forged)).toEqual([401, 401, 429, 429])
  })
})
