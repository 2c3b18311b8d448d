//! FLAC files (flacenc, pure Rust): the same integer samples as the WAV of the same depth,
//! losslessly compressed, written atomically.

use std::path::Path;

use flacenc::component::BitRepr;
use flacenc::error::{SourceError, Verify};
use flacenc::source::{Fill, Source};

use crate::audio::AudioBuffer;
use crate::audio::wav::{BitDepth, Dither};
use crate::{Error, Result};

/// The buffer as dithered integers, read block by block in file order, so the whole track is
/// never held twice in memory.
struct Quantised<'a> {
    buf: &'a AudioBuffer,
    bits: u32,
    at: usize,
    dither: Dither,
    block: Vec<i32>,
}

impl Source for Quantised<'_> {
    fn channels(&self) -> usize {
        self.buf.channel_count()
    }

    fn bits_per_sample(&self) -> usize {
        self.bits as usize
    }

    fn sample_rate(&self) -> usize {
        self.buf.sample_rate_hz as usize
    }

    fn read_samples<F: Fill>(
        &mut self,
        block_size: usize,
        dest: &mut F,
    ) -> std::result::Result<usize, SourceError> {
        let n = block_size.min(self.buf.frames() - self.at);
        self.block.clear();
        for frame in self.at..self.at + n {
            for ch in &self.buf.channels {
                self.block.push(self.dither.quantise(ch[frame], self.bits));
            }
        }
        dest.fill_interleaved(&self.block)?;
        self.at += n;
        Ok(n)
    }

    fn len_hint(&self) -> Option<usize> {
        Some(self.buf.frames())
    }
}

/// Writes `buf` to `path` as FLAC with 16- or 24-bit samples (FLAC holds no floats), with the
/// dither of [`crate::audio::wav::write_wav`]: decoded, it is sample for sample the WAV.
/// Written to a temporary file and renamed, like the WAV.
pub fn write_flac(path: &Path, buf: &AudioBuffer, bits: BitDepth) -> Result<()> {
    let fail = |what: String| Error::Audio(format!("{}: {what}", path.display()));
    if bits == BitDepth::Float32 {
        return Err(fail("FLAC holds 16- or 24-bit samples, not floats".into()));
    }
    let channel_count = buf.channel_count();
    if !(1..=8).contains(&channel_count) {
        return Err(fail(format!(
            "FLAC holds 1 to 8 channels, not {channel_count}"
        )));
    }
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|(_, e)| fail(format!("FLAC encoder settings: {e}")))?;
    let source = Quantised {
        buf,
        bits: u32::from(bits.bits()),
        at: 0,
        dither: Dither::new(),
        block: Vec::new(),
    };
    let mut stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| fail(format!("FLAC encoding: {e}")))?;
    // flacenc 0.5 counts the shorter last block in STREAMINFO's minimum block size, which
    // makes the stream look variable-blocksize to decoders (symphonia then rejects every
    // frame); libFLAC, like the format, states the fixed size for both.
    stream
        .stream_info_mut()
        .set_block_sizes(config.block_size, config.block_size)
        .map_err(|e| fail(format!("FLAC encoding: {e}")))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream
        .write(&mut sink)
        .map_err(|e| fail(format!("FLAC encoding: {e}")))?;
    crate::fsutil::write(path, sink.as_slice()).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::decode::decode_file;

    #[test]
    fn decodes_to_the_samples_of_the_wav() {
        let dir = tempfile::tempdir().unwrap();
        // Several blocks with a shorter last one, and less than one block.
        for (frames, bits) in [
            (10_000, BitDepth::Int16),
            (10_000, BitDepth::Int24),
            (1_000, BitDepth::Int24),
        ] {
            let left = (0..frames).map(|i| (i as f32 * 0.01).sin() * 0.5).collect();
            let right = (0..frames)
                .map(|i| (i as f32 * 0.003).cos() * 0.25)
                .collect();
            let buf = AudioBuffer::from_stereo(48_000, left, right);
            let (flac, wav) = (dir.path().join("a.flac"), dir.path().join("a.wav"));
            write_flac(&flac, &buf, bits).unwrap();
            crate::audio::wav::write_wav(&wav, &buf, bits).unwrap();
            let from_flac = decode_file(&flac).unwrap();
            let from_wav = crate::audio::wav::read_wav(&wav).unwrap();
            assert_eq!(from_flac.frames(), frames);
            assert_eq!(from_flac, from_wav, "{bits:?}");
        }
        let buf = AudioBuffer::from_mono(48_000, vec![0.0; 100]);
        let e = write_flac(&dir.path().join("f.flac"), &buf, BitDepth::Float32).unwrap_err();
        assert!(e.to_string().contains("not floats"), "{e}");
    }
}
