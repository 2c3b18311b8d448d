//! Speech engines, and the choice between them for each character.
//!
//! Neural voices speak by default: Piper voices (VITS) and hibari voices (a distilled
//! Kokoro model), each behind the same [`Generator`] interface. A character is cast by
//! gender — its entry's `gender`, else alternating — to an installed voice of that gender
//! (hibari's `heart` for women, Piper's `joe` for men as installed by `scripts/setup`), with
//! a distinct variant per character. espeak-ng speaks when a script asks for it (`engine:
//! espeak`, or an espeak-ng voice name) and, with a warning, for a language or a gender no
//! installed neural voice has.

mod espeak;
mod hibari;
mod piper;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use espeak::{Espeak, espeak_language};
pub use hibari::{Hibari, HibariVoiceInfo};
pub use piper::{Piper, PiperVoiceInfo, piper_gender};

use super::Generator;
use crate::script::{Gender, Script, SpeechEngine, Voice};
use crate::{Error, Result};

/// Values made once per file and kept: a voice model loaded from it, its checksum. The lock
/// is held while a value is made, so two rows of one voice never load it twice.
pub(crate) struct PerFile<T>(Mutex<HashMap<PathBuf, T>>);

impl<T: Clone> PerFile<T> {
    pub fn new() -> Self {
        PerFile(Mutex::new(HashMap::new()))
    }

    /// The value for `path`, made by `make` the first time.
    pub fn get_or_make(&self, path: &Path, make: impl FnOnce() -> Result<T>) -> Result<T> {
        let mut values = self.0.lock().expect("per-file lock");
        if let Some(v) = values.get(path) {
            return Ok(v.clone());
        }
        let v = make()?;
        values.insert(path.to_path_buf(), v.clone());
        Ok(v)
    }
}

/// The blake3 checksum of the file at `path`, hex: what a voice's cache keys name.
pub(crate) fn file_checksum(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(blake3::hash(&bytes).to_hex().to_string())
}

/// How one voice is varied for a character onair casts: pitch in semitones, formant ratio
/// (the spectral envelope scaled as by a shorter or longer vocal tract) and speaking rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variant {
    pub pitch_semitones: f64,
    pub formant_ratio: f64,
    pub speed: f64,
}

/// Variants of a voice for the characters of one gender onair casts with it, in order:
/// the voice as it is, then other people, each apart from every other in pitch (2
/// semitones), formants (4 %, a shorter or longer vocal tract) or pace (5 %). The moves
/// stay inside the range where quality holds, measured with DNSMOS on the same sentences:
/// within ±2 semitones and ±4 % of formants every variant of hibari's heart kept its MOS
/// within 0.06 of the voice's and every one of Piper's joe within 0.08 (within 0.13 in
/// scripts/voices-check), where 4 semitones cost joe 0.5 and 9 % of formants 0.2 to 0.3.
/// Joe, already low (85 Hz), loses more going down than up, so his variants go down by at
/// most a semitone. Women stay above 165 Hz, men below 150 Hz.
const MALE_VARIANTS: &[(f64, f64, f64)] = &[
    (0.0, 1.0, 1.0),
    (2.0, 1.04, 0.96),
    (-1.0, 0.96, 1.05),
    (1.0, 0.96, 0.92),
    (-1.0, 1.04, 0.97),
    (2.0, 1.0, 1.06),
];
const FEMALE_VARIANTS: &[(f64, f64, f64)] = &[
    (0.0, 1.0, 1.0),
    (-2.0, 0.96, 1.05),
    (2.0, 1.04, 0.96),
    (1.0, 0.96, 0.92),
    (-1.0, 1.04, 0.97),
    (2.0, 1.0, 1.06),
];

