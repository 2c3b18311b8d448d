//! Speech with Piper voices (VITS), run by our own model in candle ([`crate::ml::vits`]).
//!
//! A row's words are normalised (numbers, money, abbreviations), split into sentences,
//! turned into phonemes by espeak-ng (a separate process) and then into the voice's phoneme
//! ids; each sentence is synthesised on its own, so memory stays bounded however long the
//! row, and the sentences are joined with a short pause.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::{PerFile, Variant, file_checksum, variant};
use crate::audio::AudioBuffer;
use crate::dsp::pitch::shift_voice;
use crate::generate::{Clip, Generator, Request, Sentence};
use crate::ml::onnx::OnnxWeights;
use crate::ml::vits::{Scales, Vits};
use crate::ml::voice::VoiceConfig;
use crate::script::{Gender, Voice};
use crate::text::{MAX_SENTENCE_CHARS, Phonemizer, normalize, split_sentences, to_ids};
use crate::{Error, Result};

const ENGINE: &str = "speech/piper";

/// Silence between two sentences of a row, seconds (Piper's own default).
const SENTENCE_PAUSE_S: f64 = 0.2;
/// Fade at each sentence's ends, seconds: the model's first and last samples are not
/// exactly zero, and a join must not click.
const EDGE_FADE_S: f64 = 0.004;

/// An installed Piper voice.
#[derive(Clone, Debug)]
pub struct PiperVoiceInfo {
    /// File stem, e.g. `en_US-joe-medium`; what a script's `voice:` names.
    pub name: String,
    /// The name's language part, e.g. `en_US`.
    pub language: String,
    pub sample_rate_hz: u32,
    /// Speaker names of a multi-speaker voice, in id order.
    pub speakers: Vec<String>,
    /// The speaker's gender, for the voices Piper publishes whose speaker is one person
    /// ([`piper_gender`]); `None` for others.
    pub gender: Option<Gender>,
    pub onnx: PathBuf,
}

/// The gender of a published Piper voice's single speaker, by the name part of
/// `language_REGION-name-quality` (from the voices' model cards); `None` for multi-speaker
/// voices and names not listed.
pub fn piper_gender(name: &str) -> Option<Gender> {
    const FEMALE: &[&str] = &[
        "amy",
        "hfc_female",
        "kathleen",
        "kristin",
        "lessac",
        "ljspeech",
        "alba",
        "cori",
        "jenny_dioco",
        "southern_english_female",
        "eva_k",
        "kerstin",
        "ramona",
        "siwis",
        "mls_1840",
        "paola",
        "natia",
    ];
    const MALE: &[&str] = &[
        "bryce",
        "danny",
        "hfc_male",
        "joe",
        "john",
        "kusal",
        "norman",
        "reza_ibrahim",
        "ryan",
        "alan",
        "northern_english_male",
        "thorsten",
        "karlsson",
        "gilles",
        "tom",
        "riccardo",
        "davefx",
        "carlfm",
        "pavoque",
        "dmytro",
        "denis",
        "dmitri",
        "ruslan",
    ];
    let part = name.split('-').nth(1)?;
    if FEMALE.contains(&part) {
        Some(Gender::Female)
    } else if MALE.contains(&part) {
        Some(Gender::Male)
    } else {
        None
    }
}

struct Loaded {
    vits: Vits,
    config: VoiceConfig,
    phonemizer: Phonemizer,
}

/// Piper voices from a folder of `<name>.onnx` + `<name>.onnx.json`.
pub struct Piper {
    dir: PathBuf,
    /// The folder's voices, listed once: every speech row asks, several times.
    installed: OnceLock<Vec<PiperVoiceInfo>>,
    loaded: PerFile<Arc<Loaded>>,
    checksums: PerFile<String>,
}

impl Default for Piper {
    /// Voices in `models/voices` in the current folder ([`crate::Settings::default`]).
    fn default() -> Self {
        Piper::new(crate::Settings::default().voices_dir())
    }
}

impl Piper {
    pub fn new(dir: impl Into<PathBuf>) -> Piper {
        Piper {
            dir: dir.into(),
            installed: OnceLock::new(),
            loaded: PerFile::new(),
            checksums: PerFile::new(),
        }
    }

