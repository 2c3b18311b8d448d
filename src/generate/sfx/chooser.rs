//! Choosing a sound for a description: every recipe and every library sample is scored by
//! meaning (MiniLM cosine similarity between the description and the sound's text) plus a
//! keyword boost (words that name a recipe, or appear in a sample's name). The best score
//! wins; ties go to recipes, in catalogue order, then samples in path order.
//!
//! Without the MiniLM model the similarity is zero for everything and the keywords decide
//! alone, as they did before the model existed.

use std::cmp::Ordering;
use std::path::Path;
use std::sync::Arc;

use super::collections::Credit;
use super::library::{LibraryIndex, Sample};
use super::recipes::{Recipe, find_recipe, recipes};
use super::words::{inflects, score as keyword_score, words};
use crate::Result;
use crate::ml::bert::{MiniLm, similarity};

/// Score added per keyword point (3 for a naming word, 1 for a hint).
const KEYWORD_BOOST: f32 = 0.05;
/// Keyword points beyond this add nothing: three naming words are as sure as it gets.
const KEYWORD_CAP: u32 = 9;
/// Below this score, and with no keyword, nothing fits: a general recipe is used.
pub const THRESHOLD: f32 = 0.3;
/// At or over this score a pick is confident: calibrated on the everyday descriptions of
/// `tests/data/sfx_everyday/tune.tsv` so that few confident picks are wrong (see
/// `tests/sfx_everyday.rs`).
pub const CONFIDENT: f32 = 0.7;

/// Taken off a sample's score when its text is only its file name: two or three words
/// match unrelated descriptions more readily than a written sentence does.
const NAME_ONLY_PENALTY: f32 = 0.08;
/// Rendered for an empty description.
pub const DEFAULT_RECIPE: &str = "room-tone";
/// Broad recipes that are never badly wrong under a scene, for descriptions nothing fits.
const GENERAL: &[&str] = &[
    "room-tone",
    "wind",
    "rain",
    "crowd",
    "office",
    "traffic",
    "birds",
    "swoosh",
    "impact",
];
/// Words that say nothing about a sound, ignored when matching sample names.
const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "from",
    "into",
    "onto",
    "over",
    "under",
    "then",
    "that",
    "this",
    "some",
    "someone",
    "something",
    "sound",
    "sounds",
    "noise",
    "effect",
    "ambience",
    "ambient",
    "atmosphere",
    "background",
    "its",
    "his",
    "her",
    "their",
    "our",
    "your",
    "are",
    "was",
    "were",
    "has",
    "have",
    "out",
    "off",
    "very",
    "just",
    "like",
    "one",
    "two",
    "three",
    "after",
    "before",
    "while",
    "again",
];

/// Function words (prepositions, pronouns, auxiliaries) that never say what a sound is: a
/// pick's text need not contain them (see [`Chooser::unexplained`]).
const FUNCTION_WORDS: &[&str] = &[
    "between",
    "through",
    "across",
    "past",
    "along",
    "toward",
    "towards",
    "behind",
    "beside",
    "near",
    "against",
    "during",
    "inside",
    "outside",
    "around",
    "about",
    "above",
    "below",
    "beneath",
    "upon",
    "onto",
    "within",
    "without",
    "across",
    "she",
    "him",
    "they",
    "them",
    "who",
    "which",
    "what",
    "when",
    "where",
    "there",
    "here",
    "nothing",
    "anything",
    "everything",
    "happening",
    "being",
    "getting",
    "goes",
    "going",
    "comes",
    "coming",
    "can",
    "could",
    "will",
    "would",
    "all",
    "each",
    "every",
    "any",
    "not",
    "but",
    "yet",
    "still",
    "too",
    "also",
    "more",
    "less",
    "than",
    "much",
    "way",
];

/// Prepositions whose phrase says where a sound is rather than what it is.
const SETTING_PREPOSITIONS: &[&str] = &[
    "in", "on", "at", "across", "through", "into", "onto", "over", "under", "near", "along",
    "behind", "inside", "outside", "around", "above", "below", "beneath", "toward", "towards",
    "down", "up",
];
/// Words that end a setting phrase: what follows names sounds again.
const CONJUNCTIONS: &[&str] = &["and", "while", "as", "then", "but", "or", "with"];

