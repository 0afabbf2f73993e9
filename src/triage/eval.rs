//! The `tandem eval` contract: train on a JSONL file, score a JSONL test file, write
//! predictions, report accuracy, out-of-scope recall, AUROC, automation rate and
//! precision, and calibration error. Also a throughput benchmark for `tandem bench`.

use std::fmt;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::time::Instant;

use super::classifier::Config;
use super::{Engine, LabeledExample, Message, OOS_INTENT, Prediction, Settings};

/// Share of out-of-scope messages in real traffic, used to re-weight reports.
pub const TRAFFIC_OOS_SHARE: f64 = 0.18;

/// One row of an eval file: `{"text": "...", "intent": "..."}` (an optional `language`).
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
pub struct Row {
    /// Customer text.
    pub text: String,
    /// Intent label; `oos` = out of scope.
    pub intent: String,
    /// Language code, when the file gives one (reporting only, never used to predict).
    #[serde(default)]
    pub language: Option<String>,
}

/// One line of the predictions file.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PredictionRow {
    /// Zero-based row number in the test file.
    pub index: usize,
    /// Predicted intent (the best one, also when escalating).
    pub predicted_intent: String,
    /// Calibrated confidence.
    pub confidence: f32,
    /// True when the message would not be answered automatically.
    pub escalate: bool,
}

/// Errors of an evaluation run.
#[derive(Debug)]
pub enum EvalError {
    /// Reading or writing a file failed.
    Io(String, std::io::Error),
    /// A line is not a valid row.
    Parse(String, usize, String),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Io(p, e) => write!(f, "{p}: {e}"),
            EvalError::Parse(p, line, e) => write!(f, "{p}:{line}: {e}"),
        }
    }
}

impl std::error::Error for EvalError {}

/// Reads a JSONL eval file (blank lines are skipped).
pub fn read_rows(path: &Path) -> Result<Vec<Row>, EvalError> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| EvalError::Io(name.clone(), e))?;
    let mut rows = Vec::new();
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| EvalError::Io(name.clone(), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let row: Row = serde_json::from_str(&line)
            .map_err(|e| EvalError::Parse(name.clone(), i + 1, e.to_string()))?;
        rows.push(row);
    }
    Ok(rows)
}

/// The scores of one evaluation. Rates are fractions in [0, 1].
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct EvalReport {
    /// Training rows.
    pub train_rows: usize,
    /// Test rows (in scope + out of scope).
    pub test_rows: usize,
    /// Out-of-scope test rows.
    pub oos_rows: usize,
    /// Seconds spent training.
    pub train_seconds: f64,
    /// Top-1 accuracy on in-scope rows.
    pub in_scope_accuracy: f64,
    /// Share of out-of-scope rows escalated (None without such rows).
    pub oos_recall: Option<f64>,
    /// AUROC of the confidence, in scope (positive) against out of scope.
    pub auroc: Option<f64>,
    /// Share of rows not escalated, on the test file as it is.
    pub automation_rate: f64,
    /// Share of non-escalated rows whose intent is right (an out-of-scope row is never
    /// right), on the test file as it is.
    pub automation_precision: f64,
    /// Automation rate with out-of-scope rows re-weighted to [`TRAFFIC_OOS_SHARE`].
    pub automation_rate_traffic: Option<f64>,
    /// Automation precision with out-of-scope rows re-weighted to [`TRAFFIC_OOS_SHARE`].
    pub automation_precision_traffic: Option<f64>,
    /// Re-weighted automation rate and precision at other thresholds, to choose the
    /// default from: (threshold, rate, precision).
    pub threshold_sweep: Vec<(f32, f64, f64)>,
    /// The threshold a confidence bound recommends (see [`choose_threshold`]), when the
    /// test file has out-of-scope rows.
    pub chosen: Option<ThresholdChoice>,
    /// What the unanswered-problem rule changed: (test rows whose confidence it lowered,
    /// of which in scope and predicted right, automation rate and precision re-weighted
    /// as above without the rule).
    pub rule_effect: Option<(usize, usize, f64, f64)>,
    /// Expected calibration error of the confidence (10 bins) against correctness.
    pub ece: f64,
    /// Accuracy by language, when the test file gives languages: (code, accuracy, rows).
    pub per_language: Vec<(String, f64, usize)>,
    /// In accurate mode, the test texts whose sentence vector holds the encoder's
    /// reading (the others are in a language it does not read).
    pub encoder_read: Option<u64>,
}

