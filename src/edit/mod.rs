//! Row commands: change, insert, delete and move rows of a script by editing its text in
//! place, so that comments, blank lines, quoting and layout everywhere else stay as written.
//!
//! Every edit works on the text with the positions the YAML parser reports (see
//! [`crate::script::value::Node::span`]), never by serialising the script again; the result
//! is validated before anyone writes it. A field is changed by replacing its value's text; a
//! new field gets a line of its own (block rows) or `, field: value` (flow rows `{ … }`); a
//! row owns its lines and the comment lines right above its `- `, and insert, delete and move
//! work on those whole lines.

mod layout;
mod scalar;

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use crate::Error;
use crate::script::value::{Node, Value, parse_yaml};
use crate::script::{Action, ROW_FIELD_NAMES, did_you_mean, parse_script, row_field_rank};
use layout::{Entry, Text, entries, is_flow, places, rows};
use scalar::scalar;

/// An edit of a script's rows. Rows are numbered from 1, as `onair table` prints them.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Change, add (`Some`) or remove (`None`) fields of a row.
    Set { row: usize, fields: Vec<Assignment> },
    /// A new row before row `at`; one past the last row appends.
    Insert { at: usize, fields: Vec<Assignment> },
    /// Remove rows (several at once, so that a background's begin and end go together).
    Delete { rows: Vec<usize> },
    /// Move row `row` so that it becomes row `to`.
    Move { row: usize, to: usize },
}

/// `field=value`; `field=` (no value) removes the field.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    pub field: String,
    pub value: Option<String>,
}

impl FromStr for Assignment {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let Some((field, value)) = s.split_once('=') else {
            return Err(Error::BadInput(format!(
                "`{s}` is not field=value; write e.g. `description=\"Door slam\"` (and `pan=` to remove a field)"
            )));
        };
        Ok(Assignment {
            field: field.trim().to_owned(),
            value: (!value.is_empty()).then(|| value.to_owned()),
        })
    }
}

/// The edited text, and one line saying what changed (with the row count).
#[derive(Clone, Debug)]
pub struct Edited {
    pub text: String,
    pub message: String,
    pub rows: usize,
}

/// Applies an edit to a script's text. The result is a valid script, or the error says why
/// not: [`Error::BadInput`] for a bad row number or field name, [`Error::Invalid`] with
/// every problem of the edited script (its lines are those of the edited text).
pub fn apply(text: &str, edit: &Edit) -> Result<Edited, Error> {
    apply_to(Path::new("SCRIPT"), text, edit)
}

/// [`apply`] to the text of the script at `path`, which messages name in the commands they
/// suggest (`onair delete PATH 3 9`).
pub fn apply_to(path: &Path, text: &str, edit: &Edit) -> Result<Edited, Error> {
    let (new_text, what) = match edit {
        Edit::Set { row, fields } => set(text, *row, fields)?,
        Edit::Insert { at, fields } => insert(text, *at, fields)?,
        Edit::Delete { rows } => delete(path, text, rows)?,
        Edit::Move { row, to } => move_row(text, *row, *to)?,
    };
    let script = parse_script(&new_text).map_err(Error::Invalid)?;
    let n = script.rows.len();
    Ok(Edited {
        text: new_text,
        message: format!("{what} ({n} row{})", if n == 1 { "" } else { "s" }),
        rows: n,
    })
}

/// The YAML tree, or the script's own errors when the text is not YAML or has no rows.
fn parse(text: &str) -> Result<Node, Error> {
    let invalid = || match parse_script(text) {
        Err(e) => Error::Invalid(e),
        Ok(_) => Error::BadInput("the script has no list of `rows:`".into()),
    };
    let root = parse_yaml(text).map_err(|_| invalid())?;
    if rows(&root).is_none() {
        return Err(invalid());
    }
    Ok(root)
}

fn row_count(root: &Node) -> usize {
    rows(root).map_or(0, |(_, _, items)| items.len())
}

