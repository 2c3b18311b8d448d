//! Making a library sample last exactly as long as its row.
//!
//! A sample longer than the row is cut, with a short fade so the cut does not click. A
//! shorter one-shot plays once and is followed by silence. A shorter background (rain, a
//! room, a crowd) is looped: each repetition overlaps the end of the one before it with an
//! equal-power crossfade, which keeps the loudness of a texture steady through the seam and
//! hides the jump in waveform and spectrum that a plain repeat would make.

use crate::audio::AudioBuffer;

/// Fade at a cut end. Long enough to avoid a click, short enough not to be heard as a fade.
const FADE_OUT_S: f64 = 0.03;
/// Longest crossfade at a loop seam; shorter samples use a quarter of their length.
const MAX_CROSSFADE_S: f64 = 0.5;

/// `audio` made exactly `frames` frames long, with the same rate and channels: cut (with a
/// fade-out) when longer, padded with silence when shorter and not `background`, looped
/// with crossfaded seams when shorter and `background`. The first repetition starts at the
/// start of the file. Empty audio gives silence.
pub fn fit(audio: &AudioBuffer, frames: usize, background: bool) -> AudioBuffer {
    let n = audio.frames();
    let rate = f64::from(audio.sample_rate_hz);
    // A fade of at most a quarter of what is played, so a tiny length still starts as
    // the sample does.
    let fade = ((FADE_OUT_S * rate).round() as usize).min(frames / 4);
    let crossfade = ((MAX_CROSSFADE_S * rate).round() as usize).min(n / 4);
    let channels = audio
        .channels
        .iter()
        .map(|ch| {
            if n >= frames {
                let mut out = ch[..frames].to_vec();
                if n > frames {
                    fade_out(&mut out, fade);
                }
                out
            } else if !background || n == 0 {
                let mut out = ch.clone();
                out.resize(frames, 0.0);
                out
            } else {
                let mut out = repeat(ch, frames, crossfade);
                // The last repetition is cut wherever the row ends.
                fade_out(&mut out, fade);
                out
            }
        })
        .collect();
    AudioBuffer {
        sample_rate_hz: audio.sample_rate_hz,
        channels,
    }
}

/// `samples` (not empty) repeated to `frames` samples, each repetition starting
/// `samples.len() - crossfade` after the one before and fading in over the previous one's
/// fading tail: cos/sin gains, whose squares sum to one.
fn repeat(samples: &[f32], frames: usize, crossfade: usize) -> Vec<f32> {
    let n = samples.len();
    let period = n - crossfade;
    let gain = |j: usize| {
        let t = (j as f64 + 0.5) / crossfade as f64;
        (t * std::f64::consts::FRAC_PI_2).sin() as f32
    };
    let fade_in: Vec<f32> = (0..crossfade).map(gain).collect();
    let mut out = vec![0.0f32; frames];
    let mut start = 0;
    let mut first = true;
    while start < frames {
        let len = n.min(frames - start);
        for (j, (o, &s)) in out[start..start + len]
            .iter_mut()
            .zip(&samples[..len])
            .enumerate()
        {
            let mut g = 1.0;
            if j < crossfade && !first {
                g = fade_in[j];
            }
            if j >= period {
                // The tail fades out as the next repetition's head fades in.
                g = fade_in[n - 1 - j];
            }
            *o += g * s;
        }
        first = false;
        start += period;
    }
    out
}