/// The variant a voice gets: what its entry sets, exactly (a `pitch` written in the script
/// moves the pitch alone); for what it leaves unset, the automatic variant `index` among
/// the characters of its gender, if onair casts it.
pub(crate) fn variant(voice: &Voice, index: Option<usize>) -> Variant {
    let table = match voice.wanted_gender() {
        Some(Gender::Female) => FEMALE_VARIANTS,
        _ => MALE_VARIANTS,
    };
    let (pitch, formants, speed) = index.map_or((0.0, 1.0, 1.0), |i| table[i % table.len()]);
    Variant {
        pitch_semitones: voice.pitch_semitones.unwrap_or(pitch),
        formant_ratio: if voice.pitch_semitones.is_some() {
            1.0
        } else {
            formants
        },
        speed: voice.speed.unwrap_or(speed),
    }
}

/// Whether two variants of one voice are too close to tell apart: a semitone apart at the
/// same pace and timbre still sounds like one person (heard on the README's first episode,
/// +2 against +3), so variants keep two semitones, 4 % of formant shift or 5 % of pace away.
fn alike(a: Variant, b: Variant) -> bool {
    (a.pitch_semitones - b.pitch_semitones).abs() < 2.0
        && (a.speed / b.speed - 1.0).abs() < 0.05
        && (a.formant_ratio / b.formant_ratio - 1.0).abs() < 0.035
}

