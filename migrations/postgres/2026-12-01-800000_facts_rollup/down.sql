DROP TRIGGER draft_rollup ON draft_facts;
DROP TRIGGER ticket_rollup ON ticket_facts;
DROP FUNCTION draft_rollup_trigger();
DROP FUNCTION ticket_rollup_trigger();
DROP FUNCTION draft_rollup_rows(BIGINT, draft_facts);
DROP FUNCTION ticket_rollup_rows(BIGINT, ticket_facts);
DROP TABLE facts_rollup_deltas;
DROP TABLE facts_rollup;
