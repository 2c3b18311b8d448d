//! Reading audio files of the formats a sound library holds (WAV, FLAC, Ogg Vorbis, MP3)
//! with Symphonia, into an [`AudioBuffer`] of one or two channels at the file's own rate.
//!
//! Bad input never panics and never aborts half-way without saying why: a file that cannot
//! be opened, is empty, is not audio, has no audio track, holds no decodable audio, or is
//! longer than [`MAX_DURATION_S`] gives an error naming the file. A damaged packet in the
//! middle of a stream is skipped (a short gap is better than losing the whole sound), and a
//! stream cut short ends where the data ends.

use std::fs::File;
use std::io::ErrorKind;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use symphonia::core::audio::{AudioBufferRef, Channels, Signal};
use symphonia::core::codecs::{CODEC_TYPE_NULL, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use super::AudioBuffer;
use crate::{Error, Result};

/// The longest file accepted. A sound effect or an ambience bed rarely runs past a few
/// minutes (backgrounds are looped to length); the limit keeps a stray hour-long recording
/// from taking gigabytes of memory (30 min of 48 kHz stereo is about 700 MB as f32).
pub const MAX_DURATION_S: f64 = 30.0 * 60.0;

/// What a file holds, learnt by decoding all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AudioInfo {
    /// Frames per channel, as [`decode_file`] would return them.
    pub frames: usize,
    pub sample_rate_hz: u32,
    /// 1 or 2: files with more channels are folded to stereo.
    pub channels: usize,
}

/// Decodes a whole file. Channels beyond two are folded into stereo: left-side speakers to
/// the left, right-side to the right, centre ones to both at -3 dB, LFE dropped.
pub fn decode_file(path: &Path) -> Result<AudioBuffer> {
    let (_, audio) = read(path, true).map_err(|p| p.into_error(path))?;
    Ok(audio.expect("read keeps the samples when asked to"))
}

/// Decodes a whole file to prove it readable and learn its length, rate and channel count,
/// without keeping the samples.
pub fn inspect_file(path: &Path) -> Result<AudioInfo> {
    inspect(path).map_err(|p| p.into_error(path))
}

/// [`inspect_file`] with the reason for a failure in a few words, for callers that list
/// many files.
pub(crate) fn inspect(path: &Path) -> Result<AudioInfo, Problem> {
    read(path, false).map(|(info, _)| info)
}

/// Why a file could not be read, in a few words and without the file's name (callers that
/// list many files put the name in front). [`Problem::into_error`] names the file.
#[derive(Debug)]
pub(crate) enum Problem {
    Unreadable(std::io::Error),
    Empty,
    NotAudio,
    Corrupt(String),
    NoTrack,
    UnsupportedCodec,
    NoRate,
    NoAudio,
    TooLong { duration_s: f64 },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unreadable(e) => write!(f, "cannot read it: {e}"),
            Problem::Empty => write!(f, "zero-length file"),
            Problem::NotAudio => write!(f, "not audio, or a format onair cannot read"),
            Problem::Corrupt(why) => write!(f, "corrupt audio data ({why})"),
            Problem::NoTrack => write!(f, "no audio track"),
            Problem::UnsupportedCodec => write!(f, "audio encoding onair cannot decode"),
            Problem::NoRate => write!(f, "no sample rate in the file"),
            Problem::NoAudio => write!(f, "no audio could be decoded"),
            Problem::TooLong { duration_s } => write!(
                f,
                "too long for a sound effect ({:.0} min; the limit is {:.0} min)",
                duration_s / 60.0,
                MAX_DURATION_S / 60.0
            ),
        }
    }
}

impl Problem {
    /// The crate error for this problem with `path`.
    pub(crate) fn into_error(self, path: &Path) -> Error {
        match self {
            Problem::Unreadable(e) => Error::io(path, e),
            p => Error::Audio(format!("{}: {p}", path.display())),
        }
    }
}

