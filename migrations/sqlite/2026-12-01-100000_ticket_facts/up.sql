-- The supervisor dashboard's figures, kept per ticket and per draft in the transaction
-- that writes the rows they come from, so the dashboard reads a week of narrow rows in
-- time order instead of re-deriving them from a week of tickets, drafts, messages and
-- outbox rows on every view (issue 12). Each facts row is recomputed whole from its
-- sources whenever one of them changes: the figures are the expressions the dashboard
-- used to run (src/store/metrics.rs), so they cannot drift from them.
-- migrations/{sqlite,postgres} hold the same tables and columns.

-- One row a ticket: what the ticket counts and times are grouped by.
CREATE TABLE ticket_facts (
    ticket_id TEXT NOT NULL,
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
    automated INTEGER NOT NULL,
    PRIMARY KEY (created_at, ticket_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ticket_facts_ticket ON ticket_facts(ticket_id);
-- The backlog: only the waiting tickets, in the order the dashboard groups them.
CREATE INDEX ticket_facts_waiting ON ticket_facts(intent, language, channel, assignee_id, waiting_since)
    WHERE waiting = 1;

-- One row a draft (a triage decision): its outcome, why it went to a person, and, for
-- an automated answer, whether the customer wrote back within 7 days of its sending.
CREATE TABLE draft_facts (
    draft_id TEXT NOT NULL,
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
    asked_person INTEGER NOT NULL,
    PRIMARY KEY (created_at, draft_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX draft_facts_draft ON draft_facts(draft_id);
CREATE INDEX draft_facts_ticket ON draft_facts(ticket_id);
-- The handling-time sample: the latest reviewed drafts by decision time.
CREATE INDEX draft_facts_reviewed ON draft_facts(decided_at)
    WHERE agent IS NOT NULL
      AND status IN ('approved', 'edited', 'rejected', 'rejected_wrong_intent', 'set_aside');

-- SQLite triggers cannot call a shared procedure; an INSTEAD OF trigger on a view is
-- one: inserting a ticket id recomputes that ticket's facts rows.
CREATE VIEW ticket_facts_refresh (ticket_id) AS SELECT id FROM tickets WHERE 0;
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

CREATE VIEW draft_facts_refresh (ticket_id) AS SELECT id FROM tickets WHERE 0;
CREATE TRIGGER draft_facts_refresh INSTEAD OF INSERT ON draft_facts_refresh BEGIN
    DELETE FROM draft_facts WHERE ticket_id = NEW.ticket_id;
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
        CAST(s.confidence * 100.0 + 0.000001 AS INTEGER),
        s.decided_at,
        CASE WHEN s.sent_at IS NULL THEN 0 ELSE 1 END,
        CASE WHEN s.sent_at IS NOT NULL AND EXISTS (SELECT 1 FROM messages m
            WHERE m.ticket_id = s.ticket_id AND m.direction = 'inbound' AND m.id <> s.message_id
            AND m.created_at > s.sent_at
            AND m.created_at <= strftime('%Y-%m-%d %H:%M:%f', s.sent_at, '+7 days'))
            THEN 1 ELSE 0 END,
        CASE WHEN s.sent_at IS NOT NULL AND EXISTS (SELECT 1 FROM drafts p
            WHERE p.ticket_id = s.ticket_id AND p.id <> s.id AND p.created_at > s.sent_at
            AND p.created_at <= strftime('%Y-%m-%d %H:%M:%f', s.sent_at, '+7 days')
            AND p.risk_flags LIKE '%"human_requested"%')
            THEN 1 ELSE 0 END
    FROM (SELECT d.id AS id, d.ticket_id AS ticket_id, d.message_id AS message_id,
            d.created_at AS created_at, d.intent AS intent, d.language AS language,
            d.decided_by AS decided_by, d.decision AS decision, d.risk_flags AS risk_flags,
            d.status AS status, d.confidence AS confidence, d.decided_at AS decided_at,
            CASE WHEN d.decision = 'auto_send' THEN (SELECT MIN(o.sent_at) FROM outbox o
                WHERE o.ticket_id = d.ticket_id AND o.kind = 'auto_answer'
                AND o.sent_at IS NOT NULL AND o.created_at >= d.created_at) END AS sent_at
          FROM drafts d WHERE d.ticket_id = NEW.ticket_id) s;
END;

-- What each source row feeds: a ticket its own facts and its drafts' channel; a draft its
-- ticket's "automated" and every draft fact of the ticket (a later draft asking for a
-- person changes an earlier answer's facts); an inbound message and an automated
-- answer's outbox row the ticket's reopen facts.
CREATE TRIGGER facts_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_facts_refresh (ticket_id) VALUES (NEW.id);
END;
CREATE TRIGGER facts_ticket_update AFTER UPDATE OF created_at, intent, language, channel,
    assignee_id, status, waiting_since, first_response_at, resolved_at ON tickets BEGIN
    INSERT INTO ticket_facts_refresh (ticket_id) VALUES (NEW.id);
    INSERT INTO draft_facts_refresh (ticket_id)
        SELECT NEW.id WHERE OLD.channel IS NOT NEW.channel;
END;
CREATE TRIGGER facts_ticket_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_facts WHERE ticket_id = OLD.id;
    DELETE FROM draft_facts WHERE ticket_id = OLD.id;
END;

CREATE TRIGGER facts_draft_insert AFTER INSERT ON drafts BEGIN
    INSERT INTO ticket_facts_refresh (ticket_id)
        SELECT NEW.ticket_id WHERE NEW.decision = 'auto_send';
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
END;
CREATE TRIGGER facts_draft_update AFTER UPDATE OF ticket_id, message_id, created_at, intent,
    language, decided_by, decision, risk_flags, status, confidence, decided_at ON drafts BEGIN
    INSERT INTO ticket_facts_refresh (ticket_id)
        SELECT NEW.ticket_id WHERE OLD.decision IS NOT NEW.decision
            OR OLD.ticket_id IS NOT NEW.ticket_id;
    INSERT INTO ticket_facts_refresh (ticket_id)
        SELECT OLD.ticket_id WHERE OLD.ticket_id IS NOT NEW.ticket_id;
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
    INSERT INTO draft_facts_refresh (ticket_id)
        SELECT OLD.ticket_id WHERE OLD.ticket_id IS NOT NEW.ticket_id;
END;
CREATE TRIGGER facts_draft_delete AFTER DELETE ON drafts BEGIN
    INSERT INTO ticket_facts_refresh (ticket_id)
        SELECT OLD.ticket_id WHERE OLD.decision = 'auto_send';
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (OLD.ticket_id);
END;

CREATE TRIGGER facts_message_insert AFTER INSERT ON messages
    WHEN NEW.direction = 'inbound' BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
END;
CREATE TRIGGER facts_message_update AFTER UPDATE OF id, ticket_id, direction, created_at
    ON messages BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
    INSERT INTO draft_facts_refresh (ticket_id)
        SELECT OLD.ticket_id WHERE OLD.ticket_id IS NOT NEW.ticket_id;
END;
CREATE TRIGGER facts_message_delete AFTER DELETE ON messages
    WHEN OLD.direction = 'inbound' BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (OLD.ticket_id);
END;

CREATE TRIGGER facts_outbox_insert AFTER INSERT ON outbox
    WHEN NEW.kind = 'auto_answer' AND NEW.sent_at IS NOT NULL BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
END;
CREATE TRIGGER facts_outbox_update AFTER UPDATE OF ticket_id, kind, created_at, sent_at ON outbox
    WHEN OLD.kind = 'auto_answer' OR NEW.kind = 'auto_answer' BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (NEW.ticket_id);
    INSERT INTO draft_facts_refresh (ticket_id)
        SELECT OLD.ticket_id WHERE OLD.ticket_id IS NOT NEW.ticket_id;
END;
CREATE TRIGGER facts_outbox_delete AFTER DELETE ON outbox
    WHEN OLD.kind = 'auto_answer' AND OLD.sent_at IS NOT NULL BEGIN
    INSERT INTO draft_facts_refresh (ticket_id) VALUES (OLD.ticket_id);
END;

-- The history so far.
INSERT INTO ticket_facts_refresh (ticket_id) SELECT id FROM tickets;
INSERT INTO draft_facts_refresh (ticket_id) SELECT DISTINCT ticket_id FROM drafts;
