-- Every queue page shows its views' counts, and a view's page counts its tickets: with
-- 100,000 open tickets, counting them on each page cost more than the rest of it. Tickets
-- are counted here per (status, intent, language, channel), kept by triggers in the
-- transaction that changes a ticket, so any view or filter without an assignee or a search
-- is a sum over a few hundred rows. (SQLite has one writer: updating the rows in place
-- adds no contention. PostgreSQL appends deltas instead; see its migration.)
CREATE TABLE ticket_counts (
    status TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, intent, language, channel)
) WITHOUT ROWID;

INSERT INTO ticket_counts (status, intent, language, channel, n)
    SELECT status, COALESCE(intent, ''), COALESCE(language, ''), channel, COUNT(*)
    FROM tickets GROUP BY 1, 2, 3, 4;

CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_counts (status, intent, language, channel, n)
        VALUES (NEW.status, COALESCE(NEW.intent, ''), COALESCE(NEW.language, ''), NEW.channel, 1)
        ON CONFLICT (status, intent, language, channel) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1
        WHERE status = OLD.status AND intent = COALESCE(OLD.intent, '')
          AND language = COALESCE(OLD.language, '') AND channel = OLD.channel;
END;

CREATE TRIGGER ticket_counts_update AFTER UPDATE OF status, intent, language, channel ON tickets
    WHEN OLD.status IS NOT NEW.status OR OLD.intent IS NOT NEW.intent
      OR OLD.language IS NOT NEW.language OR OLD.channel IS NOT NEW.channel BEGIN
    UPDATE ticket_counts SET n = n - 1
        WHERE status = OLD.status AND intent = COALESCE(OLD.intent, '')
          AND language = COALESCE(OLD.language, '') AND channel = OLD.channel;
    INSERT INTO ticket_counts (status, intent, language, channel, n)
        VALUES (NEW.status, COALESCE(NEW.intent, ''), COALESCE(NEW.language, ''), NEW.channel, 1)
        ON CONFLICT (status, intent, language, channel) DO UPDATE SET n = n + 1;
END;

-- The same for PostgreSQL's deltas, which SQLite never writes: one read serves both.
CREATE TABLE ticket_count_deltas (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL
);
