//! Word → phonemes from misaki's American English dictionaries (gold: hand-checked, silver:
//! generated), with misaki's rules around them: entries chosen by part of speech ("read" as
//! VBD is ɹˈɛd), function words that depend on the next word ("the" before a vowel is ði),
//! letter-by-letter acronyms, the -s / -ed / -ing suffixes added to a known stem, stress moved
//! by capitalisation, and numbers read as cardinals, ordinals, years, money or digits.
//!
//! The rules follow misaki 0.9.4 `en.py` (Apache-2.0, hexgrad) as hibari 0.2.1 ported them,
//! because hibari's acoustic model learned from phonemes produced exactly this way.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::chars;
use super::numbers;
use super::{Context, Token, read_json_gz};
use crate::Result;

pub const PRIMARY: char = 'ˈ';
pub const SECONDARY: char = 'ˌ';

/// Vowel symbols of misaki's alphabet (capitals are diphthongs: A = eɪ, I = aɪ, O = oʊ, …).
pub fn is_vowel(c: char) -> bool {
    "AIOQWYaiuæɑɒɔəɛɜɪʊʌᵻ".contains(c)
}

pub fn is_consonant(c: char) -> bool {
    "bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθ".contains(c)
}

fn is_diphthong(c: char) -> bool {
    "AIOQWYʤʧ".contains(c)
}

/// Vowels after which an American t is flapped ("getting" → ɡˈɛɾɪŋ).
fn flaps_t(c: char) -> bool {
    "AIOWYiuæɑəɛɪɹʊʌ".contains(c)
}

/// The currencies misaki reads itself, as (unit, hundredth).
pub fn currency_units(symbol: &str) -> Option<(&'static str, &'static str)> {
    match symbol {
        "$" => Some(("dollar", "cent")),
        "£" => Some(("pound", "pence")),
        "€" => Some(("euro", "cent")),
        _ => None,
    }
}

const ORDINAL_SUFFIXES: [&str; 4] = ["st", "nd", "rd", "th"];

/// How heavy a reading is, counting diphthongs twice; used to decide which part of a
/// compound keeps its primary stress.
pub fn stress_weight(ps: &str) -> usize {
    ps.chars()
        .map(|c| if is_diphthong(c) { 2 } else { 1 })
        .sum()
}

fn has_stress(ps: &str) -> bool {
    ps.contains(PRIMARY) || ps.contains(SECONDARY)
}

/// Puts `mark` before the first vowel of `ps` (which has no stress marks), or returns `ps`
/// unchanged when it has no vowel to carry it.
fn mark_first_vowel(ps: &str, mark: char) -> String {
    match ps.char_indices().find(|&(_, c)| is_vowel(c)) {
        Some((i, _)) => format!("{}{mark}{}", &ps[..i], &ps[i..]),
        None => ps.to_string(),
    }
}

/// Raises or lowers the stress of a reading. `stress` is misaki's scale: below -1 removes
/// every mark, -1 (and 0 / -0.5 on a stressed word) demotes primary to secondary, 0..1 gives
/// an unstressed word a secondary stress, 1 and above promotes secondary to primary, above 1
/// gives an unstressed word a primary stress.
pub fn apply_stress(ps: &str, stress: Option<f64>) -> String {
    let Some(stress) = stress else {
        return ps.to_string();
    };
    if stress < -1.0 {
        ps.replace([PRIMARY, SECONDARY], "")
    } else if stress == -1.0 || ((stress == 0.0 || stress == -0.5) && ps.contains(PRIMARY)) {
        ps.replace(SECONDARY, "").replace(PRIMARY, "ˌ")
    } else if (stress == 0.0 || stress == 0.5 || stress == 1.0) && !has_stress(ps) {
        mark_first_vowel(ps, SECONDARY)
    } else if stress >= 1.0 && !ps.contains(PRIMARY) && ps.contains(SECONDARY) {
        ps.replace(SECONDARY, "ˈ")
    } else if stress > 1.0 && !has_stress(ps) {
        mark_first_vowel(ps, PRIMARY)
    } else {
        ps.to_string()
    }
}

