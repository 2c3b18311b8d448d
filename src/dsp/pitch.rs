//! Formant-preserving pitch shift for speech (TD-PSOLA), so that several characters voiced
//! by one Piper model can sound distinct without the "chipmunk" timbre of resampling; and,
//! for voices meant to sound like another person rather than the same one at another pitch,
//! the formants moved by a ratio of their own (a longer or shorter vocal tract).
//!
//! Three stages:
//! 1. **f0 track.** YIN (de Cheveigné & Kawahara, "YIN, a fundamental frequency estimator
//!    for speech and music", JASA 2002) on a low-passed, decimated copy (~8 kHz), 60–400 Hz,
//!    5 ms hop, refined to sub-sample precision on the full-rate signal. A frame is voiced
//!    when YIN's normalised difference dips below a threshold and the frame is not near
//!    silence. The track is cleaned: one-frame gaps filled, runs shorter than 20 ms dropped,
//!    a 5-point median against octave slips.
//! 2. **Pitch marks.** In each voiced run, one mark per period at the peak of the short-time
//!    energy, each searched within ±25 % of a period around the previous mark plus one period.
//! 3. **Synthesis.** Output marks are spaced by period/ratio; each takes the two-period
//!    Hann-windowed grain (asymmetric: from the previous analysis mark to the next one) of
//!    the nearest analysis mark, so the spectral envelope (formants) of every grain is kept
//!    while its repetition rate changes. To move the formants, each grain is read compressed
//!    (or stretched) in time by the formant ratio before it is placed: its spectral envelope
//!    scales by that ratio, as a shorter (or longer) vocal tract's would. Unvoiced samples are not touched: overlap-add of
//!    Hann grains taken and put back at the same constant spacing sums to the input, so we
//!    copy instead of computing that identity. A 10 ms crossfade joins the two at every
//!    voiced-run boundary. Time is never stretched: output length equals input length.

use crate::dsp::filter::Biquad;

/// Search range of the fundamental. Covers low male to high female and child speech.
const F0_MIN_HZ: f64 = 60.0;
const F0_MAX_HZ: f64 = 400.0;
/// Hop between f0 frames.
const HOP_S: f64 = 0.005;
/// The analysis copy is decimated to about this rate: enough for the fundamental and its
/// first harmonics, and YIN's cost falls with the square of the rate.
const ANALYSIS_RATE_HZ: f64 = 8000.0;
/// Low-pass before decimation; keeps the first few harmonics, drops formant detail that
/// tempts YIN into sub-octave errors.
const ANALYSIS_LOWPASS_HZ: f32 = 1000.0;
/// YIN's absolute threshold on the cumulative-mean-normalised difference: the first dip
/// below it is the period; no dip below it means unvoiced.
const YIN_THRESHOLD: f64 = 0.2;
/// A frame whose lag is this far (as a ratio) under the utterance's median lag is checked
/// for a slip an octave up (see [`F0Track::analyse`]): beyond the rises of speech.
const OCTAVE_UP_SLIP: f64 = 1.6;
/// The dip at twice the lag then replaces the lag when it is at most this much shallower.
const OCTAVE_UP_TOLERANCE: f64 = 0.1;
/// A frame whose lag is this far over the median is checked for a slip an octave down.
const OCTAVE_SLIP: f64 = 1.4;
/// The dip at half the lag replaces it when it is under this (the first dip under YIN's
/// threshold was at two periods, so the one at the period is a little above it).
const OCTAVE_HALF_THRESHOLD: f64 = 0.35;
/// Frames quieter than this relative to the loudest frame are unvoiced (breath, room tone).
const SILENCE_REL_DB: f64 = -45.0;
/// Absolute floor on frame RMS, so digital near-silence is never called voiced.
const SILENCE_ABS_RMS: f64 = 1e-5;
/// Voiced runs shorter than this are treated as unvoiced: too short to hold steady marks.
const MIN_VOICED_RUN_S: f64 = 0.02;
/// Crossfade between shifted and untouched audio at each voiced-run boundary.
const CROSSFADE_S: f64 = 0.01;
/// Weight of the energy peak against waveform similarity in pitch-mark placement.
const MARK_ENERGY_WEIGHT: f64 = 0.5;
/// Energy smoothing for pitch-mark placement: about one first-formant cycle.
const MARK_ENERGY_S: f64 = 0.001;
/// Supported shift range in semitones; requests beyond it are clamped.
const MAX_SEMITONES: f64 = 12.0;

/// Shifts the pitch of mono speech by `semitones` keeping its formants and its duration.
///
/// Returns exactly `samples.len()` samples. `semitones == 0` (or non-finite) returns the
/// input unchanged; the range is -12..=12 and larger requests are clamped to it. Input with
/// no voiced frames (silence, noise, anything shorter than one ~33 ms analysis frame) comes
/// back unchanged. Deterministic; finite input gives finite output.
pub fn shift_pitch(samples: &[f32], sample_rate_hz: u32, semitones: f64) -> Vec<f32> {
    shift_voice(samples, sample_rate_hz, semitones, 1.0)
}

/// Formant ratios [`shift_voice`] accepts; requests beyond are clamped. About ±17 %: adult
/// vocal tracts differ by about that much, and further out the voice stops sounding human.
const FORMANT_RATIO_RANGE: (f64, f64) = (0.85, 1.18);

