-- A counter that moves whenever past_idempotency_keys gains rows, so a replica can keep the
-- settled prefixes in memory (a Bloom filter, `settled-key-filter.ts`) and know when its copy
-- is still whole. 0007 made a write batch probe that table's primary key for every key of
-- the batch, twice (the caller's scope and the legacy ''): at 10 M settled keys its index no
-- longer fits shared_buffers, and those probes were the difference between a write on an
-- empty database and one on a large history. With the filter, a batch asks the table only
-- for the prefixes the filter cannot rule out (almost never, for a new key) and reads this
-- counter with them, in the same statement: unchanged since the filter was loaded, nothing
-- the filter lacks can be in the table.
--
-- Only inserts move it: the filter may hold more than the table (a TRUNCATE, a prefix
-- overwritten), never less. A statement-level trigger, so a settle of a million keys moves
-- it once, and any writer of the table (the upkeep, archival, a hand-run INSERT) is counted.
ALTER TABLE "idempotency_key_window" ADD COLUMN "generation" bigint DEFAULT 0 NOT NULL;
--> statement-breakpoint
CREATE FUNCTION "jackpot_bump_key_generation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE public.idempotency_key_window SET generation = generation + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "past_idempotency_keys_generation" AFTER INSERT ON "past_idempotency_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION jackpot_bump_key_generation();
