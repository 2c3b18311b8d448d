//! WAV files: atomic writing (temporary file + rename) and reading, including the streamed
//! WAV that `espeak-ng --stdout` produces (its size fields are placeholders).

use std::io::{BufWriter, Cursor, Read};
use std::path::Path;

use crate::audio::AudioBuffer;
use crate::dsp::rng::Rng;
use crate::{Error, Result};

/// Sample format of a written WAV file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitDepth {
    Int16,
    Int24,
    Float32,
}

impl BitDepth {
    pub(crate) fn bits(self) -> u16 {
        match self {
            BitDepth::Int16 => 16,
            BitDepth::Int24 => 24,
            BitDepth::Float32 => 32,
        }
    }
}

/// Fixed dither seed: the same buffer always writes the same bytes.
const DITHER_SEED: u64 = 0x0A1D_D17E;

/// Writes `buf` to `path`. The data goes to a temporary file in the same directory that is
/// renamed over `path` only once complete, so a failure never leaves a partial file at `path`.
/// Integer formats get seeded TPDF dither (±1 LSB), so quiet fades do not turn into
/// correlated distortion, while output stays bit-identical from run to run.
pub fn write_wav(path: &Path, buf: &AudioBuffer, bits: BitDepth) -> Result<()> {
    let channel_count = buf.channel_count();
    if channel_count == 0 || channel_count > usize::from(u16::MAX) {
        return Err(Error::Audio(format!(
            "{}: cannot write {channel_count} channels",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = crate::fsutil::temp_beside(dir, ".wav").map_err(|e| Error::io(path, e))?;

    let spec = hound::WavSpec {
        channels: channel_count as u16,
        sample_rate: buf.sample_rate_hz,
        bits_per_sample: bits.bits(),
        sample_format: match bits {
            BitDepth::Float32 => hound::SampleFormat::Float,
            _ => hound::SampleFormat::Int,
        },
    };
    let hound_err = |e: hound::Error| Error::Audio(format!("{}: {e}", path.display()));
    {
        let mut writer =
            hound::WavWriter::new(BufWriter::new(tmp.as_file_mut()), spec).map_err(hound_err)?;
        let mut dither = Dither::new();
        for frame in 0..buf.frames() {
            for ch in &buf.channels {
                let x = ch[frame];
                match bits {
                    BitDepth::Float32 => writer.write_sample(x).map_err(hound_err)?,
                    BitDepth::Int16 => {
                        writer
                            .write_sample(dither.quantise(x, 16) as i16)
                            .map_err(hound_err)?;
                    }
                    BitDepth::Int24 => writer
                        .write_sample(dither.quantise(x, 24))
                        .map_err(hound_err)?,
                }
            }
        }
        writer.finalize().map_err(hound_err)?;
    }
    crate::fsutil::persist(tmp, path).map_err(|e| Error::io(path, e))
}

/// The seeded TPDF dither of integer output. Samples taken in file order (frame by frame,
/// channel by channel) from a new `Dither` give the same integers whatever the container,
/// so a FLAC holds exactly the samples of the WAV of the same depth.
pub(crate) struct Dither {
    rng: Rng,
}

impl Dither {
    pub(crate) fn new() -> Dither {
        Dither {
            rng: Rng::new(DITHER_SEED),
        }
    }

    /// `x` (nominally -1..1) as a `bits`-bit integer with TPDF dither, clamped to the range.
    pub(crate) fn quantise(&mut self, x: f32, bits: u32) -> i32 {
        let scale = (1i64 << (bits - 1)) as f64;
        let dither = f64::from(self.rng.next_f32()) - f64::from(self.rng.next_f32());
        let v = (f64::from(x) * scale + dither).round();
        v.clamp(-scale, scale - 1.0) as i32
    }
}

/// Reads any WAV file hound understands (8/16/24/32-bit integer, 32-bit float).
pub fn read_wav(path: &Path) -> Result<AudioBuffer> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    read_wav_bytes(&bytes).map_err(|e| match e {
        Error::Audio(msg) => Error::Audio(format!("{}: {msg}", path.display())),
        other => other,
    })
}

/// Reads a WAV held in memory, e.g. a subprocess's stdout. A streamed WAV whose RIFF and
/// data sizes are placeholders (0, or 0x7fffffff-ish as espeak-ng writes) is repaired first:
/// the data chunk is taken to run to the end of the bytes.
pub fn read_wav_bytes(bytes: &[u8]) -> Result<AudioBuffer> {
    let fixed = fix_streamed_sizes(bytes)?;
    let reader = hound::WavReader::new(Cursor::new(fixed.as_slice()))
        .map_err(|e| Error::Audio(format!("reading WAV: {e}")))?;
    let spec = reader.spec();
    let channel_count = usize::from(spec.channels);
    if channel_count == 0 {
        return Err(Error::Audio("WAV has no channels".into()));
    }
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader
            .into_samples::<f32>()
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Audio(format!("reading WAV: {e}")))?,
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1i64 << (spec.bits_per_sample - 1)) as f32;
            reader
                .into_samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::Audio(format!("reading WAV: {e}")))?
        }
    };
    let frames = interleaved.len() / channel_count;
    let mut channels = vec![Vec::with_capacity(frames); channel_count];
    for frame in interleaved.chunks_exact(channel_count) {
        for (ch, &s) in channels.iter_mut().zip(frame) {
            ch.push(s);
        }
    }
    Ok(AudioBuffer {
        sample_rate_hz: spec.sample_rate,
        channels,
    })
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// A copy of `bytes` with the RIFF size and the data chunk's size made consistent with the
/// actual length. Well-formed files come back unchanged.
fn fix_streamed_sizes(bytes: &[u8]) -> Result<Vec<u8>> {
    if bytes.len() < 12 || &bytes[0..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(Error::Audio("not a RIFF/WAVE file".into()));
    }
    let mut out = bytes.to_vec();
    let riff_size = (bytes.len() - 8) as u32;
    if u32_at(bytes, 4) != Some(riff_size) {
        out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    }
    // Walk the chunks to the data chunk; only its size can be a placeholder.
    let mut at = 12;
    while let Some(size) = u32_at(bytes, at + 4) {
        let body = at + 8;
        if &bytes[at..at + 4] == b"data" {
            let remaining = bytes.len() - body;
            if size as usize > remaining || size == 0 {
                let block_align = block_align(bytes).unwrap_or(1).max(1);
                let fixed = (remaining - remaining % block_align) as u32;
                out[at + 4..at + 8].copy_from_slice(&fixed.to_le_bytes());
                // Drop a trailing partial frame so hound sees whole frames only.
                out.truncate(body + fixed as usize);
                let riff_size = (out.len() - 8) as u32;
                out[4..8].copy_from_slice(&riff_size.to_le_bytes());
            }
            return Ok(out);
        }
        // Chunks are padded to even sizes.
        at = body.saturating_add(size as usize + (size as usize & 1));
    }
    Err(Error::Audio("WAV has no data chunk".into()))
}

