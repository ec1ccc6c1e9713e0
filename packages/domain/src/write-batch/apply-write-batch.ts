import { and, asc, gte, isNotNull, lt, sql } from 'drizzle-orm'
import type { Transaction } from '../db/database.ts'
import { constraintName, sqlState } from '../db/database-errors.ts'
import { DAY_MS, nextUtcDay, utcDay } from '../db/ledger-partitions.ts'
import {
  gameDayStats,
  idempotencyKeyWindow,
  ledgerBatchPools,
  ledgerEntries,
  pastIdempotencyKeys,
  poolMinuteStats,
  pools,
} from '../db/schema.ts'
import { IdempotencyConflictError, IdempotencyKeyExpiredError, PoolNotFoundError } from '../errors.ts'
import type { LedgerEntryRow } from '../idempotency.ts'
import {
  DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  keyDigest,
  keyPrefix,
  retentionCutoff,
} from '../idempotency-keys.ts'
import { type PoolRow, toPool } from '../pool-rows.ts'
import { contributionHash, winHash } from '../request-hash.ts'
import { splitContribution } from '../rules/contribution-split.ts'
import { computeWinPayout } from '../rules/win-payout.ts'
import type { SettledKeyFilter } from '../settled-key-filter.ts'
import type { ContributionReceipt, LedgerKind, WinReceipt } from '../types.ts'
import { contributionReceipt, loadReplayedReceipts } from './replayed-receipts.ts'
import { integerArray, resultRows, textArray } from './sql-arrays.ts'
import type { AppliedBatch, ItemOutcome, WriteItem } from './write-item.ts'

/** Where the key window starts, epoch ms as text (a one-row table: a scalar subquery). */
const KEY_WINDOW_START_MS = sql<string>`(SELECT (extract(epoch FROM ${idempotencyKeyWindow.keysFrom}) * 1000)::bigint::text FROM ${idempotencyKeyWindow})`

/**
 * A batch met a key that another transaction claimed after this one looked:
 * the batch rolls back and is tried again (see GroupCommitWriter). Cannot
 * happen while every keyed write holds the pool locks first, which they do;
 * kept as a guard, never as a silent duplicate.
 */
export class ConcurrentClaimError extends Error {
  readonly code = 'E_CONCURRENT_CLAIM'
}

/** A ledger entry this batch will insert; `index` orders them, ids come later. */
interface EntryDraft {
  kind: LedgerKind
  key: string | null
  scope: string
  hash: string | null
  /** For a reset: the draft of its win. */
  parent: EntryDraft | null
  gameId: string | null
  playerId: string | null
  wagerCents: bigint | null
  currency: string | null
  id: bigint
}

interface LineDraft {
  entry: EntryDraft
  poolSlug: string
  amountDelta: bigint
  reserveDelta: bigint
  contributedDelta: bigint
  paidOutDelta: bigint
  seededByHouseDelta: bigint
  amountAfter: bigint
  reserveAfter: bigint
  residueAfter: number
}

/**
 * A run of consecutive contributions of the batch (a win ends it), per pool:
 * one `ledger_batch_pools` row each, instead of one line per contribution.
 */
interface RunDraft {
  first: EntryDraft
  last: EntryDraft
  pools: Map<
    string,
    {
      contributions: number
      contributionBp: number
      ceilingCents: bigint | null
      amountDelta: bigint
      reserveDelta: bigint
      amountAfter: bigint
      reserveAfter: bigint
      residueAfter: number
    }
  >
}

/** What a pool's row becomes over the batch, and by how much each total moved. */
interface PoolDraft {
  row: PoolRow
  changed: boolean
  contributedDelta: bigint
  paidOutDelta: bigint
  seededByHouseDelta: bigint
  contributions: number
  wins: number
  /** Wagers of the batch's contributions (each counted once per pool, as the minute rollup keeps them). */
  wagerCents: bigint
}

/** One game's share of the batch, for its UTC day's rollup row. */
interface GameDraft {
  contributions: number
  wagerCents: bigint
  contributedCents: bigint
}

/** A key this batch has already seen: claimed by an earlier item, or committed before. */
interface SeenKey {
  kind: LedgerKind
  /** The request's fingerprint (`request-hash.ts`), recomputed from the entry for a committed key. */
  hash: string | null
  /** Past the retention: a replay is refused as expired. */
  expired: boolean
  receipt: () => ContributionReceipt | WinReceipt
}

