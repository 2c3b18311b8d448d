//! Ogg Opus files (RFC 7845): libopus (through the `opus` crate, which builds it from
//! source) at a variable bitrate in 20 ms packets, in an Ogg stream written by
//! [`super::ogg`], with the title and chapters as Vorbis comments.
//!
//! Opus runs at 48 kHz: a track at another rate is resampled as it streams in (with the
//! filter of [`super::resample`]). The decoded track is exactly as long as the master: the
//! OpusHead's pre-skip tells decoders to drop the encoder's lookahead, and the last page's
//! granule position ends the track inside the last packet, whose rest is padding.
//!
//! Written block by block into a temporary file beside the target and renamed into place by
//! [`OpusWriter::finish`]; a writer dropped before that removes its temporary file.

use std::io::BufWriter;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::audio::Chapter;
use crate::audio::ogg::OggWriter;
use crate::audio::resample::StreamResampler;
use crate::{Error, Result};

/// The rate Opus codes at, and that every decoder outputs.
pub const OPUS_SAMPLE_RATE_HZ: u32 = 48_000;

/// The bitrates, kbps, that `--bitrate` takes for Opus: Opus's whole range.
pub const OPUS_KBPS: RangeInclusive<u32> = 6..=510;

/// 96 kbps: transparent for speech and music in stereo, two thirds of a 128 kbps MP3's size.
pub const DEFAULT_OPUS_KBPS: u32 = 96;

/// Samples per channel in a packet: 20 ms, libopus's best trade of quality and overhead.
const FRAME_SAMPLES: usize = 960;

/// Packets per Ogg page: one second, as opusenc pages, so a player seeks to within a second
/// and a page costs 27 bytes and a lacing value per packet.
const PACKETS_PER_PAGE: usize = 50;

/// The largest packet libopus makes (at 510 kbps, 20 ms stereo: 1275 bytes), with room.
const MAX_PACKET_BYTES: usize = 4000;

/// The Ogg stream's serial number. Any fixed value: one stream per file, and the same
/// render writes the same bytes.
const SERIAL: u32 = 0x6f6e_6169;

/// Chapters that Vorbis-comment numbering (CHAPTER001 to CHAPTER999) holds.
const MAX_CHAPTERS: usize = 999;

/// An Ogg Opus file being written. Create it, [`write`](OpusWriter::write) blocks in order,
/// then [`finish`](OpusWriter::finish).
pub struct OpusWriter {
    path: PathBuf,
    encoder: opus::Encoder,
    ogg: OggWriter<BufWriter<NamedTempFile>>,
    /// Title and chapters, until the headers are written ahead of the first audio.
    tags: Option<(String, Vec<Chapter>, String)>,
    bitrate_kbps: u32,
    sample_rate_hz: u32,
    channel_count: usize,
    /// For a track not at 48 kHz.
    resampler: Option<StreamResampler>,
    /// 48 kHz samples, interleaved, waiting for a whole packet.
    pcm: Vec<f32>,
    /// 48 kHz frames of the track so far.
    frames: u64,
    /// The encoder's lookahead: decoded samples before the track's first.
    pre_skip: u16,
    /// Frames handed to the encoder, the silence that fills the last packet included.
    frames_encoded: u64,
    packets_on_page: usize,
    packet: Vec<u8>,
}

