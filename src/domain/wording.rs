//! What Tandem says to customers, in their language (English, German, French, Spanish;
//! other languages fall back to English).

use chrono::{DateTime, Datelike, Utc};

/// Languages we have customer-facing texts for.
pub const LANGUAGES: &[&str] = &["en", "de", "fr", "es"];

fn lang(code: &str) -> &'static str {
    LANGUAGES
        .iter()
        .copied()
        .find(|l| *l == code)
        .unwrap_or("en")
}

const WEEKDAYS: [[&str; 7]; 4] = [
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ],
    [
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
        "domingo",
    ],
];
const MONTHS: [[&str; 12]; 4] = [
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
];

fn index(code: &str) -> usize {
    LANGUAGES.iter().position(|l| *l == lang(code)).unwrap_or(0)
}

/// A date and time as people write it in `code`, always with the zone named.
pub fn format_when(code: &str, at: DateTime<Utc>) -> String {
    let i = index(code);
    let day = WEEKDAYS[i][at.weekday().num_days_from_monday() as usize];
    let month = MONTHS[i][at.month0() as usize];
    let time = at.format("%H:%M");
    match lang(code) {
        "de" => format!("{day}, {}. {month}, {time} Uhr UTC", at.day()),
        "fr" => format!("{day} {} {month} à {time} UTC", at.day()),
        "es" => format!("el {day} {} de {month} a las {time} UTC", at.day()),
        _ => format!("{day} {} {month}, {time} UTC", at.day()),
    }
}

/// The acknowledgement a customer gets when a person will answer.
pub fn acknowledgement(code: &str, number: i64, eta: DateTime<Utc>) -> String {
    let when = format_when(code, eta);
    match lang(code) {
        "de" => format!(
            "Guten Tag,\n\nvielen Dank für Ihre Nachricht. Ihre Ticketnummer ist #{number}.\n\
             Eine Mitarbeiterin oder ein Mitarbeiter wird Ihnen persönlich antworten, \
             voraussichtlich bis {when}.\n\nWenn Sie etwas ergänzen möchten, antworten Sie \
             einfach auf diese E-Mail und lassen Sie [#{number}] im Betreff stehen.\n"
        ),
        "fr" => format!(
            "Bonjour,\n\nMerci pour votre message. Votre numéro de ticket est #{number}.\n\
             Un membre de notre équipe vous répondra personnellement, probablement d'ici \
             {when}.\n\nPour ajouter une information, répondez simplement à cet e-mail en \
             gardant [#{number}] dans l'objet.\n"
        ),
        "es" => format!(
            "Hola:\n\nGracias por su mensaje. Su número de ticket es #{number}.\n\
             Una persona de nuestro equipo le responderá personalmente, previsiblemente \
             antes de {when}.\n\nSi desea añadir algo, responda a este correo manteniendo \
             [#{number}] en el asunto.\n"
        ),
        _ => format!(
            "Hello,\n\nThank you for your message. Your ticket number is #{number}.\n\
             A member of our team will reply to you personally; we expect to answer by \
             {when}.\n\nTo add anything, just reply to this email and keep [#{number}] in \
             the subject.\n"
        ),
    }
}

/// The line under every automatic answer: it was automated, and a person is one reply away.
pub fn automated_disclosure(code: &str, number: i64) -> String {
    match lang(code) {
        "de" => format!(
            "Diese Antwort wurde automatisch von unserem Support-Assistenten erstellt (Ticket #{number}). \
             Wenn sie Ihnen nicht hilft, antworten Sie mit dem Wort \"Mensch\" (oder \"human\"), \
             und eine Person übernimmt."
        ),
        "fr" => format!(
            "Cette réponse a été rédigée automatiquement par notre assistant (ticket #{number}). \
             Si elle ne résout pas votre problème, répondez avec le mot « humain » (ou \"human\") \
             et une personne prendra le relais."
        ),
        "es" => format!(
            "Esta respuesta la ha escrito automáticamente nuestro asistente (ticket #{number}). \
             Si no resuelve su problema, responda con la palabra \"humano\" (o \"human\") \
             y una persona se encargará."
        ),
        _ => format!(
            "This answer was written automatically by our support assistant (ticket #{number}). \
             If it does not solve your problem, reply with the word \"human\" and a person \
             will take over."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_read_naturally() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
        assert_eq!(format_when("en", at), "Tuesday 24 November, 14:00 UTC");
        assert_eq!(
            format_when("de", at),
            "Dienstag, 24. November, 14:00 Uhr UTC"
        );
        assert_eq!(format_when("fr", at), "mardi 24 novembre à 14:00 UTC");
        assert_eq!(format_when("xx", at), "Tuesday 24 November, 14:00 UTC");
    }

    #[test]
    fn acknowledgements_name_the_ticket_in_each_language() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 0, 0).unwrap();
        for code in LANGUAGES {
            let text = acknowledgement(code, 1042, at);
            assert!(text.contains("#1042"), "{code}: {text}");
            assert!(text.contains("14:00"), "{code}: {text}");
        }
        assert!(acknowledgement("de", 1, at).contains("Ticketnummer"));
        assert!(automated_disclosure("es", 1).contains("humano"));
    }
}
