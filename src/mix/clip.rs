//! One clip on its way into a bus: resampled, fitted to its span, panned, set to its
//! loudness, faded, and summed block by block.

use crate::audio::AudioBuffer;
use crate::audio::loudness::{db_to_gain, gain_from_lufs, gain_to_lufs};
use crate::audio::resample::resample;
use crate::mix::MixItem;
use crate::{Error, Result};

/// Frames processed per block when summing into a bus.
pub const BLOCK_FRAMES: usize = 4096;

/// A clip ready to sum: stereo at the mix rate, exactly its span long, with its gains.
#[derive(Clone, Debug)]
pub struct PreparedClip {
    pub start_frame: usize,
    /// Stereo, panned, not yet gained or faded.
    pub audio: AudioBuffer,
    /// Linear gain that brings the clip to its loudness target.
    pub gain: f32,
    pub fade_in_frames: usize,
    pub fade_out_frames: usize,
}

impl PreparedClip {
    pub fn frames(&self) -> usize {
        self.audio.frames()
    }

    pub fn end_frame(&self) -> usize {
        self.start_frame + self.frames()
    }

    /// Gain at frame `i` of the clip from its fades alone.
    ///
    /// Raised-cosine (Hann half-window) curves: they start and end with zero slope, so the
    /// fade has no audible corner, and the first and last samples are exactly silent.
    pub fn fade_gain(&self, i: usize) -> f32 {
        let n = self.frames();
        let mut g = 1.0f64;
        if i < self.fade_in_frames {
            g *= raised_cosine(i as f64 / self.fade_in_frames as f64);
        }
        let from_end = n - 1 - i;
        if from_end < self.fade_out_frames {
            g *= raised_cosine(from_end as f64 / self.fade_out_frames as f64);
        }
        g as f32
    }
}

fn raised_cosine(x: f64) -> f64 {
    0.5 - 0.5 * (std::f64::consts::PI * x).cos()
}

fn frames_for(seconds: f64, rate_hz: u32) -> usize {
    (seconds * f64::from(rate_hz)).round().max(0.0) as usize
}

/// Resamples, fits, pans and measures `item` for a mix at `rate_hz`.
pub fn prepare(item: &MixItem, rate_hz: u32) -> Result<PreparedClip> {
    let row = item.row_index;
    for (name, v) in [
        ("start_s", item.start_s),
        ("length_s", item.length_s),
        ("volume_lufs", item.volume_lufs),
        ("pan", item.pan),
        ("fade_in_s", item.fade_in_s),
        ("fade_out_s", item.fade_out_s),
    ] {
        if !v.is_finite() {
            return Err(Error::Audio(format!("row {row}: {name} is {v}")));
        }
    }
    if item.start_s < 0.0 || item.length_s < 0.0 {
        return Err(Error::Audio(format!(
            "row {row}: negative start ({} s) or length ({} s)",
            item.start_s, item.length_s
        )));
    }
    let channel_count = item.audio.channel_count();
    if channel_count == 0 {
        return Err(Error::Audio(format!("row {row}: clip has no channels")));
    }

    let mut audio =
        resample(&item.audio, rate_hz).map_err(|e| Error::Audio(format!("row {row}: {e}")))?;
    let frames = frames_for(item.length_s, rate_hz);
    // A known loudness still holds when the clip reaches the bus unchanged: centre pan keeps
    // a stereo clip as it is and spreads a mono one at equal power (the same loudness).
    let known_lufs = item.loudness_lufs.filter(|_| {
        item.audio.sample_rate_hz == rate_hz
            && item.audio.frames() == frames
            && channel_count <= 2
            && item.pan == 0.0
    });
    audio.set_frames(frames);
    if channel_count > 2 {
        audio = audio.into_stereo();
    }
    let audio = pan(audio, item.pan);

    // Measured after fitting, so the target applies to what is heard; padding silence does
    // not move gated loudness.
    let gain_db = match known_lufs {
        Some(lufs) => gain_from_lufs(lufs, item.volume_lufs),
        None => gain_to_lufs(&audio, item.volume_lufs)
            .map_err(|e| Error::Audio(format!("row {row}: {e}")))?,
    };

    // Each fade gets at most half the clip, so fade-in and fade-out never overlap.
    let half = frames / 2;
    Ok(PreparedClip {
        start_frame: frames_for(item.start_s, rate_hz),
        audio,
        gain: db_to_gain(gain_db) as f32,
        fade_in_frames: frames_for(item.fade_in_s, rate_hz).min(half),
        fade_out_frames: frames_for(item.fade_out_s, rate_hz).min(half),
    })
}

