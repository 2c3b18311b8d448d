//! Loops over `f32` slices that the compiler vectorizes, compiled for AVX-512, for AVX2 and
//! for the baseline, and chosen at run time ([`multiversion!`]).
//!
//! Every version gives the same bits: the loops use only additions, multiplications,
//! divisions, square roots and rounding (exact in IEEE arithmetic on any instruction set; Rust
//! never fuses a multiply and an add on its own), sums run in a fixed order of 16 partial sums
//! ([`sum`]), and the transcendental functions here are polynomials built from those
//! operations rather than calls into the C library. They are accurate to a few units in the
//! last place of an `f32` over the ranges the networks and the vocoder use.

/// Defines `fn NAME(args) -> ret { body }` compiled three times (AVX-512, AVX2 + FMA, the
/// baseline) with the CPU's best version picked on each call. The body must not be generic;
/// whatever it calls should be `#[inline(always)]` to be compiled for the same target.
macro_rules! multiversion {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn inner($($arg: $ty),*) $(-> $ret)? $body
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")]
                unsafe fn avx512($($arg: $ty),*) $(-> $ret)? {
                    inner($($arg),*)
                }
                #[target_feature(enable = "avx2,fma")]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    inner($($arg),*)
                }
                if $crate::ml::vector::has_avx512() {
                    // SAFETY: the CPU has the features `avx512` is compiled for.
                    return unsafe { avx512($($arg),*) };
                }
                if $crate::ml::vector::has_avx2() {
                    // SAFETY: the CPU has the features `avx2` is compiled for.
                    return unsafe { avx2($($arg),*) };
                }
            }
            inner($($arg),*)
        }
    };
}
pub(crate) use multiversion;

#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx512() -> bool {
    use std::arch::is_x86_feature_detected as has;
    has!("avx512f") && has!("avx512bw") && has!("avx512dq") && has!("avx512vl") && has!("fma")
}

#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// The sum of `x` in 16 interleaved partial sums, then pairwise: one fixed order, so every
/// version gives the same result, and one vector addition per 16 values.
#[inline(always)]
pub fn sum(x: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let mut chunks = x.chunks_exact(16);
    for chunk in &mut chunks {
        for (a, v) in acc.iter_mut().zip(chunk) {
            *a += v;
        }
    }
    for (a, v) in acc.iter_mut().zip(chunks.remainder()) {
        *a += v;
    }
    fold16(acc)
}

#[inline(always)]
fn fold16(acc: [f32; 16]) -> f32 {
    let mut half = [0.0f32; 8];
    for i in 0..8 {
        half[i] = acc[i] + acc[i + 8];
    }
    let q = [
        half[0] + half[4],
        half[1] + half[5],
        half[2] + half[6],
        half[3] + half[7],
    ];
    (q[0] + q[2]) + (q[1] + q[3])
}

/// `eˣ`, relative error under 2e-7; inputs below −87.3 give about 1e-38, above 88.3 about
/// 2e38 (no infinities, no NaN for finite input).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.3);
    let n = (x * std::f32::consts::LOG2_E).round_ties_even();
    // x − n·ln 2 in two parts (Cody–Waite), exact for |n| ≤ 128.
    let r = (x - n * 0.693_359_4) - n * -2.121_944_4e-4;
    let p = ((((1.987_569_2e-4 * r + 1.398_2e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 0.166_666_65)
        * r
        + 0.5;
    let e = p * (r * r) + r + 1.0;
    // 2ⁿ: n + 127 lands in the low mantissa bits of 2²³ + 127 + n, then moves to the
    // exponent field (a plain `as i32` would not vectorize).
    e * f32::from_bits((n + 8_388_735.0).to_bits() << 23)
}

/// `ln x` for positive normal `x`, relative error under 3e-7.
#[inline(always)]
pub fn ln(x: f32) -> f32 {
    let bits = x.to_bits();
    // x = m · 2^e with m in [√½, √2).
    let mut e = ((bits >> 23) & 0xff) as i32 - 127;
    let mut m = f32::from_bits((bits & 0x007f_ffff) | 0x3f80_0000);
    if m > std::f32::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    let f = m - 1.0;
    let z = f * f;
    let mut p = 7.037_683_6e-2f32;
    for c in [
        -0.115_146_1,
        0.116_769_97,
        -0.124_201_4,
        0.142_493_23,
        -0.166_680_57,
        0.200_007_37,
        -0.249_999_4,
        0.333_333_3,
    ] {
        p = p * f + c;
    }
    let y = f * z * p - 0.5 * z;
    let ef = e as f32;
    (f + (y + ef * -2.121_944_4e-4)) + ef * 0.693_359_4
}

/// erf, absolute error about 2e-7: its Taylor series below 0.5, Numerical Recipes' Chebyshev
/// fit of erfc above (where `1 − erfc` no longer cancels).
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_2
        + t * (1.000_023_7
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_204
                                + t * (1.488_515_9 + t * (-0.822_152_25 + t * 0.170_872_77))))))));
    let far = (1.0 - t * exp(poly)).copysign(x);
    let x2 = x * x;
    let series = x
        * (std::f32::consts::FRAC_2_SQRT_PI
            + x2 * (-0.376_126_4
                + x2 * (0.112_837_92
                    + x2 * (-2.686_617_1e-2 + x2 * (5.223_977_6e-3 + x2 * -8.548_327e-4)))));
    if z < 0.5 { series } else { far }
}

