//! The agent queue: open tickets that need a person, longest-waiting first.
//!
//! The order comes in segments that each walk an index, so a page costs a handful of rows
//! however long the history is: tickets waiting for a person, oldest wait first (a partial
//! index on `waiting_since`, which is set exactly while a ticket waits for a person); then
//! tickets waiting on the customer, longest untouched first; then everything else, newest
//! first. Each segment's count comes from the maintained counts (`store::counts`) unless
//! the filter names an assignee or a search.
//!
//! Words are searched in the full-text index `message_search` (SQLite FTS5, PostgreSQL
//! `tsvector` + GIN), which triggers keep in sync with every stored message: the
//! message's subject, body, sender and the ticket's customer (address and name). A word
//! search reads at most the newest [`SEARCH_MESSAGES`] matching messages (walked newest
//! first, so a word found in every message costs as little as a rare one) and narrows the
//! segments to their tickets.

use diesel::prelude::*;

use diesel::sql_types::Bool;

use super::counts::CountFilter;
use super::metrics::Dialect;
use super::models::{CustomerRow, DraftRow, TicketRow};
use super::schema::{customers, drafts, kb_articles, tickets, users};
use super::{DbConn, StoreError};
use crate::domain::ticket::{Status, WAITING_FOR_PERSON};

/// The total that triggers keep in `counters` (migration `*_backlog`), so the unfiltered
/// "Sent automatically" count is one row read, not a count of every automated answer.
const AUTO_ANSWERS_TOTAL: &str = "auto_answers_total";

fn total(conn: &mut DbConn, name: &str) -> Result<i64, StoreError> {
    use super::schema::counters;
    let kept: i64 = counters::table
        .find(name)
        .select(counters::value)
        .first(conn)?;
    Ok(kept + super::counts::pending_counter_deltas(conn, name)?)
}

/// Which tickets to show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub statuses: Vec<String>,
    pub intent: Option<String>,
    pub language: Option<String>,
    pub channel: Option<String>,
    /// A user id, or `Some("")` for unassigned.
    pub assignee: Option<String>,
    /// Tickets with this tag.
    pub tag: Option<String>,
    /// Tickets of this priority ("normal" includes every ticket nobody set one for).
    pub priority: Option<String>,
    pub search: Option<String>,
    /// The tickets a word `search` found (set by [`page`]; without it the search runs
    /// inside each query).
    pub search_hits: Option<Vec<String>>,
}

/// Most matching messages a word search reads, newest first: more than anyone pages
/// through, and the bound that keeps a search for a word in every message fast.
pub const SEARCH_MESSAGES: i64 = 1000;

/// The words of a search that goes to the full-text index (not a ticket number nor a
/// whole address), if any.
fn word_search(search: Option<&str>) -> Option<Vec<String>> {
    let s = search.map(str::trim).filter(|s| !s.is_empty())?;
    if s.trim_start_matches('#').parse::<i64>().is_ok()
        || (s.contains('@') && !s.contains(char::is_whitespace))
    {
        return None;
    }
    Some(search_words(s))
}

/// Tickets of the newest messages (at most [`SEARCH_MESSAGES`]) holding every word,
/// newest first. The words are looked up whole: a full-text index reads a whole word's list
/// newest first and stops at the bound, where a prefix must merge every word it begins
/// (50-130 ms for a word in each of 1M messages, against 1 ms). Only when the whole words
/// match nothing is the last word taken as a prefix (someone still typing it): a number or
/// a word that is there is shown exactly, not buried under every longer word it begins
/// ("customer 1007" found 6 messages whole and 569, in 30 ms, as a prefix).
pub fn tickets_with_words(conn: &mut DbConn, words: &[String]) -> Result<Vec<String>, StoreError> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    super::search::drain(conn)?;
    let mut hits = newest_matches(conn, words, false)?;
    if hits.is_empty() {
        hits = newest_matches(conn, words, true)?;
    }
    let mut seen = std::collections::HashSet::new();
    Ok(hits
        .into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect())
}

