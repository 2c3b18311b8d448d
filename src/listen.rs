//! onair listening to audio: an audio file → what Whisper hears in it (`onair check`).
//!
//! The file is decoded (any rate, mono or stereo), averaged to mono, resampled to Whisper's
//! 16 kHz with the crate's resampler, and transcribed by [`crate::ml::whisper`].

use std::path::Path;
use std::time::Instant;

use crate::Result;
use crate::audio::AudioBuffer;
use crate::audio::decode::decode_file;
use crate::audio::resample::resample;
use crate::ml::whisper::{self, Transcript, Whisper};

/// A transcript with what it cost.
#[derive(Clone, Debug)]
pub struct Heard {
    pub transcript: Transcript,
    pub audio_s: f64,
    /// Loading the model.
    pub load_s: f64,
    /// Decoding, resampling and transcribing the audio.
    pub transcribe_s: f64,
}

impl Heard {
    /// Audio seconds per second of transcribing (model loading left out).
    pub fn real_time_factor(&self) -> f64 {
        self.audio_s / self.transcribe_s.max(1e-9)
    }

    /// One line for a terminal: lengths, times and speed.
    pub fn summary(&self) -> String {
        format!(
            "{:.1} s of audio transcribed in {:.2} s ({:.1}x real time; model loaded in {:.2} s)",
            self.audio_s,
            self.transcribe_s,
            self.real_time_factor(),
            self.load_s
        )
    }
}

/// `buf` as 16 kHz mono samples.
pub fn to_whisper_input(buf: &AudioBuffer) -> Result<Vec<f32>> {
    let frames = buf.frames();
    let n = buf.channel_count().max(1) as f32;
    let mut mono = vec![0f32; frames];
    for ch in &buf.channels {
        for (m, s) in mono.iter_mut().zip(ch) {
            *m += s / n;
        }
    }
    let mono = AudioBuffer::from_mono(buf.sample_rate_hz, mono);
    let out = resample(&mono, whisper::SAMPLE_RATE_HZ)?;
    Ok(out.channels.into_iter().next().unwrap_or_default())
}

/// Transcribes the audio file at `path` with the Whisper model installed under `models`
/// (`models/whisper-base`). A missing model is [`crate::Error::MissingAsset`] naming
/// `scripts/setup`; silence and non-speech give an empty transcript.
pub fn transcribe_file(path: &Path, models: &Path) -> Result<Heard> {
    // The file first: a mistyped name is the user's to fix, before any model matters.
    if !path.exists() {
        return Err(crate::Error::BadInput(format!(
            "{}: no such file; name an audio file (WAV, FLAC, MP3, Ogg)",
            path.display()
        )));
    }
    if path.is_dir() {
        return Err(crate::Error::BadInput(format!(
            "{}: that is a folder; name an audio file (WAV, FLAC, MP3, Ogg)",
            path.display()
        )));
    }
    // A file that is not audio (or is empty, or damaged) is the user's to fix: invalid input,
    // found before the model is loaded.
    let started = Instant::now();
    let audio = decode_file(path).map_err(|e| match e {
        crate::Error::Audio(why) => {
            crate::Error::BadInput(format!("{why}; name an audio file (WAV, FLAC, MP3, Ogg)"))
        }
        other => other,
    })?;
    let decode_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let mut model = Whisper::load(&whisper::default_dir(models))?;
    let load_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let samples = to_whisper_input(&audio)?;
    let transcript = model.transcribe(&samples)?;
    Ok(Heard {
        transcript,
        audio_s: audio.duration_s(),
        load_s,
        transcribe_s: decode_s + started.elapsed().as_secs_f64(),
    })
}
