CREATE INDEX events_ticket ON events(ticket_id, created_at);
