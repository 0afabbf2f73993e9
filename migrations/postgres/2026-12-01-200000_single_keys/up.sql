-- Single-letter shortcuts can be turned off per person (WCAG 2.1.4), on their account page.
ALTER TABLE users ADD COLUMN single_keys BOOLEAN NOT NULL DEFAULT TRUE;
