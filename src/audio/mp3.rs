//! MP3 files: LAME (through the mp3lame-encoder crate) at a constant 128 or 192 kbps, joint
//! stereo, behind an ID3v2 tag (title, chapters; see [`super::id3`]).
//!
//! Written block by block, so a long episode never needs its whole MP3 in memory: the tag
//! first, then the frames as LAME makes them, into a temporary file beside the target. LAME's
//! first frame is a placeholder for its Info frame, which it can only fill in at the end; it
//! states the encoder delay and padding, so decoders (ffmpeg, browsers, podcast players) trim
//! them and the decoded track is exactly as long as the master. [`Mp3Writer::finish`]
//! writes that frame over the placeholder and renames the file into place; a writer dropped
//! before `finish` removes its temporary file, so a failed render leaves nothing behind.

use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use mp3lame_encoder::{Builder, DualPcm, Encoder, FlushGap, Mode, Quality};
use tempfile::NamedTempFile;

use crate::audio::AudioBuffer;
use crate::audio::id3::Id3Tags;
use crate::{Error, Result};

/// Constant bitrates onair writes: 128 kbps is the usual podcast rate for speech with
/// music, 192 kbps keeps music cleaner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mp3Bitrate {
    Kbps128,
    /// The default.
    #[default]
    Kbps192,
}

impl Mp3Bitrate {
    pub fn kbps(self) -> u32 {
        match self {
            Mp3Bitrate::Kbps128 => 128,
            Mp3Bitrate::Kbps192 => 192,
        }
    }

    fn lame(self) -> mp3lame_encoder::Bitrate {
        match self {
            Mp3Bitrate::Kbps128 => mp3lame_encoder::Bitrate::Kbps128,
            Mp3Bitrate::Kbps192 => mp3lame_encoder::Bitrate::Kbps192,
        }
    }
}

/// How to write an MP3.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mp3Options {
    /// Default: 192 kbps.
    pub bitrate: Mp3Bitrate,
    /// The ID3v2 tag. Its `encoder` (TSSE) is filled in with LAME's version and the bitrate
    /// when left empty.
    pub tags: Id3Tags,
}

/// Sample rates an MP3 can hold: MPEG-1, MPEG-2 and MPEG-2.5.
pub const MP3_SAMPLE_RATES_HZ: [u32; 9] = [
    8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000,
];

/// The sample rate an MP3 of a track at `sample_rate_hz` has: the same when MP3 holds it;
/// else the highest MP3 rate that divides it (88.2 kHz → 44.1 kHz, 96 and 192 kHz →
/// 48 kHz), to which LAME resamples while encoding. Other rates are refused with an
/// [`Error::BadInput`] that lists what works.
pub fn mp3_sample_rate_hz(sample_rate_hz: u32) -> Result<u32> {
    if sample_rate_hz == 0 {
        return Err(Error::BadInput("MP3: a sample rate of 0 Hz".into()));
    }
    MP3_SAMPLE_RATES_HZ
        .iter()
        .rev()
        .find(|r| sample_rate_hz.is_multiple_of(**r))
        .copied()
        .ok_or_else(|| {
            let rates: Vec<String> = MP3_SAMPLE_RATES_HZ.iter().map(u32::to_string).collect();
            Error::BadInput(format!(
                "MP3 holds sample rates of {} Hz (or whole multiples of them, which are resampled); {sample_rate_hz} Hz is neither; render at one of these rates, or write WAV or FLAC",
                rates.join(", ")
            ))
        })
}

/// Frames handed to LAME at once: bounds the output buffer whatever block size callers use.
const CHUNK_FRAMES: usize = 8192;

/// An MP3 file being written. Create it, [`write`](Mp3Writer::write) blocks of stereo
/// samples in order, then [`finish`](Mp3Writer::finish).
pub struct Mp3Writer {
    path: PathBuf,
    encoder: Encoder,
    out: BufWriter<NamedTempFile>,
    /// The tag, until it is written ahead of the first audio.
    tags: Option<Id3Tags>,
    /// Bytes of the ID3v2 tag: where LAME's Info frame goes.
    tag_len: u64,
    /// LAME's output for one chunk.
    encoded: Vec<u8>,
}

