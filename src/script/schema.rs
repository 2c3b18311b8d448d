//! The script format as serde types, for the JSON Schema that editors (and planners) use.
//! Parsing does not go through these types (see `parse.rs`, which keeps positions for
//! messages); a row's fields come from the table both read (`fields.rs`), and a test keeps
//! the top-level and voice field lists in step.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::fields::{FieldKind, ROW_FIELDS};

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
    Hibari,
    Espeak,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GenderFile {
    Female,
    Male,
}

/// How a character speaks.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceFile {
    /// piper, hibari or espeak. Default: the engine of the voice onair casts (a neural voice when one fits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engine: Option<SpeechEngineFile>,
    /// female or male: onair casts a voice of that gender (never the other, unless `voice` names one). Default: genders alternate between characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<GenderFile>,
    /// Voice name: a Piper voice in models/voices (e.g. `en_US-joe-medium`), a hibari voice (`en_US-hibari-heart`), or an espeak-ng voice (e.g. `en-us+m3`). `onair voices` lists them.
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

/// One row: a line of speech, a music cue or a sound effect. Its schema is made from the
/// row field table ([`ROW_FIELDS`]), which the parser and the row commands read too.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RowFile(pub serde_json::Map<String, Value>);

impl JsonSchema for RowFile {
    fn schema_name() -> Cow<'static, str> {
        "RowFile".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        let properties: serde_json::Map<String, Value> = ROW_FIELDS
            .iter()
            .map(|f| {
                let mut schema = match field_schema(f.kind) {
                    Value::Object(map) => map,
                    _ => unreachable!("a field's schema is an object"),
                };
                schema.insert("description".into(), f.doc.into());
                (f.name.to_owned(), Value::Object(schema))
            })
            .collect();
        Schema::try_from(json!({
            "description": "One row: a line of speech, a music cue or a sound effect.",
            "type": "object",
            "properties": properties,
            // The validator refuses a row without its type; saying so here keeps editors and
            // grammar-constrained models from writing one.
            "required": ["type"],
            "additionalProperties": false,
        }))
        .expect("an object is a schema")
    }
}

/// What a value of this kind looks like, as JSON Schema.
fn field_schema(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Text {
            max_chars: Some(max),
        } => json!({ "type": "string", "minLength": 1, "maxLength": max }),
        FieldKind::Text { max_chars: None } => json!({ "type": "string" }),
        FieldKind::Path => json!({ "type": "string", "minLength": 1 }),
        FieldKind::Choice(words) => json!({ "type": "string", "enum": words }),
        FieldKind::Number { min, max } => {
            json!({ "type": "number", "minimum": min, "maximum": max })
        }
        FieldKind::Integer { min, max } => {
            json!({ "type": "integer", "minimum": min, "maximum": max })
        }
        FieldKind::SecondsOrAuto { max } => json!({
            "anyOf": [
                { "type": "number", "exclusiveMinimum": 0, "maximum": max },
                { "const": "auto" },
            ]
        }),
        FieldKind::BoolOrNumber { max } => json!({
            "anyOf": [
                { "type": "boolean" },
                { "type": "number", "exclusiveMinimum": 0, "maximum": max },
            ]
        }),
    }
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
    use crate::script::{ROW_FIELD_NAMES, SCRIPT_FIELDS, VOICE_FIELDS};

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
            sorted(&ROW_FIELD_NAMES)
        );
        assert_eq!(
            properties(&schema, "/$defs/VoiceFile/properties"),
            sorted(VOICE_FIELDS)
        );
    }

    /// The validator refuses a row without `type`; a model constrained by the schema (the
    /// HTTP planner's `json_schema` mode) must not be allowed to leave it out either.
    #[test]
    fn the_schema_requires_each_row_s_type_as_the_validator_does() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        assert_eq!(
            schema.pointer("/$defs/RowFile/required"),
            Some(&serde_json::json!(["type"]))
        );
        let problems = crate::script::parse::parse_script("rows:\n  - text: Hello.\n").unwrap_err();
        assert!(problems.to_string().contains("type"), "{problems}");
    }
}
