-- Privacy by design (issue 13). migrations/{sqlite,postgres} hold the same columns.
-- A legal hold keeps a customer (every ticket of theirs) out of retention and erasure.
ALTER TABLE customers ADD COLUMN legal_hold BOOLEAN NOT NULL DEFAULT FALSE;
-- When the customer's name and address were replaced by a pseudonym.
ALTER TABLE customers ADD COLUMN erased_at TIMESTAMP;
-- The same for one ticket: a row only for tickets held or erased (tickets has no room for
-- more columns, and the rows stay few). erased_at: when the ticket's personal data was
-- erased (an erasure or retention); its counts and timings stay.
CREATE TABLE ticket_privacy (
    ticket_id TEXT PRIMARY KEY NOT NULL REFERENCES tickets(id),
    legal_hold BOOLEAN NOT NULL DEFAULT FALSE,
    erased_at TIMESTAMP
);

-- Background jobs that must run once across several `serve` processes (retention): a
-- server claims a job by moving `locked_until` forward in one conditional UPDATE.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY NOT NULL,
    holder TEXT,
    locked_until TIMESTAMP,
    last_run_at TIMESTAMP
);

-- The audit trail cannot be changed or deleted through the application: no event is ever
-- deleted; who, what, which ticket and from where never change; what people did keeps its
-- time; the details may only be redacted (an erasure), and then say so ("redacted": true).
-- (Machine events may be moved in time: the demo backdates its sample tickets.)
CREATE FUNCTION events_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit rows cannot be deleted';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.ticket_id IS DISTINCT FROM OLD.ticket_id
       OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.actor_kind IS DISTINCT FROM OLD.actor_kind
       OR NEW.actor_id IS DISTINCT FROM OLD.actor_id OR NEW.ip IS DISTINCT FROM OLD.ip
       OR (NEW.created_at IS DISTINCT FROM OLD.created_at
           AND OLD.actor_kind NOT IN ('system', 'ai', 'customer'))
       OR (NEW.data IS DISTINCT FROM OLD.data AND NEW.data NOT LIKE '%"redacted":true%') THEN
        RAISE EXCEPTION 'audit rows cannot be changed';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_guard BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_guard();
