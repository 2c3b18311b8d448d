//! Where rendered audio goes, block by block: memory, or a WAV, FLAC, MP3 or Opus file written
//! to a temporary name and renamed into place by [`FileSink::finish`]. A sink dropped unfinished
//! (an error, a kill) deletes its temporary file, so no partial output is ever left at the
//! destination.
//!
//! Streaming lets an hour-long master be written without holding it: the mixer hands each
//! block over as soon as it is mastered.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use flacenc::component::BitRepr;
use flacenc::error::Verify;
use flacenc::source::{Context, Fill, FrameBuf};
use tempfile::NamedTempFile;

use crate::audio::id3::Id3Tags;
use crate::audio::mp3::{Mp3Bitrate, Mp3Options, Mp3Writer};
use crate::audio::opus::{DEFAULT_OPUS_KBPS, OpusWriter};
use crate::audio::wav::{BitDepth, Dither};
use crate::audio::{AudioBuffer, Chapter};
use crate::{Error, Result};

/// What a track is, told to its sinks before its audio: a file with tags writes them from
/// this.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Track {
    pub title: String,
    pub chapters: Vec<Chapter>,
    /// The credits of the recordings the mix plays (one per line); empty when it plays
    /// none. MP3 and Opus files carry them in a comment.
    pub credits: String,
}

/// Takes audio a block at a time: one slice per channel, all the same length.
pub trait AudioSink {
    /// Called once before the first block. Default: nothing to do.
    fn begin(&mut self, _track: &Track) -> Result<()> {
        Ok(())
    }

    fn write(&mut self, channels: &[&[f32]]) -> Result<()>;

