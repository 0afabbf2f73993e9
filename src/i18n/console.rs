//! The console's own words: `i18n/<lang>/console.ftl`, the same Fluent format as the
//! customer texts, in the languages of [`LANGUAGES`]. Each language's bundle is built once
//! (English underneath, so a message a translation lacks still reads as something); a
//! request only picks a [`Ui`] handle (a reference) and looks messages up.
//!
//! Templates reach it through `layout` (see `web::pages::Layout`):
//! `{{ layout.t("nav-queue") }}`, `{{ layout.t1("queue-count", "count", q.total) }}`; the
//! output is escaped like any other value. Messages whose key ends in `-html` may hold
//! markup (`<kbd>`, `<code>`) and are written with `layout.th(…)`, which escapes the
//! arguments instead. Fixed English sentences made in Rust (statuses, reasons, notices)
//! go through [`Ui::tr`], which finds the catalogue message whose English text they are.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::{CATALOGUE_DIR, FALLBACK};

/// The file every console language folder holds.
pub const FILE: &str = "console.ftl";

/// The languages the console speaks, each with its name in itself (for the account page).
pub const LANGUAGES: &[(&str, &str)] = &[("en", "English"), ("de", "Deutsch")];

/// The messages console.js uses (key sheet, restored text); pages hand them over in
/// `data-texts` on `<body>`.
pub const SCRIPT_KEYS: &[&str] = &[
    "js-keys-title",
    "js-key-help",
    "js-key-send",
    "js-key-leave",
    "js-key-move",
    "js-key-open",
    "js-write-in",
    "js-keys-browser",
    "js-keys-off-account",
    "js-close",
    "js-restored",
];

/// One console language, ready to format.
pub struct Catalogue {
    code: &'static str,
    source: &'static str,
    bundle: FluentBundle<Arc<FluentResource>>,
    /// The words console.js shows, as JSON (made on first use).
    script: std::sync::OnceLock<String>,
}

fn parse(source: &str) -> Arc<FluentResource> {
    // A broken file is caught by the unit tests; at run time keep what parsed.
    Arc::new(FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r))
}

fn file_source(code: &str) -> Option<&'static str> {
    CATALOGUE_DIR
        .get_file(format!("{code}/{FILE}"))
        .and_then(|f| f.contents_utf8())
}

static CATALOGUES: LazyLock<Vec<Catalogue>> = LazyLock::new(|| {
    let english = parse(file_source(FALLBACK).unwrap_or_default());
    LANGUAGES
        .iter()
        .map(|&(code, _)| {
            let source = file_source(code).unwrap_or_default();
            let id = code
                .parse()
                .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Isolation marks around arguments would end up inside attributes and titles.
            bundle.set_use_isolating(false);
            bundle.add_resource_overriding(english.clone());
            if code != FALLBACK {
                bundle.add_resource_overriding(parse(source));
            }
            Catalogue {
                code,
                source,
                bundle,
                script: std::sync::OnceLock::new(),
            }
        })
        .collect()
});

/// Message ids of a Fluent source, in order (a line `id = …` at the start).
pub fn keys(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| {
            let (head, _) = l.split_once('=')?;
            let id = head.trim_end();
            (l.starts_with(|c: char| c.is_ascii_lowercase())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
            .then_some(id)
        })
        .collect()
}

/// English text → key, for the fixed English sentences Rust code makes ([`Ui::tr`]).
static BY_ENGLISH: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let en = Ui::english();
    keys(en.0.source)
        .into_iter()
        .filter_map(|k| {
            let msg = en.0.bundle.get_message(k)?;
            let text =
                en.0.bundle
                    .format_pattern(msg.value()?, None, &mut Vec::new());
            Some((text.into_owned(), k))
        })
        .collect()
});

/// The raw console catalogue of a language (for tests and translators).
pub fn source(code: &str) -> Option<&'static str> {
    file_source(code)
}

/// A value a message can be given: text or a number (numbers choose plural forms).
pub trait Arg {
    fn fluent(&self) -> FluentValue<'_>;
}

