-- PostgreSQL's migration of this name changes how its search trigger is planned;
-- SQLite's full-text index is fed by its own trigger and queue. Nothing to change here.
SELECT 1;
