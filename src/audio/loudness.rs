//! Loudness (EBU R128 / ITU-R BS.1770) and true-peak metering with the ebur128 crate.

use ebur128::{EbuR128, Mode};

use crate::audio::AudioBuffer;
use crate::{Error, Result};

/// Gated integrated loudness needs at least one 400 ms block; shorter clips are tiled up to
/// this length first, so their loudness is the K-weighted power over the clip itself.
const MIN_MEASURE_S: f64 = 0.4;

/// Never raise a clip by more than this: a near-silent clip (a breath, a noise floor) would
/// otherwise be blown up to full loudness.
const MAX_GAIN_DB: f64 = 40.0;

fn meter(buf: &AudioBuffer, mode: Mode) -> Result<EbuR128> {
    let channel_count = buf.channel_count().max(1) as u32;
    let mut meter = EbuR128::new(channel_count, buf.sample_rate_hz, mode)
        .map_err(|e| Error::Audio(format!("loudness meter: {e}")))?;
    if buf.frames() > 0 {
        let planes: Vec<&[f32]> = buf.channels.iter().map(Vec::as_slice).collect();
        meter
            .add_frames_planar_f32(&planes)
            .map_err(|e| Error::Audio(format!("loudness meter: {e}")))?;
    }
    Ok(meter)
}

/// Integrated loudness in LUFS; `f64::NEG_INFINITY` for silence (or anything under the
/// -70 LUFS absolute gate) and for clips shorter than one 400 ms gating block.
pub fn integrated_lufs(buf: &AudioBuffer) -> Result<f64> {
    if buf.channel_count() == 0 || buf.frames() == 0 {
        return Ok(f64::NEG_INFINITY);
    }
    let m = meter(buf, Mode::I)?;
    m.loudness_global()
        .map_err(|e| Error::Audio(format!("loudness: {e}")))
}

/// Integrated loudness (LUFS) and true peak (dBTP) in one pass over the audio.
pub fn loudness_and_true_peak(buf: &AudioBuffer) -> Result<(f64, f64)> {
    if buf.channel_count() == 0 || buf.frames() == 0 {
        return Ok((f64::NEG_INFINITY, f64::NEG_INFINITY));
    }
    // Two meters on two threads: the true-peak oversampler costs as much as the loudness
    // filters, and a master is measured several times.
    let (lufs, true_peak) = std::thread::scope(|s| {
        let peak = s.spawn(|| true_peak_dbtp(buf));
        (
            integrated_lufs(buf),
            peak.join().expect("true-peak meter panicked"),
        )
    });
    Ok((lufs?, true_peak?))
}

fn max_true_peak_dbtp(m: &EbuR128, channel_count: usize) -> Result<f64> {
    let mut peak = 0.0f64;
    for ch in 0..channel_count {
        let p = m
            .true_peak(ch as u32)
            .map_err(|e| Error::Audio(format!("true peak: {e}")))?;
        peak = peak.max(p);
    }
    Ok(20.0 * peak.log10())
}

/// Loudness in LUFS that also works for clips shorter than 400 ms: those are repeated end to
/// end until they fill a gating block, which measures their mean K-weighted power.
pub fn clip_lufs(buf: &AudioBuffer) -> Result<f64> {
    let frames = buf.frames();
    if buf.channel_count() == 0 || frames == 0 {
        return Ok(f64::NEG_INFINITY);
    }
    let min_frames = (MIN_MEASURE_S * f64::from(buf.sample_rate_hz)).ceil() as usize;
    if frames >= min_frames {
        return integrated_lufs(buf);
    }
    // Tile to two blocks' worth so that the K-weighting filters have settled in at least one.
    let repeats = (2 * min_frames).div_ceil(frames);
    let tiled = AudioBuffer {
        sample_rate_hz: buf.sample_rate_hz,
        channels: buf.channels.iter().map(|c| c.repeat(repeats)).collect(),
    };
    integrated_lufs(&tiled)
}

/// Integrated loudness and true peak of audio that arrives block by block (a master being
/// streamed to its file). The two meters run on two threads: the true-peak oversampler costs
/// as much as the loudness filters.
pub struct StreamMeter {
    loudness: EbuR128,
    peak: Option<EbuR128>,
    channel_count: usize,
    frames: usize,
}

impl StreamMeter {
    /// A meter of integrated loudness, and of true peak when `true_peak` is set.
    pub fn new(sample_rate_hz: u32, channel_count: usize, true_peak: bool) -> Result<StreamMeter> {
        let new = |mode| {
            EbuR128::new(channel_count.max(1) as u32, sample_rate_hz, mode)
                .map_err(|e| Error::Audio(format!("loudness meter: {e}")))
        };
        Ok(StreamMeter {
            loudness: new(Mode::I)?,
            peak: if true_peak {
                Some(new(Mode::TRUE_PEAK)?)
            } else {
                None
            },
            channel_count,
            frames: 0,
        })
    }