/// The tickets of the newest messages holding every word (whole, or the last one as a
/// `prefix`), one per message. SQLite walks FTS5's rowids backwards; PostgreSQL the time-ordered message
/// ids (UUIDv7) backwards or the GIN index, whichever its planner finds cheaper.
fn newest_matches(
    conn: &mut DbConn,
    words: &[String],
    prefix: bool,
) -> Result<Vec<String>, StoreError> {
    use diesel::sql_types::{BigInt, Text};
    #[derive(QueryableByName)]
    struct Hit {
        #[diesel(sql_type = Text)]
        ticket_id: String,
    }
    // Only the last word is a prefix (the one a person may still be typing): an earlier
    // word's prefix would merge every word it begins.
    let last = words.len() - 1;
    let star = |i: usize| if prefix && i == last { "*" } else { "" };
    let hits: Vec<Hit> = match conn {
        DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT ticket_id FROM message_search WHERE message_search MATCH ? \
             ORDER BY rowid DESC LIMIT ?",
        )
        .bind::<Text, _>(
            words
                .iter()
                .enumerate()
                .map(|(i, w)| format!("\"{w}\"{}", star(i)))
                .collect::<Vec<_>>()
                .join(" "),
        )
        .bind::<BigInt, _>(SEARCH_MESSAGES)
        .load(c)?,
        DbConn::Postgres(c) => {
            let query = words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if star(i).is_empty() {
                        w.clone()
                    } else {
                        format!("{w}:*")
                    }
                })
                .collect::<Vec<_>>()
                .join(" & ");
            // Whole words: the planner picks the GIN index for rare ones and a backward
            // walk for common ones, both fast. A prefix it cannot estimate: walking back
            // for a rare one read all 1M messages (1.2 s), the index for a common one a
            // million rows. So a prefix is looked for among the newest messages first
            // (bounded), and through the index only when none of them match (then it is
            // rare, and the index is fast).
            let statements: &[&str] = if prefix {
                &[
                    "SELECT ticket_id FROM (SELECT message_id, ticket_id, doc FROM message_search \
                     ORDER BY message_id DESC LIMIT 20000) recent \
                     WHERE doc @@ to_tsquery('simple', $1) ORDER BY message_id DESC LIMIT $2",
                    "WITH found AS MATERIALIZED (SELECT message_id, ticket_id FROM message_search \
                     WHERE doc @@ to_tsquery('simple', $1)) \
                     SELECT ticket_id FROM found ORDER BY message_id DESC LIMIT $2",
                ]
            } else {
                &[
                    "SELECT ticket_id FROM message_search WHERE doc @@ to_tsquery('simple', $1) \
                   ORDER BY message_id DESC LIMIT $2",
                ]
            };
            let mut hits = Vec::new();
            for sql in statements {
                hits = diesel::sql_query(*sql)
                    .bind::<Text, _>(&query)
                    .bind::<BigInt, _>(SEARCH_MESSAGES)
                    .load(c)?;
                if !hits.is_empty() {
                    break;
                }
            }
            hits
        }
    };
    Ok(hits.into_iter().map(|h| h.ticket_id).collect())
}

/// The words of a search, as the full-text index splits text: runs of letters and digits,
/// lower-cased (at most eight, so a pasted paragraph stays a cheap query).
pub fn search_words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(8)
        .collect()
}