fn pct(v: f64) -> String {
    format!("{:.2} %", v * 100.0)
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "train rows {} ({:.2} s), test rows {} ({} out of scope)",
            self.train_rows, self.train_seconds, self.test_rows, self.oos_rows
        )?;
        writeln!(
            f,
            "in-scope top-1 accuracy   {}",
            pct(self.in_scope_accuracy)
        )?;
        if let Some(r) = self.oos_recall {
            writeln!(f, "out-of-scope recall       {}", pct(r))?;
        }
        if let Some(a) = self.auroc {
            writeln!(f, "AUROC in vs out of scope  {a:.4}")?;
        }
        writeln!(
            f,
            "automation rate           {} (precision {})",
            pct(self.automation_rate),
            pct(self.automation_precision)
        )?;
        if let (Some(r), Some(p)) = (
            self.automation_rate_traffic,
            self.automation_precision_traffic,
        ) {
            writeln!(
                f,
                "at {:.0} % out of scope     rate {} precision {}",
                TRAFFIC_OOS_SHARE * 100.0,
                pct(r),
                pct(p)
            )?;
        }
        if !self.threshold_sweep.is_empty() {
            write!(f, "  threshold: rate/precision")?;
            for (t, r, p) in &self.threshold_sweep {
                write!(f, "  {t:.2}: {:.1}/{:.2}", r * 100.0, p * 100.0)?;
            }
            writeln!(f)?;
        }
        if let Some(c) = &self.chosen {
            writeln!(
                f,
                "threshold by confidence bound {:.2}: rate {} precision {} (95 % Wilson lower bound {}, effective n {:.0}, target {})",
                c.threshold,
                pct(c.rate),
                pct(c.precision),
                pct(c.lower_bound),
                c.effective_n,
                pct(PRECISION_TARGET)
            )?;
        }
        if let Some((lowered, right, rate, precision)) = self.rule_effect {
            writeln!(
                f,
                "unanswered-problem rule   lowered {lowered} rows ({right} of them right); without it: rate {} precision {}",
                pct(rate),
                pct(precision)
            )?;
        }
        if let Some(read) = self.encoder_read {
            writeln!(
                f,
                "sentence encoder          read {read} of {} test texts (the others keep the static vectors)",
                self.test_rows
            )?;
        }
        write!(f, "expected calibration err {:.4}", self.ece)?;
        if !self.per_language.is_empty() {
            let mean =
                self.per_language.iter().map(|l| l.1).sum::<f64>() / self.per_language.len() as f64;
            write!(f, "\nper language (mean {}):", pct(mean))?;
            for (l, a, n) in &self.per_language {
                write!(f, " {l} {:.1} ({n})", a * 100.0)?;
            }
        }
        Ok(())
    }
}

/// One scored test row.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The gold row.
    pub row: Row,
    /// Predicted intent.
    pub predicted: String,
    /// Calibrated confidence.
    pub confidence: f32,
}

/// Area under the ROC curve of `scores` for positives against negatives (ties count
/// half).
pub fn auroc(pos: &[f32], neg: &[f32]) -> Option<f64> {
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut all: Vec<(f32, bool)> = pos
        .iter()
        .map(|&s| (s, true))
        .chain(neg.iter().map(|&s| (s, false)))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Rank-sum with average ranks for ties.
    let mut rank_sum = 0f64;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let avg = (i + j + 1) as f64 / 2.0;
        rank_sum += avg * all[i..j].iter().filter(|x| x.1).count() as f64;
        i = j;
    }
    let np = pos.len() as f64;
    let nn = neg.len() as f64;
    Some((rank_sum - np * (np + 1.0) / 2.0) / (np * nn))
}

