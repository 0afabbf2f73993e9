DROP INDEX events_people_kind;
DROP TRIGGER auto_answers_total_sync ON drafts;
DROP FUNCTION auto_answers_total_sync();
DROP TRIGGER tickets_total_sync ON tickets;
DROP FUNCTION tickets_total_sync();
DELETE FROM counters WHERE name IN ('tickets_total', 'auto_answers_total');
DROP INDEX events_people_time;
