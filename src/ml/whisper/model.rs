//! The Whisper network (Radford et al., 2022, "Robust Speech Recognition via Large-Scale Weak
//! Supervision"; <https://github.com/openai/whisper/blob/main/whisper/model.py>): an audio
//! encoder (two convolutions, then pre-norm transformer layers over 1500 positions) and a
//! text decoder (pre-norm layers with causal self-attention and cross-attention to the
//! audio), under the variable names of CTranslate2's `WhisperSpec`, which this code reads
//! as they are (`vb.pp("encoder").pp("layer_0").pp("self_attention")` …, its `/` turned
//! into `.`).
//!
//! CTranslate2 fuses projections: a self-attention's `linear_0` is query, key and value
//! stacked (3·d rows), a cross-attention's `linear_0` is the query and `linear_1` key and
//! value stacked; Whisper's key projections have no bias, and the converter stores zeros
//! there. `layer_norm/gamma` and `beta` are a layer norm's weight and bias.

use candle_core::{D, DType, Module, Tensor};
use candle_nn::{Conv1d, Conv1dConfig, LayerNorm, Linear, VarBuilder};

use crate::Result;

use super::engine_err;

const LN_EPS: f64 = 1e-5;

/// Sizes of the network, read off the weights' shapes (CTranslate2 keeps no other record
/// of them, apart from `num_heads`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dims {
    pub n_mels: usize,
    pub d_model: usize,
    pub n_heads: usize,
    pub encoder_layers: usize,
    pub decoder_layers: usize,
    pub n_vocab: usize,
    /// Encoder positions: 1500 for 30 s of audio.
    pub audio_ctx: usize,
    /// Decoder positions: 448 tokens.
    pub text_ctx: usize,
}

fn layer_norm(d: usize, vb: VarBuilder) -> candle_core::Result<LayerNorm> {
    Ok(LayerNorm::new(
        vb.get(d, "gamma")?,
        vb.get(d, "beta")?,
        LN_EPS,
    ))
}

fn linear(d_in: usize, d_out: usize, vb: VarBuilder) -> candle_core::Result<Linear> {
    Ok(Linear::new(
        vb.get((d_out, d_in), "weight")?,
        Some(vb.get(d_out, "bias")?),
    ))
}

/// Multi-head scaled dot-product attention of `q` over `k`, `v`, all `(1, h, t, d_head)`.
fn attend(q: &Tensor, k: &Tensor, v: &Tensor, causal: bool) -> candle_core::Result<Tensor> {
    let d_head = q.dim(D::Minus1)?;
    let mut scores = (q.matmul(&k.t()?)? * (1.0 / (d_head as f64).sqrt()))?;
    let (tq, tk) = (q.dim(2)?, k.dim(2)?);
    if causal && tq > 1 {
        // Query i (the last tq of tk positions) sees keys up to tk - tq + i.
        let offset = tk - tq;
        let mask: Vec<f32> = (0..tq)
            .flat_map(|i| {
                (0..tk).map(move |j| {
                    if j > offset + i {
                        f32::NEG_INFINITY
                    } else {
                        0.0
                    }
                })
            })
            .collect();
        let mask = Tensor::from_vec(mask, (tq, tk), q.device())?;
        scores = scores.broadcast_add(&mask)?;
    }
    candle_nn::ops::softmax_last_dim(&scores)?.matmul(v)
}

/// `(1, t, d)` → `(1, h, t, d / h)`.
fn heads(x: &Tensor, n_heads: usize) -> candle_core::Result<Tensor> {
    let (b, t, d) = x.dims3()?;
    x.reshape((b, t, n_heads, d / n_heads))?
        .transpose(1, 2)?
        .contiguous()
}

/// `(1, h, t, d_head)` → `(1, t, h · d_head)`.
fn merge(x: &Tensor) -> candle_core::Result<Tensor> {
    let (b, h, t, dh) = x.dims4()?;
    x.transpose(1, 2)?.reshape((b, t, h * dh))
}

struct SelfAttention {
    ln: LayerNorm,
    qkv: Linear,
    out: Linear,
    n_heads: usize,
    /// Keys and values of the positions seen so far (decoder only).
    cache: Option<(Tensor, Tensor)>,
}

impl SelfAttention {
    fn new(dims: &Dims, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = dims.d_model;
        Ok(SelfAttention {
            ln: layer_norm(d, vb.pp("layer_norm"))?,
            qkv: linear(d, 3 * d, vb.pp("linear_0"))?,
            out: linear(d, d, vb.pp("linear_1"))?,
            n_heads: dims.n_heads,
            cache: None,
        })
    }

