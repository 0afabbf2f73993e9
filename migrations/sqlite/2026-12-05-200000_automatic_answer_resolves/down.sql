DROP TRIGGER ticket_facts_refresh;
CREATE TRIGGER ticket_facts_refresh INSTEAD OF INSERT ON ticket_facts_refresh BEGIN
    DELETE FROM ticket_facts WHERE ticket_id = NEW.ticket_id;
    INSERT INTO ticket_facts (ticket_id, created_at, intent, language, channel, assignee_id,
        waiting, waiting_since, first_response_min, resolution_min, automated)
    SELECT t.id, t.created_at, t.intent, t.language, t.channel, t.assignee_id,
        CASE WHEN t.status IN ('pending_review', 'escalated', 'in_progress') THEN 1 ELSE 0 END,
        t.waiting_since,
        CAST(ROUND((julianday(t.first_response_at) - julianday(t.created_at)) * 1440.0) AS INTEGER),
        CAST(ROUND((julianday(t.resolved_at) - julianday(t.created_at)) * 1440.0) AS INTEGER),
        -- The unary + keeps SQLite, before it has statistics, off the index of every
        -- automated draft (drafts_decision_created): one ticket's drafts are a few.
        CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id
            AND +a.decision = 'auto_send') THEN 1 ELSE 0 END
    FROM tickets t WHERE t.id = NEW.ticket_id;
END;

INSERT INTO ticket_facts_refresh (ticket_id)
    SELECT id FROM tickets WHERE status = 'auto_answered' AND resolved_at IS NULL;
