//! Fast 1-D convolutions on plain time-major buffers, for the HiFi-GAN decoder (nearly all
//! of synthesis time), the coupling flow and the text encoder's feed-forward layers.
//!
//! Why not candle's `conv1d`: on the decoder's shapes (32–128 channels, up to a few hundred
//! thousand samples) it spends most of its time copying (a whole-signal im2col, then
//! transposes), and its transposed convolution is a direct loop; measured 2–9× slower than
//! onnxruntime (notes/piper-onnx-weights.md). Here the signal is stored time-major
//! (`[time][channel]`) and cut into tiles that run in parallel over an output pre-filled with
//! bias and residual; the leaky ReLU that precedes every decoder convolution is applied once
//! to the input on the way.
//!
//! Two kernels: on x86-64 with AVX2 and FMA (checked at run time) a direct kernel keeps a
//! block of 6 frames × 16 output channels in registers over all taps and input channels
//! (about 100 GFLOP/s per core on the decoder's shapes, as `bench::conv_speed` measures);
//! elsewhere, or when the output channels are not a multiple of 16, each tile builds a small
//! im2col block and makes one GEMM call. A transposed convolution is done polyphase: each
//! output phase is an ordinary convolution of the input with a subset of the taps.
//!
//! The direct kernel sums in the same order whatever the tiling, so results do not depend on
//! the number of threads.

use crate::ml::gemm_acc;
use candle_core::{Result, Tensor};
use gemm::Parallelism;
use rayon::prelude::*;

/// A multichannel signal, time-major: sample `t` of channel `c` is `data[t * channels + c]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Signal {
    pub data: Vec<f32>,
    pub channels: usize,
}

impl Signal {
    pub fn len(&self) -> usize {
        self.data.len() / self.channels
    }

    /// From a `[1, channels, time]` tensor.
    pub fn from_tensor(x: &Tensor) -> Result<Self> {
        let (_, channels, _) = x.dims3()?;
        let data = x.squeeze(0)?.t()?.contiguous()?.flatten_all()?.to_vec1()?;
        Ok(Signal { data, channels })
    }

    /// Channels `from..from + n` of every frame.
    pub fn channels(&self, from: usize, n: usize) -> Signal {
        let data = self
            .data
            .chunks_exact(self.channels)
            .flat_map(|frame| &frame[from..from + n])
            .copied()
            .collect();
        Signal { data, channels: n }
    }

    /// Every frame's channels in reverse order.
    pub fn flip_channels(&mut self) {
        self.data
            .chunks_exact_mut(self.channels)
            .for_each(|frame| frame.reverse());
    }
}

/// Target size of one tile's im2col block, in floats (256 KiB: stays in L2).
const TILE_FLOATS: usize = 64 * 1024;

/// Rows per tile for an im2col row of `row_len` floats, over a signal of `len` rows: small
/// enough to stay in cache, and to give every thread a couple of tiles on short signals.
fn tile_rows(row_len: usize, len: usize) -> usize {
    let spread = len.div_ceil(2 * rayon::current_num_threads());
    // A multiple of 12 frames: whole register blocks of either kernel, no ragged tails.
    ((TILE_FLOATS / row_len.max(1)).min(spread).clamp(16, 2048)).div_ceil(12) * 12
}

/// Leaky ReLU with a slope in 0..=1 (`None`: identity), branch-free so that loops over it
/// vectorise: `max(v, v · s)` is `v` for `v >= 0` and `v · s` below.
#[inline(always)]
fn lrelu(v: f32, slope: Option<f32>) -> f32 {
    v.max(v * slope.unwrap_or(1.0))
}

/// A 1-D convolution, stride 1, "same" padding.
pub struct Conv {
    /// `[(tap, c_in)][c_out]`.
    w: Vec<f32>,
    bias: Vec<f32>,
    c_in: usize,
    c_out: usize,
    kernel: usize,
    dilation: usize,
    padding: usize,
}

impl Conv {
    /// From PyTorch-layout weights `[c_out, c_in, kernel]` and an optional bias `[c_out]`.
    pub fn new(weight: &Tensor, bias: Option<&Tensor>, dilation: usize) -> Result<Self> {
        let (c_out, c_in, kernel) = weight.dims3()?;
        // [c_out, c_in, k] → [k, c_in, c_out]
        let w = weight
            .permute((2, 1, 0))?
            .contiguous()?
            .flatten_all()?
            .to_vec1()?;
        let bias = match bias {
            Some(b) => b.to_vec1()?,
            None => vec![0.0; c_out],
        };
        Ok(Conv {
            w,
            bias,
            c_in,
            c_out,
            kernel,
            dilation,
            padding: (kernel - 1) * dilation / 2,
        })
    }

