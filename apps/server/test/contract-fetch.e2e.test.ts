import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { contractFetch } from './support/contract-fetch.ts'
import { createHarness, type Harness } from './support/harness.ts'

/**
 * The socket suites' contract check, tested: a real socket in front of the app
 * that adds a field the document does not name to one route's answer.
 */
describe('contractFetch (end-to-end, over a socket)', () => {
  let h: Harness
  let server: ReturnType<typeof Bun.serve>
  let base: string

  beforeAll(async () => {
    h = await createHarness()
    server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      async fetch(request) {
        const url = new URL(request.url)
        const response = await h.app.handle(
          new Request(`http://localhost${url.pathname}${url.search}`, request),
        )
        if (url.pathname !== '/api/v1/pools/mega' || url.searchParams.get('leak') !== '1') return response
        const body = (await response.json()) as Record<string, unknown>
        return Response.json({ ...body, internalNote: 'not in the contract' }, { headers: response.headers })
      },
    })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(async () => {
    server.stop(true)
    await h.close()
  })

  test('passes answers that keep the document the server publishes', async () => {
    const send = await contractFetch(base)
    expect((await send('/api/v1/pools/mega')).status).toBe(200)
    expect((await send('/api/v1/pools/giga')).status).toBe(404)
  })

  test('throws on a field the document does not name, where the response arrives', async () => {
    const send = await contractFetch(base)
    await expect(send('/api/v1/pools/mega?leak=1')).rejects.toThrow(
      "GET /api/v1/pools/mega → 200: body must NOT have additional properties 'internalNote'",
    )
  })
})