    pub fn add(&mut self, channels: &[&[f32]]) -> Result<()> {
        if channels.first().is_none_or(|c| c.is_empty()) {
            return Ok(());
        }
        self.frames += channels[0].len();
        let add = |m: &mut EbuR128| {
            m.add_frames_planar_f32(channels)
                .map_err(|e| Error::Audio(format!("loudness meter: {e}")))
        };
        let (loudness, peak) = (&mut self.loudness, &mut self.peak);
        std::thread::scope(|s| {
            let peak = peak.as_mut().map(|p| s.spawn(|| add(p)));
            add(loudness)?;
            peak.map_or(Ok(()), |h| h.join().expect("true-peak meter panicked"))
        })
    }

    /// Integrated loudness (LUFS) and true peak (dBTP; `-inf` when not metered), `-inf` for
    /// silence or nothing at all.
    pub fn finish(&self) -> Result<(f64, f64)> {
        if self.frames == 0 || self.channel_count == 0 {
            return Ok((f64::NEG_INFINITY, f64::NEG_INFINITY));
        }
        let lufs = self
            .loudness
            .loudness_global()
            .map_err(|e| Error::Audio(format!("loudness: {e}")))?;
        let peak = match &self.peak {
            Some(p) => max_true_peak_dbtp(p, self.channel_count)?,
            None => f64::NEG_INFINITY,
        };
        Ok((lufs, peak))
    }
}

/// True peak in dBTP (4x oversampled, as ebur128 measures it); `f64::NEG_INFINITY` for silence.
pub fn true_peak_dbtp(buf: &AudioBuffer) -> Result<f64> {
    if buf.channel_count() == 0 || buf.frames() == 0 {
        return Ok(f64::NEG_INFINITY);
    }
    let m = meter(buf, Mode::TRUE_PEAK)?;
    max_true_peak_dbtp(&m, buf.channel_count())
}

/// The gain in dB that brings `buf` to `target_lufs`. Silent clips get 0 dB (nothing to
/// normalise); clips shorter than 400 ms are measured with [`clip_lufs`]; the gain never
/// exceeds +40 dB.
pub fn gain_to_lufs(buf: &AudioBuffer, target_lufs: f64) -> Result<f64> {
    Ok(gain_from_lufs(clip_lufs(buf)?, target_lufs))
}

/// The gain that [`gain_to_lufs`] gives for a clip whose loudness is already known.
pub fn gain_from_lufs(lufs: f64, target_lufs: f64) -> f64 {
    if lufs.is_finite() {
        (target_lufs - lufs).min(MAX_GAIN_DB)
    } else {
        0.0
    }
}

/// Linear amplitude factor for a gain in dB.
pub fn db_to_gain(gain_db: f64) -> f64 {
    10f64.powf(gain_db / 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate_hz: u32, freq_hz: f64, amplitude: f64, seconds: f64) -> AudioBuffer {
        let frames = (f64::from(rate_hz) * seconds) as usize;
        let samples = (0..frames)
            .map(|i| {
                (amplitude
                    * (std::f64::consts::TAU * freq_hz * i as f64 / f64::from(rate_hz)).sin())
                    as f32
            })
            .collect();
        AudioBuffer::from_mono(rate_hz, samples)
    }

    #[test]
    fn full_scale_1k_sine_reads_minus_3_lufs_per_channel() {
        // BS.1770: a 0 dBFS 997 Hz sine in one channel reads -3.01 LUFS.
        let lufs = integrated_lufs(&sine(48_000, 997.0, 1.0, 3.0)).unwrap();
        assert!((lufs + 3.01).abs() < 0.1, "{lufs}");
        let tp = true_peak_dbtp(&sine(48_000, 997.0, 0.5, 1.0)).unwrap();
        assert!((tp + 6.02).abs() < 0.1, "{tp}");
    }

    #[test]
    fn silence_and_short_clips() {
        let silent = AudioBuffer::silence(48_000, 2, 48_000);
        assert_eq!(integrated_lufs(&silent).unwrap(), f64::NEG_INFINITY);
        assert_eq!(gain_to_lufs(&silent, -16.0).unwrap(), 0.0);
        assert_eq!(true_peak_dbtp(&silent).unwrap(), f64::NEG_INFINITY);
        assert_eq!(
            gain_to_lufs(&AudioBuffer::silence(48_000, 1, 0), -16.0).unwrap(),
            0.0
        );

        // A 100 ms tone measures like the same tone held for seconds.
        let long = clip_lufs(&sine(48_000, 1000.0, 0.3, 3.0)).unwrap();
        let short = clip_lufs(&sine(48_000, 1000.0, 0.3, 0.1)).unwrap();
        assert!((long - short).abs() < 0.3, "long {long}, short {short}");
        let gain_db = gain_to_lufs(&sine(48_000, 1000.0, 0.3, 0.1), -20.0).unwrap();
        assert!((gain_db - (-20.0 - long)).abs() < 0.3, "{gain_db}");
    }
}