/// Decodes `path`; keeps the samples only when `keep`. Symphonia is third-party code fed
/// with arbitrary files: a panic inside it is turned into [`Problem::Corrupt`] so that one
/// bad file cannot take the whole render down.
fn read(path: &Path, keep: bool) -> Result<(AudioInfo, Option<AudioBuffer>), Problem> {
    let file = File::open(path).map_err(Problem::Unreadable)?;
    let len = file.metadata().map_err(Problem::Unreadable)?.len();
    if len == 0 {
        return Err(Problem::Empty);
    }
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(&ext.to_ascii_lowercase());
    }
    catch_unwind(AssertUnwindSafe(|| decode(file, &hint, keep))).unwrap_or_else(|_| {
        Err(Problem::Corrupt(
            "the decoder failed on this file".to_string(),
        ))
    })
}

fn decode(
    file: File,
    hint: &Hint,
    keep: bool,
) -> Result<(AudioInfo, Option<AudioBuffer>), Problem> {
    let source = MediaSourceStream::new(Box::new(file), Default::default());
    let probed = symphonia::default::get_probe()
        .format(
            hint,
            source,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymphoniaError::Unsupported(_) => Problem::NotAudio,
            SymphoniaError::IoError(e) if e.kind() == ErrorKind::UnexpectedEof => {
                Problem::Corrupt("the file ends inside its header".to_string())
            }
            SymphoniaError::IoError(e) => Problem::Unreadable(e),
            e => Problem::Corrupt(e.to_string()),
        })?;
    let mut format = probed.format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or(Problem::NoTrack)?;
    let track_id = track.id;
    let declared_rate = track.codec_params.sample_rate;
    if let (Some(rate), Some(n)) = (declared_rate, track.codec_params.n_frames)
        && rate > 0
        && n as f64 / f64::from(rate) > MAX_DURATION_S
    {
        return Err(Problem::TooLong {
            duration_s: n as f64 / f64::from(rate),
        });
    }
    let mut decoder = symphonia::default::get_codecs()
        .make(&track.codec_params, &DecoderOptions::default())
        .map_err(|e| match e {
            SymphoniaError::Unsupported(_) => Problem::UnsupportedCodec,
            e => Problem::Corrupt(e.to_string()),
        })?;

    let mut out = Output::new(keep);
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            // The normal end of a stream, or a file cut short: keep what was read.
            Err(SymphoniaError::IoError(e)) if e.kind() == ErrorKind::UnexpectedEof => break,
            // A new chained stream (Ogg) whose parameters may differ: the first one is the
            // sound; what follows is not worth a decoder reset.
            Err(SymphoniaError::ResetRequired) => break,
            Err(SymphoniaError::IoError(e)) => return Err(Problem::Unreadable(e)),
            // The container lost sync after some good audio: stop there.
            Err(SymphoniaError::DecodeError(_)) if out.frames > 0 => break,
            Err(e) => return Err(Problem::Corrupt(e.to_string())),
        };
        if packet.track_id() != track_id {
            continue;
        }
        match decoder.decode(&packet) {
            Ok(decoded) => out.push(decoded, declared_rate)?,
            // One damaged packet: skip it and go on.
            Err(SymphoniaError::DecodeError(_) | SymphoniaError::IoError(_)) => continue,
            Err(e) => return Err(Problem::Corrupt(e.to_string())),
        }
    }
    out.finish()
}

/// The decoded audio so far, already folded to the output's channel count.
struct Output {
    keep: bool,
    sample_rate_hz: u32,
    channels: usize,
    frames: usize,
    samples: Vec<Vec<f32>>,
}

impl Output {
    fn new(keep: bool) -> Output {
        Output {
            keep,
            sample_rate_hz: 0,
            channels: 0,
            frames: 0,
            samples: Vec::new(),
        }
    }

