//! Knowledge-base import: JSONL (`{"title", "body", "language", "questions"?, "intent"?}`)
//! or a folder of Markdown files (front matter optional).

use std::path::Path;

use serde::Deserialize;

use crate::store::models::ArticleRow;
use crate::store::{self, kb::Upserted, new_id, now};

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
    fn empty_body_is_refused() {
        assert!(parse_markdown("# Title only\n").is_err());
    }
}
