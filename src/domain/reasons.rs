//! Decisions and risk flags in sentences a new agent understands at a glance, and whether
//! a draft may be offered as the primary action at all.
//!
//! The triage engine writes reasons for supervisors ("review: intent refund_request is
//! never auto-sent (confidence 0.81)"); the ticket page shows these sentences instead and
//! keeps the engine's words one click away.

/// Risk flags that keep a draft from being offered as the primary action: the customer
/// asked for a person, or something about them or the conversation calls for one.
pub const HOLD_FLAGS: &[&str] = &[
    "human_requested",
    "legal_threat",
    "anger",
    "repeat_contact",
    "vip",
];

/// A risk flag as a sentence.
pub fn flag(flag: &str) -> String {
    match flag {
        "human_requested" => "The customer asked for a person.".into(),
        "legal_threat" => "The customer mentions legal action.".into(),
        "anger" => "The customer seems upset.".into(),
        "never_auto_intent" => "This kind of request is always checked by a person.".into(),
        "multiple_questions" => "The message asks several different questions.".into(),
        "repeat_contact" => "The customer has written before about something still open.".into(),
        "vip" => "The customer is marked as a VIP.".into(),
        "language_not_covered" => {
            "The knowledge base has no answer in the customer's language.".into()
        }
        "no_article" => "The knowledge base has no article for this question.".into(),
        "low_confidence" => "The engine is not sure what the customer is asking.".into(),
        other => format!("Flag: {}.", other.replace('_', " ")),
    }
}

/// What the intent is about, in words ("refund_request" → "refund request").
pub fn intent_words(intent: &str) -> String {
    intent.replace(['_', '-'], " ")
}

/// Subject of "… are always checked by a person" for an intent that is never automated.
fn never_auto_topic(intent: &str) -> String {
    let i = intent.to_lowercase();
    if i.contains("refund") {
        "Refunds".into()
    } else if i.contains("cancel") {
        "Cancellations".into()
    } else {
        format!("Requests about {}", intent_words(intent))
    }
}

/// The decision on a draft as a sentence: `decision` is auto_send, review or escalate;
/// `reason` is the engine's reason; `flags` its risk flags.
pub fn decision(decision: &str, reason: &str, intent: Option<&str>, flags: &[String]) -> String {
    let has = |f: &str| flags.iter().any(|x| x == f);
    let intent = intent.unwrap_or("");
    match decision {
        "auto_send" => {
            "Answered automatically: the engine was sure and the topic is automated.".into()
        }
        _ if has("human_requested") => "The customer asked for a person.".into(),
        _ if has("legal_threat") => "The customer mentions legal action: a person answers.".into(),
        _ if has("anger") => "The customer seems upset: a person answers.".into(),
        _ if has("vip") => "The customer is a VIP: a person answers.".into(),
        _ if has("never_auto_intent") && !intent.is_empty() => {
            format!(
                "{} are always checked by a person.",
                never_auto_topic(intent)
            )
        }
        _ if reason.contains("wrote back after an automated answer") => {
            "The customer wrote back after an automatic answer: it did not settle it.".into()
        }
        _ if reason.contains("already handling") => {
            "A person is already handling this ticket.".into()
        }
        _ if reason.contains("no automatic reply because") => {
            "No automatic reply: this looks like an automated sender or too many replies.".into()
        }
        _ if has("repeat_contact") => {
            "The customer has written before about something still open.".into()
        }
        _ if has("multiple_questions") => "The message asks several different questions.".into(),
        _ if has("language_not_covered") => {
            "The knowledge base has no answer in the customer's language.".into()
        }
        _ if has("no_article") => "The knowledge base has no article for this question.".into(),
        "review" => {
            "The engine is fairly sure but not enough to answer alone: check the draft.".into()
        }
        _ => "The engine is not sure what the customer is asking.".into(),
    }
}