    pub fn voices_dir(&self) -> &Path {
        &self.dir
    }

    /// The voices installed, sorted by name. A voice needs both files; its config must parse.
    pub fn voices(&self) -> &[PiperVoiceInfo] {
        self.installed.get_or_init(|| self.scan())
    }

    fn scan(&self) -> Vec<PiperVoiceInfo> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut voices: Vec<PiperVoiceInfo> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "onnx"))
            .filter_map(|onnx| {
                let name = onnx.file_stem()?.to_str()?.to_owned();
                let config = VoiceConfig::load(&onnx.with_extension("onnx.json")).ok()?;
                let mut speakers: Vec<(i64, String)> = config
                    .speaker_id_map
                    .iter()
                    .map(|(n, id)| (*id, n.clone()))
                    .collect();
                speakers.sort();
                // Piper names every voice `language_REGION-name-quality`.
                let language = name.split('-').next().unwrap_or("").to_owned();
                Some(PiperVoiceInfo {
                    gender: (config.num_speakers <= 1)
                        .then(|| piper_gender(&name))
                        .flatten(),
                    language,
                    sample_rate_hz: config.audio.sample_rate,
                    speakers: speakers.into_iter().map(|(_, n)| n).collect(),
                    name,
                    onnx,
                })
            })
            .collect();
        voices.sort_by(|a, b| a.name.cmp(&b.name));
        voices
    }

    /// The voice a character of `gender` speaks with when it names none: of the installed
    /// voices of that gender (any voice when `gender` is `None`), `en_US-joe-medium`, else
    /// the first English one, else the first. `None` when no voice fits.
    pub fn default_voice(&self, gender: Option<Gender>) -> Option<&PiperVoiceInfo> {
        let fits: Vec<&PiperVoiceInfo> = self
            .voices()
            .iter()
            .filter(|v| gender.is_none() || v.gender == gender)
            .collect();
        fits.iter()
            .find(|v| v.name == "en_US-joe-medium")
            .or_else(|| fits.iter().find(|v| v.language.starts_with("en")))
            .or(fits.first())
            .copied()
    }

    /// The voice a request speaks with: the named one, else the default voice for the
    /// character's gender ([`Piper::default_voice`]), else for any gender.
    fn resolve(&self, voice: Option<&Voice>) -> Result<PathBuf> {
        let voices = self.voices();
        let wanted = voice.and_then(|v| v.voice.as_deref());
        let found = match wanted {
            Some(name) => voices.iter().find(|v| v.name == name),
            // `choose` sends a character whose gender is a rule elsewhere when no voice here
            // has it; a preferred gender falls back to any voice.
            None => self
                .default_voice(voice.and_then(Voice::wanted_gender))
                .or_else(|| self.default_voice(None)),
        };
        match (found, wanted) {
            (Some(v), _) => Ok(v.onnx.clone()),
            (None, Some(name)) => Err(self.unknown_voice_error(name)),
            (None, None) => Err(self.no_voices_error()),
        }
    }

    /// The installed voice a voice setting speaks with: [`Error::Unsupported`] for a voice
    /// the folder does not have.
    pub(super) fn check(&self, voice: &Voice) -> Result<&PiperVoiceInfo> {
        let onnx = self.resolve(Some(voice))?;
        Ok(self
            .voices()
            .iter()
            .find(|v| v.onnx == onnx)
            .expect("resolved voices are installed"))
    }

    /// Checks the speaker a voice setting asks for, as a render does: [`Error::Unsupported`]
    /// for a speaker the voice does not have.
    pub(super) fn check_speaker(&self, voice: &Voice) -> Result<()> {
        if voice.speaker.is_some() {
            let onnx = self.resolve(Some(voice))?;
            let config = VoiceConfig::load(&onnx.with_extension("onnx.json"))?;
            speaker_id(voice, &config)?;
        }
        Ok(())
    }

    fn load(&self, onnx: &Path) -> Result<Arc<Loaded>> {
        self.loaded.get_or_make(onnx, || {
            let config = VoiceConfig::load(&onnx.with_extension("onnx.json"))?;
            let weights = OnnxWeights::load(onnx)?;
            let vits = Vits::new(&weights, &config)?;
            let phonemizer = Phonemizer::new(config.espeak.voice.clone())?;
            Ok(Arc::new(Loaded {
                vits,
                config,
                phonemizer,
            }))
        })
    }
}

