//! Speech engines, and the choice between them for each character.
//!
//! Piper voices are the default; espeak-ng speaks when a script asks for it (`engine:
//! espeak`, or an espeak-ng voice name) and, with a warning, for a language that has no
//! installed Piper voice.

mod espeak;
mod piper;

use std::collections::BTreeMap;

pub use espeak::Espeak;
pub use piper::{Piper, PiperVoiceInfo};

use super::Generator;
use crate::script::{Script, SpeechEngine, Voice};
use crate::{Error, Result};

/// The voice each character speaks with: the script's entry, completed with a distinct
/// automatic setting for characters that have no entry or name no voice.
pub fn character_voices(script: &Script) -> BTreeMap<String, Voice> {
    let mut voices = BTreeMap::new();
    let mut auto_index = 0;
    for row in &script.rows {
        let Some(name) = &row.character else { continue };
        if voices.contains_key(name) {
            continue;
        }
        let mut voice = script.voices.get(name).cloned().unwrap_or_default();
        if voice.voice.is_none() {
            voice.auto_index = Some(auto_index);
            auto_index += 1;
        }
        voices.insert(name.clone(), voice);
    }
    voices
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
        Error::Unsupported {
            engine: "speech/piper".into(),
            message: format!(
                "no Piper voice `{name}` in {}; installed: {}",
                self.voices_dir().display(),
                names.join(", ")
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
        assert_eq!(v["C"].pitch_semitones, 2.0);
    }
}
