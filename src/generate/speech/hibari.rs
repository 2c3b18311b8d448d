//! Speech with hibari voices: a small acoustic model distilled from Kokoro-82M (voice
//! `af_heart`) whose spectral frames a harmonic-plus-noise vocoder turns into 24 kHz audio,
//! both run here ([`crate::ml::hibari`]), read from the `hibari-tts` wheel's files that
//! `scripts/setup` puts in `models/hibari`.
//!
//! A row's words are normalised (numbers, money, abbreviations) and split into sentences as
//! for Piper; each sentence becomes phonemes through misaki's lexicons
//! ([`crate::text::misaki`]) and is synthesised on its own, joined with a short pause. The
//! vocoder's noise is drawn from the request's seed, so a take re-rolls it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::{PerFile, Variant, file_checksum, variant};
use crate::audio::AudioBuffer;
use crate::dsp::pitch::shift_voice;
use crate::generate::{Clip, Generator, Request, Sentence};
use crate::ml::hibari::Hibari as Model;
use crate::script::{Gender, Voice};
use crate::text::misaki::G2p;
use crate::text::{MAX_SENTENCE_CHARS, normalize, split_sentences};
use crate::{Error, Result};

const ENGINE: &str = "speech/hibari";

/// Silence between two sentences of a row, seconds (as for Piper voices).
const SENTENCE_PAUSE_S: f64 = 0.2;
/// Fade at each sentence's ends, seconds, so that joins never click.
const EDGE_FADE_S: f64 = 0.004;
/// The longest phoneme string the model is given at once; longer sentences are cut at a
/// word boundary (the reference front end cuts at 400).
const MAX_PHONEMES: usize = 400;

/// An installed hibari voice.
#[derive(Clone, Debug)]
pub struct HibariVoiceInfo {
    /// What a script's `voice:` names: `en_US-hibari-heart`.
    pub name: String,
    /// `en_US`.
    pub language: String,
    /// `American`.
    pub accent: String,
    pub gender: Option<Gender>,
    pub sample_rate_hz: u32,
    pub onnx: PathBuf,
}

/// One entry of the wheel's `voices.json`.
#[derive(serde::Deserialize)]
struct Entry {
    language: String,
    accent: String,
    gender: String,
    file: String,
    #[serde(default)]
    british: bool,
}

/// hibari voices from a folder holding the wheel's files (`voices.json`, the `.onnx` models,
/// misaki's lexicons).
pub struct Hibari {
    dir: PathBuf,
    installed: OnceLock<Vec<HibariVoiceInfo>>,
    loaded: PerFile<Arc<Model>>,
    g2p: Mutex<Option<Arc<G2p>>>,
    checksums: PerFile<String>,
}

impl Default for Hibari {
    /// Voices in `models/hibari` in the current folder ([`crate::Settings::default`]).
    fn default() -> Self {
        Hibari::new(crate::Settings::default().hibari_dir())
    }
}

