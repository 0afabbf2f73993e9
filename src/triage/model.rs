//! The trained intent model: feature space, linear classifier, nearest-example index and
//! calibrator together, trained with a held-out split for the calibration.

use super::calibration::{Calibrator, Signals};
use super::classifier::{
    self, Analyzed, Config, FeatureSpace, KnnIndex, LinearModel, Neighbours, Rng, SparseVec, Target,
};
use super::tokenize::GROUP_DENSE;

/// The reserved intent label of out-of-scope training examples: they never become a
/// class, they teach the calibration what to give low confidence.
pub const OOS_INTENT: &str = "oos";

/// One training text for [`IntentModel::train`].
#[derive(Clone, Debug)]
pub struct TrainText<'a> {
    /// The text.
    pub text: &'a str,
    /// Its intent label (`OOS_INTENT` for out of scope).
    pub intent: &'a str,
    /// False when the text is known *not* to be of this intent.
    pub positive: bool,
}

/// A classification of one text.
#[derive(Clone, Debug)]
pub struct Scored {
    /// Index of the predicted class in [`IntentModel::labels`], if there are classes.
    pub class: Option<usize>,
    /// The linear model's probability of that class.
    pub probability: f32,
    /// Calibrated probability that the prediction is right.
    pub confidence: f32,
    /// The raw signals the confidence was computed from.
    pub signals: Signals,
}

/// Everything that classifies a text into an intent.
#[derive(Clone, Debug, Default)]
pub struct IntentModel {
    pub(crate) labels: Vec<String>,
    pub(crate) space: FeatureSpace,
    pub(crate) linear: LinearModel,
    pub(crate) knn: KnnIndex,
    pub(crate) calibrator: Calibrator,
    pub(crate) knn_weight: f32,
    pub(crate) centroid_weight: f32,
    /// Weight of the encoder's nearest-example cosine of a class when choosing the
    /// intent (accurate mode).
    pub(crate) encoded_weight: f32,
    /// Positive training examples per class, a signal of the calibration (empty: not
    /// used).
    pub(crate) class_counts: Vec<u32>,
    /// Added to each class's score when choosing the intent
    /// ([`Config::prior_correction`]; empty: nothing).
    pub(crate) class_bias: Vec<f32>,
}

/// How the signals of a prediction are computed (the parts of a model besides its
/// fitted weights).
#[derive(Clone, Copy)]
struct Scoring<'a> {
    knn_weight: f32,
    centroid_weight: f32,
    encoded_weight: f32,
    /// Training examples per class (empty: not a signal).
    counts: &'a [u32],
    /// Added to each class's score when choosing the intent (empty: nothing).
    bias: &'a [f32],
}

struct Fitted {
    space: FeatureSpace,
    linear: LinearModel,
    knn: KnnIndex,
}

fn fit(feats: &[&Analyzed], targets: &[Target], n_class: usize, cfg: &Config) -> Fitted {
    let pos_feats: Vec<&Analyzed> = feats
        .iter()
        .zip(targets)
        .filter(|(_, t)| t.positive)
        .map(|(f, _)| *f)
        .collect();
    let space = FeatureSpace::build(&pos_feats, cfg);
    let xs: Vec<SparseVec> = feats.iter().map(|f| space.vectorize(f)).collect();
    let linear = LinearModel::train(&xs, targets, space.n_inputs(), n_class, cfg);
    let (kx, kl): (Vec<SparseVec>, Vec<u32>) = xs
        .into_iter()
        .zip(targets)
        .filter(|(_, t)| t.positive)
        .map(|(x, t)| (x, t.class))
        .unzip();
    let knn = KnnIndex::build(
        &kx,
        &kl,
        n_class,
        &space,
        cfg.knn_max_df,
        cfg.centroid_full,
        cfg.dense_candidates,
    );
    Fitted { space, linear, knn }
}

/// Signals of one vector. With `removed`, the class is taken out as if it did not exist:
/// the held-out example then stands for an out-of-scope message close to the domain.
fn signals(
    linear: &LinearModel,
    knn: &KnnIndex,
    groups: &[u8],
    x: &SparseVec,
    sc: Scoring,
    removed: Option<usize>,
) -> (usize, Signals) {
    let mut probs = linear.probabilities(x);
    if let Some(r) = removed {
        let rest = (1.0 - probs[r]).max(1e-6);
        probs[r] = 0.0;
        for p in probs.iter_mut() {
            *p /= rest;
        }
    }
    let mut nb = knn.query(x, linear.n_class, groups, &probs);
    if let Some(r) = removed {
        nb.per_class[r] = 0.0;
        if let Some(c) = nb.centroid.get_mut(r) {
            *c = -1.0;
        }
        if let Some(c) = nb.encoded.get_mut(r) {
            *c = -1.0;
        }
    }
    let mut s = signals_from(&probs, &nb, sc);
    s.1.n_features = x.idx.len() as u32;
    s.1.n_examples = sc.counts.get(s.0).copied().unwrap_or(0);
    s
}

