//! hibari (PyPI `hibari-tts` 0.2.1, Apache-2.0): a small American English voice distilled
//! from Kokoro-82M's `af_heart`, re-implemented here from its int8 ONNX export; inference
//! only, CPU.
//!
//! Phoneme ids (misaki's alphabet, `vocab.json`) go through two networks that share nothing
//! but the ids:
//!
//! - the *prosody* network `pn`: a text encoder (embedding, two ConvNeXt blocks, one
//!   transformer layer applied six times with the same weights, a final norm) → a duration
//!   per phoneme (25 ms units) → its features repeated over their frames → six dilated
//!   ConvNeXt blocks → F0 and energy at 12.5 ms frames;
//! - the *acoustic* network `m`: the same kind of text encoder (its layer applied four times),
//!   repeated to 12.5 ms frames, joined with log F0 and energy → a 7-tap convolution, eight
//!   ConvNeXt blocks and a linear head → five 601-bin spectra per frame,
//!
//! which [`vocoder`] turns into 24 kHz samples. The architecture was read off the exported
//! graph (`hibari.onnx`), whose weights [`super::onnx`] loads.
//!
//! The export quantizes every linear layer's weights to int8 and, at run time, each layer's
//! input to uint8 with a scale and zero point of its own (onnxruntime's
//! `DynamicQuantizeLinear`). The layers compute the same way here, in integers
//! ([`super::int8`]): with f32 inputs durations round differently and whole frames come and go.

pub mod vocoder;

use std::collections::HashMap;
use std::path::Path;

use candle_core::Tensor;

use super::int8::QuantizedLinear;
use super::onnx::OnnxWeights;
use super::vector::{self, multiversion};
use super::vits::conv::{Conv, Signal};
use crate::{Error, Result};
pub use vocoder::{Frames, SAMPLE_RATE_HZ, Vocoder};

const ENGINE: &str = "speech/hibari";

/// Transformer passes of each text encoder: fixed in the graph, not in the weights.
const PASSES_ACOUSTIC: usize = 4;
const PASSES_PROSODY: usize = 6;
const HEADS: usize = 2;
/// Spectral frames per duration unit (12.5 ms frames, 25 ms units).
const FRAMES_PER_UNIT: usize = 2;
/// The prosody network's outputs are scaled: F0 in units of 100 Hz.
const F0_UNIT_HZ: f32 = 100.0;
const LN_EPS: f32 = 1e-5;
/// Phonemes read at once (Kokoro's context); the reference splits sentences at clauses
/// well before this.
pub const MAX_PHONEMES: usize = 510;

fn engine_err(e: candle_core::Error) -> Error {
    Error::engine(ENGINE, e.to_string())
}

fn missing(path: &Path, what: &str) -> Error {
    Error::MissingAsset {
        what: what.into(),
        path: path.to_path_buf(),
        hint: "run scripts/setup to install the hibari voice".into(),
    }
}

/// The hibari voice: both networks, the phoneme alphabet and the vocoder.
pub struct Hibari {
    vocab: HashMap<char, i64>,
    n_vocab: usize,
    acoustic_text: TextEncoder,
    prosody_text: TextEncoder,
    duration_conv: Conv,
    duration_out: Conv,
    prosody_in: Conv,
    prosody: Vec<ConvNext>,
    prosody_out: Conv,
    decoder_in: Conv,
    decoder: Vec<ConvNext>,
    decoder_norm: Norm,
    head: Linear,
    vocoder: Vocoder,
}

impl std::fmt::Debug for Hibari {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hibari")
            .field("symbols", &self.vocab.len())
            .field(
                "text_widths",
                &(self.acoustic_text.width(), self.prosody_text.width()),
            )
            .finish_non_exhaustive()
    }
}

impl Hibari {
    /// Loads `hibari.onnx` and `vocab.json` from `dir` (`models/hibari`).
    pub fn load(dir: &Path) -> Result<Self> {
        Self::load_file(&dir.join("hibari.onnx"))
    }

