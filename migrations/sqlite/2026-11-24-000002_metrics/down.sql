DROP INDEX events_ticket_kind;
DROP INDEX drafts_created;
DROP INDEX tickets_created;
