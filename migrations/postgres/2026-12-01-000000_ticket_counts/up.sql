-- Every queue page shows its views' counts, and a view's page counts its tickets: with
-- 100,000 open tickets, counting them on each page cost more than the rest of it. Tickets
-- are counted per (status, intent, language, channel) in `ticket_counts`, so any view or
-- filter without an assignee or a search is a sum over a few hundred rows.
--
-- Several servers write at once, and one transaction may change several tickets (the
-- ingest group commit): updating shared count rows in place would serialise them and could
-- deadlock (two transactions moving tickets between the same two statuses in opposite
-- directions). So the trigger only appends a delta row (no lock on anything shared), reads
-- add the deltas to the counts, and a server folds the deltas into the counts every second
-- (`store::counts::compact`, one at a time under an advisory lock).
-- No ticket may change between the backfill and the trigger (the migration's transaction
-- holds the lock until it commits).
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE ticket_counts (
    status TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (status, intent, language, channel)
);

CREATE TABLE ticket_count_deltas (
    id BIGSERIAL PRIMARY KEY,
    status TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    n BIGINT NOT NULL
);

INSERT INTO ticket_counts (status, intent, language, channel, n)
    SELECT status, COALESCE(intent, ''), COALESCE(language, ''), channel, COUNT(*)
    FROM tickets GROUP BY 1, 2, 3, 4;

CREATE FUNCTION ticket_counts_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.intent IS NOT DISTINCT FROM NEW.intent
        AND OLD.language IS NOT DISTINCT FROM NEW.language
        AND OLD.channel IS NOT DISTINCT FROM NEW.channel THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO ticket_count_deltas (status, intent, language, channel, n)
            VALUES (OLD.status, COALESCE(OLD.intent, ''), COALESCE(OLD.language, ''), OLD.channel, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO ticket_count_deltas (status, intent, language, channel, n)
            VALUES (NEW.status, COALESCE(NEW.intent, ''), COALESCE(NEW.language, ''), NEW.channel, 1);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ticket_counts_sync AFTER INSERT OR DELETE OR UPDATE OF status, intent, language, channel
    ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_counts_sync();
