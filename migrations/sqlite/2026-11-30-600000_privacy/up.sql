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
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE(ABORT, 'audit rows cannot be deleted');
END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NEW.id IS NOT OLD.id OR NEW.ticket_id IS NOT OLD.ticket_id OR NEW.kind IS NOT OLD.kind
  OR NEW.actor_kind IS NOT OLD.actor_kind OR NEW.actor_id IS NOT OLD.actor_id
  OR NEW.ip IS NOT OLD.ip
  OR (NEW.created_at IS NOT OLD.created_at AND OLD.actor_kind NOT IN ('system', 'ai', 'customer'))
  OR (NEW.data IS NOT OLD.data AND NEW.data NOT LIKE '%"redacted":true%')
BEGIN
    SELECT RAISE(ABORT, 'audit rows cannot be changed');
END;
