-- `events_ticket_kind (ticket_id, kind, created_at)` answers every question
-- `events_ticket (ticket_id, created_at)` did (a ticket's events are a few dozen rows, sorted
-- in memory), and each event written had to go into both: one index fewer to write for the
-- five or six events every inbound message records.
DROP INDEX events_ticket;