impl OpusWriter {
    /// Starts an Opus file at `path` of a track of `channel_count` (1 or 2) channels at
    /// `sample_rate_hz`, at `bitrate_kbps` (see [`OPUS_KBPS`]). Nothing appears at `path`
    /// until [`finish`](OpusWriter::finish).
    pub fn create(
        path: &Path,
        sample_rate_hz: u32,
        channel_count: usize,
        bitrate_kbps: u32,
    ) -> Result<OpusWriter> {
        let fail = |what: String| Error::Audio(format!("{}: {what}", path.display()));
        if !OPUS_KBPS.contains(&bitrate_kbps) {
            return Err(Error::BadInput(bitrate_error(path, bitrate_kbps)));
        }
        let channels = match channel_count {
            1 => opus::Channels::Mono,
            2 => opus::Channels::Stereo,
            n => return Err(fail(format!("Opus output holds 1 or 2 channels, not {n}"))),
        };
        let libopus = |what: &str, e: opus::Error| fail(format!("libopus {what}: {e}"));
        let mut encoder =
            opus::Encoder::new(OPUS_SAMPLE_RATE_HZ, channels, opus::Application::Audio)
                .map_err(|e| libopus("encoder", e))?;
        encoder
            .set_bitrate(opus::Bitrate::Bits(bitrate_kbps as i32 * 1000))
            .map_err(|e| libopus("bitrate", e))?;
        let pre_skip = encoder
            .get_lookahead()
            .map_err(|e| libopus("lookahead", e))?;
        let pre_skip = u16::try_from(pre_skip)
            .map_err(|_| fail(format!("libopus states a lookahead of {pre_skip} samples")))?;
        let resampler = if sample_rate_hz == OPUS_SAMPLE_RATE_HZ {
            None
        } else {
            Some(StreamResampler::new(
                sample_rate_hz,
                OPUS_SAMPLE_RATE_HZ,
                channel_count,
            )?)
        };
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = crate::fsutil::temp_beside(dir, ".opus").map_err(|e| Error::io(path, e))?;
        Ok(OpusWriter {
            path: path.to_owned(),
            encoder,
            ogg: OggWriter::new(BufWriter::with_capacity(1 << 16, tmp), SERIAL),
            tags: Some((String::new(), Vec::new(), String::new())),
            bitrate_kbps,
            sample_rate_hz,
            channel_count,
            resampler,
            pcm: Vec::new(),
            frames: 0,
            pre_skip,
            frames_encoded: 0,
            packets_on_page: 0,
            packet: vec![0; MAX_PACKET_BYTES],
        })
    }

    /// Sets the title and chapters. Only before the first [`write`](OpusWriter::write).
    pub fn set_tags(&mut self, track: &super::sink::Track) -> Result<()> {
        let chapters = &track.chapters;
        let Some(tags) = &mut self.tags else {
            return Err(Error::Audio(format!(
                "{}: the Opus headers are already written",
                self.path.display()
            )));
        };
        if chapters.len() > MAX_CHAPTERS {
            return Err(Error::BadInput(format!(
                "{}: an Opus file holds at most {MAX_CHAPTERS} chapters, and the script has {}",
                self.path.display(),
                chapters.len()
            )));
        }
        *tags = (track.title.clone(), chapters.clone(), track.credits.clone());
        Ok(())
    }

    /// Encodes the next block: one slice per channel, all the same length.
    pub fn write(&mut self, channels: &[&[f32]]) -> Result<()> {
        let frames = channels.first().map_or(0, |c| c.len());
        if channels.len() != self.channel_count || channels.iter().any(|c| c.len() != frames) {
            return Err(Error::Audio(format!(
                "{}: a block of {} channels (of unequal lengths?) for a {}-channel file",
                self.path.display(),
                channels.len(),
                self.channel_count
            )));
        }
        self.write_headers()?;
        let before = self.pcm.len();
        match &mut self.resampler {
            Some(r) => r.write(channels, &mut self.pcm)?,
            None => self
                .pcm
                .extend((0..frames).flat_map(|i| channels.iter().map(move |c| c[i]))),
        }
        self.frames += ((self.pcm.len() - before) / self.channel_count) as u64;
        self.encode_whole_packets(None)
    }

    /// Encodes the rest, padded to a whole packet, ends the stream at the track's last
    /// sample, and renames the file into place.
    pub fn finish(mut self) -> Result<()> {
        self.write_headers()?;
        if let Some(r) = self.resampler.take() {
            let before = self.pcm.len();
            r.finish(&mut self.pcm)?;
            self.frames += ((self.pcm.len() - before) / self.channel_count) as u64;
        }
        // Decoders drop the first `pre_skip` samples, so the track's last one comes out after
        // pre_skip + frames; the last packet is filled up with silence past it.
        let end = u64::from(self.pre_skip) + self.frames;
        let queued = self.frames_encoded + (self.pcm.len() / self.channel_count) as u64;
        let padded = end.div_ceil(FRAME_SAMPLES as u64) * FRAME_SAMPLES as u64;
        self.pcm.resize(
            self.pcm.len() + (padded - queued) as usize * self.channel_count,
            0.0,
        );
        self.encode_whole_packets(Some(end))?;
        let path = self.path;
        let io = |e| Error::io(&path, e);
        self.ogg.end_page(true).map_err(io)?;
        let tmp = self
            .ogg
            .into_inner()
            .into_inner()
            .map_err(|e| io(e.into_error()))?;
        crate::fsutil::persist(tmp, &path).map_err(io)
    }