    pub fn c_in(&self) -> usize {
        self.c_in
    }

    pub fn c_out(&self) -> usize {
        self.c_out
    }

    /// `conv(lrelu(x)) + bias (+ residual)`; `slope` None skips the activation.
    pub fn forward(&self, x: &Signal, slope: Option<f32>, residual: Option<&Signal>) -> Signal {
        let (len, c_out) = (x.len(), self.c_out);
        self.check(x, residual);
        let tile = tile_rows(self.kernel * self.c_in, len);
        let n = len * c_out;
        // The output is written tile by tile in parallel (bias and residual first), so it
        // is never zero-filled: a serial memset of every output was ~3% of synthesis.
        let mut data: Vec<f32> = Vec::with_capacity(n);
        data.spare_capacity_mut()[..n]
            .par_chunks_mut(tile * c_out)
            .enumerate()
            .for_each(|(ti, dst)| {
                let t0 = ti * tile;
                let rows = dst.len() / c_out;
                let res = residual.map(|r| &r.data[t0 * c_out..(t0 + rows) * c_out]);
                match res {
                    Some(res) => {
                        for (frame, r) in dst.chunks_exact_mut(c_out).zip(res.chunks_exact(c_out)) {
                            for ((d, b), r) in frame.iter_mut().zip(&self.bias).zip(r) {
                                d.write(r + b);
                            }
                        }
                    }
                    None => {
                        for frame in dst.chunks_exact_mut(c_out) {
                            for (d, b) in frame.iter_mut().zip(&self.bias) {
                                d.write(*b);
                            }
                        }
                    }
                }
                // SAFETY: every element of `dst` was initialised just above, and
                // `MaybeUninit<f32>` has the layout of `f32`.
                let dst = unsafe { &mut *(dst as *mut [std::mem::MaybeUninit<f32>] as *mut [f32]) };
                self.conv_tile(x, slope, t0, dst);
            });
        // SAFETY: the chunks above cover `..n` and initialised every element.
        unsafe { data.set_len(n) };
        Signal {
            data,
            channels: c_out,
        }
    }

    fn check(&self, x: &Signal, residual: Option<&Signal>) {
        assert_eq!(x.channels, self.c_in, "conv input channels");
        if let Some(r) = residual {
            assert_eq!(
                (r.channels, r.len()),
                (self.c_out, x.len()),
                "residual shape"
            );
        }
    }

    /// `acc += conv(lrelu(x)) + bias (+ residual)`. Every step (activation, bias, residual,
    /// convolution) happens tile by tile in parallel, while the tile is in cache.
    pub fn forward_acc(
        &self,
        x: &Signal,
        slope: Option<f32>,
        residual: Option<&Signal>,
        acc: &mut Signal,
    ) {
        self.check(x, residual);
        let len = x.len();
        let c_out = self.c_out;
        assert_eq!((acc.channels, acc.len()), (c_out, len), "conv output shape");
        let tile = tile_rows(self.kernel * self.c_in, len);
        acc.data
            .par_chunks_mut(tile * c_out)
            .enumerate()
            .for_each(|(ti, dst)| {
                let t0 = ti * tile;
                let rows = dst.len() / c_out;
                let res = residual.map(|r| &r.data[t0 * c_out..(t0 + rows) * c_out]);
                add_bias_residual(dst, &self.bias, res);
                self.conv_tile(x, slope, t0, dst);
            });
    }