/**
 * Applies a batch of contributions and wins in one transaction, in the items'
 * order, with a fixed number of statements whatever its size:
 *
 * 1. lock every pool, in slug order (all replicas take them in the same order,
 *    so batches queue behind each other instead of deadlocking);
 * 2. find the items' keys that are already committed or expired (two SELECTs
 *    sent together: the ledger entries of the days still in the key window, by
 *    each day's key-digest index, and the settled keys' prefixes, only those
 *    the replica's in-memory filter cannot rule out when it has one), and rebuild
 *    the receipts of those that replay (two more, only when there are any); a
 *    key older than `retentionDays` is refused as expired;
 * 3. in memory, in arrival order: replay, refuse (409, unknown pool) or apply
 *    each item with the rules in `rules/`, the same key twice behaving exactly
 *    as two requests one after the other;
 * 4. take one ledger id per new entry from the sequence, ascending, so ledger
 *    id order is the order the changes were applied (a win's reset right after
 *    its win);
 * 5. one multi-row INSERT each of the entries (which claims their keys: a
 *    key someone else committed meanwhile fails the day's unique key index and
 *    rolls the batch back rather than duplicating it), the lines
 *    (wins and resets: a contribution has none) and the runs of contributions
 *    (`ledger_batch_pools`: per run per pool, the deltas and the state after),
 *    and one UPDATE of the pools. Rows go to the partition of `now`'s UTC
 *    day; a day without one fails the batch, and the writer makes it and retries.
 *
 * An item's refusal is its own outcome and never fails the others; anything
 * thrown fails the whole batch, which then has no effect at all.
 *
 * @example
 * const applied = await db.transaction((tx) => applyWriteBatch(tx, items, new Date()))
 */
