//! The supervisor view: metrics, calibration, the automation dial. Supervisors and
//! admins only. Charts are inline SVG drawn here (no JavaScript needed); every table is
//! also a CSV download (`?format=csv&table=…` or `/supervisor/{table}.csv`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use crate::app::metrics::{
    self, Calibration, Dashboard, Dial, Figures, Period, REASONS, WhatIf, fmt_threshold, pct,
};
use crate::app::{App, AppError};
use crate::i18n::console::Ui;
use crate::store;

use super::error::WebError;
use super::pages::{Layout, render};
use super::session::{CurrentUser, Role};

const CSS: &str = include_str!("../../static/supervisor.css");

/// Registers the supervisor pages.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/supervisor", web::get().to(dashboard_page))
        .route("/supervisor/dial", web::get().to(dial_page))
        .route("/supervisor/dial", web::post().to(dial_post))
        .route("/supervisor/supervisor.css", web::get().to(css))
        .route("/supervisor/{table}.csv", web::get().to(csv_download));
}

async fn css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(CSS)
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
    pub table: Option<String>,
    pub notice: Option<String>,
}

type Reply = Result<HttpResponse, WebError>;

async fn load(app: web::Data<App>, period: Period) -> Result<(Dashboard, Calibration), WebError> {
    let result = web::block(move || -> Result<_, AppError> { metrics::overview(&app, period) })
        .await
        .map_err(AppError::from)??;
    Ok(result)
}

fn csv_response(d: &Dashboard, c: &Calibration, table: &str) -> Reply {
    let Some(body) = metrics::csv(d, c, table) else {
        return Err(AppError::NotFound(format!(
            "table {table:?} (one of {})",
            metrics::CSV_TABLES.join(", ")
        ))
        .into());
    };
    let name = format!(
        "tandem-{table}-{}-{}.csv",
        d.period.from.format("%Y%m%dT%H%M"),
        d.period.to.format("%Y%m%dT%H%M")
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}

async fn csv_download(
    app: web::Data<App>,
    user: CurrentUser,
    table: web::Path<String>,
    q: web::Query<PeriodQuery>,
) -> Reply {
    user.require(Role::Supervisor)?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), store::now())?;
    let (d, c) = load(app, period).await?;
    csv_response(&d, &c, &table)
}

/// A table of the page; the same rows as its CSV export.
pub struct Table {
    pub id: &'static str,
    pub title: String,
    pub csv: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub struct Card {
    pub label: &'static str,
    pub value: String,
    pub note: String,
    /// Set when the figure is a rate resting on fewer than [`metrics::SMALL_SAMPLE`] cases.
    pub caution: Option<String>,
}

/// The sample-size note of a rate over `n` cases.
fn caution(ui: Ui, n: i64) -> Option<String> {
    (n > 0 && n < metrics::SMALL_SAMPLE).then(|| ui.t1("sv-caution", "n", n).into_owned())
}

/// A handling time in seconds, as a person reads it.
fn opt_secs(v: Option<i64>) -> String {
    match v {
        None => "—".into(),
        Some(s) if s < 60 => format!("{s} s"),
        Some(s) if s % 60 == 0 => opt_min(Some(s / 60)),
        Some(s) if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        Some(s) => opt_min(Some((s + 30) / 60)),
    }
}

#[derive(Template)]
#[template(path = "supervisor.html")]
pub struct SupervisorPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    pub period_label: String,
    pub hourly: bool,
    pub cards: Vec<Card>,
    pub series_svg: String,
    pub calibration_svg: String,
    pub tables: Vec<Table>,
    pub breakdowns: Vec<Table>,
    pub csv_query: String,
}

fn opt_min(v: Option<i64>) -> String {
    match v {
        None => "—".into(),
        Some(m) if m < 60 => format!("{m} min"),
        Some(m) if m < 48 * 60 => match m % 60 {
            0 => format!("{} h", m / 60),
            r => format!("{} h {r} min", m / 60),
        },
        Some(m) => match (m % 1440) / 60 {
            0 => format!("{} d", m / 1440),
            h => format!("{} d {h} h", m / 1440),
        },
    }
}

