//! A Piper voice's settings: the `.onnx.json` file next to its `.onnx` weights.
//!
//! Only the fields synthesis needs are read; others (training details, language names)
//! are ignored so that voices from any Piper release load.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::{Error, Result};

/// What a Piper `.onnx.json` says about its voice.
#[derive(Clone, Debug, Deserialize)]
pub struct VoiceConfig {
    pub audio: AudioConfig,
    #[serde(default)]
    pub espeak: EspeakConfig,
    #[serde(default)]
    pub inference: InferenceConfig,
    /// Phoneme (one Unicode character, or a punctuation mark) → model input ids.
    pub phoneme_id_map: HashMap<String, Vec<i64>>,
    /// Default: 1.
    #[serde(default = "one")]
    pub num_speakers: usize,
    /// Speaker name → id, for multi-speaker voices. Default: empty.
    #[serde(default)]
    pub speaker_id_map: HashMap<String, i64>,
    /// Size of the model's symbol table. Default: the largest id in `phoneme_id_map` + 1.
    #[serde(default)]
    pub num_symbols: Option<usize>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AudioConfig {
    pub sample_rate: u32,
}

#[derive(Clone, Debug, Deserialize)]
pub struct EspeakConfig {
    /// The espeak-ng voice whose phonemes the model was trained on. Default: `en-us`.
    pub voice: String,
}

impl Default for EspeakConfig {
    fn default() -> Self {
        EspeakConfig {
            voice: "en-us".into(),
        }
    }
}

/// The voice's recommended sampling settings (Piper's defaults when absent).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
pub struct InferenceConfig {
    /// Default: 0.667.
    #[serde(default = "default_noise_scale")]
    pub noise_scale: f32,
    /// Default: 1.0.
    #[serde(default = "default_length_scale")]
    pub length_scale: f32,
    /// Default: 0.8.
    #[serde(default = "default_noise_w")]
    pub noise_w: f32,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig {
            noise_scale: default_noise_scale(),
            length_scale: default_length_scale(),
            noise_w: default_noise_w(),
        }
    }
}

fn one() -> usize {
    1
}
fn default_noise_scale() -> f32 {
    0.667
}
fn default_length_scale() -> f32 {
    1.0
}
fn default_noise_w() -> f32 {
    0.8
}

impl VoiceConfig {
    /// Reads the config at `path` (usually `<voice>.onnx.json`).
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::MissingAsset {
                    what: "Piper voice config".into(),
                    path: path.to_path_buf(),
                    hint: "each voice needs its .onnx.json next to the .onnx; \
                           run scripts/setup to install the default voices"
                        .into(),
                }
            } else {
                Error::io(path, e)
            }
        })?;
        Self::parse(&text)
            .map_err(|msg| Error::engine("speech/piper", format!("{}: {msg}", path.display())))
    }

    /// Parses the JSON text of a voice config.
    pub fn parse(text: &str) -> Result<Self, String> {
        let config: VoiceConfig = serde_json::from_str(text)
            .map_err(|e| format!("not a valid Piper voice config: {e}"))?;
        if config.audio.sample_rate == 0 {
            return Err("audio.sample_rate must be positive".into());
        }
        if config.phoneme_id_map.is_empty() {
            return Err("phoneme_id_map is empty".into());
        }
        if config.num_speakers == 0 {
            return Err("num_speakers must be at least 1".into());
        }
        Ok(config)
    }

    /// The voice's sampling settings as model [`Scales`](super::vits::Scales).
    pub fn scales(&self) -> super::vits::Scales {
        super::vits::Scales {
            noise_scale: self.inference.noise_scale,
            length_scale: self.inference.length_scale,
            noise_w: self.inference.noise_w,
        }
    }

    /// The ids of one phoneme (or punctuation mark), if the voice knows it.
    pub fn ids(&self, phoneme: &str) -> Option<&[i64]> {
        self.phoneme_id_map.get(phoneme).map(Vec::as_slice)
    }

    /// The speaker id of `name`, for multi-speaker voices.
    pub fn speaker(&self, name: &str) -> Option<i64> {
        self.speaker_id_map.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_real_voice_config() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("models/voices/en_US-joe-medium.onnx.json");
        if !path.exists() {
            eprintln!("skipped: {} is absent (run scripts/setup)", path.display());
            return;
        }
        let v = VoiceConfig::load(&path).unwrap();
        assert_eq!(v.audio.sample_rate, 22050);
        assert_eq!(v.espeak.voice, "en-us");
        assert_eq!(v.num_speakers, 1);
        assert_eq!(v.ids("^"), Some(&[1][..]));
        assert_eq!(v.ids("_"), Some(&[0][..]));
        assert_eq!(v.ids("$"), Some(&[2][..]));
        assert!((v.inference.noise_w - 0.8).abs() < 1e-6);
    }

    #[test]
    fn defaults_and_errors() {
        let v = VoiceConfig::parse(r#"{"audio":{"sample_rate":16000},"phoneme_id_map":{"a":[5]}}"#)
            .unwrap();
        assert_eq!(v.inference, InferenceConfig::default());
        assert_eq!(v.num_speakers, 1);
        let err = VoiceConfig::parse(r#"{"audio":{}}"#).unwrap_err();
        assert!(err.contains("sample_rate"), "{err}");
        let err =
            VoiceConfig::parse(r#"{"audio":{"sample_rate":1},"phoneme_id_map":{}}"#).unwrap_err();
        assert!(err.contains("phoneme_id_map"), "{err}");
        let err = VoiceConfig::load(Path::new("/nonexistent.onnx.json")).unwrap_err();
        assert!(matches!(err, Error::MissingAsset { .. }));
    }
}
