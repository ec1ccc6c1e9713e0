import type { ApiKey, CreatedApiKey } from '@jackpot/domain'
import { t } from 'elysia'
import { toJsonView } from './json-view.ts'

const Timestamp = t.Union([t.String({ format: 'date-time' }), t.Null()])

const apiKeyFields = {
  id: t.String(),
  name: t.String(),
  prefix: t.String({ description: 'First characters of the key, to recognise it' }),
  role: t.Literal('game'),
  createdAt: t.String({ format: 'date-time' }),
  createdBy: t.String(),
  lastUsedAt: Timestamp,
  revokedAt: Timestamp,
}

export const ApiKeySchema = t.Object(apiKeyFields, {
  title: 'ApiKey',
  description: 'A game-server API key, without its secret',
})

/** `GET /api-keys`. */
export const ApiKeyListSchema = t.Object({ keys: t.Array(ApiKeySchema) }, { title: 'ApiKeyList' })

export const CreatedApiKeySchema = t.Object(
  {
    ...apiKeyFields,
    key: t.String({ description: 'The secret key. Shown only in this response; store it now.' }),
  },
  { title: 'CreatedApiKey', description: 'A new API key with its secret, shown this once' },
)

export function toApiKeyView(key: ApiKey) {
  return toJsonView(key, ApiKeySchema)
}

export function toCreatedApiKeyView(key: CreatedApiKey) {
  return toJsonView(key, CreatedApiKeySchema)
}

export type ApiKeyView = ReturnType<typeof toApiKeyView>

export type CreatedApiKeyView = ReturnType<typeof toCreatedApiKeyView>
