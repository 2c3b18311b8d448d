//! The validated script: what every later stage reads. Built only by [`super::parse`].

use std::collections::BTreeMap;
use std::fmt;

/// What a row sounds like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RowType {
    Speech,
    Music,
    Sfx,
}

impl RowType {
    pub const ALL: [RowType; 3] = [RowType::Speech, RowType::Music, RowType::Sfx];

    pub fn as_str(self) -> &'static str {
        match self {
            RowType::Speech => "speech",
            RowType::Music => "music",
            RowType::Sfx => "sfx",
        }
    }
}

impl fmt::Display for RowType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Foreground rows play in sequence; backgrounds play under them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    Foreground,
    Background,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Foreground => "foreground",
            Layout::Background => "background",
        }
    }
}

/// Opens or closes a background span named by the row's `id`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Begin,
    End,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Begin => "begin",
            Action::End => "end",
        }
    }
}

/// A row's requested length.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Duration {
    /// Speech: as long as the words take. Begin/end backgrounds: their span. Foreground
    /// music and sfx: the engine's natural length.
    Auto,
    Seconds(f64),
}

impl Duration {
    pub fn seconds(self) -> Option<f64> {
        match self {
            Duration::Auto => None,
            Duration::Seconds(s) => Some(s),
        }
    }
}

/// Which program speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpeechEngine {
    /// Piper voices (VITS) run in candle: natural, the default.
    Piper,
    /// hibari voices (a distilled Kokoro model with a harmonic-plus-noise vocoder) run in
    /// candle: natural, American English.
    Hibari,
    /// espeak-ng: robotic but intelligible, for drafts and languages without a Piper voice.
    Espeak,
}

impl SpeechEngine {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeechEngine::Piper => "piper",
            SpeechEngine::Hibari => "hibari",
            SpeechEngine::Espeak => "espeak",
        }
    }
}

/// Whether a character is a woman or a man, as far as casting a voice goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Gender {
    Female,
    Male,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
        }
    }

    /// The other one: casting alternates between them where nothing says which.
    pub fn other(self) -> Gender {
        match self {
            Gender::Female => Gender::Male,
            Gender::Male => Gender::Female,
        }
    }
}

/// How a character speaks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Voice {
    /// `None`: the engine of the voice onair casts (a neural voice when one fits), else
    /// espeak-ng.
    pub engine: Option<SpeechEngine>,
    /// The character's gender: onair casts a voice of that gender, never the other one,
    /// unless `voice` names one.
    pub gender: Option<Gender>,
    /// A voice name (`en_US-joe-medium`, or for espeak-ng `en-us+m3`); `None` lets the
    /// engine choose.
    pub voice: Option<String>,
    /// Speaker of a multi-speaker voice, by name or number.
    pub speaker: Option<String>,
    /// Pitch shift in semitones (0 = the voice's own), used exactly as written; `None`: the
    /// voice's own, or for a character onair gives a voice to, an automatic shift.
    pub pitch_semitones: Option<f64>,
    /// Speaking rate multiplier (1 = the voice's own), used exactly as written; `None`: the
    /// voice's own, or for a character onair gives a voice to, an automatic rate.
    pub speed: Option<f64>,
    /// Piper sampling noise: variety of the voice (default: the voice's own, ~0.667).
    pub noise_scale: Option<f64>,
    /// Piper duration noise: variety of the rhythm (default: the voice's own, ~0.8).
    pub noise_w: Option<f64>,
    /// Set by onair for characters it gives a voice to: the character's place among those
    /// of its gender, which each engine turns into a distinct setting (a speaker, a
    /// variant, a pitch).
    pub auto_index: Option<usize>,
    /// Set by onair for characters it gives a voice to and whose entry has no `gender`: the
    /// gender alternation gives them. A preference, where `gender` is a rule: without a
    /// voice of this gender installed, the character speaks with another neural voice.
    pub cast_gender: Option<Gender>,
}

impl Voice {
    /// The gender a voice is cast for: the entry's own, else the one onair gave it.
    pub fn wanted_gender(&self) -> Option<Gender> {
        self.gender.or(self.cast_gender)
    }
}

