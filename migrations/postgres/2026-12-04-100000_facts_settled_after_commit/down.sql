-- The row triggers of the daily sums, as 2026-12-01-800000_facts_rollup made them.
DROP TRIGGER ticket_rollup_insert ON ticket_facts;
DROP TRIGGER ticket_rollup_update ON ticket_facts;
DROP TRIGGER ticket_rollup_delete ON ticket_facts;
DROP TRIGGER draft_rollup_insert ON draft_facts;
DROP TRIGGER draft_rollup_update ON draft_facts;
DROP TRIGGER draft_rollup_delete ON draft_facts;
DROP FUNCTION ticket_rollup_statement();
DROP FUNCTION draft_rollup_statement();
CREATE TRIGGER ticket_rollup AFTER INSERT OR UPDATE OR DELETE ON ticket_facts
    FOR EACH ROW EXECUTE FUNCTION ticket_rollup_trigger();
CREATE TRIGGER draft_rollup AFTER INSERT OR UPDATE OR DELETE ON draft_facts
    FOR EACH ROW EXECUTE FUNCTION draft_rollup_trigger();
CREATE OR REPLACE FUNCTION draft_rollup_rows(sign BIGINT, f draft_facts) RETURNS void AS $$
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
CREATE OR REPLACE FUNCTION ticket_rollup_rows(sign BIGINT, f ticket_facts) RETURNS void AS $$
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
DROP FUNCTION ticket_rollup_deltas(BIGINT, ticket_facts);
DROP FUNCTION draft_rollup_deltas(BIGINT, draft_facts);

-- The facts recomputed at commit again, the marks left settled first.
DROP FUNCTION facts_settle(INT);
SELECT ticket_facts_compute(ticket_id) FROM (SELECT DISTINCT ticket_id FROM facts_stale WHERE kind = 't') s;
SELECT draft_facts_compute(ticket_id) FROM (SELECT DISTINCT ticket_id FROM facts_stale WHERE kind = 'd') s;
DROP TABLE facts_stale;
CREATE OR REPLACE FUNCTION ticket_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('ticket', tid) THEN
        PERFORM ticket_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION draft_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('draft', tid) THEN
        PERFORM draft_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION ticket_facts_compute(tid TEXT) RETURNS void AS $$
BEGIN
    IF tid IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM tickets WHERE id = tid FOR NO KEY UPDATE;
    DELETE FROM ticket_facts WHERE ticket_id = tid;
    INSERT INTO ticket_facts (ticket_id, created_at, intent, language, channel, assignee_id,
        waiting, waiting_since, first_response_min, resolution_min, automated)
    SELECT t.id, t.created_at, t.intent, t.language, t.channel, t.assignee_id,
        CASE WHEN t.status IN ('pending_review', 'escalated', 'in_progress') THEN 1 ELSE 0 END,
        t.waiting_since,
        CAST(ROUND(EXTRACT(EPOCH FROM (t.first_response_at - t.created_at)) / 60.0) AS BIGINT),
        CAST(ROUND(EXTRACT(EPOCH FROM (t.resolved_at - t.created_at)) / 60.0) AS BIGINT),
        -- `decision` only inside an expression: no index on it can be chosen.
        CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id
            AND (a.decision = 'auto_send') IS TRUE) THEN 1 ELSE 0 END
    FROM tickets t WHERE t.id = tid;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION draft_facts_compute(tid TEXT) RETURNS void AS $$
BEGIN
    IF tid IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM tickets WHERE id = tid FOR NO KEY UPDATE;
    DELETE FROM draft_facts WHERE ticket_id = tid;
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
          FROM drafts d WHERE d.ticket_id = tid) s;
END
$$ LANGUAGE plpgsql;
DROP FUNCTION ticket_facts_compute_all(TEXT[]);
DROP FUNCTION draft_facts_compute_all(TEXT[]);
