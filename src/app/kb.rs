//! Knowledge-base import: JSONL (`{"title", "body", "language", "questions"?, "intent"?}`)
//! or a folder of Markdown files (front matter optional).

use std::path::Path;

use serde::Deserialize;
use serde_json::json;

use crate::store::models::{ArticleRow, MessageRow};
use crate::store::{self, DbConn, kb::Upserted, new_id, now};

use super::actions::ActingUser;
use super::{App, AppError};

#[derive(Debug, Deserialize)]
struct ArticleInput {
    title: String,
    body: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    questions: Vec<String>,
    #[serde(default)]
    intent: Option<String>,
}

fn default_language() -> String {
    "en".into()
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

/// Reads articles from `path` and stores them (an article with the same intent and
/// language is updated), then retrains the triage engine. Nothing is stored when any
/// article is invalid.
pub fn import(
    app: &App,
    path: &Path,
    progress: impl FnMut(usize, usize),
) -> Result<ImportReport, AppError> {
    let inputs = if path.is_dir() {
        read_markdown_dir(path)?
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::Invalid(format!("{}: {e}", path.display())))?;
        parse_jsonl(&text, &path.display().to_string())?
    };
    store_articles(app, inputs, progress)
}

/// Imports JSONL text (the demo's built-in knowledge base).
pub fn import_jsonl(app: &App, text: &str, name: &str) -> Result<ImportReport, AppError> {
    store_articles(app, parse_jsonl(text, name)?, |_, _| {})
}

fn store_articles(
    app: &App,
    inputs: Vec<ArticleInput>,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportReport, AppError> {
    let mut conn = app.conn()?;
    let report = store::transaction(&mut conn, |c| -> Result<ImportReport, AppError> {
        let mut report = ImportReport::default();
        let total = inputs.len();
        for (i, input) in inputs.iter().enumerate() {
            let at = now();
            let row = ArticleRow {
                id: new_id(),
                intent: input.intent.clone().unwrap_or_else(|| slug(&input.title)),
                title: input.title.trim().to_string(),
                body: input.body.trim().to_string(),
                language: input.language.trim().to_ascii_lowercase(),
                questions: serde_json::to_string(&input.questions).unwrap_or_else(|_| "[]".into()),
                created_at: at,
                updated_at: at,
            };
            match store::kb::upsert(c, &row)? {
                Upserted::Created => report.created += 1,
                Upserted::Updated => report.updated += 1,
            }
            progress(i + 1, total);
        }
        super::triage::retrain(c)?;
        Ok(report)
    })?;
    app.triage.invalidate();
    Ok(report)
}

fn parse_jsonl(text: &str, name: &str) -> Result<Vec<ArticleInput>, AppError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let input: ArticleInput = serde_json::from_str(line)
            .map_err(|e| AppError::Invalid(format!("{name}:{}: {e}", n + 1)))?;
        validate(&input).map_err(|m| AppError::Invalid(format!("{name}:{}: {m}", n + 1)))?;
        out.push(input);
    }
    Ok(out)
}

/// Markdown: `# Title` on the first heading line, the rest is the body. An optional
/// front matter block (`---` … `---`) may set `language:`, `intent:` and `questions:`
/// (one per line, `- question`).
fn read_markdown_dir(dir: &Path) -> Result<Vec<ArticleInput>, AppError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| AppError::Invalid(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p)
            .map_err(|e| AppError::Invalid(format!("{}: {e}", p.display())))?;
        let input = parse_markdown(&text)
            .map_err(|m| AppError::Invalid(format!("{}: {m}", p.display())))?;
        out.push(input);
    }
    Ok(out)
}

