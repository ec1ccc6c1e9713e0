/**
 * The jackpot's tables. Money is `bigint` cents (int8) read as JS `bigint`.
 * The same schema and migration folder serve PostgreSQL and PGlite.
 */
import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core'

const cents = (name: string) => bigint(name, { mode: 'bigint' })
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const pools = pgTable(
  'pools',
  {
    slug: text('slug').primaryKey(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    amountCents: cents('amount_cents').notNull(),
    reserveCents: cents('reserve_cents').notNull().default(sql`0`),
    /** Sub-cent carry in 1/10 000 of a cent. */
    residue: integer('residue').notNull().default(0),
    seedCents: cents('seed_cents').notNull(),
    ceilingCents: cents('ceiling_cents'),
    contributionBp: integer('contribution_bp').notNull(),
    contributedCents: cents('contributed_cents').notNull().default(sql`0`),
    paidOutCents: cents('paid_out_cents').notNull().default(sql`0`),
    seededByHouseCents: cents('seeded_by_house_cents').notNull().default(sql`0`),
    contributionsCount: bigint('contributions_count', { mode: 'number' }).notNull().default(0),
    winsCount: bigint('wins_count', { mode: 'number' }).notNull().default(0),
    /**
     * Configuration version: bumped by every configuration change and by nothing
     * else. Wagers and wins leave it alone, so an operator's `expectedVersion`
     * is not made stale by ordinary traffic.
     */
    version: integer('version').notNull().default(1),
    updatedAt: at('updated_at').notNull(),
    /** When the latest contribution / win touched this pool: kept by the writer so the read is O(1). */
    lastContributionAt: at('last_contribution_at'),
    lastWinAt: at('last_win_at'),
  },
  (t) => [
    check('pools_amount_not_negative', sql`${t.amountCents} >= 0`),
    check('pools_reserve_not_negative', sql`${t.reserveCents} >= 0`),
    check('pools_residue_range', sql`${t.residue} >= 0 AND ${t.residue} < 10000`),
    check('pools_seed_not_negative', sql`${t.seedCents} >= 0`),
    check(
      'pools_ceiling_not_below_seed',
      sql`${t.ceilingCents} IS NULL OR ${t.ceilingCents} >= ${t.seedCents}`,
    ),
    check('pools_contribution_bp_range', sql`${t.contributionBp} >= 0 AND ${t.contributionBp} <= 10000`),
    // The database itself refuses a write that would lose or invent a cent.
    check(
      'pools_conservation',
      sql`${t.amountCents} + ${t.reserveCents} + ${t.paidOutCents} = ${t.contributedCents} + ${t.seededByHouseCents}`,
    ),
  ],
)

export const LEDGER_KINDS = ['seed', 'contribution', 'win', 'reset', 'adjustment'] as const

/** 4 bytes a row (an enum), where the text 'contribution' took 13. */
export const ledgerKind = pgEnum('ledger_kind', LEDGER_KINDS)

/**
 * Append-only: rows are inserted, never updated or deleted (a trigger refuses
 * both). Partitioned by UTC day on `created_at` (`ledger_entries_pYYYYMMDD`,
 * see `db/ledger-partitions.ts`), so the primary key is `(id, created_at)` and
 * nothing can reference `id` alone: the reset's `parent_id` and the lines'
 * `entry_id` are kept by the writer, not by foreign keys (migration 0005).
 * The idempotency key and its caller (`idempotency_scope`: the API key, or the
 * person for operator wins) are kept for the record and found by each day
 * partition's own unique index on their digest while the day is inside the
 * retention (migration 0007, `idempotency-keys.ts`).
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigint('id', { mode: 'bigint' }).notNull().default(sql`nextval('ledger_entries_id_seq')`),
    kind: ledgerKind('kind').notNull(),
    idempotencyKey: text('idempotency_key'),
    /**
     * Whose key it is: the API key id, or `user:<sub>` for a person. Rows written
     * before keys were scoped have '' (the legacy global scope), and a lookup by
     * any caller still finds them, so an old key is never taken as new.
     */
    idempotencyScope: text('idempotency_scope').notNull().default(''),
    parentId: bigint('parent_id', { mode: 'bigint' }),
    gameId: text('game_id'),
    playerId: text('player_id'),
    wagerCents: cents('wager_cents'),
    currency: text('currency'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'ledger_entries_pk', columns: [t.id, t.createdAt] }),
    index('ledger_entries_kind_id_idx').on(t.kind, t.id).where(sql`${t.kind} <> 'contribution'`),
    index('ledger_entries_created_at_idx').using('brin', t.createdAt),
    index('ledger_entries_parent_id_idx').on(t.parentId).where(sql`${t.parentId} IS NOT NULL`),
  ],
)

