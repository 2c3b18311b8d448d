//! Where things stand in a script's text: its lines, its rows and the lines each row owns,
//! and each field's key and value, found from the positions the YAML parser reports.

use std::ops::Range;

use crate::Error;
use crate::script::value::{Node, Pos, Value};

/// The text with an index of its lines. A line includes its line break: `\n`, `\r\n`, or a
/// lone `\r`, as YAML breaks lines, so that line numbers agree with the parser's positions.
pub(super) struct Text<'a> {
    pub text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            (0..bytes.len())
                .filter(|&i| {
                    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                })
                .map(|i| i + 1)
                .filter(|&i| i < text.len()),
        );
        Text { text, starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    pub fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Where the line ends, after its line break.
    pub fn end(&self, line: usize) -> usize {
        self.starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The line without its line break.
    pub fn content(&self, line: usize) -> &'a str {
        self.text[self.start(line)..self.end(line)].trim_end_matches(['\n', '\r'])
    }

    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte offset of a parser position (1-based line, 1-based column in characters).
    pub fn offset(&self, pos: Pos) -> usize {
        let line = (pos.line.max(1) as usize - 1).min(self.line_count() - 1);
        let content = self.content(line);
        let column = pos.column.max(1) as usize - 1;
        self.start(line)
            + content
                .char_indices()
                .nth(column)
                .map_or(content.len(), |(i, _)| i)
    }

    pub fn indent(&self, line: usize) -> usize {
        let content = self.content(line);
        content.len() - content.trim_start_matches(' ').len()
    }

    pub fn is_blank(&self, line: usize) -> bool {
        self.content(line).trim().is_empty()
    }

    pub fn is_comment(&self, line: usize) -> bool {
        self.content(line).trim_start().starts_with('#')
    }

    /// `\r\n` when the file uses it, `\r` in a file with no `\n` (classic Mac OS).
    pub fn eol(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else if self.text.contains('\r') && !self.text.contains('\n') {
            "\r"
        } else {
            "\n"
        }
    }
}

/// The `rows:` list: its index among the top-level keys and its items.
pub(super) fn rows(root: &Node) -> Option<(usize, &Node, &[Node])> {
    let Value::Map(top) = &root.value else {
        return None;
    };
    let i = top.iter().position(|(k, _, _)| k == "rows")?;
    match &top[i].2.value {
        Value::List(items) => Some((i, &top[i].2, items)),
        _ => None,
    }
}

/// True when the node is written in flow style (`{ … }`, `[ … ]`).
pub(super) fn is_flow(text: &str, node: &Node) -> bool {
    matches!(text.as_bytes().get(node.span.start), Some(b'{' | b'['))
}

/// A row of a block list and the lines it owns.
pub(super) struct Place {
    /// The line of its `- ` and the spaces before the dash.
    pub dash_line: usize,
    pub dash_col: usize,
    /// Its comment lines directly above the dash, then its own lines up to its last line of
    /// content (a trailing comment indented no deeper than the dash belongs to what follows).
    pub lines: Range<usize>,
}

/// Each row's place, for the commands that add, remove and reorder whole rows. Refused for a
/// `rows: [ … ]` flow list, where rows are not whole lines.
pub(super) fn places(text: &Text<'_>, root: &Node) -> Result<Vec<Place>, Error> {
    let Some((rows_index, rows_node, items)) = rows(root) else {
        return Err(Error::BadInput("the script has no list of `rows:`".into()));
    };
    if is_flow(text.text, rows_node) {
        return Err(Error::BadInput(
            "the rows are written as one `[ … ]` list; insert, delete and move need one row per `- ` line (set works)".into(),
        ));
    }
    let Value::Map(top) = &root.value else {
        unreachable!("rows() found a mapping")
    };
    let rows_key_line = top[rows_index].1.line.max(1) as usize - 1;
    // The list ends before the next top-level key, or at the end of the file.
    let bound = top
        .get(rows_index + 1)
        .map_or(text.line_count(), |(_, pos, _)| {
            pos.line.max(1) as usize - 1
        });

    let mut dashes = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let dash = find_dash(text, item.span.start).ok_or_else(|| {
            Error::BadInput(format!(
                "row {}: cannot find the `- ` that starts it; edit this row by hand",
                i + 1
            ))
        })?;
        if dashes.last().is_some_and(|&(line, _)| line >= dash.0) {
            return Err(Error::BadInput(format!(
                "row {} shares a line with the row before it; put each row on its own `- ` line",
                i + 1
            )));
        }
        dashes.push(dash);
    }

    let mut places: Vec<Place> = Vec::with_capacity(items.len());
    for (i, &(dash_line, dash_col)) in dashes.iter().enumerate() {
        let next = dashes.get(i + 1).map_or(bound, |&(line, _)| line);
        let content =
            |l: usize| !text.is_blank(l) && (!text.is_comment(l) || text.indent(l) > dash_col);
        let last = (dash_line..next.max(dash_line + 1))
            .rev()
            .find(|&l| l == dash_line || content(l))
            .unwrap_or(dash_line);
        let floor = places
            .last()
            .map_or(rows_key_line + 1, |p: &Place| p.lines.end);
        let mut first = dash_line;
        while first > floor && text.is_comment(first - 1) {
            first -= 1;
        }
        places.push(Place {
            dash_line,
            dash_col,
            lines: first..last + 1,
        });
    }
    Ok(places)
}

