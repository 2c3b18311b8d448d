//! Part-of-speech tags (Penn Treebank) from hibari's averaged perceptron, which was trained to
//! give the tags spaCy's `en_core_web_sm` gives, so the lexicon's tagged entries ("read",
//! "live", "record") and function-word rules choose as in the reference pipeline. Greedy, left
//! to right: a word with one dominant tag takes it from the tag dictionary; any other word is
//! scored from features of itself, its neighbours and the two previous tags (the design of
//! Honnibal's "A good part-of-speech tagger in about 200 lines of Python").

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::chars;
use super::read_json_gz;
use crate::Result;

#[derive(Deserialize)]
struct Model {
    tags: Vec<String>,
    tagdict: HashMap<String, String>,
    vocab: Vec<String>,
    weights: HashMap<String, HashMap<String, f64>>,
}

/// The trained tagger.
pub struct Tagger {
    tags: Vec<String>,
    tagdict: HashMap<String, String>,
    vocab: HashSet<String>,
    /// Feature → (index into `tags`, weight).
    weights: HashMap<String, Vec<(usize, f64)>>,
}

const START: [&str; 2] = ["-START2-", "-START-"];
const END: [&str; 2] = ["-END-", "-END2-"];

/// The word as the feature window sees it: hyphenated words, years and numbers as classes.
fn normal_form(word: &str) -> String {
    if word.contains('-') && !word.starts_with('-') {
        "!HYPHEN".into()
    } else if chars::is_digits(word) && chars::len(word) == 4 {
        "!YEAR".into()
    } else if word.chars().next().is_some_and(chars::is_digit_char) {
        "!DIGITS".into()
    } else {
        word.to_lowercase()
    }
}

/// The capitalisation and character classes of a word: "x", "Xx", "XX", "d", "dd.d", …
fn shape(word: &str) -> String {
    if chars::is_alpha(word) {
        if chars::is_lower(word) {
            return "x".into();
        }
        if chars::is_upper(word) {
            return if chars::len(word) > 1 { "XX" } else { "X1" }.into();
        }
        let first_upper = word.chars().next().is_some_and(char::is_uppercase);
        return if first_upper && chars::is_lower(chars::skip(word, 1)) {
            "Xx".into()
        } else {
            "xX".into()
        };
    }
    if chars::is_digits(word) {
        return "d".into();
    }
    word.chars()
        .take(4)
        .map(|c| {
            if chars::is_digit_char(c) {
                'd'
            } else if c.is_alphabetic() {
                'x'
            } else {
                c
            }
        })
        .collect()
}

impl Tagger {
    /// Reads `tagger.json.gz` from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let model: Model = read_json_gz(&dir.join("tagger.json.gz"))?;
        let index: HashMap<&str, usize> = model
            .tags
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let weights = model
            .weights
            .into_iter()
            .map(|(feature, by_tag)| {
                let mut row: Vec<(usize, f64)> = by_tag
                    .into_iter()
                    .filter_map(|(tag, w)| Some((*index.get(tag.as_str())?, w)))
                    .collect();
                row.sort_by_key(|&(i, _)| i);
                (feature, row)
            })
            .collect();
        Ok(Tagger {
            tagdict: model.tagdict,
            vocab: model.vocab.into_iter().collect(),
            weights,
            tags: model.tags,
        })
    }

    /// The best-scoring tag for one set of features; ties go to the tag that sorts last, and a
    /// word no feature knows is a noun.
    fn predict(&self, features: &[String]) -> String {
        let mut scores: Vec<Option<f64>> = vec![None; self.tags.len()];
        for feature in features {
            for &(tag, w) in self.weights.get(feature).map_or(&[][..], Vec::as_slice) {
                *scores[tag].get_or_insert(0.0) += w;
            }
        }
        if scores.iter().all(Option::is_none) {
            return "NN".into();
        }
        let mut best: Option<(f64, &str)> = None;
        for (i, tag) in self.tags.iter().enumerate() {
            let score = scores[i].unwrap_or(0.0);
            let better = match best {
                None => true,
                Some((s, t)) => score > s || (score == s && tag.as_str() > t),
            };
            if better {
                best = Some((score, tag));
            }
        }
        best.map_or_else(|| "NN".into(), |(_, t)| t.to_string())
    }

    /// One tag per word.
    pub fn tag(&self, words: &[&str]) -> Vec<String> {
        let mut window: Vec<String> = START.iter().map(|s| s.to_string()).collect();
        for w in words {
            let n = normal_form(w);
            window.push(if self.vocab.contains(&n) {
                n
            } else {
                format!("<{}>", shape(w))
            });
        }
        window.extend(END.iter().map(|s| s.to_string()));

        let (mut prev, mut prev2) = (START[1].to_string(), START[0].to_string());
        let mut tags = Vec::with_capacity(words.len());
        for (i, word) in words.iter().enumerate() {
            let tag = match self.tagdict.get(*word) {
                Some(tag) => tag.clone(),
                None => {
                    let j = i + 2;
                    let first: String = word.chars().take(1).collect();
                    let features = [
                        "b".to_string(),
                        format!("s3={}", chars::last_n(word, 3)),
                        format!("p1={first}"),
                        format!("w={}", window[j]),
                        format!("sh={}", shape(word)),
                        if i == 0 { "i0" } else { "i+" }.to_string(),
                        format!("t-1={prev}"),
                        format!("t-2={prev2}"),
                        format!("t-12={prev},{prev2}"),
                        format!("w-1={}", window[j - 1]),
                        format!("s3-1={}", chars::last_n(&window[j - 1], 3)),
                        format!("w-2={}", window[j - 2]),
                        format!("w+1={}", window[j + 1]),
                        format!("s3+1={}", chars::last_n(&window[j + 1], 3)),
                        format!("w+2={}", window[j + 2]),
                    ];
                    self.predict(&features)
                }
            };
            prev2 = std::mem::replace(&mut prev, tag.clone());
            tags.push(tag);
        }
        tags
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_normal_forms() {
        assert_eq!(shape("hello"), "x");
        assert_eq!(shape("Hello"), "Xx");
        assert_eq!(shape("NASA"), "XX");
        assert_eq!(shape("I"), "X1");
        assert_eq!(shape("iPhone"), "xX");
        assert_eq!(shape("2024"), "d");
        assert_eq!(shape("3.5kg"), "d.dx");
        assert_eq!(normal_form("well-known"), "!HYPHEN");
        assert_eq!(normal_form("1990"), "!YEAR");
        assert_eq!(normal_form("42"), "!DIGITS");
        assert_eq!(normal_form("Hello"), "hello");
    }
}
