//! The fields a row accepts, with what each takes: the one list the parser's unknown-field
//! check, the JSON Schema ([`super::schema`]), the row commands ([`crate::edit`]) and the
//! planner's YAML writer read, so that a new field is known to all of them at once.

/// What a field's value is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldKind {
    /// Any text (at most `max_chars` characters when given).
    Text { max_chars: Option<usize> },
    /// A path to a file, relative to the script's folder.
    Path,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A number within `min..=max`.
    Number { min: f64, max: f64 },
    /// A whole number within `min..=max`.
    Integer { min: i64, max: i64 },
    /// A number of seconds above 0 and at most `max`, or the word `auto`.
    SecondsOrAuto { max: f64 },
    /// true, false, or a number above 0 and at most `max`.
    BoolOrNumber { max: f64 },
}

/// One field of a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    /// What the field means, for the JSON Schema (editors show it).
    pub doc: &'static str,
}

/// The longest duration a row may ask for, seconds.
pub const MAX_DURATION_S: f64 = 3600.0;
/// The highest `take` a row may ask for.
pub const MAX_TAKE: u32 = 1000;
/// The longest chapter title, characters.
pub const MAX_CHAPTER_CHARS: usize = 200;
/// The deepest a background may duck under speech, dB (`duck: 40`); deeper is as good as
/// muting it, which `volume` or ending the span does more plainly.
pub const MAX_DUCK_DB: f64 = 40.0;
/// The longest pause a row's `gap` may ask for, and the most it may overlap, seconds.
pub const MAX_GAP_S: f64 = 30.0;

/// Fields a row accepts, in the order a row is written (`onair set` puts a new field in its
/// place by this order, the planner writes rows in it). `text` is an alias of
/// `description`.
pub const ROW_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "type",
        kind: FieldKind::Choice(&["speech", "music", "sfx"]),
        doc: "speech | music | sfx.",
    },
    FieldSpec {
        name: "chapter",
        kind: FieldKind::Text {
            max_chars: Some(MAX_CHAPTER_CHARS),
        },
        doc: "Title of a chapter that starts where this row starts and runs until the next one (the last to the end). Written as MP3 chapters and in the report; not on `end` rows.",
    },
    FieldSpec {
        name: "layout",
        kind: FieldKind::Choice(&["foreground", "background"]),
        doc: "foreground (default; rows play one after another) or background (plays under them). A row with an `action` is a background.",
    },
    FieldSpec {
        name: "id",
        kind: FieldKind::Text { max_chars: None },
        doc: "Pairs a background's `begin` and `end` rows.",
    },
    FieldSpec {
        name: "action",
        kind: FieldKind::Choice(&["begin", "end"]),
        doc: "begin | end: opens or closes the background span named by `id`.",
    },
    FieldSpec {
        name: "character",
        kind: FieldKind::Text { max_chars: None },
        doc: "Who speaks (speech rows only).",
    },
    FieldSpec {
        name: "volume",
        kind: FieldKind::Number {
            min: -70.0,
            max: 0.0,
        },
        doc: "Target integrated loudness of the clip, LUFS. Defaults: speech -15, foreground music/sfx -25, background -32.",
    },
    FieldSpec {
        name: "gap",
        kind: FieldKind::Number {
            min: -MAX_GAP_S,
            max: MAX_GAP_S,
        },
        doc: "Foreground rows after the first: seconds between the end of the rows before and the start of this one, instead of the script's `gap`. Negative: start before they end (an interruption), but never before the previous row's start.",
    },
    FieldSpec {
        name: "duration",
        kind: FieldKind::SecondsOrAuto {
            max: MAX_DURATION_S,
        },
        doc: "Seconds, or `auto` (speech and begin/end backgrounds are always auto).",
    },
    FieldSpec {
        name: "fade_in",
        kind: FieldKind::Number {
            min: 0.0,
            max: MAX_DURATION_S,
        },
        doc: "Fade-in seconds (music and sfx). Default: 2 s for clips of 8 s or more, else a fifth of the clip.",
    },
    FieldSpec {
        name: "fade_out",
        kind: FieldKind::Number {
            min: 0.0,
            max: MAX_DURATION_S,
        },
        doc: "Fade-out seconds (music and sfx). Default as for `fade_in`.",
    },
    FieldSpec {
        name: "pan",
        kind: FieldKind::Number {
            min: -1.0,
            max: 1.0,
        },
        doc: "Stereo position, -1 (left) to 1 (right). Default 0.",
    },
    FieldSpec {
        name: "duck",
        kind: FieldKind::BoolOrNumber { max: MAX_DUCK_DB },
        doc: "Background music and sfx: how they go down under speech. Default true (8 dB); false: not at all; a number: that many dB (above 0, at most 40).",
    },
    FieldSpec {
        name: "take",
        kind: FieldKind::Integer {
            min: 1,
            max: MAX_TAKE as i64,
        },
        doc: "Which take of this row's sound: 1 (the default) is the first; another number re-rolls this row only, and earlier takes stay cached.",
    },
    FieldSpec {
        name: "file",
        kind: FieldKind::Path,
        doc: "Music and sfx: play this audio file (WAV, FLAC, MP3, OGG; relative to the script's folder) instead of generating the sound, fitted to the row: cut with a fade, or looped under a background span.",
    },
    FieldSpec {
        name: "description",
        kind: FieldKind::Text { max_chars: None },
        doc: "What it should sound like; for speech, the words spoken.",
    },
    FieldSpec {
        name: "text",
        kind: FieldKind::Text { max_chars: None },
        doc: "Alias of `description`.",
    },
];

/// The names of [`ROW_FIELDS`], in the same order.
pub const ROW_FIELD_NAMES: [&str; ROW_FIELDS.len()] = {
    let mut names = [""; ROW_FIELDS.len()];
    let mut i = 0;
    while i < ROW_FIELDS.len() {
        names[i] = ROW_FIELDS[i].name;
        i += 1;
    }
    names
};

/// The row field called `name`.
pub fn row_field(name: &str) -> Option<&'static FieldSpec> {
    ROW_FIELDS.iter().find(|f| f.name == name)
}

/// Where a field stands in [`ROW_FIELDS`] (unknown fields after all of them).
pub fn row_field_rank(name: &str) -> usize {
    ROW_FIELDS
        .iter()
        .position(|f| f.name == name)
        .unwrap_or(ROW_FIELDS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_duck_doc_states_the_default_depth() {
        let doc = row_field("duck").unwrap().doc;
        let default = format!("Default true ({} dB)", crate::script::DEFAULT_DUCK_DB);
        assert!(doc.contains(&default), "{doc}");
    }

    #[test]
    fn names_are_unique_and_in_table_order() {
        for (i, name) in ROW_FIELD_NAMES.iter().enumerate() {
            assert_eq!(ROW_FIELDS[i].name, *name);
            assert_eq!(row_field_rank(name), i, "{name} twice");
        }
    }
}
