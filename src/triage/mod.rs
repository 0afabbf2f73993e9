//! The built-in AI triage engine: classifies a customer message into an intent, finds the
//! knowledge-base article that answers it, drafts the reply, scores its confidence,
//! raises risk flags, and decides whether to auto-send, send for review or escalate.
//!
//! The engine needs no network and no model download: [`Engine::train`] learns from the
//! knowledge base and from agents' labelled examples, [`Engine::to_bytes`] /
//! [`Engine::from_bytes`] persist it (loading takes a few milliseconds).

pub mod calibration;
pub mod classifier;
pub mod embedding;
pub mod encoder;
pub mod eval;
mod kernels;
pub mod language;
pub mod model;
mod packed;
mod persist;
pub mod pii;
pub mod prior;
pub mod risk;
pub mod tokenize;

use std::collections::HashMap;
use std::fmt;

use self::classifier::{Config, SparseVec};
use self::model::{IntentModel, TrainText};

pub use self::model::OOS_INTENT;
pub use self::pii::{Redacted, redact_pii};
pub use self::risk::detects_human_request;

/// A knowledge-base article: the answer to one intent in one language.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KnowledgeArticle {
    /// Stable id of the article.
    pub id: String,
    /// The intent the article answers.
    pub intent: String,
    /// Title shown to agents.
    pub title: String,
    /// The answer text used as the draft.
    pub body: String,
    /// ISO 639-1 language code, e.g. "en".
    pub language: String,
    /// Example customer questions this article answers (training data).
    pub questions: Vec<String>,
}

/// A labelled example from agents: the text is (or, if `positive` is false, is not) of
/// the intent.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LabeledExample {
    /// The customer text.
    pub text: String,
    /// The intent label.
    pub intent: String,
    /// False = an agent rejected this intent for this text.
    pub positive: bool,
}

/// The triage policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Confidence at or above which a reply is sent without review.
    pub auto_threshold: f32,
    /// Confidence at or above which a draft goes to review; below it, escalate.
    pub review_threshold: f32,
    /// Intents that are never auto-sent: an intent whose name contains one of these
    /// words (case-insensitive) goes at most to review.
    pub never_auto_intents: Vec<String>,
    /// Intents the engine must not answer at all: always escalated.
    pub disabled_intents: Vec<String>,
    /// Languages (ISO 639-1) the engine must not answer: always escalated.
    pub disabled_languages: Vec<String>,
    /// Per-intent override of `auto_threshold`.
    pub per_intent_auto_threshold: HashMap<String, f32>,
    /// A customer with at least this many earlier unresolved contacts goes to a person
    /// (0 = never).
    pub repeat_contact_limit: u32,
}

/// Default auto-send threshold, chosen by a confidence bound: `tandem eval` trained on
/// CLINC150's training split and scored on its validation split plus
/// `clinc150_train_oos.jsonl` (200 out-of-scope rows never trained on), re-weighted to
/// 18 % out-of-scope traffic, walks down from 0.99 and stops before the first threshold
/// whose precision has a one-sided 95 % Wilson lower bound under 98.5 %: 0.94 (58.2 %
/// automated at 99.07 %, lower bound 98.65 %; at 0.92 the bound is under 98.5 %). A tiny
/// knowledge base is scored with the hand-set prior calibration, which sends little at
/// this threshold (`tandem bench prior` measures it). See README, Triage.
pub const DEFAULT_AUTO_THRESHOLD: f32 = 0.94;
/// Default review threshold: below it, a draft is not worth an agent's time.
pub const DEFAULT_REVIEW_THRESHOLD: f32 = 0.50;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_threshold: DEFAULT_AUTO_THRESHOLD,
            review_threshold: DEFAULT_REVIEW_THRESHOLD,
            never_auto_intents: vec!["refund".into(), "cancel".into()],
            disabled_intents: Vec::new(),
            disabled_languages: Vec::new(),
            per_intent_auto_threshold: HashMap::new(),
            repeat_contact_limit: 1,
        }
    }
}

impl Settings {
    /// True when the intent is never auto-sent under this policy.
    pub fn is_never_auto(&self, intent: &str) -> bool {
        let i = intent.to_lowercase();
        self.never_auto_intents
            .iter()
            .any(|w| !w.is_empty() && i.contains(&w.to_lowercase()))
    }

