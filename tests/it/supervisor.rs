//! Supervisor metrics, calibration and the automation dial.
//!
//! One seeded scenario with known answers (`seed`): 100 tickets in the week from
//! 2026-11-01 00:00 to 2026-11-08 00:00, plus one ticket the week before that must not
//! count. Ticket `i` is created at `from + (i % 7) days + i minutes`.
//!
//! | tickets | what happened | intent | conf | flags |
//! | --- | --- | --- | --- | --- |
//! | 0..40 | auto-sent | order_status | 0.95 | |
//! | 40..60 | auto-sent (50..60 in German) | reset_password | 0.95 | |
//! | 60..70 | approved unchanged by Alice | order_status | 0.95 | 60,61 no_article; 62..64 repeat_contact; rest low_confidence |
//! | 70..75 | approved unchanged by Alice | order_status | 0.75 | low_confidence |
//! | 75..80 | approved unchanged by Alice | refund_status | 0.75 | low_confidence |
//! | 80 | approved unchanged by Bob | refund_status | 0.75 | low_confidence |
//! | 81..85 | rejected by Bob (tone, tone, wrong_facts, wrong_intent) | refund_status | 0.91, 0.91, 0.72, 0.72 | low_confidence |
//! | 85..95 | edited by Bob, edit sizes 10..100 | order_status | 85: 0.88, else 0.55 | low_confidence |
//! | 95..100 | escalated, taken over by Bob, channel web | refund_status | 0.25 | 95,96 human_requested; 97 low_confidence; 98 language_not_covered (fi); 99 legal_threat |
//!
//! Auto-sent tickets: first response (the outbox sent the answer) after `i % 3` minutes,
//! resolved after 60 (i < 30) or 120 minutes; customers 0..6 write back after 2 days,
//! customer 6 after 8 days. Every triggering message is stored half a millisecond after
//! its draft, as ingestion does; it is never a write-back.
//! Human tickets (60..100): first response (= the draft decision) after `10 + (i - 60)`
//! minutes; 60..90 resolved after `100 + 2 (i - 60)` minutes; 90..95 in progress and
//! 95..100 escalated, waiting since creation. The deciding agent opened the ticket
//! `h` minutes before deciding: 60..75 `h = i - 59`, 85..95 `h = 20`, refund drafts `h = 24`.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use tandem::app::metrics::{self, Dial, Period};
use tandem::store::models::{
    CustomerRow, DraftRow, EventRow, MessageRow, OutboxRow, TicketRow, UserRow,
};
use tandem::store::schema;

use crate::harness::TestApp;

/// The policy the scenario's numbers assume, whatever the engine's defaults become.
pub fn app() -> TestApp {
    TestApp::with(&[
        ("TANDEM_AUTO_THRESHOLD", "0.8"),
        ("TANDEM_REVIEW_THRESHOLD", "0.4"),
    ])
}

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

fn period() -> Period {
    Period::new(t0(), t0() + Duration::days(7))
}

fn now() -> NaiveDateTime {
    t0() + Duration::days(7)
}

pub const ALICE: &str = "00000000-0000-0000-0000-00000000a11c";
pub const BOB: &str = "00000000-0000-0000-0000-000000000b0b";

struct Seeder<'a> {
    conn: &'a mut tandem::store::DbConn,
    n: usize,
}

impl Seeder<'_> {
    fn id(&mut self, prefix: &str) -> String {
        self.n += 1;
        format!("{prefix}-{:08}", self.n)
    }

    fn event(
        &mut self,
        ticket: &str,
        kind: &str,
        actor: Option<&str>,
        data: &str,
        at: NaiveDateTime,
    ) {
        let row = EventRow {
            id: self.id("e"),
            ticket_id: Some(ticket.into()),
            kind: kind.into(),
            actor_kind: if actor.is_some() {
                "agent".into()
            } else {
                "system".into()
            },
            actor_id: actor.map(str::to_string),
            data: data.into(),
            ip: None,
            created_at: at,
        };
        diesel::insert_into(schema::events::table)
            .values(&row)
            .execute(self.conn)
            .unwrap();
    }

    /// An automated answer on `ticket`, queued at `queued` and sent at `sent`.
    fn auto_answer(&mut self, ticket: &str, queued: NaiveDateTime, sent: Option<NaiveDateTime>) {
        let id = self.id("o");
        let row = OutboxRow {
            id: id.clone(),
            ticket_id: Some(ticket.into()),
            message_id: None,
            channel: "email".into(),
            kind: "auto_answer".into(),
            recipient: "customer@example.com".into(),
            sender: "support@tandem.test".into(),
            idempotency_key: id,
            payload: Vec::new(),
            status: if sent.is_some() { "sent" } else { "pending" }.into(),
            attempts: sent.is_some() as i32,
            next_attempt_at: queued,
            locked_until: None,
            last_error: None,
            created_at: queued,
            sent_at: sent,
        };
        diesel::insert_into(schema::outbox::table)
            .values(&row)
            .execute(self.conn)
            .unwrap();
    }

    fn message(&mut self, ticket: &str, at: NaiveDateTime) -> String {
        let id = self.id("m");
        let row = MessageRow {
            id: id.clone(),
            ticket_id: ticket.into(),
            direction: "inbound".into(),
            author_kind: "customer".into(),
            author_id: None,
            channel: "email".into(),
            internet_message_id: None,
            sender: None,
            subject: "Help".into(),
            body_text: "Help".into(),
            triage_text: "Help".into(),
            body_html: None,
            raw_mail_id: None,
            created_at: at,
        };
        diesel::insert_into(schema::messages::table)
            .values(&row)
            .execute(self.conn)
            .unwrap();
        id
    }
}

