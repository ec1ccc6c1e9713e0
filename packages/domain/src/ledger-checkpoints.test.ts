import { describe, expect, test } from 'bun:test'
import { LedgerArchivedError } from './errors.ts'
import {
  archivesAsked,
  brokenCheckpoint,
  type CheckpointContent,
  type CheckpointPool,
  chainCheckpoint,
  checkpointDifference,
} from './ledger-checkpoints.ts'

function pool(amountCents: bigint): CheckpointPool {
  return {
    amountCents,
    reserveCents: 0n,
    residue: 0n,
    contributedCents: amountCents - 100n,
    paidOutCents: 0n,
    seededByHouseCents: 100n,
    contributions: 3n,
    wins: 0n,
    dayLines: 3n,
    dayAmountDeltaCents: amountCents,
    dayReserveDeltaCents: 0n,
  }
}

function content(day: string, lastEntryId: bigint, amount: bigint): CheckpointContent {
  return { day, lastEntryId, entries: 3, lines: 3, pools: new Map([['minor', pool(amount)]]) }
}

describe('ledger checkpoints', () => {
  test('a chain of days holds, and changing one figure or unlinking a day is found at that day', () => {
    const first = chainCheckpoint(content('2026-12-01', 3n, 130n), null)
    const second = chainCheckpoint(content('2026-12-02', 6n, 160n), first)
    expect(brokenCheckpoint([first, second])).toBeNull()

    const edited = { ...second, pools: new Map([['minor', pool(161n)]]) }
    expect(brokenCheckpoint([first, edited])).toEqual({
      day: '2026-12-02',
      reason: 'its hash does not match its content',
    })
    const unlinked = chainCheckpoint(content('2026-12-02', 6n, 160n), null)
    expect(brokenCheckpoint([first, unlinked])?.reason).toContain(
      'does not link to the checkpoint of 2026-12-01',
    )
  })

  test('names the first figure a replay disagrees on', () => {
    expect(checkpointDifference(content('2026-12-01', 3n, 130n), content('2026-12-01', 3n, 130n))).toBeNull()
    expect(checkpointDifference(content('2026-12-01', 3n, 130n), content('2026-12-01', 3n, 131n))).toBe(
      'pool minor amountCents is 130, the replay gives 131',
    )
  })

  test('a ledger range that starts in archived days names their archive; one that starts in live days does not', () => {
    const archives = [
      {
        name: 'ledger-2026-12-01--2026-12-02',
        firstDay: '2026-12-01',
        lastDay: '2026-12-02',
        location: '/a',
        manifestSha256: 'x',
      },
    ]
    const at = (text: string) => new Date(text)
    expect(archivesAsked(archives, at('2026-12-02T10:00:00Z'), undefined)).toEqual(archives)
    expect(archivesAsked(archives, undefined, at('2026-12-02T00:00:00Z'))).toEqual(archives)
    expect(archivesAsked(archives, at('2026-12-03T00:00:00Z'), undefined)).toEqual([])
    expect(archivesAsked(archives, undefined, undefined)).toEqual([])
    expect(new LedgerArchivedError(archives).message).toContain('2026-12-01..2026-12-02 were archived')
  })
})