    /// The auto-send threshold for an intent.
    pub fn auto_threshold_for(&self, intent: &str) -> f32 {
        self.per_intent_auto_threshold
            .get(intent)
            .copied()
            .unwrap_or(self.auto_threshold)
    }
}

/// One incoming customer message.
#[derive(Clone, Copy, Debug, Default)]
pub struct Message<'a> {
    /// Subject line (may be empty).
    pub subject: &'a str,
    /// Body, with quoted history and signature already stripped.
    pub text: &'a str,
    /// How many earlier contacts of this customer are still unresolved.
    pub prior_unresolved_contacts: u32,
    /// Whether the customer is a VIP.
    pub vip: bool,
    /// Intents on which this customer got an automatic answer recently (the last
    /// [`REPEAT_CONTACT_DAYS`] days): a new message on one of them is a repeat contact.
    pub recent_auto_intents: &'a [String],
}

/// How long after an automatic answer a new message on the same intent counts as the
/// customer coming back because the answer did not help.
pub const REPEAT_CONTACT_DAYS: i64 = 7;

/// Confidence is multiplied by this when the message reports a problem (something
/// broken, missing, charged twice, a complaint) that the intent's articles and examples
/// never mention: a how-to answer to such a message is rarely right.
pub const UNANSWERED_PROBLEM_FACTOR: f32 = 0.6;

/// What to do with a message.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub enum Action {
    /// Send the draft without review.
    AutoSend,
    /// An agent reviews the draft.
    Review,
    /// A person handles the message.
    Escalate,
}

impl Action {
    /// `"auto_send"`, `"review"` or `"escalate"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::AutoSend => "auto_send",
            Action::Review => "review",
            Action::Escalate => "escalate",
        }
    }
}

/// A reason not to answer a message automatically.
#[derive(Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
pub enum RiskFlag {
    /// The customer asked for a person.
    HumanRequested,
    /// The customer threatens legal action.
    LegalThreat,
    /// The customer is angry.
    Anger,
    /// The intent is configured never to be auto-sent.
    NeverAutoIntent,
    /// The message asks several different questions.
    MultipleQuestions,
    /// The customer has earlier unresolved contacts.
    RepeatContact,
    /// The customer is a VIP.
    Vip,
    /// No article for the intent in the message's language (or the language is disabled).
    LanguageNotCovered,
    /// No article for the intent at all.
    NoArticle,
    /// The confidence is below the auto-send threshold.
    LowConfidence,
    /// The message reports a problem (broken, missing, charged twice, a complaint) that
    /// the intent's articles and examples do not address.
    UnansweredProblem,
}

impl RiskFlag {
    /// Snake-case name, e.g. `"human_requested"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RiskFlag::HumanRequested => "human_requested",
            RiskFlag::LegalThreat => "legal_threat",
            RiskFlag::Anger => "anger",
            RiskFlag::NeverAutoIntent => "never_auto_intent",
            RiskFlag::MultipleQuestions => "multiple_questions",
            RiskFlag::RepeatContact => "repeat_contact",
            RiskFlag::Vip => "vip",
            RiskFlag::LanguageNotCovered => "language_not_covered",
            RiskFlag::NoArticle => "no_article",
            RiskFlag::LowConfidence => "low_confidence",
            RiskFlag::UnansweredProblem => "unanswered_problem",
        }
    }

    /// Why this flag sends a message to a person, as the end of a sentence.
    fn escalation_reason(&self) -> &'static str {
        match self {
            RiskFlag::HumanRequested => "customer asked for a person",
            RiskFlag::LegalThreat => "customer mentions legal action",
            RiskFlag::Anger => "customer appears upset",
            RiskFlag::MultipleQuestions => "message asks several different questions",
            RiskFlag::RepeatContact => "customer has earlier unresolved contacts",
            RiskFlag::Vip => "customer is a VIP",
            RiskFlag::NeverAutoIntent => "intent is never automated",
            RiskFlag::LanguageNotCovered => "language not covered",
            RiskFlag::NoArticle => "no knowledge-base article for the intent",
            RiskFlag::LowConfidence => "confidence too low",
            RiskFlag::UnansweredProblem => "the article does not address the reported problem",
        }
    }
}

/// A knowledge-base article used for a decision.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArticleMatch {
    /// Article id.
    pub id: String,
    /// Article title.
    pub title: String,
    /// Relevance in [0, 1].
    pub score: f32,
}