/// Shifts the pitch of mono speech by `semitones` and scales its formants (the spectral
/// envelope of its voiced sounds) by `formant_ratio`, keeping its duration: the same words
/// from a person with a shorter (ratio > 1) or longer (< 1) vocal tract. `formant_ratio` 1
/// is [`shift_pitch`]. Returns exactly `samples.len()` samples; unvoiced sounds are kept as
/// they are. Deterministic; finite input gives finite output.
pub fn shift_voice(
    samples: &[f32],
    sample_rate_hz: u32,
    semitones: f64,
    formant_ratio: f64,
) -> Vec<f32> {
    let formant_ratio = if formant_ratio.is_finite() {
        formant_ratio.clamp(FORMANT_RATIO_RANGE.0, FORMANT_RATIO_RANGE.1)
    } else {
        1.0
    };
    let semitones = if semitones.is_finite() {
        semitones
    } else {
        0.0
    };
    if (semitones == 0.0 && formant_ratio == 1.0) || sample_rate_hz == 0 {
        return samples.to_vec();
    }
    let ratio = 2f64.powf(semitones.clamp(-MAX_SEMITONES, MAX_SEMITONES) / 12.0);
    let track = F0Track::analyse(samples, sample_rate_hz);
    let mut out = samples.to_vec();
    if track.voiced_runs.is_empty() {
        return out;
    }
    let energy = short_time_energy(samples, sample_rate_hz);
    for &(first, last) in &track.voiced_runs {
        let marks = place_marks(&track, samples, &energy, first, last);
        if marks.len() < 3 {
            continue;
        }
        resynthesise_run(
            samples,
            &track,
            (first, last),
            &marks,
            (ratio, formant_ratio),
            &mut out,
        );
    }
    out
}

/// Median fundamental frequency over the voiced frames of `samples`, or `None` when no
/// frame is voiced (silence, noise, input shorter than one analysis frame).
pub fn estimate_f0_hz(samples: &[f32], sample_rate_hz: u32) -> Option<f64> {
    if sample_rate_hz == 0 {
        return None;
    }
    let track = F0Track::analyse(samples, sample_rate_hz);
    let mut voiced: Vec<f64> = track.f0_hz.iter().flatten().copied().collect();
    if voiced.is_empty() {
        return None;
    }
    voiced.sort_by(f64::total_cmp);
    let mid = voiced.len() / 2;
    Some(if voiced.len() % 2 == 1 {
        voiced[mid]
    } else {
        0.5 * (voiced[mid - 1] + voiced[mid])
    })
}

/// Frame-wise fundamental frequency of a whole signal.
struct F0Track {
    sample_rate_hz: f64,
    /// Full-rate sample index of each frame's centre.
    centres: Vec<f64>,
    /// f0 per frame, `None` where unvoiced.
    f0_hz: Vec<Option<f64>>,
    /// Inclusive frame ranges of the voiced runs, in order.
    voiced_runs: Vec<(usize, usize)>,
}

impl F0Track {
    fn analyse(samples: &[f32], sample_rate_hz: u32) -> Self {
        let sr = f64::from(sample_rate_hz);
        let decimation = ((sr / ANALYSIS_RATE_HZ).round() as usize).max(1);
        let sr_d = sr / decimation as f64;
        let low = decimate(samples, sample_rate_hz, decimation);

        let tau_min = ((sr_d / F0_MAX_HZ).floor() as usize).max(2);
        let tau_max = (sr_d / F0_MIN_HZ).ceil() as usize;
        // YIN's integration window must hold the longest period.
        let window = tau_max;
        let span = window + tau_max + 1;
        let hop = ((HOP_S * sr_d).round() as usize).max(1);
        let frame_count = if low.len() >= span {
            (low.len() - span) / hop + 1
        } else {
            0
        };

        let rms: Vec<f64> = (0..frame_count)
            .map(|k| {
                let s = &low[k * hop..k * hop + window + tau_max];
                (s.iter().map(|&x| f64::from(x) * f64::from(x)).sum::<f64>() / s.len() as f64)
                    .sqrt()
            })
            .collect();
        let loudest = rms.iter().copied().fold(0.0, f64::max);
        let floor = (loudest * 10f64.powf(SILENCE_REL_DB / 20.0)).max(SILENCE_ABS_RMS);

        // Pass 1: YIN's lag per frame, with the dips at half and twice that lag.
        let mut diff = vec![0.0f64; tau_max + 2];
        let frames: Vec<Option<YinFrame>> = (0..frame_count)
            .map(|k| {
                if rms[k] < floor {
                    return None;
                }
                let start = k * hop;
                yin_frame(
                    &low[start..start + span],
                    window,
                    tau_min,
                    tau_max,
                    &mut diff,
                )
            })
            .collect();
        // Pass 2: octave slips against the utterance's median. On a low voice whose
        // fundamental is weak after the low-pass, the first dip under the threshold can be
        // at half the period; on a creaky one, only the dip at two periods gets under it.
        // Either puts the frame an octave from the voice, where the grains then repeat at
        // the wrong rate (a rough, buzzing voice). A frame far from the median takes the
        // lag an octave back when that dip is clearly periodic too.
        let mut coarse: Vec<f64> = frames.iter().flatten().map(|f| f.tau).collect();
        coarse.sort_by(f64::total_cmp);
        let median_tau = coarse.get(coarse.len() / 2).copied();
        let mut f0_hz: Vec<Option<f64>> = frames
            .iter()
            .enumerate()
            .map(|(k, frame)| {
                let frame = frame.as_ref()?;
                let mut tau_d = frame.tau;
                if let Some(median) = median_tau {
                    if tau_d < median / OCTAVE_UP_SLIP
                        && let Some((tau2, d2)) = frame.double
                        && d2 < frame.depth + OCTAVE_UP_TOLERANCE
                    {
                        tau_d = tau2;
                    } else if tau_d > median * OCTAVE_SLIP
                        && let Some((tau2, d2)) = frame.half
                        && d2 < OCTAVE_HALF_THRESHOLD
                    {
                        tau_d = tau2;
                    }
                }
                let start = k * hop;
                let period = refine_period(
                    samples,
                    start * decimation,
                    window * decimation,
                    tau_d * decimation as f64,
                    decimation + 1,
                );
                let f0 = sr / period;
                (F0_MIN_HZ * 0.9..=F0_MAX_HZ * 1.1)
                    .contains(&f0)
                    .then_some(f0)
            })
            .collect();
        let min_run = ((MIN_VOICED_RUN_S / HOP_S).ceil() as usize).max(2);
        clean_track(&mut f0_hz, min_run);
        let voiced_runs = runs(&f0_hz);
        let centre_offset = (window + tau_max) as f64 / 2.0;
        let centres = (0..frame_count)
            .map(|k| ((k * hop) as f64 + centre_offset) * decimation as f64)
            .collect();
        F0Track {
            sample_rate_hz: sr,
            centres,
            f0_hz,
            voiced_runs,
        }
    }

