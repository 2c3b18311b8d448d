//! One clip on its way into a bus: resampled, fitted to its span, panned, set to its
//! loudness, faded, and summed block by block.

use crate::audio::AudioBuffer;
use crate::audio::loudness::{db_to_gain, gain_from_lufs, gain_to_lufs};
use crate::audio::resample::resample;
use crate::mix::MixItem;
use crate::{Error, Result};

/// A clip ready to sum: stereo at the mix rate, panned, with its gain and fades. A looped
/// clip holds one period (its start already crossfaded with the segment's tail) and the
/// segment's first crossfade's worth, which plays once, at the very start.
#[derive(Clone, Debug)]
pub struct PreparedClip {
    pub start_frame: usize,
    /// The span on the timeline.
    pub frames: usize,
    /// Stereo, panned, not yet gained or faded: the whole span, or one loop period.
    audio: AudioBuffer,
    /// For a looped clip: the segment's start, played before the first seam.
    head: Option<AudioBuffer>,
    /// Linear gain that brings the clip to its loudness target.
    pub gain: f32,
    pub fade_in_frames: usize,
    pub fade_out_frames: usize,
}

impl PreparedClip {
    pub fn frames(&self) -> usize {
        self.frames
    }

    pub fn end_frame(&self) -> usize {
        self.start_frame + self.frames
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

    /// The longest run of source samples from clip frame `i` (at most `len`): the buffer and
    /// the index in it.
    fn run(&self, i: usize, len: usize) -> (&AudioBuffer, usize, usize) {
        match &self.head {
            Some(head) if i < head.frames() => (head, i, len.min(head.frames() - i)),
            Some(_) => {
                let period = self.audio.frames();
                let at = i % period;
                (&self.audio, at, len.min(period - at))
            }
            None => (&self.audio, i, len),
        }
    }
}

fn raised_cosine(x: f64) -> f64 {
    0.5 - 0.5 * (std::f64::consts::PI * x).cos()
}

fn frames_for(seconds: f64, rate_hz: u32) -> usize {
    (seconds * f64::from(rate_hz)).round().max(0.0) as usize
}

/// Checks an item's placement numbers before anything is loaded.
pub fn check(item: &MixItem) -> Result<()> {
    let row = item.row_index;
    for (name, v) in [
        ("start_s", item.start_s),
        ("length_s", item.length_s),
        ("volume_lufs", item.volume_lufs),
        ("pan", item.pan),
        ("fade_in_s", item.fade_in_s),
        ("fade_out_s", item.fade_out_s),
        ("loop_period_s", item.loop_period_s.unwrap_or(1.0)),
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
    Ok(())
}

/// The frames `item` covers on a timeline at `rate_hz`.
pub fn span(item: &MixItem, rate_hz: u32) -> (usize, usize) {
    let start = frames_for(item.start_s, rate_hz);
    (start, start + frames_for(item.length_s, rate_hz))
}

/// Loads, resamples, fits (or loops), pans and measures `item` for a mix at `rate_hz`.
pub fn prepare(item: &MixItem, rate_hz: u32) -> Result<PreparedClip> {
    check(item)?;
    let row = item.row_index;
    let in_row = |e: Error| Error::Audio(format!("row {row}: {e}"));
    let source = item.audio.load().map_err(in_row)?;
    let channel_count = source.channel_count();
    if channel_count == 0 {
        return Err(Error::Audio(format!("row {row}: clip has no channels")));
    }
    let (start_frame, end_frame) = span(item, rate_hz);
    let frames = end_frame - start_frame;
    let source_rate_hz = source.sample_rate_hz;
    let source_frames = source.frames();
    let mut audio = resample(&source, rate_hz).map_err(in_row)?;
    drop(source);
    // Looped only when the span is longer than the segment; a shorter one is a plain clip.
    let period = item
        .loop_period_s
        .map(|p| frames_for(p, rate_hz))
        .filter(|&p| p > 0 && p <= audio.frames() && frames > audio.frames());
    let fitted_frames = if period.is_some() {
        audio.frames()
    } else {
        frames
    };
    // A known loudness still holds when the clip reaches the bus unchanged: centre pan keeps
    // a stereo clip as it is and spreads a mono one at equal power (the same loudness).
    let known_lufs = item.loudness_lufs.filter(|_| {
        source_rate_hz == rate_hz
            && source_frames == fitted_frames
            && channel_count <= 2
            && item.pan == 0.0
    });
    audio.set_frames(fitted_frames);
    if channel_count > 2 {
        audio = audio.into_stereo();
    }
    let audio = pan(audio, item.pan);

    // Measured after fitting, so the target applies to what is heard; padding silence does
    // not move gated loudness.
    let gain_db = match known_lufs {
        Some(lufs) => gain_from_lufs(lufs, item.volume_lufs),
        None => gain_to_lufs(&audio, item.volume_lufs).map_err(in_row)?,
    };
    let (audio, head) = match period {
        Some(period) => {
            let (body, head) = looped(audio, period);
            (body, Some(head))
        }
        None => (audio, None),
    };

    // Each fade gets at most half the clip, so fade-in and fade-out never overlap.
    let half = frames / 2;
    Ok(PreparedClip {
        start_frame,
        frames,
        audio,
        head,
        gain: db_to_gain(gain_db) as f32,
        fade_in_frames: frames_for(item.fade_in_s, rate_hz).min(half),
        fade_out_frames: frames_for(item.fade_out_s, rate_hz).min(half),
    })
}

/// One period of a looped segment, and the segment's start. The segment runs on past the
/// period by a crossfade's length, continuing the sound as its start does (music: the
/// opening bars again); that tail is faded out over the start of the period as the start
/// fades in, with raised-cosine gains that sum to one (the two are alike), so the period
/// plays seamlessly after itself and after the head.
fn looped(segment: AudioBuffer, period: usize) -> (AudioBuffer, AudioBuffer) {
    let crossfade = segment.frames() - period;
    let rate_hz = segment.sample_rate_hz;
    let mut body = Vec::with_capacity(2);
    let mut head = Vec::with_capacity(2);
    for ch in segment.channels {
        let mut b = ch[..period].to_vec();
        for (j, s) in b[..crossfade].iter_mut().enumerate() {
            let fade_in = raised_cosine((j as f64 + 0.5) / crossfade as f64);
            *s = (f64::from(*s) * fade_in + f64::from(ch[period + j]) * (1.0 - fade_in)) as f32;
        }
        head.push(ch[..crossfade].to_vec());
        body.push(b);
    }
    (
        AudioBuffer {
            sample_rate_hz: rate_hz,
            channels: body,
        },
        AudioBuffer {
            sample_rate_hz: rate_hz,
            channels: head,
        },
    )
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

/// Adds what `clip` plays in the block of the timeline that starts at frame `block_start`
/// (gained, faded, and multiplied by `duck` when given: a gain per frame of the block) into
/// the stereo `block`.
pub fn add_block(
    block: &mut [Vec<f32>],
    block_start: usize,
    clip: &PreparedClip,
    duck: Option<&[f32]>,
) {
    let block_len = block.first().map_or(0, Vec::len);
    let from = clip.start_frame.max(block_start);
    let to = clip.end_frame().min(block_start + block_len);
    let mut gains = Vec::new();
    let mut i = from - clip.start_frame;
    let end = to.saturating_sub(clip.start_frame);
    while i < end {
        let (source, at, len) = clip.run(i, end - i);
        gains.clear();
        gains.extend((0..len).map(|k| {
            let mut g = clip.gain * clip.fade_gain(i + k);
            if let Some(duck) = duck {
                g *= duck[clip.start_frame + i + k - block_start];
            }
            g
        }));
        let out_at = clip.start_frame + i - block_start;
        for (out, src) in block.iter_mut().zip(&source.channels) {
            let out = &mut out[out_at..out_at + len];
            for ((o, s), g) in out.iter_mut().zip(&src[at..at + len]).zip(&gains) {
                *o += s * g;
            }
        }
        i += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::{Bus, clip};

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

    /// Sums `clip` into `bus` in blocks of uneven sizes, as the mixer does.
    fn sum_into(bus: &mut AudioBuffer, clip: &PreparedClip, duck: Option<&[f32]>) {
        let total = bus.frames();
        let mut start = 0;
        for len in [1usize, 4095, 10_007].into_iter().cycle() {
            if start >= total {
                break;
            }
            let len = len.min(total - start);
            let mut block = vec![vec![0.0f32; len]; 2];
            clip::add_block(
                &mut block,
                start,
                clip,
                duck.map(|d| &d[start..start + len]),
            );
            for (out, b) in bus.channels.iter_mut().zip(&block) {
                for (o, s) in out[start..start + len].iter_mut().zip(b) {
                    *o += s;
                }
            }
            start += len;
        }
    }

    #[test]
    fn a_looped_clip_continues_seamlessly() {
        // A tone with a whole number of cycles per period, rendered a crossfade past it:
        // looped, it must be the same tone for the whole span.
        let (period, crossfade, span) = (4_800usize, 960usize, 20_000usize);
        let tone =
            |i: usize| (std::f64::consts::TAU * 10.0 * i as f64 / period as f64).sin() as f32 * 0.5;
        let segment = AudioBuffer::from_mono(48_000, (0..period + crossfade).map(tone).collect());
        let mut it = item(segment, 0.0, span as f64 / 48_000.0);
        it.loop_period_s = Some(0.1);
        let clip = prepare(&it, 48_000).unwrap();
        assert_eq!(clip.frames(), span);
        let mut bus = AudioBuffer::silence(48_000, 2, span);
        sum_into(&mut bus, &clip, None);
        for (i, s) in bus.channels[0].iter().enumerate() {
            // Centre pan puts a mono source at -3 dB in each channel.
            let want = tone(i) * std::f32::consts::FRAC_1_SQRT_2 * clip.gain;
            assert!((s - want).abs() < 1e-5, "frame {i}: {s} vs {want}");
        }
        // A span no longer than the clip plays it once.
        let mut once = it.clone();
        once.length_s = 0.1;
        assert!(prepare(&once, 48_000).unwrap().head.is_none());
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
