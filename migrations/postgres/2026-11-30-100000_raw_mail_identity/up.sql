-- A Message-ID alone no longer identifies a message (issue 9): the dedup key now also
-- covers the sender and a digest of the content. These columns let a message that reuses
-- a known Message-ID be found and marked, and let a message that keeps failing be parked.
ALTER TABLE raw_mail ADD COLUMN message_id TEXT;
ALTER TABLE raw_mail ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX raw_mail_message_id ON raw_mail(message_id);
CREATE INDEX raw_mail_status ON raw_mail(status, received_at);