/// Constant-power pan to stereo. A mono source is placed with gains cos/sin of
/// (pan + 1)·π/4, so its power is the same anywhere across the field. A stereo source is
/// balanced with the same law scaled by √2, so centre leaves it untouched and hard left
/// silences the right channel.
fn pan(audio: AudioBuffer, pan: f64) -> AudioBuffer {
    let angle = (pan.clamp(-1.0, 1.0) + 1.0) * std::f64::consts::FRAC_PI_4;
    let (left_gain, right_gain) = (angle.cos(), angle.sin());
    let rate_hz = audio.sample_rate_hz;
    let mut channels = audio.channels.into_iter();
    let first = channels.next().unwrap_or_default();
    let (left, right, scale) = match channels.next() {
        Some(second) => (first, second, std::f64::consts::SQRT_2),
        None => (first.clone(), first, 1.0),
    };
    let (lg, rg) = ((left_gain * scale) as f32, (right_gain * scale) as f32);
    AudioBuffer::from_stereo(
        rate_hz,
        left.into_iter().map(|s| s * lg).collect(),
        right.into_iter().map(|s| s * rg).collect(),
    )
}

/// Adds `clip` (gained, faded, and multiplied by `duck` when given) into the stereo `bus`,
/// [`BLOCK_FRAMES`] at a time. `duck` is a per-frame gain over the whole bus.
pub fn sum_into(bus: &mut AudioBuffer, clip: &PreparedClip, duck: Option<&[f32]>) {
    let frames = clip
        .frames()
        .min(bus.frames().saturating_sub(clip.start_frame));
    add(bus, clip.start_frame, clip, duck, frames);
}

/// What `clip` alone adds to a bus of `bus_frames` ([`sum_into`]), over its own span only:
/// frame 0 is the clip's `start_frame`. Summed into a bus at that frame, it gives the same
/// bus, bit for bit, as [`sum_into`].
pub fn alone(clip: &PreparedClip, duck: Option<&[f32]>, bus_frames: usize) -> AudioBuffer {
    let frames = clip
        .frames()
        .min(bus_frames.saturating_sub(clip.start_frame));
    let mut out = AudioBuffer::silence(clip.audio.sample_rate_hz, 2, frames);
    add(&mut out, 0, clip, duck, frames);
    out
}

