import type { WinReceipt } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents } from '../http/money.ts'
import { toJsonView } from './json-view.ts'

export const WinSchema = t.Object(
  {
    id: t.String(),
    pool: t.String(),
    gameId: t.String(),
    playerId: t.String(),
    payoutCents: Cents({ description: 'What the winner is paid: the pool amount at the time of the win' }),
    amountCents: Cents({ description: 'Pool amount after the reset (the seed)' }),
    reserveCents: Cents({ description: 'Pool reserve after funding the reset' }),
    resetFromReserveCents: Cents(),
    resetFromHouseCents: Cents(),
    createdAt: t.String({ format: 'date-time' }),
  },
  { title: 'Win', description: 'A recorded win: the payout and how the pool was reset' },
)

export function toWinView(receipt: WinReceipt) {
  return toJsonView(receipt, WinSchema)
}

export type WinView = ReturnType<typeof toWinView>
