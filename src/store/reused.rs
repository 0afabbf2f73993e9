//! Keeping prepared the statements whose SQL text never varies.
//!
//! diesel never keeps an UPDATE prepared (its SET list could differ from call to call),
//! so every ticket, draft or outbox update was parsed and planned again, and for those
//! tables that includes compiling their triggers (the counts and the dashboard's facts):
//! an eighth of the ingest writer's time in a profile of `bench ingest`. Nor does it keep,
//! on PostgreSQL, an INSERT whose values may be `DEFAULT` (every insert of an inbound
//! email: each was two round trips and a fresh plan), a boxed query, or an `IN` list;
//! wrapped in [`Reused`] (`execute`, or `load`/`first` for queries) such a statement is
//! kept by its text, one per shape it takes.

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};

use super::DbConn;

/// A statement built the same way on every call (fixed columns, no `IN` list of binds),
/// which the connection may therefore keep prepared, keyed by its SQL text. Never wrap a
/// statement whose text depends on the data: the cache has no bound.
#[derive(Debug, Clone, Copy)]
pub struct Reused<Q>(pub Q);

/// The statement's text and binds, without ever telling the pass it may not be kept: a
/// reference to a statement (how both connections hand it to their cache) answers
/// "may it be kept?" by walking it, and an UPDATE's walk always says no. So the wrapper
/// renders its statement itself, as diesel's own `MultiConnection` does, through diesel's
/// (hidden, but public) helper for it.
macro_rules! keep_prepared_on {
    ($db:ty, $backend:expr, $builder:ty) => {
        impl<Q: QueryFragment<$db>> QueryFragment<$db> for Reused<Q> {
            fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, $db>) -> QueryResult<()> {
                use diesel::internal::derives::multiconnection::AstPassHelper;
                use diesel::query_builder::QueryBuilder;
                let mut sql = <$builder>::default();
                self.0.to_sql(&mut sql, &$backend)?;
                pass.push_sql(&sql.finish());
                if let Some((collector, lookup)) = pass.bind_collector() {
                    self.0.collect_binds(collector, lookup, &$backend)?;
                }
                if let Some((formatter, backend)) = pass.debug_binds() {
                    self.0
                        .walk_ast(AstPass::collect_debug_binds_pass(formatter, backend))?;
                }
                Ok(())
            }
        }
    };
}

keep_prepared_on!(Sqlite, Sqlite, diesel::sqlite::SqliteQueryBuilder);
keep_prepared_on!(Pg, Pg, diesel::pg::PgQueryBuilder);

impl<Q> QueryId for Reused<Q> {
    // Keyed by the SQL text, not the type: the same type can render differently per
    // backend.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Reused<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, Conn> diesel::RunQueryDsl<Conn> for Reused<Q> {}

impl<Q> Reused<Q> {
    /// Runs the statement on the connection underneath. Through the `MultiConnection`
    /// the statement reaches the cache behind a reference, whose `QueryFragment` asks the
    /// statement's parts rather than this wrapper whether it may be kept, so it never was:
    /// every call went to the backend's own connection instead.
    pub fn execute<C: RunReused<Q>>(self, conn: &mut C) -> QueryResult<usize> {
        conn.run_reused(self)
    }

    /// Loads the statement's rows, the statement kept prepared as [`Reused::execute`]
    /// keeps it.
    pub fn load<U, C: LoadReused<Q, U>>(self, conn: &mut C) -> QueryResult<Vec<U>> {
        conn.load_reused(self)
    }

