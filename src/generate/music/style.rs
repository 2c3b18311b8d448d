//! Description → style. Explicit requests in the text ("120 bpm", "in D minor", "3/4",
//! "no drums", "solo piano") are read first ([`requests`]); the rest of the text chooses one
//! of the [`presets`] by meaning (MiniLM cosine similarity with the preset's sentence) plus
//! keyword points; then the requests override the preset.
//!
//! Without the MiniLM model the keywords decide alone. A description that nothing fits gets
//! the neutral preset and a warning naming the closest one.

mod presets;
mod requests;

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use presets::{NEUTRAL, PRESETS, Preset, find_preset};
pub use requests::{MAX_TEMPO_BPM, MIN_TEMPO_BPM, Requests};

use crate::Result;
use crate::ml::bert::{self, MiniLm, similarity};

/// Major or (natural) minor; the dominant chord of a minor key borrows the raised seventh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Major,
    Minor,
}

/// A tonic pitch class (0 = C) and a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub tonic_pc: u8,
    pub mode: Mode,
}

const PC_NAMES: [&str; 12] = [
    "C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
];

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            Mode::Major => "major",
            Mode::Minor => "minor",
        };
        write!(f, "{} {mode}", PC_NAMES[usize::from(self.tonic_pc % 12)])
    }
}

/// Which family of chord progressions the style draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Harmony {
    Pop,
    Jazz,
    Dark,
    Ambient,
}

/// How the chord instrument plays each bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comp {
    /// The chord held for the whole bar.
    Block,
    /// An eighth-note ostinato over the chord tones.
    Pulse8,
    /// Root, fifth and octave on every eighth note (guitar power chords).
    Power,
    /// A broken chord in eighth notes, each note left ringing.
    Arpeggio,
    /// Chords on the off-beats.
    Offbeat,
    /// A syncopated pattern: on one, and a push before the second half of the bar.
    Syncopated,
    /// Short chords on the weak beats ("oom-pah-pah"): waltz, march, polka.
    OomPah,
    /// A strummed guitar: down on the beats, up on the off-beats, each stroke spread across
    /// the strings.
    Strum,
    /// Short chord stabs on a sixteenth-note pattern (funk clavinet).
    Stabs,
}

/// How the bass plays each bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BassLine {
    /// The root held for the bar.
    Held,
    /// The root on every eighth note.
    Pulse8,
    /// Quarter notes alternating root and fifth.
    RootFifth,
    /// A walking line in quarter notes leading to the next root.
    Walking,
    /// A syncopated hip-hop line.
    Syncopated,
    /// Root and fifth on the two halves of the bar; in three, one note a bar, root and
    /// fifth in turn (march, country, waltz).
    TwoFeel,
    /// Eighth notes jumping between the root and its octave (disco, funk).
    Octaves,
}

/// Drum patterns (GM percussion on MIDI channel index 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groove {
    /// Kick on 1 and 3, snare on 2 and 4, eighth-note hats.
    Rock,
    /// Rock with sixteenth-note hats and a pushed kick: news and sport themes.
    Driving,
    /// Kick on 1 and 3, claps on 2 and 4, open hat on the off-beats.
    Pop,
    /// Boom-bap: a lazy kick, snare on 2 and 4, swung hats.
    HipHop,
    /// Ride cymbal swing pattern, hi-hat pedal on 2 and 4.
    Jazz,
    /// Low toms on the downbeat and cymbal swells: orchestral percussion.
    Orchestral,
    /// A soft heartbeat kick.
    Heartbeat,
    /// A kick on every beat, claps on 2 and 4, open hats on the off-beats (house, EDM).
    FourOnFloor,
    /// Syncopated kick, backbeat snare with ghost notes, sixteenth-note hats.
    Funk,
    /// Reggae: kick and rim click together in the middle of the bar, nothing on one.
    OneDrop,
    /// Bossa nova: a soft syncopated kick, rim clicks and quiet hats.
    Bossa,
    /// Bass drum on every beat, off-beat snare and a ruff into the last beat.
    March,
    /// Kick on the strong beats, a light snare on the others (polka, two-step).
    OomPah,
    /// Quiet sixteenth-note hats like a clock, a low tom on the downbeat.
    Ticking,
}

/// Everything the arranger needs to know about a piece.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// The preset's name, as the report shows it.
    pub name: &'static str,
    pub tempo_bpm: f64,
    pub beats_per_bar: u32,
    pub key: Key,
    pub harmony: Harmony,
    /// Add the seventh to every chord.
    pub sevenths: bool,
    /// GM program (0-based) of the chord instrument and how it plays.
    pub chord_program: u8,
    pub comp: Comp,
    /// GM program of a sustained pad doubling the chords, if any.
    pub pad_program: Option<u8>,
    pub bass: Option<(u8, BassLine)>,
    pub melody_program: Option<u8>,
    pub drums: Option<Groove>,
    /// Delay of the off-beat eighth notes, in beats (0 = straight, 1/6 = triplet swing).
    pub swing_beats: f64,
    /// 0..1: how loud and busy the parts are.
    pub energy: f32,
}

