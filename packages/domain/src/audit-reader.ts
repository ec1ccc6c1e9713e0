import { asc, gt } from 'drizzle-orm'
import { auditLog } from './db/schema.ts'
import { keysetPage } from './keyset-page.ts'
import { decodeCursor, encodeCursor, pageLimit } from './page-cursor.ts'
import type { StoreContext } from './store-context.ts'
import type { AuditEntry, Page } from './types.ts'

/**
 * One page of the audit log, oldest first (keyset pagination on the id).
 *
 * @throws InvalidCommandError for a bad cursor or limit.
 * @example
 * const { entries, nextCursor } = await readAudit(ctx, { limit: 20 })
 */
export async function readAudit(
  ctx: StoreContext,
  query: { after?: string | undefined; limit?: number | undefined },
): Promise<Page<AuditEntry>> {
  const limit = pageLimit(query.limit)
  const after = query.after === undefined ? undefined : decodeCursor(query.after)
  const rows = await ctx.run('audit.read', () =>
    ctx.db
      .select()
      .from(auditLog)
      .where(after === undefined ? undefined : gt(auditLog.id, after))
      .orderBy(asc(auditLog.id))
      .limit(limit + 1),
  )
  return keysetPage(
    rows,
    limit,
    (row) => ({ ...row, id: row.id.toString() }),
    (row) => encodeCursor(row.id),
  )
}
