//! The intent classifier: a TF-IDF feature space over hashed word and character
//! n-grams, a multinomial logistic regression trained by SGD, and a nearest-example index
//! whose cosine similarities tell how close a message is to anything seen in training
//! (the strongest signal that a message is out of scope).

use super::tokenize::{self, Feature, GROUP_DENSE, GROUPS};
use super::{embedding, encoder, kernels};

/// Hyper-parameters of the classifier. `Default` holds the values tuned on the
/// CLINC150, Banking77 and xSID training/validation splits (see RESULTS.md in the lab).
#[derive(Clone, Debug)]
pub struct Config {
    /// Features seen in fewer training texts than this are dropped.
    pub min_df: u32,
    /// Weight of each feature group (words, characters, dense sentence vector) after its
    /// own L2 normalisation; a dense weight of 0 leaves the sentence vector out.
    pub group_weight: [f32; GROUPS],
    /// Count features unknown to the vocabulary in the vector norm (as if with the
    /// highest idf), so texts made of unseen n-grams get smaller similarities.
    pub oov_in_norm: bool,
    /// SGD epochs over the training set: at least this many...
    pub epochs: usize,
    /// ...and more for small sets, up to `max_epochs`, until about this many updates
    /// are made (training time stays flat, small sets still converge).
    pub target_updates: usize,
    /// Upper bound of the epochs.
    pub max_epochs: usize,
    /// Initial SGD learning rate (decays linearly to zero).
    pub learning_rate: f32,
    /// L2 regularisation strength.
    pub l2: f32,
    /// Features in more than this share of training texts are left out of the
    /// nearest-example index (they cost much and say little).
    pub knn_max_df: f32,
    /// Weigh the WordPiece vectors of the sentence vector by their inverse document
    /// frequency in the training texts raised to this power (0 = unweighted).
    pub token_idf: f32,
    /// Share of the training data held out to fit the confidence calibration.
    pub calibration_share: f32,
    /// Share of `target_updates` spent on the model fitted for the calibration.
    pub calibration_effort: f32,
    /// Weight of the nearest-example similarity of a class, added to the log
    /// probability of the linear model, when choosing the intent.
    pub knn_weight: f32,
    /// Calibration weight of a held-out example with its own class taken out (a stand-in
    /// for an out-of-scope message near the domain); 0 = not used.
    pub pseudo_oos_weight: f32,
    /// Calibration weight of a real out-of-scope training example.
    pub oos_weight: f32,
    /// Standard errors of the calibration's logit taken off the confidence (see
    /// `calibration::Calibrator`): with few examples the confidence is held lower.
    pub confidence_margin: f32,
    /// Give the calibration the number of training examples of the predicted intent.
    pub count_signal: bool,
    /// Weight of the cosine with the class centroid of the sentence vectors, added to
    /// the log probability (like `knn_weight`) when choosing the intent.
    pub centroid_weight: f32,
    /// Weight of the sentence encoder's highest cosine with an example of a class, added
    /// to the log probability (like `knn_weight`) when choosing the intent (accurate
    /// mode only).
    pub encoded_weight: f32,
    /// Class centroids over the whole sentence vector (both tables) instead of the
    /// decontextualised part only.
    pub centroid_full: bool,
    /// Without a sentence encoder, the nearest-example cosine of the static sentence
    /// vectors is searched among the examples of this many classes, those the linear
    /// model likes best (a query reading every example would cost six times the rest of
    /// the scoring); 0 = every class. The accurate mode always searches every class.
    pub dense_candidates: usize,
    /// When choosing the intent, each class's score loses this times the log of its share
    /// of the training examples (1: every class weighs alike whatever its number of
    /// examples). The linear model favours the classes with many examples beyond their
    /// share: on xSID, where a quarter of the examples ask for the weather, restaurant and
    /// music requests naming a place were taken for weather questions.
    pub prior_correction: f32,
    /// Share of a training text's features left out, at random, of each SGD step (the
    /// others scaled up to keep their expected sum): the model cannot lean on one strong
    /// feature alone and gives weight to the ones that come with it, as "money back" with
    /// "refund", and so reads a new wording of a known question better. Training is no
    /// slower: each step updates fewer rows.
    pub feature_dropout: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            min_df: 2,
            group_weight: [0.8, 1.0, 0.7],
            oov_in_norm: false,
            epochs: 6,
            target_updates: 100_000,
            max_epochs: 40,
            learning_rate: 4.0,
            l2: 1e-6,
            knn_max_df: 0.01,
            token_idf: 1.0,
            calibration_share: 0.2,
            calibration_effort: 0.5,
            knn_weight: 2.0,
            pseudo_oos_weight: 0.1,
            oos_weight: 1.0,
            confidence_margin: 1.645,
            count_signal: true,
            centroid_weight: 0.0,
            encoded_weight: 6.0,
            centroid_full: true,
            dense_candidates: 5,
            prior_correction: 1.0,
            feature_dropout: 0.5,
        }
    }
}