    /// `dst` (output frames `t0..`, pre-filled) += the convolution of `lrelu(x)`.
    fn conv_tile(&self, x: &Signal, slope: Option<f32>, t0: usize, dst: &mut [f32]) {
        let (len, c_in, c_out, pad) = (x.len(), self.c_in, self.c_out, self.padding);
        if !direct::available(c_out) {
            self.gemm_tile(x, slope, t0, dst);
            return;
        }
        let rows = dst.len() / c_out;
        // The activated input frames t0 - pad .. t0 + rows + pad, zero outside: a small,
        // cache-resident window, zeroed, then activated in a loop that vectorises.
        let lo = t0.saturating_sub(pad);
        let hi = (t0 + rows + pad).min(len);
        let at = (lo + pad - t0) * c_in;
        let mut xa = vec![0f32; (rows + 2 * pad) * c_in];
        let s = slope.unwrap_or(1.0);
        xa[at..at + (hi - lo) * c_in]
            .iter_mut()
            .zip(&x.data[lo * c_in..hi * c_in])
            .for_each(|(d, &v)| *d = if v > v * s { v } else { v * s });
        let taps = direct::Taps {
            x: &xa,
            c_in,
            w: &self.w,
            c_out,
            kernel: self.kernel,
            dilation: self.dilation,
            out_stride: c_out,
        };
        direct::accumulate(&taps, 0, rows, dst);
    }

    /// The portable path for one tile of output frames `t0..`: im2col, then one GEMM.
    fn gemm_tile(&self, x: &Signal, slope: Option<f32>, t0: usize, dst: &mut [f32]) {
        let len = x.len();
        let (c_in, c_out) = (self.c_in, self.c_out);
        let row = self.kernel * c_in;
        let rows = dst.len() / c_out;
        let mut col = vec![0f32; rows * row];
        for (r, col_row) in col.chunks_exact_mut(row).enumerate() {
            for (k, seg) in col_row.chunks_exact_mut(c_in).enumerate() {
                let src = (t0 + r + k * self.dilation) as isize - self.padding as isize;
                if (0..len as isize).contains(&src) {
                    let s = src as usize * c_in;
                    for (d, &v) in seg.iter_mut().zip(&x.data[s..s + c_in]) {
                        *d = lrelu(v, slope);
                    }
                }
            }
        }
        gemm_acc(
            rows,
            c_out,
            row,
            dst,
            c_out,
            &col,
            &self.w,
            Parallelism::None,
        );
    }
}

/// `dst` (frames × channels) += bias per frame (+ residual).
fn add_bias_residual(dst: &mut [f32], bias: &[f32], residual: Option<&[f32]>) {
    let c = bias.len();
    match residual {
        Some(r) => {
            for (d, r) in dst.chunks_exact_mut(c).zip(r.chunks_exact(c)) {
                for ((d, r), b) in d.iter_mut().zip(r).zip(bias) {
                    *d += r + b;
                }
            }
        }
        None => {
            for d in dst.chunks_exact_mut(c) {
                d.iter_mut().zip(bias).for_each(|(d, b)| *d += b);
            }
        }
    }
}

/// A direct convolution kernel for x86-64 with AVX2 and FMA (checked at run time): each
/// block of 4 output frames × 16 output channels is accumulated in registers over all taps
/// and input channels, reading the packed weights row by row. It avoids the im2col copy and
/// GEMM packing, which cost as much as the arithmetic at 32–64 channels.
mod direct {
    /// Output frames per register block, and output channels per block.
    const ROWS: usize = 6;
    const LANES: usize = 16;

