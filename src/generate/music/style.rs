//! Description → style: keyword rules pick a preset, then explicit requests in the text
//! ("120 bpm", "in D minor", "no drums", "solo piano") override it.

use std::fmt;

/// Major or (natural) minor; the dominant chord of a minor key borrows the raised seventh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Major,
    Minor,
}

/// A tonic pitch class (0 = C) and a mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub tonic_pc: u8,
    pub mode: Mode,
}

const PC_NAMES: [&str; 12] = [
    "C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
];

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            Mode::Major => "major",
            Mode::Minor => "minor",
        };
        write!(f, "{} {mode}", PC_NAMES[usize::from(self.tonic_pc % 12)])
    }
}

/// Which family of chord progressions the style draws from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Harmony {
    Pop,
    Jazz,
    Dark,
    Ambient,
}

/// How the chord instrument plays each bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comp {
    /// The chord held for the whole bar.
    Block,
    /// An eighth-note ostinato over the chord tones.
    Pulse8,
    /// Root, fifth and octave on every eighth note (guitar power chords).
    Power,
    /// A broken chord in eighth notes, each note left ringing.
    Arpeggio,
    /// Chords on the off-beats.
    Offbeat,
    /// A syncopated pattern: on one, and a push before the second half of the bar.
    Syncopated,
}

/// How the bass plays each bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BassLine {
    /// The root held for the bar.
    Held,
    /// The root on every eighth note.
    Pulse8,
    /// Quarter notes alternating root and fifth.
    RootFifth,
    /// A walking line in quarter notes leading to the next root.
    Walking,
    /// A syncopated hip-hop line.
    Syncopated,
}

/// Drum patterns (GM percussion on MIDI channel index 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Groove {
    /// Kick on 1 and 3, snare on 2 and 4, eighth-note hats.
    Rock,
    /// Rock with sixteenth-note hats and a pushed kick: news and sport themes.
    Driving,
    /// Kick on 1 and 3, claps on 2 and 4, open hat on the off-beats.
    Pop,
    /// Boom-bap: a lazy kick, snare on 2 and 4, swung hats.
    HipHop,
    /// Ride cymbal swing pattern, hi-hat pedal on 2 and 4.
    Jazz,
    /// Low toms on the downbeat and cymbal swells: orchestral percussion.
    Orchestral,
    /// A soft heartbeat kick.
    Heartbeat,
}

/// Everything the arranger needs to know about a piece.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    /// The preset's name, as the report shows it.
    pub name: &'static str,
    pub tempo_bpm: f64,
    pub beats_per_bar: u32,
    pub key: Key,
    pub harmony: Harmony,
    /// Add the seventh to every chord.
    pub sevenths: bool,
    /// GM program (0-based) of the chord instrument and how it plays.
    pub chord_program: u8,
    pub comp: Comp,
    /// GM program of a sustained pad doubling the chords, if any.
    pub pad_program: Option<u8>,
    pub bass: Option<(u8, BassLine)>,
    pub melody_program: Option<u8>,
    pub drums: Option<Groove>,
    /// Delay of the off-beat eighth notes, in beats (0 = straight, 1/6 = triplet swing).
    pub swing_beats: f64,
    /// 0..1: how loud and busy the parts are.
    pub energy: f32,
}

// GM programs (0-based), named for readability.
const PIANO: u8 = 0;
const EPIANO: u8 = 4;
const CELESTA: u8 = 8;
const GLOCKENSPIEL: u8 = 9;
const VIBRAPHONE: u8 = 11;
const XYLOPHONE: u8 = 13;
const NYLON_GUITAR: u8 = 24;
const OVERDRIVE_GUITAR: u8 = 29;
const DISTORTION_GUITAR: u8 = 30;
const ACOUSTIC_BASS: u8 = 32;
const FINGER_BASS: u8 = 33;
const PICK_BASS: u8 = 34;
const SYNTH_BASS: u8 = 38;
const CONTRABASS: u8 = 43;
const STRINGS: u8 = 48;
const SLOW_STRINGS: u8 = 49;
const TUBA: u8 = 58;
const BRASS: u8 = 61;
const FRENCH_HORN: u8 = 60;
const ALTO_SAX: u8 = 65;
const FLUTE: u8 = 73;
const WARM_PAD: u8 = 89;
const HALO_PAD: u8 = 94;

