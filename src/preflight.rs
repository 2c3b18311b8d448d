//! The checks run before any row is generated, by `validate`, `render`, `timeline` and `say`
//! alike: whatever a render would refuse after minutes of work is refused at once, naming the
//! row, the field, the line and column and the fix.
//!
//! Parsing ([`crate::script::parse_script`]) checks a script on its own; this module checks
//! it against the world: the voices installed (Piper voices, espeak-ng's languages), the
//! `library:` folders, what a voice can say, and the files a render will write. It also
//! warns of what would render but sound wrong: a line in another language than its voice's,
//! a row of many minutes of speech.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::io_reason;
use crate::generate::speech::{Speaker, SpeakerError, Speech, character_voices};
use crate::script::value::{Node, Pos, Value, parse_yaml};
use crate::script::{Row, RowType, Script, SpeechEngine, ValidationError, ValidationErrors, Voice};
use crate::text::language::{detect, language_name, other_language};
use crate::text::{MAX_SENTENCE_CHARS, normalize, split_sentences};
use crate::{Error, Result};

/// Speaking rate for the length estimate, words per second at speed 1: measured, the
/// default Piper voice (`en_US-joe-medium`) reads an 87-word news paragraph in 27.0 s
/// (3.2 words/s) and espeak-ng at its default 165 words a minute in 28.0 s (3.1 words/s);
/// slower voices and narration (2.5-2.7 words/s) make 3 a fair middle.
pub const WORDS_PER_S: f64 = 3.0;
/// A speech row longer than this (estimated) gets a warning: it is generated as one piece,
/// with no progress, cache or edit of its parts.
pub const LONG_ROW_S: f64 = 90.0;

/// Something that will render but may not be what the user wants. Printed as `warning: …`;
/// never changes the exit code.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The row it is about (1-based), if any.
    pub row: Option<usize>,
    /// The line in the script, 0 when unknown (or for `onair say`).
    pub line: u32,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, self.line) {
            (Some(row), 0) => write!(f, "row {row}: {}", self.message),
            (Some(row), line) => write!(f, "row {row} (line {line}): {}", self.message),
            (None, 0) => f.write_str(&self.message),
            (None, line) => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// How messages name what to change: the script's fields, or for `onair say` (whose script
/// the user never sees) the command's flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    Script,
    Flags,
}

/// What the checks of a script need to know besides the script.
pub struct Preflight<'a> {
    pub speech: &'a Speech,
    /// The script's text, to place each problem at its field. Without it, a row's problems
    /// are placed at the row.
    pub text: Option<&'a str>,
    /// The folder that the script's relative paths (`library:`) start from.
    pub base_dir: &'a Path,
    pub wording: Wording,
}

/// A character's voice, checked once for all their rows.
struct Cast {
    voice: Voice,
    speaker: Option<Speaker>,
}

