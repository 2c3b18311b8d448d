//! Which planner to use and how to reach its model: a flag wins, then the environment, then
//! the config file, then the default (the template planner).
//!
//! The config file is TOML, at `$ONAIR_CONFIG`, else `$XDG_CONFIG_HOME/onair/config.toml`,
//! else `~/.config/onair/config.toml`:
//!
//! ```toml
//! planner = "http"            # template | local | http
//! [local]
//! model = "/models/qwen2.5-1.5b-instruct-q4_k_m.gguf"
//! [http]
//! url = "http://127.0.0.1:11434/v1"
//! model = "qwen2.5:7b"
//! ```
//!
//! API keys are never read from it: only from the environment (`ONAIR_API_KEY`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Engine;
use crate::{Error, Result};

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub planner: Option<String>,
    #[serde(default)]
    pub local: LocalSection,
    #[serde(default)]
    pub http: HttpSection,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LocalSection {
    pub model: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpSection {
    pub url: Option<String>,
    pub model: Option<String>,
}

/// Where the config file is looked for.
pub fn config_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ONAIR_CONFIG") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    Some(base.join("onair").join("config.toml"))
}

/// Reads the config file at `path`; a missing file is an empty config, a broken one an error
/// that names the file and the problem.
pub fn read(path: &Path) -> Result<ConfigFile> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => return Err(Error::io(path, e)),
    };
    if text.contains("api_key") {
        return Err(Error::BadInput(format!(
            "{}: API keys are not read from the config file; remove `api_key` and set \
             ONAIR_API_KEY in the environment",
            path.display()
        )));
    }
    toml::from_str(&text).map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))
}

/// The planner settings after flags, environment and config file.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub engine: Engine,
    /// Where the choice of engine came from, for the progress line.
    pub engine_from: String,
    /// Local: the GGUF file (`None`: the model setup installs).
    pub local_model: Option<PathBuf>,
    /// HTTP: base URL and model name (`None`: the engine's own default / error).
    pub http_url: Option<String>,
    pub http_model: Option<String>,
}

/// What the user gave on the command line.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub planner: Option<Engine>,
    /// `--model`: a GGUF path for the local planner, a model name for HTTP.
    pub model: Option<String>,
    pub url: Option<String>,
}

/// Resolves the settings: flags, then `ONAIR_PLANNER` / `ONAIR_MODEL` / `ONAIR_HTTP_URL` /
/// `ONAIR_HTTP_MODEL`, then the config file.
pub fn resolve(
    flags: &Flags,
    env: &dyn Fn(&str) -> Option<String>,
    file: &ConfigFile,
    file_path: &Path,
) -> Result<Settings> {
    let (engine, engine_from) = if let Some(e) = flags.planner {
        (e, "--planner".to_owned())
    } else if let Some(name) = env("ONAIR_PLANNER").filter(|s| !s.trim().is_empty()) {
        let e = name
            .parse::<Engine>()
            .map_err(|m| Error::BadInput(format!("ONAIR_PLANNER: {m}")))?;
        (e, "ONAIR_PLANNER".to_owned())
    } else if let Some(name) = &file.planner {
        let e = name
            .parse::<Engine>()
            .map_err(|m| Error::BadInput(format!("{}: planner: {m}", file_path.display())))?;
        (e, file_path.display().to_string())
    } else {
        (Engine::Template, "default".to_owned())
    };
    let local_model = flags
        .model
        .clone()
        .filter(|_| engine == Engine::Local)
        .or_else(|| env("ONAIR_MODEL"))
        .map(PathBuf::from)
        .or_else(|| file.local.model.clone());
    let http_url = flags
        .url
        .clone()
        .or_else(|| env("ONAIR_HTTP_URL"))
        .or_else(|| file.http.url.clone());
    let http_model = flags
        .model
        .clone()
        .filter(|_| engine == Engine::Http)
        .or_else(|| env("ONAIR_HTTP_MODEL"))
        .or_else(|| file.http.model.clone());
    Ok(Settings {
        engine,
        engine_from,
        local_model,
        http_url,
        http_model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_flag_beats_the_environment_which_beats_the_file() {
        let file: ConfigFile = toml::from_str(
            "planner = \"local\"\n[local]\nmodel = \"/m/file.gguf\"\n[http]\nurl = \"http://file\"\nmodel = \"file-model\"\n",
        )
        .unwrap();
        let p = Path::new("config.toml");
        let s = resolve(&Flags::default(), &env_of(&[]), &file, p).unwrap();
        assert_eq!(s.engine, Engine::Local);
        assert_eq!(s.engine_from, "config.toml");
        assert_eq!(s.local_model.as_deref(), Some(Path::new("/m/file.gguf")));

        let env = env_of(&[("ONAIR_PLANNER", "http"), ("ONAIR_HTTP_URL", "http://env")]);
        let s = resolve(&Flags::default(), &env, &file, p).unwrap();
        assert_eq!(
            (s.engine, s.engine_from.as_str()),
            (Engine::Http, "ONAIR_PLANNER")
        );
        assert_eq!(s.http_url.as_deref(), Some("http://env"));
        assert_eq!(s.http_model.as_deref(), Some("file-model"));

        let flags = Flags {
            planner: Some(Engine::Http),
            model: Some("flag-model".into()),
            url: Some("http://flag".into()),
        };
        let s = resolve(&flags, &env, &file, p).unwrap();
        assert_eq!(s.http_url.as_deref(), Some("http://flag"));
        assert_eq!(s.http_model.as_deref(), Some("flag-model"));
        assert_eq!(s.local_model.as_deref(), Some(Path::new("/m/file.gguf")));
    }

    #[test]
    fn the_default_is_the_template_planner_and_bad_names_are_errors() {
        let s = resolve(
            &Flags::default(),
            &env_of(&[]),
            &ConfigFile::default(),
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(s.engine, Engine::Template);
        let err = resolve(
            &Flags::default(),
            &env_of(&[("ONAIR_PLANNER", "gpt")]),
            &ConfigFile::default(),
            Path::new("c"),
        )
        .unwrap_err();
        assert!(err.is_invalid_input());
        assert!(err.to_string().contains("ONAIR_PLANNER"), "{err}");
    }

    #[test]
    fn keys_in_the_config_file_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[http]\napi_key = \"sk-secret\"\n").unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(
            err.contains("ONAIR_API_KEY") && !err.contains("sk-secret"),
            "{err}"
        );
        assert_eq!(
            read(&dir.path().join("missing.toml")).unwrap(),
            ConfigFile::default()
        );
    }
}