/// "Tickets with a message holding every word (each as a prefix)", for this backend.
/// The words are letters and digits only ([`search_words`]), so they are safe to inline.
fn full_text(dialect: Dialect, words: &[String]) -> diesel::expression::SqlLiteral<Bool> {
    if words.is_empty() {
        return diesel::dsl::sql::<Bool>("1 = 0");
    }
    let sql = match dialect {
        Dialect::Sqlite => format!(
            "tickets.id IN (SELECT ticket_id FROM message_search WHERE message_search MATCH '{}')",
            words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Dialect::Postgres => format!(
            "tickets.id IN (SELECT ticket_id FROM message_search \
             WHERE doc @@ to_tsquery('simple', '{}'))",
            words
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ")
        ),
    };
    diesel::dsl::sql::<Bool>(&sql)
}

/// Applies the filters on ticket columns to a boxed query over tickets (joined or not).
macro_rules! ticket_filters {
    ($q:expr, $f:expr) => {{
        let (mut q, f) = ($q, $f);
        // One status as `= $1`: PostgreSQL plans a prepared `= ANY($1)` generically and
        // sorts instead of walking the (status, waiting_since) index.
        match f.statuses.as_slice() {
            [] => {}
            [one] => q = q.filter(tickets::status.eq(one.clone())),
            many => q = q.filter(tickets::status.eq_any(many.to_vec())),
        }
        if let Some(v) = &f.intent {
            q = q.filter(tickets::intent.eq(v.clone()));
        }
        if let Some(v) = &f.language {
            q = q.filter(tickets::language.eq(v.clone()));
        }
        if let Some(v) = &f.channel {
            q = q.filter(tickets::channel.eq(v.clone()));
        }
        match f.assignee.as_deref() {
            Some("") => q = q.filter(tickets::assignee_id.is_null()),
            Some(id) => q = q.filter(tickets::assignee_id.eq(id.to_string())),
            None => {}
        }
        if let Some(tag) = &f.tag {
            q = q.filter(
                tickets::id.eq_any(
                    super::schema::ticket_tags::table
                        .filter(super::schema::ticket_tags::tag.eq(tag.clone()))
                        .select(super::schema::ticket_tags::ticket_id),
                ),
            );
        }
        if let Some(p) = &f.priority {
            use super::schema::ticket_marks;
            // Only tickets whose priority was set have a row: "normal" is every other.
            if p == super::organize::NORMAL {
                q = q.filter(
                    tickets::id.ne_all(
                        ticket_marks::table
                            .filter(ticket_marks::priority.ne(super::organize::NORMAL))
                            .select(ticket_marks::ticket_id),
                    ),
                );
            } else {
                q = q.filter(
                    tickets::id.eq_any(
                        ticket_marks::table
                            .filter(ticket_marks::priority.eq(p.clone()))
                            .select(ticket_marks::ticket_id),
                    ),
                );
            }
        }
        q
    }};
}

type Filtered<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<tickets::table, customers::table>,
    super::MultiBackend,
>;

fn search_term(f: &QueueFilter) -> Option<&str> {
    f.search.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn filtered(d: Dialect, f: &QueueFilter) -> Filtered<'static> {
    let mut q = ticket_filters!(tickets::table.inner_join(customers::table).into_boxed(), f);
    if let Some(s) = search_term(f) {
        if let Ok(n) = s.trim_start_matches('#').parse::<i64>() {
            q = q.filter(tickets::number.eq(n));
        } else if s.contains('@') && !s.contains(char::is_whitespace) {
            // A whole address: the unique index on customers.email finds it at once.
            q = q.filter(customers::email.eq(s.to_lowercase()));
        } else if let Some(hits) = &f.search_hits {
            q = q.filter(tickets::id.eq_any(hits.clone()));
        } else {
            q = q.filter(full_text(d, &search_words(s)));
        }
    }
    q
}

/// A whole segment's predicate, on a boxed tickets query joined with the customers or
/// not: the predicate the segment's index was built for.
macro_rules! segment_predicate {
    ($segment:expr, $q:expr) => {
        match $segment {
            Segment::WaitingForPerson => $q.filter(tickets::waiting_since.is_not_null()),
            Segment::WaitingOnCustomer => {
                $q.filter(tickets::status.eq(Status::WaitingOnCustomer.as_str()))
            }
            Segment::Rest => $q.filter(tickets::status.ne_all(not_rest())),
        }
    };
}

/// Loads a segment's rows (whatever the query selects) in queue order.
macro_rules! load_in_order {
    ($segment:expr, $q:expr, $conn:expr) => {
        match $segment {
            Segment::WaitingForPerson => $q.order(tickets::waiting_since.asc()).load($conn)?,
            Segment::WaitingOnCustomer => $q.order(tickets::updated_at.asc()).load($conn)?,
            Segment::Rest => $q.order(tickets::number.desc()).load($conn)?,
        }
    };
}

/// Statuses of the first two segments.
fn not_rest() -> Vec<&'static str> {
    WAITING_FOR_PERSON
        .iter()
        .copied()
        .chain([Status::WaitingOnCustomer.as_str()])
        .collect()
}

#[derive(Clone, Copy)]
enum Segment {
    WaitingForPerson,
    WaitingOnCustomer,
    Rest,
}

