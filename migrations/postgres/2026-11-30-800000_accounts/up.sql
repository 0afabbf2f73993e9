-- Accounts: one-time links (password reset, invitation, the pending second sign-in
-- step), stored only as SHA-256 hashes of their tokens; optional two-factor sign-in.
CREATE TABLE user_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX user_tokens_user ON user_tokens(user_id, purpose, created_at);

-- The TOTP secret, sealed under TANDEM_SECRET_KEY when one is set; NULL: no second factor.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
-- The last 30-second step whose code was accepted, so a code works once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
