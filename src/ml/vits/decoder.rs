//! The HiFi-GAN generator (VITS `dec`; Kong et al. 2020): a latent frame sequence is
//! upsampled by transposed convolutions, each stage followed by the average of several
//! residual blocks with different kernels and dilations (multi-receptive-field fusion).
//! The convolutions run on [`super::conv`]'s time-major kernels, where the decoder spends
//! nearly all of synthesis time.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Conv1d, VarBuilder};
use rayon::prelude::*;

use super::approx;
use super::conv::{Conv, ConvTranspose, Signal};
use super::layers::{conv_transpose1d, conv1d};
use super::{Config, ResBlockKind};

const LRELU_SLOPE: f32 = 0.1;
/// The final activation uses PyTorch's default slope, not HiFi-GAN's 0.1.
const POST_LRELU_SLOPE: f32 = 0.01;

pub struct Generator {
    conv_pre: Conv,
    /// Speaker conditioning, added to every frame after `conv_pre`.
    cond: Option<Conv1d>,
    ups: Vec<ConvTranspose>,
    /// `ups.len()` groups of `resblock_kernel_sizes.len()` blocks.
    resblocks: Vec<ResBlock>,
    conv_post: Conv,
}

/// Weights are loaded (and shape-checked) as candle layers, then packed for [`super::conv`].
fn fast(c: &Conv1d, dilation: usize) -> Result<Conv> {
    Conv::new(c.weight(), c.bias(), dilation)
}

impl Generator {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let c0 = cfg.upsample_initial_channel;
        let mut ups = Vec::new();
        let mut resblocks = Vec::new();
        let mut ch = c0;
        let n_kernels = cfg.resblock_kernel_sizes.len();
        for (i, (&u, &k)) in cfg
            .upsample_rates
            .iter()
            .zip(&cfg.upsample_kernel_sizes)
            .enumerate()
        {
            let c_out = c0 >> (i + 1);
            let up = conv_transpose1d(ch, c_out, k, u, vb.pp(format!("ups.{i}")))?;
            let bias = up
                .bias()
                .ok_or_else(|| candle_core::Error::Msg("upsampling layer without bias".into()))?;
            // Stages after the first take the average of the previous stage's blocks:
            // lrelu commutes with a positive scale, so the 1 / n goes into the weights.
            let scale = if i == 0 { 1.0 } else { 1.0 / n_kernels as f64 };
            let weight = (up.weight() * scale)?;
            ups.push(ConvTranspose::new(&weight, bias, u, (k - u) / 2)?);
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
        let conv_pre = conv1d(cfg.inter_channels, c0, 7, 1, true, vb.pp("conv_pre"))?;
        let conv_post = conv1d(ch, 1, 7, 1, false, vb.pp("conv_post"))?;
        let conv_post_w = (conv_post.weight() * (1.0 / n_kernels as f64))?;
        Ok(Generator {
            conv_pre: fast(&conv_pre, 1)?,
            cond,
            ups,
            resblocks,
            conv_post: Conv::new(&conv_post_w, None, 1)?,
        })
    }

    /// Latent (time-major, `inter` channels) → waveform samples (`frames · hop`) in -1..1.
    pub fn forward(&self, z: &Signal, g: Option<&Tensor>) -> Result<Vec<f32>> {
        let mut x = self.conv_pre.forward(z, None, None);
        if let (Some(cond), Some(g)) = (&self.cond, g) {
            let offset: Vec<f32> = cond.forward(g)?.flatten_all()?.to_vec1()?;
            for frame in x.data.chunks_exact_mut(x.channels) {
                frame.iter_mut().zip(&offset).for_each(|(v, o)| *v += o);
            }
        }
        let per_stage = self.resblocks.len() / self.ups.len();
        for (i, up) in self.ups.iter().enumerate() {
            // The previous stage's 1 / per_stage average is folded into this layer's weights.
            x = up.forward(&x, Some(LRELU_SLOPE));
            let blocks = &self.resblocks[i * per_stage..(i + 1) * per_stage];
            let mut sum = blocks[0].forward(&x, None).expect("a fresh block output");
            for block in &blocks[1..] {
                block.forward(&x, Some(&mut sum));
            }
            x = sum;
        }
        let mut y = self.conv_post.forward(&x, Some(POST_LRELU_SLOPE), None);
        y.data.par_chunks_mut(4096).for_each(approx::tanh_slice);
        Ok(y.data)
    }
}

/// A residual block: type 2 is `x += conv(lrelu(x))` per dilation; type 1 is
/// `x += conv₂(lrelu(conv₁(lrelu(x))))` with a dilated conv₁ and an undilated conv₂.
struct ResBlock {
    /// (dilated conv, optional second conv) per step.
    steps: Vec<(Conv, Option<Conv>)>,
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
                ResBlockKind::Two => {
                    let c = conv1d(ch, ch, kernel, d, true, vb.pp(format!("convs.{m}")))?;
                    Ok((fast(&c, d)?, None))
                }
                ResBlockKind::One => {
                    let c1 = conv1d(ch, ch, kernel, d, true, vb.pp(format!("convs1.{m}")))?;
                    let c2 = conv1d(ch, ch, kernel, 1, true, vb.pp(format!("convs2.{m}")))?;
                    Ok((fast(&c1, d)?, Some(fast(&c2, 1)?)))
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ResBlock { steps })
    }

    /// Adds the block's output to `acc`, or returns it when there is no `acc`. The last
    /// convolution writes straight into the sum, with no separate output.
    fn forward(&self, x: &Signal, mut acc: Option<&mut Signal>) -> Option<Signal> {
        let slope = Some(LRELU_SLOPE);
        let n = self.steps.len();
        let mut cur: Option<Signal> = None;
        for (i, (c1, c2)) in self.steps.iter().enumerate() {
            let input = cur.as_ref().unwrap_or(x);
            let mid = c2.as_ref().map(|_| c1.forward(input, slope, None));
            let (conv, conv_in) = match (c2, &mid) {
                (Some(c2), Some(mid)) => (c2, mid),
                _ => (c1, input),
            };
            if i + 1 == n
                && let Some(acc) = acc.take()
            {
                conv.forward_acc(conv_in, slope, Some(input), acc);
                return None;
            }
            cur = Some(conv.forward(conv_in, slope, Some(input)));
        }
        cur
    }
}
