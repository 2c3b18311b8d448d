//! Linear layers in 8-bit integers, computed the way onnxruntime runs a dynamically quantized
//! model: the input is rounded to `u8` with one scale and zero point for the whole tensor
//! (`DynamicQuantizeLinear`), the weights are stored `i8`, each product is summed exactly in
//! `i32` (`MatMulInteger`), and the sum is scaled back to `f32` and the bias added.
//!
//! Integer sums are exact, so every CPU gets the same result: the AVX-512 VNNI kernel
//! (`vpdpbusd`, 64 multiply-adds per instruction) and the portable one differ in speed only.
//! The weights are packed once into panels of [`NR`] columns with four consecutive input
//! values side by side, the layout `vpdpbusd` reads.

use super::vector::multiversion;

/// Output columns per panel: two 16-lane registers.
const NR: usize = 32;
/// Rows per register tile of the VNNI kernel (`2 × MR` accumulators).
const MR: usize = 8;
/// Rows of the input kept hot in cache while every panel passes over them.
const ROW_CHUNK: usize = 64;

/// The weights of one `MatMulInteger` as stored in the model, `k` inputs by `n` outputs.
#[derive(Clone, Debug, PartialEq)]
pub struct QuantizedMatrix {
    /// `values[i * n + j]`: the integer weight from input `i` to output `j` (int8 or uint8
    /// range).
    pub values: Vec<i32>,
    pub k: usize,
    pub n: usize,
    /// Real weight = `(value − zero_point) × scale`.
    pub scale: f32,
    pub zero_point: i32,
}

/// A linear layer `y = x · W + b` on rows of `k` values, in integers.
#[derive(Clone, Debug)]
pub struct QuantizedLinear {
    k: usize,
    n: usize,
    /// `k` rounded up to a multiple of 4.
    k4: usize,
    /// `[panel][k4 / 4][NR][4]`, zero beyond `k` and `n`.
    packed: Vec<i8>,
    /// `Σ_i w[i][j]` of the stored (shifted) weights, per output, `NR`-padded.
    col_sums: Vec<i32>,
    /// The stored weights' zero point, after the shift that fits them in `i8`.
    zero_point: i32,
    scale: f32,
    /// `NR`-padded.
    bias: Vec<f32>,
}

/// The input of one product: `u8` rows `k4` apart, with their scale and zero point.
struct QuantizedInput {
    values: Vec<u8>,
    scale: f32,
    zero_point: i32,
}

impl QuantizedLinear {
    /// Fails when the shapes disagree or a weight lies outside both the int8 and the uint8
    /// range.
    pub fn new(w: &QuantizedMatrix, bias: &[f32]) -> Result<Self, String> {
        let (k, n) = (w.k, w.n);
        if w.values.len() != k * n || bias.len() != n || k == 0 || n == 0 {
            return Err(format!(
                "{} weights and {} biases for {k} inputs and {n} outputs",
                w.values.len(),
                bias.len()
            ));
        }
        let (lo, hi) = w
            .values
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        // uint8 weights are shifted by 128 into int8; the zero point moves with them.
        let shift = if lo >= -128 && hi <= 127 {
            0
        } else if lo >= 0 && hi <= 255 {
            128
        } else {
            return Err(format!("weights from {lo} to {hi} are not 8-bit"));
        };
        let k4 = k.div_ceil(4) * 4;
        let panels = n.div_ceil(NR);
        let mut packed = vec![0i8; panels * k4 * NR];
        let mut col_sums = vec![0i32; panels * NR];
        for (i, row) in w.values.chunks_exact(n).enumerate() {
            for (j, (&v, sum)) in row.iter().zip(&mut col_sums).enumerate() {
                let v = v - shift;
                let (p, c) = (j / NR, j % NR);
                packed[p * k4 * NR + (i / 4) * NR * 4 + c * 4 + i % 4] = v as i8;
                *sum += v;
            }
        }
        let mut padded_bias = vec![0.0; panels * NR];
        padded_bias[..n].copy_from_slice(bias);
        Ok(QuantizedLinear {
            k,
            n,
            k4,
            packed,
            col_sums,
            zero_point: w.zero_point - shift,
            scale: w.scale,
            bias: padded_bias,
        })
    }

