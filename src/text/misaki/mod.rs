//! English text → phonemes in misaki's alphabet, the front end of the hibari voice, without
//! espeak-ng or spaCy: [`G2p::phonemize`] turns "Hello there." into `həlˈO ðˈɛɹ.`.
//!
//! Pipeline (misaki 0.9.4 `en.py`, as hibari 0.2.1 ported it to plain Python, here in Rust):
//! normalize (times, dates, units → words) → tokenize (spaCy's rules) → tag (an averaged
//! perceptron that imitates spaCy's tagger) → split tokens into sub-words → read each word
//! from the gold / silver dictionaries with part-of-speech and next-word rules, right to left
//! so "the" knows whether a vowel follows → unknown words through a small character
//! transformer trained on espeak-ng ([`crate::ml::oov`]) → stress balanced inside compounds.
//! The assets are the ones `scripts/setup` installs into `models/hibari/`.
//!
//! Phonemes are one character each: misaki writes diphthongs as capitals (A = eɪ, I = aɪ,
//! O = oʊ, W = aʊ, Y = ɔɪ), a flap as T, and keeps clause punctuation, so a model's vocabulary
//! maps every character to one id.

mod chars;
mod lexicon;
mod normalize;
mod numbers;
mod tagger;
mod tokenize;

use std::io::Read;
use std::path::Path;

use fancy_regex::Regex;
use serde::de::DeserializeOwned;

use crate::ml::oov::OovNet;
use crate::{Error, Result};
use lexicon::{
    Lexicon, PRIMARY, apply_stress, currency_units, is_consonant, is_vowel, stress_weight,
};
use normalize::Normalizer;
use tagger::Tagger;
use tokenize::Tokenizer;

/// The engine name used in errors.
const ENGINE: &str = "speech/hibari";

/// Sentences whose phonemes are longer than this are cut at clause punctuation, so the
/// acoustic model never sees more than it was trained on (hibari's limit).
pub const MAX_PHONEMES: usize = 400;

fn missing(path: &Path) -> Error {
    Error::MissingAsset {
        what: "hibari front-end data".into(),
        path: path.to_path_buf(),
        hint: "run scripts/setup to install the hibari voice".into(),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            missing(path)
        } else {
            Error::io(path, e)
        }
    })
}

fn parse<T: DeserializeOwned>(bytes: &[u8], path: &Path) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::engine(
            ENGINE,
            format!(
                "{}: not the expected JSON ({e}); run scripts/setup again",
                path.display()
            ),
        )
    })
}

pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T> {
    parse(&read_bytes(path)?, path)
}

pub(crate) fn read_json_gz<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let compressed = read_bytes(path)?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Error::engine(
                ENGINE,
                format!(
                    "{}: not a readable gzip file ({e}); run scripts/setup again",
                    path.display()
                ),
            )
        })?;
    parse(&bytes, path)
}

/// One token on its way through the pipeline (misaki's `MToken`).
#[derive(Debug, Clone, Default)]
pub struct Token {
    pub text: String,
    /// Penn Treebank part-of-speech tag.
    pub tag: String,
    /// Whitespace followed the token in the text.
    pub whitespace: bool,
    pub phonemes: Option<String>,
    /// The first sub-token of a written word (a leading minus is only a sign there).
    pub is_head: bool,
    /// A word to read instead of the text ("2" between letters is "to").
    pub alias: Option<String>,
    pub stress: Option<f64>,
    /// The currency symbol an amount was written with ("$" before "9.99").
    pub currency: Option<String>,
    /// Put a space before this sub-token's phonemes when its word is joined up.
    pub prespace: bool,
    pub rating: Option<u8>,
}

/// What the words to the right tell the word being read: whether the next sound is a vowel
/// (None: a pause or nothing follows), and whether the next word is "to" ("used to").
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    pub future_vowel: Option<bool>,
    pub future_to: bool,
}

