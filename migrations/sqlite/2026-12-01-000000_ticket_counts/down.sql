DROP TABLE ticket_count_deltas;
DROP TRIGGER ticket_counts_update;
DROP TRIGGER ticket_counts_delete;
DROP TRIGGER ticket_counts_insert;
DROP TABLE ticket_counts;
