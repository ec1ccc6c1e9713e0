import { describe, expect, test } from 'bun:test'
import { createHmac } from 'node:crypto'
import { JwtError, type SignOptions, signJwt, type VerifyOptions, verifyJwt } from '../src/auth/jwt.ts'
import type { StaffRole } from '../src/auth/roles.ts'

const secret = 'a-test-secret-that-is-long-enough-1234'
const issuer = 'jackpot-platform'
const audience = 'jackpot-api'
const keys = [{ kid: 'default', secret }]
const t0 = Date.UTC(2030, 0, 1)

function verifyAt(token: string, ms: number, overrides: Partial<VerifyOptions> = {}) {
  return verifyJwt(token, { keys, issuer, audience, now: () => ms, ...overrides })
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    return error instanceof JwtError ? error.code : 'not a JwtError'
  }
  return undefined
}

/** Signs arbitrary header/payload with the test secret, to forge tokens the signer would never make. */
function forge(header: object, payload: object, key = secret): string {
  const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${enc(header)}.${enc(payload)}`
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`
}

/** The claims the signer would write for ada the admin at t0 with a one-minute lifetime. */
function adminClaims(overrides: object = {}) {
  return {
    sub: 'ada',
    role: 'admin',
    iss: issuer,
    aud: audience,
    iat: t0 / 1000,
    exp: t0 / 1000 + 60,
    ...overrides,
  }
}

/** Signs ada's token at t0 with the test issuer, given the role and any signing option to change. */
function signAs(role: StaffRole, options: Partial<SignOptions> = {}): string {
  return signJwt(
    { sub: 'ada', role },
    {
      secret,
      issuer,
      ttlSeconds: 60,
      now: () => t0,
      ...options,
    },
  )
}