/// The coarse tag misaki's dictionaries key some entries by (VERB, NOUN, ADV, ADJ).
fn parent_tag(tag: &str) -> &str {
    if tag.starts_with("VB") {
        "VERB"
    } else if tag.starts_with("NN") {
        "NOUN"
    } else if tag.starts_with("ADV") || tag.starts_with("RB") {
        "ADV"
    } else if tag.starts_with("ADJ") || tag.starts_with("JJ") {
        "ADJ"
    } else {
        tag
    }
}

/// One dictionary entry: a reading, or readings by part of speech (`DEFAULT` always there;
/// a null reading means "not this way, fall back").
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Entry {
    Plain(String),
    Tagged(HashMap<String, Option<String>>),
}

/// A misaki dictionary. misaki copies every lowercase key to its Capitalised form and back at
/// load time; here the copy is made at lookup time instead, which answers the same and keeps
/// loading fast: a key also answers to its other case form unless that form has its own entry.
struct Dictionary {
    entries: HashMap<String, Entry>,
}

impl Dictionary {
    fn get(&self, word: &str) -> Option<&Entry> {
        if let Some(entry) = self.entries.get(word) {
            return Some(entry);
        }
        if chars::len(word) < 2 {
            return None;
        }
        if chars::same_as_lower(word) {
            let capital = chars::capitalize(word);
            return if capital != word {
                self.entries.get(&capital)
            } else {
                None
            };
        }
        let lower = word.to_lowercase();
        if chars::capitalize(&lower) == word {
            return self.entries.get(&lower);
        }
        None
    }