impl Preflight<'_> {
    /// Checks `script`: `Err(Error::Invalid)` with every problem a render would hit, or the
    /// warnings. An engine that cannot be asked (espeak-ng missing) is a warning here; the
    /// render itself says what is missing.
    pub fn check(&self, script: &Script) -> Result<Vec<Warning>> {
        let places = Places::new(self.text);
        let mut errors = Vec::new();
        let mut warnings = Vec::new();

        for lib in &script.libraries {
            let dir = self.base_dir.join(&lib.path);
            if !dir.is_dir() {
                errors.push(ValidationError {
                    row: None,
                    field: Some("library".into()),
                    line: lib.line,
                    column: lib.column,
                    message: format!(
                        "sound library folder \"{}\" does not exist (looked for {}); fix the path, relative to the script's folder",
                        lib.path,
                        dir.display()
                    ),
                });
            }
        }

        let mut cast: BTreeMap<String, Cast> = BTreeMap::new();
        for (character, voice) in character_voices(script) {
            let speaker = match self.speech.speaker(&voice) {
                Ok(s) => Some(s),
                Err(SpeakerError::Invalid { field, message }) => {
                    let pos = places.voice(&character, field);
                    errors.push(ValidationError {
                        row: None,
                        field: Some(self.voice_field(&character, field)),
                        line: pos.line,
                        column: pos.column,
                        message,
                    });
                    None
                }
                Err(SpeakerError::Failed(e)) => {
                    warnings.push(Warning {
                        row: None,
                        line: 0,
                        message: format!("could not check the voice of {character}: {e}"),
                    });
                    None
                }
            };
            cast.insert(character, Cast { voice, speaker });
        }

        // Lines in another language, by character and language, so a character whose every
        // line is French gets one warning rather than one per row.
        let mut foreign: BTreeMap<(&str, &str), Vec<&Row>> = BTreeMap::new();
        for row in script.rows.iter().filter(|r| r.row_type == RowType::Speech) {
            let Some(character) = row.character.as_deref() else {
                continue;
            };
            let Some(Cast {
                voice,
                speaker: Some(speaker),
            }) = cast.get(character)
            else {
                continue;
            };
            if let Some(message) = self.unsayable(row, character, speaker) {
                let field = places.words_field(row);
                let pos = places.row_field(row, field);
                errors.push(ValidationError {
                    row: Some(row.index),
                    field: Some(self.words_name(field).into()),
                    line: pos.line,
                    column: pos.column,
                    message,
                });
                continue;
            }
            if let Some((code, _)) = other_language(&row.description, &speaker.language) {
                foreign.entry((character, code)).or_default().push(row);
            }
            if let Some(w) = self.long_row(row, voice) {
                warnings.push(w);
            }
        }
        for ((character, code), rows) in foreign {
            let speaker = cast[character].speaker.as_ref().expect("checked speakers");
            let lines = script
                .rows
                .iter()
                .filter(|r| r.character.as_deref() == Some(character))
                .count();
            let all = rows.len() == lines;
            warnings.push(self.language_warning(character, speaker, code, &rows, all));
        }

        if errors.is_empty() {
            warnings.sort_by_key(|w| (w.row.is_none(), w.row, w.line));
            Ok(warnings)
        } else {
            errors.sort_by_key(|e| (e.line == 0, e.line, e.column));
            Err(Error::Invalid(ValidationErrors(errors)))
        }
    }

    /// `voices.Host.voice`, or for `say` the flag (`--voice`).
    fn voice_field(&self, character: &str, field: &str) -> String {
        match self.wording {
            Wording::Script => format!("voices.{character}.{field}"),
            Wording::Flags => format!("--{field}"),
        }
    }

    fn words_name(&self, field: &'static str) -> &'static str {
        match self.wording {
            Wording::Script => field,
            Wording::Flags => "the text",
        }
    }

    /// How to give `character` the voice `name`, in the user's terms.
    fn give_voice(&self, character: &str, name: &str) -> String {
        match self.wording {
            Wording::Script => format!("`voices: {{{character}: {{voice: {name}}}}}`"),
            Wording::Flags => format!("`--voice {name}`"),
        }
    }

    /// Who says what: "Host's voice" or "the voice".
    fn whose(&self, character: &str) -> String {
        match self.wording {
            Wording::Script => format!("{character}'s voice"),
            Wording::Flags => "the voice".into(),
        }
    }

    /// Voices that speak `code`: installed neural voices of the language, else espeak-ng's.
    fn voices_for(&self, code: &str) -> Vec<String> {
        let neural: Vec<String> = self
            .speech
            .neural_voices()
            .into_iter()
            .filter(|v| v.language.split('_').next() == Some(code))
            .map(|v| v.name)
            .collect();
        if !neural.is_empty() {
            return neural;
        }
        let espeak = Voice {
            voice: Some(code.to_owned()),
            engine: Some(SpeechEngine::Espeak),
            ..Voice::default()
        };
        self.speech
            .espeak()
            .resolve(&espeak)
            .ok()
            .map(|_| vec![code.to_owned()])
            .unwrap_or_default()
    }

    /// The fix for `character`'s lines in language `code`: a voice that speaks it, or how to
    /// get one.
    fn voice_fix(&self, character: &str, code: &str) -> String {
        let name = language_name(code).unwrap_or(code);
        let give = match self.wording {
            Wording::Script => format!("give {character}"),
            Wording::Flags => "use".into(),
        };
        let piper_installed = self
            .speech
            .neural_voices()
            .iter()
            .any(|v| v.language.split('_').next() == Some(code));
        match self.voices_for(code).first() {
            Some(voice) if piper_installed => format!(
                "{give} the {name} voice: {}",
                self.give_voice(character, voice)
            ),
            Some(voice) => format!(
                "{give} espeak-ng's {name} voice: {} (robotic), or add a {name} Piper voice \
                 (`{code}_…`) to {} for a natural one",
                self.give_voice(character, voice),
                self.speech.piper().voices_dir().display()
            ),
            None => format!(
                "add a {name} Piper voice (`{code}_…`) to {}; `onair voices` lists the voices",
                self.speech.piper().voices_dir().display()
            ),
        }
    }

    /// Why the row's words give its voice nothing to say, if they do not: a Piper voice
    /// reads Latin letters and digits only and drops the rest, and a row of nothing else
    /// would fail as it is generated.
    fn unsayable(&self, row: &Row, character: &str, speaker: &Speaker) -> Option<String> {
        if !matches!(speaker.engine, SpeechEngine::Piper | SpeechEngine::Hibari) {
            return None;
        }
        let normalized = normalize(&row.description);
        let sayable = normalized.text.chars().any(char::is_alphanumeric)
            && !split_sentences(&normalized.text, MAX_SENTENCE_CHARS).is_empty();
        if sayable {
            return None;
        }
        let whose = match self.wording {
            Wording::Script => format!("{character}'s voice `{}`", speaker.voice),
            Wording::Flags => format!("the voice `{}`", speaker.voice),
        };
        Some(match detect(&row.description) {
            Some((code, name)) if code != speaker.language => format!(
                "{whose} reads Latin letters and has nothing to say in this {name} text; {}, or write the words in Latin letters",
                self.voice_fix(character, code)
            ),
            _ => {
                let skipped: String = normalized.skipped.iter().collect();
                format!(
                    "{whose} has nothing to say here: it reads letters and digits, and drops {skipped:?}; write the words to speak"
                )
            }
        })
    }

    /// A warning for a speech row of more than [`LONG_ROW_S`] of estimated speech.
    fn long_row(&self, row: &Row, voice: &Voice) -> Option<Warning> {
        let words = row
            .description
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count();
        let estimate_s = words as f64 / WORDS_PER_S / voice.speed.unwrap_or(1.0);
        if estimate_s <= LONG_ROW_S {
            return None;
        }
        let length = if estimate_s >= 120.0 {
            format!("{:.0} minutes", estimate_s / 60.0)
        } else {
            format!("{estimate_s:.0} s")
        };
        let fix = match self.wording {
            Wording::Script => {
                "split it into several speech rows of a paragraph or so (under about 90 s each): each row is generated as one piece, so a long one shows no progress and is cached and re-rendered whole"
            }
            Wording::Flags => {
                "a long text is generated as one piece; put it in a script as several speech rows of a paragraph or so (`onair render`), to see progress and re-render parts"
            }
        };
        Some(Warning {
            row: (self.wording == Wording::Script).then_some(row.index),
            line: if self.wording == Wording::Script {
                row.line
            } else {
                0
            },
            message: format!(
                "{words} words, about {length} of speech at {WORDS_PER_S} words a second; {fix}"
            ),
        })
    }

    fn language_warning(
        &self,
        character: &str,
        speaker: &Speaker,
        code: &str,
        rows: &[&Row],
        all_lines: bool,
    ) -> Warning {
        let name = language_name(code).unwrap_or(code);
        let voice_language = language_name(&speaker.language)
            .map_or_else(|| format!("`{}`", speaker.language), str::to_owned);
        let which = match rows.len() {
            1 => "this line looks".to_owned(),
            n => {
                let shown: Vec<String> = rows[1..]
                    .iter()
                    .take(5)
                    .map(|r| r.index.to_string())
                    .collect();
                let more = if n - 1 > shown.len() { ", …" } else { "" };
                format!(
                    "this line and {} more of {character}'s (row{} {}{more}) look",
                    n - 1,
                    if n > 2 { "s" } else { "" },
                    shown.join(", ")
                )
            }
        };
        let which = if self.wording == Wording::Flags {
            "the text looks".to_owned()
        } else {
            which
        };
        Warning {
            row: (self.wording == Wording::Script).then_some(rows[0].index),
            line: if self.wording == Wording::Script {
                rows[0].line
            } else {
                0
            },
            message: format!(
                "{which} {name}, and {} `{}` speaks {voice_language}, so it will be read with {voice_language} sounds; {}",
                self.whose(character),
                speaker.voice,
                if all_lines || self.wording == Wording::Flags {
                    self.voice_fix(character, code)
                } else {
                    // Another voice for the character would change their other lines too.
                    let other = format!("{character}-{code}");
                    format!(
                        "speak these lines as another character, `character: {other}`, and {}",
                        self.voice_fix(&other, code)
                    )
                }
            ),
        }
    }
}