fn key(tonic_pc: u8, mode: Mode) -> Key {
    Key { tonic_pc, mode }
}

/// The presets, in keyword-priority order (earlier wins a tie). The last one is the
/// neutral default.
pub fn presets() -> Vec<Style> {
    use BassLine as B;
    use Mode::{Major, Minor};
    vec![
        Style {
            name: "news-theme",
            tempo_bpm: 120.0,
            beats_per_bar: 4,
            key: key(2, Minor),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: STRINGS,
            comp: Comp::Pulse8,
            pad_program: Some(WARM_PAD),
            bass: Some((SYNTH_BASS, B::Pulse8)),
            melody_program: Some(BRASS),
            drums: Some(Groove::Driving),
            swing_beats: 0.0,
            energy: 0.8,
        },
        Style {
            name: "orchestral-drama",
            tempo_bpm: 84.0,
            beats_per_bar: 4,
            key: key(0, Minor),
            harmony: Harmony::Dark,
            sevenths: false,
            chord_program: STRINGS,
            comp: Comp::Pulse8,
            pad_program: Some(SLOW_STRINGS),
            bass: Some((CONTRABASS, B::Held)),
            melody_program: Some(FRENCH_HORN),
            drums: Some(Groove::Orchestral),
            swing_beats: 0.0,
            energy: 0.75,
        },
        Style {
            name: "suspense",
            tempo_bpm: 70.0,
            beats_per_bar: 4,
            key: key(4, Minor),
            harmony: Harmony::Dark,
            sevenths: false,
            chord_program: SLOW_STRINGS,
            comp: Comp::Block,
            pad_program: Some(HALO_PAD),
            bass: Some((CONTRABASS, B::Held)),
            melody_program: Some(CELESTA),
            drums: Some(Groove::Heartbeat),
            swing_beats: 0.0,
            energy: 0.4,
        },
        Style {
            name: "lofi",
            tempo_bpm: 82.0,
            beats_per_bar: 4,
            key: key(5, Major),
            harmony: Harmony::Jazz,
            sevenths: true,
            chord_program: EPIANO,
            comp: Comp::Syncopated,
            pad_program: None,
            bass: Some((FINGER_BASS, B::Syncopated)),
            melody_program: Some(VIBRAPHONE),
            drums: Some(Groove::HipHop),
            swing_beats: 0.12,
            energy: 0.5,
        },
        Style {
            name: "jazz",
            tempo_bpm: 126.0,
            beats_per_bar: 4,
            key: key(10, Major),
            harmony: Harmony::Jazz,
            sevenths: true,
            chord_program: PIANO,
            comp: Comp::Syncopated,
            pad_program: None,
            bass: Some((ACOUSTIC_BASS, B::Walking)),
            melody_program: Some(ALTO_SAX),
            drums: Some(Groove::Jazz),
            swing_beats: 1.0 / 6.0,
            energy: 0.6,
        },
        Style {
            name: "rock",
            tempo_bpm: 132.0,
            beats_per_bar: 4,
            key: key(4, Minor),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: OVERDRIVE_GUITAR,
            comp: Comp::Power,
            pad_program: None,
            bass: Some((PICK_BASS, B::Pulse8)),
            melody_program: Some(DISTORTION_GUITAR),
            drums: Some(Groove::Rock),
            swing_beats: 0.0,
            energy: 0.9,
        },
        Style {
            name: "corporate",
            tempo_bpm: 112.0,
            beats_per_bar: 4,
            key: key(0, Major),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: PIANO,
            comp: Comp::Arpeggio,
            pad_program: Some(STRINGS),
            bass: Some((FINGER_BASS, B::RootFifth)),
            melody_program: Some(GLOCKENSPIEL),
            drums: Some(Groove::Pop),
            swing_beats: 0.0,
            energy: 0.7,
        },
        Style {
            name: "happy",
            tempo_bpm: 124.0,
            beats_per_bar: 4,
            key: key(7, Major),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: NYLON_GUITAR,
            comp: Comp::Offbeat,
            pad_program: None,
            bass: Some((TUBA, B::RootFifth)),
            melody_program: Some(XYLOPHONE),
            drums: Some(Groove::Pop),
            swing_beats: 0.0,
            energy: 0.7,
        },
        Style {
            name: "sad-piano",
            tempo_bpm: 66.0,
            beats_per_bar: 3,
            key: key(9, Minor),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: PIANO,
            comp: Comp::Arpeggio,
            // Soft strings under the piano hold the final chord after the piano has decayed.
            pad_program: Some(SLOW_STRINGS),
            bass: Some((PIANO, B::Held)),
            melody_program: Some(PIANO),
            drums: None,
            swing_beats: 0.0,
            energy: 0.35,
        },
        Style {
            name: "ambient",
            tempo_bpm: 72.0,
            beats_per_bar: 4,
            key: key(5, Major),
            harmony: Harmony::Ambient,
            sevenths: true,
            chord_program: WARM_PAD,
            comp: Comp::Block,
            pad_program: Some(HALO_PAD),
            bass: Some((WARM_PAD, B::Held)),
            melody_program: Some(VIBRAPHONE),
            drums: None,
            swing_beats: 0.0,
            energy: 0.3,
        },
        Style {
            name: "neutral",
            tempo_bpm: 100.0,
            beats_per_bar: 4,
            key: key(0, Major),
            harmony: Harmony::Pop,
            sevenths: false,
            chord_program: PIANO,
            comp: Comp::Arpeggio,
            pad_program: Some(STRINGS),
            bass: Some((ACOUSTIC_BASS, B::Held)),
            melody_program: Some(FLUTE),
            drums: None,
            swing_beats: 0.0,
            energy: 0.5,
        },
    ]
}

