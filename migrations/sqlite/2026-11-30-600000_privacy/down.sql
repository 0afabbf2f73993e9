DROP TRIGGER events_no_update;
DROP TRIGGER events_no_delete;
DROP TABLE job_leases;
DROP TABLE ticket_privacy;
ALTER TABLE customers DROP COLUMN erased_at;
ALTER TABLE customers DROP COLUMN legal_hold;
