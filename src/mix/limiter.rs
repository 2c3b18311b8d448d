//! A lookahead true-peak limiter for the master.
//!
//! Peaks are estimated 4x oversampled (windowed-sinc interpolation at the three points
//! between each pair of samples), because the peaks a DAC or a lossy encoder produces lie
//! between samples. The gain curve is built so that it is provably at or below the required
//! gain at every sample: a sliding minimum over the lookahead, an exponential release, then
//! a moving average as long as the lookahead (which turns the instant attack into a smooth
//! ramp that still finishes before the peak). Both channels share one gain, so the stereo
//! image does not move.

use std::collections::VecDeque;

#[cfg(test)]
use crate::audio::AudioBuffer;

/// Lookahead (and attack ramp) length.
const LOOKAHEAD_S: f64 = 0.005;
/// Release time constant: long enough not to distort bass, short enough not to pump.
const RELEASE_S: f64 = 0.08;
/// Interpolation taps on each side of the point being estimated.
const HALF_TAPS: usize = 16;
const OVERSAMPLE: usize = 4;

/// Interpolation kernels for the fractional positions k/4, k = 1..3: Blackman-windowed sinc.
fn kernels() -> [[f32; 2 * HALF_TAPS]; OVERSAMPLE - 1] {
    let mut out = [[0.0f32; 2 * HALF_TAPS]; OVERSAMPLE - 1];
    for (k, kernel) in out.iter_mut().enumerate() {
        let frac = (k + 1) as f64 / OVERSAMPLE as f64;
        for (t, c) in kernel.iter_mut().enumerate() {
            // Tap t multiplies x[n + t - HALF_TAPS + 1]; distance from the point n + frac.
            let d = (t as f64 - HALF_TAPS as f64 + 1.0) - frac;
            let sinc = (std::f64::consts::PI * d).sin() / (std::f64::consts::PI * d);
            let w_pos = (d + HALF_TAPS as f64) / (2.0 * HALF_TAPS as f64);
            let window = 0.42 - 0.5 * (std::f64::consts::TAU * w_pos).cos()
                + 0.08 * (2.0 * std::f64::consts::TAU * w_pos).cos();
            *c = (sinc * window) as f32;
        }
    }
    out
}

/// Per frame, the largest absolute value of the signal within half a sample either side,
/// over all channels, 4x oversampled.
#[cfg(test)]
pub fn true_peak_envelope(buf: &AudioBuffer) -> Vec<f32> {
    let padded: Vec<Vec<f32>> = buf
        .channels
        .iter()
        .map(|ch| {
            let mut p = vec![0.0f32; HALF_TAPS];
            p.extend_from_slice(ch);
            p.resize(ch.len() + 2 * HALF_TAPS, 0.0);
            p
        })
        .collect();
    let refs: Vec<&[f32]> = padded.iter().map(Vec::as_slice).collect();
    envelope_block(&refs, buf.frames())
}

/// Samples of context [`envelope_block`] needs on each side of its frames: `HALF_TAPS`
/// before and after.
pub const ENVELOPE_CONTEXT: usize = HALF_TAPS;