impl Config {
    /// The configuration with `key=value` overrides, comma-separated (`knn_weight=2.5,
    /// group_weight=1:1:0.7`), for experiments through `TANDEM_TRIAGE_CONFIG`.
    pub fn with_overrides(mut self, spec: &str) -> Result<Config, String> {
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| format!("{item}: expected key=value"))?;
            let bad = |e: &dyn std::fmt::Display| format!("{k}: {e}");
            let f = |v: &str| v.trim().parse::<f32>().map_err(|e| bad(&e));
            let u = |v: &str| v.trim().parse::<usize>().map_err(|e| bad(&e));
            let b = |v: &str| match v.trim() {
                "1" | "true" | "on" => Ok(true),
                "0" | "false" | "off" => Ok(false),
                o => Err(bad(&o)),
            };
            match k.trim() {
                "min_df" => self.min_df = u(v)? as u32,
                "group_weight" => {
                    let parts: Vec<&str> = v.split(':').collect();
                    if parts.len() != GROUPS {
                        return Err(bad(&"expected word:char:dense"));
                    }
                    for (g, p) in parts.iter().enumerate() {
                        self.group_weight[g] = f(p)?;
                    }
                }
                "oov_in_norm" => self.oov_in_norm = b(v)?,
                "epochs" => self.epochs = u(v)?,
                "target_updates" => self.target_updates = u(v)?,
                "max_epochs" => self.max_epochs = u(v)?,
                "learning_rate" => self.learning_rate = f(v)?,
                "l2" => self.l2 = f(v)?,
                "knn_max_df" => self.knn_max_df = f(v)?,
                "token_idf" => self.token_idf = f(v)?,
                "calibration_share" => self.calibration_share = f(v)?,
                "calibration_effort" => self.calibration_effort = f(v)?,
                "knn_weight" => self.knn_weight = f(v)?,
                "pseudo_oos_weight" => self.pseudo_oos_weight = f(v)?,
                "oos_weight" => self.oos_weight = f(v)?,
                "confidence_margin" => self.confidence_margin = f(v)?,
                "count_signal" => self.count_signal = b(v)?,
                "centroid_weight" => self.centroid_weight = f(v)?,
                "centroid_full" => self.centroid_full = b(v)?,
                "encoded_weight" => self.encoded_weight = f(v)?,
                "dense_candidates" => self.dense_candidates = u(v)?,
                "prior_correction" => self.prior_correction = f(v)?,
                "feature_dropout" => self.feature_dropout = f(v)?,
                other => return Err(format!("unknown triage setting {other}")),
            }
        }
        Ok(self)
    }

    /// [`Config::default`] with the overrides of the environment variable
    /// `TANDEM_TRIAGE_CONFIG` (experiments with `tandem eval` and `tandem bench`).
    pub fn from_env() -> Result<Config, String> {
        match std::env::var("TANDEM_TRIAGE_CONFIG") {
            Ok(spec) => Config::default().with_overrides(&spec),
            Err(_) => Ok(Config::default()),
        }
    }
}

/// A sparse vector: sorted feature indices with their weights.
#[derive(Clone, Debug, Default)]
pub struct SparseVec {
    /// Feature indices.
    pub idx: Vec<u32>,
    /// Weights, one per index.
    pub val: Vec<f32>,
    /// Per feature group, the factor that turns these weights into the ones the
    /// nearest-example index compares: there, n-grams unknown to the vocabulary count in
    /// the norm, so text unlike anything seen gets low similarities.
    pub knn_scale: [f32; GROUPS],
}

