import { Elysia, t } from 'elysia'
import { actorOf } from '../auth/principal.ts'
import { ProblemSchema } from '../http/problem.ts'
import { Text } from '../http/text.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import {
  ApiKeyListSchema,
  ApiKeySchema,
  CreatedApiKeySchema,
  toApiKeyView,
  toCreatedApiKeyView,
} from '../views/api-key-view.ts'
import type { RouteDeps } from './route-deps.ts'

/** `POST/GET/DELETE /api-keys`: game-server keys, stored hashed, shown once. Admins only. */
export function apiKeyRoutes({ apiKeys, auth }: RouteDeps) {
  const errors = { 401: ProblemSchema, 403: ProblemSchema }
  return new Elysia({ normalize: false })
    .use(auth)
    .post(
      '/api-keys',
      async ({ body, principal, set }) => {
        const created = await apiKeys.createApiKey({ name: body.name, createdBy: actorOf(principal) })
        set.status = 201
        // The plaintext exists only in this response; nothing must cache it.
        set.headers['cache-control'] = 'no-store'
        return toCreatedApiKeyView(created)
      },
      {
        auth: 'admin',
        parse: 'json',
        body: t.Object(
          { name: Text({ minLength: 1, maxLength: 100, examples: ['slots-cluster-eu'] }) },
          { additionalProperties: false, title: 'ApiKeyRequest' },
        ),
        response: { 201: CreatedApiKeySchema, 400: ProblemSchema, ...errors },
        detail: {
          ...limitedAs('staff'),
          tags: ['api-keys'],
          operationId: 'createApiKey',
          summary: 'Create a game-server API key',
          description: "The response holds the key itself, once; send it as 'X-API-Key'.",
        },
      },
    )
    .get('/api-keys', async () => ({ keys: (await apiKeys.listApiKeys()).map(toApiKeyView) }), {
      auth: 'admin',
      response: { 200: ApiKeyListSchema, ...errors },
      detail: {
        ...limitedAs('staff'),
        tags: ['api-keys'],
        operationId: 'listApiKeys',
        summary: 'List API keys (without the secrets)',
      },
    })
    .delete(
      '/api-keys/:id',
      async ({ params, principal }) =>
        toApiKeyView(await apiKeys.revokeApiKey(params.id, actorOf(principal))),
      {
        auth: 'admin',
        params: t.Object({ id: Text({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ApiKeySchema, 404: ProblemSchema, ...errors },
        detail: {
          ...limitedAs('staff'),
          tags: ['api-keys'],
          operationId: 'revokeApiKey',
          summary: 'Revoke an API key',
          description: 'Takes effect immediately.',
        },
      },
    )
}
