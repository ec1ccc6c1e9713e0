import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm'
import { apiKeys, auditLog } from './db/schema.ts'
import { ApiKeyNotFoundError, InvalidCommandError } from './errors.ts'
import type { StoreContext } from './store-context.ts'
import type { ApiKey, CreatedApiKey } from './types.ts'

/** Every key starts with this, so a leaked one is recognisable (secret scanners). */
export const API_KEY_PREFIX = 'jpk_'
/** Characters of the key kept in clear to recognise it in a list. */
const DISPLAY_PREFIX_LENGTH = 12
// 32 random bytes in base64url.
const KEY_PATTERN = /^jpk_[A-Za-z0-9_-]{43}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** `last_used_at` is written at most this often per key, so authentication stays a read. */
const LAST_USED_RESOLUTION_MS = 60_000

type ApiKeyRow = typeof apiKeys.$inferSelect

/**
 * Game servers' API keys: created and revoked by admins (audited), checked on
 * every game request. Apart from `JackpotStore` because what needs keys
 * (the authenticator, the key routes) needs nothing of the jackpot. The
 * drizzle store implements both on one database (see `openJackpot`).
 */
export interface ApiKeyStore {
  createApiKey(input: { name: string; createdBy: string }): Promise<CreatedApiKey>
  /** Every key, revoked ones included, oldest first. */
  listApiKeys(): Promise<ApiKey[]>
  /** @throws ApiKeyNotFoundError */
  revokeApiKey(id: string, actor: string): Promise<ApiKey>
  /** The active key matching this plaintext, or null. */
  authenticateApiKey(plaintext: string): Promise<ApiKey | null>
}

/** sha256 hex of a plaintext key: the only form stored. */
export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext).digest('hex')
}

/**
 * Creates a game API key (`jpk_` + 32 random bytes, base64url), stores its
 * hash only and audits the creation. The plaintext is in the result, once.
 *
 * @example
 * const { key } = await createApiKey(ctx, { name: 'slots-eu-1', createdBy: 'alice' })
 */
export async function createApiKey(
  ctx: StoreContext,
  input: { name: string; createdBy: string },
): Promise<CreatedApiKey> {
  if (input.name.trim() === '') throw new InvalidCommandError('name must not be empty', 'name')
  if (input.createdBy.length === 0) throw new InvalidCommandError('createdBy must not be empty', 'createdBy')
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`
  const now = ctx.now()
  const row = await ctx.run('api_keys.create', () =>
    ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(apiKeys)
        .values({
          name: input.name,
          prefix: key.slice(0, DISPLAY_PREFIX_LENGTH),
          keyHash: hashApiKey(key),
          role: 'game',
          createdBy: input.createdBy,
          createdAt: now,
        })
        .returning()
      await tx.insert(auditLog).values({
        actor: input.createdBy,
        action: 'api_key.create',
        target: `api_key:${created!.id}`,
        before: null,
        after: { name: created!.name, prefix: created!.prefix, role: created!.role },
        createdAt: now,
      })
      return created!
    }),
  )
  return { ...toApiKey(row), key }
}

/** Every key, revoked ones included, oldest first. */
export async function listApiKeys(ctx: StoreContext): Promise<ApiKey[]> {
  const rows = await ctx.run('api_keys.list', () =>
    ctx.db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id)),
  )
  return rows.map(toApiKey)
}

/**
 * Revokes a key and audits it. Revoking a revoked key changes nothing.
 *
 * @throws ApiKeyNotFoundError
 */
export async function revokeApiKey(ctx: StoreContext, id: string, actor: string): Promise<ApiKey> {
  if (!UUID.test(id)) throw new ApiKeyNotFoundError(id)
  if (actor.length === 0) throw new InvalidCommandError('actor must not be empty', 'actor')
  const row = await ctx.run('api_keys.revoke', () =>
    ctx.db.transaction(async (tx) => {
      const [current] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update')
      if (!current) throw new ApiKeyNotFoundError(id)
      if (current.revokedAt !== null) return current
      const now = ctx.now()
      const [revoked] = await tx.update(apiKeys).set({ revokedAt: now }).where(eq(apiKeys.id, id)).returning()
      await tx.insert(auditLog).values({
        actor,
        action: 'api_key.revoke',
        target: `api_key:${id}`,
        before: { revokedAt: null },
        after: { revokedAt: now.toISOString() },
        createdAt: now,
      })
      return revoked!
    }),
  )
  ctx.apiKeys.forget(id)
  return toApiKey(row)
}

/**
 * The active key matching a plaintext, or null. Records the use at most once a
 * minute per key.
 *
 * @example
 * const key = await authenticateApiKey(ctx, request.headers.get('x-api-key') ?? '')
 */
export async function authenticateApiKey(ctx: StoreContext, plaintext: string): Promise<ApiKey | null> {
  // Not even shaped like a key: no reason to ask the database.
  if (!KEY_PATTERN.test(plaintext)) return null
  const hash = hashApiKey(plaintext)
  const cached = ctx.apiKeys.lookup(hash, ctx.now().getTime())
  if (cached !== undefined) return cached
  return ctx.apiKeys.singleFlight(hash, () => lookUpApiKey(ctx, hash))
}

async function lookUpApiKey(ctx: StoreContext, hash: string): Promise<ApiKey | null> {
  const [row] = await ctx.run('api_keys.authenticate', () =>
    ctx.db
      .select()
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt))),
  )
  if (!row) return null
  const now = ctx.now()
  if (row.lastUsedAt !== null && now.getTime() - row.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) {
    const key = toApiKey(row)
    ctx.apiKeys.remember(hash, key, now.getTime())
    return key
  }
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS)
  // The condition makes a burst of concurrent requests write once, not once each.
  await ctx.run('api_keys.touch', () =>
    ctx.db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(
        and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, staleBefore))),
      ),
  )
  const key = toApiKey({ ...row, lastUsedAt: now })
  ctx.apiKeys.remember(hash, key, now.getTime())
  return key
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    createdBy: row.createdBy,
  }
}