/// Seeds the scenario described at the top of this file.
pub fn seed(t: &TestApp) {
    let mut conn = t.app.conn().unwrap();
    let conn: &mut tandem::store::DbConn = &mut conn;
    for (id, email, name) in [
        (ALICE, "alice@tandem.test", "Alice"),
        (BOB, "bob@tandem.test", "Bob"),
    ] {
        tandem::store::users::insert(
            conn,
            &UserRow {
                id: id.into(),
                email: email.into(),
                name: name.into(),
                role: "agent".into(),
                password_hash: "-".into(),
                active: true,
                languages: String::new(),
                created_at: t0() - Duration::days(30),
                single_keys: true,
                open_next: false,
                console_language: "en".into(),
            },
        )
        .unwrap();
    }
    let customer = CustomerRow {
        id: "c-1".into(),
        email: "customer@example.com".into(),
        name: None,
        language: None,
        vip: false,
        created_at: t0() - Duration::days(30),
    };
    diesel::insert_into(schema::customers::table)
        .values(&customer)
        .execute(conn)
        .unwrap();
    let mut s = Seeder { conn, n: 0 };
    for i in 0..101usize {
        let created = if i == 100 {
            t0() - Duration::days(1)
        } else {
            t0() + Duration::days((i % 7) as i64) + Duration::minutes(i as i64)
        };
        let min = |m: i64| created + Duration::minutes(m);
        let auto = i < 60 || i == 100;
        let intent = match i {
            0..40 | 60..75 | 85..95 | 100 => "order_status",
            40..60 => "reset_password",
            _ => "refund_status",
        };
        let language = match i {
            50..60 => "de",
            98 => "fi",
            _ => "en",
        };
        let agent = match i {
            60..80 => Some(ALICE),
            80..100 => Some(BOB),
            _ => None,
        };
        let (status, waiting) = match i {
            90..95 => ("in_progress", Some(created)),
            95..100 => ("escalated", Some(created)),
            _ => ("resolved", None),
        };
        let first_response = if auto {
            min((i % 3) as i64)
        } else {
            min(10 + (i as i64 - 60))
        };
        let resolved = match i {
            0..30 | 100 => Some(min(60)),
            30..60 => Some(min(120)),
            60..90 => Some(min(100 + 2 * (i as i64 - 60))),
            _ => None,
        };
        let ticket_id = format!("t-{i:03}");
        let ticket = TicketRow {
            id: ticket_id.clone(),
            number: 2000 + i as i64,
            customer_id: "c-1".into(),
            subject: format!("Ticket {i}"),
            status: status.into(),
            channel: if (95..100).contains(&i) {
                "web".into()
            } else {
                "email".into()
            },
            language: Some(language.into()),
            intent: Some(intent.into()),
            assignee_id: agent.map(str::to_string),
            version: 0,
            created_at: created,
            updated_at: created,
            waiting_since: waiting,
            first_response_at: Some(first_response),
            resolved_at: resolved,
        };
        tandem::store::tickets::insert(s.conn, &ticket).unwrap();
        let message_id = s.message(&ticket_id, created + Duration::microseconds(500));
        let confidence = match i {
            0..70 | 100 => 0.95,
            70..81 => 0.75,
            81..83 => 0.91,
            83..85 => 0.72,
            85 => 0.88,
            86..95 => 0.55,
            _ => 0.25,
        };
        let flags = match i {
            _ if auto => "[]",
            60..62 => "[\"no_article\",\"low_confidence\"]",
            62..65 => "[\"repeat_contact\"]",
            95 | 96 => "[\"human_requested\",\"low_confidence\"]",
            98 => "[\"language_not_covered\",\"low_confidence\"]",
            99 => "[\"legal_threat\",\"anger\",\"low_confidence\"]",
            _ => "[\"low_confidence\"]",
        };
        let draft_status = match i {
            _ if auto => "sent",
            60..81 => "approved",
            81..84 => "rejected",
            84 => "rejected_wrong_intent",
            85..95 => "edited",
            _ => "set_aside",
        };
        let decided_at = if auto { created } else { first_response };
        tandem::store::drafts::insert(
            s.conn,
            &DraftRow {
                id: format!("d-{i:03}"),
                ticket_id: ticket_id.clone(),
                message_id,
                body: "Draft".into(),
                language: language.into(),
                intent: Some(intent.into()),
                intent_score: confidence,
                confidence,
                decision: if auto {
                    "auto_send"
                } else if i >= 95 {
                    "escalate"
                } else {
                    "review"
                }
                .into(),
                reason: "seeded".into(),
                risk_flags: flags.into(),
                articles: "[]".into(),
                status: draft_status.into(),
                created_at: created,
                decided_at: Some(decided_at),
                decided_by: agent.map(str::to_string),
            },
        )
        .unwrap();
        if auto {
            s.auto_answer(&ticket_id, created, Some(first_response));
        }
        if i < 6 {
            s.message(&ticket_id, created + Duration::days(2));
        } else if i == 6 {
            s.message(&ticket_id, created + Duration::days(8));
        }
        if let Some(agent) = agent {
            let h = match i {
                60..75 => i as i64 - 59,
                85..95 => 20,
                _ => 24,
            };
            // Someone else looked first; only the deciding agent's look counts.
            let other = if agent == ALICE { BOB } else { ALICE };
            s.event(&ticket_id, "ticket_viewed", Some(other), "{}", created);
            s.event(
                &ticket_id,
                "ticket_viewed",
                Some(agent),
                "{}",
                decided_at - Duration::minutes(h),
            );
            match i {
                81..85 => s.event(
                    &ticket_id,
                    "draft_rejected",
                    Some(agent),
                    &format!(
                        r#"{{"draft":"d-{i:03}","reason":"{}"}}"#,
                        match i {
                            81 | 82 => "tone",
                            83 => "wrong_facts",
                            _ => "wrong_intent",
                        }
                    ),
                    decided_at,
                ),
                85..95 => s.event(
                    &ticket_id,
                    "draft_edited",
                    Some(agent),
                    &format!(r#"{{"draft":"d-{i:03}","edit_distance":{},"draft_len":200,"intent":"order_status"}}"#, (i - 84) * 10),
                    decided_at,
                ),
                _ => {}
            }
        }
    }
}

fn dashboard(t: &TestApp) -> metrics::Dashboard {
    let mut conn = t.app.conn().unwrap();
    metrics::dashboard_in(&mut conn, 15, period(), now()).unwrap()
}

fn approx(a: Option<f64>, b: f64) {
    let a = a.expect("a value");
    assert!((a - b).abs() < 1e-9, "{a} != {b}");
}

#[test]
fn totals_match_the_hand_computed_values() {
    let t = app();
    seed(&t);
    let d = dashboard(&t);
    let f = &d.total;
    assert_eq!(f.tickets_in, 100);
    assert_eq!(f.decisions, 100);
    assert_eq!(f.auto_sent, 60);
    approx(f.automation_rate(), 0.6);
    assert_eq!((f.review, f.escalate), (35, 5));
    approx(f.escalation_rate(), 0.4);
    let reasons: BTreeMap<&str, i64> = f.reasons.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        reasons,
        BTreeMap::from([
            ("low_confidence", 31),
            ("no_article", 2),
            ("repeat_contact", 3),
            ("human_requested", 2),
            ("language_not_covered", 1),
            ("risk_flag", 1),
        ])
    );
    approx(f.reason_rate("low_confidence"), 0.31);
    assert_eq!(
        (f.approved, f.edited, f.taken_over, f.rejected),
        (21, 10, 5, 4)
    );
    let rejected: Vec<(&str, i64)> = f
        .rejected_by_reason
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        rejected,
        [("tone", 2), ("wrong_facts", 1), ("wrong_intent", 1)]
    );
    assert_eq!(f.edit_sizes.median(), Some(50));
    assert_eq!(f.edit_sizes.count(), 10);
    assert_eq!(
        (f.first_response_auto.median(), f.first_response_auto.p90()),
        (Some(1), Some(2))
    );
    assert_eq!(
        (
            f.first_response_human.median(),
            f.first_response_human.p90()
        ),
        (Some(29), Some(45))
    );
    assert_eq!(
        (f.resolution_auto.median(), f.resolution_auto.p90()),
        (Some(60), Some(120))
    );
    assert_eq!(
        (f.resolution_human.median(), f.resolution_human.p90()),
        (Some(128), Some(152))
    );
    assert_eq!(f.resolution_human.count(), 30);
    assert_eq!(f.backlog, 10);
    // Ticket 91: day 0 (91 % 7 = 0), 91 minutes after midnight.
    assert_eq!(f.oldest_waiting_since, Some(t0() + Duration::minutes(91)));
    assert_eq!(f.oldest_wait_minutes(now()), Some(7 * 1440 - 91));
    assert_eq!((f.auto_answers_followed, f.reopened), (60, 6));
    approx(f.reopen_rate(), 0.1);
    // The scenario's week is long over: every answer's seven days are.
    assert_eq!(f.answers_past_window, 60);
    approx(f.stayed_resolved_rate(), 0.9);
    // Handling medians: order_status 13, refund_status 24, overall 20; reset_password
    // has no human samples and falls back to the overall median.
    assert_eq!(d.handling_seconds_overall, Some(20 * 60));
    assert_eq!(d.handling_by_intent.get("order_status"), Some(&(13 * 60)));
    assert_eq!(d.handling_by_intent.get("refund_status"), Some(&(24 * 60)));
    assert_eq!((f.asked_person, f.marked_wrong), (0, 0));
    assert!((f.minutes_saved - (40.0 * 13.0 + 20.0 * 20.0)).abs() < 1e-9);
    assert!((f.hours_saved() - 920.0 / 60.0).abs() < 1e-9);
}

#[test]
fn breakdowns_and_series_match() {
    let t = app();
    seed(&t);
    let d = dashboard(&t);
    let order = d.row("intent", "order_status").unwrap();
    assert_eq!(
        (
            order.tickets_in,
            order.auto_sent,
            order.approved,
            order.edited
        ),
        (65, 40, 15, 10)
    );
    assert!((order.minutes_saved - 520.0).abs() < 1e-9);
    let refund = d.row("intent", "refund_status").unwrap();
    assert_eq!(
        (
            refund.tickets_in,
            refund.auto_sent,
            refund.rejected,
            refund.taken_over
        ),
        (15, 0, 4, 5)
    );
    assert_eq!(refund.backlog, 5);
    let reset = d.row("intent", "reset_password").unwrap();
    assert!((reset.minutes_saved - 400.0).abs() < 1e-9);
    let de = d.row("language", "de").unwrap();
    assert_eq!((de.tickets_in, de.auto_sent), (10, 10));
    assert!((de.hours_saved() - 200.0 / 60.0).abs() < 1e-9);
    assert_eq!(
        d.row("language", "fi")
            .unwrap()
            .reasons
            .get("language_not_covered"),
        Some(&1)
    );
    assert_eq!(d.row("language", "en").unwrap().tickets_in, 89);
    let web = d.row("channel", "web").unwrap();
    assert_eq!((web.tickets_in, web.escalate, web.taken_over), (5, 5, 5));
    assert_eq!(d.row("channel", "email").unwrap().tickets_in, 95);
    let alice = d.row("agent", "Alice").unwrap();
    assert_eq!(
        (alice.tickets_in, alice.approved, alice.edited),
        (20, 20, 0)
    );
    let bob = d.row("agent", "Bob").unwrap();
    assert_eq!(
        (bob.approved, bob.edited, bob.rejected, bob.taken_over),
        (1, 10, 4, 5)
    );
    assert_eq!(bob.edit_sizes.median(), Some(50));
    assert_eq!(bob.rejected_by_reason.get("tone"), Some(&2));
    assert_eq!(d.row("agent", "(none)").unwrap().auto_sent, 60);

    assert_eq!(d.series.len(), 7);
    let tickets: Vec<i64> = d.series.iter().map(|p| p.tickets_in).collect();
    assert_eq!(tickets, [15, 15, 14, 14, 14, 14, 14]);
    let auto: Vec<i64> = d.series.iter().map(|p| p.auto_sent).collect();
    assert_eq!(auto, [9, 9, 9, 9, 8, 8, 8]);
    assert_eq!(d.series[0].bucket, "2026-11-01");
    assert_eq!(d.series.iter().map(|p| p.decisions).sum::<i64>(), 100);
}

