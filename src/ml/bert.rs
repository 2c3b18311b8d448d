//! Sentence embeddings with all-MiniLM-L6-v2: candle's BERT encoder, mean pooling over the
//! real tokens, L2 normalisation. Two texts are as close in meaning as the dot product of
//! their embeddings (cosine similarity, -1 to 1).
//!
//! The model folder (`models/minilm/`, installed by `scripts/setup`) holds `config.json`,
//! `model.safetensors` and `tokenizer.json`, as the sentence-transformers release ships them.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

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

/// The model folder of [`crate::Settings::default`]: `models/minilm` in the current folder
/// (tests and tools; a render is told [`crate::Settings::minilm_dir`]).
pub fn default_dir() -> PathBuf {
    crate::Settings::default().minilm_dir()
}

/// The model in `dir`, loaded once per process while anyone holds it: the sound-effect
/// chooser and the music composer share one copy (90 MB of weights, ~0.1 s to load).
pub fn shared(dir: &Path) -> Result<Arc<MiniLm>> {
    static LOADED: Mutex<Vec<(PathBuf, Weak<MiniLm>)>> = Mutex::new(Vec::new());
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    // Held while loading, so that two engines starting at once load the model once.
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded.retain(|(_, m)| m.strong_count() > 0);
    if let Some(m) = loaded
        .iter()
        .find(|(d, _)| *d == key)
        .and_then(|(_, m)| m.upgrade())
    {
        return Ok(m);
    }
    let model = Arc::new(MiniLm::load(dir)?);
    loaded.push((key, Arc::downgrade(&model)));
    Ok(model)
}

/// The shared model in `dir` for an engine that can do without it: `Ok(None)` for no folder,
/// and for a model that is not installed, with the reason (which says to run
/// `scripts/setup`) pushed onto `notes`. Other failures are errors.
pub fn shared_if_installed(
    dir: Option<&Path>,
    notes: &mut Vec<String>,
) -> Result<Option<Arc<MiniLm>>> {
    match dir.map(shared) {
        None => Ok(None),
        Some(Ok(m)) => Ok(Some(m)),
        Some(Err(e @ Error::MissingAsset { .. })) => {
            notes.push(e.to_string());
            Ok(None)
        }
        Some(Err(e)) => Err(e),
    }
}

/// The [`MiniLm::id`] of the model in `dir` without loading it; `None` when a file is
/// missing (the model would not load). Cheap enough for a cache key.
pub fn installed_id(dir: &Path) -> Option<String> {
    let all = FILES.iter().all(|name| dir.join(name).is_file());
    all.then(|| weights_id(&dir.join(WEIGHTS)).ok()).flatten()
}

const WEIGHTS: &str = "model.safetensors";
const FILES: [&str; 3] = ["config.json", WEIGHTS, "tokenizer.json"];

/// The file's size and modification time (`scripts/setup` replaces the file whole, so both
/// change with it), read without hashing 90 MB on every run.
fn weights_id(weights: &Path) -> Result<String> {
    let stamp = crate::fsutil::stamp(weights).map_err(|e| Error::io(weights, e))?;
    Ok(format!("minilm-{stamp}"))
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
        let config_path = file(FILES[0])?;
        let weights = file(FILES[1])?;
        let tokenizer_path = file(FILES[2])?;

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
    /// changes (see [`weights_id`]).
    pub fn id(&self) -> Result<&str> {
        if let Some(id) = self.id.get() {
            return Ok(id);
        }
        let id = weights_id(&self.weights)?;
        Ok(self.id.get_or_init(|| id))
    }

    /// As [`MiniLm::embed`], keeping the result in `store`, a file that later runs read
    /// instead of embedding the same texts again (a fixed catalogue: sound recipes, music
    /// styles). The file is keyed by the model and the texts; a damaged or stale file is
    /// recomputed, one that cannot be written is skipped.
    pub fn embed_stored(&self, texts: &[String], store: Option<&Path>) -> Result<Vec<Vec<f32>>> {
        let key = blake3::hash(format!("{}\n{}", self.id()?, texts.join("\n")).as_bytes());
        if let Some(v) = store.and_then(|p| read_vectors(p, key.as_bytes(), texts.len())) {
            return Ok(v);
        }
        let v = self.embed(texts)?;
        if let Some(p) = store {
            let _ = write_vectors(p, key.as_bytes(), &v);
        }
        Ok(v)
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

const STORE_MAGIC: &[u8; 8] = b"ONAIRRV1";

/// Vectors stored by [`write_vectors`] under `key`, if the file is whole and has `count`.
fn read_vectors(path: &Path, key: &[u8; 32], count: usize) -> Option<Vec<Vec<f32>>> {
    let bytes = std::fs::read(path).ok()?;
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let rest = body
        .strip_prefix(STORE_MAGIC)?
        .strip_prefix(key.as_slice())?;
    let floats: Vec<f32> = rest
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    (rest.len() % 4 == 0 && floats.len() == count * DIMENSIONS)
        .then(|| floats.chunks(DIMENSIONS).map(<[f32]>::to_vec).collect())
}

/// Writes `vectors` atomically: magic, key, little-endian floats, blake3 of all that.
fn write_vectors(path: &Path, key: &[u8; 32], vectors: &[Vec<f32>]) -> std::io::Result<()> {
    let mut body = Vec::with_capacity(40 + vectors.len() * DIMENSIONS * 4 + 32);
    body.extend_from_slice(STORE_MAGIC);
    body.extend_from_slice(key);
    for x in vectors.iter().flatten() {
        body.extend_from_slice(&x.to_le_bytes());
    }
    let sum = blake3::hash(&body);
    body.extend_from_slice(sum.as_bytes());
    crate::fsutil::write(path, &body)
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

    #[test]
    fn stored_vectors_read_back_and_damage_is_detected() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("store").join("v.bin");
        let vectors: Vec<Vec<f32>> = (0..3)
            .map(|i| {
                (0..DIMENSIONS)
                    .map(|j| (i * DIMENSIONS + j) as f32 * 0.001)
                    .collect()
            })
            .collect();
        let key = *blake3::hash(b"model+texts").as_bytes();
        write_vectors(&path, &key, &vectors).unwrap();
        assert_eq!(read_vectors(&path, &key, 3), Some(vectors.clone()));
        // Another model or other texts, another count: not these vectors.
        let other = *blake3::hash(b"other").as_bytes();
        assert_eq!(read_vectors(&path, &other, 3), None);
        assert_eq!(read_vectors(&path, &key, 4), None);
        // A flipped byte or a cut file is caught by the checksum.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[100] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_vectors(&path, &key, 3), None);
        std::fs::write(&path, &bytes[..50]).unwrap();
        assert_eq!(read_vectors(&path, &key, 3), None);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read_vectors(&path, &key, 3), None);
    }

    #[test]
    fn shared_models_are_one_copy_while_held() {
        let Some(_) = model() else { return };
        let a = shared(&default_dir()).unwrap();
        let b = shared(&default_dir()).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(
            installed_id(&default_dir()).as_deref(),
            Some(a.id().unwrap())
        );
        let tmp = tempfile::tempdir().unwrap();
        assert!(shared(tmp.path()).is_err());
        assert_eq!(installed_id(tmp.path()), None);
    }
}
