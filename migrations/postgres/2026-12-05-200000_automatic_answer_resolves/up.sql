-- A ticket the automatic answer settled (auto_answered, never resolved by a person) is
-- resolved when that answer went out: "resolution, automated" measured only the tickets
-- automation had failed on (a person resolved them later). Tickets settled so far are
-- recomputed.
CREATE OR REPLACE FUNCTION ticket_facts_compute_all(ids TEXT[]) RETURNS void AS $$
BEGIN
    DELETE FROM ticket_facts WHERE ticket_id = ANY (ids);
    INSERT INTO ticket_facts (ticket_id, created_at, intent, language, channel, assignee_id,
        waiting, waiting_since, first_response_min, resolution_min, automated)
    SELECT t.id, t.created_at, t.intent, t.language, t.channel, t.assignee_id,
        CASE WHEN t.status IN ('pending_review', 'escalated', 'in_progress') THEN 1 ELSE 0 END,
        t.waiting_since,
        CAST(ROUND(EXTRACT(EPOCH FROM (t.first_response_at - t.created_at)) / 60.0) AS BIGINT),
        CAST(ROUND(EXTRACT(EPOCH FROM (COALESCE(t.resolved_at, CASE WHEN t.status = 'auto_answered'
            THEN t.first_response_at END) - t.created_at)) / 60.0) AS BIGINT),
        -- `decision` only inside an expression: no index on it can be chosen
        -- (2026-12-01-930000_facts_without_statistics).
        CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id
            AND (a.decision = 'auto_send') IS TRUE) THEN 1 ELSE 0 END
    FROM tickets t WHERE t.id = ANY (ids);
END
$$ LANGUAGE plpgsql;

SELECT ticket_facts_compute_all(ARRAY(
    SELECT id FROM tickets WHERE status = 'auto_answered' AND resolved_at IS NULL));
