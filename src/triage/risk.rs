//! Rule-based risk signals: a request for a person, legal threats, anger, several
//! questions in one message. Patterns cover English, German, French and Spanish; requests
//! for a person are also recognised in every language of the Fluent catalogue (its
//! `human-word` and `human-phrases` messages, see [`crate::i18n`]).

use regex::Regex;
use std::sync::LazyLock;

/// The patterns are written in lower case and matched against the lowercased text:
/// matching case-insensitively made the compiler fold every letter and class.
/// They only say whether a text matches, so a word stem is written bare
/// (`\bkaputt`, not `\bkaputt\w*`: the stem matches wherever the longer word does; a
/// stem followed by a word boundary stands outside its group for the same reason).
/// Compiling the Unicode word class, case-folded, was half the time these patterns took
/// to compile, which every process that triages pays once (`ingest-mail` without a
/// server: a third of its time, now an eighth).
fn re(p: &str) -> Regex {
    Regex::new(p).expect("valid built-in pattern")
}

static HUMAN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
    # English
    \b(real|actual|live|human)\s+(person|human|agent|being\s+to\s+talk|operator|representative|rep)\b
    | \b(speak|talk|chat|connect\s+me|put\s+me\s+through|transfer\s+me)\s+(to|with)\s+(a|an|the|your|some|someone|somebody|one\s+of\s+your)?\s*
        (human|person|agent|operator|representative|rep|manager|supervisor|staff|employee|people|real|someone|somebody)\b
    | \b(a|an|some)\s+human\b
    | \bhuman\s+(please|pls|now)\b
    | \b(not|no\s+more|stop\s+with\s+the)\s+(a\s+)?(bot|robot|machine|automated\s+(reply|answer|response)s?)\b
    | \bagent\s+please\b | \boperator\s+please\b | \brepresentative\b
    # German
    | \b(mit\s+)?(einem|einer|einen|ein)\s+(echten?\s+|richtigen?\s+)?(menschen|mensch|mitarbeiter(in)?|sachbearbeiter(in)?|berater(in)?|kundenberater(in)?|ansprechpartner(in)?)\b
    | \b(echten?|richtigen?|lebendigen?)\s+(menschen|mensch|person)\b
    | \bmenschen\s+(sprechen|reden)\b | \bmitarbeiter(in)?\s+(sprechen|reden)\b
    | \bkein(en)?\s+(bot|roboter|automaten)\b
    # French
    | \b(un|une|à\s+un|a\s+un|avec\s+un|avec\s+une)\s+(vrai(e)?\s+)?(humain|personne\s+réelle|conseiller|conseillère|opérateur|operateur|agent|interlocuteur)\b
    | \bvraie?\s+personne\b | \bêtre\s+humain\b | \bparler\s+à\s+quelqu'?un\b
    | \bpas\s+(un|à\s+un|a\s+un)\s+(robot|bot)\b
    # Spanish
    | \b(una|un|con\s+una|con\s+un)\s+(persona\s+(real|de\s+verdad)|humano|agente|operador(a)?|asesor(a)?|representante)\b
    | \bhablar\s+con\s+(alguien|una\s+persona|un\s+humano|un\s+agente)\b
    | \bpersona\s+real\b | \bno\s+(un|con\s+un)\s+(robot|bot)\b
    ")
});

static HUMAN_NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bhuman\s+(resources?|rights?|error|nature|body|genome)\b|\b(travel|real\s+estate|insurance|booking)\s+agent\b",
    )
});

/// Scripts written without spaces between words: no word boundaries around phrases.
fn unspaced(phrase: &str) -> bool {
    phrase.chars().any(|c| {
        matches!(c as u32,
            0x3040..=0x30FF   // kana
            | 0x3400..=0x9FFF // CJK ideographs
            | 0xAC00..=0xD7AF // Hangul syllables
            | 0x0E00..=0x0E7F // Thai
        )
    })
}