export async function applyWriteBatch(
  tx: Transaction,
  items: readonly WriteItem[],
  now: Date,
  retentionDays: number = DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  settledKeys?: SettledKeyFilter,
): Promise<AppliedBatch> {
  // Where the key index starts, read with the locks (a scalar subquery, once), so the key
  // lookup below names it as a constant and plans only the days inside the window.
  const locked = await tx
    .select({
      pool: pools,
      keysFromMs: KEY_WINDOW_START_MS,
    })
    .from(pools)
    .orderBy(asc(pools.slug))
    .for('no key update')
  const rows = locked.map(({ pool }) => pool)
  const keysFrom = new Date(Number(locked[0]?.keysFromMs ?? (await readKeysFromMs(tx))))
  const drafts = new Map<string, PoolDraft>()
  for (const row of rows) {
    drafts.set(row.slug, {
      row: { ...row },
      changed: false,
      contributedDelta: 0n,
      paidOutDelta: 0n,
      seededByHouseDelta: 0n,
      contributions: 0,
      wins: 0,
      wagerCents: 0n,
    })
  }
  const games = new Map<string, GameDraft>()
  const seen = await committedKeys(tx, items, now, retentionDays, keysFrom, settledKeys)
  const entries: EntryDraft[] = []
  const lines: LineDraft[] = []
  const runs: RunDraft[] = []
  let run: RunDraft | null = null
  // Decided in order, built after the ids are known (a receipt carries its entry's id).
  const outcomes: (() => ItemOutcome)[] = []
  let applied = 0

  for (const item of items) {
    const scopedKey = keyDigest(item.scope, item.command.idempotencyKey)
    const prior = seen.get(scopedKey) ?? seen.get(keyDigest('', item.command.idempotencyKey))
    if (prior?.expired) {
      const error = new IdempotencyKeyExpiredError(item.command.idempotencyKey, retentionDays)
      outcomes.push(() => ({ ok: false, error }))
      continue
    }
    if (prior !== undefined) {
      const error = new IdempotencyConflictError(item.command.idempotencyKey)
      outcomes.push(
        prior.kind === item.kind && prior.hash === item.hash
          ? () => ({ ok: true, value: { replayed: true, result: prior.receipt() } })
          : () => ({ ok: false, error }),
      )
      continue
    }
    if (item.kind === 'contribution') {
      const { command } = item
      const entry = draftEntry(entries, {
        kind: 'contribution',
        key: command.idempotencyKey,
        scope: item.scope,
        hash: item.hash,
        parent: null,
        gameId: command.gameId,
        playerId: command.playerId ?? null,
        wagerCents: command.wagerCents,
        currency: command.currency,
      })
      const entryLines: LineDraft[] = []
      if (run === null) {
        run = { first: entry, last: entry, pools: new Map() }
        runs.push(run)
      }
      run.last = entry
      let game = games.get(command.gameId)
      if (game === undefined) {
        game = { contributions: 0, wagerCents: 0n, contributedCents: 0n }
        games.set(command.gameId, game)
      }
      game.contributions++
      game.wagerCents += command.wagerCents
      for (const draft of drafts.values()) {
        const split = splitContribution(draft.row, command.wagerCents)
        draft.row.amountCents = split.amountCents
        draft.row.reserveCents = split.reserveCents
        draft.row.residue = split.residue
        draft.row.contributedCents += split.contributedCents
        draft.contributedDelta += split.contributedCents
        draft.contributions++
        draft.wagerCents += command.wagerCents
        game.contributedCents += split.contributedCents
        draft.changed = true
        const runPool = run.pools.get(draft.row.slug) ?? {
          contributions: 0,
          contributionBp: draft.row.contributionBp,
          ceilingCents: draft.row.ceilingCents,
          amountDelta: 0n,
          reserveDelta: 0n,
          amountAfter: 0n,
          reserveAfter: 0n,
          residueAfter: 0,
        }
        runPool.contributions++
        runPool.amountDelta += split.toAmountCents
        runPool.reserveDelta += split.toReserveCents
        runPool.amountAfter = split.amountCents
        runPool.reserveAfter = split.reserveCents
        runPool.residueAfter = split.residue
        run.pools.set(draft.row.slug, runPool)
        // Kept for the receipt only: a contribution's lines are not stored (see RunDraft).
        entryLines.push({
          entry,
          poolSlug: draft.row.slug,
          amountDelta: split.toAmountCents,
          reserveDelta: split.toReserveCents,
          contributedDelta: split.contributedCents,
          paidOutDelta: 0n,
          seededByHouseDelta: 0n,
          amountAfter: split.amountCents,
          reserveAfter: split.reserveCents,
          residueAfter: split.residue,
        })
      }
      const receipt = lazyReceipt((): ContributionReceipt | WinReceipt =>
        contributionReceipt(
          { ...entry, id: entry.id, createdAt: now },
          entryLines.map((line) => ({
            poolSlug: line.poolSlug,
            contributedDeltaCents: line.contributedDelta,
            reserveDeltaCents: line.reserveDelta,
            amountAfterCents: line.amountAfter,
            reserveAfterCents: line.reserveAfter,
          })),
        ),
      )
      seen.set(scopedKey, {
        kind: 'contribution',
        hash: item.hash,
        expired: false,
        receipt,
      })
      outcomes.push(() => ({
        ok: true,
        value: { replayed: false, result: receipt() as ContributionReceipt },
      }))
    } else {
      const { command } = item
      const draft = drafts.get(command.pool)
      if (draft === undefined) {
        const error = new PoolNotFoundError(command.pool)
        outcomes.push(() => ({ ok: false, error }))
        continue
      }
      const row = draft.row
      run = null
      const payout = computeWinPayout(row)
      const win = draftEntry(entries, {
        kind: 'win',
        key: command.idempotencyKey,
        scope: item.scope,
        hash: item.hash,
        parent: null,
        gameId: command.gameId,
        playerId: command.playerId,
        wagerCents: null,
        currency: null,
      })
      const reset = draftEntry(entries, {
        kind: 'reset',
        key: null,
        scope: '',
        hash: null,
        parent: win,
        gameId: command.gameId,
        playerId: command.playerId,
        wagerCents: null,
        currency: row.currency,
      })
      lines.push(
        {
          entry: win,
          poolSlug: row.slug,
          amountDelta: -payout.payoutCents,
          reserveDelta: 0n,
          contributedDelta: 0n,
          paidOutDelta: payout.payoutCents,
          seededByHouseDelta: 0n,
          amountAfter: 0n,
          reserveAfter: row.reserveCents,
          residueAfter: row.residue,
        },
        {
          entry: reset,
          poolSlug: row.slug,
          amountDelta: payout.amountCents,
          reserveDelta: -payout.resetFromReserveCents,
          contributedDelta: 0n,
          paidOutDelta: 0n,
          seededByHouseDelta: payout.resetFromHouseCents,
          amountAfter: payout.amountCents,
          reserveAfter: payout.reserveCents,
          residueAfter: row.residue,
        },
      )
      row.amountCents = payout.amountCents
      row.reserveCents = payout.reserveCents
      row.paidOutCents += payout.payoutCents
      row.seededByHouseCents += payout.resetFromHouseCents
      draft.paidOutDelta += payout.payoutCents
      draft.seededByHouseDelta += payout.resetFromHouseCents
      draft.wins++
      draft.changed = true
      const receipt = lazyReceipt((): ContributionReceipt | WinReceipt => ({
        id: win.id.toString(),
        pool: row.slug,
        gameId: command.gameId,
        playerId: command.playerId,
        payoutCents: payout.payoutCents,
        amountCents: payout.amountCents,
        reserveCents: payout.reserveCents,
        resetFromReserveCents: payout.resetFromReserveCents,
        resetFromHouseCents: payout.resetFromHouseCents,
        createdAt: now,
      }))
      seen.set(scopedKey, { kind: 'win', hash: item.hash, expired: false, receipt })
      outcomes.push(() => ({ ok: true, value: { replayed: false, result: receipt() } }))
    }
    applied++
  }

  if (entries.length === 0) {
    return { outcomes: outcomes.map((outcome) => outcome()), pools: null, changedSlugs: [], applied: 0 }
  }
  await assignIds(tx, entries)
  const changed = [...drafts.values()].filter((draft) => draft.changed)
  // Independent statements, sent together (postgres.js pipelines them on the transaction's
  // connection): one round trip instead of four while the pool locks are held.
  await allInOrder([
    insertEntries(tx, entries, now),
    insertLines(tx, lines, now),
    insertRuns(tx, runs, now),
    updatePools(tx, changed, games, now),
  ])
  for (const draft of changed) {
    draft.row.contributionsCount += draft.contributions
    draft.row.winsCount += draft.wins
    draft.row.updatedAt = now
    if (draft.contributions > 0) draft.row.lastContributionAt = now
    if (draft.wins > 0) draft.row.lastWinAt = now
  }
  return {
    outcomes: outcomes.map((outcome) => outcome()),
    pools: [...drafts.values()].map((draft) => toPool(draft.row)),
    changedSlugs: changed.map((draft) => draft.row.slug),
    applied,
  }
}

