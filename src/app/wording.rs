//! Customer-facing texts with a supervisor's edits: the Fluent catalogue of the customer's
//! language, with the messages a supervisor overrode (settings key `wording:<lang>`, Fluent
//! source) taking precedence.

use crate::domain::wording::Texts;
use crate::store;

use super::{App, AppError};

/// The settings key that holds a language's overrides.
fn key(language: &str) -> String {
    format!("wording:{language}")
}

/// The texts for a customer writing in `language`, with the supervisor's overrides
/// found in the settings rows `stored`.
pub fn texts(stored: &[(String, String)], language: &str) -> Texts {
    let resolved = crate::i18n::resolve(language);
    let k = key(resolved);
    let overrides = stored
        .iter()
        .find(|(name, _)| *name == k)
        .map(|(_, v)| v.as_str());
    Texts::new(resolved, overrides)
}

/// A language's catalogue text and the supervisor's current overrides (empty when none).
pub fn overrides(app: &App, language: &str) -> Result<(String, String), AppError> {
    let resolved = crate::i18n::resolve(language);
    let mut conn = app.conn()?;
    let k = key(resolved);
    let current = store::settings::all(&mut conn)?
        .into_iter()
        .find(|(name, _)| *name == k)
        .map(|(_, v)| v)
        .unwrap_or_default();
    Ok((
        crate::i18n::source(resolved)
            .unwrap_or_default()
            .to_string(),
        current,
    ))
}

/// Why an override was refused.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    #[error("no catalogue for language {0:?}")]
    UnknownLanguage(String),
    #[error("not valid Fluent: {0}")]
    Syntax(String),
    #[error("{0:?} is not a message of the catalogue")]
    UnknownMessage(String),
}

/// Stores a supervisor's overrides for `language` after checking that they parse and only
/// name messages the catalogue has. An empty text removes the overrides.
pub fn save_overrides(
    app: &App,
    language: &str,
    ftl: &str,
) -> Result<Result<(), OverrideError>, AppError> {
    let Some(source) = crate::i18n::source(language) else {
        return Ok(Err(OverrideError::UnknownLanguage(language.to_string())));
    };
    if let Err(e) = check(source, ftl) {
        return Ok(Err(e));
    }
    let mut conn = app.conn()?;
    store::settings::set(&mut conn, &key(language), ftl.trim())?;
    Ok(Ok(()))
}

fn check(catalogue: &str, ftl: &str) -> Result<(), OverrideError> {
    if ftl.trim().is_empty() {
        return Ok(());
    }
    let ids = |src: &str| -> Vec<String> {
        src.lines()
            .filter_map(|l| l.split_once('='))
            .map(|(id, _)| id.trim().to_string())
            .filter(|id| {
                !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            })
            .collect()
    };
    if let Err((_, errs)) = fluent_bundle::FluentResource::try_new(ftl.to_string()) {
        return Err(OverrideError::Syntax(format!("{errs:?}")));
    }
    let known = ids(catalogue);
    let unknown = ftl
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#']))
        .filter_map(|l| l.split_once('='))
        .map(|(id, _)| id.trim().to_string())
        .find(|id| !known.contains(id));
    match unknown {
        Some(id) => Err(OverrideError::UnknownMessage(id)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_must_parse_and_name_known_messages() {
        let en = crate::i18n::source("en").unwrap();
        assert!(check(en, "greeting = Hi { $name }!").is_ok());
        assert!(check(en, "").is_ok());
        assert!(matches!(
            check(en, "greting = Hi"),
            Err(OverrideError::UnknownMessage(_))
        ));
        assert!(matches!(
            check(en, "greeting = { $"),
            Err(OverrideError::Syntax(_))
        ));
    }
}
