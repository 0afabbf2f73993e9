-- SQLite only (a queue in front of its FTS5 index); kept so both stores share versions.
SELECT 1;
