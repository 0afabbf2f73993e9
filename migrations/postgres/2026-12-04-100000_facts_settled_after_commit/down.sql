DROP TRIGGER ticket_rollup_insert ON ticket_facts;
DROP TRIGGER ticket_rollup_update ON ticket_facts;
DROP TRIGGER ticket_rollup_delete ON ticket_facts;
DROP TRIGGER draft_rollup_insert ON draft_facts;
DROP TRIGGER draft_rollup_update ON draft_facts;
DROP TRIGGER draft_rollup_delete ON draft_facts;
DROP FUNCTION ticket_rollup_statement();
DROP FUNCTION draft_rollup_statement();
CREATE TRIGGER ticket_rollup AFTER INSERT OR UPDATE OR DELETE ON ticket_facts
    FOR EACH ROW EXECUTE FUNCTION ticket_rollup_trigger();
CREATE TRIGGER draft_rollup AFTER INSERT OR UPDATE OR DELETE ON draft_facts
    FOR EACH ROW EXECUTE FUNCTION draft_rollup_trigger();
DROP FUNCTION facts_settle(INT);
CREATE OR REPLACE FUNCTION ticket_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('ticket', tid) THEN
        PERFORM ticket_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION draft_facts_refresh(tid TEXT) RETURNS void AS $$
BEGIN
    IF facts_first_in_transaction('draft', tid) THEN
        PERFORM draft_facts_compute(tid);
    END IF;
END
$$ LANGUAGE plpgsql;
SELECT ticket_facts_compute(ticket_id) FROM (SELECT DISTINCT ticket_id FROM facts_stale WHERE kind = 't') s;
SELECT draft_facts_compute(ticket_id) FROM (SELECT DISTINCT ticket_id FROM facts_stale WHERE kind = 'd') s;
DROP TABLE facts_stale;
