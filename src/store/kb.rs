//! Knowledge-base articles, one per (intent, language).

use diesel::prelude::*;

use super::models::ArticleRow;
use super::schema::{kb_article_versions, kb_articles};
use super::{DbConn, StoreError};

/// What an import did with one article.
#[derive(Debug, PartialEq, Eq)]
pub enum Upserted {
    Created,
    Updated,
}

pub fn upsert(conn: &mut DbConn, row: &ArticleRow) -> Result<Upserted, StoreError> {
    match find(conn, &row.intent, &row.language)? {
        Some(existing) => {
            // An import of the same text keeps the version: nothing changed.
            if (&existing.title, &existing.body, &existing.questions)
                == (&row.title, &row.body, &row.questions)
            {
                return Ok(Upserted::Updated);
            }
            diesel::update(kb_articles::table.find(&existing.id))
                .set((
                    kb_articles::title.eq(&row.title),
                    kb_articles::body.eq(&row.body),
                    kb_articles::questions.eq(&row.questions),
                    kb_articles::updated_at.eq(row.updated_at),
                    kb_articles::updated_by.eq(None::<String>),
                    kb_articles::version.eq(existing.version + 1),
                ))
                .execute(conn)?;
            keep_version(conn, &existing.id)?;
            Ok(Upserted::Updated)
        }
        None => {
            diesel::insert_into(kb_articles::table)
                .values(row)
                .execute(conn)?;
            keep_version(conn, &row.id)?;
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

/// An article as the console edits it: the row, its version and who changed it last.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = kb_articles)]
pub struct Article {
    pub id: String,
    pub intent: String,
    pub title: String,
    pub body: String,
    pub language: String,
    pub questions: String,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
    pub version: i32,
    pub updated_by: Option<String>,
}

/// One kept version of an article.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = kb_article_versions)]
pub struct ArticleVersion {
    pub article_id: String,
    pub version: i32,
    pub intent: String,
    pub language: String,
    pub title: String,
    pub body: String,
    pub questions: String,
    pub changed_by: Option<String>,
    pub changed_at: chrono::NaiveDateTime,
}

pub fn get(conn: &mut DbConn, id: &str) -> Result<Option<Article>, StoreError> {
    Ok(kb_articles::table
        .find(id)
        .select(Article::as_select())
        .first(conn)
        .optional()?)
}

/// Articles for the console's list, by intent then language; `search` matches the
/// title, the intent, the body or an example question (case-insensitively).
pub fn list(
    conn: &mut DbConn,
    search: Option<&str>,
    language: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Article>, i64), StoreError> {
    let filtered = || {
        let mut q = kb_articles::table.into_boxed::<super::MultiBackend>();
        if let Some(l) = language {
            q = q.filter(kb_articles::language.eq(l.to_string()));
        }
        if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
            // Lower-cased on both sides: SQLite's LIKE ignores case for ASCII only and
            // PostgreSQL's LIKE never does.
            let pattern = format!(
                "%{}%",
                s.to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            q = q.filter(
                lower(kb_articles::title)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(kb_articles::intent).like(pattern.clone()).escape('\\'))
                    .or(lower(kb_articles::body).like(pattern.clone()).escape('\\'))
                    .or(lower(kb_articles::questions).like(pattern).escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .order((kb_articles::intent.asc(), kb_articles::language.asc()))
        .limit(limit)
        .offset(offset)
        .select(Article::as_select())
        .load(conn)?;
    Ok((rows, total))
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The article of `intent` in `language`, if there is one.
pub fn find(conn: &mut DbConn, intent: &str, language: &str) -> Result<Option<Article>, StoreError> {
    Ok(kb_articles::table
        .filter(kb_articles::intent.eq(intent))
        .filter(kb_articles::language.eq(language))
        .select(Article::as_select())
        .first(conn)
        .optional()?)
}

/// Creates an article with its first kept version; `Conflict` when the intent already
/// has an article in that language.
pub fn create(conn: &mut DbConn, row: &ArticleRow, by: Option<&str>) -> Result<(), StoreError> {
    if find(conn, &row.intent, &row.language)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "the intent {} already has an article in {}",
            row.intent, row.language
        )));
    }
    diesel::insert_into(kb_articles::table)
        .values(row)
        .execute(conn)?;
    diesel::update(kb_articles::table.find(&row.id))
        .set(kb_articles::updated_by.eq(by))
        .execute(conn)?;
    keep_version(conn, &row.id)
}

/// What an edit changes.
pub struct ArticleEdit<'a> {
    pub intent: &'a str,
    pub language: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// JSON array of example questions.
    pub questions: &'a str,
}

/// Saves an edit made on top of `expected_version`; `Conflict` when someone saved
/// another version since (their edit is not overwritten). Returns the new version.
pub fn save(
    conn: &mut DbConn,
    id: &str,
    expected_version: i32,
    edit: &ArticleEdit<'_>,
    by: Option<&str>,
    at: chrono::NaiveDateTime,
) -> Result<i32, StoreError> {
    if let Some(other) = find(conn, edit.intent, edit.language)?
        && other.id != id
    {
        return Err(StoreError::Conflict(format!(
            "the intent {} already has an article in {}",
            edit.intent, edit.language
        )));
    }
    let changed = diesel::update(
        kb_articles::table
            .find(id)
            .filter(kb_articles::version.eq(expected_version)),
    )
    .set((
        kb_articles::intent.eq(edit.intent),
        kb_articles::language.eq(edit.language),
        kb_articles::title.eq(edit.title),
        kb_articles::body.eq(edit.body),
        kb_articles::questions.eq(edit.questions),
        kb_articles::updated_at.eq(at),
        kb_articles::updated_by.eq(by),
        kb_articles::version.eq(expected_version + 1),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::Conflict(
            "someone saved this article since you opened it".into(),
        ));
    }
    keep_version(conn, id)?;
    Ok(expected_version + 1)
}

/// Copies the article's current state into its versions.
fn keep_version(conn: &mut DbConn, id: &str) -> Result<(), StoreError> {
    let a = get(conn, id)?.ok_or_else(|| StoreError::Conflict(format!("article {id} is gone")))?;
    diesel::insert_into(kb_article_versions::table)
        .values(&ArticleVersion {
            article_id: a.id,
            version: a.version,
            intent: a.intent,
            language: a.language,
            title: a.title,
            body: a.body,
            questions: a.questions,
            changed_by: a.updated_by,
            changed_at: a.updated_at,
        })
        .execute(conn)?;
    Ok(())
}

/// Takes the example questions `texts` out of every version kept of an article, in place
/// (an erasure: a customer's words leave the history too), and out of the article as a
/// new version (an editor open on the old one cannot save them back); how many rows
/// changed.
pub fn forget_questions(
    conn: &mut DbConn,
    article_id: &str,
    texts: &[String],
) -> Result<usize, StoreError> {
    let without = |json: &str| -> Option<String> {
        let questions: Vec<String> = serde_json::from_str(json).ok()?;
        let kept: Vec<&String> = questions.iter().filter(|q| !texts.contains(q)).collect();
        (kept.len() < questions.len()).then(|| serde_json::to_string(&kept).unwrap_or_default())
    };
    let mut changed = 0;
    let current: Option<String> = kb_articles::table
        .find(article_id)
        .select(kb_articles::questions)
        .first(conn)
        .optional()?;
    let current = current.as_deref().and_then(without);
    let kept_versions: Vec<(i32, String)> = kb_article_versions::table
        .filter(kb_article_versions::article_id.eq(article_id))
        .select((kb_article_versions::version, kb_article_versions::questions))
        .load(conn)?;
    for (version, json) in kept_versions {
        if let Some(kept) = without(&json) {
            changed += diesel::update(kb_article_versions::table.find((article_id, version)))
                .set(kb_article_versions::questions.eq(kept))
                .execute(conn)?;
        }
    }
    if let Some(kept) = current {
        changed += diesel::update(kb_articles::table.find(article_id))
            .set((
                kb_articles::questions.eq(kept),
                kb_articles::version.eq(kb_articles::version + 1),
                kb_articles::updated_at.eq(super::now()),
                kb_articles::updated_by.eq(None::<String>),
            ))
            .execute(conn)?;
        keep_version(conn, article_id)?;
    }
    Ok(changed)
}

/// An article's versions, newest first.
pub fn versions(conn: &mut DbConn, id: &str) -> Result<Vec<ArticleVersion>, StoreError> {
    Ok(kb_article_versions::table
        .filter(kb_article_versions::article_id.eq(id))
        .order(kb_article_versions::version.desc())
        .select(ArticleVersion::as_select())
        .load(conn)?)
}

/// Every article's (id, intent, language, title), for the ticket page's menu.
pub fn titles(conn: &mut DbConn) -> Result<Vec<(String, String, String, String)>, StoreError> {
    Ok(kb_articles::table
        .order((kb_articles::intent.asc(), kb_articles::language.asc()))
        .select((
            kb_articles::id,
            kb_articles::intent,
            kb_articles::language,
            kb_articles::title,
        ))
        .load(conn)?)
}
