ALTER TABLE users DROP COLUMN open_next;
DROP TABLE ticket_tags;
DROP TABLE ticket_marks;
DROP TABLE saved_replies;
DROP TABLE kb_article_versions;
ALTER TABLE kb_articles DROP COLUMN updated_by;
ALTER TABLE kb_articles DROP COLUMN version;