/// One validated row. `index` is 1-based, as `onair table` prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub index: usize,
    /// Line and column where the row starts in the YAML file (1-based), for messages.
    pub line: u32,
    pub column: u32,
    pub row_type: RowType,
    pub layout: Layout,
    pub id: Option<String>,
    pub character: Option<String>,
    /// Target integrated loudness of the clip, LUFS (defaults already applied).
    pub volume_lufs: f64,
    pub action: Option<Action>,
    /// For speech, the words; otherwise what it should sound like. Empty on `end` rows.
    pub description: String,
    pub duration: Duration,
    pub fade_in_s: Option<f64>,
    pub fade_out_s: Option<f64>,
    /// Stereo position, -1 (left) .. 1 (right).
    pub pan: f64,
    /// How far this row goes down under foreground speech, dB; `None`: not at all.
    /// Background music and sfx duck by [`DEFAULT_DUCK_DB`] unless the row says otherwise
    /// (`duck: false`, or a depth); foreground rows never duck.
    pub duck_db: Option<f64>,
    /// Foreground rows: the gap before this row, replacing the script's (negative: it
    /// starts before the rows before it end). Never on the first foreground row.
    pub gap_s: Option<f64>,
    /// Music and sfx: an audio file to play instead of generating the sound.
    pub file: Option<PlayFile>,
    /// Which take of this row's sound (1 = the first): another number re-rolls the row's
    /// seed, and so its sound, leaving every other row as it was.
    pub take: u32,
    /// The title of a chapter that starts where this row starts and runs until the next
    /// chapter (the last one to the end); trimmed, never blank. Never on `end` rows.
    pub chapter: Option<String>,
}

impl Row {
    pub fn is_foreground(&self) -> bool {
        self.layout == Layout::Foreground
    }

    /// Whether this row ducks under foreground speech.
    pub fn ducks(&self) -> bool {
        self.duck_db.is_some()
    }

    /// What the row is, for tables and labels: its description, else the file it plays
    /// (`file: sounds/theme.mp3` needs no description).
    pub fn what(&self) -> &str {
        match &self.file {
            Some(file) if self.description.trim().is_empty() => &file.written,
            _ => &self.description,
        }
    }
}

/// A row's `file:`: the path as written (relative to the script's folder), and where the
/// script's loader found it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayFile {
    /// As the script writes it; the report's `source` shows it.
    pub written: String,
    /// The file to read: `written` joined to the script's folder by
    /// [`crate::render::load_script`]; as written when the script was parsed from text.
    pub path: std::path::PathBuf,
    /// Where the value is, for messages about it.
    pub line: u32,
    pub column: u32,
}

/// A validated script.
#[derive(Clone, Debug, PartialEq)]
pub struct Script {
    pub title: String,
    /// Master target, integrated LUFS.
    pub loudness_lufs: f64,
    pub seed: u64,
    pub sample_rate_hz: u32,
    /// Silence between two foreground rows; `None` means the default (0.3 s between two
    /// speech rows, 0 otherwise).
    pub gap_s: Option<f64>,
    /// Folders of sound files the sfx engine may choose from, besides its recipes.
    pub libraries: Vec<Library>,
    /// Voices by character name, as written in the script.
    pub voices: BTreeMap<String, Voice>,
    pub rows: Vec<Row>,
}

impl Script {
    /// The row with this 1-based index (rows keep their index in a selection of rows).
    pub fn row(&self, index: usize) -> Option<&Row> {
        self.rows
            .binary_search_by_key(&index, |r| r.index)
            .ok()
            .map(|i| &self.rows[i])
    }
}

/// A `library:` folder as the script names it (relative paths are relative to the script).
#[derive(Clone, Debug, PartialEq)]
pub struct Library {
    pub path: String,
    /// Where the entry is, for messages about it.
    pub line: u32,
    pub column: u32,
}

/// How far a background ducks under speech when its row asks for no depth, dB (the depth
/// `duck: true` means, and what background music and sfx get without a `duck` field).
pub const DEFAULT_DUCK_DB: f64 = 8.0;
/// Default master loudness, integrated LUFS (podcast practice).
pub const DEFAULT_LOUDNESS_LUFS: f64 = -16.0;
/// Gap between two consecutive speech rows when the script sets none.
pub const DEFAULT_SPEECH_GAP_S: f64 = 0.3;

/// Default clip loudness for a row, LUFS.
pub fn default_volume_lufs(row_type: RowType, layout: Layout) -> f64 {
    match (row_type, layout) {
        (RowType::Speech, _) => -15.0,
        (_, Layout::Foreground) => -25.0,
        (_, Layout::Background) => -32.0,
    }
}

impl Script {
    /// The gap placed before foreground row `next` when it follows foreground row `prev`:
    /// the row's own `gap`, else the script's, else the default.
    pub fn gap_between_s(&self, prev: &Row, next: &Row) -> f64 {
        if let Some(g) = next.gap_s {
            return g;
        }
        match self.gap_s {
            Some(g) => g,
            None if prev.row_type == RowType::Speech && next.row_type == RowType::Speech => {
                DEFAULT_SPEECH_GAP_S
            }
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::script::parse_script;

    #[test]
    fn a_row_is_named_by_its_description_else_its_file() {
        let s = parse_script(
            "rows:\n  - {type: music, file: sounds/theme.mp3, duration: 2}\n  - {type: sfx, file: a.wav, description: door, duration: 1}\n",
        )
        .unwrap();
        assert_eq!(s.rows[0].what(), "sounds/theme.mp3");
        assert_eq!(s.rows[1].what(), "door");
    }
}