/// Computes the report from scored rows, with `threshold` deciding automation.
pub fn report(scored: &[Scored], threshold: f32) -> EvalReport {
    let is_oos = |s: &Scored| s.row.intent == OOS_INTENT;
    let correct = |s: &Scored| !is_oos(s) && s.predicted == s.row.intent;
    let n_in = scored.iter().filter(|s| !is_oos(s)).count();
    let n_oos = scored.len() - n_in;
    let mut r = EvalReport {
        test_rows: scored.len(),
        oos_rows: n_oos,
        ..Default::default()
    };
    r.in_scope_accuracy = ratio(scored.iter().filter(|s| correct(s)).count(), n_in);
    if n_oos > 0 {
        r.oos_recall = Some(ratio(
            scored
                .iter()
                .filter(|s| is_oos(s) && s.confidence < threshold)
                .count(),
            n_oos,
        ));
    }
    let pos: Vec<f32> = scored
        .iter()
        .filter(|s| !is_oos(s))
        .map(|s| s.confidence)
        .collect();
    let neg: Vec<f32> = scored
        .iter()
        .filter(|s| is_oos(s))
        .map(|s| s.confidence)
        .collect();
    r.auroc = auroc(&pos, &neg);
    let auto: Vec<&Scored> = scored
        .iter()
        .filter(|s| s.confidence >= threshold)
        .collect();
    r.automation_rate = ratio(auto.len(), scored.len());
    r.automation_precision = ratio(auto.iter().filter(|s| correct(s)).count(), auto.len());
    if n_oos > 0 && n_in > 0 {
        let w_in = (1.0 - TRAFFIC_OOS_SHARE) / n_in as f64;
        let w_oos = TRAFFIC_OOS_SHARE / n_oos as f64;
        let w = |s: &Scored| if is_oos(s) { w_oos } else { w_in };
        let at = |t: f32| {
            let auto = scored.iter().filter(|s| s.confidence >= t);
            let auto_w: f64 = auto.clone().map(w).sum();
            let right_w: f64 = auto.filter(|s| correct(s)).map(w).sum();
            (auto_w, if auto_w > 0.0 { right_w / auto_w } else { 0.0 })
        };
        let (rate, precision) = at(threshold);
        r.automation_rate_traffic = Some(rate);
        r.automation_precision_traffic = Some(precision);
        r.chosen = choose_threshold(scored, PRECISION_TARGET);
        r.threshold_sweep = [0.85, 0.88, 0.90, 0.92, 0.94, 0.96]
            .into_iter()
            .map(|t| {
                let (rate, precision) = at(t);
                (t, rate, precision)
            })
            .collect();
    }
    // Expected calibration error over 10 equal-width bins.
    let mut bins = [(0f64, 0f64, 0usize); 10];
    for s in scored {
        let b = ((s.confidence as f64 * 10.0) as usize).min(9);
        bins[b].0 += s.confidence as f64;
        bins[b].1 += correct(s) as u8 as f64;
        bins[b].2 += 1;
    }
    r.ece = bins
        .iter()
        .filter(|b| b.2 > 0)
        .map(|b| (b.0 - b.1).abs() / scored.len() as f64)
        .sum();
    let mut langs: Vec<String> = scored
        .iter()
        .filter_map(|s| s.row.language.clone())
        .collect();
    langs.sort();
    langs.dedup();
    for l in langs {
        let rows: Vec<&Scored> = scored
            .iter()
            .filter(|s| s.row.language.as_deref() == Some(&l) && !is_oos(s))
            .collect();
        let acc = ratio(rows.iter().filter(|s| correct(s)).count(), rows.len());
        r.per_language.push((l, acc, rows.len()));
    }
    r
}

/// The automation precision the default threshold must keep.
pub const PRECISION_TARGET: f64 = 0.985;

/// One-sided 95 % normal quantile.
pub const Z_95: f64 = 1.645;

/// A threshold chosen by a confidence bound, with what it gives on the data.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct ThresholdChoice {
    /// The threshold.
    pub threshold: f32,
    /// Re-weighted automation rate at it.
    pub rate: f64,
    /// Re-weighted automation precision at it.
    pub precision: f64,
    /// Lower end of the one-sided 95 % Wilson interval of that precision.
    pub lower_bound: f64,
    /// Kish effective sample size of the automated rows under the re-weighting.
    pub effective_n: f64,
}

/// Lower end of the Wilson score interval of a proportion `p` observed on `n` trials.
pub fn wilson_lower(p: f64, n: f64, z: f64) -> f64 {
    if n <= 0.0 {
        return 0.0;
    }
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let spread = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - spread) / (1.0 + z2 / n)).max(0.0)
}