    /// Called once after the last block: a file is completed and appears at its path.
    /// Default: nothing to do.
    fn finish(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Collects the blocks into a buffer.
#[derive(Debug)]
pub struct MemorySink {
    pub audio: AudioBuffer,
}

impl MemorySink {
    pub fn new(sample_rate_hz: u32, channel_count: usize) -> MemorySink {
        MemorySink {
            audio: AudioBuffer::silence(sample_rate_hz, channel_count, 0),
        }
    }
}

impl AudioSink for MemorySink {
    fn write(&mut self, channels: &[&[f32]]) -> Result<()> {
        if channels.len() != self.audio.channel_count() {
            return Err(Error::Audio(format!(
                "a block of {} channels for a {}-channel buffer",
                channels.len(),
                self.audio.channel_count()
            )));
        }
        for (out, block) in self.audio.channels.iter_mut().zip(channels) {
            out.extend_from_slice(block);
        }
        Ok(())
    }
}

/// The file formats a render writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Wav(BitDepth),
    /// 16 or 24 bits.
    Flac(BitDepth),
    /// Stereo, with an ID3 tag of the [`Track`].
    Mp3(Mp3Bitrate),
    /// Ogg Opus at 48 kHz (other rates are resampled), variable bitrate, with the
    /// [`Track`] in its comments.
    Opus {
        bitrate_kbps: u32,
    },
}

/// The extensions [`FileFormat::for_path`] knows, as messages list them.
const EXTENSIONS: &str = ".wav, .flac, .mp3 or .opus";

impl FileFormat {
    /// The format `path`'s extension names, in any case: .wav, .flac, .mp3 or .opus.
    /// `bits` is the depth of a WAV or FLAC file; `bitrate_kbps` (`--bitrate`), that of an
    /// MP3 (128 or 192, default 192) or Opus file (6 to 510, default 96). Another extension,
    /// none, or a bitrate the format is not written at is an [`Error::BadInput`].
    pub fn for_path(path: &Path, bits: BitDepth, bitrate_kbps: Option<u32>) -> Result<FileFormat> {
        let ext = path.extension().unwrap_or_default();
        let is = |name: &str| ext.eq_ignore_ascii_case(name);
        let format = if is("wav") {
            FileFormat::Wav(bits)
        } else if is("flac") {
            FileFormat::Flac(bits)
        } else if is("mp3") {
            FileFormat::Mp3(match bitrate_kbps {
                None => Mp3Bitrate::default(),
                Some(128) => Mp3Bitrate::Kbps128,
                Some(192) => Mp3Bitrate::Kbps192,
                Some(kbps) => {
                    return Err(Error::BadInput(format!(
                        "{}: MP3 is written at --bitrate 128 or 192 (kbps, constant; default {}), not {kbps}",
                        path.display(),
                        Mp3Bitrate::default().kbps()
                    )));
                }
            })
        } else if is("opus") {
            let bitrate_kbps = bitrate_kbps.unwrap_or(DEFAULT_OPUS_KBPS);
            if !crate::audio::opus::OPUS_KBPS.contains(&bitrate_kbps) {
                return Err(Error::BadInput(crate::audio::opus::bitrate_error(
                    path,
                    bitrate_kbps,
                )));
            }
            FileFormat::Opus { bitrate_kbps }
        } else {
            let found = match path.extension() {
                Some(ext) => format!("not .{}", ext.to_string_lossy()),
                None => "not a name without an extension".to_owned(),
            };
            return Err(Error::BadInput(format!(
                "{}: onair writes {EXTENSIONS} files (any case), {found}; end the output's name in one of them",
                path.display()
            )));
        };
        if let (FileFormat::Wav(_) | FileFormat::Flac(_), Some(_)) = (format, bitrate_kbps) {
            let kind = if let FileFormat::Flac(_) = format {
                "FLAC"
            } else {
                "WAV"
            };
            return Err(Error::BadInput(format!(
                "--bitrate applies to MP3 and Opus output only, and {} is written as {kind}; name the output NAME.mp3 or NAME.opus, or remove --bitrate ({kind} is lossless; --bits sets its depth)",
                path.display(),
            )));
        }
        Ok(format)
    }
}

/// An audio file being written. Nothing appears at its path until [`FileSink::finish`], and
/// not even its temporary file until the audio starts ([`AudioSink::begin`] or the first
/// block): a render stopped while it generates leaves nothing in the output folder.
pub struct FileSink {
    path: PathBuf,
    format: FileFormat,
    sample_rate_hz: u32,
    channel_count: usize,
    inner: Option<Inner>,
}

enum Inner {
    Wav(WavFile),
    Flac(Box<FlacFile>),
    Mp3(Box<Mp3Writer>),
    Opus(Box<OpusWriter>),
}

impl FileSink {
    /// A file of `channel_count` channels at `sample_rate_hz`, to be written.
    pub fn create(
        path: &Path,
        format: FileFormat,
        sample_rate_hz: u32,
        channel_count: usize,
    ) -> Result<FileSink> {
        let channels_ok = match format {
            FileFormat::Mp3(_) => channel_count == 2,
            FileFormat::Opus { .. } => (1..=2).contains(&channel_count),
            FileFormat::Flac(_) => (1..=8).contains(&channel_count),
            FileFormat::Wav(_) => (1..=usize::from(u16::MAX)).contains(&channel_count),
        };
        if !channels_ok {
            let what = match format {
                FileFormat::Mp3(_) => "MP3 output is stereo",
                FileFormat::Opus { .. } => "Opus output holds 1 or 2 channels",
                FileFormat::Flac(_) => "FLAC holds 1 to 8 channels",
                FileFormat::Wav(_) => "WAV holds 1 to 65535 channels",
            };
            return Err(Error::Audio(format!(
                "{}: {what}, not {channel_count}",
                path.display()
            )));
        }
        if let FileFormat::Flac(BitDepth::Float32) = format {
            return Err(Error::Audio(format!(
                "{}: FLAC holds 16- or 24-bit samples, not floats",
                path.display()
            )));
        }
        Ok(FileSink {
            path: path.to_path_buf(),
            format,
            sample_rate_hz,
            channel_count,
            inner: None,
        })
    }

