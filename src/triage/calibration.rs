//! Confidence calibration: turns the classifier's raw signals (its probability, the margin
//! to the runner-up, nearest-example similarities) into a probability that the predicted
//! intent is right, with a small logistic regression fitted on data held out of training.

/// Raw signals of one prediction.
#[derive(Clone, Copy, Debug, Default)]
pub struct Signals {
    /// Probability of the top class from the linear model.
    pub p1: f32,
    /// Probability of the runner-up class.
    pub p2: f32,
    /// Highest cosine similarity to any training example.
    pub nn_best: f32,
    /// Highest cosine similarity to a training example of the predicted class.
    pub nn_pred: f32,
    /// Whether the nearest example has the predicted class.
    pub agree: bool,
    /// Cosine of the dense sentence vector with the predicted class's centroid.
    pub sem_pred: f32,
    /// Highest cosine of the dense sentence vector with any class centroid.
    pub sem_best: f32,
    /// Highest cosine of the encoder's vector with a training example of the predicted
    /// class (accurate mode; 0 otherwise).
    pub enc_pred: f32,
    /// Highest cosine of the encoder's vector with any training example.
    pub enc_best: f32,
    /// Number of non-zero features of the text (short texts are less reliable).
    pub n_features: u32,
    /// Training examples of the predicted intent (an intent known from five example
    /// questions is predicted less reliably than one known from a hundred).
    pub n_examples: u32,
}

/// Fewest rows a calibration is fitted on; with fewer the hand-set prior
/// ([`Calibrator::default`]) is used.
pub const MIN_FIT_ROWS: usize = 30;

/// Number of inputs of the calibration model (including the constant).
pub const N_INPUTS: usize = 12;

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-4, 1.0 - 1e-4);
    (p / (1.0 - p)).ln()
}

impl Signals {
    /// The inputs of the calibration model.
    pub fn inputs(&self) -> [f32; N_INPUTS] {
        [
            logit(self.p1),
            logit(self.p1) - logit(self.p2),
            self.nn_best,
            self.nn_pred,
            if self.agree { 1.0 } else { 0.0 },
            self.sem_pred,
            self.sem_best,
            (1.0 + self.n_features as f32).ln() / 5.0,
            (1.0 + self.n_examples as f32).ln() / 5.0,
            self.enc_pred,
            self.enc_best,
            1.0,
        ]
    }
}

/// Logistic model from signals to the probability that the prediction is correct.
///
/// The confidence is read from the lower end of the model's own uncertainty: the logit
/// minus `margin` standard errors of it (from the inverse Hessian of the fit). A
/// calibration fitted on a few hundred held-out examples (a small knowledge base) is
/// unsure of its tail, and then answers automatically only what it is sure of even so;
/// fitted on thousands, the correction is small.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Calibrator {
    /// One weight per input of [`Signals::inputs`].
    pub weights: Vec<f32>,
    /// The classifier's top probability is read as at most this much.
    pub p1_cap: f32,
    /// Covariance of the weights (row-major `N_INPUTS` x `N_INPUTS`; empty = none).
    pub cov: Vec<f32>,
    /// Standard errors of the logit taken off the confidence.
    pub margin: f32,
}

