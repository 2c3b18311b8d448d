//! The script grammar the local planner decodes under: a byte-level state machine that accepts
//! exactly the compact JSON form of [`super::prompt`]'s example, and the span rules of a valid
//! script (an `end` only for an open background of the same type with a foreground row inside
//! it; a `begin` only for an id that is not playing).
//!
//! ```text
//! {"title": TITLE, "rows": [
//! ROW,                                    (at most MAX_ROWS rows)
//! ROW
//! ]}
//! ROW := {"type": "speech", "character": NAME, "text": WORDS}
//!      | {"type": "music"|"sfx", "description": WORDS, "duration": 1..29}
//!      | {"type": "music"|"sfx", "id": ID, "action": "begin", "description": WORDS}
//!      | {"type": "music"|"sfx", "id": ID, "action": "end"}
//! ```
//!
//! A token is allowed when every byte of it is accepted ([`Grammar::accepts`]). Where only one
//! continuation is possible, [`Grammar::forced`] gives it, so the decoder feeds it to the model
//! without sampling. A background left open when decoding stops is closed by
//! [`close_spans`].

use serde_json::{Value, json};

/// Rows the grammar allows before it asks for the closing `]}`.
pub const MAX_ROWS: usize = 32;
/// Rows before the closing `]}` is allowed: a script is more than a greeting.
pub const MIN_ROWS: usize = 6;

/// A string field of the grammar, with its own character rules and length limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Title,
    Name,
    Words,
    Description,
    BackgroundDescription,
    Id,
}

impl Field {
    fn max_len(self) -> u16 {
        match self {
            Field::Title => 80,
            Field::Name => 24,
            Field::Words => 280,
            // Short, as a sound is described, not narrated.
            Field::Description | Field::BackgroundDescription => 80,
            Field::Id => 12,
        }
    }

    /// The literal alternatives that follow the closing quote.
    fn after(self) -> Alt {
        match self {
            Field::Title => Alt::AfterTitle,
            Field::Name => Alt::AfterName,
            Field::Words => Alt::CloseRow,
            Field::Description => Alt::AfterDescription,
            Field::BackgroundDescription => Alt::CloseRow,
            Field::Id => Alt::AfterId,
        }
    }
}

/// A point where the text is one of a few literals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alt {
    Start,
    AfterTitle,
    RowStart,
    MusicOrSfxField,
    AfterName,
    AfterDescription,
    AfterDuration,
    AfterId,
    Action,
    CloseRow,
    AfterRow,
}

/// What completing a literal leads to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    Str(Field),
    Alt(Alt),
    Number,
    Done,
}

/// What a literal says about the row it is part of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    None,
    Kind(Kind),
    Foreground,
    Begin,
    End,
    RowDone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Speech,
    Music,
    Sfx,
}

struct Literal {
    text: &'static [u8],
    next: Next,
    effect: Effect,
}

const fn lit(text: &'static str, next: Next, effect: Effect) -> Literal {
    Literal {
        text: text.as_bytes(),
        next,
        effect,
    }
}

