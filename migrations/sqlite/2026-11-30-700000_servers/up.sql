-- Running `tandem serve` processes (issue 12). migrations/{sqlite,postgres} hold the same.
-- Each process refreshes its row every few seconds; `tandem ingest-mail` stores the raw
-- message and leaves the processing to a server when one was seen lately.
CREATE TABLE servers (
    id TEXT PRIMARY KEY NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    seen_at TIMESTAMP NOT NULL
);
