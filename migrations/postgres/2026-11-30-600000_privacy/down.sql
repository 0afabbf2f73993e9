DROP TRIGGER events_guard ON events;
DROP FUNCTION events_guard();
DROP TABLE job_leases;
DROP TABLE ticket_privacy;
ALTER TABLE customers DROP COLUMN erased_at;
ALTER TABLE customers DROP COLUMN legal_hold;