impl Arg for str {
    fn fluent(&self) -> FluentValue<'_> {
        FluentValue::String(Cow::Borrowed(self))
    }
}
impl Arg for String {
    fn fluent(&self) -> FluentValue<'_> {
        FluentValue::String(Cow::Borrowed(self.as_str()))
    }
}
impl Arg for Cow<'_, str> {
    fn fluent(&self) -> FluentValue<'_> {
        FluentValue::String(Cow::Borrowed(self.as_ref()))
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl Arg for $t {
            fn fluent(&self) -> FluentValue<'_> {
                FluentValue::from(*self)
            }
        }
    )*};
}
number_arg!(i32, i64, u16, u32, u64, usize, f64);
impl<T: Arg + ?Sized> Arg for &T {
    fn fluent(&self) -> FluentValue<'_> {
        (**self).fluent()
    }
}

/// The console texts of one language: a reference to a bundle built at start-up.
#[derive(Clone, Copy)]
pub struct Ui(&'static Catalogue);

impl std::fmt::Debug for Ui {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ui({})", self.0.code)
    }
}

impl Default for Ui {
    fn default() -> Ui {
        Ui::english()
    }
}

impl Ui {
    pub fn english() -> Ui {
        Ui(&CATALOGUES[0])
    }

    /// The texts for a stored choice such as `de` (English for anything else).
    pub fn for_code(code: &str) -> Ui {
        let base = code.split(['-', '_']).next().unwrap_or_default();
        CATALOGUES
            .iter()
            .find(|c| c.code.eq_ignore_ascii_case(base))
            .map(Ui)
            .unwrap_or_default()
    }

    /// Before sign-in: the console language the browser prefers most (its
    /// `Accept-Language`), English when it names none the console speaks.
    pub fn from_accept_language(header: Option<&str>) -> Ui {
        let mut best: Option<(f32, Ui)> = None;
        for item in header.unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let base = tag.split(['-', '_']).next().unwrap_or_default();
            let Some(cat) = CATALOGUES
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(base))
            else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, Ui(cat)));
            }
        }
        best.map(|(_, ui)| ui).unwrap_or_default()
    }

    /// The messages of [`SCRIPT_KEYS`] as a JSON object, for console.js (`data-texts`).
    pub fn script_texts(&self) -> &'static str {
        let cat: &'static Catalogue = self.0;
        cat.script.get_or_init(|| {
            let texts: serde_json::Map<String, serde_json::Value> = SCRIPT_KEYS
                .iter()
                .map(|k| (k.to_string(), self.t(k).into_owned().into()))
                .collect();
            serde_json::Value::Object(texts).to_string()
        })
    }

    /// The language the texts are in (for `<html lang>` and the account page).
    pub fn lang(&self) -> &'static str {
        self.0.code
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> Cow<'static, str> {
        let bundle: &'static FluentBundle<Arc<FluentResource>> = &self.0.bundle;
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return Cow::Owned(key.to_string());
        };
        let mut errors = Vec::new();
        match args {
            None => bundle.format_pattern(pattern, None, &mut errors),
            Some(a) => Cow::Owned(
                bundle
                    .format_pattern(pattern, Some(a), &mut errors)
                    .into_owned(),
            ),
        }
    }

    /// Message `key` (the key itself when it is missing, which the tests forbid).
    pub fn t(&self, key: &str) -> Cow<'static, str> {
        self.format(key, None)
    }

    /// The words for a code of a fixed set: `tc("status", "in_progress")` is message
    /// `status-in-progress` (the tests check every code of each set has one); a code
    /// the catalogue does not know is shown as it is.
    pub fn tc(&self, prefix: &str, code: &str) -> Cow<'static, str> {
        let key = code_key(prefix, code);
        if self.0.bundle.has_message(&key) {
            self.t(&key)
        } else {
            Cow::Owned(code.to_string())
        }
    }

    /// Message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl Arg) -> Cow<'static, str> {
        let mut a = FluentArgs::new();
        a.set(name, value.fluent());
        self.format(key, Some(&a))
    }

    /// Message `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        name: &str,
        value: impl Arg,
        name2: &str,
        value2: impl Arg,
    ) -> Cow<'static, str> {
        let mut a = FluentArgs::new();
        a.set(name, value.fluent());
        a.set(name2, value2.fluent());
        self.format(key, Some(&a))
    }

    /// Message `key` with any number of arguments.
    pub fn ta(&self, key: &str, args: &[(&str, &dyn Arg)]) -> Cow<'static, str> {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.fluent());
        }
        self.format(key, Some(&a))
    }

    /// A `…-html` message, which may hold markup, written as is.
    pub fn th(&self, key: &str) -> askama::filters::Safe<String> {
        self.html(key, &[])
    }

    /// A `…-html` message with one argument, which is HTML-escaped.
    pub fn th1(&self, key: &str, name: &str, value: impl Arg) -> askama::filters::Safe<String> {
        self.html(key, &[(name, &value)])
    }

    /// A `…-html` message with two arguments, which are HTML-escaped.
    pub fn th2(
        &self,
        key: &str,
        name: &str,
        value: impl Arg,
        name2: &str,
        value2: impl Arg,
    ) -> askama::filters::Safe<String> {
        self.html(key, &[(name, &value), (name2, &value2)])
    }

    fn html(&self, key: &str, args: &[(&str, &dyn Arg)]) -> askama::filters::Safe<String> {
        debug_assert!(
            key.ends_with("-html"),
            "{key}: markup only in -html messages"
        );
        let mut a = FluentArgs::new();
        for (k, v) in args {
            let escaped = match v.fluent() {
                FluentValue::String(s) => FluentValue::from(escape_html(&s)),
                other => other,
            };
            a.set(*k, escaped);
        }
        askama::filters::Safe(self.format(key, Some(&a)).into_owned())
    }

    /// A fixed English sentence made in Rust (a status, a reason, a notice) in this
    /// language: the catalogue message whose English text it is, else the text unchanged.
    pub fn tr<'a>(&self, english: &'a str) -> Cow<'a, str> {
        if self.0.code == FALLBACK {
            return Cow::Borrowed(english);
        }
        match BY_ENGLISH.get(english) {
            Some(key) => self.t(key),
            None => Cow::Borrowed(english),
        }
    }

    /// A span of minutes in few words ("just now", "5 min", "2 h 5 min", "3 d 4 h").
    pub fn duration(&self, minutes: impl std::borrow::Borrow<i64>) -> Cow<'static, str> {
        let m = (*minutes.borrow()).max(0);
        match m {
            0 => self.t("time-just-now"),
            1..=59 => self.t1("time-minutes", "m", m),
            60..=1439 => self.t2("time-hours", "h", m / 60, "m", m % 60),
            _ => self.t2("time-days", "d", m / 1440, "h", (m % 1440) / 60),
        }
    }
}

