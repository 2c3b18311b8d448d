//! Phonemes for Piper voices: espeak-ng IPA with clause punctuation, and phoneme ids.
//!
//! Piper voices were trained on the output of espeak-ng's library (`TextToPhonemes` in IPA
//! mode, no tie or separator characters) with each clause's punctuation put back after its
//! phonemes: `,` `;` `:` followed by a space, `.` `!` `?` ending the sentence. Every code
//! point is one phoneme (after canonical decomposition), and a sentence becomes
//! `^ _ (phoneme _)* $` in ids.
//!
//! espeak-ng is GPL, so it runs as a separate process (`espeak-ng -q --ipa -v VOICE`, text on
//! stdin); its command line prints one line of IPA per clause and drops the punctuation, so the
//! clauses are cut here, one per input line, and the punctuation is restored from our side.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::{Error, Result};

/// The engine name used in errors.
const ENGINE: &str = "speech/piper";

/// Punctuation that ends a clause and is kept as a phoneme, as Piper does.
const CLAUSE_PUNCTUATION: &[char] = &[',', ';', ':', '.', '!', '?'];

/// Sentences longer than this (in characters) are cut at clause punctuation, so one
/// synthesis call stays short. Default for [`split_sentences`].
pub const MAX_SENTENCE_CHARS: usize = 300;

/// A voice's `phoneme_id_map`, as read from its `.onnx.json`: one symbol (a single code point)
/// to its ids.
pub type PhonemeIdMap = HashMap<String, Vec<i64>>;

/// Runs espeak-ng to turn sentences into Piper phoneme strings.
#[derive(Debug, Clone)]
pub struct Phonemizer {
    program: PathBuf,
    voice: String,
    data_dir: Option<PathBuf>,
}

impl Phonemizer {
    /// A phonemizer for an espeak-ng voice (the `espeak.voice` of a Piper config, e.g.
    /// `en-us`), using `espeak-ng` from `PATH`.
    ///
    /// Fails with [`Error::MissingAsset`] when espeak-ng is not installed.
    pub fn new(voice: impl Into<String>) -> Result<Self> {
        let program = find_in_path("espeak-ng").ok_or_else(missing_espeak)?;
        Ok(Self::with_program(program, voice))
    }

    /// A phonemizer running the given espeak-ng executable.
    pub fn with_program(program: impl Into<PathBuf>, voice: impl Into<String>) -> Self {
        Self {
            program: program.into(),
            voice: voice.into(),
            data_dir: None,
        }
    }

    /// Reads espeak-ng's data (dictionaries, phoneme tables) from `dir`, the folder that
    /// holds `espeak-ng-data/`, instead of the installed data. Piper voices were trained on
    /// a newer espeak-ng than some distributions ship (Debian 12 has 1.51, which reads "more"
    /// as `mˈoːɹ` where Piper's data gives `mˈɔːɹ`); pointing this at newer data closes most
    /// of that gap. Default: the data installed with espeak-ng.
    pub fn with_data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// The espeak-ng voice.
    pub fn voice(&self) -> &str {
        &self.voice
    }

    /// Phonemes for each sentence (see [`split_sentences`]), in one espeak-ng process.
    ///
    /// Each result is what Piper feeds its model for that sentence: IPA with stress marks,
    /// words separated by spaces, clause punctuation kept. Fails when a sentence has no
    /// words to say, or when espeak-ng cannot be run.
    pub fn phonemize(&self, sentences: &[impl AsRef<str>]) -> Result<Vec<String>> {
        let clauses_per_sentence: Vec<Vec<Clause>> = sentences
            .iter()
            .map(|s| {
                let clauses = clauses(s.as_ref());
                if clauses.is_empty() {
                    Err(Error::engine(
                        ENGINE,
                        format!(
                            "nothing to say in {:?}: the text has no words, only punctuation \
                             or symbols",
                            s.as_ref()
                        ),
                    ))
                } else {
                    Ok(clauses)
                }
            })
            .collect::<Result<_>>()?;
        let all: Vec<&str> = clauses_per_sentence
            .iter()
            .flatten()
            .map(|c| c.text.as_str())
            .collect();
        if all.is_empty() {
            return Ok(Vec::new());
        }

        let mut lines = self.run(&all.join("\n"))?;
        if lines.len() != all.len() {
            // espeak-ng cut a clause of ours in two (it ends clauses at some characters we do
            // not); run each clause on its own so every line is accounted for.
            lines = all
                .iter()
                .map(|clause| Ok(self.run(clause)?.join(" ")))
                .collect::<Result<_>>()?;
        }

        let mut lines = lines.into_iter();
        Ok(clauses_per_sentence
            .iter()
            .map(|clauses| {
                let mut out = String::new();
                for (k, clause) in clauses.iter().enumerate() {
                    let ipa = lines.next().unwrap_or_default();
                    if k > 0 && !out.ends_with(' ') {
                        out.push(' ');
                    }
                    out.push_str(&ipa);
                    if let Some(p) = clause.punctuation {
                        out.push(p);
                        if matches!(p, ',' | ';' | ':') {
                            out.push(' ');
                        }
                    }
                }
                out
            })
            .collect())
    }

