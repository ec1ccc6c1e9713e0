-- Idempotency keys are found through the ledger entries that already hold them and one
-- table of 8-byte prefixes, not a table of their own. 0005 kept a copy of every key inside
-- the retention (digest, request hash, entry id, time: ~125 bytes with its index) in
-- `idempotency_keys`, whose uuid primary key took each new key on a random page of one
-- index as big as the retention window: at 10 M keys that index left shared_buffers, and
-- every insert dirtied a cold page (and, after each checkpoint, wrote a full-page image).
--
-- Now each day partition of ledger_entries carries a unique index of its own on the key's
-- digest, so a write touches only today's small index. Once a day is closed, the hourly
-- upkeep copies its keys' 8-byte prefixes, with the day, into past_idempotency_keys (the
-- table 0005 kept for expired keys, renamed): a lookup then reads today's index and that
-- one table, two index probes per key whatever the retention, instead of one per day kept.
-- A prefix whose day is inside the retention leads to its day's index for the whole
-- digest and the entry (a late replay); past the retention the day's index is dropped and
-- the prefix alone refuses the key as expired.
--
-- The request hash is not kept: the entry holds every field it is made of (see
-- `request-hash.ts`), so a replay is told from a reused key by recomputing it.

-- The key's 16-byte digest as a uuid: sha256(scope || 0x00 || key), the same bytes as
-- `keyDigest` in idempotency-keys.ts and the digests 0005 moved. Declared IMMUTABLE (an
-- index expression must be): convert_to is only STABLE because it could name another
-- encoding, and 'UTF8' is fixed here.
CREATE FUNCTION "jackpot_key_digest"(scope text, key text) RETURNS uuid LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN encode(substring(sha256(convert_to(scope, 'UTF8') || '\x00'::bytea || convert_to(key, 'UTF8')) FROM 1 FOR 16), 'hex')::uuid;
END;
$$;
--> statement-breakpoint
-- The key index of one ledger_entries day partition: unique, so two writes of one key on
-- one day can never both commit (the pool locks already make writes take turns; this is
-- the guard). Named <partition>_key_digest_idx; dropped by the upkeep once the day is past
-- the retention.
CREATE FUNCTION "jackpot_ensure_key_index"(partition text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON public.%I (jackpot_key_digest(idempotency_scope, idempotency_key)) WHERE idempotency_key IS NOT NULL',
                 partition || '_key_digest_idx', partition);
END;
$$;
--> statement-breakpoint
-- As in 0005, and a new day of ledger_entries gets its key index with it.
CREATE OR REPLACE FUNCTION "jackpot_ensure_day_partition"(parent text, day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  name text := parent || '_p' || to_char(day, 'YYYYMMDD');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext(name));
  IF to_regclass(format('public.%I', name)) IS NULL THEN
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                   name, parent, to_char(day, 'YYYY-MM-DD') || ' 00:00:00+00',
                   to_char(day + 1, 'YYYY-MM-DD') || ' 00:00:00+00');
    IF parent = 'ledger_entries' THEN
      PERFORM jackpot_ensure_key_index(name);
    END IF;
  END IF;
  RETURN name;
END;
$$;
--> statement-breakpoint
-- One row: the keys of the days from keys_from on are not in past_idempotency_keys yet, so a
-- lookup reads those days' own indexes (normally today only). A lookup reads this with the
-- pool locks, so an upkeep that has not run (a replica down over midnight) only makes
-- lookups read one more day, never miss a key.
CREATE TABLE "idempotency_key_window" (
	"one" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"keys_from" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_key_window_one_row" CHECK ("one")
);
--> statement-breakpoint
-- Keys still in idempotency_keys (not swept by 0005) are also in their entries: every existing
-- day gets its key index and stays in the window until the upkeep (run at start-up) settles it.
INSERT INTO "idempotency_key_window" ("keys_from") VALUES ('1970-01-01 00:00:00+00');
--> statement-breakpoint
-- The prefixes 0005 swept have no day: NULL, long past the retention.
ALTER TABLE "expired_idempotency_keys" RENAME TO "past_idempotency_keys";
--> statement-breakpoint
ALTER TABLE "past_idempotency_keys" RENAME CONSTRAINT "expired_idempotency_keys_pkey" TO "past_idempotency_keys_pkey";
--> statement-breakpoint
ALTER TABLE "past_idempotency_keys" ADD COLUMN "day" date;
--> statement-breakpoint
DO $$
DECLARE
  partition text;
BEGIN
  FOR partition IN
    SELECT child.relname FROM pg_inherits i
    JOIN pg_class child ON child.oid = i.inhrelid
    WHERE i.inhparent = 'public.ledger_entries'::regclass
  LOOP
    PERFORM jackpot_ensure_key_index(partition);
  END LOOP;
END;
$$;
--> statement-breakpoint
DROP TABLE "idempotency_keys";
