DROP TRIGGER message_search_sync ON messages;
DROP FUNCTION message_search_sync();
DROP TABLE message_search;
DROP FUNCTION message_search_doc(messages);
DROP INDEX drafts_decision_created;
