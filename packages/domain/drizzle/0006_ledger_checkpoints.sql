-- Pool checkpoints: each pool's replayed state at the end of a UTC day (the
-- day partitions' boundary), the day's row counts and per-pool sums, and a
-- sha256 chaining it to the day before. verify-ledger writes one per closed day
-- it has replayed and starts the next run from the last, so checking a day costs
-- a day; archival keeps them, so the live rest of the ledger verifies on its own.
CREATE TABLE "ledger_checkpoints" (
	"day" text PRIMARY KEY NOT NULL,
	"last_entry_id" bigint NOT NULL,
	"entries" bigint NOT NULL,
	"lines" bigint NOT NULL,
	"pools" jsonb NOT NULL,
	"previous_hash" text,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_checkpoints_day_format" CHECK ("day" ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	CONSTRAINT "ledger_checkpoints_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
-- Which days `cli archive` moved out of the database, where to, and the manifest's sha256.
CREATE TABLE "ledger_archives" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"first_day" text NOT NULL,
	"last_day" text NOT NULL,
	"name" text NOT NULL,
	"location" text NOT NULL,
	"manifest_sha256" text NOT NULL,
	"last_checkpoint_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_archives_days" CHECK ("first_day" <= "last_day")
);
--> statement-breakpoint
CREATE INDEX "ledger_archives_last_day_idx" ON "ledger_archives" USING btree ("last_day");
--> statement-breakpoint
CREATE TRIGGER "ledger_checkpoints_append_only" BEFORE UPDATE OR DELETE ON "ledger_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "jackpot_refuse_history_change"();
--> statement-breakpoint
CREATE TRIGGER "ledger_archives_append_only" BEFORE UPDATE OR DELETE ON "ledger_archives"
  FOR EACH ROW EXECUTE FUNCTION "jackpot_refuse_history_change"();
