//! Measurements for the sound tests, and the scene they render in: where a sound's energy lies in frequency, how its level
//! moves in time, how regular its repetitions are. Plain and slow (a DFT by Goertzel, one
//! frequency at a time): enough for a second or two of audio in a unit test.

use super::{Scene, SoundParams, Stereo};
use crate::dsp::rng::Rng;

/// A foreground scene at 48 kHz for a recipe's test.
pub fn scene(frames: usize, params: SoundParams, seed: u64) -> Scene {
    Scene {
        sample_rate_hz: 48_000.0,
        frames,
        background: false,
        params,
        rng: Rng::new(seed),
    }
}

/// The mid (mono) signal of a stereo render.
pub fn mono(s: &Stereo) -> Vec<f32> {
    s.left
        .iter()
        .zip(&s.right)
        .map(|(l, r)| 0.5 * (l + r))
        .collect()
}

/// Power of `x` at `freq_hz` (Goertzel), normalised by the length.
pub fn power_at(x: &[f32], sr: f32, freq_hz: f32) -> f32 {
    let w = std::f32::consts::TAU * freq_hz / sr;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for &v in x {
        let s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (x.len().max(1) as f32).powi(2)
}

/// Power at `lo..hi` in steps of `step_hz`: (frequency, power) pairs.
pub fn spectrum(x: &[f32], sr: f32, lo: f32, hi: f32, step_hz: f32) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    let mut f = lo;
    while f <= hi {
        out.push((f, power_at(x, sr, f)));
        f += step_hz;
    }
    out
}

/// The strongest frequency in `lo..hi`, searched in steps of `step_hz`.
pub fn peak_hz(x: &[f32], sr: f32, lo: f32, hi: f32, step_hz: f32) -> f32 {
    spectrum(x, sr, lo, hi, step_hz)
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0.0, |(f, _)| f)
}

/// Share of the power measured over `lo..hi` (steps of `step_hz`) that lies in
/// `band.0..band.1`.
pub fn band_share(x: &[f32], sr: f32, (lo, hi): (f32, f32), band: (f32, f32), step_hz: f32) -> f32 {
    let s = spectrum(x, sr, lo, hi, step_hz);
    let all: f32 = s.iter().map(|p| p.1).sum();
    let inside: f32 = s
        .iter()
        .filter(|p| p.0 >= band.0 && p.0 <= band.1)
        .map(|p| p.1)
        .sum();
    inside / all.max(1e-30)
}

/// Power-weighted mean frequency over `lo..hi`.
pub fn centroid_hz(x: &[f32], sr: f32, lo: f32, hi: f32, step_hz: f32) -> f32 {
    let s = spectrum(x, sr, lo, hi, step_hz);
    let all: f32 = s.iter().map(|p| p.1).sum();
    s.iter().map(|p| p.0 * p.1).sum::<f32>() / all.max(1e-30)
}

/// RMS level in consecutive windows of `win_s`.
pub fn envelope(x: &[f32], sr: f32, win_s: f32) -> Vec<f32> {
    let win = ((win_s * sr) as usize).max(1);
    x.chunks(win)
        .map(|c| (c.iter().map(|s| s * s).sum::<f32>() / c.len() as f32).sqrt())
        .collect()
}

/// Normalised autocorrelation of `x` (mean removed) at `lag` samples.
pub fn autocorrelation(x: &[f32], lag: usize) -> f32 {
    if lag >= x.len() {
        return 0.0;
    }
    let mean = x.iter().sum::<f32>() / x.len() as f32;
    let (mut num, mut den) = (0.0f32, 0.0f32);
    for (i, &a) in x.iter().enumerate() {
        den += (a - mean) * (a - mean);
        if i + lag < x.len() {
            num += (a - mean) * (x[i + lag] - mean);
        }
    }
    num / den.max(1e-30)
}