    pub fn inputs(&self) -> usize {
        self.k
    }

    pub fn outputs(&self) -> usize {
        self.n
    }

    /// `x` holds rows of `k` values; returns rows of `n`.
    pub fn forward(&self, x: &[f32]) -> Vec<f32> {
        assert_eq!(x.len() % self.k, 0, "input rows of {} values", self.k);
        let rows = x.len() / self.k;
        let mut out = vec![0.0f32; rows * self.n];
        let Some(input) = quantize(x, self.k, self.k4) else {
            // An all-zero input: only the bias is left.
            for row in out.chunks_exact_mut(self.n) {
                row.copy_from_slice(&self.bias[..self.n]);
            }
            return out;
        };
        let job = Job::new(self, &input);
        #[cfg(target_arch = "x86_64")]
        if vnni_available() {
            for (c, chunk) in out.chunks_mut(ROW_CHUNK * self.n).enumerate() {
                // SAFETY: the CPU has AVX-512F and AVX-512 VNNI; `run_vnni` bounds its
                // reads and writes by the slices' lengths.
                unsafe { job.run_vnni(c * ROW_CHUNK, chunk) };
            }
            return out;
        }
        for (c, chunk) in out.chunks_mut(ROW_CHUNK * self.n).enumerate() {
            job.run_portable(c * ROW_CHUNK, chunk);
        }
        out
    }
}

#[cfg(target_arch = "x86_64")]
fn vnni_available() -> bool {
    std::arch::is_x86_feature_detected!("avx512f")
        && std::arch::is_x86_feature_detected!("avx512vnni")
}

/// Rounds `x` to `u8` as `DynamicQuantizeLinear` does: the range `[min(0, lo), max(0, hi)]`
/// in 255 steps, a zero point that makes 0 exact, ties to even. Rows are padded with zeros
/// to `k4` (their products with the padded weights are zero). `None` when all of `x` is 0.
fn quantize(x: &[f32], k: usize, k4: usize) -> Option<QuantizedInput> {
    let (lo, hi) = x
        .iter()
        .fold((0.0f32, 0.0f32), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let scale = (hi - lo) / 255.0;
    if scale == 0.0 || !scale.is_finite() {
        return None;
    }
    let zero = (-lo / scale).round_ties_even().clamp(0.0, 255.0);
    let mut values = vec![0u8; x.len() / k * k4];
    to_u8(x, k, scale, zero, &mut values);
    Some(QuantizedInput {
        values,
        scale,
        zero_point: zero as i32,
    })
}

multiversion! {
    /// `round(x / scale) + zero`, saturated to `u8`, rows of `k` into rows `values.len() /
    /// rows` long.
    fn to_u8(x: &[f32], k: usize, scale: f32, zero: f32, values: &mut [u8]) {
        let k4 = values.len() / (x.len() / k);
        for (dst, src) in values.chunks_exact_mut(k4).zip(x.chunks_exact(k)) {
            for (d, &v) in dst.iter_mut().zip(src) {
                let q = ((v / scale).round_ties_even() + zero).clamp(0.0, 255.0);
                // The integer sits in the low mantissa bits of 2²³ + q (a plain `as u8`
                // would not vectorize).
                *d = (q + 8_388_608.0).to_bits() as u8;
            }
        }
    }
}

multiversion! {
    /// `acc[c] = Σ_i a[i] · w[i][c]` over one packed panel (`[k4 / 4][NR][4]`), in exact
    /// integers: the portable kernel's inner loop, vectorized where the CPU allows.
    fn panel_sums(a: &[u8], panel: &[i8], acc: &mut [i32; NR]) {
        for (a4, b) in a.chunks_exact(4).zip(panel.chunks_exact(NR * 4)) {
            for (s, w) in acc.iter_mut().zip(b.chunks_exact(4)) {
                *s += w
                    .iter()
                    .zip(a4)
                    .map(|(&w, &a)| i32::from(w) * i32::from(a))
                    .sum::<i32>();
            }
        }
    }
}

/// One product's operands, shared by the kernels.
struct Job<'a> {
    layer: &'a QuantizedLinear,
    /// `u8` rows, `k4` apart.
    a: &'a [u8],
    /// Per output column and per input row: the zero points' share of each sum.
    col_terms: Vec<i32>,
    row_terms: Vec<i32>,
    /// Input scale × weight scale.
    scale: f32,
}

