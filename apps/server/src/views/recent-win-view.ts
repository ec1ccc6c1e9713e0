import type { Page, RecentWin } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents } from '../http/money.ts'
import { NextCursor, toJsonView } from './json-view.ts'

export const RecentWinSchema = t.Object({
  id: t.String({ description: 'Ledger entry id of the win' }),
  pool: t.String({ examples: ['mega'] }),
  gameId: t.String(),
  playerId: t.String(),
  payoutCents: Cents({ description: 'What the win paid' }),
  currency: t.String({ examples: ['EUR'] }),
  createdAt: t.String({ format: 'date-time' }),
})

export const RecentWinsPageSchema = t.Object({
  wins: t.Array(RecentWinSchema),
  nextCursor: NextCursor('before', 'older wins'),
})

/** @example toRecentWinsPage(await store.recentWins({ limit: 20 }), store.currency) */
export function toRecentWinsPage(page: Page<RecentWin>, currency: string) {
  return {
    wins: page.entries.map((win) => toJsonView({ ...win, currency }, RecentWinSchema)),
    nextCursor: page.nextCursor,
  }
}

export type RecentWinsPageView = ReturnType<typeof toRecentWinsPage>
