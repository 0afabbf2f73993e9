DROP INDEX events_people_kind;
DROP TRIGGER auto_answers_total_update;
DROP TRIGGER auto_answers_total_delete;
DROP TRIGGER auto_answers_total_insert;
DROP TRIGGER tickets_total_delete;
DROP TRIGGER tickets_total_insert;
DELETE FROM counters WHERE name IN ('tickets_total', 'auto_answers_total');
DROP INDEX events_people_time;
