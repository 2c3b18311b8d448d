//! Explicit requests in a music description: a tempo ("120 bpm", "at 90 beats per
//! minute", "slow"), a key ("in D minor", "key of Bb minor", "F# major", "in minor"), a
//! meter ("3/4", "6/8", "waltz"), an instrument ("solo piano", "solo guitar"), a loudness
//! ("quiet") and "no drums". They win over the preset.
//!
//! The words that made a request are taken out of the text that chooses the preset, and so
//! is the losing side of a contradiction ("happy ... sad": the first mentioned wins, with a
//! warning that names both words).

use super::presets::{NYLON_GUITAR, PIANO};
use super::{BassLine, Comp, Key, Mode, Style};

/// The slowest and fastest tempo the composer plays.
pub const MIN_TEMPO_BPM: f64 = 40.0;
pub const MAX_TEMPO_BPM: f64 = 240.0;
/// Off-beat delay of a compound meter (6/8, 9/8, 12/8): the eighths fall on triplets.
const COMPOUND_SWING_BEATS: f64 = 1.0 / 6.0;

/// A word of the description.
#[derive(Clone, Debug)]
struct Token {
    /// Lower case; keeps `#` ("f#"), a leading minus and the `.` or `/` between digits.
    text: String,
    /// Written with a capital first letter: "A minor" is a key, "a minor key" a mode.
    capital: bool,
}

/// Words and punctuation: letters and digits, apostrophes dropped ("children's" →
/// "childrens").
fn tokenize(description: &str) -> Vec<Token> {
    let chars: Vec<char> = description.chars().collect();
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut capital = false;
    let end = |current: &mut String, capital: bool, tokens: &mut Vec<Token>| {
        if !current.is_empty() {
            tokens.push(Token {
                text: std::mem::take(current),
                capital,
            });
        }
    };
    for (i, &c) in chars.iter().enumerate() {
        let next_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        let last_digit = current.chars().last().is_some_and(|l| l.is_ascii_digit());
        if c.is_alphanumeric() {
            if current.is_empty() {
                capital = c.is_uppercase();
            }
            current.extend(c.to_lowercase());
        } else if (c == '#' && !current.is_empty())
            || ((c == '.' || c == '/') && last_digit && next_digit)
        {
            current.push(c);
        } else if c == '-' && current.is_empty() && next_digit {
            capital = false;
            current.push(c);
        } else if c == '\'' || c == '\u{2019}' {
            // An apostrophe joins: "children's".
        } else {
            end(&mut current, capital, &mut tokens);
        }
    }
    end(&mut current, capital, &mut tokens);
    tokens
}

/// A plain decimal number ("120", "-3", "92.5"); not "inf" or "1e9".
fn number(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let plain = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().any(|c| c.is_ascii_digit());
    plain.then(|| text.parse().ok()).flatten()
}

/// Formats a tempo without a needless fraction: 92, 92.5.
fn bpm_text(bpm: f64) -> String {
    format!("{bpm} bpm")
}

/// The warning for two requests that contradict each other; the first one wins.
fn conflict(what: &str, first: &str, second: &str) -> String {
    format!(
        "the music description asks for {what} {first} and {second}: used {first}, the first mentioned"
    )
}

fn quoted(word: &str) -> String {
    format!("\"{word}\"")
}

/// A time signature as the arranger plays it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Meter {
    pub beats_per_bar: u32,
    /// Compound (6/8, 9/8, 12/8): a beat is a dotted quarter and its eighths are swung
    /// into triplets, which gives the long-short lilt of a jig. The tempo counts these
    /// dotted beats.
    pub compound: bool,
    pub label: &'static str,
}

