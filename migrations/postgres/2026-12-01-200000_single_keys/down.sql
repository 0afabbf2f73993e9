ALTER TABLE users DROP COLUMN single_keys;
