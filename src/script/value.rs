//! A YAML value tree in which every node keeps its line and column.
//!
//! The script is first read into this tree rather than straight into typed structs, so that
//! validation can name the row, the field, and the exact place of every problem, collect all
//! problems at once, and suggest the closest field name for a typo.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// 1-based line and column in the YAML text; 0 when unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub(crate) fn of<T>(s: &Spanned<T>) -> Pos {
        Pos {
            line: s.referenced.line() as u32,
            column: s.referenced.column() as u32,
        }
    }
}

/// A node and where it stands.
#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Byte range of the node in the text, as the parser reports it (for editing the text in
    /// place): a scalar's whole text, quotes included, except that a block scalar's (`|`, `>`)
    /// starts at its content, after the header, and may run on over the blank and indentation
    /// that follow; a null's is empty, at its key's `:`; a flow mapping or list's is
    /// its opening bracket only, a block one's is empty.
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Node>),
    /// Keys in file order, each with its own position.
    Map(Vec<(String, Pos, Node)>),
}

impl Value {
    /// What the value is, in a user's words, for "expected a number, found a list".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "true/false",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::List(_) => f.write_str("a list"),
            Value::Map(_) => f.write_str("a mapping"),
        }
    }
}

/// Deserialized through a hand-written visitor rather than `#[serde(untagged)]`: untagged
/// enums buffer their input and lose every nested location.
struct RawValue(Value);

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RawVisitor).map(RawValue)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(RawVisitor)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Value, E> {
        match i64::try_from(u) {
            Ok(i) => Ok(Value::Int(i)),
            Err(_) => Ok(Value::Float(u as f64)),
        }
    }
    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(Value::Float(x))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::Str(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawValue>>()? {
            items.push(node(item));
        }
        Ok(Value::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<Spanned<RawValue>, Spanned<RawValue>>()? {
            let key_pos = Pos::of(&key);
            // Keys that are numbers or booleans (`1: x`, `yes: x`) are kept as their text so
            // that the unknown-field check reports them instead of failing to parse.
            let key_text = match key.value.0 {
                Value::Str(s) => s,
                other => other.to_string(),
            };
            entries.push((key_text, key_pos, node(value)));
        }
        Ok(Value::Map(entries))
    }
}

fn node(s: Spanned<RawValue>) -> Node {
    let pos = Pos::of(&s);
    let span = s.referenced.span();
    let start = span.byte_offset().unwrap_or(0) as usize;
    let len = span.byte_len().unwrap_or(0) as usize;
    Node {
        value: s.value.0,
        pos,
        span: start..start + len,
    }
}

/// A YAML syntax error, with its place when the parser knows it.
#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub pos: Pos,
    pub message: String,
}

/// Parses YAML text into a located tree. Duplicate keys, unknown anchors, tabs in
/// indentation and non-finite numbers are syntax errors.
pub fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    match serde_saphyr::from_str::<Spanned<RawValue>>(text) {
        Ok(root) => Ok(node(root)),
        Err(e) => {
            let pos = e
                .location()
                .map(|l| Pos {
                    line: l.line() as u32,
                    column: l.column() as u32,
                })
                .unwrap_or_default();
            // The error's Display repeats the location and appends a source snippet; keep the
            // first line's message only, our caller prints the place its own way.
            let full = e.to_string();
            let first = full.lines().next().unwrap_or("invalid YAML");
            let message = first
                .trim_start_matches("error: ")
                .split_once(": ")
                .filter(|(head, _)| head.starts_with("line "))
                .map_or(first, |(_, rest)| rest)
                .to_owned();
            Err(SyntaxError { pos, message })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_nodes_keep_their_positions() {
        let root = parse_yaml("title: x\nrows:\n  - type: music\n    volume: -30\n").unwrap();
        let Value::Map(top) = root.value else {
            panic!("not a map")
        };
        let (_, _, rows) = &top[1];
        let Value::List(rows) = &rows.value else {
            panic!("not a list")
        };
        let Value::Map(row) = &rows[0].value else {
            panic!("row not a map")
        };
        let (key, key_pos, vol) = &row[1];
        assert_eq!(key, "volume");
        assert_eq!(*key_pos, Pos { line: 4, column: 5 });
        assert_eq!(
            vol.pos,
            Pos {
                line: 4,
                column: 13
            }
        );
        assert_eq!(vol.value.as_f64(), Some(-30.0));
    }

    #[test]
    fn scalars_know_their_bytes() {
        let text = "a: \"é, x\"   # c\nb: [1, {c: plain text}]\nd:\n";
        let root = parse_yaml(text).unwrap();
        let Value::Map(top) = &root.value else {
            panic!("not a map")
        };
        assert_eq!(&text[top[0].2.span.clone()], "\"é, x\"");
        let Value::List(items) = &top[1].2.value else {
            panic!("not a list")
        };
        assert_eq!(&text[items[0].span.clone()], "1");
        assert_eq!(&text[items[1].span.clone()], "{");
        let Value::Map(inner) = &items[1].value else {
            panic!("not a map")
        };
        assert_eq!(&text[inner[0].2.span.clone()], "plain text");
        // A null's span is empty, at the colon.
        assert_eq!(top[2].2.span, text.len() - 2..text.len() - 2);
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let e = parse_yaml("rows:\n  - type: [\n").unwrap_err();
        assert_eq!(e.pos.line, 2);
        assert!(e.message.contains("bracket"), "{}", e.message);
        let e = parse_yaml("a: 1\na: 2\n").unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
    }
}
