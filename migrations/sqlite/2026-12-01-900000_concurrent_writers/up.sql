-- PostgreSQL's migration of this name takes shared rows off its writers' path (a
-- sequence for ticket numbers, deltas for a total); SQLite has one writer at a time and
-- keeps its counter. The deltas table exists on both stores with the same columns (it
-- stays empty here), as ticket_count_deltas does. Both drop the total of all tickets,
-- which nothing reads (the ticket counts hold it) and every new ticket updated.
CREATE TABLE counter_deltas (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    n BIGINT NOT NULL
);
DROP TRIGGER tickets_total_insert;
DROP TRIGGER tickets_total_delete;
DELETE FROM counters WHERE name = 'tickets_total';