/// A written word: one token, or sub-tokens written together ("state-of-the-art").
#[derive(Debug)]
enum Word {
    One(Token),
    Joined(Vec<Token>),
}

/// Characters that carry no sound inside a word.
fn is_junk(c: char) -> bool {
    "',-._‘’/".contains(c)
}

fn all_junk(text: &str) -> bool {
    text.chars().all(is_junk)
}

/// Punctuation kept in the phonemes as a pause.
fn is_pause(c: char) -> bool {
    ";:,.!?—…".contains(c)
}

const PUNCT_TAGS: [&str; 11] = [
    ".", ",", "-LRB-", "-RRB-", "``", "\"\"", "''", ":", "$", "#", "NFP",
];

/// Words (looked up in the lexicon) for symbols in words nothing else could read.
fn symbol_words(c: char) -> Option<&'static str> {
    Some(match c {
        '/' => "slash",
        '=' => "equals",
        '+' => "plus",
        '&' => "and",
        '@' => "at",
        '%' => "percent",
        '#' => "hash",
        '*' => "asterisk",
        '~' => "tilde",
        '^' => "caret",
        '<' => "less than",
        '>' => "greater than",
        _ => return None,
    })
}

/// Merges sub-tokens into one token for a dictionary lookup ("state-of-the-art" whole).
fn merge(tokens: &[Token]) -> Token {
    let text: String = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i + 1 < tokens.len() && t.whitespace {
                format!("{} ", t.text)
            } else {
                t.text.clone()
            }
        })
        .collect();
    // The tag of the piece with the most (capitals count double) letters.
    let weight = |t: &Token| -> usize {
        t.text
            .chars()
            .map(|c| {
                if c.to_lowercase().eq(std::iter::once(c)) {
                    1
                } else {
                    2
                }
            })
            .sum()
    };
    let mut tag_source = &tokens[0];
    for t in &tokens[1..] {
        if weight(t) > weight(tag_source) {
            tag_source = t;
        }
    }
    let mut stresses: Vec<f64> = tokens.iter().filter_map(|t| t.stress).collect();
    stresses.sort_by(f64::total_cmp);
    stresses.dedup();
    let ratings: Option<Vec<u8>> = tokens.iter().map(|t| t.rating).collect();
    Token {
        text,
        tag: tag_source.tag.clone(),
        whitespace: tokens.last().is_some_and(|t| t.whitespace),
        phonemes: None,
        is_head: tokens[0].is_head,
        alias: None,
        stress: if stresses.len() == 1 {
            Some(stresses[0])
        } else {
            None
        },
        currency: tokens.iter().filter_map(|t| t.currency.clone()).max(),
        prespace: tokens[0].prespace,
        rating: ratings.and_then(|r| r.into_iter().min()),
    }
}

/// The phonemes of joined sub-tokens, with a space where a sub-token asks for one.
fn joined_phonemes(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        let ps = t.phonemes.as_deref().unwrap_or("");
        if t.prespace && !out.is_empty() && !out.ends_with(char::is_whitespace) && !ps.is_empty() {
            out.push(' ');
        }
        out.push_str(ps);
    }
    out
}

/// Text → misaki phonemes, with every table loaded once.
pub struct G2p {
    normalizer: Normalizer,
    tokenizer: Tokenizer,
    tagger: Tagger,
    lexicon: Lexicon,
    oov: Option<OovNet>,
    titles: Vec<String>,
    link: Regex,
    subtoken: Regex,
    fallback_piece: Regex,
    sentence_end: Regex,
    clause: Regex,
}

impl G2p {
    /// Loads the front end from hibari's asset folder (`models/hibari`): lexicons, tagger,
    /// tokenizer exceptions, normalisation tables and the out-of-vocabulary net.
    pub fn load(dir: &Path) -> Result<Self> {
        let oov = OovNet::load(dir)?;
        Self::with_oov(dir, Some(oov))
    }

