//! Script parsing and validation: YAML text → [`Script`], or every problem found, each
//! naming the row, the field, the line and column, and what would be accepted.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::fields::{
    FieldKind, MAX_CHAPTER_CHARS, MAX_DUCK_DB, MAX_DURATION_S, MAX_TAKE, ROW_FIELD_NAMES, row_field,
};
use super::model::*;
use super::value::{Node, Pos, Value, parse_yaml};

/// Fields a script's top level accepts.
pub const SCRIPT_FIELDS: &[&str] = &[
    "title",
    "loudness",
    "seed",
    "sample_rate",
    "gap",
    "library",
    "voices",
    "rows",
];
/// Fields an entry of `voices` accepts.
pub const VOICE_FIELDS: &[&str] = &[
    "engine",
    "gender",
    "voice",
    "speaker",
    "pitch",
    "speed",
    "noise_scale",
    "noise_w",
];
/// Fields an `end` row may carry.
const END_ROW_FIELDS: &[&str] = &["type", "layout", "id", "action"];

/// Sample rates a script may ask for.
pub const SAMPLE_RATES_HZ: &[u32] = &[
    8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 88_200, 96_000, 192_000,
];
/// One problem in a script.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationError {
    /// 1-based row, when the problem is in a row.
    pub row: Option<usize>,
    /// The field (`volume`, `voices.Host.pitch`), when the problem is in one.
    pub field: Option<String>,
    /// 1-based line and column in the YAML text; 0 when unknown.
    pub line: u32,
    pub column: u32,
    /// What is wrong and what would be accepted.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(row) = self.row {
            place.push(format!("row {row}"));
        }
        if let Some(field) = &self.field {
            place.push(format!("field `{field}`"));
        }
        if self.line > 0 {
            place.push(format!("line {}, column {}", self.line, self.column));
        }
        if place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", place.join(", "), self.message)
        }
    }
}

/// Every problem found in a script, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "invalid script ({n} problem{})",
            if n == 1 { "" } else { "s" }
        )?;
        for e in &self.0 {
            write!(f, "\n  {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

/// Parses and validates a script.
pub fn parse_script(text: &str) -> Result<Script, ValidationErrors> {
    let root = parse_yaml(text).map_err(|e| {
        ValidationErrors(vec![ValidationError {
            row: None,
            field: None,
            line: e.pos.line,
            column: e.pos.column,
            message: format!("YAML syntax: {}", e.message),
        }])
    })?;
    let mut v = Validator::default();
    let script = v.script(&root);
    let mut errors = v.errors;
    errors.sort_by_key(|e| (e.line == 0, e.line, e.column));
    match script {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(ValidationErrors(errors)),
    }
}

/// The closest accepted word to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, accepted: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    accepted
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, c), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn one_of(accepted: &[&str]) -> String {
    accepted
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Default)]
struct Validator {
    errors: Vec<ValidationError>,
    /// Where each row's `chapter:` value is, by row index, for the checks across rows.
    chapter_at: BTreeMap<usize, Pos>,
    /// Where each row's `gap:` key is, by row index, for the check across rows.
    gap_at: BTreeMap<usize, Pos>,
}

/// A row's fields by name, each with its value node and the key's position.
struct Fields<'a> {
    row: Option<usize>,
    /// Prefix for field names in messages (`voices.Host.`).
    prefix: String,
    pos: Pos,
    map: HashMap<&'a str, (Pos, &'a Node)>,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a Node> {
        self.map.get(name).map(|(_, n)| *n)
    }
}

impl Validator {
    fn error(&mut self, row: Option<usize>, field: Option<&str>, pos: Pos, message: String) {
        self.errors.push(ValidationError {
            row,
            field: field.map(str::to_owned),
            line: pos.line,
            column: pos.column,
            message,
        });
    }

    fn field_error(&mut self, f: &Fields<'_>, name: &str, pos: Pos, message: String) {
        let field = format!("{}{name}", f.prefix);
        self.error(f.row, Some(&field), pos, message);
    }

