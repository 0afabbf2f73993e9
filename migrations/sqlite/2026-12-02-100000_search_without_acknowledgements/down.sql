DROP TRIGGER message_search_insert;
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

DROP TRIGGER message_search_update;
CREATE TRIGGER message_search_update AFTER UPDATE OF subject, body_text, sender, ticket_id ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

INSERT OR IGNORE INTO message_search_queue (message_id)
SELECT id FROM messages WHERE author_kind = 'system';