const SEGMENTS: [Segment; 3] = [
    Segment::WaitingForPerson,
    Segment::WaitingOnCustomer,
    Segment::Rest,
];

impl Segment {
    fn holds(self, status: &str) -> bool {
        let waits = WAITING_FOR_PERSON.contains(&status);
        match self {
            Segment::WaitingForPerson => waits,
            Segment::WaitingOnCustomer => status == Status::WaitingOnCustomer.as_str(),
            Segment::Rest => !waits && status != Status::WaitingOnCustomer.as_str(),
        }
    }

    /// The filter narrowed to this segment, or `None` when they do not overlap.
    fn narrow(self, f: &QueueFilter) -> Option<QueueFilter> {
        let statuses: Vec<String> = if f.statuses.is_empty() {
            Status::ALL
                .iter()
                .map(|s| s.as_str())
                .filter(|s| self.holds(s))
                .map(str::to_string)
                .collect()
        } else {
            f.statuses
                .iter()
                .filter(|s| self.holds(s))
                .cloned()
                .collect()
        };
        (!statuses.is_empty()).then(|| QueueFilter {
            statuses,
            ..f.clone()
        })
    }

    /// Whether `f` asks for every status of this segment.
    fn whole(self, f: &QueueFilter) -> bool {
        Status::ALL
            .iter()
            .map(|s| s.as_str())
            .filter(|s| self.holds(s))
            .all(|s| f.statuses.iter().any(|x| x == s))
    }

