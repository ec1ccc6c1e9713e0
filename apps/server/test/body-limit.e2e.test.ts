import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { serveOptions } from '../src/serve-options.ts'
import { type CheckedFetch, contractFetch } from './support/contract-fetch.ts'
import { createHarness, type Harness } from './support/harness.ts'

const LIMIT = 1024

/** End-to-end over a real socket: declared and chunked bodies past the limit both get problem+json. */
describe('end-to-end body limit', () => {
  let h: Harness
  let send: CheckedFetch
  const url = '/api/v1/contributions'
  let key: string
  let stop: () => Promise<void>

  beforeAll(async () => {
    h = await createHarness({ env: { BODY_LIMIT_BYTES: String(LIMIT), HOST: '127.0.0.1', PORT: '0' } })
    const app = h.app.listen(serveOptions(h.config))
    // The socket's answers are checked against the /swagger/json the server publishes.
    send = await contractFetch(`http://127.0.0.1:${app.server?.port}`)
    stop = async () => {
      await app.stop(true)
    }
    key = await h.gameKey()
  })
  afterAll(async () => {
    await stop()
    await h.close()
  })

  const oversized = JSON.stringify({ gameId: 'x'.repeat(LIMIT * 4), wagerCents: 100, currency: 'EUR' })
  const headers = (idempotencyKey: string) => ({
    'content-type': 'application/json',
    'x-api-key': key,
    'idempotency-key': idempotencyKey,
  })

  test('refuses a body whose Content-Length is over the limit with 413 problem+json', async () => {
    const res = await send(url, { method: 'POST', headers: headers('big-declared'), body: oversized })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(await res.json()).toMatchObject({ type: 'https://jackpot.dev/problems/payload-too-large' })
  })

  test('refuses a chunked body that grows past the limit with 413 problem+json', async () => {
    const bytes = new TextEncoder().encode(oversized)
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 512) controller.enqueue(bytes.slice(i, i + 512))
        controller.close()
      },
    })
    const res = await send(url, { method: 'POST', headers: headers('big-chunked'), body })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect((await h.store.ledger({ kind: 'contribution' })).entries).toHaveLength(0)
  })

  test('accepts a body just under the limit', async () => {
    const body = JSON.stringify({ gameId: 'g', wagerCents: 100, currency: 'EUR' })
    const res = await send(url, { method: 'POST', headers: headers('small'), body })
    expect(res.status).toBe(201)
  })
})
