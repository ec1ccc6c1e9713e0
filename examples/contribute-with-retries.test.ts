import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createHarness, type Harness } from '../apps/server/test/support/harness.ts'
import { ContributionRefused, contributeWithRetries, createJackpotClient } from './contribute-with-retries.ts'

/**
 * The example runs against a real server on a socket, behind a proxy that
 * plays the failures a game server meets: the proxy decides, attempt by
 * attempt, to refuse, to forward and then drop the connection, or to forward
 * and hide the answer behind an outcome-unknown 503.
 */
type Behaviour = 'overloaded' | 'forward-then-drop' | 'forward-then-outcome-unknown' | 'forward'

let h: Harness
let upstream: string
let proxy: Server
let proxyUrl: string
let script: Behaviour[] = []
const seen: { idempotencyKey: string | undefined; body: string }[] = []

beforeAll(async () => {
  h = await createHarness()
  h.app.listen({ port: 0, hostname: '127.0.0.1' })
  upstream = `http://127.0.0.1:${h.app.server?.port}`
  proxy = createServer((request, response) => void play(request, response))
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  proxy.close()
  await h.app.stop()
  await h.close()
})

async function play(request: IncomingMessage, response: ServerResponse) {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  const body = Buffer.concat(chunks).toString()
  seen.push({ idempotencyKey: request.headers['idempotency-key'] as string | undefined, body })
  const behaviour = script.shift() ?? 'forward'
  const problem = (kind: string, headers: Record<string, string>) => {
    response.writeHead(503, { 'content-type': 'application/problem+json', ...headers })
    response.end(JSON.stringify({ type: `https://jackpot.dev/problems/${kind}`, title: kind, status: 503 }))
  }
  if (behaviour === 'overloaded') return problem('overloaded', { 'retry-after': '1' })

  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value)
  }
  const answer = await fetch(`${upstream}${request.url}`, { method: request.method, headers, body })
  const text = await answer.text()
  // The server has committed; the game server never hears of it.
  if (behaviour === 'forward-then-drop') return request.socket.destroy()
  if (behaviour === 'forward-then-outcome-unknown') return problem('outcome-unknown', {})
  response.writeHead(answer.status, Object.fromEntries(answer.headers))
  response.end(text)
}

/** A client with a fresh game key whose requests meet `steps`, one per request, with nothing seen yet. */
async function clientThrough(steps: typeof script) {
  script = steps
  seen.length = 0
  return createJackpotClient(proxyUrl, await h.gameKey())
}

describe('examples/contribute-with-retries.ts against a real server', () => {
  test('rides out an overload, a dropped connection and an unknown outcome, and contributes once', async () => {
    const client = await clientThrough([
      'overloaded',
      'forward-then-drop',
      'forward-then-outcome-unknown',
      'forward',
    ])
    const waits: number[] = []
    const before = await h.store.getPool('mega')

    const result = await contributeWithRetries(
      client,
      'round-2026-12-05-0001',
      { gameId: 'slots-42', playerId: 'player-7', wagerCents: 10_000, currency: 'EUR' },
      { sleep: async (ms) => void waits.push(ms) },
    )

    expect(result.attempts).toBe(4)
    expect(result.replayed).toBe(true)
    expect(seen.map((s) => s.idempotencyKey)).toEqual(Array(4).fill('round-2026-12-05-0001'))
    expect(new Set(seen.map((s) => s.body)).size).toBe(1)
    // The overload's Retry-After (1 s) was honoured; the other waits are short backoffs.
    expect(waits[0]).toBe(1000)

    const ledger = await h.store.ledger({ kind: 'contribution', limit: 500 })
    const entries = ledger.entries.filter((e) => e.idempotencyKey === 'round-2026-12-05-0001')
    expect(entries.map((e) => e.id)).toEqual([result.contribution.id])
    const after = await h.store.getPool('mega')
    const credited = result.contribution.pools.find((p) => p.slug === 'mega')?.contributedCents
    expect(credited).toBeGreaterThan(0)
    expect(after.amountCents + after.reserveCents - (before.amountCents + before.reserveCents)).toBe(
      BigInt(credited ?? 0),
    )
  })

  test('gives up at once on a refusal that a retry cannot change', async () => {
    const attempt = contributeWithRetries(
      await clientThrough([]),
      'round-usd',
      { gameId: 'slots-42', wagerCents: 100, currency: 'USD' },
      { sleep: async () => {} },
    )
    await expect(attempt).rejects.toBeInstanceOf(ContributionRefused)
    await expect(attempt).rejects.toMatchObject({
      status: 422,
      problem: { type: 'https://jackpot.dev/problems/currency-mismatch' },
    })
    expect(seen).toHaveLength(1)
  })

  test('stops after its attempts when the server keeps refusing with 503', async () => {
    const attempt = contributeWithRetries(
      await clientThrough(['overloaded', 'overloaded', 'overloaded']),
      'round-busy',
      { gameId: 'slots-42', wagerCents: 100, currency: 'EUR' },
      { attempts: 3, sleep: async () => {} },
    )
    await expect(attempt).rejects.toMatchObject({ status: 503 })
    expect(seen).toHaveLength(3)
    expect(
      (await h.store.ledger({ kind: 'contribution', limit: 500 })).entries.some(
        (e) => e.idempotencyKey === 'round-busy',
      ),
    ).toBe(false)
  })
})
