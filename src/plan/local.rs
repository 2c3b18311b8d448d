//! The local planner: a GGUF chat model run by candle, decoding under the script grammar
//! ([`super::grammar`]) so that what it writes always parses and keeps the span rules.
//!
//! Each step masks every token whose bytes the grammar would reject, then samples from what is
//! left (temperature, top-k, a repetition penalty), seeded by the brief's seed. Where the
//! grammar leaves one continuation (field names, punctuation), the text is fed to the model
//! in one batch without sampling. The prompt's shared part (format and example) is computed
//! once per model and reused for every brief.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use super::grammar::{Grammar, close_spans};
use super::{Brief, Plan, Planner, check, prompt};
use crate::dsp::rng::Rng;
use crate::ml::llm::{self, ChatModel, LoadedModel};
use crate::{Error, Result};

const ENGINE: &str = "planner/local";

/// The model `scripts/setup` installs, under the models folder.
pub const DEFAULT_MODEL: &str = "llm/SmolLM2-135M-Instruct.Q4_1.gguf";

/// Tokens the model may write for one script before decoding stops at the last whole row.
const TOKEN_BUDGET: usize = 1400;
const TEMPERATURE: f32 = 0.7;
const TOP_K: usize = 40;
/// Logits of tokens among the last [`PENALTY_WINDOW`] sampled are divided by this.
const REPETITION_PENALTY: f32 = 1.15;
const PENALTY_WINDOW: usize = 96;

/// Decoding figures of the last plan.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DecodeStats {
    /// Prompt tokens fed before the reply (the shared part only the first time).
    pub prompt_tokens: usize,
    pub prompt_s: f64,
    /// Tokens of the reply: sampled plus those the grammar forced.
    pub tokens: usize,
    pub sampled: usize,
    pub decode_s: f64,
    /// Time spent building token masks, within `decode_s`.
    pub mask_s: f64,
}

impl DecodeStats {
    /// Reply tokens per second of decoding.
    pub fn tokens_per_s(&self) -> f64 {
        if self.decode_s > 0.0 {
            self.tokens as f64 / self.decode_s
        } else {
            0.0
        }
    }
}

/// A GGUF chat model that writes scripts.
pub struct LocalPlanner {
    loaded: LoadedModel,
    /// The model after the shared prompt prefix, and that prefix's text.
    primed: Option<(String, ChatModel)>,
    stats: DecodeStats,
}

impl LocalPlanner {
    /// Loads `model`, or the model setup installs under `models_dir`.
    pub fn new(model: Option<&Path>, models_dir: &Path) -> Result<LocalPlanner> {
        let path: PathBuf = model.map_or_else(|| models_dir.join(DEFAULT_MODEL), Path::to_path_buf);
        Ok(LocalPlanner {
            loaded: llm::load(&path)?,
            primed: None,
            stats: DecodeStats::default(),
        })
    }

    /// The model file's name, e.g. `SmolLM2-135M-Instruct.Q4_1.gguf`.
    pub fn model_name(&self) -> String {
        self.loaded
            .path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    }

    /// Figures of the last [`Planner::plan`] call.
    pub fn stats(&self) -> DecodeStats {
        self.stats
    }

    /// A model that has read the prompt's shared start: fed once, then forked for each
    /// brief. Architectures that cannot fork start over each time. Returns the prompt tokens
    /// fed now and how long that took.
    fn primed(&mut self, prefix: &str) -> Result<(Option<ChatModel>, usize, f64)> {
        if let Some((text, model)) = &self.primed
            && text == prefix
            && let Some(copy) = model.fork()
        {
            return Ok((Some(copy), 0, 0.0));
        }
        let started = Instant::now();
        let ids = self.loaded.vocab.encode(prefix)?;
        let Some(mut model) = self.loaded.model.fork() else {
            // No copies: the caller feeds the whole prompt to the one model.
            if !self.loaded.model.reset() {
                return Err(Error::engine(
                    ENGINE,
                    "this model can neither be copied nor reset",
                ));
            }
            self.loaded.model.feed(&ids)?;
            return Ok((None, ids.len(), started.elapsed().as_secs_f64()));
        };
        model.feed(&ids)?;
        let copy = model.fork();
        self.primed = Some((prefix.to_owned(), model));
        Ok((copy, ids.len(), started.elapsed().as_secs_f64()))
    }