    /// One convolution's operands: `x` is the activated input with `padding` zero frames on
    /// both sides, `w` is `[(tap, c_in)][c_out]`.
    pub struct Taps<'a> {
        pub x: &'a [f32],
        pub c_in: usize,
        pub w: &'a [f32],
        pub c_out: usize,
        pub kernel: usize,
        pub dilation: usize,
        /// Floats between consecutive output frames in `dst` (`c_out` when contiguous).
        pub out_stride: usize,
    }

    /// Whether the AVX-512 kernel runs: 32 output channels (two 16-lane registers) per
    /// block, 12 frames, so 24 of the 32 registers accumulate.
    fn avx512(c_out: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            c_out.is_multiple_of(2 * LANES) && std::arch::is_x86_feature_detected!("avx512f")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = c_out;
            false
        }
    }

    pub fn available(c_out: usize) -> bool {
        #[cfg(target_arch = "x86_64")]
        {
            c_out.is_multiple_of(LANES)
                && std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = c_out;
            false
        }
    }

    /// `dst` (`rows` frames `t0..` of the output, pre-filled) += the convolution. Only call
    /// when [`available`] said yes.
    pub fn accumulate(taps: &Taps, t0: usize, rows: usize, dst: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `available` checked that the CPU has AVX2 and FMA, `avx512` for AVX-512F.
        unsafe {
            if avx512(taps.c_out) {
                accumulate_avx512(taps, t0, rows, dst)
            } else {
                accumulate_avx2(taps, t0, rows, dst)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            let _ = (taps, t0, rows, dst);
            unreachable!("the direct convolution kernel needs x86-64")
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn accumulate_avx2(taps: &Taps, t0: usize, rows: usize, dst: &mut [f32]) {
        let stride = taps.out_stride;
        for c0 in (0..taps.c_out).step_by(LANES) {
            let mut t = 0;
            // SAFETY (both calls): AVX2 and FMA are enabled in this function.
            while t + ROWS <= rows {
                unsafe { block::<ROWS>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += ROWS;
            }
            while t + 3 <= rows {
                unsafe { block::<3>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += 3;
            }
            while t < rows {
                unsafe { block::<1>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += 1;
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    unsafe fn accumulate_avx512(taps: &Taps, t0: usize, rows: usize, dst: &mut [f32]) {
        const ROWS512: usize = 12;
        let stride = taps.out_stride;
        for c0 in (0..taps.c_out).step_by(2 * LANES) {
            let mut t = 0;
            // SAFETY (all calls): AVX-512F is enabled in this function.
            while t + ROWS512 <= rows {
                unsafe { block512::<ROWS512>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += ROWS512;
            }
            while t + 4 <= rows {
                unsafe { block512::<4>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += 4;
            }
            while t < rows {
                unsafe { block512::<1>(taps, t0 + t, c0, &mut dst[t * stride..]) };
                t += 1;
            }
        }
    }

    /// [`block`] with sixteen-lane registers and 32 output channels: the same fused
    /// multiply-adds per output in the same order, so the results are bit for bit the same.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn block512<const R: usize>(taps: &Taps, t: usize, c0: usize, dst: &mut [f32]) {
        use std::arch::x86_64::*;
        let (c_in, c_out, stride) = (taps.c_in, taps.c_out, taps.out_stride);
        assert!(c0 + 2 * LANES <= c_out && dst.len() >= (R - 1) * stride + c0 + 2 * LANES);
        // SAFETY: every pointer below stays inside `xs`, `ws` or `dst`, whose bounds the
        // slicing and the assert above check; the caller guarantees AVX-512F.
        unsafe {
            let mut acc = [[_mm512_setzero_ps(); 2]; R];
            for k in 0..taps.kernel {
                let base = (t + k * taps.dilation) * c_in;
                let xs = &taps.x[base..base + R * c_in];
                let ws = &taps.w[k * c_in * c_out..(k + 1) * c_in * c_out];
                for ci in 0..c_in {
                    let w = ws.as_ptr().add(ci * c_out + c0);
                    let (w0, w1) = (_mm512_loadu_ps(w), _mm512_loadu_ps(w.add(LANES)));
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let xv = _mm512_set1_ps(*xs.as_ptr().add(r * c_in + ci));
                        acc[0] = _mm512_fmadd_ps(xv, w0, acc[0]);
                        acc[1] = _mm512_fmadd_ps(xv, w1, acc[1]);
                    }
                }
            }
            for (r, acc) in acc.iter().enumerate() {
                let d = dst.as_mut_ptr().add(r * stride + c0);
                _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[0]));
                let d = d.add(LANES);
                _mm512_storeu_ps(d, _mm512_add_ps(_mm512_loadu_ps(d), acc[1]));
            }
        }
    }

    /// Accumulates a block of `R` output frames × 16 channels in eight-lane registers,
    /// then adds it to `dst`. The same fused multiply-adds in the same order as a scalar
    /// loop would do, with explicit intrinsics so the accumulators surely stay in registers.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    unsafe fn block<const R: usize>(taps: &Taps, t: usize, c0: usize, dst: &mut [f32]) {
        use std::arch::x86_64::*;
        let (c_in, c_out, stride) = (taps.c_in, taps.c_out, taps.out_stride);
        assert!(c0 + LANES <= c_out && dst.len() >= (R - 1) * stride + c0 + LANES);
        // SAFETY: every pointer below stays inside `xs`, `ws` or `dst`, whose bounds the
        // slicing and the assert above check; the caller guarantees AVX2 and FMA.
        unsafe {
            let mut acc = [[_mm256_setzero_ps(); 2]; R];
            for k in 0..taps.kernel {
                let base = (t + k * taps.dilation) * c_in;
                let xs = &taps.x[base..base + R * c_in];
                let ws = &taps.w[k * c_in * c_out..(k + 1) * c_in * c_out];
                for ci in 0..c_in {
                    let w = ws.as_ptr().add(ci * c_out + c0);
                    let (w0, w1) = (_mm256_loadu_ps(w), _mm256_loadu_ps(w.add(8)));
                    for (r, acc) in acc.iter_mut().enumerate() {
                        let xv = _mm256_broadcast_ss(&*xs.as_ptr().add(r * c_in + ci));
                        acc[0] = _mm256_fmadd_ps(xv, w0, acc[0]);
                        acc[1] = _mm256_fmadd_ps(xv, w1, acc[1]);
                    }
                }
            }
            for (r, acc) in acc.iter().enumerate() {
                let d = dst.as_mut_ptr().add(r * stride + c0);
                _mm256_storeu_ps(d, _mm256_add_ps(_mm256_loadu_ps(d), acc[0]));
                let d = d.add(8);
                _mm256_storeu_ps(d, _mm256_add_ps(_mm256_loadu_ps(d), acc[1]));
            }
        }
    }
}

/// A transposed 1-D convolution (upsampling by `stride`), done polyphase.
pub struct ConvTranspose {
    /// Per output phase `r`: `[(tap j, c_in)][c_out]` for kernel index `r + j · stride`.
    phases: Vec<Vec<f32>>,
    /// The same with taps in reverse order, `[(tap, c_in)][c_out]` for kernel index
    /// `r + (taps - 1 - tap) · stride`: a plain convolution over the input for [`direct`].
    phases_rev: Vec<Vec<f32>>,
    bias: Vec<f32>,
    c_in: usize,
    c_out: usize,
    stride: usize,
    kernel: usize,
    padding: usize,
}

impl ConvTranspose {
    /// From PyTorch-layout weights `[c_in, c_out, kernel]` and bias `[c_out]`.
    pub fn new(weight: &Tensor, bias: &Tensor, stride: usize, padding: usize) -> Result<Self> {
        let (c_in, c_out, kernel) = weight.dims3()?;
        let w = weight.flatten_all()?.to_vec1::<f32>()?;
        let phases = (0..stride)
            .map(|r| {
                let mut p = Vec::new();
                for kk in (r..kernel).step_by(stride) {
                    for ci in 0..c_in {
                        for co in 0..c_out {
                            p.push(w[(ci * c_out + co) * kernel + kk]);
                        }
                    }
                }
                p
            })
            .collect::<Vec<Vec<f32>>>();
        let block = c_in * c_out;
        let phases_rev = phases
            .iter()
            .map(|p| p.chunks_exact(block).rev().flatten().copied().collect())
            .collect();
        Ok(ConvTranspose {
            phases,
            phases_rev,
            bias: bias.to_vec1()?,
            c_in,
            c_out,
            stride,
            kernel,
            padding,
        })
    }

    /// `conv_transpose(lrelu(x)) + bias`; output length `(len - 1) · stride - 2 · padding + kernel`.
    pub fn forward(&self, x: &Signal, slope: Option<f32>) -> Signal {
        assert_eq!(x.channels, self.c_in, "transposed conv input channels");
        let (c_in, c_out, u) = (self.c_in, self.c_out, self.stride);
        let len_in = x.len();
        let len_out = ((len_in - 1) * u + self.kernel).saturating_sub(2 * self.padding);
        let max_taps = self.kernel.div_ceil(u);
        // Tiles hold whole phase cycles so each phase's rows are evenly strided.
        // Whole register blocks per phase, too.
        let tile = tile_rows(max_taps * c_in, len_in).div_ceil(12 * u) * 12 * u;
        let mut out = vec![0f32; len_out * c_out];
        if direct::available(c_out) {
            // Output frame t of phase r draws on input frames q - j, q = (t + padding) / stride:
            // with max_taps - 1 zero frames in front, that is a convolution over q.
            let front = max_taps - 1;
            let q_max = (len_out + self.padding) / u;
            let frames = (front + len_in).max(q_max + max_taps);
            let mut xa = vec![0f32; frames * c_in];
            xa[front * c_in..(front + len_in) * c_in]
                .par_chunks_mut(4096)
                .zip(x.data.par_chunks(4096))
                .for_each(|(d, s)| d.iter_mut().zip(s).for_each(|(d, &v)| *d = lrelu(v, slope)));
            out.par_chunks_mut(tile * c_out)
                .enumerate()
                .for_each(|(ti, dst)| {
                    let t0 = ti * tile;
                    let rows = dst.len() / c_out;
                    add_bias_residual(dst, &self.bias, None);
                    for (r, w) in self.phases_rev.iter().enumerate() {
                        let n_taps = w.len() / (c_in * c_out);
                        let first = (r + u - (t0 + self.padding) % u) % u;
                        if first >= rows || n_taps == 0 {
                            continue;
                        }
                        let taps = direct::Taps {
                            x: &xa[(max_taps - n_taps) * c_in..],
                            c_in,
                            w,
                            c_out,
                            kernel: n_taps,
                            dilation: 1,
                            out_stride: u * c_out,
                        };
                        let q_first = (t0 + first + self.padding) / u;
                        let n = (rows - first).div_ceil(u);
                        direct::accumulate(&taps, q_first, n, &mut dst[first * c_out..]);
                    }
                });
            return Signal {
                data: out,
                channels: c_out,
            };
        }
        out.par_chunks_mut(tile * c_out)
            .enumerate()
            .for_each(|(ti, dst)| {
                let t0 = ti * tile;
                let rows = dst.len() / c_out;
                add_bias_residual(dst, &self.bias, None);
                for (r, w) in self.phases.iter().enumerate() {
                    let taps = w.len() / (c_in * c_out);
                    let row = taps * c_in;
                    // First row of the tile whose phase ((t + padding) mod stride) is r.
                    let first = (r + u - (t0 + self.padding) % u) % u;
                    if first >= rows {
                        continue;
                    }
                    let n = (rows - first).div_ceil(u);
                    let mut col = vec![0f32; n * row];
                    for (i, col_row) in col.chunks_exact_mut(row).enumerate() {
                        let q = (t0 + first + i * u + self.padding) / u;
                        for (j, seg) in col_row.chunks_exact_mut(c_in).enumerate() {
                            if let Some(src) = q.checked_sub(j).filter(|&s| s < len_in) {
                                let s = src * c_in;
                                for (d, &v) in seg.iter_mut().zip(&x.data[s..s + c_in]) {
                                    *d = lrelu(v, slope);
                                }
                            }
                        }
                    }
                    gemm_acc(
                        n,
                        c_out,
                        row,
                        &mut dst[first * c_out..],
                        u * c_out,
                        &col,
                        w,
                        Parallelism::None,
                    );
                }
            });
        Signal {
            data: out,
            channels: c_out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        let mut rng = crate::dsp::rng::Rng::new(seed);
        let n = shape.iter().product();
        let v: Vec<f32> = (0..n).map(|_| rng.bipolar()).collect();
        Tensor::from_vec(v, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Signal, b: &Tensor) -> f32 {
        let b = Signal::from_tensor(b).unwrap();
        assert_eq!((a.channels, a.len()), (b.channels, b.len()));
        a.data
            .iter()
            .zip(&b.data)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn conv_matches_candle() {
        for (c_in, c_out, k, d, len) in [
            (8, 5, 3, 1, 37),
            (16, 16, 7, 3, 3000),
            (6, 1, 7, 1, 9),
            (8, 32, 5, 2, 1001),
            (3, 16, 3, 1, 37),
            (4, 4, 5, 12, 20),
        ] {
            let x = random(&[1, c_in, len], 1);
            let w = random(&[c_out, c_in, k], 2);
            let b = random(&[c_out], 3);
            let pad = (k - 1) * d / 2;
            let act = candle_nn::ops::leaky_relu(&x, 0.1).unwrap();
            let want = act
                .conv1d(&w, pad, 1, d, 1)
                .unwrap()
                .broadcast_add(&b.reshape((1, c_out, 1)).unwrap())
                .unwrap();
            let conv = Conv::new(&w, Some(&b), d).unwrap();
            let got = conv.forward(&Signal::from_tensor(&x).unwrap(), Some(0.1), None);
            assert!(
                max_diff(&got, &want) < 1e-4,
                "conv {c_in}->{c_out} k{k} d{d}"
            );
            if c_in == c_out {
                let with_res = conv.forward(
                    &Signal::from_tensor(&x).unwrap(),
                    Some(0.1),
                    Some(&Signal::from_tensor(&x).unwrap()),
                );
                assert!(max_diff(&with_res, &(want + &x).unwrap()) < 1e-4);
            }
        }
    }

    #[test]
    fn direct_and_gemm_paths_agree() {
        let (c, len) = (32, 517);
        let x = Signal::from_tensor(&random(&[1, c, len], 7)).unwrap();
        let conv = Conv::new(&random(&[c, c, 7], 8), Some(&random(&[c], 9)), 3).unwrap();
        let fast = conv.forward(&x, Some(0.1), Some(&x));
        let mut portable = x.data.clone();
        for frame in portable.chunks_exact_mut(c) {
            frame.iter_mut().zip(&conv.bias).for_each(|(v, b)| *v += b);
        }
        for (ti, dst) in portable.chunks_mut(100 * c).enumerate() {
            conv.gemm_tile(&x, Some(0.1), ti * 100, dst);
        }
        let diff = fast.data.iter().zip(&portable).map(|(a, b)| (a - b).abs());
        assert!(diff.fold(0.0, f32::max) < 1e-4);
    }

    #[test]
    fn transposed_conv_matches_candle() {
        for (c_in, c_out, k, u, len) in [
            (8, 4, 16, 8, 5),
            (6, 3, 8, 4, 700),
            (4, 2, 5, 2, 9),
            (8, 16, 16, 8, 50),
            (16, 32, 8, 4, 333),
            (4, 16, 5, 2, 9),
            (4, 16, 3, 1, 7),
        ] {
            let pad = (k - u) / 2;
            let x = random(&[1, c_in, len], 4);
            let w = random(&[c_in, c_out, k], 5);
            let b = random(&[c_out], 6);
            let want = x
                .conv_transpose1d(&w, pad, 0, u, 1, 1)
                .unwrap()
                .broadcast_add(&b.reshape((1, c_out, 1)).unwrap())
                .unwrap();
            let up = ConvTranspose::new(&w, &b, u, pad).unwrap();
            let got = up.forward(&Signal::from_tensor(&x).unwrap(), None);
            assert!(
                max_diff(&got, &want) < 1e-4,
                "transposed {c_in}->{c_out} k{k} u{u}"
            );
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;
    use candle_core::Device;
    use std::time::Instant;

    fn best_ms(mut f: impl FnMut()) -> f64 {
        let mut times: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[0] // the fastest run: the one least disturbed by other work on the machine
    }

    /// The decoder's shapes, as in notes/piper-onnx-weights.md. Run with
    /// `cargo test --release --lib conv_speed -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn conv_speed() {
        let x = |c: usize, len: usize| Signal {
            data: (0..c * len)
                .map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0)
                .collect(),
            channels: c,
        };
        let w = |shape: (usize, usize, usize)| {
            Tensor::ones(shape, candle_core::DType::F32, &Device::Cpu).unwrap()
        };
        for (c, len, k, d) in [
            (128, 689, 7, 3),
            (64, 5512, 7, 3),
            (32, 22050, 7, 3),
            (32, 22050, 3, 1),
        ] {
            let conv = Conv::new(&w((c, c, k)), None, d).unwrap();
            let input = x(c, len);
            let ms = best_ms(|| {
                std::hint::black_box(conv.forward(&input, Some(0.1), Some(&input)));
            });
            let gflops = 2.0 * (c * c * k * len) as f64 / ms / 1e6;
            println!("conv {c} ch, {len}, k{k}, d{d}: {ms:.2} ms ({gflops:.0} GFLOP/s)");
        }
        let up = ConvTranspose::new(
            &w((64, 32, 8)),
            &Tensor::zeros(32, candle_core::DType::F32, &Device::Cpu).unwrap(),
            4,
            2,
        )
        .unwrap();
        let input = x(64, 5512);
        let ms = best_ms(|| {
            std::hint::black_box(up.forward(&input, Some(0.1)));
        });
        let gflops = 2.0 * (64 * 32 * 8 * 5512) as f64 / ms / 1e6;
        println!("transposed 64→32, k8, stride 4, 5512: {ms:.2} ms ({gflops:.0} GFLOP/s)");
    }
}
