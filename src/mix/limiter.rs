//! A lookahead true-peak limiter for the master.
//!
//! Peaks are estimated 4x oversampled (windowed-sinc interpolation at the three points
//! between each pair of samples), because the peaks a DAC or a lossy encoder produces lie
//! between samples. The gain curve is built so that it is provably at or below the required
//! gain at every sample: a sliding minimum over the lookahead, an exponential release, then
//! a moving average as long as the lookahead (which turns the instant attack into a smooth
//! ramp that still finishes before the peak). Both channels share one gain, so the stereo
//! image does not move.

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
pub fn true_peak_envelope(buf: &AudioBuffer) -> Vec<f32> {
    let frames = buf.frames();
    let kernels = kernels();
    // Peak of each interval [n, n+1] (sample n and the interpolated points after it), one
    // channel per thread.
    let per_channel: Vec<Vec<f32>> = std::thread::scope(|s| {
        let handles: Vec<_> = buf
            .channels
            .iter()
            .map(|ch| s.spawn(|| interval_peaks(ch, &kernels)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("limiter thread panicked"))
            .collect()
    });
    let mut interval = vec![0.0f32; frames];
    for peaks in &per_channel {
        for (m, p) in interval.iter_mut().zip(peaks) {
            *m = m.max(*p);
        }
    }
    // A sample's envelope covers the intervals on both sides of it.
    (0..frames)
        .map(|n| {
            let before = if n > 0 { interval[n - 1] } else { 0.0 };
            interval[n].max(before)
        })
        .collect()
}

/// Limits `buf` in place so that its (estimated) true peak is at most `ceiling_dbtp`, where
/// `buf` = `envelope_gain` × the signal whose [`true_peak_envelope`] is `envelope`. The
/// envelope scales with gain, so the master's passes (which differ only in gain) compute it
/// once.
/// Block length for [`interval_peaks`]: small enough that a block and its outputs stay in
/// the L1/L2 cache.
const PEAK_BLOCK: usize = 2048;

/// For each sample n, the largest magnitude among x[n] and the interpolated points between
/// n and n + 1. The convolution runs tap by tap over a block (an `a*x + y` loop the compiler
/// vectorises) rather than as a dot product per output, which it cannot.
fn interval_peaks(ch: &[f32], kernels: &[[f32; 2 * HALF_TAPS]; OVERSAMPLE - 1]) -> Vec<f32> {
    let frames = ch.len();
    // Zero-padded copy, so the inner loops need no bounds logic at the edges.
    let mut padded = vec![0.0f32; frames + 2 * HALF_TAPS];
    padded[HALF_TAPS..HALF_TAPS + frames].copy_from_slice(ch);
    let mut out: Vec<f32> = ch.iter().map(|s| s.abs()).collect();
    let mut y = [0.0f32; PEAK_BLOCK];
    for start in (0..frames).step_by(PEAK_BLOCK) {
        let len = PEAK_BLOCK.min(frames - start);
        for kernel in kernels {
            let y = &mut y[..len];
            y.fill(0.0);
            // Tap t multiplies x[n - HALF_TAPS + 1 + t], which is padded[n + 1 + t].
            for (t, &c) in kernel.iter().enumerate() {
                let x = &padded[start + 1 + t..start + 1 + t + len];
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

pub fn limit_with_envelope(
    buf: &mut AudioBuffer,
    envelope: &[f32],
    envelope_gain: f64,
    ceiling_dbtp: f64,
) {
    let frames = buf.frames();
    if frames == 0 {
        return;
    }
    debug_assert_eq!(envelope.len(), frames);
    let rate_hz = f64::from(buf.sample_rate_hz);
    let ceiling = 10f64.powf(ceiling_dbtp / 20.0);
    // The gain each frame needs, from the envelope; computed where used, not stored.
    let required = |i: usize| {
        let p = f64::from(envelope[i]) * envelope_gain;
        if p > ceiling { ceiling / p } else { 1.0 }
    };
    let gain = gain_curve(
        required,
        frames,
        (LOOKAHEAD_S * rate_hz).round() as usize,
        1.0 - (-1.0 / (RELEASE_S * rate_hz)).exp(),
    );
    for ch in &mut buf.channels {
        for (s, g) in ch.iter_mut().zip(&gain) {
            *s = (f64::from(*s) * g) as f32;
        }
    }
}

/// A smooth gain curve over `n` frames that never exceeds `required(i)` at any frame.
///
/// With `a[n] = min(required[n..=n+L])`, `r[n] = min(a[n], release toward 1 from r[n-1])`
/// and `g[n] = mean(r[n-L..=n])`: every `r[k]` in that mean has `n` inside its lookahead
/// window, so `r[k] ≤ required[n]`, hence `g[n] ≤ required[n]`.
///
/// One working buffer holds the sliding minimum and then, in place, the released curve;
/// the mean is a running sum. The master calls this on every pass over the whole track.
fn gain_curve(
    required: impl Fn(usize) -> f64,
    n: usize,
    lookahead: usize,
    release_coef: f64,
) -> Vec<f64> {
    let l = lookahead.max(1);
    // Index j of the extended arrays is frame j - l; the first l entries precede the audio.
    let req_ext = |j: usize| if j < l { 1.0 } else { required(j - l) };
    let ext_len = n + l;

    // Sliding minimum over [j, j + l] with a monotonic deque of (index, value).
    let mut curve = vec![1.0f64; ext_len];
    let mut deque: std::collections::VecDeque<(usize, f64)> = std::collections::VecDeque::new();
    let mut next = 0usize;
    for (j, m) in curve.iter_mut().enumerate() {
        let last = (j + l).min(ext_len - 1);
        while next <= last {
            let v = req_ext(next);
            while deque.back().is_some_and(|&(_, b)| b >= v) {
                deque.pop_back();
            }
            deque.push_back((next, v));
            next += 1;
        }
        while deque.front().is_some_and(|&(f, _)| f < j) {
            deque.pop_front();
        }
        *m = deque.front().map_or(1.0, |&(_, v)| v);
    }

    // Release toward 1, never above the sliding minimum (in place).
    let mut r = 1.0f64;
    for c in curve.iter_mut() {
        r = (r + (1.0 - r) * release_coef).min(*c);
        *c = r;
    }

    // Moving average of the l + 1 values ending at frame f (extended index f + l).
    let width = (l + 1) as f64;
    let mut sum: f64 = curve[..=l.min(ext_len - 1)].iter().sum();
    let mut out = Vec::with_capacity(n);
    for f in 0..n {
        // Rounding in the running sum (~1e-10 over an hour) must not break the proof.
        out.push((sum / width).min(required(f)));
        if f + l + 1 < ext_len {
            sum += curve[f + l + 1] - curve[f];
        }
    }
    out
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

    #[test]
    fn gain_curve_never_exceeds_required() {
        let mut required = vec![1.0f64; 2000];
        required[500] = 0.5;
        required[503] = 0.3;
        required[1990] = 0.1;
        required[0] = 0.7;
        let g = gain_curve(|i| required[i], required.len(), 50, 0.01);
        for (i, (g, r)) in g.iter().zip(&required).enumerate() {
            assert!(g <= r, "frame {i}: gain {g} > required {r}");
        }
        // Smooth attack: the gain is already going down well before the peak.
        assert!(g[470] < 0.9 && g[470] > 0.3);
        // And it recovers.
        assert!(g[1500] > 0.99);
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
        limit_with_envelope(&mut buf, &envelope, 1.0, -1.0);
        let tp = crate::audio::loudness::true_peak_dbtp(&buf).unwrap();
        assert!(tp <= -0.9, "true peak {tp}");
    }
}
