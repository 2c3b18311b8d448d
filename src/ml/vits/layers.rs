//! Small building blocks shared by the VITS modules.

use candle_core::{Module, Result, Tensor};
use candle_nn::{Conv1d, Conv1dConfig, ConvTranspose1d, ConvTranspose1dConfig, VarBuilder};

/// A 1-D convolution with "same" padding for odd kernels: `(k - 1) · dilation / 2`.
pub fn conv1d(
    c_in: usize,
    c_out: usize,
    kernel: usize,
    dilation: usize,
    bias: bool,
    vb: VarBuilder,
) -> Result<Conv1d> {
    let weight = vb.get((c_out, c_in, kernel), "weight")?;
    let bias = if bias {
        Some(vb.get(c_out, "bias")?)
    } else {
        None
    };
    let cfg = Conv1dConfig {
        padding: (kernel - 1) * dilation / 2,
        dilation,
        ..Default::default()
    };
    Ok(Conv1d::new(weight, bias, cfg))
}

/// A transposed 1-D convolution upsampling by `stride`, padded as HiFi-GAN does.
pub fn conv_transpose1d(
    c_in: usize,
    c_out: usize,
    kernel: usize,
    stride: usize,
    vb: VarBuilder,
) -> Result<ConvTranspose1d> {
    let weight = vb.get((c_in, c_out, kernel), "weight")?;
    let bias = vb.get(c_out, "bias")?;
    let cfg = ConvTranspose1dConfig {
        padding: (kernel - stride) / 2,
        stride,
        ..Default::default()
    };
    Ok(ConvTranspose1d::new(weight, Some(bias), cfg))
}

/// Layer norm over the channel axis of a `[batch, channels, time]` tensor (VITS's LayerNorm).
pub struct ChannelNorm {
    gamma: Tensor,
    beta: Tensor,
}

impl ChannelNorm {
    pub fn new(channels: usize, vb: VarBuilder) -> Result<Self> {
        Ok(ChannelNorm {
            gamma: vb.get(channels, "gamma")?,
            beta: vb.get(channels, "beta")?,
        })
    }
}

impl Module for ChannelNorm {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let x = x.transpose(1, 2)?.contiguous()?;
        let y = candle_nn::ops::layer_norm(&x, &self.gamma, &self.beta, 1e-5)?;
        y.transpose(1, 2)?.contiguous()
    }
}

/// A depthwise (one filter per channel) convolution, done as shifted multiply-adds:
/// candle's grouped conv1d runs one convolution per group, far slower for 192 groups.
pub struct DepthwiseConv1d {
    /// `[kernel]` taps, each `[1, channels, 1]`.
    taps: Vec<Tensor>,
    bias: Tensor,
    dilation: usize,
}

impl DepthwiseConv1d {
    pub fn new(channels: usize, kernel: usize, dilation: usize, vb: VarBuilder) -> Result<Self> {
        let w = vb.get((channels, 1, kernel), "weight")?;
        let taps = (0..kernel)
            .map(|k| w.narrow(2, k, 1)?.reshape((1, channels, 1)))
            .collect::<Result<Vec<_>>>()?;
        let bias = vb.get(channels, "bias")?.reshape((1, channels, 1))?;
        Ok(DepthwiseConv1d {
            taps,
            bias,
            dilation,
        })
    }
}

impl Module for DepthwiseConv1d {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let len = x.dim(2)?;
        let pad = (self.taps.len() - 1) * self.dilation / 2;
        let padded = x.pad_with_zeros(2, pad, pad)?;
        let mut y = self.bias.broadcast_as(x.shape())?.contiguous()?;
        for (k, tap) in self.taps.iter().enumerate() {
            let shifted = padded.narrow(2, k * self.dilation, len)?;
            y = (y + shifted.broadcast_mul(tap)?)?;
        }
        Ok(y)
    }
}