/// Score added per keyword point (3 for a word that names the style, 1 for a hint); the
/// same scale as the sound-effect chooser's.
pub const KEYWORD_WEIGHT: f32 = 0.05;
/// Points beyond this add nothing.
const KEYWORD_CAP: u32 = 9;
/// Below this similarity, and with no keyword, no preset fits: the neutral one is used.
/// Low, because a paraphrase that only meaning can place ("a widow remembers her late
/// husband") scores about 0.2 with the right preset; text unrelated to music ("the invoice
/// number is 4471") scores below 0.1. Made-up words can still score above it.
pub const THRESHOLD: f32 = 0.15;

/// The chosen style, what the text overrode, and anything the user should know.
#[derive(Clone, Debug)]
pub struct Choice {
    pub style: Style,
    /// Human-readable overrides, e.g. `["92 bpm", "D minor"]`.
    pub overrides: Vec<String>,
    pub warnings: Vec<String>,
    /// The description asked for a tempo in numbers, which the arrangement then keeps
    /// closely.
    pub tempo_requested: bool,
    /// False when no preset fitted the words and the neutral one was used (with a
    /// warning); true when a word named the style or its meaning was close enough.
    pub confident: bool,
    /// The chosen preset's score (similarity plus keyword weight); 0 for the neutral
    /// fallback.
    pub score: f32,
}

impl Choice {
    /// How far the arranger may bend the tempo to land the ending on the clip's end.
    pub fn max_tempo_bend(&self) -> f64 {
        if self.tempo_requested {
            super::arrange::REQUESTED_TEMPO_FIT
        } else {
            super::arrange::MAX_TEMPO_FIT
        }
    }

    /// `preset:<name>`, followed by the overrides in brackets if any.
    pub fn source(&self) -> String {
        if self.overrides.is_empty() {
            format!("preset:{}", self.style.name)
        } else {
            format!("preset:{} ({})", self.style.name, self.overrides.join(", "))
        }
    }
}

/// One preset scored against a description.
#[derive(Clone, Debug)]
pub struct Ranked {
    pub preset: &'static Preset,
    /// Cosine similarity of the description and the preset's sentence (0 without the model).
    pub similarity: f32,
    /// Keyword points.
    pub points: u32,
    /// Similarity plus [`KEYWORD_WEIGHT`] per point: what the ranking sorts by.
    pub score: f32,
}

/// Chooses styles: the presets with their embeddings, and the model to embed descriptions.
pub struct StyleChooser {
    model: Option<Arc<MiniLm>>,
    /// One per preset, in [`PRESETS`] order; empty without the model.
    vectors: Vec<Vec<f32>>,
    /// Said once, with the first choice: the model is missing.
    notes: Vec<String>,
    told: AtomicBool,
}

impl fmt::Debug for StyleChooser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StyleChooser")
            .field("model", &self.model.is_some())
            .finish_non_exhaustive()
    }
}

/// The text a preset's embedding is made from: its sentence and its stronger keywords.
fn preset_text(p: &Preset) -> String {
    let words: Vec<&str> = p
        .keywords
        .iter()
        .filter(|(_, points)| *points >= 2)
        .map(|(word, _)| *word)
        .collect();
    format!("{}: {}", p.about, words.join(", "))
}

/// Words every description may have that say nothing about the style; left out of the
/// text MiniLM embeds, where they would pull all presets' similarities up alike.
const FILLER: &[&str] = &[
    "music",
    "song",
    "songs",
    "piece",
    "track",
    "tune",
    "tunes",
    "background",
    "bed",
    "cue",
    "underscore",
];