/// The engine's decision about one message, with everything a supervisor needs to see.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// Detected language (ISO 639-1).
    pub language: String,
    /// Predicted intent, if the engine knows any.
    pub intent: Option<String>,
    /// The classifier's probability of that intent.
    pub intent_score: f32,
    /// Articles of the intent, best first.
    pub articles: Vec<ArticleMatch>,
    /// The draft reply (the best article's body in the message's language).
    pub draft: Option<String>,
    /// Calibrated probability that the intent is right.
    pub confidence: f32,
    /// Everything that speaks against answering automatically.
    pub risk_flags: Vec<RiskFlag>,
    /// What to do.
    pub action: Action,
    /// One readable sentence saying why.
    pub reason: String,
}

/// Classification only, as used by `tandem eval`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Prediction {
    /// Predicted intent (the best one, also when escalating).
    pub intent: Option<String>,
    /// Calibrated confidence that the intent is right.
    pub confidence: f32,
    /// True when the default policy would not auto-send (confidence below
    /// [`DEFAULT_AUTO_THRESHOLD`]).
    pub escalate: bool,
}

/// Errors of the triage engine.
#[derive(Debug)]
pub enum TriageError {
    /// The persisted model is damaged or from an incompatible version.
    Corrupt(String),
}

impl fmt::Display for TriageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TriageError::Corrupt(m) => write!(f, "triage model is unreadable: {m}"),
        }
    }
}

impl std::error::Error for TriageError {}

/// An article with its precomputed vector.
#[derive(Clone, Debug)]
pub(crate) struct IndexedArticle {
    pub(crate) article: KnowledgeArticle,
    pub(crate) vector: SparseVec,
}

/// The trained triage engine: the intent model plus the knowledge base. `Send + Sync`;
/// share one behind an `Arc`.
#[derive(Clone, Debug)]
pub struct Engine {
    pub(crate) model: IntentModel,
    pub(crate) articles: Vec<IndexedArticle>,
    /// Language detection biased to the languages of the articles.
    pub(crate) detector: language::LanguageDetector,
    /// Per intent (aligned with the model's labels): the [`risk::PROBLEMS`] its articles
    /// or training examples talk about.
    pub(crate) coverage: Vec<u32>,
}

impl Engine {
    /// Trains the engine on the knowledge base and the agents' examples. Each article's
    /// title and questions are added as examples of its intent.
    pub fn train(articles: &[KnowledgeArticle], examples: &[LabeledExample]) -> Engine {
        Engine::train_with(articles, examples, &Config::default())
    }

    /// [`Engine::train`] with explicit classifier hyper-parameters (for experiments).
    pub fn train_with(
        articles: &[KnowledgeArticle],
        examples: &[LabeledExample],
        cfg: &Config,
    ) -> Engine {
        let mut texts: Vec<TrainText> = Vec::with_capacity(examples.len());
        for a in articles {
            if !a.title.trim().is_empty() {
                texts.push(TrainText {
                    text: &a.title,
                    intent: &a.intent,
                    positive: true,
                });
            }
            for q in &a.questions {
                texts.push(TrainText {
                    text: q,
                    intent: &a.intent,
                    positive: true,
                });
            }
        }
        for e in examples {
            texts.push(TrainText {
                text: &e.text,
                intent: &e.intent,
                positive: e.positive,
            });
        }
        let model = IntentModel::train(&texts, cfg);
        let mut engine = Engine::assemble(model, articles.to_vec());
        engine.add_coverage(&texts);
        engine
    }

    /// Marks the problems the intents' examples talk about: a problem counts as covered
    /// when at least 2 examples and 5 % of the intent's examples report it (one stray
    /// example does not make an intent the answer to it).
    fn add_coverage(&mut self, texts: &[TrainText]) {
        let labels = self.model.labels();
        let mut counts = vec![[0u32; risk::PROBLEMS.len()]; labels.len()];
        let mut totals = vec![0u32; labels.len()];
        for t in texts.iter().filter(|t| t.positive) {
            let Some(c) = labels.iter().position(|l| l == t.intent) else {
                continue;
            };
            totals[c] += 1;
            let mask = risk::problems(t.text);
            for (i, (_, bit)) in risk::PROBLEMS.iter().enumerate() {
                if mask & bit != 0 {
                    counts[c][i] += 1;
                }
            }
        }
        for (c, cov) in self.coverage.iter_mut().enumerate() {
            for (i, (_, bit)) in risk::PROBLEMS.iter().enumerate() {
                let n = counts[c][i];
                if n >= 2 && n * 20 >= totals[c] {
                    *cov |= bit;
                }
            }
        }
    }