    /// The segment's rows: a whole segment is selected by the predicate its index was
    /// built for, which lets the database walk that index in order and stop after a page.
    fn query(self, d: Dialect, f: &QueueFilter) -> Filtered<'static> {
        if !self.whole(f) {
            return filtered(d, f);
        }
        let q = filtered(
            d,
            &QueueFilter {
                statuses: Vec::new(),
                ..f.clone()
            },
        );
        segment_predicate!(self, q)
    }

    /// How many tickets of this segment match: from the maintained counts unless the
    /// filter names an assignee, a tag, a priority or a search, which the counts do not
    /// break down by. The counts per status are read once a page (`per_status`): the
    /// segments differ only in their statuses.
    fn count(
        self,
        conn: &mut DbConn,
        f: &QueueFilter,
        per_status: &mut Option<std::collections::HashMap<String, i64>>,
    ) -> Result<i64, StoreError> {
        if search_term(f).is_some() {
            // Only words are looked up in the search documents: a number or an address is
            // not, and settling the marks again for each segment was a transaction each.
            if f.search_hits.is_none() && word_search(f.search.as_deref()).is_some() {
                super::search::drain(conn)?;
            }
            let d = Dialect::of(conn);
            return Ok(self.query(d, f).count().get_result(conn)?);
        }
        if f.assignee.is_none() && f.tag.is_none() && f.priority.is_none() {
            if per_status.is_none() {
                *per_status = Some(super::counts::by_status(
                    conn,
                    CountFilter {
                        statuses: &[],
                        intent: f.intent.as_deref(),
                        language: f.language.as_deref(),
                        channel: f.channel.as_deref(),
                    },
                )?);
            }
            let counts = per_status.as_ref().expect("read above");
            return Ok(f.statuses.iter().filter_map(|s| counts.get(s)).sum());
        }
        let q = ticket_filters!(tickets::table.into_boxed::<super::MultiBackend>(), f);
        Ok(q.count().get_result(conn)?)
    }

    fn load(
        self,
        conn: &mut DbConn,
        f: &QueueFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(TicketRow, CustomerRow)>, StoreError> {
        if offset > 0 && search_term(f).is_none() {
            return self.load_deep(conn, f, limit, offset);
        }
        let q = self
            .query(Dialect::of(conn), f)
            .limit(limit)
            .offset(offset)
            .select((TicketRow::as_select(), CustomerRow::as_select()));
        Ok(load_in_order!(self, q, conn))
    }

    /// A page past the first: the page's ticket ids first, from the tickets alone (the
    /// segment's index and, for the filters, the ticket rows), then those tickets with
    /// their customers. Joined while skipping, every skipped ticket cost a customer look-up
    /// and a whole row: page 40 of all took 15.5 ms (p99 24.6 ms) on SQLite.
    fn load_deep(
        self,
        conn: &mut DbConn,
        f: &QueueFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<(TicketRow, CustomerRow)>, StoreError> {
        let whole = self.whole(f);
        let narrowed = QueueFilter {
            statuses: if whole {
                Vec::new()
            } else {
                f.statuses.clone()
            },
            ..f.clone()
        };
        let mut q = ticket_filters!(
            tickets::table.into_boxed::<super::MultiBackend>(),
            &narrowed
        );
        if whole {
            q = segment_predicate!(self, q);
        }
        let q = q.select(tickets::id).limit(limit).offset(offset);
        let ids: Vec<String> = load_in_order!(self, q, conn);
        let mut rows: Vec<(TicketRow, CustomerRow)> = tickets::table
            .inner_join(customers::table)
            .filter(tickets::id.eq_any(&ids))
            .select((TicketRow::as_select(), CustomerRow::as_select()))
            .load(conn)?;
        let place: std::collections::HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        rows.sort_by_key(|(t, _)| place.get(t.id.as_str()).copied());
        Ok(rows)
    }
}

/// One page of the queue in queue order, and how many tickets match in all.
pub fn page(
    conn: &mut DbConn,
    f: &QueueFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(TicketRow, CustomerRow)>, i64), StoreError> {
    let resolved;
    let f = match word_search(f.search.as_deref()) {
        Some(words) if f.search_hits.is_none() => {
            resolved = QueueFilter {
                search_hits: Some(tickets_with_words(conn, &words)?),
                ..f.clone()
            };
            &resolved
        }
        _ => f,
    };
    if let Some(hits) = &f.search_hits {
        return search_page(conn, f, hits, limit, offset);
    }
    let mut rows = Vec::new();
    let mut total = 0;
    let mut skip = offset;
    let mut per_status = None;
    for segment in SEGMENTS {
        let Some(narrowed) = segment.narrow(f) else {
            continue;
        };
        let count = segment.count(conn, &narrowed, &mut per_status)?;
        total += count;
        let wanted = limit - rows.len() as i64;
        if wanted <= 0 || skip >= count {
            skip = (skip - count).max(0);
            continue;
        }
        rows.extend(segment.load(conn, &narrowed, wanted, skip)?);
        skip = 0;
    }
    Ok((rows, total))
}

/// What places a ticket in queue order and decides whether it passes a filter: the few
/// columns a word search reads for every matched ticket (the whole row and its customer
/// are read for the page's tickets only, a third of the time at 1,000 matches).
#[derive(Queryable, Selectable)]
#[diesel(table_name = tickets)]
struct Placed {
    id: String,
    number: i64,
    status: String,
    channel: String,
    language: Option<String>,
    intent: Option<String>,
    assignee_id: Option<String>,
    updated_at: chrono::NaiveDateTime,
    waiting_since: Option<chrono::NaiveDateTime>,
}

/// A word search's page: the matched tickets (at most [`SEARCH_MESSAGES`]) are looked up
/// by id, then filtered, put in queue order and counted here. Given `id IN (…)` beside a
/// segment's predicate, SQLite would rather walk the segment's index (100-250 ms with
/// 100,000 open tickets) than look up the few hundred ids.
fn search_page(
    conn: &mut DbConn,
    f: &QueueFilter,
    hits: &[String],
    limit: i64,
    offset: i64,
) -> Result<(Vec<(TicketRow, CustomerRow)>, i64), StoreError> {
    let mut placed: Vec<Placed> = Vec::with_capacity(hits.len());
    for chunk in hits.chunks(500) {
        placed.extend(
            tickets::table
                .filter(tickets::id.eq_any(chunk))
                .select(Placed::as_select())
                .load::<Placed>(conn)?,
        );
    }
    placed.retain(|t| passes(t, f));
    if f.tag.is_some() || f.priority.is_some() {
        let ids: Vec<String> = placed.iter().map(|t| t.id.clone()).collect();
        let labels = super::organize::labels_for(conn, &ids)?;
        placed.retain(|t| {
            let (priority, tags) = labels.get(&t.id).cloned().unwrap_or_default();
            f.tag.as_ref().is_none_or(|tag| tags.contains(tag))
                && f.priority.as_ref().is_none_or(|p| *p == priority)
        });
    }
    let segment = |t: &Placed| SEGMENTS.iter().position(|s| s.holds(&t.status));
    placed.sort_by(|a, b| {
        segment(a).cmp(&segment(b)).then_with(|| match segment(a) {
            // Oldest wait first (a ticket without a wait time last), then longest untouched
            // first, then newest first: the order of each segment's index.
            Some(0) => (a.waiting_since.is_none(), a.waiting_since)
                .cmp(&(b.waiting_since.is_none(), b.waiting_since)),
            Some(1) => a.updated_at.cmp(&b.updated_at),
            _ => b.number.cmp(&a.number),
        })
    });
    let total = placed.len() as i64;
    let shown: Vec<String> = placed
        .into_iter()
        .skip(offset.max(0) as usize)
        .take(limit.max(0) as usize)
        .map(|t| t.id)
        .collect();
    let mut rows: Vec<(TicketRow, CustomerRow)> = tickets::table
        .inner_join(customers::table)
        .filter(tickets::id.eq_any(&shown))
        .select((TicketRow::as_select(), CustomerRow::as_select()))
        .load(conn)?;
    rows.sort_by_key(|(t, _)| shown.iter().position(|id| *id == t.id));
    Ok((rows, total))
}

/// Whether a ticket passes the filter's conditions on ticket columns (those of
/// `ticket_filters!`).
fn passes(t: &Placed, f: &QueueFilter) -> bool {
    (f.statuses.is_empty() || f.statuses.contains(&t.status))
        && f.intent
            .as_ref()
            .is_none_or(|v| t.intent.as_ref() == Some(v))
        && f.language
            .as_ref()
            .is_none_or(|v| t.language.as_ref() == Some(v))
        && f.channel.as_ref().is_none_or(|v| &t.channel == v)
        && match f.assignee.as_deref() {
            Some("") => t.assignee_id.is_none(),
            Some(id) => t.assignee_id.as_deref() == Some(id),
            None => true,
        }
}

/// Tickets per status (for the view counts).
pub fn count_by_status(
    conn: &mut DbConn,
    statuses: &[&str],
) -> Result<std::collections::HashMap<String, i64>, StoreError> {
    super::counts::by_status(
        conn,
        CountFilter {
            statuses,
            ..Default::default()
        },
    )
}

pub fn count_assigned(
    conn: &mut DbConn,
    user_id: &str,
    statuses: &[&str],
) -> Result<i64, StoreError> {
    Ok(tickets::table
        .filter(tickets::assignee_id.eq(user_id))
        .filter(tickets::status.eq_any(statuses))
        .count()
        .get_result(conn)?)
}

/// The pending drafts of these tickets (at most one each). Selected by ticket only, so
/// the ticket index answers; filtering on status in SQL made the planner scan every
/// pending draft through the status index instead.
pub fn pending_drafts(
    conn: &mut DbConn,
    ticket_ids: &[String],
) -> Result<Vec<DraftRow>, StoreError> {
    let all: Vec<DraftRow> = drafts::table
        .filter(drafts::ticket_id.eq_any(ticket_ids))
        .select(DraftRow::as_select())
        .load(conn)?;
    Ok(all.into_iter().filter(|d| d.status == "pending").collect())
}

/// Names of users by id, for the assignee column.
pub fn user_names(conn: &mut DbConn, ids: &[String]) -> Result<Vec<(String, String)>, StoreError> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::name))
        .load(conn)?)
}

