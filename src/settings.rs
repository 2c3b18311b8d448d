//! Where onair finds what is installed and keeps what it makes: one object, built from the
//! environment by [`Settings::from_env`] (the one place that reads it; the CLI calls it) or
//! set by hand. The rest of the library is told, and never reads the environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The environment variables the planner reads ([`crate::plan::config::resolve`]).
const PLANNER_VARS: [&str; 4] = [
    "ONAIR_PLANNER",
    "ONAIR_MODEL",
    "ONAIR_HTTP_URL",
    "ONAIR_HTTP_MODEL",
];

/// Folders, programs and files onair uses.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The models folder (`voices/`, `hibari/`, `minilm/`, `llm/`). Default: `models`.
    pub models_dir: PathBuf,
    /// The clip cache folder (also where the sound-library index is kept). Default:
    /// `.onair-cache`.
    pub cache_dir: PathBuf,
    /// The General MIDI SoundFont. Default: none named, so the first installed one of
    /// [`crate::generate::music::SOUNDFONT_PATHS`].
    pub soundfont: Option<PathBuf>,
    /// The espeak-ng program. Default: `espeak-ng`, found on the `PATH`.
    pub espeak: PathBuf,
    /// The config file (the planner's settings). Default: none.
    pub config_file: Option<PathBuf>,
    /// The planner's settings from the environment (`ONAIR_PLANNER`, `ONAIR_MODEL`,
    /// `ONAIR_HTTP_URL`, `ONAIR_HTTP_MODEL`), by name. Default: none.
    pub planner: BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            models_dir: PathBuf::from("models"),
            cache_dir: PathBuf::from(".onair-cache"),
            soundfont: None,
            espeak: PathBuf::from("espeak-ng"),
            config_file: None,
            planner: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Settings from the environment:
    /// - models: `$ONAIR_MODELS`, else `models/` in the current folder when it holds any
    ///   model, else the user's data folder (`$XDG_DATA_HOME/onair/models`, by default
    ///   `~/.local/share/onair/models`), where `scripts/setup` can install them;
    /// - cache: `$ONAIR_CACHE`, else `$XDG_CACHE_HOME/onair`, else `~/.cache/onair`;
    /// - SoundFont: `$ONAIR_SOUNDFONT`, else the first installed one;
    /// - espeak-ng: `$ONAIR_ESPEAK`, else `espeak-ng` on the `PATH`;
    /// - config file: `$ONAIR_CONFIG`, else `$XDG_CONFIG_HOME/onair/config.toml`, else
    ///   `~/.config/onair/config.toml`;
    /// - the planner's variables.
    pub fn from_env() -> Settings {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let home = var("HOME").map(PathBuf::from);
        let xdg = |name: &str, fallback: &str| {
            var(name)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
        };
        let here = PathBuf::from("models");
        let models_dir = match var("ONAIR_MODELS") {
            Some(dir) => PathBuf::from(dir),
            None if has_models(&here) => here,
            None => xdg("XDG_DATA_HOME", ".local/share")
                .map_or(here, |d| d.join("onair").join("models")),
        };
        // An empty ONAIR_CACHE is taken as given, as before.
        let cache_dir = match std::env::var_os("ONAIR_CACHE") {
            Some(dir) => PathBuf::from(dir),
            None => xdg("XDG_CACHE_HOME", ".cache")
                .unwrap_or_else(std::env::temp_dir)
                .join("onair"),
        };
        let config_file = match std::env::var_os("ONAIR_CONFIG") {
            Some(path) => Some(PathBuf::from(path)),
            None => xdg("XDG_CONFIG_HOME", ".config").map(|d| d.join("onair").join("config.toml")),
        };
        Settings {
            models_dir,
            cache_dir,
            soundfont: std::env::var_os("ONAIR_SOUNDFONT")
                .filter(|p| !p.is_empty())
                .map(PathBuf::from),
            espeak: std::env::var_os("ONAIR_ESPEAK")
                .map_or_else(|| PathBuf::from("espeak-ng"), PathBuf::from),
            config_file,
            planner: PLANNER_VARS
                .iter()
                .filter_map(|&name| Some((name.to_owned(), std::env::var(name).ok()?)))
                .collect(),
        }
    }

    /// The Piper voices' folder.
    pub fn voices_dir(&self) -> PathBuf {
        self.models_dir.join("voices")
    }

    /// The hibari voices' folder.
    pub fn hibari_dir(&self) -> PathBuf {
        self.models_dir.join("hibari")
    }

    /// The MiniLM model's folder.
    pub fn minilm_dir(&self) -> PathBuf {
        self.models_dir.join("minilm")
    }

    /// A planner variable ([`Settings::planner`]).
    pub fn planner_var(&self, name: &str) -> Option<String> {
        self.planner.get(name).cloned()
    }
}

/// Whether `dir` holds any installed model.
fn has_models(dir: &Path) -> bool {
    ["voices", "hibari", "minilm", "llm"]
        .iter()
        .any(|m| dir.join(m).is_dir())
}
