DROP TABLE participants;
ALTER TABLE messages DROP COLUMN new_participant;
ALTER TABLE tickets DROP COLUMN human_requested;
