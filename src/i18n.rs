//! The catalogue of customer-facing texts: Project Fluent files in `i18n/<lang>/customer.ftl`,
//! embedded in the binary at build time so that it stays self-contained. Translators
//! add or change a language by editing `.ftl` files only; supervisors may override
//! single messages at run time with Fluent text of their own (see [`Texts::new`]).
//!
//! A leaf module: no IO, used by `domain` (what we write) and `triage` (the words that
//! ask for a person).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use include_dir::{Dir, include_dir};

pub mod console;

static CATALOGUE_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The language every other one falls back to.
pub const FALLBACK: &str = "en";

/// The file every language folder holds.
const FILE: &str = "customer.ftl";

/// One language's embedded catalogue.
struct Entry {
    code: &'static str,
    source: &'static str,
    resource: Arc<FluentResource>,
}

static CATALOGUE: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut out: Vec<Entry> = CATALOGUE_DIR
        .dirs()
        .filter_map(|d| {
            let code = d.path().file_name()?.to_str()?;
            let source = d.get_file(d.path().join(FILE))?.contents_utf8()?;
            // A broken file is caught by the unit tests; at run time keep what parsed.
            let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
            Some(Entry {
                code,
                source,
                resource: Arc::new(resource),
            })
        })
        .collect();
    out.sort_by_key(|e| e.code);
    out
});

/// The languages the catalogue has texts for (ISO 639-1), sorted.
pub fn languages() -> Vec<&'static str> {
    CATALOGUE.iter().map(|e| e.code).collect()
}

/// The raw Fluent source of a language, if the catalogue has it (for tests and editors).
pub fn source(code: &str) -> Option<&'static str> {
    CATALOGUE.iter().find(|e| e.code == code).map(|e| e.source)
}

/// The catalogue language used for `code`: itself when the catalogue has it (a region
/// such as `pt-BR` counts as `pt`), else English.
pub fn resolve(code: &str) -> &'static str {
    let base = code
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    CATALOGUE
        .iter()
        .find(|e| e.code == base)
        .map(|e| e.code)
        .unwrap_or(FALLBACK)
}

/// True for languages written right to left.
pub fn is_rtl(code: &str) -> bool {
    matches!(
        code.split(['-', '_']).next().unwrap_or_default(),
        "ar" | "he" | "fa" | "ur" | "yi"
    )
}

/// The texts of one language, ready to format.
pub struct Texts {
    language: &'static str,
    bundle: FluentBundle<Arc<FluentResource>>,
}

impl Texts {
    /// The texts for `code` (English when the catalogue lacks it), with `overrides`, Fluent
    /// source whose messages replace the catalogue's (a supervisor's edits; messages that
    /// do not parse are ignored, the catalogue's stay).
    pub fn new(code: &str, overrides: Option<&str>) -> Texts {
        let language = resolve(code);
        let id = language
            .parse()
            .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
        let mut bundle = FluentBundle::new(vec![id]);
        // Mail clients show Unicode isolation marks as stray boxes in plain text.
        bundle.set_use_isolating(false);
        // English first, so a message a translation lacks still reads as something.
        for code in [FALLBACK, language] {
            if let Some(e) = CATALOGUE.iter().find(|e| e.code == code) {
                bundle.add_resource_overriding(e.resource.clone());
            }
        }
        if let Some(text) = overrides.filter(|t| !t.trim().is_empty()) {
            let r = FluentResource::try_new(text.to_string()).unwrap_or_else(|(r, _)| r);
            bundle.add_resource_overriding(Arc::new(r));
        }
        Texts { language, bundle }
    }