fn opt_pct(v: Option<f64>) -> String {
    v.map(pct).unwrap_or_else(|| "—".into())
}

fn csv_link(table: &str, q: &str) -> Option<String> {
    Some(format!("/supervisor/{table}.csv?{q}"))
}

fn cards(d: &Dashboard, ui: Ui) -> Vec<Card> {
    let f = &d.total;
    let n = |key: &str, v: i64| ui.t1(key, "n", v.to_string()).into_owned();
    vec![
        Card {
            label: "Tickets in",
            value: f.tickets_in.to_string(),
            note: n("sv-note-decisions", f.decisions),
            caution: None,
        },
        Card {
            label: "Automation rate",
            value: opt_pct(f.automation_rate()),
            note: n("sv-note-auto", f.auto_sent),
            caution: caution(ui, f.decisions),
        },
        Card {
            label: "Escalation rate",
            value: opt_pct(f.escalation_rate()),
            note: n("sv-note-to-person", f.to_person()),
            caution: caution(ui, f.decisions),
        },
        Card {
            label: "Reopen rate after automated answers",
            value: opt_pct(f.reopen_rate()),
            note: ui
                .ta(
                    "sv-note-reopen",
                    &[
                        ("reopened", &f.reopened.to_string()),
                        ("followed", &f.auto_answers_followed.to_string()),
                        ("settled", &f.answers_past_window.to_string()),
                        ("stayed", &opt_pct(f.stayed_resolved_rate())),
                    ],
                )
                .into_owned(),
            caution: caution(ui, f.auto_answers_followed),
        },
        Card {
            label: "Asked for a person after an automated answer",
            value: f.asked_person.to_string(),
            note: ui
                .t2(
                    "sv-note-of-followed",
                    "rate",
                    opt_pct(f.asked_person_rate()),
                    "followed",
                    f.auto_answers_followed.to_string(),
                )
                .into_owned(),
            caution: caution(ui, f.auto_answers_followed),
        },
        Card {
            label: "Automated answers marked wrong",
            value: f.marked_wrong.to_string(),
            note: ui
                .t2(
                    "sv-note-of-sent",
                    "rate",
                    opt_pct(f.marked_wrong_rate()),
                    "sent",
                    f.auto_sent.to_string(),
                )
                .into_owned(),
            caution: caution(ui, f.auto_sent),
        },
        Card {
            label: "Hours saved",
            value: format!("{:.1}", f.hours_saved()),
            note: ui
                .t1(
                    "sv-note-hours",
                    "overall",
                    match d.handling_seconds_overall {
                        Some(s) => opt_secs(Some(s)),
                        None => ui
                            .t1(
                                "sv-note-default-minutes",
                                "minutes",
                                d.minutes_per_ticket_fallback.to_string(),
                            )
                            .into_owned(),
                    },
                )
                .into_owned(),
            caution: None,
        },
        Card {
            label: "Backlog",
            value: f.backlog.to_string(),
            note: match f.oldest_wait_minutes(d.generated_at) {
                Some(m) => ui
                    .t1("sv-note-oldest", "wait", opt_min(Some(m)))
                    .into_owned(),
                None => ui.t("sv-nothing-waiting").into_owned(),
            },
            caution: None,
        },
    ]
}

