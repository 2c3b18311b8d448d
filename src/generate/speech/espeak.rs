//! Speech with espeak-ng, run as a separate program (espeak-ng is GPL; we never link it).
//!
//! This is the draft voice: always available, fast, intelligible, robotic. Each character
//! gets a distinct espeak-ng variant and pitch unless the script names a voice.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::audio::wav::read_wav;
use crate::generate::{Clip, Generator, Request};
use crate::script::{Gender, Voice};
use crate::{Error, Result};

/// Variants given to characters without a voice, in order of first appearance: alternating
/// male and female timbres with pitch offsets, so neighbours in a dialogue sound unlike.
const AUTO_VOICES: &[(&str, f64)] = &[
    ("m3", 0.0),
    ("f3", 0.0),
    ("m1", -2.0),
    ("f2", 1.0),
    ("m7", 2.0),
    ("f4", -1.0),
    ("m2", -3.0),
    ("f1", 2.0),
    ("m4", 1.0),
    ("f5", 0.0),
    ("m6", -1.0),
    ("m5", 3.0),
];

/// espeak-ng's default speaking rate, words per minute.
const BASE_RATE_WPM: f64 = 165.0;

/// The espeak-ng voice and extra pitch (semitones) for a script voice: its own name, or
/// for a character onair gives a voice to, a variant by its place among them.
fn espeak_voice_for(voice: &Voice) -> (String, f64) {
    if let Some(name) = &voice.voice {
        return (Espeak::espeak_voice(name), 0.0);
    }
    let i = voice.auto_index.unwrap_or(0);
    // A character cast as a woman or a man takes that gender's variants only.
    let prefix = match voice.wanted_gender() {
        Some(Gender::Female) => "f",
        Some(Gender::Male) => "m",
        None => "",
    };
    let variants: Vec<(&str, f64)> = AUTO_VOICES
        .iter()
        .copied()
        .filter(|(v, _)| v.starts_with(prefix))
        .collect();
    let (variant, pitch) = variants[i % variants.len()];
    // Past the list, shift pitch further so repeated variants still differ.
    let lap = (i / variants.len()) as f64;
    (format!("en-us+{variant}"), pitch + 2.0 * lap)
}

/// Speech through the `espeak-ng` program.
pub struct Espeak {
    program: PathBuf,
    /// The installed languages and variants, read once: espeak-ng silently falls back to
    /// its default voice for a name it does not know, so onair checks names itself.
    voices: OnceLock<Result<VoiceList, String>>,
}

/// Names espeak-ng accepts, lower-cased: languages (`en-us`, `fr`, or a file such as
/// `gmw/en-us`) and variants (`m3`, `adam`), combined as `language+variant`.
#[derive(Debug, Default)]
struct VoiceList {
    languages: BTreeSet<String>,
    variants: BTreeSet<String>,
    /// The main language of each voice (`fr-fr`), as `onair voices` lists them.
    main: BTreeSet<String>,
    /// Language names in English (`french`, from `French_(France)`) to a voice, for a
    /// suggestion when a script names a language rather than a code.
    by_name: BTreeMap<String, String>,
}

impl VoiceList {
    /// Parses `espeak-ng --voices` or `--voices=variant`: a header line, then columns
    /// Pty, Language, Age/Gender, VoiceName, File, Other languages (`(fr 5)(en 8)`). A voice
    /// is selected by any of its languages, its file or (variants) its name.
    fn add_listing(&mut self, listing: &str, variants: bool) {
        for line in listing.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(language), Some(name), Some(file)) = (cols.get(1), cols.get(3), cols.get(4))
            else {
                continue;
            };
            if variants {
                self.variants.insert(name.to_lowercase());
                self.variants
                    .insert(file.trim_start_matches("!v/").to_lowercase());
                continue;
            }
            let language = language.to_lowercase();
            self.languages.insert(language.clone());
            self.languages.insert(file.to_lowercase());
            let others = cols[5..].join(" ");
            for other in others
                .split('(')
                .filter_map(|o| o.split_whitespace().next())
            {
                self.languages.insert(other.to_lowercase());
            }
            // The shortest code of the voice's languages is the plainest: `fr` for
            // French_(Belgium) (`fr-be`, `(fr 8)`).
            let shortest = std::iter::once(language.clone())
                .chain(
                    others
                        .split('(')
                        .filter_map(|o| o.split_whitespace().next())
                        .map(str::to_lowercase),
                )
                .min_by_key(String::len)
                .unwrap_or_else(|| language.clone());
            let plain = name.split("_(").next().unwrap_or(name).to_lowercase();
            let known = self
                .by_name
                .entry(plain)
                .or_insert_with(|| shortest.clone());
            if shortest.len() < known.len() {
                *known = shortest;
            }
            self.main.insert(language);
        }
    }

    fn check(&self, voice: &str) -> Result<(), String> {
        let lower = voice.to_lowercase();
        let (language, variant) = match lower.split_once('+') {
            Some((l, v)) => (l, Some(v)),
            None => (lower.as_str(), None),
        };
        if !self.languages.contains(language) {
            let suggestion = self
                .by_name
                .get(language)
                .map(String::as_str)
                .or_else(|| closest(language, &self.languages))
                .map_or(String::new(), |s| format!("did you mean `{s}`? "));
            return Err(format!(
                "espeak-ng has no voice `{voice}`; {suggestion}`onair voices` lists the voices"
            ));
        }
        if let Some(v) = variant.filter(|v| !self.variants.contains(*v)) {
            let suggestion = closest(v, &self.variants)
                .map_or(String::new(), |s| format!("did you mean `{s}`? "));
            return Err(format!(
                "espeak-ng has no voice variant `{v}` (in `{voice}`); {suggestion}`espeak-ng --voices=variant` lists them (m1..m7, f1..f5, ...)"
            ));
        }
        Ok(())
    }
}

