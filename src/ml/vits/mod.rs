//! VITS text-to-speech (Kim et al. 2021, "Conditional Variational Autoencoder with
//! Adversarial Learning for End-to-End Text-to-Speech", <https://arxiv.org/abs/2106.06103>),
//! as trained and exported by Piper (<https://github.com/rhasspy/piper>,
//! `src/python/piper_train/vits/`). Inference only, CPU, f32.
//!
//! Phoneme ids → text encoder (transformer with relative positions) → stochastic duration
//! predictor, run backwards from noise → each phoneme's prior repeated for its frames →
//! residual coupling flow, run backwards → HiFi-GAN decoder → waveform.
//!
//! Weights come straight from the voice's `.onnx` file ([`super::onnx`]); the hyper-parameters
//! Piper does not write into its `.onnx.json` are read off the tensor shapes and the graph's
//! convolution attributes ([`Config::from_onnx`]).

mod approx;
pub(crate) mod conv;
mod decoder;
mod duration;
mod flow;
mod layers;
mod text_encoder;

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Module, Tensor};
use candle_nn::VarBuilder;
use serde::Deserialize;

use super::onnx::OnnxWeights;
use super::voice::VoiceConfig;
use crate::dsp::rng::Rng;
use crate::{Error, Result};

const ENGINE: &str = "speech/piper";

fn engine_err(e: candle_core::Error) -> Error {
    Error::engine(ENGINE, e.to_string())
}

/// Sampling settings of one synthesis, as Piper names them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scales {
    /// Spread of the latent around the text prior (voice variety). Piper's default: 0.667.
    pub noise_scale: f32,
    /// Duration multiplier: 1.2 speaks 20 % slower. Default: 1.0.
    pub length_scale: f32,
    /// Spread of the phoneme durations (rhythm variety). Piper's default: 0.8.
    pub noise_w: f32,
}

impl Default for Scales {
    fn default() -> Self {
        Scales {
            noise_scale: 0.667,
            length_scale: 1.0,
            noise_w: 0.8,
        }
    }
}

/// HiFi-GAN residual block flavour: "1" (three dilated conv pairs) or "2" (two convs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ResBlockKind {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "2")]
    Two,
}

/// The hyper-parameters of a Piper VITS model (names as in Piper's `SynthesizerTrn`).
///
/// Parts fixed by Piper's architecture rather than configured (the coupling flow: 4 layers
/// of a 4-layer WaveNet with kernel 5; the duration predictor: 4 spline flows with 10 bins
/// and tail bound 5, 3-layer dilated depth-separable convs with kernel 3) are constants in
/// the modules that use them.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Config {
    pub n_vocab: usize,
    pub inter_channels: usize,
    pub hidden_channels: usize,
    pub filter_channels: usize,
    pub n_heads: usize,
    pub n_layers: usize,
    pub kernel_size: usize,
    /// Relative attention reaches this many positions either side. Piper: 4.
    pub window_size: usize,
    pub resblock: ResBlockKind,
    pub resblock_kernel_sizes: Vec<usize>,
    pub resblock_dilation_sizes: Vec<Vec<usize>>,
    pub upsample_rates: Vec<usize>,
    pub upsample_initial_channel: usize,
    pub upsample_kernel_sizes: Vec<usize>,
    pub n_speakers: usize,
    /// Width of the speaker embedding; 0 for single-speaker voices.
    pub gin_channels: usize,
}

