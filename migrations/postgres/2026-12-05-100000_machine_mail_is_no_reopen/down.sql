-- The code before this migration knows no 'machine' author.
UPDATE messages SET author_kind = 'customer' WHERE author_kind = 'machine';
CREATE OR REPLACE FUNCTION draft_facts_compute_all(ids TEXT[]) RETURNS void AS $$
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
