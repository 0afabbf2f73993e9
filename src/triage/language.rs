//! Language detection (whatlang) reported as ISO 639-1 codes.

use whatlang::{Detector, Lang};

/// ISO 639-1 code of a whatlang language (ISO 639-3 when there is no two-letter code).
pub fn iso639_1(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Eng => "en",
        Deu => "de",
        Fra => "fr",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Dan => "da",
        Swe => "sv",
        Nob => "no",
        Fin => "fi",
        Pol => "pl",
        Ces => "cs",
        Slk => "sk",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Hun => "hu",
        Ron => "ro",
        Bul => "bg",
        Rus => "ru",
        Ukr => "uk",
        Bel => "be",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Ell => "el",
        Tur => "tr",
        Ara => "ar",
        Heb => "he",
        Pes => "fa",
        Urd => "ur",
        Hin => "hi",
        Ben => "bn",
        Mar => "mr",
        Tam => "ta",
        Tel => "te",
        Kan => "kn",
        Mal => "ml",
        Guj => "gu",
        Pan => "pa",
        Nep => "ne",
        Sin => "si",
        Tha => "th",
        Vie => "vi",
        Ind => "id",
        Jav => "jv",
        Tgl => "tl",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Kat => "ka",
        Hye => "hy",
        Aze => "az",
        Uzb => "uz",
        Tuk => "tk",
        Epo => "eo",
        Lat => "la",
        Afr => "af",
        Zul => "zu",
        Sna => "sn",
        Aka => "ak",
        Amh => "am",
        Yid => "yi",
        Mkd => "mk",
        Khm => "km",
        Mya => "my",
        Ori => "or",
        Cat => "ca",
    }
}

/// The whatlang language of an ISO 639-1 code, if whatlang knows it.
pub fn from_iso639_1(code: &str) -> Option<Lang> {
    Lang::all().iter().copied().find(|&l| iso639_1(l) == code)
}

/// Languages considered besides those of the knowledge base (the languages of the
/// customer-facing catalogue, `i18n/`): restricting whatlang to a list makes detection
/// several times faster.
const COMMON: &[Lang] = &[
    Lang::Eng,
    Lang::Deu,
    Lang::Fra,
    Lang::Spa,
    Lang::Ita,
    Lang::Por,
    Lang::Nld,
    Lang::Pol,
    Lang::Tur,
    Lang::Rus,
    Lang::Ara,
    Lang::Cmn,
    Lang::Jpn,
    Lang::Kor,
    Lang::Hin,
    Lang::Ind,
    Lang::Swe,
    Lang::Dan,
    Lang::Ces,
    Lang::Ukr,
];

/// Longest prefix of a text used for detection (bytes): enough to decide, bounded cost.
const MAX_DETECT_BYTES: usize = 400;

/// Detects the language of messages, preferring the knowledge base's languages when the
/// text is too short to be sure.
#[derive(Clone, Debug)]
pub struct LanguageDetector {
    detector: Detector,
    preferred: Vec<Lang>,
    fallback: String,
}

impl LanguageDetector {
    /// A detector for a knowledge base in `preferred` languages (ISO 639-1); `fallback`
    /// is returned when nothing can be detected.
    pub fn new(preferred: &[String], fallback: &str) -> LanguageDetector {
        let preferred: Vec<Lang> = preferred.iter().filter_map(|c| from_iso639_1(c)).collect();
        let mut allow: Vec<Lang> = COMMON.to_vec();
        for l in &preferred {
            if !allow.contains(l) {
                allow.push(*l);
            }
        }
        LanguageDetector {
            detector: Detector::with_allowlist(allow),
            preferred,
            fallback: fallback.to_string(),
        }
    }

    /// ISO 639-1 code of the text's language.
    pub fn detect(&self, text: &str) -> String {
        let mut end = text.len().min(MAX_DETECT_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];
        let lower = text.to_lowercase();
        let words = words(&lower);
        if plainly_english(text, &words) {
            return "en".to_string();
        }
        let Some(info) = self.detector.detect(text) else {
            return self.fallback.clone();
        };
        if !info.is_reliable()
            && let Some(code) = function_word_vote(&words)
        {
            return code.to_string();
        }
        if info.is_reliable() || self.preferred.is_empty() || self.preferred.contains(&info.lang())
        {
            return iso639_1(info.lang()).to_string();
        }
        // Unsure and not a knowledge-base language: a short text in one of those is
        // more likely than a rare language.
        if self.preferred.len() == 1 && info.confidence() < 0.2 {
            return iso639_1(self.preferred[0]).to_string();
        }
        if let Some(l) = Detector::with_allowlist(self.preferred.clone()).detect_lang(text) {
            return iso639_1(l).to_string();
        }
        iso639_1(info.lang()).to_string()
    }
}

