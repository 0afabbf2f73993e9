-- New messages reach the full-text index through a queue that each transaction drains
-- before it commits (store::search::index_queued). Why: FTS5 writes its pending rows to
-- disk as a new segment whenever a savepoint opens, and ingest's group commit opens one
-- per message, so an insert trigger made one segment per message and spent the writer's
-- time merging them. Drained once per transaction, a batch becomes one segment.
-- (The name keeps it beside the FTS5 table's own shadow tables: PostgreSQL needs none.)
CREATE TABLE message_search_queue (
    message_id TEXT PRIMARY KEY NOT NULL
);

DROP TRIGGER message_search_insert;
CREATE TRIGGER message_search_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

DROP TRIGGER message_search_update;
CREATE TRIGGER message_search_update AFTER UPDATE OF subject, body_text, sender, ticket_id ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (NEW.id);
END;

DROP TRIGGER message_search_delete;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE message_id = OLD.id;
    DELETE FROM message_search_queue WHERE message_id = OLD.id;
END;