fn check_row(row: usize, n: usize) -> Result<(), Error> {
    if (1..=n).contains(&row) {
        return Ok(());
    }
    Err(Error::BadInput(match n {
        0 => format!("row {row} does not exist; the script has no rows"),
        1 => format!("row {row} does not exist; the script has 1 row (row 1)"),
        n => format!("row {row} does not exist; the script has {n} rows (1 to {n})"),
    }))
}

/// A field name the command may set, with a suggestion for a typo.
fn check_field(row: usize, field: &str) -> Result<(), Error> {
    if ROW_FIELD_NAMES.contains(&field) {
        return Ok(());
    }
    let hint = match did_you_mean(field, &ROW_FIELD_NAMES) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("rows take {}", ROW_FIELD_NAMES.join(", ")),
    };
    Err(Error::BadInput(format!(
        "row {row}: unknown field `{field}`; {hint}"
    )))
}

/// `description` and `text` are one field.
fn same_field(a: &str, b: &str) -> bool {
    a == b || (matches!(a, "description" | "text") && matches!(b, "description" | "text"))
}

/// The order a new field takes among a row's fields: the row field table's.
fn rank(field: &str) -> usize {
    row_field_rank(field)
}

fn splice(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

fn set(text: &str, row: usize, fields: &[Assignment]) -> Result<(String, String), Error> {
    let root = parse(text)?;
    check_row(row, row_count(&root))?;
    for (i, a) in fields.iter().enumerate() {
        if a.value.is_some() {
            check_field(row, &a.field)?;
        }
        if fields[..i].iter().any(|b| same_field(&a.field, &b.field)) {
            return Err(Error::BadInput(format!(
                "row {row}: `{}` is given twice",
                a.field
            )));
        }
    }
    // One field at a time, parsing again after each: every step leaves valid YAML.
    let mut text = text.to_owned();
    let mut changes = Vec::new();
    for a in fields {
        let (next, change) = set_field(&text, row, &a.field, a.value.as_deref())?;
        text = next;
        changes.push(format!("{} {change}", a.field));
    }
    Ok((text, format!("row {row}: {}", changes.join(", "))))
}

/// Changes one field of a row; says `changed`, `added`, `removed`, `unchanged` or `absent`.
fn set_field(
    text: &str,
    row: usize,
    field: &str,
    value: Option<&str>,
) -> Result<(String, &'static str), Error> {
    let root = parse(text)?;
    let (_, _, items) = rows(&root).expect("parse() checked the rows");
    let node = &items[row - 1];
    let t = Text::new(text);
    let Value::Map(map) = &node.value else {
        return Err(Error::BadInput(format!(
            "row {row} is not a mapping of `field: value`; fix it by hand, or delete it"
        )));
    };
    let flow = is_flow(text, node);
    let entries = entries(&t, map);
    let found = entries.iter().position(|e| same_field(e.key, field));
    if found.is_none() && value.is_none() && !ROW_FIELD_NAMES.contains(&field) {
        check_field(row, field)?;
    }
    let value_range = |e: &Entry<'_>| {
        e.value_range(text).ok_or_else(|| {
            Error::BadInput(format!(
                "row {row}: `{}` holds a list or mapping; change it by hand",
                e.key
            ))
        })
    };
    Ok(match (found, value) {
        (Some(i), Some(v)) => {
            let (range, before) = value_range(&entries[i])?;
            let new = format!("{before}{}", scalar(field, v, flow));
            if text[range.clone()] == new {
                (text.to_owned(), "unchanged")
            } else {
                (splice(text, range, &new), "changed")
            }
        }
        (Some(i), None) => {
            let e = &entries[i];
            let range = if flow {
                match (entries.get(i + 1), i.checked_sub(1)) {
                    (Some(next), _) => e.key_at..next.key_at,
                    (None, Some(prev)) => entries[prev].value_end(text)..e.value_end(text),
                    (None, None) => e.key_at..e.value_end(text),
                }
            } else if i == 0 {
                // The first field shares the `- ` line: the next field moves up onto it.
                match entries.get(1) {
                    Some(next) => e.key_at..next.key_at,
                    None => e.key_at..e.value_end(text),
                }
            } else {
                t.start(t.line_of(e.key_at))..t.end(e.last_line(&t))
            };
            (splice(text, range, ""), "removed")
        }
        (None, Some(v)) => {
            let item = format!("{field}: {}", scalar(field, v, flow));
            let before = entries.iter().position(|e| rank(e.key) > rank(field));
            let (at, new) = if flow {
                match (before, entries.last()) {
                    (Some(i), _) => (entries[i].key_at, format!("{item}, ")),
                    (None, Some(last)) => (last.value_end(text), format!(", {item}")),
                    (None, None) => (node.span.start + 1, item),
                }
            } else {
                let indent = " ".repeat(entries[0].key_col);
                let eol = t.eol();
                match before {
                    Some(0) => (entries[0].key_at, format!("{item}{eol}{indent}")),
                    Some(i) => {
                        // Above the comment lines that describe the next field.
                        let floor = entries[i - 1].last_line(&t) + 1;
                        let mut line = t.line_of(entries[i].key_at);
                        while line > floor && t.is_comment(line - 1) {
                            line -= 1;
                        }
                        (t.start(line), format!("{indent}{item}{eol}"))
                    }
                    None => {
                        let last = entries.last().expect("a block mapping has a field");
                        let end = t.end(last.last_line(&t));
                        if text[..end].ends_with('\n') {
                            (end, format!("{indent}{item}{eol}"))
                        } else {
                            (end, format!("{eol}{indent}{item}"))
                        }
                    }
                }
            };
            (splice(text, at..at, &new), "added")
        }
        (None, None) => (text.to_owned(), "absent"),
    })
}

