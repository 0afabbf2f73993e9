-- Indexes behind the supervisor metrics: every dashboard query scans a time range of
-- tickets or drafts, and looks up a ticket's events of one kind (who opened it when).
-- migrations/{sqlite,postgres} hold the same.
CREATE INDEX tickets_created ON tickets(created_at);
CREATE INDEX drafts_created ON drafts(created_at);
CREATE INDEX events_ticket_kind ON events(ticket_id, kind, created_at);
