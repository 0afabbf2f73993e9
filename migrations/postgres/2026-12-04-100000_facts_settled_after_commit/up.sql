-- The dashboard's facts were recomputed inside every transaction that wrote their sources
-- (2026-12-01-910000_facts_at_commit): a third of PostgreSQL's execution time per ingested
-- email, paid while the sender waits for its 202. The triggers now only mark the ticket in
-- `facts_stale`; `serve` settles the marks every second, many tickets in one statement
-- (store::metrics::settle_facts), and every reader of the facts settles what is left
-- first, so the dashboard is as fresh as before.
CREATE TABLE facts_stale (
    ticket_id TEXT NOT NULL,
    -- 't': the ticket's row in ticket_facts; 'd': its rows in draft_facts.
    kind TEXT NOT NULL
);

-- The facts of the tickets `ids`, recomputed from their sources in one statement a table:
-- the expressions of ticket_facts_compute and draft_facts_compute (which now call these).
CREATE FUNCTION ticket_facts_compute_all(ids TEXT[]) RETURNS void AS $$
BEGIN
    DELETE FROM ticket_facts WHERE ticket_id = ANY (ids);
    INSERT INTO ticket_facts (ticket_id, created_at, intent, language, channel, assignee_id,
        waiting, waiting_since, first_response_min, resolution_min, automated)
    SELECT t.id, t.created_at, t.intent, t.language, t.channel, t.assignee_id,
        CASE WHEN t.status IN ('pending_review', 'escalated', 'in_progress') THEN 1 ELSE 0 END,
        t.waiting_since,
        CAST(ROUND(EXTRACT(EPOCH FROM (t.first_response_at - t.created_at)) / 60.0) AS BIGINT),
        CAST(ROUND(EXTRACT(EPOCH FROM (t.resolved_at - t.created_at)) / 60.0) AS BIGINT),
        -- `decision` only inside an expression: no index on it can be chosen
        -- (2026-12-01-930000_facts_without_statistics).
        CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id
            AND (a.decision = 'auto_send') IS TRUE) THEN 1 ELSE 0 END
    FROM tickets t WHERE t.id = ANY (ids);
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_facts_compute_all(ids TEXT[]) RETURNS void AS $$
BEGIN
    DELETE FROM draft_facts WHERE ticket_id = ANY (ids);
    INSERT INTO draft_facts (draft_id, ticket_id, created_at, intent, language, channel, agent,
        decision, reason, status, blocked, pct, decided_at, answered, reopened, asked_person)
    SELECT s.id, s.ticket_id, s.created_at, s.intent, s.language,
        (SELECT t.channel FROM tickets t WHERE t.id = s.ticket_id),
        s.decided_by, s.decision,
        CASE
            WHEN s.risk_flags LIKE '%"human_requested"%' THEN 'human_requested'
            WHEN s.risk_flags LIKE '%"legal_threat"%' OR s.risk_flags LIKE '%"anger"%'
              OR s.risk_flags LIKE '%"vip"%' OR s.risk_flags LIKE '%"multiple_questions"%'
              OR s.risk_flags LIKE '%"never_auto_intent"%' THEN 'risk_flag'
            WHEN s.risk_flags LIKE '%"repeat_contact"%' THEN 'repeat_contact'
            WHEN s.risk_flags LIKE '%"language_not_covered"%' THEN 'language_not_covered'
            WHEN s.risk_flags LIKE '%"no_article"%' THEN 'no_article'
            WHEN s.risk_flags LIKE '%"low_confidence"%' THEN 'low_confidence'
            ELSE 'other' END,
        s.status,
        CASE WHEN s.risk_flags LIKE '%"human_requested"%' OR s.risk_flags LIKE '%"legal_threat"%'
              OR s.risk_flags LIKE '%"anger"%' OR s.risk_flags LIKE '%"vip"%'
              OR s.risk_flags LIKE '%"multiple_questions"%' OR s.risk_flags LIKE '%"repeat_contact"%'
              OR s.risk_flags LIKE '%"language_not_covered"%' OR s.risk_flags LIKE '%"no_article"%'
            THEN 1 ELSE 0 END,
        CAST(FLOOR(s.confidence * 100.0 + 0.000001) AS BIGINT),
        s.decided_at,
        CASE WHEN s.sent_at IS NULL THEN 0 ELSE 1 END,
        CASE WHEN s.sent_at IS NOT NULL AND EXISTS (SELECT 1 FROM messages m
            WHERE m.ticket_id = s.ticket_id AND m.direction = 'inbound' AND m.id <> s.message_id
            AND m.created_at > s.sent_at AND m.created_at <= (s.sent_at + INTERVAL '7 days'))
            THEN 1 ELSE 0 END,
        CASE WHEN s.sent_at IS NOT NULL AND EXISTS (SELECT 1 FROM drafts p
            WHERE p.ticket_id = s.ticket_id AND p.id <> s.id AND p.created_at > s.sent_at
            AND p.created_at <= (s.sent_at + INTERVAL '7 days')
            AND p.risk_flags LIKE '%"human_requested"%')
            THEN 1 ELSE 0 END
    FROM (SELECT d.id AS id, d.ticket_id AS ticket_id, d.message_id AS message_id,
            d.created_at AS created_at, d.intent AS intent, d.language AS language,
            d.decided_by AS decided_by, d.decision AS decision, d.risk_flags AS risk_flags,
            d.status AS status, d.confidence AS confidence, d.decided_at AS decided_at,
            CASE WHEN d.decision = 'auto_send' THEN (SELECT MIN(o.sent_at) FROM outbox o
                WHERE o.ticket_id = d.ticket_id AND o.kind = 'auto_answer'
                AND o.sent_at IS NOT NULL AND o.created_at >= d.created_at) END AS sent_at
          FROM drafts d WHERE d.ticket_id = ANY (ids)) s;
