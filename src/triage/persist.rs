//! The persisted engine format: a magic header, then length-prefixed little-endian arrays
//! for the large numeric parts (copied, not parsed, so loading takes milliseconds) and
//! postcard for the small structured parts.

use super::calibration::Calibrator;
use super::classifier::{FeatureSpace, KnnIndex, LinearModel, SparseVec};
use super::model::IntentModel;
use super::{Engine, IndexedArticle, KnowledgeArticle, TriageError};

const MAGIC: &[u8; 8] = b"TNDTRG\x00\x0a";

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f32(&mut self, v: f32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn u64s(&mut self, v: &[u64]) {
        self.u32(v.len() as u32);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn u32s(&mut self, v: &[u32]) {
        self.u32(v.len() as u32);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    fn f32s(&mut self, v: &[f32]) {
        self.u32(v.len() as u32);
        for x in v {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

fn corrupt(m: &str) -> TriageError {
    TriageError::Corrupt(m.to_string())
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], TriageError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| corrupt("truncated"))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u32(&mut self) -> Result<u32, TriageError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn f32(&mut self) -> Result<f32, TriageError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn bytes(&mut self) -> Result<&'a [u8], TriageError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn array<const W: usize, T>(
        &mut self,
        f: impl Fn([u8; W]) -> T,
    ) -> Result<Vec<T>, TriageError> {
        let n = self.u32()? as usize;
        let s = self.take(n.checked_mul(W).ok_or_else(|| corrupt("size"))?)?;
        Ok(s.chunks_exact(W)
            .map(|c| f(c.try_into().expect("chunk of W bytes")))
            .collect())
    }
    fn u64s(&mut self) -> Result<Vec<u64>, TriageError> {
        self.array::<8, _>(u64::from_le_bytes)
    }
    fn u32s(&mut self) -> Result<Vec<u32>, TriageError> {
        self.array::<4, _>(u32::from_le_bytes)
    }
    fn f32s(&mut self) -> Result<Vec<f32>, TriageError> {
        self.array::<4, _>(f32::from_le_bytes)
    }
}

/// Serialises an engine.
pub(crate) fn write(e: &Engine) -> Vec<u8> {
    let m = &e.model;
    let mut w = Writer(Vec::with_capacity(
        m.linear.w.len() + m.space.keys.len() * 12 + 4096,
    ));
    w.0.extend_from_slice(MAGIC);
    w.bytes(&postcard::to_allocvec(&m.labels).expect("labels serialise"));
    let arts: Vec<&KnowledgeArticle> = e.articles.iter().map(|a| &a.article).collect();
    w.bytes(&postcard::to_allocvec(&arts).expect("articles serialise"));
    w.bytes(&postcard::to_allocvec(&m.calibrator).expect("calibrator serialises"));
    for a in &e.articles {
        w.u32s(&a.vector.idx);
        w.f32s(&a.vector.val);
    }
    let s = &m.space;
    w.u64s(&s.keys);
    w.u32s(&s.slots);
    w.f32s(&s.idf);
    w.u32s(&s.df);
    w.u32(s.group.len() as u32);
    w.0.extend_from_slice(&s.group);
    w.u32(s.n_docs);
    w.f32(s.oov_idf);
    w.f32s(&s.group_weight);
    w.u32(s.oov_in_norm as u32);
    w.u32(s.dense_dim);
    let fp = if s.dense_dim > 0 {
        super::embedding::fingerprint()
    } else {
        0
    };
    w.0.extend_from_slice(&fp.to_le_bytes());
    w.f32s(&s.token_weight);
    w.u32(m.linear.n_class as u32);
    w.u32(m.linear.w.len() as u32);
    w.0.extend(m.linear.w.iter().map(|&v| v as u8));
    w.f32s(&m.linear.scale);
    w.f32s(&m.linear.b);
    w.u32s(&m.knn.offsets);
    w.u32s(&m.knn.docs);
    w.f32s(&m.knn.vals);
    w.u32s(&m.knn.labels);
    w.f32s(&m.knn.centroids);
    w.bytes(&m.knn.encoded.iter().map(|&v| v as u8).collect::<Vec<u8>>());
    w.f32s(&m.knn.encoded_scale);
    w.u32(m.knn.encoded_from);
    w.u32(m.knn.candidates);
    w.f32(m.knn_weight);
    w.f32(m.centroid_weight);
    w.f32(m.encoded_weight);
    w.u32s(&m.class_counts);
    w.f32s(&m.class_bias);
    w.u32s(&e.coverage);

    w.0
}

/// Reads an engine written by [`write`].
pub(crate) fn read(b: &[u8]) -> Result<Engine, TriageError> {
    if b.len() < MAGIC.len() || &b[..MAGIC.len()] != MAGIC {
        return Err(corrupt("not a triage model of this version"));
    }
    let mut r = Reader {
        b,
        pos: MAGIC.len(),
    };
    let pc = |e: postcard::Error| TriageError::Corrupt(e.to_string());
    let labels: Vec<String> = postcard::from_bytes(r.bytes()?).map_err(pc)?;
    let articles: Vec<KnowledgeArticle> = postcard::from_bytes(r.bytes()?).map_err(pc)?;
    let calibrator: Calibrator = postcard::from_bytes(r.bytes()?).map_err(pc)?;
    let mut indexed = Vec::with_capacity(articles.len());
    for a in articles {
        let idx = r.u32s()?;
        let val = r.f32s()?;
        indexed.push(IndexedArticle {
            article: a,
            vector: SparseVec {
                idx,
                val,
                knn_scale: [1.0; super::tokenize::GROUPS],
            },
        });
    }
    let keys = r.u64s()?;
    let slots = r.u32s()?;
    let idf = r.f32s()?;
    let df = r.u32s()?;
    let group = r.array::<1, _>(|b| b[0])?;
    let n_docs = r.u32()?;
    let oov_idf = r.f32()?;
    let gw = r.f32s()?;
    let oov_in_norm = r.u32()? != 0;
    let dense_dim = r.u32()?;
    let sem_dim = if dense_dim > 0 {
        super::embedding::semantic_dim()
    } else {
        0
    };
    let fp_bytes = r.take(8)?;
    let fingerprint = u64::from_le_bytes(fp_bytes.try_into().expect("8 bytes"));
    let token_weight = r.f32s()?;
    let n_class = r.u32()? as usize;
    let lw = r.array::<1, _>(|b| b[0] as i8)?;
    let lscale = r.f32s()?;
    let lb = r.f32s()?;
    let offsets = r.u32s()?;
    let docs = r.u32s()?;
    let vals = r.f32s()?;
    let klabels = r.u32s()?;
    let centroids = r.f32s()?;
    let encoded: Vec<i8> = r.array::<1, _>(|b| b[0] as i8)?;
    let encoded_scale = r.f32s()?;
    let encoded_from = r.u32()?;
    let candidates = r.u32()?;
    let knn_weight = r.f32()?;
    let centroid_weight = r.f32()?;
    let encoded_weight = r.f32()?;
    let class_counts = r.u32s()?;
    let class_bias = r.f32s()?;
    let coverage = r.u32s()?;

    let n_feat = idf.len();
    let n_inputs = n_feat + dense_dim as usize;
    let checks: [(&str, bool); 17] = [
        (
            "class bias",
            class_bias.is_empty() || class_bias.len() == labels.len(),
        ),
        ("problem coverage", coverage.len() == labels.len()),
        (
            "class counts",
            class_counts.is_empty() || class_counts.len() == labels.len(),
        ),
        (
            "feature table",
            keys.len() == slots.len()
                && (keys.is_empty() || keys.len().is_power_of_two())
                && slots.iter().all(|&s| (s as usize) < n_feat.max(1))
                && df.len() == n_feat
                && group.len() == n_feat
                && group
                    .iter()
                    .all(|&g| (g as usize) < super::tokenize::GROUPS),
        ),
        ("group weights", gw.len() == super::tokenize::GROUPS),
        ("labels", n_class == labels.len()),
        (
            "linear weights",
            lw.len() == n_inputs * n_class && lscale.len() == n_inputs,
        ),
        ("linear bias", lb.len() == n_class),
        (
            "sentence vectors",
            dense_dim == 0
                || (super::embedding::sentence_dim() == dense_dim as usize
                    && super::embedding::fingerprint() == fingerprint),
        ),
        (
            "index offsets",
            offsets.is_empty() || offsets.len() == n_feat + 1,
        ),
        (
            "index postings",
            offsets.last().is_none_or(|&o| o as usize == docs.len()) && docs.len() == vals.len(),
        ),
        (
            "index documents",
            docs.iter().all(|&d| (d as usize) < klabels.len()),
        ),
        (
            "index labels",
            klabels.iter().all(|&c| (c as usize) < n_class.max(1)),
        ),
        (
            "centroids",
            centroids.is_empty()
                || centroids.len() == n_class * sem_dim
                || centroids.len() == n_class * dense_dim as usize,
        ),
        (
            "encoder vectors",
            (encoded.is_empty() && encoded_scale.is_empty())
                || (encoded_scale.len() == klabels.len()
                    && (encoded_from as usize) < n_inputs
                    && encoded.len() == klabels.len() * (n_inputs - encoded_from as usize)),
        ),
        (
            "calibrator",
            calibrator.weights.len() == super::calibration::N_INPUTS
                && (calibrator.cov.is_empty()
                    || calibrator.cov.len()
                        == super::calibration::N_INPUTS * super::calibration::N_INPUTS),
        ),
        (
            "article vectors",
            indexed.iter().all(|a| {
                a.vector.idx.len() == a.vector.val.len()
                    && a.vector.idx.iter().all(|&i| (i as usize) < n_inputs)
            }),
        ),
    ];
    if let Some((what, _)) = checks.iter().find(|c| !c.1) {
        return Err(corrupt(&format!("inconsistent sizes ({what})")));
    }
    let (by_class, class_start) = super::classifier::rows_by_class(&klabels);
    let mut group_weight = [0f32; super::tokenize::GROUPS];
    group_weight.copy_from_slice(&gw);
    let mut languages: Vec<String> = indexed.iter().map(|a| a.article.language.clone()).collect();
    languages.sort();
    languages.dedup();
    Ok(Engine {
        model: IntentModel {
            labels,
            space: FeatureSpace {
                keys,
                slots,
                idf,
                df,
                group,
                n_docs,
                oov_idf,
                group_weight,
                oov_in_norm,
                dense_dim,
                token_weight,
            },
            linear: LinearModel {
                n_class,
                w: lw,
                scale: lscale,
                b: lb,
            },
            knn: KnnIndex {
                offsets,
                docs,
                vals,
                labels: klabels,
                centroids,
                encoded,
                encoded_scale,
                encoded_from,
                candidates,
                by_class,
                class_start,
            },
            calibrator,
            knn_weight,
            centroid_weight,
            encoded_weight,
            class_counts,
            class_bias,
        },
        articles: indexed,
        coverage,
        detector: super::language::LanguageDetector::new(
            &languages,
            languages.first().map(String::as_str).unwrap_or("en"),
        ),
    })
}
