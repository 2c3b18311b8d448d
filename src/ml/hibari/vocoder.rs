//! hibari's signal-processing vocoder: turns the network's five spectra per 12.5 ms frame and
//! its F0 curve into a 24 kHz waveform, with one inverse STFT (n_fft 1200, hop 300, periodic
//! Hann window).
//!
//! Each frequency bin of frame `f` is the sum of three parts:
//!
//! ```text
//! S = exp(lh)·e^{iπ·tanh(θ)}·STFT(pulses(f0))  +  exp(ln)·Z  +  exp(lr)·e^{iφ}
//! ```
//!
//! a band-limited pulse train at the predicted F0, shaped and phase-rotated (the harmonic
//! part); complex Gaussian noise `Z`, shaped (breath, fricatives); and a free-phase residual.
//! The recipe is the one of `hibari/dsp.py` in the `hibari-tts` 0.2.1 wheel, re-derived here;
//! only the noise comes from onair's own seeded generator, so the noise part differs from
//! Python's sample for sample while having the same statistics.

use std::sync::Arc;

use realfft::num_complex::Complex32;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use crate::dsp::rng::Rng;
use crate::ml::vector::{self, multiversion};

pub const SAMPLE_RATE_HZ: u32 = 24_000;
pub const N_FFT: usize = 1200;
pub const HOP: usize = 300;
pub const BINS: usize = N_FFT / 2 + 1;
/// Frames quieter than this F0 (Hz) are unvoiced: no pulses.
const VOICED_MIN_HZ: f32 = 40.0;
/// Harmonics stop below this frequency (Hz), under the 12 kHz Nyquist limit.
const HARMONICS_MAX_HZ: f32 = 11_000.0;
/// Log-magnitudes are clipped here before `exp`, as the reference does, so a wild value
/// cannot overflow.
const LOG_MAGNITUDE_MAX: f32 = 7.0;

/// The network's output for one utterance, frame-major: `lh[f * BINS + k]` is bin `k` of
/// frame `f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Frames {
    /// Log-magnitude of the harmonic part.
    pub lh: Vec<f32>,
    /// Phase rotation of the harmonic part, before `π·tanh`.
    pub theta: Vec<f32>,
    /// Log-magnitude of the noise part.
    pub ln: Vec<f32>,
    /// Log-magnitude of the free-phase part.
    pub lr: Vec<f32>,
    /// Phase of the free-phase part (radians).
    pub phi: Vec<f32>,
    /// Fundamental frequency per frame (Hz; at most 40 means unvoiced).
    pub f0_hz: Vec<f32>,
}

impl Frames {
    pub fn len(&self) -> usize {
        self.f0_hz.len()
    }

    pub fn is_empty(&self) -> bool {
        self.f0_hz.is_empty()
    }
}

/// FFT plans and windows, made once per model.
pub struct Vocoder {
    forward: Arc<dyn RealToComplex<f32>>,
    inverse: Arc<dyn ComplexToReal<f32>>,
    /// Periodic Hann window.
    window: Vec<f32>,
}

impl Default for Vocoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Vocoder {
    pub fn new() -> Self {
        let mut planner = RealFftPlanner::<f32>::new();
        let window = (0..N_FFT)
            .map(|n| {
                let x = std::f64::consts::TAU * n as f64 / N_FFT as f64;
                (0.5 - 0.5 * x.cos()) as f32
            })
            .collect();
        Vocoder {
            forward: planner.plan_fft_forward(N_FFT),
            inverse: planner.plan_fft_inverse(N_FFT),
            window,
        }
    }

