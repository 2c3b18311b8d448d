//! The stochastic duration predictor (VITS `dp`), run in reverse: from noise (zeros when
//! `noise_w` is 0), through invertible flows conditioned on the text encoding, to the log
//! duration of each phoneme. The flows are neural rational-quadratic splines (Durkan et al.
//! 2019, "Neural Spline Flows") with linear tails.

use candle_core::{Device, Module, Result, Tensor};
use candle_nn::{Conv1d, VarBuilder};

use super::Config;
use super::layers::{ChannelNorm, DepthwiseConv1d, conv1d};

/// Fixed by Piper's `StochasticDurationPredictor`.
const FILTER_CHANNELS: usize = 192;
const KERNEL: usize = 3;
const N_FLOWS: usize = 4;
const DDS_LAYERS: usize = 3;
const NUM_BINS: usize = 10;
const TAIL_BOUND: f32 = 5.0;
const MIN_BIN_WIDTH: f32 = 1e-3;
const MIN_BIN_HEIGHT: f32 = 1e-3;
const MIN_DERIVATIVE: f32 = 1e-3;

pub struct StochasticDurationPredictor {
    pre: Conv1d,
    convs: DdsConv,
    proj: Conv1d,
    cond: Option<Conv1d>,
    /// ElementwiseAffine (flow 0): mean and log-scale, `[2, 1]`.
    affine_m: Tensor,
    affine_logs: Tensor,
    /// The spline flows used in reverse, in the order they run (flows 7, 5, 3; flow 1 is
    /// skipped in reverse, as in VITS: it only transforms the discarded channel).
    conv_flows: Vec<ConvFlow>,
}

impl StochasticDurationPredictor {
    pub fn new(cfg: &Config, vb: VarBuilder) -> Result<Self> {
        let c_in = cfg.hidden_channels;
        let f = FILTER_CHANNELS;
        let cond = if cfg.gin_channels > 0 {
            Some(conv1d(cfg.gin_channels, f, 1, 1, true, vb.pp("cond"))?)
        } else {
            None
        };
        let conv_flows = (2..=N_FLOWS)
            .rev()
            .map(|i| ConvFlow::new(vb.pp(format!("flows.{}", 2 * i - 1))))
            .collect::<Result<Vec<_>>>()?;
        Ok(StochasticDurationPredictor {
            pre: conv1d(c_in, f, 1, 1, true, vb.pp("pre"))?,
            convs: DdsConv::new(f, vb.pp("convs"))?,
            proj: conv1d(f, f, 1, 1, true, vb.pp("proj"))?,
            cond,
            affine_m: vb.get((2, 1), "flows.0.m")?,
            affine_logs: vb.get((2, 1), "flows.0.logs")?,
            conv_flows,
        })
    }

    /// Text encoding `[1, hidden, t]` and noise `[1, 2, t]` → log durations `[1, 1, t]`.
    pub fn reverse(&self, x: &Tensor, noise: &Tensor, g: Option<&Tensor>) -> Result<Tensor> {
        let mut x = self.pre.forward(x)?;
        if let (Some(cond), Some(g)) = (&self.cond, g) {
            x = x.broadcast_add(&cond.forward(g)?)?;
        }
        let x = self.proj.forward(&self.convs.forward(&x)?)?;

        let mut z = noise.clone();
        for flow in &self.conv_flows {
            z = flow.reverse(&z.flip(&[1])?, &x)?;
        }
        let z = z.flip(&[1])?;
        let z = z
            .broadcast_sub(&self.affine_m)?
            .broadcast_mul(&self.affine_logs.neg()?.exp()?)?;
        z.narrow(1, 0, 1)
    }
}

/// Dilated depth-separable convolutions (dilation 1, 3, 9), each followed by layer norm, GELU,
/// a 1×1 convolution, layer norm and GELU, with residual connections.
struct DdsConv {
    layers: Vec<(DepthwiseConv1d, ChannelNorm, Conv1d, ChannelNorm)>,
}