#[test]
fn short_periods_are_hourly() {
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let p = Period::new(t0(), t0() + Duration::days(1));
    let d = metrics::dashboard_in(&mut conn, 15, p, now()).unwrap();
    assert_eq!(d.series.len(), 24);
    // Day 0 holds tickets 0, 7, …, 98: minutes 0..98 after midnight fall into hours 0 and 1.
    assert_eq!(d.series[0].bucket, "2026-11-01 00");
    assert_eq!(d.series[0].tickets_in, 9); // 0, 7, …, 56
    assert_eq!(d.series[1].tickets_in, 6); // 63, …, 98
    assert_eq!(d.total.tickets_in, 15);
}

#[test]
fn calibration_bands_and_precision() {
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let settings = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    let c = metrics::calibration_in(&mut conn, &settings, period()).unwrap();
    let bands: Vec<(i64, i64, i64)> = c
        .bands
        .iter()
        .map(|b| (b.lo, b.reviewed, b.correct))
        .collect();
    assert_eq!(
        bands,
        [
            (0, 0, 0),
            (10, 0, 0),
            (20, 5, 0),
            (30, 0, 0),
            (40, 0, 0),
            (50, 9, 0),
            (60, 0, 0),
            (70, 13, 11),
            (80, 1, 0),
            (90, 12, 10)
        ]
    );
    let order = c
        .intents
        .iter()
        .find(|i| i.intent == "order_status")
        .unwrap();
    assert_eq!(
        (order.reviewed, order.above, order.correct_above),
        (25, 11, 10)
    );
    approx(order.precision(), 10.0 / 11.0);
    let refund = c
        .intents
        .iter()
        .find(|i| i.intent == "refund_status")
        .unwrap();
    assert_eq!(
        (refund.reviewed, refund.above, refund.correct_above),
        (15, 2, 0)
    );
    approx(refund.precision(), 0.0);
}

/// A review counts with the drafts of the period its draft was made in, as every other
/// review outcome does: a period that starts between a draft and its rejection does not
/// count the rejection's reason (it made the reasons outnumber the rejected drafts, and a
/// day's "rejected: wrong intent" read 500 % of its reviews).
#[test]
fn review_reasons_count_with_their_drafts_period() {
    let t = app();
    seed(&t);
    // Draft 84 (wrong intent) was made at t0 + 84 min and rejected 34 minutes later.
    let from = t0() + Duration::minutes(85);
    let f = metrics::dashboard(&t.app, Period::new(from, t0() + Duration::days(7)))
        .unwrap()
        .total;
    let by_reason: i64 = f.rejected_by_reason.values().sum();
    assert_eq!(f.rejected, 3, "drafts 81 to 83");
    assert_eq!(by_reason, f.rejected, "{:?}", f.rejected_by_reason);
    assert_eq!(f.rejected_by_reason.get("wrong_intent"), None);
    for n in f.rejected_by_reason.values() {
        assert!(*n <= f.reviewed(), "{n} of {} reviewed", f.reviewed());
    }
}

fn dial(auto: f32) -> Dial {
    Dial {
        auto_threshold: auto,
        review_threshold: 0.4,
        never_auto_intents: vec!["cancel".into(), "refund".into()],
        ..Default::default()
    }
}

#[test]
fn what_if_replays_the_reviewed_drafts() {
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let settings = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    let (current, at85) = metrics::what_if_in(&mut conn, &settings, period(), &dial(0.85)).unwrap();
    // 60 auto-sent, 65..70 approved at 0.95 (60..64 carry hard flags), 85 edited at 0.88.
    assert_eq!(
        (
            current.drafts,
            current.would_auto,
            current.reviewed_would_auto,
            current.corrected
        ),
        (100, 66, 6, 1)
    );
    assert_eq!(
        (at85.would_auto, at85.reviewed_would_auto, at85.corrected),
        (66, 6, 1)
    );
    assert_eq!(
        at85.sentence(0.85),
        "at 0.85, about 66 % would be sent automatically (66 of 100 drafts), of which about 16.7 % were corrected by agents (1 of 6 reviewed)"
    );
    let (_, at70) = metrics::what_if_in(&mut conn, &settings, period(), &dial(0.7)).unwrap();
    assert_eq!(
        (at70.would_auto, at70.reviewed_would_auto, at70.corrected),
        (71, 11, 1)
    );
    let (_, at90) = metrics::what_if_in(&mut conn, &settings, period(), &dial(0.9)).unwrap();
    assert_eq!(
        (at90.would_auto, at90.reviewed_would_auto, at90.corrected),
        (65, 5, 0)
    );
    // Turning German off removes the 10 German automated answers; a per-intent threshold
    // of 0.96 stops order_status (40 + 5 + 1 drafts).
    let mut d = dial(0.85);
    d.disabled_languages = vec!["de".into()];
    d.per_intent.insert("order_status".into(), 0.96);
    let (_, w) = metrics::what_if_in(&mut conn, &settings, period(), &d).unwrap();
    assert_eq!((w.would_auto, w.reviewed_would_auto), (10, 0));
    // Without the never-automated rule, refund drafts at 0.91 (both rejected) would go out.
    let mut d = dial(0.85);
    d.never_auto_intents.clear();
    let (_, w) = metrics::what_if_in(&mut conn, &settings, period(), &d).unwrap();
    assert_eq!(
        (w.would_auto, w.reviewed_would_auto, w.corrected),
        (68, 8, 3)
    );
}

#[test]
fn saving_the_dial_is_audited_and_takes_effect() {
    let t = app();
    seed(&t);
    let by = tandem::app::actions::ActingUser {
        id: ALICE.into(),
        ip: Some("127.0.0.1".into()),
    };
    let mut d = dial(0.85);
    d.per_intent.insert("order_status".into(), 0.9);
    d.disabled_languages = vec!["fi".into()];
    assert!(
        metrics::save_dial(&t.app, &by, &d, "  ").is_err(),
        "a reason is required"
    );
    let mut bad = d.clone();
    bad.review_threshold = 0.9;
    assert!(
        metrics::save_dial(&t.app, &by, &bad, "x").is_err(),
        "review above auto"
    );
    // The replay and the precision table count confidence in whole percents: a draft at
    // 0.927 sent at 0.925 would be replayed as not sent.
    for finer in [
        Dial {
            auto_threshold: 0.925,
            ..d.clone()
        },
        {
            let mut d = d.clone();
            d.per_intent.insert("order_status".into(), 0.905);
            d
        },
    ] {
        let refused = metrics::save_dial(&t.app, &by, &finer, "finer").unwrap_err();
        assert!(refused.to_string().contains("two decimals"), "{refused}");
    }
    let changes = metrics::save_dial(&t.app, &by, &d, "too many corrections").unwrap();
    let keys: Vec<(&str, Option<&str>, &str)> = changes
        .iter()
        .map(|c| (c.key.as_str(), c.old.as_deref(), c.new.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("auto_threshold", Some("0.8"), "0.85"),
            ("auto_threshold:order_status", None, "0.9"),
            ("disabled_languages", Some(""), "fi"),
        ]
    );
    let mut conn = t.app.conn().unwrap();
    let s = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    assert_eq!(s.auto_threshold, 0.85);
    assert_eq!(s.auto_threshold_for("order_status"), 0.9);
    assert_eq!(s.disabled_languages, ["fi"]);
    let events: Vec<EventRow> = schema::events::table
        .filter(schema::events::kind.eq("settings_changed"))
        .select(EventRow::as_select())
        .load(&mut *conn)
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor_id.as_deref(), Some(ALICE));
    assert_eq!(events[0].ip.as_deref(), Some("127.0.0.1"));
    let data: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
    assert_eq!(data["why"], "too many corrections");
    assert_eq!(data["old"]["auto_threshold"], "0.8");
    assert_eq!(data["new"]["auto_threshold"], "0.85");
    drop(conn);

    // Saving the same again changes nothing and records nothing.
    assert!(
        metrics::save_dial(&t.app, &by, &d, "again")
            .unwrap()
            .is_empty()
    );
    // Dropping the override clears it.
    d.per_intent.clear();
    let changes = metrics::save_dial(&t.app, &by, &d, "back to the global threshold").unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].key, "auto_threshold:order_status");
    let mut conn = t.app.conn().unwrap();
    let s = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    assert_eq!(s.auto_threshold_for("order_status"), 0.85);
    assert_eq!(
        tandem::store::events::count_kind(&mut conn, "settings_changed").unwrap(),
        2
    );
}