/// Where fields stand in the script's text, for messages about them.
struct Places {
    root: Option<Node>,
}

impl Places {
    fn new(text: Option<&str>) -> Places {
        Places {
            root: text.and_then(|t| parse_yaml(t).ok()),
        }
    }

    fn get<'n>(node: &'n Node, key: &str) -> Option<(Pos, &'n Node)> {
        match &node.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, pos, node)| (*pos, node)),
            _ => None,
        }
    }

    /// A character's voice field (`voices.Host.voice`): the key, or the entry when it is
    /// short (`Host: en-us`) or lacks the field.
    fn voice(&self, character: &str, field: &str) -> Pos {
        let Some(root) = &self.root else {
            return Pos::default();
        };
        let Some((_, voices)) = Self::get(root, "voices") else {
            return Pos::default();
        };
        match Self::get(voices, character) {
            Some((key, entry)) => Self::get(entry, field).map_or(key, |(pos, _)| pos),
            None => voices.pos,
        }
    }

    fn row_node(&self, row: &Row) -> Option<&Node> {
        let (_, rows) = Self::get(self.root.as_ref()?, "rows")?;
        match &rows.value {
            Value::List(items) => items.get(row.index - 1),
            _ => None,
        }
    }

    /// The key the row's words are under: `text` or `description`.
    fn words_field(&self, row: &Row) -> &'static str {
        match self.row_node(row) {
            Some(node) if Self::get(node, "text").is_some() => "text",
            _ => "description",
        }
    }

    /// A row's field (its key), else the row.
    fn row_field(&self, row: &Row, field: &str) -> Pos {
        self.row_node(row)
            .and_then(|node| Self::get(node, field))
            .map_or(
                Pos {
                    line: row.line,
                    column: row.column,
                },
                |(pos, _)| pos,
            )
    }
}