fn signals_from(probs: &[f32], nb: &Neighbours, sc: Scoring) -> (usize, Signals) {
    let knn = &nb.per_class;
    let centroid = &nb.centroid;
    let mut c1 = 0usize;
    let mut best = f32::NEG_INFINITY;
    for (i, (&p, &k)) in probs.iter().zip(knn).enumerate() {
        let mut s = p.max(1e-30).ln() + sc.knn_weight * k;
        if let Some(&b) = sc.bias.get(i) {
            s += b;
        }
        if sc.centroid_weight != 0.0
            && let Some(&c) = centroid.get(i)
        {
            s += sc.centroid_weight * c;
        }
        if let Some(&e) = nb.encoded.get(i) {
            s += sc.encoded_weight * e;
        }
        if s > best {
            best = s;
            c1 = i;
        }
    }
    let mut p2 = 0f32;
    for (i, &p) in probs.iter().enumerate() {
        if i != c1 && p > p2 {
            p2 = p;
        }
    }
    let (mut nn_best, mut nn_class) = (0f32, 0usize);
    for (i, &k) in knn.iter().enumerate() {
        if k > nn_best {
            nn_best = k;
            nn_class = i;
        }
    }
    (
        c1,
        Signals {
            p1: probs[c1],
            p2,
            nn_best,
            nn_pred: knn[c1],
            agree: nn_class == c1,
            sem_pred: centroid.get(c1).copied().unwrap_or(0.0),
            sem_best: centroid.iter().copied().fold(0.0, f32::max),
            enc_pred: nb.encoded.get(c1).copied().unwrap_or(0.0),
            enc_best: nb.encoded.iter().copied().fold(0.0, f32::max),
            n_features: 0,
            n_examples: 0,
        },
    )
}

/// Each class's correction for its share of the positive training examples
/// ([`Config::prior_correction`]); empty when there is none to make. A class known only
/// from texts said not to be of it (rejected drafts) gets none: its lack of examples
/// must not make it likelier.
fn class_bias(in_scope: &[(usize, Target)], n_class: usize, strength: f32) -> Vec<f32> {
    if strength == 0.0 {
        return Vec::new();
    }
    let mut n = vec![0u32; n_class];
    for (_, t) in in_scope.iter().filter(|(_, t)| t.positive) {
        n[t.class as usize] += 1;
    }
    let total = n.iter().map(|&c| c as f32).sum::<f32>().max(1.0);
    n.iter()
        .map(|&c| match c {
            0 => 0.0,
            c => -strength * (c as f32 / total).ln(),
        })
        .collect()
}

impl IntentModel {
    /// Trains on the texts: a first fit without a held-out share of them gives the data for
    /// the calibration, the final fit uses everything.
    pub fn train(texts: &[TrainText], cfg: &Config) -> IntentModel {
        let mut labels: Vec<String> = texts
            .iter()
            .filter(|t| t.intent != OOS_INTENT)
            .map(|t| t.intent.to_string())
            .collect();
        labels.sort();
        labels.dedup();
        let n_class = labels.len();
        if n_class == 0 {
            return IntentModel::default();
        }
        let class_of = |s: &str| labels.binary_search_by(|l| l.as_str().cmp(s)).ok();
        let dense = cfg.group_weight[GROUP_DENSE as usize] > 0.0;
        let feats: Vec<Analyzed> =
            classifier::analyze_many(&texts.iter().map(|t| t.text).collect::<Vec<_>>(), dense);
        let mut in_scope: Vec<(usize, Target)> = Vec::new();
        let mut oos: Vec<usize> = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            match class_of(t.intent) {
                Some(c) => in_scope.push((
                    i,
                    Target {
                        class: c as u32,
                        positive: t.positive,
                    },
                )),
                None => {
                    if t.positive {
                        oos.push(i)
                    }
                }
            }
        }

