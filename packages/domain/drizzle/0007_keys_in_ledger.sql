-- Idempotency keys are found through the ledger entries that already hold them, not a
-- table of their own. 0005 kept a copy of every key (digest, request hash, entry id, time:
-- ~125 bytes with its index) in `idempotency_keys`, whose uuid primary key took each new
-- key on a random page of one index as big as the retention window: at 10 M keys that
-- index no longer stays in shared_buffers, and every insert dirtied a cold page (and, after
-- each checkpoint, wrote a full-page image to the WAL). Now each day partition of
-- ledger_entries carries a unique index of its own on the key's digest, so a write touches
-- only today's small index, and sweeping a day past the retention is dropping that day's
-- index after keeping 8 bytes per key in expired_idempotency_keys (as before).
--
-- The request hash is not kept: the entry holds every field it is made of (see
-- `entryRequestHash`), so a replay is told from a reused key by recomputing it.

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
-- the guard). Named <partition>_key_digest_idx; dropped by the sweep once the day is past
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
-- One row: the keys of entries written at or after keys_from are found by their day's key
-- index; older ones were swept into expired_idempotency_keys. A lookup reads this in the
-- same statement, so a sweep that has not run (a replica down over midnight) only makes
-- lookups read one more day, never miss a key.
CREATE TABLE "idempotency_key_window" (
	"one" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"keys_from" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_key_window_one_row" CHECK ("one")
);
--> statement-breakpoint
-- Keys 0005 had not swept yet are still in idempotency_keys, and their entries hold them:
-- index every existing day, and let the next hourly sweep expire the old ones as usual.
INSERT INTO "idempotency_key_window" ("keys_from") VALUES ('1970-01-01 00:00:00+00');
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
