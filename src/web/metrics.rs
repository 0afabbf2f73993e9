//! `GET /metrics` in the Prometheus text format: process counters (ingest, triage
//! decisions, deliveries, request latency) and gauges read from the store.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};

use crate::app::outbox::Round;
use crate::app::{App, AppError, ingest::Outcome};

static INGEST: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
const INGEST_LABELS: [&str; 4] = ["accepted", "duplicate", "malformed", "temporary_failure"];
static DECISIONS: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];
const DECISION_LABELS: [&str; 3] = ["auto_send", "review", "escalate"];
static DELIVERY: [AtomicU64; 3] = [const { AtomicU64::new(0) }; 3];
const DELIVERY_LABELS: [&str; 3] = ["sent", "retrying", "failed"];
const BUCKETS_MS: [u64; 8] = [1, 5, 10, 20, 50, 100, 500, 2000];
static LATENCY: [AtomicU64; 9] = [const { AtomicU64::new(0) }; 9];
static LATENCY_SUM_US: AtomicU64 = AtomicU64::new(0);
static REQUESTS_BY_CLASS: [AtomicU64; 5] = [const { AtomicU64::new(0) }; 5];

pub fn record_ingest(result: &Result<Outcome, AppError>) {
    let i = match result {
        Ok(Outcome::Accepted { action, .. }) => {
            if let Some(d) = DECISION_LABELS.iter().position(|l| l == action) {
                DECISIONS[d].fetch_add(1, Ordering::Relaxed);
            }
            0
        }
        Ok(Outcome::Duplicate { .. }) => 1,
        Err(AppError::Malformed(_)) => 2,
        Err(_) => 3,
    };
    INGEST[i].fetch_add(1, Ordering::Relaxed);
}

pub fn record_delivery(round: &Round) {
    for (i, n) in [round.sent, round.retrying, round.failed]
        .into_iter()
        .enumerate()
    {
        DELIVERY[i].fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// Middleware counting requests and their latency.
pub async fn track(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let res = next.call(req).await?;
    let us = start.elapsed().as_micros() as u64;
    LATENCY_SUM_US.fetch_add(us, Ordering::Relaxed);
    let bucket = BUCKETS_MS
        .iter()
        .position(|b| us <= b * 1000)
        .unwrap_or(BUCKETS_MS.len());
    LATENCY[bucket].fetch_add(1, Ordering::Relaxed);
    let class = (res.status().as_u16() / 100).clamp(1, 5) as usize - 1;
    REQUESTS_BY_CLASS[class].fetch_add(1, Ordering::Relaxed);
    Ok(res)
}

pub async fn metrics(app: web::Data<App>) -> HttpResponse {
    let gauges = web::block(move || -> Result<Vec<(String, i64)>, AppError> {
        let mut conn = app.conn()?;
        let mut out = Vec::new();
        for status in ["pending", "sending", "failed"] {
            out.push((
                format!("tandem_outbox_messages{{status=\"{status}\"}}"),
                crate::store::outbox::count_by_status(&mut conn, status)?,
            ));
        }
        out.push((
            "tandem_tickets_waiting_for_person".into(),
            crate::store::tickets::count_waiting_for_person(&mut conn)?,
        ));
        out.push((
            "tandem_raw_mail_unprocessed".into(),
            crate::store::raw_mail::count_by_status(&mut conn, crate::store::raw_mail::RECEIVED)?,
        ));
        Ok(out)
    })
    .await;
    let mut s = String::new();
    let counter = |s: &mut String,
                   name: &str,
                   help: &str,
                   label: &str,
                   labels: &[&str],
                   values: &[AtomicU64]| {
        let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} counter");
        for (l, v) in labels.iter().zip(values) {
            let _ = writeln!(s, "{name}{{{label}=\"{l}\"}} {}", v.load(Ordering::Relaxed));
        }
    };
    counter(
        &mut s,
        "tandem_ingest_total",
        "Inbound messages by result.",
        "result",
        &INGEST_LABELS,
        &INGEST,
    );
    counter(
        &mut s,
        "tandem_triage_decisions_total",
        "Triage decisions by kind.",
        "decision",
        &DECISION_LABELS,
        &DECISIONS,
    );
    counter(
        &mut s,
        "tandem_outbox_deliveries_total",
        "Delivery attempts by result.",
        "result",
        &DELIVERY_LABELS,
        &DELIVERY,
    );
    counter(
        &mut s,
        "tandem_http_requests_total",
        "HTTP requests by status class.",
        "class",
        &["1xx", "2xx", "3xx", "4xx", "5xx"],
        &REQUESTS_BY_CLASS,
    );
    let _ = writeln!(
        s,
        "# HELP tandem_http_request_duration_seconds Server time per request.\n# TYPE tandem_http_request_duration_seconds histogram"
    );
    let mut cumulative = 0;
    for (i, b) in BUCKETS_MS.iter().enumerate() {
        cumulative += LATENCY[i].load(Ordering::Relaxed);
        let _ = writeln!(
            s,
            "tandem_http_request_duration_seconds_bucket{{le=\"{}\"}} {cumulative}",
            *b as f64 / 1000.0
        );
    }
    cumulative += LATENCY[BUCKETS_MS.len()].load(Ordering::Relaxed);
    let _ = writeln!(
        s,
        "tandem_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}"
    );
    let _ = writeln!(
        s,
        "tandem_http_request_duration_seconds_sum {}",
        LATENCY_SUM_US.load(Ordering::Relaxed) as f64 / 1e6
    );
    let _ = writeln!(s, "tandem_http_request_duration_seconds_count {cumulative}");
    match gauges {
        Ok(Ok(values)) => {
            let _ = writeln!(
                s,
                "# HELP tandem_up Whether the database answered.\n# TYPE tandem_up gauge\ntandem_up 1"
            );
            let mut seen = std::collections::HashSet::new();
            for (name, v) in values {
                let base = name.split('{').next().unwrap_or(&name).to_string();
                if seen.insert(base.clone()) {
                    let _ = writeln!(s, "# TYPE {base} gauge");
                }
                let _ = writeln!(s, "{name} {v}");
            }
        }
        _ => {
            let _ = writeln!(
                s,
                "# HELP tandem_up Whether the database answered.\n# TYPE tandem_up gauge\ntandem_up 0"
            );
        }
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(s)
}
