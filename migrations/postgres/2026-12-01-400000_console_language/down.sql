ALTER TABLE users DROP COLUMN console_language;
