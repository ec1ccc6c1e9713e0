import { describe, expect, test } from 'bun:test'
import { createSecretRedactor, REDACTED } from './redact-secrets.ts'

describe('createSecretRedactor', () => {
  const redact = createSecretRedactor()

  test('returns the very same object when nothing is secret', () => {
    const logged = { pool: 'mega', amounts: [1, 2], nested: { ok: true } }
    expect(redact(logged)).toBe(logged)
  })

  test('copies instead of mutating the logged object', () => {
    const logged = { user: { password: 'hunter2', name: 'ann' } }
    const result = redact(logged)
    expect(result).toEqual({ user: { password: REDACTED, name: 'ann' } })
    expect(logged.user.password).toBe('hunter2')
  })

  test('matches key names ignoring case, dashes and underscores', () => {
    const result = redact({ 'X-API-KEY': 'a', api_key: 'b', ApiKey: 'c', DB_PASSWORD: 'd', Cookie: 'e' })
    expect(Object.values(result)).toEqual([REDACTED, REDACTED, REDACTED, REDACTED, REDACTED])
  })

  test('redacts inside arrays', () => {
    expect(redact({ users: [{ token: 't1' }, { name: 'n' }] })).toEqual({
      users: [{ token: REDACTED }, { name: 'n' }],
    })
  })

  test('leaves null and undefined secrets as they are', () => {
    expect(redact({ password: null, token: undefined })).toEqual({ password: null, token: undefined })
  })

  test('stops descending after six levels so huge objects cannot stall logging', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { password: 'too-deep' } } } } } } } }
    expect(redact(deep)).toBe(deep)
  })

  test('adds extra names to the defaults', () => {
    expect(createSecretRedactor(['iban'])({ iban: 'DE00', password: 'p' })).toEqual({
      iban: REDACTED,
      password: REDACTED,
    })
  })
})