END
$$ LANGUAGE plpgsql;

-- One ticket at once, as the repair (rebuild_facts) and older callers ask: takes the
-- ticket row's lock first, waiting for whoever holds it.
CREATE OR REPLACE FUNCTION ticket_facts_compute(tid TEXT) RETURNS void AS $$
BEGIN
    IF tid IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM tickets WHERE id = tid FOR NO KEY UPDATE;
    PERFORM ticket_facts_compute_all(ARRAY[tid]);
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION draft_facts_compute(tid TEXT) RETURNS void AS $$
BEGIN
    IF tid IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM tickets WHERE id = tid FOR NO KEY UPDATE;
    PERFORM draft_facts_compute_all(ARRAY[tid]);
END
$$ LANGUAGE plpgsql;

-- What the deferred triggers (2026-12-01-910000_facts_at_commit) call at commit: a mark,
-- once a transaction for each ticket and kind.
CREATE OR REPLACE FUNCTION ticket_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('ticket', tid) THEN
        INSERT INTO facts_stale (ticket_id, kind) VALUES (tid, 't');
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION draft_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('draft', tid) THEN
        INSERT INTO facts_stale (ticket_id, kind) VALUES (tid, 'd');
    END IF;
END
$$ LANGUAGE plpgsql;

-- Settles up to `most` marks (NULL: all); returns how many it took. The caller holds the
-- settling lock (store::SoloJob::SettleFacts): one settler at a time. Marks committed
-- after this statement's snapshot stay for the next call, and the sources are read with
-- later snapshots than the marks: no committed write is left out. No ticket row is
-- locked (a lock is a write of the row): tickets are never deleted, only blanked in
-- place by an erasure, which changes no fact.
CREATE FUNCTION facts_settle(most INT) RETURNS INT AS $$
DECLARE
    due_tickets TEXT[];
    due_drafts TEXT[];
    taken_marks INT;
BEGIN
    WITH taken AS (
        DELETE FROM facts_stale
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM facts_stale LIMIT most))
        RETURNING ticket_id, kind)
    SELECT COALESCE(array_agg(DISTINCT ticket_id) FILTER (WHERE kind = 't'), '{}'),
           COALESCE(array_agg(DISTINCT ticket_id) FILTER (WHERE kind = 'd'), '{}'),
           COUNT(*)
      INTO due_tickets, due_drafts, taken_marks FROM taken;
    IF taken_marks = 0 THEN
        RETURN 0;
    END IF;
    PERFORM ticket_facts_compute_all(due_tickets);
    PERFORM draft_facts_compute_all(due_drafts);
    RETURN taken_marks;
END
$$ LANGUAGE plpgsql
-- Every row is reached through its key, whatever share of a table the marks name: a plan
-- that scans whole tables (chosen once a chunk names a few percent of the rows) would
-- cost each round the size of the store.
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;