impl Default for Calibrator {
    /// A prior used when too little data was held out to fit one. It leans on
    /// nearest-example similarity. With a handful of examples per intent the classifier
    /// separates its training set perfectly, and whether its top probability comes out
    /// as 0.9993 or 0.9998 depends on the order it saw the examples in, not on the
    /// message: so the prior reads anything above 0.999 as 0.999.
    fn default() -> Self {
        Calibrator {
            weights: vec![0.5, 0.0, 1.0, 6.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -2.9],
            p1_cap: 0.999,
            cov: Vec::new(),
            margin: 0.0,
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Calibrator {
    /// Calibrated confidence of a prediction.
    pub fn confidence(&self, s: &Signals) -> f32 {
        let x = Signals {
            p1: s.p1.min(self.p1_cap),
            ..*s
        }
        .inputs();
        let mut z: f64 = x
            .iter()
            .zip(&self.weights)
            .map(|(&a, &w)| a as f64 * w as f64)
            .sum();
        if self.margin > 0.0 && self.cov.len() == N_INPUTS * N_INPUTS {
            let mut var = 0f64;
            for (i, row) in self.cov.chunks_exact(N_INPUTS).enumerate() {
                let r: f64 = row.iter().zip(&x).map(|(&c, &b)| c as f64 * b as f64).sum();
                var += r * x[i] as f64;
            }
            z -= self.margin as f64 * var.max(0.0).sqrt();
        }
        sigmoid(z) as f32
    }

    /// Fits the model by Newton's method (ridge-regularised) on `(signals, correct,
    /// weight)` triples; falls back to the prior when there are too few of them or only
    /// one outcome. `margin`: see [`Calibrator`].
    pub fn fit(data: &[(Signals, bool, f32)], margin: f32) -> Calibrator {
        let pos = data.iter().filter(|d| d.1).count();
        if data.len() < MIN_FIT_ROWS || pos == 0 || pos == data.len() {
            return Calibrator::default();
        }
        const N: usize = N_INPUTS;
        let xs: Vec<[f64; N]> = data
            .iter()
            .map(|(s, _, _)| s.inputs().map(|v| v as f64))
            .collect();
        let mut w = [0f64; N];
        let ridge = 1e-2;
        let mut hessian = [[0f64; N]; N];
        for _ in 0..50 {
            let mut g = [0f64; N];
            let mut h = [[0f64; N]; N];
            for (x, (_, y, wt)) in xs.iter().zip(data) {
                let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
                let p = sigmoid(z);
                let wt = *wt as f64;
                let r = wt * (p - if *y { 1.0 } else { 0.0 });
                let s = wt * (p * (1.0 - p)).max(1e-9);
                for i in 0..N {
                    g[i] += r * x[i];
                    for j in 0..N {
                        h[i][j] += s * x[i] * x[j];
                    }
                }
            }
            for i in 0..N - 1 {
                g[i] += ridge * w[i];
                h[i][i] += ridge;
            }
            h[N - 1][N - 1] += 1e-9;
            hessian = h;
            let step = solve(h, g);
            let mut max_step: f64 = 0.0;
            for i in 0..N {
                w[i] -= step[i];
                max_step = max_step.max(step[i].abs());
            }
            if max_step < 1e-7 {
                break;
            }
        }
        // The inverse Hessian at the optimum is the covariance of the weights (the last
        // Newton step is negligible, so the Hessian of that step serves).
        let mut cov = vec![0f32; N * N];
        for j in 0..N {
            let mut e = [0f64; N];
            e[j] = 1.0;
            let col = solve(hessian, e);
            for i in 0..N {
                cov[i * N + j] = col[i] as f32;
            }
        }
        Calibrator {
            weights: w.iter().map(|&v| v as f32).collect(),
            p1_cap: 1.0,
            cov,
            margin,
        }
    }
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
#[allow(clippy::needless_range_loop)]
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> [f64; N] {
    for col in 0..N {
        let piv = (col..N)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, piv);
        b.swap(col, piv);
        let d = a[col][col];
        if d.abs() < 1e-12 {
            continue;
        }
        for row in col + 1..N {
            let f = a[row][col] / d;
            for k in col..N {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0f64; N];
    for i in (0..N).rev() {
        let mut s = b[i];
        for k in i + 1..N {
            s -= a[i][k] * x[k];
        }
        x[i] = if a[i][i].abs() < 1e-12 {
            0.0
        } else {
            s / a[i][i]
        };
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_orders_confidence_by_signal() {
        let mut data = Vec::new();
        for i in 0..200 {
            let q = i as f32 / 200.0;
            let s = Signals {
                p1: 0.3 + 0.6 * q,
                p2: 0.05,
                nn_best: q,
                nn_pred: q,
                agree: i % 2 == 0,
                sem_pred: q,
                sem_best: q,
                n_features: 100,
                enc_pred: 0.0,
                enc_best: 0.0,
                n_examples: 50,
            };
            data.push((s, i % 10 < (q * 10.0) as usize, 1.0));
        }
        let c = Calibrator::fit(&data, 0.0);
        let lo = c.confidence(&data[10].0);
        let hi = c.confidence(&data[190].0);
        assert!(hi > lo, "{hi} > {lo}");
    }

    #[test]
    fn the_margin_lowers_confidence_more_when_fitted_on_less_data() {
        let make = |n: usize| {
            (0..n)
                .map(|i| {
                    let q = (i % 200) as f32 / 200.0;
                    let s = Signals {
                        p1: 0.3 + 0.6 * q,
                        p2: 0.05,
                        nn_best: q,
                        nn_pred: q,
                        agree: i % 2 == 0,
                        sem_pred: q,
                        sem_best: q,
                        n_features: 100,
                        enc_pred: 0.0,
                        enc_best: 0.0,
                        n_examples: 50,
                    };
                    (s, (i * 7) % 10 < (q * 10.0) as usize, 1.0)
                })
                .collect::<Vec<_>>()
        };
        let (small, large) = (make(200), make(4000));
        let probe = small[190].0;
        let drop = |d: &[(Signals, bool, f32)]| {
            Calibrator::fit(d, 0.0).confidence(&probe)
                - Calibrator::fit(d, 1.645).confidence(&probe)
        };
        let (ds, dl) = (drop(&small), drop(&large));
        assert!(ds > dl && dl >= 0.0, "{ds} {dl}");
    }
}