    /// Runs espeak-ng on `text` (one clause per line) and returns one line of IPA per clause,
    /// with espeak-ng's language-switch markers such as `(fr)` removed.
    fn run(&self, text: &str) -> Result<Vec<String>> {
        let mut command = Command::new(&self.program);
        if let Some(dir) = &self.data_dir {
            command.arg(format!("--path={}", dir.display()));
        }
        let mut child = command
            .args(["-q", "--ipa", "-v", &self.voice])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => missing_espeak(),
                _ => Error::engine(
                    ENGINE,
                    format!("cannot run {}: {e}", self.program.display()),
                ),
            })?;
        // Write from another thread so a large input cannot deadlock against a full stdout.
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let input = format!("{text}\n");
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child
            .wait_with_output()
            .map_err(|e| Error::engine(ENGINE, format!("espeak-ng failed: {e}")))?;
        let written = writer.join().expect("writer thread does not panic");
        if !output.status.success() {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "espeak-ng -v {} failed ({}): {}",
                    self.voice,
                    output.status,
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            ));
        }
        written.map_err(|e| Error::engine(ENGINE, format!("writing to espeak-ng: {e}")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        Ok(stdout
            .lines()
            .map(|l| decompose(&strip_language_flags(l.trim())))
            .filter(|l| !l.is_empty())
            .collect())
    }
}

fn missing_espeak() -> Error {
    Error::MissingAsset {
        what: "espeak-ng (phonemizer for Piper voices)".into(),
        path: PathBuf::from("espeak-ng"),
        hint: "run scripts/setup".into(),
    }
}

fn find_in_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    })
}

/// `(en)` / `(fr)` markers that espeak-ng puts around words it reads in another language.
fn strip_language_flags(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('(') {
        out.push_str(&rest[..start]);
        match rest[start..].find(')') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Canonical decomposition of the few precomposed letters espeak-ng may print, as Piper
/// applies NFD before looking up ids (a base letter and a combining mark are two phonemes).
fn decompose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let (base, mark) = match c {
            'ç' => ('c', '\u{0327}'),
            'ã' => ('a', '\u{0303}'),
            'ẽ' => ('e', '\u{0303}'),
            'ĩ' => ('i', '\u{0303}'),
            'õ' => ('o', '\u{0303}'),
            'ũ' => ('u', '\u{0303}'),
            'ñ' => ('n', '\u{0303}'),
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push(base);
        out.push(mark);
    }
    out
}

/// A clause: its words, and the punctuation that ended it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clause {
    text: String,
    punctuation: Option<char>,
}

