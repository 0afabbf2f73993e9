//! Tandem: human-in-the-loop escalation and ticketing for customer support.
//!
//! Layers point one way: `web` and `cli` call `app`; `app` calls `domain`, `triage`,
//! `store` and `mail`. See DESIGN.md.

pub mod app;
pub mod bench;
pub mod bench_ingest;
pub mod cli;
pub mod config;
pub mod domain;
pub mod i18n;
pub mod llm;
pub mod mail;
pub mod store;
pub mod triage;
pub mod web;