/// The rows of a block list as pieces of text: what comes before the first row, each row
/// (its comment lines and its own lines), what separates each row from the next (blank
/// lines, a comment standing apart), and what follows the last. Joined, the pieces give the
/// text back unchanged.
struct Pieces {
    prefix: String,
    rows: Vec<String>,
    seps: Vec<String>,
    suffix: String,
    /// The separator a new row gets: the most common one made of blank lines only.
    usual_sep: String,
}

fn blank_only(s: &str) -> bool {
    s.lines().all(|l| l.trim().is_empty())
}

impl Pieces {
    fn new(text: &str, root: &Node) -> Result<Pieces, Error> {
        let t = Text::new(text);
        let places = places(&t, root)?;
        if places.is_empty() {
            return Err(Error::BadInput(
                "the script has no rows to take the layout from; write the first row by hand"
                    .into(),
            ));
        }
        let from = |l: usize| t.start(l);
        let to = |l: usize| t.end(l - 1);
        let rows: Vec<String> = places
            .iter()
            .map(|p| text[from(p.lines.start)..to(p.lines.end)].to_owned())
            .collect();
        let seps: Vec<String> = places
            .windows(2)
            .map(|w| text[to(w[0].lines.end)..from(w[1].lines.start)].to_owned())
            .collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in seps.iter().filter(|s| blank_only(s)) {
            *counts.entry(s).or_default() += 1;
        }
        let usual_sep = counts
            .into_iter()
            .max_by_key(|&(s, n)| (n, std::cmp::Reverse(s.len())))
            .map_or(String::new(), |(s, _)| s.to_owned());
        Ok(Pieces {
            prefix: text[..from(places[0].lines.start)].to_owned(),
            suffix: text[to(places[places.len() - 1].lines.end)..].to_owned(),
            rows,
            seps,
            usual_sep,
        })
    }