    /// The encoder and its temporary file, made on first use.
    fn inner(&mut self) -> Result<&mut Inner> {
        if self.inner.is_none() {
            let (path, rate, channels) = (&self.path, self.sample_rate_hz, self.channel_count);
            let inner = match self.format {
                FileFormat::Mp3(bitrate) => {
                    let options = Mp3Options {
                        bitrate,
                        tags: Id3Tags::default(),
                    };
                    Inner::Mp3(Box::new(Mp3Writer::create(path, rate, &options)?))
                }
                FileFormat::Opus { bitrate_kbps } => Inner::Opus(Box::new(OpusWriter::create(
                    path,
                    rate,
                    channels,
                    bitrate_kbps,
                )?)),
                FileFormat::Wav(bits) => Inner::Wav(WavFile::new(
                    path,
                    temporary_beside(path)?,
                    bits,
                    rate,
                    channels,
                )?),
                FileFormat::Flac(bits) => Inner::Flac(Box::new(FlacFile::new(
                    path,
                    temporary_beside(path)?,
                    bits,
                    rate,
                    channels,
                )?)),
            };
            self.inner = Some(inner);
        }
        Ok(self.inner.as_mut().expect("made above"))
    }
}

impl AudioSink for FileSink {
    fn begin(&mut self, track: &Track) -> Result<()> {
        match self.inner()? {
            Inner::Mp3(m) => m.set_tags(track),
            Inner::Opus(o) => o.set_tags(track),
            // WAV and FLAC files carry no tags here; the report lists the chapters.
            Inner::Wav(_) | Inner::Flac(_) => Ok(()),
        }
    }

    fn write(&mut self, channels: &[&[f32]]) -> Result<()> {
        let path = self.path.clone();
        match self.inner()? {
            Inner::Wav(w) => w.write(&path, channels),
            Inner::Flac(f) => f.write(&path, channels),
            Inner::Mp3(m) => {
                check_channels(&path, 2, channels)?;
                m.write(channels[0], channels[1])
            }
            Inner::Opus(o) => o.write(channels),
        }
    }

    /// Completes the file and renames it into place.
    fn finish(&mut self) -> Result<()> {
        self.inner()?;
        let path = self.path.clone();
        let tmp = match self.inner.take().expect("made above") {
            Inner::Wav(w) => w.finish(&path)?,
            Inner::Flac(f) => f.finish(&path)?,
            // They rename their own files into place.
            Inner::Mp3(m) => return m.finish(),
            Inner::Opus(o) => return o.finish(),
        };
        crate::fsutil::persist(tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// Writes a whole buffer to `path` in `format`, atomically.
pub fn write_file(path: &Path, buf: &AudioBuffer, format: FileFormat) -> Result<()> {
    let mut sink = FileSink::create(path, format, buf.sample_rate_hz, buf.channel_count())?;
    // In blocks, so a FLAC never needs the whole track as integers.
    const BLOCK: usize = 1 << 16;
    for start in (0..buf.frames()).step_by(BLOCK) {
        let end = (start + BLOCK).min(buf.frames());
        let block: Vec<&[f32]> = buf.channels.iter().map(|c| &c[start..end]).collect();
        sink.write(&block)?;
    }
    sink.finish()
}

fn temporary_beside(path: &Path) -> Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    crate::fsutil::temp_beside(dir, "").map_err(|e| Error::io(path, e))
}

fn check_channels(path: &Path, expected: usize, channels: &[&[f32]]) -> Result<usize> {
    let frames = channels.first().map_or(0, |c| c.len());
    if channels.len() != expected || channels.iter().any(|c| c.len() != frames) {
        return Err(Error::Audio(format!(
            "{}: a block of {} channels (of unequal lengths?) for a {expected}-channel file",
            path.display(),
            channels.len()
        )));
    }
    Ok(frames)
}

struct WavFile {
    writer: hound::WavWriter<BufWriter<std::fs::File>>,
    tmp: NamedTempFile,
    bits: BitDepth,
    channel_count: usize,
    dither: Dither,
}

fn hound_error(path: &Path) -> impl Fn(hound::Error) -> Error + '_ {
    move |e| Error::Audio(format!("{}: {e}", path.display()))
}

impl WavFile {
    fn new(
        path: &Path,
        tmp: NamedTempFile,
        bits: BitDepth,
        sample_rate_hz: u32,
        channel_count: usize,
    ) -> Result<WavFile> {
        // FileSink::create checked the channel count.
        let spec = hound::WavSpec {
            channels: channel_count as u16,
            sample_rate: sample_rate_hz,
            bits_per_sample: bits.bits(),
            sample_format: match bits {
                BitDepth::Float32 => hound::SampleFormat::Float,
                _ => hound::SampleFormat::Int,
            },
        };
        let file = tmp.reopen().map_err(|e| Error::io(path, e))?;
        let writer =
            hound::WavWriter::new(BufWriter::new(file), spec).map_err(hound_error(path))?;
        Ok(WavFile {
            writer,
            tmp,
            bits,
            channel_count,
            dither: Dither::new(),
        })
    }