/// The customers' one-click ratings of their answers, automated against by people.
fn ratings_card((auto_yes, auto_n, human_yes, human_n): (i64, i64, i64, i64), ui: Ui) -> Card {
    let rate = |yes: i64, n: i64| opt_pct((n > 0).then(|| yes as f64 / n as f64));
    Card {
        label: "Customers who found the answer helpful",
        value: format!("{} / {}", rate(auto_yes, auto_n), rate(human_yes, human_n)),
        note: ui
            .ta(
                "sv-note-ratings",
                &[
                    ("auto", &auto_yes.to_string()),
                    ("auto_n", &auto_n.to_string()),
                    ("human", &human_yes.to_string()),
                    ("human_n", &human_n.to_string()),
                ],
            )
            .into_owned(),
        caution: caution(ui, auto_n + human_n),
    }
}

fn main_tables(d: &Dashboard, c: &Calibration, q: &str) -> Vec<Table> {
    let f = &d.total;
    let mut out = Vec::new();
    out.push(Table {
        id: "reasons",
        title: "Why messages went to a person".into(),
        csv: csv_link("reasons", q),
        headers: vec![
            "Reason".into(),
            "Drafts".into(),
            "Share of all decisions".into(),
        ],
        rows: REASONS
            .iter()
            .map(|(k, label)| {
                vec![
                    label.to_string(),
                    f.reasons.get(*k).copied().unwrap_or(0).to_string(),
                    opt_pct(f.reason_rate(k)),
                ]
            })
            .chain(std::iter::once(vec![
                "all escalations".into(),
                f.to_person().to_string(),
                opt_pct(f.escalation_rate()),
            ]))
            .collect(),
    });
    let reviewed = f.reviewed();
    let share = |n: i64| opt_pct((reviewed > 0).then(|| n as f64 / reviewed as f64));
    let mut review_rows = vec![
        vec![
            "approved unchanged".into(),
            f.approved.to_string(),
            share(f.approved),
        ],
        vec![
            format!(
                "edited (median edit size {})",
                f.edit_sizes
                    .median()
                    .map(|m| format!("{m} characters"))
                    .unwrap_or_else(|| "—".into())
            ),
            f.edited.to_string(),
            share(f.edited),
        ],
        vec![
            "taken over".into(),
            f.taken_over.to_string(),
            share(f.taken_over),
        ],
        vec!["rejected".into(), f.rejected.to_string(), share(f.rejected)],
    ];
    for reason in metrics::REJECT_REASONS {
        if let Some(n) = f.rejected_by_reason.get(*reason) {
            review_rows.push(vec![
                format!("rejected: {}", reason.replace('_', " ")),
                n.to_string(),
                share(*n),
            ]);
        }
    }
    out.push(Table {
        id: "reviews",
        title: "Review outcomes".into(),
        csv: csv_link("reviews", q),
        headers: vec![
            "Outcome".into(),
            "Drafts".into(),
            "Share of reviewed".into(),
        ],
        rows: review_rows,
    });
    out.push(Table {
        id: "times",
        title: "Response and resolution times".into(),
        csv: csv_link("times", q),
        headers: vec![
            "".into(),
            "Tickets".into(),
            "Median".into(),
            "90th percentile".into(),
        ],
        rows: [
            ("First response, automated", &f.first_response_auto),
            ("First response, by a person", &f.first_response_human),
            ("Resolution, automated", &f.resolution_auto),
            ("Resolution, by a person", &f.resolution_human),
        ]
        .into_iter()
        .map(|(label, h)| {
            vec![
                label.to_string(),
                h.count().to_string(),
                opt_min(h.median()),
                opt_min(h.p90()),
            ]
        })
        .collect(),
    });
    out.push(Table {
        id: "series",
        title: if d.period.hourly() {
            "By hour"
        } else {
            "By day"
        }
        .into(),
        csv: csv_link("series", q),
        headers: vec![
            "Period".into(),
            "Tickets in".into(),
            "Decisions".into(),
            "Automated".into(),
            "To a person".into(),
            "Automation rate".into(),
        ],
        rows: d
            .series
            .iter()
            .map(|p| {
                vec![
                    p.bucket.clone(),
                    p.tickets_in.to_string(),
                    p.decisions.to_string(),
                    p.auto_sent.to_string(),
                    p.to_person.to_string(),
                    opt_pct(p.automation_rate()),
                ]
            })
            .collect(),
    });
    out.push(Table {
        id: "calibration",
        title: "Calibration: reviewed drafts by confidence".into(),
        csv: csv_link("calibration", q),
        headers: vec![
            "Confidence".into(),
            "Reviewed".into(),
            "Approved unchanged".into(),
            "Observed accuracy".into(),
        ],
        rows: c
            .bands
            .iter()
            .map(|b| {
                vec![
                    b.label(),
                    b.reviewed.to_string(),
                    b.correct.to_string(),
                    opt_pct(b.accuracy()),
                ]
            })
            .collect(),
    });
    out.push(Table {
        id: "precision",
        title: "Precision per intent at the current thresholds".into(),
        csv: csv_link("precision", q),
        headers: vec![
            "Intent".into(),
            "Auto threshold".into(),
            "Reviewed".into(),
            "Reviewed at or above".into(),
            "Approved unchanged".into(),
            "Precision".into(),
        ],
        rows: c
            .intents
            .iter()
            .map(|i| {
                vec![
                    i.intent.clone(),
                    fmt_threshold(i.threshold),
                    i.reviewed.to_string(),
                    i.above.to_string(),
                    i.correct_above.to_string(),
                    opt_pct(i.precision()),
                ]
            })
            .collect(),
    });
    out
}

