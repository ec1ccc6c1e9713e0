import { Elysia, t } from 'elysia'
import { PageLimit } from '../http/domain-schemas.ts'
import { ProblemSchema } from '../http/problem.ts'
import { CursorText } from '../http/text.ts'
import { limitedAs } from '../rate-limit/rate-limit-groups.ts'
import { AuditPageSchema, toAuditEntryView } from '../views/audit-view.ts'
import type { RouteDeps } from './route-deps.ts'

/** `GET /audit`: who changed what, oldest first. Admins only. */
export function auditRoutes({ store, auth }: RouteDeps) {
  return new Elysia({ normalize: false }).use(auth).get(
    '/audit',
    async ({ query }) => {
      const page = await store.audit({ after: query.after, limit: query.limit })
      return { entries: page.entries.map(toAuditEntryView), nextCursor: page.nextCursor }
    },
    {
      auth: 'admin',
      query: t.Object({
        after: t.Optional(CursorText),
        limit: PageLimit(),
      }),
      response: { 200: AuditPageSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      detail: {
        ...limitedAs('staff'),
        tags: ['config'],
        operationId: 'listAuditEntries',
        summary: 'Read the audit trail of configuration changes',
      },
    },
  )
}