/// What a command will write, and whether it is a file or a folder of files.
#[derive(Clone, Copy, Debug)]
pub enum Output<'a> {
    File(&'a str, &'a Path),
    Folder(&'a str, &'a Path),
}

/// Checks that every output can be written, before the work that fills them: a file's path
/// is not a folder, its folder exists (it is made) and a file can be created there; a
/// folder output is a folder (made) where files can be created; no two outputs are one file.
/// Each problem is [`Error::BadInput`] naming the flag, the path and the fix.
pub fn check_outputs(outputs: &[Output<'_>]) -> Result<()> {
    let mut seen: Vec<(&str, PathBuf)> = Vec::new();
    for output in outputs {
        let (flag, path, dir) = match *output {
            Output::File(flag, path) => {
                if path.is_dir() {
                    return Err(Error::BadInput(format!(
                        "{flag} {}: that is a folder; name a file (e.g. {})",
                        path.display(),
                        path.join(example_name(flag)).display()
                    )));
                }
                let dir = match path.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                (flag, path, dir)
            }
            Output::Folder(flag, path) => (flag, path, path),
        };
        make_folder(flag, path, dir)?;
        crate::fsutil::temp_beside(dir, "").map_err(|e| {
            Error::BadInput(format!(
                "{flag} {}: cannot write in the folder {} ({}); choose a folder you can write to",
                path.display(),
                dir.display(),
                io_reason(&e)
            ))
        })?;
        if let Output::File(..) = output {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
            if let Some((other, _)) = seen.iter().find(|(_, p)| *p == absolute) {
                return Err(Error::BadInput(format!(
                    "{other} and {flag} both name {}; give each output its own file",
                    path.display()
                )));
            }
            seen.push((flag, absolute));
        }
    }
    Ok(())
}

/// A file name for the example in a message.
fn example_name(flag: &str) -> &'static str {
    match flag {
        "--report" => "report.json",
        "--srt" => "subtitles.srt",
        "--vtt" => "subtitles.vtt",
        "--labels" => "labels.txt",
        _ => "out.wav",
    }
}