/**
 * One line per pool an entry touched, with the deltas and the state after;
 * partitioned like the entries. Wins, resets and seeds have lines; a
 * contribution written since 0005 has none (its split is recomputed from
 * `ledger_batch_pools`, see `write-batch/entry-lines.ts`), one written before keeps its own.
 */
export const ledgerLines = pgTable(
  'ledger_lines',
  {
    entryId: bigint('entry_id', { mode: 'bigint' }).notNull(),
    poolSlug: text('pool_slug')
      .notNull()
      .references(() => pools.slug),
    amountDeltaCents: cents('amount_delta_cents').notNull(),
    reserveDeltaCents: cents('reserve_delta_cents').notNull(),
    contributedDeltaCents: cents('contributed_delta_cents').notNull().default(sql`0`),
    paidOutDeltaCents: cents('paid_out_delta_cents').notNull().default(sql`0`),
    seededByHouseDeltaCents: cents('seeded_by_house_delta_cents').notNull().default(sql`0`),
    amountAfterCents: cents('amount_after_cents').notNull(),
    reserveAfterCents: cents('reserve_after_cents').notNull(),
    residueAfter: integer('residue_after').notNull(),
    /** The entry's time: the partition key, equal to its entry's `created_at`. */
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'ledger_lines_pk', columns: [t.entryId, t.poolSlug, t.createdAt] }),
    index('ledger_lines_pool_entry_idx').on(t.poolSlug, t.entryId),
    check(
      'ledger_lines_conservation',
      sql`${t.amountDeltaCents} + ${t.reserveDeltaCents} + ${t.paidOutDeltaCents} = ${t.contributedDeltaCents} + ${t.seededByHouseDeltaCents}`,
    ),
  ],
)

/**
 * Per write batch per pool, for a run of consecutive contributions
 * (`first_entry_id`..`last_entry_id`): what the run moved and the state it
 * left, with the pool's rate and ceiling it ran under. Partitioned by day.
 */