/// The intents and languages the knowledge base covers, for the filter menus (small
/// tables, where the same question over all tickets would scan them all).
pub fn known_intents_and_languages(
    conn: &mut DbConn,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let intents = kb_articles::table
        .select(kb_articles::intent)
        .distinct()
        .order(kb_articles::intent.asc())
        .load(conn)?;
    let languages = kb_articles::table
        .select(kb_articles::language)
        .distinct()
        .order(kb_articles::language.asc())
        .load(conn)?;
    Ok((intents, languages))
}

/// The unassigned ticket that has waited longest for a person, other than `except`
/// (the "next ticket"). Walks the partial index on `waiting_since` and skips assigned
/// tickets here: asking the database to filter on the assignee makes it pick the assignee
/// index and sort every waiting ticket instead.
pub fn next_waiting(conn: &mut DbConn, except: i64) -> Result<Option<i64>, StoreError> {
    let oldest: Vec<(i64, Option<String>)> = tickets::table
        .filter(tickets::waiting_since.is_not_null())
        .order(tickets::waiting_since.asc())
        .select((tickets::number, tickets::assignee_id))
        .limit(100)
        .load(conn)?;
    Ok(oldest
        .into_iter()
        .find(|(n, assignee)| *n != except && assignee.is_none())
        .map(|(n, _)| n))
}