    /// `x + attention(norm(x))`. With `causal`, the keys and values are kept and the next
    /// call attends over them too.
    fn forward(&mut self, x: &Tensor, causal: bool) -> candle_core::Result<Tensor> {
        let d = x.dim(D::Minus1)?;
        let qkv = self.qkv.forward(&self.ln.forward(x)?)?;
        let q = heads(&qkv.narrow(D::Minus1, 0, d)?, self.n_heads)?;
        let mut k = heads(&qkv.narrow(D::Minus1, d, d)?, self.n_heads)?;
        let mut v = heads(&qkv.narrow(D::Minus1, 2 * d, d)?, self.n_heads)?;
        if causal {
            if let Some((k0, v0)) = &self.cache {
                k = Tensor::cat(&[k0, &k], 2)?;
                v = Tensor::cat(&[v0, &v], 2)?;
            }
            self.cache = Some((k.clone(), v.clone()));
        }
        let y = merge(&attend(&q, &k, &v, causal)?)?;
        x + self.out.forward(&y)?
    }
}

struct CrossAttention {
    ln: LayerNorm,
    q: Linear,
    kv: Linear,
    out: Linear,
    n_heads: usize,
}

impl CrossAttention {
    fn new(dims: &Dims, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = dims.d_model;
        Ok(CrossAttention {
            ln: layer_norm(d, vb.pp("layer_norm"))?,
            q: linear(d, d, vb.pp("linear_0"))?,
            kv: linear(d, 2 * d, vb.pp("linear_1"))?,
            out: linear(d, d, vb.pp("linear_2"))?,
            n_heads: dims.n_heads,
        })
    }

    /// The audio's keys and values for this layer, computed once per window.
    fn keys_values(&self, audio: &Tensor) -> candle_core::Result<(Tensor, Tensor)> {
        let d = audio.dim(D::Minus1)?;
        let kv = self.kv.forward(audio)?;
        Ok((
            heads(&kv.narrow(D::Minus1, 0, d)?, self.n_heads)?,
            heads(&kv.narrow(D::Minus1, d, d)?, self.n_heads)?,
        ))
    }

    fn forward(&self, x: &Tensor, kv: &(Tensor, Tensor)) -> candle_core::Result<Tensor> {
        let q = heads(&self.q.forward(&self.ln.forward(x)?)?, self.n_heads)?;
        let y = merge(&attend(&q, &kv.0, &kv.1, false)?)?;
        x + self.out.forward(&y)?
    }
}

struct FeedForward {
    ln: LayerNorm,
    up: Linear,
    down: Linear,
}

impl FeedForward {
    fn new(dims: &Dims, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = dims.d_model;
        let hidden = vb.pp("linear_0").get_unchecked("weight")?.dim(0)?;
        Ok(FeedForward {
            ln: layer_norm(d, vb.pp("layer_norm"))?,
            up: linear(d, hidden, vb.pp("linear_0"))?,
            down: linear(hidden, d, vb.pp("linear_1"))?,
        })
    }

    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let h = self.up.forward(&self.ln.forward(x)?)?.gelu_erf()?;
        x + self.down.forward(&h)?
    }
}

/// The audio encoder: log-mel `(1, n_mels, 3000)` → `(1, 1500, d_model)`.
pub struct Encoder {
    conv1: Conv1d,
    conv2: Conv1d,
    positions: Tensor,
    layers: Vec<(SelfAttention, FeedForward)>,
    ln: LayerNorm,
}

impl Encoder {
    pub fn new(dims: &Dims, vb: VarBuilder) -> Result<Self> {
        Self::build(dims, vb).map_err(engine_err)
    }

