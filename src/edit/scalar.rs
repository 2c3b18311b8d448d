//! A field's value as YAML text: plain where YAML reads it back as what the field expects,
//! quoted otherwise.

use std::fmt::Write;

use crate::script::{FieldKind, row_field};

/// The YAML text for `value` in `field`, for a block mapping or (`flow`) a `{ … }` mapping.
///
/// Plain when the parser reads the plain text back as the field expects it, by the field's
/// kind in the row field table ([`crate::script::ROW_FIELDS`]): a number for number fields
/// (a whole one for `take`; `auto` too for `duration`), true/false for `duck` (or a depth),
/// and the very same text for every other field — so `description=42` is written `"42"` and
/// stays text, `character=Dr. Who: Returns` is quoted for its `: `. A value that is not what
/// the field expects (`volume=loud`) is written as quoted text, and validation then says what
/// is wrong with it.
pub(super) fn scalar(field: &str, value: &str, flow: bool) -> String {
    if plain_reads_as_expected(field, value, flow) {
        value.to_owned()
    } else {
        quoted(value)
    }
}

fn plain_reads_as_expected(field: &str, value: &str, flow: bool) -> bool {
    if value.is_empty() || value.contains(['\n', '\r']) {
        return false;
    }
    // The value between a key and a following entry, as it will stand in the file; a
    // trailing comment after it cannot change its meaning, a following entry can.
    let doc = if flow {
        format!("{{k: {value}, z: 0}}")
    } else {
        format!("k: {value}\nz: 0\n")
    };
    let Ok(serde_json::Value::Object(map)) = serde_saphyr::from_str::<serde_json::Value>(&doc)
    else {
        return false;
    };
    if map.len() != 2 || map.get("z").and_then(serde_json::Value::as_i64) != Some(0) {
        return false;
    }
    let read = &map["k"];
    let same_text = read.as_str() == Some(value);
    match row_field(field).map(|f| f.kind) {
        Some(FieldKind::Number { .. }) => read.is_number(),
        Some(FieldKind::Integer { .. }) => read.is_i64() || read.is_u64(),
        Some(FieldKind::SecondsOrAuto { .. }) => {
            read.is_number() || (same_text && value.trim().eq_ignore_ascii_case("auto"))
        }
        Some(FieldKind::BoolOrNumber { .. }) => read.is_boolean() || read.is_number(),
        Some(FieldKind::Text { .. } | FieldKind::Path | FieldKind::Choice(_)) | None => same_text,
    }
}

/// Single quotes for text with double quotes in it (nothing to escape), double quotes with
/// escapes otherwise.
fn quoted(value: &str) -> String {
    let special = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}');
    if value.contains('"') && !value.contains('\'') && !value.chars().any(special) {
        return format!("'{value}'");
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if special(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_back(yaml_value: &str, flow: bool) -> serde_json::Value {
        let doc = if flow {
            format!("{{k: {yaml_value}, z: 0}}")
        } else {
            format!("k: {yaml_value}   # a comment\nz: 0\n")
        };
        let v: serde_json::Value =
            serde_saphyr::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
        v["k"].clone()
    }

    #[test]
    fn text_reads_back_as_the_same_text() {
        let texts = [
            "Door slam",
            "Good evening, and welcome.",
            "Dr. Who: the return",
            "a #hashtag",
            "#1 hit",
            "He said \"hi\"",
            "It's \"quoted\" and it's not",
            "it's fine",
            "42",
            "1.50",
            "007",
            "true",
            "no",
            "null",
            "~",
            "- a list?",
            "[brackets]",
            "{braces}",
            "a, b",
            "trailing space ",
            " leading space",
            "Zürich — «ça va?» 東京 🎙",
            "back\\slash",
            "line\nbreak",
            "tab\there",
            "*alias",
            "&anchor",
            "!tag",
            "%percent",
            "@at",
            "`tick`",
            "|",
            ">",
            "?",
            ":",
            "key: value",
        ];
        for text in texts {
            for flow in [false, true] {
                let yaml = scalar("description", text, flow);
                assert_eq!(
                    read_back(&yaml, flow).as_str(),
                    Some(text),
                    "{text:?} written as {yaml} (flow: {flow})"
                );
            }
        }
    }

    #[test]
    fn quoted_only_when_needed() {
        assert_eq!(scalar("description", "Door slam", false), "Door slam");
        assert_eq!(scalar("description", "a, b", false), "a, b");
        assert_eq!(scalar("description", "a, b", true), "\"a, b\"");
        assert_eq!(scalar("description", "42", false), "\"42\"");
        assert_eq!(scalar("id", "1", true), "\"1\"");
        assert_eq!(scalar("description", "say \"hi\"", true), "say \"hi\"");
        assert_eq!(
            scalar("description", "\"hi\", she said", false),
            "'\"hi\", she said'"
        );
        assert_eq!(
            scalar("description", "line\nbreak", false),
            "\"line\\nbreak\""
        );
    }

    #[test]
    fn numbers_and_flags_stay_plain() {
        assert_eq!(scalar("volume", "-30", false), "-30");
        assert_eq!(scalar("pan", "0.5", true), "0.5");
        assert_eq!(scalar("duration", "1.5", false), "1.5");
        assert_eq!(scalar("duration", "auto", false), "auto");
        assert_eq!(scalar("duck", "false", true), "false");
        // Not what the field takes: written as text, for validation to name.
        assert_eq!(scalar("volume", "loud", false), "\"loud\"");
        assert_eq!(scalar("duck", "maybe", false), "\"maybe\"");
    }
}
