//! Keeping prepared the statements whose SQL text never varies.
//!
//! diesel never keeps an UPDATE prepared (its SET list could differ from call to call),
//! so every ticket, draft or outbox update was parsed and planned again, and for those
//! tables that includes compiling their triggers (the counts and the dashboard's facts):
//! an eighth of the ingest writer's time in a profile of `bench ingest`.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};

/// A statement built the same way on every call (fixed columns, no `IN` list of binds),
/// which the connection may therefore keep prepared, keyed by its SQL text. Never wrap a
/// statement whose text depends on the data: the cache has no bound.
#[derive(Debug, Clone, Copy)]
pub struct Reused<Q>(pub Q);

impl<Q, DB> QueryFragment<DB> for Reused<Q>
where
    Q: QueryFragment<DB>,
    DB: Backend,
{
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

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