/// The accepted name closest to `word`, when it is a likely typo: a short code one letter
/// away from a longer word (`am` for `amy`) is another language, not a typo, so the edit
/// must be small against both words.
pub(super) fn closest<'a>(word: &str, names: &'a BTreeSet<String>) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(word, n), n))
        .filter(|(d, n)| {
            let shorter = n.chars().count().min(word.chars().count());
            *d <= (n.len() / 3).max(1) && 2 * *d < shorter
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n.as_str())
}

/// The language of an espeak-ng voice name as an ISO 639-1 code where there is one:
/// `en-us+f3` → `en`, `roa/fr` → `fr`, `cmn` → `zh`.
pub fn espeak_language(voice: &str) -> String {
    let language = voice.split('+').next().unwrap_or(voice);
    let language = language.rsplit('/').next().unwrap_or(language);
    let family = language
        .split('-')
        .next()
        .unwrap_or(language)
        .to_lowercase();
    match family.as_str() {
        "cmn" | "yue" | "hak" => "zh".into(),
        _ => family,
    }
}

impl Default for Espeak {
    /// `espeak-ng`, found on the `PATH`.
    fn default() -> Self {
        Espeak::new("espeak-ng")
    }
}

impl Espeak {
    /// The espeak-ng program at `program` (a name is looked for on the `PATH`).
    pub fn new(program: impl Into<PathBuf>) -> Espeak {
        Espeak {
            program: program.into(),
            voices: OnceLock::new(),
        }
    }

    fn missing(&self) -> Error {
        Error::MissingAsset {
            what: "espeak-ng".into(),
            path: self.program.clone(),
            hint: "run scripts/setup to install it (Debian package espeak-ng)".into(),
        }
    }