fn parse_markdown(text: &str) -> Result<ArticleInput, String> {
    let mut language = default_language();
    let mut intent = None;
    let mut questions = Vec::new();
    let mut rest = text;
    if let Some(after) = text.strip_prefix("---\n") {
        let end = after
            .find("\n---")
            .ok_or("front matter is not closed with ---")?;
        let mut in_questions = false;
        for line in after[..end].lines() {
            if let Some(q) = line
                .trim_start()
                .strip_prefix("- ")
                .filter(|_| in_questions)
            {
                questions.push(q.trim().to_string());
                continue;
            }
            in_questions = false;
            match line.split_once(':') {
                Some(("language", v)) => language = v.trim().to_string(),
                Some(("intent", v)) => intent = Some(v.trim().to_string()),
                Some(("questions", _)) => in_questions = true,
                _ => {}
            }
        }
        rest = after[end + 4..].trim_start_matches('-').trim_start();
    }
    let mut lines = rest.lines();
    let title_line = lines
        .by_ref()
        .find(|l| !l.trim().is_empty())
        .ok_or("the file is empty")?;
    let title = title_line.trim_start_matches('#').trim().to_string();
    let body = lines.collect::<Vec<_>>().join("\n").trim().to_string();
    let input = ArticleInput {
        title,
        body,
        language,
        questions,
        intent,
    };
    validate(&input)?;
    Ok(input)
}

fn validate(a: &ArticleInput) -> Result<(), String> {
    if a.title.trim().is_empty() {
        return Err("title is empty".into());
    }
    if a.body.trim().is_empty() {
        return Err("body is empty".into());
    }
    if !(2..=3).contains(&a.language.trim().len()) {
        return Err(format!(
            "language {:?} is not a two-letter code",
            a.language
        ));
    }
    Ok(())
}

/// `"Where is my order?"` → `where_is_my_order`.
pub fn slug(title: &str) -> String {
    let mut s = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    s.trim_end_matches('_').chars().take(60).collect()
}

/// Articles shown per page of the console's list.
pub const KB_PAGE_SIZE: i64 = 50;

/// What an agent typed into the article form.
#[derive(Debug, Clone, Default)]
pub struct ArticleForm {
    pub title: String,
    pub body: String,
    pub language: String,
    pub intent: String,
    /// One example question per line.
    pub questions: String,
}

impl ArticleForm {
    fn checked(&self) -> Result<(ArticleInput, String), AppError> {
        let questions: Vec<String> = self
            .questions
            .lines()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string)
            .collect();
        let input = ArticleInput {
            title: self.title.trim().to_string(),
            body: self.body.trim().replace("\r\n", "\n"),
            language: self.language.trim().to_ascii_lowercase(),
            questions,
            intent: Some(self.intent.trim()).filter(|i| !i.is_empty()).map(str::to_string),
        };
        validate(&input).map_err(AppError::Invalid)?;
        let intent = input.intent.clone().unwrap_or_else(|| slug(&input.title));
        if intent.is_empty() {
            return Err(AppError::Invalid("the intent is empty".into()));
        }
        Ok((input, intent))
    }
}

/// The example questions of a stored article.
pub fn questions_of(a: &store::kb::Article) -> Vec<String> {
    serde_json::from_str(&a.questions).unwrap_or_default()
}

/// One page of the knowledge base, searched and filtered by language.
pub fn list(
    app: &App,
    search: Option<&str>,
    language: Option<&str>,
    page: i64,
) -> Result<(Vec<store::kb::Article>, i64), AppError> {
    let mut conn = app.conn()?;
    let offset = super::page_offset(page, KB_PAGE_SIZE);
    Ok(store::kb::list(&mut conn, search, language, KB_PAGE_SIZE, offset)?)
}

/// An article and its versions, newest first, each with the name of who saved it
/// (`None`: imported from a file).
pub fn article(
    app: &App,
    id: &str,
) -> Result<(store::kb::Article, Vec<(store::kb::ArticleVersion, Option<String>)>), AppError> {
    let mut conn = app.conn()?;
    let a = store::kb::get(&mut conn, id)?.ok_or_else(|| AppError::NotFound("article".into()))?;
    let versions = store::kb::versions(&mut conn, id)?;
    let ids: Vec<String> = versions.iter().filter_map(|v| v.changed_by.clone()).collect();
    let names = store::queue::user_names(&mut conn, &ids)?;
    let named = versions
        .into_iter()
        .map(|v| {
            let who = v
                .changed_by
                .as_ref()
                .and_then(|id| names.iter().find(|(i, _)| i == id).map(|(_, n)| n.clone()));
            (v, who)
        })
        .collect();
    Ok((a, named))
}

