//! The script format as serde types, for the JSON Schema that editors (and later planners)
//! use. Parsing does not go through these types (see `parse.rs`, which keeps positions for
//! messages); a test keeps the field lists of both in step.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An onair audio script: a table of rows, each one piece of sound, rendered in order.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptFile {
    /// Title of the production (report, tags).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Master target, integrated LUFS. Default -16 (podcast practice); true peak is kept at or below -1 dBTP.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -40.0, max = -5.0))]
    pub loudness: Option<f64>,
    /// Every random choice derives from it: same script and seed give the same audio. Default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Output sample rate in Hz. Default 48000.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 192000]))]
    pub sample_rate: Option<u32>,
    /// Seconds of silence between foreground rows. Default: 0.3 between two speech rows, 0 otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 30.0))]
    pub gap: Option<f64>,
    /// Folders of sound files (WAV, FLAC, OGG, MP3) that sound effects may be chosen from,
    /// besides the procedural recipes. Relative to the script's folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub library: Option<LibraryField>,
    /// Voice per character. Characters without an entry get distinct voices automatically.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub voices: BTreeMap<String, VoiceEntry>,
    /// The rows, in order.
    #[schemars(length(min = 1))]
    pub rows: Vec<RowFile>,
}

/// `library:` — one folder, or several.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LibraryField {
    One(String),
    Many(Vec<String>),
}

/// A voice: a name, or settings.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum VoiceEntry {
    /// Just the voice name.
    Name(String),
    Settings(VoiceFile),
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SpeechEngineFile {
    Piper,
    Espeak,
}

/// How a character speaks.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceFile {
    /// piper (the default when a Piper voice fits) or espeak.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<SpeechEngineFile>,
    /// Voice name: a Piper voice in models/voices (e.g. `en_US-joe-medium`), or an espeak-ng voice (e.g. `en-us+m3`). `onair voices` lists them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// Speaker of a multi-speaker Piper voice, by name or number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// Pitch shift in semitones. Default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -12.0, max = 12.0))]
    pub pitch: Option<f64>,
    /// Speaking-rate multiplier. Default 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.5, max = 2.0))]
    pub speed: Option<f64>,
    /// Piper: variety of the voice. Default: the voice's own (about 0.667).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 2.0))]
    pub noise_scale: Option<f64>,
    /// Piper: variety of the rhythm. Default: the voice's own (about 0.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0, max = 2.0))]
    pub noise_w: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RowTypeFile {
    Speech,
    Music,
    Sfx,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LayoutFile {
    Foreground,
    Background,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionFile {
    Begin,
    End,
}

/// Seconds, or `auto`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DurationFile {
    Seconds(#[schemars(range(min = 0.001, max = 3600.0))] f64),
    Auto(AutoWord),
}

/// The word `auto`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
pub enum AutoWord {
    #[serde(rename = "auto")]
    Auto,
}

/// One row: a line of speech, a music cue or a sound effect.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RowFile {
    /// speech | music | sfx.
    #[serde(rename = "type")]
    pub row_type: Option<RowTypeFile>,
    /// Title of a chapter that starts where this row starts and runs until the next one (the last to the end). Written as MP3 chapters and in the report; not on `end` rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub chapter: Option<String>,
    /// foreground (default; rows play one after another) or background (plays under them). A row with an `action` is a background.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutFile>,
    /// Pairs a background's `begin` and `end` rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Who speaks (speech rows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub character: Option<String>,
    /// Target integrated loudness of the clip, LUFS. Defaults: speech -15, foreground music/sfx -25, background -32.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -70.0, max = 0.0))]
    pub volume: Option<f64>,
    /// begin | end: opens or closes the background span named by `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionFile>,
    /// What it should sound like; for speech, the words spoken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Alias of `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Seconds, or `auto` (speech and begin/end backgrounds are always auto).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<DurationFile>,
    /// Fade-in seconds (music and sfx). Default: 2 s for clips of 8 s or more, else a fifth of the clip.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub fade_in: Option<f64>,
    /// Fade-out seconds (music and sfx). Default as for `fade_in`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0.0))]
    pub fade_out: Option<f64>,
    /// Stereo position, -1 (left) to 1 (right). Default 0.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = -1.0, max = 1.0))]
    pub pan: Option<f64>,
    /// Duck this background under foreground speech. Default: true for background music, false otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duck: Option<bool>,
    /// Which take of this row's sound: 1 (the default) is the first; another number re-rolls this row only, and earlier takes stay cached.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub take: Option<u32>,
}

/// The JSON Schema of the script format, as `onair schema` writes it.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ScriptFile);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{ROW_FIELDS, SCRIPT_FIELDS, VOICE_FIELDS};

    fn properties(schema: &serde_json::Value, pointer: &str) -> Vec<String> {
        let mut keys: Vec<String> = schema
            .pointer(pointer)
            .and_then(|p| p.as_object())
            .unwrap_or_else(|| panic!("no {pointer} in schema"))
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn sorted(fields: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn schema_and_parser_accept_the_same_fields() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        assert_eq!(properties(&schema, "/properties"), sorted(SCRIPT_FIELDS));
        assert_eq!(
            properties(&schema, "/$defs/RowFile/properties"),
            sorted(ROW_FIELDS)
        );
        assert_eq!(
            properties(&schema, "/$defs/VoiceFile/properties"),
            sorted(VOICE_FIELDS)
        );
    }
}