    fn join(&self) -> String {
        let mut out = self.prefix.clone();
        for (i, row) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push_str(&self.seps[i - 1]);
            }
            out.push_str(row);
        }
        out.push_str(&self.suffix);
        out
    }

    /// Takes out row `i` (0-based) with one separator next to it; a separator that holds a
    /// comment is kept.
    fn remove(&mut self, i: usize) -> String {
        let row = self.rows.remove(i);
        let n = self.seps.len();
        if n == 0 {
            return row;
        }
        if i == 0 {
            let sep = self.seps.remove(0);
            if !blank_only(&sep) {
                self.prefix.push_str(&sep);
            }
        } else if i == n {
            let sep = self.seps.remove(n - 1);
            if !blank_only(&sep) {
                self.suffix.insert_str(0, &sep);
            }
        } else if blank_only(&self.seps[i]) {
            self.seps.remove(i);
        } else {
            let before = self.seps.remove(i - 1);
            if !blank_only(&before) {
                self.seps[i - 1].insert_str(0, &before);
            }
        }
        row
    }

    /// Puts a row in at `i` (0-based; the row count appends).
    fn insert(&mut self, i: usize, row: String) {
        let sep = self.usual_sep.clone();
        if self.rows.is_empty() {
            self.rows.push(row);
        } else if i >= self.rows.len() {
            self.rows.push(row);
            self.seps.push(sep);
        } else {
            self.rows.insert(i, row);
            self.seps.insert(i, sep);
        }
    }
}

/// Runs a whole-row edit on text that ends with a line break, and gives back the missing
/// final line break if the file had none.
fn with_final_eol(
    text: &str,
    edit: impl FnOnce(&str) -> Result<String, Error>,
) -> Result<String, Error> {
    if text.is_empty() || text.ends_with(['\n', '\r']) {
        return edit(text);
    }
    let eol = Text::new(text).eol();
    let out = edit(&format!("{text}{eol}"))?;
    Ok(out.strip_suffix(eol).map(str::to_owned).unwrap_or(out))
}

fn insert(text: &str, at: usize, fields: &[Assignment]) -> Result<(String, String), Error> {
    let root = parse(text)?;
    let n = row_count(&root);
    if !(1..=n + 1).contains(&at) {
        return Err(Error::BadInput(format!(
            "cannot insert at {at}; insert at 1 to {} ({} appends)",
            n + 1,
            n + 1
        )));
    }
    let mut values: Vec<(&str, &str)> = Vec::new();
    for (i, a) in fields.iter().enumerate() {
        check_field(at, &a.field)?;
        let Some(v) = a.value.as_deref() else {
            return Err(Error::BadInput(format!(
                "`{}=` has no value; a new row takes only the fields you give values",
                a.field
            )));
        };
        if fields[..i].iter().any(|b| b.field == a.field) {
            return Err(Error::BadInput(format!("`{}` is given twice", a.field)));
        }
        values.push((&a.field, v));
    }
    values.sort_by_key(|(f, _)| rank(f));
    let out = with_final_eol(text, |text| {
        let root = parse(text)?;
        let mut pieces = Pieces::new(text, &root)?;
        let row = new_row(text, &root, at.min(n), &values)?;
        pieces.insert(at - 1, row);
        Ok(pieces.join())
    })?;
    Ok((out, format!("inserted row {at}")))
}

/// A new row's text, in the style of row `like` (1-based): block or flow, and its
/// indentation.
fn new_row(text: &str, root: &Node, like: usize, values: &[(&str, &str)]) -> Result<String, Error> {
    let t = Text::new(text);
    let places = places(&t, root)?;
    let (_, _, items) = rows(root).expect("parse() checked the rows");
    let (place, node) = (&places[like - 1], &items[like - 1]);
    let eol = t.eol();
    let dash_indent = " ".repeat(place.dash_col);
    if is_flow(text, node) {
        let after_dash = t.start(place.dash_line) + place.dash_col + 1;
        let gap = if t.line_of(node.span.start) == place.dash_line {
            &text[after_dash..node.span.start]
        } else {
            " "
        };
        let pad = if text[node.span.start + 1..].starts_with(' ') {
            " "
        } else {
            ""
        };
        let fields: Vec<String> = values
            .iter()
            .map(|(f, v)| format!("{f}: {}", scalar(f, v, true)))
            .collect();
        return Ok(format!(
            "{dash_indent}-{gap}{{{pad}{}{pad}}}{eol}",
            fields.join(", ")
        ));
    }
    let key_col = match &node.value {
        Value::Map(map) if !map.is_empty() => map[0].1.column.max(1) as usize - 1,
        _ => place.dash_col + 2,
    }
    .max(place.dash_col + 2);
    let mut out = String::new();
    for (i, (f, v)) in values.iter().enumerate() {
        if i == 0 {
            out.push_str(&dash_indent);
            out.push('-');
            out.push_str(&" ".repeat(key_col - place.dash_col - 1));
        } else {
            out.push_str(&" ".repeat(key_col));
        }
        out.push_str(&format!("{f}: {}{eol}", scalar(f, v, false)));
    }
    Ok(out)
}

