import { Elysia } from 'elysia'
import { ProblemSchema } from '../http/problem.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { StatsSchema, toStatsView } from '../views/stats-view.ts'
import type { RouteDeps } from './route-deps.ts'

/** `GET /stats`: business figures for the dashboard, read at most once a second per replica (FigureMemo). */
export function statsRoutes({ store, figures, auth }: RouteDeps) {
  return new Elysia({ normalize: false })
    .use(auth)
    .get('/stats', async () => toStatsView((await figures.read('stats', (now) => store.stats(now))).value), {
      auth: 'viewer',
      response: { 200: StatsSchema, 401: ProblemSchema, 403: ProblemSchema },
      detail: {
        ...limitedAs('staff'),
        tags: ['stats'],
        operationId: 'getStats',
        summary: "Totals, today's contributions and growth",
      },
    })
}
