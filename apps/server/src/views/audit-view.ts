import type { AuditEntry } from '@jackpot/domain'
import { t } from 'elysia'

const Snapshot = t.Union([t.Record(t.String(), t.Unknown()), t.Null()])

export const AuditEntrySchema = t.Object(
  {
    id: t.String(),
    actor: t.String({ description: 'Who made the change (token subject)' }),
    action: t.String({ examples: ['pool.config.update'] }),
    target: t.String({ examples: ['pool:mega'] }),
    before: Snapshot,
    after: Snapshot,
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'AuditEntry', description: 'One configuration change: who, when, before and after' },
)

export const AuditPageSchema = t.Object(
  {
    entries: t.Array(AuditEntrySchema),
    nextCursor: t.Union([t.String(), t.Null()]),
  },
  { title: 'AuditPage' },
)

export function toAuditEntryView(entry: AuditEntry) {
  return {
    id: entry.id,
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    before: jsonSafe(entry.before),
    after: jsonSafe(entry.after),
    createdAt: entry.createdAt.toISOString(),
  }
}

/** Snapshots may hold bigint cents or dates; JSON carries neither natively. */
function jsonSafe(snapshot: Record<string, unknown> | null): Record<string, unknown> | null {
  if (snapshot === null) return null
  return JSON.parse(
    JSON.stringify(snapshot, (_key, value: unknown) =>
      typeof value === 'bigint' &&
      value <= BigInt(Number.MAX_SAFE_INTEGER) &&
      value >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(value)
        : typeof value === 'bigint'
          ? value.toString()
          : value,
    ),
  ) as Record<string, unknown>
}

export type AuditEntryView = ReturnType<typeof toAuditEntryView>
