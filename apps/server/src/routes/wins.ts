import { Elysia, t } from 'elysia'
import { PoolSlug } from '../http/domain-schemas.ts'
import { createdIdempotently, IdempotencyHeaders } from '../http/idempotency.ts'
import { ProblemSchema } from '../http/problem.ts'
import { Text } from '../http/text.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { toWinView, WinSchema } from '../views/win-view.ts'
import type { RouteDeps } from './route-deps.ts'

const WinBody = t.Object(
  {
    pool: PoolSlug({ examples: ['minor'] }),
    gameId: Text({ minLength: 1, maxLength: 128, examples: ['slots-42'] }),
    playerId: Text({ minLength: 1, maxLength: 128, examples: ['player-7'] }),
  },
  { additionalProperties: false, title: 'WinRequest' },
)

/** `POST /wins`: pays a pool out and resets it to its seed. Game servers or operators. */
export function winRoutes({ store, auth }: RouteDeps) {
  return new Elysia({ normalize: false }).use(auth).post(
    '/wins',
    async (context) => {
      return createdIdempotently(context, (key) => store.win({ ...key, ...context.body }), toWinView)
    },
    {
      auth: ['game', 'operator'],
      headers: IdempotencyHeaders,
      parse: 'json',
      body: WinBody,
      response: {
        201: WinSchema,
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        404: ProblemSchema,
        409: ProblemSchema,
        413: ProblemSchema,
      },
      detail: {
        ...limitedAs('game'),
        tags: ['game'],
        operationId: 'createWin',
        summary: 'Record a jackpot win',
        description:
          "Pays the pool's current amount and resets it to its seed, funded from the reserve first. " +
          'Idempotent like contributions.',
      },
    },
  )
}