    /// The problems `text` reports that intent `class` does not address (0: none).
    fn unanswered_problems(&self, text: &str, class: usize) -> u32 {
        let reported = risk::problems(text);
        if reported == 0 {
            return 0;
        }
        reported & !self.coverage.get(class).copied().unwrap_or(0)
    }

    pub(crate) fn assemble(model: IntentModel, articles: Vec<KnowledgeArticle>) -> Engine {
        let mut languages: Vec<String> = articles.iter().map(|a| a.language.clone()).collect();
        languages.sort();
        languages.dedup();
        let articles: Vec<IndexedArticle> = articles
            .into_iter()
            .map(|a| {
                let mut text = a.title.clone();
                for q in &a.questions {
                    text.push('\n');
                    text.push_str(q);
                }
                text.push('\n');
                text.push_str(&a.body);
                IndexedArticle {
                    vector: model.space().embed(&text),
                    article: a,
                }
            })
            .collect();
        let fallback = languages.first().map(String::as_str).unwrap_or("en");
        // An article that talks about a problem (its title, questions or answer) covers it.
        let coverage = model
            .labels()
            .iter()
            .map(|label| {
                articles.iter().filter(|a| &a.article.intent == label).fold(
                    risk::problems(&label.replace('_', " ")),
                    |m, a| {
                        let mut text = a.article.title.clone();
                        for q in &a.article.questions {
                            text.push('\n');
                            text.push_str(q);
                        }
                        text.push('\n');
                        text.push_str(&a.article.body);
                        m | risk::problems(&text)
                    },
                )
            })
            .collect();
        Engine {
            detector: language::LanguageDetector::new(&languages, fallback),
            model,
            articles,
            coverage,
        }
    }

    /// The intents the engine can predict.
    pub fn intents(&self) -> &[String] {
        self.model.labels()
    }

    /// Sizes of the model's parts, for reports: (vocabulary, linear weights, index
    /// postings).
    pub fn model_sizes(&self) -> (usize, usize, usize) {
        (
            self.model.space().len(),
            self.model.linear.w.len(),
            self.model.knn.docs.len(),
        )
    }

    /// The knowledge base the engine was trained with.
    pub fn articles(&self) -> impl Iterator<Item = &KnowledgeArticle> {
        self.articles.iter().map(|a| &a.article)
    }

    /// Serialises the trained engine.
    pub fn to_bytes(&self) -> Vec<u8> {
        persist::write(self)
    }

    /// Loads an engine written by [`Engine::to_bytes`].
    pub fn from_bytes(b: &[u8]) -> Result<Engine, TriageError> {
        persist::read(b)
    }

    /// Classifies a text; `escalate` follows the default policy's auto-send threshold.
    pub fn predict(&self, text: &str) -> Prediction {
        self.predict_with_and_without_rules(text).0
    }

    /// The classifier's own confidence, without the unanswered-problem rule (to measure
    /// what the rule changes).
    pub fn predict_without_rules(&self, text: &str) -> Prediction {
        self.predict_with_and_without_rules(text).1
    }

    /// [`Engine::predict`] and [`Engine::predict_without_rules`] from one reading of the
    /// text (the accurate mode's encoder is the costly part).
    pub fn predict_with_and_without_rules(&self, text: &str) -> (Prediction, Prediction) {
        let s = self.model.score(text);
        let intent = s.class.map(|c| self.model.labels()[c].clone());
        let prediction = |confidence: f32| Prediction {
            intent: intent.clone(),
            confidence,
            escalate: s.class.is_none() || confidence < DEFAULT_AUTO_THRESHOLD,
        };
        let lowered = match s.class {
            Some(c) if self.unanswered_problems(text, c) != 0 => {
                s.confidence * UNANSWERED_PROBLEM_FACTOR
            }
            _ => s.confidence,
        };
        (prediction(lowered), prediction(s.confidence))
    }

    /// Decides what to do with a message under the policy `settings`.
    pub fn triage(&self, msg: &Message, settings: &Settings) -> Decision {
        self.decide(self.analyze(msg.subject, msg.text), msg, settings)
    }