/// The speaker id a voice setting asks for, by name or number.
fn speaker_id(voice: &Voice, config: &VoiceConfig) -> Result<Option<i64>> {
    let n = config.num_speakers;
    let Some(wanted) = voice.speaker.as_deref() else {
        // Characters onair voices take turns through a multi-speaker voice's speakers.
        return Ok(voice.auto_index.filter(|_| n > 1).map(|i| (i % n) as i64));
    };
    if let Some(&id) = config.speaker_id_map.get(wanted) {
        return Ok(Some(id));
    }
    match wanted.parse::<i64>() {
        Ok(id) if (0..n as i64).contains(&id) && n > 1 => Ok(Some(id)),
        _ => {
            let mut names: Vec<&String> = config.speaker_id_map.keys().collect();
            names.sort();
            let names: Vec<&str> = names.iter().take(20).map(|s| s.as_str()).collect();
            Err(Error::Unsupported {
                engine: ENGINE.into(),
                message: if n > 1 {
                    format!(
                        "no speaker `{wanted}` in this voice; it has {n} speakers, e.g. {}",
                        names.join(", ")
                    )
                } else {
                    format!(
                        "speaker `{wanted}` given, but this voice has a single speaker; remove `speaker`"
                    )
                },
            })
        }
    }
}

/// Pitch, formants and speed for a voice: what its entry sets, exactly; for what it leaves
/// unset, a distinct variant when onair gives the character a voice on a single-speaker
/// model (a multi-speaker model gives it a speaker instead), else the voice's own.
fn style(voice: &Voice, config: &VoiceConfig) -> Variant {
    variant(voice, voice.auto_index.filter(|_| config.num_speakers <= 1))
}

/// How a character speaks through a Piper voice, all choices made.
struct Cast {
    onnx: PathBuf,
    speaker: Option<i64>,
    pitch_semitones: f64,
    formant_ratio: f64,
    speed: f64,
}

impl Cast {
    /// `voice:en_US-joe-medium speaker 2 pitch +3 speed 1.05`: the clip's source, which says
    /// exactly what the voice was told.
    fn describe(&self) -> String {
        let name = self
            .onnx
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("?");
        let mut source = format!("voice:{name}");
        if let Some(id) = self.speaker {
            source.push_str(&format!(" speaker {id}"));
        }
        if self.pitch_semitones != 0.0 {
            source.push_str(&format!(" pitch {:+}", self.pitch_semitones));
        }
        if self.formant_ratio != 1.0 {
            source.push_str(&format!(" formants x{}", self.formant_ratio));
        }
        if self.speed != 1.0 {
            source.push_str(&format!(" speed {}", self.speed));
        }
        source
    }
}

impl Piper {
    fn cast_with(&self, voice: &Voice, config: &VoiceConfig, onnx: PathBuf) -> Result<Cast> {
        let style = style(voice, config);
        Ok(Cast {
            speaker: speaker_id(voice, config)?,
            onnx,
            pitch_semitones: style.pitch_semitones,
            formant_ratio: style.formant_ratio,
            speed: style.speed,
        })
    }

    /// What a character with `voice` sounds like (the source its clips will name), without
    /// loading the model.
    pub fn cast(&self, voice: &Voice) -> Result<String> {
        let onnx = self.resolve(Some(voice))?;
        let config = VoiceConfig::load(&onnx.with_extension("onnx.json"))?;
        Ok(self.cast_with(voice, &config, onnx)?.describe())
    }
}