    /// Encodes every whole packet of `pcm`. Each ends at the number of samples decoded
    /// through it, or at `end`, the track's end, for the last.
    fn encode_whole_packets(&mut self, end: Option<u64>) -> Result<()> {
        let samples = FRAME_SAMPLES * self.channel_count;
        let whole = self.pcm.len() / samples * samples;
        let io = |e| Error::io(&self.path, e);
        let count = whole / samples;
        for (i, frame) in self.pcm[..whole].chunks_exact(samples).enumerate() {
            let len = self
                .encoder
                .encode_float(frame, &mut self.packet)
                .map_err(|e| Error::Audio(format!("{}: libopus: {e}", self.path.display())))?;
            self.frames_encoded += FRAME_SAMPLES as u64;
            let granule = end.map_or(self.frames_encoded, |e| e.min(self.frames_encoded));
            self.ogg.packet(&self.packet[..len], granule).map_err(io)?;
            self.packets_on_page += 1;
            // The track's last packet stays on the page that `finish` ends: ended here, it
            // would leave `finish` an empty last page, with no granule position to cut the
            // padding at (ffmpeg then decodes the padding too).
            let last = end.is_some() && i + 1 == count;
            if self.packets_on_page == PACKETS_PER_PAGE && !last {
                self.ogg.end_page(false).map_err(io)?;
                self.packets_on_page = 0;
            }
        }
        self.pcm.drain(..whole);
        Ok(())
    }

    /// The identification and comment headers, each on a page of its own, ahead of the
    /// first audio.
    fn write_headers(&mut self) -> Result<()> {
        let Some((title, chapters, credits)) = self.tags.take() else {
            return Ok(());
        };
        let head = opus_head(self.channel_count as u8, self.pre_skip, self.sample_rate_hz);
        let mut comments = Vec::new();
        if !title.is_empty() {
            comments.push(format!("TITLE={title}"));
        }
        comments.push(format!(
            "ENCODER=onair {} ({} kbps VBR)",
            env!("CARGO_PKG_VERSION"),
            self.bitrate_kbps
        ));
        for (i, c) in chapters.iter().enumerate() {
            comments.push(format!("CHAPTER{:03}={}", i + 1, chapter_time(c.start_s)));
            comments.push(format!("CHAPTER{:03}NAME={}", i + 1, c.title));
        }
        if !credits.is_empty() {
            comments.push(format!("COMMENT={credits}"));
        }
        let tags = opus_tags(opus::version(), &comments);
        let io = |e| Error::io(&self.path, e);
        self.ogg.packet(&head, 0).map_err(io)?;
        self.ogg.end_page(false).map_err(io)?;
        self.ogg.packet(&tags, 0).map_err(io)?;
        self.ogg.end_page(false).map_err(io)
    }
}

/// The error for a bitrate Opus is not written at.
pub fn bitrate_error(path: &Path, kbps: u32) -> String {
    format!(
        "{}: Opus is written at --bitrate {} to {} (kbps; default {DEFAULT_OPUS_KBPS}), not {kbps}",
        path.display(),
        OPUS_KBPS.start(),
        OPUS_KBPS.end()
    )
}

/// The identification header (RFC 7845, 5.1): channel mapping family 0 (mono or stereo),
/// no output gain. The input rate is only informative: decoders play at 48 kHz.
fn opus_head(channel_count: u8, pre_skip: u16, input_rate_hz: u32) -> Vec<u8> {
    let mut head = b"OpusHead".to_vec();
    head.push(1); // version
    head.push(channel_count);
    head.extend_from_slice(&pre_skip.to_le_bytes());
    head.extend_from_slice(&input_rate_hz.to_le_bytes());
    head.extend_from_slice(&0i16.to_le_bytes()); // output gain
    head.push(0); // mapping family
    head
}

/// The comment header (RFC 7845, 5.2): the vendor, then `KEY=value` comments, each with its
/// length (a Vorbis comment list without the framing bit).
fn opus_tags(vendor: &str, comments: &[String]) -> Vec<u8> {
    let mut tags = b"OpusTags".to_vec();
    let string = |tags: &mut Vec<u8>, s: &str| {
        tags.extend_from_slice(&(s.len() as u32).to_le_bytes());
        tags.extend_from_slice(s.as_bytes());
    };
    string(&mut tags, vendor);
    tags.extend_from_slice(&(comments.len() as u32).to_le_bytes());
    for c in comments {
        string(&mut tags, c);
    }
    tags
}