/// Chooses the auto-send threshold so that the shipped default holds on new data: rows
/// are re-weighted to [`TRAFFIC_OOS_SHARE`] out-of-scope traffic; walking down from 0.99
/// in steps of 0.01, a threshold qualifies while the lower end of the one-sided 95 %
/// Wilson interval of the re-weighted precision (on the Kish effective number of
/// automated rows) stays at or above `target`; the lowest threshold reached before the
/// first failure is chosen. `None` when the data has no out-of-scope rows or not even
/// 0.99 qualifies.
pub fn choose_threshold(scored: &[Scored], target: f64) -> Option<ThresholdChoice> {
    let is_oos = |s: &Scored| s.row.intent == OOS_INTENT;
    let n_in = scored.iter().filter(|s| !is_oos(s)).count();
    let n_oos = scored.len() - n_in;
    if n_in == 0 || n_oos == 0 {
        return None;
    }
    let w_in = (1.0 - TRAFFIC_OOS_SHARE) / n_in as f64;
    let w_oos = TRAFFIC_OOS_SHARE / n_oos as f64;
    let mut chosen = None;
    for step in (50..=99).rev() {
        let t = step as f32 / 100.0;
        let (mut sw, mut sw2, mut right) = (0f64, 0f64, 0f64);
        for s in scored.iter().filter(|s| s.confidence >= t) {
            let w = if is_oos(s) { w_oos } else { w_in };
            sw += w;
            sw2 += w * w;
            if !is_oos(s) && s.predicted == s.row.intent {
                right += w;
            }
        }
        if sw == 0.0 {
            continue;
        }
        let precision = right / sw;
        let n_eff = sw * sw / sw2;
        let lower = wilson_lower(precision, n_eff, Z_95);
        if lower < target {
            break;
        }
        chosen = Some(ThresholdChoice {
            threshold: t,
            rate: sw,
            precision,
            lower_bound: lower,
            effective_n: n_eff,
        });
    }
    chosen
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Turns eval rows into training examples (`oos` rows stay `oos`: the engine uses them
/// only to learn low confidence).
pub fn examples(rows: &[Row]) -> Vec<LabeledExample> {
    rows.iter()
        .map(|r| LabeledExample {
            text: r.text.clone(),
            intent: r.intent.clone(),
            positive: true,
        })
        .collect()
}

/// Scores test rows with a trained engine, calling `progress(done, total)` now and then.
pub fn score(engine: &Engine, test: &[Row], progress: &mut dyn FnMut(usize, usize)) -> Vec<Scored> {
    score_with_and_without_rules(engine, test, progress).0
}

/// [`score`], and the same rows scored without the unanswered-problem rule.
fn score_with_and_without_rules(
    engine: &Engine,
    test: &[Row],
    progress: &mut dyn FnMut(usize, usize),
) -> (Vec<Scored>, Vec<Scored>) {
    let total = test.len();
    let (mut with, mut without) = (Vec::with_capacity(total), Vec::with_capacity(total));
    let scored = |row: &Row, p: Prediction| Scored {
        row: row.clone(),
        predicted: p.intent.unwrap_or_default(),
        confidence: p.confidence,
    };
    for (i, row) in test.iter().enumerate() {
        let (p, raw) = engine.predict_with_and_without_rules(&row.text);
        with.push(scored(row, p));
        without.push(scored(row, raw));
        if i % 256 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    (with, without)
}

/// Runs the eval contract: trains on `train`, scores `test`, writes `predictions` (JSONL)
/// when given, and reports at the default auto-send threshold.
pub fn run(
    train: &Path,
    test: &Path,
    predictions: Option<&Path>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<EvalReport, EvalError> {
    let train_rows = read_rows(train)?;
    let test_rows = read_rows(test)?;
    let cfg =
        Config::from_env().map_err(|e| EvalError::Parse("TANDEM_TRIAGE_CONFIG".into(), 1, e))?;
    let t0 = Instant::now();
    let engine = Engine::train_with(&[], &examples(&train_rows), &cfg);
    let train_seconds = t0.elapsed().as_secs_f64();
    let encoder = super::encoder::configured();
    let read_before = encoder.map(|e| e.vectors_used());
    let (scored, raw) = score_with_and_without_rules(&engine, &test_rows, progress);
    let encoder_read = encoder.zip(read_before).map(|(e, b)| e.vectors_used() - b);
    if let Some(p) = predictions {
        write_predictions(p, &scored, Settings::default().auto_threshold)?;
    }
    let mut r = report(&scored, Settings::default().auto_threshold);
    let lowered: Vec<(&Scored, &Scored)> = scored
        .iter()
        .zip(&raw)
        .filter(|(a, b)| a.confidence < b.confidence)
        .collect();
    let without = report(&raw, Settings::default().auto_threshold);
    r.rule_effect = Some((
        lowered.len(),
        lowered
            .iter()
            .filter(|(a, _)| a.row.intent != OOS_INTENT && a.predicted == a.row.intent)
            .count(),
        without
            .automation_rate_traffic
            .unwrap_or(without.automation_rate),
        without
            .automation_precision_traffic
            .unwrap_or(without.automation_precision),
    ));
    r.train_rows = train_rows.len();
    r.train_seconds = train_seconds;
    r.encoder_read = encoder_read;
    Ok(r)
}

/// Writes the predictions JSONL.
pub fn write_predictions(path: &Path, scored: &[Scored], threshold: f32) -> Result<(), EvalError> {
    let name = path.display().to_string();
    let f = std::fs::File::create(path).map_err(|e| EvalError::Io(name.clone(), e))?;
    let mut w = BufWriter::new(f);
    for (i, s) in scored.iter().enumerate() {
        let row = PredictionRow {
            index: i,
            predicted_intent: s.predicted.clone(),
            confidence: s.confidence,
            escalate: s.confidence < threshold,
        };
        let line = serde_json::to_string(&row).expect("prediction serialises");
        writeln!(w, "{line}").map_err(|e| EvalError::Io(name.clone(), e))?;
    }
    w.flush().map_err(|e| EvalError::Io(name, e))
}

/// Result of [`bench_throughput`].
#[derive(Clone, Debug, serde::Serialize)]
pub struct BenchReport {
    /// Messages triaged.
    pub messages: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Messages per second on one thread.
    pub per_second: f64,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} messages in {:.3} s: {:.0} messages/s on one thread",
            self.messages, self.seconds, self.per_second
        )
    }
}

/// Triages `texts` (cycled until `messages` have been done) with `settings` on the
/// calling thread and measures the rate.
pub fn bench_throughput(
    engine: &Engine,
    texts: &[String],
    messages: usize,
    settings: &Settings,
) -> BenchReport {
    let t0 = Instant::now();
    let mut n = 0;
    let mut sink = 0usize;
    if !texts.is_empty() {
        while n < messages {
            let t = &texts[n % texts.len()];
            let d = engine.triage(
                &Message {
                    subject: "",
                    text: t,
                    ..Default::default()
                },
                settings,
            );
            sink += d.risk_flags.len();
            n += 1;
        }
    }
    std::hint::black_box(sink);
    let seconds = t0.elapsed().as_secs_f64().max(1e-9);
    BenchReport {
        messages: n,
        seconds,
        per_second: n as f64 / seconds,
    }
}

/// One point of the learning curve: the engine after `reviews` agents' reviews.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LearningPoint {
    /// Reviews replayed so far.
    pub reviews: usize,
    /// Training examples (seed questions plus reviews).
    pub examples: usize,
    /// Share of test messages answered automatically (confidence ≥ threshold).
    pub automation_rate: f64,
    /// Share of those answers with the right intent (an out-of-scope message answered
    /// counts as wrong).
    pub precision: f64,
    /// The same two re-weighted to [`TRAFFIC_OOS_SHARE`] out-of-scope traffic, when the
    /// test file has out-of-scope rows.
    pub traffic: Option<(f64, f64)>,
    /// In-scope top-1 accuracy.
    pub accuracy: f64,
}