/**
 * A receipt built once, on first use: ids are assigned after every item is
 * decided, and the receipt (with its id) is read only after the batch commits.
 */
function lazyReceipt<R>(build: () => R): () => R {
  let built: R | undefined
  return () => {
    built ??= build()
    return built
  }
}

/**
 * Waits for every statement, then throws the first failure in the order they
 * were sent: once one fails, PostgreSQL refuses the rest ("current transaction
 * is aborted"), and the first is the one that says why.
 */
async function allInOrder(statements: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(statements)
  const failed = settled.find((result) => result.status === 'rejected')
  if (failed !== undefined) throw failed.reason
}

function draftEntry(entries: EntryDraft[], fields: Omit<EntryDraft, 'id'>): EntryDraft {
  const entry: EntryDraft = { ...fields, id: 0n }
  entries.push(entry)
  return entry
}

/** The key window's start, ms, when there is no pool row to read it with. */
async function readKeysFromMs(tx: Transaction): Promise<string> {
  const [row] = resultRows<{ ms: string | null }>(await tx.execute(sql`SELECT ${KEY_WINDOW_START_MS} AS ms`))
  return row?.ms ?? '0'
}

/**
 * The committed keys among the batch's items, with a way to rebuild each
 * one's receipt, by digest. Matches the callers' own scopes and the legacy
 * scope ''. Two index probes per key, sent together, however many days the
 * retention keeps: the entries of the days not settled yet (normally today
 * only; each day's unique index on the key digest, migration 0007), and the
 * settled keys' 8-byte prefixes. A prefix whose day may hold keys inside the
 * retention is followed to that day's index for the whole digest and the entry
 * (a third query, only for a late replay); one past it, or of a day archived,
 * refuses the key as expired. A key past the retention is marked expired.
 */
