import { describe, expect, test } from 'bun:test'
import { ApiKeyNotFoundError } from '../../src/index.ts'
import type { StoreHarness } from './store-harness.ts'

export function apiKeyCases(h: StoreHarness): void {
  describe('api keys', () => {
    test('creates a jpk_ key shown once, listed afterwards by prefix only', async () => {
      const created = await h.store.createApiKey({ name: 'slots-eu-1', createdBy: 'alice' })
      expect(created.key).toMatch(/^jpk_[A-Za-z0-9_-]{43}$/)
      expect(created).toMatchObject({
        name: 'slots-eu-1',
        prefix: created.key.slice(0, 12),
        role: 'game',
        createdBy: 'alice',
        createdAt: h.clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      })
      const listed = await h.store.listApiKeys()
      expect(listed).toEqual([
        {
          id: created.id,
          name: 'slots-eu-1',
          prefix: created.prefix,
          role: 'game',
          createdBy: 'alice',
          createdAt: created.createdAt,
          lastUsedAt: null,
          revokedAt: null,
        },
      ])
      expect(JSON.stringify(listed)).not.toContain(created.key.slice(12))
    })

    test('authenticates the plaintext key and records its use at most once a minute', async () => {
      const { key, id } = await h.store.createApiKey({ name: 'k', createdBy: 'alice' })
      const firstUse = h.clock.now()
      expect(await h.store.authenticateApiKey(key)).toMatchObject({ id, lastUsedAt: firstUse })
      h.clock.advance(30_000)
      expect(await h.store.authenticateApiKey(key)).toMatchObject({ id, lastUsedAt: firstUse })
      expect((await h.store.listApiKeys())[0]!.lastUsedAt).toEqual(firstUse)
      h.clock.advance(31_000)
      const later = h.clock.now()
      expect(await h.store.authenticateApiKey(key)).toMatchObject({ id, lastUsedAt: later })
      expect((await h.store.listApiKeys())[0]!.lastUsedAt).toEqual(later)
    })

    test('does not authenticate an unknown or malformed key', async () => {
      const { key } = await h.store.createApiKey({ name: 'k', createdBy: 'alice' })
      const otherKey = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`
      expect(await h.store.authenticateApiKey(otherKey)).toBeNull()
      expect(await h.store.authenticateApiKey('')).toBeNull()
      expect(await h.store.authenticateApiKey('Bearer something')).toBeNull()
    })

    test('revokes a key for good, audited once', async () => {
      const { key, id } = await h.store.createApiKey({ name: 'k', createdBy: 'alice' })
      h.clock.advance(1_000)
      const revoked = await h.store.revokeApiKey(id, 'bob')
      expect(revoked.revokedAt).toEqual(h.clock.now())
      expect(await h.store.authenticateApiKey(key)).toBeNull()
      h.clock.advance(1_000)
      expect((await h.store.revokeApiKey(id, 'bob')).revokedAt).toEqual(revoked.revokedAt)
      const audit = (await h.store.audit({})).entries.map((e) => [e.action, e.actor, e.target])
      expect(audit).toEqual([
        ['api_key.create', 'alice', `api_key:${id}`],
        ['api_key.revoke', 'bob', `api_key:${id}`],
      ])
    })

    test('refuses to revoke a key that does not exist', async () => {
      await expect(
        h.store.revokeApiKey('00000000-0000-4000-8000-000000000000', 'bob'),
      ).rejects.toBeInstanceOf(ApiKeyNotFoundError)
      await expect(h.store.revokeApiKey('not-a-uuid', 'bob')).rejects.toMatchObject({
        code: 'E_API_KEY_NOT_FOUND',
      })
    })
  })
}
