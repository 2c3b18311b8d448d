//! The residual coupling flow (VITS `flow`), run in reverse: it maps a sample of the text
//! prior to the decoder's latent. Each coupling layer shifts one half of the channels by a
//! WaveNet-style function of the other half (mean-only, so no scaling); the halves swap
//! between layers. It runs on [`super::conv`]'s time-major signals, like the decoder after it.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Conv1d, VarBuilder};
use rayon::prelude::*;

use super::Config;
use super::approx;
use super::conv::{Conv, Signal};
use super::layers::conv1d;

/// Fixed by Piper's `SynthesizerTrn`: `ResidualCouplingBlock(inter, hidden, 5, 1, 4)`.
const N_COUPLINGS: usize = 4;
const KERNEL: usize = 5;
const DILATION_RATE: usize = 1;
const WN_LAYERS: usize = 4;

/// Loads a convolution through candle (shape-checked), packed for the time-major kernels.
fn packed(
    c_in: usize,
    c_out: usize,
    kernel: usize,
    dilation: usize,
    vb: VarBuilder,
) -> Result<Conv> {
    let c = conv1d(c_in, c_out, kernel, dilation, true, vb)?;
    Conv::new(c.weight(), c.bias(), dilation)
}

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

    /// `z_p` `[1, inter, frames]` → `z`, time-major.
    pub fn reverse(&self, z_p: &Tensor, g: Option<&Tensor>) -> Result<Signal> {
        let mut x = Signal::from_tensor(z_p)?;
        for coupling in self.couplings.iter().rev() {
            x.flip_channels();
            coupling.reverse(&mut x, g)?;
        }
        Ok(x)
    }
}

struct Coupling {
    pre: Conv,
    enc: WaveNet,
    post: Conv,
    half: usize,
}

impl Coupling {
    fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let half = cfg.inter_channels / 2;
        let h = cfg.hidden_channels;
        Ok(Coupling {
            pre: packed(half, h, 1, 1, vb.pp("pre"))?,
            enc: WaveNet::new(h, cfg.gin_channels, vb.pp("enc"))?,
            post: packed(h, half, 1, 1, vb.pp("post"))?,
            half,
        })
    }

    /// Shifts the second half of `x`'s channels by a function of the first half.
    fn reverse(&self, x: &mut Signal, g: Option<&Tensor>) -> Result<()> {
        let h = self.pre.forward(&x.channels(0, self.half), None, None);
        let h = self.enc.forward(h, g)?;
        let m = self.post.forward(&h, None, None);
        let c = x.channels;
        for (frame, m) in x
            .data
            .chunks_exact_mut(c)
            .zip(m.data.chunks_exact(self.half))
        {
            frame[self.half..]
                .iter_mut()
                .zip(m)
                .for_each(|(v, m)| *v -= m);
        }
        Ok(())
    }
}

/// Non-causal WaveNet: gated (tanh × sigmoid) dilated convolutions with residual and skip
/// outputs. Weight norm was folded into the kernels at export.
struct WaveNet {
    in_layers: Vec<Conv>,
    res_skip_layers: Vec<Conv>,
    cond_layer: Option<Conv1d>,
    hidden: usize,
}

impl WaveNet {
    fn new(hidden: usize, gin_channels: usize, vb: VarBuilder) -> Result<Self> {
        let mut in_layers = Vec::with_capacity(WN_LAYERS);
        let mut res_skip_layers = Vec::with_capacity(WN_LAYERS);
        for i in 0..WN_LAYERS {
            let dilation = DILATION_RATE.pow(i as u32);
            let in_vb = vb.pp(format!("in_layers.{i}"));
            in_layers.push(packed(hidden, 2 * hidden, KERNEL, dilation, in_vb)?);
            let out = if i + 1 < WN_LAYERS {
                2 * hidden
            } else {
                hidden
            };
            let rs_vb = vb.pp(format!("res_skip_layers.{i}"));
            res_skip_layers.push(packed(hidden, out, 1, 1, rs_vb)?);
        }
        let cond_layer = if gin_channels > 0 {
            let n = 2 * hidden * WN_LAYERS;
            Some(conv1d(gin_channels, n, 1, 1, true, vb.pp("cond_layer"))?)
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

    fn forward(&self, mut x: Signal, g: Option<&Tensor>) -> Result<Signal> {
        let h = self.hidden;
        // Speaker conditioning: one offset per layer and gate channel, the same every frame.
        let g: Option<Vec<f32>> = match (&self.cond_layer, g) {
            (Some(cond), Some(g)) => Some(cond.forward(g)?.flatten_all()?.to_vec1()?),
            _ => None,
        };
        let len = x.len();
        let mut output = vec![0f32; len * h];
        let n_layers = self.in_layers.len();
        for (i, (in_layer, res_skip)) in
            self.in_layers.iter().zip(&self.res_skip_layers).enumerate()
        {
            let x_in = in_layer.forward(&x, None, None);
            let offset = g.as_ref().map(|g| &g[2 * h * i..2 * h * (i + 1)]);
            let mut acts = vec![0f32; len * h];
            acts.par_chunks_mut(h * 16)
                .zip(x_in.data.par_chunks(2 * h * 16))
                .for_each(|(a, pre)| {
                    for (a, pre) in a.chunks_exact_mut(h).zip(pre.chunks_exact(2 * h)) {
                        let (t, s) = pre.split_at(h);
                        match offset {
                            Some(o) => {
                                let (ot, os) = o.split_at(h);
                                for i in 0..h {
                                    a[i] =
                                        approx::tanh(t[i] + ot[i]) * approx::sigmoid(s[i] + os[i]);
                                }
                            }
                            None => {
                                for ((a, &t), &s) in a.iter_mut().zip(t).zip(s) {
                                    *a = approx::tanh(t) * approx::sigmoid(s);
                                }
                            }
                        }
                    }
                });
            let acts = Signal {
                data: acts,
                channels: h,
            };
            let rs = res_skip.forward(&acts, None, None);
            if i + 1 < n_layers {
                let frames = rs.data.chunks_exact(2 * h);
                for ((xf, of), rf) in x
                    .data
                    .chunks_exact_mut(h)
                    .zip(output.chunks_exact_mut(h))
                    .zip(frames)
                {
                    xf.iter_mut().zip(&rf[..h]).for_each(|(v, r)| *v += r);
                    of.iter_mut().zip(&rf[h..]).for_each(|(v, r)| *v += r);
                }
            } else {
                output.iter_mut().zip(&rs.data).for_each(|(v, r)| *v += r);
            }
        }
        Ok(Signal {
            data: output,
            channels: h,
        })
    }
}
