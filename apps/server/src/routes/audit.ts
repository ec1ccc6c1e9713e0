import { Elysia, t } from 'elysia'
import { ProblemSchema } from '../http/problem.ts'
import { QueryInteger } from '../http/query-integer.ts'
import { CursorText } from '../http/text.ts'
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
        limit: t.Optional(QueryInteger('limit', { minimum: 1, maximum: 500, default: 50 })),
      }),
      response: { 200: AuditPageSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      detail: {
        tags: ['config'],
        operationId: 'listAuditEntries',
        summary: 'Read the audit trail of configuration changes',
      },
    },
  )
}