/// "2/4", "3/4", "4/4", "6/8", "9/8", "12/8"; `Err` for other fractions.
fn meter(text: &str) -> Option<Result<Meter, ()>> {
    let (n, d) = text.split_once('/')?;
    let (n, d): (u32, u32) = (n.parse().ok()?, d.parse().ok()?);
    let simple = |beats_per_bar, label| {
        Ok(Meter {
            beats_per_bar,
            compound: false,
            label,
        })
    };
    let compound = |beats_per_bar, label| {
        Ok(Meter {
            beats_per_bar,
            compound: true,
            label,
        })
    };
    Some(match (n, d) {
        (2, 4) => simple(2, "2/4"),
        (3, 4) => simple(3, "3/4"),
        (4, 4) => simple(4, "4/4"),
        (6, 8) => compound(2, "6/8"),
        (9, 8) => compound(3, "9/8"),
        (12, 8) => compound(4, "12/8"),
        _ => Err(()),
    })
}

/// The pitch class of a note name: "c", "f#", "bb", "eb".
fn note_pc(token: &str) -> Option<u32> {
    let mut chars = token.chars();
    let base = match chars.next()? {
        'c' => 0,
        'd' => 2,
        'e' => 4,
        'f' => 5,
        'g' => 7,
        'a' => 9,
        'b' => 11,
        _ => return None,
    };
    match chars.as_str() {
        "" => Some(base),
        "#" => Some(base + 1),
        "b" => Some(base + 11),
        _ => None,
    }
}

fn mode_word(token: &str) -> Option<Mode> {
    match token {
        "major" | "maj" => Some(Mode::Major),
        "minor" | "min" => Some(Mode::Minor),
        _ => None,
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Major => "major",
        Mode::Minor => "minor",
    }
}

/// Words after "major"/"minor" that make it a request for the mode ("a minor key").
const MODE_NOUNS: &[&str] = &[
    "key", "mode", "tonality", "scale", "feel", "mood", "chords", "harmony",
];

/// Tempo words: multiplier of the preset's tempo. "very …" is matched first.
const FAST: &[(&str, f64)] = &[
    ("very fast", 1.4),
    ("very quick", 1.4),
    ("fast", 1.2),
    ("quick", 1.2),
    ("rapid", 1.2),
    ("speedy", 1.2),
    ("uptempo", 1.2),
    ("up tempo", 1.2),
    ("faster", 1.15),
    ("brisk", 1.15),
];
const SLOW: &[(&str, f64)] = &[
    ("very slow", 0.65),
    ("very slowly", 0.65),
    ("slow", 0.8),
    ("slowly", 0.8),
    ("slower", 0.85),
    ("leisurely", 0.85),
    ("unhurried", 0.85),
];
/// Loudness words: added to the preset's energy.
const LOUD: &[(&str, f64)] = &[("very loud", 0.4), ("loud", 0.25), ("loudly", 0.25)];
const QUIET: &[(&str, f64)] = &[
    ("very quiet", -0.4),
    ("very quietly", -0.4),
    ("quiet", -0.25),
    ("quietly", -0.25),
    ("hushed", -0.25),
];
/// Moods that cannot both hold; they choose the preset and are not requests themselves.
const MOOD_PAIRS: &[(&[&str], &[&str])] = &[
    (
        &["happy", "cheerful", "joyful", "joyous", "merry", "glad"],
        &[
            "sad",
            "sadness",
            "unhappy",
            "melancholy",
            "melancholic",
            "sorrowful",
            "mournful",
            "gloomy",
            "depressing",
            "tragic",
        ],
    ),
    (
        &[
            "calm", "relaxed", "relaxing", "peaceful", "tranquil", "serene", "soothing",
        ],
        &[
            "energetic",
            "intense",
            "aggressive",
            "frantic",
            "hectic",
            "furious",
        ],
    ),
];
/// A mood word right after one of these is negated ("not sad") and dropped.
const NEGATIONS: &[&str] = &["not", "no", "never", "without", "nor", "non"];

const SOLO_PIANO: &[&[&str]] = &[
    &["solo", "piano"],
    &["piano", "solo"],
    &["piano", "only"],
    &["only", "piano"],
    &["just", "piano"],
    &["just", "a", "piano"],
];
const SOLO_GUITAR: &[&[&str]] = &[
    &["solo", "guitar"],
    &["solo", "acoustic", "guitar"],
    &["guitar", "only"],
    &["only", "guitar"],
    &["just", "guitar"],
    &["just", "a", "guitar"],
];
const NO_DRUMS: &[&[&str]] = &[
    &["no", "drums"],
    &["no", "drum"],
    &["without", "drums"],
    &["without", "any", "drums"],
    &["no", "percussion"],
    &["without", "percussion"],
    &["drumless"],
    &["no", "beat"],
    &["no", "beats"],
];

