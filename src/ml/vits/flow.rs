//! The residual coupling flow (VITS `flow`), run in reverse: it maps a sample of the text
//! prior to the decoder's latent. Each coupling layer shifts one half of the channels by a
//! WaveNet-style function of the other half (mean-only, so no scaling); the halves swap
//! between layers.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Conv1d, VarBuilder};

use super::Config;
use super::layers::conv1d;

/// Fixed by Piper's `SynthesizerTrn`: `ResidualCouplingBlock(inter, hidden, 5, 1, 4)`.
const N_COUPLINGS: usize = 4;
const KERNEL: usize = 5;
const DILATION_RATE: usize = 1;
const WN_LAYERS: usize = 4;

pub struct ResidualCouplingBlock {
    /// Checkpoint flows 0, 2, 4, 6 (the odd ones are parameter-free channel flips).
    couplings: Vec<Coupling>,
}

impl ResidualCouplingBlock {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let couplings = (0..N_COUPLINGS)
            .map(|i| Coupling::new(cfg, vb.pp(format!("flows.{}", 2 * i))))
            .collect::<Result<Vec<_>>>()?;
        Ok(ResidualCouplingBlock { couplings })
    }

    /// `z_p` `[1, inter, frames]` → `z` of the same shape.
    pub fn reverse(&self, z_p: &Tensor, g: Option<&Tensor>) -> Result<Tensor> {
        let mut x = z_p.clone();
        for coupling in self.couplings.iter().rev() {
            x = coupling.reverse(&x.flip(&[1])?, g)?;
        }
        Ok(x)
    }
}

struct Coupling {
    pre: Conv1d,
    enc: WaveNet,
    post: Conv1d,
    half: usize,
}

impl Coupling {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let half = cfg.inter_channels / 2;
        let h = cfg.hidden_channels;
        Ok(Coupling {
            pre: conv1d(half, h, 1, 1, true, vb.pp("pre"))?,
            enc: WaveNet::new(h, cfg.gin_channels, vb.pp("enc"))?,
            post: conv1d(h, half, 1, 1, true, vb.pp("post"))?,
            half,
        })
    }

    fn reverse(&self, x: &Tensor, g: Option<&Tensor>) -> Result<Tensor> {
        let x0 = x.narrow(1, 0, self.half)?;
        let x1 = x.narrow(1, self.half, self.half)?;
        let h = self.enc.forward(&self.pre.forward(&x0)?, g)?;
        let m = self.post.forward(&h)?;
        Tensor::cat(&[&x0, &(x1 - m)?], 1)
    }
}

/// Non-causal WaveNet: gated (tanh × sigmoid) dilated convolutions with residual and skip
/// outputs. Weight norm was folded into the kernels at export.
struct WaveNet {
    in_layers: Vec<Conv1d>,
    res_skip_layers: Vec<Conv1d>,
    cond_layer: Option<Conv1d>,
    hidden: usize,
}

impl WaveNet {
    fn new(hidden: usize, gin_channels: usize, vb: VarBuilder) -> Result<Self> {
        let mut in_layers = Vec::with_capacity(WN_LAYERS);
        let mut res_skip_layers = Vec::with_capacity(WN_LAYERS);
        for i in 0..WN_LAYERS {
            let dilation = DILATION_RATE.pow(i as u32);
            in_layers.push(conv1d(
                hidden,
                2 * hidden,
                KERNEL,
                dilation,
                true,
                vb.pp(format!("in_layers.{i}")),
            )?);
            let out = if i + 1 < WN_LAYERS {
                2 * hidden
            } else {
                hidden
            };
            res_skip_layers.push(conv1d(
                hidden,
                out,
                1,
                1,
                true,
                vb.pp(format!("res_skip_layers.{i}")),
            )?);
        }
        let cond_layer = if gin_channels > 0 {
            Some(conv1d(
                gin_channels,
                2 * hidden * WN_LAYERS,
                1,
                1,
                true,
                vb.pp("cond_layer"),
            )?)
        } else {
            None
        };
        Ok(WaveNet {
            in_layers,
            res_skip_layers,
            cond_layer,
            hidden,
        })
    }

    fn forward(&self, x: &Tensor, g: Option<&Tensor>) -> Result<Tensor> {
        let h = self.hidden;
        let g = match (&self.cond_layer, g) {
            (Some(cond), Some(g)) => Some(cond.forward(g)?),
            _ => None,
        };
        let mut x = x.clone();
        let mut output: Option<Tensor> = None;
        for (i, (in_layer, res_skip)) in
            self.in_layers.iter().zip(&self.res_skip_layers).enumerate()
        {
            let mut x_in = in_layer.forward(&x)?;
            if let Some(g) = &g {
                x_in = x_in.broadcast_add(&g.narrow(1, 2 * h * i, 2 * h)?)?;
            }
            let acts =
                (x_in.narrow(1, 0, h)?.tanh()? * candle_nn::ops::sigmoid(&x_in.narrow(1, h, h)?)?)?;
            let rs = res_skip.forward(&acts)?;
            let skip = if i + 1 < self.in_layers.len() {
                x = (x + rs.narrow(1, 0, h)?)?;
                rs.narrow(1, h, h)?
            } else {
                rs
            };
            output = Some(match output {
                Some(o) => (o + skip)?,
                None => skip,
            });
        }
        output.ok_or_else(|| candle_core::Error::Msg("WaveNet has no layers".into()))
    }
}
