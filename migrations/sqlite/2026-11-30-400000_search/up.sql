-- Full-text search over every message (subject, body, sender) and its ticket's customer
-- (address and name), across all statuses; and the index behind "Sent automatically"
-- (automated answers, newest first). migrations/{sqlite,postgres} hold the same columns:
-- here an FTS5 table, there a table with a tsvector and a GIN index. Both split text into
-- runs of letters and digits, lower-cased, so a search finds the same tickets on both.
CREATE INDEX drafts_decision_created ON drafts(decision, created_at);

CREATE VIRTUAL TABLE message_search USING fts5(
    message_id UNINDEXED,
    ticket_id UNINDEXED,
    doc,
    tokenize = 'unicode61 remove_diacritics 0'
);

INSERT INTO message_search (message_id, ticket_id, doc)
SELECT m.id, m.ticket_id,
       m.subject || ' ' || m.body_text || ' ' || COALESCE(m.sender, '') || ' ' ||
       COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                 JOIN customers c ON c.id = t.customer_id WHERE t.id = m.ticket_id), '')
FROM messages m;

CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (message_id, ticket_id, doc) VALUES (
        NEW.id, NEW.ticket_id,
        NEW.subject || ' ' || NEW.body_text || ' ' || COALESCE(NEW.sender, '') || ' ' ||
        COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                  JOIN customers c ON c.id = t.customer_id WHERE t.id = NEW.ticket_id), ''));
END;

CREATE TRIGGER message_search_update AFTER UPDATE OF subject, body_text, sender, ticket_id ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    INSERT INTO message_search (message_id, ticket_id, doc) VALUES (
        NEW.id, NEW.ticket_id,
        NEW.subject || ' ' || NEW.body_text || ' ' || COALESCE(NEW.sender, '') || ' ' ||
        COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                  JOIN customers c ON c.id = t.customer_id WHERE t.id = NEW.ticket_id), ''));
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
END;
