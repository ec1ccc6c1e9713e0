import { Elysia, t } from 'elysia'
import { actorOf } from '../auth/principal.ts'
import { ContributionBp, PoolSlug } from '../http/domain-schemas.ts'
import { Cents, centsFromJson, StrictInteger } from '../http/money.ts'
import { ProblemSchema } from '../http/problem.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { PoolSchema, toPoolView } from '../views/pool-view.ts'
import type { RouteDeps } from './route-deps.ts'

const PoolConfigBody = t.Object(
  {
    contributionBp: t.Optional(ContributionBp()),
    seedCents: t.Optional(Cents({ minimum: 0 })),
    ceilingCents: t.Optional(
      t.Union([Cents({ minimum: 1 }), t.Null()], { description: 'null removes the ceiling' }),
    ),
    expectedVersion: StrictInteger({
      minimum: 1,
      description: "The pool's version you read; a stale one is refused with 409",
    }),
  },
  { additionalProperties: false, title: 'PoolConfigChange' },
)

/** `GET /config`, `PUT /config/pools/:slug`: audited pool configuration. Admins only. */
export function configRoutes({ store, auth }: RouteDeps) {
  return new Elysia({ normalize: false })
    .use(auth)
    .get(
      '/config',
      async () => ({ currency: store.currency, pools: (await store.listPools()).map(toPoolView) }),
      {
        auth: 'admin',
        response: {
          200: t.Object({ currency: t.String(), pools: t.Array(PoolSchema) }, { title: 'PoolConfiguration' }),
          401: ProblemSchema,
          403: ProblemSchema,
        },
        detail: {
          ...limitedAs('staff'),
          tags: ['config'],
          operationId: 'getConfig',
          summary: 'Read the pool configuration',
        },
      },
    )
    .put(
      '/config/pools/:slug',
      async ({ params, body, principal }) => {
        const pool = await store.updatePoolConfig({
          slug: params.slug,
          expectedVersion: body.expectedVersion,
          contributionBp: body.contributionBp,
          seedCents: body.seedCents === undefined ? undefined : centsFromJson(body.seedCents),
          ceilingCents:
            body.ceilingCents === undefined || body.ceilingCents === null
              ? body.ceilingCents
              : centsFromJson(body.ceilingCents),
          actor: actorOf(principal),
        })
        return toPoolView(pool)
      },
      {
        auth: 'admin',
        params: t.Object({ slug: PoolSlug() }),
        parse: 'json',
        body: PoolConfigBody,
        response: {
          200: PoolSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          404: ProblemSchema,
          409: ProblemSchema,
          422: ProblemSchema,
        },
        detail: {
          ...limitedAs('staff'),
          tags: ['config'],
          operationId: 'updatePoolConfig',
          summary: "Change a pool's configuration",
          description: 'Optimistic: send the version you read as expectedVersion. Every change is audited.',
        },
      },
    )
}
