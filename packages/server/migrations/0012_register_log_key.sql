CREATE TABLE "register_log_heads" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	"mac" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "register_log_heads" ADD CONSTRAINT "register_log_heads_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- hand-written: the register's access log refuses DELETE and TRUNCATE as it refuses UPDATE.
-- Rows leave only through the retention job (register/retention.ts), which first appends a
-- keyed prune record to the chain and names it in the transaction-local setting
-- wachsam.register_log_prune; the trigger lets a row go only when that record exists in the
-- same organisation's chain and is newer than the row. Re-keying the legacy sha256 chain with the
-- HMAC key (at start, for organisations without a keyed head, log-key.ts) may rewrite hash, prev_hash and prev_seq only,
-- under wachsam.register_log_rekey. These triggers stop mistakes and casual SQL; an attacker who
-- owns the database can set the same settings or drop the triggers, and what stops them is the
-- keyed chain, the keyed head and the anchor the data-protection officer holds (chain.ts).
CREATE OR REPLACE FUNCTION register_access_log_no_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('wachsam.register_log_rekey', true) = 'on' THEN
    IF (to_jsonb(NEW) - 'hash' - 'prev_hash' - 'prev_seq') IS DISTINCT FROM (to_jsonb(OLD) - 'hash' - 'prev_hash' - 'prev_seq') THEN
      RAISE EXCEPTION 'register_access_log: re-keying changes hash, prev_hash and prev_seq only';
    END IF;
    RETURN NEW;
  END IF;
  IF (to_jsonb(NEW) - 'held_until') IS DISTINCT FROM (to_jsonb(OLD) - 'held_until') THEN
    RAISE EXCEPTION 'register_access_log is append-only (only held_until may be set)';
  END IF;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE FUNCTION register_access_log_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prune text := current_setting('wachsam.register_log_prune', true);
BEGIN
  IF prune IS NULL OR prune !~ '^[0-9]+$' OR OLD.seq >= prune::bigint OR NOT EXISTS (
    SELECT 1 FROM register_access_log p
    WHERE p.seq = prune::bigint AND p.org_id = OLD.org_id AND p.action = 'log_pruned'
  ) THEN
    RAISE EXCEPTION 'register_access_log: rows are deleted only by the retention job, after a prune record in the chain';
  END IF;
  RETURN OLD;
END;
$$;--> statement-breakpoint
CREATE TRIGGER register_access_log_no_delete BEFORE DELETE ON register_access_log
  FOR EACH ROW EXECUTE FUNCTION register_access_log_no_delete();--> statement-breakpoint
CREATE FUNCTION register_access_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'register_access_log cannot be truncated';
END;
$$;--> statement-breakpoint
CREATE TRIGGER register_access_log_no_truncate BEFORE TRUNCATE ON register_access_log
  FOR EACH STATEMENT EXECUTE FUNCTION register_access_log_no_truncate();
