ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_secret;
DROP INDEX user_tokens_user;
DROP TABLE user_tokens;
