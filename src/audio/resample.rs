//! Sample-rate conversion with rubato's synchronous FFT resampler.
//!
//! The FFT resampler suits offline work: the ratio is fixed per clip, it is exact for any
//! pair of integer rates, and it is fast. Its startup delay is trimmed by rubato's
//! `process_all`, so an event at input time `t` appears at output time `t`; we then set the
//! length to exactly `round(frames * to / from)` so clip lengths add up on the timeline.
//! [`StreamResampler`] does the same for a track handed over block by block.

use rubato::audioadapter::Adapter;
use rubato::audioadapter_buffers::direct::{InterleavedSlice, SequentialSliceOfVecs};
use rubato::{Fft, FixedSync, Indexing, Resampler, WindowFunction};

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

    let mut resampler = fft(from_hz, to_hz, channel_count)?;
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

fn fft(from_hz: u32, to_hz: u32, channel_count: usize) -> Result<Fft<f32>> {
    Fft::<f32>::new_custom(
        from_hz as usize,
        to_hz as usize,
        CHUNK_FRAMES,
        1,
        channel_count,
        WindowFunction::BlackmanHarris2,
        FixedSync::Both,
    )
    .map_err(|e| Error::Audio(format!("resampler {from_hz} Hz to {to_hz} Hz: {e}")))
}

/// A resampler fed a block at a time, for a track never held whole: the same filter as
/// [`resample`], the same samples out, and in all exactly
/// `round(frames * to_hz / from_hz)` of them once [`finish`](StreamResampler::finish)ed.
pub struct StreamResampler {
    resampler: Fft<f32>,
    from_hz: u32,
    to_hz: u32,
    /// Input waiting for a whole chunk, per channel.
    pending: Vec<Vec<f32>>,
    /// One chunk of output, interleaved.
    chunk: Vec<f32>,
    /// Output frames of the resampler's delay still to drop.
    delay_frames: usize,
    frames_in: usize,
    frames_out: usize,
}

impl StreamResampler {
    pub fn new(from_hz: u32, to_hz: u32, channel_count: usize) -> Result<StreamResampler> {
        if from_hz == 0 || to_hz == 0 || channel_count == 0 {
            return Err(Error::Audio(format!(
                "cannot resample {channel_count} channels from {from_hz} Hz to {to_hz} Hz"
            )));
        }
        let resampler = fft(from_hz, to_hz, channel_count)?;
        Ok(StreamResampler {
            delay_frames: resampler.output_delay(),
            resampler,
            from_hz,
            to_hz,
            pending: vec![Vec::new(); channel_count],
            chunk: Vec::new(),
            frames_in: 0,
            frames_out: 0,
        })
    }

    /// Resamples the next block (one slice per channel, all the same length) and appends
    /// what comes out, interleaved, to `out`.
    pub fn write(&mut self, channels: &[&[f32]], out: &mut Vec<f32>) -> Result<()> {
        if channels.len() != self.pending.len() {
            return Err(Error::Audio(format!(
                "a block of {} channels for a {}-channel resampler",
                channels.len(),
                self.pending.len()
            )));
        }
        for (pending, block) in self.pending.iter_mut().zip(channels) {
            pending.extend_from_slice(block);
        }
        self.frames_in += channels.first().map_or(0, |c| c.len());
        let mut used = 0;
        while self.pending[0].len() - used >= self.resampler.input_frames_next() {
            used += self.chunk(used, None, out)?;
        }
        for pending in &mut self.pending {
            pending.drain(..used);
        }
        Ok(())
    }

    /// The rest of the output: the input still held, then the resampler's delay flushed with
    /// silence, up to the exact length.
    pub fn finish(mut self, out: &mut Vec<f32>) -> Result<()> {
        let total = resampled_len(self.frames_in, self.from_hz, self.to_hz);
        let left = self.pending[0].len();
        // As rubato's `process_all`: the last input as a partial chunk, then silence.
        self.chunk(0, Some(left), out)?;
        while self.frames_out < total {
            let before = self.frames_out;
            self.chunk(0, Some(0), out)?;
            if self.frames_out == before && self.delay_frames == 0 {
                break;
            }
        }
        let channel_count = self.pending.len();
        out.truncate(out.len() - (self.frames_out - total.min(self.frames_out)) * channel_count);
        // Never short in practice; padded rather than trusted.
        out.resize(
            out.len() + total.saturating_sub(self.frames_out) * channel_count,
            0.0,
        );
        Ok(())
    }

    /// Resamples one chunk from `pending[from..]` (`partial`: that many frames, then
    /// silence) and appends its output past the delay. Returns the input frames used.
    fn chunk(&mut self, from: usize, partial: Option<usize>, out: &mut Vec<f32>) -> Result<usize> {
        let channel_count = self.pending.len();
        let fail = |e: String| {
            Error::Audio(format!(
                "resampling {} Hz to {} Hz: {e}",
                self.from_hz, self.to_hz
            ))
        };
        let frames_out = self.resampler.output_frames_next();
        self.chunk.resize(frames_out * channel_count, 0.0);
        let input = SequentialSliceOfVecs::new(&self.pending, channel_count, self.pending[0].len())
            .map_err(|e| fail(e.to_string()))?;
        let mut output = InterleavedSlice::new_mut(&mut self.chunk[..], channel_count, frames_out)
            .map_err(|e| fail(e.to_string()))?;
        let indexing = Indexing {
            input_offset: from,
            partial_len: partial,
            ..Indexing::default()
        };
        let (used, made) = self
            .resampler
            .process_into_buffer(&input, &mut output, Some(&indexing))
            .map_err(|e| fail(e.to_string()))?;
        let skip = self.delay_frames.min(made);
        self.delay_frames -= skip;
        out.extend_from_slice(&self.chunk[skip * channel_count..made * channel_count]);
        self.frames_out += made - skip;
        Ok(used)
    }
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
    fn streamed_blocks_resample_as_the_whole_buffer_does() {
        for (from_hz, frames) in [(44_100u32, 100_000usize), (22_050, 1_024), (44_100, 10)] {
            let left = sine(from_hz, 440.0, 1.0).channels[0][..]
                .iter()
                .cycle()
                .take(frames)
                .copied()
                .collect::<Vec<f32>>();
            let right: Vec<f32> = left.iter().map(|s| -0.5 * s).collect();
            let buf = AudioBuffer::from_stereo(from_hz, left, right);
            let whole = resample(&buf, 48_000).unwrap();
            let mut stream = StreamResampler::new(from_hz, 48_000, 2).unwrap();
            let mut out = Vec::new();
            let mut at = 0;
            for len in [0, 1, 999, 5000, 1024, usize::MAX] {
                let end = at + len.min(frames - at);
                stream
                    .write(
                        &[&buf.channels[0][at..end], &buf.channels[1][at..end]],
                        &mut out,
                    )
                    .unwrap();
                at = end;
            }
            stream.finish(&mut out).unwrap();
            assert_eq!(
                out.len(),
                2 * whole.frames(),
                "from {from_hz} Hz, {frames} frames"
            );
            for (i, frame) in out.chunks_exact(2).enumerate() {
                assert_eq!(
                    frame,
                    [whole.channels[0][i], whole.channels[1][i]],
                    "frame {i}"
                );
            }
        }
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