/// Keywords per preset with weights: a word that names the genre counts 2, a mood word 1.
const KEYWORDS: &[(&str, &[(&str, u32)])] = &[
    (
        "news-theme",
        &[
            ("news", 2),
            ("headline", 2),
            ("headlines", 2),
            ("broadcast", 2),
            ("bulletin", 2),
            ("anchor", 1),
            ("report", 1),
            ("sport", 1),
            ("sports", 1),
            ("urgent", 1),
        ],
    ),
    (
        "orchestral-drama",
        &[
            ("orchestral", 2),
            ("orchestra", 2),
            ("cinematic", 2),
            ("epic", 2),
            ("trailer", 2),
            ("drama", 2),
            ("dramatic", 2),
            ("heroic", 1),
            ("film", 1),
            ("strings", 1),
            ("battle", 1),
            ("triumphant", 1),
        ],
    ),
    (
        "suspense",
        &[
            ("suspense", 2),
            ("suspenseful", 2),
            ("tense", 2),
            ("tension", 2),
            ("thriller", 2),
            ("mystery", 2),
            ("horror", 2),
            ("eerie", 2),
            ("creepy", 2),
            ("ominous", 2),
            ("dark", 1),
            ("spooky", 1),
            ("menacing", 1),
            ("investigation", 1),
        ],
    ),
    (
        "lofi",
        &[
            ("lofi", 2),
            ("lo fi", 2),
            ("hip hop", 2),
            ("hiphop", 2),
            ("boom bap", 2),
            ("chill", 1),
            ("chillhop", 2),
            ("study", 1),
            ("beats", 1),
            ("mellow", 1),
        ],
    ),
    (
        "jazz",
        &[
            ("jazz", 2),
            ("jazzy", 2),
            ("swing", 2),
            ("bebop", 2),
            ("lounge", 1),
            ("cafe", 1),
            ("saxophone", 1),
            ("sax", 1),
            ("smooth", 1),
            ("club", 1),
        ],
    ),
    (
        "rock",
        &[
            ("rock", 2),
            ("punk", 2),
            ("metal", 2),
            ("grunge", 2),
            ("guitar", 1),
            ("guitars", 1),
            ("energetic", 1),
            ("aggressive", 1),
            ("powerful", 1),
        ],
    ),
    (
        "corporate",
        &[
            ("corporate", 2),
            ("upbeat", 2),
            ("business", 2),
            ("motivational", 2),
            ("inspiring", 2),
            ("inspirational", 2),
            ("commercial", 1),
            ("tech", 1),
            ("technology", 1),
            ("positive", 1),
            ("optimistic", 1),
            ("advert", 1),
            ("podcast", 1),
            ("intro", 1),
        ],
    ),
    (
        "happy",
        &[
            ("happy", 2),
            ("children", 2),
            ("childrens", 2),
            ("kids", 2),
            ("playful", 2),
            ("cheerful", 2),
            ("cartoon", 2),
            ("whimsical", 2),
            ("bouncy", 1),
            ("fun", 1),
            ("joyful", 1),
            ("silly", 1),
            ("sunny", 1),
        ],
    ),
    (
        "sad-piano",
        &[
            ("sad", 2),
            ("melancholy", 2),
            ("melancholic", 2),
            ("sorrow", 2),
            ("grief", 2),
            ("tragic", 2),
            ("somber", 2),
            ("sombre", 2),
            ("mournful", 2),
            ("lonely", 1),
            ("emotional", 1),
            ("nostalgic", 1),
            ("reflective", 1),
            ("piano", 1),
        ],
    ),
    (
        "ambient",
        &[
            ("ambient", 2),
            ("calm", 2),
            ("pad", 2),
            ("pads", 2),
            ("relaxing", 2),
            ("relax", 2),
            ("meditation", 2),
            ("peaceful", 2),
            ("serene", 2),
            ("drone", 2),
            ("atmospheric", 1),
            ("atmosphere", 1),
            ("soft", 1),
            ("gentle", 1),
            ("dreamy", 1),
            ("space", 1),
        ],
    ),
];

