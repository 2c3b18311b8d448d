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
        assert_eq!(v["C"].pitch_semitones, 2.0);
    }
}