impl Generator for Piper {
    fn engine(&self) -> &'static str {
        ENGINE
    }

    fn version(&self) -> u32 {
        // 2: clips carry their sentence times.
        2
    }

    fn cache_salt(&self, req: &Request<'_>) -> Result<String> {
        let onnx = self.resolve(req.voice)?;
        self.checksums.get_or_make(&onnx, || file_checksum(&onnx))
    }

    fn generate(&self, req: &Request<'_>) -> Result<Clip> {
        self.generate_reporting(req, &|_, _| {})
    }

    fn generate_reporting(
        &self,
        req: &Request<'_>,
        step: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Clip> {
        let voice = req.voice.cloned().unwrap_or_default();
        let onnx = self.resolve(Some(&voice))?;
        let model = self.load(&onnx)?;
        let config = &model.config;
        let mut warnings = Vec::new();

        let normalized = normalize(req.text);
        if !normalized.skipped.is_empty() {
            let chars: String = normalized.skipped.iter().collect();
            warnings.push(format!("skipped characters the voice cannot say: {chars}"));
        }
        let sentences = split_sentences(&normalized.text, MAX_SENTENCE_CHARS);
        if sentences.is_empty() {
            return Err(Error::Unsupported {
                engine: ENGINE.into(),
                message: format!("{:?} has nothing the voice can say", req.text),
            });
        }
        let phonemes = model.phonemizer.phonemize(&sentences)?;

        let cast = self.cast_with(&voice, config, onnx.clone())?;
        let scales = Scales {
            noise_scale: voice
                .noise_scale
                .map_or(config.inference.noise_scale, |x| x as f32),
            length_scale: config.inference.length_scale / cast.speed as f32,
            noise_w: voice.noise_w.map_or(config.inference.noise_w, |x| x as f32),
        };
        let rate_hz = model.vits.sample_rate_hz();
        let pause = vec![0.0f32; (SENTENCE_PAUSE_S * f64::from(rate_hz)).round() as usize];
        let fade = ((EDGE_FADE_S * f64::from(rate_hz)).round() as usize).max(1);
        let seconds = |frames: usize| frames as f64 / f64::from(rate_hz);

        let mut samples = Vec::new();
        let mut spoken = Vec::new();
        let mut missing = Vec::new();
        for (i, (ph, text)) in phonemes.iter().zip(&sentences).enumerate() {
            let ids = to_ids(ph, &config.phoneme_id_map)?;
            missing.extend(ids.missing);
            // `^ _ $` alone: a sentence of punctuation only.
            if ids.ids.len() > 3 {
                let seed = req.seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut sentence = model
                    .vits
                    .synthesize(&ids.ids, scales, cast.speaker, seed)?;
                fade_edges(&mut sentence, fade);
                if !samples.is_empty() {
                    samples.extend_from_slice(&pause);
                }
                let start_s = seconds(samples.len());
                samples.extend(sentence);
                spoken.push(Sentence {
                    start_s,
                    end_s: seconds(samples.len()),
                    text: text.clone(),
                });
            }
            step(i + 1, sentences.len());
        }
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            let chars: String = missing.into_iter().collect();
            warnings.push(format!(
                "skipped phonemes this voice does not have: {chars}"
            ));
        }
        if samples.is_empty() {
            return Err(Error::Unsupported {
                engine: ENGINE.into(),
                message: format!("{:?} has nothing the voice can say", req.text),
            });
        }
        // The shift keeps the length, so the sentence times hold.
        if cast.pitch_semitones != 0.0 || cast.formant_ratio != 1.0 {
            samples = shift_voice(&samples, rate_hz, cast.pitch_semitones, cast.formant_ratio);
        }
        Ok(Clip {
            audio: AudioBuffer::from_mono(rate_hz, samples),
            source: cast.describe(),
            warnings,
            loop_frames: None,
            sentences: spoken,
            choice: None,
        })
    }
}

/// Raised-cosine ramps over the first and last `n` samples.
fn fade_edges(samples: &mut [f32], n: usize) {
    let n = n.min(samples.len() / 2);
    let len = samples.len();
    for i in 0..n {
        let g = 0.5 - 0.5 * (std::f32::consts::PI * i as f32 / n as f32).cos();
        samples[i] *= g;
        samples[len - 1 - i] *= g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_fade_to_zero() {
        let mut s = vec![1.0f32; 100];
        fade_edges(&mut s, 10);
        assert_eq!(s[0], 0.0);
        assert_eq!(s[99], 0.0);
        assert_eq!(s[50], 1.0);
    }
}