    /// `frames.len() × HOP` samples at [`SAMPLE_RATE_HZ`]. The same frames and seed give the
    /// same samples.
    pub fn synthesize(&self, frames: &Frames, seed: u64) -> Vec<f32> {
        let n_frames = frames.len();
        if n_frames == 0 {
            return Vec::new();
        }
        let mut spec = self.pulse_spectrum(&pulses(&frames.f0_hz), n_frames);
        // The noise's uniform draws come first, in order; the arithmetic then runs vectorized.
        let mut rng = Rng::new(seed).fork("hibari noise");
        let uniforms: Vec<f32> = (0..2 * spec.len())
            .map(|i| {
                let u = rng.next_f64();
                // The first of each pair lies in (0, 1]: it goes through a logarithm.
                (if i % 2 == 0 { 1.0 - u } else { u }) as f32
            })
            .collect();
        shape(&mut spec, frames, &uniforms);
        self.overlap_add(&mut spec, n_frames)
    }

    /// The STFT of the pulse train (centred frames, reflect padding), first `n_frames`
    /// frames, frame-major. The window is scaled by 4 / n_fft, so each unit harmonic has
    /// magnitude 1 here; the inverse STFT is the ordinary one, so a harmonic leaves the vocoder
    /// with amplitude `exp(lh) × 4 / n_fft` (the network's log-magnitudes carry that factor).
    fn pulse_spectrum(&self, x: &[f32], n_frames: usize) -> Vec<Complex32> {
        let half = N_FFT / 2;
        let reflect = |i: isize| -> f32 {
            let n = x.len() as isize;
            if n == 1 {
                return x[0];
            }
            let period = 2 * (n - 1);
            let mut j = i.rem_euclid(period);
            if j >= n {
                j = period - j;
            }
            x[j as usize]
        };
        let scale = 4.0 / N_FFT as f32;
        let mut spec = vec![Complex32::default(); n_frames * BINS];
        let mut frame = vec![0.0f32; N_FFT];
        let mut scratch = self.forward.make_scratch_vec();
        for (f, out) in spec.chunks_exact_mut(BINS).enumerate() {
            let start = (f * HOP) as isize - half as isize;
            for (n, v) in frame.iter_mut().enumerate() {
                *v = reflect(start + n as isize) * self.window[n] * scale;
            }
            self.forward
                .process_with_scratch(&mut frame, out, &mut scratch)
                .expect("buffer sizes come from the plan");
        }
        spec
    }

    /// Inverse STFT: each frame back to time, windowed, overlap-added and divided by the
    /// summed squared window; the half-window of centring padding is cut off both ends.
    fn overlap_add(&self, spec: &mut [Complex32], n_frames: usize) -> Vec<f32> {
        let total = (n_frames - 1) * HOP + N_FFT;
        let mut out = vec![0.0f32; total];
        let mut norm = vec![0.0f32; total];
        let mut frame = vec![0.0f32; N_FFT];
        let mut scratch = self.inverse.make_scratch_vec();
        let inv_n = 1.0 / N_FFT as f32;
        for (f, bins) in spec.chunks_exact_mut(BINS).enumerate() {
            // A real signal's DC and Nyquist bins are real; their imaginary parts are dropped.
            bins[0].im = 0.0;
            bins[BINS - 1].im = 0.0;
            self.inverse
                .process_with_scratch(bins, &mut frame, &mut scratch)
                .expect("buffer sizes come from the plan");
            let at = f * HOP;
            for (n, (&v, &w)) in frame.iter().zip(&self.window).enumerate() {
                out[at + n] += v * inv_n * w;
                norm[at + n] += w * w;
            }
        }
        let half = N_FFT / 2;
        out[half..half + n_frames * HOP]
            .iter()
            .zip(&norm[half..])
            .map(|(v, n)| v / n.max(1e-11))
            .collect()
    }
}

