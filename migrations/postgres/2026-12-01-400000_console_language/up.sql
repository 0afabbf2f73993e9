-- The language of the console each person chose on their account page (en, de).
ALTER TABLE users ADD COLUMN console_language TEXT NOT NULL DEFAULT 'en';