    /// Decodes one script as JSON text under the grammar. Stops at the closing `]}`, or at
    /// the token budget (then at the last whole row).
    fn decode(&mut self, brief: &Brief) -> Result<(String, Vec<String>)> {
        let messages = prompt::messages(brief);
        let pairs: Vec<(&str, &str)> = messages
            .iter()
            .map(|m| (m.role, m.content.as_str()))
            .collect();
        let (prefix, suffix) = self.loaded.render(&pairs);
        let (forked, prefix_tokens, prefix_s) = self.primed(&prefix)?;
        // A fork of the primed model, or the one model itself where it cannot be forked.
        let mut fork = None;
        let model = match forked {
            Some(m) => fork.insert(m),
            None => &mut self.loaded.model,
        };
        let started = Instant::now();
        let suffix_ids = self.loaded.vocab.encode(&suffix)?;
        let mut logits = model.feed(&suffix_ids)?;
        let mut stats = DecodeStats {
            prompt_tokens: prefix_tokens + suffix_ids.len(),
            prompt_s: prefix_s + started.elapsed().as_secs_f64(),
            ..DecodeStats::default()
        };

        let decode_started = Instant::now();
        let vocab = &self.loaded.vocab;
        let mut rng = Rng::new(brief.seed).fork("local planner");
        let mut grammar = Grammar::new();
        let mut out: Vec<u8> = Vec::new();
        let mut recent: Vec<u32> = Vec::new();
        // Byte length of the output after each whole row, for stopping at the budget.
        let mut row_ends: Vec<usize> = Vec::new();
        let mut rows = 0;
        let mut warnings = Vec::new();
        loop {
            let forced = grammar.forced();
            if !forced.is_empty() {
                grammar.commit(&forced);
                out.extend_from_slice(&forced);
                note_rows(&grammar, &mut rows, &mut row_ends, out.len());
                if grammar.is_done() {
                    break;
                }
                let text = std::str::from_utf8(&forced).expect("grammar literals are ASCII");
                let ids = vocab.encode(text)?;
                logits = model.feed(&ids)?;
                stats.tokens += ids.len();
                continue;
            }
            if stats.tokens >= TOKEN_BUDGET {
                let Some(&end) = row_ends.last() else {
                    return Err(Error::engine(
                        ENGINE,
                        format!(
                            "the model wrote no complete row in {TOKEN_BUDGET} tokens; try \
                             another --seed or a bigger model (--model)"
                        ),
                    ));
                };
                out.truncate(end);
                out.extend_from_slice(b"\n]}");
                warnings.push(format!(
                    "the model reached its budget of {TOKEN_BUDGET} tokens; the plan keeps \
                     its first {} rows",
                    row_ends.len()
                ));
                break;
            }
            let mask_started = Instant::now();
            let allowed: Vec<u32> = (0..logits.len().min(vocab.len()) as u32)
                .filter(|&id| grammar.accepts(vocab.piece(id)))
                .collect();
            stats.mask_s += mask_started.elapsed().as_secs_f64();
            let Some(id) = sample(&logits, &allowed, &recent, &mut rng) else {
                return Err(Error::engine(
                    ENGINE,
                    "no token of this model's vocabulary fits the script grammar here",
                ));
            };
            let piece = vocab.piece(id);
            grammar.commit(piece);
            out.extend_from_slice(piece);
            note_rows(&grammar, &mut rows, &mut row_ends, out.len());
            stats.sampled += 1;
            stats.tokens += 1;
            recent.push(id);
            if recent.len() > PENALTY_WINDOW {
                recent.remove(0);
            }
            if grammar.is_done() {
                break;
            }
            logits = model.feed(&[id])?;
        }
        stats.decode_s = decode_started.elapsed().as_secs_f64();
        self.stats = stats;
        let text = String::from_utf8(out)
            .map_err(|e| Error::engine(ENGINE, format!("the model's script is not UTF-8: {e}")))?;
        Ok((text, warnings))
    }
}

/// Records the output length each time the grammar completes a row.
fn note_rows(grammar: &Grammar, rows: &mut usize, row_ends: &mut Vec<usize>, len: usize) {
    if grammar.rows() > *rows {
        *rows = grammar.rows();
        row_ends.push(len);
    }
}

/// Samples one of `allowed`: repetition penalty, temperature, then the top-k.
fn sample(logits: &[f32], allowed: &[u32], recent: &[u32], rng: &mut Rng) -> Option<u32> {
    let mut scored: Vec<(u32, f32)> = allowed
        .iter()
        .map(|&id| {
            let mut l = logits[id as usize];
            if recent.contains(&id) {
                l = if l > 0.0 {
                    l / REPETITION_PENALTY
                } else {
                    l * REPETITION_PENALTY
                };
            }
            (id, l / TEMPERATURE)
        })
        .filter(|(_, l)| l.is_finite())
        .collect();
    if scored.is_empty() {
        return allowed.first().copied();
    }
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    scored.truncate(TOP_K);
    let max = scored[0].1;
    let weights: Vec<f64> = scored
        .iter()
        .map(|(_, l)| f64::from(l - max).exp())
        .collect();
    let total: f64 = weights.iter().sum();
    let mut pick = rng.next_f64() * total;
    for ((id, _), w) in scored.iter().zip(&weights) {
        pick -= w;
        if pick <= 0.0 {
            return Some(*id);
        }
    }
    scored.last().map(|(id, _)| *id)
}

impl Planner for LocalPlanner {
    fn name(&self) -> &'static str {
        "local"
    }

    fn plan(&mut self, brief: &Brief) -> Result<Plan> {
        let (text, mut warnings) = self.decode(brief)?;
        let mut script: Value = serde_json::from_str(&text).map_err(|e| {
            Error::engine(
                ENGINE,
                format!("the grammar let through a script that is not JSON ({e}): {text}"),
            )
        })?;
        if let Some(rows) = script.get_mut("rows").and_then(Value::as_array_mut) {
            let fixed = close_spans(rows);
            if fixed > 0 {
                warnings.push(format!(
                    "{fixed} background row(s) added or removed so every background that \
                     begins also ends"
                ));
            }
        }
        if let Some(map) = script.as_object_mut() {
            map.insert("seed".into(), Value::from(brief.seed));
        }
        check(&script).map_err(|e| {
            Error::engine(
                ENGINE,
                format!(
                    "the model's script does not validate, which the grammar should prevent: {e}"
                ),
            )
        })?;
        let s = self.stats;
        Ok(Plan {
            script,
            warnings,
            summary: format!(
                "local planner, {}, seed {}: {} tokens at {:.0} tok/s",
                self.model_name(),
                brief.seed,
                s.tokens,
                s.tokens_per_s()
            ),
        })
    }
}