/// The words that are not in a setting phrase: what follows "in", "on", "at"… up to the
/// next conjunction is where the sound is ("in the stable", "on a tin roof"), not what it
/// is.
fn outside_settings(words: &[String]) -> Vec<String> {
    let mut setting = false;
    let mut out = Vec::new();
    for w in words {
        if SETTING_PREPOSITIONS.contains(&w.as_str()) {
            setting = true;
        } else if CONJUNCTIONS.contains(&w.as_str()) {
            setting = false;
        } else if !setting {
            out.push(w.clone());
        }
    }
    out
}

/// True when `a` and `b` are forms of one word: inflections ("knocks", "knock") or one
/// derivation from a shared stem ("welder", "welding"; "comedic", "comedy"). Compounds are
/// not: a doorbell is not any bell.
fn same_word(a: &str, b: &str) -> bool {
    if inflects(a, b) || inflects(b, a) {
        return true;
    }
    let stem = |w: &str| -> String {
        for suffix in [
            "ings", "ing", "ers", "er", "ed", "ic", "al", "es", "s", "y", "e",
        ] {
            if let Some(s) = w.strip_suffix(suffix)
                && s.len() >= 4
            {
                return s.to_string();
            }
        }
        w.to_string()
    };
    let (sa, sb) = (stem(a), stem(b));
    sa.len() >= 4 && sa == sb
}

/// A recipe or a library sample.
#[derive(Clone, Copy, Debug)]
pub enum Item<'a> {
    Recipe(&'static Recipe),
    Sample(&'a Sample),
}

impl Item<'_> {
    /// As the report's `source` shows it: `recipe:rain`, `sample:/path/to/file.flac`.
    pub fn source(&self) -> String {
        match self {
            Item::Recipe(r) => format!("recipe:{}", r.name),
            Item::Sample(s) => match &s.packaged {
                Some(p) => p.source.clone(),
                None => format!("sample:{}", s.path.display()),
            },
        }
    }

    /// Who made it and on what terms, for a packaged recording.
    pub fn credit(&self) -> Option<&Credit> {
        match self {
            Item::Recipe(_) => None,
            Item::Sample(s) => s.credit(),
        }
    }
}

/// One scored candidate.
#[derive(Clone, Debug)]
pub struct Ranked<'a> {
    pub item: Item<'a>,
    /// The group it belongs to: a recipe's group; for a sample, the group of the recipe its
    /// name names, or `sample`.
    pub group: &'static str,
    /// Cosine similarity of the description and the item's text (0 without the model).
    pub similarity: f32,
    /// Similarity plus keyword boost (less a penalty for a bare file name); what the
    /// ranking sorts by.
    pub score: f32,
    /// Keyword points (0 when no word of the description names the item).
    pub keywords: u32,
}

/// What the chooser decided for a description.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    pub item: Item<'a>,
    /// True when the pick is sure enough to need no listening: its score is at or over
    /// [`CONFIDENT`], or a word of the description names it. A pick that is not confident
    /// comes with a warning naming the two closest alternatives.
    pub confident: bool,
    /// The pick's score (similarity plus keyword boost), 0 for an empty description.
    pub score: f32,
    /// Words of the description that say what the sound is and that the pick's own text
    /// does not account for ("smoke" in "a smoke alarm beeping" when the pick is an alarm
    /// clock): see [`Chooser::unexplained`].
    pub unexplained: Vec<String>,
    pub warnings: Vec<String>,
}

/// Recipes and samples with their embeddings, ready to rank descriptions.
pub struct Chooser {
    model: Option<Arc<MiniLm>>,
    recipe_vectors: Vec<Vec<f32>>,
    library: LibraryIndex,
    sample_words: Vec<Vec<String>>,
    sample_groups: Vec<&'static str>,
    /// Per sample: subtracted from its score (see [`NAME_ONLY_PENALTY`]).
    sample_penalties: Vec<f32>,
}

impl std::fmt::Debug for Chooser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chooser")
            .field("model", &self.model.is_some())
            .field("samples", &self.library.samples.len())
            .finish_non_exhaustive()
    }
}

/// The group a sample belongs to, from the recipe its words name most strongly.
fn sample_group(words: &[String]) -> &'static str {
    let mut best: Option<(&'static Recipe, u32)> = None;
    for r in recipes() {
        let s = keyword_score(words, r);
        if s > 0 && best.is_none_or(|(_, b)| s > b) {
            best = Some((r, s));
        }
    }
    best.map_or("sample", |(r, _)| r.group)
}

