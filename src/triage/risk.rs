//! Rule-based risk signals: a request for a person, legal threats, anger, several
//! questions in one message. Patterns cover English, German, French and Spanish.

use regex::Regex;
use std::sync::LazyLock;

fn re(p: &str) -> Regex {
    Regex::new(p).expect("valid built-in pattern")
}

static HUMAN: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
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
        r"(?i)\bhuman\s+(resources?|rights?|error|nature|body|genome)\b|\b(travel|real\s+estate|insurance|booking)\s+agent\b",
    )
});

/// True when the customer asks to deal with a person rather than an automated answer.
/// Covers at least English, German, French and Spanish; phrases like "human resources"
/// or "travel agent" alone do not count.
pub fn detects_human_request(text: &str) -> bool {
    if !HUMAN.is_match(text) {
        return false;
    }
    // A match that only exists inside an excluded phrase is not a request.
    let cleaned = HUMAN_NEGATIVE.replace_all(text, " ");
    HUMAN.is_match(&cleaned)
}

static LEGAL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
    \b(lawyers?|attorneys?|solicitors?|lawsuits?|sue|suing|legal\s+action|legal\s+steps|small\s+claims|litigation|ombudsman|consumer\s+protection|class\s+action)\b
    | \b(take|taking|see|sue)\s+(you|them|this|it|your\s+company)\s+(to|in)\s+court\b | \bcourt\s+(case|action|order)\b
    | \b(rechtsanwalt|anwalt|anwältin|klage|verklagen|vor\s+gericht|rechtliche\s+schritte|verbraucherzentrale|abmahnung)\b
    | \b(avocat|avocate|tribunal|poursuites?|procès|action\s+en\s+justice|porter\s+plainte|mise\s+en\s+demeure)\b
    | \b(abogad[oa]s?|demandar(é|emos)?|tribunal(es)?|a\s+juicio|acciones?\s+legal(es)?|denunciar(é|emos)?)\b
    ")
});

/// True when the message threatens legal action.
pub fn detects_legal_threat(text: &str) -> bool {
    LEGAL.is_match(text)
}

static ANGER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?ix)
    \b(fuck\w*|shit\w*|crap|bullshit|damn|wtf|scam|scammers?|ridiculous|unacceptable|outrageous|disgusting|pathetic|useless|incompetent|furious|livid|worst|disgrace|fed\s+up|sick\s+of|rip[\s-]?off|liars?|thie(f|ves))\b
    | \b(unverschämt\w*|frechheit|sauerei|inakzeptabel|betrug|betrüger\w*|scheiße|scheisse|verarsch\w*|unmöglich|katastrophe|wütend|lächerlich)\b
    | \b(inadmissible|scandal(e|eux|euse)|honteu(x|se)|inacceptable|arnaque|escroc\w*|merde|furieu(x|se)|ras\s+le\s+bol)\b
    | \b(inaceptable|vergüenza|indignante|estafa|ladrones|harto|harta|mierda|ridícul[oa]|furios[oa]|pésimo)\b
    ")
});

/// True when the message reads as angry: insults, strong complaint words, runs of
/// exclamation marks, or shouting in capitals with an exclamation mark (capitals alone
/// are too common among customers who simply type that way).
pub fn detects_anger(text: &str) -> bool {
    if ANGER.is_match(text) || text.contains("!!!") {
        return true;
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 20 && text.contains('!') {
        let upper = letters.iter().filter(|c| c.is_uppercase()).count();
        if upper * 10 >= letters.len() * 7 {
            return true;
        }
    }
    false
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
    fn splits_questions() {
        let q =
            questions("Hi. How do I reset my password? And where is my invoice for May? Thanks");
        assert_eq!(q.len(), 2);
        assert_eq!(questions("Why? What is this?").len(), 1);
    }
}