    /// What triage reads from the words alone (language, vectors, scores, risk words):
    /// most of its work, and none of it needs the store, so the ingest path does it
    /// before the message reaches the writer. `text` is [`Message::text`].
    pub fn analyze(&self, subject: &str, text: &str) -> Analysis {
        let full = if subject.trim().is_empty() {
            text.to_string()
        } else if text.trim().is_empty() {
            subject.to_string()
        } else {
            format!("{subject}\n{text}")
        };
        let language = self.detector.detect(&full);
        let query = self.model.space().embed(&full);
        let scored = self.model.score_vector(&query);
        let unanswered = scored
            .class
            .map(|c| self.unanswered_problems(&full, c))
            .unwrap_or(0);
        let mut words = Vec::new();
        // The word the disclosure line asks for ("human") counts in a short reply; the
        // subject before it ("Re: [#1001] Where is my parcel?") made no reply short.
        let short_body_with_subject = full.len() != text.len() && text.trim().len() <= 96;
        if risk::detects_human_request(&full)
            || (short_body_with_subject && risk::detects_human_request(text))
        {
            words.push(RiskFlag::HumanRequested);
        }
        if risk::detects_legal_threat(&full) {
            words.push(RiskFlag::LegalThreat);
        }
        if risk::detects_anger(&full) {
            words.push(RiskFlag::Anger);
        }
        let questions = self.question_scores(text);
        Analysis {
            language,
            query,
            scored,
            unanswered,
            words,
            questions,
        }
    }

    /// [`Engine::triage`] of an [`Analysis`] this engine made of `msg`'s subject and text.
    pub fn decide(&self, analysis: Analysis, msg: &Message, settings: &Settings) -> Decision {
        let Analysis {
            language,
            query,
            scored,
            unanswered,
            words,
            questions,
        } = analysis;
        let intent = scored.class.map(|c| self.model.labels()[c].clone());
        let confidence = if unanswered != 0 {
            scored.confidence * UNANSWERED_PROBLEM_FACTOR
        } else {
            scored.confidence
        };

        let mut flags = words;
        if asks_several_things(&questions, settings) {
            flags.push(RiskFlag::MultipleQuestions);
        }
        if settings.repeat_contact_limit > 0
            && msg.prior_unresolved_contacts >= settings.repeat_contact_limit
        {
            flags.push(RiskFlag::RepeatContact);
        }
        if msg.vip {
            flags.push(RiskFlag::Vip);
        }
        let came_back = intent
            .as_ref()
            .is_some_and(|i| msg.recent_auto_intents.iter().any(|r| r == i));
        if came_back && !flags.contains(&RiskFlag::RepeatContact) {
            flags.push(RiskFlag::RepeatContact);
        }
        if unanswered != 0 {
            flags.push(RiskFlag::UnansweredProblem);
        }

        // Articles of the intent, best first; the draft comes from the best one in the
        // message's language.
        let mut articles: Vec<(f32, &IndexedArticle)> = match &intent {
            Some(i) => self
                .articles
                .iter()
                .filter(|a| &a.article.intent == i)
                .map(|a| (query.dot(&a.vector).clamp(0.0, 1.0), a))
                .collect(),
            None => Vec::new(),
        };
        articles.sort_by(|a, b| {
            let la = (a.1.article.language == language) as u8;
            let lb = (b.1.article.language == language) as u8;
            lb.cmp(&la).then(b.0.total_cmp(&a.0))
        });
        let has_article = !articles.is_empty();
        let in_language = articles
            .iter()
            .find(|(_, a)| a.article.language == language);
        let draft = in_language.map(|(_, a)| a.article.body.clone());
        let article_matches: Vec<ArticleMatch> = articles
            .iter()
            .map(|(s, a)| ArticleMatch {
                id: a.article.id.clone(),
                title: a.article.title.clone(),
                score: *s,
            })
            .collect();

        let intent_name = intent.clone().unwrap_or_default();
        let never_auto = intent.is_some() && settings.is_never_auto(&intent_name);
        if never_auto {
            flags.push(RiskFlag::NeverAutoIntent);
        }
        let threshold = settings.auto_threshold_for(&intent_name);
        let language_disabled = settings
            .disabled_languages
            .iter()
            .any(|l| l.eq_ignore_ascii_case(&language));
        if intent.is_some() && has_article && (in_language.is_none() || language_disabled) {
            flags.push(RiskFlag::LanguageNotCovered);
        }
        if intent.is_none() || !has_article {
            flags.push(RiskFlag::NoArticle);
        }
        if confidence < threshold {
            flags.push(RiskFlag::LowConfidence);
        }

        let hard = [
            RiskFlag::HumanRequested,
            RiskFlag::LegalThreat,
            RiskFlag::Anger,
            RiskFlag::MultipleQuestions,
            RiskFlag::RepeatContact,
            RiskFlag::Vip,
        ];
        let (action, reason) = if intent.is_none() {
            (
                Action::Escalate,
                "escalated: the engine knows no intents yet".to_string(),
            )
        } else if !has_article {
            (
                Action::Escalate,
                format!("escalated: no knowledge-base article for intent {intent_name}"),
            )
        } else if language_disabled {
            (
                Action::Escalate,
                format!("escalated: language not covered ({language} is disabled)"),
            )
        } else if in_language.is_none() {
            (
                Action::Escalate,
                format!(
                    "escalated: language not covered (no {language} article for intent {intent_name})"
                ),
            )
        } else if let Some(f) = hard.iter().find(|f| flags.contains(f)) {
            let reason = if *f == RiskFlag::RepeatContact && came_back {
                format!(
                    "escalated: repeat contact, the customer got an automatic answer on intent {intent_name} within {REPEAT_CONTACT_DAYS} days"
                )
            } else {
                format!("escalated: {}", f.escalation_reason())
            };
            (Action::Escalate, reason)
        } else if settings.disabled_intents.iter().any(|d| d == &intent_name) {
            (
                Action::Escalate,
                format!("escalated: intent {intent_name} is disabled"),
            )
        } else if unanswered != 0 && confidence >= settings.review_threshold {
            (
                Action::Review,
                format!(
                    "review: the customer reports {} and the answer for intent {intent_name} does not address it (confidence lowered to {confidence:.2})",
                    risk::problem_names(unanswered).join(" and ")
                ),
            )
        } else if confidence >= threshold && !never_auto {
            (
                Action::AutoSend,
                format!(
                    "auto-sent: confidence {confidence:.2} ≥ {threshold:.2}, intent {intent_name} is automated"
                ),
            )
        } else if never_auto && confidence >= settings.review_threshold {
            (
                Action::Review,
                format!(
                    "review: intent {intent_name} is never auto-sent (confidence {confidence:.2})"
                ),
            )
        } else if confidence >= settings.review_threshold {
            (
                Action::Review,
                format!(
                    "review: confidence {confidence:.2} < {threshold:.2} for intent {intent_name}"
                ),
            )
        } else {
            (
                Action::Escalate,
                format!(
                    "escalated: confidence {confidence:.2} < {:.2}, no reliable intent",
                    settings.review_threshold
                ),
            )
        };

        Decision {
            language,
            intent,
            intent_score: scored.probability,
            articles: article_matches,
            draft,
            confidence,
            risk_flags: flags,
            action,
            reason,
        }
    }