/// A chapter's start as the Vorbis chapter extension writes it: HH:MM:SS.mmm.
fn chapter_time(start_s: f64) -> String {
    let ms = (start_s.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioBuffer;
    use crate::audio::ogg::tests::{packets, pages};

    fn sine(rate_hz: u32, frames: usize, hz: f32) -> Vec<f32> {
        (0..frames)
            .map(|i| 0.5 * (std::f32::consts::TAU * hz * i as f32 / rate_hz as f32).sin())
            .collect()
    }

    /// What a decoder makes of a file: the header fields, the comments, and the track (pre-skip
    /// dropped, cut at the last granule position), per channel.
    struct Decoded {
        channel_count: usize,
        pre_skip: usize,
        input_rate_hz: u32,
        comments: Vec<String>,
        channels: Vec<Vec<f32>>,
    }

    fn decode(path: &Path) -> Decoded {
        let bytes = std::fs::read(path).unwrap();
        let pages = pages(&bytes, SERIAL);
        assert_eq!(pages[0].flags, 2, "the first page begins the stream");
        assert_eq!(pages.last().unwrap().flags & 4, 4, "the last page ends it");
        assert!(
            pages
                .iter()
                .enumerate()
                .all(|(i, p)| p.sequence == i as u32)
        );
        assert_eq!(pages[0].lacing.len(), 1, "OpusHead alone on the first page");
        let packets = packets(&pages);
        let head = &packets[0];
        assert_eq!((&head[..8], head.len(), head[8]), (&b"OpusHead"[..], 19, 1));
        let channel_count = usize::from(head[9]);
        let pre_skip = usize::from(u16::from_le_bytes([head[10], head[11]]));
        let input_rate_hz = u32::from_le_bytes(head[12..16].try_into().unwrap());
        assert_eq!(&head[16..], [0, 0, 0], "no gain, mapping family 0");
        // OpusTags ends its page: the audio starts on a page of its own.
        assert_eq!(pages[1].granule, 0);
        assert_eq!(&packets[1][..8], b"OpusTags");
        let tags = &packets[1][8..];
        let mut at = 0;
        let string = |at: &mut usize| {
            let n = u32::from_le_bytes(tags[*at..*at + 4].try_into().unwrap()) as usize;
            *at += 4 + n;
            String::from_utf8(tags[*at - n..*at].to_vec()).unwrap()
        };
        let vendor = string(&mut at);
        assert!(vendor.starts_with("libopus "), "{vendor}");
        let count = u32::from_le_bytes(tags[at..at + 4].try_into().unwrap());
        at += 4;
        let comments = (0..count).map(|_| string(&mut at)).collect();
        assert_eq!(at, tags.len(), "nothing after the comments");
        let end = pages.last().unwrap().granule as usize;

        let channels = if channel_count == 1 {
            opus::Channels::Mono
        } else {
            opus::Channels::Stereo
        };
        let mut decoder = opus::Decoder::new(48_000, channels).unwrap();
        let mut pcm = Vec::new();
        let mut out = vec![0f32; 5760 * channel_count];
        for packet in &packets[2..] {
            let n = decoder.decode_float(packet, &mut out, false).unwrap();
            assert_eq!(n, FRAME_SAMPLES);
            pcm.extend_from_slice(&out[..n * channel_count]);
        }
        let decoded = pcm.len() / channel_count;
        assert!(
            end <= decoded && decoded - end < FRAME_SAMPLES,
            "{end} of {decoded}"
        );
        let channels = (0..channel_count)
            .map(|c| {
                (pre_skip..end)
                    .map(|i| pcm[i * channel_count + c])
                    .collect()
            })
            .collect();
        Decoded {
            channel_count,
            pre_skip,
            input_rate_hz,
            comments,
            channels,
        }
    }

    /// Signal-to-error ratio, dB.
    fn snr_db(reference: &[f32], decoded: &[f32]) -> f64 {
        let (mut signal, mut error) = (0.0f64, 0.0f64);
        for (r, d) in reference.iter().zip(decoded) {
            signal += f64::from(*r).powi(2);
            error += f64::from(d - r).powi(2);
        }
        10.0 * (signal / error).log10()
    }

    #[test]
    fn a_file_decodes_to_the_track_with_its_title_and_chapters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.opus");
        let (left, right) = (sine(48_000, 50_017, 440.0), sine(48_000, 50_017, 660.0));
        let mut w = OpusWriter::create(&path, 48_000, 2, 128).unwrap();
        let chapter = |title: &str, start_s: f64| Chapter {
            title: title.into(),
            start_s,
            end_s: 0.0,
        };
        w.set_tags(&crate::audio::sink::Track {
            title: "Tést = title".into(),
            chapters: vec![chapter("Intro", 0.0), chapter("Two = 2", 3723.4567)],
            credits: "\"Cow\" by Jarred Gibb. CC0-1.0.".into(),
        })
        .unwrap();
        w.write(&[&left[..1000], &right[..1000]]).unwrap();
        assert!(
            w.set_tags(&crate::audio::sink::Track::default()).is_err(),
            "the headers are out"
        );
        w.write(&[&left[1000..], &right[1000..]]).unwrap();
        w.finish().unwrap();

        let d = decode(&path);
        assert_eq!((d.channel_count, d.input_rate_hz), (2, 48_000));
        assert!(d.pre_skip > 0, "libopus has a lookahead");
        assert_eq!(
            d.comments,
            [
                "TITLE=Tést = title".to_owned(),
                format!("ENCODER=onair {} (128 kbps VBR)", env!("CARGO_PKG_VERSION")),
                "CHAPTER001=00:00:00.000".into(),
                "CHAPTER001NAME=Intro".into(),
                "CHAPTER002=01:02:03.457".into(),
                "CHAPTER002NAME=Two = 2".into(),
                "COMMENT=\"Cow\" by Jarred Gibb. CC0-1.0.".into(),
            ]
        );
        assert_eq!(d.channels[0].len(), 50_017, "exactly the track's length");
        // In step with the input: lossy, but close (the first packets settle in).
        let l = snr_db(&left[5000..], &d.channels[0][5000..]);
        let r = snr_db(&right[5000..], &d.channels[1][5000..]);
        assert!(l > 20.0 && r > 20.0, "{l:.1} / {r:.1} dB");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_track_that_fills_its_last_page_ends_on_that_page() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("full.opus");
        let mut w = OpusWriter::create(&path, 48_000, 1, 64).unwrap();
        // With the pre-skip, exactly two full pages of packets.
        let frames = 2 * PACKETS_PER_PAGE * FRAME_SAMPLES - usize::from(w.pre_skip);
        w.write(&[&sine(48_000, frames, 440.0)]).unwrap();
        w.finish().unwrap();
        let pages = pages(&std::fs::read(&path).unwrap(), SERIAL);
        let last = pages.last().unwrap();
        assert!(
            !last.lacing.is_empty(),
            "the last page holds the last packet"
        );
        assert_eq!(last.granule as usize, decode(&path).pre_skip + frames);
        assert_eq!(decode(&path).channels[0].len(), frames);
    }

    #[test]
    fn other_rates_are_resampled_and_mono_stays_mono() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.opus");
        let input = sine(44_100, 44_100, 1000.0);
        let mut w = OpusWriter::create(&path, 44_100, 1, 64).unwrap();
        for block in input.chunks(4000) {
            w.write(&[block]).unwrap();
        }
        w.finish().unwrap();
        let d = decode(&path);
        assert_eq!((d.channel_count, d.input_rate_hz), (1, 44_100));
        assert_eq!(d.channels[0].len(), 48_000);
        let reference =
            crate::audio::resample::resample(&AudioBuffer::from_mono(44_100, input), 48_000)
                .unwrap();
        let snr = snr_db(&reference.channels[0][5000..], &d.channels[0][5000..]);
        assert!(snr > 15.0, "{snr:.1} dB");
    }

    #[test]
    fn empty_and_unfinished_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.opus");
        OpusWriter::create(&path, 48_000, 2, 96)
            .unwrap()
            .finish()
            .unwrap();
        let d = decode(&path);
        assert_eq!(d.channels[0].len(), 0);
        assert!(!d.comments.iter().any(|c| c.starts_with("TITLE=")));

        let gone = dir.path().join("gone.opus");
        let mut w = OpusWriter::create(&gone, 48_000, 2, 96).unwrap();
        w.write(&[&[0.1; 5000], &[0.1; 5000]]).unwrap();
        assert!(w.write(&[&[0.1; 10], &[0.1; 9]]).is_err());
        drop(w);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        for (rate, channels, kbps) in [(48_000, 3, 96), (48_000, 2, 5), (48_000, 2, 511)] {
            assert!(OpusWriter::create(&gone, rate, channels, kbps).is_err());
        }
    }
}
