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

/// Detects the language of a text. When detection is unreliable (short texts) and
/// `preferred` is not empty, the choice is restricted to those languages; when even that
/// fails, `fallback` is returned.
pub fn detect(text: &str, preferred: &[String], fallback: &str) -> String {
    if let Some(info) = whatlang::detect(text) {
        if info.is_reliable() || preferred.is_empty() {
            return iso639_1(info.lang()).to_string();
        }
        let allow: Vec<Lang> = preferred.iter().filter_map(|c| from_iso639_1(c)).collect();
        if allow.len() == 1 && info.confidence() < 0.2 {
            return iso639_1(allow[0]).to_string();
        }
        if !allow.is_empty()
            && let Some(l) = Detector::with_allowlist(allow).detect_lang(text)
        {
            return iso639_1(l).to_string();
        }
        return iso639_1(info.lang()).to_string();
    }
    fallback.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