    /// The language the texts are written in (the `Content-Language`).
    pub fn language(&self) -> &'static str {
        self.language
    }

    /// Formats message `key` with string arguments; the key itself when it is missing.
    pub fn get(&self, key: &str, args: &[(&str, &str)]) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, FluentValue::String(Cow::Borrowed(*v)));
        }
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, Some(&fargs), &mut errors)
            .into_owned()
    }

    /// A comma-separated list message split into trimmed items.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.get(key, &[])
            .split([',', '،', '、'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Every language's word and phrases that ask for a person (`human-word`,
/// `human-phrases`), lower-cased: (language, word, phrases).
pub fn human_words() -> &'static [(&'static str, String, Vec<String>)] {
    static WORDS: LazyLock<Vec<(&'static str, String, Vec<String>)>> = LazyLock::new(|| {
        CATALOGUE
            .iter()
            .map(|e| {
                let t = Texts::new(e.code, None);
                (
                    e.code,
                    t.get("human-word", &[]).to_lowercase(),
                    t.list("human-phrases")
                        .into_iter()
                        .map(|p| p.to_lowercase())
                        .collect(),
                )
            })
            .collect()
    });
    &WORDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Message ids and the variables each one uses, read from a file's source.
    fn entries(source: &str) -> Vec<(String, BTreeSet<String>)> {
        let var = regex::Regex::new(r"\{\s*\$([a-z][a-z0-9_-]*)\s*\}").unwrap();
        let head = regex::Regex::new(r"^([a-z][a-z0-9-]*)\s*=").unwrap();
        let mut out: Vec<(String, BTreeSet<String>)> = Vec::new();
        for line in source.lines() {
            if let Some(c) = head.captures(line) {
                out.push((c[1].to_string(), BTreeSet::new()));
            } else if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(last) = out.last_mut() {
                for c in var.captures_iter(line) {
                    last.1.insert(c[1].to_string());
                }
            }
        }
        out
    }

    #[test]
    fn at_least_twenty_languages_including_the_ones_customers_write_in() {
        let langs = languages();
        assert!(langs.len() >= 20, "{langs:?}");
        for l in [
            "en", "de", "fr", "es", "ja", "zh", "ar", "pt", "it", "nl", "pl", "tr", "ru", "hi",
            "id", "ko", "sv", "da",
        ] {
            assert!(langs.contains(&l), "{l} missing from {langs:?}");
        }
    }

    #[test]
    fn every_file_parses_and_has_every_key_with_the_same_placeholders() {
        let english = entries(source("en").unwrap());
        assert!(english.len() >= 8);
        for code in languages() {
            let src = source(code).unwrap();
            if let Err((_, errs)) = FluentResource::try_new(src.to_string()) {
                panic!("{code}: {errs:?}");
            }
            let theirs = entries(src);
            let keys = |e: &[(String, BTreeSet<String>)]| -> Vec<String> {
                e.iter().map(|x| x.0.clone()).collect()
            };
            assert_eq!(keys(&theirs), keys(&english), "{code}: keys differ");
            for ((key, en_vars), (_, vars)) in english.iter().zip(&theirs) {
                assert_eq!(vars, en_vars, "{code}: placeholders of {key}");
            }
            let t = Texts::new(code, None);
            assert_eq!(t.language(), code);
            assert_eq!(t.list("weekdays").len(), 7, "{code}: weekdays");
            assert_eq!(t.list("months").len(), 12, "{code}: months");
            assert!(!t.get("human-word", &[]).is_empty(), "{code}");
        }
    }

    #[test]
    fn unknown_languages_fall_back_to_english_and_regions_to_their_language() {
        assert_eq!(resolve("xx"), "en");
        assert_eq!(resolve("pt-BR"), "pt");
        assert_eq!(resolve("JA"), "ja");
        assert_eq!(Texts::new("xx", None).language(), "en");
        assert!(is_rtl("ar") && !is_rtl("en"));
    }

    #[test]
    fn formats_with_arguments_and_honours_overrides() {
        let t = Texts::new("en", None);
        assert_eq!(t.get("greeting", &[("name", "Ana")]), "Hello Ana,");
        let t = Texts::new("en", Some("greeting = Hi { $name }!\nbroken = { $"));
        assert_eq!(t.get("greeting", &[("name", "Ana")]), "Hi Ana!");
        assert_eq!(t.get("greeting-anonymous", &[]), "Hello,");
        let ja = Texts::new("ja", None);
        assert_eq!(ja.get("greeting", &[("name", "佐藤")]), "佐藤 様");
    }
}
