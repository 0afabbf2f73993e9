-- PostgreSQL's migration of this name makes its facts triggers fire at commit, once a
-- ticket. SQLite keeps its triggers (see the PostgreSQL migration for why there).
SELECT 1;
