import { Elysia, t } from 'elysia'
import { PageLimit } from '../http/domain-schemas.ts'
import { ProblemSchema } from '../http/problem.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { PoolGrowthPageSchema, toPoolGrowthPage } from '../views/pool-growth-view.ts'
import { RecentWinsPageSchema, toRecentWinsPage } from '../views/recent-win-view.ts'
import { TopGamesPageSchema, toTopGamesPage } from '../views/top-game-view.ts'
import type { RouteDeps } from './route-deps.ts'

const Cursor = (description: string) => t.Optional(t.String({ minLength: 1, maxLength: 512, description }))
const Errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema }

/**
 * What the operations dashboard shows and the rest of the API lacks, for
 * viewers: the latest wins (one page through an index), today's top games
 * (today's rows of the game-day rollup) and each pool's growth over 24 h (the
 * minute rollup). None reads the whole ledger, and first pages come from the
 * figure memo (at most one read a second per replica; this replica's writes
 * show at once).
 *
 * @example
 * app.use(dashboardReadRoutes(deps))
 */
export function dashboardReadRoutes({ store, figures, auth }: RouteDeps) {
  // The first page of each figure is what dashboards poll: it comes from the memo (one
  // read per second per page size); later pages, asked for by hand, go to the store.
  const firstPage = (route: string, cursor: string | undefined, limit: number | undefined) =>
    cursor === undefined ? `${route}?limit=${limit ?? ''}` : undefined

  return new Elysia({ normalize: false })
    .use(auth)
    .get(
      '/wins/recent',
      async ({ query }) =>
        toRecentWinsPage(
          (await figures.read(firstPage('wins', query.before, query.limit), () => store.recentWins(query)))
            .value,
          store.currency,
        ),
      {
        auth: 'viewer',
        query: t.Object({ before: Cursor("A previous page's nextCursor: older wins"), limit: PageLimit() }),
        response: { 200: RecentWinsPageSchema, ...Errors },
        detail: {
          ...limitedAs('staff'),
          tags: ['stats'],
          operationId: 'listRecentWins',
          summary: 'Latest wins',
          description:
            "Newest first: payout, pool, game, player, time. Pass a page's nextCursor as 'before' for older wins.",
        },
      },
    )
    .get(
      '/stats/top-games',
      async ({ query }) => {
        const { value, at } = await figures.read(firstPage('top-games', query.after, query.limit), (now) =>
          store.topGames(query, now),
        )
        return toTopGamesPage(value, store.currency, at)
      },
      {
        auth: 'viewer',
        query: t.Object({ after: Cursor("A previous page's nextCursor"), limit: PageLimit() }),
        // 422: a cursor that decodes but was not handed out by this route (the domain refuses it).
        response: { 200: TopGamesPageSchema, ...Errors, 422: ProblemSchema },
        detail: {
          ...limitedAs('staff'),
          tags: ['stats'],
          operationId: 'listTopGames',
          summary: "Today's top games",
          description:
            "Games by cents their wagers contributed to the pools since UTC midnight, largest first (ties by game id). Pass a page's nextCursor as 'after' to continue.",
        },
      },
    )
    .get(
      '/stats/pool-growth',
      async ({ query }) => {
        const { value, at } = await figures.read(firstPage('pool-growth', query.after, query.limit), (now) =>
          store.poolGrowth(query, now),
        )
        return toPoolGrowthPage(value, store.currency, at)
      },
      {
        auth: 'viewer',
        query: t.Object({
          after: t.Optional(
            t.String({
              minLength: 1,
              maxLength: 64,
              description: "A previous page's nextCursor (a pool slug)",
            }),
          ),
          limit: PageLimit(),
        }),
        response: { 200: PoolGrowthPageSchema, ...Errors },
        detail: {
          ...limitedAs('staff'),
          tags: ['stats'],
          operationId: 'listPoolGrowth',
          summary: 'Growth of each pool over 24 h',
          description:
            "Per pool, by slug: the wagers that reached it in the 24 h up to now and the cents they added (a pool with none shows 0). Reads one day of contributions through an index. Pass a page's nextCursor as 'after' for the next pools.",
        },
      },
    )
}
