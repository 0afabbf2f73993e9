-- Automatic acknowledgements ("Thank you for your message. Your ticket number is #N…")
-- say the same words in every ticket a person answers: a search for "personally" or
-- "expect" listed every escalated ticket, and the newest 1,000 matches a word search
-- shows filled up with them. They are no longer indexed (author_kind 'system'); what
-- the customer, the agents and the automatic answers wrote still is, as are the
-- customer's address and name on every other message of the ticket.
-- migrations/{sqlite,postgres} leave out the same messages.
DROP TRIGGER message_search_insert;
CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN NEW.author_kind <> 'system' BEGIN
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

DROP TRIGGER message_search_update;
CREATE TRIGGER message_search_update AFTER UPDATE OF subject, body_text, sender, ticket_id ON messages
WHEN NEW.author_kind <> 'system' BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

DELETE FROM message_search_queue
WHERE message_id IN (SELECT id FROM messages WHERE author_kind = 'system');
DELETE FROM message_search
WHERE message_id IN (SELECT id FROM messages WHERE author_kind = 'system');
