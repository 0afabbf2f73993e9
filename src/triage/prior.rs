//! Measuring the prior calibration ([`Calibrator::default`], set by hand), the one a
//! knowledge base too small to hold out 30 examples is scored with, on simulated small
//! knowledge bases, against a prior fitted on them: `tandem bench prior`. The fitted one
//! is not shipped: it is surer of short questions like the examples, but it leans on the
//! sentence vectors so much that the sample knowledge base's long, greeted messages fall
//! under the threshold while a German invoice complaint is taken for a tracking question.
//!
//! Each simulated knowledge base takes 3 to 12 intents of a data set's training split and
//! 4 to 10 example questions of each (so fewer than 30 are ever held out, as in a real
//! small knowledge base), is trained like any knowledge base, and then scores other rows
//! of its intents (in scope: right when the intent is) and rows it cannot answer: rows of
//! the data set's other intents (out of scope, but close to the domain) and real
//! out-of-scope rows. The prior is the logistic regression of rightness on the signals,
//! over rows re-weighted to [`TRAFFIC_OOS_SHARE`] out-of-scope traffic, with the top
//! probability read as at most 0.999 (a model this small separates its examples
//! perfectly, and 0.9993 against 0.9998 says nothing). Its intercept is then lowered until
//! the lower end of the one-sided 95 % Wilson interval of the precision at the threshold
//! is at least the target on the fitting data; other data sets check it.

use std::collections::BTreeMap;

use super::calibration::{Calibrator, Signals};
use super::classifier::{Config, Rng};
use super::eval::{Row, TRAFFIC_OOS_SHARE, Z_95, wilson_lower};
use super::model::{IntentModel, OOS_INTENT, TrainText};

/// The top probability is read as at most this much by the prior.
pub const PRIOR_P1_CAP: f32 = 0.999;

/// One scored row of a simulated small knowledge base.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// The signals of the prediction.
    pub signals: Signals,
    /// True when the row is in scope and its intent was predicted.
    pub right: bool,
    /// True when the row is out of scope for this knowledge base.
    pub out_of_scope: bool,
}

/// Simulates `trials` small knowledge bases over `rows` and scores them. Rows are grouped
/// by their `group` key (for example the language); a knowledge base takes its intents
/// from 1 to `max_groups` groups at once (an intent with examples in several languages,
/// like an article translated); `extra_oos` are out-of-scope rows offered to every one.
pub fn simulate(
    rows: &[Row],
    group: &dyn Fn(&Row) -> String,
    max_groups: usize,
    extra_oos: &[Row],
    trials: usize,
    seed: u64,
    cfg: &Config,
) -> Vec<Sample> {
    let mut groups: BTreeMap<String, BTreeMap<&str, Vec<&Row>>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.intent != OOS_INTENT) {
        groups
            .entry(group(r))
            .or_default()
            .entry(r.intent.as_str())
            .or_default()
            .push(r);
    }
    let groups: Vec<BTreeMap<&str, Vec<&Row>>> = groups.into_values().collect();
    let mut out = Vec::new();
    let mut rng = Rng(seed);
    for _ in 0..trials {
        let mut order: Vec<usize> = (0..groups.len()).collect();
        rng.shuffle(&mut order);
        let chosen = &order[..(1 + rng.below(max_groups.max(1))).min(order.len())];
        // Intents with enough rows in every chosen group to train on and test.
        let per_group = if chosen.len() == 1 { 4 } else { 2 };
        let mut intents: Vec<&str> = groups[chosen[0]]
            .keys()
            .copied()
            .filter(|i| {
                chosen
                    .iter()
                    .all(|&g| groups[g].get(i).is_some_and(|v| v.len() >= per_group + 6))
            })
            .collect();
        if intents.len() < 4 {
            continue;
        }
        rng.shuffle(&mut intents);
        let k = (3 + rng.below(10)).min(intents.len() - 1);
        let (kb, others) = intents.split_at(k);
        let mut texts: Vec<TrainText> = Vec::new();
        let mut tests: Vec<(&Row, bool)> = Vec::new();
        for intent in kb {
            let mut held: Vec<&Row> = Vec::new();
            for &g in chosen {
                let mut m = groups[g][intent].clone();
                rng.shuffle(&mut m);
                let n = per_group + rng.below(per_group + 3);
                let n = n.min(m.len() - 4);
                for r in &m[..n] {
                    texts.push(TrainText {
                        text: &r.text,
                        intent,
                        positive: true,
                    });
                }
                held.extend(&m[n..]);
            }
            rng.shuffle(&mut held);
            tests.extend(held.iter().take(8).map(|r| (*r, false)));
        }
        for _ in 0..24 {
            let g = &groups[chosen[rng.below(chosen.len())]];
            if let Some(members) = g.get(others[rng.below(others.len())]) {
                tests.push((members[rng.below(members.len())], true));
            }
        }
        for _ in 0..8.min(extra_oos.len()) {
            tests.push((&extra_oos[rng.below(extra_oos.len())], true));
        }
        let model = IntentModel::train(&texts, cfg);
        for (r, oos) in tests {
            let s = model.score(&r.text);
            let predicted = s.class.map(|c| model.labels()[c].as_str());
            out.push(Sample {
                signals: s.signals,
                right: !oos && predicted == Some(r.intent.as_str()),
                out_of_scope: oos,
            });
        }
    }
    out
}