    fn list(&self, flag: &str) -> Result<String> {
        let out = Command::new(&self.program)
            .arg(flag)
            .stderr(Stdio::null())
            .output()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => self.missing(),
                _ => Error::engine(self.engine(), format!("could not run espeak-ng: {e}")),
            })?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// What espeak-ng has, listed once.
    fn voice_list(&self) -> Result<&VoiceList> {
        let list = self.voices.get_or_init(|| {
            let mut list = VoiceList::default();
            let languages = self.list("--voices").map_err(|e| e.to_string())?;
            let variants = self.list("--voices=variant").map_err(|e| e.to_string())?;
            list.add_listing(&languages, false);
            list.add_listing(&variants, true);
            Ok(list)
        });
        list.as_ref()
            .map_err(|e| Error::engine(self.engine(), e.clone()))
    }

    fn check_voice(&self, voice: &str) -> Result<()> {
        self.voice_list()?
            .check(voice)
            .map_err(|message| Error::Unsupported {
                engine: self.engine().into(),
                message,
            })
    }

    /// The espeak-ng languages, each voice's main one (`en-us`, `fr-fr`), sorted.
    pub fn languages(&self) -> Result<Vec<String>> {
        Ok(self.voice_list()?.main.iter().cloned().collect())
    }

    /// The espeak-ng voice a script's voice setting speaks with: its name (a Piper-style
    /// name keeps its language), checked against what espeak-ng has, or for a character onair
    /// gives a voice to, an English variant. A Piper name's language with a region
    /// espeak-ng lacks (`de_DE-…` → `de-de`) is spoken in its family (`de`); an espeak-ng
    /// name must be one it has (`en-su` is a typo, not English). Fails with
    /// [`Error::Unsupported`] for a name espeak-ng does not have.
    pub fn resolve(&self, voice: &Voice) -> Result<String> {
        let (espeak_voice, _) = espeak_voice_for(voice);
        let piper_name = voice
            .voice
            .as_deref()
            .is_some_and(|n| super::piper_language(n).is_some());
        let family = espeak_voice
            .split_once('-')
            .filter(|_| piper_name)
            .map(|(f, _)| f.to_owned());
        match (self.check_voice(&espeak_voice), family) {
            (Ok(()), _) => Ok(espeak_voice),
            (Err(_), Some(f)) if self.check_voice(&f).is_ok() => Ok(f),
            (Err(e), _) => Err(e),
        }
    }

    /// The espeak-ng voice, pitch (0..99) and rate (words per minute) a script voice speaks
    /// with: its entry's pitch and speed exactly; for what it leaves unset, the automatic
    /// variant's, else espeak-ng's own.
    fn settings(&self, voice: &Voice) -> (String, f64, f64) {
        let (espeak_voice, auto_pitch) = espeak_voice_for(voice);
        // espeak-ng's pitch is 0..99 around 50; about 4 steps make a semitone in its
        // usual range.
        let pitch = (50.0 + 4.0 * voice.pitch_semitones.unwrap_or(auto_pitch))
            .clamp(0.0, 99.0)
            .round();
        let rate_wpm = (BASE_RATE_WPM * voice.speed.unwrap_or(1.0))
            .clamp(80.0, 450.0)
            .round();
        // The name espeak-ng will be given; an unknown one is reported by `generate`.
        let espeak_voice = self.resolve(voice).unwrap_or(espeak_voice);
        (espeak_voice, pitch, rate_wpm)
    }

    /// What a character with `voice` sounds like: the source its clips will name.
    pub fn cast(&self, voice: &Voice) -> String {
        let (espeak_voice, pitch, rate_wpm) = self.settings(voice);
        describe(&espeak_voice, pitch, rate_wpm)
    }

    /// The espeak-ng voice for a script voice name. Piper-style names (`en_US-joe-medium`)
    /// keep their language and take the default variant; espeak names pass through.
    fn espeak_voice(name: &str) -> String {
        match name.split_once('-') {
            Some((lang, _)) if lang.contains('_') => lang.replace('_', "-").to_lowercase(),
            _ => name.to_owned(),
        }
    }
}

impl Generator for Espeak {
    fn engine(&self) -> &'static str {
        "speech/espeak"
    }

    fn version(&self) -> u32 {
        1
    }

    fn generate(&self, req: &Request<'_>) -> Result<Clip> {
        let voice = req.voice.cloned().unwrap_or_default();
        let (_, pitch, rate_wpm) = self.settings(&voice);
        let text = req.text.trim();
        let espeak_voice = self.resolve(&voice).map_err(|e| match e {
            Error::Unsupported { engine, message } => Error::Unsupported {
                engine,
                message: format!(
                    "the voice of `{}`: {message}",
                    req.character.unwrap_or("this character")
                ),
            },
            other => other,
        })?;

        let dir = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let wav_path = dir.path().join("speech.wav");
        let mut child = Command::new(&self.program)
            .args(["-v", &espeak_voice])
            .args(["-p", &pitch.to_string()])
            .args(["-s", &rate_wpm.to_string()])
            .arg("-w")
            .arg(&wav_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => self.missing(),
                _ => Error::engine(self.engine(), format!("could not start espeak-ng: {e}")),
            })?;
        // The words go through stdin, so no text is ever taken for a command-line option.
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(text.as_bytes())
                .map_err(|e| Error::engine(self.engine(), format!("writing to espeak-ng: {e}")))?;
        }
        let out = child
            .wait_with_output()
            .map_err(|e| Error::engine(self.engine(), format!("espeak-ng failed: {e}")))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Error::engine(
                self.engine(),
                format!(
                    "espeak-ng exited with {} for voice `{espeak_voice}`: {}",
                    out.status,
                    stderr.trim()
                ),
            ));
        }
        let mut audio = read_wav(&wav_path)?;
        trim_silence(&mut audio.channels, audio.sample_rate_hz);
        if audio.frames() == 0 {
            return Err(Error::engine(
                self.engine(),
                format!("espeak-ng produced no sound for {text:?}; check the words"),
            ));
        }
        Ok(Clip {
            audio,
            source: describe(&espeak_voice, pitch, rate_wpm),
            warnings: Vec::new(),
            loop_frames: None,
            sentences: Vec::new(),
            choice: None,
        })
    }
}