/// Cuts a sentence into clauses at clause punctuation followed by a space or the end (so
/// "3.5" and "1,000" stay whole). A run like "?!" or "..." counts once: an ellipsis is a
/// comma inside a sentence and a full stop at its end. Clauses without a letter or digit are
/// dropped (their punctuation goes to the clause before).
fn clauses(sentence: &str) -> Vec<Clause> {
    let chars: Vec<char> = sentence.chars().collect();
    let mut out: Vec<Clause> = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    let is_closer = |c: char| matches!(c, '"' | '\'' | ')' | ']');
    while i < chars.len() {
        let c = chars[i];
        if CLAUSE_PUNCTUATION.contains(&c) {
            let mut j = i;
            while j < chars.len() && (CLAUSE_PUNCTUATION.contains(&chars[j]) || is_closer(chars[j]))
            {
                j += 1;
            }
            let at_boundary = j == chars.len() || chars[j].is_whitespace();
            if at_boundary {
                let run: String = chars[i..j].iter().filter(|c| !is_closer(**c)).collect();
                let mut p = run.chars().next().unwrap_or('.');
                if run.starts_with("..") {
                    p = if j == chars.len() { '.' } else { ',' };
                } else if run.contains('?') {
                    p = '?';
                }
                push_clause(&mut out, &text, Some(p));
                text.clear();
                i = j;
                continue;
            }
        }
        text.push(c);
        i += 1;
    }
    push_clause(&mut out, &text, None);
    out
}

fn push_clause(out: &mut Vec<Clause>, text: &str, punctuation: Option<char>) {
    // Brackets and quotes are not spoken; espeak-ng ignores them too, but removing them keeps
    // its clause count equal to ours.
    let words: String = text
        .chars()
        .map(|c| {
            if matches!(c, '"' | '(' | ')' | '[' | ']') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().any(char::is_alphanumeric) {
        out.push(Clause {
            text: words,
            punctuation,
        });
    } else if let (Some(last), Some(p)) = (out.last_mut(), punctuation)
        && last.punctuation.is_none()
    {
        last.punctuation = Some(p);
    }
}

/// Cuts text into sentences, each synthesised on its own as Piper does.
///
/// A sentence ends at `.`, `!` or `?` (with any closing quotes) followed by a space and a
/// capital letter, digit or quote, or at the end of the text. A full stop after a single
/// letter or a common abbreviation does not end a sentence (normalisation has usually
/// spelled those out already). Sentences longer than `max_chars` are cut at the last clause
/// punctuation (or space) that fits. Pieces without words are joined to the sentence before.
pub fn split_sentences(text: &str, max_chars: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut sentences: Vec<String> = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i], '.' | '!' | '?') {
            let mut j = i;
            while j < chars.len() && matches!(chars[j], '.' | '!' | '?' | '"' | '\'' | ')' | ']') {
                j += 1;
            }
            let next = chars[j..].iter().find(|c| !c.is_whitespace());
            let spaced = j == chars.len() || chars[j].is_whitespace();
            let next_starts = next.is_none_or(|&c| {
                c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '\'' | '(' | '[')
            });
            let word_before: String = chars[start..i]
                .iter()
                .rev()
                .take_while(|c| c.is_alphanumeric() || **c == '.')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let abbreviation = chars[i] == '.' && j == i + 1 && is_abbreviation(&word_before);
            if spaced && next_starts && !abbreviation {
                push_sentence(&mut sentences, chars[start..j].iter().collect());
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push_sentence(&mut sentences, chars[start..].iter().collect());
    sentences
        .into_iter()
        .flat_map(|s| bound_length(&s, max_chars.max(20)))
        .collect()
}

fn is_abbreviation(word: &str) -> bool {
    const ABBREVIATIONS: &[&str] = &[
        "Dr", "Mr", "Mrs", "Ms", "St", "Prof", "Jr", "Sr", "Mt", "vs", "etc", "e.g", "i.e", "No",
        "Gen", "Capt", "Rev",
    ];
    (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&word)
}

fn push_sentence(sentences: &mut Vec<String>, sentence: String) {
    let sentence = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.is_empty() {
        return;
    }
    match sentences.last_mut() {
        Some(last) if !sentence.chars().any(char::is_alphanumeric) => last.push_str(&sentence),
        _ => sentences.push(sentence),
    }
}

/// Cuts a long sentence at clause punctuation, or failing that at spaces, into pieces of at
/// most `max_chars` characters (a single longer word stays whole).
fn bound_length(sentence: &str, max_chars: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = sentence.trim();
    while rest.chars().count() > max_chars {
        let limit = rest
            .char_indices()
            .nth(max_chars)
            .map_or(rest.len(), |(b, _)| b);
        let head = &rest[..limit];
        let cut = head
            .rfind([',', ';', ':'])
            .filter(|&b| b > limit / 3)
            .map(|b| b + 1)
            .or_else(|| head.rfind(' '))
            .or_else(|| rest[limit..].find(' ').map(|b| b + limit))
            .unwrap_or(rest.len());
        pieces.push(rest[..cut].trim().to_string());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        pieces.push(rest.to_string());
    }
    pieces
}

/// Phoneme ids for one sentence, and the symbols that were dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhonemeIds {
    /// `^ _ (id _)* $`: the voice's model input for one sentence.
    pub ids: Vec<i64>,
    /// Symbols not in the voice's map, each once, in order of appearance; they were dropped.
    /// Callers should show them as a warning.
    pub missing: Vec<char>,
}