    /// Reads a mapping, reporting unknown keys with a suggestion.
    fn fields<'a>(
        &mut self,
        node: &'a Node,
        row: Option<usize>,
        prefix: &str,
        accepted: &[&str],
        what: &str,
    ) -> Option<Fields<'a>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                row,
                (!prefix.is_empty()).then(|| prefix.trim_end_matches('.')),
                node.pos,
                format!(
                    "expected {what} (a mapping of `field: value`), found {}",
                    node.value.kind()
                ),
            );
            return None;
        };
        let mut map = HashMap::new();
        for (key, key_pos, value) in entries {
            if accepted.contains(&key.as_str()) {
                map.insert(key.as_str(), (*key_pos, value));
                continue;
            }
            let hint = match did_you_mean(key, accepted) {
                Some(s) => format!("did you mean `{s}`?"),
                // `{text: Yes, and no}` splits at the comma inside a flow mapping.
                None if key.contains(' ') => format!(
                    "if this is part of a text, put the text in quotes (`text: \"…, …\"`); accepted fields are {}",
                    one_of(accepted)
                ),
                None => format!("accepted fields are {}", one_of(accepted)),
            };
            self.error(
                row,
                Some(&format!("{prefix}{key}")),
                *key_pos,
                format!("unknown field `{key}` in {what}; {hint}"),
            );
        }
        Some(Fields {
            row,
            prefix: prefix.to_owned(),
            pos: node.pos,
            map,
        })
    }

    fn text(&mut self, f: &Fields<'_>, name: &str) -> Option<String> {
        let node = f.get(name)?;
        match &node.value {
            Value::Str(s) => Some(s.clone()),
            // `id: 1` or `description: 42` mean the text "1" and "42".
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => Some(node.value.to_string()),
            Value::Null => {
                self.field_error(
                    f,
                    name,
                    node.pos,
                    "is empty; give it a value or remove the field".into(),
                );
                None
            }
            other => {
                let kind = other.kind();
                self.field_error(f, name, node.pos, format!("expected text, found {kind}"));
                None
            }
        }
    }

    fn choice<'c>(&mut self, f: &Fields<'_>, name: &str, accepted: &[&'c str]) -> Option<&'c str> {
        let node = f.get(name)?;
        let Value::Str(s) = &node.value else {
            let kind = node.value.kind();
            self.field_error(
                f,
                name,
                node.pos,
                format!("expected one of {}, found {kind}", one_of(accepted)),
            );
            return None;
        };
        let lower = s.trim().to_lowercase();
        if let Some(c) = accepted.iter().find(|c| **c == lower) {
            return Some(c);
        }
        let hint = match did_you_mean(&lower, accepted) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!("use one of {}", one_of(accepted)),
        };
        self.field_error(f, name, node.pos, format!("unknown {name} `{s}`; {hint}"));
        None
    }

    /// A number within `lo..=hi`; `what` describes the accepted range for the message.
    fn number(&mut self, f: &Fields<'_>, name: &str, lo: f64, hi: f64, what: &str) -> Option<f64> {
        let node = f.get(name)?;
        let Some(x) = node.value.as_f64() else {
            let found = node.value.to_string();
            self.field_error(
                f,
                name,
                node.pos,
                format!("expected a number ({what}), found {found}"),
            );
            return None;
        };
        if !(lo..=hi).contains(&x) {
            self.field_error(
                f,
                name,
                node.pos,
                format!("{x} is out of range; use {what}"),
            );
            return None;
        }
        Some(x)
    }

    /// A row field of [`FieldKind::Number`], within the range the field table gives;
    /// `what` says that range in words.
    fn row_number(&mut self, f: &Fields<'_>, name: &str, what: &str) -> Option<f64> {
        let Some(FieldKind::Number { min, max }) = row_field(name).map(|s| s.kind) else {
            unreachable!("`{name}` is a number field of the row table");
        };
        self.number(f, name, min, max, what)
    }

    /// `duck:` as written: `None` when absent; `Some(None)` for `false`; `Some(Some(dB))`
    /// for `true` (the default depth) or a depth.
    fn duck(&mut self, f: &Fields<'_>) -> Option<Option<f64>> {
        let node = f.get("duck")?;
        let problem = match node.value {
            Value::Bool(false) => return Some(None),
            Value::Bool(true) => return Some(Some(DEFAULT_DUCK_DB)),
            _ => match node.value.as_f64() {
                Some(db) if db > 0.0 && db <= MAX_DUCK_DB => return Some(Some(db)),
                Some(db) if db <= 0.0 => format!(
                    "a depth of {db} dB does not duck; write `duck: false` to keep this background at its level under speech, or a depth above 0 and at most {MAX_DUCK_DB} dB (e.g. `duck: 12`)"
                ),
                Some(db) => format!(
                    "{db} dB is deeper than {MAX_DUCK_DB} dB, as good as silence; use a depth above 0 and at most {MAX_DUCK_DB} dB (e.g. `duck: 12`), or end the background where it should stop"
                ),
                None => format!(
                    "expected true, false or a depth in dB above 0 and at most {MAX_DUCK_DB} (e.g. `duck: 12`), found {}",
                    node.value
                ),
            },
        };
        self.field_error(f, "duck", node.pos, problem);
        None
    }

    /// `file:` — an audio file, as written; the script's loader finds it.
    fn file(&mut self, f: &Fields<'_>) -> Option<PlayFile> {
        let node = f.get("file")?;
        let written = self.text(f, "file")?;
        if written.trim().is_empty() {
            self.field_error(
                f,
                "file",
                node.pos,
                "is blank; give the path of an audio file (relative to the script's folder), e.g. `file: sounds/theme.mp3`, or remove the field".into(),
            );
            return None;
        }
        Some(PlayFile {
            path: std::path::PathBuf::from(&written),
            written,
            line: node.pos.line,
            column: node.pos.column,
        })
    }

    fn script(&mut self, root: &Node) -> Option<Script> {
        if matches!(root.value, Value::Null) {
            self.error(
                None,
                None,
                root.pos,
                "the script is empty; a script needs at least `rows:` with one row".into(),
            );
            return None;
        }
        let top = self.fields(root, None, "", SCRIPT_FIELDS, "the script")?;
        let title = self
            .text(&top, "title")
            .unwrap_or_else(|| "Untitled".into());
        let loudness_lufs = self
            .number(
                &top,
                "loudness",
                -40.0,
                -5.0,
                "an integrated loudness between -40 and -5 LUFS, e.g. -16",
            )
            .unwrap_or(DEFAULT_LOUDNESS_LUFS);
        let seed = match top.get("seed") {
            None => 0,
            Some(node) => match node.value {
                Value::Int(i) if i >= 0 => i as u64,
                _ => {
                    let found = node.value.to_string();
                    self.field_error(
                        &top,
                        "seed",
                        node.pos,
                        format!("expected a whole number 0 or more, found {found}"),
                    );
                    0
                }
            },
        };
        let sample_rate_hz = match top.get("sample_rate") {
            None => crate::audio::DEFAULT_SAMPLE_RATE_HZ,
            Some(node) => match node.value {
                // Compared as written: `i as u32` would read 2^32 + 48000 as 48000.
                Value::Int(i) if u32::try_from(i).is_ok_and(|r| SAMPLE_RATES_HZ.contains(&r)) => {
                    i as u32
                }
                _ => {
                    let rates: Vec<String> = SAMPLE_RATES_HZ.iter().map(u32::to_string).collect();
                    let found = node.value.to_string();
                    self.field_error(
                        &top,
                        "sample_rate",
                        node.pos,
                        format!(
                            "unsupported sample rate {found}; use one of {}",
                            rates.join(", ")
                        ),
                    );
                    crate::audio::DEFAULT_SAMPLE_RATE_HZ
                }
            },
        };
        let gap_s = self.number(
            &top,
            "gap",
            0.0,
            30.0,
            "seconds between foreground rows, 0 to 30",
        );
        let libraries = self.libraries(&top);
        let voices = match top.get("voices") {
            Some(Node {
                value: Value::Null, ..
            })
            | None => BTreeMap::new(),
            Some(node) => self.voices(node),
        };
        let rows = match top.get("rows") {
            None => {
                self.error(
                    None,
                    Some("rows"),
                    top.pos,
                    "the script has no `rows:`; add a list of rows, e.g. `rows: [{type: speech, character: Host, text: Hello.}]`".into(),
                );
                return None;
            }
            Some(node) => self.rows(node)?,
        };
        Some(Script {
            title,
            loudness_lufs,
            seed,
            sample_rate_hz,
            gap_s,
            libraries,
            voices,
            rows,
        })
    }

    /// `library:` — one folder of sound files, or a list of them.
    fn libraries(&mut self, top: &Fields<'_>) -> Vec<Library> {
        let Some(node) = top.get("library") else {
            return Vec::new();
        };
        let items: Vec<&Node> = match &node.value {
            Value::List(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut out = Vec::new();
        for item in items {
            match &item.value {
                Value::Str(s) if !s.trim().is_empty() => out.push(Library {
                    path: s.clone(),
                    line: item.pos.line,
                    column: item.pos.column,
                }),
                other => {
                    let found = if matches!(other, Value::Str(_)) {
                        "empty text".to_string()
                    } else {
                        other.kind().to_string()
                    };
                    self.field_error(
                        top,
                        "library",
                        item.pos,
                        format!(
                            "expected a folder of sound files (or a list of folders), found {found}; e.g. `library: sounds/`"
                        ),
                    );
                }
            }
        }
        out
    }

    fn voices(&mut self, node: &Node) -> BTreeMap<String, Voice> {
        let mut voices = BTreeMap::new();
        let Value::Map(entries) = &node.value else {
            let kind = node.value.kind();
            self.error(
                None,
                Some("voices"),
                node.pos,
                format!("expected a mapping of character to voice, found {kind}"),
            );
            return voices;
        };
        for (character, _, entry) in entries {
            let prefix = format!("voices.{character}.");
            let voice = match &entry.value {
                // `Host: en-us+m3` is short for `Host: { voice: en-us+m3 }`.
                Value::Str(name) => Voice {
                    voice: Some(name.clone()),
                    ..Voice::default()
                },
                _ => {
                    let Some(f) = self.fields(entry, None, &prefix, VOICE_FIELDS, "a voice") else {
                        continue;
                    };
                    Voice {
                        engine: self
                            .choice(&f, "engine", &["piper", "hibari", "espeak"])
                            .map(|e| match e {
                                "piper" => SpeechEngine::Piper,
                                "hibari" => SpeechEngine::Hibari,
                                _ => SpeechEngine::Espeak,
                            }),
                        gender: self.choice(&f, "gender", &["female", "male"]).map(|g| {
                            if g == "female" {
                                Gender::Female
                            } else {
                                Gender::Male
                            }
                        }),
                        voice: self.text(&f, "voice"),
                        speaker: self.text(&f, "speaker"),
                        pitch_semitones: self.number(
                            &f,
                            "pitch",
                            -12.0,
                            12.0,
                            "semitones between -12 and 12",
                        ),
                        speed: self.number(&f, "speed", 0.5, 2.0, "a rate between 0.5 and 2.0"),
                        noise_scale: self.number(
                            &f,
                            "noise_scale",
                            0.0,
                            2.0,
                            "0 to 2 (Piper's default is 0.667)",
                        ),
                        noise_w: self.number(
                            &f,
                            "noise_w",
                            0.0,
                            2.0,
                            "0 to 2 (Piper's default is 0.8)",
                        ),
                        auto_index: None,
                        cast_gender: None,
                    }
                }
            };
            voices.insert(character.clone(), voice);
        }
        voices
    }

    fn rows(&mut self, node: &Node) -> Option<Vec<Row>> {
        let Value::List(items) = &node.value else {
            let kind = node.value.kind();
            self.error(
                None,
                Some("rows"),
                node.pos,
                format!("expected a list of rows (each starting with `- `), found {kind}"),
            );
            return None;
        };
        if items.is_empty() {
            self.error(
                None,
                Some("rows"),
                node.pos,
                "the script has no rows; add at least one foreground row".into(),
            );
            return None;
        }
        let rows: Vec<Option<Row>> = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.row(i + 1, item))
            .collect();
        let rows: Vec<Row> = rows.into_iter().flatten().collect();
        if rows.len() != items.len() {
            return None;
        }
        self.spans(&rows);
        self.chapters(&rows);
        self.first_gap(&rows);
        Some(rows)
    }

    fn row(&mut self, index: usize, node: &Node) -> Option<Row> {
        let errors_before = self.errors.len();
        let f = self.fields(node, Some(index), "", &ROW_FIELD_NAMES, "a row")?;
        let row = Some(index);

        let row_type = match f.get("type") {
            None => {
                self.error(
                    row,
                    Some("type"),
                    f.pos,
                    "missing; every row needs `type: speech`, `type: music` or `type: sfx`".into(),
                );
                None
            }
            Some(_) => self
                .choice(&f, "type", &["speech", "music", "sfx"])
                .map(|t| match t {
                    "speech" => RowType::Speech,
                    "music" => RowType::Music,
                    _ => RowType::Sfx,
                }),
        };
        let action = self
            .choice(&f, "action", &["begin", "end"])
            .map(|a| match a {
                "begin" => Action::Begin,
                _ => Action::End,
            });
        let layout_written = self
            .choice(&f, "layout", &["foreground", "background"])
            .map(|l| match l {
                "foreground" => Layout::Foreground,
                _ => Layout::Background,
            });
        let layout = match (layout_written, action) {
            (Some(Layout::Foreground), Some(a)) => {
                let pos = f.map["layout"].1.pos;
                self.error(
                    row,
                    Some("layout"),
                    pos,
                    format!(
                        "a row with `action: {}` is a background; remove `layout: foreground` or the action",
                        a.as_str()
                    ),
                );
                Layout::Background
            }
            (Some(l), _) => l,
            (None, Some(_)) => Layout::Background,
            (None, None) => Layout::Foreground,
        };

        let id = self.text(&f, "id").map(|s| s.trim().to_owned());
        if let Some(node) = f.get("id")
            && id.as_deref() == Some("")
        {
            self.field_error(
                &f,
                "id",
                node.pos,
                "is blank; give the span a name such as `theme`".into(),
            );
        }
        let character = self.text(&f, "character").map(|s| s.trim().to_owned());
        let chapter = self.chapter(&f);
        let description = match (f.get("description"), f.get("text")) {
            (Some(_), Some(t)) => {
                self.field_error(
                    &f,
                    "text",
                    t.pos,
                    "`text` is another name for `description`; give only one of them".into(),
                );
                None
            }
            (Some(_), None) => self.text(&f, "description"),
            (None, Some(_)) => self.text(&f, "text"),
            (None, None) => None,
        };
        let volume_lufs =
            self.row_number(&f, "volume", "a loudness between -70 and 0 LUFS, e.g. -25");
        let pan = self
            .row_number(&f, "pan", "-1 (left) to 1 (right)")
            .unwrap_or(0.0);
        let fade_in_s = self.row_number(&f, "fade_in", "seconds, 0 or more");
        let fade_out_s = self.row_number(&f, "fade_out", "seconds, 0 or more");
        let gap_s = self.row_number(
            &f,
            "gap",
            "seconds from -30 to 30 (negative: start before the rows before end)",
        );
        let duck = self.duck(&f);
        let file = self.file(&f);
        let take = match f.get("take") {
            None => 1,
            Some(node) => match node.value {
                Value::Int(i) if (1..=i64::from(MAX_TAKE)).contains(&i) => i as u32,
                _ => {
                    let found = node.value.to_string();
                    self.field_error(
                        &f,
                        "take",
                        node.pos,
                        format!(
                            "expected a whole number from 1 to {MAX_TAKE} (1 is the first take; another number re-rolls this row), found {found}"
                        ),
                    );
                    1
                }
            },
        };
        let duration = match f.get("duration") {
            None => Duration::Auto,
            Some(node) => match &node.value {
                Value::Str(s) if s.trim().eq_ignore_ascii_case("auto") => Duration::Auto,
                v => match v.as_f64() {
                    Some(x) if x > 0.0 && x <= MAX_DURATION_S => Duration::Seconds(x),
                    Some(x) => {
                        self.field_error(
                            &f,
                            "duration",
                            node.pos,
                            format!("{x} s is out of range; use seconds greater than 0 and at most {MAX_DURATION_S} (1 hour), or `auto`"),
                        );
                        Duration::Auto
                    }
                    None => {
                        self.field_error(
                            &f,
                            "duration",
                            node.pos,
                            format!("expected seconds or `auto`, found {v}"),
                        );
                        Duration::Auto
                    }
                },
            },
        };

        // Rules that tie fields together, checked once each field is known.
        let row_type = row_type?;
        let at = |name: &str| f.map.get(name).map_or(f.pos, |(key_pos, _)| *key_pos);
        if action == Some(Action::End) {
            for name in f.map.keys().filter(|k| !END_ROW_FIELDS.contains(k)) {
                if *name == "chapter" {
                    self.error(
                        row,
                        Some(name),
                        at(name),
                        "an `end` row has no place of its own on the timeline, so no chapter can start there; put `chapter:` on the row the chapter starts with".into(),
                    );
                    continue;
                }
                self.error(
                    row,
                    Some(name),
                    at(name),
                    format!("has no effect on an `end` row; set it on the `begin` row of this id and remove it here (an `end` row takes only {})", one_of(END_ROW_FIELDS)),
                );
            }
        }
        if action.is_some() && id.is_none() {
            self.error(
                row,
                Some("id"),
                f.pos,
                format!(
                    "missing; a row with `action: {}` needs an `id` that pairs its begin and end, e.g. `id: theme`",
                    action.map_or("", Action::as_str)
                ),
            );
        }
        if row_type == RowType::Speech {
            if layout == Layout::Background {
                let field = if action.is_some() { "action" } else { "layout" };
                self.error(
                    row,
                    Some(field),
                    at(field),
                    "speech rows are foreground; remove the action/layout, or use a music or sfx row for a background".into(),
                );
            }
            if character.as_deref().is_none_or(str::is_empty) {
                self.error(
                    row,
                    Some("character"),
                    at("character"),
                    "missing; a speech row needs the `character` who speaks, e.g. `character: Host`".into(),
                );
            }
            let field = if f.get("text").is_some() {
                "text"
            } else {
                "description"
            };
            match description.as_deref().map(str::trim) {
                None | Some("") => self.error(
                    row,
                    Some(field),
                    at(field),
                    "missing; a speech row needs the words to speak in `description` (or `text`)"
                        .into(),
                ),
                Some(words) if !words.chars().any(char::is_alphanumeric) => self.error(
                    row,
                    Some(field),
                    at(field),
                    format!(
                        "{words:?} has no words to speak; write the words, or use an sfx row for a sound"
                    ),
                ),
                Some(_) => {}
            }
            if let Duration::Seconds(_) = duration {
                self.error(
                    row,
                    Some("duration"),
                    at("duration"),
                    "speech lasts as long as its words; remove `duration` (or write `auto`)".into(),
                );
            }
            for name in ["fade_in", "fade_out", "duck"] {
                if f.get(name).is_some() {
                    self.error(
                        row,
                        Some(name),
                        at(name),
                        "applies to music and sfx rows only; remove it from this speech row".into(),
                    );
                }
            }
            if f.get("file").is_some() {
                self.error(
                    row,
                    Some("file"),
                    at("file"),
                    "a speech row speaks its words; `file` plays an audio file on music and sfx rows only, so remove it here or make this a music or sfx row".into(),
                );
            }
        } else if character.is_some() {
            self.error(
                row,
                Some("character"),
                at("character"),
                format!("only speech rows have a character; remove it from this {row_type} row"),
            );
        }
        if layout == Layout::Foreground && row_type != RowType::Speech && f.get("duck").is_some() {
            self.error(
                row,
                Some("duck"),
                at("duck"),
                "only backgrounds duck (they play under speech); a foreground row plays between the other foreground rows, so remove `duck` or make the row a background".into(),
            );
        }
        if layout == Layout::Background && action != Some(Action::End) && f.get("gap").is_some() {
            self.error(
                row,
                Some("gap"),
                at("gap"),
                "a background starts with the next foreground row, so it has no gap of its own; put `gap` on that foreground row".into(),
            );
        }
        if gap_s.is_some() {
            self.gap_at.insert(index, at("gap"));
        }
        if layout == Layout::Background && row_type != RowType::Speech {
            match (action, duration) {
                (Some(a), Duration::Seconds(_)) => self.error(
                    row,
                    Some("duration"),
                    at("duration"),
                    format!(
                        "a background with `action: {}` lasts from its begin to its end; remove `duration`, or remove the action for a one-shot background",
                        a.as_str()
                    ),
                ),
                (None, Duration::Auto) => self.error(
                    row,
                    Some("duration"),
                    at("duration"),
                    "a background without an action needs a `duration` in seconds (or use `action: begin`/`end` with an `id`)".into(),
                ),
                _ => {}
            }
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Row {
            index,
            line: f.pos.line,
            column: f.pos.column,
            row_type,
            layout,
            id,
            character,
            volume_lufs: volume_lufs.unwrap_or_else(|| default_volume_lufs(row_type, layout)),
            action,
            description: description.unwrap_or_default().trim().to_owned(),
            duration,
            fade_in_s,
            fade_out_s,
            pan,
            // Backgrounds play under speech, and duck unless the row says otherwise.
            duck_db: match layout {
                Layout::Background => duck.unwrap_or(Some(DEFAULT_DUCK_DB)),
                Layout::Foreground => None,
            },
            gap_s: gap_s.filter(|_| layout == Layout::Foreground),
            file,
            take,
            chapter,
        })
    }

    /// `chapter:` — a chapter title: text, trimmed, not blank, at most
    /// [`MAX_CHAPTER_CHARS`] characters.
    fn chapter(&mut self, f: &Fields<'_>) -> Option<String> {
        let node = f.get("chapter")?;
        let example = "e.g. `chapter: Headlines`";
        let problem = match &node.value {
            Value::Str(s) => {
                let title = s.trim();
                let chars = title.chars().count();
                if title.is_empty() {
                    format!("is blank; give the chapter a title, {example}, or remove the field")
                } else if chars > MAX_CHAPTER_CHARS {
                    format!(
                        "is {chars} characters long; a chapter title may have at most {MAX_CHAPTER_CHARS}"
                    )
                } else {
                    self.chapter_at.insert(f.row.unwrap_or(0), node.pos);
                    return Some(title.to_owned());
                }
            }
            Value::Null => {
                format!("is empty; give the chapter a title, {example}, or remove the field")
            }
            // A number could be a title, but `chapter: 2` more likely means a chapter number.
            Value::Int(_) | Value::Float(_) => format!(
                "expected a chapter title, found the number {}; write the title in words, or quote it (`chapter: \"{}\"`) if the title is that number",
                node.value, node.value
            ),
            other => format!(
                "expected a chapter title (text), found {}; write the title, {example}",
                match other {
                    Value::Bool(b) => b.to_string(),
                    _ => other.kind().to_string(),
                }
            ),
        };
        self.field_error(f, "chapter", node.pos, problem);
        None
    }

    /// Chapters start where their rows start, and a background row starts with the next
    /// foreground row: two chapters on rows that start together would leave one empty.
    fn chapters(&mut self, rows: &[Row]) {
        // (the foreground row a chapter starts with, the chapter's row)
        let mut previous: Option<(Option<usize>, usize)> = None;
        for (i, r) in rows.iter().enumerate() {
            if r.chapter.is_none() {
                continue;
            }
            let starts_with = rows[i..].iter().position(Row::is_foreground).map(|k| i + k);
            if let Some((before, row)) = previous
                && before == starts_with
            {
                let pos = self.chapter_at.get(&r.index).copied().unwrap_or(Pos {
                    line: r.line,
                    column: r.column,
                });
                self.error(
                    Some(r.index),
                    Some("chapter"),
                    pos,
                    format!(
                        "starts at the same moment as the chapter of row {row} (a background row starts with the next foreground row), so that one would be empty; keep one of the two `chapter:` fields"
                    ),
                );
            }
            previous = Some((starts_with, r.index));
        }
    }

    /// The first foreground row starts the timeline: there is nothing before it to keep a
    /// gap from.
    fn first_gap(&mut self, rows: &[Row]) {
        if let Some(first) = rows.iter().find(|r| r.is_foreground())
            && first.gap_s.is_some()
        {
            let pos = self.gap_at.get(&first.index).copied().unwrap_or(Pos {
                line: first.line,
                column: first.column,
            });
            self.error(
                Some(first.index),
                Some("gap"),
                pos,
                "the first foreground row starts the timeline at 0 s, so there is nothing before it to keep a gap from; remove `gap` here".into(),
            );
        }
    }

    /// Pairs every `begin` with its `end`, and checks that each background has foreground
    /// rows to play under.
    fn spans(&mut self, rows: &[Row]) {
        struct Open {
            row: usize,
            pos: Pos,
            row_type: RowType,
            foreground_inside: usize,
        }
        let mut open: BTreeMap<String, Open> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            let pos = Pos {
                line: r.line,
                column: r.column,
            };
            if r.is_foreground() {
                for span in open.values_mut() {
                    span.foreground_inside += 1;
                }
                continue;
            }
            let id = r.id.clone().unwrap_or_default();
            match r.action {
                Some(Action::Begin) => {
                    if let Some(prev) = open.get(&id) {
                        let msg = format!(
                            "`{id}` is already playing (begun at row {}); end it before beginning it again, or use another id",
                            prev.row
                        );
                        self.error(Some(r.index), Some("id"), pos, msg);
                        continue;
                    }
                    open.insert(
                        id,
                        Open {
                            row: r.index,
                            pos,
                            row_type: r.row_type,
                            foreground_inside: 0,
                        },
                    );
                }
                Some(Action::End) => {
                    match open.remove(&id) {
                        None => {
                            let playing: Vec<&str> = open.keys().map(String::as_str).collect();
                            let hint = if playing.is_empty() {
                                "no background is playing here".to_owned()
                            } else {
                                format!("playing here: {}", one_of(&playing))
                            };
                            self.error(
                            Some(r.index),
                            Some("id"),
                            pos,
                            format!("`end` of `{id}` has no open `begin` with that id before it; {hint}"),
                        );
                        }
                        Some(span) => {
                            if span.row_type != r.row_type {
                                self.error(
                                Some(r.index),
                                Some("type"),
                                pos,
                                format!(
                                    "`{id}` began as {} at row {}; its `end` row must have `type: {}`",
                                    span.row_type, span.row, span.row_type
                                ),
                            );
                            }
                            if span.foreground_inside == 0 {
                                self.error(
                                Some(span.row),
                                Some("action"),
                                span.pos,
                                format!(
                                    "background `{id}` has no foreground row between its begin (row {}) and its end (row {}); a background plays under foreground rows, so put at least one between them",
                                    span.row, r.index
                                ),
                            );
                            }
                        }
                    }
                }
                None => {
                    if !rows[i + 1..].iter().any(Row::is_foreground) {
                        self.error(
                            Some(r.index),
                            Some("layout"),
                            pos,
                            "a one-shot background starts with the next foreground row, and none follows; move it before a foreground row or make it foreground".into(),
                        );
                    }
                }
            }
        }
        for (id, span) in open {
            let row_type = span.row_type;
            self.error(
                Some(span.row),
                Some("action"),
                span.pos,
                format!(
                    "background `{id}` begins here but never ends; add a row `{{type: {row_type}, id: {id}, action: end}}` after the last foreground row it should play under"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(yaml: &str) -> Vec<ValidationError> {
        parse_script(yaml).expect_err("script should be invalid").0
    }

    #[test]
    fn valid_script_gets_defaults() {
        let s = parse_script(
            "title: T\nrows:\n  - {type: music, id: bed, action: begin, description: calm}\n  - {type: speech, character: Host, text: Hello there.}\n  - {type: music, id: bed, action: end}\n  - {type: sfx, description: swoosh, duration: 1.5}\n",
        )
        .unwrap();
        assert_eq!(s.loudness_lufs, -16.0);
        assert_eq!(s.sample_rate_hz, 48_000);
        assert_eq!(s.rows.len(), 4);
        assert_eq!(s.rows[0].layout, Layout::Background);
        assert_eq!(s.rows[0].volume_lufs, -32.0);
        assert_eq!(s.rows[1].volume_lufs, -15.0);
        assert_eq!(s.rows[1].description, "Hello there.");
        assert_eq!(s.rows[3].volume_lufs, -25.0);
        assert_eq!(s.rows[3].duration, Duration::Seconds(1.5));
    }

    #[test]
    fn typo_gets_a_suggestion_with_row_and_place() {
        let e = errors("rows:\n  - type: sfx\n    descripton: boom\n");
        assert_eq!(e[0].row, Some(1));
        assert_eq!(e[0].field.as_deref(), Some("descripton"));
        assert_eq!((e[0].line, e[0].column), (3, 5));
        assert!(
            e[0].message.contains("did you mean `description`"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn unmatched_spans_are_reported() {
        let e = errors(
            "rows:\n  - {type: music, id: a, action: end}\n  - {type: speech, character: H, text: Hi}\n",
        );
        assert!(e[0].message.contains("no open `begin`"), "{}", e[0].message);
        let e = errors(
            "rows:\n  - {type: music, id: a, action: begin, description: x}\n  - {type: speech, character: H, text: Hi}\n",
        );
        assert!(e[0].message.contains("never ends"), "{}", e[0].message);
        assert_eq!(e[0].row, Some(1));
    }

    #[test]
    fn take_defaults_to_1_and_is_checked() {
        let s = parse_script(
            "rows:\n  - {type: sfx, description: boom, duration: 1}\n  - {type: sfx, description: boom, duration: 1, take: 3}\n",
        )
        .unwrap();
        assert_eq!((s.rows[0].take, s.rows[1].take), (1, 3));
        for bad in ["0", "1001", "1.5", "two", "-2"] {
            let e = errors(&format!(
                "rows:\n  - {{type: sfx, description: boom, duration: 1}}\n  - {{type: sfx, description: boom, duration: 1, take: {bad}}}\n"
            ));
            assert_eq!(e.len(), 1, "take: {bad}: {e:?}");
            assert_eq!(e[0].row, Some(2));
            assert_eq!(e[0].field.as_deref(), Some("take"));
            assert_eq!(e[0].line, 3);
            assert!(e[0].message.contains("1 to 1000"), "{}", e[0].message);
        }
        // An `end` row has no sound of its own to re-roll.
        let e = errors(
            "rows:\n  - {type: music, id: a, action: begin, description: x}\n  - {type: speech, character: H, text: Hi}\n  - {type: music, id: a, action: end, take: 2}\n",
        );
        assert_eq!(e[0].field.as_deref(), Some("take"));
    }

    #[test]
    fn chapters_are_trimmed_titles() {
        let s = parse_script(
            "rows:\n  - {type: speech, character: H, text: Hi., chapter: \"  Headlines \"}\n  - {type: speech, character: H, text: Bye.}\n  - {type: sfx, description: boom, duration: 1, chapter: \"2\"}\n",
        )
        .unwrap();
        assert_eq!(s.rows[0].chapter.as_deref(), Some("Headlines"));
        assert_eq!(s.rows[1].chapter, None);
        assert_eq!(s.rows[2].chapter.as_deref(), Some("2"));
    }

    #[test]
    fn bad_chapters_name_the_row_and_field() {
        let long = "x".repeat(MAX_CHAPTER_CHARS + 1);
        for (value, expected) in [
            ("[a, b]", "expected a chapter title (text), found a list"),
            ("true", "found true"),
            (
                "3",
                "found the number 3; write the title in words, or quote it",
            ),
            ("\"   \"", "is blank; give the chapter a title"),
            ("", "is empty; give the chapter a title"),
            (
                long.as_str(),
                "is 201 characters long; a chapter title may have at most 200",
            ),
        ] {
            let e = errors(&format!(
                "rows:\n  - type: speech\n    character: H\n    text: Hi.\n  - type: sfx\n    duration: 1\n    chapter: {value}\n"
            ));
            assert_eq!(e.len(), 1, "chapter: {value}: {e:?}");
            let text = e[0].to_string();
            assert!(
                text.starts_with("row 2, field `chapter`, line 7, column "),
                "{text}"
            );
            assert!(text.contains(expected), "chapter: {value}: {text}");
        }
        let e = errors(
            "rows:\n  - {type: music, id: a, action: begin, description: x}\n  - {type: speech, character: H, text: Hi}\n  - {type: music, id: a, action: end, chapter: Outro}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        let text = e[0].to_string();
        assert!(text.starts_with("row 3, field `chapter`, line 4"), "{text}");
        assert!(
            text.contains("put `chapter:` on the row the chapter starts with"),
            "{text}"
        );
    }

    #[test]
    fn two_chapters_that_start_together_are_refused() {
        // The bed starts with row 2, so chapters on both would leave one empty.
        let e = errors(
            "rows:\n  - {type: music, id: a, action: begin, description: x, chapter: One}\n  - {type: speech, character: H, text: Hi, chapter: Two}\n  - {type: music, id: a, action: end}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            (e[0].row, e[0].field.as_deref()),
            (Some(2), Some("chapter"))
        );
        assert_eq!(e[0].line, 3);
        assert!(
            e[0].message.contains("chapter of row 1"),
            "{}",
            e[0].message
        );
        // A foreground row in between: fine.
        parse_script(
            "rows:\n  - {type: sfx, layout: background, duration: 1, description: x, chapter: One}\n  - {type: speech, character: H, text: Hi}\n  - {type: speech, character: H, text: Ho, chapter: Two}\n",
        )
        .unwrap();
    }

    #[test]
    fn sample_rate_is_one_of_the_list_as_written() {
        let s =
            parse_script("sample_rate: 44100\nrows: [{type: sfx, description: x, duration: 1}]\n");
        assert_eq!(s.unwrap().sample_rate_hz, 44_100);
        // 2^32 + 48000 once wrapped around to 48000 and was accepted.
        for bad in ["4295015296", "-4294919296", "0", "48001"] {
            let e = errors(&format!(
                "sample_rate: {bad}\nrows: [{{type: sfx, description: x, duration: 1}}]\n"
            ));
            assert_eq!(e[0].field.as_deref(), Some("sample_rate"), "{bad}");
            assert!(e[0].message.contains(bad), "{}", e[0].message);
        }
    }

    const BED: &str = "rows:\n  - {type: sfx, id: rain, action: begin, description: rain%s}\n  - {type: speech, character: H, text: Hi}\n  - {type: sfx, id: rain, action: end}\n";

    #[test]
    fn backgrounds_duck_by_default_and_at_the_depth_asked() {
        let duck = |extra: &str| parse_script(&BED.replace("%s", extra)).map(|s| s.rows[0].duck_db);
        assert_eq!(duck(""), Ok(Some(DEFAULT_DUCK_DB)));
        assert_eq!(DEFAULT_DUCK_DB, 8.0);
        assert_eq!(duck(", duck: true"), Ok(Some(DEFAULT_DUCK_DB)));
        assert_eq!(duck(", duck: false"), Ok(None));
        assert_eq!(duck(", duck: 12"), Ok(Some(12.0)));
        assert_eq!(duck(", duck: 0.5"), Ok(Some(0.5)));
        assert_eq!(duck(", duck: 40"), Ok(Some(40.0)));
        for (bad, expected) in [
            ("0", "a depth of 0 dB does not duck; write `duck: false`"),
            ("-6", "a depth of -6 dB does not duck"),
            ("40.5", "40.5 dB is deeper than 40 dB"),
            (
                "loud",
                "expected true, false or a depth in dB above 0 and at most 40",
            ),
        ] {
            let e = errors(&BED.replace("%s", &format!(", duck: {bad}")));
            assert_eq!(e.len(), 1, "{bad}: {e:?}");
            let text = e[0].to_string();
            assert!(
                text.starts_with("row 1, field `duck`, line 2, column "),
                "{text}"
            );
            assert!(text.contains(expected), "{bad}: {text}");
        }
        // Speech is never ducked, foreground rows are not backgrounds.
        let s = parse_script("rows:\n  - {type: sfx, description: boom, duration: 1}\n").unwrap();
        assert_eq!(s.rows[0].duck_db, None);
        let e = errors("rows:\n  - {type: sfx, description: boom, duration: 1, duck: 12}\n");
        assert_eq!(e[0].field.as_deref(), Some("duck"));
        assert!(
            e[0].message.contains("only backgrounds duck"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn gaps_go_on_foreground_rows_after_the_first() {
        let s = parse_script(
            "rows:\n  - {type: speech, character: A, text: One.}\n  - {type: speech, character: B, text: Two., gap: -0.8}\n  - {type: sfx, description: bell, duration: 1, gap: 4}\n",
        )
        .unwrap();
        assert_eq!(
            s.rows.iter().map(|r| r.gap_s).collect::<Vec<_>>(),
            [None, Some(-0.8), Some(4.0)]
        );
        assert_eq!(s.gap_between_s(&s.rows[0], &s.rows[1]), -0.8);
        let e = errors(
            "rows:\n  - {type: speech, character: A, text: One., gap: 2}\n  - {type: speech, character: B, text: Two.}\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            (e[0].row, e[0].field.as_deref(), e[0].line),
            (Some(1), Some("gap"), 2)
        );
        assert!(
            e[0].message
                .contains("the first foreground row starts the timeline"),
            "{}",
            e[0].message
        );
        // After a background row, the first foreground row is still the first.
        let e = errors(&BED.replace("Hi}", "Hi, gap: 1}"));
        assert_eq!((e[0].row, e[0].field.as_deref()), (Some(2), Some("gap")));
        let e = errors(&format!(
            "{}  - {{type: speech, character: H, text: Bye}}\n",
            BED.replace("%s", ", gap: 1")
        ));
        assert_eq!((e[0].row, e[0].field.as_deref()), (Some(1), Some("gap")));
        assert!(
            e[0].message
                .contains("a background starts with the next foreground row"),
            "{}",
            e[0].message
        );
        for bad in ["31", "-30.5", "soon"] {
            let e = errors(&format!(
                "rows:\n  - {{type: speech, character: A, text: One.}}\n  - {{type: speech, character: B, text: Two., gap: {bad}}}\n"
            ));
            assert_eq!(e[0].field.as_deref(), Some("gap"), "{bad}");
            assert!(e[0].message.contains("-30 to 30"), "{}", e[0].message);
        }
    }

    #[test]
    fn files_play_on_music_and_sfx_rows() {
        let s = parse_script(
            "rows:\n  - {type: sfx, file: sounds/door.wav, duration: 1}\n  - {type: music, file: theme.mp3}\n",
        )
        .unwrap();
        let file = s.rows[0].file.as_ref().unwrap();
        assert_eq!(file.written, "sounds/door.wav");
        assert_eq!((file.line, file.column), (2, 23));
        // The description is what the row says it is: not needed with a file.
        assert_eq!(s.rows[1].description, "");
        let e = errors("rows:\n  - {type: speech, character: H, text: Hi, file: hi.wav}\n");
        assert_eq!((e[0].row, e[0].field.as_deref()), (Some(1), Some("file")));
        assert!(
            e[0].message.contains("music and sfx rows only"),
            "{}",
            e[0].message
        );
        let e = errors(&format!(
            "{}  - {{type: sfx, id: rain, action: end, file: x.wav}}\n",
            BED.replace("%s", "")
                .rsplit_once("  - {type: sfx, id: rain, action: end}")
                .unwrap()
                .0
        ));
        assert_eq!((e[0].row, e[0].field.as_deref()), (Some(3), Some("file")));
        let e = errors("rows:\n  - {type: sfx, duration: 1, file: \" \"}\n");
        assert!(e[0].message.contains("is blank"), "{}", e[0].message);
    }

    #[test]
    fn all_problems_are_collected() {
        let e = errors(
            "rows:\n  - {type: speech, text: Hi}\n  - {type: sfx, volume: 5, duration: -1}\n",
        );
        let fields: Vec<_> = e
            .iter()
            .map(|e| e.field.clone().unwrap_or_default())
            .collect();
        assert_eq!(fields, ["character", "volume", "duration"]);
    }
}
