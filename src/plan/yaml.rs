//! A small YAML writer for planned scripts: block style, fields in the order the script
//! format documents them, strings quoted only where YAML needs it.

use serde_json::{Map, Value};

use crate::script::{ROW_FIELD_NAMES, SCRIPT_FIELDS, VOICE_FIELDS};

/// The script as YAML text (no header comment).
pub fn to_yaml_text(script: &Value) -> String {
    let mut out = String::new();
    match script {
        Value::Object(map) => write_map(&mut out, map, SCRIPT_FIELDS, 0, false),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

/// The entries of `map` in the order of `order` (the parser's field lists, which are the
/// order the examples write them in); unknown keys, which validation rejects anyway, follow in their own order.
fn ordered<'a>(map: &'a Map<String, Value>, order: &[&str]) -> Vec<(&'a String, &'a Value)> {
    let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by_key(|(k, _)| rank(k));
    entries
}

/// Writes `map` at `indent`; a list item's map (`inline_first`) starts on its `- ` line.
fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    order: &[&str],
    indent: usize,
    inline_first: bool,
) {
    for (i, (key, value)) in ordered(map, order).into_iter().enumerate() {
        // The first key of a list item follows its "- " on the same line.
        if i > 0 || !inline_first {
            push_indent(out, indent);
        }
        out.push_str(&string(key));
        out.push(':');
        let child_order = match key.as_str() {
            "rows" => &ROW_FIELD_NAMES[..],
            "voices" => &[],
            _ => VOICE_FIELDS,
        };
        match value {
            Value::Object(child) if !child.is_empty() => {
                out.push('\n');
                if key == "voices" {
                    // character -> voice settings
                    for (name, voice) in child {
                        push_indent(out, indent + 2);
                        out.push_str(&string(name));
                        out.push(':');
                        match voice {
                            Value::Object(settings) if !settings.is_empty() => {
                                out.push('\n');
                                write_map(out, settings, VOICE_FIELDS, indent + 4, false);
                            }
                            other => {
                                out.push(' ');
                                out.push_str(&scalar(other));
                                out.push('\n');
                            }
                        }
                    }
                } else {
                    write_map(out, child, child_order, indent + 2, false);
                }
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                for item in items {
                    push_indent(out, indent + 2);
                    out.push_str("- ");
                    match item {
                        Value::Object(fields) if !fields.is_empty() => {
                            write_map(out, fields, child_order, indent + 4, true);
                        }
                        other => {
                            out.push_str(&scalar(other));
                            out.push('\n');
                        }
                    }
                }
            }
            other => {
                out.push(' ');
                out.push_str(&scalar(other));
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as a plain scalar when YAML reads it back as the same string, else double-quoted
/// (JSON escapes are valid YAML).
fn string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || s.contains(['\n', '\r', '\t', '"', '\\']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'%@`".contains(first) {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') {
        return false;
    }
    if s.chars().any(|c| c.is_control()) {
        return false;
    }
    // Words YAML would read as another type.
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "null" | "~" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "auto"
    ) {
        return lower == "auto";
    }
    s.parse::<f64>().is_err() && !lower.starts_with("0x") && !lower.starts_with("0o")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_script;
    use serde_json::json;

    #[test]
    fn fields_come_in_documented_order_and_strings_read_back_unchanged() {
        let script = json!({
            "rows": [
                {"description": "Welcome: it's 7 # not a comment", "character": "Anchor", "type": "speech", "chapter": "Top: stories"},
                {"type": "music", "action": "begin", "id": "theme", "description": "- yes", "volume": -30},
                {"type": "speech", "character": "Anchor", "text": "true"},
                {"type": "music", "id": "theme", "action": "end"},
                {"type": "sfx", "description": "\"quoted\" and\nnewline", "duration": 1.5},
                {"type": "sfx", "description": "12", "duration": "auto"}
            ],
            "seed": 7,
            "title": "Mars: News",
            "voices": {"Anchor": {"speed": 1.05, "voice": "en_US-joe-medium"}}
        });
        let text = to_yaml_text(&script);
        assert!(
            text.starts_with("title: \"Mars: News\"\nseed: 7\nvoices:\n"),
            "{text}"
        );
        assert!(
            text.contains("  - type: music\n    id: theme\n    action: begin\n    volume: -30\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "  - type: speech\n    chapter: \"Top: stories\"\n    character: Anchor\n"
            ),
            "{text}"
        );
        let parsed = parse_script(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(parsed.rows[0].chapter.as_deref(), Some("Top: stories"));
        let direct = parse_script(&script.to_string()).unwrap();
        assert_eq!(parsed.rows.len(), 6);
        for (a, b) in parsed.rows.iter().zip(&direct.rows) {
            assert_eq!(a.description, b.description);
            assert_eq!(a.duration, b.duration);
            assert_eq!(a.volume_lufs, b.volume_lufs);
        }
        assert_eq!(parsed.title, "Mars: News");
        assert_eq!(parsed.voices, direct.voices);
    }
}
