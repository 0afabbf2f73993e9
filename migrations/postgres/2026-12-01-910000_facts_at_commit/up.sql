-- The dashboard's facts rows were recomputed at every row written: a new email's ticket
-- insert, message, draft, ticket update and outbox row recomputed its ticket's facts four
-- or five times, each a delete and an insert into indexed tables (about half of
-- PostgreSQL's CPU time per ingested email). The triggers now fire when the transaction
-- commits (deferred constraint triggers), when every source row holds its final value,
-- and a ticket's facts are recomputed once per transaction: the facts are as fresh as
-- before for every reader (no one sees the transaction before it commits).
ALTER FUNCTION ticket_facts_refresh(TEXT) RENAME TO ticket_facts_compute;
ALTER FUNCTION draft_facts_refresh(TEXT) RENAME TO draft_facts_compute;

-- Whether `tid`'s facts of this kind ('ticket' or 'draft') are still to be recomputed in
-- this transaction; marks them done. The set lives in a transaction-local setting, so it
-- ends with the transaction (and a rolled-back savepoint's marks with the savepoint).
CREATE FUNCTION facts_first_in_transaction(kind TEXT, tid TEXT) RETURNS BOOLEAN AS $$
DECLARE
    setting TEXT := 'tandem.facts_done_' || kind;
    done TEXT := COALESCE(NULLIF(current_setting(setting, true), ''), ',');
BEGIN
    IF tid IS NULL OR position(',' || tid || ',' IN done) > 0 THEN
        RETURN false;
    END IF;
    PERFORM set_config(setting, done || tid || ',', true);
    RETURN true;
END
$$ LANGUAGE plpgsql;

-- The names the triggers call: recompute once per transaction. Only the deferred triggers
-- below call them, at commit, when nothing in the transaction changes any more.
CREATE FUNCTION ticket_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('ticket', tid) THEN
        PERFORM ticket_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('draft', tid) THEN
        PERFORM draft_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER facts_ticket_sync ON tickets;
CREATE CONSTRAINT TRIGGER facts_ticket_sync AFTER INSERT OR DELETE OR UPDATE OF created_at,
    intent, language, channel, assignee_id, status, waiting_since, first_response_at,
    resolved_at ON tickets DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION facts_ticket_sync();

DROP TRIGGER facts_draft_sync ON drafts;
CREATE CONSTRAINT TRIGGER facts_draft_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id,
    message_id, created_at, intent, language, decided_by, decision, risk_flags, status,
    confidence, decided_at ON drafts DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION facts_draft_sync();

DROP TRIGGER facts_message_sync ON messages;
CREATE CONSTRAINT TRIGGER facts_message_sync AFTER INSERT OR DELETE OR UPDATE OF id,
    ticket_id, direction, created_at ON messages DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION facts_message_sync();

DROP TRIGGER facts_outbox_sync ON outbox;
CREATE CONSTRAINT TRIGGER facts_outbox_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id,
    kind, created_at, sent_at ON outbox DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION facts_outbox_sync();