fn alternation(items: &[&str]) -> String {
    items
        .iter()
        .map(|p| {
            let body = regex::escape(&p.to_lowercase()).replace(' ', r"\s+");
            // Leading boundary only: inflected languages add endings ("оператором").
            if unspaced(p) {
                body
            } else {
                format!(r"\b{body}")
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// Every catalogue language's phrases that ask for a person, anywhere in a message.
static CATALOGUE_PHRASES: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let phrases: Vec<&str> = crate::i18n::human_words()
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    (!phrases.is_empty()).then(|| re(&format!("(?:{})", alternation(&phrases))))
});

/// Every catalogue language's "reply with this word" word (the disclosure line names it).
static CATALOGUE_WORDS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let words: Vec<&str> = crate::i18n::human_words()
        .iter()
        .map(|(_, w, _)| w.as_str())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| re(&format!("(?:{})", alternation(&words))))
});

/// True when a short reply carries the word the disclosure line told the customer to use
/// ("human", "担当者", "человек"): in a longer message the bare word is too common.
fn is_short_reply_with_human_word(text: &str) -> bool {
    let t = text.trim();
    is_short_reply(t) && CATALOGUE_WORDS.as_ref().is_some_and(|r| r.is_match(t))
}

/// A reply of three words at most and 24 characters: where a bare word can be meant.
pub fn is_short_reply(text: &str) -> bool {
    let t = text.trim();
    t.split_whitespace().count() <= 3 && t.chars().count() <= 24
}

/// True when `text` is a short reply (as above) that carries `word` as a word of its own,
/// in any case: the disclosure line's word as a supervisor changed it.
pub fn is_short_reply_with(text: &str, word: &str) -> bool {
    let (t, word) = (text.trim().to_lowercase(), word.trim().to_lowercase());
    is_short_reply(&t)
        && !word.is_empty()
        && t.match_indices(&word).any(|(at, found)| {
            let before = t[..at].chars().next_back();
            let after = t[at + found.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
}

/// True when the customer asks to deal with a person rather than an automated answer.
/// Covers English, German, French and Spanish by pattern and every catalogue language by
/// its phrases; phrases like "human resources" or "travel agent" alone do not count.
pub fn detects_human_request(text: &str) -> bool {
    let text = &text.to_lowercase();
    let catalogue = |t: &str| {
        CATALOGUE_PHRASES.as_ref().is_some_and(|r| r.is_match(t))
            || is_short_reply_with_human_word(t)
    };
    if !HUMAN.is_match(text) && !catalogue(text) {
        return false;
    }
    // A match that only exists inside an excluded phrase is not a request.
    let cleaned = HUMAN_NEGATIVE.replace_all(text, " ");
    HUMAN.is_match(&cleaned) || catalogue(&cleaned)
}

static LEGAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
    \b(lawyers?|attorneys?|solicitors?|lawsuits?|sue|suing|legal\s+action|legal\s+steps|small\s+claims|litigation|ombudsman|consumer\s+protection|class\s+action)\b
    | \b(take|taking|see|sue)\s+(you|them|this|it|your\s+company)\s+(to|in)\s+court\b | \bcourt\s+(case|action|order)\b
    | \b(rechtsanwalt|anwalt|anwältin|klage|verklagen|vor\s+gericht|rechtliche\s+schritte|verbraucherzentrale|abmahnung)\b
    | \b(avocat|avocate|tribunal|poursuites?|procès|action\s+en\s+justice|porter\s+plainte|mise\s+en\s+demeure)\b
    | \b(abogad[oa]s?|demandar(é|emos)?|tribunal(es)?|a\s+juicio|acciones?\s+legal(es)?|denunciar(é|emos)?)\b
    ")
});

/// True when the message threatens legal action.
pub fn detects_legal_threat(text: &str) -> bool {
    LEGAL.is_match(&text.to_lowercase())
}

static ANGER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?x)
    \b(fuck|shit) | \b(crap|bullshit|damn|wtf|scam|scammers?|ridiculous|unacceptable|outrageous|disgusting|pathetic|useless|incompetent|furious|livid|worst|disgrace|fed\s+up|sick\s+of|rip[\s-]?off|liars?|thie(f|ves))\b
    | \b(unverschämt|betrüger|verarsch)
    | \b(frechheit|sauerei|inakzeptabel|betrug|scheiße|scheisse|unmöglich|katastrophe|wütend|lächerlich)\b
    | \bescroc | \b(inadmissible|scandal(e|eux|euse)|honteu(x|se)|inacceptable|arnaque|merde|furieu(x|se)|ras\s+le\s+bol)\b
    | \b(inaceptable|vergüenza|indignante|estafa|ladrones|harto|harta|mierda|ridícul[oa]|furios[oa]|pésimo)\b
    ")
});