async function committedKeys(
  tx: Transaction,
  items: readonly WriteItem[],
  now: Date,
  retentionDays: number,
  keysFrom: Date,
  settledKeys: SettledKeyFilter | undefined,
): Promise<Map<string, SeenKey>> {
  const digests = [
    ...new Set(
      items.flatMap((item) => [
        keyDigest(item.scope, item.command.idempotencyKey),
        keyDigest('', item.command.idempotencyKey),
      ]),
    ),
  ]
  const [recent, settled] = await Promise.all([
    // Literals, not parameters: the plan, even a cached generic one, then holds only the
    // days not settled, not every day the ledger keeps (both change once a day). The upper
    // bound leaves out the empty days made ahead; two days past today's start, so a replica
    // whose clock runs ahead of this one's is still read.
    entriesByDigest(
      tx,
      digests,
      keysFrom.toISOString(),
      `${utcDay(new Date(now.getTime() + 2 * DAY_MS))}T00:00:00Z`,
    ),
    settledPrefixes(tx, digests.map(keyPrefix), settledKeys),
  ])
  const cutoff = retentionCutoff(now, retentionDays).getTime()
  const firstKeptDay = utcDay(new Date(cutoff))
  // The table keeps 8 bytes of a digest as a signed bigint: compare them the same way.
  const expiredPrefixes = new Set<bigint>()
  const keptDays = new Map<bigint, string>()
  for (const { prefix, day } of settled) {
    if (day === null || day < firstKeptDay) expiredPrefixes.add(BigInt(prefix))
    else keptDays.set(BigInt(prefix), day)
  }
  const seen = new Map<string, SeenKey>()
  const gone = (): ContributionReceipt | WinReceipt => {
    throw new Error('An expired key has no receipt')
  }
  for (const digest of digests) {
    if (expiredPrefixes.has(keyPrefix(digest)))
      seen.set(digest, { kind: 'contribution', hash: null, expired: true, receipt: gone })
  }
  const followed = digests.filter((digest) => keptDays.has(keyPrefix(digest)))
  const days = followed.map((digest) => keptDays.get(keyPrefix(digest))!).sort()
  const found =
    followed.length === 0
      ? recent
      : [
          ...recent,
          // A prefix shared by another key (1 in 2^64 a pair) finds no entry here: the key is new.
          ...(await entriesByDigest(
            tx,
            followed,
            `${days[0]}T00:00:00Z`,
            `${nextUtcDay(days.at(-1)!)}T00:00:00Z`,
          )),
        ]
  if (found.length === 0) return seen
  const live = found.filter((entry) => entry.createdAt.getTime() >= cutoff)
  // A win's fingerprint needs its pool, from its line: wins are few, so their receipts are
  // always rebuilt; a contribution's only when some item of the batch repeats its request.
  const requests = new Set(items.map((item) => `${item.kind}\u0000${item.hash}`))
  const replayable = live.filter(
    (entry) =>
      entry.kind === 'win' ||
      requests.has(`${entry.kind}\u0000${entryHash(entry as LedgerEntryRow, undefined)}`),
  )
  const receipts = await loadReplayedReceipts(tx, replayable as LedgerEntryRow[])
  for (const entry of found) {
    const receipt = receipts.get(entry.id)
    const pool = receipt !== undefined && 'pool' in receipt ? receipt.pool : undefined
    seen.set(keyDigest(entry.idempotencyScope, entry.idempotencyKey ?? ''), {
      kind: entry.kind,
      hash: entryHash(entry as LedgerEntryRow, pool),
      expired: entry.createdAt.getTime() < cutoff,
      receipt: () => {
        if (receipt === undefined) throw new Error(`No receipt loaded for ledger entry ${entry.id}`)
        return receipt
      },
    })
  }
  return seen
}

/**
 * The rows of `past_idempotency_keys` among `prefixes`. With a loaded filter
 * (`settled-key-filter.ts`), only the prefixes it cannot rule out are sent,
 * in one statement with the table's generation: if that is still the
 * filter's, the table holds nothing the filter lacks, and these rows are all
 * there is (for a batch of new keys, usually none: one index probe instead of
 * one per key). Otherwise, or with no filter, every prefix is probed, and a
 * (re)load of the filter starts in the background.
 */