    fn push(
        &mut self,
        decoded: AudioBufferRef<'_>,
        declared_rate: Option<u32>,
    ) -> Result<(), Problem> {
        let spec = *decoded.spec();
        let n = decoded.frames();
        let count = spec.channels.count();
        if n == 0 || count == 0 {
            return Ok(());
        }
        if self.channels == 0 {
            self.sample_rate_hz = if spec.rate > 0 {
                spec.rate
            } else {
                declared_rate.filter(|&r| r > 0).ok_or(Problem::NoRate)?
            };
            self.channels = count.min(2);
            self.samples = vec![Vec::new(); if self.keep { self.channels } else { 0 }];
        }
        self.frames += n;
        let duration_s = self.frames as f64 / f64::from(self.sample_rate_hz);
        if duration_s > MAX_DURATION_S {
            return Err(Problem::TooLong { duration_s });
        }
        if !self.keep {
            return Ok(());
        }
        let mut planar = decoded.make_equivalent::<f32>();
        decoded.convert(&mut planar);
        let planes: Vec<&[f32]> = (0..count).map(|c| &planar.chan(c)[..n]).collect();
        fold(&planes, spec.channels, &mut self.samples);
        Ok(())
    }

    fn finish(self) -> Result<(AudioInfo, Option<AudioBuffer>), Problem> {
        if self.frames == 0 {
            return Err(Problem::NoAudio);
        }
        let info = AudioInfo {
            frames: self.frames,
            sample_rate_hz: self.sample_rate_hz,
            channels: self.channels,
        };
        let audio = self.keep.then_some(AudioBuffer {
            sample_rate_hz: self.sample_rate_hz,
            channels: self.samples,
        });
        Ok((info, audio))
    }
}

/// Appends `planes` (one slice per input channel, speaker positions in `layout`) to `out`
/// (one or two channels). Same count: copied. One in, two out: duplicated. Two in, one out:
/// averaged. More than two: folded by speaker side, each side scaled by the sum of its
/// weights so the fold cannot clip.
fn fold(planes: &[&[f32]], layout: Channels, out: &mut [Vec<f32>]) {
    let n = planes.first().map_or(0, |p| p.len());
    match (planes.len(), out.len()) {
        (a, b) if a == b => {
            for (o, p) in out.iter_mut().zip(planes) {
                o.extend_from_slice(p);
            }
        }
        (1, _) => {
            for o in out.iter_mut() {
                o.extend_from_slice(planes[0]);
            }
        }
        (2, 1) => out[0].extend((0..n).map(|i| 0.5 * (planes[0][i] + planes[1][i]))),
        _ => {
            let weights: Vec<(f32, f32)> = layout.iter().map(side_weights).collect();
            let mut sum = (0.0f32, 0.0f32);
            for w in &weights {
                sum.0 += w.0;
                sum.1 += w.1;
            }
            let scale = (1.0 / sum.0.max(1.0), 1.0 / sum.1.max(1.0));
            let mut left = vec![0.0f32; n];
            let mut right = vec![0.0f32; n];
            for (plane, w) in planes.iter().zip(&weights) {
                for i in 0..n {
                    left[i] += plane[i] * w.0 * scale.0;
                    right[i] += plane[i] * w.1 * scale.1;
                }
            }
            if out.len() == 1 {
                out[0].extend(left.iter().zip(&right).map(|(l, r)| 0.5 * (l + r)));
            } else {
                out[0].extend_from_slice(&left);
                out[1].extend_from_slice(&right);
            }
        }
    }
}

