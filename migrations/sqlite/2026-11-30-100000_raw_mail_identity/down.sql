DROP INDEX raw_mail_status;
DROP INDEX raw_mail_message_id;
ALTER TABLE raw_mail DROP COLUMN attempts;
ALTER TABLE raw_mail DROP COLUMN message_id;