async function settledPrefixes(
  tx: Transaction,
  prefixes: readonly bigint[],
  filter: SettledKeyFilter | undefined,
): Promise<Array<{ prefix: string; day: string | null }>> {
  const snapshot = filter?.current() ?? null
  if (snapshot !== null) {
    const maybe = prefixes.filter((prefix) => snapshot.bloom.mightHold(prefix))
    const probe = await probeSettledPrefixes(tx, maybe)
    if (probe.generation === snapshot.generation) {
      filter!.record({ filtered: true, ruledOut: prefixes.length - maybe.length })
      return probe.rows
    }
  }
  const probe = await probeSettledPrefixes(tx, prefixes)
  filter?.record({ filtered: false })
  filter?.refresh()
  return probe.rows
}

/** The settled keys' rows among `prefixes`, and the table's generation (migration 0008), in one statement. */
async function probeSettledPrefixes(
  tx: Transaction,
  prefixes: readonly bigint[],
): Promise<{ generation: string | null; rows: Array<{ prefix: string; day: string | null }> }> {
  const found = resultRows<{ generation: string; prefix: string | null; day: string | null }>(
    await tx.execute(sql`
      SELECT w.generation::text AS generation, p.key_prefix::text AS prefix, p.day::text AS day
      FROM ${idempotencyKeyWindow} w
      LEFT JOIN ${pastIdempotencyKeys} p ON p.key_prefix = ANY(${integerArray(prefixes)}::bigint[])`),
  )
  return {
    generation: found[0]?.generation ?? null,
    rows: found.flatMap(({ prefix, day }) => (prefix === null ? [] : [{ prefix, day }])),
  }
}

/**
 * The keyed entries written in [from, to) (ISO instants, made here, never from
 * input: they are inlined so the planner prunes to those days) whose key digest
 * is one of `digests`, through each day's key index.
 */
function entriesByDigest(tx: Transaction, digests: readonly string[], from: string, to: string) {
  return tx
    .select()
    .from(ledgerEntries)
    .where(
      and(
        gte(ledgerEntries.createdAt, sql.raw(`'${isoInstant(from)}'::timestamptz`)),
        lt(ledgerEntries.createdAt, sql.raw(`'${isoInstant(to)}'::timestamptz`)),
        isNotNull(ledgerEntries.idempotencyKey),
        sql`jackpot_key_digest(${ledgerEntries.idempotencyScope}, ${ledgerEntries.idempotencyKey}) = ANY(${textArray(digests)}::uuid[])`,
      ),
    )
}

/** `at` checked to be an ISO instant, safe to inline in SQL. */
function isoInstant(at: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(at))
    throw new Error(`not an ISO instant: ${at}`)
  return at
}

/**
 * The fingerprint of the request that made a committed entry, recomputed from
 * the fields the entry keeps (a win's pool from its line); null when it cannot
 * be (a win whose line was not loaded), which matches no request.
 */
function entryHash(entry: LedgerEntryRow, winPool: string | undefined): string | null {
  if (entry.kind === 'contribution') {
    return contributionHash({
      gameId: entry.gameId ?? '',
      playerId: entry.playerId,
      wagerCents: entry.wagerCents ?? 0n,
      currency: entry.currency ?? '',
    })
  }
  if (entry.kind === 'win' && winPool !== undefined) {
    return winHash({ pool: winPool, gameId: entry.gameId ?? '', playerId: entry.playerId ?? '' })
  }
  return null
}

/** Ascending ids from the ledger's own sequence, one per draft, in draft order. */
async function assignIds(tx: Transaction, entries: EntryDraft[]): Promise<void> {
  const result = await tx.execute(sql`
    SELECT n.id::text AS id FROM (
      SELECT nextval(pg_get_serial_sequence('ledger_entries', 'id')) AS id
      FROM generate_series(1, ${entries.length}::int)
    ) AS n ORDER BY n.id`)
  const ids = resultRows<{ id: string }>(result)
  entries.forEach((entry, index) => {
    entry.id = BigInt(ids[index]!.id)
  })
}

/**
 * Inserts the entries, which also claims their keys: each day partition's
 * unique index on the key digest refuses a key another transaction committed
 * after this one looked, and that rolls the batch back (ConcurrentClaimError,
 * tried again) rather than duplicating it.
 */