impl Mp3Writer {
    /// Starts an MP3 at `path` for samples at `sample_rate_hz` (see [`mp3_sample_rate_hz`]
    /// for the rates accepted). Writes the ID3v2 tag at once, so bad tags fail before any
    /// audio is encoded. Nothing appears at `path` until [`finish`](Mp3Writer::finish).
    pub fn create(path: &Path, sample_rate_hz: u32, options: &Mp3Options) -> Result<Mp3Writer> {
        let fail = |what: String| Error::Audio(format!("{}: {what}", path.display()));
        let out_rate_hz = mp3_sample_rate_hz(sample_rate_hz)?;
        let lame = |what: &str, e: mp3lame_encoder::BuildError| fail(format!("LAME {what}: {e}"));
        let encoder = Builder::new()
            .ok_or_else(|| fail("LAME could not start (out of memory)".into()))?
            .with_num_channels(2)
            .map_err(|e| lame("channels", e))?
            .with_sample_rate(sample_rate_hz)
            .map_err(|e| lame("input sample rate", e))?
            .with_output_sample_rate(std::num::NonZeroU32::new(out_rate_hz))
            .map_err(|e| lame("output sample rate", e))?
            .with_brate(options.bitrate.lame())
            .map_err(|e| lame("bitrate", e))?
            // Joint stereo for every track, mono ones too (both channels the same, which
            // joint stereo codes at almost no cost), so every file is the same kind.
            .with_mode(Mode::JointStereo)
            .map_err(|e| lame("mode", e))?
            // LAME's recommended high-quality setting (`-q 2`); 0 and 1 are much slower
            // for little audible gain.
            .with_quality(Quality::NearBest)
            .map_err(|e| lame("quality", e))?
            // The Info frame with encoder delay and padding (also written for CBR).
            .with_to_write_vbr_tag(true)
            .map_err(|e| lame("Info frame", e))?
            .build()
            .map_err(|e| lame("settings", e))?;

        let mut tags = options.tags.clone();
        if tags.encoder.is_empty() {
            tags.encoder = format!(
                "onair {} (LAME {}, {} kbps CBR)",
                env!("CARGO_PKG_VERSION"),
                mp3lame_encoder::mp3lame_version(),
                options.bitrate.kbps()
            );
        }
        // Bad tags fail before any audio is encoded.
        tags.to_bytes().map_err(|e| fail(e.to_string()))?;

        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = crate::fsutil::temp_beside(dir, ".mp3").map_err(|e| Error::io(path, e))?;
        Ok(Mp3Writer {
            path: path.to_owned(),
            encoder,
            out: BufWriter::with_capacity(1 << 16, tmp),
            tags: Some(tags),
            tag_len: 0,
            encoded: Vec::new(),
        })
    }

    /// Replaces the tag's title and chapters (a render knows them only once its timeline is
    /// fixed). Only before the first [`write`](Mp3Writer::write).
    pub fn set_tags(&mut self, track: &super::sink::Track) -> Result<()> {
        let Some(tags) = &mut self.tags else {
            return Err(Error::Audio(format!(
                "{}: the ID3 tag is already written",
                self.path.display()
            )));
        };
        let new = Id3Tags {
            title: track.title.clone(),
            chapters: track.chapters.clone(),
            encoder: tags.encoder.clone(),
            comment: track.credits.clone(),
        };
        new.to_bytes()
            .map_err(|e| Error::Audio(format!("{}: {e}", self.path.display())))?;
        *tags = new;
        Ok(())
    }

    /// Writes the tag ahead of the first audio.
    fn write_tag(&mut self) -> Result<()> {
        if let Some(tags) = self.tags.take() {
            let tag = tags
                .to_bytes()
                .map_err(|e| Error::Audio(format!("{}: {e}", self.path.display())))?;
            self.out
                .write_all(&tag)
                .map_err(|e| Error::io(&self.path, e))?;
            self.tag_len = tag.len() as u64;
        }
        Ok(())
    }