fn literals(alt: Alt) -> &'static [Literal] {
    use Effect as E;
    use Next as N;
    match alt {
        Alt::Start => {
            const L: &[Literal] = &[lit("{\"title\": \"", N::Str(Field::Title), E::None)];
            L
        }
        Alt::AfterTitle => {
            const L: &[Literal] = &[lit("\", \"rows\": [\n", N::Alt(Alt::RowStart), E::None)];
            L
        }
        Alt::RowStart => {
            const L: &[Literal] = &[
                lit(
                    "{\"type\": \"speech\", \"character\": \"",
                    N::Str(Field::Name),
                    E::Kind(Kind::Speech),
                ),
                lit(
                    "{\"type\": \"music\", \"",
                    N::Alt(Alt::MusicOrSfxField),
                    E::Kind(Kind::Music),
                ),
                lit(
                    "{\"type\": \"sfx\", \"",
                    N::Alt(Alt::MusicOrSfxField),
                    E::Kind(Kind::Sfx),
                ),
            ];
            L
        }
        Alt::MusicOrSfxField => {
            const L: &[Literal] = &[
                lit(
                    "description\": \"",
                    N::Str(Field::Description),
                    E::Foreground,
                ),
                lit("id\": \"", N::Str(Field::Id), E::None),
            ];
            L
        }
        Alt::AfterName => {
            const L: &[Literal] = &[lit("\", \"text\": \"", N::Str(Field::Words), E::Foreground)];
            L
        }
        Alt::AfterDescription => {
            const L: &[Literal] = &[lit("\", \"duration\": ", N::Number, E::None)];
            L
        }
        Alt::AfterDuration => {
            const L: &[Literal] = &[lit("}", N::Alt(Alt::AfterRow), E::RowDone)];
            L
        }
        Alt::AfterId => {
            const L: &[Literal] = &[lit("\", \"action\": \"", N::Alt(Alt::Action), E::None)];
            L
        }
        Alt::Action => {
            const L: &[Literal] = &[
                lit(
                    "begin\", \"description\": \"",
                    N::Str(Field::BackgroundDescription),
                    E::Begin,
                ),
                lit("end\"}", N::Alt(Alt::AfterRow), E::End),
            ];
            L
        }
        Alt::CloseRow => {
            const L: &[Literal] = &[lit("\"}", N::Alt(Alt::AfterRow), E::RowDone)];
            L
        }
        Alt::AfterRow => {
            const L: &[Literal] = &[
                lit(",\n", N::Alt(Alt::RowStart), E::None),
                lit("\n]}", N::Done, E::None),
            ];
            L
        }
    }
}

/// The row being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct RowDraft {
    kind: Kind,
    foreground: bool,
    id: [u8; 16],
    id_len: u8,
    /// Spaces in the character's name so far.
    spaces: u8,
    /// Whether the grammar has counted this row as complete.
    counted: bool,
}

impl RowDraft {
    const EMPTY: RowDraft = RowDraft {
        kind: Kind::Speech,
        foreground: false,
        id: [0; 16],
        id_len: 0,
        spaces: 0,
        counted: false,
    };

    fn id(&self) -> &[u8] {
        &self.id[..self.id_len as usize]
    }
}

/// Where the decoder is, lexically. Small and `Copy`: the token mask tries every token from
/// the same state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    node: Node,
    row: RowDraft,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    /// Inside the literals of `alt`: `off` bytes matched; `alive` marks the candidates that
    /// still match (bit i = literal i).
    Alt {
        alt: Alt,
        off: u8,
        alive: u8,
    },
    Str {
        field: Field,
        len: u16,
        /// UTF-8 continuation bytes still expected.
        utf8_left: u8,
        letter: bool,
        last: u8,
    },
    /// The duration: `value` so far (0 before the first digit).
    Number {
        value: u8,
    },
    Done,
}

/// A background playing at the current row.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Span {
    id: Vec<u8>,
    kind: Kind,
    /// Whether a foreground row has played since its begin (it may end only then).
    foreground_inside: bool,
}

/// The grammar with what has been committed so far: the backgrounds playing, the rows
/// written. Candidate bytes are tried against a [`State`]; [`Grammar::commit`] moves on.
#[derive(Clone, Debug)]
pub struct Grammar {
    open: Vec<Span>,
    rows: usize,
    foreground_seen: bool,
    state: State,
}

impl Default for Grammar {
    fn default() -> Self {
        Self::new()
    }
}

impl Grammar {
    pub fn new() -> Grammar {
        Grammar {
            open: Vec::new(),
            rows: 0,
            foreground_seen: false,
            state: State {
                node: Node::Alt {
                    alt: Alt::Start,
                    off: 0,
                    alive: 1,
                },
                row: RowDraft::EMPTY,
            },
        }
    }