    fn write(&mut self, path: &Path, channels: &[&[f32]]) -> Result<()> {
        let frames = check_channels(path, self.channel_count, channels)?;
        let err = hound_error(path);
        for frame in 0..frames {
            for ch in channels {
                let x = ch[frame];
                match self.bits {
                    BitDepth::Float32 => self.writer.write_sample(x).map_err(&err)?,
                    BitDepth::Int16 => self
                        .writer
                        .write_sample(self.dither.quantise(x, 16) as i16)
                        .map_err(&err)?,
                    BitDepth::Int24 => self
                        .writer
                        .write_sample(self.dither.quantise(x, 24))
                        .map_err(&err)?,
                }
            }
        }
        Ok(())
    }

    fn finish(self, path: &Path) -> Result<NamedTempFile> {
        self.writer.finalize().map_err(hound_error(path))?;
        Ok(self.tmp)
    }
}

/// FLAC written frame by frame: the stream header is reserved at the start and filled in
/// (sizes, sample count, MD5) once the last frame is out.
struct FlacFile {
    config: flacenc::error::Verified<flacenc::config::Encoder>,
    info: flacenc::component::StreamInfo,
    block: (FrameBuf, Context),
    /// Integer samples waiting for a full block, interleaved.
    pending: Vec<i32>,
    file: BufWriter<std::fs::File>,
    tmp: NamedTempFile,
    bits: u32,
    channel_count: usize,
    frame_number: usize,
    dither: Dither,
    bytes: flacenc::bitsink::ByteSink,
}

impl FlacFile {
    fn new(
        path: &Path,
        tmp: NamedTempFile,
        bits: BitDepth,
        sample_rate_hz: u32,
        channel_count: usize,
    ) -> Result<FlacFile> {
        // FileSink::create checked the depth and the channel count.
        let fail = |what: String| Error::Audio(format!("{}: {what}", path.display()));
        let config = flacenc::config::Encoder::default()
            .into_verified()
            .map_err(|(_, e)| fail(format!("FLAC encoder settings: {e}")))?;
        let block_size = config.block_size;
        let bits_n = usize::from(bits.bits());
        let info =
            flacenc::component::StreamInfo::new(sample_rate_hz as usize, channel_count, bits_n)
                .map_err(|e| fail(format!("FLAC stream: {e}")))?;
        let frame_buf = FrameBuf::with_size(channel_count, block_size)
            .map_err(|e| fail(format!("FLAC stream: {e}")))?;
        let mut file = BufWriter::new(tmp.reopen().map_err(|e| Error::io(path, e))?);
        // Room for "fLaC" and the STREAMINFO block, written for real by `finish`.
        file.write_all(&[0u8; HEADER_BYTES])
            .map_err(|e| Error::io(path, e))?;
        Ok(FlacFile {
            config,
            info,
            block: (frame_buf, Context::new(bits_n, channel_count)),
            pending: Vec::with_capacity(block_size * channel_count),
            file,
            tmp,
            bits: u32::from(bits.bits()),
            channel_count,
            frame_number: 0,
            dither: Dither::new(),
            bytes: flacenc::bitsink::ByteSink::new(),
        })
    }