    /// Loads the voice in `model` (an `.onnx` file of the hibari family) with the phoneme
    /// alphabet `vocab.json` beside it.
    pub fn load_file(model: &Path) -> Result<Self> {
        let model = model.to_path_buf();
        let vocab_path = model.with_file_name("vocab.json");
        if !model.exists() {
            return Err(missing(&model, "hibari voice model"));
        }
        let text = std::fs::read_to_string(&vocab_path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                missing(&vocab_path, "hibari phoneme alphabet")
            } else {
                Error::io(&vocab_path, e)
            }
        })?;
        let raw: HashMap<String, i64> = serde_json::from_str(&text)
            .map_err(|e| Error::engine(ENGINE, format!("{}: {e}", vocab_path.display())))?;
        let mut vocab = HashMap::with_capacity(raw.len());
        for (symbol, id) in raw {
            let mut chars = symbol.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    vocab.insert(c, id);
                }
                _ => {
                    return Err(Error::engine(
                        ENGINE,
                        format!(
                            "{}: symbol {symbol:?} is not one character",
                            vocab_path.display()
                        ),
                    ));
                }
            }
        }
        let weights = OnnxWeights::load(&model)?;
        Self::new(&weights, vocab)
    }

    /// From loaded weights and the phoneme alphabet.
    pub fn new(w: &OnnxWeights, vocab: HashMap<char, i64>) -> Result<Self> {
        let build = || -> candle_core::Result<Self> {
            let conv = |name: &str| {
                let dilation = w.conv(name).map_or(1, |a| a.dilation);
                Conv::new(
                    get(w, &format!("{name}.weight"))?,
                    Some(get(w, &format!("{name}.bias"))?),
                    dilation,
                )
            };
            let blocks = |prefix: &str, module: &str| -> candle_core::Result<Vec<ConvNext>> {
                (0..)
                    .map_while(|i| {
                        let p = format!("{prefix}.{i}");
                        w.tensors().contains_key(&format!("{p}.gamma")).then(|| {
                            // The graph's node scopes drop the network prefix (`/pro.1/dw`).
                            let dilation = w
                                .conv(&format!("{module}.{i}.dw"))
                                .map_or(1, |a| a.dilation);
                            ConvNext::new(w, &p, dilation)
                        })
                    })
                    .collect()
            };
            let acoustic_text = TextEncoder::new(w, "m.text", PASSES_ACOUSTIC)?;
            Ok(Hibari {
                vocab: HashMap::new(),
                n_vocab: acoustic_text.embedding.rows(),
                acoustic_text,
                prosody_text: TextEncoder::new(w, "pn.text", PASSES_PROSODY)?,
                duration_conv: conv("pn.dur.0")?,
                duration_out: conv("pn.dur.2")?,
                prosody_in: conv("pn.pro_in")?,
                prosody: blocks("pn.pro", "pro")?,
                prosody_out: conv("pn.pro_out")?,
                decoder_in: conv("m.dec_in")?,
                decoder: blocks("m.dec", "dec")?,
                decoder_norm: Norm::new(w, "m.dec_norm")?,
                head: Linear::new(w, "m.head")?,
                vocoder: Vocoder::new(),
            })
        };
        let mut model = build().map_err(engine_err)?;
        model.check_shapes()?;
        model.vocab = vocab;
        Ok(model)
    }

    /// The shapes the forward pass relies on, checked once so that it cannot panic.
    fn check_shapes(&self) -> Result<()> {
        let m = self.acoustic_text.width();
        let p = self.prosody_text.width();
        let ok = self.prosody_text.embedding.rows() == self.n_vocab
            && self.duration_conv.c_in() == p
            && self.duration_out.c_out() == 1
            && self.prosody_in.c_in() == p
            && !self.prosody.is_empty()
            && self
                .prosody
                .iter()
                .all(|b| b.width() == self.prosody_in.c_out())
            && self.prosody_out.c_in() == self.prosody_in.c_out()
            && self.prosody_out.c_out() == 2 * FRAMES_PER_UNIT
            && self.decoder_in.c_in() == m + 2
            && self
                .decoder
                .iter()
                .all(|b| b.width() == self.decoder_in.c_out())
            && self.head.layer.inputs() == self.decoder_in.c_out()
            && self.head.layer.outputs() == 5 * vocoder::BINS;
        if ok {
            Ok(())
        } else {
            Err(Error::engine(
                ENGINE,
                "the model's layer shapes are not those of hibari 0.2.1",
            ))
        }
    }

    /// The vocoder, for callers that change the frames before they are heard.
    pub fn vocoder(&self) -> &Vocoder {
        &self.vocoder
    }

    pub fn sample_rate_hz(&self) -> u32 {
        SAMPLE_RATE_HZ
    }

    /// Model ids for a phoneme string in misaki's alphabet (`həlˈO wˈɜɹld.`), with the
    /// silent pad at both ends; symbols outside the alphabet are left out, as the reference
    /// does.
    pub fn phoneme_ids(&self, phonemes: &str) -> Vec<i64> {
        let mut ids = vec![0];
        ids.extend(phonemes.chars().filter_map(|c| self.vocab.get(&c).copied()));
        ids.push(0);
        ids
    }

    /// Speaks `ids` (from [`Hibari::phoneme_ids`]) at `speed` (1.0: the voice's own pace; 2.0
    /// twice as fast). Mono samples at 24 kHz; the same ids, speed and seed give the same
    /// samples.
    pub fn synthesize(&self, ids: &[i64], speed: f32, seed: u64) -> Result<Vec<f32>> {
        let frames = self.frames(ids, speed)?;
        Ok(self.vocoder.synthesize(&frames, seed))
    }

    /// The networks' output for `ids`: what the vocoder turns into sound.
    pub fn frames(&self, ids: &[i64], speed: f32) -> Result<Frames> {
        if ids.len() < 3 {
            return Err(Error::engine(ENGINE, "no phonemes to speak"));
        }
        if ids.len() > MAX_PHONEMES + 2 {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "{} phonemes in one piece; at most {MAX_PHONEMES} (split the sentence)",
                    ids.len() - 2
                ),
            ));
        }
        if let Some(&bad) = ids
            .iter()
            .find(|&&id| id < 0 || id as usize >= self.n_vocab)
        {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "phoneme id {bad} is outside the voice's {} symbols",
                    self.n_vocab
                ),
            ));
        }
        if !(speed.is_finite() && (0.25..=4.0).contains(&speed)) {
            return Err(Error::engine(
                ENGINE,
                format!("speed {speed} is outside 0.25..=4"),
            ));
        }
        let ids: Vec<usize> = ids.iter().map(|&i| i as usize).collect();
        Ok(self.forward(&ids, speed))
    }

    fn forward(&self, ids: &[usize], speed: f32) -> Frames {
        let prosody_text = self.prosody_text.forward(ids);
        let units = self.durations(&prosody_text, speed);
        // Phoneme index of every 25 ms unit.
        let index: Vec<usize> = units
            .iter()
            .enumerate()
            .flat_map(|(i, &n)| std::iter::repeat_n(i, n))
            .collect();

        let mut x = self
            .prosody_in
            .forward(&gather(&prosody_text, &index), None, None);
        for block in &self.prosody {
            block.forward(&mut x);
        }
        let pro = self.prosody_out.forward(&x, None, None);
        // Each unit's four outputs are F0 and energy for its two 12.5 ms frames.
        let n_frames = index.len() * FRAMES_PER_UNIT;
        let mut f0_hz = Vec::with_capacity(n_frames);
        let mut energy = Vec::with_capacity(n_frames);
        for unit in pro.data.chunks_exact(2 * FRAMES_PER_UNIT) {
            f0_hz.extend(unit[..FRAMES_PER_UNIT].iter().map(|v| v * F0_UNIT_HZ));
            energy.extend_from_slice(&unit[FRAMES_PER_UNIT..]);
        }

        let text = self.acoustic_text.forward(ids);
        let width = text.channels;
        let mut features = Vec::with_capacity(n_frames * (width + 2));
        for (frame, (&hz, &e)) in f0_hz.iter().zip(&energy).enumerate() {
            let row = index[frame / FRAMES_PER_UNIT];
            features.extend_from_slice(&text.data[row * width..(row + 1) * width]);
            features.push((1.0 + hz.max(0.0)).ln() / 5.0);
            features.push(e);
        }
        let features = Signal {
            data: features,
            channels: width + 2,
        };
        let mut y = self.decoder_in.forward(&features, None, None);
        for block in &self.decoder {
            block.forward(&mut y);
        }
        self.decoder_norm.forward(&mut y);
        let out = self.head.forward(&y);

        // Head rows are [lh | θ | ln | lr | φ], 601 bins each.
        let bins = vocoder::BINS;
        let mut parts: [Vec<f32>; 5] = std::array::from_fn(|_| Vec::with_capacity(n_frames * bins));
        for row in out.data.chunks_exact(5 * bins) {
            for (part, chunk) in parts.iter_mut().zip(row.chunks_exact(bins)) {
                part.extend_from_slice(chunk);
            }
        }
        let [lh, theta, ln, lr, phi] = parts;
        Frames {
            lh,
            theta,
            ln,
            lr,
            phi,
            f0_hz,
        }
    }

    /// 25 ms units per phoneme: `round((exp(d) − 1) / speed)`, at least one.
    fn durations(&self, text: &Signal, speed: f32) -> Vec<usize> {
        let mut h = self.duration_conv.forward(text, None, None);
        gelu(&mut h.data);
        let d = self.duration_out.forward(&h, None, None);
        d.data
            .iter()
            .map(|&v| ((v.exp() - 1.0) / speed).round_ties_even().max(1.0) as usize)
            .collect()
    }
}