multiversion! {
    /// Every bin's `S = exp(lh)·e^{iπ·tanh(θ)}·S  +  exp(ln)·Z  +  exp(lr)·e^{iφ}`, with the
    /// complex Gaussian `Z` from a pair of uniforms by Box–Muller.
    fn shape(spec: &mut [Complex32], frames: &Frames, uniforms: &[f32]) {
        let parts = frames
            .lh
            .iter()
            .zip(&frames.theta)
            .zip(&frames.ln)
            .zip(&frames.lr)
            .zip(&frames.phi)
            .zip(uniforms.chunks_exact(2));
        for (s, (((((&lh, &theta), &ln), &lr), &phi), u)) in spec.iter_mut().zip(parts) {
            let (hs, hc) = vector::sin_cos(std::f32::consts::PI * vector::tanh(theta));
            let harmonic = Complex32::new(hc, hs) * clipped_exp(lh);
            let radius = (-2.0 * vector::ln(u[0])).sqrt();
            let (zs, zc) = vector::sin_cos(std::f32::consts::TAU * u[1]);
            let noise = Complex32::new(zc, zs) * (radius * clipped_exp(ln));
            let (fs, fc) = vector::sin_cos(phi);
            let free = Complex32::new(fc, fs) * clipped_exp(lr);
            *s = *s * harmonic + noise + free;
        }
    }
}

#[inline(always)]
fn clipped_exp(x: f32) -> f32 {
    vector::exp(x.min(LOG_MAGNITUDE_MAX))
}

/// A band-limited pulse train following `f0_hz` (one value per frame), `HOP` samples per
/// frame: every harmonic below 11 kHz at unit amplitude, by the closed form
/// `Σ_{h=1..H} cos(h·t) = sin((H + ½)·t) / (2·sin(t/2)) − ½`. Zero where unvoiced.
pub fn pulses(f0_hz: &[f32]) -> Vec<f32> {
    let n_frames = f0_hz.len();
    // The phase (a running sum) and the number of harmonics per sample, then the closed form
    // over all samples at once.
    let mut t = Vec::with_capacity(n_frames * HOP);
    let mut harmonics = Vec::with_capacity(n_frames * HOP);
    let at = |i: isize| f0_hz[i.clamp(0, n_frames as isize - 1) as usize];
    let mut phase = 0.0f64; // cycles
    for f in 0..n_frames {
        for j in 0..HOP {
            // Linear interpolation between frame centres (align_corners = false).
            let pos = (j as f32 + 0.5) / HOP as f32 - 0.5;
            let (a, b, u) = if pos < 0.0 {
                (at(f as isize - 1), at(f as isize), pos + 1.0)
            } else {
                (at(f as isize), at(f as isize + 1), pos)
            };
            let hz = a * (1.0 - u) + b * u;
            let voiced = hz > VOICED_MIN_HZ;
            let hz = hz.max(VOICED_MIN_HZ);
            phase += f64::from(hz) / f64::from(SAMPLE_RATE_HZ);
            phase = phase.fract();
            t.push((phase * std::f64::consts::TAU) as f32);
            // Zero harmonics: silence where unvoiced.
            harmonics.push(if voiced {
                (HARMONICS_MAX_HZ / hz).floor() + 0.5
            } else {
                0.0
            });
        }
    }
    pulse_sums(&mut t, &harmonics);
    t
}