/// The fmt chunk's block align (bytes per frame), if there is a fmt chunk.
fn block_align(bytes: &[u8]) -> Option<usize> {
    let mut at = 12;
    while let Some(size) = u32_at(bytes, at + 4) {
        if &bytes[at..at + 4] == b"fmt " {
            let b = bytes.get(at + 8 + 12..at + 8 + 14)?;
            return Some(usize::from(u16::from_le_bytes([b[0], b[1]])));
        }
        at = (at + 8).saturating_add(size as usize + (size as usize & 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_signal() -> AudioBuffer {
        let left = (0..4800).map(|i| 0.8 * (i as f32 * 0.01).sin()).collect();
        let right = (0..4800)
            .map(|i| -0.999 + 1.998 * (i as f32) / 4800.0)
            .collect();
        AudioBuffer::from_stereo(48_000, left, right)
    }

    fn max_error(a: &AudioBuffer, b: &AudioBuffer) -> f32 {
        assert_eq!(a.channel_count(), b.channel_count());
        assert_eq!(a.frames(), b.frames());
        a.channels
            .iter()
            .zip(&b.channels)
            .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
            .fold(0.0, f32::max)
    }

    #[test]
    fn round_trips_within_quantisation_error() {
        let dir = tempfile::tempdir().unwrap();
        let buf = test_signal();
        for (bits, lsb) in [
            (BitDepth::Int16, 1.0 / 32768.0),
            (BitDepth::Int24, 1.0 / 8_388_608.0),
            (BitDepth::Float32, 0.0),
        ] {
            let path = dir.path().join(format!("{bits:?}.wav"));
            write_wav(&path, &buf, bits).unwrap();
            let back = read_wav(&path).unwrap();
            assert_eq!(back.sample_rate_hz, 48_000);
            let err = max_error(&buf, &back);
            // Rounding (0.5 LSB) plus TPDF dither (< 1 LSB).
            assert!(err <= 1.5 * lsb + 1e-9, "{bits:?}: error {err}, lsb {lsb}");
        }
        // Nothing but the files we wrote: the temporary files were renamed away.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }

    #[test]
    fn writing_is_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.wav"), dir.path().join("b.wav"));
        write_wav(&a, &test_signal(), BitDepth::Int16).unwrap();
        write_wav(&b, &test_signal(), BitDepth::Int16).unwrap();
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.wav");
        let err = write_wav(&path, &test_signal(), BitDepth::Int24).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// A 16-bit mono WAV header as espeak-ng writes it to a pipe: placeholder sizes.
    fn streamed_wav(samples: &[i16], data_size: u32) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(b"RIFF");
        v.extend_from_slice(&0x7fff_f024u32.to_le_bytes());
        v.extend_from_slice(b"WAVEfmt ");
        v.extend_from_slice(&16u32.to_le_bytes());
        v.extend_from_slice(&1u16.to_le_bytes()); // PCM
        v.extend_from_slice(&1u16.to_le_bytes()); // mono
        v.extend_from_slice(&22_050u32.to_le_bytes());
        v.extend_from_slice(&44_100u32.to_le_bytes());
        v.extend_from_slice(&2u16.to_le_bytes());
        v.extend_from_slice(&16u16.to_le_bytes());
        v.extend_from_slice(b"data");
        v.extend_from_slice(&data_size.to_le_bytes());
        for s in samples {
            v.extend_from_slice(&s.to_le_bytes());
        }
        v
    }

    #[test]
    fn reads_streamed_header_with_placeholder_sizes() {
        let samples = [0i16, 16384, -16384, 32767, -32768];
        for data_size in [0x7fff_f000, 0xffff_ffff, 0] {
            let mut bytes = streamed_wav(&samples, data_size);
            bytes.push(0x12); // a stray half sample at the end of the stream
            let buf = read_wav_bytes(&bytes).unwrap();
            assert_eq!(buf.sample_rate_hz, 22_050);
            assert_eq!(
                buf.channels,
                vec![vec![0.0, 0.5, -0.5, 32767.0 / 32768.0, -1.0]]
            );
        }
        assert!(read_wav_bytes(b"not a wav file at all").is_err());
    }

    #[test]
    fn reads_espeak_ng_stdout() {
        let Ok(output) = std::process::Command::new("espeak-ng")
            .args(["--stdout", "hello"])
            .output()
        else {
            eprintln!("espeak-ng not installed; skipped");
            return;
        };
        assert!(output.status.success());
        let buf = read_wav_bytes(&output.stdout).unwrap();
        assert_eq!(buf.channel_count(), 1);
        assert!(
            buf.duration_s() > 0.2 && buf.duration_s() < 3.0,
            "{}",
            buf.duration_s()
        );
        assert!(buf.peak() > 0.05);
    }
}
