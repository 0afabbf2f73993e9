//! Knowledge-base articles, one per (intent, language).

use diesel::prelude::*;

use super::models::ArticleRow;
use super::schema::kb_articles;
use super::{DbConn, StoreError};

/// What an import did with one article.
#[derive(Debug, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

pub fn upsert(conn: &mut DbConn, row: &ArticleRow) -> Result<Upserted, StoreError> {
    let existing: Option<String> = kb_articles::table
        .filter(kb_articles::intent.eq(&row.intent))
        .filter(kb_articles::language.eq(&row.language))
        .select(kb_articles::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(kb_articles::table.find(&id))
                .set((
                    kb_articles::title.eq(&row.title),
                    kb_articles::body.eq(&row.body),
                    kb_articles::questions.eq(&row.questions),
                    kb_articles::updated_at.eq(row.updated_at),
                ))
                .execute(conn)?;
            Ok(Upserted::Updated)
        }
        None => {
            diesel::insert_into(kb_articles::table)
                .values(row)
                .execute(conn)?;
            Ok(Upserted::Created)
        }
    }
}

pub fn all(conn: &mut DbConn) -> Result<Vec<ArticleRow>, StoreError> {
    Ok(kb_articles::table
        .order((kb_articles::intent.asc(), kb_articles::language.asc()))
        .select(ArticleRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64, StoreError> {
    Ok(kb_articles::table.count().get_result(conn)?)
}

/// The title of the article for `intent`, in `language` when there is one, else any.
pub fn title_for_intent(
    conn: &mut DbConn,
    intent: &str,
    language: &str,
) -> Result<Option<String>, StoreError> {
    let rows: Vec<(String, String)> = kb_articles::table
        .filter(kb_articles::intent.eq(intent))
        .order(kb_articles::id.asc())
        .select((kb_articles::language, kb_articles::title))
        .load(conn)?;
    Ok(rows
        .iter()
        .find(|(l, _)| l == language)
        .or(rows.first())
        .map(|(_, t)| t.clone()))
}