/// Replays agents' reviews: the knowledge base starts with `seeds` example questions per
/// intent (the first rows of each intent after a shuffle with `seed`), the rest of
/// `train` is a stream of messages whose true intents agents confirm one by one, and
/// after each checkpoint's number of reviews the engine is retrained and scored on
/// `test` at `threshold`. No row of `test` is ever trained on.
pub fn learning_curve(
    train: &[Row],
    test: &[Row],
    seeds: usize,
    checkpoints: &[usize],
    threshold: f32,
    seed: u64,
    cfg: &Config,
) -> Vec<LearningPoint> {
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let mut rows: Vec<&Row> = train.iter().collect();
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    let mut per_intent: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    let mut stream: Vec<&Row> = Vec::new();
    for r in rows {
        let qs = per_intent.entry(r.intent.as_str()).or_default();
        if r.intent != super::OOS_INTENT && qs.len() < seeds {
            qs.push(r.text.clone());
        } else {
            stream.push(r);
        }
    }
    let articles: Vec<super::KnowledgeArticle> = per_intent
        .into_iter()
        .filter(|(intent, qs)| *intent != super::OOS_INTENT && !qs.is_empty())
        .map(|(intent, questions)| super::KnowledgeArticle {
            id: intent.to_string(),
            intent: intent.to_string(),
            title: String::new(),
            body: format!("The answer about {intent}."),
            language: "en".into(),
            questions,
        })
        .collect();
    checkpoints
        .iter()
        .map(|&k| {
            let reviewed = examples(
                &stream
                    .iter()
                    .take(k)
                    .map(|r| (*r).clone())
                    .collect::<Vec<_>>(),
            );
            let engine = Engine::train_with(&articles, &reviewed, cfg);
            let scored = score(&engine, test, &mut |_, _| {});
            let r = report(&scored, threshold);
            LearningPoint {
                reviews: k.min(stream.len()),
                examples: articles.iter().map(|a| a.questions.len()).sum::<usize>()
                    + reviewed.len(),
                automation_rate: r.automation_rate,
                precision: r.automation_precision,
                traffic: r
                    .automation_rate_traffic
                    .zip(r.automation_precision_traffic),
                accuracy: r.in_scope_accuracy,
            }
        })
        .collect()
}

