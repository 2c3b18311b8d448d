//! The `file:` engine: a music or sfx row that plays an audio file the script names,
//! fitted to the row as a library sample is ([`super::sfx::fit`]): cut with a short fade
//! when longer, looped with crossfaded seams under a background span, played once and
//! followed by silence when a shorter one-shot.

use std::path::Path;

use super::sfx::fit::fit;
use super::{Clip, Generator, Request};
use crate::audio::decode::decode_file;
use crate::audio::resample::resample;
use crate::{Error, Result};

const ENGINE: &str = "file";

/// Plays the row's own file.
#[derive(Clone, Copy, Debug, Default)]
pub struct FilePlayer;

impl FilePlayer {
    fn file<'r>(request: &Request<'r>) -> Result<&'r crate::script::PlayFile> {
        request.file.ok_or_else(|| {
            Error::engine(
                ENGINE,
                format!("row {} names no file to play", request.row_index),
            )
        })
    }
}

/// A digest of the file's bytes: editing the file (even keeping its name, size and time)
/// changes the clip's cache key, so the row is rendered again.
fn content_hash(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = blake3::Hasher::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hasher.finalize().to_hex()[..32].to_owned())
}

impl Generator for FilePlayer {
    fn engine(&self) -> &'static str {
        ENGINE
    }

    fn version(&self) -> u32 {
        1
    }

    fn cache_salt(&self, request: &Request<'_>) -> Result<String> {
        let file = Self::file(request)?;
        Ok(format!("content-{}", content_hash(&file.path)?))
    }

    fn generate(&self, request: &Request<'_>) -> Result<Clip> {
        let file = Self::file(request)?;
        let rate_hz = request.sample_rate_hz;
        let audio = resample(&decode_file(&file.path)?, rate_hz)?;
        let frames = request.duration_s.map_or(audio.frames(), |d| {
            (d * f64::from(rate_hz)).round() as usize
        });
        Ok(Clip {
            audio: fit(&audio, frames, request.background),
            source: format!("file:{}", file.written),
            warnings: Vec::new(),
            sentences: Vec::new(),
            choice: None,
            // A looped file runs on past the period as it ran before it.
            loop_frames: request
                .loop_period_s
                .map(|p| (p * f64::from(rate_hz)).round() as usize),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioBuffer;
    use crate::audio::wav::{BitDepth, write_wav};
    use crate::script::{PlayFile, RowType};

    fn request<'a>(file: &'a PlayFile, duration_s: Option<f64>, background: bool) -> Request<'a> {
        Request {
            row_index: 3,
            row_type: RowType::Sfx,
            text: "",
            character: None,
            voice: None,
            duration_s,
            background,
            loop_period_s: None,
            sample_rate_hz: 48_000,
            seed: 1,
            file: Some(file),
        }
    }

    #[test]
    fn a_file_is_resampled_and_fitted_to_the_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hum.wav");
        // Half a second of a 100 Hz hum at 24 kHz.
        let hum: Vec<f32> = (0..12_000)
            .map(|i| 0.5 * (std::f32::consts::TAU * 100.0 * i as f32 / 24_000.0).sin())
            .collect();
        write_wav(
            &path,
            &AudioBuffer::from_mono(24_000, hum),
            BitDepth::Float32,
        )
        .unwrap();
        let file = PlayFile {
            written: "hum.wav".into(),
            path: path.clone(),
            line: 1,
            column: 1,
        };
        let player = FilePlayer;
        // Its own length, at the mix rate.
        let clip = player.generate(&request(&file, None, false)).unwrap();
        assert_eq!(clip.audio.sample_rate_hz, 48_000);
        assert_eq!(clip.audio.frames(), 24_000);
        assert_eq!(clip.source, "file:hum.wav");
        let level = |a: &AudioBuffer, from: usize, to: usize| {
            a.channels[0][from..to]
                .iter()
                .map(|s| s.abs())
                .fold(0.0f32, f32::max)
        };
        // A one-shot longer than the file: once, then silence.
        let clip = player.generate(&request(&file, Some(2.0), false)).unwrap();
        assert_eq!(clip.audio.frames(), 96_000);
        assert!(level(&clip.audio, 0, 24_000) > 0.4);
        assert_eq!(level(&clip.audio, 24_100, 96_000), 0.0);
        // A background: looped to the end.
        let clip = player.generate(&request(&file, Some(2.0), true)).unwrap();
        assert_eq!(clip.audio.frames(), 96_000);
        for quarter in 0..7 {
            let from = quarter * 12_000;
            assert!(level(&clip.audio, from, from + 12_000) > 0.3, "{quarter}");
        }
        // Cut with a fade.
        let clip = player.generate(&request(&file, Some(0.25), false)).unwrap();
        assert_eq!(clip.audio.frames(), 12_000);
        assert_eq!(*clip.audio.channels[0].last().unwrap(), 0.0);

        // The cache key follows the bytes.
        let salt = player.cache_salt(&request(&file, None, false)).unwrap();
        assert_eq!(
            salt,
            player.cache_salt(&request(&file, None, false)).unwrap()
        );
        write_wav(
            &path,
            &AudioBuffer::from_mono(24_000, vec![0.1; 12_000]),
            BitDepth::Float32,
        )
        .unwrap();
        assert_ne!(
            salt,
            player.cache_salt(&request(&file, None, false)).unwrap()
        );
        // A file that is gone: an error naming it.
        std::fs::remove_file(&path).unwrap();
        let e = player.generate(&request(&file, None, false)).unwrap_err();
        assert!(e.to_string().contains("hum.wav"), "{e}");
    }
}
