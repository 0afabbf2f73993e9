-- Tandem schema. migrations/sqlite holds the same tables and columns; a test compares them.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('ticket_number', 1000);

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT,
    language TEXT,
    vip BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    languages TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY NOT NULL,
    number BIGINT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT,
    intent TEXT,
    assignee_id TEXT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    waiting_since TIMESTAMP,
    first_response_at TIMESTAMP,
    resolved_at TIMESTAMP
);
-- The queue walks tickets waiting for a person oldest first; the partial index holds
-- only those, so the first page costs a handful of rows however big the history is.
CREATE INDEX tickets_waiting ON tickets(waiting_since) WHERE waiting_since IS NOT NULL;
CREATE INDEX tickets_status_waiting ON tickets(status, waiting_since);
CREATE INDEX tickets_status_updated ON tickets(status, updated_at);
CREATE INDEX tickets_intent_waiting ON tickets(intent, waiting_since);
CREATE INDEX tickets_language_waiting ON tickets(language, waiting_since);
CREATE INDEX tickets_status_intent_language ON tickets(status, intent, language);
CREATE INDEX tickets_customer ON tickets(customer_id);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status);

CREATE TABLE raw_mail (
    id TEXT PRIMARY KEY NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    raw BYTEA NOT NULL,
    size BIGINT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    ticket_id TEXT REFERENCES tickets(id),
    received_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    direction TEXT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id TEXT,
    channel TEXT NOT NULL,
    internet_message_id TEXT,
    sender TEXT,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    triage_text TEXT NOT NULL,
    body_html TEXT,
    raw_mail_id TEXT REFERENCES raw_mail(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX messages_ticket ON messages(ticket_id, created_at);
CREATE INDEX messages_internet_id ON messages(internet_message_id);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX attachments_message ON attachments(message_id);

CREATE TABLE kb_articles (
    id TEXT PRIMARY KEY NOT NULL,
    intent TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    questions TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (intent, language)
);

CREATE TABLE drafts (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    message_id TEXT NOT NULL REFERENCES messages(id),
    body TEXT NOT NULL,
    language TEXT NOT NULL,
    intent TEXT,
    intent_score DOUBLE PRECISION NOT NULL,
    confidence DOUBLE PRECISION NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    risk_flags TEXT NOT NULL,
    articles TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users(id)
);
CREATE INDEX drafts_ticket ON drafts(ticket_id, created_at);
CREATE INDEX drafts_status ON drafts(status, decided_at);

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT REFERENCES tickets(id),
    kind TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    data TEXT NOT NULL,
    ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_ticket ON events(ticket_id, created_at);
CREATE INDEX events_kind_time ON events(kind, created_at);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    ticket_id TEXT REFERENCES tickets(id),
    message_id TEXT REFERENCES messages(id),
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sender TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload BYTEA NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_recipient_kind ON outbox(recipient, kind, created_at);
CREATE INDEX outbox_ticket ON outbox(ticket_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE triage_models (
    id TEXT PRIMARY KEY NOT NULL,
    model BYTEA NOT NULL,
    examples INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