/// The rows of `x` at `index`, in that order.
fn gather(x: &Signal, index: &[usize]) -> Signal {
    let c = x.channels;
    Signal {
        data: index
            .iter()
            .flat_map(|&i| &x.data[i * c..(i + 1) * c])
            .copied()
            .collect(),
        channels: c,
    }
}

fn get<'a>(w: &'a OnnxWeights, name: &str) -> candle_core::Result<&'a Tensor> {
    w.get(name)
        .map_err(|e| candle_core::Error::Msg(e.to_string()))
}

fn vec1(w: &OnnxWeights, name: &str) -> candle_core::Result<Vec<f32>> {
    get(w, name)?.flatten_all()?.to_vec1()
}

multiversion! {
    /// GELU, exact (erf) form, as the export computes it.
    fn gelu(x: &mut [f32]) {
        for v in x.iter_mut() {
            *v = 0.5 * *v * (1.0 + vector::erf(*v * std::f32::consts::FRAC_1_SQRT_2));
        }
    }
}

/// A linear layer on time-major rows, in 8-bit integers as the export computes it.
struct Linear {
    layer: QuantizedLinear,
}

impl Linear {
    /// `{prefix}.weight` is PyTorch's `[out, in]`; attention's in-projection uses
    /// `{prefix}_weight` / `{prefix}_bias`.
    fn new(w: &OnnxWeights, prefix: &str) -> candle_core::Result<Self> {
        let (wn, bn) = if w.tensors().contains_key(&format!("{prefix}.weight")) {
            (format!("{prefix}.weight"), format!("{prefix}.bias"))
        } else {
            (format!("{prefix}_weight"), format!("{prefix}_bias"))
        };
        let stored = w
            .quantized(&wn)
            .ok_or_else(|| candle_core::Error::Msg(format!("{wn} is not an int8 weight")))?;
        let layer = QuantizedLinear::new(stored, &vec1(w, &bn)?)
            .map_err(|e| candle_core::Error::Msg(format!("{wn}: {e}")))?;
        Ok(Linear { layer })
    }

