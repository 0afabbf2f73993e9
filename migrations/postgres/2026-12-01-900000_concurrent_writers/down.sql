LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;
LOCK TABLE drafts IN SHARE ROW EXCLUSIVE MODE;

UPDATE counters SET value = GREATEST(value, (SELECT last_value FROM ticket_numbers))
    WHERE name = 'ticket_number';
DROP SEQUENCE ticket_numbers;

UPDATE counters SET value = value + COALESCE((SELECT SUM(n) FROM counter_deltas
    WHERE name = 'auto_answers_total'), 0) WHERE name = 'auto_answers_total';
DROP TABLE counter_deltas;

CREATE OR REPLACE FUNCTION auto_answers_total_sync() RETURNS trigger AS $$
DECLARE
    delta BIGINT := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.decision = 'auto_send' THEN
        delta := delta - 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.decision = 'auto_send' THEN
        delta := delta + 1;
    END IF;
    IF delta <> 0 THEN
        UPDATE counters SET value = value + delta WHERE name = 'auto_answers_total';
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

INSERT INTO counters (name, value) VALUES ('tickets_total', (SELECT COUNT(*) FROM tickets));
CREATE FUNCTION tickets_total_sync() RETURNS trigger AS $$
BEGIN
    UPDATE counters SET value = value + (CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
        WHERE name = 'tickets_total';
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER tickets_total_sync AFTER INSERT OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_total_sync();