describe('JWT HS256', () => {
  test('verifies a token it signed and returns its claims', () => {
    const token = signAs('operator', { ttlSeconds: 3600 })
    expect(verifyAt(token, t0 + 1000)).toEqual({
      sub: 'ada',
      role: 'operator',
      iss: issuer,
      aud: audience,
      iat: t0 / 1000,
      exp: t0 / 1000 + 3600,
    })
  })

  test('refuses a token once it has expired, allowing 30 s of clock skew', () => {
    const token = signAs('admin')
    expect(verifyAt(token, t0 + 60_000 + 29_000).sub).toBe('ada')
    expect(errorCode(() => verifyAt(token, t0 + 60_000 + 30_000))).toBe('E_TOKEN_EXPIRED')
  })

  test('refuses a token signed with another secret', () => {
    const token = signAs('admin', { secret: 'other-secret' })
    expect(errorCode(() => verifyAt(token, t0))).toBe('E_TOKEN_SIGNATURE')
  })

  test('refuses a payload changed after signing', () => {
    const token = signAs('viewer')
    const [header, , signature] = token.split('.')
    const elevated = Buffer.from(JSON.stringify(adminClaims())).toString('base64url')
    expect(errorCode(() => verifyAt(`${header}.${elevated}.${signature}`, t0))).toBe('E_TOKEN_SIGNATURE')
  })

  test("refuses 'alg: none' and any algorithm but HS256", () => {
    const claims = adminClaims()
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`
    expect(errorCode(() => verifyAt(none, t0))).toBe('E_TOKEN_MALFORMED')
    expect(errorCode(() => verifyAt(forge({ alg: 'HS512', typ: 'JWT' }, claims), t0))).toBe(
      'E_TOKEN_MALFORMED',
    )
  })

  test('refuses another issuer, an unknown role, a missing subject and a future iat', () => {
    const base = adminClaims()
    const header = { alg: 'HS256', typ: 'JWT' }
    expect(errorCode(() => verifyAt(forge(header, { ...base, iss: 'someone-else' }), t0))).toBe(
      'E_TOKEN_CLAIMS',
    )
    expect(errorCode(() => verifyAt(forge(header, { ...base, role: 'game' }), t0))).toBe('E_TOKEN_CLAIMS')
    expect(errorCode(() => verifyAt(forge(header, { ...base, sub: '' }), t0))).toBe('E_TOKEN_CLAIMS')
    expect(errorCode(() => verifyAt(forge(header, { ...base, exp: undefined }), t0))).toBe('E_TOKEN_CLAIMS')
    expect(errorCode(() => verifyAt(forge(header, { ...base, iat: t0 / 1000 + 600 }), t0))).toBe(
      'E_TOKEN_CLAIMS',
    )
  })

  test('refuses strings that are not JWTs', () => {
    for (const garbage of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.???.###']) {
      expect(errorCode(() => verifyAt(garbage, t0))).toBe('E_TOKEN_MALFORMED')
    }
  })
})

describe('maximum token lifetime', () => {
  test('refuses a token signed to live longer than the configured maximum, even while unexpired', () => {
    const long = signAs('admin', { ttlSeconds: 48 * 3600 })
    const options = { keys, issuer, audience, now: () => t0 + 1000, maxLifetimeSeconds: 86_400 }
    expect(errorCode(() => verifyJwt(long, options))).toBe('E_TOKEN_CLAIMS')
    const day = signAs('admin', { ttlSeconds: 86_400 })
    expect(verifyJwt(day, options).sub).toBe('ada')
  })
})

describe('audience', () => {
  test('issues the audience it is given and refuses a token without it or for another one', () => {
    const token = signAs('admin')
    expect(verifyAt(token, t0).aud).toBe('jackpot-api')
    const base = adminClaims({ aud: undefined })
    const header = { alg: 'HS256', typ: 'JWT' }
    expect(errorCode(() => verifyAt(forge(header, base), t0))).toBe('E_TOKEN_CLAIMS')
    expect(errorCode(() => verifyAt(forge(header, { ...base, aud: 'billing-api' }), t0))).toBe(
      'E_TOKEN_CLAIMS',
    )
    expect(errorCode(() => verifyAt(forge(header, { ...base, aud: ['billing-api'] }), t0))).toBe(
      'E_TOKEN_CLAIMS',
    )
    expect(verifyAt(forge(header, { ...base, aud: ['billing-api', audience] }), t0).sub).toBe('ada')
    const other = signAs('admin', { audience: 'billing-api' })
    expect(errorCode(() => verifyAt(other, t0))).toBe('E_TOKEN_CLAIMS')
  })
})

describe('key rotation (kid)', () => {
  const oldKey = { kid: '2030-01', secret: 'the-old-key-that-signed-last-month-0123' }
  const newKey = { kid: '2030-02', secret: 'the-new-key-that-signs-from-now-on-4567' }
  const sign = (key: { kid: string; secret: string }) => signAs('admin', { ...key, ttlSeconds: 600 })

  test('names its key in the kid header', () => {
    const [header] = sign(newKey).split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
      kid: '2030-02',
    })
  })

  test('verifies tokens of every listed key, picked by kid, until the key is removed', () => {
    const during = { keys: [newKey, oldKey] }
    expect(verifyAt(sign(newKey), t0, during).sub).toBe('ada')
    expect(verifyAt(sign(oldKey), t0, during).sub).toBe('ada')
    const after = { keys: [newKey] }
    expect(verifyAt(sign(newKey), t0, after).sub).toBe('ada')
    expect(errorCode(() => verifyAt(sign(oldKey), t0, after))).toBe('E_TOKEN_KEY')
  })

  test('a kid that names one key cannot borrow another key: the signature is checked with the named one', () => {
    const forged = signAs('admin', { kid: newKey.kid, secret: oldKey.secret, ttlSeconds: 600 })
    expect(errorCode(() => verifyAt(forged, t0, { keys: [newKey, oldKey] }))).toBe('E_TOKEN_SIGNATURE')
  })

  test("checks a token without kid (signed before keys had ids) with the 'default' key only", () => {
    const legacy = forge({ alg: 'HS256', typ: 'JWT' }, adminClaims())
    expect(verifyAt(legacy, t0, { keys: [newKey, { kid: 'default', secret }] }).sub).toBe('ada')
    expect(errorCode(() => verifyAt(legacy, t0, { keys: [newKey, { ...oldKey, secret }] }))).toBe(
      'E_TOKEN_KEY',
    )
  })
})