/// The one instrument a "solo …" request leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Solo {
    Piano,
    Guitar,
}

impl Solo {
    fn label(self) -> &'static str {
        match self {
            Solo::Piano => "solo piano",
            Solo::Guitar => "solo guitar",
        }
    }
}

/// What a description asks for explicitly, and what is left to choose the preset by.
#[derive(Clone, Debug, Default)]
pub struct Requests {
    /// The description less the requests and a contradiction's losing words, lower case:
    /// what chooses the preset.
    pub text: String,
    pub solo: Option<Solo>,
    pub meter: Option<Meter>,
    /// As written: may be out of range.
    pub tempo_bpm: Option<f64>,
    /// From a tempo word ("slow"): the word and the factor on the preset's tempo.
    pub tempo_word: Option<(&'static str, f64)>,
    pub key: Option<Key>,
    /// "in minor": the preset's tonic in this mode.
    pub mode: Option<Mode>,
    /// From "loud" or "quiet": the word and what it adds to the energy.
    pub loudness: Option<(&'static str, f64)>,
    pub no_drums: bool,
    /// Contradictions and unusable requests, for the user.
    pub warnings: Vec<String>,
}

/// The tokens and which of them a request has used.
struct Words {
    tokens: Vec<Token>,
    used: Vec<bool>,
}

impl Words {
    fn text(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.text.as_str())
    }

    fn free(&self, i: usize) -> bool {
        i < self.tokens.len() && !self.used[i]
    }

    fn take(&mut self, from: usize, count: usize) {
        for u in &mut self.used[from..from + count] {
            *u = true;
        }
    }

    /// Where `phrase` (space-separated words) starts among the unused tokens.
    fn find(&self, phrase: &[&str]) -> Vec<usize> {
        let n = phrase.len();
        (0..self.tokens.len().saturating_sub(n - 1))
            .filter(|&i| (0..n).all(|j| self.free(i + j) && self.text(i + j) == phrase[j]))
            .collect()
    }

    /// The first of `phrases` at each position, longest first, as (position, phrase
    /// index, length); the tokens are taken.
    fn take_phrases<T: Copy>(&mut self, phrases: &[(&'static str, T)]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        let mut order: Vec<usize> = (0..phrases.len()).collect();
        order.sort_by_key(|&p| std::cmp::Reverse(phrases[p].0.split(' ').count()));
        for p in order {
            let words: Vec<&str> = phrases[p].0.split(' ').collect();
            for at in self.find(&words) {
                if (0..words.len()).all(|j| self.free(at + j)) {
                    self.take(at, words.len());
                    found.push((at, p));
                }
            }
        }
        found.sort();
        found
    }
}

impl Requests {
    /// Reads the requests in `description`. Never fails: what cannot be used is a warning.
    pub fn parse(description: &str) -> Requests {
        let tokens = tokenize(description);
        let used = vec![false; tokens.len()];
        let mut w = Words { tokens, used };
        let mut r = Requests::default();
        r.read_tempo(&mut w);
        r.read_meter(&mut w);
        r.read_key(&mut w);
        r.read_instruments(&mut w);
        r.read_words(&mut w);
        r.read_moods(&mut w);
        r.text = w
            .tokens
            .iter()
            .zip(&w.used)
            .filter(|(_, used)| !**used)
            .map(|(t, _)| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        r
    }

    /// "120 bpm", "120bpm", "bpm 120", "tempo 120", "90 beats per minute".
    fn read_tempo(&mut self, w: &mut Words) {
        let mut found: Vec<f64> = Vec::new();
        for i in 0..w.tokens.len() {
            if !w.free(i) {
                continue;
            }
            let t = w.text(i).to_string();
            let next = w.text(i + 1).to_string();
            let mut hit = |w: &mut Words, bpm: f64, count: usize| {
                w.take(i, count);
                found.push(bpm);
            };
            if let Some(bpm) = t.strip_suffix("bpm").and_then(number) {
                hit(w, bpm, 1);
            } else if let Some(bpm) = number(&t) {
                let per_minute = matches!(next.as_str(), "beats" | "beat")
                    && matches!(w.text(i + 2), "per" | "a")
                    && matches!(w.text(i + 3), "minute" | "min");
                if next == "bpm" && w.free(i + 1) {
                    hit(w, bpm, 2);
                } else if per_minute {
                    hit(w, bpm, 4);
                }
            } else if matches!(t.as_str(), "bpm" | "tempo")
                && let Some(bpm) = number(&next)
                && w.free(i + 1)
            {
                hit(w, bpm, 2);
            }
        }
        if let Some(&first) = found.first() {
            if let Some(&other) = found.iter().find(|&&b| b != first) {
                self.warnings
                    .push(conflict("two tempi,", &bpm_text(first), &bpm_text(other)));
            }
            self.tempo_bpm = Some(first);
        }
    }

    /// "3/4", "6/8"; a waltz is in three.
    fn read_meter(&mut self, w: &mut Words) {
        let mut found: Vec<Meter> = Vec::new();
        for i in 0..w.tokens.len() {
            if !w.free(i) {
                continue;
            }
            match meter(w.text(i)) {
                Some(Ok(m)) => {
                    w.take(i, 1);
                    found.push(m);
                }
                Some(Err(())) => {
                    self.warnings.push(format!(
                        "the meter {} is not supported (2/4, 3/4, 4/4, 6/8, 9/8, 12/8 are): kept the style's",
                        w.text(i)
                    ));
                    w.take(i, 1);
                }
                None => {}
            }
        }
        if let Some(&first) = found.first() {
            if let Some(other) = found.iter().find(|m| **m != first) {
                self.warnings
                    .push(conflict("two meters,", first.label, other.label));
            }
            self.meter = Some(first);
        } else if ["waltz", "waltzes", "waltzing"]
            .iter()
            .any(|word| !w.find(&[word]).is_empty())
        {
            // The word also chooses the waltz preset, so it stays in the text.
            self.meter = Some(Meter {
                beats_per_bar: 3,
                compound: false,
                label: "3/4",
            });
        }
    }

    /// Keys ("in D minor", "key of Bb minor", "C sharp minor", "F# major") and modes ("in
    /// minor", "a major key").
    fn read_key(&mut self, w: &mut Words) {
        // (position, key) and (position, mode) in the order written.
        let mut keys: Vec<(usize, Key)> = Vec::new();
        let mut modes: Vec<(usize, Mode)> = Vec::new();
        for i in 0..w.tokens.len() {
            if !w.free(i) {
                continue;
            }
            let Some(mut pc) = note_pc(w.text(i)) else {
                continue;
            };
            let prefixed = i > 0 && w.free(i - 1) && matches!(w.text(i - 1), "in" | "of" | "key");
            let mut j = i + 1;
            match w.text(j) {
                "sharp" => {
                    pc += 1;
                    j += 1;
                }
                "flat" => {
                    pc += 11;
                    j += 1;
                }
                _ => {}
            }
            let Some(mode) = mode_word(w.text(j)).filter(|_| w.free(j)) else {
                continue;
            };
            // "a minor key" is a mode; "in A minor" and "A minor" are keys.
            let article = w.text(i) == "a" && MODE_NOUNS.contains(&w.text(j + 1));
            let capital = w.tokens[i].capital;
            if article && !(prefixed && capital) {
                continue;
            }
            if !prefixed && !capital {
                continue;
            }
            let from = if prefixed { i - 1 } else { i };
            let noun = usize::from(w.text(j + 1) == "key" && w.free(j + 1));
            w.take(from, j + 1 + noun - from);
            keys.push((
                i,
                Key {
                    tonic_pc: (pc % 12) as u8,
                    mode,
                },
            ));
        }
        for i in 0..w.tokens.len() {
            let Some(mode) = mode_word(w.text(i)).filter(|_| w.free(i)) else {
                continue;
            };
            if i > 0 && w.free(i - 1) && w.text(i - 1) == "in" {
                w.take(i - 1, 2);
                modes.push((i, mode));
            } else if MODE_NOUNS.contains(&w.text(i + 1)) && w.free(i + 1) {
                w.take(i, 2);
                modes.push((i, mode));
            }
        }

        if let Some(&(at, first)) = keys.first() {
            if let Some((_, other)) = keys.iter().find(|(_, k)| *k != first) {
                self.warnings.push(conflict(
                    "two keys,",
                    &first.to_string(),
                    &other.to_string(),
                ));
            }
            let mut key = first;
            if let Some(&(mode_at, mode)) = modes.iter().find(|(_, m)| *m != first.mode) {
                let (winner, loser) = if mode_at < at {
                    (mode, first.mode)
                } else {
                    (first.mode, mode)
                };
                self.warnings.push(conflict(
                    "both",
                    &quoted(mode_name(winner)),
                    &quoted(mode_name(loser)),
                ));
                key.mode = winner;
            }
            self.key = Some(key);
        } else if let Some(&(_, first)) = modes.first() {
            if let Some((_, other)) = modes.iter().find(|(_, m)| *m != first) {
                self.warnings.push(conflict(
                    "both",
                    &quoted(mode_name(first)),
                    &quoted(mode_name(*other)),
                ));
            }
            self.mode = Some(first);
        }
    }

    /// "solo piano", "solo guitar", "no drums".
    fn read_instruments(&mut self, w: &mut Words) {
        let mut solos: Vec<(usize, Solo)> = Vec::new();
        for (solo, phrases) in [(Solo::Piano, SOLO_PIANO), (Solo::Guitar, SOLO_GUITAR)] {
            for phrase in phrases {
                for at in w.find(phrase) {
                    w.take(at, phrase.len());
                    solos.push((at, solo));
                }
            }
        }
        solos.sort_by_key(|(at, _)| *at);
        if let Some(&(_, first)) = solos.first() {
            if let Some((_, other)) = solos.iter().find(|(_, s)| *s != first) {
                self.warnings.push(conflict(
                    "both",
                    &quoted(first.label()),
                    &quoted(other.label()),
                ));
            }
            self.solo = Some(first);
        }
        for phrase in NO_DRUMS {
            for at in w.find(phrase) {
                w.take(at, phrase.len());
                self.no_drums = true;
            }
        }
    }

    /// Tempo words ("slow") and loudness words ("quiet"); of two opposite ones the first
    /// mentioned wins.
    fn read_words(&mut self, w: &mut Words) {
        let pick = |w: &mut Words,
                    up: &[(&'static str, f64)],
                    down: &[(&'static str, f64)],
                    warnings: &mut Vec<String>|
         -> Option<(&'static str, f64)> {
            let ups = w.take_phrases(up);
            let downs = w.take_phrases(down);
            let first_up = ups.first().map(|&(at, p)| (at, up[p]));
            let first_down = downs.first().map(|&(at, p)| (at, down[p]));
            match (first_up, first_down) {
                (Some(a), Some(b)) => {
                    let (winner, loser) = if a.0 < b.0 { (a.1, b.1) } else { (b.1, a.1) };
                    warnings.push(conflict("both", &quoted(winner.0), &quoted(loser.0)));
                    Some(winner)
                }
                (a, b) => a.or(b).map(|x| x.1),
            }
        };
        self.tempo_word = pick(w, FAST, SLOW, &mut self.warnings);
        self.loudness = pick(w, LOUD, QUIET, &mut self.warnings);
    }

    /// Opposite moods ("happy … sad"): the first mentioned chooses the style, the others
    /// are dropped from the text. A negated mood ("not sad") is dropped too.
    fn read_moods(&mut self, w: &mut Words) {
        for i in 1..w.tokens.len() {
            let mood = MOOD_PAIRS
                .iter()
                .any(|(a, b)| a.contains(&w.text(i)) || b.contains(&w.text(i)));
            if mood && w.free(i) && w.free(i - 1) && NEGATIONS.contains(&w.text(i - 1)) {
                w.take(i - 1, 2);
            }
        }
        for (one, other) in MOOD_PAIRS {
            let first = |w: &Words, words: &[&str]| {
                (0..w.tokens.len()).find(|&i| w.free(i) && words.contains(&w.text(i)))
            };
            let (Some(a), Some(b)) = (first(w, one), first(w, other)) else {
                continue;
            };
            let (winner, loser, losing) = if a < b { (a, b, *other) } else { (b, a, *one) };
            self.warnings.push(format!(
                "the music description is both {} and {}: chose the style by {}, the first mentioned",
                quoted(w.text(winner)),
                quoted(w.text(loser)),
                quoted(w.text(winner)),
            ));
            for i in 0..w.tokens.len() {
                if w.free(i) && losing.contains(&w.text(i)) {
                    w.take(i, 1);
                }
            }
        }
    }

    /// Applies the requests to the preset's `style`. Returns what changed, for the report
    /// (`92 bpm`, `D minor`, `no drums`), and adds a warning for a tempo out of range.
    pub fn apply(&self, style: &mut Style, warnings: &mut Vec<String>) -> Vec<String> {
        let mut overrides = Vec::new();
        if let Some(solo) = self.solo {
            let program = match solo {
                Solo::Piano => PIANO,
                Solo::Guitar => NYLON_GUITAR,
            };
            style.chord_program = program;
            // One player: patterns that need a section become a broken chord.
            if !matches!(
                style.comp,
                Comp::Arpeggio | Comp::Syncopated | Comp::OomPah | Comp::Strum
            ) {
                style.comp = Comp::Arpeggio;
            }
            style.pad_program = None;
            style.bass = match solo {
                Solo::Piano => Some((PIANO, style.bass.map_or(BassLine::Held, |b| b.1))),
                // A guitar's lowest string is above the bass register.
                Solo::Guitar => None,
            };
            style.melody_program = Some(program);
            style.drums = None;
            overrides.push(solo.label().to_string());
        }
        if let Some(m) = self.meter {
            let swing = if m.compound {
                style.swing_beats.max(COMPOUND_SWING_BEATS)
            } else {
                style.swing_beats
            };
            if m.beats_per_bar != style.beats_per_bar || swing != style.swing_beats {
                style.beats_per_bar = m.beats_per_bar;
                style.swing_beats = swing;
                overrides.push(m.label.to_string());
            }
        }
        if let Some(bpm) = self.tempo_bpm {
            let clamped = bpm.clamp(MIN_TEMPO_BPM, MAX_TEMPO_BPM);
            if clamped != bpm {
                warnings.push(format!(
                    "tempo {} is out of range ({MIN_TEMPO_BPM}-{MAX_TEMPO_BPM} bpm): used {}",
                    bpm_text(bpm),
                    bpm_text(clamped)
                ));
            }
            style.tempo_bpm = clamped;
            overrides.push(bpm_text(clamped));
        } else if let Some((word, factor)) = self.tempo_word {
            let bpm = (style.tempo_bpm * factor)
                .round()
                .clamp(MIN_TEMPO_BPM, MAX_TEMPO_BPM);
            style.tempo_bpm = bpm;
            overrides.push(format!("{word}: {}", bpm_text(bpm)));
        }
        if let Some(key) = self.key {
            style.key = key;
            overrides.push(key.to_string());
        } else if let Some(mode) = self.mode
            && mode != style.key.mode
        {
            style.key.mode = mode;
            overrides.push(style.key.to_string());
        }
        if let Some((word, delta)) = self.loudness {
            style.energy = (f64::from(style.energy) + delta).clamp(0.1, 1.0) as f32;
            overrides.push(word.to_string());
        }
        if self.no_drums && style.drums.is_some() {
            style.drums = None;
            overrides.push("no drums".to_string());
        }
        overrides
    }
}