impl DdsConv {
    fn new(channels: usize, vb: VarBuilder) -> Result<Self> {
        let layers = (0..DDS_LAYERS)
            .map(|i| {
                let dilation = KERNEL.pow(i as u32);
                Ok((
                    DepthwiseConv1d::new(
                        channels,
                        KERNEL,
                        dilation,
                        vb.pp(format!("convs_sep.{i}")),
                    )?,
                    ChannelNorm::new(channels, vb.pp(format!("norms_1.{i}")))?,
                    conv1d(
                        channels,
                        channels,
                        1,
                        1,
                        true,
                        vb.pp(format!("convs_1x1.{i}")),
                    )?,
                    ChannelNorm::new(channels, vb.pp(format!("norms_2.{i}")))?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(DdsConv { layers })
    }
}

impl Module for DdsConv {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let mut x = x.clone();
        for (sep, norm_1, conv_1x1, norm_2) in &self.layers {
            let y = norm_1.forward(&sep.forward(&x)?)?.gelu_erf()?;
            let y = norm_2.forward(&conv_1x1.forward(&y)?)?.gelu_erf()?;
            x = (x + y)?;
        }
        Ok(x)
    }
}

/// A coupling flow: channel 0 conditions a rational-quadratic spline applied to channel 1.
struct ConvFlow {
    pre: Conv1d,
    convs: DdsConv,
    proj: Conv1d,
}

impl ConvFlow {
    fn new(vb: VarBuilder) -> Result<Self> {
        let f = FILTER_CHANNELS;
        Ok(ConvFlow {
            pre: conv1d(1, f, 1, 1, true, vb.pp("pre"))?,
            convs: DdsConv::new(f, vb.pp("convs"))?,
            proj: conv1d(f, 3 * NUM_BINS - 1, 1, 1, true, vb.pp("proj"))?,
        })
    }

    /// `z` `[1, 2, t]`, conditioning `g` `[1, FILTER_CHANNELS, t]` → inverse-transformed `z`.
    fn reverse(&self, z: &Tensor, g: &Tensor) -> Result<Tensor> {
        let t = z.dim(2)?;
        let z0 = z.narrow(1, 0, 1)?;
        let h = (self.pre.forward(&z0)? + g)?;
        let h = self.proj.forward(&self.convs.forward(&h)?)?; // [1, 29, t]
        let params = h.squeeze(0)?.t()?.contiguous()?.to_vec2::<f32>()?; // [t][29]
        let z1 = z.narrow(1, 1, 1)?.flatten_all()?.to_vec1::<f32>()?;
        let scale = 1.0 / (FILTER_CHANNELS as f32).sqrt();
        let out: Vec<f32> = z1
            .iter()
            .zip(&params)
            .map(|(&y, p)| {
                let widths: Vec<f32> = p[..NUM_BINS].iter().map(|v| v * scale).collect();
                let heights: Vec<f32> = p[NUM_BINS..2 * NUM_BINS]
                    .iter()
                    .map(|v| v * scale)
                    .collect();
                spline_inverse(y, &widths, &heights, &p[2 * NUM_BINS..])
            })
            .collect();
        let z1 = Tensor::from_vec(out, (1, 1, t), &Device::Cpu)?;
        Tensor::cat(&[&z0, &z1], 1)
    }
}

/// Inverts a monotone rational-quadratic spline on [-B, B] (identity outside), given its
/// unnormalised bin widths, heights and inner-knot derivatives. Computed in f32 like the
/// exported graph, so that durations (which are rounded up to whole frames) agree.
fn spline_inverse(y: f32, u_widths: &[f32], u_heights: &[f32], u_derivs: &[f32]) -> f32 {
    let b = TAIL_BOUND;
    if !(-b..=b).contains(&y) {
        return y;
    }
    let n = u_widths.len();
    let knots = |u: &[f32], min_bin: f32| -> Vec<f32> {
        let max = u.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        let e: Vec<f32> = u.iter().map(|&v| (v - max).exp()).collect();
        let sum: f32 = e.iter().sum();
        let mut cum = Vec::with_capacity(n + 1);
        cum.push(0.0f32);
        let mut acc = 0.0f32;
        for v in &e {
            acc += min_bin + (1.0 - min_bin * n as f32) * (v / sum);
            cum.push(acc);
        }
        let mut knots: Vec<f32> = cum.iter().map(|c| 2.0 * b * c - b).collect();
        knots[0] = -b;
        knots[n] = b;
        knots
    };
    let xs = knots(u_widths, MIN_BIN_WIDTH);
    let ys = knots(u_heights, MIN_BIN_HEIGHT);
    // Boundary derivatives are 1 so the spline meets its linear tails smoothly.
    let deriv = |k: usize| -> f32 {
        if k == 0 || k == n {
            1.0
        } else {
            MIN_DERIVATIVE + softplus(u_derivs[k - 1])
        }
    };

    // Bin whose output range holds y (the last knot nudged up, as the original does).
    let bin = (0..=n)
        .filter(|&k| {
            let edge = if k == n { ys[k] + 1e-6 } else { ys[k] };
            y >= edge
        })
        .count()
        .saturating_sub(1)
        .min(n - 1);

    let (x0, w) = (xs[bin], xs[bin + 1] - xs[bin]);
    let (y0, h) = (ys[bin], ys[bin + 1] - ys[bin]);
    let delta = h / w;
    let (d0, d1) = (deriv(bin), deriv(bin + 1));
    let dy = y - y0;
    let a = dy * (d0 + d1 - 2.0 * delta) + h * (delta - d0);
    let bq = h * d0 - dy * (d0 + d1 - 2.0 * delta);
    let c = -delta * dy;
    let disc = bq * bq - 4.0 * a * c;
    let root = (2.0 * c) / (-bq - disc.max(0.0).sqrt());
    root * w + x0
}

fn softplus(x: f32) -> f32 {
    // torch's softplus switches to the identity above 20.
    if x > 20.0 { x } else { x.exp().ln_1p() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forward spline, written independently from the formulas of Durkan et al.
    fn spline_forward(x: f32, uw: &[f32], uh: &[f32], ud: &[f32]) -> f32 {
        let n = uw.len();
        let b = TAIL_BOUND;
        let norm = |u: &[f32], min: f32| {
            let s: f32 = u.iter().map(|v| v.exp()).sum();
            let mut k = vec![-b];
            let mut acc = 0.0;
            for v in u {
                acc += min + (1.0 - min * n as f32) * v.exp() / s;
                k.push(2.0 * b * acc - b);
            }
            k[n] = b;
            k
        };
        let (xs, ys) = (norm(uw, MIN_BIN_WIDTH), norm(uh, MIN_BIN_HEIGHT));
        let d = |k: usize| {
            if k == 0 || k == n {
                1.0
            } else {
                MIN_DERIVATIVE + softplus(ud[k - 1])
            }
        };
        let i = (0..n).rfind(|&k| x >= xs[k]).unwrap();
        let (w, h) = (xs[i + 1] - xs[i], ys[i + 1] - ys[i]);
        let s = h / w;
        let th = (x - xs[i]) / w;
        let num = h * (s * th * th + d(i) * th * (1.0 - th));
        let den = s + (d(i + 1) + d(i) - 2.0 * s) * th * (1.0 - th);
        ys[i] + num / den
    }

    #[test]
    fn spline_inverse_undoes_the_forward_spline() {
        let uw = [0.3, -1.0, 0.5, 2.0, 0.0, 0.1, -0.4, 1.2, 0.7, -0.2];
        let uh = [-0.5, 0.2, 1.0, 0.0, 0.3, -1.5, 0.8, 0.4, 0.0, 0.6];
        let ud = [0.1, -2.0, 0.5, 1.5, 0.0, -0.3, 0.9, 2.5, -1.0];
        for i in 0..=40 {
            let x = -4.9 + 9.8 * i as f32 / 40.0;
            let y = spline_forward(x, &uw, &uh, &ud);
            let back = spline_inverse(y, &uw, &uh, &ud);
            assert!((back - x).abs() < 1e-4, "x {x} → y {y} → {back}");
        }
        assert_eq!(spline_inverse(7.5, &uw, &uh, &ud), 7.5);
        assert_eq!(spline_inverse(-6.0, &uw, &uh, &ud), -6.0);
    }
}