    /// The row of a statement that answers one (a count, `nextval`); it reads every row
    /// the statement answers, so it is not for longer results.
    pub fn first<U, C: LoadReused<Q, U>>(self, conn: &mut C) -> QueryResult<U> {
        conn.load_reused(self)?
            .into_iter()
            .next()
            .ok_or(diesel::result::Error::NotFound)
    }
}

/// A connection a [`Reused`] query loads its rows from, with the wrapper seen by the cache.
pub trait LoadReused<Q, U> {
    fn load_reused(&mut self, statement: Reused<Q>) -> QueryResult<Vec<U>>;
}

impl<Q, U> LoadReused<Q, U> for DbConn
where
    PgConnection: LoadReused<Q, U>,
    SqliteConnection: LoadReused<Q, U>,
{
    fn load_reused(&mut self, statement: Reused<Q>) -> QueryResult<Vec<U>> {
        match self {
            DbConn::Sqlite(c) => c.load_reused(statement),
            DbConn::Postgres(c) => c.load_reused(statement),
        }
    }
}

macro_rules! load_reused_on {
    ($conn:ty) => {
        impl<Q, U> LoadReused<Q, U> for $conn
        where
            Reused<Q>: for<'a> diesel::query_dsl::LoadQuery<'a, $conn, U>,
        {
            fn load_reused(&mut self, statement: Reused<Q>) -> QueryResult<Vec<U>> {
                RunQueryDsl::load(statement, self)
            }
        }
    };
}

load_reused_on!(PgConnection);
load_reused_on!(SqliteConnection);

/// A connection a [`Reused`] statement runs on, with the wrapper seen by the cache.
pub trait RunReused<Q> {
    fn run_reused(&mut self, statement: Reused<Q>) -> QueryResult<usize>;
}

impl<Q> RunReused<Q> for DbConn
where
    Q: QueryFragment<Sqlite> + QueryFragment<Pg> + QueryId,
{
    fn run_reused(&mut self, statement: Reused<Q>) -> QueryResult<usize> {
        match self {
            DbConn::Sqlite(c) => RunQueryDsl::execute(statement, c),
            DbConn::Postgres(c) => RunQueryDsl::execute(statement, c),
        }
    }
}

impl<Q> RunReused<Q> for PgConnection
where
    Q: QueryFragment<Pg> + QueryId,
{
    fn run_reused(&mut self, statement: Reused<Q>) -> QueryResult<usize> {
        RunQueryDsl::execute(statement, self)
    }
}

impl<Q> RunReused<Q> for SqliteConnection
where
    Q: QueryFragment<Sqlite> + QueryId,
{
    fn run_reused(&mut self, statement: Reused<Q>) -> QueryResult<usize> {
        RunQueryDsl::execute(statement, self)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::prelude::*;

    use super::*;
    use crate::store::schema::counters;

    /// The statements a connection put in its cache, by their text.
    fn cached_on(conn: &mut SqliteConnection) -> Arc<Mutex<Vec<String>>> {
        let cached = Arc::new(Mutex::new(Vec::new()));
        let seen = cached.clone();
        let watch = move |e: InstrumentationEvent<'_>| {
            if let InstrumentationEvent::CacheQuery { sql, .. } = e {
                seen.lock().unwrap().push(sql.to_string());
            }
        };
        let boxed: Box<dyn Instrumentation> = Box::new(watch);
        conn.set_instrumentation(boxed);
        cached
    }

    #[test]
    fn an_update_is_kept_prepared_only_when_wrapped() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        diesel::sql_query("CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)")
            .execute(&mut conn)
            .unwrap();
        diesel::sql_query("INSERT INTO counters VALUES ('n', 0)")
            .execute(&mut conn)
            .unwrap();
        let cached = cached_on(&mut conn);
        let bump = || {
            diesel::update(counters::table.find("n")).set(counters::value.eq(counters::value + 1))
        };
        for _ in 0..3 {
            RunQueryDsl::execute(bump(), &mut conn).unwrap();
        }
        assert!(cached.lock().unwrap().is_empty(), "diesel keeps no UPDATE");
        for _ in 0..3 {
            assert_eq!(Reused(bump()).execute(&mut conn).unwrap(), 1);
        }
        let kept = cached.lock().unwrap().clone();
        assert_eq!(kept.len(), 1, "prepared once, then reused: {kept:?}");
        assert!(kept[0].starts_with("UPDATE"), "{kept:?}");
        let value: i64 = counters::table
            .find("n")
            .select(counters::value)
            .first(&mut conn)
            .unwrap();
        assert_eq!(value, 6, "every run bound its own values");
    }
}