    fn write(&mut self, path: &Path, channels: &[&[f32]]) -> Result<()> {
        let frames = check_channels(path, self.channel_count, channels)?;
        let block_samples = self.config.block_size * self.channel_count;
        for frame in 0..frames {
            for ch in channels {
                self.pending
                    .push(self.dither.quantise(ch[frame], self.bits));
            }
            if self.pending.len() == block_samples {
                self.encode_pending(path)?;
            }
        }
        Ok(())
    }

    fn encode_pending(&mut self, path: &Path) -> Result<()> {
        let fail = |e: String| Error::Audio(format!("{}: FLAC encoding: {e}", path.display()));
        self.block
            .fill_interleaved(&self.pending)
            .map_err(|e| fail(e.to_string()))?;
        self.pending.clear();
        let frame = flacenc::encode_fixed_size_frame(
            &self.config,
            &self.block.0,
            self.frame_number,
            &self.info,
        )
        .map_err(|e| fail(e.to_string()))?;
        self.frame_number += 1;
        self.info.update_frame_info(&frame);
        self.bytes.clear();
        frame
            .write(&mut self.bytes)
            .map_err(|e| fail(e.to_string()))?;
        self.file
            .write_all(self.bytes.as_slice())
            .map_err(|e| Error::io(path, e))
    }

    fn finish(mut self, path: &Path) -> Result<NamedTempFile> {
        let fail = |e: String| Error::Audio(format!("{}: FLAC encoding: {e}", path.display()));
        if !self.pending.is_empty() {
            self.encode_pending(path)?;
        }
        // flacenc counts a shorter last block in the minimum block size, which makes the
        // stream look variable-blocksize to decoders (symphonia then rejects every frame);
        // libFLAC, like the format, states the fixed size for both.
        let block_size = self.config.block_size;
        self.info
            .set_block_sizes(block_size, block_size)
            .map_err(|e| fail(e.to_string()))?;
        self.info.set_md5_digest(&self.block.1.md5_digest());
        self.info.set_total_samples(self.block.1.total_samples());
        let sample_rate = self.info.sample_rate();
        let mut stream =
            flacenc::component::Stream::new(sample_rate, self.channel_count, self.bits as usize)
                .map_err(|e| fail(e.to_string()))?;
        *stream.stream_info_mut() = self.info.clone();
        self.bytes.clear();
        stream
            .write(&mut self.bytes)
            .map_err(|e| fail(e.to_string()))?;
        let header = self.bytes.as_slice();
        if header.len() != HEADER_BYTES {
            return Err(fail(format!(
                "a stream header of {} bytes, expected {HEADER_BYTES}",
                header.len()
            )));
        }
        let io = |e| Error::io(path, e);
        self.file.flush().map_err(io)?;
        let mut file = self.file.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(header).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(self.tmp)
    }
}

/// "fLaC", then the STREAMINFO block: a 4-byte block header and 34 bytes of fields.
const HEADER_BYTES: usize = 4 + 4 + 34;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::decode::decode_file;

    fn tone(frames: usize) -> AudioBuffer {
        let left = (0..frames).map(|i| (i as f32 * 0.01).sin() * 0.5).collect();
        let right = (0..frames)
            .map(|i| (i as f32 * 0.003).cos() * 0.25)
            .collect();
        AudioBuffer::from_stereo(48_000, left, right)
    }