/// The text MiniLM embeds for a description's style part.
fn query_text(text: &str) -> String {
    text.split(' ')
        .filter(|w| !FILLER.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

impl StyleChooser {
    /// Keywords only: no model.
    pub fn keywords_only() -> Self {
        StyleChooser {
            model: None,
            vectors: Vec::new(),
            notes: Vec::new(),
            told: AtomicBool::new(false),
        }
    }

    /// With `model`, the presets' sentences are embedded now, or read from `store` (a file
    /// later runs read instead of embedding them again; see [`MiniLm::embed_stored`]).
    pub fn new(model: Option<Arc<MiniLm>>, store: Option<&Path>) -> Result<Self> {
        let vectors = match &model {
            Some(m) => {
                let texts: Vec<String> = PRESETS.iter().map(preset_text).collect();
                m.embed_stored(&texts, store)?
            }
            None => Vec::new(),
        };
        Ok(StyleChooser {
            model,
            vectors,
            ..StyleChooser::keywords_only()
        })
    }

    /// The chooser with the model in `model_dir` (shared with other engines; `None`:
    /// keywords only). A model that is not installed is not an error: keywords decide, and
    /// the first choice carries a warning saying how to install it.
    pub fn load(model_dir: Option<&Path>, store: Option<&Path>) -> Result<Self> {
        let mut notes = Vec::new();
        let model = bert::shared_if_installed(model_dir, &mut notes)?;
        if let Some(note) = notes.first_mut() {
            note.push_str("; choosing music styles by keywords only");
        }
        Ok(StyleChooser {
            notes,
            ..StyleChooser::new(model, store)?
        })
    }

    /// True when similarity by meaning is in use (the MiniLM model loaded).
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// Every preset for the style part of `description` (requests taken out), best first.
    pub fn rank(&self, description: &str) -> Result<Vec<Ranked>> {
        self.rank_text(&Requests::parse(description).text)
    }

    fn rank_text(&self, text: &str) -> Result<Vec<Ranked>> {
        let query_text = query_text(text);
        let query = match &self.model {
            Some(m) if !query_text.is_empty() => Some(m.embed(&[query_text])?.remove(0)),
            _ => None,
        };
        Ok(rank_with(text, query.as_deref(), &self.vectors))
    }

    /// The style for a description. Never fails for want of a fit: the neutral preset and
    /// a warning stand in. Fails only when the model fails to run.
    pub fn choose(&self, description: &str) -> Result<Choice> {
        let requests = Requests::parse(description);
        let ranked = self.rank_text(&requests.text)?;
        let mut choice = decide(description, &requests, &ranked, self.has_model());
        if !self.told.swap(true, Ordering::Relaxed) {
            choice.warnings.splice(0..0, self.notes.iter().cloned());
        }
        Ok(choice)
    }
}

/// The style for a description by keywords alone (no model).
pub fn choose(description: &str) -> Choice {
    let requests = Requests::parse(description);
    let ranked = rank_with(&requests.text, None, &[]);
    decide(description, &requests, &ranked, false)
}

/// Keyword points of `preset` in `text` (lower-case words separated by single spaces).
fn points(preset: &Preset, text: &str) -> u32 {
    let padded = format!(" {text} ");
    preset
        .keywords
        .iter()
        .filter(|(word, _)| padded.contains(&format!(" {word} ")))
        .map(|(_, points)| points)
        .sum()
}

/// Scores every preset; a stable sort keeps the list order among equal scores.
fn rank_with(text: &str, query: Option<&[f32]>, vectors: &[Vec<f32>]) -> Vec<Ranked> {
    let mut ranked: Vec<Ranked> = PRESETS
        .iter()
        .enumerate()
        .map(|(i, preset)| {
            let similarity = match (query, vectors.get(i)) {
                (Some(q), Some(v)) => similarity(q, v),
                _ => 0.0,
            };
            let points = points(preset, text);
            Ranked {
                preset,
                similarity,
                points,
                score: similarity + KEYWORD_WEIGHT * points.min(KEYWORD_CAP) as f32,
            }
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked
}

/// The best preset if it fits, else the neutral one with a warning; then the requests.
fn decide(description: &str, requests: &Requests, ranked: &[Ranked], has_model: bool) -> Choice {
    let mut warnings = requests.warnings.clone();
    let neutral = presets::neutral();
    // Without a text to embed ("background music") the similarities are all 0.
    let embedded = has_model && !query_text(&requests.text).is_empty();
    let best = ranked
        .first()
        .filter(|r| r.points > 0 || (embedded && r.similarity >= THRESHOLD));
    let preset = match best {
        Some(r) => r.preset,
        None if description.trim().is_empty() => {
            warnings.push("empty music description: used the neutral preset".to_string());
            neutral
        }
        None if requests.text.is_empty() => {
            warnings.push(format!(
                "the music description {:?} names no style, only tempo, key or instruments: used the neutral preset",
                description.trim()
            ));
            neutral
        }
        None => {
            let why = match ranked.first() {
                Some(closest) if embedded => format!(
                    "the closest, {}, scores only {:.2} (threshold {THRESHOLD})",
                    closest.preset.style.name, closest.similarity
                ),
                _ => "no style word found in it".to_string(),
            };
            warnings.push(format!(
                "no style fits the music description {:?}: {why}; used the neutral preset",
                description.trim()
            ));
            neutral
        }
    };
    let mut style = preset.style.clone();
    let overrides = requests.apply(&mut style, &mut warnings);
    Choice {
        style,
        overrides,
        warnings,
        tempo_requested: requests.tempo_bpm.is_some(),
        confident: best.is_some(),
        score: best.map_or(0.0, |r| r.score),
    }
}

#[cfg(test)]
mod tests;
