DROP TRIGGER ticket_counts_sync ON tickets;
DROP FUNCTION ticket_counts_sync();
DROP TABLE ticket_count_deltas;
DROP TABLE ticket_counts;
