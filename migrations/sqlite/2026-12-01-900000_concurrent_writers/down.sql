DROP TABLE counter_deltas;
INSERT INTO counters (name, value) VALUES ('tickets_total', (SELECT COUNT(*) FROM tickets));
CREATE TRIGGER tickets_total_insert AFTER INSERT ON tickets BEGIN
    UPDATE counters SET value = value + 1 WHERE name = 'tickets_total';
END;
CREATE TRIGGER tickets_total_delete AFTER DELETE ON tickets BEGIN
    UPDATE counters SET value = value - 1 WHERE name = 'tickets_total';
END;
