-- The ledger is partitioned by UTC day (declarative RANGE partitions on created_at),
-- so old days can be archived and detached (an append-only table could never be
-- trimmed otherwise), and idempotency keys leave the ledger for a table of their own
-- with a retention (see idempotency-keys.ts). Partitions are named <table>_pYYYYMMDD
-- and made ahead of time by the server (ledger-partitions.ts), or on demand by a
-- write that meets a day without one.
--
-- The existing tables are moved aside (schema jackpot_v4), recreated partitioned, and
-- their rows copied over; ids keep their values and the id sequence carries on.

-- Makes the day's partition of `parent` when it has none; returns its name. Under a
-- transaction-scoped advisory lock per partition, so two replicas making the same day
-- at once take turns instead of one failing on "relation already exists".
CREATE FUNCTION "jackpot_ensure_day_partition"(parent text, day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  name text := parent || '_p' || to_char(day, 'YYYYMMDD');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(name));
  IF to_regclass(format('public.%I', name)) IS NULL THEN
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                   name, parent, to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
                   to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
  END IF;
  RETURN name;
END;
$$;
--> statement-breakpoint
CREATE SCHEMA "jackpot_v4";
--> statement-breakpoint
-- The sequence stays in public for the new table: an owned sequence cannot change schema.
ALTER SEQUENCE "ledger_entries_id_seq" OWNED BY NONE;
--> statement-breakpoint
ALTER TABLE "ledger_lines" SET SCHEMA "jackpot_v4";
--> statement-breakpoint
ALTER TABLE "ledger_entries" SET SCHEMA "jackpot_v4";
--> statement-breakpoint
-- The unique key of a partitioned table must contain the partition key, so `id` alone
-- can no longer be referenced: the foreign keys INTO ledger_entries (ledger_lines.entry_id,
-- and parent_id of a reset) are not recreated. A composite (id, created_at) key would make
-- every line insert probe the entries and would stop a day's entries partition from being
-- detached for archival while its lines exist elsewhere. The writer inserts an entry and its
-- lines in one transaction, and verify-ledger checks that every line belongs to an entry.
-- Idempotency keys live in idempotency_keys (below), so the ledger holds no unique index
-- whose size grows with history beyond its primary key.
-- The kind as an enum: 4 bytes a row instead of the text 'contribution' (13), and literals
-- such as kind = 'win' keep working in every query.
CREATE TYPE "ledger_kind" AS ENUM ('seed', 'contribution', 'win', 'reset', 'adjustment');
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigint DEFAULT nextval('ledger_entries_id_seq') NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"wager_cents" bigint,
	"parent_id" bigint,
	"kind" "ledger_kind" NOT NULL,
	"idempotency_key" text,
	"idempotency_scope" text DEFAULT '' NOT NULL,
	"game_id" text,
	"player_id" text,
	"currency" text,
	CONSTRAINT "ledger_entries_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