impl<'a> Job<'a> {
    /// Σ (a − za)(w − zw) = Σ a·w − za·Σ_i w − zw·Σ_i a + k·za·zw: the first term from the
    /// kernel, the second and fourth per column, the third per row.
    fn new(layer: &'a QuantizedLinear, input: &'a QuantizedInput) -> Self {
        let (za, zw, k) = (input.zero_point, layer.zero_point, layer.k as i32);
        let col_terms = layer
            .col_sums
            .iter()
            .map(|&c| k * za * zw - za * c)
            .collect();
        let row_terms = input
            .values
            .chunks_exact(layer.k4)
            .map(|r| {
                if zw == 0 {
                    0
                } else {
                    -zw * r.iter().map(|&v| i32::from(v)).sum::<i32>()
                }
            })
            .collect();
        Job {
            layer,
            a: &input.values,
            col_terms,
            row_terms,
            scale: input.scale * layer.scale,
        }
    }

    /// `y = (sum + col_term + row_term) as f32 × scale + bias`, as the reference casts, then
    /// multiplies, then adds.
    fn finish(&self, sum: i32, row: usize, col: usize) -> f32 {
        (sum + self.col_terms[col] + self.row_terms[row]) as f32 * self.scale + self.layer.bias[col]
    }

    /// Rows `first..` into `out` (whole rows of `n`), any CPU.
    fn run_portable(&self, first: usize, out: &mut [f32]) {
        let l = self.layer;
        for (r, out_row) in out.chunks_exact_mut(l.n).enumerate() {
            let row = first + r;
            let a = &self.a[row * l.k4..(row + 1) * l.k4];
            for (p, panel) in l.packed.chunks_exact(l.k4 * NR).enumerate() {
                let mut acc = [0i32; NR];
                panel_sums(a, panel, &mut acc);
                let cols = (l.n - p * NR).min(NR);
                for (c, &s) in acc[..cols].iter().enumerate() {
                    out_row[p * NR + c] = self.finish(s, row, p * NR + c);
                }
            }
        }
    }

    /// Rows `first..` into `out` (whole rows of `n`), with `vpdpbusd`.
    ///
    /// # Safety
    /// The CPU must have AVX-512F and AVX-512 VNNI.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vnni")]
    unsafe fn run_vnni(&self, first: usize, out: &mut [f32]) {
        let l = self.layer;
        let rows = out.len() / l.n;
        let mut r = 0;
        while r < rows {
            let take = (rows - r).min(MR);
            for p in 0..l.packed.len() / (l.k4 * NR) {
                // SAFETY: the caller's CPU check; rows `first + r .. + take` exist in `a`,
                // `row_terms` and `out`, panel `p` in `packed`.
                unsafe {
                    match take {
                        8 => self.tile::<8>(first + r, r, p, out),
                        7 => self.tile::<7>(first + r, r, p, out),
                        6 => self.tile::<6>(first + r, r, p, out),
                        5 => self.tile::<5>(first + r, r, p, out),
                        4 => self.tile::<4>(first + r, r, p, out),
                        3 => self.tile::<3>(first + r, r, p, out),
                        2 => self.tile::<2>(first + r, r, p, out),
                        _ => self.tile::<1>(first + r, r, p, out),
                    }
                }
            }
            r += take;
        }
    }