impl fmt::Display for LearningPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "| {:>7} | {:>8} | {:>8} | {:>10} | {:>9} |",
            self.reviews,
            self.examples,
            pct(self.accuracy),
            pct(self.automation_rate),
            pct(self.precision)
        )?;
        if let Some((rate, precision)) = self.traffic {
            write!(f, " {:>10} | {:>9} |", pct(rate), pct(precision))?;
        }
        Ok(())
    }
}

/// The header of the learning-curve table (Markdown).
pub fn learning_header(traffic: bool) -> String {
    let mut h = String::from("| reviews | examples | accuracy | automation | precision |");
    let mut rule = String::from("| ---: | ---: | ---: | ---: | ---: |");
    if traffic {
        h.push_str(&format!(
            " automation at {:.0} % oos | precision at {:.0} % oos |",
            TRAFFIC_OOS_SHARE * 100.0,
            TRAFFIC_OOS_SHARE * 100.0
        ));
        rule.push_str(" ---: | ---: |");
    }
    format!("{h}\n{rule}")
}

#[cfg(test)]
mod threshold_tests {
    use super::*;

    fn scored(intent: &str, predicted: &str, confidence: f32) -> Scored {
        Scored {
            row: Row {
                text: String::new(),
                intent: intent.into(),
                language: None,
            },
            predicted: predicted.into(),
            confidence,
        }
    }

    #[test]
    fn wilson_bound_is_below_the_observed_share_and_tightens_with_more_data() {
        let small = wilson_lower(0.99, 100.0, Z_95);
        let large = wilson_lower(0.99, 10_000.0, Z_95);
        assert!(small < large && large < 0.99, "{small} {large}");
        assert!((wilson_lower(0.5, 1e9, Z_95) - 0.5).abs() < 1e-3);
        assert_eq!(wilson_lower(1.0, 0.0, Z_95), 0.0);
    }

    #[test]
    fn the_chosen_threshold_keeps_the_bound_above_the_target() {
        // 2,000 right answers at 0.95, 100 out-of-scope rows: 90 low, 10 at 0.80, and 30
        // wrong answers at 0.70.
        let mut rows: Vec<Scored> = (0..2000).map(|_| scored("a", "a", 0.95)).collect();
        rows.extend((0..90).map(|_| scored("oos", "a", 0.30)));
        rows.extend((0..10).map(|_| scored("oos", "a", 0.80)));
        rows.extend((0..30).map(|_| scored("b", "a", 0.70)));
        let c = choose_threshold(&rows, 0.985).expect("a threshold");
        // Above 0.80 only right answers are automated; at 0.80 the out-of-scope rows,
        // weighted to 18 % of traffic, break the bound.
        assert!(c.threshold > 0.80 && c.threshold <= 0.95, "{c:?}");
        assert!(c.lower_bound >= 0.985 && c.precision == 1.0, "{c:?}");
        let none: Vec<Scored> = (0..10).map(|_| scored("a", "a", 0.95)).collect();
        assert_eq!(choose_threshold(&none, 0.985), None, "no out-of-scope rows");
    }
}
