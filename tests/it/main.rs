//! Integration tests. They run on SQLite by default and on PostgreSQL when
//! `TANDEM_TEST_DATABASE_URL` names a server (each test gets its own schema).

mod accounts;
mod accurate;
mod api;
mod console;
mod contact;
mod escalation;
mod faults;
mod harness;
mod health;
mod i18n;
mod identities;
mod imap;
mod llm;
mod messenger;
mod loop_flow;
mod privacy;
mod scale;
mod schema;
mod security;
mod smtp;
mod team;
mod supervisor;
mod views;
mod voice;
mod webhooks;