    /// Period in samples at full-rate position `t` inside the voiced run `first..=last`,
    /// linear between frame centres and constant beyond the run's end frames.
    fn period_at(&self, t: f64, first: usize, last: usize) -> f64 {
        let f0_of = |k: usize| self.f0_hz[k].unwrap_or(F0_MIN_HZ);
        let f0 = if t <= self.centres[first] {
            f0_of(first)
        } else if t >= self.centres[last] {
            f0_of(last)
        } else {
            let k = first + self.centres[first..=last].partition_point(|&c| c <= t) - 1;
            let k1 = (k + 1).min(last);
            let span = self.centres[k1] - self.centres[k];
            let a = if span > 0.0 {
                (t - self.centres[k]) / span
            } else {
                0.0
            };
            f0_of(k) + a * (f0_of(k1) - f0_of(k))
        };
        self.sample_rate_hz / f0
    }

    /// Full-rate sample range `[start, end)` covered by the voiced run `first..=last`.
    fn run_span(&self, first: usize, last: usize, len: usize) -> (usize, usize) {
        let half_hop = if self.centres.len() > 1 {
            (self.centres[1] - self.centres[0]) / 2.0
        } else {
            0.0
        };
        let start = (self.centres[first] - half_hop).max(0.0) as usize;
        let end = ((self.centres[last] + half_hop) as usize).min(len);
        (start, end)
    }
}

/// Low-passes and keeps every `factor`-th sample. A periodic signal stays periodic under
/// decimation, so residual aliasing does not bias the period, only adds a little noise.
fn decimate(samples: &[f32], sample_rate_hz: u32, factor: usize) -> Vec<f32> {
    let sr = sample_rate_hz as f32;
    let cutoff = ANALYSIS_LOWPASS_HZ.min(0.4 * sr / factor as f32);
    let mut a = Biquad::lowpass(sr, cutoff, std::f32::consts::FRAC_1_SQRT_2);
    let mut b = Biquad::lowpass(sr, cutoff, std::f32::consts::FRAC_1_SQRT_2);
    samples
        .iter()
        .enumerate()
        .filter_map(|(n, &x)| {
            let y = b.process(a.process(x));
            (n % factor == 0).then_some(y)
        })
        .collect()
}

/// YIN's reading of one frame: the lag of the first dip of the normalised difference under
/// the threshold (parabola-interpolated, in samples), that dip's depth, and the deepest
/// points near half and twice that lag with their depths, where in range.
struct YinFrame {
    tau: f64,
    depth: f64,
    half: Option<(f64, f64)>,
    double: Option<(f64, f64)>,
}

/// YIN on one frame `x` (length `window + tau_max + 1`); `None` when no dip of the
/// normalised difference falls below the threshold. `diff` is scratch space of length
/// `tau_max + 2`.
fn yin_frame(
    x: &[f32],
    window: usize,
    tau_min: usize,
    tau_max: usize,
    diff: &mut [f64],
) -> Option<YinFrame> {
    // Squared difference, then YIN's cumulative-mean normalisation (diff[0] = 1).
    let mut running = 0.0f64;
    diff[0] = 1.0;
    for (tau, slot) in diff.iter_mut().enumerate().take(tau_max + 2).skip(1) {
        let d = squared_difference(x, window, tau);
        running += d;
        *slot = if running > 0.0 {
            d * tau as f64 / running
        } else {
            1.0
        };
    }
    let mut tau = (tau_min..=tau_max).find(|&t| diff[t] < YIN_THRESHOLD)?;
    while tau < tau_max && diff[tau + 1] < diff[tau] {
        tau += 1;
    }
    let dip = |centre: usize| -> Option<(f64, f64)> {
        let reach = (centre / 6).max(1);
        let lo = centre.saturating_sub(reach).max(tau_min).max(1);
        let hi = (centre + reach).min(tau_max);
        let best = (lo..=hi).min_by(|&a, &b| diff[a].total_cmp(&diff[b]))?;
        Some((
            best as f64 + parabolic_offset(diff[best - 1], diff[best], diff[best + 1]),
            diff[best],
        ))
    };
    Some(YinFrame {
        tau: tau as f64 + parabolic_offset(diff[tau - 1], diff[tau], diff[tau + 1]),
        depth: diff[tau],
        half: dip(tau / 2),
        double: (2 * tau <= tau_max).then(|| dip(2 * tau)).flatten(),
    })
}

/// Sum over `window` samples of `(x[j] - x[j + tau])²`: YIN's difference function. The
/// hot loop of the whole shifter; slice zips keep it free of bounds checks.
fn squared_difference(x: &[f32], window: usize, tau: usize) -> f64 {
    let a = &x[..window];
    let b = &x[tau..tau + window];
    let sum: f32 = a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum();
    f64::from(sum)
}

/// Vertex of the parabola through three equally spaced values, relative to the middle one,
/// in -0.5..=0.5.
fn parabolic_offset(left: f64, mid: f64, right: f64) -> f64 {
    let curvature = left - 2.0 * mid + right;
    if curvature > 0.0 {
        (0.5 * (left - right) / curvature).clamp(-0.5, 0.5)
    } else {
        0.0
    }
}