impl Config {
    /// Reads the hyper-parameters off the weights' shapes and the graph's conv attributes.
    pub fn from_onnx(w: &OnnxWeights) -> Result<Self> {
        let dims = |name: &str| -> Result<Vec<usize>> { Ok(w.get(name)?.dims().to_vec()) };
        let has = |name: &str| w.tensors().contains_key(name);
        let count = |f: &dyn Fn(usize) -> String| (0..).take_while(|&i| has(&f(i))).count();
        let bad = |msg: String| Error::engine(ENGINE, msg);

        let emb = dims("enc_p.emb.weight")?;
        let proj = dims("enc_p.proj.weight")?;
        let rel = dims("enc_p.encoder.attn_layers.0.emb_rel_k")?;
        let ffn = dims("enc_p.encoder.ffn_layers.0.conv_1.weight")?;
        let (hidden_channels, k_channels) = (emb[1], rel[2]);
        if k_channels == 0 || hidden_channels % k_channels != 0 || rel[1] % 2 == 0 {
            return Err(bad(format!("unexpected relative attention table {rel:?}")));
        }

        let n_ups = count(&|i| format!("dec.ups.{i}.weight"));
        let n_res = count(&|i| format!("dec.resblocks.{i}.convs.0.weight"))
            + count(&|i| format!("dec.resblocks.{i}.convs1.0.weight"));
        if n_ups == 0 || n_res == 0 || n_res % n_ups != 0 {
            return Err(bad(format!(
                "decoder has {n_ups} upsampling layers and {n_res} residual blocks"
            )));
        }
        let n_kernels = n_res / n_ups;
        let resblock = if has("dec.resblocks.0.convs1.0.weight") {
            ResBlockKind::One
        } else {
            ResBlockKind::Two
        };
        let (conv_name, n_convs) = match resblock {
            ResBlockKind::One => ("convs1", 3),
            ResBlockKind::Two => ("convs", 2),
        };
        let mut resblock_kernel_sizes = Vec::new();
        let mut resblock_dilation_sizes = Vec::new();
        for j in 0..n_kernels {
            let module = |m: usize| format!("dec.resblocks.{j}.{conv_name}.{m}");
            resblock_kernel_sizes.push(dims(&format!("{}.weight", module(0)))?[2]);
            let dilations = (0..n_convs)
                .map(|m| {
                    w.conv(&module(m)).map(|a| a.dilation).ok_or_else(|| {
                        bad(format!(
                            "the graph has no convolution node for {}",
                            module(m)
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            resblock_dilation_sizes.push(dilations);
        }
        let mut upsample_rates = Vec::new();
        let mut upsample_kernel_sizes = Vec::new();
        for i in 0..n_ups {
            let k = dims(&format!("dec.ups.{i}.weight"))?[2];
            // Piper always uses kernel = 2 × stride; the graph attribute is authoritative.
            let stride = w.conv(&format!("dec.ups.{i}")).map_or(k / 2, |a| a.stride);
            upsample_kernel_sizes.push(k);
            upsample_rates.push(stride);
        }
        let (n_speakers, gin_channels) = match w.tensors().get("emb_g.weight") {
            Some(t) => (t.dims()[0], t.dims()[1]),
            None => (1, 0),
        };

        Ok(Config {
            n_vocab: emb[0],
            inter_channels: proj[0] / 2,
            hidden_channels,
            filter_channels: ffn[0],
            n_heads: hidden_channels / k_channels,
            n_layers: count(&|i| format!("enc_p.encoder.attn_layers.{i}.conv_q.weight")),
            kernel_size: ffn[2],
            window_size: rel[1] / 2,
            resblock,
            resblock_kernel_sizes,
            resblock_dilation_sizes,
            upsample_rates,
            upsample_initial_channel: dims("dec.conv_pre.weight")?[0],
            upsample_kernel_sizes,
            n_speakers,
            gin_channels,
        })
    }

    /// Output samples per latent frame (256 for Piper voices).
    pub fn hop_length(&self) -> usize {
        self.upsample_rates.iter().product()
    }
}

/// A loaded Piper voice model.
pub struct Vits {
    cfg: Config,
    enc_p: text_encoder::TextEncoder,
    dp: duration::StochasticDurationPredictor,
    flow: flow::ResidualCouplingBlock,
    dec: decoder::Generator,
    emb_g: Option<candle_nn::Embedding>,
    sample_rate_hz: u32,
}

impl Vits {
    /// Loads `<voice>.onnx` and its `<voice>.onnx.json`.
    pub fn load(onnx_path: &Path) -> Result<Self> {
        let json = onnx_path.with_extension("onnx.json");
        let voice = VoiceConfig::load(&json)?;
        let weights = OnnxWeights::load(onnx_path)?;
        Self::new(&weights, &voice)
    }

    /// Builds the model from weights already read.
    pub fn new(weights: &OnnxWeights, voice: &VoiceConfig) -> Result<Self> {
        let cfg = Config::from_onnx(weights)?;
        if cfg.n_speakers != voice.num_speakers {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "the voice config says {} speakers but the model has {}",
                    voice.num_speakers, cfg.n_speakers
                ),
            ));
        }
        let tensors = piper_fixups(weights.tensors()).map_err(engine_err)?;
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        Self::build(cfg, vb, voice.audio.sample_rate).map_err(|e| {
            Error::engine(
                ENGINE,
                format!("the model's weights do not match a Piper VITS voice: {e}"),
            )
        })
    }

    fn build(cfg: Config, vb: VarBuilder, sample_rate_hz: u32) -> candle_core::Result<Self> {
        let emb_g = if cfg.n_speakers > 1 {
            Some(candle_nn::embedding(
                cfg.n_speakers,
                cfg.gin_channels,
                vb.pp("emb_g"),
            )?)
        } else {
            None
        };
        Ok(Vits {
            enc_p: text_encoder::TextEncoder::new(&cfg, vb.pp("enc_p"))?,
            dp: duration::StochasticDurationPredictor::new(&cfg, vb.pp("dp"))?,
            flow: flow::ResidualCouplingBlock::new(&cfg, vb.pp("flow"))?,
            dec: decoder::Generator::new(&cfg, vb.pp("dec"))?,
            emb_g,
            cfg,
            sample_rate_hz,
        })
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The rate of [`Vits::synthesize`]'s samples.
    pub fn sample_rate_hz(&self) -> u32 {
        self.sample_rate_hz
    }

    /// Speaks `phoneme_ids` (already wrapped as Piper expects: `^`, phonemes with `_` between,
    /// `$`). Mono samples in -1..1 at [`Vits::sample_rate_hz`]. The same ids, scales, speaker
    /// and seed always give the same samples.
    pub fn synthesize(
        &self,
        phoneme_ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
        seed: u64,
    ) -> Result<Vec<f32>> {
        if phoneme_ids.is_empty() {
            return Err(Error::engine(ENGINE, "no phonemes to speak"));
        }
        if let Some(&bad) = phoneme_ids
            .iter()
            .find(|&&id| id < 0 || id as usize >= self.cfg.n_vocab)
        {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "phoneme id {bad} is outside the voice's {} symbols",
                    self.cfg.n_vocab
                ),
            ));
        }
        let speaker = match (speaker, self.cfg.n_speakers) {
            (None | Some(0), 1) => None,
            (Some(id), n) if n > 1 && (0..n as i64).contains(&id) => Some(id),
            (None, _) => Some(0),
            (Some(id), n) => {
                return Err(Error::engine(
                    ENGINE,
                    format!("speaker {id} is not one of the voice's {n} speakers"),
                ));
            }
        };
        self.forward(phoneme_ids, scales, speaker, seed)
            .map_err(engine_err)
    }

    fn forward(
        &self,
        phoneme_ids: &[i64],
        scales: Scales,
        speaker: Option<i64>,
        seed: u64,
    ) -> candle_core::Result<Vec<f32>> {
        let dev = Device::Cpu;
        let rng = Rng::new(seed);
        let ids = Tensor::new(phoneme_ids, &dev)?.unsqueeze(0)?;
        let (x, m_p, logs_p) = self.enc_p.forward(&ids)?;
        let g = match (&self.emb_g, speaker) {
            (Some(emb), Some(id)) => {
                let id = Tensor::new(&[id], &dev)?;
                Some(emb.forward(&id)?.unsqueeze(2)?) // [1, gin, 1]
            }
            _ => None,
        };

        let n_phonemes = phoneme_ids.len();
        let dur_noise = normal(&mut rng.fork("durations"), 2 * n_phonemes, scales.noise_w);
        let dur_noise = Tensor::from_vec(dur_noise, (1, 2, n_phonemes), &dev)?;
        let logw = self.dp.reverse(&x, &dur_noise, g.as_ref())?;
        let frames = frames_per_phoneme(&logw.flatten_all()?.to_vec1()?, scales.length_scale);

        // Repeat each phoneme's prior for its frames.
        let index: Vec<u32> = frames
            .iter()
            .enumerate()
            .flat_map(|(i, &n)| std::iter::repeat_n(i as u32, n))
            .collect();
        let n_frames = index.len().max(1);
        let index = if index.is_empty() { vec![0] } else { index };
        let index = Tensor::from_vec(index, n_frames, &dev)?;
        let m_p = m_p.index_select(&index, 2)?;
        let logs_p = logs_p.index_select(&index, 2)?;

        let c = self.cfg.inter_channels;
        let eps = normal(&mut rng.fork("latent"), c * n_frames, scales.noise_scale);
        let eps = Tensor::from_vec(eps, (1, c, n_frames), &dev)?;
        let z_p = (m_p + (eps * logs_p.exp()?)?)?;
        let z = self.flow.reverse(&z_p, g.as_ref())?;
        self.dec.forward(&z, g.as_ref())
    }
}

/// Frames per phoneme: ceil(exp(logw) × length_scale), as Piper's `infer` does.
fn frames_per_phoneme(logw: &[f32], length_scale: f32) -> Vec<usize> {
    logw.iter()
        .map(|&l| (l.exp() * length_scale).ceil().max(0.0) as usize)
        .collect()
}

/// `n` standard-normal samples × `scale` (Box–Muller). Zeros, and no draws, when `scale` is 0.
fn normal(rng: &mut Rng, n: usize, scale: f32) -> Vec<f32> {
    if scale == 0.0 {
        return vec![0.0; n];
    }
    let mut out = Vec::with_capacity(n + 1);
    while out.len() < n {
        let u1 = 1.0 - rng.next_f64(); // (0, 1]: keeps ln finite
        let u2 = rng.next_f64();
        let r = (-2.0 * u1.ln()).sqrt();
        let a = std::f64::consts::TAU * u2;
        out.push((r * a.cos()) as f32 * scale);
        out.push((r * a.sin()) as f32 * scale);
    }
    out.truncate(n);
    out
}

/// Piper's export folds a few parameters into constants; restore them under their module names.
fn piper_fixups(tensors: &HashMap<String, Tensor>) -> candle_core::Result<HashMap<String, Tensor>> {
    let mut out = tensors.clone();
    // ElementwiseAffine's `logs` is only used as exp(-logs), which the exporter precomputed.
    if !out.contains_key("dp.flows.0.logs")
        && let Some(exp_neg_logs) = tensors.get("/dp/flows.0/Exp_output_0")
    {
        out.insert("dp.flows.0.logs".into(), exp_neg_logs.log()?.neg()?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn voice_path() -> Option<std::path::PathBuf> {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models/voices/en_US-joe-medium.onnx");
        if path.exists() {
            Some(path)
        } else {
            eprintln!("skipped: {} is absent (run scripts/setup)", path.display());
            None
        }
    }

    #[test]
    fn config_is_read_off_the_real_voice() {
        let Some(path) = voice_path() else { return };
        let cfg = Config::from_onnx(&OnnxWeights::load(&path).unwrap()).unwrap();
        assert_eq!(
            (
                cfg.n_vocab,
                cfg.hidden_channels,
                cfg.inter_channels,
                cfg.filter_channels
            ),
            (256, 192, 192, 768)
        );
        assert_eq!(
            (cfg.n_heads, cfg.n_layers, cfg.kernel_size, cfg.window_size),
            (2, 6, 3, 4)
        );
        assert_eq!(cfg.resblock, ResBlockKind::Two);
        assert_eq!(cfg.resblock_kernel_sizes, [3, 5, 7]);
        assert_eq!(
            cfg.resblock_dilation_sizes,
            [vec![1, 2], vec![2, 6], vec![3, 12]]
        );
        assert_eq!(cfg.upsample_rates, [8, 8, 4]);
        assert_eq!(cfg.upsample_kernel_sizes, [16, 16, 8]);
        assert_eq!(cfg.hop_length(), 256);
        assert_eq!((cfg.n_speakers, cfg.gin_channels), (1, 0));
    }

    #[test]
    fn speaks_deterministically_with_plausible_length() {
        let Some(path) = voice_path() else { return };
        let vits = Vits::load(&path).unwrap();
        // "Did you hear that?" (espeak-ng en-us IPA, wrapped as Piper expects).
        let ids = [
            1, 0, 17, 0, 120, 0, 74, 0, 17, 0, 3, 0, 22, 0, 33, 0, 122, 0, 3, 0, 20, 0, 120, 0, 74,
            0, 88, 0, 3, 0, 41, 0, 120, 0, 39, 0, 32, 0, 13, 0, 2,
        ];
        let a = vits.synthesize(&ids, Scales::default(), None, 7).unwrap();
        let b = vits.synthesize(&ids, Scales::default(), None, 7).unwrap();
        assert_eq!(a, b);
        let c = vits
            .synthesize(&ids, Scales::default(), Some(0), 8)
            .unwrap();
        assert_ne!(a, c, "another seed gives another take");
        assert_eq!(a.len() % 256, 0);
        let seconds = a.len() as f32 / vits.sample_rate_hz() as f32;
        assert!((0.2..3.0).contains(&seconds), "{seconds} s");
        let peak = a.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.05 && peak <= 1.0, "peak {peak}");
        let err = vits
            .synthesize(&[1, 999], Scales::default(), None, 7)
            .unwrap_err();
        assert!(err.to_string().contains("999"), "{err}");
    }

    #[test]
    fn noise_is_seeded() {
        let mut a = Rng::new(3);
        let x = normal(&mut a, 5, 1.0);
        assert_eq!(x, normal(&mut Rng::new(3), 5, 1.0));
        assert_eq!(normal(&mut a, 3, 0.0), [0.0; 3]);
        assert_eq!(
            frames_per_phoneme(&[0.0, 1.0f32.ln(), 2.5f32.ln()], 1.0),
            [1, 1, 3]
        );
    }
}
