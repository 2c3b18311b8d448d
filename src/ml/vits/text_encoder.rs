//! The text encoder (VITS `enc_p`): phoneme embeddings through a transformer encoder whose
//! self-attention adds learned relative-position terms within a window, then a projection to
//! the prior's mean and log-deviation per phoneme.
//!
//! Synthesis runs one unpadded sentence at a time, so the padding masks of the batched
//! original are all ones and are left out.

use candle_core::{Device, Module, Result, Tensor};
use candle_nn::{Conv1d, Embedding, VarBuilder};

use super::Config;
use super::conv::{Conv, Signal};
use super::layers::{ChannelNorm, conv1d};

pub struct TextEncoder {
    emb: Embedding,
    layers: Vec<EncoderLayer>,
    proj: Conv1d,
    hidden_channels: usize,
    inter_channels: usize,
}

struct EncoderLayer {
    attn: RelativeAttention,
    norm_1: ChannelNorm,
    ffn: Ffn,
    norm_2: ChannelNorm,
}

impl TextEncoder {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let h = cfg.hidden_channels;
        let enc = vb.pp("encoder");
        let layers = (0..cfg.n_layers)
            .map(|i| {
                Ok(EncoderLayer {
                    attn: RelativeAttention::new(cfg, enc.pp(format!("attn_layers.{i}")))?,
                    norm_1: ChannelNorm::new(h, enc.pp(format!("norm_layers_1.{i}")))?,
                    ffn: Ffn::new(cfg, enc.pp(format!("ffn_layers.{i}")))?,
                    norm_2: ChannelNorm::new(h, enc.pp(format!("norm_layers_2.{i}")))?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TextEncoder {
            emb: candle_nn::embedding(cfg.n_vocab, h, vb.pp("emb"))?,
            layers,
            proj: conv1d(h, 2 * cfg.inter_channels, 1, 1, true, vb.pp("proj"))?,
            hidden_channels: h,
            inter_channels: cfg.inter_channels,
        })
    }

    /// `ids` `[1, phonemes]` → (hidden `[1, hidden, phonemes]`, prior mean, prior log-deviation
    /// `[1, inter, phonemes]`).
    pub fn forward(&self, ids: &Tensor) -> Result<(Tensor, Tensor, Tensor)> {
        let x = (self.emb.forward(ids)? * (self.hidden_channels as f64).sqrt())?;
        let mut x = x.transpose(1, 2)?.contiguous()?;
        for layer in &self.layers {
            let y = layer.attn.forward(&x)?;
            x = layer.norm_1.forward(&(x + y)?)?;
            let y = layer.ffn.forward(&x)?;
            x = layer.norm_2.forward(&(x + y)?)?;
        }
        let stats = self.proj.forward(&x)?;
        let c = self.inter_channels;
        let m = stats.narrow(1, 0, c)?;
        let logs = stats.narrow(1, c, c)?;
        Ok((x, m, logs))
    }
}

/// Multi-head self-attention with relative-position keys and values shared by all heads
/// (Shaw et al. 2018): position i attending to j adds `q_i · rel_k[j - i]` to the score and
/// `p_ij · rel_v[j - i]` to the output, for |j - i| ≤ window.
struct RelativeAttention {
    conv_q: Conv1d,
    conv_k: Conv1d,
    conv_v: Conv1d,
    conv_o: Conv1d,
    /// `[2 · window + 1, k_channels]`, index `window + (j - i)`.
    emb_rel_k: Tensor,
    emb_rel_v: Tensor,
    n_heads: usize,
    window: usize,
}

impl RelativeAttention {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let h = cfg.hidden_channels;
        let kc = h / cfg.n_heads;
        let span = 2 * cfg.window_size + 1;
        let rel = |name: &str| vb.get((1, span, kc), name)?.squeeze(0);
        Ok(RelativeAttention {
            conv_q: conv1d(h, h, 1, 1, true, vb.pp("conv_q"))?,
            conv_k: conv1d(h, h, 1, 1, true, vb.pp("conv_k"))?,
            conv_v: conv1d(h, h, 1, 1, true, vb.pp("conv_v"))?,
            conv_o: conv1d(h, h, 1, 1, true, vb.pp("conv_o"))?,
            emb_rel_k: rel("emb_rel_k")?,
            emb_rel_v: rel("emb_rel_v")?,
            n_heads: cfg.n_heads,
            window: cfg.window_size,
        })
    }

    /// `[1, hidden, t]` → `[1, hidden, t]`.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (b, h, t) = x.dims3()?;
        let (nh, kc) = (self.n_heads, h / self.n_heads);
        // [b, h, t] → [b · heads, t, k_channels]
        let heads = |y: Tensor| -> Result<Tensor> {
            y.reshape((b * nh, kc, t))?.transpose(1, 2)?.contiguous()
        };
        let q = (heads(self.conv_q.forward(x)?)? / (kc as f64).sqrt())?;
        let k = heads(self.conv_k.forward(x)?)?;
        let v = heads(self.conv_v.forward(x)?)?;

        let scores = q.matmul(&k.t()?)?; // [bh, t, t]
        let rel_logits = q.broadcast_matmul(&self.emb_rel_k.t()?)?; // [bh, t, span]
        let scores = (scores + self.band_from_relative(&rel_logits, t)?)?;
        let p = candle_nn::ops::softmax_last_dim(&scores)?;
        let out = p.matmul(&v)?;
        let rel_weights = self.relative_from_band(&p, t)?; // [bh, t, span]
        let out = (out + rel_weights.broadcast_matmul(&self.emb_rel_v)?)?;

        let out = out.transpose(1, 2)?.reshape((b, h, t))?;
        self.conv_o.forward(&out)
    }