/// The decision in a few words for a queue row: the weightiest flag first, then the
/// decision itself.
pub fn headline(decision: &str, flags: &[String]) -> &'static str {
    const BY_WEIGHT: &[(&str, &str)] = &[
        ("human_requested", "The customer asked for a person"),
        ("legal_threat", "Mentions legal action"),
        ("anger", "The customer is upset"),
        ("vip", "VIP customer"),
        ("never_auto_intent", "Always checked by a person"),
        ("multiple_questions", "Several questions in one message"),
        ("repeat_contact", "Wrote again after an answer"),
        ("language_not_covered", "No articles in this language"),
        ("no_article", "No matching article"),
    ];
    let has = |f: &str| flags.iter().any(|x| x == f);
    if let Some((_, words)) = BY_WEIGHT.iter().find(|(f, _)| has(f)) {
        return words;
    }
    match decision {
        _ if has("low_confidence") => "The AI is not sure enough",
        "review" => "The AI is not sure enough",
        "escalate" => "Needs a person",
        _ => "Waiting for a check",
    }
}

/// Why the draft must not be the primary action, or `None` when it may be: the decision
/// was to escalate, the customer asked for a person on this ticket, or a hold flag is set.
pub fn not_recommended(decision: &str, flags: &[String], human_requested: bool) -> Option<String> {
    let has = |f: &str| flags.iter().any(|x| x == f);
    let why = if human_requested || has("human_requested") {
        "the customer asked for a person".to_string()
    } else if let Some(f) = HOLD_FLAGS.iter().find(|f| has(f)) {
        lower_first(flag(f).trim_end_matches('.'))
    } else if decision == "escalate" {
        "the engine escalated this ticket to a person".to_string()
    } else {
        return None;
    };
    Some(format!("Not recommended: {why}"))
}

/// The colour class of the confidence meter: the decision's, not the number's.
pub fn meter_class(decision: &str) -> &'static str {
    match decision {
        "auto_send" => "decided-auto",
        "review" => "decided-review",
        _ => "decided-person",
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn refunds_and_human_requests_read_as_sentences() {
        assert_eq!(
            decision(
                "review",
                "review: intent refund_request is never auto-sent (confidence 0.81)",
                Some("refund_request"),
                &flags(&["never_auto_intent"])
            ),
            "Refunds are always checked by a person."
        );
        assert_eq!(
            decision(
                "escalate",
                "escalated: customer asked for a person",
                Some("order_status"),
                &flags(&["human_requested", "low_confidence"])
            ),
            "The customer asked for a person."
        );
        assert_eq!(flag("human_requested"), "The customer asked for a person.");
    }

    #[test]
    fn escalations_and_hold_flags_are_not_recommended_plain_reviews_are() {
        assert_eq!(
            not_recommended("escalate", &flags(&["human_requested"]), false).as_deref(),
            Some("Not recommended: the customer asked for a person")
        );
        assert_eq!(
            not_recommended("review", &[], true).as_deref(),
            Some("Not recommended: the customer asked for a person")
        );
        assert_eq!(
            not_recommended("review", &flags(&["anger"]), false).as_deref(),
            Some("Not recommended: the customer seems upset")
        );
        assert!(not_recommended("escalate", &[], false).is_some());
        assert_eq!(
            not_recommended(
                "review",
                &flags(&["never_auto_intent", "low_confidence"]),
                false
            ),
            None
        );
    }

    #[test]
    fn the_meter_follows_the_decision() {
        assert_eq!(meter_class("auto_send"), "decided-auto");
        assert_eq!(meter_class("review"), "decided-review");
        assert_eq!(meter_class("escalate"), "decided-person");
    }

    #[test]
    fn a_queue_row_names_the_weightiest_flag_before_the_decision() {
        assert_eq!(
            headline("escalate", &flags(&["low_confidence", "human_requested"])),
            "The customer asked for a person"
        );
        assert_eq!(
            headline("review", &flags(&["low_confidence"])),
            "The AI is not sure enough"
        );
        assert_eq!(headline("escalate", &[]), "Needs a person");
    }
}
