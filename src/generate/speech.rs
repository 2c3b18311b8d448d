//! Speech with espeak-ng, run as a separate program (espeak-ng is GPL; we never link it).
//!
//! This is the draft voice: always available, fast, intelligible, robotic. Each character
//! gets a distinct espeak-ng variant and pitch unless the script names a voice.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{Clip, Generator, Request};
use crate::audio::wav::read_wav;
use crate::script::Voice;
use crate::{Error, Result};

/// Variants given to characters without a voice, in order of first appearance: alternating
/// male and female timbres with pitch offsets, so neighbours in a dialogue sound unlike.
const AUTO_VOICES: &[(&str, f64)] = &[
    ("m3", 0.0),
    ("f3", 0.0),
    ("m1", -2.0),
    ("f2", 1.0),
    ("m7", 2.0),
    ("f4", -1.0),
    ("m2", -3.0),
    ("f1", 2.0),
    ("m4", 1.0),
    ("f5", 0.0),
    ("m6", -1.0),
    ("m5", 3.0),
];

/// espeak-ng's default speaking rate, words per minute.
const BASE_RATE_WPM: f64 = 165.0;

/// The voice a character without an entry gets, by its order of first appearance.
pub fn auto_voice(character_ordinal: usize) -> Voice {
    let (variant, pitch) = AUTO_VOICES[character_ordinal % AUTO_VOICES.len()];
    // Past the list, shift pitch further so repeated variants still differ.
    let lap = (character_ordinal / AUTO_VOICES.len()) as f64;
    Voice {
        voice: Some(format!("en-us+{variant}")),
        pitch_semitones: pitch + 2.0 * lap,
        speed: 1.0,
    }
}

/// Speech through the `espeak-ng` program.
pub struct Espeak {
    program: PathBuf,
}

impl Default for Espeak {
    fn default() -> Self {
        Espeak {
            program: std::env::var_os("ONAIR_ESPEAK")
                .map_or_else(|| PathBuf::from("espeak-ng"), PathBuf::from),
        }
    }
}

impl Espeak {
    /// The espeak-ng voice for a script voice name. Piper-style names (`en_US-joe-medium`)
    /// keep their language and take the default variant; espeak names pass through.
    fn espeak_voice(name: &str) -> String {
        match name.split_once('-') {
            Some((lang, _)) if lang.contains('_') => lang.replace('_', "-").to_lowercase(),
            _ => name.to_owned(),
        }
    }
}

impl Generator for Espeak {
    fn engine(&self) -> &'static str {
        "speech/espeak"
    }

    fn version(&self) -> u32 {
        1
    }

    fn generate(&self, req: &Request<'_>) -> Result<Clip> {
        let voice = req.voice.cloned().unwrap_or_else(|| auto_voice(0));
        let espeak_voice = Self::espeak_voice(voice.voice.as_deref().unwrap_or("en-us"));
        // espeak-ng's pitch is 0..99 around 50; about 4 steps make a semitone in its
        // usual range.
        let pitch = (50.0 + 4.0 * voice.pitch_semitones)
            .clamp(0.0, 99.0)
            .round();
        let rate_wpm = (BASE_RATE_WPM * voice.speed).clamp(80.0, 450.0).round();
        let text = req.text.trim();

        let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let wav_path = dir.path().join("speech.wav");
        let mut child = Command::new(&self.program)
            .args(["-v", &espeak_voice])
            .args(["-p", &pitch.to_string()])
            .args(["-s", &rate_wpm.to_string()])
            .arg("-w")
            .arg(&wav_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Error::MissingAsset {
                    what: "espeak-ng".into(),
                    path: self.program.clone(),
                    hint: "run scripts/setup to install it (Debian package espeak-ng)".into(),
                },
                _ => Error::engine(self.engine(), format!("could not start espeak-ng: {e}")),
            })?;
        // The words go through stdin, so no text is ever taken for a command-line option.
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(text.as_bytes())
                .map_err(|e| Error::engine(self.engine(), format!("writing to espeak-ng: {e}")))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| Error::engine(self.engine(), format!("espeak-ng failed: {e}")))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Error::engine(
                self.engine(),
                format!(
                    "espeak-ng exited with {} for voice `{espeak_voice}`: {}",
                    out.status,
                    stderr.trim()
                ),
            ));
        }
        let mut audio = read_wav(&wav_path)?;
        trim_silence(&mut audio.channels, audio.sample_rate_hz);
        if audio.frames() == 0 {
            return Err(Error::engine(
                self.engine(),
                format!("espeak-ng produced no sound for {text:?}; check the words"),
            ));
        }
        Ok(Clip {
            audio,
            source: format!("espeak:{espeak_voice} pitch {pitch} rate {rate_wpm}"),
            warnings: Vec::new(),
        })
    }
}

/// Trims leading and trailing near-silence (espeak-ng pads both ends), keeping 20 ms so the
/// first consonant is not cut.
fn trim_silence(channels: &mut [Vec<f32>], sample_rate_hz: u32) {
    const THRESHOLD: f32 = 1e-3;
    let keep = (sample_rate_hz / 50) as usize;
    let loud = |i: usize| channels.iter().any(|c| c[i].abs() > THRESHOLD);
    let frames = channels.first().map_or(0, Vec::len);
    let Some(first) = (0..frames).find(|&i| loud(i)) else {
        for c in channels.iter_mut() {
            c.clear();
        }
        return;
    };
    let last = (0..frames).rev().find(|&i| loud(i)).unwrap_or(first);
    let start = first.saturating_sub(keep);
    let end = (last + keep + 1).min(frames);
    for c in channels.iter_mut() {
        c.truncate(end);
        c.drain(..start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piper_names_map_to_their_language() {
        assert_eq!(Espeak::espeak_voice("en_US-joe-medium"), "en-us");
        assert_eq!(Espeak::espeak_voice("en-us+f3"), "en-us+f3");
        assert_eq!(Espeak::espeak_voice("de"), "de");
    }

    #[test]
    fn auto_voices_differ_between_neighbours() {
        let a = auto_voice(0);
        let b = auto_voice(1);
        assert_ne!(a.voice, b.voice);
        assert_ne!(auto_voice(0), auto_voice(AUTO_VOICES.len()));
    }

    #[test]
    fn trimming_keeps_a_margin() {
        let mut ch = vec![vec![0.0; 1000]];
        ch[0][500] = 0.5;
        trim_silence(&mut ch, 1000);
        assert_eq!(ch[0].len(), 41);
        assert_eq!(ch[0][20], 0.5);
    }
}