    /// `quantize(x) · W + b`.
    fn forward(&self, x: &Signal) -> Signal {
        assert_eq!(x.channels, self.layer.inputs(), "linear input width");
        Signal {
            data: self.layer.forward(&x.data),
            channels: self.layer.outputs(),
        }
    }
}

/// Layer norm over each frame's channels.
struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Norm {
    fn new(w: &OnnxWeights, prefix: &str) -> candle_core::Result<Self> {
        Ok(Norm {
            weight: vec1(w, &format!("{prefix}.weight"))?,
            bias: vec1(w, &format!("{prefix}.bias"))?,
        })
    }

    fn forward(&self, x: &mut Signal) {
        assert_eq!(x.channels, self.weight.len(), "norm width");
        layer_norm(&mut x.data, &self.weight, &self.bias);
    }
}

multiversion! {
    /// Normalises each row of `weight.len()` values to zero mean and unit variance, then
    /// scales and shifts it.
    fn layer_norm(data: &mut [f32], weight: &[f32], bias: &[f32]) {
        let n = weight.len() as f32;
        for row in data.chunks_exact_mut(weight.len()) {
            let mean = vector::sum(row) / n;
            let mut centred = [0.0f32; 16];
            let mut chunks = row.chunks_exact(16);
            for chunk in &mut chunks {
                for (a, v) in centred.iter_mut().zip(chunk) {
                    *a += (v - mean) * (v - mean);
                }
            }
            let rest: f32 = chunks.remainder().iter().map(|v| (v - mean) * (v - mean)).sum();
            let var = (vector::sum(&centred) + rest) / n;
            let inv = 1.0 / (var + LN_EPS).sqrt();
            for ((v, g), b) in row.iter_mut().zip(weight).zip(bias) {
                *v = (*v - mean) * inv * g + b;
            }
        }
    }
}

/// A ConvNeXt block: depthwise convolution, layer norm, 2-layer GELU MLP, scaled residual.
struct ConvNext {
    /// `[tap][channel]`.
    taps: Vec<f32>,
    dw_bias: Vec<f32>,
    dilation: usize,
    norm: Norm,
    pw1: Linear,
    pw2: Linear,
    gamma: Vec<f32>,
}

