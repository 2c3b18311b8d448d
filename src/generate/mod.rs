//! Generators: one small trait, one registry by row type.
//!
//! A generator turns a [`Request`] into a [`Clip`]. It does not set loudness, fades or pan
//! (the mixer does), and it may return any sample rate and 1 or 2 channels; the mixer
//! resamples. It must be deterministic: the same request gives the same samples.

use crate::Result;
use crate::audio::AudioBuffer;
use crate::script::{RowType, Voice};

pub mod cache;
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
    /// The mix rate. Engines that can render at any rate should use it.
    pub sample_rate_hz: u32,
    /// Seed for every random choice; derived from the script seed and the row.
    pub seed: u64,
}

/// A generated clip.
#[derive(Clone, Debug)]
pub struct Clip {
    pub audio: AudioBuffer,
    /// What the engine chose (a recipe, a preset, a voice), shown in the report.
    pub source: String,
    /// Things the user should know (a default used, a word skipped). Printed, not fatal.
    pub warnings: Vec<String>,
}

/// A sound source for one or more row types.
pub trait Generator: Send + Sync {
    /// Engine name as the report shows it, e.g. `sfx/procedural`.
    fn engine(&self) -> &'static str;
    /// Bump when the engine's output changes, so cached clips are regenerated.
    fn version(&self) -> u32;
    fn generate(&self, request: &Request<'_>) -> Result<Clip>;
}

/// The engine for each row type.
pub struct Registry {
    speech: Box<dyn Generator>,
    music: Box<dyn Generator>,
    sfx: Box<dyn Generator>,
}

impl Default for Registry {
    /// The default engines: espeak-ng speech, the composer, procedural effects.
    fn default() -> Self {
        Registry {
            speech: Box::new(speech::Espeak::default()),
            music: Box::new(music::Composer::new()),
            sfx: Box::new(sfx::ProceduralSfx::new()),
        }
    }
}

impl Registry {
    pub fn for_type(&self, row_type: RowType) -> &dyn Generator {
        match row_type {
            RowType::Speech => self.speech.as_ref(),
            RowType::Music => self.music.as_ref(),
            RowType::Sfx => self.sfx.as_ref(),
        }
    }
}