/// The voice each character speaks with: the script's entry, completed for characters that
/// name no voice. Each gets a gender — its entry's `gender`, else the one fewer characters
/// have so far (men first on a tie), counting those whose entries give one — and a distinct
/// variant among the characters of that gender. A variant that would sound like another
/// character's (one set in `voices:`, or given before) is passed over for the next.
pub fn character_voices(script: &Script) -> BTreeMap<String, Voice> {
    let mut order: Vec<&str> = Vec::new();
    for name in script.rows.iter().filter_map(|r| r.character.as_deref()) {
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let entry = |name: &str| script.voices.get(name).cloned().unwrap_or_default();
    let cast = |v: &Voice| v.voice.is_none();
    let group = |g: Option<Gender>| usize::from(g == Some(Gender::Female));
    // Characters per gender; those whose entries say so count from the start.
    let mut count = [0usize; 2];
    for name in &order {
        let v = entry(name);
        if cast(&v)
            && let Some(g) = v.gender
        {
            count[group(Some(g))] += 1;
        }
    }
    // Entries that set both pitch and speed sound as they say whatever their index.
    let mut taken: [Vec<Variant>; 2] = [Vec::new(), Vec::new()];
    for name in &order {
        let v = entry(name);
        if cast(&v) && v.pitch_semitones.is_some() && v.speed.is_some() {
            taken[group(v.gender)].push(variant(&v, None));
        }
    }
    let mut next = [0usize; 2];
    let mut voices = BTreeMap::new();
    for name in order {
        let mut voice = entry(name);
        if cast(&voice) {
            if voice.gender.is_none() {
                let g = if count[1] < count[0] {
                    Gender::Female
                } else {
                    Gender::Male
                };
                count[group(Some(g))] += 1;
                voice.cast_gender = Some(g);
            }
            let k = group(voice.wanted_gender());
            let fixed = voice.pitch_semitones.is_some() && voice.speed.is_some();
            let table_len = if k == 1 {
                FEMALE_VARIANTS.len()
            } else {
                MALE_VARIANTS.len()
            };
            let index = if fixed {
                next[k]
            } else {
                (next[k]..next[k] + table_len)
                    .find(|&i| {
                        let style = variant(&voice, Some(i));
                        !taken[k].iter().any(|&t| alike(t, style))
                    })
                    .unwrap_or(next[k])
            };
            if !fixed {
                taken[k].push(variant(&voice, Some(index)));
            }
            voice.auto_index = Some(index);
            next[k] = index + 1;
        }
        voices.insert(name.to_owned(), voice);
    }
    voices
}

/// Characters that would speak with the same voice as one heard before them (more
/// characters than the distinct voices onair can make from the installed ones, or entries
/// that say the same thing): for each such character, in order of first appearance, a
/// warning naming who else has that voice. `cast` gives a voice's description
/// ([`cast`]); a voice it cannot describe is left to the render to report.
pub fn shared_voices(
    script: &Script,
    voices: &BTreeMap<String, Voice>,
    cast: impl Fn(&Voice) -> Result<String>,
) -> BTreeMap<String, String> {
    let mut order: Vec<&str> = Vec::new();
    for name in script.rows.iter().filter_map(|r| r.character.as_deref()) {
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let mut heard: Vec<(String, Vec<&str>)> = Vec::new();
    let mut warnings = BTreeMap::new();
    for name in order {
        let Some(Ok(description)) = voices.get(name).map(&cast) else {
            continue;
        };
        match heard.iter_mut().find(|(d, _)| *d == description) {
            Some((_, before)) => {
                let others = before
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                warnings.insert(
                    name.to_owned(),
                    format!(
                        "`{name}` speaks with the same voice as {others} ({description}), \
                         so listeners cannot tell them apart; give `{name}` its own `pitch`, \
                         `speed` or `voice` under `voices:`"
                    ),
                );
                before.push(name);
            }
            None => heard.push((description, vec![name])),
        }
    }
    warnings
}

/// Who speaks a character's lines, as a render chooses it.
#[derive(Clone, Debug, PartialEq)]
pub struct Speaker {
    pub engine: SpeechEngine,
    /// A neural voice's name (`en_US-joe-medium`, `en_US-hibari-heart`) or an espeak-ng
    /// voice (`en-us+m3`).
    pub voice: String,
    /// The voice's language, an ISO 639-1 code where there is one (`en`).
    pub language: String,
}

/// Why a voice setting cannot be checked or used.
#[derive(Debug)]
pub enum SpeakerError {
    /// The setting names what no engine has: the field at fault (`voice`, `speaker`,
    /// `gender`) and a message with the fix. The script's (or the flags') fault.
    Invalid {
        field: &'static str,
        message: String,
    },
    /// An engine could not be asked (espeak-ng is not installed, say).
    Failed(Error),
}

/// A voice onair can speak with, whatever its engine, as `onair voices` lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct VoiceListing {
    pub name: String,
    pub engine: SpeechEngine,
    /// `en_US`.
    pub language: String,
    /// `American`; empty where the voice does not say.
    pub accent: String,
    pub gender: Option<Gender>,
    pub sample_rate_hz: u32,
    /// Speaker names of a multi-speaker voice, in id order.
    pub speakers: Vec<String>,
}

/// The speech engines: Piper voices, hibari voices and espeak-ng, and the choice between
/// them for each character.
pub struct Speech {
    piper: Piper,
    hibari: Hibari,
    espeak: Espeak,
}

impl Default for Speech {
    /// The voices in `models/` in the current folder and espeak-ng on the `PATH`
    /// ([`crate::Settings::default`]).
    fn default() -> Self {
        Speech::installed(&crate::Settings::default())
    }
}

impl Speech {
    /// The voices in the settings' models folder and their espeak-ng.
    pub fn installed(settings: &crate::Settings) -> Speech {
        Speech::new(
            Piper::new(settings.voices_dir()),
            Hibari::new(settings.hibari_dir()),
            Espeak::new(&settings.espeak),
        )
    }

    pub fn new(piper: Piper, hibari: Hibari, espeak: Espeak) -> Speech {
        Speech {
            piper,
            hibari,
            espeak,
        }
    }

    pub fn piper(&self) -> &Piper {
        &self.piper
    }

    pub fn hibari(&self) -> &Hibari {
        &self.hibari
    }

    pub fn espeak(&self) -> &Espeak {
        &self.espeak
    }

    /// The installed neural voices, Piper's then hibari's, each sorted by name.
    pub fn neural_voices(&self) -> Vec<VoiceListing> {
        let piper = self.piper.voices().iter().map(|v| VoiceListing {
            name: v.name.clone(),
            engine: SpeechEngine::Piper,
            language: v.language.clone(),
            accent: accent_of(&v.language).to_owned(),
            gender: v.gender,
            sample_rate_hz: v.sample_rate_hz,
            speakers: v.speakers.clone(),
        });
        let hibari = self.hibari.voices().iter().map(|v| VoiceListing {
            name: v.name.clone(),
            engine: SpeechEngine::Hibari,
            language: v.language.clone(),
            accent: v.accent.clone(),
            gender: v.gender,
            sample_rate_hz: v.sample_rate_hz,
            speakers: Vec::new(),
        });
        piper.chain(hibari).collect()
    }

    /// Picks the engine for a voice, and says why when it had to fall back.
    pub fn choose(&self, voice: Option<&Voice>) -> Result<(&dyn Generator, Option<String>)> {
        let default = Voice::default();
        let voice = voice.unwrap_or(&default);
        let (piper, hibari, espeak) = (&self.piper, &self.hibari, &self.espeak);
        match voice.engine {
            Some(SpeechEngine::Espeak) => return Ok((espeak, None)),
            Some(SpeechEngine::Hibari) => {
                if hibari.voices().is_empty() {
                    return Err(hibari.no_voices_error());
                }
                if let Some(name) = voice.voice.as_deref()
                    && !hibari.has(name)
                {
                    return Err(hibari.unknown_voice_error(name));
                }
                if voice.voice.is_none()
                    && let Some(g) = voice.gender
                    && hibari.default_voice(Some(g)).is_none()
                {
                    return Err(no_gender_error(ENGINE_HIBARI, g));
                }
                return Ok((hibari, None));
            }
            _ => {}
        }
        if let Some(name) = voice.voice.as_deref() {
            if hibari.has(name) {
                if voice.engine == Some(SpeechEngine::Piper) {
                    return Err(Error::Unsupported {
                        engine: "speech/piper".into(),
                        message: format!(
                            "`{name}` is a hibari voice, not a Piper voice; remove `engine: piper`"
                        ),
                    });
                }
                return Ok((hibari, None));
            }
            return self.choose_named(voice, name);
        }
        let gender = voice.wanted_gender();
        if voice.engine == Some(SpeechEngine::Piper) {
            if piper.voices().is_empty() {
                return Err(piper.no_voices_error());
            }
            if let Some(g) = voice.gender
                && piper.default_voice(Some(g)).is_none()
            {
                return Err(no_gender_error("speech/piper", g));
            }
            return Ok((piper, None));
        }
        // A woman speaks with hibari's voice first (the better of the two engines' women),
        // a man with Piper's; then any neural voice of the gender.
        let of_gender = |g: Gender| -> Option<&dyn Generator> {
            let order: [(&dyn Generator, bool); 2] = match g {
                Gender::Female => [
                    (hibari, hibari.default_voice(Some(g)).is_some()),
                    (piper, piper.default_voice(Some(g)).is_some()),
                ],
                Gender::Male => [
                    (piper, piper.default_voice(Some(g)).is_some()),
                    (hibari, hibari.default_voice(Some(g)).is_some()),
                ],
            };
            order.into_iter().find(|(_, has)| *has).map(|(e, _)| e)
        };
        if let Some(g) = gender
            && let Some(engine) = of_gender(g)
        {
            return Ok((engine, None));
        }
        if let Some(g) = voice.gender {
            // A gender the entry asks for is a rule: espeak-ng has both.
            return Ok((
                espeak,
                Some(format!(
                    "no {} neural voice is installed (run scripts/setup for hibari's female \
                     voice and Piper's male one); speaking with espeak-ng",
                    g.as_str()
                )),
            ));
        }
        if !piper.voices().is_empty() {
            return Ok((piper, None));
        }
        if !hibari.voices().is_empty() {
            return Ok((hibari, None));
        }
        Ok((
            espeak,
            Some(
                "no neural voice is installed (run scripts/setup); speaking with espeak-ng".into(),
            ),
        ))
    }

    /// The engine for a voice named by something that is not a hibari voice: a Piper voice,
    /// a Piper-style name not installed, or an espeak-ng name.
    fn choose_named(&self, voice: &Voice, name: &str) -> Result<(&dyn Generator, Option<String>)> {
        let (piper, espeak) = (&self.piper, &self.espeak);
        let installed = piper.voices();
        if installed.iter().any(|v| v.name == name) {
            return Ok((piper, None));
        }
        match piper_language(name) {
            // A Piper voice that is not installed: another voice of its language would be a
            // silent substitution, so that is an error; no voice of the language at all
            // falls back to espeak-ng, which speaks most languages.
            Some(lang) => {
                let family = lang.split('_').next().unwrap_or(lang);
                if installed.iter().any(|v| v.language.starts_with(family))
                    || self
                        .hibari
                        .voices()
                        .iter()
                        .any(|v| v.language.starts_with(family))
                {
                    Err(piper.unknown_voice_error(name))
                } else {
                    Ok((
                        espeak,
                        Some(format!(
                            "no Piper voice for `{lang}` is installed; speaking `{name}` with espeak-ng (add a voice to models/voices for a natural one)"
                        )),
                    ))
                }
            }
            None if voice.engine == Some(SpeechEngine::Piper) => {
                Err(piper.unknown_voice_error(name))
            }
            // An espeak-ng name such as `en-us+m3`.
            None => Ok((espeak, None)),
        }
    }

    /// What a character with `voice` sounds like, in the words its clips' `source` will
    /// use (`voice:en_US-joe-medium pitch +3 formants x1.07 speed 1.04`), found without
    /// synthesising anything.
    pub fn cast(&self, voice: &Voice) -> Result<String> {
        let (engine, _) = self.choose(Some(voice))?;
        if engine.engine() == self.espeak.engine() {
            Ok(self.espeak.cast(voice))
        } else if engine.engine() == self.hibari.engine() {
            self.hibari.cast(voice)
        } else {
            self.piper.cast(voice)
        }
    }

    /// The speaker a voice setting gets, checked as a render checks it before speaking, so
    /// a script can be refused before any row is generated.
    pub fn speaker(&self, voice: &Voice) -> std::result::Result<Speaker, SpeakerError> {
        let (piper, hibari, espeak) = (&self.piper, &self.hibari, &self.espeak);
        let invalid = |field, e: Error| match e {
            Error::Unsupported { message, .. } => SpeakerError::Invalid { field, message },
            e => SpeakerError::Failed(e),
        };
        let field = if voice.voice.is_none() && voice.gender.is_some() {
            "gender"
        } else {
            "voice"
        };
        let (generator, _) = self.choose(Some(voice)).map_err(|e| invalid(field, e))?;
        if generator.engine() == hibari.engine() {
            let info = hibari.check(voice).map_err(|e| {
                let field = if voice.speaker.is_some() {
                    "speaker"
                } else {
                    "voice"
                };
                invalid(field, e)
            })?;
            return Ok(Speaker {
                engine: SpeechEngine::Hibari,
                voice: info.name.clone(),
                language: info.language.split('_').next().unwrap_or("").to_lowercase(),
            });
        }
        if generator.engine() == piper.engine() {
            let info = piper.check(voice).map_err(|e| invalid("voice", e))?;
            piper
                .check_speaker(voice)
                .map_err(|e| invalid("speaker", e))?;
            return Ok(Speaker {
                engine: SpeechEngine::Piper,
                voice: info.name.clone(),
                language: info.language.split('_').next().unwrap_or("").to_lowercase(),
            });
        }
        match espeak.resolve(voice) {
            Ok(name) => Ok(Speaker {
                engine: SpeechEngine::Espeak,
                language: espeak_language(&name),
                voice: name,
            }),
            Err(Error::Unsupported { message, .. }) => {
                let name = voice.voice.as_deref().unwrap_or_default();
                let lower = name.to_lowercase();
                let installed: Vec<String> =
                    self.neural_voices().into_iter().map(|v| v.name).collect();
                // Not an espeak-ng language: perhaps a neural voice named in part (`joe`).
                let like = installed
                    .iter()
                    .find(|v| v.to_lowercase().split(['-', '_']).any(|part| part == lower));
                let message = match like {
                    Some(v) if voice.engine.is_none() => format!(
                        "no voice `{name}`; did you mean `{v}`? `onair voices` lists the voices"
                    ),
                    _ if voice.engine.is_none()
                        && !name.contains('+')
                        && !message.contains("did you mean") =>
                    {
                        let neural = if installed.is_empty() {
                            "none is installed".to_owned()
                        } else {
                            format!("installed: {}", installed.join(", "))
                        };
                        format!(
                            "no voice `{name}`: it is neither a neural voice ({neural}) nor an espeak-ng language; `onair voices` lists the voices"
                        )
                    }
                    _ => message,
                };
                Err(SpeakerError::Invalid {
                    field: "voice",
                    message,
                })
            }
            Err(e) => Err(SpeakerError::Failed(e)),
        }
    }
}

const ENGINE_HIBARI: &str = "speech/hibari";

/// An entry asks for a gender that the engine it names has no voice of.
fn no_gender_error(engine: &str, gender: Gender) -> Error {
    let name = engine.trim_start_matches("speech/");
    Error::Unsupported {
        engine: engine.into(),
        message: format!(
            "no {} {name} voice is installed; leave the engine unset to let onair cast one, \
             or name a voice `onair voices` lists",
            gender.as_str()
        ),
    }
}

/// The accent a Piper voice's language tag says: `en_GB` is British.
fn accent_of(language: &str) -> &'static str {
    match language {
        "en_US" => "American",
        "en_GB" => "British",
        _ => "",
    }
}

