-- A message's search document (a tsvector of its text and its customer's address, and a
-- GIN insert) was built in the transaction that wrote the message: about a fifth of
-- PostgreSQL's execution time per ingested email, paid while the sender waits for its
-- 202. The trigger now only marks the message in `search_stale`; `serve` settles the marks
-- every second, and a search settles what is left before it reads, as SQLite's queue
-- (store::search) already did: a search still finds every message committed before it.
CREATE TABLE search_stale (
    message_id TEXT NOT NULL
);

CREATE OR REPLACE FUNCTION message_search_sync() RETURNS trigger AS $$
BEGIN
    INSERT INTO search_stale (message_id) VALUES (NEW.id);
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Settles up to `most` marks (NULL: all); returns how many it took. The caller holds the
-- settling lock (store::SoloJob::SettleSearch), as does an erasure before it drops a
-- ticket's documents (store::privacy), so no settler writes back words erased meanwhile.
-- No message row is locked (a lock is a write of the row): messages are never deleted.
-- A message being edited is indexed as committed; its edit's own mark indexes it again.
CREATE FUNCTION search_settle(most INT) RETURNS INT AS $$
DECLARE
    due TEXT[];
    taken_marks INT;
BEGIN
    WITH taken AS (
        DELETE FROM search_stale
        WHERE ctid = ANY (ARRAY(SELECT ctid FROM search_stale LIMIT most))
        RETURNING message_id)
    SELECT COALESCE(array_agg(DISTINCT message_id), '{}'), COUNT(*)
      INTO due, taken_marks FROM taken;
    IF taken_marks = 0 THEN
        RETURN 0;
    END IF;
    INSERT INTO message_search (message_id, ticket_id, doc)
    SELECT m.id, m.ticket_id, message_search_doc(m) FROM messages m
    WHERE m.id = ANY (due) AND m.author_kind <> 'system'
    ON CONFLICT (message_id) DO UPDATE SET ticket_id = EXCLUDED.ticket_id, doc = EXCLUDED.doc;
    RETURN taken_marks;
END
$$ LANGUAGE plpgsql
-- Every row is reached through its key, whatever share of a table the marks name: a plan
-- that scans whole tables (chosen once a chunk names a few percent of the rows) would
-- cost each round the size of the store.
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off;