/// The modulation rate (Hz) in `lo..hi` at which the level envelope repeats best, and how
/// well (its autocorrelation). The envelope's windows are short enough to follow `hi`.
pub fn modulation(x: &[f32], sr: f32, lo: f32, hi: f32) -> (f32, f32) {
    let win_s = (1.0 / (8.0 * hi)).clamp(0.000_125, 0.002);
    let env = envelope(x, sr, win_s);
    let rate = 1.0 / win_s;
    best_period(&env, rate, lo, hi)
}

/// The repetition rate (Hz) in `lo..hi` of the waveform itself (a pitch), and how strong.
pub fn periodicity(x: &[f32], sr: f32, lo: f32, hi: f32) -> (f32, f32) {
    best_period(x, sr, lo, hi)
}

fn best_period(x: &[f32], rate: f32, lo: f32, hi: f32) -> (f32, f32) {
    let (min_lag, max_lag) = ((rate / hi) as usize, (rate / lo) as usize);
    (min_lag.max(1)..=max_lag)
        .map(|lag| (rate / lag as f32, autocorrelation(x, lag)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap_or((0.0, 0.0))
}

/// Start times (s) of distinct events: 5 ms windows whose energy jumps well above the
/// previous window's and above `floor` of the loudest; `gap_s` of quiet after each.
pub fn onsets(x: &[f32], sr: f32, floor: f32, gap_s: f32) -> Vec<f32> {
    let win = (sr / 200.0) as usize;
    let energy: Vec<f32> = x
        .chunks(win)
        .map(|c| c.iter().map(|s| s * s).sum())
        .collect();
    let loudest = energy.iter().copied().fold(0.0, f32::max);
    let gap = (gap_s * 200.0) as usize;
    let (mut found, mut quiet_until) = (Vec::new(), 0);
    for i in 1..energy.len() {
        if i >= quiet_until && energy[i] > floor * loudest && energy[i] > 6.0 * energy[i - 1] {
            found.push(i as f32 / 200.0);
            quiet_until = i + gap;
        }
    }
    found
}

/// How many separate bursts: rises of the 10 ms level above `frac` of its maximum, each
/// counted once until the level falls below half of that again.
pub fn bursts(x: &[f32], sr: f32, frac: f32) -> usize {
    let env = envelope(x, sr, 0.01);
    let top = env.iter().copied().fold(0.0, f32::max);
    let (mut count, mut armed) = (0, true);
    for &e in &env {
        if armed && e > frac * top {
            count += 1;
            armed = false;
        } else if e < 0.5 * frac * top {
            armed = true;
        }
    }
    count
}

/// Helpers shared by the voice recipes' tests (animals and people).
pub mod voice_tests {
    use super::envelope;
    use crate::dsp::sounds::SoundParams;

    pub const SR: f32 = 48_000.0;

    pub fn span(x: &[f32], from_s: f32, to_s: f32) -> &[f32] {
        &x[((from_s * SR) as usize).min(x.len())..((to_s * SR) as usize).min(x.len())]
    }

    pub fn with(count: Option<u32>, size: f32) -> SoundParams {
        SoundParams {
            count,
            size,
            ..SoundParams::default()
        }
    }

    /// Start and end (s) of the loud stretches: 10 ms level above `frac` of the loudest.
    pub fn stretches(x: &[f32], frac: f32) -> Vec<(f32, f32)> {
        let env = envelope(x, SR, 0.01);
        let top = env.iter().copied().fold(0.0, f32::max);
        let mut out = Vec::new();
        let mut open: Option<usize> = None;
        for (k, &e) in env.iter().enumerate() {
            match (open, e > frac * top) {
                (None, true) => open = Some(k),
                (Some(s), false) => {
                    out.push((s as f32 * 0.01, k as f32 * 0.01));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(s) = open {
            out.push((s as f32 * 0.01, env.len() as f32 * 0.01));
        }
        // A blip of a window or two is the edge of an attack, not a sound.
        out.retain(|(a, b)| b - a > 0.025);
        out
    }
}
