//! Sentence embeddings with all-MiniLM-L6-v2: candle's BERT encoder, mean pooling over the
//! real tokens, L2 normalisation. Two texts are as close in meaning as the dot product of
//! their embeddings (cosine similarity, -1 to 1).
//!
//! The model folder (`models/minilm/`, installed by `scripts/setup`) holds `config.json`,
//! `model.safetensors` and `tokenizer.json`, as the sentence-transformers release ships them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

use crate::{Error, Result};

const ENGINE: &str = "minilm";
/// Width of one embedding.
pub const DIMENSIONS: usize = 384;
/// Longer texts are cut here. The model was trained on sentences; sound descriptions and
/// file names are far shorter.
const MAX_TOKENS: usize = 128;
/// Texts per forward pass: bounds memory for big libraries, keeps matrices large enough.
const BATCH: usize = 64;

/// A loaded sentence encoder.
pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
    weights: PathBuf,
    id: OnceLock<String>,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLm")
            .field("weights", &self.weights)
            .finish_non_exhaustive()
    }
}

/// The default model folder, `models/minilm`.
pub fn default_dir() -> PathBuf {
    crate::assets::models_dir().join("minilm")
}

fn failed(what: impl std::fmt::Display) -> Error {
    Error::engine(ENGINE, what.to_string())
}

impl MiniLm {
    /// Loads the model from `dir`. A missing file says to run `scripts/setup`.
    pub fn load(dir: &Path) -> Result<Self> {
        let file = |name: &str| -> Result<PathBuf> {
            let path = dir.join(name);
            if path.is_file() {
                Ok(path)
            } else {
                Err(Error::MissingAsset {
                    what: format!("MiniLM sentence model ({name})"),
                    path,
                    hint: "run scripts/setup to install it".to_string(),
                })
            }
        };
        let config_path = file("config.json")?;
        let weights = file("model.safetensors")?;
        let tokenizer_path = file("tokenizer.json")?;

        let text = std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
        let config: Config = serde_json::from_str(&text)
            .map_err(|e| failed(format!("{}: {e}", config_path.display())))?;
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| failed(format!("{}: {e}", tokenizer_path.display())))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| failed(format!("tokenizer truncation: {e}")))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        // SAFETY: the file is memory-mapped read-only; `scripts/setup` writes it once and
        // onair never modifies it while running.
        let vb =
            unsafe { VarBuilder::from_mmaped_safetensors(&[&weights], DType::F32, &Device::Cpu) }
                .map_err(|e| failed(format!("{}: {e}", weights.display())))?;
        let model = BertModel::load(vb, &config).map_err(|e| {
            failed(format!(
                "{}: not a MiniLM/BERT model: {e}",
                weights.display()
            ))
        })?;
        Ok(MiniLm {
            model,
            tokenizer,
            weights,
            id: OnceLock::new(),
        })
    }

    /// Identifies the weights, so that stored embeddings are recomputed when the model
    /// changes: the file's size and modification time (`scripts/setup` replaces the file
    /// whole, so both change with it), read without hashing 90 MB on every run.
    pub fn id(&self) -> Result<&str> {
        if let Some(id) = self.id.get() {
            return Ok(id);
        }
        let meta = std::fs::metadata(&self.weights).map_err(|e| Error::io(&self.weights, e))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Ok(self
            .id
            .get_or_init(|| format!("minilm-{}-{modified}", meta.len())))
    }

    /// One unit-length embedding per text, in order. An empty text embeds the special
    /// tokens only; it is valid but matches nothing in particular.
    pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(BATCH) {
            out.extend(self.embed_batch(chunk)?);
        }
        Ok(out)
    }

    fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| failed(format!("tokenizing: {e}")))?;
        let rows = encodings.len();
        let width = encodings[0].get_ids().len();
        let mut ids = Vec::with_capacity(rows * width);
        let mut mask = Vec::with_capacity(rows * width);
        for e in &encodings {
            ids.extend(e.get_ids().iter().copied());
            mask.extend(e.get_attention_mask().iter().copied());
        }
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let ids = Tensor::from_vec(ids, (rows, width), &Device::Cpu)?;
            let mask = Tensor::from_vec(mask, (rows, width), &Device::Cpu)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            // Mean over the real tokens only: padding must not pull embeddings together.
            let weights = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&weights)?.sum(1)?;
            let counts = weights.sum(1)?.clamp(1e-9, f64::INFINITY)?;
            let mean = summed.broadcast_div(&counts)?;
            let norm = mean
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12, f64::INFINITY)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        run().map_err(|e| failed(format!("encoding: {e}")))
    }
}

/// Cosine similarity of two unit vectors.
pub fn similarity(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Option<MiniLm> {
        match MiniLm::load(&default_dir()) {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("skipping: {e}");
                None
            }
        }
    }

    fn texts(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn embeddings_are_unit_length_and_rank_by_meaning() {
        let Some(m) = model() else { return };
        let e = m
            .embed(&texts(&[
                "heavy rain on a tin roof",
                "a downpour drumming on metal",
                "someone knocks on the door",
                "",
            ]))
            .unwrap();
        assert_eq!(e.len(), 4);
        for v in &e {
            assert_eq!(v.len(), DIMENSIONS);
            let n: f32 = v.iter().map(|x| x * x).sum();
            assert!((n - 1.0).abs() < 1e-4, "norm² {n}");
        }
        // Reference values from an independent NumPy implementation of the same model
        // (tokenizer.json through the tokenizers wheel, weights read from the safetensors
        // file by hand, exact GELU, mean pooling).
        let close = similarity(&e[0], &e[1]);
        let far = similarity(&e[0], &e[2]);
        assert!((close - 0.30555).abs() < 1e-3, "rain/downpour {close}");
        assert!((far - 0.11363).abs() < 1e-3, "rain/knock {far}");
    }

    #[test]
    fn padding_does_not_change_an_embedding() {
        let Some(m) = model() else { return };
        let alone = m.embed(&texts(&["a door creaks"])).unwrap();
        let batched = m
            .embed(&texts(&[
                "a door creaks",
                "a much longer description of a busy city street at rush hour",
            ]))
            .unwrap();
        let s = similarity(&alone[0], &batched[0]);
        assert!(s > 0.9999, "similarity {s}");
    }

    #[test]
    fn a_missing_model_says_to_run_setup() {
        let dir = tempfile::tempdir().unwrap();
        let err = MiniLm::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("scripts/setup"), "{err}");
        assert!(err.contains("config.json"), "{err}");
    }
}