    /// `[n, t, 2w+1]` relative scores → `[n, t, t]` absolute ones, zero beyond the window.
    fn band_from_relative(&self, rel: &Tensor, t: usize) -> Result<Tensor> {
        let (n, _, span) = rel.dims3()?;
        let w = self.window as isize;
        let rel = rel.flatten_all()?.to_vec1::<f32>()?;
        let mut abs = vec![0f32; n * t * t];
        for m in 0..n {
            for i in 0..t {
                for o in -w..=w {
                    let j = i as isize + o;
                    if (0..t as isize).contains(&j) {
                        abs[(m * t + i) * t + j as usize] =
                            rel[(m * t + i) * span + (o + w) as usize];
                    }
                }
            }
        }
        Tensor::from_vec(abs, (n, t, t), &Device::Cpu)
    }

    /// `[n, t, t]` attention weights → `[n, t, 2w+1]` weights by relative position.
    fn relative_from_band(&self, p: &Tensor, t: usize) -> Result<Tensor> {
        let n = p.dim(0)?;
        let w = self.window as isize;
        let span = 2 * self.window + 1;
        let p = p.flatten_all()?.to_vec1::<f32>()?;
        let mut rel = vec![0f32; n * t * span];
        for m in 0..n {
            for i in 0..t {
                for o in -w..=w {
                    let j = i as isize + o;
                    if (0..t as isize).contains(&j) {
                        rel[(m * t + i) * span + (o + w) as usize] =
                            p[(m * t + i) * t + j as usize];
                    }
                }
            }
        }
        Tensor::from_vec(rel, (n, t, span), &Device::Cpu)
    }
}

/// Position-wise feed-forward with convolutions: conv → ReLU → conv, "same" padding. Most
/// of the encoder's arithmetic, so it runs on [`super::conv`]'s kernels (ReLU is a leaky
/// ReLU of slope 0, fused into the second convolution's input).
struct Ffn {
    conv_1: Conv,
    conv_2: Conv,
}

impl Ffn {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let (h, f, k) = (cfg.hidden_channels, cfg.filter_channels, cfg.kernel_size);
        if k % 2 == 0 {
            candle_core::bail!("even FFN kernels ({k}) are not supported");
        }
        let conv_1 = conv1d(h, f, k, 1, true, vb.pp("conv_1"))?;
        let conv_2 = conv1d(f, h, k, 1, true, vb.pp("conv_2"))?;
        Ok(Ffn {
            conv_1: Conv::new(conv_1.weight(), conv_1.bias(), 1)?,
            conv_2: Conv::new(conv_2.weight(), conv_2.bias(), 1)?,
        })
    }
}

impl Module for Ffn {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let t = x.dim(2)?;
        let y = self.conv_1.forward(&Signal::from_tensor(x)?, None, None);
        let y = self.conv_2.forward(&y, Some(0.0), None);
        // time-major → [1, channels, time]
        Tensor::from_vec(y.data, (t, y.channels), &Device::Cpu)?
            .t()?
            .unsqueeze(0)?
            .contiguous()
    }
}
