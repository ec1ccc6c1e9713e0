import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  contribute,
  type LogLine,
  type ObservedServer,
  startObservedServer,
} from '../support/observed-server.ts'

/** Lines written from `from` on, waiting a turn so lines written after the response are in. */
async function linesSince(server: ObservedServer, from: number): Promise<LogLine[]> {
  await Bun.sleep(0)
  return server.logs.lines.slice(from)
}

describe('end-to-end: request ids in the log of the running server', () => {
  let server: ObservedServer
  let key: string

  beforeAll(async () => {
    server = await startObservedServer()
    key = await server.gameKey()
  }, 60_000)

  afterAll(async () => {
    await server?.close()
  })

  test('every line of a request, the domain\u2019s included, carries the id echoed in X-Request-Id', async () => {
    const requests: [string, () => Promise<Response>][] = [
      ['pool read', () => server.fetch('/api/v1/pools/minor')],
      ['contribution', () => contribute(server, key)],
      [
        'win',
        () =>
          server.fetch('/api/v1/wins', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': 'w-1' },
            body: JSON.stringify({ pool: 'mega', gameId: 'slots-1', playerId: 'p-1' }),
          }),
      ],
      [
        'configuration change',
        () =>
          server.fetch('/api/v1/config/pools/major', {
            method: 'PUT',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token('admin')}` },
            body: JSON.stringify({ contributionBp: 60, expectedVersion: 1 }),
          }),
      ],
      ['unknown pool', () => server.fetch('/api/v1/pools/nope')],
      ['unmatched path', () => server.fetch('/no/such/path')],
      [
        'malformed body',
        () =>
          server.fetch('/api/v1/contributions', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': key, 'idempotency-key': 'bad' },
            body: '{"gameId":',
          }),
      ],
    ]
    const domainMessages: string[] = []
    for (const [what, send] of requests) {
      const from = server.logs.lines.length
      const response = await send()
      await response.arrayBuffer()
      const requestId = response.headers.get('x-request-id') ?? undefined
      expect(requestId, what).toMatch(/^[0-9a-f-]{36}$/)
      const lines = await linesSince(server, from)
      expect(lines.length, what).toBeGreaterThanOrEqual(1)
      // The request and message are in the compared value so a failure names them.
      for (const line of lines)
        expect({ what, msg: line.msg, requestId: line.requestId }).toEqual({ what, msg: line.msg, requestId })
      expect(
        lines.filter((line) => line.msg === 'request completed'),
        what,
      ).toHaveLength(1)
      domainMessages.push(...lines.map((line) => line.msg ?? '').filter((msg) => msg !== 'request completed'))
    }
    // Written by packages/domain through the logger it was given, inside the request.
    expect(domainMessages).toEqual(
      expect.arrayContaining(['contribution recorded', 'jackpot won', 'pool configuration changed']),
    )
  })

  test('keeps a valid client X-Request-Id and gives concurrent requests their own ids', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `trace-${i}-${crypto.randomUUID()}`)
    const from = server.logs.lines.length
    const responses = await Promise.all(
      ids.map((id, i) =>
        server.fetch('/api/v1/wins', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': key,
            'idempotency-key': `concurrent-${i}`,
            'x-request-id': id,
          },
          body: JSON.stringify({
            pool: i % 2 === 0 ? 'minor' : 'major',
            gameId: 'slots-1',
            playerId: `p-${i}`,
          }),
        }),
      ),
    )
    const winIdByRequest = new Map<string, string>()
    for (const [i, response] of responses.entries()) {
      expect(response.status).toBe(201)
      expect(response.headers.get('x-request-id')).toBe(ids[i]!)
      winIdByRequest.set(ids[i]!, ((await response.json()) as { id: string }).id)
    }
    const won = (await linesSince(server, from)).filter((line) => line.msg === 'jackpot won')
    expect(won).toHaveLength(ids.length)
    // Each domain line names the request that caused it, although the requests interleaved.
    for (const line of won) expect(winIdByRequest.get(line.requestId!)).toBe(String(line.winId))
  })

  test('no secret sent in a header, a query or a body appears in any log line', async () => {
    const secrets = {
      bearer: `${server.token('admin', 'secret-admin')}`,
      apiKey: key,
      cookie: 'session=cookie-secret-4f1c9a',
      password: 'password-secret-77e2b1',
      token: 'token-secret-0c5d3e',
      secret: 'body-secret-9a8b7c',
      query: 'query-secret-31d6aa',
      badKey: 'jk_not-a-real-key-secret-5e4d3c',
    }
    const bodyWithSecrets = JSON.stringify({
      gameId: 'slots-1',
      wagerCents: 100,
      currency: 'EUR',
      password: secrets.password,
      token: secrets.token,
      secret: secrets.secret,
    })
    const common = { cookie: secrets.cookie, 'content-type': 'application/json' }
    const from = server.logs.raw.length
    const sent = [
      // Refused for the extra fields: the error path sees the whole body.
      server.fetch(`/api/v1/contributions?token=${secrets.query}`, {
        method: 'POST',
        headers: { ...common, 'x-api-key': secrets.apiKey, 'idempotency-key': 's-1' },
        body: bodyWithSecrets,
      }),
      // A key that does not authenticate, and a bearer token on a route that wants a key.
      server.fetch('/api/v1/contributions', {
        method: 'POST',
        headers: { ...common, 'x-api-key': secrets.badKey, 'idempotency-key': 's-2' },
        body: bodyWithSecrets,
      }),
      server.fetch('/api/v1/ledger', {
        headers: { ...common, authorization: `Bearer ${secrets.bearer}` },
      }),
      // Malformed JSON holding a secret, and an admin creating a key (its plaintext is in the response only).
      server.fetch('/api/v1/contributions', {
        method: 'POST',
        headers: { ...common, 'x-api-key': secrets.apiKey, 'idempotency-key': 's-3' },
        body: `{"password":"${secrets.password}",`,
      }),
      server.fetch('/api/v1/api-keys', {
        method: 'POST',
        headers: { ...common, authorization: `Bearer ${secrets.bearer}` },
        body: JSON.stringify({ name: 'created-in-test' }),
      }),
    ]
    const responses = await Promise.all(sent)
    expect(responses.map((r) => r.status)).toEqual([400, 401, 200, 400, 201])
    const created = ((await responses[4]!.json()) as { key: string }).key
    await Bun.sleep(0)
    const written = server.logs.raw.slice(from)
    expect(written.length).toBeGreaterThanOrEqual(sent.length)
    for (const value of [...Object.values(secrets), created, 'cookie-secret']) {
      for (const line of written) expect(line).not.toContain(value)
    }
  })
})