impl ConvNext {
    fn new(w: &OnnxWeights, prefix: &str, dilation: usize) -> candle_core::Result<Self> {
        let dw = get(w, &format!("{prefix}.dw.weight"))?;
        let (channels, _, kernel) = dw.dims3()?;
        let block = ConvNext {
            taps: dw.squeeze(1)?.t()?.contiguous()?.flatten_all()?.to_vec1()?,
            dw_bias: vec1(w, &format!("{prefix}.dw.bias"))?,
            dilation,
            norm: Norm::new(w, &format!("{prefix}.norm"))?,
            pw1: Linear::new(w, &format!("{prefix}.pw1"))?,
            pw2: Linear::new(w, &format!("{prefix}.pw2"))?,
            gamma: vec1(w, &format!("{prefix}.gamma"))?,
        };
        let ok = block.dw_bias.len() == channels
            && block.norm.weight.len() == channels
            && block.pw1.layer.inputs() == channels
            && block.pw2.layer.inputs() == block.pw1.layer.outputs()
            && block.pw2.layer.outputs() == channels
            && block.gamma.len() == channels
            && kernel % 2 == 1;
        if !ok {
            candle_core::bail!("{prefix}: inconsistent ConvNeXt block shapes");
        }
        Ok(block)
    }

    fn width(&self) -> usize {
        self.gamma.len()
    }

    fn forward(&self, x: &mut Signal) {
        let c = x.channels;
        assert_eq!(c, self.width(), "ConvNeXt input width");
        let mut y = Signal {
            data: vec![0.0; x.data.len()],
            channels: c,
        };
        depthwise(
            &x.data,
            &self.taps,
            &self.dw_bias,
            self.dilation,
            &mut y.data,
        );
        self.norm.forward(&mut y);
        let mut h = self.pw1.forward(&y);
        gelu(&mut h.data);
        let h = self.pw2.forward(&h);
        add_scaled(&mut x.data, &h.data, &self.gamma);
    }
}

multiversion! {
    /// A depthwise convolution over rows of `bias.len()` channels, `taps` laid out
    /// `[tap][channel]`, centred, zero beyond both ends; `out` as long as `x`.
    fn depthwise(x: &[f32], taps: &[f32], bias: &[f32], dilation: usize, out: &mut [f32]) {
        let c = bias.len();
        let len = x.len() / c;
        let kernel = taps.len() / c;
        let half = (kernel / 2 * dilation) as isize;
        for (t, o) in out.chunks_exact_mut(c).enumerate() {
            o.copy_from_slice(bias);
            for (k, tap) in taps.chunks_exact(c).enumerate() {
                let src = t as isize + (k * dilation) as isize - half;
                if src < 0 || src >= len as isize {
                    continue;
                }
                let row = &x[src as usize * c..(src as usize + 1) * c];
                for ((o, w), v) in o.iter_mut().zip(tap).zip(row) {
                    *o += w * v;
                }
            }
        }
    }
}

multiversion! {
    /// `x += gamma ⊙ h`, row by row (`gamma` one value per channel).
    fn add_scaled(x: &mut [f32], h: &[f32], gamma: &[f32]) {
        for (row_x, row_h) in x.chunks_exact_mut(gamma.len()).zip(h.chunks_exact(gamma.len())) {
            for ((v, d), g) in row_x.iter_mut().zip(row_h).zip(gamma) {
                *v += g * d;
            }
        }
    }
}

/// One pre-norm transformer layer (multi-head self-attention, then a GELU MLP).
struct Attention {
    norm1: Norm,
    in_proj: Linear,
    out_proj: Linear,
    norm2: Norm,
    linear1: Linear,
    linear2: Linear,
}

impl Attention {
    fn new(w: &OnnxWeights, prefix: &str) -> candle_core::Result<Self> {
        Ok(Attention {
            norm1: Norm::new(w, &format!("{prefix}.norm1"))?,
            in_proj: Linear::new(w, &format!("{prefix}.self_attn.in_proj"))?,
            out_proj: Linear::new(w, &format!("{prefix}.self_attn.out_proj"))?,
            norm2: Norm::new(w, &format!("{prefix}.norm2"))?,
            linear1: Linear::new(w, &format!("{prefix}.linear1"))?,
            linear2: Linear::new(w, &format!("{prefix}.linear2"))?,
        })
    }

