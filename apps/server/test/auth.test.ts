import { afterAll, describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { signJwt } from '../src/auth/jwt.ts'
import { createHarness } from './support/harness.ts'

let now = Date.UTC(2030, 5, 1, 12)
const h = await createHarness({ now: () => now })
afterAll(() => h.close())

const contribution = { gameId: 'slots-1', wagerCents: 1000, currency: 'EUR' }

describe('authentication', () => {
  test('answers 401 problem+json with a WWW-Authenticate challenge when credentials are missing', async () => {
    const res = await h.send('GET', '/api/v1/ledger')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.headers.get('www-authenticate')).toContain('Bearer realm="jackpot"')
    expect(res.body).toMatchObject({ type: 'https://jackpot.dev/problems/unauthorized', status: 401 })
  })

  test('answers 401 for a malformed, forged or expired bearer token', async () => {
    const forged = signJwt(
      { sub: 'mallory', role: 'admin' },
      { secret: 'not-the-server-secret', issuer: h.config.JWT_ISSUER, ttlSeconds: 60, now: () => now },
    )
    const expired = signJwt(
      { sub: 'ada', role: 'admin' },
      {
        secret: h.config.JWT_SECRET,
        issuer: h.config.JWT_ISSUER,
        ttlSeconds: 60,
        now: () => now - 3_600_000,
      },
    )
    for (const authorization of [
      'Basic YWRhOnNlY3JldA==',
      'Bearer not-a-jwt',
      `Bearer ${forged}`,
      `Bearer ${expired}`,
    ]) {
      const res = await h.send('GET', '/api/v1/config', { headers: { authorization } })
      expect(res.status).toBe(401)
      expect(res.headers.get('www-authenticate')).toStartWith('Bearer realm="jackpot"')
    }
  })

  test('accepts a token until it expires, by the injected clock', async () => {
    const token = h.token('viewer')
    expect((await h.send('GET', '/api/v1/stats', { bearer: token })).status).toBe(200)
    now += 3_600_000 + 31_000
    const res = await h.send('GET', '/api/v1/stats', { bearer: token })
    now -= 3_600_000 + 31_000
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ detail: 'The token has expired.' })
  })

  test('answers 401 for an unknown API key', async () => {
    const res = await h.send('POST', '/api/v1/contributions', {
      apiKey: 'jk_live_unknown',
      idempotencyKey: 'auth-unknown-key',
      body: contribution,
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('ApiKey realm="jackpot"')
  })

  test('checks credentials before the body, so anonymous callers learn nothing about it', async () => {
    const res = await h.send('POST', '/api/v1/contributions', { body: { nonsense: true } })
    expect(res.status).toBe(401)
  })
})

describe('authorization', () => {
  test('answers 403 problem+json when the role is too weak', async () => {
    const res = await h.send('GET', '/api/v1/config', { bearer: h.token('operator') })
    expect(res.status).toBe(403)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(res.body).toMatchObject({ type: 'https://jackpot.dev/problems/forbidden', status: 403 })
  })

  test('ranks viewer < operator < admin on staff routes', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      expect((await h.send('GET', '/api/v1/ledger', { bearer: h.token(role) })).status).toBe(200)
    }
    expect((await h.send('GET', '/api/v1/audit', { bearer: h.token('operator') })).status).toBe(403)
    expect((await h.send('GET', '/api/v1/audit', { bearer: h.token('admin') })).status).toBe(200)
  })

  test('lets only game keys contribute, and game keys or operators record wins', async () => {
    const key = await h.gameKey()
    const asAdmin = await h.send('POST', '/api/v1/contributions', {
      bearer: h.token('admin'),
      idempotencyKey: 'authz-admin-contrib',
      body: contribution,
    })
    expect(asAdmin.status).toBe(403)
    const asGame = await h.send('POST', '/api/v1/contributions', {
      apiKey: key,
      idempotencyKey: 'authz-game-contrib',
      body: contribution,
    })
    expect(asGame.status).toBe(201)

    const win = (init: { apiKey?: string; bearer?: string }, idempotencyKey: string) =>
      h.send('POST', '/api/v1/wins', {
        ...init,
        idempotencyKey,
        body: { pool: 'minor', gameId: 'slots-1', playerId: 'p1' },
      })
    expect((await win({ bearer: h.token('viewer') }, 'authz-win-viewer')).status).toBe(403)
    expect((await win({ bearer: h.token('operator') }, 'authz-win-operator')).status).toBe(201)
    expect((await win({ apiKey: key }, 'authz-win-game')).status).toBe(201)
  })

  test('keeps game keys off staff routes', async () => {
    const key = await h.gameKey('staff-probe')
    expect((await h.send('GET', '/api/v1/ledger', { apiKey: key })).status).toBe(403)
    expect((await h.send('GET', '/api/v1/api-keys', { apiKey: key })).status).toBe(403)
  })
})