/// Creates an article (audited); the engine retrains in the background.
pub fn create(app: &App, form: &ArticleForm, by: &ActingUser) -> Result<String, AppError> {
    let (input, intent) = form.checked()?;
    let mut conn = app.conn()?;
    let id = store::transaction(&mut conn, |c| -> Result<String, AppError> {
        let at = now();
        let row = ArticleRow {
            id: new_id(),
            intent,
            title: input.title.clone(),
            body: input.body.clone(),
            language: input.language.clone(),
            questions: serde_json::to_string(&input.questions).unwrap_or_else(|_| "[]".into()),
            created_at: at,
            updated_at: at,
        };
        store::kb::create(c, &row, Some(&by.id)).map_err(conflict)?;
        store::events::record(
            c,
            None,
            "kb_article_created",
            &by.actor(),
            json!({"article": row.id, "intent": row.intent, "language": row.language, "version": 1}),
        )?;
        Ok(row.id)
    })?;
    app.request_retrain();
    Ok(id)
}

fn conflict(e: store::StoreError) -> AppError {
    match e {
        store::StoreError::Conflict(m) => AppError::Conflict(m),
        other => other.into(),
    }
}

/// Saves an edit made on top of `version` (audited); `Conflict` when someone saved
/// since. The engine retrains in the background.
pub fn save(
    app: &App,
    id: &str,
    version: i32,
    form: &ArticleForm,
    by: &ActingUser,
) -> Result<i32, AppError> {
    let (input, intent) = form.checked()?;
    let questions = serde_json::to_string(&input.questions).unwrap_or_else(|_| "[]".into());
    let mut conn = app.conn()?;
    let new_version = store::transaction(&mut conn, |c| -> Result<i32, AppError> {
        let before = store::kb::get(c, id)?.ok_or_else(|| AppError::NotFound("article".into()))?;
        let v = store::kb::save(
            c,
            id,
            version,
            &store::kb::ArticleEdit {
                intent: &intent,
                language: &input.language,
                title: &input.title,
                body: &input.body,
                questions: &questions,
            },
            Some(&by.id),
            now(),
        )
        .map_err(conflict)?;
        let mut changed = Vec::new();
        for (field, old, new) in [
            ("title", &before.title, &input.title),
            ("body", &before.body, &input.body),
            ("language", &before.language, &input.language),
            ("intent", &before.intent, &intent),
            ("questions", &before.questions, &questions),
        ] {
            if old != new {
                changed.push(field);
            }
        }
        store::events::record(
            c,
            None,
            "kb_article_edited",
            &by.actor(),
            json!({"article": id, "intent": intent, "language": input.language, "version": v, "changed": changed}),
        )?;
        Ok(v)
    })?;
    app.request_retrain();
    Ok(new_version)
}

/// Adds the customer's words on ticket `number` (their latest message, without quoted
/// history, personal data replaced by placeholders) to the example questions of
/// `article_id`, as a new version (audited on the ticket); the engine retrains in the
/// background. Returns the article's title.
pub fn add_example_from_ticket(
    app: &App,
    number: i64,
    article_id: &str,
    by: &ActingUser,
) -> Result<String, AppError> {
    let mut conn = app.conn()?;
    let title = store::transaction(&mut conn, |c| -> Result<String, AppError> {
        let ticket = super::actions::load_ticket(c, number)?;
        let message = store::messages::for_ticket(c, &ticket.id)?
            .into_iter()
            .rev()
            .find(|m| m.author_kind == crate::domain::AUTHOR_CUSTOMER)
            .ok_or_else(|| AppError::Invalid("the ticket has no message from the customer".into()))?;
        let example = example_text(&message.subject, &message.body_text);
        if example.is_empty() {
            return Err(AppError::Invalid("the customer's message has no text".into()));
        }
        let a = store::kb::get(c, article_id)?
            .ok_or_else(|| AppError::NotFound("article".into()))?;
        let mut questions = questions_of(&a);
        if questions.iter().any(|q| q == &example) {
            return Ok(a.title);
        }
        questions.push(example.clone());
        let json = serde_json::to_string(&questions).unwrap_or_else(|_| "[]".into());
        let v = store::kb::save(
            c,
            &a.id,
            a.version,
            &store::kb::ArticleEdit {
                intent: &a.intent,
                language: &a.language,
                title: &a.title,
                body: &a.body,
                questions: &json,
            },
            Some(&by.id),
            now(),
        )
        .map_err(conflict)?;
        store::events::record(
            c,
            Some(&ticket.id),
            "kb_example_added",
            &by.actor(),
            json!({"article": a.id, "intent": a.intent, "language": a.language, "version": v}),
        )?;
        Ok(a.title)
    })?;
    app.request_retrain();
    Ok(title)
}

