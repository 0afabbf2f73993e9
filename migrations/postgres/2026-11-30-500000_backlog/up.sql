-- The audit log lists people's actions newest first; they are a small share of all
-- events (most are the system's), so a partial index walks only theirs.
CREATE INDEX events_people_time ON events(created_at, id) WHERE actor_kind <> 'system';

-- "All tickets" and "Sent automatically" show their counts on every queue page; counting
-- a million rows each time would cost more than the rest of the page. Triggers keep the
-- two totals beside the ticket-number counter, in the transaction that changes the rows
-- (a new ticket already takes that counter's row lock, so this adds no new contention).
INSERT INTO counters (name, value) VALUES ('tickets_total', (SELECT COUNT(*) FROM tickets));
INSERT INTO counters (name, value)
    VALUES ('auto_answers_total', (SELECT COUNT(*) FROM drafts WHERE decision = 'auto_send'));

CREATE FUNCTION tickets_total_sync() RETURNS trigger AS $$
BEGIN
    UPDATE counters SET value = value + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
        WHERE name = 'tickets_total';
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_total_sync AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_total_sync();

CREATE FUNCTION auto_answers_total_sync() RETURNS trigger AS $$
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
        UPDATE counters SET value = value + delta WHERE name = 'auto_answers_total';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER auto_answers_total_sync AFTER INSERT OR DELETE OR UPDATE OF decision ON drafts
    FOR EACH ROW EXECUTE FUNCTION auto_answers_total_sync();

-- The audit log's list of actions (a loose scan, one probe per kind) and its filter by
-- action, over people's events only.
CREATE INDEX events_people_kind ON events(kind, created_at) WHERE actor_kind <> 'system';