/// Turns a phoneme string into model ids as Piper does: begin `^`, pad `_`, then each
/// phoneme (code point) followed by the pad, then end `$`. Symbols missing from `map` are
/// dropped and listed. Fails when the map lacks `^`, `_` or `$`.
pub fn to_ids(phonemes: &str, map: &PhonemeIdMap) -> Result<PhonemeIds> {
    let special = |symbol: &str| {
        map.get(symbol).ok_or_else(|| {
            Error::engine(
                ENGINE,
                format!("the voice's phoneme_id_map has no {symbol:?} symbol"),
            )
        })
    };
    let (bos, pad, eos) = (special("^")?, special("_")?, special("$")?);
    let mut ids = Vec::with_capacity(2 * phonemes.len() + 3);
    let mut missing = Vec::new();
    ids.extend(bos);
    ids.extend(pad);
    let mut buf = [0u8; 4];
    for c in phonemes.chars() {
        match map.get(c.encode_utf8(&mut buf) as &str) {
            Some(id) => {
                ids.extend(id);
                ids.extend(pad);
            }
            None if !missing.contains(&c) => missing.push(c),
            None => {}
        }
    }
    ids.extend(eos);
    Ok(PhonemeIds { ids, missing })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn espeak() -> Option<Phonemizer> {
        match Phonemizer::new("en-us") {
            Ok(p) => Some(p),
            Err(e) => {
                eprintln!("note: skipping espeak-ng test: {e}");
                None
            }
        }
    }

    fn joe_map() -> PhonemeIdMap {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models/voices/en_US-joe-medium.onnx.json"
        );
        match std::fs::read_to_string(path) {
            Ok(json) => {
                let config: serde_json::Value = serde_json::from_str(&json).unwrap();
                serde_json::from_value(config["phoneme_id_map"].clone()).unwrap()
            }
            // The voice is installed by scripts/setup; a small map stands in without it.
            Err(_) => [
                ("_", 0),
                ("^", 1),
                ("$", 2),
                (" ", 3),
                (",", 8),
                (".", 10),
                ("h", 20),
                ("l", 24),
                ("o", 27),
                ("ə", 59),
                ("ˈ", 120),
                ("ʊ", 100),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), vec![v]))
            .collect(),
        }
    }

    #[test]
    fn clauses_keep_punctuation() {
        let c = clauses("Hello, world! How are you; well: fine?!");
        let got: Vec<(&str, Option<char>)> =
            c.iter().map(|c| (c.text.as_str(), c.punctuation)).collect();
        assert_eq!(
            got,
            vec![
                ("Hello", Some(',')),
                ("world", Some('!')),
                ("How are you", Some(';')),
                ("well", Some(':')),
                ("fine", Some('?')),
            ]
        );
        let c = clauses("It costs 3.5, or 1,000 \"maybe\"... ok");
        assert_eq!(c[0].text, "It costs 3.5");
        assert_eq!(c[1].text, "or 1,000 maybe");
        assert_eq!(c[1].punctuation, Some(','));
        assert_eq!(c[2].punctuation, None);
        assert!(clauses(" ... !?").is_empty());
    }

    #[test]
    fn sentences_split_at_boundaries_only() {
        assert_eq!(
            split_sentences("Hello there. How are you? I'm fine!", 300),
            vec!["Hello there.", "How are you?", "I'm fine!"]
        );
        assert_eq!(
            split_sentences("Dr. Smith met J. Jones. It is 3.5 metres, e.g. tall.", 300),
            vec!["Dr. Smith met J. Jones.", "It is 3.5 metres, e.g. tall."]
        );
        assert_eq!(
            split_sentences("He said \"stop.\" Then left... and came back.", 300),
            vec!["He said \"stop.\"", "Then left... and came back."]
        );
        assert_eq!(split_sentences("  ", 300), Vec::<String>::new());
        assert_eq!(split_sentences("Yes. !!", 300), vec!["Yes. !!"]);
        assert_eq!(split_sentences("Yes! \"", 300), vec!["Yes!\""]);
    }

    #[test]
    fn long_sentences_are_cut_at_clauses() {
        let long = "one two three four five, six seven eight nine ten, eleven twelve thirteen";
        let pieces = split_sentences(long, 30);
        assert_eq!(
            pieces,
            vec![
                "one two three four five,",
                "six seven eight nine ten,",
                "eleven twelve thirteen"
            ]
        );
        let words = "word ".repeat(100);
        for piece in split_sentences(&words, 50) {
            assert!(piece.chars().count() <= 50, "{piece}");
        }
    }

    #[test]
    fn ids_are_wrapped_and_padded() {
        let map = joe_map();
        let got = to_ids("həlˈoʊ.", &map).unwrap();
        let id = |s: &str| map[s][0];
        assert_eq!(
            got.ids,
            vec![
                id("^"),
                id("_"),
                id("h"),
                id("_"),
                id("ə"),
                id("_"),
                id("l"),
                id("_"),
                id("ˈ"),
                id("_"),
                id("o"),
                id("_"),
                id("ʊ"),
                id("_"),
                id("."),
                id("_"),
                id("$"),
            ]
        );
        assert!(got.missing.is_empty());
    }

    #[test]
    fn unknown_symbols_are_dropped_and_listed() {
        let map = joe_map();
        let got = to_ids("h\u{2603}o\u{2603}\u{1F600}", &map).unwrap();
        assert_eq!(got.missing, vec!['\u{2603}', '\u{1F600}']);
        assert_eq!(got.ids.len(), 2 + 2 * 2 + 1);
        let empty = PhonemeIdMap::new();
        assert!(to_ids("a", &empty).is_err());
    }

    #[test]
    fn language_flags_and_decomposition() {
        assert_eq!(strip_language_flags("(fr)ʃˈɛʁ(en) mˈaɪ"), "ʃˈɛʁ mˈaɪ");
        assert_eq!(decompose("ç"), "c\u{0327}");
    }

    #[test]
    fn missing_espeak_is_a_missing_asset() {
        let p = Phonemizer::with_program("/nonexistent/espeak-ng", "en-us");
        let err = p.phonemize(&["Hello."]).unwrap_err();
        assert!(
            matches!(&err, Error::MissingAsset { hint, .. } if hint.contains("scripts/setup")),
            "{err}"
        );
    }

    #[test]
    fn empty_text_is_an_error() {
        let p = Phonemizer::with_program("/nonexistent/espeak-ng", "en-us");
        let err = p.phonemize(&["?!..."]).unwrap_err();
        assert!(err.to_string().contains("nothing to say"), "{err}");
        assert!(p.phonemize(&[""]).is_err());
    }

    #[test]
    fn espeak_gives_ipa_with_punctuation() {
        let Some(p) = espeak() else { return };
        let out = p
            .phonemize(&["Hello, world!", "How are you today?", "The cat sat"])
            .unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], "həlˈoʊ, wˈɜːld!");
        assert_eq!(out[1], "hˌaʊ ɑːɹ juː tədˈeɪ?");
        assert_eq!(out[2], "ðə kˈæt sˈæt");
        let map = joe_map();
        for s in &out {
            assert!(to_ids(s, &map).unwrap().missing.is_empty(), "{s}");
        }
    }

    #[test]
    fn espeak_batches_many_clauses() {
        let Some(p) = espeak() else { return };
        let sentences: Vec<String> = (0..40)
            .map(|i| format!("Sentence {i}, with a clause; and another one."))
            .collect();
        let out = p.phonemize(&sentences).unwrap();
        assert_eq!(out.len(), 40);
        for s in &out {
            assert_eq!(s.matches(',').count(), 1, "{s}");
            assert_eq!(s.matches(';').count(), 1, "{s}");
            assert!(s.ends_with('.'), "{s}");
        }
    }
}