fn breakdown_row(label: &str, f: &Figures, d: &Dashboard) -> Vec<String> {
    vec![
        label.to_string(),
        f.tickets_in.to_string(),
        f.decisions.to_string(),
        opt_pct(f.automation_rate()),
        opt_pct(f.escalation_rate()),
        f.approved.to_string(),
        f.edited.to_string(),
        f.taken_over.to_string(),
        f.rejected.to_string(),
        opt_min(f.first_response_human.median()),
        opt_min(f.first_response_human.p90()),
        opt_min(f.resolution_human.median()),
        f.backlog.to_string(),
        opt_min(f.oldest_wait_minutes(d.generated_at)),
        opt_pct(f.reopen_rate()),
        format!("{:.1}", f.hours_saved()),
    ]
}

fn breakdown_tables(d: &Dashboard, q: &str) -> Vec<Table> {
    metrics::DIMENSIONS
        .iter()
        .map(|(dim, title)| Table {
            id: dim,
            title: format!("By {}", title.to_lowercase()),
            csv: csv_link(dim, q),
            headers: [
                *title,
                "Tickets in",
                "Decisions",
                "Automated",
                "Escalated",
                "Approved",
                "Edited",
                "Taken over",
                "Rejected",
                "First response (person), median",
                "p90",
                "Resolution (person), median",
                "Backlog",
                "Oldest waiting",
                "Reopen rate",
                "Hours saved",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: d
                .breakdown(dim)
                .iter()
                .map(|(label, f)| breakdown_row(label, f, d))
                .collect(),
        })
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The y-axis of a count chart: a whole step of 1, 2 or 5 × 10^k and how many steps
/// (at most five) reach `max`, so that every tick is a distinct whole number.
pub fn axis_ticks(max: i64) -> (i64, i64) {
    let max = max.max(1);
    let mut magnitude = 1i64;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            let ticks = (max + step - 1) / step;
            if ticks <= 5 {
                return (step, ticks);
            }
        }
        magnitude *= 10;
    }
}