    fn contains(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// A plain reading (letters, function words), if the entry is one.
    fn plain(&self, word: &str) -> Option<String> {
        match self.get(word)? {
            Entry::Plain(ps) => Some(ps.clone()),
            Entry::Tagged(by_tag) => by_tag.get("DEFAULT").cloned().flatten(),
        }
    }
}

/// A reading and how sure misaki is of it (4: gold dictionary, 3: silver or rule, 2: guess).
pub type Reading = (String, u8);

/// The US gold and silver dictionaries with misaki's lookup rules.
pub struct Lexicon {
    gold: Dictionary,
    silver: Dictionary,
}

impl Lexicon {
    /// Reads `lexicon_us_gold.json.gz` and `lexicon_us_silver.json.gz` from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        Ok(Lexicon {
            gold: Dictionary {
                entries: read_json_gz(&dir.join("lexicon_us_gold.json.gz"))?,
            },
            silver: Dictionary {
                entries: read_json_gz(&dir.join("lexicon_us_silver.json.gz"))?,
            },
        })
    }

    /// Spells a word letter by letter ("NASA" as an initialism), stressing the last letter.
    fn letters(&self, word: &str) -> Option<Reading> {
        let mut ps = String::new();
        for c in word.chars().filter(|c| c.is_alphabetic()) {
            ps.push_str(&self.gold.plain(&c.to_uppercase().to_string())?);
        }
        let ps = apply_stress(&ps, Some(0.0));
        let ps = match ps.rfind(SECONDARY) {
            Some(i) => format!("{}ˈ{}", &ps[..i], &ps[i + SECONDARY.len_utf8()..]),
            None => ps,
        };
        Some((ps, 3))
    }

    /// Words whose reading depends on the tag or the next word.
    fn special_case(
        &self,
        word: &str,
        tag: &str,
        stress: Option<f64>,
        ctx: &Context,
    ) -> Option<Reading> {
        let fixed = |ps: &str| Some((ps.to_string(), 4));
        match word {
            "." if tag == "ADD" => return self.lookup("dot", None, Some(-0.5), Some(ctx)),
            "/" if tag == "ADD" => return self.lookup("slash", None, Some(-0.5), Some(ctx)),
            "%" => return self.lookup("percent", None, None, Some(ctx)),
            "&" => return self.lookup("and", None, None, Some(ctx)),
            "+" => return self.lookup("plus", None, None, Some(ctx)),
            "@" => return self.lookup("at", None, None, Some(ctx)),
            _ => {}
        }
        let inner = word.trim_matches('.');
        let undotted = word.replace('.', "");
        if inner.contains('.')
            && chars::is_alpha(&undotted)
            && word.split('.').map(chars::len).max().unwrap_or(0) < 3
        {
            // "U.S.", "p.m.": spelled letter by letter.
            return self.letters(word);
        }
        let future_vowel = ctx.future_vowel;
        match word {
            "a" | "A" => fixed(if tag == "DT" { "ɐ" } else { "ˈA" }),
            "am" | "Am" | "AM" => {
                if tag.starts_with("NN") {
                    self.letters(word)
                } else if future_vowel.is_none() || word != "am" || stress.is_some_and(|s| s > 0.0)
                {
                    Some((self.gold.plain("am")?, 4))
                } else {
                    fixed("ɐm")
                }
            }
            "an" | "An" | "AN" => {
                if word == "AN" && tag.starts_with("NN") {
                    self.letters(word)
                } else {
                    fixed("ɐn")
                }
            }
            "I" if tag == "PRP" => fixed("ˌI"),
            "by" | "By" | "BY" if parent_tag(tag) == "ADV" => fixed("bˈI"),
            "to" | "To" => self.to(future_vowel),
            "TO" if tag == "TO" || tag == "IN" => self.to(future_vowel),
            "in" | "In" => fixed(Self::in_reading(future_vowel, tag)),
            "IN" if tag != "NNP" => fixed(Self::in_reading(future_vowel, tag)),
            "the" | "The" => fixed(if future_vowel == Some(true) {
                "ði"
            } else {
                "ðə"
            }),
            "THE" if tag == "DT" => fixed(if future_vowel == Some(true) {
                "ði"
            } else {
                "ðə"
            }),
            "used" | "Used" | "USED" => {
                let Some(Entry::Tagged(by_tag)) = self.gold.get("used") else {
                    return None;
                };
                let key = if (tag == "VBD" || tag == "JJ") && ctx.future_to {
                    "VBD"
                } else {
                    "DEFAULT"
                };
                Some((by_tag.get(key).cloned().flatten()?, 4))
            }
            _ if tag == "IN" && matches!(word.to_lowercase().as_str(), "vs" | "vs.") => {
                self.lookup("versus", None, None, Some(ctx))
            }
            _ => None,
        }
    }

    fn to(&self, future_vowel: Option<bool>) -> Option<Reading> {
        match future_vowel {
            None => Some((self.gold.plain("to")?, 4)),
            Some(false) => Some(("tə".into(), 4)),
            Some(true) => Some(("tʊ".into(), 4)),
        }
    }

    fn in_reading(future_vowel: Option<bool>, tag: &str) -> &'static str {
        if future_vowel.is_none() || tag != "IN" {
            "ˈɪn"
        } else {
            "ɪn"
        }
    }

    fn is_known(&self, word: &str) -> bool {
        if self.gold.contains(word)
            || matches!(word, "%" | "&" | "+" | "@")
            || self.silver.contains(word)
        {
            return true;
        }
        if !chars::is_alpha(word) || !word.chars().all(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        if chars::len(word) == 1 {
            return true;
        }
        if chars::same_as_upper(word) && self.gold.contains(&word.to_lowercase()) {
            return true;
        }
        chars::same_as_upper(chars::skip(word, 1))
    }

    /// The dictionary reading of `word` for `tag`, with `stress` applied. An all-caps word
    /// the gold dictionary lacks is read in lower case, or letter by letter as a proper noun.
    pub fn lookup(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Option<Reading> {
        let mut word = word.to_string();
        let mut proper_initialism = false;
        if chars::same_as_upper(&word) && !self.gold.contains(&word) {
            word = word.to_lowercase();
            proper_initialism = tag == Some("NNP");
        }
        let mut rating = 4;
        let mut entry = self.gold.get(&word);
        if entry.is_none() && !proper_initialism {
            entry = self.silver.get(&word);
            rating = 3;
        }
        let ps = match entry {
            None => None,
            Some(Entry::Plain(ps)) => Some(ps.clone()),
            Some(Entry::Tagged(by_tag)) => {
                let key = if ctx.is_some_and(|c| c.future_vowel.is_none())
                    && by_tag.contains_key("None")
                {
                    Some("None")
                } else {
                    match tag {
                        Some(t) if by_tag.contains_key(t) => Some(t),
                        Some(t) => Some(parent_tag(t)),
                        None => None,
                    }
                };
                match key.and_then(|k| by_tag.get(k)) {
                    Some(reading) => reading.clone(),
                    None => by_tag.get("DEFAULT").cloned().flatten(),
                }
            }
        };
        match ps {
            Some(ps) if proper_initialism && !ps.contains(PRIMARY) => self
                .letters(&word)
                .or_else(|| Some((apply_stress(&ps, stress), rating))),
            Some(ps) => Some((apply_stress(&ps, stress), rating)),
            None => self.letters(&word),
        }
    }

    fn add_s(stem: &str) -> Option<String> {
        let last = stem.chars().last()?;
        Some(if "ptkfθ".contains(last) {
            format!("{stem}s")
        } else if "szʃʒʧʤ".contains(last) {
            format!("{stem}ᵻz")
        } else {
            format!("{stem}z")
        })
    }

    fn stem_s(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Option<Reading> {
        let n = chars::len(word);
        if n < 3 || !word.ends_with('s') {
            return None;
        }
        let stem = if !word.ends_with("ss") && self.is_known(chars::drop_last(word, 1)) {
            chars::drop_last(word, 1).to_string()
        } else if (word.ends_with("'s")
            || (n > 4 && word.ends_with("es") && !word.ends_with("ies")))
            && self.is_known(chars::drop_last(word, 2))
        {
            chars::drop_last(word, 2).to_string()
        } else if n > 4
            && word.ends_with("ies")
            && self.is_known(&format!("{}y", chars::drop_last(word, 3)))
        {
            format!("{}y", chars::drop_last(word, 3))
        } else {
            return None;
        };
        let (ps, rating) = self.lookup(&stem, tag, stress, ctx)?;
        Some((Self::add_s(&ps)?, rating))
    }

    fn add_ed(stem: &str) -> Option<String> {
        let last = stem.chars().last()?;
        Some(if "pkfθʃsʧ".contains(last) {
            format!("{stem}t")
        } else if last == 'd' {
            format!("{stem}ᵻd")
        } else if last != 't' {
            format!("{stem}d")
        } else if chars::len(stem) < 2 {
            format!("{stem}ɪd")
        } else if chars::nth_last(stem, 2).is_some_and(flaps_t) {
            format!("{}ɾᵻd", chars::drop_last(stem, 1))
        } else {
            format!("{stem}ᵻd")
        })
    }

    fn stem_ed(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Option<Reading> {
        let n = chars::len(word);
        if n < 4 || !word.ends_with('d') {
            return None;
        }
        let stem = if !word.ends_with("dd") && self.is_known(chars::drop_last(word, 1)) {
            chars::drop_last(word, 1)
        } else if n > 4
            && word.ends_with("ed")
            && !word.ends_with("eed")
            && self.is_known(chars::drop_last(word, 2))
        {
            chars::drop_last(word, 2)
        } else {
            return None;
        };
        let (ps, rating) = self.lookup(stem, tag, stress, ctx)?;
        Some((Self::add_ed(&ps)?, rating))
    }

    fn add_ing(stem: &str) -> Option<String> {
        let last = stem.chars().last()?;
        Some(
            if chars::len(stem) > 1 && last == 't' && chars::nth_last(stem, 2).is_some_and(flaps_t)
            {
                format!("{}ɾɪŋ", chars::drop_last(stem, 1))
            } else {
                format!("{stem}ɪŋ")
            },
        )
    }

    fn stem_ing(
        &self,
        word: &str,
        tag: Option<&str>,
        stress: Option<f64>,
        ctx: Option<&Context>,
    ) -> Option<Reading> {
        let n = chars::len(word);
        if n < 5 || !word.ends_with("ing") {
            return None;
        }
        let base = chars::drop_last(word, 3);
        // "running" → "run", "kicking" → "kick": a doubled consonant before -ing.
        let doubled = {
            let (a, b) = (chars::nth_last(word, 4), chars::nth_last(word, 5));
            (a == b && a.is_some_and(|c| "bcdgklmnprstvxz".contains(c))) || word.ends_with("cking")
        };
        let stem = if n > 5 && self.is_known(base) {
            base.to_string()
        } else if self.is_known(&format!("{base}e")) {
            format!("{base}e")
        } else if n > 5 && doubled && self.is_known(chars::drop_last(word, 4)) {
            chars::drop_last(word, 4).to_string()
        } else {
            return None;
        };
        let (ps, rating) = self.lookup(&stem, tag, stress, ctx)?;
        Some((Self::add_ing(&ps)?, rating))
    }

    fn word(&self, word: &str, tag: &str, stress: Option<f64>, ctx: &Context) -> Option<Reading> {
        if let Some(reading) = self.special_case(word, tag, stress, ctx) {
            return Some(reading);
        }
        let lower = word.to_lowercase();
        let tag_opt = Some(tag);
        let ctx_opt = Some(ctx);
        let found = |w: &str| {
            self.stem_s(w, tag_opt, stress, ctx_opt)
                .or_else(|| self.stem_ed(w, tag_opt, stress, ctx_opt))
                .or_else(|| self.stem_ing(w, tag_opt, stress, ctx_opt))
                .is_some_and(|(ps, _)| !ps.is_empty())
        };
        // A capitalised or all-caps ordinary word ("Hello", "HELLO") is read as the
        // lower-case word unless the dictionaries know the capitalised form itself.
        let word = if chars::len(word) > 1
            && chars::is_alpha(&word.replace('\'', ""))
            && word != lower
            && (tag != "NNP" || chars::len(word) > 7)
            && !self.gold.contains(word)
            && !self.silver.contains(word)
            && (chars::same_as_upper(word)
                || chars::skip(word, 1) == chars::skip(word, 1).to_lowercase())
            && (self.gold.contains(&lower) || self.silver.contains(&lower) || found(&lower))
        {
            lower.as_str()
        } else {
            word
        };
        if self.is_known(word) {
            return self.lookup(word, tag_opt, stress, ctx_opt);
        }
        if let Some(stem) = word.strip_suffix("s'") {
            let possessive = format!("{stem}'s");
            if self.is_known(&possessive) {
                return self.lookup(&possessive, tag_opt, stress, ctx_opt);
            }
        }
        if let Some(stem) = word.strip_suffix('\'')
            && self.is_known(stem)
        {
            return self.lookup(stem, tag_opt, stress, ctx_opt);
        }
        self.stem_s(word, tag_opt, stress, ctx_opt)
            .or_else(|| self.stem_ed(word, tag_opt, stress, ctx_opt))
            .or_else(|| self.stem_ing(word, tag_opt, Some(stress.unwrap_or(0.5)), ctx_opt))
    }

    /// True when `word` is a number misaki reads: digits with `,` `.`, an optional leading
    /// minus at the head of a word, and one suffix ("1990s", "21st", "3's").
    fn is_number(word: &str, is_head: bool) -> bool {
        if !word.chars().any(|c| c.is_ascii_digit()) {
            return false;
        }
        let suffixes = ["ing", "'d", "ed", "'s", "st", "nd", "rd", "th", "s"];
        let body = suffixes
            .iter()
            .find_map(|s| word.strip_suffix(s))
            .unwrap_or(word);
        body.chars().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || c == ',' || c == '.' || (is_head && i == 0 && c == '-')
        })
    }

    /// Reads a number token: "1990s", "21st", "$3.50" (with the currency carried by the
    /// token), "007" (digits one by one inside a longer word), "3.14".
    pub fn number(&self, word: &str, currency: Option<&str>, is_head: bool) -> Option<Reading> {
        if !word.is_ascii() {
            return None;
        }
        let suffix_start = word
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_ascii_lowercase() || c == '\'')
            .last()
            .map(|(i, _)| i);
        let (mut body, suffix) = match suffix_start {
            Some(i) => (&word[..i], Some(&word[i..])),
            None => (word, None),
        };
        let mut parts: Vec<Reading> = Vec::new();
        if let Some(rest) = body.strip_prefix('-') {
            parts.extend(self.lookup("minus", None, None, None));
            body = rest;
        }
        // Every word of a spelled-out number, "and" left out as misaki does.
        let say = |parts: &mut Vec<Reading>, words: &str| {
            for w in words.split(|c: char| !c.is_ascii_lowercase()) {
                if w.is_empty() || w == "and" {
                    continue;
                }
                let stress = if w == "point" { Some(-2.0) } else { None };
                parts.extend(self.lookup(w, None, stress, None));
            }
        };
        let int = |text: &str| text.parse::<i128>().ok();
        let is_ordinal = suffix.is_some_and(|s| ORDINAL_SUFFIXES.contains(&s));
        let all_digits = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit());
        let known_currency = currency.and_then(currency_units);

        if all_digits && is_ordinal {
            say(&mut parts, &numbers::ordinal(int(body)?));
        } else if parts.is_empty() && body.len() == 4 && known_currency.is_none() && all_digits {
            say(&mut parts, &numbers::year(int(body)?));
        } else if !is_head && !body.contains('.') {
            let num = body.replace(',', "");
            let n = chars::len(&num);
            if num.starts_with('0') || n > 3 {
                for d in num.chars() {
                    say(&mut parts, &numbers::cardinal_text(&d.to_string()));
                }
            } else if n == 3 && !num.ends_with("00") {
                // "205" in a longer word: "two oh five"; "215": "two fifteen".
                say(&mut parts, &numbers::cardinal_text(&num[..1]));
                if &num[1..2] == "0" {
                    parts.extend(self.lookup("O", None, Some(-2.0), None));
                    say(&mut parts, &numbers::cardinal_text(&num[2..]));
                } else {
                    say(&mut parts, &numbers::cardinal_text(&num[1..]));
                }
            } else {
                say(&mut parts, &numbers::cardinal_text(&num));
            }
        } else if body.matches('.').count() > 1 || !is_head {
            for num in body.replace(',', "").split('.') {
                if num.is_empty() {
                    continue;
                }
                if num.starts_with('0') || (num.len() != 2 && num[1..].chars().any(|c| c != '0')) {
                    for d in num.chars() {
                        say(&mut parts, &numbers::cardinal_text(&d.to_string()));
                    }
                } else {
                    say(&mut parts, &numbers::cardinal_text(num));
                }
            }
        } else if let Some((unit, hundredth)) = known_currency
            && Self::is_currency_amount(body)
        {
            let plain = body.replace(',', "");
            let mut amounts: Vec<(i128, &str)> = plain
                .split('.')
                .zip([unit, hundredth])
                .map(|(num, unit)| (if num.is_empty() { Some(0) } else { int(num) }, unit))
                .map(|(n, unit)| n.map(|n| (n, unit)))
                .collect::<Option<_>>()?;
            if amounts.len() > 1 {
                if amounts[1].0 == 0 {
                    amounts.truncate(1);
                } else if amounts[0].0 == 0 {
                    amounts.remove(0);
                }
            }
            for (i, (n, unit)) in amounts.into_iter().enumerate() {
                if i > 0 {
                    parts.extend(self.lookup("and", None, None, None));
                }
                say(&mut parts, &numbers::cardinal(n));
                if n.abs() != 1 && unit != "pence" {
                    parts.extend(self.stem_s(&format!("{unit}s"), None, None, None));
                } else {
                    parts.extend(self.lookup(unit, None, None, None));
                }
            }
        } else {
            let words = if all_digits {
                numbers::cardinal_text(body)
            } else if !body.contains('.') {
                let n = int(&body.replace(',', ""))?;
                if is_ordinal {
                    numbers::ordinal(n)
                } else {
                    numbers::cardinal(n)
                }
            } else {
                let plain = body.replace(',', "");
                match plain.strip_prefix('.') {
                    Some(frac) => {
                        let digits: Vec<String> = frac
                            .chars()
                            .map(|d| numbers::cardinal_text(&d.to_string()))
                            .collect();
                        format!("point {}", digits.join(" "))
                    }
                    None => numbers::decimal(&plain),
                }
            };
            say(&mut parts, &words);
        }
        if parts.is_empty() {
            return None;
        }
        let rating = parts.iter().map(|(_, r)| *r).min().unwrap_or(3);
        let joined = parts
            .into_iter()
            .map(|(ps, _)| ps)
            .collect::<Vec<_>>()
            .join(" ");
        let ps = match suffix {
            Some("s" | "'s") => Self::add_s(&joined)?,
            Some("ed" | "'d") => Self::add_ed(&joined)?,
            Some("ing") => Self::add_ing(&joined)?,
            _ => joined,
        };
        Some((ps, rating))
    }

    /// An amount misaki reads as money: no point, or one point with at most two digits after.
    fn is_currency_amount(word: &str) -> bool {
        match word.split_once('.') {
            None => true,
            Some((_, cents)) => !cents.contains('.') && cents.len() < 3,
        }
    }

    fn append_currency(&self, ps: String, currency: Option<&str>) -> String {
        let Some((unit, _)) = currency.and_then(currency_units) else {
            return ps;
        };
        match self.stem_s(&format!("{unit}s"), None, None, None) {
            Some((units, _)) => format!("{ps} {units}"),
            None => ps,
        }
    }

    /// The reading of one token in its context, or None when the lexicon cannot read it
    /// (the caller falls back to the out-of-vocabulary net).
    pub fn read(&self, tk: &Token, ctx: &Context) -> Option<Reading> {
        let raw = tk.alias.as_deref().unwrap_or(&tk.text);
        let word = raw.replace(['‘', '’'], "'");
        let word = if word.is_ascii() { word } else { nfkc(&word) };
        let word: String = word
            .chars()
            .map(|c| match chars::digit_value(c) {
                Some(d) if !c.is_ascii_digit() => char::from_digit(d, 10).unwrap_or(c),
                _ => c,
            })
            .collect();
        let stress = if chars::same_as_lower(&word) {
            None
        } else if chars::same_as_upper(&word) {
            Some(2.0)
        } else {
            Some(0.5)
        };
        if let Some((ps, rating)) = self.word(&word, &tk.tag, stress, ctx) {
            let ps = self.append_currency(ps, tk.currency.as_deref());
            return Some((apply_stress(&ps, tk.stress), rating));
        }
        if Self::is_number(&word, tk.is_head) {
            let (ps, rating) = self.number(&word, tk.currency.as_deref(), tk.is_head)?;
            return Some((apply_stress(&ps, tk.stress), rating));
        }
        None
    }
}