#[test]
fn csv_exports_carry_the_same_numbers() {
    let t = app();
    seed(&t);
    let d = dashboard(&t);
    let mut conn = t.app.conn().unwrap();
    let settings = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    let c = metrics::calibration_in(&mut conn, &settings, period()).unwrap();
    let totals = metrics::csv(&d, &c, "totals").unwrap();
    let lines: Vec<&str> = totals.lines().collect();
    assert_eq!(lines.len(), 2);
    let header: Vec<&str> = lines[0].split(',').collect();
    let values: Vec<&str> = lines[1].split(',').collect();
    let get = |k: &str| {
        values[header
            .iter()
            .position(|h| *h == k)
            .unwrap_or_else(|| panic!("{k}"))]
    };
    assert_eq!(get("tickets_in"), "100");
    assert_eq!(get("automation_rate"), "0.6000");
    assert_eq!(get("escalation_rate"), "0.4000");
    assert_eq!(get("low_confidence"), "31");
    assert_eq!(get("approved_unchanged"), "21");
    assert_eq!(get("edited"), "10");
    assert_eq!(get("median_edit_size"), "50");
    assert_eq!(get("taken_over"), "5");
    assert_eq!(get("rejected_tone"), "2");
    assert_eq!(get("first_response_human_p90_min"), "45");
    assert_eq!(get("resolution_human_median_min"), "128");
    assert_eq!(get("backlog"), "10");
    assert_eq!(get("oldest_waiting_min"), "9989");
    assert_eq!(get("reopen_rate"), "0.1000");
    assert_eq!(get("hours_saved"), "15.33");
    let intents = metrics::csv(&d, &c, "intent").unwrap();
    assert!(
        intents
            .lines()
            .any(|l| l.starts_with("order_status,65,65,40,0.6154,")),
        "{intents}"
    );
    let series = metrics::csv(&d, &c, "series").unwrap();
    assert!(
        series.contains("2026-11-01,15,15,9,6,0.6000\r\n"),
        "{series}"
    );
    let cal = metrics::csv(&d, &c, "calibration").unwrap();
    assert!(cal.contains("0.9,1.0,12,10,0.8333\r\n"), "{cal}");
    let precision = metrics::csv(&d, &c, "precision").unwrap();
    assert!(
        precision.contains("order_status,0.8,25,11,10,0.9091\r\n"),
        "{precision}"
    );
    assert!(metrics::csv(&d, &c, "nope").is_none());
}

#[test]
fn periods_parse_from_query_parameters() {
    let now = NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(10, 17, 0)
        .unwrap();
    // The default: the last seven calendar days, today up to the next whole hour.
    let p = Period::parse(None, None, now).unwrap();
    assert_eq!(p.to, now.date().and_hms_opt(11, 0, 0).unwrap());
    assert_eq!(
        p.from,
        NaiveDate::from_ymd_opt(2026, 11, 18)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    );
    assert_eq!(p.buckets().len(), 7);
    assert!(!p.hourly());
    let p = Period::parse(None, Some("2026-11-20"), now).unwrap();
    assert_eq!(p.to - p.from, Duration::days(7));
    let p = Period::parse(Some("2026-11-01"), Some("2026-11-02"), now).unwrap();
    assert_eq!((p.from, p.to), (t0(), t0() + Duration::days(2)));
    assert!(p.hourly());
    assert!(Period::parse(Some("2026-11-05"), Some("2026-11-01"), now).is_err());
    assert!(Period::parse(Some("yesterday"), None, now).is_err());
}

// ---------------------------------------------------------------------------------------
// Over HTTP: roles, the page, CSV, the dial form, /metrics.

// ---------------------------------------------------------------------------------------
// Figures measured on the real loop (ingest, outbox), not a seeded table.

const PARCEL: &str = "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana";

fn today(t: &TestApp) -> metrics::Dashboard {
    let now = tandem::store::now();
    metrics::dashboard(
        &t.app,
        Period::new(now - Duration::days(1), now + Duration::hours(1)),
    )
    .unwrap()
}