/// Stacked bars per bucket: automated (bottom) and to a person (top).
pub fn series_svg(d: &Dashboard) -> String {
    let (w, h, left, bottom, top) = (760.0, 220.0, 40.0, 34.0, 10.0);
    let n = d.series.len().max(1) as f64;
    let (step, ticks) = axis_ticks(
        d.series
            .iter()
            .map(|p| p.decisions.max(p.tickets_in))
            .max()
            .unwrap_or(0),
    );
    let max = (step * ticks) as f64;
    let plot_h = h - bottom - top;
    let slot = (w - left - 10.0) / n;
    let bar = (slot * 0.7).max(1.0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="series-title"><title id="series-title">Triage decisions per {}: automated and sent to a person</title>"#,
        if d.period.hourly() { "hour" } else { "day" }
    );
    for i in 0..=ticks {
        let v = step * i;
        let y = top + plot_h - plot_h * i as f64 / ticks as f64;
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e5e7eb"/><text x="{}" y="{:.1}" font-size="10" text-anchor="end" fill="#6b7280">{v}</text>"##,
            w - 10.0,
            left - 4.0,
            y + 3.0,
        );
    }
    let every = ((n / 12.0).ceil() as usize).max(1);
    for (i, p) in d.series.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let ha = plot_h * p.auto_sent as f64 / max;
        let hp = plot_h * p.to_person as f64 / max;
        let base = top + plot_h;
        let _ = write!(
            s,
            r##"<g><title>{}: {} automated, {} to a person, {} tickets in</title><rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{ha:.1}" fill="#15803d"/><rect x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{hp:.1}" fill="#f59e0b"/></g>"##,
            esc(&p.bucket),
            p.auto_sent,
            p.to_person,
            p.tickets_in,
            base - ha,
            base - ha - hp
        );
        if i % every == 0 {
            let label = if d.period.hourly() {
                p.bucket
                    .get(11..)
                    .map(|h| format!("{h}h"))
                    .unwrap_or_default()
            } else {
                p.bucket.get(5..).unwrap_or(&p.bucket).to_string()
            };
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#374151">{}</text>"##,
                x + bar / 2.0,
                base + 14.0,
                esc(&label)
            );
        }
    }
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{}" width="10" height="10" fill="#15803d"/><text x="{}" y="{}" font-size="11">automated</text><rect x="{}" y="{}" width="10" height="10" fill="#f59e0b"/><text x="{}" y="{}" font-size="11">to a person</text></svg>"##,
        h - 12.0,
        left + 14.0,
        h - 3.0,
        left + 100.0,
        h - 12.0,
        left + 114.0,
        h - 3.0
    );
    s
}

/// Reliability chart: observed accuracy per confidence band against the diagonal.
pub fn calibration_svg(c: &Calibration) -> String {
    let (size, pad) = (260.0, 34.0);
    let plot = size - 2.0 * pad;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart small" viewBox="0 0 {size} {size}" width="{size}" role="img" aria-labelledby="cal-title"><title id="cal-title">Reliability: share of reviewed drafts approved unchanged per confidence band</title><rect x="{pad}" y="{pad}" width="{plot}" height="{plot}" fill="none" stroke="#d1d5db"/><line x1="{pad}" y1="{}" x2="{}" y2="{pad}" stroke="#9ca3af" stroke-dasharray="4 3"/>"##,
        pad + plot,
        pad + plot
    );
    for b in &c.bands {
        let x = pad + plot * b.lo as f64 / 100.0;
        if let Some(a) = b.accuracy() {
            let bh = plot * a;
            let _ = write!(
                s,
                r##"<g><title>{}: {} of {} approved unchanged</title><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#2453d4" fill-opacity="0.75"/></g>"##,
                b.label(),
                b.correct,
                b.reviewed,
                x + 1.0,
                pad + plot - bh,
                plot / 10.0 - 2.0
            );
        }
    }
    for i in [0, 5, 10] {
        let v = i as f64 / 10.0;
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{v:.1}</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end">{v:.1}</text>"##,
            pad + plot * v,
            pad + plot + 14.0,
            pad - 4.0,
            pad + plot - plot * v + 3.0
        );
    }
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" font-size="10" text-anchor="middle">confidence</text></svg>"##,
        pad + plot / 2.0,
        size - 4.0
    );
    s
}

fn query_string(period: &Period) -> String {
    format!("from={}&to={}", period.from_param(), period.to_param())
}