/// The chosen style, what the text overrode, and anything the user should know.
#[derive(Clone, Debug)]
pub struct Choice {
    pub style: Style,
    /// Human-readable overrides, e.g. `["92 bpm", "D minor"]`.
    pub overrides: Vec<String>,
    pub warnings: Vec<String>,
}

impl Choice {
    /// `preset:<name>`, followed by the overrides in brackets if any.
    pub fn source(&self) -> String {
        if self.overrides.is_empty() {
            format!("preset:{}", self.style.name)
        } else {
            format!("preset:{} ({})", self.style.name, self.overrides.join(", "))
        }
    }
}

const MIN_TEMPO_BPM: f64 = 40.0;
const MAX_TEMPO_BPM: f64 = 240.0;

/// Picks the style for a description.
pub fn choose(description: &str) -> Choice {
    let words = normalise(description);
    let mut warnings = Vec::new();
    let mut all = presets();
    let neutral = all
        .pop()
        .expect("the preset list ends with the neutral preset");
    let mut best: Option<(u32, Style)> = None;
    for style in all {
        let score = KEYWORDS
            .iter()
            .find(|(name, _)| *name == style.name)
            .map_or(0, |(_, words_weights)| {
                words_weights
                    .iter()
                    .filter(|(w, _)| words.contains(&format!(" {w} ")))
                    .map(|(_, weight)| weight)
                    .sum()
            });
        if score > 0 && best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, style));
        }
    }
    let mut style = match best {
        Some((_, style)) => style,
        None => {
            if description.trim().is_empty() {
                warnings.push("empty music description: used the neutral preset".to_string());
            } else {
                warnings.push(format!(
                    "no style word found in music description {description:?}: used the neutral preset"
                ));
            }
            neutral
        }
    };

    let mut overrides = Vec::new();
    let tokens = tokens(description);
    if has_phrase(
        &words,
        &["solo piano", "piano solo", "piano only", "just piano"],
    ) {
        style.chord_program = PIANO;
        if matches!(style.comp, Comp::Power | Comp::Pulse8 | Comp::Block) {
            style.comp = Comp::Arpeggio;
        }
        style.pad_program = None;
        style.bass = Some((PIANO, BassLine::Held));
        style.melody_program = Some(PIANO);
        style.drums = None;
        overrides.push("solo piano".to_string());
    }
    if let Some(bpm) = tempo_override(&tokens) {
        let clamped = bpm.clamp(MIN_TEMPO_BPM, MAX_TEMPO_BPM);
        if clamped != bpm {
            warnings.push(format!(
                "tempo {bpm} bpm is out of range: used {clamped} bpm"
            ));
        }
        style.tempo_bpm = clamped;
        overrides.push(format!("{clamped} bpm"));
    }
    if let Some(key) = key_override(&tokens) {
        style.key = key;
        overrides.push(key.to_string());
    }
    if style.drums.is_some()
        && has_phrase(
            &words,
            &[
                "no drums",
                "without drums",
                "drumless",
                "no percussion",
                "no beat",
            ],
        )
    {
        style.drums = None;
        overrides.push("no drums".to_string());
    }
    Choice {
        style,
        overrides,
        warnings,
    }
}

