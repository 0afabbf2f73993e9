//! Optional drafts from an OpenAI-compatible chat endpoint (OpenAI, Azure, Ollama, vLLM,
//! llama.cpp server). The built-in engine still classifies, retrieves and scores; this
//! only rewrites the draft from the retrieved articles. PII is replaced by placeholders
//! before any text leaves the process. Slow or failing endpoints fall back to the
//! built-in draft: each call has a timeout and one retry, and after repeated failures a
//! circuit breaker skips the endpoint for a while.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

/// An article the draft may use.
pub struct Source<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub body: &'a str,
}

/// A draft written by the model, with the articles it cited.
#[derive(Debug, Clone, PartialEq)]
pub struct LlmDraft {
    pub text: String,
    /// Ids of the sources the answer cites (`[1]`, `[2]` … in the model's reply).
    pub cited: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("the LLM endpoint is skipped for now after repeated failures")]
    CircuitOpen,
    #[error("LLM request failed: {0}")]
    Request(String),
    #[error("LLM reply unusable: {0}")]
    Reply(String),
}

/// Consecutive failures that open the circuit, and how long it stays open.
const FAILURES_TO_OPEN: u32 = 3;
const OPEN_FOR: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Breaker {
    failures: u32,
    open_until: Option<Instant>,
}

pub struct LlmClient {
    url: String,
    model: String,
    api_key: Option<String>,
    agent: ureq::Agent,
    breaker: Mutex<Breaker>,
}

impl LlmClient {
    /// `base_url` is the endpoint's base (`http://localhost:11434/v1` or
    /// `https://api.openai.com/v1`); `/chat/completions` is appended.
    pub fn new(
        base_url: &str,
        model: &str,
        api_key: Option<String>,
        timeout: Duration,
    ) -> LlmClient {
        let base = base_url.trim_end_matches('/');
        let url = if base.ends_with("/chat/completions") {
            base.to_string()
        } else {
            format!("{base}/chat/completions")
        };
        LlmClient {
            url,
            model: model.to_string(),
            api_key,
            agent: ureq::AgentBuilder::new().timeout(timeout).build(),
            breaker: Mutex::new(Breaker::default()),
        }
    }

    /// Writes a draft answering `question` (already redacted) from `sources`, in `language`.
    pub fn draft(
        &self,
        question: &str,
        sources: &[Source],
        language: &str,
    ) -> Result<LlmDraft, LlmError> {
        {
            let b = self.breaker.lock().expect("breaker lock");
            if b.open_until.is_some_and(|t| Instant::now() < t) {
                return Err(LlmError::CircuitOpen);
            }
        }
        let mut last = LlmError::Request("no attempt".into());
        for attempt in 0..2 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(200));
            }
            match self.call(question, sources, language) {
                Ok(d) => {
                    *self.breaker.lock().expect("breaker lock") = Breaker::default();
                    return Ok(d);
                }
                // A reply we cannot use will not improve by asking again.
                Err(e @ LlmError::Reply(_)) => {
                    last = e;
                    break;
                }
                Err(e) => last = e,
            }
        }
        let mut b = self.breaker.lock().expect("breaker lock");
        b.failures += 1;
        if b.failures >= FAILURES_TO_OPEN {
            b.open_until = Some(Instant::now() + OPEN_FOR);
            b.failures = 0;
        }
        Err(last)
    }

    fn call(
        &self,
        question: &str,
        sources: &[Source],
        language: &str,
    ) -> Result<LlmDraft, LlmError> {
        let numbered: Vec<String> = sources
            .iter()
            .enumerate()
            .map(|(i, s)| format!("[{}] {}\n{}", i + 1, s.title, s.body))
            .collect();
        let system = format!(
            "You are a customer support assistant. Answer the customer's message using only the \
             numbered knowledge-base articles below, in the language with ISO code '{language}'. \
             Cite every article you use with its number in brackets, like [1]. If the articles do \
             not answer the question, reply exactly NO_ANSWER. Do not invent facts, prices or \
             promises. Placeholders such as [EMAIL_1] stand for the customer's data: keep them \
             as they are.\n\nArticles:\n\n{}",
            numbered.join("\n\n")
        );
        let mut req = self
            .agent
            .post(&self.url)
            .set("Content-Type", "application/json");
        if let Some(key) = &self.api_key {
            req = req.set("Authorization", &format!("Bearer {key}"));
        }
        let body = json!({
            "model": self.model,
            "temperature": 0.2,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": question},
            ],
        });
        let reply: serde_json::Value = req
            .send_json(body)
            .map_err(|e| LlmError::Request(e.to_string()))?
            .into_json()
            .map_err(|e| LlmError::Reply(e.to_string()))?;
        let text = reply["choices"][0]["message"]["content"]
            .as_str()
            .ok_or_else(|| LlmError::Reply("no choices[0].message.content".into()))?
            .trim()
            .to_string();
        if text.is_empty() || text.contains("NO_ANSWER") {
            return Err(LlmError::Reply(
                "the model found no answer in the articles".into(),
            ));
        }
        let (text, cited) = take_citations(&text, sources);
        Ok(LlmDraft { text, cited })
    }
}

/// Removes `[n]` markers from the text and returns the ids of the sources they name.
fn take_citations(text: &str, sources: &[Source]) -> (String, Vec<String>) {
    let mut cited = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
        if !digits.is_empty() && after[digits.len()..].starts_with(']') {
            out.push_str(rest[..open].trim_end_matches(' '));
            if let Some(s) = digits
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| sources.get(i))
                && !cited.contains(&s.id.to_string())
            {
                cited.push(s.id.to_string());
            }
            rest = &after[digits.len() + 1..];
        } else {
            out.push_str(&rest[..open + 1]);
            rest = after;
        }
    }
    out.push_str(rest);
    (out.trim().to_string(), cited)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_read_and_removed() {
        let sources = [
            Source {
                id: "a",
                title: "A",
                body: "",
            },
            Source {
                id: "b",
                title: "B",
                body: "",
            },
        ];
        let (text, cited) = take_citations(
            "Open Orders [1]. Refunds take 5 days [2][1]. Keep [EMAIL_1].",
            &sources,
        );
        assert_eq!(text, "Open Orders. Refunds take 5 days. Keep [EMAIL_1].");
        assert_eq!(cited, vec!["a", "b"]);
        let (_, none) = take_citations("No sources [7].", &sources);
        assert!(none.is_empty());
    }
}