/// The true-peak envelope of `frames` frames, from channels that hold those frames with
/// [`ENVELOPE_CONTEXT`] samples of context before and after (zeros beyond the track). One
/// channel per thread.
pub fn envelope_block(channels: &[&[f32]], frames: usize) -> Vec<f32> {
    let kernels = kernels();
    // Peaks of the intervals from the frame before the block to its last frame.
    let per_channel: Vec<Vec<f32>> = std::thread::scope(|s| {
        let handles: Vec<_> = channels
            .iter()
            .map(|ch| s.spawn(|| interval_peaks(ch, frames + 1, &kernels)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("limiter thread panicked"))
            .collect()
    });
    let mut interval = vec![0.0f32; frames + 1];
    for peaks in &per_channel {
        for (m, p) in interval.iter_mut().zip(peaks) {
            *m = m.max(*p);
        }
    }
    // A sample's envelope covers the intervals on both sides of it.
    (0..frames)
        .map(|n| interval[n + 1].max(interval[n]))
        .collect()
}

/// Block length for [`interval_peaks`]: small enough that a block and its outputs stay in
/// the L1/L2 cache.
const PEAK_BLOCK: usize = 2048;

/// For `count` samples, the largest magnitude among the sample and the interpolated points
/// between it and the next. Output k is about `xs[k + HALF_TAPS - 1]`: `xs` holds
/// `HALF_TAPS - 1` samples of context before the first and `HALF_TAPS` after the last. The convolution runs tap
/// by tap over a block (an `a*x + y` loop the compiler vectorises) rather than as a dot
/// product per output, which it cannot.
fn interval_peaks(
    xs: &[f32],
    count: usize,
    kernels: &[[f32; 2 * HALF_TAPS]; OVERSAMPLE - 1],
) -> Vec<f32> {
    debug_assert!(xs.len() + 1 >= count + 2 * HALF_TAPS);
    let mut out: Vec<f32> = xs[HALF_TAPS - 1..HALF_TAPS - 1 + count]
        .iter()
        .map(|s| s.abs())
        .collect();
    let mut y = [0.0f32; PEAK_BLOCK];
    for start in (0..count).step_by(PEAK_BLOCK) {
        let len = PEAK_BLOCK.min(count - start);
        for kernel in kernels {
            let y = &mut y[..len];
            y.fill(0.0);
            // Tap t multiplies the sample HALF_TAPS - 1 - t before the output's, xs[k + t].
            for (t, &c) in kernel.iter().enumerate() {
                let x = &xs[start + t..start + t + len];
                for (acc, &v) in y.iter_mut().zip(x) {
                    *acc += c * v;
                }
            }
            for (o, v) in out[start..start + len].iter_mut().zip(y.iter()) {
                *o = o.max(v.abs());
            }
        }
    }
    out
}

/// The limiter's gain, computed as the required gains stream in.
///
/// With `a[n] = min(required[n-L..=n])` (the lookahead seen from the gain's point of view),
/// `r[n] = min(a[n], release toward 1 from r[n-1])` and `g[n] = mean(r[n..=n+L])`: every
/// `r[k]` in that mean has frame `n` inside its window, so `r[k] ≤ required[n]`, hence
/// `g[n] ≤ required[n]`. The gain of frame `n` is known once `required[n + L]` is: the
/// curve runs `L` frames behind its input.
pub struct GainCurve {
    lookahead: usize,
    release_coef: f64,
    /// Values pushed so far, counting the `L` leading 1.0s that precede the audio.
    pushed: usize,
    /// Monotonic deque of (index, value) for the sliding minimum.
    window: VecDeque<(usize, f64)>,
    released: f64,
    /// The last `L + 1` released values and their sum.
    recent: VecDeque<f64>,
    sum: f64,
    /// Required gains of frames whose gain is not out yet.
    waiting: VecDeque<f64>,
}

impl GainCurve {
    pub fn new(lookahead: usize, release_coef: f64) -> GainCurve {
        let lookahead = lookahead.max(1);
        let mut curve = GainCurve {
            lookahead,
            release_coef,
            pushed: 0,
            window: VecDeque::new(),
            released: 1.0,
            recent: VecDeque::with_capacity(lookahead + 2),
            sum: 0.0,
            waiting: VecDeque::new(),
        };
        for _ in 0..lookahead {
            curve.advance(1.0, &mut |_| {});
        }
        curve
    }

    /// The limiter's curve for `rate_hz`.
    pub fn for_rate(rate_hz: u32) -> GainCurve {
        let rate_hz = f64::from(rate_hz);
        GainCurve::new(
            (LOOKAHEAD_S * rate_hz).round() as usize,
            1.0 - (-1.0 / (RELEASE_S * rate_hz)).exp(),
        )
    }

    /// Takes the next frame's required gain (≤ 1); `out` gets each gain that is now known,
    /// in frame order.
    pub fn push(&mut self, required: f64, out: &mut impl FnMut(f64)) {
        self.waiting.push_back(required);
        self.advance(required, out);
    }

    /// Ends the input: `out` gets the gains of the last `L` frames.
    pub fn finish(&mut self, out: &mut impl FnMut(f64)) {
        // Past the end nothing is required; 1.0 never lowers a minimum of values ≤ 1.
        while !self.waiting.is_empty() {
            self.advance(1.0, out);
        }
    }

    fn advance(&mut self, value: f64, out: &mut impl FnMut(f64)) {
        let l = self.lookahead;
        let e = self.pushed;
        self.pushed += 1;
        while self.window.back().is_some_and(|&(_, b)| b >= value) {
            self.window.pop_back();
        }
        self.window.push_back((e, value));
        let Some(j) = e.checked_sub(l) else { return };
        while self.window.front().is_some_and(|&(i, _)| i < j) {
            self.window.pop_front();
        }
        let minimum = self.window.front().map_or(1.0, |&(_, v)| v);
        self.released = (self.released + (1.0 - self.released) * self.release_coef).min(minimum);
        self.recent.push_back(self.released);
        self.sum += self.released;
        if self.recent.len() > l + 1 {
            self.sum -= self.recent.pop_front().expect("not empty");
        }
        if self.recent.len() == l + 1 && j >= l {
            let required = self
                .waiting
                .pop_front()
                .expect("a frame waits for its gain");
            // Rounding in the running sum must not break the proof.
            out((self.sum / (l + 1) as f64).min(required));
        }
    }
}

/// The gain a frame needs so that its envelope value `peak` stays under `ceiling` (linear).
pub fn required_gain(peak: f64, ceiling: f64) -> f64 {
    if peak > ceiling { ceiling / peak } else { 1.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_finds_intersample_peak() {
        // A sine at fs/4 sampled at ±45°: samples read 0.707, the true peak is 1.0.
        let s: Vec<f32> = (0..4800)
            .map(|i| {
                (std::f64::consts::FRAC_PI_2 * i as f64 + std::f64::consts::FRAC_PI_4).sin() as f32
            })
            .collect();
        let buf = AudioBuffer::from_mono(48_000, s);
        assert!((buf.peak() - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-3);
        let env = true_peak_envelope(&buf);
        let mid = env[2400];
        assert!((mid - 1.0).abs() < 0.02, "{mid}");
    }

    /// The curve over a whole signal.
    fn gain_curve(required: &[f64], lookahead: usize, release_coef: f64) -> Vec<f64> {
        let mut curve = GainCurve::new(lookahead, release_coef);
        let mut out = Vec::new();
        for &r in required {
            curve.push(r, &mut |g| out.push(g));
        }
        curve.finish(&mut |g| out.push(g));
        out
    }

    #[test]
    fn gain_curve_never_exceeds_required() {
        let mut required = vec![1.0f64; 2000];
        required[500] = 0.5;
        required[503] = 0.3;
        required[1990] = 0.1;
        required[0] = 0.7;
        let g = gain_curve(&required, 50, 0.01);
        assert_eq!(g.len(), required.len());
        for (i, (g, r)) in g.iter().zip(&required).enumerate() {
            assert!(g <= r, "frame {i}: gain {g} > required {r}");
        }
        // Smooth attack: the gain is already going down well before the peak.
        assert!(g[470] < 0.9 && g[470] > 0.3);
        // And it recovers.
        assert!(g[1500] > 0.99);
        // Shorter than the lookahead.
        assert_eq!(gain_curve(&[0.5, 1.0, 0.25], 50, 0.01).len(), 3);
        assert!(gain_curve(&[], 50, 0.01).is_empty());
    }

    #[test]
    fn envelope_in_blocks_equals_the_whole() {
        let mut rng = crate::dsp::rng::Rng::new(3);
        let s: Vec<f32> = (0..10_000).map(|_| 0.5 * rng.bipolar()).collect();
        let buf = AudioBuffer::from_stereo(48_000, s.clone(), s.iter().map(|x| -x).collect());
        let whole = true_peak_envelope(&buf);
        let c = ENVELOPE_CONTEXT;
        let padded: Vec<Vec<f32>> = buf
            .channels
            .iter()
            .map(|ch| [vec![0.0; c], ch.clone(), vec![0.0; c]].concat())
            .collect();
        let mut blocks = Vec::new();
        for (a, b) in [(0, 1), (1, 4097), (4097, 9000), (9000, 10_000)] {
            let chans: Vec<&[f32]> = padded.iter().map(|p| &p[a..b + 2 * c]).collect();
            blocks.extend(envelope_block(&chans, b - a));
        }
        assert_eq!(whole, blocks);
    }

    #[test]
    fn limiter_holds_the_ceiling() {
        let mut rng = crate::dsp::rng::Rng::new(11);
        let mut s: Vec<f32> = (0..48_000).map(|_| 0.3 * rng.bipolar()).collect();
        for k in 0..10 {
            s[k * 4000 + 100] = 1.5;
        }
        let mut buf = AudioBuffer::from_stereo(48_000, s.clone(), s);
        let envelope = true_peak_envelope(&buf);
        let ceiling = 10f64.powf(-1.0 / 20.0);
        let required: Vec<f64> = envelope
            .iter()
            .map(|&p| required_gain(f64::from(p), ceiling))
            .collect();
        let curve = GainCurve::for_rate(48_000);
        let gains = gain_curve(&required, curve.lookahead, curve.release_coef);
        for ch in &mut buf.channels {
            for (s, g) in ch.iter_mut().zip(&gains) {
                *s = (f64::from(*s) * g) as f32;
            }
        }
        let tp = crate::audio::loudness::true_peak_dbtp(&buf).unwrap();
        assert!(tp <= -0.9, "true peak {tp}");
    }
}
