-- The web form and the status page (issue 14): submissions counted per address and per
-- client for the rate limit (both hashed: no personal data kept for it), and the
-- customer's one-click rating of the answer they got.
CREATE TABLE form_submissions (
    id TEXT PRIMARY KEY NOT NULL,
    address_hash TEXT NOT NULL,
    client_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX form_submissions_address ON form_submissions (address_hash, created_at);
CREATE INDEX form_submissions_client ON form_submissions (client_hash, created_at);
CREATE TABLE ticket_ratings (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    helpful BOOLEAN NOT NULL,
    -- The rated answer went out automatically (else a person wrote it).
    automated BOOLEAN NOT NULL,
    rated_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_ratings_at ON ticket_ratings (rated_at);
