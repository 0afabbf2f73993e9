INSERT INTO message_search (message_id, ticket_id, doc)
SELECT m.id, m.ticket_id,
       m.subject || ' ' || m.body_text || ' ' || COALESCE(m.sender, '') || ' ' ||
       COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                 JOIN customers c ON c.id = t.customer_id WHERE t.id = m.ticket_id), '')
FROM message_search_queue q JOIN messages m ON m.id = q.message_id;
DROP TABLE message_search_queue;

DROP TRIGGER message_search_insert;
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (message_id, ticket_id, doc) VALUES (
        NEW.id, NEW.ticket_id,
        NEW.subject || ' ' || NEW.body_text || ' ' || COALESCE(NEW.sender, '') || ' ' ||
        COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                  JOIN customers c ON c.id = t.customer_id WHERE t.id = NEW.ticket_id), ''));
END;

DROP TRIGGER message_search_update;
CREATE TRIGGER message_search_update AFTER UPDATE OF subject, body_text, sender, ticket_id ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    INSERT INTO message_search (message_id, ticket_id, doc) VALUES (
        NEW.id, NEW.ticket_id,
        NEW.subject || ' ' || NEW.body_text || ' ' || COALESCE(NEW.sender, '') || ' ' ||
        COALESCE((SELECT c.email || ' ' || COALESCE(c.name, '') FROM tickets t
                  JOIN customers c ON c.id = t.customer_id WHERE t.id = NEW.ticket_id), ''));
END;

DROP TRIGGER message_search_delete;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
END;