    /// The class and confidence of each question in `text`, when it holds two or more
    /// (one question cannot ask several things).
    fn question_scores(&self, text: &str) -> Vec<(Option<usize>, f32)> {
        let qs = risk::questions(text);
        if qs.len() < 2 {
            return Vec::new();
        }
        qs.into_iter()
            .map(|q| {
                let s = self.model.score(q);
                (s.class, s.confidence)
            })
            .collect()
    }
}

/// What [`Engine::analyze`] found; [`Engine::decide`] applies the policy and the
/// customer's history to it. Only the engine that made it can read it (its vectors and
/// class numbers are that model's).
#[derive(Debug, Clone)]
pub struct Analysis {
    language: String,
    query: classifier::SparseVec,
    scored: model::Scored,
    unanswered: u32,
    /// Risk flags the words raise (asking for a person, legal threat, anger).
    words: Vec<RiskFlag>,
    questions: Vec<(Option<usize>, f32)>,
}

/// True when the message holds at least two questions that the classifier assigns to
/// different intents, each with at least review confidence.
fn asks_several_things(questions: &[(Option<usize>, f32)], settings: &Settings) -> bool {
    let mut seen: Vec<usize> = Vec::new();
    for &(class, confidence) in questions {
        if let Some(c) = class
            && confidence >= settings.review_threshold
            && !seen.contains(&c)
        {
            seen.push(c);
        }
    }
    seen.len() >= 2
}

#[cfg(test)]
mod tests;
