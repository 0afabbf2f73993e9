-- The supervisor dashboard's facts summed per day (issue 12): a week of 100,000 tickets
-- was grouped row by row on every view (0.7-1.6 s on SQLite); the whole days of a period
-- are now read from a few thousand summed rows and only its partial first and last day
-- from the facts. Kept exact by the triggers below, in the transaction that changes a
-- facts row (which the facts triggers recompute as a delete and an insert).
--
-- One table for every figure, told apart by `kind`:
--   't' tickets created (intent, language, channel, agent = assignee)
--   'f' / 'r' minutes to first response / to resolution (k1 = automated, v = minutes,
--       exact under 3 hours, then to 5 minutes, from 2 days on to the hour: what the
--       page shows; store::metrics::minutes_bucket)
--   'x' triage decisions (agent = who decided; k1 decision, k2 reason, k3 status)
--   's' confidence scores (k1 decision, k2 status, k3 blocked, v = whole percent)
--   'o' automated answers sent (n), written back to (n2), then asking for a person (n3)
-- Missing values are '' (a key column holds no NULL, so the upsert finds the row).
-- migrations/{sqlite,postgres} hold the same table.
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
) WITHOUT ROWID;

-- PostgreSQL's deltas, which SQLite never writes: the two schemas stay the same.
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

-- The rows one ticket_facts row adds (sign 1) or takes away (sign -1).
CREATE VIEW ticket_rollup_change (sign, created_at, intent, language, channel, assignee_id,
    first_response_min, resolution_min, automated) AS
    SELECT 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL WHERE 0;
CREATE TRIGGER ticket_rollup_change INSTEAD OF INSERT ON ticket_rollup_change BEGIN
    INSERT INTO facts_rollup (kind, day, intent, language, channel, agent, k1, k2, k3, v, n, n2, n3)
    SELECT 't', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.assignee_id, ''),
        '', '', '', 0, NEW.sign, 0, 0 WHERE 1
    UNION ALL
    SELECT 'f', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.assignee_id, ''),
        CAST(NEW.automated AS TEXT), '', '',
        CASE WHEN NEW.first_response_min < 180 THEN NEW.first_response_min WHEN NEW.first_response_min < 2880 THEN NEW.first_response_min - NEW.first_response_min % 5 ELSE NEW.first_response_min - NEW.first_response_min % 60 END, NEW.sign, 0, 0
        WHERE NEW.first_response_min IS NOT NULL
    UNION ALL
    SELECT 'r', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.assignee_id, ''),
        CAST(NEW.automated AS TEXT), '', '',
        CASE WHEN NEW.resolution_min < 180 THEN NEW.resolution_min WHEN NEW.resolution_min < 2880 THEN NEW.resolution_min - NEW.resolution_min % 5 ELSE NEW.resolution_min - NEW.resolution_min % 60 END, NEW.sign, 0, 0
        WHERE NEW.resolution_min IS NOT NULL
    ON CONFLICT DO UPDATE SET n = n + excluded.n;
END;

CREATE VIEW draft_rollup_change (sign, created_at, intent, language, channel, agent, decision,
    reason, status, blocked, pct, answered, reopened, asked_person) AS
    SELECT 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
    WHERE 0;
CREATE TRIGGER draft_rollup_change INSTEAD OF INSERT ON draft_rollup_change BEGIN
    INSERT INTO facts_rollup (kind, day, intent, language, channel, agent, k1, k2, k3, v, n, n2, n3)
    SELECT 'x', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), COALESCE(NEW.channel, ''), COALESCE(NEW.agent, ''),
        NEW.decision, NEW.reason, NEW.status, 0, NEW.sign, 0, 0 WHERE 1
    UNION ALL
    SELECT 's', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), '', '', NEW.decision, NEW.status,
        CAST(NEW.blocked AS TEXT), NEW.pct, NEW.sign, 0, 0 WHERE 1
    UNION ALL
    SELECT 'o', substr(NEW.created_at, 1, 10), COALESCE(NEW.intent, ''),
        COALESCE(NEW.language, ''), COALESCE(NEW.channel, ''), '', '', '', '', 0,
        NEW.sign, NEW.sign * NEW.reopened, NEW.sign * NEW.asked_person
        WHERE NEW.decision = 'auto_send' AND NEW.answered = 1
    ON CONFLICT DO UPDATE SET n = n + excluded.n, n2 = n2 + excluded.n2, n3 = n3 + excluded.n3;
END;

CREATE TRIGGER ticket_rollup_insert AFTER INSERT ON ticket_facts BEGIN
    INSERT INTO ticket_rollup_change VALUES (1, NEW.created_at, NEW.intent, NEW.language,
        NEW.channel, NEW.assignee_id, NEW.first_response_min, NEW.resolution_min, NEW.automated);
END;
CREATE TRIGGER ticket_rollup_delete AFTER DELETE ON ticket_facts BEGIN
    INSERT INTO ticket_rollup_change VALUES (-1, OLD.created_at, OLD.intent, OLD.language,
        OLD.channel, OLD.assignee_id, OLD.first_response_min, OLD.resolution_min, OLD.automated);
END;
CREATE TRIGGER ticket_rollup_update AFTER UPDATE ON ticket_facts BEGIN
    INSERT INTO ticket_rollup_change VALUES (-1, OLD.created_at, OLD.intent, OLD.language,
        OLD.channel, OLD.assignee_id, OLD.first_response_min, OLD.resolution_min, OLD.automated);
    INSERT INTO ticket_rollup_change VALUES (1, NEW.created_at, NEW.intent, NEW.language,
        NEW.channel, NEW.assignee_id, NEW.first_response_min, NEW.resolution_min, NEW.automated);
END;

CREATE TRIGGER draft_rollup_insert AFTER INSERT ON draft_facts BEGIN
    INSERT INTO draft_rollup_change VALUES (1, NEW.created_at, NEW.intent, NEW.language,
        NEW.channel, NEW.agent, NEW.decision, NEW.reason, NEW.status, NEW.blocked, NEW.pct,
        NEW.answered, NEW.reopened, NEW.asked_person);
END;
CREATE TRIGGER draft_rollup_delete AFTER DELETE ON draft_facts BEGIN
    INSERT INTO draft_rollup_change VALUES (-1, OLD.created_at, OLD.intent, OLD.language,
        OLD.channel, OLD.agent, OLD.decision, OLD.reason, OLD.status, OLD.blocked, OLD.pct,
        OLD.answered, OLD.reopened, OLD.asked_person);
END;
CREATE TRIGGER draft_rollup_update AFTER UPDATE ON draft_facts BEGIN
    INSERT INTO draft_rollup_change VALUES (-1, OLD.created_at, OLD.intent, OLD.language,
        OLD.channel, OLD.agent, OLD.decision, OLD.reason, OLD.status, OLD.blocked, OLD.pct,
        OLD.answered, OLD.reopened, OLD.asked_person);
    INSERT INTO draft_rollup_change VALUES (1, NEW.created_at, NEW.intent, NEW.language,
        NEW.channel, NEW.agent, NEW.decision, NEW.reason, NEW.status, NEW.blocked, NEW.pct,
        NEW.answered, NEW.reopened, NEW.asked_person);
END;

-- The facts already kept.
INSERT INTO ticket_rollup_change SELECT 1, created_at, intent, language, channel, assignee_id,
    first_response_min, resolution_min, automated FROM ticket_facts;
INSERT INTO draft_rollup_change SELECT 1, created_at, intent, language, channel, agent, decision,
    reason, status, blocked, pct, answered, reopened, asked_person FROM draft_facts;