/// Makes `dir` (the folder of output `path`), or says which part of it is in the way.
fn make_folder(flag: &str, path: &Path, dir: &Path) -> Result<()> {
    if let Some(file) = dir.ancestors().find(|a| a.is_file()) {
        return Err(Error::BadInput(format!(
            "{flag} {}: {} is a file, not a folder; choose another place",
            path.display(),
            file.display()
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::BadInput(format!(
            "{flag} {}: cannot create the folder {} ({}); choose another place",
            path.display(),
            dir.display(),
            io_reason(&e)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_rows_are_estimated_from_their_words() {
        use crate::generate::speech::{Espeak, Hibari, Piper};
        let speech = Speech::new(
            Piper::new("/nonexistent"),
            Hibari::new("/nonexistent"),
            Espeak::default(),
        );
        let check = Preflight {
            speech: &speech,
            text: None,
            base_dir: Path::new("."),
            wording: Wording::Script,
        };
        let row = |words: usize| {
            let text = vec!["word"; words].join(" ");
            crate::script::parse_script(&format!(
                "rows:\n  - {{type: speech, character: A, text: {text}}}\n"
            ))
            .unwrap()
            .rows[0]
                .clone()
        };
        let voice = Voice::default();
        assert_eq!(check.long_row(&row(200), &voice), None);
        let w = check
            .long_row(&row(5000), &voice)
            .expect("5000 words is long");
        assert!(w.message.contains("28 minutes"), "{w}");
        assert!(
            w.to_string().starts_with("row 1 (line 2): 5000 words"),
            "{w}"
        );
        let fast = Voice {
            speed: Some(2.0),
            ..Voice::default()
        };
        assert!(check.long_row(&row(300), &voice).is_some());
        assert_eq!(check.long_row(&row(300), &fast), None);
        assert_eq!(check.long_row(&row(270), &voice), None);
    }

    #[test]
    fn outputs_that_cannot_be_written_are_refused_naming_the_flag() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, "").unwrap();
        let in_file = blocker.join("out.wav");
        let e = check_outputs(&[Output::File("-o", &in_file)]).unwrap_err();
        assert!(matches!(e, Error::BadInput(_)));
        assert!(e.to_string().contains("is a file, not a folder"), "{e}");
        let e = check_outputs(&[Output::File("--report", dir.path())]).unwrap_err();
        assert!(e.to_string().contains("that is a folder"), "{e}");
        let e = check_outputs(&[Output::Folder("--stems", &blocker)]).unwrap_err();
        assert!(e.to_string().starts_with("--stems "), "{e}");
        let out = dir.path().join("new/out.wav");
        check_outputs(&[
            Output::File("-o", &out),
            Output::Folder("--midi", &dir.path().join("midi")),
        ])
        .unwrap();
        assert!(dir.path().join("new").is_dir() && !out.exists());
        let e =
            check_outputs(&[Output::File("-o", &out), Output::File("--report", &out)]).unwrap_err();
        assert!(e.to_string().contains("-o and --report both name"), "{e}");
    }
}
