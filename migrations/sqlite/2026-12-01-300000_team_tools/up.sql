-- The team's tools in the console (issue 15): knowledge-base articles edited in the
-- console with every version kept, saved replies, tags and priority, merged tickets,
-- and "open the next ticket after sending" per person.
ALTER TABLE kb_articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE kb_articles ADD COLUMN updated_by TEXT;
CREATE TABLE kb_article_versions (
    article_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    intent TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    questions TEXT NOT NULL,
    changed_by TEXT,
    changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, version)
);
INSERT INTO kb_article_versions (article_id, version, intent, language, title, body, questions, changed_by, changed_at)
    SELECT id, 1, intent, language, title, body, questions, NULL, updated_at FROM kb_articles;

CREATE TABLE saved_replies (
    id TEXT PRIMARY KEY NOT NULL,
    -- NULL: shared with the whole team; else the one person who sees it.
    owner_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX saved_replies_owner ON saved_replies (owner_id, title);

-- Kept beside the ticket (only for tickets whose priority is not normal, or that were
-- merged): the tickets table stays narrow for the queue's index walks.
CREATE TABLE ticket_marks (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    priority TEXT NOT NULL DEFAULT 'normal',
    merged_into BIGINT
);
CREATE INDEX ticket_marks_priority ON ticket_marks (priority, ticket_id);
CREATE TABLE ticket_tags (
    ticket_id TEXT NOT NULL,
    tag TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, tag)
);
CREATE INDEX ticket_tags_tag ON ticket_tags (tag, ticket_id);

ALTER TABLE users ADD COLUMN open_next BOOLEAN NOT NULL DEFAULT 0;