/// True when the message reads as angry: insults, strong complaint words, runs of
/// exclamation marks, or shouting in capitals with an exclamation mark (capitals alone
/// are too common among customers who simply type that way).
pub fn detects_anger(text: &str) -> bool {
    if ANGER.is_match(&text.to_lowercase()) || text.contains("!!!") {
        return true;
    }
    if !text.contains('!') {
        return false;
    }
    let (letters, upper) = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(n, u), c| {
            (n + 1, u + usize::from(c.is_uppercase()))
        });
    letters >= 20 && upper * 10 >= letters * 7
}

/// Problems a customer can report that a how-to article rarely answers: each is a bit
/// of a [`problems`] mask.
pub const PROBLEMS: [(&str, u32); 5] = [
    ("something arrived broken or damaged", 1),
    ("something is missing or never arrived", 2),
    ("a double charge", 4),
    ("a complaint", 8),
    ("the wrong item", 16),
];

static PROBLEM_PATTERNS: LazyLock<[Regex; 5]> = LazyLock::new(|| {
    [
        re(r"(?x)
        \b(broken|broke|damaged|damage|cracked|smashed|shattered|defective|faulty|dented|torn|ripped|scratched|crushed)\b
        | \b(kaputt|beschädigt|defekt|zerbrochen|gebrochen|zerkratzt)
        | \b(cassée?s?|endommagée?s?|abîmée?s?|défectueu(x|se)|brisée?s?|fissurée?s?)\b
        | \b(rot[oa]s?|dañad[oa]s?|defectuos[oa]s?|estropead[oa]s?|quebrad[oa]s?|danificad[oa]s?|partid[oa]s?)\b
        | \b(rott[oiae]|danneggiat[oiae]|difettos[oiae])\b | \b(kapot|beschadigd)\b
        | \b(uszkodzon|zepsut|zniszczon|rozbit) | \b(сломан|поврежд|разбит|бракован)
        | 壊れ | 破損 | 割れて | 损坏 | 坏了 | 破了 | 파손 | 깨졌 | 고장 | تالف | مكسور
        "),
        re(r"(?x)
        \b(missing|never\s+(arrived|came|received|got|showed\s+up)|(hasn'?t|has\s+not|haven'?t|have\s+not|didn'?t|did\s+not|still\s+not|not\s+yet)\s+(arrived|received|come|got\s+it|shown\s+up))\b
        | \bnot\s+in\s+the\s+(box|package|parcel)\b
        | \bfehlend | \b(fehlt|fehlen|nie\s+angekommen|nicht\s+angekommen|nicht\s+erhalten)\b
        | \b(manquante?s?|manque|jamais\s+reçu|pas\s+reçu|jamais\s+arrivée?|pas\s+arrivée?)\b
        | \b(falta|faltan|nunca\s+lleg[óo]|no\s+(me\s+)?ha\s+llegado|no\s+lleg[óo]|no\s+recib[íi]|nunca\s+recib[íi])\b
        | \b(mancante|mancano|non\s+(è|e')\s+(mai\s+)?arrivat[oa]|não\s+chegou|nunca\s+chegou|faltando)\b
        | \bontbrekend | \b(ontbreekt|nooit\s+aangekomen|niet\s+aangekomen)\b | \b(brakuje|nie\s+dotarł|nie\s+doszł)
        | \b(не\s+пришл|не\s+приш[её]л|не\s+получил|отсутству|не\s+хватает)
        | 届いていない | 届かない | 足りない | 入っていない | 没收到 | 没有收到 | 缺少 | 少了 | 도착하지\s*않 | 누락 | لم\s+يصل | مفقود
        "),
        re(r"(?x)
        \b((charged|billed|debited|paid|taken)\s+(me\s+)?(twice|two\s+times|double)|double[\s-]?(charged|charge|billed|payment)|duplicate\s+(charge|payment|transaction)s?|two\s+(identical\s+)?(charges|payments))\b
        | \b((zweimal|doppelt)\s+(abgebucht|berechnet|belastet|bezahlt)|doppelbuchung|doppelte\s+(abbuchung|zahlung))\b
        | \b((débitée?|prélevée?|facturée?|payée?)\s+deux\s+fois|double\s+(prélèvement|débit|paiement))\b
        | \b((cobrad[oa]|cargad[oa]|cobraron|cargaron)\s+(dos\s+veces|duas\s+vezes|doble)|doble\s+cargo|cobran[çc]a\s+duplicada)\b
        | \b(addebitat[oa]\s+due\s+volte|dubbel\s+(afgeschreven|betaald|gefactureerd))\b | (списали|сняли)\s+дважды | 二重請求 | 二重に引き落と | 重复扣款 | 扣了两次 | 이중\s*결제 | خصم\s+مرتين
        "),
        re(r"(?x)
        \b(complaint|complain|complaining|grievance)\b | \b(beschwerde|beschweren|reklamation|reklamieren)\b
        | \b(réclamation|plainte|me\s+plaindre)\b | \b(queja|quejarme|reclamaci[óo]n|reclamo|reclamação|reclamar)\b
        | \b(reclamo|lamentela)\b | \b(klacht|klagen)\b | \b(reklamacj|skarg) | \b(жалоб|претензи) | 苦情 | クレーム | 投诉 | 불만 | شكوى
        "),
        re(r"(?x)
        \b(wrong|incorrect)\s+(item|product|size|colou?r|order|article|parcel|package)\b | \bnot\s+what\s+i\s+ordered\b
        | \bfalsche[nr]?\s+(artikel|ware|produkt|größe|farbe)\b | \b(mauvais|mauvaise)\s+(article|produit|taille|couleur)\b
        | \b(art[íi]culo|producto|produto|talla)\s+(equivocad[oa]|incorrect[oa]|errad[oa])\b | \barticolo\s+sbagliato\b
        | \bverkeerde?\s+(artikel|product|maat)\b | 違う商品 | 发错 | 错误的商品
        "),
    ]
});

/// The problems a text reports, as a mask of [`PROBLEMS`] bits (0: none).
pub fn problems(text: &str) -> u32 {
    let text = &text.to_lowercase();
    PROBLEM_PATTERNS
        .iter()
        .zip(PROBLEMS)
        .filter(|(re, _)| re.is_match(text))
        .fold(0, |m, (_, (_, bit))| m | bit)
}

/// The names of the problems in a mask, for reasons a supervisor reads.
pub fn problem_names(mask: u32) -> Vec<&'static str> {
    PROBLEMS
        .iter()
        .filter(|(_, bit)| mask & bit != 0)
        .map(|(name, _)| *name)
        .collect()
}

/// Splits a text into sentences that end with a question mark and have at least three
/// words: candidates for separate questions.
pub fn questions(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n' | '？' | '。') {
            let s = text[start..i].trim();
            if matches!(c, '?' | '？') && s.split_whitespace().count() >= 3 {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_reply_with_the_supervisors_word_is_told_from_longer_text() {
        assert!(is_short_reply_with("Colleague!", "colleague"));
        assert!(is_short_reply_with("  a COLLEAGUE please ", "colleague"));
        assert!(
            !is_short_reply_with("colleagues", "colleague"),
            "a whole word"
        );
        assert!(!is_short_reply_with(
            "my colleague ordered the same lamp and it arrived broken",
            "colleague"
        ));
        assert!(!is_short_reply_with("colleague", ""));
    }

    #[test]
    fn human_request_in_four_languages() {
        for t in [
            "I want to talk to a real person",
            "Can I speak to a human please?",
            "Let me speak with an agent",
            "Ich möchte mit einem Mitarbeiter sprechen",
            "Bitte einen echten Menschen!",
            "Je veux parler à un conseiller",
            "Je voudrais un humain, pas un robot",
            "Quiero hablar con una persona real",
            "Necesito hablar con un agente",
        ] {
            assert!(detects_human_request(t), "should detect: {t}");
        }
        for t in [
            "Please send the form to human resources",
            "How do I change my password?",
            "Is this a human rights issue?",
            "My travel agent booked the wrong date",
            "Wie ändere ich mein Passwort?",
            "Comment changer mon mot de passe ?",
            "¿Cómo cambio mi contraseña?",
        ] {
            assert!(!detects_human_request(t), "should not detect: {t}");
        }
    }

    #[test]
    fn human_request_in_every_catalogue_language() {
        for t in [
            "人間と話したいです。担当者をお願いします",
            "请帮我转人工客服",
            "상담원과 통화하고 싶어요",
            "أريد التحدث مع شخص حقيقي",
            "Quero falar com um atendente, por favor",
            "Vorrei parlare con un operatore",
            "Ik wil met een medewerker spreken",
            "Chcę rozmawiać z konsultantem",
            "Gerçek bir insanla konuşmak istiyorum",
            "Соедините меня с оператором",
            "मुझे किसी व्यक्ति से बात करनी है",
            "Saya mau bicara dengan petugas",
            "Jag vill prata med någon på riktigt",
            "Jeg vil gerne tale med en medarbejder",
            // The word the disclosure line names, replied on its own.
            "human",
            "担当者",
            "Человек!",
        ] {
            assert!(detects_human_request(t), "should detect: {t}");
        }
        for t in [
            "パスワードを忘れました",
            "我的订单在哪里？",
            "Onde está o meu pedido?",
            "Where is my order? I am only human after all, but it is late.",
        ] {
            assert!(!detects_human_request(t), "should not detect: {t}");
        }
    }

    #[test]
    fn legal_and_anger() {
        assert!(detects_legal_threat("I will contact my lawyer"));
        assert!(detects_legal_threat("Ich werde meinen Anwalt einschalten"));
        assert!(!detects_legal_threat("Where is my order?"));
        assert!(detects_anger("This is absolutely unacceptable"));
        assert!(detects_anger("WHERE IS MY MONEY I WANT IT BACK NOW!"));
        assert!(!detects_anger("HOW LONG IS THE CARD VALID FOR"));
        assert!(!detects_legal_threat(
            "how do i get to the court house on foot"
        ));
        assert!(detects_legal_threat("I will take you to court over this"));
        assert!(!detects_legal_threat(
            "Welches Gericht empfehlen Sie heute?"
        ));
        assert!(detects_legal_threat("Sonst gehe ich vor Gericht"));
        assert!(detects_legal_threat("Voy a llamar a mi abogado"));
        assert!(!detects_anger("Thanks, that helped a lot."));
    }

    #[test]
    fn reported_problems_are_recognised() {
        assert_eq!(problems("my vase arrived broken"), 1);
        assert_eq!(problems("Meine Vase ist kaputt angekommen"), 1);
        assert_eq!(problems("one item is missing from my parcel"), 2);
        assert_eq!(problems("my order never arrived"), 2);
        assert_eq!(problems("you charged me twice for the same order"), 4);
        assert_eq!(problems("I want to make a complaint"), 8);
        assert_eq!(problems("I received the wrong item"), 16);
        assert_eq!(problems("花瓶が割れて届きました"), 1);
        assert_eq!(problems("where is my order?"), 0);
        assert_eq!(problems("how do I track my parcel?"), 0);
        assert_eq!(problem_names(5).len(), 2);
    }

    #[test]
    fn splits_questions() {
        let q =
            questions("Hi. How do I reset my password? And where is my invoice for May? Thanks");
        assert_eq!(q.len(), 2);
        assert_eq!(questions("Why? What is this?").len(), 1);
    }
}