    /// `R` rows (from `row` in the input, `out_row` in `out`) by panel `p`'s 32 columns.
    ///
    /// # Safety
    /// AVX-512F and AVX-512 VNNI; the rows and the panel must exist.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512vnni")]
    #[inline]
    unsafe fn tile<const R: usize>(&self, row: usize, out_row: usize, p: usize, out: &mut [f32]) {
        use std::arch::x86_64::*;
        let l = self.layer;
        let groups = l.k4 / 4;
        assert!((row + R) * l.k4 <= self.a.len() && row + R <= self.row_terms.len());
        assert!((out_row + R) * l.n <= out.len() && (p + 1) * l.k4 * NR <= l.packed.len());
        let panel = l.packed[p * l.k4 * NR..].as_ptr();
        let a = self.a[row * l.k4..].as_ptr();
        let mut acc = [[_mm512_setzero_si512(); 2]; R];
        for g in 0..groups {
            // SAFETY: `g < groups` keeps the panel reads (128 bytes) and the row reads
            // (4 bytes at `g * 4`) inside the asserted bounds.
            unsafe {
                let b0 = _mm512_loadu_si512(panel.add(g * NR * 4).cast());
                let b1 = _mm512_loadu_si512(panel.add(g * NR * 4 + 64).cast());
                for (i, acc) in acc.iter_mut().enumerate() {
                    let four = a.add(i * l.k4 + g * 4).cast::<i32>().read_unaligned();
                    let av = _mm512_set1_epi32(four);
                    acc[0] = _mm512_dpbusd_epi32(acc[0], av, b0);
                    acc[1] = _mm512_dpbusd_epi32(acc[1], av, b1);
                }
            }
        }
        let cols = (l.n - p * NR).min(NR);
        let scale = _mm512_set1_ps(self.scale);
        for (i, acc) in acc.iter().enumerate() {
            let row_term = _mm512_set1_epi32(self.row_terms[row + i]);
            for (h, &sum) in acc.iter().enumerate() {
                let c0 = p * NR + h * 16;
                let valid = cols.saturating_sub(h * 16).min(16);
                if valid == 0 {
                    continue;
                }
                let mask: __mmask16 = if valid == 16 {
                    0xffff
                } else {
                    (1u16 << valid) - 1
                };
                // SAFETY: `col_terms` and `bias` are NR-padded, so 16 values from `c0`
                // exist; the store writes `valid` columns of row `out_row + i`, inside `out`.
                unsafe {
                    let terms = _mm512_loadu_si512(self.col_terms.as_ptr().add(c0).cast());
                    let total = _mm512_add_epi32(_mm512_add_epi32(sum, terms), row_term);
                    let y = _mm512_add_ps(
                        _mm512_mul_ps(_mm512_cvtepi32_ps(total), scale),
                        _mm512_loadu_ps(l.bias.as_ptr().add(c0)),
                    );
                    _mm512_mask_storeu_ps(out.as_mut_ptr().add((out_row + i) * l.n + c0), mask, y);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The product written out in f64 from its definition, for comparison.
    fn reference(w: &QuantizedMatrix, bias: &[f32], x: &[f32]) -> Vec<f32> {
        let mut q = x.to_vec();
        let (lo, hi) = q
            .iter()
            .fold((0f32, 0f32), |(l, h), &v| (l.min(v), h.max(v)));
        let s = (hi - lo) / 255.0;
        let z = (-lo / s).round_ties_even().clamp(0.0, 255.0);
        for v in &mut q {
            *v = ((*v / s).round_ties_even() + z).clamp(0.0, 255.0) - z;
        }
        let rows = x.len() / w.k;
        let mut out = Vec::new();
        for r in 0..rows {
            for (j, b) in bias.iter().enumerate() {
                let sum: i64 = (0..w.k)
                    .map(|i| {
                        q[r * w.k + i] as i64 * i64::from(w.values[i * w.n + j] - w.zero_point)
                    })
                    .sum();
                out.push(sum as f32 * (s * w.scale) + b);
            }
        }
        out
    }

    fn case(k: usize, n: usize, rows: usize, zero_point: i32, unsigned: bool) {
        let mut rng = crate::dsp::rng::Rng::new((k * 31 + n) as u64);
        let values = (0..k * n)
            .map(|_| {
                let v = (rng.next_f64() * 256.0) as i32;
                if unsigned { v } else { v - 128 }
            })
            .collect();
        let w = QuantizedMatrix {
            values,
            k,
            n,
            scale: 0.013,
            zero_point,
        };
        let bias: Vec<f32> = (0..n).map(|j| j as f32 * 0.01 - 0.3).collect();
        let x: Vec<f32> = (0..rows * k)
            .map(|_| (rng.next_f64() * 6.0 - 2.0) as f32)
            .collect();
        let layer = QuantizedLinear::new(&w, &bias).unwrap();
        let got = layer.forward(&x);
        let want = reference(&w, &bias, &x);
        assert_eq!(got.len(), want.len());
        for (i, (g, e)) in got.iter().zip(&want).enumerate() {
            // Exact integer sums; only the final f32 scaling may round differently.
            assert!(
                (g - e).abs() <= 1e-5 * e.abs().max(1.0),
                "k{k} n{n} at {i}: {g} vs {e}"
            );
        }
        // Both kernels give the same bits.
        let input = quantize(&x, k, layer.k4).unwrap();
        let job = Job::new(&layer, &input);
        let mut portable = vec![0.0; rows * n];
        job.run_portable(0, &mut portable);
        assert_eq!(portable, got, "k{k} n{n}: kernels differ");
    }

    #[test]
    fn integer_products_match_their_definition_at_every_shape() {
        // Widths of hibari's layers, odd ones, and row counts off the tile sizes.
        case(256, 768, 70, 0, false);
        case(128, 384, 9, 0, false);
        case(192, 37, 3, 0, false);
        case(7, 5, 13, 0, false);
        case(64, 3005 % 97, 1, 0, false);
        // A weight zero point, and uint8 weights.
        case(40, 50, 17, 3, false);
        case(33, 20, 8, 128, true);
    }

    #[test]
    fn inputs_round_to_255_steps_that_keep_zero() {
        let x = [-1.0f32, 0.0, 0.5, 2.0, 0.004];
        let q = quantize(&x, 5, 8).unwrap();
        let step = 3.0 / 255.0;
        assert!((q.scale - step).abs() < 1e-9);
        assert_eq!(q.zero_point, 85, "-1.0 is 85 steps below zero");
        assert_eq!(q.values[1], 85, "zero is exact");
        for (&v, orig) in q.values.iter().zip(x) {
            let back = (i32::from(v) - q.zero_point) as f32 * q.scale;
            assert!((back - orig).abs() <= step / 2.0 + 1e-6, "{back} vs {orig}");
        }
        // 0.004 is under half a step: it rounds to zero, as int8 inference does.
        assert_eq!(q.values[4], 85);
        assert_eq!(&q.values[5..], &[0, 0, 0], "padding");
        assert!(quantize(&[0.0; 4], 4, 4).is_none(), "no range, no scale");
    }

    #[test]
    fn zero_input_gives_the_bias_and_bad_weights_are_refused() {
        let w = QuantizedMatrix {
            values: vec![1, -2, 3, 4, 5, -6],
            k: 3,
            n: 2,
            scale: 0.5,
            zero_point: 0,
        };
        let layer = QuantizedLinear::new(&w, &[0.25, -1.0]).unwrap();
        assert_eq!(layer.forward(&[0.0; 6]), vec![0.25, -1.0, 0.25, -1.0]);
        let wide = QuantizedMatrix {
            values: vec![-100, 200],
            k: 1,
            n: 2,
            ..w.clone()
        };
        assert!(QuantizedLinear::new(&wide, &[0.0, 0.0]).is_err());
        assert!(QuantizedLinear::new(&w, &[0.0]).is_err());
    }
}