/// tanh, absolute error about 1e-7.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let e = exp(2.0 * x.abs().min(20.0));
    (1.0 - 2.0 / (e + 1.0)).copysign(x)
}

/// `(sin x, cos x)`, absolute error about 1e-7 for |x| up to a few thousand radians.
#[inline(always)]
pub fn sin_cos(x: f32) -> (f32, f32) {
    let j = (x * std::f32::consts::FRAC_2_PI).round_ties_even();
    // x − j·π/2 in three parts (Cody–Waite).
    let y = ((x - j * 1.570_312_5) - j * 4.837_513e-4) - j * 7.549_79e-8;
    let z = y * y;
    let s = ((-1.951_529_6e-4 * z + 8.332_161e-3) * z - 0.166_666_54) * z * y + y;
    let c = ((2.443_315_7e-5 * z - 1.388_731_6e-3) * z + 4.166_664_6e-2) * z * z - 0.5 * z + 1.0;
    // Quadrant j mod 4, read off the low mantissa bits of 1.5·2²³ + j (a plain `as i32`
    // would not vectorize): swap for odd j, then the signs (selects, not branches).
    let q = (j + 12_582_912.0).to_bits();
    let odd = q & 1 != 0;
    let (sin, cos) = (if odd { c } else { s }, if odd { s } else { c });
    let sin = if q & 2 != 0 { -sin } else { sin };
    let cos = if (q + 1) & 2 != 0 { -cos } else { cos };
    (sin, cos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worst(
        f: impl Fn(f32) -> f32,
        g: impl Fn(f64) -> f64,
        lo: f64,
        hi: f64,
        relative: bool,
    ) -> f64 {
        let n = 200_001;
        (0..n)
            .map(|i| {
                let x = lo + (hi - lo) * i as f64 / (n - 1) as f64;
                let x = x as f32;
                let want = g(f64::from(x));
                let err = (f64::from(f(x)) - want).abs();
                if relative {
                    err / want.abs().max(1e-30)
                } else {
                    err
                }
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn functions_match_the_c_library() {
        assert!(worst(exp, f64::exp, -87.0, 88.0, true) < 2e-7);
        assert!(worst(ln, f64::ln, 1e-30, 1.0, true) < 3e-7);
        assert!(worst(ln, f64::ln, 1.0, 1e6, true) < 3e-7);
        let erf_ref = |x: f64| {
            // erf by its series (|x| ≤ 3) or its asymptotic tail, in f64.
            if x.abs() > 3.0 {
                let z = x.abs();
                let tail = (-z * z).exp() / (z * std::f64::consts::PI.sqrt())
                    * (1.0 - 0.5 / (z * z) + 0.75 / z.powi(4));
                (1.0 - tail).copysign(x)
            } else {
                let mut term = x;
                let mut total = x;
                for n in 1..200 {
                    term *= -x * x / n as f64;
                    total += term / (2 * n + 1) as f64;
                }
                total * 2.0 / std::f64::consts::PI.sqrt()
            }
        };
        assert!(worst(erf, erf_ref, -6.0, 6.0, false) < 2.5e-7);
        assert!(worst(tanh, f64::tanh, -30.0, 30.0, false) < 2e-7);
        assert!(worst(|x| sin_cos(x).0, f64::sin, -2000.0, 2000.0, false) < 3e-7);
        assert!(worst(|x| sin_cos(x).1, f64::cos, -2000.0, 2000.0, false) < 3e-7);
        assert!(exp(-200.0) < 1e-37 && exp(200.0).is_finite());
    }

    #[test]
    fn sums_are_accurate_and_in_a_fixed_order() {
        let x: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
        let exact: f64 = x.iter().map(|&v| f64::from(v)).sum();
        assert!((f64::from(sum(&x)) - exact).abs() < 1e-4);
        assert_eq!(sum(&[]), 0.0);
        assert_eq!(sum(&[1.5, 2.0, 3.0]), 6.5);
    }

    multiversion! {
        fn exps(x: &mut [f32]) {
            for v in x.iter_mut() {
                *v = exp(*v) + erf(*v) + tanh(*v) + sin_cos(*v).0;
            }
        }
    }

    #[test]
    fn every_version_gives_the_same_bits() {
        let x: Vec<f32> = (0..4096).map(|i| (i as f32 - 2048.0) * 0.0123).collect();
        let mut best = x.clone();
        exps(&mut best);
        let mut plain = x.clone();
        for v in plain.iter_mut() {
            *v = exp(*v) + erf(*v) + tanh(*v) + sin_cos(*v).0;
        }
        assert_eq!(best, plain);
    }
}