fn auto_answered(t: &TestApp, from: &str, id: &str) -> i64 {
    match t.ingest(&crate::harness::email(
        from,
        "Where is my parcel?",
        id,
        PARCEL,
    )) {
        tandem::app::ingest::Outcome::Accepted {
            ticket_number,
            action,
            ..
        } => {
            assert_eq!(action, "auto_send");
            ticket_number
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_customer_who_never_wrote_back_is_no_reopen() {
    let t = TestApp::with_kb();
    auto_answered(&t, "ana@example.com", "p1@example.com");
    // Not sent yet: nothing to follow up on.
    let f = today(&t).total;
    assert_eq!(
        (f.auto_sent, f.auto_answers_followed, f.reopened),
        (1, 0, 0)
    );
    assert_eq!(t.deliver().sent, 1);
    let f = today(&t).total;
    assert_eq!((f.auto_answers_followed, f.reopened), (1, 0));
    approx(f.reopen_rate(), 0.0);
    // Sent a moment ago: whether it stays resolved is not known for seven days (it read
    // 100 %).
    assert_eq!(f.answers_past_window, 0);
    assert_eq!(f.stayed_resolved_rate(), None);
    assert_eq!((f.asked_person, f.marked_wrong), (0, 0));
}

/// A ticket the automatic answer settled is resolved when the answer went out: the
/// automated resolution time counted only the tickets a person resolved after
/// automation failed on them.
#[test]
fn a_ticket_settled_by_its_automatic_answer_counts_in_the_automated_resolution_time() {
    let t = TestApp::with_kb();
    auto_answered(&t, "ana@example.com", "p1@example.com");
    t.deliver();
    let f = today(&t).total;
    assert_eq!(f.resolution_auto.count(), 1);
    assert_eq!(f.resolution_human.count(), 0);
}

/// An out-of-office notice in reply to an automated answer is no customer coming back:
/// kept on the ticket as the machine's, and no reopen.
#[test]
fn an_out_of_office_reply_is_no_reopen() {
    let t = TestApp::with_kb();
    let number = auto_answered(&t, "ana@example.com", "p1@example.com");
    t.deliver();
    let answer = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to == "ana@example.com")
        .unwrap();
    let notice = crate::harness::reply(
        "ana@example.com",
        &format!("Automatic reply: {}", answer.subject),
        "ooo-1@example.com",
        &answer.message_id,
        "I am out of the office until Monday with no access to mail.",
    )
    .replacen("Subject:", "Auto-Submitted: auto-replied\r\nSubject:", 1);
    match t.ingest(&notice) {
        tandem::app::ingest::Outcome::Accepted { ticket_number, .. } => {
            assert_eq!(ticket_number, number)
        }
        other => panic!("{other:?}"),
    }
    let shown = t.show(number);
    let kept = shown.messages.last().unwrap();
    assert!(
        kept.text.contains("out of the office"),
        "kept on the ticket"
    );
    let f = today(&t).total;
    assert_eq!((f.auto_answers_followed, f.reopened), (1, 0));
}

/// Ana answers the automated answer she was sent on ticket `number`: it did not help, she
/// wants a person.
fn ana_asks_for_a_person_in_reply(t: &TestApp, number: i64) {
    let answer = t
        .sent_mail()
        .into_iter()
        .find(|m| m.to == "ana@example.com")
        .unwrap();
    let reply = crate::harness::reply(
        "ana@example.com",
        &format!("Re: {}", answer.subject),
        "p1-2@example.com",
        &answer.message_id,
        "That did not help. I want to talk to a human agent please.",
    );
    match t.ingest(&reply) {
        tandem::app::ingest::Outcome::Accepted { ticket_number, .. } => {
            assert_eq!(ticket_number, number)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_reply_after_the_sent_answer_is_a_reopen_and_asking_for_a_person_counts() {
    let t = TestApp::with_kb();
    let number = auto_answered(&t, "ana@example.com", "p1@example.com");
    auto_answered(&t, "bob@example.com", "p2@example.com");
    auto_answered(&t, "cy@example.com", "p3@example.com");
    t.deliver();
    ana_asks_for_a_person_in_reply(&t, number);
    let f = today(&t).total;
    assert_eq!(
        (f.auto_answers_followed, f.reopened, f.asked_person),
        (3, 1, 1)
    );
    approx(f.reopen_rate(), 1.0 / 3.0);
    approx(f.asked_person_rate(), 1.0 / 3.0);
}

#[test]
fn handling_times_are_measured_in_seconds() {
    // One draft decided 40 s after the agent opened the ticket, one automated answer of
    // the same intent: 40 s saved (whole minutes made this 0, and hours saved 0.0).
    let t = app();
    let mut conn = t.app.conn().unwrap();
    let conn: &mut tandem::store::DbConn = &mut conn;
    diesel::insert_into(schema::customers::table)
        .values(&CustomerRow {
            id: "c-1".into(),
            email: "customer@example.com".into(),
            name: None,
            language: None,
            vip: false,
            created_at: t0(),
        })
        .execute(conn)
        .unwrap();
    tandem::store::users::insert(
        conn,
        &UserRow {
            id: ALICE.into(),
            email: "alice@tandem.test".into(),
            name: "Alice".into(),
            role: "agent".into(),
            password_hash: "-".into(),
            active: true,
            languages: String::new(),
            created_at: t0(),
            single_keys: true,
            open_next: false,
            console_language: "en".into(),
        },
    )
    .unwrap();
    let mut s = Seeder { conn, n: 0 };
    for (i, auto) in [(0, false), (1, true)] {
        let created = t0() + Duration::hours(1 + i);
        let ticket_id = format!("t-{i}");
        tandem::store::tickets::insert(
            s.conn,
            &TicketRow {
                id: ticket_id.clone(),
                number: 3000 + i,
                customer_id: "c-1".into(),
                subject: "Parcel".into(),
                status: "resolved".into(),
                channel: "email".into(),
                language: Some("en".into()),
                intent: Some("order_status".into()),
                assignee_id: None,
                version: 0,
                created_at: created,
                updated_at: created,
                waiting_since: None,
                first_response_at: None,
                resolved_at: None,
            },
        )
        .unwrap();
        let message_id = s.message(&ticket_id, created);
        let decided = created + Duration::minutes(5);
        tandem::store::drafts::insert(
            s.conn,
            &DraftRow {
                id: format!("d-{i}"),
                ticket_id: ticket_id.clone(),
                message_id,
                body: "Draft".into(),
                language: "en".into(),
                intent: Some("order_status".into()),
                intent_score: 0.9,
                confidence: 0.9,
                decision: if auto { "auto_send" } else { "review" }.into(),
                reason: "seeded".into(),
                risk_flags: "[]".into(),
                articles: "[]".into(),
                status: if auto { "sent" } else { "approved" }.into(),
                created_at: created,
                decided_at: Some(decided),
                decided_by: (!auto).then(|| ALICE.to_string()),
            },
        )
        .unwrap();
        if !auto {
            s.event(
                &ticket_id,
                "ticket_viewed",
                Some(ALICE),
                "{}",
                decided - Duration::seconds(40),
            );
        }
    }
    let d = metrics::dashboard_in(s.conn, 15, period(), now()).unwrap();
    assert_eq!(d.handling_seconds_overall, Some(40));
    assert_eq!(d.handling_by_intent.get("order_status"), Some(&40));
    assert!((d.total.minutes_saved - 40.0 / 60.0).abs() < 1e-9);
    assert!((d.total.hours_saved() - 40.0 / 3600.0).abs() < 1e-12);
}

#[test]
fn each_csv_table_is_its_own_table() {
    let t = app();
    seed(&t);
    let d = dashboard(&t);
    let mut conn = t.app.conn().unwrap();
    let settings = tandem::app::triage::settings(&t.app.config, &mut conn).unwrap();
    let c = metrics::calibration_in(&mut conn, &settings, period()).unwrap();
    let reasons = metrics::csv(&d, &c, "reasons").unwrap();
    assert!(
        reasons.starts_with("reason,drafts,share_of_decisions\r\n"),
        "{reasons}"
    );
    assert!(
        reasons.contains("low_confidence,31,0.3100\r\n"),
        "{reasons}"
    );
    assert!(reasons.contains("all,40,0.4000\r\n"), "{reasons}");
    let reviews = metrics::csv(&d, &c, "reviews").unwrap();
    assert!(
        reviews.starts_with("outcome,drafts,share_of_reviewed\r\n"),
        "{reviews}"
    );
    assert!(
        reviews.contains("approved_unchanged,21,0.5250\r\n"),
        "{reviews}"
    );
    assert!(reviews.contains("rejected_tone,2,0.0500\r\n"), "{reviews}");
    let times = metrics::csv(&d, &c, "times").unwrap();
    assert!(
        times.starts_with("measure,tickets,median_min,p90_min\r\n"),
        "{times}"
    );
    assert!(
        times.contains("first_response_human,40,29,45\r\n"),
        "{times}"
    );
    assert!(times.contains("resolution_human,30,128,152\r\n"), "{times}");
    let totals = metrics::csv(&d, &c, "totals").unwrap();
    let header = totals.lines().next().unwrap();
    for col in [
        "reopen_rate",
        "asked_person_after_auto",
        "auto_marked_wrong",
    ] {
        assert!(header.split(',').any(|h| h == col), "{col} in {header}");
    }
    let bodies = [
        "totals",
        "reasons",
        "reviews",
        "times",
        "series",
        "calibration",
    ]
    .map(|table| metrics::csv(&d, &c, table).unwrap());
    for (i, a) in bodies.iter().enumerate() {
        for b in &bodies[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

// The facts tables (ticket_facts, draft_facts) that the dashboard reads are kept by
// triggers on every write of their sources. What the triggers kept must equal what a
// recomputation from the sources gives, after any mix of writes.

#[derive(Debug, PartialEq, Queryable)]
struct TicketFact {
    ticket_id: String,
    created_at: NaiveDateTime,
    intent: Option<String>,
    language: Option<String>,
    channel: String,
    assignee_id: Option<String>,
    waiting: i32,
    waiting_since: Option<NaiveDateTime>,
    first_response_min: Option<i64>,
    resolution_min: Option<i64>,
    automated: i32,
}

#[derive(Debug, PartialEq, Queryable)]
struct DraftFact {
    draft_id: String,
    ticket_id: String,
    created_at: NaiveDateTime,
    intent: Option<String>,
    language: String,
    channel: Option<String>,
    agent: Option<String>,
    decision: String,
    reason: String,
    status: String,
    blocked: i32,
    pct: i64,
    decided_at: Option<NaiveDateTime>,
    answered: i32,
    reopened: i32,
    asked_person: i32,
}

type Facts = (Vec<TicketFact>, Vec<DraftFact>);

fn facts(conn: &mut tandem::store::DbConn) -> Facts {
    let tickets = schema::ticket_facts::table
        .order(schema::ticket_facts::ticket_id)
        .load::<TicketFact>(conn)
        .unwrap();
    let drafts = schema::draft_facts::table
        .order(schema::draft_facts::draft_id)
        .load::<DraftFact>(conn)
        .unwrap();
    (tickets, drafts)
}

/// The facts as the triggers kept them, then as a recomputation gives them. The daily
/// sums the dashboard reads whole days from must match their facts as well: kept by
/// triggers, folded (PostgreSQL) or not, and recomputed from the facts.
fn kept_and_recomputed(conn: &mut tandem::store::DbConn) -> (Facts, Facts) {
    use tandem::store::metrics::{fold_rollup, rebuild_rollup, rollup_sums};
    // PostgreSQL's triggers mark the facts at commit; a reader settles them first.
    tandem::store::metrics::settle_facts(conn, true).unwrap();
    let kept = facts(conn);
    let sums = rollup_sums(conn).unwrap();
    assert!(!sums.is_empty() || kept.0.is_empty());
    fold_rollup(conn).unwrap();
    assert_eq!(rollup_sums(conn).unwrap(), sums, "sums changed by a fold");
    rebuild_rollup(conn).unwrap();
    assert_eq!(
        rollup_sums(conn).unwrap(),
        sums,
        "kept sums differ from their facts"
    );
    tandem::store::metrics::rebuild_facts(conn).unwrap();
    assert_eq!(
        rollup_sums(conn).unwrap(),
        sums,
        "sums changed by rebuilding the facts"
    );
    (kept, facts(conn))
}

#[test]
fn the_facts_follow_every_write_of_their_sources() {
    use schema::{drafts, messages, outbox, tickets};
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let conn: &mut tandem::store::DbConn = &mut conn;
    let (kept, recomputed) = kept_and_recomputed(conn);
    assert_eq!(kept.0.len(), 101);
    assert_eq!(kept.1.len(), 101);
    assert_eq!(kept, recomputed);

    // A ticket moves to another intent, agent and channel; a waiting one is resolved.
    diesel::update(tickets::table.find("t-090"))
        .set((
            tickets::intent.eq("refund_status"),
            tickets::assignee_id.eq(ALICE),
            tickets::channel.eq("web"),
        ))
        .execute(conn)
        .unwrap();
    diesel::update(tickets::table.find("t-095"))
        .set((
            tickets::status.eq("resolved"),
            tickets::waiting_since.eq(None::<NaiveDateTime>),
            tickets::resolved_at.eq(Some(t0() + Duration::days(6))),
        ))
        .execute(conn)
        .unwrap();
    // A supervisor marks an automated answer wrong; a review draft changes hands.
    diesel::update(drafts::table.find("d-020"))
        .set(drafts::status.eq("marked_wrong"))
        .execute(conn)
        .unwrap();
    diesel::update(drafts::table.find("d-070"))
        .set((drafts::decided_by.eq(BOB), drafts::status.eq("edited")))
        .execute(conn)
        .unwrap();
    let mut s = Seeder { conn, n: 9000 };
    // A write-back a day after an answer; a later draft on another answered ticket asks
    // for a person.
    let back = s.message("t-010", t0() + Duration::days(3) + Duration::minutes(10));
    let ask = s.message("t-011", t0() + Duration::days(5));
    diesel::insert_into(drafts::table)
        .values(&DraftRow {
            id: "d-extra".into(),
            ticket_id: "t-011".into(),
            message_id: ask,
            body: "Draft".into(),
            language: "en".into(),
            intent: Some("order_status".into()),
            intent_score: 0.3,
            confidence: 0.3,
            decision: "escalate".into(),
            reason: "seeded".into(),
            risk_flags: "[\"human_requested\"]".into(),
            articles: "[]".into(),
            status: "pending".into(),
            created_at: t0() + Duration::days(5),
            decided_at: None,
            decided_by: None,
        })
        .execute(s.conn)
        .unwrap();
    // An answer queued but not yet sent, then sent; another answer's row disappears.
    s.auto_answer("t-100", t0() - Duration::days(1), None);
    diesel::update(
        outbox::table
            .filter(outbox::ticket_id.eq("t-100"))
            .filter(outbox::sent_at.is_null()),
    )
    .set(outbox::sent_at.eq(Some(t0() - Duration::days(1) + Duration::minutes(1))))
    .execute(s.conn)
    .unwrap();
    diesel::delete(outbox::table.filter(outbox::ticket_id.eq("t-030")))
        .execute(s.conn)
        .unwrap();
    // The write-back is moved out of the 7 days, then deleted again.
    diesel::update(messages::table.find(&back))
        .set(messages::created_at.eq(t0() + Duration::days(20)))
        .execute(s.conn)
        .unwrap();
    let conn = s.conn;
    let (kept, recomputed) = kept_and_recomputed(conn);
    assert_eq!(kept, recomputed);
    diesel::delete(messages::table.find(&back))
        .execute(conn)
        .unwrap();
    // The draft asking for a person is dropped (its message stays: a write-back).
    diesel::delete(drafts::table.find("d-extra"))
        .execute(conn)
        .unwrap();
    let (kept, recomputed) = kept_and_recomputed(conn);
    assert_eq!(kept, recomputed);

    // And the figures read the changes: t-011's answer was followed by a request for a
    // person until its draft was dropped; t-030's answer has no sent row any more.
    let d = metrics::dashboard_in(conn, 15, period(), now()).unwrap();
    assert_eq!(d.total.marked_wrong, 1);
    assert_eq!(d.total.auto_answers_followed, 59);
    assert_eq!(d.total.asked_person, 0);
    assert_eq!(d.row("channel", "web").unwrap().tickets_in, 6);
    assert_eq!(d.total.backlog, 9);
}

/// A transaction that writes one ticket's rows many times (as the ingest group commit
/// does: ticket, message, draft, status, outbox row), one of its savepoints rolled back,
/// leaves the facts its final rows give. On PostgreSQL the facts are recomputed once per
/// ticket when the transaction commits; a fact computed halfway, or by the rolled-back
/// savepoint, would differ from the recomputation.
#[test]
fn facts_written_in_one_transaction_are_its_final_values() {
    use schema::{drafts, tickets};
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let conn: &mut tandem::store::DbConn = &mut conn;
    tandem::store::transaction(conn, |c| {
        let mut s = Seeder { conn: c, n: 9100 };
        // t-050 is answered automatically, then written back to, then escalated.
        s.auto_answer(
            "t-050",
            t0() + Duration::days(2),
            Some(t0() + Duration::days(2)),
        );
        s.message("t-050", t0() + Duration::days(3));
        let c = s.conn;
        for (status, waiting) in [("pending_review", true), ("escalated", true)] {
            diesel::update(tickets::table.find("t-050"))
                .set((
                    tickets::status.eq(status),
                    tickets::waiting_since.eq(waiting.then(|| t0() + Duration::days(3))),
                ))
                .execute(c)?;
        }
        // A savepoint that moves t-051 and marks a draft, then fails: none of it stays.
        let failed = tandem::store::transaction(c, |c| {
            diesel::update(tickets::table.find("t-051"))
                .set((
                    tickets::intent.eq("cancel_order"),
                    tickets::channel.eq("web"),
                ))
                .execute(c)?;
            diesel::update(drafts::table.find("d-051"))
                .set(drafts::status.eq("marked_wrong"))
                .execute(c)?;
            Err::<(), _>(diesel::result::Error::RollbackTransaction)
        });
        assert!(failed.is_err());
        // The same ticket written again after the savepoint.
        diesel::update(tickets::table.find("t-051"))
            .set(tickets::assignee_id.eq(ALICE))
            .execute(c)?;
        Ok::<_, diesel::result::Error>(())
    })
    .unwrap();
    let (kept, recomputed) = kept_and_recomputed(conn);
    assert_eq!(kept, recomputed);
    let t051 = kept.0.iter().find(|f| f.ticket_id == "t-051").unwrap();
    assert_eq!(t051.assignee_id.as_deref(), Some(ALICE));
    assert_ne!(
        t051.channel, "web",
        "the rolled-back savepoint's write stayed"
    );
    let t050 = kept.0.iter().find(|f| f.ticket_id == "t-050").unwrap();
    assert_eq!(t050.waiting, 1);
}

/// The figures that are counts add up over any cut of a period: whole days are read
/// from the daily sums, partial days from the facts, and a cut moves tickets from one way
/// to the other.
#[test]
fn a_period_cut_anywhere_adds_up() {
    let t = app();
    seed(&t);
    let mut conn = t.app.conn().unwrap();
    let whole = metrics::dashboard_in(&mut conn, 15, period(), now()).unwrap();
    assert_eq!(whole.total.tickets_in, 100);
    let counts = |f: &metrics::Figures| {
        (
            f.tickets_in,
            f.decisions,
            f.auto_sent,
            f.escalate,
            f.review,
            f.reasons.clone(),
            (f.approved, f.edited, f.taken_over, f.rejected),
            (f.auto_answers_followed, f.reopened, f.asked_person),
            (f.first_response_human.count(), f.resolution_human.count()),
        )
    };
    for cut in [
        Duration::hours(12),
        Duration::days(1) + Duration::minutes(91),
        Duration::days(3) + Duration::hours(17),
        Duration::days(6),
    ] {
        let at = t0() + cut;
        let a = metrics::dashboard_in(&mut conn, 15, Period::new(t0(), at), now()).unwrap();
        let b = metrics::dashboard_in(&mut conn, 15, Period::new(at, now()), now()).unwrap();
        let (a, b) = (counts(&a.total), counts(&b.total));
        let mut reasons = a.5.clone();
        for (k, v) in &b.5 {
            *reasons.entry(k.clone()).or_default() += v;
        }
        let sum = (
            a.0 + b.0,
            a.1 + b.1,
            a.2 + b.2,
            a.3 + b.3,
            a.4 + b.4,
            reasons,
            (a.6.0 + b.6.0, a.6.1 + b.6.1, a.6.2 + b.6.2, a.6.3 + b.6.3),
            (a.7.0 + b.7.0, a.7.1 + b.7.1, a.7.2 + b.7.2),
            (a.8.0 + b.8.0, a.8.1 + b.8.1),
        );
        assert_eq!(sum, counts(&whole.total), "cut at {at}");
        assert!(a.0 > 0 && b.0 > 0, "both sides of {at} hold tickets");
    }
}

#[test]
fn the_facts_follow_the_real_loop() {
    let t = TestApp::with_kb();
    let number = auto_answered(&t, "ana@example.com", "p1@example.com");
    auto_answered(&t, "bob@example.com", "p2@example.com");
    t.deliver();
    ana_asks_for_a_person_in_reply(&t, number);
    let mut conn = t.app.conn().unwrap();
    let (kept, recomputed) = kept_and_recomputed(&mut conn);
    assert_eq!(kept.0.len(), 2);
    assert_eq!(kept.1.len(), 3);
    assert_eq!(kept, recomputed);
    let f = today(&t).total;
    assert_eq!(
        (f.auto_answers_followed, f.reopened, f.asked_person),
        (2, 1, 1)
    );
}

#[test]
fn chart_ticks_are_distinct_whole_numbers() {
    use tandem::web::supervisor::axis_ticks;
    // The issue's case: a busiest day of 2 read "0, 0, 1, 2, 2".
    assert_eq!(axis_ticks(2), (1, 2));
    assert_eq!(axis_ticks(0), (1, 1));
    assert_eq!(axis_ticks(5), (1, 5));
    assert_eq!(axis_ticks(7), (2, 4));
    assert_eq!(axis_ticks(15), (5, 3));
    assert_eq!(axis_ticks(1234), (500, 3));
}

pub(crate) mod http {
    use actix_web::cookie::Cookie;
    use actix_web::dev::{Service, ServiceResponse};
    use actix_web::http::StatusCode;
    use actix_web::{test, web};
    use scraper::{Html, Selector};

    use super::*;

    const PERIOD: &str = "from=2026-11-01T00:00&to=2026-11-08T00:00";

    pub(crate) struct Console<S> {
        pub service: S,
        pub app: web::Data<tandem::app::App>,
        _keep: (tempfile::TempDir, crate::harness::TestDb),
    }

    pub(crate) async fn console(
        t: TestApp,
    ) -> Console<
        impl Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
    > {
        let TestApp { app, dir, db, .. } = t;
        let app = web::Data::new(app);
        let service = test::init_service(
            actix_web::App::new()
                .app_data(app.clone())
                .app_data(web::Data::new(tandem::web::presence::Presence::default()))
                .configure(tandem::web::routes),
        )
        .await;
        Console {
            service,
            app,
            _keep: (dir, db),
        }
    }

    /// Adds a user of `role` and signs in; returns (session token, CSRF token).
    pub(crate) fn sign_in(app: &tandem::app::App, role: &str) -> (String, String) {
        let email = format!("{role}@tandem.test");
        tandem::app::users::add(app, &email, role, role, "correct horse battery").unwrap();
        let (token, session) =
            tandem::app::auth::login(app, &email, "correct horse battery", None).unwrap();
        (token, session.csrf_token)
    }

    pub(crate) async fn body(resp: ServiceResponse) -> String {
        String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
    }

    pub(crate) fn cookie(token: &str) -> Cookie<'static> {
        Cookie::new(tandem::web::session::SESSION_COOKIE, token.to_string())
    }

    #[actix_web::test]
    async fn agents_get_403_and_strangers_sign_in() {
        let c = console(app()).await;
        let (agent, csrf) = sign_in(&c.app, "agent");
        for uri in [
            "/supervisor",
            "/supervisor/totals.csv",
            "/supervisor/dial",
            "/supervisor?format=csv",
        ] {
            let req = test::TestRequest::get()
                .uri(uri)
                .cookie(cookie(&agent))
                .to_request();
            let resp = test::call_service(&c.service, req).await;
            assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{uri}");
            let req = test::TestRequest::get().uri(uri).to_request();
            let resp = test::call_service(&c.service, req).await;
            assert_eq!(
                resp.status(),
                StatusCode::SEE_OTHER,
                "{uri} without a session"
            );
        }
        let req = test::TestRequest::post()
            .uri("/supervisor/dial")
            .cookie(cookie(&agent))
            .set_form([
                ("csrf_token", csrf.as_str()),
                ("auto_threshold", "0.5"),
                ("review_threshold", "0.1"),
                ("why", "agents may not"),
                ("action", "save"),
            ])
            .to_request();
        assert_eq!(
            test::call_service(&c.service, req).await.status(),
            StatusCode::FORBIDDEN
        );
    }

    pub(crate) fn texts(html: &Html, selector: &str) -> Vec<String> {
        let sel = Selector::parse(selector).unwrap();
        html.select(&sel)
            .map(|e| e.text().collect::<String>().trim().to_string())
            .collect()
    }

    #[actix_web::test]
    async fn the_page_and_the_csv_show_the_seeded_numbers() {
        let t = app();
        seed(&t);
        let c = console(t).await;
        let (sup, _) = sign_in(&c.app, "supervisor");
        let req = test::TestRequest::get()
            .uri(&format!("/supervisor?{PERIOD}"))
            .cookie(cookie(&sup))
            .to_request();
        let resp = test::call_service(&c.service, req).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let html = Html::parse_document(&body(resp).await);
        let labels = texts(&html, ".sv-card .sv-label");
        let values = texts(&html, ".sv-card .sv-value");
        let card = |l: &str| values[labels.iter().position(|x| x.starts_with(l)).unwrap()].clone();
        assert_eq!(card("Tickets in"), "100");
        assert_eq!(card("Automation rate"), "60 %");
        assert_eq!(card("Escalation rate"), "40 %");
        assert_eq!(card("Reopen rate"), "10 %");
        assert_eq!(card("Hours saved"), "15.3");
        assert_eq!(card("Backlog"), "10");
        let rows = |id: &str| -> Vec<Vec<String>> {
            let tr = Selector::parse(&format!("#{id} tbody tr")).unwrap();
            let td = Selector::parse("td").unwrap();
            html.select(&tr)
                .map(|r| {
                    r.select(&td)
                        .map(|c| c.text().collect::<String>())
                        .collect()
                })
                .collect()
        };
        let reasons = rows("reasons");
        assert_eq!(reasons[0], ["low confidence", "31", "31 %"]);
        assert_eq!(reasons[1], ["asked for a person", "2", "2 %"]);
        assert_eq!(reasons.last().unwrap(), &["all escalations", "40", "40 %"]);
        let reviews = rows("reviews");
        assert_eq!(reviews[0], ["approved unchanged", "21", "52.5 %"]);
        assert_eq!(
            reviews[1],
            ["edited (median edit size 50 characters)", "10", "25 %"]
        );
        assert_eq!(reviews[2], ["taken over", "5", "12.5 %"]);
        assert_eq!(reviews[3], ["rejected", "4", "10 %"]);
        let times = rows("times");
        assert_eq!(
            times[1],
            ["First response, by a person", "40", "29 min", "45 min"]
        );
        assert_eq!(
            times[3],
            ["Resolution, by a person", "30", "2 h 8 min", "2 h 32 min"]
        );
        let cal = rows("calibration");
        assert_eq!(cal[9], ["0.9–1.0", "12", "10", "83.3 %"]);
        let precision = rows("precision");
        assert_eq!(
            precision[0],
            ["order_status", "0.8", "25", "11", "10", "90.9 %"]
        );
        let by_intent = rows("by-intent");
        assert_eq!(
            by_intent.iter().find(|r| r[0] == "order_status").unwrap()[1..5],
            ["65", "65", "61.5 %", "38.5 %"]
        );
        let by_agent = rows("by-agent");
        assert_eq!(
            by_agent.iter().find(|r| r[0] == "Bob").unwrap()[5..9],
            ["1", "10", "5", "4"]
        );
        assert_eq!(texts(&html, "svg.chart").len(), 2, "two server-side charts");
        assert_eq!(rows("series").len(), 7);

        // CSV, both ways of asking.
        let req = test::TestRequest::get()
            .uri(&format!("/supervisor/intent.csv?{PERIOD}"))
            .cookie(cookie(&sup))
            .to_request();
        let resp = test::call_service(&c.service, req).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(
            resp.headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let csv = body(resp).await;
        assert!(
            csv.starts_with("intent,tickets_in,decisions,auto_sent,automation_rate,"),
            "{csv}"
        );
        assert!(csv.contains("\r\norder_status,65,65,40,0.6154,"), "{csv}");
        let req = test::TestRequest::get()
            .uri(&format!("/supervisor?format=csv&table=totals&{PERIOD}"))
            .cookie(cookie(&sup))
            .to_request();
        let csv = body(test::call_service(&c.service, req).await).await;
        assert!(csv.contains(",100,100,60,0.6000,40,0.4000,31,"), "{csv}");
        let req = test::TestRequest::get()
            .uri("/supervisor/nope.csv")
            .cookie(cookie(&sup))
            .to_request();
        assert_eq!(
            test::call_service(&c.service, req).await.status(),
            StatusCode::NOT_FOUND
        );
    }

    #[actix_web::test]
    async fn the_dial_previews_then_saves_with_a_reason() {
        let t = app();
        seed(&t);
        let c = console(t).await;
        let (sup, csrf) = sign_in(&c.app, "supervisor");
        let post = |fields: Vec<(&'static str, String)>| {
            test::TestRequest::post()
                .uri("/supervisor/dial")
                .cookie(cookie(&sup))
                .set_form(fields)
                .to_request()
        };
        let base = |action: &str, why: &str, csrf: &str| {
            vec![
                ("csrf_token", csrf.to_string()),
                ("from", "2026-11-01T00:00".to_string()),
                ("to", "2026-11-08T00:00".to_string()),
                ("auto_threshold", "0.85".to_string()),
                ("review_threshold", "0.4".to_string()),
                ("per_intent", String::new()),
                ("disabled_intents", String::new()),
                ("disabled_languages", String::new()),
                ("never_auto_intents", "refund, cancel".to_string()),
                ("why", why.to_string()),
                ("action", action.to_string()),
            ]
        };
        let resp = test::call_service(&c.service, post(base("preview", "", &csrf))).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let page = body(resp).await;
        assert!(
            page.contains("at 0.85, about 66 % would be sent automatically (66 of 100 drafts), of which about 16.7 % were corrected by agents (1 of 6 reviewed)"),
            "{page}"
        );
        let resp = test::call_service(&c.service, post(base("save", "", &csrf))).await;
        assert_eq!(
            resp.status(),
            StatusCode::BAD_REQUEST,
            "a reason is required"
        );
        let resp = test::call_service(
            &c.service,
            post(base("save", "fewer corrections", "forged")),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "CSRF");
        let mut conn = c.app.conn().unwrap();
        assert_eq!(
            tandem::app::triage::settings(&c.app.config, &mut conn)
                .unwrap()
                .auto_threshold,
            0.8
        );
        let resp =
            test::call_service(&c.service, post(base("save", "fewer corrections", &csrf))).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            tandem::app::triage::settings(&c.app.config, &mut conn)
                .unwrap()
                .auto_threshold,
            0.85
        );
        assert_eq!(
            tandem::store::events::count_kind(&mut conn, "settings_changed").unwrap(),
            1
        );
        let req = test::TestRequest::get()
            .uri("/supervisor/dial?notice=settings_saved")
            .cookie(cookie(&sup))
            .to_request();
        let page = body(test::call_service(&c.service, req).await).await;
        assert!(page.contains("value=\"0.85\""), "{page}");
    }

    #[actix_web::test]
    async fn metrics_parse_as_prometheus_text() {
        let c = console(app()).await;
        let req = test::TestRequest::get().uri("/metrics").to_request();
        let resp = test::call_service(&c.service, req).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let text = body(resp).await;
        let sample = regex::Regex::new(
            r#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\\]*")*\})? (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$"#,
        )
        .unwrap();
        let mut typed = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let mut parts = rest.split(' ');
                let name = parts.next().unwrap();
                assert!(
                    matches!(
                        parts.next(),
                        Some("counter" | "gauge" | "histogram" | "summary" | "untyped")
                    ),
                    "{line}"
                );
                assert!(typed.insert(name.to_string()), "TYPE twice: {line}");
                continue;
            }
            if line.starts_with("# HELP ") || line.is_empty() {
                continue;
            }
            let caps = sample
                .captures(line)
                .unwrap_or_else(|| panic!("not a Prometheus sample: {line:?}"));
            let name = caps[1].to_string();
            let base = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s).filter(|b| typed.contains(*b)))
                .unwrap_or(&name)
                .to_string();
            assert!(typed.contains(&base), "sample before its TYPE: {line}");
            names.insert(base);
        }
        for needed in [
            "tandem_ingest_total",
            "tandem_triage_decisions_total",
            "tandem_outbox_messages",
            "tandem_outbox_deliveries_total",
            "tandem_http_request_duration_seconds",
        ] {
            assert!(names.contains(needed), "{needed} missing from /metrics");
        }
    }

    #[actix_web::test]
    async fn the_page_shows_true_numbers_notes_and_own_csv_links() {
        let t = app();
        seed(&t);
        let c = console(t).await;
        let (sup, _) = sign_in(&c.app, "supervisor");
        let req = test::TestRequest::get()
            .uri(&format!("/supervisor?{PERIOD}"))
            .cookie(cookie(&sup))
            .to_request();
        let html = Html::parse_document(&body(test::call_service(&c.service, req).await).await);
        let labels = texts(&html, ".sv-card .sv-label");
        let values = texts(&html, ".sv-card .sv-value");
        let card = |l: &str| values[labels.iter().position(|x| x.starts_with(l)).unwrap()].clone();
        assert_eq!(card("Reopen rate"), "10 %");
        assert_eq!(card("Asked for a person after an automated answer"), "0");
        assert_eq!(card("Automated answers marked wrong"), "0");
        // 60 automated answers and 100 decisions: no rate here rests on fewer than 30.
        assert!(texts(&html, ".sv-caution").is_empty());
        // Each table's CSV link names its own table.
        let sel = Selector::parse("section.card h2 a.sv-csv").unwrap();
        let links: Vec<String> = html
            .select(&sel)
            .map(|a| {
                a.value()
                    .attr("href")
                    .unwrap()
                    .split('?')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        let mut unique = links.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(links.len(), unique.len(), "{links:?}");
        for table in ["reasons", "reviews", "times"] {
            assert!(
                links.contains(&format!("/supervisor/{table}.csv")),
                "{links:?}"
            );
            let req = test::TestRequest::get()
                .uri(&format!("/supervisor/{table}.csv?{PERIOD}"))
                .cookie(cookie(&sup))
                .to_request();
            let resp = test::call_service(&c.service, req).await;
            assert_eq!(resp.status(), StatusCode::OK, "{table}");
        }
        // The chart's y-axis: 0, 5, 10, 15, distinct whole numbers.
        let ticks = texts(&html, "svg.chart text[text-anchor=end]");
        let y: Vec<&str> = ticks.iter().map(String::as_str).take(4).collect();
        assert_eq!(y, ["0", "5", "10", "15"]);
        // Totals: a header and one row, the reopen column named so.
        let req = test::TestRequest::get()
            .uri(&format!("/supervisor/totals.csv?{PERIOD}"))
            .cookie(cookie(&sup))
            .to_request();
        let csv = body(test::call_service(&c.service, req).await).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        let col = lines[0]
            .split(',')
            .position(|h| h == "reopen_rate")
            .unwrap();
        assert_eq!(lines[1].split(',').nth(col), Some("0.1000"));
    }

    #[actix_web::test]
    async fn a_rate_on_few_cases_carries_a_note() {
        let t = TestApp::with_kb();
        t.ingest(&crate::harness::email(
            "ana@example.com",
            "Where is my parcel?",
            "n1@example.com",
            PARCEL,
        ));
        t.deliver();
        let c = console(t).await;
        let (sup, _) = sign_in(&c.app, "supervisor");
        let req = test::TestRequest::get()
            .uri("/supervisor")
            .cookie(cookie(&sup))
            .to_request();
        let html = Html::parse_document(&body(test::call_service(&c.service, req).await).await);
        let labels = texts(&html, ".sv-card .sv-label");
        let values = texts(&html, ".sv-card .sv-value");
        let i = labels
            .iter()
            .position(|x| x.starts_with("Reopen rate"))
            .unwrap();
        assert_eq!(values[i], "0 %", "a customer who never wrote back");
        let sel = Selector::parse(".sv-card").unwrap();
        let reopen_card = html
            .select(&sel)
            .find(|c| c.text().collect::<String>().contains("Reopen rate"))
            .unwrap()
            .text()
            .collect::<String>();
        assert!(reopen_card.contains("Only 1 case"), "{reopen_card}");
    }

    #[actix_web::test]
    async fn the_what_if_names_the_current_and_the_proposed_threshold() {
        let t = app();
        seed(&t);
        let c = console(t).await;
        let (sup, csrf) = sign_in(&c.app, "supervisor");
        let req = test::TestRequest::post()
            .uri("/supervisor/dial")
            .cookie(cookie(&sup))
            .set_form([
                ("csrf_token", csrf.as_str()),
                ("from", "2026-11-01T00:00"),
                ("to", "2026-11-08T00:00"),
                ("auto_threshold", "0.85"),
                ("review_threshold", "0.4"),
                ("why", ""),
                ("action", "preview"),
            ])
            .to_request();
        let page = body(test::call_service(&c.service, req).await).await;
        let html = Html::parse_document(&page);
        let sentences = texts(&html, ".sv-whatif p");
        assert!(sentences[0].starts_with("Now: at 0.8,"), "{sentences:?}");
        assert!(
            sentences[1].starts_with("Proposed: at 0.85,"),
            "{sentences:?}"
        );
        assert_eq!(
            texts(&html, ".sv-whatif th"),
            [
                "Replayed drafts",
                "Current (auto ≥ 0.8)",
                "Proposed (auto ≥ 0.85)"
            ]
        );
    }
}

/// The dashboard benchmark (not a timed test: it prints, it does not assert a time).
/// `TANDEM_BENCH_TICKETS=1000000 cargo test --release --test it bench_dashboard -- --ignored --nocapture`
/// (add `TANDEM_TEST_DATABASE_URL=postgres://…` for PostgreSQL). With
/// `TANDEM_BENCH_DATABASE_URL` it uses (and keeps) that database instead of a scratch one,
/// so `TANDEM_BENCH_TICKETS=0` times it again without seeding; it also times each query.
#[test]
#[ignore]
fn bench_dashboard() {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let scratch;
    let kept;
    let (app, backend) = match std::env::var("TANDEM_BENCH_DATABASE_URL") {
        Ok(url) => {
            let mut values = std::collections::HashMap::new();
            values.insert("TANDEM_DATABASE_URL".to_string(), url.clone());
            kept = tandem::app::App::open(tandem::config::Config::from_values(&values).unwrap())
                .unwrap();
            kept.migrate().unwrap();
            (&kept, url)
        }
        Err(_) => {
            scratch = app();
            let backend = if scratch.db.is_postgres() {
                "PostgreSQL"
            } else {
                "SQLite"
            };
            (&scratch.app, backend.to_string())
        }
    };
    let report = metrics::bench_dashboard(
        app,
        env("TANDEM_BENCH_TICKETS", 100_000),
        env("TANDEM_BENCH_EVENTS_PER_TICKET", 10),
        env("TANDEM_BENCH_RUNS", 20),
    )
    .unwrap();
    println!("{report} on {backend}");
    let p = Period::last_days(tandem::store::now(), 7);
    let mut conn = app.conn().unwrap();
    let c: &mut tandem::store::DbConn = &mut conn;
    use tandem::store::metrics as q;
    let time = |name: &str, f: &mut dyn FnMut() -> usize| {
        let t = std::time::Instant::now();
        let mut rows = 0;
        for _ in 0..5 {
            rows = f();
        }
        println!(
            "  {name}: {:.1} ms, {rows} rows",
            t.elapsed().as_secs_f64() * 1000.0 / 5.0
        );
    };
    time("series", &mut || {
        q::series(c, p.from, p.to, false).unwrap().len()
    });
    time("tickets_in", &mut || {
        q::tickets_in(c, p.from, p.to).unwrap().len()
    });
    time("decisions", &mut || {
        q::decisions(c, p.from, p.to).unwrap().len()
    });
    time("review_events", &mut || {
        q::review_events(c, p.from, p.to).unwrap().len()
    });
    time("durations", &mut || {
        q::durations(c, p.from, p.to).unwrap().len()
    });
    time("backlog", &mut || q::backlog(c).unwrap().len());
    time("reopens", &mut || {
        q::reopens(c, p.from, p.to).unwrap().len()
    });
    time("handling", &mut || {
        q::handling_times(c, p.from, p.to).unwrap().len()
    });
    time("draft_scores", &mut || {
        q::draft_scores(c, p.from, p.to).unwrap().len()
    });
}
