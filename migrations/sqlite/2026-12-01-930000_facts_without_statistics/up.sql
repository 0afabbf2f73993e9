-- PostgreSQL's migration of this name keeps its facts lookup off an index that reads
-- every automated draft; SQLite's trigger already does (the unary + on `decision`).
SELECT 1;
