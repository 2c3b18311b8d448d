//! Sample-rate conversion with rubato's synchronous FFT resampler.
//!
//! The FFT resampler suits offline work: the ratio is fixed per clip, it is exact for any
//! pair of integer rates, and it is fast. Its startup delay is trimmed by rubato's
//! `process_all`, so an event at input time `t` appears at output time `t`; we then set the
//! length to exactly `round(frames * to / from)` so clip lengths add up on the timeline.

use rubato::audioadapter::Adapter;
use rubato::audioadapter_buffers::direct::SequentialSliceOfVecs;
use rubato::{Fft, FixedSync, Resampler, WindowFunction};

use crate::audio::AudioBuffer;
use crate::{Error, Result};

/// Input frames per FFT block. One sub-chunk per chunk keeps the FFT long, which puts the
/// anti-aliasing cutoff close to Nyquist; the extra delay does not matter offline.
const CHUNK_FRAMES: usize = 1024;

/// The number of frames `frames` input frames become at the new rate.
pub fn resampled_len(frames: usize, from_hz: u32, to_hz: u32) -> usize {
    (frames as f64 * f64::from(to_hz) / f64::from(from_hz)).round() as usize
}

/// `buf` at `to_hz`, same channels, exactly `round(frames * to_hz / from_hz)` frames long and
/// not shifted in time. A buffer already at `to_hz` is cloned.
pub fn resample(buf: &AudioBuffer, to_hz: u32) -> Result<AudioBuffer> {
    let from_hz = buf.sample_rate_hz;
    if from_hz == to_hz {
        return Ok(buf.clone());
    }
    if from_hz == 0 || to_hz == 0 {
        return Err(Error::Audio(format!(
            "cannot resample from {from_hz} Hz to {to_hz} Hz"
        )));
    }
    let channel_count = buf.channel_count();
    let frames_in = buf.frames();
    let frames_out = resampled_len(frames_in, from_hz, to_hz);
    if channel_count == 0 || frames_in == 0 {
        return Ok(AudioBuffer::silence(to_hz, channel_count, frames_out));
    }

    let mut resampler = Fft::<f32>::new_custom(
        from_hz as usize,
        to_hz as usize,
        CHUNK_FRAMES,
        1,
        channel_count,
        WindowFunction::BlackmanHarris2,
        FixedSync::Both,
    )
    .map_err(|e| Error::Audio(format!("resampler {from_hz} Hz to {to_hz} Hz: {e}")))?;
    let input = SequentialSliceOfVecs::new(&buf.channels, channel_count, frames_in)
        .map_err(|e| Error::Audio(format!("resampler input: {e}")))?;
    let output = resampler
        .process_all(&input, frames_in, None)
        .map_err(|e| Error::Audio(format!("resampling {from_hz} Hz to {to_hz} Hz: {e}")))?;

    // rubato returns ceil(frames * ratio) frames; we keep round(), padding if ever short.
    let available = output.frames().min(frames_out);
    let mut channels = vec![vec![0.0f32; frames_out]; channel_count];
    for (ch, samples) in channels.iter_mut().enumerate() {
        for (frame, s) in samples.iter_mut().enumerate().take(available) {
            *s = output.read_sample(ch, frame).unwrap_or(0.0);
        }
    }
    Ok(AudioBuffer {
        sample_rate_hz: to_hz,
        channels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate_hz: u32, freq_hz: f64, seconds: f64) -> AudioBuffer {
        let frames = (f64::from(rate_hz) * seconds) as usize;
        let samples = (0..frames)
            .map(|i| {
                (0.5 * (std::f64::consts::TAU * freq_hz * i as f64 / f64::from(rate_hz)).sin())
                    as f32
            })
            .collect();
        AudioBuffer::from_mono(rate_hz, samples)
    }

    /// Frequency from the count of rising zero crossings, away from the edges.
    fn frequency_hz(buf: &AudioBuffer) -> f64 {
        let s = &buf.channels[0];
        let skip = s.len() / 10;
        let body = &s[skip..s.len() - skip];
        let crossings: Vec<usize> = (1..body.len())
            .filter(|&i| body[i - 1] < 0.0 && body[i] >= 0.0)
            .collect();
        let first = crossings[0];
        let last = *crossings.last().unwrap();
        (crossings.len() - 1) as f64 * f64::from(buf.sample_rate_hz) / (last - first) as f64
    }

    #[test]
    fn length_and_frequency_are_preserved() {
        for (from_hz, frames) in [(22_050u32, 22_050usize), (44_100, 44_123), (22_050, 1_001)] {
            let mut buf = sine(from_hz, 1000.0, 1.0);
            buf.set_frames(frames);
            let out = resample(&buf, 48_000).unwrap();
            let expected = (frames as f64 * 48_000.0 / f64::from(from_hz)).round() as usize;
            assert_eq!(out.frames(), expected, "from {from_hz} Hz, {frames} frames");
            assert_eq!(out.sample_rate_hz, 48_000);
            if frames > 10_000 {
                let f = frequency_hz(&out);
                assert!((f - 1000.0).abs() < 0.5, "from {from_hz} Hz: {f} Hz");
                // Level is kept too (no gain error from the filter).
                assert!((out.peak() - 0.5).abs() < 0.01, "peak {}", out.peak());
            }
        }
    }

    #[test]
    fn impulse_is_not_shifted() {
        let mut samples = vec![0.0f32; 22_050];
        samples[11_025] = 1.0;
        let out = resample(&AudioBuffer::from_mono(22_050, samples), 48_000).unwrap();
        let (argmax, _) =
            out.channels[0]
                .iter()
                .enumerate()
                .fold(
                    (0, 0.0f32),
                    |(bi, bv), (i, &v)| if v > bv { (i, v) } else { (bi, bv) },
                );
        assert!(
            argmax.abs_diff(24_000) <= 1,
            "impulse at {argmax}, expected 24000"
        );
    }

    #[test]
    fn same_rate_is_a_clone_and_stereo_works() {
        let buf = AudioBuffer::from_stereo(48_000, vec![0.1; 100], vec![0.2; 100]);
        assert_eq!(resample(&buf, 48_000).unwrap(), buf);
        let out = resample(&buf, 44_100).unwrap();
        assert_eq!(out.channel_count(), 2);
        assert_eq!(out.frames(), 92);
    }
}
