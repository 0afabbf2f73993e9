DROP TRIGGER message_search_sync ON messages;
CREATE TRIGGER message_search_sync AFTER INSERT OR UPDATE OF subject, body_text, sender, ticket_id
    ON messages FOR EACH ROW EXECUTE FUNCTION message_search_sync();

INSERT INTO message_search (message_id, ticket_id, doc)
SELECT m.id, m.ticket_id, message_search_doc(m) FROM messages m
WHERE m.author_kind = 'system'
ON CONFLICT (message_id) DO NOTHING;