export const ledgerBatchPools = pgTable(
  'ledger_batch_pools',
  {
    firstEntryId: bigint('first_entry_id', { mode: 'bigint' }).notNull(),
    lastEntryId: bigint('last_entry_id', { mode: 'bigint' }).notNull(),
    poolSlug: text('pool_slug')
      .notNull()
      .references(() => pools.slug),
    contributions: integer('contributions').notNull(),
    contributionBp: integer('contribution_bp').notNull(),
    ceilingCents: cents('ceiling_cents'),
    amountDeltaCents: cents('amount_delta_cents').notNull(),
    reserveDeltaCents: cents('reserve_delta_cents').notNull(),
    amountAfterCents: cents('amount_after_cents').notNull(),
    reserveAfterCents: cents('reserve_after_cents').notNull(),
    residueAfter: integer('residue_after').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [primaryKey({ name: 'ledger_batch_pools_pk', columns: [t.createdAt, t.lastEntryId, t.poolSlug] })],
)

/**
 * Where the settled keys stop: the keys of entries written at or after
 * `keysFrom` are found only by their day partition's unique index on
 * `jackpot_key_digest(idempotency_scope, idempotency_key)` (made with the
 * partition, migration 0007); those of earlier days are also in
 * `pastIdempotencyKeys`. One row. See `idempotency-keys.ts`.
 */
export const idempotencyKeyWindow = pgTable(
  'idempotency_key_window',
  {
    one: boolean('one').primaryKey().default(true),
    keysFrom: at('keys_from').notNull(),
    /** Moved by every INSERT into `past_idempotency_keys` (a trigger, migration 0008): see `settled-key-filter.ts`. */
    generation: bigint('generation', { mode: 'bigint' }).notNull().default(0n),
  },
  (t) => [check('idempotency_key_window_one_row', sql`${t.one}`)],
)

/**
 * Every key of a closed UTC day, by the first 8 bytes of its digest (`keyPrefix`
 * in idempotency-keys.ts), with its day: copied here by the upkeep once the day
 * is over, so a lookup reads today's key index and this table instead of one
 * index per day kept. `day` is NULL for the keys migration 0005 swept (past
 * their retention). A prefix inside the retention leads to its day's key index
 * for the whole digest; past it, the prefix alone refuses the key as expired.
 */
export const pastIdempotencyKeys = pgTable('past_idempotency_keys', {
  keyPrefix: bigint('key_prefix', { mode: 'bigint' }).primaryKey(),
  day: date('day', { mode: 'string' }),
})

/**
 * Per pool per UTC minute: what the ledger's contributions and wins added up
 * to. Upserted by every write batch in the same statement as its pool update
 * (see `write-batch/apply-write-batch.ts`), so figures read a bounded number of
 * rows (at most 2 880 minutes per pool for 48 h) whatever the ledger's size.
 * `wager_cents` is each contribution's whole wager, counted once per pool it touched.
 */
export const poolMinuteStats = pgTable(
  'pool_minute_stats',
  {
    poolSlug: text('pool_slug')
      .notNull()
      .references(() => pools.slug),
    minute: at('minute').notNull(),
    contributions: bigint('contributions', { mode: 'number' }).notNull().default(0),
    wagerCents: cents('wager_cents').notNull().default(sql`0`),
    contributedCents: cents('contributed_cents').notNull().default(sql`0`),
    wins: bigint('wins', { mode: 'number' }).notNull().default(0),
    paidOutCents: cents('paid_out_cents').notNull().default(sql`0`),
  },
  (t) => [
    primaryKey({ name: 'pool_minute_stats_pk', columns: [t.poolSlug, t.minute] }),
    // Windows across every pool ("the last 24 h") read by time first.
    index('pool_minute_stats_minute_idx').on(t.minute),
  ],
)

/**
 * Per game per UTC day: contributions, their wagers and the cents they added to
 * all pools together. "Today's top games" reads one day's rows.
 */
export const gameDayStats = pgTable(
  'game_day_stats',
  {
    day: text('day').notNull(),
    gameId: text('game_id').notNull(),
    contributions: bigint('contributions', { mode: 'number' }).notNull().default(0),
    wagerCents: cents('wager_cents').notNull().default(sql`0`),
    contributedCents: cents('contributed_cents').notNull().default(sql`0`),
  },
  (t) => [primaryKey({ name: 'game_day_stats_pk', columns: [t.day, t.gameId] })],
)

/**
 * Each pool's replayed state at the end of a UTC day, that day's row counts and
 * per-pool sums, and a sha256 chaining it to the previous day's checkpoint.
 * Written by `verify-ledger` for every closed day it replayed (see
 * `ledger-checkpoints.ts`); append-only, like the ledger it vouches for.
 */
export const ledgerCheckpoints = pgTable(
  'ledger_checkpoints',
  {
    /** The UTC day, `YYYY-MM-DD`: the state is the one at its end. */
    day: text('day').primaryKey(),
    /** The last ledger entry dated on or before `day`. */
    lastEntryId: bigint('last_entry_id', { mode: 'bigint' }).notNull(),
    entries: bigint('entries', { mode: 'number' }).notNull(),
    lines: bigint('lines', { mode: 'number' }).notNull(),
    /** Per pool: the state at the day's end and the day's sums, every figure a decimal string. */
    pools: jsonb('pools').$type<Record<string, Record<string, string>>>().notNull(),
    previousHash: text('previous_hash'),
    hash: text('hash').notNull().unique('ledger_checkpoints_hash_unique'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [check('ledger_checkpoints_day_format', sql`${t.day} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'`)],
)

/** Days `cli archive` moved out of the database: where to, and the sha256 of the manifest describing them. */
export const ledgerArchives = pgTable(
  'ledger_archives',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    firstDay: text('first_day').notNull(),
    lastDay: text('last_day').notNull(),
    /** The manifest's name, e.g. `ledger-2026-12-01--2026-12-02`. */
    name: text('name').notNull(),
    /** The directory the files were written to, as the operator gave it. */
    location: text('location').notNull(),
    manifestSha256: text('manifest_sha256').notNull(),
    /** The hash of the checkpoint of `last_day`: where the live ledger's chain continues. */
    lastCheckpointHash: text('last_checkpoint_hash').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    check('ledger_archives_days', sql`${t.firstDay} <= ${t.lastDay}`),
    index('ledger_archives_last_day_idx').on(t.lastDay),
  ],
)

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'bigint' }).primaryKey(),
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  target: text('target').notNull(),
  before: jsonb('before').$type<Record<string, unknown>>(),
  after: jsonb('after').$type<Record<string, unknown>>(),
  createdAt: at('created_at').notNull(),
})

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** sha256 of the plaintext key, hex. The plaintext is never stored. */
    keyHash: text('key_hash').notNull().unique('api_keys_key_hash_unique'),
    role: text('role', { enum: ['game'] })
      .notNull()
      .default('game'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull(),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (t) => [check('api_keys_role', sql`${t.role} IN ('game')`)],
)

export const schema = {
  pools,
  ledgerEntries,
  ledgerLines,
  ledgerBatchPools,
  idempotencyKeyWindow,
  pastIdempotencyKeys,
  poolMinuteStats,
  gameDayStats,
  ledgerCheckpoints,
  ledgerArchives,
  auditLog,
  apiKeys,
}