    /// Like [`G2p::load`], with `oov` reading words the dictionaries lack; `None` leaves
    /// such words silent (tests, or a caller with its own fallback).
    pub fn with_oov(dir: &Path, oov: Option<OovNet>) -> Result<Self> {
        #[derive(serde::Deserialize)]
        struct Titles {
            titles: std::collections::HashMap<String, String>,
        }
        let titles: Titles = read_json(&dir.join("normalize.json"))?;
        let compile =
            |p: &str| Regex::new(p).map_err(|e| Error::engine(ENGINE, format!("pattern: {e}")));
        Ok(G2p {
            normalizer: Normalizer::load(dir)?,
            tokenizer: Tokenizer::load(dir)?,
            tagger: Tagger::load(dir)?,
            lexicon: Lexicon::load(dir)?,
            oov,
            titles: titles.titles.into_keys().collect(),
            link: compile(r"\[([^\]]+)\]\(([^\)]*)\)")?,
            subtoken: compile(concat!(
                r"^['‘’]+|[A-ZÀ-ÖØ-Þ](?=[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ])|(?:^-)?(?:\d?[,.]?\d)+|[-_]+|['‘’]{2,}",
                r"|[^\W\d_]*?(?:['‘’][^\W\d_])*?[a-zß-öø-ÿ](?=[A-ZÀ-ÖØ-Þ])|[^\W\d_]+(?:['‘’][^\W\d_])*",
                r"|[^\w\-'‘’]|['‘’]+$"
            ))?,
            fallback_piece: compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[,.]\d+)*|[^\w\s]+")?,
            sentence_end: compile(r#"(?<=[.!?…])["”’)\]]*\s+(?=\S)"#)?,
            clause: compile(r"(?<=[,;:—])\s+")?,
        })
    }

    /// Phonemes for one sentence. Whitespace between words becomes one space; clause
    /// punctuation stays. `[word](/phonemes/)` sets a word's phonemes directly.
    pub fn phonemize(&self, sentence: &str) -> Result<String> {
        let text = self.normalizer.normalize(sentence);
        let tokens = self.phonemize_tokens(self.tokens(&text))?;
        let mut out = String::new();
        for t in &tokens {
            out.push_str(t.phonemes.as_deref().unwrap_or(""));
            if t.whitespace {
                out.push(' ');
            }
        }
        Ok(out.trim().to_string())
    }

    /// Phonemes for a whole text: one string per sentence (paragraphs and sentence-ending
    /// punctuation split it), a long sentence cut at clause punctuation so that no string
    /// exceeds [`MAX_PHONEMES`] characters where the text allows. Empty sentences are dropped.
    pub fn phonemize_text(&self, text: &str) -> Result<Vec<String>> {
        let mut chunks = Vec::new();
        for sentence in self.split_sentences(text) {
            let ps = self.phonemize(&sentence)?;
            if ps.is_empty() {
                continue;
            }
            if ps.chars().count() <= MAX_PHONEMES {
                chunks.push(ps);
                continue;
            }
            let mut current = String::new();
            for part in split_keep(&self.clause, &ps) {
                let needed = current.chars().count() + part.chars().count() + 1;
                if !current.is_empty() && needed > MAX_PHONEMES {
                    chunks.push(std::mem::take(&mut current));
                }
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(part);
            }
            if !current.is_empty() {
                chunks.push(current);
            }
        }
        Ok(chunks)
    }

    /// Sentences of `text`: lines, then sentence-ending punctuation followed by a space,
    /// except after a title ("Dr. Smith"), an initial ("J. K. Rowling") or before a lower-case
    /// word.
    pub fn split_sentences(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.trim().split('\n') {
            let para = para.trim();
            let mut cut = 0;
            for m in self.sentence_end.find_iter(para).flatten() {
                let next = para[m.end()..].chars().next().unwrap_or(' ');
                if self.ends_sentence(para, m.start(), next) {
                    out.push(para[cut..m.start()].to_string());
                    cut = m.end();
                }
            }
            out.push(para[cut..].to_string());
        }
        out.retain(|s| !s.trim().is_empty());
        out
    }