impl Chooser {
    /// A chooser over the recipes and `library`. With `model`, recipes are embedded now
    /// (the library's embeddings come with it); without, keywords decide alone.
    pub fn new(model: Option<MiniLm>, library: LibraryIndex) -> Result<Self> {
        Chooser::with_store(model.map(Arc::new), library, None)
    }

    /// As [`Chooser::new`], keeping the recipes' embeddings in `store`, a file that later
    /// runs read instead of embedding the recipes again. A damaged or stale file is
    /// recomputed; one that cannot be written is skipped.
    pub fn with_store(
        model: Option<Arc<MiniLm>>,
        library: LibraryIndex,
        store: Option<&Path>,
    ) -> Result<Self> {
        let recipe_vectors = match &model {
            Some(m) => {
                let texts: Vec<String> = recipes().iter().map(recipe_text).collect();
                m.embed_stored(&texts, store)?
            }
            None => Vec::new(),
        };
        let sample_words: Vec<Vec<String>> =
            library.samples.iter().map(|s| words(&s.text)).collect();
        let sample_groups = sample_words.iter().map(|w| sample_group(w)).collect();
        let sample_penalties = library
            .samples
            .iter()
            .map(|s| {
                if s.has_sidecar() {
                    0.0
                } else {
                    NAME_ONLY_PENALTY
                }
            })
            .collect();
        Ok(Chooser {
            model,
            recipe_vectors,
            library,
            sample_words,
            sample_groups,
            sample_penalties,
        })
    }

    /// True when similarity by meaning is in use (the MiniLM model loaded).
    pub fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The sample library this chooser searches.
    pub fn library(&self) -> &LibraryIndex {
        &self.library
    }

