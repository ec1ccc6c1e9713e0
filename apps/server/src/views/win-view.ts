import type { WinReceipt } from '@jackpot/domain'
import { t } from 'elysia'
import { Cents, centsToJson } from '../http/money.ts'

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
  return {
    id: receipt.id,
    pool: receipt.pool,
    gameId: receipt.gameId,
    playerId: receipt.playerId,
    payoutCents: centsToJson(receipt.payoutCents),
    amountCents: centsToJson(receipt.amountCents),
    reserveCents: centsToJson(receipt.reserveCents),
    resetFromReserveCents: centsToJson(receipt.resetFromReserveCents),
    resetFromHouseCents: centsToJson(receipt.resetFromHouseCents),
    createdAt: receipt.createdAt.toISOString(),
  }
}

export type WinView = ReturnType<typeof toWinView>
