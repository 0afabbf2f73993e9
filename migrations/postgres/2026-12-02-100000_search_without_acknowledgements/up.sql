-- Automatic acknowledgements ("Thank you for your message. Your ticket number is #N…")
-- say the same words in every ticket a person answers: a search for "personally" or
-- "expect" listed every escalated ticket, and the newest 1,000 matches a word search
-- shows filled up with them. They are no longer indexed (author_kind 'system'), which
-- also spares each such message its search document (a tsvector and a GIN insert, a
-- third of a millisecond of PostgreSQL's time). What the customer, the agents and the
-- automatic answers wrote still is, as are the customer's address and name on every
-- other message of the ticket. migrations/{sqlite,postgres} leave out the same messages.
DROP TRIGGER message_search_sync ON messages;
CREATE TRIGGER message_search_sync AFTER INSERT OR UPDATE OF subject, body_text, sender, ticket_id
    ON messages FOR EACH ROW WHEN (NEW.author_kind <> 'system')
    EXECUTE FUNCTION message_search_sync();

DELETE FROM message_search s USING messages m
WHERE m.id = s.message_id AND m.author_kind = 'system';