async fn dashboard_page(
    app: web::Data<App>,
    user: CurrentUser,
    q: web::Query<PeriodQuery>,
) -> Reply {
    user.require(Role::Supervisor)?;
    let period = Period::parse(q.from.as_deref(), q.to.as_deref(), store::now())?;
    let app2 = app.clone();
    let (d, c) = load(app, period).await?;
    if q.format.as_deref() == Some("csv") {
        return csv_response(&d, &c, q.table.as_deref().unwrap_or("totals"));
    }
    let ratings = web::block(move || crate::app::contact::ratings(&app2, period.from, period.to)).await??;
    let qs = query_string(&period);
    let ui = user.ui();
    let page = SupervisorPage {
        layout: Layout::new(&user, "supervisor").with_notice(q.notice.as_deref()),
        from: period.from_param(),
        to: period.to_param(),
        period_label: ui
            .t2(
                "supervisor-period",
                "from",
                period.from.format("%Y-%m-%d %H:%M").to_string(),
                "to",
                period.to.format("%Y-%m-%d %H:%M").to_string(),
            )
            .into_owned(),
        hourly: period.hourly(),
        cards: {
            let mut all = cards(&d, ui);
            all.push(ratings_card(ratings, ui));
            all
        },
        series_svg: series_svg(&d),
        calibration_svg: calibration_svg(&c),
        tables: main_tables(&d, &c, &qs),
        breakdowns: breakdown_tables(&d, &qs),
        csv_query: qs,
    };
    render(&page)
}

// ---------------------------------------------------------------------------------------
// The dial

#[derive(Template)]
#[template(path = "supervisor_dial.html")]
pub struct DialPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    pub auto_threshold: String,
    pub review_threshold: String,
    pub per_intent: String,
    pub disabled_intents: String,
    pub disabled_languages: String,
    pub never_auto_intents: String,
    pub why: String,
    pub error: Option<String>,
    pub current_sentence: String,
    pub preview_sentence: Option<String>,
    pub preview_rows: Vec<Vec<String>>,
    /// Column heads of the preview: the current and the proposed auto-send threshold.
    pub preview_heads: (String, String),
}

#[derive(Debug, Default, Deserialize)]
pub struct DialForm {
    pub csrf_token: String,
    pub action: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub auto_threshold: String,
    pub review_threshold: String,
    #[serde(default)]
    pub per_intent: String,
    #[serde(default)]
    pub disabled_intents: String,
    #[serde(default)]
    pub disabled_languages: String,
    #[serde(default)]
    pub never_auto_intents: String,
    #[serde(default)]
    pub why: String,
}

fn per_intent_text(m: &BTreeMap<String, f32>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} = {}", fmt_threshold(*v)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_threshold(name: &str, s: &str) -> Result<f32, AppError> {
    s.trim()
        .parse::<f32>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| AppError::Invalid(format!("{name}: enter a number between 0 and 1")))
}

impl DialForm {
    pub fn dial(&self) -> Result<Dial, AppError> {
        let mut per_intent = BTreeMap::new();
        for line in self.per_intent.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (k, v) = line
                .split_once(['=', ':', ' '])
                .ok_or_else(|| AppError::Invalid(format!("{line:?}: write intent = threshold")))?;
            per_intent.insert(
                k.trim().to_string(),
                parse_threshold(
                    &format!("threshold for {}", k.trim()),
                    v.trim_start_matches(['=', ':']),
                )?,
            );
        }
        let dial = Dial {
            auto_threshold: parse_threshold("auto-send threshold", &self.auto_threshold)?,
            review_threshold: parse_threshold("review threshold", &self.review_threshold)?,
            per_intent,
            disabled_intents: metrics::parse_list(&self.disabled_intents),
            disabled_languages: metrics::parse_list(&self.disabled_languages),
            never_auto_intents: metrics::parse_list(&self.never_auto_intents),
        };
        dial.validate()?;
        Ok(dial)
    }
}

