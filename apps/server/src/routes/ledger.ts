import { Elysia, t } from 'elysia'
import { PageLimit, PoolSlug } from '../http/domain-schemas.ts'
import { ProblemSchema } from '../http/problem.ts'
import { CursorText } from '../http/text.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { LedgerKind, LedgerPageSchema, toLedgerEntryView } from '../views/ledger-view.ts'
import type { RouteDeps } from './route-deps.ts'

const LedgerQuery = t.Object({
  pool: t.Optional(PoolSlug({ description: 'Only entries touching this pool' })),
  kind: t.Optional(LedgerKind),
  after: t.Optional(CursorText),
  since: t.Optional(t.String({ format: 'date-time', description: 'Entries created at or after' })),
  until: t.Optional(t.String({ format: 'date-time', description: 'Entries created before' })),
  limit: PageLimit(),
})

/** `GET /ledger`: the append-only ledger, oldest first, keyset-paginated. */
export function ledgerRoutes({ store, auth }: RouteDeps) {
  return new Elysia({ normalize: false }).use(auth).get(
    '/ledger',
    async ({ query }) => {
      const page = await store.ledger({
        pool: query.pool,
        kind: query.kind,
        after: query.after,
        since: query.since === undefined ? undefined : new Date(query.since),
        until: query.until === undefined ? undefined : new Date(query.until),
        limit: query.limit,
      })
      return { entries: page.entries.map(toLedgerEntryView), nextCursor: page.nextCursor }
    },
    {
      auth: 'viewer',
      query: LedgerQuery,
      response: {
        200: LedgerPageSchema,
        400: ProblemSchema,
        401: ProblemSchema,
        403: ProblemSchema,
        410: ProblemSchema,
      },
      detail: {
        ...limitedAs('staff'),
        tags: ['ledger'],
        operationId: 'listLedgerEntries',
        summary: 'Read the ledger',
        description:
          "Oldest first. Pass the previous page's nextCursor as 'after' to continue; keep the same filters. " +
          'A since/until range that starts in days archived out of the database (cli archive) answers 410 ledger-archived, naming the archive.',
      },
    },
  )
}