/// Lower case, letters and digits only, single spaces, padded with a space at both ends so
/// that `contains(" word ")` matches whole words and phrases.
fn normalise(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if c == '\'' {
            // "children's" → "childrens"
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

fn has_phrase(words: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| words.contains(&format!(" {p} ")))
}

/// Lower-case tokens split at white space and punctuation, keeping `#` (for "F#").
fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '#' || c == '.'))
        .map(|t| t.trim_matches('.').to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// "120 bpm", "120bpm".
fn tempo_override(tokens: &[String]) -> Option<f64> {
    for (i, t) in tokens.iter().enumerate() {
        if let Some(number) = t.strip_suffix("bpm")
            && !number.is_empty()
            && let Ok(bpm) = number.parse::<f64>()
        {
            return Some(bpm);
        }
        if t == "bpm"
            && i > 0
            && let Ok(bpm) = tokens[i - 1].parse::<f64>()
        {
            return Some(bpm);
        }
    }
    None
}

/// "in D minor", "in F# major", "key of Bb minor", "in C sharp minor".
fn key_override(tokens: &[String]) -> Option<Key> {
    for i in 1..tokens.len() {
        if tokens[i - 1] != "in" && tokens[i - 1] != "of" {
            continue;
        }
        let Some(mut pc) = note_pc(&tokens[i]) else {
            continue;
        };
        let mut j = i + 1;
        match tokens.get(j).map(String::as_str) {
            Some("sharp") => {
                pc += 1;
                j += 1;
            }
            Some("flat") => {
                pc += 11;
                j += 1;
            }
            _ => {}
        }
        let mode = match tokens.get(j).map(String::as_str) {
            Some("major" | "maj") => Mode::Major,
            Some("minor" | "min") => Mode::Minor,
            _ => continue,
        };
        return Some(Key {
            tonic_pc: (pc % 12) as u8,
            mode,
        });
    }
    None
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_pick_presets() {
        assert_eq!(choose("Upbeat news theme, brass").style.name, "news-theme");
        assert_eq!(choose("a tense thriller underscore").style.name, "suspense");
        assert_eq!(choose("lo-fi hip hop beat to study to").style.name, "lofi");
        assert_eq!(choose("children's song, playful").style.name, "happy");
        assert_eq!(choose("calm ambient pad").style.name, "ambient");
        assert_eq!(choose("sad piano").style.name, "sad-piano");
        assert_eq!(
            choose("Epic orchestral drama").style.name,
            "orchestral-drama"
        );
    }

    #[test]
    fn overrides_apply_and_are_named() {
        let c = choose("lofi in D minor, 92 bpm, no drums");
        assert_eq!(c.style.tempo_bpm, 92.0);
        assert_eq!(
            c.style.key,
            Key {
                tonic_pc: 2,
                mode: Mode::Minor
            }
        );
        assert_eq!(c.style.drums, None);
        assert_eq!(c.source(), "preset:lofi (92 bpm, D minor, no drums)");
        let c = choose("rock in F# major, solo piano");
        assert_eq!(c.style.key.tonic_pc, 6);
        assert_eq!(c.style.melody_program, Some(PIANO));
        assert_eq!(c.style.drums, None);
        let c = choose("jazz in Bb minor 140bpm");
        assert_eq!(c.style.key.tonic_pc, 10);
        assert_eq!(c.style.tempo_bpm, 140.0);
    }

    #[test]
    fn empty_or_unknown_description_warns() {
        let c = choose("  ");
        assert_eq!(c.style.name, "neutral");
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.source(), "preset:neutral");
        assert_eq!(choose("zzz").warnings.len(), 1);
        assert!(choose("jazz").warnings.is_empty());
    }
}