    fn forward(&self, x: &mut Signal) {
        let (c, len) = (x.channels, x.len());
        let mut h = x.clone();
        self.norm1.forward(&mut h);
        let qkv = self.in_proj.forward(&h);
        let mut mixed = vec![0.0f32; len * c];
        attend(&qkv.data, c, HEADS, &mut mixed);
        let mixed = Signal {
            data: mixed,
            channels: c,
        };
        let a = self.out_proj.forward(&mixed);
        x.data.iter_mut().zip(&a.data).for_each(|(v, d)| *v += d);
        let mut h = x.clone();
        self.norm2.forward(&mut h);
        let mut h = self.linear1.forward(&h);
        gelu(&mut h.data);
        let h = self.linear2.forward(&h);
        x.data.iter_mut().zip(&h.data).for_each(|(v, d)| *v += d);
    }
}

multiversion! {
    /// Scaled dot-product self-attention over rows of `[q | k | v]` (`3 × c` values each),
    /// `heads` heads of `c / heads` channels, written into rows of `c` in `mixed`.
    fn attend(qkv: &[f32], c: usize, heads: usize, mixed: &mut [f32]) {
        let len = qkv.len() / (3 * c);
        let head = c / heads;
        let scale = 1.0 / (head as f32).sqrt();
        let mut scores = vec![0.0f32; len];
        // One head's keys, channel-major, so that a query meets every key at once.
        let mut keys = vec![0.0f32; head * len];
        for hd in 0..heads {
            let at = |t: usize, part: usize| &qkv[t * 3 * c + part * c + hd * head..][..head];
            for t in 0..len {
                for (d, &k) in at(t, 1).iter().enumerate() {
                    keys[d * len + t] = k;
                }
            }
            for t in 0..len {
                scores.fill(0.0);
                for (&q, key) in at(t, 0).iter().zip(keys.chunks_exact(len)) {
                    for (score, &k) in scores.iter_mut().zip(key) {
                        *score += q * k;
                    }
                }
                let max = scores.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) * scale;
                for score in scores.iter_mut() {
                    *score = vector::exp(*score * scale - max);
                }
                let total = vector::sum(&scores);
                let out = &mut mixed[t * c + hd * head..][..head];
                for (s, &p) in scores.iter().enumerate() {
                    let weight = p / total;
                    for (o, v) in out.iter_mut().zip(at(s, 2)) {
                        *o += weight * v;
                    }
                }
            }
        }
    }
}

/// Embedding, two ConvNeXt blocks, one transformer layer applied `passes` times, a norm.
struct TextEncoder {
    embedding: Embedding,
    convs: Vec<ConvNext>,
    attention: Attention,
    passes: usize,
    norm: Norm,
}

struct Embedding {
    table: Vec<f32>,
    width: usize,
}

impl Embedding {
    fn rows(&self) -> usize {
        self.table.len() / self.width
    }
}

impl TextEncoder {
    fn new(w: &OnnxWeights, prefix: &str, passes: usize) -> candle_core::Result<Self> {
        let table = get(w, &format!("{prefix}.emb.weight"))?;
        let (_, width) = table.dims2()?;
        let convs = (0..2)
            .map(|i| ConvNext::new(w, &format!("{prefix}.convs.{i}"), 1))
            .collect::<candle_core::Result<Vec<_>>>()?;
        let attention = Attention::new(w, &format!("{prefix}.attn"))?;
        if convs.iter().any(|b| b.width() != width)
            || attention.in_proj.layer.outputs() != 3 * width
            || width % HEADS != 0
        {
            candle_core::bail!("{prefix}: inconsistent text encoder shapes");
        }
        Ok(TextEncoder {
            embedding: Embedding {
                table: table.flatten_all()?.to_vec1()?,
                width,
            },
            convs,
            attention,
            passes,
            norm: Norm::new(w, &format!("{prefix}.norm"))?,
        })
    }

    fn width(&self) -> usize {
        self.embedding.width
    }

    /// `ids` must be below `embedding.rows()`.
    fn forward(&self, ids: &[usize]) -> Signal {
        let width = self.width();
        let mut x = Signal {
            data: ids
                .iter()
                .flat_map(|&i| &self.embedding.table[i * width..(i + 1) * width])
                .copied()
                .collect(),
            channels: width,
        };
        for block in &self.convs {
            block.forward(&mut x);
        }
        for _ in 0..self.passes {
            self.attention.forward(&mut x);
        }
        self.norm.forward(&mut x);
        x
    }
}

#[cfg(test)]
mod tests;
