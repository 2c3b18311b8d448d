//! Speech engines, and the choice between them for each character.
//!
//! Piper voices are the default; espeak-ng speaks when a script asks for it (`engine:
//! espeak`, or an espeak-ng voice name) and, with a warning, for a language that has no
//! installed Piper voice.

mod espeak;
mod piper;

use std::collections::BTreeMap;

pub use espeak::{Espeak, espeak_language};
pub use piper::{Piper, PiperVoiceInfo};

use super::Generator;
use crate::script::{Script, SpeechEngine, Voice};
use crate::{Error, Result};

/// Distinct settings for characters onair gives a voice to, on a single-speaker voice:
/// (pitch in semitones, speed). What a `voices:` entry sets replaces the matching part.
pub(crate) const AUTO_STYLES: &[(f64, f64)] = &[
    (0.0, 1.0),
    (3.0, 1.04),
    (-2.5, 0.96),
    (5.0, 1.0),
    (-4.0, 1.03),
    (1.5, 0.93),
    (7.0, 1.02),
    (-1.0, 1.08),
];

/// The pitch and speed a voice gets on a single-speaker voice with automatic style `index`.
pub(crate) fn auto_style(voice: &Voice, index: Option<usize>) -> (f64, f64) {
    let (pitch, speed) = index.map_or((0.0, 1.0), |i| AUTO_STYLES[i % AUTO_STYLES.len()]);
    (
        voice.pitch_semitones.unwrap_or(pitch),
        voice.speed.unwrap_or(speed),
    )
}

/// Whether two (pitch, speed) settings of one voice are too close to tell apart: a
/// semitone apart at the same pace still sounds like one person (heard on the README's
/// first episode, +2 against +3), so an automatic style keeps two semitones away.
fn alike(a: (f64, f64), b: (f64, f64)) -> bool {
    (a.0 - b.0).abs() < 2.0 && (a.1 / b.1 - 1.0).abs() < 0.05
}

/// The voice each character speaks with: the script's entry, completed with a distinct
/// automatic setting for characters that have no entry or name no voice. An automatic
/// setting that would sound like another character's (one set in `voices:`, or given
/// before) is passed over for the next.
pub fn character_voices(script: &Script) -> BTreeMap<String, Voice> {
    let mut order: Vec<&str> = Vec::new();
    for name in script.rows.iter().filter_map(|r| r.character.as_deref()) {
        if !order.contains(&name) {
            order.push(name);
        }
    }
    let entry = |name: &str| script.voices.get(name).cloned().unwrap_or_default();
    // Entries that set both pitch and speed sound as they say whatever their index.
    let mut taken: Vec<(f64, f64)> = order
        .iter()
        .map(|name| entry(name))
        .filter(|v| v.voice.is_none() && v.pitch_semitones.is_some() && v.speed.is_some())
        .map(|v| auto_style(&v, None))
        .collect();
    let mut voices = BTreeMap::new();
    let mut next = 0;
    for name in order {
        let mut voice = entry(name);
        if voice.voice.is_none() {
            let fixed = voice.pitch_semitones.is_some() && voice.speed.is_some();
            let index = if fixed {
                next
            } else {
                (next..next + AUTO_STYLES.len())
                    .find(|&i| {
                        let style = auto_style(&voice, Some(i));
                        !taken.iter().any(|&t| alike(t, style))
                    })
                    .unwrap_or(next)
            };
            if !fixed {
                taken.push(auto_style(&voice, Some(index)));
            }
            voice.auto_index = Some(index);
            next = index + 1;
        }
        voices.insert(name.to_owned(), voice);
    }
    voices
}