/// Unicode NFKC (compatibility composition: "ﬁ" → "fi", full-width letters to ASCII).
fn nfkc(text: &str) -> String {
    let mut normalized = tokenizers::NormalizedString::from(text);
    normalized.nfkc();
    normalized.get().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stress_rules() {
        assert_eq!(apply_stress("ˈæpᵊl", None), "ˈæpᵊl");
        assert_eq!(apply_stress("ˌɛfbˌiˈI", Some(-2.0)), "ɛfbiI");
        assert_eq!(apply_stress("ˌɛfbˌiˈI", Some(-1.0)), "ɛfbiˌI");
        assert_eq!(apply_stress("ˈæpᵊl", Some(0.0)), "ˌæpᵊl");
        assert_eq!(apply_stress("tə", Some(0.5)), "tˌə");
        assert_eq!(apply_stress("ðˌA", Some(2.0)), "ðˈA");
        assert_eq!(apply_stress("ðA", Some(2.0)), "ðˈA");
        assert_eq!(apply_stress("st", Some(2.0)), "st");
    }

    #[test]
    fn suffix_rules_follow_the_stem() {
        assert_eq!(Lexicon::add_s("kˈæt").unwrap(), "kˈæts");
        assert_eq!(Lexicon::add_s("bˈʌs").unwrap(), "bˈʌsᵻz");
        assert_eq!(Lexicon::add_s("dˈɔɡ").unwrap(), "dˈɔɡz");
        assert_eq!(Lexicon::add_ed("wˈɔk").unwrap(), "wˈɔkt");
        assert_eq!(Lexicon::add_ed("nˈid").unwrap(), "nˈidᵻd");
        assert_eq!(Lexicon::add_ed("pˈɑt").unwrap(), "pˈɑɾᵻd");
        assert_eq!(Lexicon::add_ing("ɡˈɛt").unwrap(), "ɡˈɛɾɪŋ");
        assert_eq!(Lexicon::add_ing("plˈA").unwrap(), "plˈAɪŋ");
        assert!(Lexicon::add_s("").is_none());
    }

    #[test]
    fn numbers_are_recognised_with_their_suffixes() {
        assert!(Lexicon::is_number("1990s", true));
        assert!(Lexicon::is_number("21st", true));
        assert!(Lexicon::is_number("-3", true));
        assert!(!Lexicon::is_number("-3", false));
        assert!(!Lexicon::is_number("3D", true));
        assert!(!Lexicon::is_number("hello", true));
        assert!(Lexicon::is_currency_amount("9.99"));
        assert!(!Lexicon::is_currency_amount("9.999"));
    }
}