    /// Every recipe and sample, best first.
    pub fn rank(&self, description: &str) -> Result<Vec<Ranked<'_>>> {
        let w = words(description);
        let query = match &self.model {
            Some(m) if !w.is_empty() => Some(m.embed(&[description.trim().to_string()])?.remove(0)),
            _ => None,
        };
        let sim = |v: &[f32]| query.as_deref().map_or(0.0, |q| similarity(q, v));
        let boost = |points: u32| KEYWORD_BOOST * points.min(KEYWORD_CAP) as f32;
        let mut ranked = Vec::with_capacity(recipes().len() + self.library.samples.len());
        for (i, r) in recipes().iter().enumerate() {
            let similarity = self.recipe_vectors.get(i).map_or(0.0, |v| sim(v));
            let keywords = keyword_score(&w, r);
            ranked.push(Ranked {
                item: Item::Recipe(r),
                group: r.group,
                similarity,
                score: similarity + boost(keywords),
                keywords,
            });
        }
        // A sample's name or table names it by the words that say what is heard: where it
        // is heard ("on a wooden door") would let any door recording outscore a knock.
        let content: Vec<String> = outside_settings(&w)
            .into_iter()
            .filter(|x| x.len() >= 3 && !STOPWORDS.contains(&x.as_str()))
            .collect();
        for (i, s) in self.library.samples.iter().enumerate() {
            let similarity = self.library.embeddings.get(i).map_or(0.0, |v| sim(v));
            let named = content
                .iter()
                .filter(|d| {
                    self.sample_words[i]
                        .iter()
                        .any(|t| inflects(d, t) || inflects(t, d))
                })
                .count() as u32;
            let keywords = named * 3;
            ranked.push(Ranked {
                item: Item::Sample(s),
                group: self.sample_groups[i],
                similarity,
                score: similarity + boost(keywords) - self.sample_penalties[i],
                keywords,
            });
        }
        // A stable sort keeps catalogue order among equal scores.
        ranked.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal));
        Ok(ranked)
    }

    /// The sound for a description. An empty description gives room tone; one that nothing
    /// fits gives the closest general recipe. Both warn. A pick that is not
    /// [`Decision::confident`] warns too, naming the two closest alternatives, so that the
    /// user knows which rows to listen to.
    pub fn choose(&self, description: &str) -> Result<Decision<'_>> {
        let default = || Item::Recipe(find_recipe(DEFAULT_RECIPE).expect("in the catalogue"));
        if words(description).is_empty() {
            return Ok(Decision {
                item: default(),
                confident: false,
                score: 0.0,
                unexplained: Vec::new(),
                warnings: vec![
                    "empty sound-effect description: rendered room tone (describe the sound, e.g. \"rain on a window\")"
                        .to_string(),
                ],
            });
        }
        let ranked = self.rank(description)?;
        let best = &ranked[0];
        let alternatives = || {
            let others: Vec<String> = ranked
                .iter()
                .skip(1)
                .filter(|r| r.item.source() != best.item.source())
                .take(2)
                .map(|r| format!("{} ({:.2})", r.item.source(), r.score))
                .collect();
            others.join(" and ")
        };
        if best.keywords > 0 || (self.has_model() && best.score >= THRESHOLD) {
            let unexplained = self.unexplained(description, &best.item);
            let confident = self.is_confident(best, &unexplained);
            let warnings = if confident {
                Vec::new()
            } else {
                // Say why: the words the pick leaves out, or a score under the line.
                let why = if unexplained.is_empty() {
                    format!("score {:.2}, under {CONFIDENT}", best.score)
                } else {
                    format!(
                        "score {:.2}, but nothing in it is {}",
                        best.score,
                        unexplained
                            .iter()
                            .map(|w| format!("\"{w}\""))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )
                };
                vec![format!(
                    "not sure of the sound \"{}\": picked {} ({why}); the closest others are {}. Listen to it, describe the sound differently, or give a `file:`",
                    description.trim(),
                    best.item.source(),
                    alternatives()
                )]
            };
            return Ok(Decision {
                item: best.item,
                confident,
                score: best.score,
                unexplained,
                warnings,
            });
        }
        // Without the model every similarity is 0: nothing is closer than room tone.
        let general = ranked
            .iter()
            .filter(|_| self.has_model())
            .find(|r| matches!(r.item, Item::Recipe(x) if GENERAL.contains(&x.name)));
        let (item, score) = general.map_or((default(), 0.0), |r| (r.item, r.score));
        let why = if self.has_model() {
            format!(
                "the closest, {}, scores only {:.2} (threshold {THRESHOLD}), then {}",
                best.item.source(),
                best.score,
                alternatives()
            )
        } else {
            "no recipe's keywords appear in it and the MiniLM model is not installed (run scripts/setup)"
                .to_string()
        };
        Ok(Decision {
            item,
            confident: false,
            score,
            unexplained: Vec::new(),
            warnings: vec![format!(
                "nothing matches the sound \"{}\": {why}; rendered the general {}. `onair sfx search` lists the candidates",
                description.trim(),
                item.source()
            )],
        })
    }

    /// Whether `best` is sure enough to go unflagged (see [`Decision::confident`]).
    pub fn is_confident(&self, best: &Ranked<'_>, unexplained: &[String]) -> bool {
        // Without the model a score is keywords alone: a word that names the sound is as
        // sure as that gets.
        let sure = if self.has_model() {
            best.score >= CONFIDENT
        } else {
            best.keywords >= 3
        };
        sure && unexplained.is_empty()
    }

    /// The words of `description` that name what is heard and that `item`'s text does not
    /// account for: not a function word, not a word of manner, size, distance, pace or
    /// count (those shape the sound rather than choose it), and not in the item's text
    /// (its sentence and keywords, or a recording's description and tags), allowing for
    /// inflections.
    pub fn unexplained(&self, description: &str, item: &Item<'_>) -> Vec<String> {
        let text = match item {
            Item::Recipe(r) => words(&format!(
                "{} {} {}",
                r.about,
                r.keywords.join(" "),
                r.hints.join(" ")
            )),
            Item::Sample(s) => words(&s.text),
        };
        let mut out: Vec<String> = Vec::new();
        for w in outside_settings(&words(description)) {
            if w.len() < 3
                || w.chars().all(|c| c.is_ascii_digit())
                || STOPWORDS.contains(&w.as_str())
                || FUNCTION_WORDS.contains(&w.as_str())
                || super::words::shapes_the_sound(&w)
                || text.iter().any(|t| same_word(&w, t))
                || out.contains(&w)
            {
                continue;
            }
            out.push(w);
        }
        out
    }
}

/// The text a recipe is compared with: its sentence and its naming words.
fn recipe_text(r: &Recipe) -> String {
    format!("{}: {}", r.about, r.keywords.join(", "))
}