/// The line and column of the `-` before a list item that starts at `offset`: on the same
/// line, or alone on a line above (`-` then the row's fields on the next lines).
fn find_dash(text: &Text<'_>, offset: usize) -> Option<(usize, usize)> {
    let line = text.line_of(offset);
    let before = text.text[text.start(line)..offset].trim_end();
    if let Some(rest) = before.strip_suffix('-') {
        return rest.trim().is_empty().then(|| (line, text.indent(line)));
    }
    if !before.trim().is_empty() {
        return None;
    }
    for l in (0..line).rev() {
        if text.is_blank(l) || text.is_comment(l) {
            continue;
        }
        let code = text.content(l).split(" #").next().unwrap_or("").trim();
        return (code == "-").then(|| (l, text.indent(l)));
    }
    None
}

/// One `key: value` of a row.
pub(super) struct Entry<'n> {
    pub key: &'n str,
    pub key_at: usize,
    /// Column of the key, 0-based, in characters (spaces before it on its own line).
    pub key_col: usize,
    pub value: &'n Node,
    /// Right after the key's `:`.
    pub after_colon: usize,
}

pub(super) fn entries<'n>(text: &Text<'_>, map: &'n [(String, Pos, Node)]) -> Vec<Entry<'n>> {
    map.iter()
        .map(|(key, pos, value)| {
            let key_at = text.offset(*pos);
            Entry {
                key,
                key_at,
                key_col: pos.column.max(1) as usize - 1,
                value,
                after_colon: after_colon(text.text, key_at, value.span.start),
            }
        })
        .collect()
}

fn after_colon(text: &str, key_at: usize, value_at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = key_at;
    match b.get(i) {
        Some(b'"') => {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        }
        Some(b'\'') => {
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
        }
        _ => {}
    }
    while i < b.len() && b[i] != b':' {
        i += 1;
    }
    (i + 1).min(value_at.max(key_at)).min(b.len())
}

impl Entry<'_> {
    /// The text to replace to change the value, and what goes before the new value there.
    pub fn value_range(&self, text: &str) -> Option<(Range<usize>, &'static str)> {
        let span = &self.value.span;
        match self.value.value {
            Value::Map(_) | Value::List(_) => None,
            Value::Null if span.is_empty() => Some((self.after_colon..self.after_colon, " ")),
            _ => {
                let header = text.get(self.after_colon..span.start).unwrap_or("");
                if header.contains(['|', '>']) {
                    // A block scalar: its span leaves out the `|`/`>` header, and runs on
                    // over the blank after its last line.
                    let end = span.start + text[span.clone()].trim_end().len();
                    Some((self.after_colon..end, " "))
                } else {
                    Some((span.clone(), ""))
                }
            }
        }
    }

    /// Where the value ends (exclusive); for a list or mapping, where it starts.
    pub fn value_end(&self, text: &str) -> usize {
        self.value_range(text)
            .map_or(self.value.span.end, |(r, _)| r.end)
            .max(self.after_colon)
    }

    /// The line of the value's last character.
    pub fn last_line(&self, text: &Text<'_>) -> usize {
        text.line_of(self.value_end(text.text).max(1) - 1)
    }
}