        // Held-out split for calibration, stratified: from each class with at least 4
        // positive examples, a share goes to the held-out part.
        let mut rng = Rng(0xCA11_B8A7);
        let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_class];
        for (k, (_, t)) in in_scope.iter().enumerate() {
            if t.positive {
                by_class[t.class as usize].push(k);
            }
        }
        let mut held = vec![false; in_scope.len()];
        for members in by_class.iter_mut() {
            if members.len() >= 4 && cfg.calibration_share > 0.0 {
                rng.shuffle(members);
                let n = ((members.len() as f32) * cfg.calibration_share).round() as usize;
                for &k in members.iter().take(n.max(1)) {
                    held[k] = true;
                }
            }
        }
        let n_held = held.iter().filter(|&&h| h).count();
        // The calibration sees each class's count in the final fit, the one it will be
        // applied with.
        let counts: Vec<u32> = if cfg.count_signal {
            let mut counts = vec![0u32; n_class];
            for (_, t) in in_scope.iter().filter(|(_, t)| t.positive) {
                counts[t.class as usize] += 1;
            }
            counts
        } else {
            Vec::new()
        };
        let bias = class_bias(&in_scope, n_class, cfg.prior_correction);
        let scoring = Scoring {
            knn_weight: cfg.knn_weight,
            centroid_weight: cfg.centroid_weight,
            encoded_weight: cfg.encoded_weight,
            counts: &counts,
            bias: &bias,
        };
        // The calibration fit and the final fit are independent: run them side by side.
        let calibrate = || {
            if n_held < super::calibration::MIN_FIT_ROWS {
                return Calibrator::default();
            }
            let tr: Vec<usize> = (0..in_scope.len()).filter(|&k| !held[k]).collect();
            let f: Vec<&Analyzed> = tr.iter().map(|&k| &feats[in_scope[k].0]).collect();
            let t: Vec<Target> = tr.iter().map(|&k| in_scope[k].1).collect();
            // A lighter fit is enough to see how the model errs.
            let light = Config {
                epochs: (cfg.epochs / 2).max(1),
                target_updates: (cfg.target_updates as f32 * cfg.calibration_effort) as usize,
                ..cfg.clone()
            };
            let fitted = fit(&f, &t, n_class, &light);
            let mut data = Vec::with_capacity(n_held + oos.len());
            let signals_of = |x: &SparseVec, removed: Option<usize>| {
                signals(
                    &fitted.linear,
                    &fitted.knn,
                    &fitted.space.group,
                    x,
                    scoring,
                    removed,
                )
            };
            for k in (0..in_scope.len()).filter(|&k| held[k]) {
                let x = fitted.space.vectorize(&feats[in_scope[k].0]);
                let gold = in_scope[k].1.class as usize;
                let (c, s) = signals_of(&x, None);
                data.push((s, c == gold, 1.0));
                if cfg.pseudo_oos_weight > 0.0 && n_class > 2 {
                    data.push((signals_of(&x, Some(gold)).1, false, cfg.pseudo_oos_weight));
                }
            }
            for &i in &oos {
                let x = fitted.space.vectorize(&feats[i]);
                data.push((signals_of(&x, None).1, false, cfg.oos_weight));
            }
            Calibrator::fit(&data, cfg.confidence_margin)
        };
        // Too few examples to fit a calibration (known before either fit): the hand-set
        // prior reads the linear model's probabilities as a model trained on every
        // feature gives them (dropout makes them bolder: on small xSID knowledge bases it
        // sent 12.1 % at 97.0 % precision instead of 9.6 % at 98.1 %).
        let final_cfg = if n_held < super::calibration::MIN_FIT_ROWS {
            Config {
                feature_dropout: 0.0,
                ..cfg.clone()
            }
        } else {
            cfg.clone()
        };
        let final_fit = |cfg: &Config| {
            let f: Vec<&Analyzed> = in_scope.iter().map(|(i, _)| &feats[*i]).collect();
            let t: Vec<Target> = in_scope.iter().map(|(_, t)| *t).collect();
            fit(&f, &t, n_class, cfg)
        };
        let (calibrator, fitted) = std::thread::scope(|sc| {
            let cal = sc.spawn(calibrate);
            let fitted = final_fit(&final_cfg);
            (cal.join().expect("calibration thread"), fitted)
        });
        // Enough rows, but the fit fell back to the prior all the same (every held-out
        // example right, as with two intents far apart): made again on every feature.
        let fitted = if calibrator == Calibrator::default() && final_cfg.feature_dropout > 0.0 {
            final_fit(&Config {
                feature_dropout: 0.0,
                ..cfg.clone()
            })
        } else {
            fitted
        };
        IntentModel {
            labels,
            space: fitted.space,
            linear: fitted.linear,
            knn: fitted.knn,
            calibrator,
            knn_weight: cfg.knn_weight,
            centroid_weight: cfg.centroid_weight,
            encoded_weight: cfg.encoded_weight,
            class_counts: counts,
            class_bias: bias,
        }
    }

    /// The intent labels, index = class.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The feature space (for similarity between texts and articles).
    pub fn space(&self) -> &FeatureSpace {
        &self.space
    }

    /// Classifies a text.
    pub fn score(&self, text: &str) -> Scored {
        self.score_vector(&self.space.embed(text))
    }

    /// Classifies a text already vectorised in this model's feature space.
    pub fn score_vector(&self, x: &SparseVec) -> Scored {
        if self.labels.is_empty() {
            return Scored {
                class: None,
                probability: 0.0,
                confidence: 0.0,
                signals: Signals::default(),
            };
        }
        let (c, s) = signals(
            &self.linear,
            &self.knn,
            &self.space.group,
            x,
            Scoring {
                knn_weight: self.knn_weight,
                centroid_weight: self.centroid_weight,
                encoded_weight: self.encoded_weight,
                counts: &self.class_counts,
                bias: &self.class_bias,
            },
            None,
        );
        Scored {
            class: Some(c),
            probability: s.p1,
            confidence: self.calibrator.confidence(&s),
            signals: s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn examples(per_class: &[(u32, bool, usize)]) -> Vec<(usize, Target)> {
        per_class
            .iter()
            .flat_map(|&(class, positive, n)| {
                std::iter::repeat_n((0, Target { class, positive }), n)
            })
            .collect()
    }

    fn knowledge_base(per_intent: usize) -> Vec<(String, &'static str)> {
        let topics = [
            ("parcel", "where is my parcel"),
            ("invoice", "my invoice is wrong"),
            ("password", "I cannot log in to my account"),
        ];
        let extras = [
            "please help",
            "today",
            "urgent",
            "thanks",
            "since monday",
            "again",
        ];
        topics
            .iter()
            .flat_map(|&(intent, text)| {
                (0..per_intent)
                    .map(move |i| (format!("{text} {}", extras[i % extras.len()]), intent))
            })
            .collect()
    }

    fn confidences(kb: &[(String, &str)], dropout: f32) -> Vec<f32> {
        confidences_of(
            kb,
            dropout,
            &[
                "where is the parcel I ordered",
                "the invoice shows a wrong amount",
            ],
        )
    }

    fn confidences_of(kb: &[(String, &str)], dropout: f32, queries: &[&str]) -> Vec<f32> {
        let texts: Vec<TrainText> = kb
            .iter()
            .map(|(text, intent)| TrainText {
                text,
                intent,
                positive: true,
            })
            .collect();
        let model = IntentModel::train(
            &texts,
            &Config {
                feature_dropout: dropout,
                ..Config::default()
            },
        );
        queries.iter().map(|q| model.score(q).confidence).collect()
    }

    /// The hand-set prior calibration of a small knowledge base reads the probabilities
    /// of a model trained on every feature; dropout is for the models whose calibration
    /// is fitted.
    #[test]
    fn a_knowledge_base_too_small_to_fit_a_calibration_is_trained_on_every_feature() {
        let small = knowledge_base(5);
        assert_eq!(confidences(&small, 0.5), confidences(&small, 0.0));
        let large = knowledge_base(60);
        assert_ne!(confidences(&large, 0.5), confidences(&large, 0.0));
    }

    /// Two intents far apart: every held-out example is right, so no calibration can be
    /// fitted, however many examples there are; the prior is used, and so is a model
    /// trained on every feature.
    #[test]
    fn a_calibration_that_falls_back_to_the_prior_gets_a_model_trained_on_every_feature() {
        let two_intents: Vec<(String, &str)> = knowledge_base(90)
            .into_iter()
            .filter(|(_, intent)| *intent != "password")
            .collect();
        assert!(two_intents.len() as f32 * Config::default().calibration_share >= 30.0);
        // Messages the model is unsure of (a model trained with dropout reads "wrong" as
        // 0.74 sure, one trained on every feature as 0.67).
        let unsure = ["wrong", "where is it", "my invoice parcel"];
        assert_eq!(
            confidences_of(&two_intents, 0.5, &unsure),
            confidences_of(&two_intents, 0.0, &unsure)
        );
    }

    #[test]
    fn rarer_intents_are_lifted_by_the_log_of_their_share_and_unknown_ones_not_at_all() {
        // Class 0: 30 examples, class 1: 10, class 2: only rejected drafts.
        let ex = examples(&[(0, true, 30), (1, true, 10), (2, false, 5)]);
        let bias = class_bias(&ex, 3, 1.0);
        assert!((bias[0] - (40f32 / 30.0).ln()).abs() < 1e-5, "{bias:?}");
        assert!((bias[1] - 4f32.ln()).abs() < 1e-5, "{bias:?}");
        // The lift of a rarer class over a commoner one is the log of their ratio.
        assert!((bias[1] - bias[0] - 3f32.ln()).abs() < 1e-5, "{bias:?}");
        assert_eq!(bias[2], 0.0);
        assert!(bias[2] < bias[0], "no example must not mean most lifted");
        assert!(class_bias(&ex, 3, 0.0).is_empty());
        let half = class_bias(&ex, 3, 0.5);
        assert!((half[1] - 0.5 * bias[1]).abs() < 1e-5);
    }
}
