-- The supervisor dashboard's figures, kept per ticket and per draft in the transaction
-- that writes the rows they come from, so the dashboard reads a week of narrow rows
-- instead of re-deriving them from a week of tickets, drafts, messages and outbox rows on
-- every view (issue 12). Each facts row is recomputed whole from its sources whenever one
-- of them changes: the figures are the expressions the dashboard used to run
-- (src/store/metrics.rs), so they cannot drift from them.
-- migrations/{sqlite,postgres} hold the same tables and columns.

-- One row a ticket: what the ticket counts and times are grouped by.
CREATE TABLE ticket_facts (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    intent TEXT,
    language TEXT,
    channel TEXT NOT NULL,
    assignee_id TEXT,
    -- 1 while the status waits for a person (domain::ticket::WAITING_FOR_PERSON).
    waiting INTEGER NOT NULL,
    waiting_since TIMESTAMP,
    -- Whole minutes from creation, rounded; NULL until it happened.
    first_response_min BIGINT,
    resolution_min BIGINT,
    -- 1 when one of the ticket's drafts was auto-sent.
    automated INTEGER NOT NULL
);
CREATE INDEX ticket_facts_created ON ticket_facts(created_at);
-- The backlog: only the waiting tickets, in the order the dashboard groups them.
CREATE INDEX ticket_facts_waiting ON ticket_facts(intent, language, channel, assignee_id, waiting_since)
    WHERE waiting = 1;

-- One row a draft (a triage decision): its outcome, why it went to a person, and, for
-- an automated answer, whether the customer wrote back within 7 days of its sending.
CREATE TABLE draft_facts (
    draft_id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    intent TEXT,
    language TEXT NOT NULL,
    -- The ticket's channel.
    channel TEXT,
    -- Who decided the draft.
    agent TEXT,
    decision TEXT NOT NULL,
    -- The most decisive reason in the risk flags (app::metrics::REASONS; plain LIKE on
    -- the stored JSON array keeps it one expression on both backends).
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    -- 1 when a flag blocks automation whatever the thresholds are.
    blocked INTEGER NOT NULL,
    -- The confidence in whole percent, rounded down.
    pct BIGINT NOT NULL,
    decided_at TIMESTAMP,
    -- Auto-sent and delivered by the outbox; then written back to within 7 days of the
    -- sending (the triggering message never counts); then flagged human_requested.
    answered INTEGER NOT NULL,
    reopened INTEGER NOT NULL,
    asked_person INTEGER NOT NULL
);
CREATE INDEX draft_facts_created ON draft_facts(created_at);
CREATE INDEX draft_facts_ticket ON draft_facts(ticket_id);
-- The handling-time sample: the latest reviewed drafts by decision time.
CREATE INDEX draft_facts_reviewed ON draft_facts(decided_at)
    WHERE agent IS NOT NULL
      AND status IN ('approved', 'edited', 'rejected', 'rejected_wrong_intent', 'set_aside');

-- Recomputes one ticket's facts rows. Several `serve` processes may write rows of the
-- same ticket at once; each refresh first takes the ticket row's lock (the one an update
-- of the ticket takes, so it adds no new lock order), and the statements after it see
-- what the previous holder committed: the last refresh of a ticket sees every write.
CREATE FUNCTION ticket_facts_refresh(tid TEXT) RETURNS void AS $$
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
        CASE WHEN EXISTS (SELECT 1 FROM drafts a WHERE a.ticket_id = t.id
            AND a.decision = 'auto_send') THEN 1 ELSE 0 END
    FROM tickets t WHERE t.id = tid;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION draft_facts_refresh(tid TEXT) RETURNS void AS $$
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

-- What each source row feeds: a ticket its own facts and its drafts' channel; a draft its
-- ticket's "automated" and every draft fact of the ticket (a later draft asking for a
-- person changes an earlier answer's facts); an inbound message and an automated
-- answer's outbox row the ticket's reopen facts.
CREATE FUNCTION facts_ticket_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM ticket_facts WHERE ticket_id = OLD.id;
        DELETE FROM draft_facts WHERE ticket_id = OLD.id;
        RETURN NULL;
    END IF;
    PERFORM ticket_facts_refresh(NEW.id);
    IF TG_OP = 'UPDATE' AND OLD.channel IS DISTINCT FROM NEW.channel THEN
        PERFORM draft_facts_refresh(NEW.id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER facts_ticket_sync AFTER INSERT OR DELETE OR UPDATE OF created_at, intent,
    language, channel, assignee_id, status, waiting_since, first_response_at, resolved_at
    ON tickets FOR EACH ROW EXECUTE FUNCTION facts_ticket_sync();

CREATE FUNCTION facts_draft_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.decision = 'auto_send' THEN
            PERFORM ticket_facts_refresh(NEW.ticket_id);
        END IF;
        PERFORM draft_facts_refresh(NEW.ticket_id);
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.decision = 'auto_send' THEN
            PERFORM ticket_facts_refresh(OLD.ticket_id);
        END IF;
        PERFORM draft_facts_refresh(OLD.ticket_id);
    ELSE
        IF OLD.decision IS DISTINCT FROM NEW.decision
            OR OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
            PERFORM ticket_facts_refresh(NEW.ticket_id);
        END IF;
        IF OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
            PERFORM ticket_facts_refresh(OLD.ticket_id);
            PERFORM draft_facts_refresh(OLD.ticket_id);
        END IF;
        PERFORM draft_facts_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER facts_draft_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id, message_id,
    created_at, intent, language, decided_by, decision, risk_flags, status, confidence,
    decided_at ON drafts FOR EACH ROW EXECUTE FUNCTION facts_draft_sync();

CREATE FUNCTION facts_message_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.direction = 'inbound' THEN
            PERFORM draft_facts_refresh(NEW.ticket_id);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.direction = 'inbound' THEN
            PERFORM draft_facts_refresh(OLD.ticket_id);
        END IF;
    ELSE
        IF OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
            PERFORM draft_facts_refresh(OLD.ticket_id);
        END IF;
        PERFORM draft_facts_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER facts_message_sync AFTER INSERT OR DELETE OR UPDATE OF id, ticket_id,
    direction, created_at ON messages FOR EACH ROW EXECUTE FUNCTION facts_message_sync();

CREATE FUNCTION facts_outbox_sync() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.kind = 'auto_answer' AND NEW.sent_at IS NOT NULL THEN
            PERFORM draft_facts_refresh(NEW.ticket_id);
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.kind = 'auto_answer' AND OLD.sent_at IS NOT NULL THEN
            PERFORM draft_facts_refresh(OLD.ticket_id);
        END IF;
    ELSIF OLD.kind = 'auto_answer' OR NEW.kind = 'auto_answer' THEN
        IF OLD.ticket_id IS DISTINCT FROM NEW.ticket_id THEN
            PERFORM draft_facts_refresh(OLD.ticket_id);
        END IF;
        PERFORM draft_facts_refresh(NEW.ticket_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER facts_outbox_sync AFTER INSERT OR DELETE OR UPDATE OF ticket_id, kind,
    created_at, sent_at ON outbox FOR EACH ROW EXECUTE FUNCTION facts_outbox_sync();

-- The history so far.
SELECT ticket_facts_refresh(t.id) FROM tickets t;
SELECT draft_facts_refresh(d.ticket_id) FROM (SELECT DISTINCT ticket_id FROM drafts) d;