fn replay_period(from: Option<&str>, to: Option<&str>) -> Result<Period, AppError> {
    let now = store::now();
    match (from, to) {
        (None, None) | (Some(""), Some("")) => Ok(Period::last_days(now, 30)),
        _ => Period::parse(from, to, now).map(|p| {
            if from.is_none_or(str::is_empty) {
                Period::new(p.to - Duration::days(30), p.to)
            } else {
                p
            }
        }),
    }
}

/// What a dial would do, in the person's language (`WhatIf::sentence` in English).
fn what_if_sentence(ui: Ui, w: &WhatIf, threshold: f32) -> String {
    let Some(a) = w.auto_rate() else {
        return ui.t("dial-no-drafts").into_owned();
    };
    let mut s = ui
        .ta(
            "dial-would-auto",
            &[
                ("threshold", &fmt_threshold(threshold)),
                ("rate", &pct(a)),
                ("auto", &w.would_auto.to_string()),
                ("drafts", &w.drafts.to_string()),
            ],
        )
        .into_owned();
    match w.corrected_rate() {
        Some(c) => s.push_str(&ui.ta(
            "dial-corrected",
            &[
                ("rate", &pct(c)),
                ("corrected", &w.corrected.to_string()),
                ("reviewed", &w.reviewed_would_auto.to_string()),
            ],
        )),
        None => s.push_str(&ui.t("dial-none-reviewed")),
    }
    s
}

fn what_if_rows(current: &WhatIf, proposed: &WhatIf) -> Vec<Vec<String>> {
    let row = |label: &str, a: String, b: String| vec![label.to_string(), a, b];
    vec![
        row(
            "Drafts replayed",
            current.drafts.to_string(),
            proposed.drafts.to_string(),
        ),
        row(
            "Sent automatically",
            format!("{} ({})", current.would_auto, opt_pct(current.auto_rate())),
            format!(
                "{} ({})",
                proposed.would_auto,
                opt_pct(proposed.auto_rate())
            ),
        ),
        row(
            "Of those, reviewed by a person",
            current.reviewed_would_auto.to_string(),
            proposed.reviewed_would_auto.to_string(),
        ),
        row(
            "Corrected by agents (edited, rejected, taken over)",
            format!(
                "{} ({})",
                current.corrected,
                opt_pct(current.corrected_rate())
            ),
            format!(
                "{} ({})",
                proposed.corrected,
                opt_pct(proposed.corrected_rate())
            ),
        ),
        row(
            "Escalated straight to a person",
            current.would_escalate.to_string(),
            proposed.would_escalate.to_string(),
        ),
    ]
}

async fn dial_page(app: web::Data<App>, user: CurrentUser, q: web::Query<PeriodQuery>) -> Reply {
    let ui = user.ui();
    user.require(Role::Supervisor)?;
    let period = replay_period(q.from.as_deref(), q.to.as_deref())?;
    let (settings, current) = web::block(move || -> Result<_, AppError> {
        let mut conn = app.conn()?;
        let s = crate::app::triage::settings(&app.config, &mut conn)?;
        let dial = Dial::from_settings(&s);
        let (w, _) = metrics::what_if_in(&mut conn, &s, period, &dial)?;
        Ok((s, w))
    })
    .await
    .map_err(AppError::from)??;
    let dial = Dial::from_settings(&settings);
    render(&DialPage {
        layout: Layout::new(&user, "supervisor").with_notice(q.notice.as_deref()),
        from: period.from_param(),
        to: period.to_param(),
        auto_threshold: fmt_threshold(dial.auto_threshold),
        review_threshold: fmt_threshold(dial.review_threshold),
        per_intent: per_intent_text(&dial.per_intent),
        disabled_intents: dial.disabled_intents.join(", "),
        disabled_languages: dial.disabled_languages.join(", "),
        never_auto_intents: dial.never_auto_intents.join(", "),
        why: String::new(),
        error: None,
        current_sentence: ui
            .t1(
                "dial-now",
                "sentence",
                what_if_sentence(ui, &current, dial.auto_threshold),
            )
            .into_owned(),
        preview_sentence: None,
        preview_rows: Vec::new(),
        preview_heads: (String::new(), String::new()),
    })
}