/// What a character with `voice` sounds like, in the words its clips' `source` will use
/// (`voice:en_US-joe-medium pitch +3 speed 1.05`), found without synthesising anything.
pub fn cast(piper: &Piper, espeak: &Espeak, voice: &Voice) -> Result<String> {
    let (engine, _) = choose(piper, espeak, Some(voice))?;
    if engine.engine() == espeak.engine() {
        Ok(espeak.cast(voice))
    } else {
        piper.cast(voice)
    }
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

/// A voice name in Piper's form, `ll_RR-name-quality`: its language (`en_US`).
fn piper_language(name: &str) -> Option<&str> {
    let (lang, rest) = name.split_once('-')?;
    let (l, r) = lang.split_once('_')?;
    (l.len() >= 2 && !r.is_empty() && !rest.is_empty()).then_some(lang)
}

/// Picks the engine for a voice, and says why when it had to fall back.
pub fn choose<'a>(
    piper: &'a Piper,
    espeak: &'a Espeak,
    voice: Option<&Voice>,
) -> Result<(&'a dyn Generator, Option<String>)> {
    let default = Voice::default();
    let voice = voice.unwrap_or(&default);
    if voice.engine == Some(SpeechEngine::Espeak) {
        return Ok((espeak, None));
    }
    let installed = piper.voices();
    match voice.voice.as_deref() {
        None if installed.is_empty() => {
            if voice.engine == Some(SpeechEngine::Piper) {
                return Err(piper.no_voices_error());
            }
            Ok((
                espeak,
                Some(
                    "no Piper voice is installed (run scripts/setup); speaking with espeak-ng"
                        .into(),
                ),
            ))
        }
        None => Ok((piper, None)),
        Some(name) if installed.iter().any(|v| v.name == name) => Ok((piper, None)),
        Some(name) => match piper_language(name) {
            // A Piper voice that is not installed: another voice of its language would be a
            // silent substitution, so that is an error; no voice of the language at all
            // falls back to espeak-ng, which speaks most languages.
            Some(lang) => {
                let family = lang.split('_').next().unwrap_or(lang);
                if installed.iter().any(|v| v.language.starts_with(family)) {
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
        },
    }
}

/// Who speaks a character's lines, as a render chooses it.
#[derive(Clone, Debug, PartialEq)]
pub struct Speaker {
    pub engine: SpeechEngine,
    /// A Piper voice's name (`en_US-joe-medium`) or an espeak-ng voice (`en-us+m3`).
    pub voice: String,
    /// The voice's language, an ISO 639-1 code where there is one (`en`).
    pub language: String,
}

/// Why a voice setting cannot be checked or used.
#[derive(Debug)]
pub enum SpeakerError {
    /// The setting names what no engine has: the field at fault (`voice`, `speaker`) and a
    /// message with the fix. The script's (or the flags') fault.
    Invalid {
        field: &'static str,
        message: String,
    },
    /// An engine could not be asked (espeak-ng is not installed, say).
    Failed(Error),
}

/// The speaker a voice setting gets, checked as a render checks it before speaking, so a
/// script can be refused before any row is generated.
pub fn speaker(
    piper: &Piper,
    espeak: &Espeak,
    voice: &Voice,
) -> std::result::Result<Speaker, SpeakerError> {
    let invalid = |field, e: Error| match e {
        Error::Unsupported { message, .. } => SpeakerError::Invalid { field, message },
        e => SpeakerError::Failed(e),
    };
    let (generator, _) = choose(piper, espeak, Some(voice)).map_err(|e| invalid("voice", e))?;
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
            let installed: Vec<&str> = piper.voices().iter().map(|v| v.name.as_str()).collect();
            // Not an espeak-ng language: perhaps a Piper voice named in part (`joe`).
            let like = installed
                .iter()
                .find(|v| v.to_lowercase().split(['-', '_']).any(|part| part == lower));
            let message = match like {
                Some(v) if voice.engine.is_none() => format!(
                    "no voice `{name}`; did you mean the Piper voice `{v}`? `onair voices` lists the voices"
                ),
                _ if voice.engine.is_none()
                    && !name.contains('+')
                    && !message.contains("did you mean") =>
                {
                    let piper = if installed.is_empty() {
                        "none is installed".to_owned()
                    } else {
                        format!("installed: {}", installed.join(", "))
                    };
                    format!(
                        "no voice `{name}`: it is neither a Piper voice ({piper}) nor an espeak-ng language; `onair voices` lists the voices"
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
        assert_eq!(v["B"].auto_index, None);
        assert_eq!(v["C"].auto_index, Some(1));
        assert_eq!(v["C"].pitch_semitones, Some(2.0));
    }

    #[test]
    fn automatic_styles_keep_away_from_the_ones_a_script_sets() {
        let script = crate::script::parse_script(
            "voices:\n  B: {pitch: 3, speed: 1.05}\nrows:\n  - {type: speech, character: A, text: Hi.}\n  - {type: speech, character: C, text: Hi.}\n  - {type: speech, character: B, text: Hi.}\n",
        )
        .unwrap();
        let v = character_voices(&script);
        let style = |name: &str| auto_style(&v[name], v[name].auto_index);
        assert_eq!(style("A"), (0.0, 1.0));
        assert_eq!(style("B"), (3.0, 1.05), "as written");
        // The second automatic style (+3, 1.04) would sound like B's: C gets the third.
        assert_eq!(style("C"), (-2.5, 0.96));
    }

    #[test]
    fn shared_voices_name_who_shares() {
        let rows: String = ["A", "B", "C", "D"]
            .iter()
            .map(|c| format!("  - {{type: speech, character: {c}, text: Hi.}}\n"))
            .collect();
        let script = crate::script::parse_script(&format!("rows:\n{rows}")).unwrap();
        let voices = character_voices(&script);
        // A cast that only tells two voices apart.
        let cast = |v: &Voice| Ok(format!("voice {}", v.auto_index.unwrap() % 2));
        let shared = shared_voices(&script, &voices, cast);
        assert_eq!(shared.len(), 2);
        assert!(shared["C"].starts_with("`C` speaks with the same voice as `A` (voice 0)"));
        assert!(shared["D"].starts_with("`D` speaks with the same voice as `B` (voice 1)"));
    }
}