    /// Encodes the next block: `left` and `right` samples (nominally -1..1) of equal length.
    /// For a mono track, pass the same samples twice.
    pub fn write(&mut self, left: &[f32], right: &[f32]) -> Result<()> {
        if left.len() != right.len() {
            return Err(Error::Audio(format!(
                "{}: a block of {} left and {} right samples; both channels need the same length",
                self.path.display(),
                left.len(),
                right.len()
            )));
        }
        self.write_tag()?;
        for (left, right) in left.chunks(CHUNK_FRAMES).zip(right.chunks(CHUNK_FRAMES)) {
            self.encoded.clear();
            self.encoded
                .reserve(mp3lame_encoder::max_required_buffer_size(left.len()));
            self.encoder
                .encode_to_vec(DualPcm { left, right }, &mut self.encoded)
                .map_err(|e| Error::Audio(format!("{}: LAME: {e}", self.path.display())))?;
            self.out
                .write_all(&self.encoded)
                .map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(())
    }

    /// Encodes what LAME still holds, fills in its Info frame, and renames the file into
    /// place.
    pub fn finish(mut self) -> Result<()> {
        self.write_tag()?;
        let path = self.path;
        let lame_err = |e: mp3lame_encoder::EncodeError| {
            Error::Audio(format!("{}: LAME: {e}", path.display()))
        };
        self.encoded.clear();
        // The last frames, padded with silence (which the Info frame tells decoders to drop).
        self.encoded
            .reserve(mp3lame_encoder::max_required_buffer_size(0));
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.encoded)
            .map_err(lame_err)?;
        self.out
            .write_all(&self.encoded)
            .map_err(|e| Error::io(&path, e))?;
        let mut tmp = self
            .out
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;

        let mut info = Vec::with_capacity(self.encoder.lame_tag_size());
        if self.encoder.lame_tag_encode_to_vec(&mut info).is_none() {
            return Err(Error::Audio(format!(
                "{}: LAME wrote no Info frame (no audio was encoded)",
                path.display()
            )));
        }
        tmp.seek(SeekFrom::Start(self.tag_len))
            .and_then(|_| tmp.write_all(&info))
            .map_err(|e| Error::io(&path, e))?;
        crate::fsutil::persist(tmp, &path).map_err(|e| Error::io(&path, e))
    }
}