impl Hibari {
    pub fn new(dir: impl Into<PathBuf>) -> Hibari {
        Hibari {
            dir: dir.into(),
            installed: OnceLock::new(),
            loaded: PerFile::new(),
            g2p: Mutex::new(None),
            checksums: PerFile::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The voices whose model file is in the folder, sorted by name. The wheel lists voices
    /// it downloads at run time; onair never downloads, so those are not installed.
    pub fn voices(&self) -> &[HibariVoiceInfo] {
        self.installed.get_or_init(|| self.scan())
    }

    fn scan(&self) -> Vec<HibariVoiceInfo> {
        let Ok(text) = std::fs::read_to_string(self.dir.join("voices.json")) else {
            return Vec::new();
        };
        let Ok(entries) = serde_json::from_str::<HashMap<String, Entry>>(&text) else {
            return Vec::new();
        };
        let mut voices: Vec<HibariVoiceInfo> = entries
            .into_iter()
            .filter_map(|(key, e)| {
                let onnx = self.dir.join(&e.file);
                // onair reads with misaki's American lexicons and rules only: a British voice
                // would speak with American pronunciations, so it is not offered.
                if e.british || !onnx.is_file() {
                    return None;
                }
                let language = e.language.replace('-', "_");
                Some(HibariVoiceInfo {
                    name: format!("{language}-hibari-{key}"),
                    language,
                    accent: e.accent,
                    gender: match e.gender.as_str() {
                        "female" => Some(Gender::Female),
                        "male" => Some(Gender::Male),
                        _ => None,
                    },
                    sample_rate_hz: crate::ml::hibari::SAMPLE_RATE_HZ,
                    onnx,
                })
            })
            .collect();
        voices.sort_by(|a, b| a.name.cmp(&b.name));
        voices
    }

    /// Whether `name` is one of the installed voices.
    pub fn has(&self, name: &str) -> bool {
        self.voices().iter().any(|v| v.name == name)
    }

    /// The voice a character of `gender` speaks with when it names none (any voice for
    /// `None`), or `None` when no installed voice fits.
    pub fn default_voice(&self, gender: Option<Gender>) -> Option<&HibariVoiceInfo> {
        self.voices()
            .iter()
            .find(|v| gender.is_none() || v.gender == gender)
    }

    /// The voice a request speaks with: the named one, else the default for the character's
    /// gender, else any.
    fn resolve(&self, voice: Option<&Voice>) -> Result<&HibariVoiceInfo> {
        let wanted = voice.and_then(|v| v.voice.as_deref());
        let found = match wanted {
            Some(name) => self.voices().iter().find(|v| v.name == name),
            None => self
                .default_voice(voice.and_then(Voice::wanted_gender))
                .or_else(|| self.default_voice(None)),
        };
        match (found, wanted) {
            (Some(v), _) => Ok(v),
            (None, Some(name)) => Err(self.unknown_voice_error(name)),
            (None, None) => Err(self.no_voices_error()),
        }
    }

    /// Checks a voice setting as a render does: the voice must be installed, and a hibari
    /// voice has one speaker.
    pub(super) fn check(&self, voice: &Voice) -> Result<&HibariVoiceInfo> {
        let info = self.resolve(Some(voice))?;
        if voice.speaker.is_some() {
            return Err(Error::Unsupported {
                engine: ENGINE.into(),
                message: format!(
                    "`speaker` given, but the hibari voice {} has a single speaker; remove `speaker`",
                    info.name
                ),
            });
        }
        Ok(info)
    }

    pub(super) fn no_voices_error(&self) -> Error {
        Error::MissingAsset {
            what: "hibari voices".into(),
            path: self.dir.join("voices.json"),
            hint: "run scripts/setup to install the hibari voice".into(),
        }
    }

    pub(super) fn unknown_voice_error(&self, name: &str) -> Error {
        let names: Vec<&str> = self.voices().iter().map(|v| v.name.as_str()).collect();
        let installed = if names.is_empty() {
            "none is installed; run scripts/setup".to_owned()
        } else {
            format!("installed: {}", names.join(", "))
        };
        Error::Unsupported {
            engine: ENGINE.into(),
            message: format!("no hibari voice `{name}` ({installed})"),
        }
    }

    /// What a character with `voice` sounds like (the source its clips will name), without
    /// loading the model: `voice:en_US-hibari-heart pitch -2 formants x0.955 speed 1.04`.
    pub fn cast(&self, voice: &Voice) -> Result<String> {
        let info = self.resolve(Some(voice))?;
        Ok(describe(&info.name, variant(voice, voice.auto_index)))
    }

    fn load(&self, onnx: &Path) -> Result<Arc<Model>> {
        self.loaded
            .get_or_make(onnx, || Ok(Arc::new(Model::load_file(onnx)?)))
    }

    fn g2p(&self) -> Result<Arc<G2p>> {
        let mut g2p = self.g2p.lock().expect("g2p lock");
        if let Some(g) = g2p.as_ref() {
            return Ok(g.clone());
        }
        let g = Arc::new(G2p::load(&self.dir)?);
        *g2p = Some(g.clone());
        Ok(g)
    }
}

/// A clip's source: the voice and how it was varied.
fn describe(name: &str, v: Variant) -> String {
    let mut source = format!("voice:{name}");
    if v.pitch_semitones != 0.0 {
        source.push_str(&format!(" pitch {:+}", v.pitch_semitones));
    }
    if v.formant_ratio != 1.0 {
        source.push_str(&format!(" formants x{}", v.formant_ratio));
    }
    if v.speed != 1.0 {
        source.push_str(&format!(" speed {}", v.speed));
    }
    source
}

/// Cuts a phoneme string longer than `max` characters at the spaces nearest to equal
/// parts, so that no part is longer than `max` (a word longer than that stays whole).
fn cut_phonemes(phonemes: &str, max: usize) -> Vec<String> {
    let chars = phonemes.chars().count();
    if chars <= max {
        return vec![phonemes.to_owned()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    for word in phonemes.split(' ') {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > max {
            parts.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
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

impl Generator for Hibari {
    fn engine(&self) -> &'static str {
        ENGINE
    }

    /// 2: integer matrix products and vectorized vocoder arithmetic (the noise's samples
    /// changed).
    fn version(&self) -> u32 {
        2
    }

    /// The model file's checksum and the lexicons': either changes the sound.
    fn cache_salt(&self, req: &Request<'_>) -> Result<String> {
        let info = self.resolve(req.voice)?;
        let mut salt = self
            .checksums
            .get_or_make(&info.onnx, || file_checksum(&info.onnx))?;
        for lexicon in ["lexicon_us_gold.json.gz", "lexicon_us_silver.json.gz"] {
            let path = self.dir.join(lexicon);
            if path.is_file() {
                salt.push_str(&self.checksums.get_or_make(&path, || file_checksum(&path))?[..16]);
            }
        }
        Ok(salt)
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
        let info = self.resolve(Some(&voice))?.clone();
        let model = self.load(&info.onnx)?;
        let g2p = self.g2p()?;
        let style = variant(&voice, voice.auto_index);
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

        let rate_hz = info.sample_rate_hz;
        let pause = vec![0.0f32; (SENTENCE_PAUSE_S * f64::from(rate_hz)).round() as usize];
        let fade = ((EDGE_FADE_S * f64::from(rate_hz)).round() as usize).max(1);
        let seconds = |frames: usize| frames as f64 / f64::from(rate_hz);
        let mut samples = Vec::new();
        let mut spoken = Vec::new();
        for (i, text) in sentences.iter().enumerate() {
            let phonemes = g2p.phonemize(text)?;
            let mut sentence = Vec::new();
            for (k, part) in cut_phonemes(&phonemes, MAX_PHONEMES).iter().enumerate() {
                let ids = model.phoneme_ids(part);
                // The two pads alone, or a pad and one symbol: nothing to say.
                if ids.len() < 3 {
                    continue;
                }
                let seed =
                    req.seed ^ ((i as u64) << 8 | k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut audio = model.synthesize(&ids, style.speed as f32, seed)?;
                fade_edges(&mut audio, fade);
                sentence.extend(audio);
            }
            if !sentence.is_empty() {
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
        if samples.is_empty() {
            return Err(Error::Unsupported {
                engine: ENGINE.into(),
                message: format!("{:?} has nothing the voice can say", req.text),
            });
        }
        // The shift keeps the length, so the sentence times hold.
        if style.pitch_semitones != 0.0 || style.formant_ratio != 1.0 {
            samples = shift_voice(
                &samples,
                rate_hz,
                style.pitch_semitones,
                style.formant_ratio,
            );
        }
        Ok(Clip {
            audio: AudioBuffer::from_mono(rate_hz, samples),
            source: describe(&info.name, style),
            warnings,
            loop_frames: None,
            sentences: spoken,
            choice: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_phoneme_strings_are_cut_at_spaces() {
        let words: Vec<String> = (0..50).map(|i| format!("wˈɜɹd{i}")).collect();
        let long = words.join(" ");
        let parts = cut_phonemes(&long, 100);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|p| p.chars().count() <= 100), "{parts:?}");
        assert_eq!(parts.join(" "), long, "nothing lost or reordered");
        assert_eq!(cut_phonemes("hˈI.", 100), ["hˈI."]);
    }

    #[test]
    fn voices_come_from_the_wheel_listing_with_their_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("voices.json"),
            r#"{"heart": {"language": "en-US", "accent": "American", "gender": "female", "file": "a.onnx"},
                "emma": {"language": "en-GB", "accent": "British", "gender": "female", "file": "b.onnx"}}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("a.onnx"), b"x").unwrap();
        let hibari = Hibari::new(dir.path());
        let names: Vec<&str> = hibari.voices().iter().map(|v| v.name.as_str()).collect();
        // emma is listed but its file is not there: the wheel would download it; we don't.
        assert_eq!(names, ["en_US-hibari-heart"]);
        let heart = &hibari.voices()[0];
        assert_eq!(heart.gender, Some(Gender::Female));
        assert_eq!(heart.accent, "American");
        assert!(hibari.default_voice(Some(Gender::Male)).is_none());
        let err = hibari
            .check(&Voice {
                voice: Some("en_US-hibari-emma".into()),
                ..Voice::default()
            })
            .unwrap_err()
            .to_string();
        assert!(err.contains("installed: en_US-hibari-heart"), "{err}");
        // No listing at all: no voices, no panic.
        assert!(Hibari::new("/nonexistent").voices().is_empty());
    }
}