impl SparseVec {
    /// Dot product of two sparse vectors with sorted indices.
    pub fn dot(&self, other: &SparseVec) -> f32 {
        let (mut i, mut j, mut s) = (0, 0, 0.0);
        while i < self.idx.len() && j < other.idx.len() {
            match self.idx[i].cmp(&other.idx[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    s += self.val[i] * other.val[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        s
    }
}

/// A text broken into hashed sparse features and (optionally) the WordPiece ids its
/// sentence vector is built from.
#[derive(Clone, Debug, Default)]
pub struct Analyzed {
    /// Hashed n-gram features.
    pub sparse: Vec<Feature>,
    /// WordPiece ids of the text (for the sentence vector), empty when not used.
    pub tokens: Vec<u32>,
    /// The sentence encoder's vector of the text (accurate mode), empty when not used
    /// or when the encoder does not read the text's language.
    pub encoded: Vec<f32>,
}

/// Longest prefix of a text that is analysed (bytes): bounds the cost of huge messages;
/// the intent of a support message is in its first paragraphs.
pub const MAX_TEXT_BYTES: usize = 4000;

/// Analyses a text; the WordPiece ids (and the encoder's vector, when one is
/// configured) are found only when `dense` is true.
pub fn analyze(text: &str, dense: bool) -> Analyzed {
    let mut a = analyze_words(text, dense);
    if let (true, Some(e)) = (dense, encoder::configured()) {
        let text = analyzed_part(text);
        if e.reads(text) {
            a.encoded = e.embed(text);
        }
    }
    a
}

/// [`analyze`] of many texts, in their order: the words on two threads, the encoder's
/// vectors (when configured) in batches.
pub fn analyze_many(texts: &[&str], dense: bool) -> Vec<Analyzed> {
    let mut all: Vec<Analyzed> = std::thread::scope(|sc| {
        let half = texts.len() / 2;
        let second = sc.spawn(move || {
            texts[half..]
                .iter()
                .map(|t| analyze_words(t, dense))
                .collect::<Vec<_>>()
        });
        let mut v: Vec<Analyzed> = texts[..half]
            .iter()
            .map(|t| analyze_words(t, dense))
            .collect();
        v.extend(second.join().expect("analysis thread"));
        v
    });
    if let (true, Some(e)) = (dense, encoder::configured()) {
        let read: Vec<usize> = (0..texts.len())
            .filter(|&i| e.reads(analyzed_part(texts[i])))
            .collect();
        let parts: Vec<&str> = read.iter().map(|&i| analyzed_part(texts[i])).collect();
        for (&i, v) in read.iter().zip(e.embed_many(&parts)) {
            all[i].encoded = v;
        }
    }
    all
}

/// The longest prefix of a text within [`MAX_TEXT_BYTES`].
fn analyzed_part(text: &str) -> &str {
    let mut end = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The n-gram features and WordPiece ids of a text.
fn analyze_words(text: &str, dense: bool) -> Analyzed {
    let text = analyzed_part(text);
    let mut a = Analyzed {
        sparse: tokenize::features(text),
        ..Analyzed::default()
    };
    if let (true, Some(t)) = (dense, embedding::table()) {
        a.tokens = t.tokenize(text).into_iter().map(|i| i as u32).collect();
    }
    a
}

/// Maps feature hashes to dense indices and weighs them by inverse document frequency.
/// The lookup table is open addressing over the hash itself, so loading it is a copy.
#[derive(Clone, Debug, Default)]
pub struct FeatureSpace {
    pub(crate) keys: Vec<u64>,
    pub(crate) slots: Vec<u32>,
    pub(crate) idf: Vec<f32>,
    pub(crate) df: Vec<u32>,
    pub(crate) group: Vec<u8>,
    pub(crate) n_docs: u32,
    pub(crate) oov_idf: f32,
    pub(crate) group_weight: [f32; GROUPS],
    pub(crate) oov_in_norm: bool,
    pub(crate) dense_dim: u32,
    /// Inverse document frequency of each WordPiece token in the training texts, used
    /// to weigh the sentence vector (empty = unweighted).
    pub(crate) token_weight: Vec<f32>,
}

impl FeatureSpace {
    /// Builds the vocabulary of the features that occur in at least `min_df` documents.
    pub fn build(docs: &[&Analyzed], cfg: &Config) -> FeatureSpace {
        let mut all: Vec<(u64, u8)> = docs
            .iter()
            .flat_map(|d| d.sparse.iter().map(|f| (f.hash, f.group)))
            .collect();
        all.sort_unstable();
        let n = docs.len().max(1) as f32;
        let mut kept: Vec<(u64, u8, u32)> = Vec::new();
        let mut i = 0;
        while i < all.len() {
            let mut j = i;
            while j < all.len() && all[j].0 == all[i].0 {
                j += 1;
            }
            let df = (j - i) as u32;
            if df >= cfg.min_df.max(1) {
                kept.push((all[i].0, all[i].1, df));
            }
            i = j;
        }
        let cap = (kept.len() * 2).next_power_of_two().max(16);
        let mut space = FeatureSpace {
            keys: vec![0; cap],
            slots: vec![0; cap],
            idf: Vec::with_capacity(kept.len()),
            df: Vec::with_capacity(kept.len()),
            group: Vec::with_capacity(kept.len()),
            n_docs: docs.len() as u32,
            oov_idf: ((n + 1.0) / 1.0).ln() + 1.0,
            group_weight: cfg.group_weight,
            oov_in_norm: cfg.oov_in_norm,
            dense_dim: if cfg.group_weight[GROUP_DENSE as usize] > 0.0 {
                embedding::sentence_dim() as u32
            } else {
                0
            },
            token_weight: Vec::new(),
        };
        if cfg.token_idf > 0.0 && space.dense_dim > 0 {
            let n_tok = embedding::table().map_or(0, |t| t.len());
            let mut df = vec![0u32; n_tok];
            let mut seen: Vec<u32> = Vec::new();
            for d in docs {
                seen.clear();
                seen.extend(&d.tokens);
                seen.sort_unstable();
                seen.dedup();
                for &t in &seen {
                    if let Some(c) = df.get_mut(t as usize) {
                        *c += 1;
                    }
                }
            }
            space.token_weight = df
                .iter()
                .map(|&c| (((n + 1.0) / (c as f32 + 1.0)).ln() + 1.0).powf(cfg.token_idf))
                .collect();
        }
        for (k, (h, g, df)) in kept.into_iter().enumerate() {
            space.insert(h, k as u32);
            space.idf.push(((n + 1.0) / (df as f32 + 1.0)).ln() + 1.0);
            space.df.push(df);
            space.group.push(g);
        }
        space
    }

    fn insert(&mut self, h: u64, v: u32) {
        let mask = self.keys.len() - 1;
        let mut p = (h as usize) & mask;
        while self.keys[p] != 0 {
            p = (p + 1) & mask;
        }
        self.keys[p] = h;
        self.slots[p] = v;
    }

    /// Dense index of a feature hash, if it is in the vocabulary.
    #[inline]
    pub fn index(&self, h: u64) -> Option<u32> {
        if self.keys.is_empty() {
            return None;
        }
        let mask = self.keys.len() - 1;
        let mut p = (h as usize) & mask;
        loop {
            let k = self.keys[p];
            if k == h {
                return Some(self.slots[p]);
            }
            if k == 0 {
                return None;
            }
            p = (p + 1) & mask;
        }
    }

    /// Leading dimensions of the sentence vector that are decontextualised (the part
    /// similarities to intents are measured in).
    pub fn sem_dim(&self) -> usize {
        if self.dense_dim > 0 {
            embedding::semantic_dim()
        } else {
            0
        }
    }

    /// The inputs the nearest-example cosine of sentence vectors is taken over: the
    /// sentence encoder's vector in the accurate mode (the tail of the dense part), the
    /// whole static sentence vector otherwise; empty without dense features.
    pub fn encoder_inputs(&self) -> std::ops::Range<usize> {
        let end = self.n_inputs();
        if self.dense_dim == 0 {
            return end..end;
        }
        let static_dims = match encoder::configured() {
            Some(e) => embedding::sentence_dim() - e.dim(),
            None => 0,
        };
        self.len() + static_dims.min(self.dense_dim as usize)..end
    }

    /// Number of features in the vocabulary.
    pub fn len(&self) -> usize {
        self.idf.len()
    }

    /// Number of inputs of a vector: the vocabulary plus the dense dimensions.
    pub fn n_inputs(&self) -> usize {
        self.idf.len() + self.dense_dim as usize
    }

    /// True when the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.idf.is_empty()
    }

    /// The TF-IDF vector of a text's features (sublinear tf, each group L2-normalised and
    /// weighted, the whole vector of unit length).
    pub fn vectorize(&self, a: &Analyzed) -> SparseVec {
        let mut norms = [0f32; GROUPS];
        let mut unknown = [0f32; GROUPS];
        let mut items: Vec<(u32, u8, f32)> =
            Vec::with_capacity(a.sparse.len() + self.dense_dim as usize);
        for f in &a.sparse {
            let tf = 1.0 + f.count.ln();
            match self.index(f.hash) {
                Some(i) => {
                    let w = tf * self.idf[i as usize];
                    norms[f.group as usize] += w * w;
                    items.push((i, f.group, w));
                }
                None => {
                    let w = tf * self.oov_idf;
                    unknown[f.group as usize] += w * w;
                    if self.oov_in_norm {
                        norms[f.group as usize] += w * w;
                    }
                }
            }
        }
        let mut knn_scale = [1f32; GROUPS];
        if !self.oov_in_norm {
            for g in 0..GROUPS {
                if norms[g] + unknown[g] > 0.0 {
                    knn_scale[g] = (norms[g] / (norms[g] + unknown[g])).sqrt();
                }
            }
        }
        let dense = if self.dense_dim > 0 {
            let ids: Vec<usize> = a.tokens.iter().map(|&i| i as usize).collect();
            embedding::sentence(
                &ids,
                |id| self.token_weight.get(id).copied().unwrap_or(1.0),
                &a.encoded,
            )
        } else {
            Vec::new()
        };
        if self.dense_dim as usize == dense.len() {
            let base = self.idf.len() as u32;
            for (j, &v) in dense.iter().enumerate() {
                if v != 0.0 {
                    norms[GROUP_DENSE as usize] += v * v;
                    items.push((base + j as u32, GROUP_DENSE, v));
                }
            }
        }
        let mut scale = [0f32; GROUPS];
        let mut total = 0.0;
        for g in 0..GROUPS {
            if norms[g] > 0.0 {
                scale[g] = self.group_weight[g] / norms[g].sqrt();
                total += self.group_weight[g] * self.group_weight[g];
            }
        }
        let total = if total > 0.0 { 1.0 / total.sqrt() } else { 0.0 };
        items.sort_unstable_by_key(|&(i, _, _)| i);
        let mut v = SparseVec {
            idx: Vec::with_capacity(items.len()),
            val: Vec::with_capacity(items.len()),
            knn_scale,
        };
        for (i, g, w) in items {
            v.idx.push(i);
            v.val.push(w * scale[g as usize] * total);
        }
        v
    }

    /// Convenience: tokenises and vectorises a raw text.
    pub fn embed(&self, text: &str) -> SparseVec {
        self.vectorize(&analyze(text, self.dense_dim > 0))
    }
}

/// A training target for the linear model.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Class index.
    pub class: u32,
    /// False when the example says the text is *not* of this class.
    pub positive: bool,
}

/// Multinomial logistic regression over sparse vectors. Weights are stored
/// feature-major and quantised to int8 with one scale per feature, which keeps the
/// model small and the scoring memory traffic low.
#[derive(Clone, Debug, Default)]
pub struct LinearModel {
    pub(crate) n_class: usize,
    pub(crate) w: Vec<i8>,
    pub(crate) scale: Vec<f32>,
    pub(crate) b: Vec<f32>,
}

/// Small deterministic random generator (SplitMix64) for shuffling and splits.
pub struct Rng(pub u64);

impl Rng {
    /// Next pseudo-random 64-bit value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

fn softmax_in_place(z: &mut [f32]) {
    let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0.0;
    for v in z.iter_mut() {
        *v = (*v - m).exp();
        s += *v;
    }
    for v in z.iter_mut() {
        *v /= s;
    }
}

impl LinearModel {
    /// Trains the model by SGD with a linearly decaying learning rate.
    pub fn train(
        xs: &[SparseVec],
        ys: &[Target],
        n_feat: usize,
        n_class: usize,
        cfg: &Config,
    ) -> LinearModel {
        train_linear(xs, ys, n_feat, n_class, cfg)
    }

    /// Class probabilities of a vector.
    pub fn probabilities(&self, x: &SparseVec) -> Vec<f32> {
        let c = self.n_class;
        let mut z = self.b.clone();
        let rows = x.idx.iter().zip(&x.val).map(|(&f, &v)| {
            let f = f as usize;
            (v * self.scale[f], &self.w[f * c..f * c + c])
        });
        kernels::add_scaled_rows(&mut z, rows);
        softmax_in_place(&mut z);
        z
    }
}

kernels::compiled_twice! {
    /// The body of [`LinearModel::train`], compiled for AVX2 too (eight floats an
    /// instruction where the baseline has four; the same arithmetic in the same order, so
    /// the same model).
    fn train_linear / train_linear_avx2 / train_linear_plain [] (
        xs: &[SparseVec],
        ys: &[Target],
        n_feat: usize,
        n_class: usize,
        cfg: &Config,
    ) -> LinearModel {
        let c = n_class;
        let mut w = vec![0f32; n_feat * c];
        let mut b = vec![0f32; c];
        let mut scale = 1.0f32;
        let mut order: Vec<usize> = (0..xs.len()).collect();
        let mut rng = Rng(0x5EED);
        let epochs = cfg
            .epochs
            .max(cfg.target_updates.div_ceil(xs.len().max(1)))
            .min(cfg.max_epochs.max(cfg.epochs));
        let total = (epochs * xs.len()).max(1) as f32;
        let mut t = 0usize;
        let mut z = vec![0f32; c];
        let mut active: Vec<(usize, f32)> = Vec::with_capacity(c);
        let keep = 1.0 - cfg.feature_dropout.clamp(0.0, 0.95);
        // A feature is kept when a uniform 64-bit draw is at most this.
        let keep_at_most = (keep as f64 * u64::MAX as f64) as u64;
        let (mut kept_idx, mut kept_val) = (Vec::<u32>::new(), Vec::<f32>::new());
        for _ in 0..epochs {
            rng.shuffle(&mut order);
            for &i in &order {
                let eta = cfg.learning_rate * (1.0 - t as f32 / total).max(0.02);
                t += 1;
                let (idx, val): (&[u32], &[f32]) = if keep < 1.0 {
                    kept_idx.clear();
                    kept_val.clear();
                    for (&f, &v) in xs[i].idx.iter().zip(&xs[i].val) {
                        if rng.next_u64() <= keep_at_most {
                            kept_idx.push(f);
                            kept_val.push(v / keep);
                        }
                    }
                    (&kept_idx, &kept_val)
                } else {
                    (&xs[i].idx, &xs[i].val)
                };
                z.copy_from_slice(&b);
                for (&f, &v) in idx.iter().zip(val) {
                    let row = &w[f as usize * c..f as usize * c + c];
                    let s = v * scale;
                    for (zz, &ww) in z.iter_mut().zip(row) {
                        *zz += s * ww;
                    }
                }
                softmax_in_place(&mut z);
                let y = ys[i];
                let k = y.class as usize;
                if y.positive {
                    z[k] -= 1.0;
                } else {
                    // Gradient of -log(1 - p_k).
                    let pk = z[k].min(0.999);
                    let r = pk / (1.0 - pk);
                    for (j, g) in z.iter_mut().enumerate() {
                        *g = if j == k { pk } else { -*g * r };
                    }
                }
                scale *= 1.0 - eta * cfg.l2;
                for (bb, &g) in b.iter_mut().zip(z.iter()) {
                    *bb -= eta * g;
                }
                // Most classes have a negligible gradient once training is under way:
                // update only the others (a truncated gradient, much cheaper).
                active.clear();
                active.extend((0..c).filter(|&j| z[j].abs() > 1e-3).map(|j| (j, z[j])));
                if active.len() * 3 < c {
                    for (&f, &v) in idx.iter().zip(val) {
                        let row = &mut w[f as usize * c..f as usize * c + c];
                        let s = eta * v / scale;
                        for &(j, g) in &active {
                            row[j] -= s * g;
                        }
                    }
                } else {
                    for (&f, &v) in idx.iter().zip(val) {
                        let row = &mut w[f as usize * c..f as usize * c + c];
                        let s = eta * v / scale;
                        for (ww, &g) in row.iter_mut().zip(z.iter()) {
                            *ww -= s * g;
                        }
                    }
                }
                if scale < 1e-6 {
                    for ww in w.iter_mut() {
                        *ww *= scale;
                    }
                    scale = 1.0;
                }
            }
        }
        let mut q = vec![0i8; w.len()];
        let mut scales = vec![0f32; n_feat];
        for (f, (row, qrow)) in w
            .chunks_exact(c.max(1))
            .zip(q.chunks_exact_mut(c.max(1)))
            .enumerate()
        {
            let m = row.iter().fold(0f32, |a, &v| a.max(v.abs())) * scale;
            if m > 0.0 {
                let k = 127.0 / m;
                for (qq, &v) in qrow.iter_mut().zip(row) {
                    *qq = (v * scale * k).round().clamp(-127.0, 127.0) as i8;
                }
                scales[f] = m / 127.0;
            }
        }
        LinearModel {
            n_class,
            w: q,
            scale: scales,
            b,
        }
    }
}

/// Inverted index of the training vectors for nearest-example cosine similarity.
#[derive(Clone, Debug, Default)]
pub struct KnnIndex {
    pub(crate) offsets: Vec<u32>,
    pub(crate) docs: Vec<u32>,
    pub(crate) vals: Vec<f32>,
    pub(crate) labels: Vec<u32>,
    /// Unit-length mean of each class's dense sentence vectors (class-major; empty
    /// without dense features).
    pub(crate) centroids: Vec<f32>,
    /// The sentence encoder's unit vector of each indexed example, quantised to bytes
    /// ([`Quantised`]; example-major, zeros for an example the encoder did not read; empty
    /// outside the accurate mode). A query reads all of them: as bytes, a quarter of the
    /// memory traffic of floats, at a cosine error under 0.002.
    pub(crate) encoded: Vec<i8>,
    /// Per example, the factor that turns its quantised vector back into the unit one.
    pub(crate) encoded_scale: Vec<f32>,
    /// The first input of the encoder's part of a vector ([`FeatureSpace::encoder_inputs`]).
    pub(crate) encoded_from: u32,
    /// Classes whose examples a query's encoded cosines are searched among, the linear
    /// model's likeliest first ([`Config::dense_candidates`]; 0 = all).
    pub(crate) candidates: u32,
    /// The examples' indices grouped by class, and where each class's group starts
    /// (derived from `labels`).
    pub(crate) by_class: Vec<u32>,
    pub(crate) class_start: Vec<u32>,
}

/// What the nearest-example index says about a query.
#[derive(Clone, Debug)]
pub struct Neighbours {
    /// Highest similarity per class (0 for classes with no overlap).
    pub per_class: Vec<f32>,
    /// Cosine of the dense sentence vector with each class centroid (empty without
    /// dense features).
    pub centroid: Vec<f32>,
    /// Highest cosine of the encoder's vector with an example of each class (empty
    /// outside the accurate mode or when the encoder did not read the text).
    pub encoded: Vec<f32>,
}

impl KnnIndex {
    /// Indexes the vectors (labelled with classes below `n_class`), skipping features
    /// present in more than `max_df` of them; class centroids over the leading
    /// decontextualised dimensions of the sentence vector, or all of it (`full`).
    /// `candidates` as in [`Config::dense_candidates`] (the accurate mode searches every
    /// class: its encoder costs far more than reading every example).
    pub fn build(
        xs: &[SparseVec],
        labels: &[u32],
        n_class: usize,
        space: &FeatureSpace,
        max_df: f32,
        full: bool,
        candidates: usize,
    ) -> KnnIndex {
        let n_feat = space.len();
        let limit = ((xs.len() as f32) * max_df).max(8.0) as u32;
        let mut keep: Vec<bool> = space.df.iter().map(|&d| d <= limit).collect();
        keep.resize(space.n_inputs(), false);
        let mut counts = vec![0u32; n_feat + 1];
        for x in xs {
            for &f in &x.idx {
                if keep[f as usize] {
                    counts[f as usize + 1] += 1;
                }
            }
        }
        for i in 0..n_feat {
            counts[i + 1] += counts[i];
        }
        let nnz = counts[n_feat] as usize;
        let mut docs = vec![0u32; nnz];
        let mut vals = vec![0f32; nnz];
        let mut pos = counts.clone();
        for (d, x) in xs.iter().enumerate() {
            for (&f, &v) in x.idx.iter().zip(&x.val) {
                if keep[f as usize] {
                    let p = pos[f as usize] as usize;
                    docs[p] = d as u32;
                    vals[p] = v * x.knn_scale[space.group[f as usize] as usize];
                    pos[f as usize] += 1;
                }
            }
        }
        let dim = if full && space.sem_dim() > 0 {
            space.dense_dim as usize
        } else {
            space.sem_dim()
        };
        let mut centroids = vec![0f32; if dim > 0 { n_class * dim } else { 0 }];
        if dim > 0 {
            for (x, &c) in xs.iter().zip(labels) {
                let row = &mut centroids[c as usize * dim..(c as usize + 1) * dim];
                for (&f, &v) in x.idx.iter().zip(&x.val) {
                    if (n_feat..n_feat + dim).contains(&(f as usize)) {
                        row[f as usize - n_feat] += v;
                    }
                }
            }
            for row in centroids.chunks_exact_mut(dim) {
                let n = row.iter().map(|v| v * v).sum::<f32>().sqrt();
                if n > 0.0 {
                    row.iter_mut().for_each(|v| *v /= n);
                }
            }
        }
        let enc = space.encoder_inputs();
        let (mut encoded, mut encoded_scale) = (Vec::new(), Vec::new());
        if !enc.is_empty() {
            encoded.reserve(xs.len() * enc.len());
            for x in xs {
                let q = Quantised::of(&unit_part(x, enc.clone()));
                encoded.extend(q.values);
                encoded_scale.push(q.scale);
            }
        }
        let (by_class, class_start) = rows_by_class(labels);
        KnnIndex {
            offsets: counts,
            docs,
            vals,
            labels: labels.to_vec(),
            centroids,
            encoded,
            encoded_scale,
            encoded_from: enc.start as u32,
            candidates: if encoder::configured().is_some() {
                0
            } else {
                candidates as u32
            },
            by_class,
            class_start,
        }
    }

    /// Similarities of the query to the indexed examples, summarised per class.
    /// `groups` is the feature group of each vocabulary entry ([`FeatureSpace`]);
    /// `probs`, the linear model's class probabilities, choose the classes whose encoded
    /// cosines are searched (the others read -1, as if absent).
    pub fn query(&self, x: &SparseVec, n_class: usize, groups: &[u8], probs: &[f32]) -> Neighbours {
        let mut per_class = vec![0f32; n_class];
        if self.labels.is_empty() {
            return Neighbours {
                per_class,
                centroid: Vec::new(),
                encoded: Vec::new(),
            };
        }
        let mut acc = vec![0f32; self.labels.len()];
        let n_feat = self.offsets.len() - 1;
        for (&f, &v) in x.idx.iter().zip(&x.val) {
            if f as usize >= n_feat {
                break;
            }
            let (a, b) = (
                self.offsets[f as usize] as usize,
                self.offsets[f as usize + 1] as usize,
            );
            let v = v * x.knn_scale[groups.get(f as usize).copied().unwrap_or(0) as usize];
            for (&d, &w) in self.docs[a..b].iter().zip(&self.vals[a..b]) {
                acc[d as usize] += v * w;
            }
        }
        // One pass in order over every example is cheaper than keeping a list of the
        // touched ones: that test in the loop above was a branch the CPU mispredicts
        // about once in two postings. An untouched example sums to 0 and changes no
        // class's highest (all values are non-negative).
        for (&s, &c) in acc.iter().zip(&self.labels) {
            if s > per_class[c as usize] {
                per_class[c as usize] = s;
            }
        }
        let mut centroid = Vec::new();
        if !self.centroids.is_empty() {
            let dim = self.centroids.len() / n_class.max(1);
            let start = x.idx.partition_point(|&f| (f as usize) < n_feat);
            let mut q = vec![0f32; dim];
            for (&f, &v) in x.idx[start..].iter().zip(&x.val[start..]) {
                if let Some(slot) = q.get_mut(f as usize - n_feat) {
                    *slot = v;
                }
            }
            let norm = q.iter().map(|v| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                centroid = kernels::dots(&self.centroids, &q);
                for c in &mut centroid {
                    *c /= norm;
                }
            } else {
                centroid = vec![0.0; n_class];
            }
        }
        let mut encoded = Vec::new();
        let dim = self.encoded.len() / self.labels.len();
        if dim > 0 {
            let start = self.encoded_from as usize;
            let q = Quantised::of(&unit_part(x, start..start + dim));
            if q.scale > 0.0 {
                encoded = vec![-1f32; n_class];
                let k = self.candidates as usize;
                let classes: Vec<usize> = if k == 0 || k >= n_class || probs.len() != n_class {
                    (0..n_class).collect()
                } else {
                    top_classes(probs, k)
                };
                for c in classes {
                    if let (Some(&a), Some(&b)) =
                        (self.class_start.get(c), self.class_start.get(c + 1))
                    {
                        let rows = &self.by_class[a as usize..b as usize];
                        let best = kernels::best_scaled_dot(
                            &q.values,
                            &self.encoded,
                            &self.encoded_scale,
                            rows,
                        );
                        encoded[c] = if rows.is_empty() {
                            -1.0
                        } else {
                            best * q.scale
                        };
                    }
                }
            }
        }
        Neighbours {
            per_class,
            centroid,
            encoded,
        }
    }
}

/// The examples' indices grouped by class (a stable counting sort) and the start of
/// each class's group, with one more entry for the end.
pub(crate) fn rows_by_class(labels: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let n_class = labels.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut start = vec![0u32; n_class + 1];
    for &c in labels {
        start[c as usize + 1] += 1;
    }
    for c in 0..n_class {
        start[c + 1] += start[c];
    }
    let mut next = start.clone();
    let mut rows = vec![0u32; labels.len()];
    for (d, &c) in labels.iter().enumerate() {
        rows[next[c as usize] as usize] = d as u32;
        next[c as usize] += 1;
    }
    (rows, start)
}

/// The `k` classes of highest probability (ties: the lower index first).
fn top_classes(probs: &[f32], k: usize) -> Vec<usize> {
    let mut top: Vec<usize> = Vec::with_capacity(k + 1);
    for (c, &p) in probs.iter().enumerate() {
        let at = top.partition_point(|&t| probs[t] >= p);
        if at < k {
            top.insert(at, c);
            top.truncate(k);
        }
    }
    top
}

/// A vector as bytes: each value is `values[i] * scale`, the largest magnitude 127.
struct Quantised {
    values: Vec<i8>,
    scale: f32,
}

impl Quantised {
    fn of(v: &[f32]) -> Quantised {
        let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
        if max == 0.0 {
            return Quantised {
                values: vec![0; v.len()],
                scale: 0.0,
            };
        }
        let k = 127.0 / max;
        Quantised {
            values: v.iter().map(|x| (x * k).round() as i8).collect(),
            scale: max / 127.0,
        }
    }

    /// Dot product of the byte values, summed exactly in 32 bits.
    #[cfg(test)]
    fn dot(&self, other: &[i8]) -> i32 {
        kernels::byte_dot_in_lanes(&self.values, other)
    }
}

/// The part of a vector at the inputs `range`, scaled to unit length (zeros when empty).
fn unit_part(x: &SparseVec, range: std::ops::Range<usize>) -> Vec<f32> {
    let mut part = vec![0f32; range.len()];
    let start = x.idx.partition_point(|&f| (f as usize) < range.start);
    for (&f, &v) in x.idx[start..].iter().zip(&x.val[start..]) {
        match part.get_mut((f as usize).wrapping_sub(range.start)) {
            Some(slot) => *slot = v,
            None => break,
        }
    }
    let norm = part.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        part.iter_mut().for_each(|v| *v /= norm);
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn training_compiled_for_avx2_gives_the_baseline_model_to_the_bit() {
        #[cfg(target_arch = "x86_64")]
        if kernels::has_avx2() {
            let mut rng = Rng(3);
            let (n_feat, n_class) = (300usize, 7usize);
            let xs: Vec<SparseVec> = (0..400)
                .map(|_| {
                    let mut idx: Vec<u32> = (0..12).map(|_| rng.below(n_feat) as u32).collect();
                    idx.sort_unstable();
                    idx.dedup();
                    let val = idx
                        .iter()
                        .map(|_| rng.below(1000) as f32 / 1000.0)
                        .collect();
                    SparseVec {
                        idx,
                        val,
                        knn_scale: [1.0; GROUPS],
                    }
                })
                .collect();
            let ys: Vec<Target> = xs
                .iter()
                .map(|x| Target {
                    class: x.idx[0] % n_class as u32,
                    positive: x.idx.len() % 5 != 0,
                })
                .collect();
            let cfg = Config::default();
            let plain = train_linear_plain(&xs, &ys, n_feat, n_class, &cfg);
            // SAFETY: the CPU was just found to have AVX2.
            let avx2 = unsafe { train_linear_avx2(&xs, &ys, n_feat, n_class, &cfg) };
            assert!(plain.w.iter().any(|&w| w != 0));
            assert_eq!(plain.w, avx2.w);
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&plain.scale), bits(&avx2.scale));
            assert_eq!(bits(&plain.b), bits(&avx2.b));
            for x in &xs[..20] {
                assert_eq!(bits(&plain.probabilities(x)), bits(&avx2.probabilities(x)));
            }
        }
    }

    /// Class 0's texts always have feature 0 and half of them feature 1 too; class 1's
    /// always feature 2 and half of them feature 3; all have noise. Feature 0 alone
    /// separates the classes, so a model that sees every feature leans on it; one that
    /// loses half of them each step learns what feature 1 says as well, so that a text
    /// with feature 1 alone (a new wording) is read as class 0 more surely.
    #[test]
    fn dropping_features_in_training_teaches_the_weaker_feature_that_comes_with_a_strong_one() {
        let mut rng = Rng(11);
        let (n_feat, n_class) = (40usize, 2usize);
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for i in 0..400 {
            let class = (i % 2) as u32;
            let mut idx = vec![2 * class];
            if i % 4 < 2 {
                idx.push(2 * class + 1);
            }
            idx.extend((0..3).map(|_| 4 + rng.below(n_feat - 4) as u32));
            idx.sort_unstable();
            idx.dedup();
            let val = vec![0.5; idx.len()];
            xs.push(SparseVec {
                idx,
                val,
                knn_scale: [1.0; GROUPS],
            });
            ys.push(Target {
                class,
                positive: true,
            });
        }
        let trained = |dropout: f32| {
            let cfg = Config {
                feature_dropout: dropout,
                ..Config::default()
            };
            LinearModel::train(&xs, &ys, n_feat, n_class, &cfg)
        };
        // How much feature `f` alone says for class `to` over the other class.
        let says = |m: &LinearModel, f: usize, to: usize| {
            (m.w[f * n_class + to] as f32 - m.w[f * n_class + 1 - to] as f32) * m.scale[f]
        };
        let (every, dropped) = (trained(0.0), trained(0.5));
        let weak = [
            (says(&every, 1, 0), says(&dropped, 1, 0)),
            (says(&every, 3, 1), says(&dropped, 3, 1)),
        ];
        for (every, dropped) in weak {
            assert!(every > 0.0 && dropped > 2.0 * every, "{weak:?}");
        }
        // The strong feature still says the most.
        assert!(says(&dropped, 0, 0) > says(&dropped, 1, 0));
        assert!(says(&dropped, 2, 1) > says(&dropped, 3, 1));
    }

    #[test]
    fn quantised_cosines_stay_within_two_thousandths_of_the_float_ones() {
        let mut rng = Rng(7);
        let mut random_unit = || {
            let v: Vec<f32> = (0..384)
                .map(|_| (rng.next_u64() % 20_001) as f32 / 10_000.0 - 1.0)
                .collect();
            unit(&v)
        };
        for _ in 0..200 {
            let (a, b) = (random_unit(), random_unit());
            let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            let (qa, qb) = (Quantised::of(&a), Quantised::of(&b));
            let approx = qa.dot(&qb.values) as f32 * qa.scale * qb.scale;
            assert!((exact - approx).abs() < 0.002, "{exact} vs {approx}");
        }
        assert_eq!(Quantised::of(&[0.0; 4]).scale, 0.0);
    }

    /// An index of examples of classes 0, 1, 1, 2, … with only encoder vectors.
    fn encoder_index(rows: &[Vec<f32>]) -> KnnIndex {
        let (mut encoded, mut encoded_scale) = (Vec::new(), Vec::new());
        for r in rows {
            let q = Quantised::of(&unit(r));
            encoded.extend(q.values);
            encoded_scale.push(q.scale);
        }
        let labels: Vec<u32> = [0, 1, 1, 2, 3].into_iter().take(rows.len()).collect();
        let (by_class, class_start) = rows_by_class(&labels);
        KnnIndex {
            offsets: vec![0],
            labels,
            encoded,
            encoded_scale,
            by_class,
            class_start,
            ..KnnIndex::default()
        }
    }

    fn dense(v: &[f32]) -> SparseVec {
        SparseVec {
            idx: (0..v.len() as u32).collect(),
            val: v.to_vec(),
            knn_scale: [1.0; GROUPS],
        }
    }

    #[test]
    fn encoder_neighbours_give_each_class_its_closest_example() {
        let index = encoder_index(&[
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.6, 0.8, 0.0],
        ]);
        // Scaled queries: only the direction counts.
        let nb = index.query(&dense(&[3.0, 0.0, 4.0]), 2, &[], &[]);
        assert!((nb.encoded[0] - 0.6).abs() < 0.01, "{:?}", nb.encoded);
        // Class 1's closest is the third example (0.36), not the second (0).
        assert!((nb.encoded[1] - 0.36).abs() < 0.01, "{:?}", nb.encoded);
        // A text the encoder did not read (no vector) has no encoder neighbours.
        assert!(
            index
                .query(&dense(&[0.0, 0.0, 0.0]), 2, &[], &[])
                .encoded
                .is_empty()
        );
        assert!(
            KnnIndex::default()
                .query(&dense(&[1.0, 0.0, 0.0]), 2, &[], &[])
                .encoded
                .is_empty()
        );
    }

    #[test]
    fn without_an_encoder_only_the_likeliest_classes_examples_are_searched() {
        let mut index = encoder_index(&[
            vec![1.0, 0.0, 0.0],
            vec![0.0, 1.0, 0.0],
            vec![0.6, 0.8, 0.0],
            vec![0.0, 0.0, 1.0],
            vec![0.0, 0.6, 0.8],
        ]);
        let query = dense(&[0.0, 0.6, 0.8]);
        let probs = [0.1, 0.6, 0.05, 0.25];
        let every = index.query(&query, 4, &[], &probs).encoded;
        index.candidates = 2;
        let two = index.query(&query, 4, &[], &probs).encoded;
        // Classes 1 and 3 are the likeliest: their cosines are the full search's...
        for c in [1, 3] {
            assert_eq!(two[c].to_bits(), every[c].to_bits(), "class {c}");
        }
        assert!(
            (two[3] - 1.0).abs() < 0.01 && (two[1] - 0.6).abs() < 0.01,
            "{two:?}"
        );
        // ...the others read as absent, although class 2's example is close.
        assert!((every[2] - 0.8).abs() < 0.01, "{every:?}");
        assert_eq!((two[0], two[2]), (-1.0, -1.0));
        // Without probabilities every class is searched.
        assert_eq!(index.query(&query, 4, &[], &[]).encoded, every);
    }

    #[test]
    fn rows_grouped_by_class_keep_their_order_within_a_class() {
        let (rows, start) = rows_by_class(&[2, 0, 2, 1, 0]);
        assert_eq!(rows, vec![1, 4, 3, 0, 2]);
        assert_eq!(start, vec![0, 2, 3, 5]);
        assert_eq!(rows_by_class(&[]), (vec![], vec![0]));
    }
}