fn delete(path: &Path, text: &str, rows: &[usize]) -> Result<(String, String), Error> {
    let root = parse(text)?;
    let n = row_count(&root);
    let mut sorted = rows.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    for &row in &sorted {
        check_row(row, n)?;
    }
    half_spans(path, text, &sorted)?;
    let out = with_final_eol(text, |text| {
        let root = parse(text)?;
        let mut pieces = Pieces::new(text, &root)?;
        for &row in sorted.iter().rev() {
            pieces.remove(row - 1);
        }
        Ok(pieces.join())
    })?;
    let list: Vec<String> = sorted.iter().map(usize::to_string).collect();
    let what = if list.len() == 1 { "row" } else { "rows" };
    Ok((out, format!("deleted {what} {}", list.join(", "))))
}

/// A background's `begin` and `end` go together: deleting one of them alone would leave
/// the other unpaired, so the error names the other and the command that deletes both.
fn half_spans(path: &Path, text: &str, sorted: &[usize]) -> Result<(), Error> {
    // An invalid script says what is wrong with it after the edit instead.
    let Ok(script) = parse_script(text) else {
        return Ok(());
    };
    let partner = |row: &crate::script::Row| {
        let same_id = |r: &&crate::script::Row| !r.is_foreground() && r.id == row.id;
        match row.action? {
            Action::Begin => script.rows[row.index..]
                .iter()
                .filter(same_id)
                .find(|r| r.action == Some(Action::End)),
            Action::End => script.rows[..row.index - 1]
                .iter()
                .rev()
                .filter(same_id)
                .find(|r| r.action == Some(Action::Begin)),
        }
    };
    let alone: Vec<(usize, usize, &str, Action)> = sorted
        .iter()
        .filter_map(|&i| {
            let row = &script.rows[i - 1];
            let (other, action) = (partner(row)?, row.action?);
            let id = row.id.as_deref().unwrap_or_default();
            (!sorted.contains(&other.index)).then_some((i, other.index, id, action))
        })
        .collect();
    if alone.is_empty() {
        return Ok(());
    }
    let mut both: Vec<usize> = sorted
        .iter()
        .copied()
        .chain(alone.iter().map(|a| a.1))
        .collect();
    both.sort_unstable();
    both.dedup();
    let what: Vec<String> = alone
        .iter()
        .map(|&(row, other, id, action)| match action {
            Action::Begin => format!("row {row} begins background `{id}`, which row {other} ends"),
            Action::End => format!("row {row} ends background `{id}`, which row {other} begins"),
        })
        .collect();
    let shown = path.display().to_string();
    let shown = if shown.contains(char::is_whitespace) {
        format!("'{shown}'")
    } else {
        shown
    };
    let rows: Vec<String> = both.iter().map(usize::to_string).collect();
    Err(Error::BadInput(format!(
        "{}; delete {} with `onair delete {shown} {}`",
        what.join("; "),
        if both.len() == 2 {
            "both"
        } else {
            "them together"
        },
        rows.join(" ")
    )))
}

fn move_row(text: &str, row: usize, to: usize) -> Result<(String, String), Error> {
    let root = parse(text)?;
    let n = row_count(&root);
    check_row(row, n)?;
    check_row(to, n)?;
    if row == to {
        return Ok((text.to_owned(), format!("row {row} stays at {to}")));
    }
    let out = with_final_eol(text, |text| {
        let root = parse(text)?;
        let mut pieces = Pieces::new(text, &root)?;
        let taken = pieces.remove(row - 1);
        pieces.insert(to - 1, taken);
        Ok(pieces.join())
    })?;
    Ok((out, format!("moved row {row} to {to}")))
}

#[cfg(test)]
mod tests;