/// `espeak:en-us+m3 pitch 50 rate 165`: a clip's source.
fn describe(espeak_voice: &str, pitch: f64, rate_wpm: f64) -> String {
    format!("espeak:{espeak_voice} pitch {pitch} rate {rate_wpm}")
}

/// Trims leading and trailing near-silence (espeak-ng pads both ends), keeping 20 ms so the
/// first consonant is not cut.
fn trim_silence(channels: &mut [Vec<f32>], sample_rate_hz: u32) {
    const THRESHOLD: f32 = 1e-3;
    let keep = (sample_rate_hz / 50) as usize;
    let loud = |i: usize| channels.iter().any(|c| c[i].abs() > THRESHOLD);
    let frames = channels.first().map_or(0, Vec::len);
    let Some(first) = (0..frames).find(|&i| loud(i)) else {
        for c in channels.iter_mut() {
            c.clear();
        }
        return;
    };
    let last = (0..frames).rev().find(|&i| loud(i)).unwrap_or(first);
    let start = first.saturating_sub(keep);
    let end = (last + keep + 1).min(frames);
    for c in channels.iter_mut() {
        c.truncate(end);
        c.drain(..start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piper_names_map_to_their_language() {
        assert_eq!(Espeak::espeak_voice("en_US-joe-medium"), "en-us");
        assert_eq!(Espeak::espeak_voice("en-us+f3"), "en-us+f3");
        assert_eq!(Espeak::espeak_voice("de"), "de");
    }

    #[test]
    fn characters_cast_by_gender_get_that_gender_variants() {
        for (gender, prefix) in [(Gender::Female, "en-us+f"), (Gender::Male, "en-us+m")] {
            for i in 0..12 {
                let (name, _) = espeak_voice_for(&Voice {
                    auto_index: Some(i),
                    cast_gender: Some(gender),
                    ..Voice::default()
                });
                assert!(name.starts_with(prefix), "{gender:?} #{i}: {name}");
            }
        }
    }

    #[test]
    fn auto_voices_differ_between_neighbours() {
        let auto = |i| {
            espeak_voice_for(&Voice {
                auto_index: Some(i),
                ..Voice::default()
            })
        };
        assert_ne!(auto(0).0, auto(1).0);
        assert_ne!(auto(0), auto(AUTO_VOICES.len()));
    }

    #[test]
    fn voice_names_are_checked_against_the_listing() {
        let mut list = VoiceList::default();
        list.add_listing(
            "Pty Language Age/Gender VoiceName File Other\n 2  en-us --/M English_(America) gmw/en-US (en 3)\n 5  am --/M Amharic sem/am\n 5  fr-fr --/M French_(France) roa/fr (fr 5)\n 5  cmn --/M Chinese_(Mandarin,_latin_as_English) sit/cmn (zh-cmn 5)(zh 5)\n",
            false,
        );
        list.add_listing(
            "Pty Language Age/Gender VoiceName File Other\n 5  variant --/M Adam !v/adam\n 5  variant --/F f3 !v/f3\n",
            true,
        );
        assert!(list.check("en-us").is_ok());
        assert!(list.check("EN-US+Adam").is_ok());
        assert!(list.check("gmw/en-us+f3").is_ok());
        let e = list.check("en-su").unwrap_err();
        assert!(e.contains("did you mean `en-us`?"), "{e}");
        let e = list.check("en-us+f9").unwrap_err();
        assert!(e.contains("variant `f9`"), "{e}");
        // Languages listed among a voice's others select it, as espeak-ng's `-v` does.
        for name in ["fr", "fr-fr", "roa/fr", "zh", "zh-cmn", "cmn", "en"] {
            assert!(list.check(name).is_ok(), "{name}");
        }
        // A Piper speaker's name is not a typo of a language code.
        let e = list.check("amy").unwrap_err();
        assert!(!e.contains("did you mean"), "{e}");
        let e = list.check("french").unwrap_err();
        assert!(e.contains("did you mean `fr`?"), "{e}");
        assert_eq!(
            list.main.iter().collect::<Vec<_>>(),
            ["am", "cmn", "en-us", "fr-fr"]
        );
    }

    #[test]
    fn voice_names_have_a_language() {
        assert_eq!(espeak_language("en-us+f3"), "en");
        assert_eq!(espeak_language("roa/fr"), "fr");
        assert_eq!(espeak_language("cmn"), "zh");
        assert_eq!(espeak_language("de"), "de");
    }

    #[test]
    fn trimming_keeps_a_margin() {
        let mut ch = vec![vec![0.0; 1000]];
        ch[0][500] = 0.5;
        trim_silence(&mut ch, 1000);
        assert_eq!(ch[0].len(), 41);
        assert_eq!(ch[0][20], 0.5);
    }
}
