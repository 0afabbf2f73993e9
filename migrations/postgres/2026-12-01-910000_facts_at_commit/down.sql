DROP TRIGGER facts_ticket_sync ON tickets;
CREATE TRIGGER facts_ticket_sync AFTER INSERT OR DELETE OR UPDATE OF created_at, intent,
    language, channel, assignee_id, status, waiting_since, first_response_at, resolved_at
    ON tickets FOR EACH ROW EXECUTE FUNCTION facts_ticket_sync();
DROP TRIGGER facts_draft_sync ON drafts;
CREATE TRIGGER facts_draft_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id, message_id,
    created_at, intent, language, decided_by, decision, risk_flags, status, confidence,
    decided_at ON drafts FOR EACH ROW EXECUTE FUNCTION facts_draft_sync();
DROP TRIGGER facts_message_sync ON messages;
CREATE TRIGGER facts_message_sync AFTER INSERT OR DELETE OR UPDATE OF id, ticket_id,
    direction, created_at ON messages FOR EACH ROW EXECUTE FUNCTION facts_message_sync();
DROP TRIGGER facts_outbox_sync ON outbox;
CREATE TRIGGER facts_outbox_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id, kind,
    created_at, sent_at ON outbox FOR EACH ROW EXECUTE FUNCTION facts_outbox_sync();

DROP FUNCTION ticket_facts_refresh(TEXT);
DROP FUNCTION draft_facts_refresh(TEXT);
DROP FUNCTION facts_first_in_transaction(TEXT, TEXT);
ALTER FUNCTION ticket_facts_compute(TEXT) RENAME TO ticket_facts_refresh;
ALTER FUNCTION draft_facts_compute(TEXT) RENAME TO draft_facts_refresh;
