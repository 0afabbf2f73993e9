-- Several ingest writers (threads of one server, or several servers) share PostgreSQL. A
-- transaction that took a shared row's lock held it until it committed, and the ingest
-- group commit holds its transaction for up to 64 messages: every writer queued behind
-- the one that had drawn a ticket number (an UPDATE of the counter row), and behind the
-- totals' counter rows the triggers below kept in place. Now nothing an inbound message
-- writes is shared by two transactions:
--
-- Ticket numbers come from a sequence, which hands out numbers without a lock. A
-- transaction that rolls back leaves its number unused: numbers stay unique and rising,
-- with a gap now and then.
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE drafts IN SHARE ROW EXCLUSIVE MODE;

CREATE SEQUENCE ticket_numbers AS BIGINT;
SELECT setval('ticket_numbers',
    GREATEST((SELECT value FROM counters WHERE name = 'ticket_number'),
             COALESCE((SELECT MAX(number) FROM tickets), 0), 1));

-- "Sent automatically"'s total: the trigger appends a delta, a read adds the deltas to the
-- counter, and the worker that folds the ticket counts folds these too
-- (store::counts::compact).
CREATE TABLE counter_deltas (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    n BIGINT NOT NULL
);

CREATE OR REPLACE FUNCTION auto_answers_total_sync() RETURNS trigger AS $$
DECLARE
    delta BIGINT := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.decision = 'auto_send' THEN
        delta := delta - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.decision = 'auto_send' THEN
        delta := delta + 1;
    END IF;
    IF delta <> 0 THEN
        INSERT INTO counter_deltas (name, n) VALUES ('auto_answers_total', delta);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- The total of all tickets was never read (the ticket counts hold it): no longer kept.
DROP TRIGGER tickets_total_sync ON tickets;
DROP FUNCTION tickets_total_sync();
DELETE FROM counters WHERE name = 'tickets_total';