multiversion! {
    /// `t[i] ← Σ_{h=1..H} cos(h·t)` with `H + ½ = harmonics[i]`; 0 where `harmonics[i]` is 0.
    fn pulse_sums(t: &mut [f32], harmonics: &[f32]) {
        for (t, &h) in t.iter_mut().zip(harmonics) {
            let s = 2.0 * vector::sin_cos(0.5 * *t).0;
            // At t → 0 the ratio tends to H + ½.
            let sum = if s.abs() <= 2e-3 {
                h
            } else {
                vector::sin_cos(h * *t).0 / s
            };
            *t = if h == 0.0 { 0.0 } else { sum - 0.5 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(n_frames: usize, lh: f32, ln: f32, lr: f32, f0: f32) -> Frames {
        let n = n_frames * BINS;
        Frames {
            lh: vec![lh; n],
            theta: vec![0.0; n],
            ln: vec![ln; n],
            lr: vec![lr; n],
            phi: vec![0.0; n],
            f0_hz: vec![f0; n_frames],
        }
    }

    /// Frequency (Hz) of the strongest bin of a Hann-windowed DFT of `x` (direct, small).
    fn peak_hz(x: &[f32]) -> f32 {
        let n = x.len();
        let mut best = (0.0f64, 0usize);
        for k in 1..n / 2 {
            let (mut re, mut im) = (0.0f64, 0.0f64);
            for (i, &v) in x.iter().enumerate() {
                let w = 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / n as f64).cos();
                let a = std::f64::consts::TAU * (k * i) as f64 / n as f64;
                re += f64::from(v) * w * a.cos();
                im -= f64::from(v) * w * a.sin();
            }
            let m = re.hypot(im);
            if m > best.0 {
                best = (m, k);
            }
        }
        best.1 as f32 * SAMPLE_RATE_HZ as f32 / n as f32
    }

    #[test]
    fn pulse_train_sits_on_its_harmonics_and_is_silent_when_unvoiced() {
        let x = pulses(&[200.0; 8]);
        assert_eq!(x.len(), 8 * HOP);
        // 200 Hz: one pulse every 120 samples, 54 harmonics under 11 kHz.
        let peaks: Vec<usize> = (1..x.len() - 1)
            .filter(|&i| x[i] > 40.0 && x[i] >= x[i - 1] && x[i] >= x[i + 1])
            .collect();
        assert!(peaks.len() >= 18, "{peaks:?}");
        for w in peaks.windows(2) {
            assert_eq!(w[1] - w[0], 120, "{peaks:?}");
        }
        let mean = x.iter().sum::<f32>() / x.len() as f32;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert!(pulses(&[0.0, 30.0, -5.0]).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn harmonic_part_alone_gives_a_tone_at_f0_with_the_predicted_amplitude() {
        // Only the 3rd harmonic's bins of a 300 Hz train are let through, at magnitude
        // n_fft / 4: a 900 Hz sine of amplitude 1 should come out.
        let mut fr = flat(40, -30.0, -30.0, -30.0, 300.0);
        for f in 0..40 {
            for k in 44..47 {
                fr.lh[f * BINS + k] = (N_FFT as f32 / 4.0).ln(); // 20 Hz bins: 900 Hz is bin 45
            }
        }
        let y = Vocoder::new().synthesize(&fr, 1);
        assert_eq!(y.len(), 40 * HOP);
        let mid = &y[10 * HOP..30 * HOP];
        let peak = mid.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!((0.8..1.2).contains(&peak), "peak {peak}");
        let hz = peak_hz(&mid[..1200]);
        assert!((hz - 900.0).abs() <= 20.0, "{hz} Hz");
    }

    #[test]
    fn noise_part_is_seeded_and_scaled_by_its_magnitude() {
        let voc = Vocoder::new();
        let quiet = voc.synthesize(&flat(30, -30.0, -3.0, -30.0, 0.0), 5);
        assert_eq!(quiet, voc.synthesize(&flat(30, -30.0, -3.0, -30.0, 0.0), 5));
        assert_ne!(quiet, voc.synthesize(&flat(30, -30.0, -3.0, -30.0, 0.0), 6));
        let loud = voc.synthesize(&flat(30, -30.0, -1.0, -30.0, 0.0), 5);
        let rms = |x: &[f32]| (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt();
        let ratio = rms(&loud) / rms(&quiet);
        assert!((ratio - 2f32.exp()).abs() < 0.05, "ratio {ratio}");
        // Huge log-magnitudes are clipped rather than overflowing.
        let wild = voc.synthesize(&flat(4, 80.0, 80.0, 80.0, 120.0), 5);
        assert!(wild.iter().all(|v| v.is_finite()));
    }

    #[test]
    fn no_frames_no_samples() {
        let empty = flat(0, 0.0, 0.0, 0.0, 0.0);
        assert!(empty.is_empty());
        assert!(Vocoder::new().synthesize(&empty, 1).is_empty());
    }
}