/// A voice name in Piper's form, `ll_RR-name-quality`: its language (`en_US`).
fn piper_language(name: &str) -> Option<&str> {
    let (lang, rest) = name.split_once('-')?;
    let (l, r) = lang.split_once('_')?;
    (l.len() >= 2 && !r.is_empty() && !rest.is_empty()).then_some(lang)
}

impl Piper {
    fn no_voices_error(&self) -> Error {
        Error::MissingAsset {
            what: "Piper voices".into(),
            path: self.voices_dir().to_path_buf(),
            hint: "run scripts/setup to install the default voice, or add a voice's .onnx and .onnx.json there".into(),
        }
    }

    fn unknown_voice_error(&self, name: &str) -> Error {
        let names: Vec<String> = self.voices().iter().map(|v| v.name.clone()).collect();
        let installed = if names.is_empty() {
            "none is installed".to_owned()
        } else {
            format!("installed: {}", names.join(", "))
        };
        Error::Unsupported {
            engine: "speech/piper".into(),
            message: format!(
                "no Piper voice `{name}` in {} ({installed}); add its .onnx and .onnx.json \
                 there, or name a voice `onair voices` lists",
                self.voices_dir().display(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piper_names_are_recognised() {
        assert_eq!(piper_language("en_US-joe-medium"), Some("en_US"));
        assert_eq!(piper_language("de_DE-thorsten-high"), Some("de_DE"));
        assert_eq!(piper_language("en-us+m3"), None);
        assert_eq!(piper_language("en-gb"), None);
    }

    #[test]
    fn characters_without_a_voice_get_distinct_auto_settings() {
        let script = crate::script::parse_script(
            "voices:\n  B: {voice: en-us+f3}\n  C: {pitch: 2}\nrows:\n  - {type: speech, character: A, text: Hi.}\n  - {type: speech, character: B, text: Hi.}\n  - {type: speech, character: C, text: Hi.}\n  - {type: speech, character: A, text: Hi.}\n",
        )
        .unwrap();
        let v = character_voices(&script);
        assert_eq!(v["A"].auto_index, Some(0));
        assert_eq!(v["A"].cast_gender, Some(Gender::Male));
        assert_eq!(v["B"].auto_index, None);
        assert_eq!(v["B"].cast_gender, None, "B names its voice");
        // Genders alternate between the characters onair casts.
        assert_eq!(v["C"].cast_gender, Some(Gender::Female));
        assert_eq!(v["C"].auto_index, Some(0));
        assert_eq!(v["C"].pitch_semitones, Some(2.0));
    }

    #[test]
    fn genders_are_kept_and_balanced() {
        let rows: String = ["A", "B", "C", "D", "E"]
            .iter()
            .map(|c| format!("  - {{type: speech, character: {c}, text: Hi.}}\n"))
            .collect();
        let script = crate::script::parse_script(&format!(
            "voices:\n  C: {{gender: female}}\n  D: {{gender: female}}\n  E: {{gender: male}}\nrows:\n{rows}"
        ))
        .unwrap();
        let v = character_voices(&script);
        let gender = |n: &str| v[n].wanted_gender().unwrap();
        // Two women and a man are given: the two without one balance it with men.
        assert_eq!(gender("A"), Gender::Male);
        assert_eq!(gender("B"), Gender::Male);
        assert_eq!(gender("C"), Gender::Female);
        assert_eq!(gender("D"), Gender::Female);
        assert_eq!(gender("E"), Gender::Male);
        assert_eq!(v["C"].cast_gender, None, "given, not cast");
        // Each gender's characters take that gender's variants in turn.
        let index = |n: &str| v[n].auto_index.unwrap();
        assert_eq!([index("A"), index("B"), index("E")], [0, 1, 2]);
        assert_eq!([index("C"), index("D")], [0, 1]);
        let f0 = |n: &str| variant(&v[n], v[n].auto_index).pitch_semitones;
        assert!(
            f0("C") >= -2.0 && f0("D") >= -2.0,
            "women stay in a woman's range"
        );
    }

    #[test]
    fn automatic_styles_keep_away_from_the_ones_a_script_sets() {
        let script = crate::script::parse_script(
            "voices:\n  A: {gender: male}\n  B: {pitch: 0.5, speed: 1.02, gender: male}\n  C: {gender: male}\nrows:\n  - {type: speech, character: A, text: Hi.}\n  - {type: speech, character: C, text: Hi.}\n  - {type: speech, character: B, text: Hi.}\n",
        )
        .unwrap();
        let v = character_voices(&script);
        let style = |name: &str| {
            let s = variant(&v[name], v[name].auto_index);
            (s.pitch_semitones, s.speed)
        };
        assert_eq!(style("B"), (0.5, 1.02), "as written");
        // The voice as it is would sound like B's (half a semitone, 2 % of pace): A gets
        // the second men's variant, and C the third.
        assert_eq!(style("A"), (2.0, 0.96));
        assert_eq!(style("C"), (-1.0, 1.05));
        // A pitch written in the script moves the pitch alone; variants move formants too.
        assert_eq!(variant(&v["B"], v["B"].auto_index).formant_ratio, 1.0);
        assert!(variant(&v["C"], v["C"].auto_index).formant_ratio < 1.0);
    }

    #[test]
    fn shared_voices_name_who_shares() {
        let rows: String = ["A", "B", "C", "D"]
            .iter()
            .map(|c| format!("  - {{type: speech, character: {c}, text: Hi.}}\n"))
            .collect();
        let script = crate::script::parse_script(&format!("rows:\n{rows}")).unwrap();
        let voices = character_voices(&script);
        // A cast that only tells two voices apart: A and C are men (variants 0 and 1), B
        // and D women (0 and 1).
        let cast = |v: &Voice| Ok(format!("voice {}", v.auto_index.unwrap() % 2));
        let shared = shared_voices(&script, &voices, cast);
        assert_eq!(shared.len(), 2);
        assert!(shared["B"].starts_with("`B` speaks with the same voice as `A` (voice 0)"));
        assert!(shared["D"].starts_with("`D` speaks with the same voice as `C` (voice 1)"));
    }
}
