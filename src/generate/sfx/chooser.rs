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
            Item::Sample(s) => format!("sample:{}", s.path.display()),
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
        let content: Vec<&String> = w
            .iter()
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
    /// fits gives the closest general recipe. Both warn.
    pub fn choose(&self, description: &str) -> Result<Decision<'_>> {
        let default = || Item::Recipe(find_recipe(DEFAULT_RECIPE).expect("in the catalogue"));
        if words(description).is_empty() {
            return Ok(Decision {
                item: default(),
                warnings: vec![
                    "empty sound-effect description: rendered room tone (describe the sound, e.g. \"rain on a window\")"
                        .to_string(),
                ],
            });
        }
        let ranked = self.rank(description)?;
        let best = &ranked[0];
        if best.keywords > 0 || (self.has_model() && best.score >= THRESHOLD) {
            return Ok(Decision {
                item: best.item,
                warnings: Vec::new(),
            });
        }
        // Without the model every similarity is 0: nothing is closer than room tone.
        let general = ranked
            .iter()
            .filter(|_| self.has_model())
            .find(|r| matches!(r.item, Item::Recipe(x) if GENERAL.contains(&x.name)))
            .map_or_else(default, |r| r.item);
        let why = if self.has_model() {
            format!(
                "the closest, {}, scores only {:.2} (threshold {THRESHOLD})",
                best.item.source(),
                best.score
            )
        } else {
            "no recipe's keywords appear in it and the MiniLM model is not installed (run scripts/setup)"
                .to_string()
        };
        Ok(Decision {
            item: general,
            warnings: vec![format!(
                "nothing matches the sound \"{}\": {why}; rendered the general {}. `onair sfx search` lists the candidates",
                description.trim(),
                general.source()
            )],
        })
    }
}

/// The text a recipe is compared with: its sentence and its naming words.
fn recipe_text(r: &Recipe) -> String {
    format!("{}: {}", r.about, r.keywords.join(", "))
}
