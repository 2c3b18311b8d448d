//! The HiFi-GAN generator (VITS `dec`; Kong et al. 2020): a latent frame sequence is
//! upsampled by transposed convolutions, each stage followed by the average of several
//! residual blocks with different kernels and dilations (multi-receptive-field fusion).

use candle_core::{Module, Result, Tensor};
use candle_nn::{Conv1d, ConvTranspose1d, VarBuilder};

use super::layers::{conv_transpose1d, conv1d};
use super::{Config, ResBlockKind};

const LRELU_SLOPE: f64 = 0.1;
/// The final activation uses PyTorch's default slope, not HiFi-GAN's 0.1.
const POST_LRELU_SLOPE: f64 = 0.01;

pub struct Generator {
    conv_pre: Conv1d,
    cond: Option<Conv1d>,
    ups: Vec<ConvTranspose1d>,
    /// `ups.len()` groups of `resblock_kernel_sizes.len()` blocks.
    resblocks: Vec<ResBlock>,
    conv_post: Conv1d,
}

impl Generator {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let c0 = cfg.upsample_initial_channel;
        let mut ups = Vec::new();
        let mut resblocks = Vec::new();
        let mut ch = c0;
        for (i, (&u, &k)) in cfg
            .upsample_rates
            .iter()
            .zip(&cfg.upsample_kernel_sizes)
            .enumerate()
        {
            let c_out = c0 >> (i + 1);
            ups.push(conv_transpose1d(
                ch,
                c_out,
                k,
                u,
                vb.pp(format!("ups.{i}")),
            )?);
            ch = c_out;
            for (j, (&rk, dilations)) in cfg
                .resblock_kernel_sizes
                .iter()
                .zip(&cfg.resblock_dilation_sizes)
                .enumerate()
            {
                let index = i * cfg.resblock_kernel_sizes.len() + j;
                resblocks.push(ResBlock::new(
                    cfg.resblock,
                    ch,
                    rk,
                    dilations,
                    vb.pp(format!("resblocks.{index}")),
                )?);
            }
        }
        let cond = if cfg.gin_channels > 0 {
            Some(conv1d(cfg.gin_channels, c0, 1, 1, true, vb.pp("cond"))?)
        } else {
            None
        };
        Ok(Generator {
            conv_pre: conv1d(cfg.inter_channels, c0, 7, 1, true, vb.pp("conv_pre"))?,
            cond,
            ups,
            resblocks,
            conv_post: conv1d(ch, 1, 7, 1, false, vb.pp("conv_post"))?,
        })
    }

    /// Latent `[1, inter, frames]` → waveform `[1, 1, frames · hop]` in -1..1.
    pub fn forward(&self, z: &Tensor, g: Option<&Tensor>) -> Result<Tensor> {
        let mut x = self.conv_pre.forward(z)?;
        if let (Some(cond), Some(g)) = (&self.cond, g) {
            x = x.broadcast_add(&cond.forward(g)?)?;
        }
        let per_stage = self.resblocks.len() / self.ups.len();
        for (i, up) in self.ups.iter().enumerate() {
            x = up.forward(&candle_nn::ops::leaky_relu(&x, LRELU_SLOPE)?)?;
            let blocks = &self.resblocks[i * per_stage..(i + 1) * per_stage];
            let mut sum = blocks[0].forward(&x)?;
            for block in &blocks[1..] {
                sum = (sum + block.forward(&x)?)?;
            }
            x = (sum / per_stage as f64)?;
        }
        let x = candle_nn::ops::leaky_relu(&x, POST_LRELU_SLOPE)?;
        self.conv_post.forward(&x)?.tanh()
    }
}

/// A residual block: type 2 is `x += conv(lrelu(x))` per dilation; type 1 is
/// `x += conv₂(lrelu(conv₁(lrelu(x))))` with a dilated conv₁ and an undilated conv₂.
struct ResBlock {
    /// (dilated conv, optional second conv) per step.
    steps: Vec<(Conv1d, Option<Conv1d>)>,
}

impl ResBlock {
    fn new(
        kind: ResBlockKind,
        ch: usize,
        kernel: usize,
        dilations: &[usize],
        vb: VarBuilder,
    ) -> Result<Self> {
        let steps = dilations
            .iter()
            .enumerate()
            .map(|(m, &d)| match kind {
                ResBlockKind::Two => Ok((
                    conv1d(ch, ch, kernel, d, true, vb.pp(format!("convs.{m}")))?,
                    None,
                )),
                ResBlockKind::One => Ok((
                    conv1d(ch, ch, kernel, d, true, vb.pp(format!("convs1.{m}")))?,
                    Some(conv1d(
                        ch,
                        ch,
                        kernel,
                        1,
                        true,
                        vb.pp(format!("convs2.{m}")),
                    )?),
                )),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ResBlock { steps })
    }
}

impl Module for ResBlock {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut x = x.clone();
        for (c1, c2) in &self.steps {
            let mut xt = c1.forward(&candle_nn::ops::leaky_relu(&x, LRELU_SLOPE)?)?;
            if let Some(c2) = c2 {
                xt = c2.forward(&candle_nn::ops::leaky_relu(&xt, LRELU_SLOPE)?)?;
            }
            x = (x + xt)?;
        }
        Ok(x)
    }
}