    fn build(dims: &Dims, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = dims.d_model;
        let conv = |name: &str, d_in: usize, stride: usize| -> candle_core::Result<Conv1d> {
            let vb = vb.pp(name);
            let config = Conv1dConfig {
                padding: 1,
                stride,
                ..Default::default()
            };
            Ok(Conv1d::new(
                vb.get((d, d_in, 3), "weight")?,
                Some(vb.get(d, "bias")?),
                config,
            ))
        };
        let layers = (0..dims.encoder_layers)
            .map(|i| {
                let vb = vb.pp(format!("layer_{i}"));
                Ok((
                    SelfAttention::new(dims, vb.pp("self_attention"))?,
                    FeedForward::new(dims, vb.pp("ffn"))?,
                ))
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Encoder {
            conv1: conv("conv1", dims.n_mels, 1)?,
            conv2: conv("conv2", d, 2)?,
            positions: vb.get((dims.audio_ctx, d), "position_encodings.encodings")?,
            layers,
            ln: layer_norm(d, vb.pp("layer_norm"))?,
        })
    }

    pub fn forward(&mut self, mel: &Tensor) -> Result<Tensor> {
        (|| {
            let x = self.conv1.forward(mel)?.gelu_erf()?;
            let x = self.conv2.forward(&x)?.gelu_erf()?;
            let mut x = x.transpose(1, 2)?.broadcast_add(&self.positions)?;
            for (attention, ffn) in &mut self.layers {
                x = ffn.forward(&attention.forward(&x, false)?)?;
            }
            self.ln.forward(&x)
        })()
        .map_err(engine_err)
    }
}

/// The text decoder, one window at a time: [`Decoder::start`] with the encoder's output,
/// then [`Decoder::step`] with each new run of tokens.
pub struct Decoder {
    embeddings: Tensor,
    /// The embeddings transposed once, `(d_model, n_vocab)`: the output projection shares
    /// them (CTranslate2's `decoder/projection/weight` is an alias).
    projection: Tensor,
    positions: Tensor,
    layers: Vec<(SelfAttention, CrossAttention, FeedForward)>,
    ln: LayerNorm,
    /// This window's cross-attention keys and values, one pair per layer.
    audio_kv: Vec<(Tensor, Tensor)>,
    /// Tokens decoded so far in this window (the position of the next one).
    len: usize,
}

impl Decoder {
    pub fn new(dims: &Dims, vb: VarBuilder) -> Result<Self> {
        Self::build(dims, vb).map_err(engine_err)
    }

    fn build(dims: &Dims, vb: VarBuilder) -> candle_core::Result<Self> {
        let d = dims.d_model;
        let embeddings = vb.get((dims.n_vocab, d), "embeddings.weight")?;
        let layers = (0..dims.decoder_layers)
            .map(|i| {
                let vb = vb.pp(format!("layer_{i}"));
                Ok((
                    SelfAttention::new(dims, vb.pp("self_attention"))?,
                    CrossAttention::new(dims, vb.pp("attention"))?,
                    FeedForward::new(dims, vb.pp("ffn"))?,
                ))
            })
            .collect::<candle_core::Result<_>>()?;
        Ok(Decoder {
            projection: embeddings.t()?.contiguous()?,
            embeddings,
            positions: vb.get((dims.text_ctx, d), "position_encodings.encodings")?,
            layers,
            ln: layer_norm(d, vb.pp("layer_norm"))?,
            audio_kv: Vec::new(),
            len: 0,
        })
    }

    /// Starts a window: forgets the previous tokens and takes the audio's keys and values.
    pub fn start(&mut self, audio: &Tensor) -> Result<()> {
        self.len = 0;
        self.audio_kv = self
            .layers
            .iter_mut()
            .map(|(self_attention, cross, _)| {
                self_attention.cache = None;
                cross.keys_values(audio)
            })
            .collect::<candle_core::Result<_>>()
            .map_err(engine_err)?;
        Ok(())
    }

    /// Positions left in the decoder's context.
    pub fn room(&self) -> usize {
        self.positions.dim(0).unwrap_or(0).saturating_sub(self.len)
    }

    /// Feeds `tokens` (after those already fed) and returns the log-probabilities of the
    /// next token after each of the positions in `rows` (indices into `tokens`), as one
    /// `Vec<f32>` of `n_vocab` per row.
    pub fn step(&mut self, tokens: &[u32], rows: &[usize]) -> Result<Vec<Vec<f32>>> {
        (|| {
            let n = tokens.len();
            let ids = Tensor::new(tokens, self.embeddings.device())?;
            let x = self.embeddings.index_select(&ids, 0)?;
            let x = (x + self.positions.narrow(0, self.len, n)?)?.unsqueeze(0)?;
            let mut x = x;
            for ((self_attention, cross, ffn), kv) in self.layers.iter_mut().zip(&self.audio_kv) {
                x = self_attention.forward(&x, true)?;
                x = cross.forward(&x, kv)?;
                x = ffn.forward(&x)?;
            }
            self.len += n;
            let x = self.ln.forward(&x)?.squeeze(0)?;
            let picked = Tensor::new(
                rows.iter()
                    .map(|&r| r as u32)
                    .collect::<Vec<_>>()
                    .as_slice(),
                x.device(),
            )?;
            let logits = x.index_select(&picked, 0)?.matmul(&self.projection)?;
            candle_nn::ops::log_softmax(&logits.to_dtype(DType::F32)?, D::Minus1)?.to_vec2()
        })()
        .map_err(engine_err)
    }
}