describe('API key management', () => {
  test('shows a new key once, lists it without the secret, and refuses it after revocation', async () => {
    const admin = h.token('admin', 'ada')
    const created = await h.send<{ id: string; key: string; prefix: string; createdBy: string }>(
      'POST',
      '/api/v1/api-keys',
      { bearer: admin, body: { name: 'slots-eu' } },
    )
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    expect(created.body.key.length).toBeGreaterThanOrEqual(20)
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true)
    expect(created.body.createdBy).toBe('ada')

    const listed = await h.send<{ keys: { id: string; key?: string }[] }>('GET', '/api/v1/api-keys', {
      bearer: admin,
    })
    const entry = listed.body.keys.find((k) => k.id === created.body.id)
    expect(entry).toBeDefined()
    expect(entry?.key).toBeUndefined()
    expect(listed.text).not.toContain(created.body.key)

    const use = (idempotencyKey: string) =>
      h.send('POST', '/api/v1/contributions', {
        apiKey: created.body.key,
        idempotencyKey,
        body: contribution,
      })
    expect((await use('mgmt-before-revoke')).status).toBe(201)

    const revoked = await h.send<{ revokedAt: string | null }>(
      'DELETE',
      `/api/v1/api-keys/${created.body.id}`,
      {
        bearer: admin,
      },
    )
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedAt).not.toBeNull()
    expect((await use('mgmt-after-revoke')).status).toBe(401)
  })

  test('answers 404 problem+json for revoking an unknown key', async () => {
    const res = await h.send('DELETE', '/api/v1/api-keys/00000000-0000-0000-0000-000000000000', {
      bearer: h.token('admin'),
    })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ type: 'https://jackpot.dev/problems/api-key-not-found' })
  })

  test('refuses key management to operators', async () => {
    const res = await h.send('POST', '/api/v1/api-keys', { bearer: h.token('operator'), body: { name: 'x' } })
    expect(res.status).toBe(403)
  })
})

describe('signing-key rotation and audience', () => {
  const NEW = { kid: '2030-06', secret: 'the-new-signing-key-0123456789abcdefghij' }
  const OLD = { kid: '2030-05', secret: 'the-old-signing-key-0123456789abcdefghij' }
  const sign = (key: { kid: string; secret: string }, audience?: string) =>
    signJwt(
      { sub: 'ada', role: 'viewer' },
      { ...key, issuer: 'jackpot-platform', ttlSeconds: 600, now: () => now, audience },
    )

  test('a token of the old key keeps working while its kid is listed, and gets 401 once it is removed', async () => {
    const during = await createHarness({
      now: () => now,
      env: { JWT_SECRETS: `${NEW.kid}:${NEW.secret},${OLD.kid}:${OLD.secret}` },
    })
    const after = await createHarness({ now: () => now, env: { JWT_SECRETS: `${NEW.kid}:${NEW.secret}` } })
    try {
      // The app signs with the first key.
      expect(JSON.parse(Buffer.from(during.token('viewer').split('.')[0]!, 'base64url').toString()).kid).toBe(
        NEW.kid,
      )
      expect((await during.send('GET', '/api/v1/stats', { bearer: sign(OLD) })).status).toBe(200)
      expect((await during.send('GET', '/api/v1/stats', { bearer: sign(NEW) })).status).toBe(200)
      expect((await after.send('GET', '/api/v1/stats', { bearer: sign(NEW) })).status).toBe(200)
      const removed = await after.send('GET', '/api/v1/stats', { bearer: sign(OLD) })
      expect(removed.status).toBe(401)
      expect(removed.headers.get('www-authenticate')).toContain('error="invalid_token"')
    } finally {
      await during.close()
      await after.close()
    }
  })

  test('a token without the audience, or for another one, gets 401', async () => {
    const key = { kid: 'default', secret: h.config.JWT_SECRET }
    expect((await h.send('GET', '/api/v1/stats', { bearer: sign(key) })).status).toBe(200)
    expect((await h.send('GET', '/api/v1/stats', { bearer: sign(key, 'billing-api') })).status).toBe(401)
    const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
    const iat = Math.floor(now / 1000)
    const unsigned = `${enc({ alg: 'HS256', typ: 'JWT', kid: 'default' })}.${enc({ sub: 'ada', role: 'viewer', iss: 'jackpot-platform', iat, exp: iat + 600 })}`
    const noAudience = `${unsigned}.${createHmac('sha256', key.secret).update(unsigned).digest('base64url')}`
    const res = await h.send('GET', '/api/v1/stats', { bearer: noAudience })
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ detail: "The token's aud claim is missing or not accepted." })
  })
})