/// Takes the words of `messages` (a customer's, being erased) out of the example questions
/// that agents added from the tickets `ticket_ids`, and out of those articles' history;
/// how many article rows and versions changed.
pub(crate) fn forget_examples_from(
    c: &mut DbConn,
    ticket_ids: &[String],
    messages: &[MessageRow],
) -> Result<usize, AppError> {
    let added = store::events::of_kind_on(c, "kb_example_added", ticket_ids)?;
    let mut articles: Vec<String> = added
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(&e.data).ok())
        .filter_map(|d| d["article"].as_str().map(str::to_string))
        .collect();
    articles.sort();
    articles.dedup();
    if articles.is_empty() {
        return Ok(0);
    }
    let texts: Vec<String> = messages
        .iter()
        .map(|m| example_text(&m.subject, &m.body_text))
        .filter(|t| !t.is_empty())
        .collect();
    let mut changed = 0;
    for article in &articles {
        changed += store::kb::forget_questions(c, article, &texts)?;
    }
    Ok(changed)
}

/// The words of a customer's message worth learning from: the new text (no quoted
/// history or signature), with personal data replaced, at most 1,000 characters; the
/// subject when the body says nothing.
fn example_text(subject: &str, body: &str) -> String {
    let (text, _) = crate::domain::quoting::split_history(body);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = if text.is_empty() {
        subject.trim().to_string()
    } else {
        text
    };
    let redacted = crate::triage::redact_pii(&text).text;
    redacted.chars().take(1000).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_with_front_matter() {
        let a = parse_markdown("---\nlanguage: de\nintent: order_status\nquestions:\n- Wo ist mein Paket?\n- Wann kommt die Lieferung?\n---\n# Bestellstatus\n\nSie finden den Status …\n").unwrap();
        assert_eq!(a.title, "Bestellstatus");
        assert_eq!(a.language, "de");
        assert_eq!(a.intent.as_deref(), Some("order_status"));
        assert_eq!(a.questions.len(), 2);
        assert_eq!(a.body, "Sie finden den Status …");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Where is my order?"), "where_is_my_order");
        assert_eq!(
            slug("  Réinitialiser   le mot de passe "),
            "réinitialiser_le_mot_de_passe"
        );
    }

    #[test]
    fn an_example_is_the_new_text_without_history_or_personal_data() {
        let body = "My vase from order 1234 arrived broken, write me at ana@example.com\n\nOn Mon, Bob wrote:\n> Thanks for your order";
        let e = example_text("Broken vase", body);
        assert!(e.starts_with("My vase from order 1234 arrived broken"), "{e}");
        assert!(!e.contains("ana@example.com"), "{e}");
        assert!(!e.contains("Thanks for your order"), "{e}");
        assert_eq!(example_text("Where is my parcel?", "  "), "Where is my parcel?");
    }

    #[test]
    fn the_form_needs_a_title_a_body_and_a_language() {
        let ok = ArticleForm {
            title: "Returns".into(),
            body: "Send it back within 30 days.".into(),
            language: "EN".into(),
            intent: String::new(),
            questions: "How do I return?\r\n\r\n  Can I send it back?  ".into(),
        };
        let (input, intent) = ok.checked().unwrap();
        assert_eq!(intent, "returns");
        assert_eq!(input.language, "en");
        assert_eq!(input.questions, vec!["How do I return?", "Can I send it back?"]);
        for bad in [
            ArticleForm { title: " ".into(), ..ok.clone() },
            ArticleForm { body: "".into(), ..ok.clone() },
            ArticleForm { language: "english".into(), ..ok.clone() },
        ] {
            assert!(bad.checked().is_err());
        }
    }

    #[test]
    fn empty_body_is_refused() {
        assert!(parse_markdown("# Title only\n").is_err());
    }
}