    /// Rows completed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn is_done(&self) -> bool {
        self.state.node == Node::Done
    }

    /// Whether `bytes` may come next.
    pub fn accepts(&self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return false;
        }
        let mut state = self.state;
        for &b in bytes {
            match self.step(state, b) {
                Some(next) => state = next,
                None => return false,
            }
        }
        true
    }

    /// Moves on by `bytes`, which [`Grammar::accepts`] must have allowed; updates the
    /// backgrounds and row count as rows complete. Returns false (and changes nothing) if a
    /// byte is not allowed.
    pub fn commit(&mut self, bytes: &[u8]) -> bool {
        if !self.accepts(bytes) {
            return false;
        }
        for &b in bytes {
            let before = self.state;
            self.state = self.step(before, b).expect("accepted above");
            self.apply(before, self.state);
        }
        true
    }

    /// The bytes that must come next, whatever the model would choose: the common part of
    /// every allowed literal. Empty at a choice or inside a string or number.
    pub fn forced(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut probe = self.clone();
        while let Node::Alt { alt, off, alive } = probe.state.node {
            let options: Vec<&Literal> = literals(alt)
                .iter()
                .enumerate()
                .filter(|(i, l)| {
                    alive & (1 << i) != 0 && probe.allows_literal(alt, l, &probe.state.row)
                })
                .map(|(_, l)| l)
                .collect();
            let Some(first) = options.first() else { break };
            let rest = &first.text[off as usize..];
            let common = options.iter().skip(1).fold(rest.len(), |n, l| {
                let other = &l.text[off as usize..];
                rest.iter()
                    .zip(other)
                    .take(n)
                    .take_while(|(a, b)| a == b)
                    .count()
            });
            if common == 0 {
                break;
            }
            let bytes = rest[..common].to_vec();
            if !probe.commit(&bytes) {
                break;
            }
            out.extend_from_slice(&bytes);
        }
        out
    }

    /// Whether the string at `node` may end here: whole characters, a letter, no trailing
    /// space, and for an id, one that can begin or end a background.
    fn can_close(&self, node: Node, row: &RowDraft) -> bool {
        let Node::Str {
            field,
            len,
            utf8_left,
            letter,
            last,
        } = node
        else {
            return false;
        };
        let whole = utf8_left == 0 && len > 0 && last != b' ' && letter;
        whole
            && (field != Field::Id
                || self.span(row.id()).is_none()
                || self.can_end(row.kind, row.id()))
    }

    /// Rows complete once `row`, which may not be counted yet, is.
    fn rows_with(&self, row: &RowDraft) -> usize {
        self.rows + usize::from(!row.counted)
    }

    fn span(&self, id: &[u8]) -> Option<&Span> {
        self.open.iter().find(|s| s.id == id)
    }

    fn can_end(&self, kind: Kind, id: &[u8]) -> bool {
        self.span(id)
            .is_some_and(|s| s.kind == kind && s.foreground_inside)
    }

    /// One byte from `state`, or `None` where the grammar does not allow it.
    fn step(&self, state: State, b: u8) -> Option<State> {
        let mut row = state.row;
        match state.node {
            Node::Done => None,
            Node::Alt { alt, off, alive } => {
                let mut still = 0u8;
                let mut complete = None;
                for (i, l) in literals(alt).iter().enumerate() {
                    if alive & (1 << i) == 0 || l.text.get(off as usize) != Some(&b) {
                        continue;
                    }
                    if !self.allows_literal(alt, l, &row) {
                        continue;
                    }
                    still |= 1 << i;
                    if l.text.len() == off as usize + 1 {
                        complete = Some(l);
                    }
                }
                if still == 0 {
                    return None;
                }
                let Some(l) = complete else {
                    return Some(State {
                        node: Node::Alt {
                            alt,
                            off: off + 1,
                            alive: still,
                        },
                        row,
                    });
                };
                match l.effect {
                    Effect::Kind(kind) => {
                        row = RowDraft::EMPTY;
                        row.kind = kind;
                    }
                    Effect::Foreground => row.foreground = true,
                    _ => {}
                }
                Some(State {
                    node: enter(l.next),
                    row,
                })
            }
            Node::Str {
                field,
                len,
                utf8_left,
                letter,
                last,
            } => {
                if b == b'"' {
                    if !self.can_close(state.node, &row) {
                        return None;
                    }
                    // The quote is the first byte of the literal that follows.
                    let next = State {
                        node: Node::Alt {
                            alt: field.after(),
                            off: 0,
                            alive: u8::MAX,
                        },
                        row,
                    };
                    return self.step(next, b);
                }
                if len >= field.max_len() {
                    return None;
                }
                let (utf8_left, is_letter) = match (field, b) {
                    (Field::Id, b'a'..=b'z') => (0, true),
                    (Field::Id, b'_') if len > 0 && last != b'_' => (0, false),
                    (Field::Id, _) => return None,
                    (Field::Name, b'A'..=b'Z') => (0, true),
                    (Field::Name, b'a'..=b'z') if len > 0 => (0, true),
                    // At most three words.
                    (Field::Name, b' ') if len > 0 && last != b' ' && row.spaces < 2 => {
                        row.spaces += 1;
                        (0, false)
                    }
                    (Field::Name, b'.' | b'-') if last.is_ascii_alphabetic() => (0, false),
                    (Field::Name, _) => return None,
                    (_, 0x80..=0xBF) if utf8_left > 0 => (utf8_left - 1, false),
                    _ if utf8_left > 0 => return None,
                    (_, b' ') if len == 0 || last == b' ' => return None,
                    (_, 0x20..=0x7E) if b != b'\\' => (0, b.is_ascii_alphanumeric()),
                    (_, 0xC2..=0xDF) => (1, true),
                    (_, 0xE0..=0xEF) => (2, true),
                    (_, 0xF0..=0xF4) => (3, true),
                    _ => return None,
                };
                if field == Field::Id {
                    if len as usize >= row.id.len() {
                        return None;
                    }
                    row.id[len as usize] = b;
                    row.id_len = len as u8 + 1;
                }
                let next = Node::Str {
                    field,
                    len: len + 1,
                    utf8_left,
                    letter: letter || is_letter,
                    last: b,
                };
                // A string that reaches its limit must be able to close there.
                if len + 1 == field.max_len() && !self.can_close(next, &row) {
                    return None;
                }
                Some(State { node: next, row })
            }
            Node::Number { value } => match b {
                b'1'..=b'9' if value == 0 => Some(State {
                    node: Node::Number { value: b - b'0' },
                    row,
                }),
                b'0'..=b'9' if (1..=2).contains(&value) => Some(State {
                    node: Node::Number {
                        value: value * 10 + (b - b'0'),
                    },
                    row,
                }),
                b'}' if value > 0 => self.step(
                    State {
                        node: Node::Alt {
                            alt: Alt::AfterDuration,
                            off: 0,
                            alive: u8::MAX,
                        },
                        row,
                    },
                    b,
                ),
                _ => None,
            },
        }
    }

    /// Whether a literal may be taken here, given the backgrounds playing and the row drafted.
    fn allows_literal(&self, alt: Alt, literal: &Literal, row: &RowDraft) -> bool {
        match (alt, literal.effect, literal.next) {
            (Alt::Action, Effect::Begin, _) => self.span(row.id()).is_none(),
            (Alt::Action, Effect::End, _) => self.can_end(row.kind, row.id()),
            (Alt::AfterRow, _, Next::Done) => {
                (self.foreground_seen || row.foreground) && self.rows_with(row) >= MIN_ROWS
            }
            // Past the limit only while no foreground row allows the end.
            (Alt::AfterRow, _, Next::Alt(Alt::RowStart)) => {
                self.rows_with(row) < MAX_ROWS || !(self.foreground_seen || row.foreground)
            }
            _ => true,
        }
    }

    /// Updates the committed rows and backgrounds when a row is complete.
    fn apply(&mut self, before: State, after: State) {
        let Node::Alt {
            alt: Alt::AfterRow,
            off: 0,
            ..
        } = after.node
        else {
            return;
        };
        if matches!(
            before.node,
            Node::Alt {
                alt: Alt::AfterRow,
                ..
            }
        ) {
            return;
        }
        let row = after.row;
        self.rows += 1;
        self.state.row.counted = true;
        let ended = matches!(
            before.node,
            Node::Alt {
                alt: Alt::Action,
                ..
            }
        );
        if row.foreground {
            self.foreground_seen = true;
            for span in &mut self.open {
                span.foreground_inside = true;
            }
        } else if ended {
            self.open.retain(|s| s.id != row.id());
        } else {
            self.open.push(Span {
                id: row.id().to_vec(),
                kind: row.kind,
                foreground_inside: false,
            });
        }
    }
}