    #[test]
    fn flac_decodes_to_the_samples_of_the_wav() {
        let dir = tempfile::tempdir().unwrap();
        // Several blocks with a shorter last one, and less than one block.
        for (frames, bits) in [
            (10_000, BitDepth::Int16),
            (10_000, BitDepth::Int24),
            (1_000, BitDepth::Int24),
        ] {
            let buf = tone(frames);
            let (flac, wav) = (dir.path().join("a.flac"), dir.path().join("a.wav"));
            write_file(&flac, &buf, FileFormat::Flac(bits)).unwrap();
            write_file(&wav, &buf, FileFormat::Wav(bits)).unwrap();
            let from_flac = decode_file(&flac).unwrap();
            let from_wav = crate::audio::wav::read_wav(&wav).unwrap();
            assert_eq!(from_flac.frames(), frames);
            assert_eq!(from_flac, from_wav, "{bits:?}");
        }
        let buf = AudioBuffer::from_mono(48_000, vec![0.0; 100]);
        let e = write_file(
            &dir.path().join("f.flac"),
            &buf,
            FileFormat::Flac(BitDepth::Float32),
        )
        .unwrap_err();
        assert!(e.to_string().contains("not floats"), "{e}");
    }

    #[test]
    fn blocks_of_any_size_write_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let buf = tone(20_000);
        for format in [
            FileFormat::Wav(BitDepth::Int16),
            FileFormat::Flac(BitDepth::Int24),
            FileFormat::Opus { bitrate_kbps: 64 },
        ] {
            let whole = dir.path().join("whole");
            write_file(&whole, &buf, format).unwrap();
            let pieces = dir.path().join("pieces");
            let mut sink = FileSink::create(&pieces, format, 48_000, 2).unwrap();
            let mut at = 0;
            for len in [1, 4095, 7, 10_000, 5_897] {
                let block: Vec<&[f32]> = buf.channels.iter().map(|c| &c[at..at + len]).collect();
                sink.write(&block).unwrap();
                at += len;
            }
            assert_eq!(at, 20_000);
            sink.finish().unwrap();
            assert_eq!(
                std::fs::read(&whole).unwrap(),
                std::fs::read(&pieces).unwrap(),
                "{format:?}"
            );
        }
    }

    #[test]
    fn the_format_follows_the_extension_in_any_case() {
        let bits = BitDepth::Int16;
        for (name, bitrate, format) in [
            ("a.wav", None, FileFormat::Wav(bits)),
            ("a.FLAC", None, FileFormat::Flac(bits)),
            (
                "dir.mp3/a.Mp3",
                Some(128),
                FileFormat::Mp3(Mp3Bitrate::Kbps128),
            ),
            ("a.mp3", None, FileFormat::Mp3(Mp3Bitrate::Kbps192)),
            ("a.opus", None, FileFormat::Opus { bitrate_kbps: 96 }),
            ("a.OPUS", Some(510), FileFormat::Opus { bitrate_kbps: 510 }),
            ("a.mp3.wav", None, FileFormat::Wav(bits)),
        ] {
            assert_eq!(
                FileFormat::for_path(Path::new(name), bits, bitrate).unwrap(),
                format,
                "{name}"
            );
        }
        for (name, bitrate, says) in [
            (
                "a",
                None,
                "a: onair writes .wav, .flac, .mp3 or .opus files (any case), not a name without an extension",
            ),
            ("a.ogg", None, "not .ogg"),
            ("wav", None, "not a name without an extension"),
            (
                "a.wav",
                Some(128),
                "--bitrate applies to MP3 and Opus output only",
            ),
            ("a.mp3", Some(160), "not 160"),
            ("a.opus", Some(5), "not 5"),
            ("a.opus", Some(511), "not 511"),
        ] {
            let e = FileFormat::for_path(Path::new(name), bits, bitrate).unwrap_err();
            assert!(e.is_invalid_input(), "{name}");
            assert!(e.to_string().contains(says), "{name}: {e}");
        }
    }

    #[test]
    fn an_unfinished_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.wav");
        let mut sink =
            FileSink::create(&path, FileFormat::Wav(BitDepth::Int16), 48_000, 2).unwrap();
        sink.write(&[&[0.1; 100], &[0.2; 100]]).unwrap();
        assert!(sink.write(&[&[0.1; 10]]).is_err(), "one channel of two");
        drop(sink);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