async fn dial_post(app: web::Data<App>, user: CurrentUser, form: web::Form<DialForm>) -> Reply {
    let ui = user.ui();
    user.require(Role::Supervisor)?;
    user.check_csrf(&form.csrf_token)?;
    let form = form.into_inner();
    let period = replay_period(form.from.as_deref(), form.to.as_deref())?;
    let parsed = form.dial();
    let save = form.action.as_deref() == Some("save");
    let acting = user.acting();
    let why = form.why.clone();
    let outcome = web::block(move || -> Result<_, AppError> {
        let mut conn = app.conn()?;
        let current_settings = crate::app::triage::settings(&app.config, &mut conn)?;
        let current_dial = Dial::from_settings(&current_settings);
        let dial = match parsed {
            Ok(d) => d,
            Err(e) => return Ok(Err((e.to_string(), current_dial, None))),
        };
        let (now, proposed) = metrics::what_if_in(&mut conn, &current_settings, period, &dial)?;
        drop(conn);
        if save {
            match metrics::save_dial(&app, &acting, &dial, &why) {
                Ok(_) => return Ok(Ok(())),
                Err(AppError::Invalid(m)) => {
                    return Ok(Err((
                        m,
                        dial.clone(),
                        Some((now, proposed, current_dial, dial)),
                    )));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Err((
            String::new(),
            dial.clone(),
            Some((now, proposed, current_dial, dial)),
        )))
    })
    .await
    .map_err(AppError::from)??;
    let (error, shown, preview) = match outcome {
        Ok(()) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/supervisor/dial?notice=settings_saved"))
                .finish());
        }
        Err(e) => e,
    };
    let preview_heads = match &preview {
        Some((_, _, current, dial)) => (
            ui.t1(
                "dial-current-head",
                "threshold",
                fmt_threshold(current.auto_threshold),
            )
            .into_owned(),
            ui.t1(
                "dial-proposed-head",
                "threshold",
                fmt_threshold(dial.auto_threshold),
            )
            .into_owned(),
        ),
        None => (String::new(), String::new()),
    };
    let (current_sentence, preview_sentence, preview_rows) = match &preview {
        // Each sentence names its own dial's threshold: the current one for "Now".
        Some((now, proposed, current, dial)) => (
            ui.t1(
                "dial-now",
                "sentence",
                what_if_sentence(ui, now, current.auto_threshold),
            )
            .into_owned(),
            Some(
                ui.t1(
                    "dial-proposed",
                    "sentence",
                    what_if_sentence(ui, proposed, dial.auto_threshold),
                )
                .into_owned(),
            ),
            what_if_rows(now, proposed),
        ),
        None => (String::new(), None, Vec::new()),
    };
    let page = DialPage {
        layout: Layout::new(&user, "supervisor"),
        from: period.from_param(),
        to: period.to_param(),
        auto_threshold: form.auto_threshold.clone(),
        review_threshold: form.review_threshold.clone(),
        per_intent: if preview.is_some() {
            per_intent_text(&shown.per_intent)
        } else {
            form.per_intent.clone()
        },
        disabled_intents: form.disabled_intents.clone(),
        disabled_languages: form.disabled_languages.clone(),
        never_auto_intents: form.never_auto_intents.clone(),
        why: form.why.clone(),
        error: (!error.is_empty()).then_some(error),
        current_sentence,
        preview_sentence,
        preview_rows,
        preview_heads,
    };
    let mut resp = render(&page)?;
    if page.error.is_some() {
        *resp.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(resp)
}