async function insertEntries(tx: Transaction, entries: EntryDraft[], now: Date): Promise<void> {
  try {
    await insertEntryRows(tx, entries, now)
  } catch (error) {
    if (sqlState(error) === '23505' && constraintName(error)?.endsWith('_key_digest_idx')) {
      throw new ConcurrentClaimError('A key of the batch was claimed concurrently', { cause: error })
    }
    throw error
  }
}

async function insertEntryRows(tx: Transaction, entries: EntryDraft[], now: Date): Promise<void> {
  await tx.execute(sql`
    INSERT INTO ${ledgerEntries} (id, kind, idempotency_key, idempotency_scope, parent_id,
                                  game_id, player_id, wager_cents, currency, created_at)
    SELECT e.id, e.kind::ledger_kind, e.key, e.scope, e.parent, e.game, e.player, e.wager, e.currency,
           ${now.toISOString()}::timestamptz
    FROM unnest(
      ${integerArray(entries.map((e) => e.id))}::bigint[],
      ${textArray(entries.map((e) => e.kind))}::text[],
      ${textArray(entries.map((e) => e.key))}::text[],
      ${textArray(entries.map((e) => e.scope))}::text[],
      ${integerArray(entries.map((e) => e.parent?.id ?? null))}::bigint[],
      ${textArray(entries.map((e) => e.gameId))}::text[],
      ${textArray(entries.map((e) => e.playerId))}::text[],
      ${integerArray(entries.map((e) => e.wagerCents))}::bigint[],
      ${textArray(entries.map((e) => e.currency))}::text[]
    ) AS e(id, kind, key, scope, parent, game, player, wager, currency)
    ORDER BY e.id`)
}

async function insertLines(tx: Transaction, lines: LineDraft[], now: Date): Promise<void> {
  if (lines.length === 0) return
  await tx.execute(sql`
    INSERT INTO ledger_lines (entry_id, pool_slug, amount_delta_cents, reserve_delta_cents,
                              contributed_delta_cents, paid_out_delta_cents, seeded_by_house_delta_cents,
                              amount_after_cents, reserve_after_cents, residue_after, created_at)
    SELECT l.*, ${now.toISOString()}::timestamptz FROM unnest(
      ${integerArray(lines.map((l) => l.entry.id))}::bigint[],
      ${textArray(lines.map((l) => l.poolSlug))}::text[],
      ${integerArray(lines.map((l) => l.amountDelta))}::bigint[],
      ${integerArray(lines.map((l) => l.reserveDelta))}::bigint[],
      ${integerArray(lines.map((l) => l.contributedDelta))}::bigint[],
      ${integerArray(lines.map((l) => l.paidOutDelta))}::bigint[],
      ${integerArray(lines.map((l) => l.seededByHouseDelta))}::bigint[],
      ${integerArray(lines.map((l) => l.amountAfter))}::bigint[],
      ${integerArray(lines.map((l) => l.reserveAfter))}::bigint[],
      ${integerArray(lines.map((l) => l.residueAfter))}::int[]
    ) AS l`)
}

/** One `ledger_batch_pools` row per run per pool, in one INSERT. */
async function insertRuns(tx: Transaction, runs: RunDraft[], now: Date): Promise<void> {
  const rows = runs.flatMap((run) => [...run.pools].map(([slug, pool]) => ({ run, slug, pool })))
  if (rows.length === 0) return
  await tx.execute(sql`
    INSERT INTO ${ledgerBatchPools} (first_entry_id, last_entry_id, pool_slug, contributions, contribution_bp,
                                     ceiling_cents, amount_delta_cents, reserve_delta_cents, amount_after_cents,
                                     reserve_after_cents, residue_after, created_at)
    SELECT r.*, ${now.toISOString()}::timestamptz FROM unnest(
      ${integerArray(rows.map((r) => r.run.first.id))}::bigint[],
      ${integerArray(rows.map((r) => r.run.last.id))}::bigint[],
      ${textArray(rows.map((r) => r.slug))}::text[],
      ${integerArray(rows.map((r) => r.pool.contributions))}::int[],
      ${integerArray(rows.map((r) => r.pool.contributionBp))}::int[],
      ${integerArray(rows.map((r) => r.pool.ceilingCents))}::bigint[],
      ${integerArray(rows.map((r) => r.pool.amountDelta))}::bigint[],
      ${integerArray(rows.map((r) => r.pool.reserveDelta))}::bigint[],
      ${integerArray(rows.map((r) => r.pool.amountAfter))}::bigint[],
      ${integerArray(rows.map((r) => r.pool.reserveAfter))}::bigint[],
      ${integerArray(rows.map((r) => r.pool.residueAfter))}::int[]
    ) AS r`)
}

