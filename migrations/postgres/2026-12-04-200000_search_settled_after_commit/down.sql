DROP FUNCTION search_settle(INT);
INSERT INTO message_search (message_id, ticket_id, doc)
SELECT m.id, m.ticket_id, message_search_doc(m) FROM messages m
WHERE m.id IN (SELECT message_id FROM search_stale) AND m.author_kind <> 'system'
ON CONFLICT (message_id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, doc = EXCLUDED.doc;
DROP TABLE search_stale;
CREATE OR REPLACE FUNCTION message_search_sync() RETURNS trigger AS $$
BEGIN
    INSERT INTO message_search (message_id, ticket_id, doc)
    VALUES (NEW.id, NEW.ticket_id, message_search_doc(NEW))
    ON CONFLICT (message_id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, doc = EXCLUDED.doc;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