/// Adds `frames` frames of `clip`, gained, faded and ducked, into `out` from frame `at`.
fn add(
    out: &mut AudioBuffer,
    out_start: usize,
    clip: &PreparedClip,
    duck: Option<&[f32]>,
    frames: usize,
) {
    let bus = out;
    let mut gains = vec![0.0f32; BLOCK_FRAMES];
    for block_start in (0..frames).step_by(BLOCK_FRAMES) {
        let block_len = BLOCK_FRAMES.min(frames - block_start);
        let gains = &mut gains[..block_len];
        for (k, g) in gains.iter_mut().enumerate() {
            let i = block_start + k;
            *g = clip.gain * clip.fade_gain(i);
            if let Some(duck) = duck {
                *g *= duck[clip.start_frame + i];
            }
        }
        let at = out_start + block_start;
        for (out, src) in bus.channels.iter_mut().zip(&clip.audio.channels) {
            let out = &mut out[at..at + block_len];
            let src = &src[block_start..block_start + block_len];
            for ((o, s), g) in out.iter_mut().zip(src).zip(gains.iter()) {
                *o += s * g;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::Bus;

    fn item(audio: AudioBuffer, start_s: f64, length_s: f64) -> MixItem {
        MixItem {
            length_s,
            ..crate::mix::tests::item(Bus::Sfx, audio, start_s)
        }
    }

    fn noise(rate_hz: u32, frames: usize, seed: u64) -> AudioBuffer {
        let mut rng = crate::dsp::rng::Rng::new(seed);
        AudioBuffer::from_mono(rate_hz, (0..frames).map(|_| 0.3 * rng.bipolar()).collect())
    }

    #[test]
    fn fit_gain_and_fades() {
        let mut it = item(noise(48_000, 96_000, 1), 0.5, 1.5);
        it.fade_in_s = 0.2;
        it.fade_out_s = 5.0; // longer than half the clip: shortened to half
        let clip = prepare(&it, 48_000).unwrap();
        assert_eq!(clip.frames(), 72_000);
        assert_eq!(clip.start_frame, 24_000);
        assert_eq!(clip.fade_in_frames, 9_600);
        assert_eq!(clip.fade_out_frames, 36_000);
        assert_eq!(clip.fade_gain(0), 0.0);
        assert_eq!(clip.fade_gain(71_999), 0.0);
        assert!((clip.fade_gain(9_600) - 1.0).abs() < 1e-3);

        let mut bus = AudioBuffer::silence(48_000, 2, 100_000);
        sum_into(&mut bus, &clip, None);
        let mono = &bus.channels[0];
        assert_eq!(mono[24_000], 0.0);
        assert!(mono[24_001..24_010].iter().all(|s| s.abs() < 1e-4));
        assert!(mono[95_990..96_000].iter().all(|s| s.abs() < 1e-4));
        assert!(mono[96_000..].iter().all(|&s| s == 0.0));
    }

    #[test]
    fn short_item_is_padded_and_loudness_is_set() {
        let mut it = item(noise(22_050, 22_050, 2), 0.0, 2.0);
        it.volume_lufs = -23.0;
        let clip = prepare(&it, 48_000).unwrap();
        assert_eq!(clip.frames(), 96_000);
        let mut gained = clip.audio.clone();
        for ch in &mut gained.channels {
            ch.iter_mut().for_each(|s| *s *= clip.gain);
        }
        let lufs = crate::audio::loudness::integrated_lufs(&gained).unwrap();
        assert!((lufs + 23.0).abs() < 0.1, "{lufs}");
    }

    #[test]
    fn hard_left_pan_silences_right() {
        for audio in [
            noise(48_000, 48_000, 3),
            AudioBuffer::from_stereo(48_000, vec![0.2; 48_000], vec![0.3; 48_000]),
        ] {
            let mut it = item(audio, 0.0, 1.0);
            it.pan = -1.0;
            let clip = prepare(&it, 48_000).unwrap();
            assert!(clip.audio.channels[0].iter().any(|s| s.abs() > 0.01));
            let right_peak = clip.audio.channels[1]
                .iter()
                .fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(right_peak < 1e-6, "right peak {right_peak}");
        }
    }

    #[test]
    fn centre_pan_keeps_power_of_mono() {
        let clip = prepare(&item(noise(48_000, 4800, 4), 0.0, 0.1), 48_000).unwrap();
        let (l, r) = (&clip.audio.channels[0], &clip.audio.channels[1]);
        assert_eq!(l, r);
        let src = noise(48_000, 4800, 4);
        let p_src: f32 = src.channels[0].iter().map(|s| s * s).sum();
        let p_out: f32 = l.iter().chain(r).map(|s| s * s).sum();
        assert!((p_out / p_src - 1.0).abs() < 1e-3);
    }

    #[test]
    fn block_sum_equals_naive_sum() {
        let mut it = item(noise(48_000, 30_000, 5), 0.1, 0.6);
        it.fade_in_s = 0.05;
        it.fade_out_s = 0.1;
        it.pan = 0.3;
        let clip = prepare(&it, 48_000).unwrap();
        let total = 40_000;
        let duck: Vec<f32> = (0..total)
            .map(|i| 0.5 + 0.5 * (i as f32 * 1e-3).sin())
            .collect();

        let mut blocked = AudioBuffer::silence(48_000, 2, total);
        sum_into(&mut blocked, &clip, Some(&duck));

        let mut naive = AudioBuffer::silence(48_000, 2, total);
        for ch in 0..2 {
            for i in 0..clip.frames() {
                let at = clip.start_frame + i;
                naive.channels[ch][at] +=
                    clip.audio.channels[ch][i] * clip.gain * clip.fade_gain(i) * duck[at];
            }
        }
        for ch in 0..2 {
            for (a, b) in blocked.channels[ch].iter().zip(&naive.channels[ch]) {
                assert!((a - b).abs() < 1e-6, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn bad_items_are_errors() {
        assert!(prepare(&item(noise(48_000, 10, 6), f64::NAN, 1.0), 48_000).is_err());
        assert!(prepare(&item(noise(48_000, 10, 6), 0.0, -1.0), 48_000).is_err());
        let none = AudioBuffer::silence(48_000, 0, 0);
        assert!(prepare(&item(none, 0.0, 1.0), 48_000).is_err());
    }
}
