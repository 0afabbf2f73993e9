-- The audit log lists people's actions newest first; they are a small share of all
-- events (most are the system's), so a partial index walks only theirs.
CREATE INDEX events_people_time ON events(created_at, id) WHERE actor_kind <> 'system';

-- "All tickets" and "Sent automatically" show their counts on every queue page; counting
-- a million rows each time would cost more than the rest of the page. Triggers keep the
-- two totals beside the ticket-number counter, in the transaction that changes the rows.
INSERT INTO counters (name, value) VALUES ('tickets_total', (SELECT COUNT(*) FROM tickets));
INSERT INTO counters (name, value)
    VALUES ('auto_answers_total', (SELECT COUNT(*) FROM drafts WHERE decision = 'auto_send'));

CREATE TRIGGER tickets_total_insert AFTER INSERT ON tickets BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'tickets_total';
END;
CREATE TRIGGER tickets_total_delete AFTER DELETE ON tickets BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'tickets_total';
END;
CREATE TRIGGER auto_answers_total_insert AFTER INSERT ON drafts
    WHEN NEW.decision = 'auto_send' BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'auto_answers_total';
END;
CREATE TRIGGER auto_answers_total_delete AFTER DELETE ON drafts
    WHEN OLD.decision = 'auto_send' BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'auto_answers_total';
END;
CREATE TRIGGER auto_answers_total_update AFTER UPDATE OF decision ON drafts
    WHEN (OLD.decision = 'auto_send') <> (NEW.decision = 'auto_send') BEGIN
    UPDATE counters SET value = value + (CASE WHEN NEW.decision = 'auto_send' THEN 1 ELSE -1 END)
        WHERE name = 'auto_answers_total';
END;

-- The audit log's list of actions (a loose scan, one probe per kind) and its filter by
-- action, over people's events only.
CREATE INDEX events_people_kind ON events(kind, created_at) WHERE actor_kind <> 'system';