/// The message of a code in a set: `status` and `in_progress` → `status-in-progress`.
pub fn code_key(prefix: &str, code: &str) -> String {
    format!("{prefix}-{}", code.replace('_', "-"))
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// Each message's placeholders (`{ $name }`), read from a file's source.
    fn placeholders(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let var = regex::Regex::new(r"\{\s*\$([a-z][a-z0-9_-]*)\s*\}").unwrap();
        let head = regex::Regex::new(r"^([a-z][a-z0-9-]*)\s*=").unwrap();
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut current = None;
        for line in source.lines() {
            if let Some(c) = head.captures(line) {
                assert!(
                    out.insert(c[1].to_string(), BTreeSet::new()).is_none(),
                    "duplicate key {}",
                    &c[1]
                );
                current = Some(c[1].to_string());
            } else if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            if let Some(k) = &current {
                let set = out.get_mut(k).unwrap();
                for c in var.captures_iter(line) {
                    set.insert(c[1].to_string());
                }
            }
        }
        out
    }

    #[test]
    fn english_and_german_console_catalogues_have_the_same_keys_and_placeholders() {
        let english = placeholders(source("en").expect("i18n/en/console.ftl"));
        assert!(english.len() > 300, "{}", english.len());
        for &(code, _) in LANGUAGES {
            let src = source(code).unwrap_or_else(|| panic!("i18n/{code}/console.ftl missing"));
            if let Err((_, errs)) = FluentResource::try_new(src.to_string()) {
                panic!("{code}: {errs:?}");
            }
            let theirs = placeholders(src);
            let (a, b): (BTreeSet<_>, BTreeSet<_>) =
                (english.keys().collect(), theirs.keys().collect());
            assert_eq!(
                a.symmetric_difference(&b).collect::<Vec<_>>(),
                Vec::<&&String>::new(),
                "{code}: keys differ from English"
            );
            for (key, vars) in &english {
                assert_eq!(&theirs[key], vars, "{code}: placeholders of {key}");
            }
            for key in theirs.keys() {
                let text = Ui::for_code(code).t(key);
                assert!(!text.trim().is_empty(), "{code}: {key} is empty");
            }
        }
        assert!(keys(source("de").unwrap()).contains(&"nav-queue"));
        assert_eq!(Ui::for_code("de").t("nav-queue"), "Warteschlange");
    }

    #[test]
    fn markup_only_in_html_messages() {
        for &(code, _) in LANGUAGES {
            let ui = Ui::for_code(code);
            for key in keys(source(code).unwrap()) {
                let text = ui.t(key);
                if !key.ends_with("-html") {
                    assert!(!text.contains('<'), "{code}: {key} has markup but no -html");
                }
            }
        }
    }

    /// Every catalogue message a template or Rust names literally, e.g. `layout.t("x")`.
    fn keys_used() -> BTreeSet<String> {
        let call =
            regex::Regex::new(r#"\b(?:layout|ui)\.(?:t|t1|t2|th|th1|th2)\(\s*"([a-z][a-z0-9-]*)""#)
                .unwrap();
        let quoted = regex::Regex::new(r#""((?:notice|js)-[a-z0-9-]+)""#).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "html" || x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut used = BTreeSet::new();
        for f in files {
            // Code, not comments or this file's tests (which name a missing key on purpose).
            if f.ends_with("src/i18n/console.rs") {
                continue;
            }
            let text: String = std::fs::read_to_string(&f)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for c in call.captures_iter(&text).chain(quoted.captures_iter(&text)) {
                used.insert(c[1].to_string());
            }
        }
        used
    }

    #[test]
    fn every_key_the_templates_and_rust_use_is_in_english() {
        let english: BTreeSet<String> = keys(source("en").unwrap())
            .into_iter()
            .map(String::from)
            .collect();
        let mut used = keys_used();
        assert!(
            used.contains("nav-queue") && used.contains("ticket-take-over"),
            "{used:?}"
        );
        // The codes of fixed sets that templates name through `tc(prefix, code)`.
        for s in crate::domain::ticket::Status::ALL {
            used.insert(code_key("status", s.as_str()));
        }
        for (k, ..) in crate::app::queue::VIEWS {
            used.insert(code_key("view", k));
        }
        used.insert(code_key("view", crate::app::queue::AUTOMATED.0));
        for (k, _) in crate::app::review::REJECT_REASONS {
            used.insert(code_key("reject", k));
        }
        for r in ["agent", "supervisor", "admin"] {
            used.insert(code_key("role", r));
        }
        used.extend(SCRIPT_KEYS.iter().map(|k| k.to_string()));
        for k in ["time-just-now", "time-minutes", "time-hours", "time-days"] {
            used.insert(k.to_string());
        }
        let missing: Vec<_> = used.difference(&english).collect();
        assert!(
            missing.is_empty(),
            "not in i18n/en/console.ftl: {missing:?}"
        );
    }

    #[test]
    fn every_word_console_js_asks_for_is_handed_over() {
        let js = include_str!("../../static/console.js");
        let tx = regex::Regex::new(r#"tx\("([a-z0-9-]+)""#).unwrap();
        let asked: BTreeSet<&str> = tx
            .captures_iter(js)
            .map(|c| c.get(1).unwrap().as_str())
            .collect();
        assert!(asked.len() >= 10, "{asked:?}");
        for k in asked {
            assert!(SCRIPT_KEYS.contains(&k), "{k} is not in SCRIPT_KEYS");
        }
        let de: serde_json::Value =
            serde_json::from_str(Ui::for_code("de").script_texts()).unwrap();
        assert_eq!(de["js-close"], "Schließen");
    }

    #[test]
    fn fixed_english_sentences_from_rust_have_translations() {
        use crate::domain::reasons;
        let de = Ui::for_code("de");
        let mut english: Vec<String> = Vec::new();
        for s in crate::domain::ticket::Status::ALL {
            english.push(s.label().into());
        }
        for (_, label, ..) in crate::app::queue::VIEWS {
            english.push(label.to_string());
        }
        for (_, label, ..) in crate::app::queue::BANDS {
            if label.chars().any(char::is_alphabetic) {
                english.push(label.to_string());
            }
        }
        for (_, label) in crate::app::review::REJECT_REASONS {
            english.push(label.to_string());
        }
        for (_, label) in crate::app::metrics::REASONS {
            english.push(label.to_string());
        }
        let flags = [
            "human_requested",
            "legal_threat",
            "anger",
            "never_auto_intent",
            "multiple_questions",
            "repeat_contact",
            "vip",
            "language_not_covered",
            "no_article",
            "low_confidence",
        ];
        for f in flags {
            let one = vec![f.to_string()];
            english.push(reasons::flag(f));
            english.push(reasons::headline("escalate", &one).into());
            english.push(reasons::decision(
                "escalate",
                "",
                Some("refund_request"),
                &one,
            ));
            if let Some(n) = reasons::not_recommended("review", &one, false) {
                english.push(n);
            }
        }
        for d in ["auto_send", "review", "escalate"] {
            english.push(reasons::decision(d, "", None, &[]));
            english.push(reasons::headline(d, &[]).into());
        }
        english.extend(reasons::not_recommended("escalate", &[], false));
        use crate::app::auth::LoginError;
        for e in [
            LoginError::BadCredentials,
            LoginError::CodeRequired,
            LoginError::BadCode,
            LoginError::Expired,
        ] {
            english.push(e.to_string());
        }
        english.push(format!(
            "the password needs at least {} characters",
            crate::app::users::MIN_PASSWORD_LEN
        ));
        for auth in [
            crate::web::session::AuthError::SignIn(String::new()),
            crate::web::session::AuthError::Forbidden(Ui::default()),
            crate::web::session::AuthError::BadCsrf(Ui::default()),
        ] {
            english.push(auth.to_string());
        }
        for e in english {
            assert_ne!(de.tr(&e), e, "no German for {e:?}");
        }
    }

    #[test]
    fn one_english_text_has_one_translation() {
        let en = Ui::english();
        for &(code, _) in LANGUAGES {
            let ui = Ui::for_code(code);
            let mut seen: HashMap<String, (String, String)> = HashMap::new();
            for key in keys(en.0.source) {
                let (e, t) = (en.t(key).into_owned(), ui.t(key).into_owned());
                if let Some((k0, t0)) = seen.get(&e) {
                    assert_eq!(t0, &t, "{code}: {k0} and {key} read {e:?} in English");
                } else {
                    seen.insert(e, (key.to_string(), t));
                }
            }
        }
    }

    #[test]
    fn languages_from_the_account_or_the_browser() {
        assert_eq!(Ui::default().lang(), "en");
        assert_eq!(Ui::for_code("de").lang(), "de");
        assert_eq!(Ui::for_code("xx").lang(), "en");
        let browser = |h: &str| Ui::from_accept_language(Some(h)).lang();
        assert_eq!(browser("de-DE,de;q=0.9,en;q=0.8"), "de");
        assert_eq!(browser("en-US,en;q=0.9,de;q=0.8"), "en");
        assert_eq!(browser("fr-FR,fr;q=0.9,de;q=0.5"), "de");
        assert_eq!(browser("fr, ja"), "en");
        assert_eq!(browser("de;q=0"), "en");
        assert_eq!(Ui::from_accept_language(None).lang(), "en");
    }

    #[test]
    fn formats_arguments_plurals_and_escapes_in_html_messages() {
        let (en, de) = (Ui::english(), Ui::for_code("de"));
        assert_eq!(
            en.t1("queue-count", "count", 1_i64),
            "1 ticket, longest waiting first."
        );
        assert_eq!(
            en.t1("queue-count", "count", 3_i64),
            "3 tickets, longest waiting first."
        );
        assert_eq!(
            de.t1("queue-count", "count", 1_i64),
            "1 Ticket, das am längsten wartende zuerst."
        );
        assert_eq!(en.duration(125), "2 h 5 min");
        assert_eq!(de.duration(0), "gerade eben");
        assert_eq!(en.tr("Needs review"), "Needs review");
        assert_eq!(de.tr("Needs review"), "Zu prüfen");
        assert_eq!(de.tr("not in the catalogue"), "not in the catalogue");
        let html = en.th1("reset-intro-html", "email", "<b>a@b</b>").0;
        assert!(
            html.contains("<strong>&lt;b&gt;a@b&lt;/b&gt;</strong>"),
            "{html}"
        );
        assert_eq!(en.t("no-such-key"), "no-such-key");
    }
}