ALTER SEQUENCE "ledger_entries_id_seq" OWNED BY "ledger_entries"."id";
--> statement-breakpoint
CREATE TABLE "ledger_lines" (
	"entry_id" bigint NOT NULL,
	"pool_slug" text NOT NULL,
	"amount_delta_cents" bigint NOT NULL,
	"reserve_delta_cents" bigint NOT NULL,
	"contributed_delta_cents" bigint DEFAULT 0 NOT NULL,
	"paid_out_delta_cents" bigint DEFAULT 0 NOT NULL,
	"seeded_by_house_delta_cents" bigint DEFAULT 0 NOT NULL,
	"amount_after_cents" bigint NOT NULL,
	"reserve_after_cents" bigint NOT NULL,
	"residue_after" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_lines_pk" PRIMARY KEY("entry_id","pool_slug","created_at"),
	CONSTRAINT "ledger_lines_conservation" CHECK ("amount_delta_cents" + "reserve_delta_cents" + "paid_out_delta_cents" = "contributed_delta_cents" + "seeded_by_house_delta_cents")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
-- The compact ledger: a contribution is one entry row and no lines. Per write batch, per
-- pool, per run of consecutive contributions (a win ends a run), one row of what the run
-- moved, the rate and ceiling it ran under and the state it left. Each contribution's
-- split is a pure function of its wager and the pool state before it, so readers
-- recompute it from the run's start (after - delta) and verify-ledger checks the run
-- ends where this row says. The key starts with created_at: a batch's rows share its
-- time with its entries, so "the runs of these entries" is an index range.
CREATE TABLE "ledger_batch_pools" (
	"first_entry_id" bigint NOT NULL,
	"last_entry_id" bigint NOT NULL,
	"pool_slug" text NOT NULL,
	"contributions" integer NOT NULL,
	"contribution_bp" integer NOT NULL,
	"ceiling_cents" bigint,
	"amount_delta_cents" bigint NOT NULL,
	"reserve_delta_cents" bigint NOT NULL,
	"amount_after_cents" bigint NOT NULL,
	"reserve_after_cents" bigint NOT NULL,
	"residue_after" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_batch_pools_pk" PRIMARY KEY("created_at","last_entry_id","pool_slug")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
ALTER TABLE "ledger_lines" ADD CONSTRAINT "ledger_lines_pool_slug_pools_slug_fk" FOREIGN KEY ("pool_slug") REFERENCES "public"."pools"("slug") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "ledger_batch_pools" ADD CONSTRAINT "ledger_batch_pools_pool_slug_pools_slug_fk" FOREIGN KEY ("pool_slug") REFERENCES "public"."pools"("slug") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
-- The 8-byte columns come first, so a row carries no alignment padding between them and the
-- text. Small indexes only: wins, resets, seeds and adjustments are few, so "by kind" and
-- "a win's reset" index just those; time ranges use a BRIN index (a few pages per
-- partition) because created_at grows with the id.
CREATE INDEX "ledger_entries_kind_id_idx" ON "ledger_entries" USING btree ("kind","id") WHERE "kind" <> 'contribution';
--> statement-breakpoint
CREATE INDEX "ledger_entries_parent_id_idx" ON "ledger_entries" USING btree ("parent_id") WHERE "parent_id" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "ledger_entries_created_at_idx" ON "ledger_entries" USING brin ("created_at");
--> statement-breakpoint
CREATE INDEX "ledger_lines_pool_entry_idx" ON "ledger_lines" USING btree ("pool_slug","entry_id");
--> statement-breakpoint
-- Row triggers on a partitioned table are cloned onto every partition, present and future,
-- so 0001's append-only rule holds on each day. DROP/DETACH of a whole partition (archival)
-- is DDL, not a row change, and stays possible.
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "jackpot_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "ledger_lines_append_only" BEFORE UPDATE OR DELETE ON "ledger_lines"
  FOR EACH ROW EXECUTE FUNCTION "jackpot_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "ledger_batch_pools_append_only" BEFORE UPDATE OR DELETE ON "ledger_batch_pools"
  FOR EACH ROW EXECUTE FUNCTION "jackpot_refuse_history_change"();
--> statement-breakpoint
-- A key per caller: key_digest is the first 16 bytes of sha256(scope || 0x00 || key), and
-- request_hash the first 16 bytes of the request's sha256, so a row is a few dozen bytes
-- whatever the key's length. They are stored as uuid: 16 raw bytes like a bytea, but of
-- fixed width, with no length header or padding, which keeps a primary-key index tuple at
-- 24 bytes instead of 32. created_at is the entry's (the key's age, and the entry's
-- partition). Rows older than the retention are swept into expired_idempotency_keys.
CREATE TABLE "idempotency_keys" (
	"key_digest" uuid PRIMARY KEY NOT NULL,
	"request_hash" uuid NOT NULL,
	"entry_id" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" USING brin ("created_at");
--> statement-breakpoint
-- Keys past their retention, by the first 8 bytes of their digest (as a bigint): a replay of
-- one is refused as expired rather than taken as a new request. The table only grows, so it
-- keeps the least that recognises a key; two keys share 8 bytes with odds of about 1 in 2^64
-- per pair, and a new key mistaken for an expired one is refused, never applied twice.
CREATE TABLE "expired_idempotency_keys" (
	"key_prefix" bigint PRIMARY KEY NOT NULL
);
--> statement-breakpoint
DO $$
DECLARE
  day date;
BEGIN
  FOR day IN SELECT DISTINCT ("created_at" AT TIME ZONE 'UTC')::date FROM "jackpot_v4"."ledger_entries" LOOP
    PERFORM "jackpot_ensure_day_partition"('ledger_entries', day);
    PERFORM "jackpot_ensure_day_partition"('ledger_lines', day);
    PERFORM "jackpot_ensure_day_partition"('ledger_batch_pools', day);
  END LOOP;
END;
$$;
--> statement-breakpoint
INSERT INTO "ledger_entries" ("id", "kind", "idempotency_key", "idempotency_scope", "parent_id", "game_id",
                              "player_id", "wager_cents", "currency", "created_at")
SELECT "id", "kind"::"ledger_kind", "idempotency_key", "idempotency_scope", "parent_id", "game_id",
       "player_id", "wager_cents", "currency", "created_at"
FROM "jackpot_v4"."ledger_entries";
--> statement-breakpoint
INSERT INTO "ledger_lines" ("entry_id", "pool_slug", "amount_delta_cents", "reserve_delta_cents",
                            "contributed_delta_cents", "paid_out_delta_cents", "seeded_by_house_delta_cents",
                            "amount_after_cents", "reserve_after_cents", "residue_after", "created_at")
SELECT l."entry_id", l."pool_slug", l."amount_delta_cents", l."reserve_delta_cents",
       l."contributed_delta_cents", l."paid_out_delta_cents", l."seeded_by_house_delta_cents",
       l."amount_after_cents", l."reserve_after_cents", l."residue_after", e."created_at"
FROM "jackpot_v4"."ledger_lines" l JOIN "jackpot_v4"."ledger_entries" e ON e."id" = l."entry_id";
--> statement-breakpoint
-- Every existing key keeps working: its digest (with its scope, '' for keys older than
-- 0002) and its request hash (hex before, raw bytes now). Keys already past the retention
-- are swept by the first hourly sweep and answer "expired" from then on.
INSERT INTO "idempotency_keys" ("key_digest", "request_hash", "entry_id", "created_at")
SELECT encode(substring(sha256(convert_to("idempotency_scope", 'UTF8') || '\x00'::bytea || convert_to("idempotency_key", 'UTF8')) FROM 1 FOR 16), 'hex')::uuid,
       substring("request_hash" FROM 1 FOR 32)::uuid, "id", "created_at"
FROM "jackpot_v4"."ledger_entries"
WHERE "idempotency_key" IS NOT NULL;
--> statement-breakpoint
-- DROP is not a row change: the old tables' append-only triggers do not fire.
DROP SCHEMA "jackpot_v4" CASCADE;