/// Refines a coarse period (from the decimated copy) on the full-rate signal: the minimum
/// of the plain squared difference over the lags within `reach` samples of `coarse` (about
/// one decimation step: the coarse estimate is already parabola-interpolated), then a
/// parabola. Falls back to `coarse` near the end of the signal.
fn refine_period(samples: &[f32], start: usize, window: usize, coarse: f64, reach: usize) -> f64 {
    let centre = coarse.round() as usize;
    let lo = centre.saturating_sub(reach + 1).max(2);
    let hi = centre + reach + 1;
    if start + window + hi >= samples.len() {
        return coarse;
    }
    let x = &samples[start..];
    let d: Vec<f64> = (lo..=hi)
        .map(|tau| squared_difference(x, window, tau))
        .collect();
    let best = (1..d.len() - 1)
        .min_by(|&a, &b| d[a].total_cmp(&d[b]))
        .unwrap_or(1);
    let refined = (lo + best) as f64 + parabolic_offset(d[best - 1], d[best], d[best + 1]);
    // A minimum on the search edge means the coarse estimate was off; trust it anyway.
    if best == 1 || best == d.len() - 2 {
        coarse
    } else {
        refined
    }
}

/// Fills one-frame unvoiced gaps, removes voiced runs shorter than `min_run` frames and
/// median-filters f0 (5 points, voiced neighbours only) against octave slips.
fn clean_track(f0_hz: &mut [Option<f64>], min_run: usize) {
    for k in 1..f0_hz.len().saturating_sub(1) {
        if let (None, Some(a), Some(b)) = (f0_hz[k], f0_hz[k - 1], f0_hz[k + 1]) {
            f0_hz[k] = Some(0.5 * (a + b));
        }
    }
    for (first, last) in runs(f0_hz) {
        if last + 1 - first < min_run {
            f0_hz[first..=last].fill(None);
        }
    }
    let original = f0_hz.to_vec();
    for (first, last) in runs(&original) {
        for (k, slot) in f0_hz.iter_mut().enumerate().take(last + 1).skip(first) {
            let lo = k.saturating_sub(2).max(first);
            let hi = (k + 2).min(last);
            let mut near: Vec<f64> = original[lo..=hi].iter().flatten().copied().collect();
            near.sort_by(f64::total_cmp);
            *slot = Some(near[near.len() / 2]);
        }
    }
}