    fn ends_sentence(&self, para: &str, end: usize, next: char) -> bool {
        if next.is_lowercase() {
            return false;
        }
        if !para[..end].ends_with('.') {
            return true;
        }
        let before = &para[..end - 1];
        let word = before[before.rfind(' ').map_or(0, |i| i + 1)..]
            .trim_start_matches(['(', '"', '“', '\'', '‘']);
        let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        !(initial || self.titles.iter().any(|t| t == word))
    }

    /// Tokens with tags; `[text](/phonemes/)` becomes one token with those phonemes.
    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut tokens = Vec::new();
        let mut pos = 0;
        for caps in self.link.captures_iter(text).flatten() {
            let (Some(whole), Some(word), Some(target)) = (caps.get(0), caps.get(1), caps.get(2))
            else {
                continue;
            };
            tokens.extend(self.plain_tokens(&text[pos..whole.start()]));
            let target = target.as_str();
            let phonemes = (target.len() > 1 && target.starts_with('/') && target.ends_with('/'))
                .then(|| target[1..].trim_end_matches('/').to_string());
            tokens.push(Token {
                text: word.as_str().to_string(),
                tag: "NN".into(),
                whitespace: text[whole.end()..].starts_with(char::is_whitespace),
                phonemes,
                is_head: true,
                rating: Some(5),
                ..Token::default()
            });
            pos = whole.end();
        }
        tokens.extend(self.plain_tokens(&text[pos..]));
        tokens
    }

    fn plain_tokens(&self, text: &str) -> Vec<Token> {
        let pairs = self.tokenizer.tokenize(text);
        let words: Vec<&str> = pairs.iter().map(|(t, _)| t.as_str()).collect();
        let tags = self.tagger.tag(&words);
        pairs
            .into_iter()
            .zip(tags)
            .map(|((text, whitespace), tag)| Token {
                text,
                tag,
                whitespace,
                is_head: true,
                ..Token::default()
            })
            .collect()
    }

    /// Splits tokens into sub-words ("NASA's" → "NASA" "'s", "2nd-to-last" pieces), gives
    /// punctuation and currency symbols their phonemes, and groups the pieces of each written
    /// word.
    fn retokenize(&self, tokens: Vec<Token>) -> Vec<Word> {
        let mut words: Vec<Word> = Vec::new();
        let mut currency: Option<String> = None;
        let next_tags: Vec<Option<String>> = tokens
            .iter()
            .skip(1)
            .map(|t| Some(t.tag.clone()))
            .chain([None])
            .collect();
        for (token, next_tag) in tokens.into_iter().zip(next_tags) {
            let mut pieces: Vec<Token> = if token.alias.is_none() && token.phonemes.is_none() {
                self.subtoken
                    .find_iter(&token.text)
                    .flatten()
                    .map(|m| Token {
                        text: m.as_str().to_string(),
                        whitespace: false,
                        is_head: true,
                        prespace: false,
                        ..token.clone()
                    })
                    .collect()
            } else {
                Vec::new()
            };
            if pieces.is_empty() {
                pieces.push(token.clone());
            }
            if let Some(last) = pieces.last_mut() {
                last.whitespace = token.whitespace;
            }
            let count = pieces.len();
            let texts: Vec<String> = pieces.iter().map(|p| p.text.clone()).collect();
            for (j, mut piece) in pieces.into_iter().enumerate() {
                if piece.alias.is_some() || piece.phonemes.is_some() {
                } else if piece.tag == "$" && currency_units(&piece.text).is_some() {
                    currency = Some(piece.text.clone());
                    piece.phonemes = Some(String::new());
                    piece.rating = Some(4);
                } else if piece.tag == ":" && (piece.text == "-" || piece.text == "–") {
                    piece.phonemes = Some("—".into());
                    piece.rating = Some(3);
                } else if PUNCT_TAGS.contains(&piece.tag.as_str())
                    && !piece.text.chars().all(|c| c.is_ascii_alphabetic())
                {
                    piece.phonemes = Some(match piece.tag.as_str() {
                        "-LRB-" => "(".into(),
                        "-RRB-" => ")".into(),
                        "``" => "“".into(),
                        "\"\"" | "''" => "”".into(),
                        _ => piece
                            .text
                            .chars()
                            .filter(|&c| is_pause(c) || "\"“”".contains(c))
                            .collect(),
                    });
                    piece.rating = Some(4);
                } else if let Some(symbol) = &currency {
                    if piece.tag != "CD" {
                        currency = None;
                    } else if j + 1 == count && next_tag.as_deref() != Some("CD") {
                        piece.currency = Some(symbol.clone());
                    }
                } else if 0 < j && j + 1 < count && piece.text == "2" {
                    let around: String = texts[j - 1]
                        .chars()
                        .last()
                        .into_iter()
                        .chain(texts[j + 1].chars().next())
                        .collect();
                    if chars::is_alpha(&around) {
                        piece.alias = Some("to".into());
                    }
                }

                if piece.alias.is_some() || piece.phonemes.is_some() {
                    words.push(Word::One(piece));
                } else if let Some(Word::Joined(group)) = words.last_mut()
                    && group.last().is_some_and(|t| !t.whitespace)
                {
                    piece.is_head = false;
                    group.push(piece);
                } else if piece.whitespace {
                    words.push(Word::One(piece));
                } else {
                    words.push(Word::Joined(vec![piece]));
                }
            }
        }
        words
            .into_iter()
            .map(|w| match w {
                Word::Joined(mut group) if group.len() == 1 => Word::One(group.remove(0)),
                w => w,
            })
            .collect()
    }

    /// What a word's phonemes tell the word before it.
    fn context_after(ctx: Context, ps: Option<&str>, token: &Token) -> Context {
        let mut vowel = ctx.future_vowel;
        if let Some(ps) = ps
            && let Some(c) = ps
                .chars()
                .find(|&c| is_vowel(c) || is_consonant(c) || is_pause(c))
        {
            vowel = if is_pause(c) { None } else { Some(is_vowel(c)) };
        }
        let future_to = matches!(token.text.as_str(), "to" | "To")
            || (token.text == "TO" && (token.tag == "TO" || token.tag == "IN"));
        Context {
            future_vowel: vowel,
            future_to,
        }
    }

    /// Stress inside a word read piece by piece: pieces joined without a space share one
    /// primary stress the way a compound does.
    fn resolve(group: &mut [Token]) {
        let merged = merge(group);
        let text = merged.text;
        let classes: std::collections::HashSet<u8> = text
            .chars()
            .filter(|&c| !is_junk(c))
            .map(|c| {
                if c.is_alphabetic() {
                    0
                } else if c.is_ascii_digit() {
                    1
                } else {
                    2
                }
            })
            .collect();
        let prespace = text.contains(' ') || text.contains('/') || classes.len() > 1;
        let last = group.len() - 1;
        for (i, t) in group.iter_mut().enumerate() {
            if t.phonemes.is_none() {
                if i == last && t.text.chars().count() == 1 && t.text.chars().all(is_pause) {
                    t.phonemes = Some(t.text.clone());
                    t.rating = Some(3);
                } else if all_junk(&t.text) {
                    t.phonemes = Some(String::new());
                    t.rating = Some(3);
                }
            } else if i > 0 {
                t.prespace = prespace;
            }
        }
        if prespace {
            return;
        }
        let mut stressed: Vec<(bool, usize, usize)> = group
            .iter()
            .enumerate()
            .filter_map(|(i, t)| {
                let ps = t.phonemes.as_deref().filter(|p| !p.is_empty())?;
                Some((ps.contains(PRIMARY), stress_weight(ps), i))
            })
            .collect();
        let demote = |t: &mut Token| {
            if let Some(ps) = &t.phonemes {
                t.phonemes = Some(apply_stress(ps, Some(-0.5)));
            }
        };
        if stressed.len() == 2 && group[stressed[0].2].text.chars().count() == 1 {
            demote(&mut group[stressed[1].2]);
            return;
        }
        let primaries = stressed.iter().filter(|s| s.0).count();
        if stressed.len() < 2 || primaries <= stressed.len().div_ceil(2) {
            return;
        }
        stressed.sort();
        for &(_, _, i) in &stressed[..stressed.len() / 2] {
            demote(&mut group[i]);
        }
    }

    /// An unknown word: letters through the OOV net, digit runs through the number reader,
    /// symbols by name.
    fn fallback(&self, token: &Token) -> Result<(String, u8)> {
        let Some(oov) = &self.oov else {
            return Ok((String::new(), 3));
        };
        let mut out = Vec::new();
        for piece in self.fallback_piece.find_iter(&token.text).flatten() {
            let piece = piece.as_str();
            let first = piece.chars().next().unwrap_or(' ');
            let ps = if first.is_ascii_digit() {
                self.lexicon.number(piece, None, false).map(|(ps, _)| ps)
            } else if first.is_alphabetic() {
                oov.read(piece)?
            } else {
                let words: Vec<String> = piece
                    .chars()
                    .filter_map(|c| match c {
                        '—' => Some("—".to_string()),
                        _ => symbol_words(c).map(|w| {
                            w.split(' ')
                                .filter_map(|w| self.lexicon.lookup(w, None, None, None))
                                .map(|(ps, _)| ps)
                                .collect::<Vec<_>>()
                                .join(" ")
                        }),
                    })
                    .collect();
                Some(words.concat())
            };
            if let Some(ps) = ps.filter(|p| !p.is_empty()) {
                out.push(ps);
            }
        }
        Ok(if out.is_empty() {
            (String::new(), 3)
        } else {
            (out.join(" "), 2)
        })
    }

    /// Reads every word, right to left, and returns one token per written word.
    fn phonemize_tokens(&self, tokens: Vec<Token>) -> Result<Vec<Token>> {
        let mut words = self.retokenize(tokens);
        let mut ctx = Context::default();
        for word in words.iter_mut().rev() {
            match word {
                Word::One(t) => {
                    if t.phonemes.is_none()
                        && let Some((ps, rating)) = self.lexicon.read(t, &ctx)
                    {
                        t.phonemes = Some(ps);
                        t.rating = Some(rating);
                    }
                    if t.phonemes.is_none() {
                        let (ps, rating) = self.fallback(t)?;
                        t.phonemes = Some(ps);
                        t.rating = Some(rating);
                    }
                    ctx = Self::context_after(ctx, t.phonemes.as_deref(), t);
                }
                Word::Joined(group) => {
                    ctx = self.read_joined(group, ctx)?;
                }
            }
        }
        let mut out: Vec<Token> = words
            .into_iter()
            .map(|w| match w {
                Word::One(t) => t,
                Word::Joined(group) => {
                    let mut t = merge(&group);
                    t.phonemes = Some(joined_phonemes(&group));
                    t
                }
            })
            .collect();
        for t in &mut out {
            if let Some(ps) = &t.phonemes {
                t.phonemes = Some(ps.replace('ɾ', "T").replace('ʔ', "t"));
            }
        }
        Ok(out)
    }

    /// Reads a word written as several pieces: the longest run of pieces the lexicon knows
    /// as a whole, from the right; the whole word goes to the fallback when a piece cannot
    /// be read.
    fn read_joined(&self, group: &mut [Token], mut ctx: Context) -> Result<Context> {
        let (mut left, mut right) = (0, group.len());
        let mut unreadable = false;
        while left < right {
            let reading = if group[left..right]
                .iter()
                .any(|t| t.alias.is_some() || t.phonemes.is_some())
            {
                None
            } else {
                let merged = merge(&group[left..right]);
                self.lexicon.read(&merged, &ctx).map(|r| (r, merged))
            };
            if let Some(((ps, rating), merged)) = reading {
                ctx = Self::context_after(ctx, Some(&ps), &merged);
                group[left].phonemes = Some(ps);
                group[left].rating = Some(rating);
                for t in &mut group[left + 1..right] {
                    t.phonemes = Some(String::new());
                    t.rating = Some(rating);
                }
                right = left;
                left = 0;
            } else if left + 1 < right {
                left += 1;
            } else {
                right -= 1;
                let t = &mut group[right];
                if t.phonemes.is_none() {
                    if all_junk(&t.text) {
                        t.phonemes = Some(String::new());
                        t.rating = Some(3);
                    } else {
                        unreadable = true;
                        break;
                    }
                }
                left = 0;
            }
        }
        if unreadable {
            let (ps, rating) = self.fallback(&merge(group))?;
            group[0].phonemes = Some(ps);
            group[0].rating = Some(rating);
            for t in &mut group[1..] {
                t.phonemes = Some(String::new());
                t.rating = Some(rating);
            }
        } else {
            Self::resolve(group);
        }
        Ok(ctx)
    }
}