/// Re-weighted automation rate, precision, and the lower end of the one-sided 95 %
/// Wilson interval of the precision (on the Kish effective number of automated rows) of
/// the samples whose confidence is at least `threshold`.
pub fn precision_at(samples: &[Sample], cal: &Calibrator, threshold: f32) -> (f64, f64, f64) {
    let (w_in, w_oos) = weights(samples);
    let (mut sw, mut sw2, mut right) = (0f64, 0f64, 0f64);
    for s in samples {
        if cal.confidence(&s.signals) >= threshold {
            let w = if s.out_of_scope { w_oos } else { w_in };
            sw += w;
            sw2 += w * w;
            if s.right {
                right += w;
            }
        }
    }
    if sw == 0.0 {
        return (0.0, 1.0, 0.0);
    }
    let p = right / sw;
    (sw, p, wilson_lower(p, sw * sw / sw2, Z_95))
}

fn weights(samples: &[Sample]) -> (f64, f64) {
    let n_oos = samples.iter().filter(|s| s.out_of_scope).count().max(1) as f64;
    let n_in = (samples.len() as f64 - n_oos).max(1.0);
    ((1.0 - TRAFFIC_OOS_SHARE) / n_in, TRAFFIC_OOS_SHARE / n_oos)
}

/// Fits the prior on several data sets' samples (see the module) for `threshold` and
/// precision `target`: one logistic regression over all of them, each data set weighing
/// the same, whose intercept is then lowered until every data set's precision bound is
/// met. The text's length and the intent's number of examples are left out: within a
/// small knowledge base they say more about the data set than about the message (an
/// intent with 30 examples in four languages would be read as a stranger to the prior).
pub fn fit(sets: &[&[Sample]], threshold: f32, target: f64) -> Calibrator {
    let mut data: Vec<(Signals, bool, f32)> = Vec::new();
    let total: usize = sets.iter().map(|s| s.len()).sum();
    for samples in sets {
        let (w_in, w_oos) = weights(samples);
        // Each data set weighs as much as its own size would in the pooled set.
        let scale = total as f64 / sets.len() as f64;
        data.extend(samples.iter().map(|s| {
            let mut sig = s.signals;
            sig.p1 = sig.p1.min(PRIOR_P1_CAP);
            sig.n_features = 0;
            sig.n_examples = 0;
            let w = if s.out_of_scope { w_oos } else { w_in };
            (sig, s.right, (w * scale) as f32)
        }));
    }
    let fitted = Calibrator::fit(&data, 0.0);
    let mut cal = Calibrator {
        weights: fitted.weights,
        p1_cap: PRIOR_P1_CAP,
        cov: Vec::new(),
        margin: 0.0,
    };
    // Inputs 7 and 8 (length and examples) were constant: no weight.
    cal.weights[7] = 0.0;
    cal.weights[8] = 0.0;
    let last = cal.weights.len() - 1;
    for _ in 0..400 {
        if sets
            .iter()
            .all(|s| precision_at(s, &cal, threshold).2 >= target)
        {
            break;
        }
        cal.weights[last] -= 0.05;
    }
    cal
}

