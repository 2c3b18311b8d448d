//! Generators: one small trait, one registry by row type.
//!
//! A generator turns a [`Request`] into a [`Clip`]. It does not set loudness, fades or pan
//! (the mixer does), and it may return any sample rate and 1 or 2 channels; the mixer
//! resamples. It must be deterministic: the same request gives the same samples.

use crate::Result;
use crate::audio::AudioBuffer;
use crate::script::{PlayFile, Row, RowType, Voice};

pub mod cache;
pub mod file;
pub mod music;
pub mod sfx;
pub mod speech;

/// What to generate for one row.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// 1-based row index, for messages.
    pub row_index: usize,
    pub row_type: RowType,
    /// For speech, the words; otherwise the description of the sound. May be empty.
    pub text: &'a str,
    /// Speech only: the character's name and voice settings.
    pub character: Option<&'a str>,
    pub voice: Option<&'a Voice>,
    /// Exact length wanted, seconds. `None`: the engine's natural length (speech always).
    pub duration_s: Option<f64>,
    /// True for a background bed that plays under other rows for its whole span
    /// (a loop-friendly, steady sound); false for a one-shot.
    pub background: bool,
    /// A long background bed that the mixer loops rather than holding it whole: the engine
    /// makes a clip of about this period plus [`LOOP_CROSSFADE_S`] (`duration_s` says the
    /// same), states the period it made in [`Clip::loop_frames`], and makes the part after
    /// the period continue the sound as its start does (music: the same chords and phrase
    /// position, no intro and no ending), so the crossfaded seam is not heard. `None`:
    /// played once.
    pub loop_period_s: Option<f64>,
    /// The mix rate. Engines that can render at any rate should use it.
    pub sample_rate_hz: u32,
    /// Seed for every random choice; derived from the script seed and the row.
    pub seed: u64,
    /// Music and sfx: the audio file the row plays (the `file` engine), found by the
    /// script's loader.
    pub file: Option<&'a PlayFile>,
}

/// The crossfade at a looped bed's seam, seconds: a looped clip is its period plus this.
pub const LOOP_CROSSFADE_S: f64 = 2.0;

/// A generated clip.
#[derive(Clone, Debug)]
pub struct Clip {
    pub audio: AudioBuffer,
    /// What the engine chose (a recipe, a preset, a voice), shown in the report.
    pub source: String,
    /// Things the user should know (a default used, a word skipped). Printed, not fatal.
    pub warnings: Vec<String>,
    /// For a request with [`Request::loop_period_s`]: the period the engine made, frames at
    /// the clip's rate (music keeps to whole bars, so it is near the one asked for). The
    /// clip is that period plus [`LOOP_CROSSFADE_S`].
    pub loop_frames: Option<usize>,
    /// Speech: where each sentence is spoken, in order (subtitles are timed from them).
    /// Empty when the engine does not know (espeak-ng speaks a row in one go).
    pub sentences: Vec<Sentence>,
    /// For engines that choose among sounds or styles by the row's words (sound effects,
    /// music): how sure the choice is, and whose recording it is.
    pub choice: Option<Choice>,
}

/// How an engine's pick fits the row's words, and whose work it is.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Choice {
    /// False when the pick may not be what the words ask for: the user was warned.
    pub confident: bool,
    /// The chooser's score for the pick (similarity plus keyword boost).
    pub score: f32,
    /// A packaged recording's title, author and licence; `None` for onair's own sounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<crate::generate::sfx::collections::Credit>,
}

/// One sentence of a speech clip, as the engine spoke it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sentence {
    /// Seconds from the clip's start to the sentence's first sample.
    pub start_s: f64,
    /// Seconds from the clip's start to just after its last sample (the pause before the
    /// next sentence is not part of it).
    pub end_s: f64,
    /// The words as the engine read them (numbers and abbreviations spelled out).
    pub text: String,
}

/// A sound source for one or more row types.
pub trait Generator: Send + Sync {
    /// Engine name as the report shows it, e.g. `sfx/procedural`.
    fn engine(&self) -> &'static str;
    /// Bump when the engine's output changes, so cached clips are regenerated.
    fn version(&self) -> u32;
    /// Anything else that changes this request's sound and is not in the request, such as
    /// a checksum of the model file it would use. Part of the clip's cache key.
    fn cache_salt(&self, _request: &Request<'_>) -> Result<String> {
        Ok(String::new())
    }
    fn generate(&self, request: &Request<'_>) -> Result<Clip>;
    /// [`generate`](Self::generate), telling `step(done, total)` how far a long request has
    /// got (a speech row: sentences spoken of all). Default: no reports.
    fn generate_reporting(
        &self,
        request: &Request<'_>,
        step: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Clip> {
        let _ = step;
        self.generate(request)
    }
    /// The request as a Standard MIDI File, from engines that compose notes; `None` from
    /// the others. Costs no audio rendering.
    fn midi(&self, _request: &Request<'_>) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
}

/// The engines, and which one renders a request.
pub struct Registry {
    speech: speech::Speech,
    music: Box<dyn Generator>,
    sfx: sfx::SoundEffects,
    file: file::FilePlayer,
}

impl Registry {
    /// The speech and music engines installed as `settings` say, with these sound effects.
    pub fn new(settings: &crate::Settings, sfx: sfx::SoundEffects) -> Self {
        Registry {
            speech: speech::Speech::installed(settings),
            music: Box::new(
                music::Composer::installed(settings)
                    .with_store_dir(sfx.index_dir().map(std::path::Path::to_path_buf)),
            ),
            sfx,
            file: file::FilePlayer,
        }
    }

    /// The sound-effect engine.
    pub fn sfx(&self) -> &sfx::SoundEffects {
        &self.sfx
    }

    /// The generator for a request, and a warning when it is a fallback.
    pub fn generator(
        &self,
        row_type: RowType,
        voice: Option<&Voice>,
    ) -> Result<(&dyn Generator, Option<String>)> {
        match row_type {
            RowType::Speech => self.speech.choose(voice),
            RowType::Music => Ok((self.music.as_ref(), None)),
            RowType::Sfx => Ok((&self.sfx, None)),
        }
    }

    /// The generator for a row: its `file` when it names one, else the engine for its type
    /// ([`Registry::generator`]).
    pub fn generator_for(
        &self,
        row: &Row,
        voice: Option<&Voice>,
    ) -> Result<(&dyn Generator, Option<String>)> {
        if row.file.is_some() {
            return Ok((&self.file, None));
        }
        self.generator(row.row_type, voice)
    }

    /// What a character with this voice sounds like ([`speech::Speech::cast`]).
    pub fn cast(&self, voice: &Voice) -> Result<String> {
        self.speech.cast(voice)
    }

    /// The speech engines.
    pub fn speech(&self) -> &speech::Speech {
        &self.speech
    }
}