-- The daily sums' deltas were written by a row trigger on the facts tables, a function
-- call and an insert for every facts row. The settling writes thousands of facts rows in
-- one statement; statement triggers now write their deltas in one insert too. Each row's
-- deltas are the rows of ticket_rollup_deltas / draft_rollup_deltas (the expressions of
-- 2026-12-01-800000_facts_rollup), which the row functions the repair calls now use too.
CREATE FUNCTION ticket_rollup_deltas(sign BIGINT, f ticket_facts)
RETURNS SETOF facts_rollup_deltas AS $$
    SELECT 't', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), COALESCE(f.channel, ''), COALESCE(f.assignee_id, ''),
        '', '', '', CAST(0 AS BIGINT), sign, CAST(0 AS BIGINT), CAST(0 AS BIGINT)
    UNION ALL
    SELECT 'f', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), COALESCE(f.channel, ''), COALESCE(f.assignee_id, ''),
        CAST(f.automated AS TEXT), '', '',
        CASE WHEN f.first_response_min < 180 THEN f.first_response_min WHEN f.first_response_min < 2880 THEN f.first_response_min - f.first_response_min % 5 ELSE f.first_response_min - f.first_response_min % 60 END,
        sign, 0, 0 WHERE f.first_response_min IS NOT NULL
    UNION ALL
    SELECT 'r', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), COALESCE(f.channel, ''), COALESCE(f.assignee_id, ''),
        CAST(f.automated AS TEXT), '', '',
        CASE WHEN f.resolution_min < 180 THEN f.resolution_min WHEN f.resolution_min < 2880 THEN f.resolution_min - f.resolution_min % 5 ELSE f.resolution_min - f.resolution_min % 60 END,
        sign, 0, 0 WHERE f.resolution_min IS NOT NULL
$$ LANGUAGE sql STABLE;

CREATE FUNCTION draft_rollup_deltas(sign BIGINT, f draft_facts)
RETURNS SETOF facts_rollup_deltas AS $$
    SELECT 'x', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), COALESCE(f.channel, ''), COALESCE(f.agent, ''),
        f.decision, f.reason, f.status, CAST(0 AS BIGINT), sign, CAST(0 AS BIGINT),
        CAST(0 AS BIGINT)
    UNION ALL
    SELECT 's', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), '', '', f.decision, f.status, CAST(f.blocked AS TEXT),
        f.pct, sign, 0, 0
    UNION ALL
    SELECT 'o', to_char(f.created_at, 'YYYY-MM-DD'), COALESCE(f.intent, ''),
        COALESCE(f.language, ''), COALESCE(f.channel, ''), '', '', '', '', 0, sign,
        sign * f.reopened, sign * f.asked_person
        WHERE f.decision = 'auto_send' AND f.answered = 1
$$ LANGUAGE sql STABLE;

CREATE OR REPLACE FUNCTION ticket_rollup_rows(sign BIGINT, f ticket_facts) RETURNS void AS $$
BEGIN
    INSERT INTO facts_rollup_deltas SELECT * FROM ticket_rollup_deltas(sign, f);
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION draft_rollup_rows(sign BIGINT, f draft_facts) RETURNS void AS $$
BEGIN
    INSERT INTO facts_rollup_deltas SELECT * FROM draft_rollup_deltas(sign, f);
END
$$ LANGUAGE plpgsql;

-- A trigger with transition tables has one event, so each table has three; they share
-- the function and name the tables each event has.
CREATE FUNCTION ticket_rollup_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO facts_rollup_deltas
        SELECT d.* FROM old_facts f, LATERAL ticket_rollup_deltas(-1, f) d;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO facts_rollup_deltas
        SELECT d.* FROM new_facts f, LATERAL ticket_rollup_deltas(1, f) d;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_rollup_statement() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO facts_rollup_deltas
        SELECT d.* FROM old_facts f, LATERAL draft_rollup_deltas(-1, f) d;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO facts_rollup_deltas
        SELECT d.* FROM new_facts f, LATERAL draft_rollup_deltas(1, f) d;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER ticket_rollup ON ticket_facts;
DROP TRIGGER draft_rollup ON draft_facts;
CREATE TRIGGER ticket_rollup_insert AFTER INSERT ON ticket_facts
    REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION ticket_rollup_statement();
CREATE TRIGGER ticket_rollup_update AFTER UPDATE ON ticket_facts
    REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_rollup_statement();
CREATE TRIGGER ticket_rollup_delete AFTER DELETE ON ticket_facts
    REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION ticket_rollup_statement();
CREATE TRIGGER draft_rollup_insert AFTER INSERT ON draft_facts
    REFERENCING NEW TABLE AS new_facts FOR EACH STATEMENT EXECUTE FUNCTION draft_rollup_statement();
CREATE TRIGGER draft_rollup_update AFTER UPDATE ON draft_facts
    REFERENCING OLD TABLE AS old_facts NEW TABLE AS new_facts
    FOR EACH STATEMENT EXECUTE FUNCTION draft_rollup_statement();
CREATE TRIGGER draft_rollup_delete AFTER DELETE ON draft_facts
    REFERENCING OLD TABLE AS old_facts FOR EACH STATEMENT EXECUTE FUNCTION draft_rollup_statement();
