//! Planners: from a one-line brief to a script the user can read, edit and render.
//!
//! Every engine returns the script as a JSON value in the script format's own field names
//! ([`Plan::script`]); [`check`] validates it with the same parser `onair render` uses, and
//! [`to_yaml`] writes it for the user. Engines:
//! - `template`: deterministic, offline, always available;
//! - `local`: a GGUF chat model run by candle, decoding constrained to the script grammar;
//! - `http`: an OpenAI-compatible `/v1/chat/completions` endpoint, with a repair loop.

pub mod brief_file;
pub mod config;
pub mod grammar;
pub mod http;
pub mod language;
pub mod local;
pub mod prompt;
pub mod template;
mod yaml;

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

use crate::script::{Script, ValidationErrors, parse_script};
use crate::{Error, Result};

pub use yaml::to_yaml_text;

/// Briefs longer than this are cut (at a sentence or word boundary) with a warning: a brief
/// is one idea, and every engine's prompt must stay bounded.
pub const MAX_BRIEF_CHARS: usize = 2000;

/// A brief, checked and bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct Brief {
    text: String,
    /// Every random choice of the planner derives from it.
    pub seed: u64,
}

impl Brief {
    /// Checks a brief as the user typed it. An empty brief is an error (invalid input); a long
    /// one is cut to [`MAX_BRIEF_CHARS`], and the warning says so.
    pub fn new(raw: &str, seed: u64) -> Result<(Brief, Vec<String>)> {
        let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if collapsed.is_empty() {
            return Err(Error::BadInput(
                "the brief is empty: describe the piece in a sentence, e.g. onair plan \"a \
                 2-minute news segment about a new bridge\""
                    .into(),
            ));
        }
        let mut warnings = Vec::new();
        let chars = collapsed.chars().count();
        let text = if chars > MAX_BRIEF_CHARS {
            let cut = bounded(&collapsed, MAX_BRIEF_CHARS);
            warnings.push(format!(
                "the brief is {chars} characters long; planning from its first {} (a brief \
                 is one idea: put details into the script afterwards)",
                cut.chars().count()
            ));
            cut.to_owned()
        } else {
            collapsed
        };
        Ok((Brief { text, seed }, warnings))
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

/// At most `max` characters of `text`, ending at the last sentence end, else the last space,
/// in the second half of that span.
fn bounded(text: &str, max: usize) -> &str {
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    let half = head.len() / 2;
    if let Some(i) = head.rfind(['.', '!', '?']).filter(|&i| i >= half) {
        return &head[..=i];
    }
    match head.rfind(' ').filter(|&i| i >= half) {
        Some(i) => &head[..i],
        None => head,
    }
}

/// A planner's result.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The script, in the script format's field names (`title`, `seed`, `rows`, ...).
    pub script: Value,
    /// What the user should know: a bounded brief, a language without a voice, repairs.
    pub warnings: Vec<String>,
    /// How the plan was made, for the header comment and the progress line, e.g.
    /// `template planner (news)` or `SmolLM2-135M-Instruct.Q4_1.gguf, 412 tokens at 85 tok/s`.
    pub summary: String,
}

/// Writes a script from a brief.
pub trait Planner {
    /// The engine's name, as `--planner` takes it.
    fn name(&self) -> &'static str;

    /// Plans one brief. The script returned must pass [`check`]; engines that cannot
    /// guarantee it by construction check and repair before returning.
    fn plan(&mut self, brief: &Brief) -> Result<Plan>;
}

/// Which planner to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Template,
    Local,
    Http,
}

impl Engine {
    pub const NAMES: [&'static str; 3] = ["template", "local", "http"];

    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Template => "template",
            Engine::Local => "local",
            Engine::Http => "http",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Engine {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "template" => Ok(Engine::Template),
            "local" => Ok(Engine::Local),
            "http" => Ok(Engine::Http),
            other => Err(format!(
                "unknown planner {other:?}: use one of {}",
                Engine::NAMES.join(", ")
            )),
        }
    }
}

/// The planner the settings name. Loading the local model or checking the HTTP settings
/// happens here, so a bad model file or URL fails before any planning.
pub fn planner(
    settings: &config::Settings,
    models_dir: &std::path::Path,
) -> Result<Box<dyn Planner>> {
    Ok(match settings.engine {
        Engine::Template => Box::new(template::TemplatePlanner::new()),
        Engine::Local => Box::new(local::LocalPlanner::new(
            settings.local_model.as_deref(),
            models_dir,
        )?),
        Engine::Http => Box::new(http::HttpPlanner::new(http::HttpConfig::from_env(
            settings.http_url.clone(),
            settings.http_model.clone(),
        )?)?),
    })
}

/// Validates a planned script with the parser `onair render` uses. JSON is YAML, so the
/// value's JSON text goes through the same checks, and the errors name rows as the user
/// will see them.
pub fn check(script: &Value) -> std::result::Result<Script, ValidationErrors> {
    parse_script(&script.to_string())
}

/// The YAML file `onair plan` writes: a header comment naming the planner and the brief, then the script with its fields in the order the format documents them.
pub fn to_yaml(plan: &Plan, brief: &Brief) -> String {
    let mut out = String::new();
    out.push_str(&format!("# Planned by onair ({}).\n", plan.summary));
    for line in wrap(&format!("Brief: {}", brief.text()), 96) {
        out.push_str("# ");
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("# Edit any row and render again: only the rows you change are regenerated.\n");
    out.push_str(&to_yaml_text(&plan.script));
    out
}

/// Words of `text` in lines of at most `width` characters (a longer word gets its own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_brief_is_invalid_input() {
        for raw in ["", "   \n\t "] {
            let err = Brief::new(raw, 0).unwrap_err();
            assert!(err.is_invalid_input());
            assert!(err.to_string().contains("the brief is empty"), "{err}");
        }
    }

    #[test]
    fn a_long_brief_is_cut_at_a_sentence_with_a_warning() {
        let sentence = "Mars News reports that a probe reached Alpha Centauri. ";
        let raw = sentence.repeat(10_000 / sentence.len() + 1);
        let (brief, warnings) = Brief::new(&raw, 0).unwrap();
        assert!(brief.text().chars().count() <= MAX_BRIEF_CHARS);
        assert!(brief.text().ends_with("Centauri."), "{}", brief.text());
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("characters long"), "{}", warnings[0]);
    }

    #[test]
    fn a_short_brief_is_kept_with_its_whitespace_collapsed() {
        let (brief, warnings) = Brief::new("  a news   segment\nabout bees ", 3).unwrap();
        assert_eq!(brief.text(), "a news segment about bees");
        assert_eq!(brief.seed, 3);
        assert!(warnings.is_empty());
    }

    #[test]
    fn engine_names_round_trip_and_unknown_ones_are_named() {
        for name in Engine::NAMES {
            assert_eq!(name.parse::<Engine>().unwrap().as_str(), name);
        }
        let err = "gpt".parse::<Engine>().unwrap_err();
        assert!(err.contains("template, local, http"), "{err}");
    }
}
