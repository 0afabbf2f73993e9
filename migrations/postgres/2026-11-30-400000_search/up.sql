-- Full-text search over every message (subject, body, sender) and its ticket's customer
-- (address and name), across all statuses; and the index behind "Sent automatically"
-- (automated answers, newest first). migrations/{sqlite,postgres} hold the same columns:
-- here a tsvector with a GIN index, there an FTS5 table. Both split text into runs of
-- letters and digits, lower-cased (the 'simple' configuration, after replacing every
-- other character by a space), so a search finds the same tickets on both.
CREATE INDEX drafts_decision_created ON drafts(decision, created_at);

CREATE TABLE message_search (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    ticket_id TEXT NOT NULL,
    doc TSVECTOR NOT NULL
);
CREATE INDEX message_search_doc ON message_search USING GIN (doc);
CREATE INDEX message_search_ticket ON message_search(ticket_id);

CREATE FUNCTION message_search_doc(m messages) RETURNS tsvector AS $$
    SELECT to_tsvector('simple', regexp_replace(
        left(m.subject || ' ' || m.body_text || ' ' || COALESCE(m.sender, '') || ' ' ||
             COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                       JOIN customers c ON c.id = t.customer_id WHERE t.id = m.ticket_id), ''),
             200000),
        '[^[:alnum:]]+', ' ', 'g'))
$$ LANGUAGE sql STABLE;

INSERT INTO message_search (message_id, ticket_id, doc)
SELECT m.id, m.ticket_id, message_search_doc(m) FROM messages m;

CREATE FUNCTION message_search_sync() RETURNS trigger AS $$
BEGIN
    INSERT INTO message_search (message_id, ticket_id, doc)
    VALUES (NEW.id, NEW.ticket_id, message_search_doc(NEW))
    ON CONFLICT (message_id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, doc = EXCLUDED.doc;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER message_search_sync AFTER INSERT OR UPDATE OF subject, body_text, sender, ticket_id
    ON messages FOR EACH ROW EXECUTE FUNCTION message_search_sync();