/**
 * Every changed pool's final state and total deltas, and the batch's rollups
 * (its UTC minute per pool, its UTC day per game), in one statement: the
 * rollups are upserts in WITH clauses of the pool UPDATE, so keeping them costs
 * no extra round trip and they commit or roll back with the ledger lines they
 * summarise. Totals are added to what the rows hold (not overwritten), the same
 * arithmetic the conservation CHECK then verifies.
 */
async function updatePools(
  tx: Transaction,
  changed: PoolDraft[],
  games: ReadonlyMap<string, GameDraft>,
  now: Date,
): Promise<void> {
  const at = now.toISOString()
  const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString()
  const values = sql.join(
    changed.map(
      (d) =>
        sql`(${d.row.slug}, ${d.row.amountCents.toString()}::bigint, ${d.row.reserveCents.toString()}::bigint, ${d.row.residue}::int, ${d.contributedDelta.toString()}::bigint, ${d.paidOutDelta.toString()}::bigint, ${d.seededByHouseDelta.toString()}::bigint, ${d.contributions}::bigint, ${d.wins}::bigint, ${d.wagerCents.toString()}::bigint)`,
    ),
    sql`, `,
  )
  const gameRollup =
    games.size === 0
      ? sql``
      : sql`, game_rollup AS (
      INSERT INTO ${gameDayStats} (day, game_id, contributions, wager_cents, contributed_cents)
      VALUES ${sql.join(
        [...games].map(
          ([gameId, g]) =>
            sql`(${at.slice(0, 10)}, ${gameId}, ${g.contributions}::bigint, ${g.wagerCents.toString()}::bigint, ${g.contributedCents.toString()}::bigint)`,
        ),
        sql`, `,
      )}
      ON CONFLICT (day, game_id) DO UPDATE SET
        contributions = ${gameDayStats.contributions} + excluded.contributions,
        wager_cents = ${gameDayStats.wagerCents} + excluded.wager_cents,
        contributed_cents = ${gameDayStats.contributedCents} + excluded.contributed_cents
    )`
  await tx.execute(sql`
    WITH v(slug, amount, reserve, residue, contributed, paid_out, seeded, contributions, wins, wager) AS (
      VALUES ${values}
    ), minute_rollup AS (
      INSERT INTO ${poolMinuteStats} (pool_slug, minute, contributions, wager_cents, contributed_cents, wins, paid_out_cents)
      SELECT v.slug, ${minute}::timestamptz, v.contributions, v.wager, v.contributed, v.wins, v.paid_out FROM v
      ON CONFLICT (pool_slug, minute) DO UPDATE SET
        contributions = ${poolMinuteStats.contributions} + excluded.contributions,
        wager_cents = ${poolMinuteStats.wagerCents} + excluded.wager_cents,
        contributed_cents = ${poolMinuteStats.contributedCents} + excluded.contributed_cents,
        wins = ${poolMinuteStats.wins} + excluded.wins,
        paid_out_cents = ${poolMinuteStats.paidOutCents} + excluded.paid_out_cents
    )${gameRollup}
    UPDATE ${pools} SET
      amount_cents = v.amount,
      reserve_cents = v.reserve,
      residue = v.residue,
      contributed_cents = ${pools.contributedCents} + v.contributed,
      paid_out_cents = ${pools.paidOutCents} + v.paid_out,
      seeded_by_house_cents = ${pools.seededByHouseCents} + v.seeded,
      contributions_count = ${pools.contributionsCount} + v.contributions,
      wins_count = ${pools.winsCount} + v.wins,
      updated_at = ${at}::timestamptz,
      last_contribution_at = CASE WHEN v.contributions > 0 THEN ${at}::timestamptz ELSE ${pools.lastContributionAt} END,
      last_win_at = CASE WHEN v.wins > 0 THEN ${at}::timestamptz ELSE ${pools.lastWinAt} END
    FROM v
    WHERE ${pools.slug} = v.slug`)
}