fn enter(next: Next) -> Node {
    match next {
        Next::Str(field) => Node::Str {
            field,
            len: 0,
            utf8_left: 0,
            letter: false,
            last: 0,
        },
        Next::Alt(alt) => Node::Alt {
            alt,
            off: 0,
            alive: u8::MAX,
        },
        Next::Number => Node::Number { value: 0 },
        Next::Done => Node::Done,
    }
}

/// Makes the rows of a decoded script keep the span rules when decoding stopped early: a
/// background with no foreground row after its begin is dropped, every other open one gets
/// its `end` row after the last foreground row. Returns how many rows it added or removed.
pub fn close_spans(rows: &mut Vec<Value>) -> usize {
    let mut changes = 0;
    loop {
        // The open backgrounds, with the index of their begin row.
        let mut open: Vec<(usize, String, String)> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let (Some(id), Some(action)) = (row["id"].as_str(), row["action"].as_str()) else {
                continue;
            };
            let kind = row["type"].as_str().unwrap_or("sfx").to_owned();
            match action {
                "begin" => open.push((i, id.to_owned(), kind)),
                _ => open.retain(|(_, o, _)| o != id),
            }
        }
        let Some((begin, id, kind)) = open.into_iter().next() else {
            return changes;
        };
        let is_foreground = |r: &Value| r.get("action").is_none();
        match rows.iter().rposition(is_foreground).filter(|&f| f > begin) {
            Some(last) => rows.insert(last + 1, json!({"type": kind, "id": id, "action": "end"})),
            None => {
                rows.remove(begin);
            }
        }
        changes += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(g: &mut Grammar, text: &str) {
        assert!(
            g.commit(text.as_bytes()),
            "rejected {text:?} at {:?}",
            g.state
        );
    }

    use crate::plan::prompt::EXAMPLES;

    #[test]
    fn the_prompt_examples_are_in_the_grammar_byte_by_byte() {
        for (brief, text) in EXAMPLES {
            let mut g = Grammar::new();
            for b in text.trim_end().bytes() {
                assert!(
                    g.commit(&[b]),
                    "{brief}: rejected {:?} after {:?}",
                    b as char,
                    g.state
                );
            }
            assert!(g.is_done(), "{brief}");
        }
    }

    #[test]
    fn forced_text_runs_to_the_next_choice() {
        let mut g = Grammar::new();
        assert_eq!(g.forced(), b"{\"title\": \"");
        feed(&mut g, "{\"title\": \"Bees");
        assert!(g.forced().is_empty());
        feed(&mut g, "\"");
        assert_eq!(g.forced(), b", \"rows\": [\n{\"type\": \"");
        feed(&mut g, ", \"rows\": [\n{\"type\": \"music\", \"id\": \"bed");
        feed(&mut g, "\"");
        // The id is not playing, so only `begin` can follow.
        assert_eq!(g.forced(), b", \"action\": \"begin\", \"description\": \"");
    }

    #[test]
    fn span_rules_are_part_of_the_grammar() {
        let mut g = Grammar::new();
        feed(
            &mut g,
            "{\"title\": \"T\", \"rows\": [\n{\"type\": \"music\", \"id\": \"bed\", \"action\": \"begin\", \"description\": \"Soft piano\"},\n",
        );
        // No foreground yet: the script cannot end, and `bed` cannot end or begin again.
        let end_bed = "{\"type\": \"music\", \"id\": \"bed\"";
        assert!(!g.accepts(end_bed.as_bytes()));
        let line = "{\"type\": \"speech\", \"character\": \"Host\", \"text\": \"Hello there.\"}";
        feed(&mut g, line);
        assert!(!g.accepts(b"\n]}"), "too short to end");
        for _ in 2..MIN_ROWS {
            feed(&mut g, ",\n");
            feed(&mut g, line);
        }
        assert!(g.accepts(b"\n]}"));
        feed(&mut g, ",\n");
        // A sfx row cannot end a music background.
        assert!(!g.accepts(b"{\"type\": \"sfx\", \"id\": \"bed\""));
        feed(&mut g, end_bed);
        assert_eq!(g.forced(), b", \"action\": \"end\"}");
        feed(&mut g, ", \"action\": \"end\"}\n]}");
        assert!(g.is_done());
    }

    #[test]
    fn strings_keep_their_rules() {
        let mut g = Grammar::new();
        feed(
            &mut g,
            "{\"title\": \"T\", \"rows\": [\n{\"type\": \"speech\", \"character\": \"",
        );
        assert!(!g.accepts(b"host"), "names start with a capital");
        assert!(!g.accepts(b" Host"));
        assert!(!g.accepts(b"Ho\\st"));
        feed(&mut g, "Dr. Ada");
        assert!(!g.accepts(b" \""), "no trailing space");
        feed(&mut g, "\", \"text\": \"");
        assert!(!g.accepts(b"...\""), "words need a letter");
        assert!(!g.accepts(b"caf\xc3\""), "no cut UTF-8");
        feed(&mut g, "Caf\u{e9} au lait, s'il vous pla\u{ee}t.\"}");
        assert!(!g.accepts(b"\n\n"));
    }

    #[test]
    fn durations_are_whole_seconds_from_1_to_29() {
        let prefix = "{\"title\": \"T\", \"rows\": [\n{\"type\": \"sfx\", \"description\": \"Door slam\", \"duration\": ";
        for (n, ok) in [
            ("1}", true),
            ("29}", true),
            ("30}", false),
            ("0}", false),
            ("}", false),
        ] {
            let mut g = Grammar::new();
            feed(&mut g, prefix);
            assert_eq!(g.accepts(n.as_bytes()), ok, "{n}");
        }
    }

    #[test]
    fn a_string_at_its_limit_can_always_close() {
        let mut g = Grammar::new();
        feed(
            &mut g,
            "{\"title\": \"T\", \"rows\": [\n{\"type\": \"speech\", \"character\": \"",
        );
        feed(&mut g, "Abcdefghij Klmnopqrstuv");
        // 23 bytes: a space now would leave a name that can neither grow nor end.
        assert!(!g.accepts(b" "));
        assert!(g.accepts(b"w\""));
        feed(&mut g, "w\", \"text\": \"");
        feed(&mut g, &"a".repeat(Field::Words.max_len() as usize - 1));
        assert!(
            !g.accepts("\u{e9}".as_bytes()),
            "a cut character at the limit"
        );
        assert!(g.accepts(b"a\"}"));
    }

    #[test]
    fn open_spans_are_closed_or_dropped() {
        let mut rows = vec![
            json!({"type": "music", "id": "theme", "action": "begin", "description": "x"}),
            json!({"type": "speech", "character": "A", "text": "Hi."}),
            json!({"type": "sfx", "id": "rain", "action": "begin", "description": "rain"}),
        ];
        assert_eq!(close_spans(&mut rows), 2);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[2],
            json!({"type": "music", "id": "theme", "action": "end"})
        );
    }
}