/// Inclusive index ranges of consecutive `Some` values.
fn runs(f0_hz: &[Option<f64>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (k, v) in f0_hz.iter().enumerate() {
        match (v.is_some(), start) {
            (true, None) => start = Some(k),
            (false, Some(s)) => {
                out.push((s, k - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, f0_hz.len() - 1));
    }
    out
}

/// Squared signal smoothed by a centred moving average of about one millisecond; its peaks
/// sit just after each glottal closure, where a pitch mark belongs.
fn short_time_energy(samples: &[f32], sample_rate_hz: u32) -> Vec<f32> {
    let half = ((MARK_ENERGY_S * f64::from(sample_rate_hz) / 2.0).round() as usize).max(1);
    let mut prefix = Vec::with_capacity(samples.len() + 1);
    prefix.push(0.0f64);
    let mut acc = 0.0f64;
    for &x in samples {
        acc += f64::from(x) * f64::from(x);
        prefix.push(acc);
    }
    (0..samples.len())
        .map(|n| {
            let lo = n.saturating_sub(half);
            let hi = (n + half + 1).min(samples.len());
            ((prefix[hi] - prefix[lo]) / (hi - lo) as f64) as f32
        })
        .collect()
}

/// Analysis pitch marks (sample indices) for the voiced run `first..=last`: the energy peak
/// in the run's first period, then each next one period on (within ±25 % of a period around
/// the predicted position, with a mild preference for the prediction), where the waveform
/// around it is most like the waveform around the previous mark and the energy is high.
/// Energy peaks alone hop: a low voice has several peaks of similar height per period (one
/// per first-formant cycle), and marks that hop between them make grains of uneven length,
/// which sound rough. Similarity alone drifts: each mark matched to the one before adds up
/// their rounding, and grains slide off the glottal pulse. Together, every mark sits at the
/// same point of its cycle, on the pulse.
fn place_marks(
    track: &F0Track,
    samples: &[f32],
    energy: &[f32],
    first: usize,
    last: usize,
) -> Vec<usize> {
    let (start, end) = track.run_span(first, last, energy.len());
    if end <= start {
        return Vec::new();
    }
    let first_period = track.period_at(start as f64, first, last);
    let first_end = (start + first_period.ceil() as usize).min(end);
    let Some(mut mark) = (start..first_end).max_by(|&a, &b| energy[a].total_cmp(&energy[b])) else {
        return Vec::new();
    };
    let mut marks = vec![mark];
    loop {
        let period = track.period_at(mark as f64, first, last);
        let predicted = mark as f64 + period;
        let reach = 0.25 * period;
        let lo = ((predicted - reach).ceil() as usize).max(mark + 1);
        let hi = ((predicted + reach).floor() as usize).min(end.saturating_sub(1));
        if lo > hi {
            break;
        }
        // Half a period either side of the previous mark, compared with the same span
        // around each candidate.
        let half = ((0.5 * period) as usize).max(1);
        let similarity = |n: usize| -> f64 {
            let (a0, b0) = (mark.saturating_sub(half), n.saturating_sub(half));
            let len = (mark - a0).min(n - b0) + half;
            let (a, b) = (mark - (n - b0).min(mark - a0), n - (n - b0).min(mark - a0));
            if b + len > samples.len() {
                return 0.0;
            }
            let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
            for (&x, &y) in samples[a..a + len].iter().zip(&samples[b..b + len]) {
                let (x, y) = (f64::from(x), f64::from(y));
                ab += x * y;
                aa += x * x;
                bb += y * y;
            }
            if aa > 0.0 && bb > 0.0 {
                ab / (aa * bb).sqrt()
            } else {
                0.0
            }
        };
        let loudest = (lo..=hi).map(|n| energy[n]).fold(0.0f32, f32::max);
        let score = |n: usize| {
            let d = (n as f64 - predicted) / reach;
            let loud = if loudest > 0.0 {
                f64::from(energy[n] / loudest)
            } else {
                0.0
            };
            similarity(n) + MARK_ENERGY_WEIGHT * loud - 0.1 * d * d
        };
        mark = (lo..=hi)
            .max_by(|&a, &b| score(a).total_cmp(&score(b)))
            .unwrap_or(lo);
        marks.push(mark);
    }
    marks
}

/// TD-PSOLA over one voiced run, written into `out` between its first and last analysis
/// marks with a crossfade at each end; everything else in `out` stays as it is. `ratio`
/// scales the pitch, `formant_ratio` the spectral envelope.
fn resynthesise_run(
    samples: &[f32],
    track: &F0Track,
    (first_frame, last_frame): (usize, usize),
    marks: &[usize],
    (ratio, formant_ratio): (f64, f64),
    out: &mut [f32],
) {
    let (Some(&first_mark), Some(&last_mark)) = (marks.first(), marks.last()) else {
        return;
    };
    // Grains reach at most 1.25 periods either side; 2 × the longest period is a safe margin.
    let margin = (2.0 * track.sample_rate_hz / F0_MIN_HZ).ceil() as usize;
    let base = first_mark.saturating_sub(margin);
    let mut shifted = vec![0.0f32; last_mark + margin - base];
    // Raising the repetition rate by `ratio` raises the power of a pulse train by `ratio`;
    // a grain read `formant_ratio` times faster is that much shorter and carries that much
    // less energy. This gain keeps the loudness, so the crossfades join equal levels.
    let gain = (formant_ratio / ratio).sqrt() as f32;

    // Output marks run one period past the last analysis mark, so that the crossfade's
    // tail still sees fully overlapped grains.
    let mut t = first_mark as f64;
    let stop = last_mark as f64 + track.period_at(last_mark as f64, first_frame, last_frame);
    while t <= stop {
        let j = nearest_mark(marks, t);
        let a = marks[j];
        let left = if j > 0 {
            a - marks[j - 1]
        } else {
            marks[1] - a
        };
        let right = if j + 1 < marks.len() {
            marks[j + 1] - a
        } else {
            left
        };
        let centre = t.round() as usize;
        if formant_ratio == 1.0 {
            for i in -(left as isize)..=(right as isize) {
                let (src, dst) = (a as isize + i, centre as isize + i - base as isize);
                if src < 0
                    || src as usize >= samples.len()
                    || dst < 0
                    || dst as usize >= shifted.len()
                {
                    continue;
                }
                let half = if i < 0 { left } else { right } as f64;
                let w = 0.5 * (1.0 + (std::f64::consts::PI * i as f64 / half).cos());
                shifted[dst as usize] += gain * w as f32 * samples[src as usize];
            }
        } else {
            // The grain read at `formant_ratio` samples per output sample, by linear
            // interpolation, over the same analysis span: `left / formant_ratio` output
            // samples before the centre, `right / formant_ratio` after.
            let reach_left = (left as f64 / formant_ratio).floor() as isize;
            let reach_right = (right as f64 / formant_ratio).floor() as isize;
            for i in -reach_left..=reach_right {
                let pos = a as f64 + i as f64 * formant_ratio;
                let dst = centre as isize + i - base as isize;
                let k = pos.floor();
                if k < 0.0 || k as usize + 1 >= samples.len() || dst < 0 {
                    continue;
                }
                let Some(slot) = shifted.get_mut(dst as usize) else {
                    continue;
                };
                let (k, frac) = (k as usize, (pos - k) as f32);
                let x = samples[k] + frac * (samples[k + 1] - samples[k]);
                let offset = i as f64 * formant_ratio;
                let half = if i < 0 { left } else { right } as f64;
                let w =
                    0.5 * (1.0 + (std::f64::consts::PI * (offset / half).clamp(-1.0, 1.0)).cos());
                *slot += gain * w as f32 * x;
            }
        }
        t += track.period_at(t, first_frame, last_frame) / ratio;
    }

    let fade = ((CROSSFADE_S * track.sample_rate_hz) as usize)
        .min((last_mark - first_mark) / 3)
        .max(1);
    for n in first_mark..=last_mark.min(out.len() - 1) {
        let from_start = n - first_mark;
        let to_end = last_mark - n;
        let m = (from_start.min(to_end) as f64 / fade as f64).min(1.0);
        // Raised-cosine crossfade: smooth at both ends, so no corner in the envelope.
        let m = (0.5 - 0.5 * (std::f64::consts::PI * m).cos()) as f32;
        out[n] = (1.0 - m) * samples[n] + m * shifted[n - base];
    }
}

/// Index of the mark closest to `t` (`marks` ascending, non-empty).
fn nearest_mark(marks: &[usize], t: f64) -> usize {
    let k = marks.partition_point(|&m| (m as f64) < t);
    if k == 0 {
        0
    } else if k == marks.len() {
        marks.len() - 1
    } else if t - marks[k - 1] as f64 <= marks[k] as f64 - t {
        k - 1
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::rng::Rng;
    use std::f64::consts::PI;

    const SR: u32 = 22_050;

    /// A vowel-like test signal: a band-limited glottal-like pulse train (harmonics up to
    /// 4 kHz with a -6 dB/octave tilt) through three parallel resonances, the first (700 Hz)
    /// clearly the strongest, so the envelope peak in 500–1500 Hz is well defined.
    fn vowel(f0_hz: f64, seconds: f64) -> Vec<f32> {
        let n = (seconds * f64::from(SR)) as usize;
        let harmonics = (4000.0 / f0_hz) as usize;
        let source: Vec<f32> = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(SR);
                (1..=harmonics)
                    .map(|k| (2.0 * PI * k as f64 * f0_hz * t).cos() / k as f64)
                    .sum::<f64>() as f32
            })
            .collect();
        let sr = SR as f32;
        let mut formants = [
            (Biquad::bandpass(sr, 700.0, 6.0), 1.0f32),
            (Biquad::bandpass(sr, 1200.0, 6.0), 0.5),
            (Biquad::bandpass(sr, 2500.0, 6.0), 0.25),
        ];
        let mut out: Vec<f32> = source
            .iter()
            .map(|&x| formants.iter_mut().map(|(f, g)| *g * f.process(x)).sum())
            .collect();
        let peak = out.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        out.iter_mut().for_each(|x| *x *= 0.5 / peak);
        out
    }

    /// Frequency of maximum energy in `lo_hz..=hi_hz` of the signal's average power
    /// spectrum (46 ms Hann frames, so each harmonic is ~90 Hz wide and a 5 Hz grid never
    /// falls between lines), smoothed over ±250 Hz, wider than any harmonic spacing here, so
    /// it follows the envelope, not single harmonics.
    fn envelope_peak_hz(x: &[f32], lo_hz: f64, hi_hz: f64) -> f64 {
        const FRAME: usize = 1024;
        let step_hz = 5.0;
        let (grid_lo, grid_hi) = (lo_hz - 300.0, hi_hz + 300.0);
        let bins = ((grid_hi - grid_lo) / step_hz) as usize + 1;
        let hann: Vec<f64> = (0..FRAME)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / FRAME as f64).cos())
            .collect();
        let power: Vec<f64> = (0..bins)
            .map(|b| {
                let w = 2.0 * PI * (grid_lo + b as f64 * step_hz) / f64::from(SR);
                let (rot_re, rot_im) = (w.cos(), -w.sin());
                x.chunks_exact(FRAME / 2)
                    .collect::<Vec<_>>()
                    .windows(2)
                    .map(|halves| {
                        // Rotating phasor instead of sin/cos per sample.
                        let (mut p_re, mut p_im) = (1.0f64, 0.0f64);
                        let (mut re, mut im) = (0.0, 0.0);
                        let frame = halves[0].iter().chain(halves[1]);
                        for (&s, &h) in frame.zip(&hann) {
                            let v = f64::from(s) * h;
                            re += v * p_re;
                            im += v * p_im;
                            (p_re, p_im) =
                                (p_re * rot_re - p_im * rot_im, p_re * rot_im + p_im * rot_re);
                        }
                        re * re + im * im
                    })
                    .sum()
            })
            .collect();
        let half = (250.0 / step_hz) as isize;
        let smoothed = |b: usize| -> f64 {
            (-half..=half)
                .filter_map(|d| {
                    let k = b as isize + d;
                    (0..bins as isize).contains(&k).then(|| {
                        power[k as usize] * (1.0 - d.unsigned_abs() as f64 / (half + 1) as f64)
                    })
                })
                .sum()
        };
        let first = ((lo_hz - grid_lo) / step_hz) as usize;
        let last = ((hi_hz - grid_lo) / step_hz) as usize;
        let best = (first..=last)
            .max_by(|&a, &b| smoothed(a).total_cmp(&smoothed(b)))
            .unwrap();
        grid_lo + best as f64 * step_hz
    }

    /// Plain resampling pitch shift (what we must beat): plays `x` `ratio` times faster.
    fn resample(x: &[f32], ratio: f64) -> Vec<f32> {
        let n = ((x.len() - 1) as f64 / ratio) as usize;
        (0..n)
            .map(|i| {
                let p = i as f64 * ratio;
                let k = p as usize;
                let a = (p - k as f64) as f32;
                x[k] * (1.0 - a) + x[(k + 1).min(x.len() - 1)] * a
            })
            .collect()
    }

    fn max_jump(x: &[f32]) -> f32 {
        x.windows(2).fold(0.0f32, |m, w| m.max((w[1] - w[0]).abs()))
    }

    #[test]
    fn estimates_f0_of_synthetic_vowels() {
        for f0 in [80.0, 120.0, 220.0, 350.0] {
            let est = estimate_f0_hz(&vowel(f0, 0.5), SR).expect("voiced");
            println!("f0 {f0} Hz: estimated {est:.2} Hz");
            assert!((est / f0 - 1.0).abs() < 0.01, "f0 {f0}: estimated {est}");
        }
    }

    #[test]
    fn shifts_f0_and_keeps_formants_of_synthetic_vowel() {
        let x = vowel(120.0, 1.0);
        let peak_in = envelope_peak_hz(&x, 500.0, 1500.0);
        for semitones in [4.0, -3.0] {
            let ratio = 2f64.powf(semitones / 12.0);
            let y = shift_pitch(&x, SR, semitones);
            assert_eq!(y.len(), x.len());
            assert!(y.iter().all(|v| v.is_finite()));

            let want = 120.0 * ratio;
            let got = estimate_f0_hz(&y, SR).expect("output is voiced");
            let f0_err = got / want - 1.0;

            let peak_out = envelope_peak_hz(&y, 500.0, 1500.0);
            let peak_rs = envelope_peak_hz(&resample(&x, ratio), 500.0, 1500.0);
            let moved = peak_out / peak_in - 1.0;
            let moved_rs = peak_rs / peak_in - 1.0;
            println!(
                "{semitones:+} st: f0 {got:.2} Hz (want {want:.2}, error {:+.2} %); envelope \
                 peak {peak_in} -> {peak_out} Hz ({:+.1} %), resampling -> {peak_rs} Hz ({:+.1} %)",
                100.0 * f0_err,
                100.0 * moved,
                100.0 * moved_rs
            );
            assert!(f0_err.abs() < 0.03, "f0 {got}, want {want}");
            assert!(moved.abs() < 0.10, "envelope peak moved {moved}");
            // Resampling moves the envelope by (nearly) the full ratio; PSOLA must not.
            assert!(
                moved_rs.abs() > 0.8 * (ratio - 1.0).abs(),
                "resampling moved {moved_rs}"
            );
            assert!(moved.abs() < 0.5 * moved_rs.abs());
        }
    }

    /// Power-weighted mean frequency of `x` in `lo_hz..=hi_hz` (one Hann-windowed DFT over the
    /// middle 0.5 s at a 10 Hz grid). It follows the spectral envelope smoothly, where a
    /// peak picker snaps to the nearest harmonic.
    fn centroid_hz(x: &[f32], lo_hz: f64, hi_hz: f64) -> f64 {
        let n = (SR / 2) as usize;
        let start = (x.len() - n) / 2;
        let frame = &x[start..start + n];
        let (mut num, mut den) = (0.0, 0.0);
        let mut f = lo_hz;
        while f <= hi_hz {
            let w = 2.0 * PI * f / f64::from(SR);
            let (mut re, mut im) = (0.0, 0.0);
            for (i, &s) in frame.iter().enumerate() {
                let h = 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos();
                re += f64::from(s) * h * (w * i as f64).cos();
                im -= f64::from(s) * h * (w * i as f64).sin();
            }
            let p = re * re + im * im;
            num += f * p;
            den += p;
            f += 10.0;
        }
        num / den
    }

    #[test]
    fn moves_formants_by_their_own_ratio() {
        let x = vowel(120.0, 1.0);
        let centroid_in = centroid_hz(&x, 300.0, 3000.0);
        for (semitones, formants) in [(3.0, 1.12), (-2.0, 0.9), (0.0, 1.1)] {
            let y = shift_voice(&x, SR, semitones, formants);
            assert_eq!(y.len(), x.len());
            assert!(y.iter().all(|v| v.is_finite()));
            let want = 120.0 * 2f64.powf(semitones / 12.0);
            let got = estimate_f0_hz(&y, SR).expect("output is voiced");
            let moved = centroid_hz(&y, 300.0, 3000.0) / centroid_in;
            // Pitch alone (formants kept) for comparison: the centroid must stay put.
            let kept = centroid_hz(&shift_pitch(&x, SR, semitones), 300.0, 3000.0) / centroid_in;
            println!(
                "{semitones:+} st, formants x{formants}: f0 {got:.2} Hz (want {want:.2}); \
                 spectral centroid x{moved:.3} (pitch alone x{kept:.3})"
            );
            assert!((got / want - 1.0).abs() < 0.03, "f0 {got}, want {want}");
            assert!(
                (moved / kept / formants - 1.0).abs() < 0.05,
                "centroid moved x{moved} (pitch alone x{kept}), asked x{formants}"
            );
            let rms = |v: &[f32]| (v.iter().map(|s| s * s).sum::<f32>() / v.len() as f32).sqrt();
            let level_db = 20.0 * (rms(&y) / rms(&x)).log10();
            assert!(level_db.abs() < 1.5, "level changed {level_db:.2} dB");
        }
        // Out-of-range ratios are clamped, never a panic or a non-finite sample.
        let y = shift_voice(&x, SR, 2.0, 3.0);
        assert!(y.iter().all(|v| v.is_finite()));
        assert_eq!(shift_voice(&x, SR, 0.0, 1.0), x);
    }

    /// Writes `text` spoken by espeak-ng to a WAV in a temporary directory and reads it back;
    /// `None` (with a note) when espeak-ng is not installed.
    fn espeak(text: &str) -> Option<(Vec<f32>, u32)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("speech.wav");
        let status = std::process::Command::new("espeak-ng")
            .args(["-v", "en-us", "-w"])
            .arg(&path)
            .arg(text)
            .status();
        match status {
            Ok(s) if s.success() => {}
            _ => {
                println!("espeak-ng not available; skipping the real-speech test");
                return None;
            }
        }
        let buf = crate::audio::wav::read_wav(&path).unwrap();
        Some((buf.channels[0].clone(), buf.sample_rate_hz))
    }

    #[test]
    fn shifts_real_speech_without_clicks() {
        let Some((x, sr)) = espeak("hello there, how are you") else {
            return;
        };
        let ratio = 2f64.powf(3.0 / 12.0);
        let y = shift_pitch(&x, sr, 3.0);
        assert_eq!(y.len(), x.len());
        assert!(y.iter().all(|v| v.is_finite()));
        let f0_in = estimate_f0_hz(&x, sr).expect("speech is voiced");
        let f0_out = estimate_f0_hz(&y, sr).expect("output is voiced");
        let err = f0_out / (f0_in * ratio) - 1.0;
        let (jump_in, jump_out) = (max_jump(&x), max_jump(&y));
        println!(
            "espeak +3 st at {sr} Hz: median f0 {f0_in:.2} -> {f0_out:.2} Hz (want {:.2}, \
             error {:+.2} %); largest step {jump_in:.4} -> {jump_out:.4}",
            f0_in * ratio,
            100.0 * err
        );
        assert!(err.abs() < 0.05);
        assert!(
            jump_out <= 1.5 * jump_in,
            "click: step {jump_out} vs {jump_in}"
        );
    }

    #[test]
    fn unvoiced_stretches_pass_through_and_joins_do_not_click() {
        let mut rng = Rng::new(11);
        let half_s = SR as usize / 2;
        let mut x = vowel(110.0, 0.5);
        x.extend((0..half_s).map(|_| 0.1 * rng.bipolar()));
        x.extend(vowel(140.0, 0.5));
        let y = shift_pitch(&x, SR, 5.0);
        assert_eq!(y.len(), x.len());
        // The middle of the noise is far from any voiced run: untouched, bit for bit.
        let noise = half_s + half_s / 4..2 * half_s - half_s / 4;
        assert_eq!(y[noise.clone()], x[noise]);
        // The vowels are changed.
        assert_ne!(y[..half_s], x[..half_s]);
        assert_ne!(y[2 * half_s..], x[2 * half_s..]);
        let (jump_in, jump_out) = (max_jump(&x), max_jump(&y));
        println!("vowel/noise/vowel +5 st: largest step {jump_in:.4} -> {jump_out:.4}");
        assert!(jump_out <= 1.5 * jump_in);
    }

    /// The f0 track the shifter works from: `(seconds, f0 in Hz)` per 5 ms frame, `None` where
    /// unvoiced.
    fn f0_track_hz(samples: &[f32], sample_rate_hz: u32) -> Vec<(f64, Option<f64>)> {
        if sample_rate_hz == 0 {
            return Vec::new();
        }
        let track = F0Track::analyse(samples, sample_rate_hz);
        track
            .centres
            .iter()
            .map(|c| c / f64::from(sample_rate_hz))
            .zip(track.f0_hz.iter().copied())
            .collect()
    }

    #[test]
    fn a_stretch_with_a_weak_fundamental_keeps_the_voice_s_octave() {
        // 1.4 s of a voice at 100 Hz, then 0.6 s of the same voice whose fundamental is weak
        // next to its second and fourth harmonics (a low voice after the tracker's
        // low-pass): there, the first dip under YIN's threshold is at half the period, and
        // without the median's check the track read 200 Hz, where grains then repeat at the
        // wrong rate.
        let seconds = 2.0;
        let n = (seconds * f64::from(SR)) as usize;
        let x: Vec<f32> = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(SR);
                let w = 2.0 * PI * 100.0 * t;
                let h1 = if t < 1.4 { 1.0 } else { 0.12 };
                (0.3 * (h1 * w.sin() + (2.0 * w).sin() + 0.5 * (4.0 * w).sin())) as f32
            })
            .collect();
        let track = f0_track_hz(&x, SR);
        let late: Vec<f64> = track
            .iter()
            .filter(|(t, _)| *t > 1.5 && *t < 1.9)
            .filter_map(|(_, f)| *f)
            .collect();
        assert!(late.len() > 40, "{} voiced frames", late.len());
        let wrong = late.iter().filter(|f| (*f - 100.0).abs() > 10.0).count();
        assert_eq!(wrong, 0, "{late:?}");
    }

    #[test]
    fn zero_semitones_is_identity() {
        let x = vowel(120.0, 0.3);
        assert_eq!(shift_pitch(&x, SR, 0.0), x);
    }

    #[test]
    fn silence_stays_silence() {
        let x = vec![0.0f32; SR as usize];
        assert_eq!(shift_pitch(&x, SR, 5.0), x);
        assert_eq!(estimate_f0_hz(&x, SR), None);
    }

    #[test]
    fn noise_passes_through_unchanged() {
        let mut rng = Rng::new(7);
        let x: Vec<f32> = (0..SR).map(|_| 0.3 * rng.bipolar()).collect();
        assert_eq!(estimate_f0_hz(&x, SR), None);
        let y = shift_pitch(&x, SR, -7.0);
        assert!(y.iter().all(|v| v.is_finite()));
        assert_eq!(y, x);
    }

    #[test]
    fn empty_and_short_inputs_keep_their_length() {
        for n in [0, 1, 10, 200, 700, 1000] {
            let x: Vec<f32> = vowel(150.0, 0.1)[..n].to_vec();
            let y = shift_pitch(&x, SR, 3.0);
            assert_eq!(y.len(), n);
            assert!(y.iter().all(|v| v.is_finite()));
        }
    }

    #[test]
    fn extreme_shifts_stay_finite_and_bounded() {
        let x = vowel(120.0, 0.5);
        for semitones in [-12.0, 12.0, 30.0, -30.0] {
            let y = shift_pitch(&x, SR, semitones);
            assert_eq!(y.len(), x.len());
            assert!(y.iter().all(|v| v.is_finite() && v.abs() < 2.0));
        }
    }

    #[test]
    fn is_deterministic() {
        let x = vowel(130.0, 0.4);
        assert_eq!(shift_pitch(&x, SR, 2.5), shift_pitch(&x, SR, 2.5));
    }

    #[test]
    fn runs_much_faster_than_real_time() {
        // Speech-like: voiced vowels with gliding pitch between bursts of noise.
        let mut rng = Rng::new(3);
        let mut x = Vec::new();
        for k in 0..5 {
            x.extend(vowel(100.0 + 20.0 * k as f64, 0.8));
            x.extend((0..SR / 5).map(|_| 0.05 * rng.bipolar()));
        }
        let seconds = x.len() as f64 / f64::from(SR);
        let start = std::time::Instant::now();
        let y = shift_pitch(&x, SR, 3.0);
        let elapsed = start.elapsed().as_secs_f64();
        let rtf = seconds / elapsed;
        println!(
            "{seconds:.1} s of audio in {:.1} ms: {rtf:.0}x real time",
            elapsed * 1e3
        );
        assert_eq!(y.len(), x.len());
        assert!(rtf > 5.0, "only {rtf:.1}x real time");
    }
}
