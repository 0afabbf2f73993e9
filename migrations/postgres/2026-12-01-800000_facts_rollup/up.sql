-- The supervisor dashboard's facts summed per day (issue 12); see the SQLite migration of
-- the same name for the table's meaning. Concurrent servers would queue on (and could
-- deadlock over) shared sum rows, so the triggers append to `facts_rollup_deltas`
-- instead; a read adds both, and `serve` folds the deltas in every second under an
-- advisory lock (store::metrics::fold_rollup), as the ticket counts do.
CREATE TABLE facts_rollup (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    agent TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    k3 TEXT NOT NULL,
    v BIGINT NOT NULL,
    n BIGINT NOT NULL,
    n2 BIGINT NOT NULL,
    n3 BIGINT NOT NULL,
    PRIMARY KEY (kind, day, intent, language, channel, agent, k1, k2, k3, v)
);

CREATE TABLE facts_rollup_deltas (
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    agent TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    k3 TEXT NOT NULL,
    v BIGINT NOT NULL,
    n BIGINT NOT NULL,
    n2 BIGINT NOT NULL,
    n3 BIGINT NOT NULL
);
CREATE INDEX facts_rollup_deltas_kind_day ON facts_rollup_deltas(kind, day);

CREATE FUNCTION ticket_rollup_rows(sign BIGINT, f ticket_facts) RETURNS void AS $$
DECLARE
    d TEXT := to_char(f.created_at, 'YYYY-MM-DD');
BEGIN
    INSERT INTO facts_rollup_deltas (kind, day, intent, language, channel, agent, k1, k2, k3, v, n, n2, n3)
    SELECT 't', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), COALESCE(f.channel, ''),
        COALESCE(f.assignee_id, ''), '', '', '', 0, sign, 0, 0
    UNION ALL
    SELECT 'f', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), COALESCE(f.channel, ''),
        COALESCE(f.assignee_id, ''), CAST(f.automated AS TEXT), '', '',
        CASE WHEN f.first_response_min < 180 THEN f.first_response_min WHEN f.first_response_min < 2880 THEN f.first_response_min - f.first_response_min % 5 ELSE f.first_response_min - f.first_response_min % 60 END,
        sign, 0, 0 WHERE f.first_response_min IS NOT NULL
    UNION ALL
    SELECT 'r', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), COALESCE(f.channel, ''),
        COALESCE(f.assignee_id, ''), CAST(f.automated AS TEXT), '', '',
        CASE WHEN f.resolution_min < 180 THEN f.resolution_min WHEN f.resolution_min < 2880 THEN f.resolution_min - f.resolution_min % 5 ELSE f.resolution_min - f.resolution_min % 60 END,
        sign, 0, 0 WHERE f.resolution_min IS NOT NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_rollup_rows(sign BIGINT, f draft_facts) RETURNS void AS $$
DECLARE
    d TEXT := to_char(f.created_at, 'YYYY-MM-DD');
BEGIN
    INSERT INTO facts_rollup_deltas (kind, day, intent, language, channel, agent, k1, k2, k3, v, n, n2, n3)
    SELECT 'x', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), COALESCE(f.channel, ''),
        COALESCE(f.agent, ''), f.decision, f.reason, f.status, 0, sign, 0, 0
    UNION ALL
    SELECT 's', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), '', '', f.decision,
        f.status, CAST(f.blocked AS TEXT), f.pct, sign, 0, 0
    UNION ALL
    SELECT 'o', d, COALESCE(f.intent, ''), COALESCE(f.language, ''), COALESCE(f.channel, ''),
        '', '', '', '', 0, sign, sign * f.reopened, sign * f.asked_person
        WHERE f.decision = 'auto_send' AND f.answered = 1;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION ticket_rollup_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM ticket_rollup_rows(-1, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM ticket_rollup_rows(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_rollup_trigger() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM draft_rollup_rows(-1, OLD);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM draft_rollup_rows(1, NEW);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ticket_rollup AFTER INSERT OR UPDATE OR DELETE ON ticket_facts
    FOR EACH ROW EXECUTE FUNCTION ticket_rollup_trigger();
CREATE TRIGGER draft_rollup AFTER INSERT OR UPDATE OR DELETE ON draft_facts
    FOR EACH ROW EXECUTE FUNCTION draft_rollup_trigger();

-- The facts already kept.
SELECT ticket_rollup_rows(1, f) FROM ticket_facts f;
SELECT draft_rollup_rows(1, f) FROM draft_facts f;
INSERT INTO facts_rollup (kind, day, intent, language, channel, agent, k1, k2, k3, v, n, n2, n3)
SELECT kind, day, intent, language, channel, agent, k1, k2, k3, v, SUM(n), SUM(n2), SUM(n3)
FROM facts_rollup_deltas GROUP BY kind, day, intent, language, channel, agent, k1, k2, k3, v;
DELETE FROM facts_rollup_deltas;
