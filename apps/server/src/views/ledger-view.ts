import type { LedgerEntry } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson, StrictInteger } from '../http/money.ts'
import { NextCursor } from './json-view.ts'

/** A union of literals, not t.UnionEnum: Elysia gives UnionEnum a default, which would filter every query. */
export const LedgerKind = t.Union(
  [
    t.Literal('seed'),
    t.Literal('contribution'),
    t.Literal('win'),
    t.Literal('reset'),
    t.Literal('adjustment'),
  ],
  { title: 'LedgerKind' },
)

const SignedCents = (description: string) =>
  StrictInteger({ minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description })

export const LedgerEntrySchema = t.Object(
  {
    id: t.String(),
    kind: LedgerKind,
    idempotencyKey: t.Union([t.String(), t.Null()]),
    parentId: t.Union([t.String(), t.Null()], { description: 'For a reset: the win that caused it' }),
    gameId: t.Union([t.String(), t.Null()]),
    playerId: t.Union([t.String(), t.Null()]),
    wagerCents: t.Union([Cents(), t.Null()]),
    lines: t.Array(
      t.Object(
        {
          pool: t.String(),
          amountDeltaCents: SignedCents('Change of the pool amount'),
          reserveDeltaCents: SignedCents('Change of the pool reserve'),
          amountAfterCents: Cents(),
          reserveAfterCents: Cents(),
        },
        { title: 'LedgerLine', description: 'What one entry did to one pool' },
      ),
    ),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'LedgerEntry', description: 'One append-only ledger entry' },
)

export const LedgerPageSchema = t.Object(
  {
    entries: t.Array(LedgerEntrySchema),
    nextCursor: NextCursor('after'),
  },
  { title: 'LedgerPage' },
)

export function toLedgerEntryView(entry: LedgerEntry) {
  return {
    id: entry.id,
    kind: entry.kind,
    idempotencyKey: entry.idempotencyKey,
    parentId: entry.parentId,
    gameId: entry.gameId,
    playerId: entry.playerId,
    wagerCents: entry.wagerCents === null ? null : centsToJson(entry.wagerCents),
    lines: entry.lines.map((line) => ({
      pool: line.pool,
      amountDeltaCents: centsToJson(line.amountDeltaCents),
      reserveDeltaCents: centsToJson(line.reserveDeltaCents),
      amountAfterCents: centsToJson(line.amountAfterCents),
      reserveAfterCents: centsToJson(line.reserveAfterCents),
    })),
    createdAt: entry.createdAt.toISOString(),
  }
}

export type LedgerEntryView = ReturnType<typeof toLedgerEntryView>