/// (left, right) weights of one speaker when folding to stereo.
fn side_weights(speaker: Channels) -> (f32, f32) {
    const LEFT: Channels = Channels::FRONT_LEFT
        .union(Channels::REAR_LEFT)
        .union(Channels::FRONT_LEFT_CENTRE)
        .union(Channels::SIDE_LEFT)
        .union(Channels::TOP_FRONT_LEFT)
        .union(Channels::TOP_REAR_LEFT)
        .union(Channels::REAR_LEFT_CENTRE)
        .union(Channels::FRONT_LEFT_WIDE)
        .union(Channels::FRONT_LEFT_HIGH);
    const RIGHT: Channels = Channels::FRONT_RIGHT
        .union(Channels::REAR_RIGHT)
        .union(Channels::FRONT_RIGHT_CENTRE)
        .union(Channels::SIDE_RIGHT)
        .union(Channels::TOP_FRONT_RIGHT)
        .union(Channels::TOP_REAR_RIGHT)
        .union(Channels::REAR_RIGHT_CENTRE)
        .union(Channels::FRONT_RIGHT_WIDE)
        .union(Channels::FRONT_RIGHT_HIGH);
    if LEFT.contains(speaker) {
        (1.0, 0.0)
    } else if RIGHT.contains(speaker) {
        (0.0, 1.0)
    } else if speaker.intersects(Channels::LFE1 | Channels::LFE2) {
        (0.0, 0.0)
    } else {
        (
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SONIC_PI_BEEP: &str = "/usr/share/sonic-pi/samples/elec_beep.flac";
    const SONIC_PI_AMEN: &str = "/usr/share/sonic-pi/samples/loop_amen.flac";

    fn tone(frames: usize, freq_hz: f32, rate: u32) -> Vec<f32> {
        (0..frames)
            .map(|i| 0.5 * (std::f32::consts::TAU * freq_hz * i as f32 / rate as f32).sin())
            .collect()
    }

    fn write_wav(path: &Path, rate: u32, channels: &[Vec<f32>], float: bool) {
        let spec = hound::WavSpec {
            channels: channels.len() as u16,
            sample_rate: rate,
            bits_per_sample: if float { 32 } else { 16 },
            sample_format: if float {
                hound::SampleFormat::Float
            } else {
                hound::SampleFormat::Int
            },
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..channels[0].len() {
            for ch in channels {
                if float {
                    w.write_sample(ch[i]).unwrap();
                } else {
                    w.write_sample((ch[i] * 32767.0).round() as i16).unwrap();
                }
            }
        }
        w.finalize().unwrap();
    }

    fn assert_close(a: &[f32], b: &[f32], tol: f32) {
        assert_eq!(a.len(), b.len());
        let worst = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0f32, f32::max);
        assert!(worst <= tol, "largest difference {worst} > {tol}");
    }

    #[test]
    fn wav_16_bit_and_float_mono_and_stereo_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let left = tone(4410, 440.0, 44_100);
        let right = tone(4410, 660.0, 44_100);
        for float in [false, true] {
            for stereo in [false, true] {
                let path = dir.path().join(format!("t-{float}-{stereo}.wav"));
                let chans = if stereo {
                    vec![left.clone(), right.clone()]
                } else {
                    vec![left.clone()]
                };
                write_wav(&path, 44_100, &chans, float);
                let audio = decode_file(&path).unwrap();
                assert_eq!(audio.sample_rate_hz, 44_100);
                assert_eq!(audio.channel_count(), chans.len());
                let tol = if float { 0.0 } else { 1.0 / 32767.0 };
                for (got, want) in audio.channels.iter().zip(&chans) {
                    assert_close(got, want, tol);
                }
                let info = inspect_file(&path).unwrap();
                assert_eq!(
                    info,
                    AudioInfo {
                        frames: 4410,
                        sample_rate_hz: 44_100,
                        channels: chans.len()
                    }
                );
            }
        }
    }

    #[test]
    fn six_channels_fold_to_stereo_by_side() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("surround.wav");
        let n = 1000;
        // FL, FR, FC, LFE, RL, RR in WAVE order; only the left speakers carry signal.
        let sig = tone(n, 300.0, 48_000);
        let chans = vec![
            sig.clone(),
            vec![0.0; n],
            vec![0.0; n],
            vec![0.9; n],
            sig.clone(),
            vec![0.0; n],
        ];
        write_wav(&path, 48_000, &chans, true);
        let audio = decode_file(&path).unwrap();
        assert_eq!(audio.channel_count(), 2);
        assert_eq!(audio.frames(), n);
        // Left: (FL + RL + 0.707 FC) / (2.707); right has only the (silent) centre and RR.
        let want: Vec<f32> = sig.iter().map(|s| 2.0 * s / (2.0 + 0.70710677)).collect();
        assert_close(&audio.channels[0], &want, 1e-5);
        assert!(audio.channels[1].iter().all(|s| s.abs() < 1e-6));
    }

    #[test]
    fn sonic_pi_flac_decodes() {
        let path = Path::new(SONIC_PI_BEEP);
        if !path.exists() {
            eprintln!("skipped: {SONIC_PI_BEEP} is not installed (package sonic-pi-samples)");
            return;
        }
        let audio = decode_file(path).unwrap();
        assert!(matches!(audio.channel_count(), 1 | 2));
        assert!(audio.sample_rate_hz >= 8_000);
        assert!(audio.duration_s() > 0.01 && audio.duration_s() < 10.0);
        assert!(audio.peak() > 0.01 && audio.peak() <= 1.0);
        let info = inspect_file(path).unwrap();
        assert_eq!(info.frames, audio.frames());
    }

    #[test]
    fn a_damaged_packet_is_skipped() {
        // Long enough to hold many FLAC frames; its header is followed by 8 KiB of padding.
        let path = Path::new(SONIC_PI_AMEN);
        if !path.exists() {
            eprintln!("skipped: {SONIC_PI_AMEN} is not installed (package sonic-pi-samples)");
            return;
        }
        let whole = decode_file(path).unwrap();
        let mut bytes = std::fs::read(path).unwrap();
        let mid = bytes.len() * 3 / 5;
        for (i, b) in bytes[mid..mid + 64].iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0x5A;
        }
        let dir = tempfile::tempdir().unwrap();
        let damaged = dir.path().join("damaged.flac");
        std::fs::write(&damaged, &bytes).unwrap();
        let audio = decode_file(&damaged).unwrap();
        eprintln!("whole {} damaged {}", whole.frames(), audio.frames());
        assert!(audio.frames() > whole.frames() / 3);
        assert!(audio.frames() < whole.frames());
    }

    fn error_text(path: &Path) -> String {
        decode_file(path).unwrap_err().to_string()
    }

    #[test]
    fn bad_files_give_errors_that_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.wav");
        let text = error_text(&missing);
        assert!(text.contains("missing.wav"), "{text}");

        let empty = dir.path().join("empty.wav");
        std::fs::write(&empty, b"").unwrap();
        let text = error_text(&empty);
        assert!(
            text.contains("empty.wav") && text.contains("zero-length"),
            "{text}"
        );

        let garbage = dir.path().join("garbage.mp3");
        std::fs::write(
            &garbage,
            "this is plain text, not audio at all. ".repeat(200),
        )
        .unwrap();
        let text = error_text(&garbage);
        assert!(
            text.contains("garbage.mp3") && text.contains("not audio"),
            "{text}"
        );

        // A real WAV header cut off in the middle.
        let whole = dir.path().join("whole.wav");
        write_wav(&whole, 48_000, &[tone(100, 440.0, 48_000)], false);
        let truncated: PathBuf = dir.path().join("truncated.wav");
        std::fs::write(&truncated, &std::fs::read(&whole).unwrap()[..30]).unwrap();
        let text = error_text(&truncated);
        assert!(
            text.contains("truncated.wav") && text.contains("header"),
            "{text}"
        );

        // A header with no samples after it decodes to nothing.
        let no_data = dir.path().join("no-data.wav");
        write_wav(&no_data, 48_000, &[Vec::new()], false);
        let text = error_text(&no_data);
        assert!(
            text.contains("no-data.wav") && text.contains("no audio"),
            "{text}"
        );
        assert!(inspect_file(&no_data).is_err());
    }

    #[test]
    fn a_file_cut_short_keeps_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.wav");
        write_wav(&whole, 48_000, &[tone(1000, 440.0, 48_000)], false);
        let bytes = std::fs::read(&whole).unwrap();
        let cut = dir.path().join("cut.wav");
        // 44-byte header, then 500 of the 1000 16-bit samples.
        std::fs::write(&cut, &bytes[..44 + 1000]).unwrap();
        let audio = decode_file(&cut).unwrap();
        assert!(
            audio.frames() > 0 && audio.frames() <= 500,
            "{}",
            audio.frames()
        );
    }
}