/// `tandem bench prior`: simulates `trials` small knowledge bases on CLINC150's training
/// split (with its out-of-scope rows) and fits the prior on them, then checks it on as
/// many simulated on Banking77 and on xSID (one language each); reports the weights and,
/// for the fitted prior and the current one, the re-weighted automation rate and
/// precision at `threshold` on each.
pub fn run(
    datasets: &std::path::Path,
    trials: usize,
    threshold: f32,
    cfg: &Config,
    kb: &[super::KnowledgeArticle],
) -> Result<String, super::eval::EvalError> {
    use std::fmt::Write;
    let read = |name: &str| super::eval::read_rows(&datasets.join(name));
    let clinc = read("clinc150_train.jsonl")?;
    let clinc_oos = read("clinc150_train_oos.jsonl")?;
    let banking = read("banking77_train.jsonl")?;
    let xsid = read("xsid_multilingual_train.jsonl")?;
    let one = |_: &Row| String::new();
    let language = |r: &Row| r.language.clone().unwrap_or_default();
    let sets = [
        (
            "CLINC150 train",
            simulate(&clinc, &one, 1, &clinc_oos, trials, 0xC11C, cfg),
        ),
        (
            "Banking77 train",
            simulate(&banking, &one, 1, &clinc_oos, trials, 0xBA77, cfg),
        ),
        (
            "xSID train, 1 to 4 languages a knowledge base",
            simulate(&xsid, &language, 4, &[], trials, 0x51D, cfg),
        ),
    ];
    let all: Vec<&[Sample]> = sets.iter().map(|(_, s)| s.as_slice()).collect();
    let target = super::eval::PRECISION_TARGET;
    let prior = fit(&all, threshold, target);
    let old = hand_set();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "prior fitted on {} rows of {} simulated knowledge bases, threshold {threshold:.2}",
        all.iter().map(|s| s.len()).sum::<usize>(),
        trials * sets.len()
    );
    let _ = writeln!(out, "weights: vec!{:?}", prior.weights);
    let _ = writeln!(
        out,
        "| data | rows | prior | automated at {:.0} % oos | precision | lower bound |",
        TRAFFIC_OOS_SHARE * 100.0
    );
    let _ = writeln!(out, "| --- | ---: | --- | ---: | ---: | ---: |");
    for (i, (name, samples)) in sets.iter().enumerate() {
        // Fitted on the other two data sets only: how the procedure carries over to a
        // data set it never saw.
        let others: Vec<&[Sample]> = (0..all.len()).filter(|&j| j != i).map(|j| all[j]).collect();
        let without = fit(&others, threshold, target);
        for (which, cal) in [
            ("fitted on all three", &prior),
            ("fitted on the other two", &without),
            ("shipped (hand-set)", &old),
        ] {
            let (rate, p, lower) = precision_at(samples, cal, threshold);
            let _ = writeln!(
                out,
                "| {name} | {} | {which} | {:.2} % | {:.2} % | {:.2} % |",
                samples.len(),
                rate * 100.0,
                p * 100.0,
                lower * 100.0
            );
        }
    }
    if !kb.is_empty() {
        // The knowledge base given (a small one is scored with the prior): how sure it is
        // of a plain question it answers, and of questions it has no article for.
        let settings = super::Settings {
            auto_threshold: threshold,
            ..super::Settings::default()
        };
        for (which, cal) in [("fitted", &prior), ("shipped", &old)] {
            let mut engine = super::Engine::train_with(kb, &[], cfg);
            engine.model.calibrator = cal.clone();
            for (subject, text) in PROBES {
                let d = engine.triage(
                    &super::Message {
                        subject,
                        text,
                        ..Default::default()
                    },
                    &settings,
                );
                let _ = writeln!(
                    out,
                    "{which:<8} {:>6.3} {:<10} {:<16} {subject}: {}",
                    d.confidence,
                    d.action.as_str(),
                    d.intent.as_deref().unwrap_or("-"),
                    text.replace('\n', " ")
                );
            }
        }
    }
    Ok(out)
}

/// The shipped prior ([`Calibrator::default`], set by hand), for comparison.
fn hand_set() -> Calibrator {
    Calibrator::default()
}

/// Reads knowledge-base articles from JSONL (`{"title", "body", "language"?,
/// "questions"?, "intent"?}`, as `tandem kb import` does; the intent defaults to the
/// title).
pub fn read_kb(
    path: &std::path::Path,
) -> Result<Vec<super::KnowledgeArticle>, super::eval::EvalError> {
    #[derive(serde::Deserialize)]
    struct Input {
        title: String,
        body: String,
        #[serde(default)]
        language: Option<String>,
        #[serde(default)]
        questions: Vec<String>,
        #[serde(default)]
        intent: Option<String>,
    }
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| super::eval::EvalError::Io(name.clone(), e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: Input = serde_json::from_str(line)
            .map_err(|e| super::eval::EvalError::Parse(name.clone(), i + 1, e.to_string()))?;
        out.push(super::KnowledgeArticle {
            id: format!("kb-{}", i + 1),
            intent: a.intent.unwrap_or_else(|| a.title.clone()),
            title: a.title,
            body: a.body,
            language: a.language.unwrap_or_else(|| "en".into()),
            questions: a.questions,
        });
    }
    Ok(out)
}

/// Messages `tandem bench prior --kb samples/kb.jsonl` scores: the integration suite's
/// parcel question, then questions the sample knowledge base has no article for.
const PROBES: [(&str, &str); 7] = [
    (
        "Where is my parcel?",
        "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana",
    ),
    (
        "Parcel tracking",
        "Hello,\n\nwhere is my parcel? I ordered last week and it has not arrived yet. How can I track my order?\n\nThanks, Ana",
    ),
    ("", "Can I pay with PayPal?"),
    ("", "Do you have this jacket in a larger size?"),
    (
        "",
        "I would like to change the delivery address of my order",
    ),
    (
        "Invoice wrong",
        "Hi, the invoice for my company account shows 480 EUR but our contract says 360 EUR. Can someone check the VAT line and send a corrected invoice to our accounting department?",
    ),
    (
        "Falsche Rechnung",
        "Guten Tag, auf meiner Rechnung für das Firmenkonto steht ein falscher Betrag bei der Mehrwertsteuer. Bitte schicken Sie mir eine korrigierte Rechnung.",
    ),
];