/// Which automated answers to list ("Sent automatically").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AutomatedFilter {
    pub intent: Option<String>,
    pub language: Option<String>,
    /// `[lo, hi)` on the draft's confidence.
    pub confidence: Option<(f64, f64)>,
    pub search: Option<String>,
}

type AutomatedQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<drafts::table, diesel::dsl::InnerJoin<tickets::table, customers::table>>,
    super::MultiBackend,
>;

fn automated_query(
    d: Dialect,
    f: &AutomatedFilter,
    hits: Option<&[String]>,
) -> AutomatedQuery<'static> {
    let mut q = drafts::table
        .inner_join(tickets::table.inner_join(customers::table))
        .into_boxed()
        .filter(drafts::decision.eq("auto_send"));
    if let Some(v) = &f.intent {
        q = q.filter(drafts::intent.eq(v.clone()));
    }
    if let Some(v) = &f.language {
        q = q.filter(drafts::language.eq(v.clone()));
    }
    if let Some((lo, hi)) = f.confidence {
        q = q.filter(drafts::confidence.ge(lo).and(drafts::confidence.lt(hi)));
    }
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        if let Ok(n) = s.trim_start_matches('#').parse::<i64>() {
            q = q.filter(tickets::number.eq(n));
        } else if let Some(hits) = hits {
            q = q.filter(tickets::id.eq_any(hits.to_vec()));
        } else {
            q = q.filter(full_text(d, &search_words(s)));
        }
    }
    q
}

/// How many answers were sent automatically (the count of "Sent automatically" beside
/// every view): the maintained total, without reading a page.
pub fn count_automated(conn: &mut DbConn) -> Result<i64, StoreError> {
    total(conn, AUTO_ANSWERS_TOTAL)
}

/// One page of automated answers, newest first, with their tickets and customers, and how
/// many match in all (walks the `(decision, created_at)` index).
#[allow(clippy::type_complexity)]
pub fn automated_page(
    conn: &mut DbConn,
    f: &AutomatedFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<(DraftRow, TicketRow, CustomerRow)>, i64), StoreError> {
    let hits = match word_search(f.search.as_deref()) {
        Some(words) => Some(tickets_with_words(conn, &words)?),
        None => None,
    };
    let hits = hits.as_deref();
    let d = Dialect::of(conn);
    let total: i64 = if *f == AutomatedFilter::default() {
        total(conn, AUTO_ANSWERS_TOTAL)?
    } else {
        automated_query(d, f, hits).count().get_result(conn)?
    };
    let rows = automated_query(d, f, hits)
        .order(drafts::created_at.desc())
        .limit(limit)
        .offset(offset)
        .select((
            DraftRow::as_select(),
            TicketRow::as_select(),
            CustomerRow::as_select(),
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// Marks an automated answer as wrong (an error of automation). Only a sent automated
/// answer can be marked, once; the draft keeps who decided it (nobody: the engine).
pub fn mark_automation_wrong(conn: &mut DbConn, draft_id: &str) -> Result<DraftRow, StoreError> {
    let changed = diesel::update(
        drafts::table
            .find(draft_id)
            .filter(drafts::decision.eq("auto_send"))
            .filter(drafts::status.eq("sent")),
    )
    .set(drafts::status.eq(MARKED_WRONG))
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "not a sent automated answer, or already marked".into(),
        ));
    }
    Ok(drafts::table
        .find(draft_id)
        .select(DraftRow::as_select())
        .first(conn)?)
}

/// The status of an automated answer a supervisor marked wrong.
pub const MARKED_WRONG: &str = "marked_wrong";