/// Raised-cosine fade over the last `len` samples, reaching zero on the last one.
fn fade_out(samples: &mut [f32], len: usize) {
    let total = samples.len();
    let len = len.min(total);
    for (i, s) in samples[total - len..].iter_mut().enumerate() {
        let t = (i + 1) as f64 / len as f64;
        *s *= (0.5 * (1.0 + (std::f64::consts::PI * t).cos())) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::rng::Rng;

    const RATE: u32 = 48_000;

    fn ramp(n: usize, channels: usize) -> AudioBuffer {
        AudioBuffer {
            sample_rate_hz: RATE,
            channels: (0..channels)
                .map(|c| {
                    (0..n)
                        .map(|i| (i as f32 + 1.0) * 0.001 + c as f32)
                        .collect()
                })
                .collect(),
        }
    }

    #[test]
    fn output_is_exactly_the_asked_length() {
        for n in [0, 1, 2, 3, 5, 17, 1000, 48_000] {
            for frames in [0, 1, 2, 7, 100, 47_999, 48_000, 48_001, 200_000] {
                for background in [false, true] {
                    for channels in [1, 2] {
                        let out = fit(&ramp(n, channels), frames, background);
                        assert_eq!(out.frames(), frames, "n {n} frames {frames}");
                        assert_eq!(out.channel_count(), channels);
                        assert_eq!(out.sample_rate_hz, RATE);
                        assert!(out.channels.iter().all(|c| c.len() == frames));
                        assert!(out.channels.iter().flatten().all(|s| s.is_finite()));
                    }
                }
            }
        }
        let none = AudioBuffer {
            sample_rate_hz: RATE,
            channels: Vec::new(),
        };
        assert_eq!(fit(&none, 10, true).channel_count(), 0);
    }

    #[test]
    fn a_long_sample_is_cut_with_a_fade() {
        let audio = ramp(48_000, 2);
        let out = fit(&audio, 24_000, false);
        let fade = (FADE_OUT_S * f64::from(RATE)) as usize;
        for (o, a) in out.channels.iter().zip(&audio.channels) {
            assert_eq!(o[..24_000 - fade], a[..24_000 - fade]);
            assert_eq!(o[23_999], 0.0);
            // Falling smoothly: each step of the fade is small.
            assert!(
                o[24_000 - fade..]
                    .windows(2)
                    .all(|w| (w[1] - w[0]).abs() < 0.2)
            );
        }
        // Same length: untouched.
        assert_eq!(fit(&audio, 48_000, true), audio);
    }

    #[test]
    fn a_short_one_shot_plays_once() {
        let audio = ramp(1000, 1);
        let out = fit(&audio, 5000, false);
        assert_eq!(out.channels[0][..1000], audio.channels[0][..]);
        assert!(out.channels[0][1000..].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn a_background_loops_from_the_start_of_the_file() {
        let n = 4000;
        let audio = ramp(n, 1);
        let crossfade = n / 4;
        let out = fit(&audio, 20_000, true);
        let (a, o) = (&audio.channels[0], &out.channels[0]);
        // Before the first seam: the file as it is.
        assert_eq!(o[..n - crossfade], a[..n - crossfade]);
        // After the first crossfade: the file again, from where the fade-in ended.
        let period = n - crossfade;
        assert_eq!(o[period + crossfade..2 * period], a[crossfade..period]);
        // Inside a seam: the tail of one repetition and the head of the next.
        let j = crossfade / 2;
        let g_in = fade_gain(j, crossfade);
        let g_out = fade_gain(crossfade - 1 - j, crossfade);
        let want = g_out * a[period + j] + g_in * a[j];
        assert!((o[period + j] - want).abs() < 1e-6);
        assert!(
            (g_in * g_in + g_out * g_out - 1.0).abs() < 1e-5,
            "equal power"
        );
    }

    fn fade_gain(j: usize, len: usize) -> f32 {
        (((j as f64 + 0.5) / len as f64) * std::f64::consts::FRAC_PI_2).sin() as f32
    }

    /// How a loop seam compares with the rest of a signal.
    #[derive(Debug)]
    pub struct SeamMetrics {
        /// Largest sample-to-sample step within 20 ms of a seam, and elsewhere.
        pub seam_jump: f32,
        pub other_jump: f32,
        /// Largest spectral flux of a window touching a seam, and the 99th percentile of
        /// the others.
        pub seam_flux: f64,
        pub other_flux_p99: f64,
    }

    impl SeamMetrics {
        /// The test the loop has to pass: no step or spectral change at a seam clearly
        /// beyond what the signal does anyway.
        pub fn seamless(&self) -> bool {
            self.seam_jump <= 1.5 * self.other_jump && self.seam_flux <= 1.5 * self.other_flux_p99
        }
    }

    /// Compares the signal near `seams` (sample ranges; a plain splice is `(i, i)`) with the
    /// rest: sample steps, and spectral flux (the summed rise in magnitude of each bin from
    /// one 1024-sample Hann window to the next, hop 256).
    pub fn seam_metrics(samples: &[f32], rate_hz: u32, seams: &[(usize, usize)]) -> SeamMetrics {
        let margin = (0.02 * f64::from(rate_hz)) as usize;
        let near = |lo: usize, hi: usize| {
            seams
                .iter()
                .any(|&(a, b)| lo <= b + margin && hi + margin >= a)
        };
        let (mut seam_jump, mut other_jump) = (0.0f32, 0.0f32);
        for i in 1..samples.len() {
            let d = (samples[i] - samples[i - 1]).abs();
            if near(i, i) {
                seam_jump = seam_jump.max(d);
            } else {
                other_jump = other_jump.max(d);
            }
        }
        const WINDOW: usize = 1024;
        const HOP: usize = 256;
        let hann: Vec<f64> = (0..WINDOW)
            .map(|i| 0.5 - 0.5 * (std::f64::consts::TAU * i as f64 / WINDOW as f64).cos())
            .collect();
        let mut previous: Option<Vec<f64>> = None;
        let (mut seam_flux, mut others) = (0.0f64, Vec::new());
        let mut start = 0;
        while start + WINDOW <= samples.len() {
            let mut re: Vec<f64> = samples[start..start + WINDOW]
                .iter()
                .zip(&hann)
                .map(|(&s, w)| f64::from(s) * w)
                .collect();
            let mut im = vec![0.0; WINDOW];
            fft(&mut re, &mut im);
            let mag: Vec<f64> = (0..=WINDOW / 2).map(|k| re[k].hypot(im[k])).collect();
            if let Some(prev) = &previous {
                let flux: f64 = mag.iter().zip(prev).map(|(m, p)| (m - p).max(0.0)).sum();
                // The window and the one before it both enter the flux.
                if near(start.saturating_sub(HOP), start + WINDOW) {
                    seam_flux = seam_flux.max(flux);
                } else {
                    others.push(flux);
                }
            }
            previous = Some(mag);
            start += HOP;
        }
        others.sort_by(f64::total_cmp);
        let other_flux_p99 = others[(others.len() * 99 / 100).min(others.len() - 1)];
        SeamMetrics {
            seam_jump,
            other_jump,
            seam_flux,
            other_flux_p99,
        }
    }

    /// In-place radix-2 FFT; the length must be a power of two.
    fn fft(re: &mut [f64], im: &mut [f64]) {
        let n = re.len();
        let mut j = 0;
        for i in 1..n {
            let mut bit = n >> 1;
            while j & bit != 0 {
                j ^= bit;
                bit >>= 1;
            }
            j |= bit;
            if i < j {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let mut len = 2;
        while len <= n {
            let angle = -std::f64::consts::TAU / len as f64;
            for start in (0..n).step_by(len) {
                for k in 0..len / 2 {
                    let (wr, wi) = ((angle * k as f64).cos(), (angle * k as f64).sin());
                    let (a, b) = (start + k, start + k + len / 2);
                    let tr = re[b] * wr - im[b] * wi;
                    let ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
            len <<= 1;
        }
    }

    /// 1.3 s of a texture: three partials whose periods do not divide the length, plus a
    /// little seeded noise.
    fn texture() -> Vec<f32> {
        let n = (1.3 * f64::from(RATE)) as usize;
        let mut rng = Rng::new(7);
        (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                let tone = 0.3 * (std::f64::consts::TAU * 97.3 * t + 0.4).sin()
                    + 0.2 * (std::f64::consts::TAU * 233.7 * t + 1.1).sin()
                    + 0.1 * (std::f64::consts::TAU * 511.9 * t + 2.0).sin();
                tone as f32 + 0.01 * rng.bipolar()
            })
            .collect()
    }

    #[test]
    fn loop_seams_do_not_click() {
        let sample = texture();
        let n = sample.len();
        let frames = 10 * RATE as usize;
        let audio = AudioBuffer::from_mono(RATE, sample.clone());
        let out = fit(&audio, frames, true);
        let crossfade = ((MAX_CROSSFADE_S * f64::from(RATE)) as usize).min(n / 4);
        let period = n - crossfade;
        let seams: Vec<(usize, usize)> = (1..)
            .map(|k| (k * period, k * period + crossfade))
            .take_while(|&(a, _)| a < frames)
            .collect();
        let m = seam_metrics(&out.channels[0], RATE, &seams);
        eprintln!("crossfaded: {m:?}");
        assert!(m.seamless(), "{m:?}");

        // The same texture repeated end to end clicks at every seam, and the metrics say so.
        let naive: Vec<f32> = sample.iter().copied().cycle().take(frames).collect();
        let seams: Vec<(usize, usize)> = (1..)
            .map(|k| (k * n, k * n))
            .take_while(|&(a, _)| a < frames)
            .collect();
        let m = seam_metrics(&naive, RATE, &seams);
        eprintln!("naive: {m:?}");
        assert!(m.seam_jump > 1.5 * m.other_jump, "{m:?}");
        assert!(m.seam_flux > 1.5 * m.other_flux_p99, "{m:?}");
    }
}