/// Writes `buf` (one or two channels) to `path` as an MP3, atomically; see [`Mp3Writer`].
pub fn write_mp3(path: &Path, buf: &AudioBuffer, options: &Mp3Options) -> Result<()> {
    let (left, right) = match buf.channels.as_slice() {
        [mono] => (mono, mono),
        [left, right] => (left, right),
        other => {
            return Err(Error::Audio(format!(
                "{}: MP3 holds one or two channels, not {}; fold the track to stereo first",
                path.display(),
                other.len()
            )));
        }
    };
    let mut writer = Mp3Writer::create(path, buf.sample_rate_hz, options)?;
    writer.write(left, right)?;
    writer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::decode::decode_file;

    fn sine(rate_hz: u32, frames: usize, hz: f32) -> Vec<f32> {
        (0..frames)
            .map(|i| 0.5 * (std::f32::consts::TAU * hz * i as f32 / rate_hz as f32).sin())
            .collect()
    }

    #[test]
    fn streamed_blocks_make_the_same_file_as_one_block() {
        let dir = tempfile::tempdir().unwrap();
        let rate = 48_000;
        let left = sine(rate, 100_000, 440.0);
        let right = sine(rate, 100_000, 660.0);
        let options = Mp3Options {
            bitrate: Mp3Bitrate::Kbps128,
            tags: Id3Tags {
                title: "Blocks".into(),
                ..Id3Tags::default()
            },
        };
        let whole = dir.path().join("whole.mp3");
        write_mp3(
            &whole,
            &AudioBuffer::from_stereo(rate, left.clone(), right.clone()),
            &options,
        )
        .unwrap();
        let blocks = dir.path().join("blocks.mp3");
        let mut w = Mp3Writer::create(&blocks, rate, &options).unwrap();
        // Uneven blocks, one of them empty.
        for (a, b) in [(0, 1000), (1000, 1000), (1000, 30_001), (30_001, 100_000)] {
            w.write(&left[a..b], &right[a..b]).unwrap();
        }
        w.finish().unwrap();
        let (a, b) = (
            std::fs::read(&whole).unwrap(),
            std::fs::read(&blocks).unwrap(),
        );
        assert!(a == b, "block size changed the encoding");
        assert!(a.starts_with(b"ID3\x03"));

        // The Info frame (written over LAME's placeholder) is the first frame after the tag:
        // its "Info" follows the 4-byte header and 32 bytes of MPEG-1 stereo side info.
        let tag_len = 10 + a[6..10].iter().fold(0, |n, b| (n << 7) | usize::from(*b));
        assert_eq!(
            &a[tag_len..tag_len + 2],
            b"\xff\xfb",
            "an MPEG-1 layer III frame"
        );
        assert_eq!(&a[tag_len + 36..tag_len + 40], b"Info");
        // CBR at 128 kbps: about 16 kB a second.
        let seconds = 100_000.0 / f64::from(rate);
        let expected = 128_000.0 / 8.0 * seconds;
        assert!(
            (a.len() as f64 - expected).abs() < expected * 0.05,
            "{} bytes for {seconds:.2} s",
            a.len()
        );
        // Symphonia decodes it (it does not trim LAME's delay: length within two frames).
        let decoded = decode_file(&whole).unwrap();
        assert_eq!(decoded.sample_rate_hz, rate);
        assert_eq!(decoded.channel_count(), 2);
        assert!(
            decoded.frames().abs_diff(100_000) <= 2 * 1152 + 576,
            "{} frames",
            decoded.frames()
        );
        let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(files.len(), 2, "temporary files were left behind");
    }

    #[test]
    fn unfinished_writers_leave_nothing_and_empty_ones_finish() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.mp3");
        let mut w = Mp3Writer::create(&path, 44_100, &Mp3Options::default()).unwrap();
        w.write(&[0.1; 5000], &[0.1; 5000]).unwrap();
        assert!(w.write(&[0.1; 10], &[0.1; 9]).is_err());
        drop(w);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        // No samples at all: still a whole file (LAME's delay and padding, all trimmed).
        let empty = dir.path().join("empty.mp3");
        Mp3Writer::create(&empty, 44_100, &Mp3Options::default())
            .unwrap()
            .finish()
            .unwrap();
        assert!(decode_file(&empty).unwrap().frames() <= 2 * 1152 + 576);
    }

    #[test]
    fn sample_rates_map_to_mp3_rates_or_are_refused() {
        for (rate, mp3) in [
            (8_000, 8_000),
            (22_050, 22_050),
            (48_000, 48_000),
            (88_200, 44_100),
            (96_000, 48_000),
            (192_000, 48_000),
        ] {
            assert_eq!(mp3_sample_rate_hz(rate).unwrap(), mp3, "{rate}");
        }
        let e = mp3_sample_rate_hz(44_000).unwrap_err();
        assert!(e.is_invalid_input());
        assert!(e.to_string().contains("44000 Hz is neither"), "{e}");

        // Mono, and a rate LAME resamples: decoded at the MP3 rate, about as long.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.mp3");
        let buf = AudioBuffer::from_mono(96_000, sine(96_000, 96_000, 300.0));
        write_mp3(&path, &buf, &Mp3Options::default()).unwrap();
        let decoded = decode_file(&path).unwrap();
        assert_eq!(decoded.sample_rate_hz, 48_000);
        assert_eq!(decoded.channel_count(), 2);
        assert!(
            decoded.frames().abs_diff(48_000) <= 3 * 1152,
            "{}",
            decoded.frames()
        );
        let three = AudioBuffer::silence(48_000, 3, 10);
        assert!(write_mp3(&dir.path().join("t.mp3"), &three, &Mp3Options::default()).is_err());
    }
}
