//! Keeps the trained triage engine: loaded from the store (never rebuilt per message),
//! retrained when the knowledge base or the agents' reviews change, and picked up by
//! every process without a restart.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::store::models::ArticleRow;
use crate::store::{self, DbConn, StoreError};
use crate::triage::{Engine, KnowledgeArticle, LabeledExample, Settings};

#[derive(Default)]
pub struct TriageHandle {
    current: RwLock<Option<Loaded>>,
}

/// The engine in use, the stored model it came from, and when the store last confirmed
/// that model is the newest.
struct Loaded {
    id: String,
    engine: Arc<Engine>,
    confirmed: Instant,
}

impl TriageHandle {
    /// The newest engine. Costs one indexed look-up when the model has not changed.
    pub fn engine(&self, conn: &mut DbConn) -> Result<Arc<Engine>, StoreError> {
        let asked = Instant::now();
        let latest = store::triage_models::latest_id(conn)?;
        if let Some(id) = &latest
            && let Some(loaded) = &mut *self.current.write().expect("triage lock")
            && &loaded.id == id
        {
            loaded.confirmed = loaded.confirmed.max(asked);
            return Ok(loaded.engine.clone());
        }
        let (id, engine) = match store::triage_models::latest(conn)? {
            Some((id, bytes)) => match Engine::from_bytes(&bytes) {
                Ok(engine) => (id, Arc::new(engine)),
                Err(e) => {
                    tracing::warn!(error = %e, "stored triage model unreadable; retraining");
                    retrain(conn)?
                }
            },
            None => retrain(conn)?,
        };
        *self.current.write().expect("triage lock") = Some(Loaded {
            id,
            engine: engine.clone(),
            confirmed: asked,
        });
        Ok(engine)
    }

    /// [`TriageHandle::engine`], without asking the store again when it confirmed the
    /// engine at or after `since`: a group commit asks once for all its messages.
    pub fn engine_confirmed_since(
        &self,
        conn: &mut DbConn,
        since: Instant,
    ) -> Result<Arc<Engine>, StoreError> {
        if let Some(loaded) = &*self.current.read().expect("triage lock")
            && loaded.confirmed >= since
        {
            return Ok(loaded.engine.clone());
        }
        self.engine(conn)
    }

    /// The engine this process last loaded, without asking the store whether a newer one
    /// exists (work done with it is checked against [`TriageHandle::engine`] later).
    pub fn loaded(&self) -> Option<Arc<Engine>> {
        self.current
            .read()
            .expect("triage lock")
            .as_ref()
            .map(|loaded| loaded.engine.clone())
    }

    /// Forgets the cached engine (after a retrain in this process).
    pub fn invalidate(&self) {
        *self.current.write().expect("triage lock") = None;
    }
}

/// Trains a new engine from the knowledge base and the agents' reviews, stores it, and
/// returns it with its id.
pub fn retrain(conn: &mut DbConn) -> Result<(String, Arc<Engine>), StoreError> {
    let articles: Vec<KnowledgeArticle> = store::kb::all(conn)?.into_iter().map(article).collect();
    let examples = learned_examples(conn)?;
    let engine = Engine::train(&articles, &examples);
    let count = (examples.len()
        + articles
            .iter()
            .map(|a| a.questions.len() + 1)
            .sum::<usize>()) as i32;
    store::triage_models::save(conn, &engine.to_bytes(), count)?;
    let id = store::triage_models::latest_id(conn)?.unwrap_or_default();
    Ok((id, Arc::new(engine)))
}

fn article(row: ArticleRow) -> KnowledgeArticle {
    KnowledgeArticle {
        id: row.id,
        intent: row.intent,
        title: row.title,
        body: row.body,
        language: row.language,
        questions: serde_json::from_str(&row.questions).unwrap_or_default(),
    }
}

/// Examples from people's reviews: an approved or edited draft confirms its intent for the
/// customer's message; a draft rejected as the wrong intent is a negative example.
fn learned_examples(conn: &mut DbConn) -> Result<Vec<LabeledExample>, StoreError> {
    Ok(store::drafts::reviewed_examples(conn)?
        .into_iter()
        .map(|(text, intent, positive)| LabeledExample {
            text,
            intent,
            positive,
        })
        .collect())
}

/// The policy in force: defaults chosen from validation data, then the configuration,
/// then the supervisors' dial (stored settings).
pub fn settings(config: &crate::config::Config, conn: &mut DbConn) -> Result<Settings, StoreError> {
    Ok(settings_from(config, &store::settings::all(conn)?))
}

/// [`settings`] from settings rows already read.
pub fn settings_from(config: &crate::config::Config, stored: &[(String, String)]) -> Settings {
    let mut s = Settings::default();
    if let Some(a) = config.auto_threshold {
        s.auto_threshold = a;
    }
    if let Some(r) = config.review_threshold {
        s.review_threshold = r;
    }
    for (key, value) in stored {
        let num = value
            .parse::<f32>()
            .ok()
            .filter(|v| (0.0..=1.0).contains(v));
        match (key.as_str(), num) {
            ("auto_threshold", Some(v)) => s.auto_threshold = v,
            ("review_threshold", Some(v)) => s.review_threshold = v,
            ("disabled_intents", _) => s.disabled_intents = split_list(value),
            ("disabled_languages", _) => s.disabled_languages = split_list(value),
            ("never_auto_intents", _) => s.never_auto_intents = split_list(value),
            (k, Some(v)) if k.starts_with("auto_threshold:") => {
                s.per_intent_auto_threshold
                    .insert(k["auto_threshold:".len()..].to_string(), v);
            }
            _ => {}
        }
    }
    s
}

fn split_list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
