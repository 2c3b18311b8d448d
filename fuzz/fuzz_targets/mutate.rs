//! Mutations that know the script format: they change a field to another value it may take,
//! and copy, drop, move or add whole rows, so that most results stay valid scripts and reach
//! the timeline and the row edits (byte-level mutations of YAML are mostly syntax errors).

/// A small seeded generator (xorshift64*), so that a run replays from libFuzzer's seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u32) -> Rng {
        Rng(u64::from(seed) << 1 | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Values each field may be set to: accepted ones, edges of the accepted ranges, and a few
/// just outside them.
const VALUES: &[(&str, &[&str])] = &[
    ("type", &["speech", "music", "sfx"]),
    ("layout", &["foreground", "background"]),
    ("action", &["begin", "end"]),
    ("id", &["a", "b", "theme", "rain"]),
    ("character", &["A", "B", "Host"]),
    ("volume", &["-70", "-32", "-15", "-0.5", "0"]),
    (
        "duration",
        &[
            "auto", "1e-9", "0.001", "0.5", "1", "7.999", "8", "30", "3600", "0",
        ],
    ),
    ("fade_in", &["0", "0.001", "0.5", "2", "8", "3600"]),
    ("fade_out", &["0", "0.25", "3", "9", "3600"]),
    ("pan", &["-1", "0", "0.5", "1"]),
    ("duck", &["true", "false", "0.5", "12", "40"]),
    ("take", &["1", "2", "1000"]),
    (
        "description",
        &["calm", "door knock", "Hello there.", "rain"],
    ),
    ("text", &["Hello there.", "One, two.", "Yes"]),
    ("gap", &["0", "0.3", "1e-9", "30", "-0.5", "-30"]),
    ("file", &["a.wav", "sounds/theme.mp3"]),
    ("sample_rate", &["8000", "44100", "48000", "192000"]),
    ("seed", &["0", "7", "9223372036854775807"]),
    ("loudness", &["-40", "-16", "-5"]),
];

/// Rows to add: every kind of row, including both halves of background spans.
const ROWS: &[&str] = &[
    "{type: speech, character: A, text: Hello there.}",
    "{type: speech, character: B, text: One more line.}",
    "{type: music, id: a, action: begin, description: calm}",
    "{type: music, id: a, action: end}",
    "{type: sfx, id: b, action: begin, description: rain}",
    "{type: sfx, id: b, action: end}",
    "{type: sfx, description: knock, duration: 1}",
    "{type: music, description: sting, duration: 8, fade_in: 3, fade_out: 9}",
    "{type: sfx, layout: background, description: thunder, duration: 2}",
    "{type: music, layout: background, description: swell, duration: 30, fade_in: 40}",
];

/// One structure-aware change to `text`; `None` when none applies.
pub fn mutate(text: &str, rng: &mut Rng) -> Option<String> {
    match rng.below(6) {
        0 | 1 => set_value(text, rng),
        2 => add_row(text, rng),
        _ => rearrange_rows(text, rng),
    }
}

/// Replaces the value of one `field: value` (block or flow) with another for that field.
fn set_value(text: &str, rng: &mut Rng) -> Option<String> {
    let (field, values) = VALUES[rng.below(VALUES.len())];
    let key = format!("{field}: ");
    let starts: Vec<usize> = text
        .match_indices(&key)
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric())
        .collect();
    let new = rng.pick(values);
    if starts.is_empty() {
        // A field the text lacks: into a flow row, or as a header line.
        return match text.match_indices('}').map(|(i, _)| i).collect::<Vec<_>>() {
            ends if !ends.is_empty() && rng.below(2) == 0 => {
                let at = ends[rng.below(ends.len())];
                Some(format!("{}, {key}{new}{}", &text[..at], &text[at..]))
            }
            _ => Some(format!("{key}{new}\n{text}")),
        };
    }
    let from = starts[rng.below(starts.len())] + key.len();
    let len = text[from..]
        .find([',', '}', '\n', '\r', '#'])
        .unwrap_or(text.len() - from);
    Some(format!("{}{new}{}", &text[..from], &text[from + len..]))
}

/// The rows of the text as line ranges: a line whose first non-space is `- ` starts a row,
/// which owns the deeper-indented lines after it.
fn rows(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim_start().starts_with("- ") {
            let dash = indent(line);
            let mut end = i + 1;
            while end < lines.len()
                && !lines[end].trim().is_empty()
                && indent(lines[end]) > dash
                && !lines[end].trim_start().starts_with("- ")
            {
                end += 1;
            }
            out.push(i..end);
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Adds one of [`ROWS`] before a row, or at the end.
fn add_row(text: &str, rng: &mut Rng) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let rows = rows(&lines);
    let row = format!("  - {}\n", rng.pick(ROWS));
    let at = match rows.len() {
        0 => lines.len(),
        n => rows
            .get(rng.below(n + 1))
            .map_or(rows[n - 1].end, |r| r.start),
    };
    let mut out: String = lines[..at].concat();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&row);
    out.push_str(&lines[at..].concat());
    Some(out)
}

/// Copies, drops or moves a whole row.
fn rearrange_rows(text: &str, rng: &mut Rng) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let rows = rows(&lines);
    if rows.is_empty() {
        return None;
    }
    let mut blocks: Vec<String> = rows.iter().map(|r| lines[r.clone()].concat()).collect();
    // A last row without a final line break would run into the one placed after it.
    for b in &mut blocks {
        if !b.ends_with('\n') {
            b.push('\n');
        }
    }
    let i = rng.below(blocks.len());
    match rng.below(3) {
        0 => {
            let copy = blocks[i].clone();
            let to = rng.below(blocks.len() + 1);
            blocks.insert(to, copy);
        }
        1 => {
            blocks.remove(i);
        }
        _ => {
            let row = blocks.remove(i);
            let to = rng.below(blocks.len() + 1);
            blocks.insert(to, row);
        }
    }
    let first = rows[0].start;
    let last = rows[rows.len() - 1].end;
    // Lines between rows (comments, blanks) are dropped; those before and after stay.
    Some(format!(
        "{}{}{}",
        lines[..first].concat(),
        blocks.concat(),
        lines[last..].concat()
    ))
}
