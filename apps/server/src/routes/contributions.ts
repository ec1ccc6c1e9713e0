import { Elysia, t } from 'elysia'
import { CurrencyCode, WagerCents } from '../http/domain-schemas.ts'
import { createdIdempotently, IdempotencyHeaders } from '../http/idempotency.ts'
import { centsFromJson } from '../http/money.ts'
import { ProblemSchema } from '../http/problem.ts'
import { Text } from '../http/text.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { ContributionSchema, toContributionView } from '../views/contribution-view.ts'
import type { RouteDeps } from './route-deps.ts'

const ContributionBody = t.Object(
  {
    gameId: Text({ minLength: 1, maxLength: 128, examples: ['slots-42'] }),
    playerId: t.Optional(Text({ minLength: 1, maxLength: 128, examples: ['player-7'] })),
    wagerCents: WagerCents(),
    currency: CurrencyCode(),
  },
  { additionalProperties: false, title: 'ContributionRequest' },
)

/** `POST /contributions`: a wager feeds every pool. Game servers only. */
export function contributionRoutes({ store, auth }: RouteDeps) {
  return new Elysia({ normalize: false }).use(auth).post(
    '/contributions',
    async (context) =>
      createdIdempotently(
        context,
        (key) =>
          store.contribute({
            ...key,
            gameId: context.body.gameId,
            playerId: context.body.playerId,
            wagerCents: centsFromJson(context.body.wagerCents),
            currency: context.body.currency,
          }),
        toContributionView,
      ),
    {
      auth: 'game',
      headers: IdempotencyHeaders,
      // Documents the body as JSON; the global jsonBody parser runs first and does the parsing.
      parse: 'json',
      body: ContributionBody,
      response: {
        201: ContributionSchema,
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        409: ProblemSchema,
        413: ProblemSchema,
        422: ProblemSchema,
      },
      detail: {
        ...limitedAs('game'),
        tags: ['game'],
        operationId: 'createContribution',
        summary: 'Contribute a wager to the pools',
        description:
          'Adds wager × rate to every pool; fractions of a cent carry over per pool. ' +
          'Repeating the same Idempotency-Key and body returns the first result with ' +
          "'Idempotency-Replayed: true'; the same key with another body is 409.",
      },
    },
  )
}