/// Function words that are frequent in one language and rare in the others. Trigram
/// statistics are unsure on short messages ("How do I cancel my subscription?" came out
/// French); a clear majority of these words settles it.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "is", "my", "i", "you", "to", "of", "it", "do", "don't", "not", "how",
            "what", "with", "for", "this", "that", "can", "want", "where", "when", "your",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "das", "und", "ist", "ich", "nicht", "mein", "meine", "sie", "wie",
            "was", "mit", "für", "ein", "eine", "zu", "auf", "bitte", "wo", "wann", "kann",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "est", "je", "ne", "pas", "mon", "ma", "mes", "vous",
            "comment", "avec", "pour", "une", "un", "du", "des", "que", "où", "quand",
        ],
    ),
    (
        "es",
        &[
            "el", "los", "las", "y", "mi", "yo", "cómo", "con", "para", "una", "que", "por",
            "está", "dónde", "cuándo", "puedo", "quiero",
        ],
    ),
];

/// The words of a lowercased text, apostrophes kept ("don't").
fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The language whose function words clearly dominate the text's `words`, if one does.
fn function_word_vote(words: &[&str]) -> Option<&'static str> {
    let mut hits: Vec<(&str, usize)> = FUNCTION_WORDS
        .iter()
        .map(|(code, list)| (*code, words.iter().filter(|w| list.contains(w)).count()))
        .collect();
    hits.sort_by_key(|h| std::cmp::Reverse(h.1));
    let (best, runner_up) = (hits[0], hits[1]);
    (best.1 >= 2 && best.1 >= 2 * runner_up.1.max(1)).then_some(best.0)
}

/// Words that only English, of the languages detected, uses (no Dutch "of", Polish "my",
/// Danish "i", "to", "for", Swedish "just", Turkish "can"): a text full of them needs no
/// trigram statistics.
const ONLY_ENGLISH: &[&str] = &[
    "the", "and", "you", "your", "what", "what's", "with", "this", "that", "how", "where", "when",
    "why", "which", "don't", "can't", "doesn't", "isn't", "won't", "i'm", "it's", "i've", "i'd",
    "would", "could", "should", "please", "does", "did", "want", "need", "tell", "there", "from",
    "about", "are", "were", "been", "it", "know", "like", "much", "many", "up",
];

/// True for a text in plain ASCII where words only English uses make up at least a
/// quarter of its `words`, and no other language's function words appear. Such a text is
/// English to the trigram statistics too, which cost a fifth of a message's triage time
/// (English being the language most messages come in).
fn plainly_english(text: &str, words: &[&str]) -> bool {
    if !text.is_ascii() {
        return false;
    }
    let english = words.iter().filter(|w| ONLY_ENGLISH.contains(w)).count();
    if english == 0 || english * 4 < words.len() {
        return false;
    }
    let others = FUNCTION_WORDS
        .iter()
        .filter(|(code, _)| *code != "en")
        .flat_map(|(_, list)| list.iter())
        .any(|f| words.contains(f));
    !others
}

/// Detects the language of a text (see [`LanguageDetector`]).
pub fn detect(text: &str, preferred: &[String], fallback: &str) -> String {
    LanguageDetector::new(preferred, fallback).detect(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_plainly_english(text: &str) -> bool {
        plainly_english(text, &words(&text.to_lowercase()))
    }

    #[test]
    fn plain_english_is_settled_by_its_words_and_nothing_else_is() {
        for english in [
            "could you tell me a good joke",
            "What's the weather like where you are?",
            "I need to know how much it costs",
        ] {
            assert!(is_plainly_english(english), "{english}");
            assert_eq!(detect(english, &[], "de"), "en", "{english}");
        }
        for other in [
            // Danish and Dutch words English shares ("i", "to", "for", "is", "of").
            "jeg vil gerne have min ordre i to dage for nu",
            "is het mogelijk om mijn bestelling te annuleren of niet",
            // Polish "my" (we), German "was", Spanish with an English word in it.
            "my chcemy anulowac zamowienie",
            // Swedish "just" (right now), Turkish "can" (a name, a word).
            "jag vill ha det just nu",
            "Can Yilmaz siparis",
            "was kostet das und wann kommt es",
            "quiero saber el precio de the book",
            // Not ASCII: left to the trigram statistics.
            "Où est mon colis ? Where is it?",
            "",
        ] {
            assert!(!is_plainly_english(other), "{other}");
        }
    }

    #[test]
    fn detects_common_languages() {
        let none: Vec<String> = Vec::new();
        assert_eq!(
            detect(
                "Where is my parcel? I ordered it two weeks ago and nothing arrived.",
                &none,
                "en"
            ),
            "en"
        );
        assert_eq!(
            detect(
                "Wo ist mein Paket? Ich habe es vor zwei Wochen bestellt.",
                &none,
                "en"
            ),
            "de"
        );
        assert_eq!(
            detect(
                "Où est mon colis ? Je l'ai commandé il y a deux semaines.",
                &none,
                "en"
            ),
            "fr"
        );
        assert_eq!(detect("", &none, "en"), "en");
    }

    #[test]
    fn short_messages_in_knowledge_base_languages() {
        let kb: Vec<String> = ["en", "de", "fr", "es"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for (text, want) in [
            (
                "How do I cancel my subscription? I don't want it to renew next month.",
                "en",
            ),
            ("Wo bleibt mein Paket?", "de"),
            ("Où est ma commande ?", "fr"),
            ("¿Dónde está mi pedido?", "es"),
            ("I forgot my password", "en"),
        ] {
            assert_eq!(detect(text, &kb, "en"), want, "{text}");
        }
    }
}
