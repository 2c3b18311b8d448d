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
use crate::script::{Gender, Script, SpeechEngine, Voice};
use crate::{Error, Result};

/// How one voice is varied for a character onair casts: pitch in semitones, formant ratio
/// (the spectral envelope scaled as by a shorter or longer vocal tract) and speaking rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Variant {
    pub pitch_semitones: f64,
    pub formant_ratio: f64,
    pub speed: f64,
}

/// Variants of a voice for the characters of one gender onair casts with it, in order:
/// the voice as it is, then other people — higher or lower, each with its formants moved
/// with its pitch (about 0.4 of the pitch interval, as larger people have both lower voices
/// and longer vocal tracts), so a variant sounds like another person rather than the same
/// one at another pitch. Men's variants stay at or below +5 semitones (a 100 Hz voice stays
/// under 150 Hz); women's at or above -2 (a 190 Hz voice stays over 165 Hz).
const MALE_VARIANTS: &[(f64, f64, f64)] = &[
    (0.0, 1.0, 1.0),
    (3.0, 1.07, 1.04),
    (-2.5, 0.944, 0.96),
    (5.0, 1.12, 1.0),
    (-4.0, 0.912, 1.03),
    (1.5, 1.035, 0.93),
];
const FEMALE_VARIANTS: &[(f64, f64, f64)] = &[
    (0.0, 1.0, 1.0),
    (-2.0, 0.955, 1.04),
    (2.5, 1.06, 0.96),
    (4.5, 1.11, 1.02),
    (-1.0, 0.92, 0.94),
    (1.5, 1.035, 1.07),
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
/// same pace still sounds like one person (heard on the README's first episode, +2 against
/// +3), so an automatic variant keeps two semitones away.
fn alike(a: Variant, b: Variant) -> bool {
    (a.pitch_semitones - b.pitch_semitones).abs() < 2.0 && (a.speed / b.speed - 1.0).abs() < 0.05
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
            "voices:\n  A: {gender: male}\n  B: {pitch: 3, speed: 1.05, gender: male}\n  C: {gender: male}\nrows:\n  - {type: speech, character: A, text: Hi.}\n  - {type: speech, character: C, text: Hi.}\n  - {type: speech, character: B, text: Hi.}\n",
        )
        .unwrap();
        let v = character_voices(&script);
        let style = |name: &str| {
            let s = variant(&v[name], v[name].auto_index);
            (s.pitch_semitones, s.speed)
        };
        assert_eq!(style("A"), (0.0, 1.0));
        assert_eq!(style("B"), (3.0, 1.05), "as written");
        // The second men's variant (+3, 1.04) would sound like B's: C gets the third.
        assert_eq!(style("C"), (-2.5, 0.96));
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