/// `re.split` for a pattern without groups: the text between matches.
fn split_keep<'t>(re: &Regex, text: &'t str) -> Vec<&'t str> {
    let mut parts = Vec::new();
    let mut start = 0;
    for m in re.find_iter(text).flatten() {
        parts.push(&text[start..m.start()]);
        start = m.end();
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The front end with the installed assets, loaded once for all tests; None (and the test
    /// skips) when `scripts/setup` has not installed hibari.
    fn g2p() -> Option<&'static G2p> {
        static G2P: OnceLock<Option<G2p>> = OnceLock::new();
        G2P.get_or_init(|| {
            let dir = crate::Settings::default().hibari_dir();
            if !dir.join("lexicon_us_gold.json.gz").exists() {
                eprintln!("skipped: {} is absent (run scripts/setup)", dir.display());
                return None;
            }
            Some(G2p::load(&dir).expect("hibari front end loads"))
        })
        .as_ref()
    }

    fn reference() -> Vec<(String, String)> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/misaki_reference.tsv");
        std::fs::read_to_string(path)
            .expect("reference table")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (text, ps) = l.split_once('\t').expect("text<TAB>phonemes");
                (text.to_string(), ps.to_string())
            })
            .collect()
    }

    #[test]
    fn matches_the_reference_front_end() {
        let Some(g2p) = g2p() else { return };
        let mut wrong = Vec::new();
        let cases = reference();
        for (text, expected) in &cases {
            let got = g2p.phonemize(text).expect("phonemize");
            if &got != expected {
                wrong.push(format!("{text}\n  expected {expected}\n  got      {got}"));
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {} differ:\n{}",
            wrong.len(),
            cases.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn unknown_words_go_through_the_oov_net_as_in_the_reference() {
        let Some(g2p) = g2p() else { return };
        let oov = g2p.oov.as_ref().expect("the OOV net is loaded");
        // Outputs of hibari's onnxruntime session for the same words.
        assert_eq!(
            oov.read("Zyxoplenk").unwrap().as_deref(),
            Some("zˈIksəplˌɛŋk")
        );
        assert_eq!(
            oov.read("Kazuhiro").unwrap().as_deref(),
            Some("kˌæzjuhˈiəɹO")
        );
        // Longer than the net's 24-character window: read from its first 24 characters.
        assert_eq!(
            oov.read("Abcdefghijklmnopqrstuvwxyzabc")
                .unwrap()
                .as_deref(),
            Some("əbkdɪfɡhˌAklmnˈɑpkɹstˌʌvwks")
        );
        assert_eq!(oov.read("日本").unwrap(), None);
    }

    #[test]
    fn sentences_split_at_ends_but_not_after_titles_or_initials() {
        let Some(g2p) = g2p() else { return };
        let text =
            "Dr. Smith arrived. J. K. Rowling wrote it! is this right? yes.\n\nNew paragraph here";
        assert_eq!(
            g2p.split_sentences(text),
            [
                "Dr. Smith arrived.",
                "J. K. Rowling wrote it! is this right? yes.",
                "New paragraph here"
            ]
        );
        let chunks = g2p.phonemize_text(text).unwrap();
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0], "dˈɑktəɹ smˈɪθ əɹˈIvd.");
    }

    #[test]
    fn long_sentences_are_cut_at_clauses_under_the_limit() {
        let Some(g2p) = g2p() else { return };
        let clause = "the orchestra played a long and beautiful symphony for the audience";
        let sentence = format!("{}.", [clause; 12].join(", "));
        let whole = g2p.phonemize(&sentence).unwrap();
        assert!(
            whole.chars().count() > MAX_PHONEMES,
            "the test needs a long sentence"
        );
        let chunks = g2p.phonemize_text(&sentence).unwrap();
        assert!(chunks.len() >= 2);
        assert!(
            chunks.iter().all(|c| c.chars().count() <= MAX_PHONEMES),
            "{chunks:?}"
        );
        // Nothing is lost: the chunks joined with spaces are the whole sentence.
        assert_eq!(chunks.join(" "), whole);
    }

    #[test]
    fn phoneme_overrides_and_determinism() {
        let Some(g2p) = g2p() else { return };
        assert_eq!(
            g2p.phonemize("Say [onair](/ˈɑnˌɛɹ/) now.").unwrap(),
            "sˈA ˈɑnˌɛɹ nˈW."
        );
        let text = "Welcome to Mars News, read by Zyxoplenk at 7:30 pm.";
        assert_eq!(g2p.phonemize(text).unwrap(), g2p.phonemize(text).unwrap());
    }

    #[test]
    fn odd_input_never_panics() {
        let Some(g2p) = g2p() else { return };
        let odd = [
            "",
            "   ",
            "...",
            "—",
            "''",
            "-",
            "$",
            "€.",
            "9999999999999999999999999999999999999999999999",
            "1.2.3.4.5",
            "-.5",
            "$.",
            "12:99 pm",
            "99/99/9999",
            "🎉🎉 party 🎉",
            "日本語のテキスト",
            "Ωμέγα and ДА",
            "a\u{0}b\u{7}c",
            "[broken](link",
            "[x](/)",
            "IV. V. X.",
            "'''''",
            "word-'-word",
            "٣٤٥ and ²³",
            "ﬁne ＡＢＣ",
        ];
        for text in odd {
            g2p.phonemize(text).unwrap();
            g2p.phonemize_text(text).unwrap();
        }
        assert_eq!(g2p.phonemize("").unwrap(), "");
    }

    #[test]
    fn missing_assets_name_the_file_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let err = G2p::load(dir.path()).err().expect("nothing to load");
        let message = err.to_string();
        assert!(matches!(err, Error::MissingAsset { .. }), "{message}");
        assert!(message.contains("run scripts/setup"), "{message}");
        // Corrupt files are errors too, not panics.
        std::fs::write(dir.path().join("normalize.json"), "{not json").unwrap();
        assert!(G2p::with_oov(dir.path(), None).is_err());
        std::fs::write(dir.path().join("tagger.json.gz"), "not gzip").unwrap();
        assert!(read_json_gz::<serde_json::Value>(&dir.path().join("tagger.json.gz")).is_err());
    }
}
