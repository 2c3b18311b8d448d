//! Rewrites what the lexicon cannot read by itself into words, before tokenizing: times
//! ("7:30 pm" → "seven thirty P.M."), dates, units, other currencies, big amounts ("$2.5
//! million"), titles and abbreviations, Roman numerals after "Chapter" or "Henry", phone
//! numbers, fractions, ranges and symbols. Plain numbers, years, ordinals, percentages and
//! $/£/€ amounts are left as digits: misaki's lexicon reads those, in the wording Kokoro
//! learned.
//!
//! The rules and their order follow hibari 0.2.1 `g2p/normalize.py`, whose word tables ship as
//! `normalize.json`. One deliberate difference: a Roman numeral must have at least one letter
//! ("Henry VIII's" is left alone rather than read "Henry the zeroth VIII's").

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use fancy_regex::{Captures, Regex};
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use super::numbers;
use super::read_json;
use crate::{Error, Result};

/// A JSON object with its keys in file order (the month table is read by position).
#[derive(Debug, Clone)]
struct Ordered<V>(Vec<(String, V)>);

impl<V> Ordered<V> {
    fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Ordered<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
            type Value = Ordered<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        d.deserialize_map(Entries(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Tables {
    months: Ordered<String>,
    titles: Ordered<String>,
    abbreviations: Ordered<String>,
    units: Ordered<(String, String)>,
    symbols: Ordered<String>,
    currency: Ordered<(String, String)>,
    roman_cardinal: Vec<String>,
    roman_ordinal: Vec<String>,
}

/// The compiled rules.
pub struct Normalizer {
    tables: Tables,
    month_names: Vec<String>,
    whitespace: Regex,
    time: Regex,
    date_iso: Regex,
    date_us: Regex,
    big_money: Regex,
    cents: Regex,
    currency: Regex,
    degrees: Regex,
    unit: Regex,
    month_day: Regex,
    day_month: Regex,
    title: Regex,
    abbreviation: Regex,
    number_sign: Regex,
    hash: Regex,
    roman_cardinal: Regex,
    roman_ordinal: Regex,
    phone: Regex,
    fraction: Regex,
    range: Regex,
    plus: Regex,
    symbols: Vec<(Regex, String)>,
    space_before_punct: Regex,
}

fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern)
        .map_err(|e| Error::engine("speech/hibari", format!("normalizer pattern: {e}")))
}

/// Alternatives matching any of `words` literally, longest first.
fn alternatives<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut words: Vec<&str> = words.collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    words
        .iter()
        .map(|w| fancy_regex::escape(w).into_owned())
        .collect::<Vec<_>>()
        .join("|")
}

/// Replaces every match of `re` with `f(captures)`; text the pattern cannot finish matching
/// (backtracking limit) is left as it was.
fn sub<'t>(re: &Regex, text: &'t str, f: impl FnMut(&Captures) -> String) -> Cow<'t, str> {
    re.try_replacen(text, 0, f).unwrap_or(Cow::Borrowed(text))
}

fn group<'c>(caps: &'c Captures, i: usize) -> &'c str {
    caps.get(i).map_or("", |m| m.as_str())
}

/// "1" and "-1" take the singular.
fn plural<'w>(n: &str, words: &'w (String, String)) -> &'w str {
    if matches!(n.replace(',', "").as_str(), "1" | "1.0" | "-1") {
        &words.0
    } else {
        &words.1
    }
}

/// "k" / "m" / "b" after an amount.
fn big_word(big: &str) -> &str {
    match big.to_lowercase().as_str() {
        "k" => "thousand",
        "m" => "million",
        "b" => "billion",
        _ => big,
    }
}

fn roman_value(numeral: &str) -> u32 {
    let value = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        'M' => 1000,
        _ => 0,
    };
    let digits: Vec<u32> = numeral.chars().map(value).collect();
    let mut total: i64 = 0;
    for (i, &v) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|&next| next > v) {
            total -= i64::from(v);
        } else {
            total += i64::from(v);
        }
    }
    total.max(0) as u32
}

impl Normalizer {
    /// Reads `normalize.json` from `dir` and compiles the rules.
    pub fn load(dir: &Path) -> Result<Self> {
        Self::new(read_json(&dir.join("normalize.json"))?)
    }

    fn new(tables: Tables) -> Result<Self> {
        let month_names: Vec<String> = tables.months.0.iter().map(|(_, v)| v.clone()).collect();
        let short_months: Vec<String> = tables
            .months
            .keys()
            .map(crate::text::misaki::chars::capitalize)
            .collect();
        let months = alternatives(
            month_names
                .iter()
                .map(String::as_str)
                .chain(short_months.iter().map(String::as_str))
                .chain(["Sept"]),
        );
        let num = r"\d+(?:,\d{3})*(?:\.\d+)?";
        let roman = r"((?=[IVXLC])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))";
        let symbols = tables
            .symbols
            .0
            .iter()
            .map(|(sym, word)| {
                let escaped = fancy_regex::escape(sym);
                let pattern = if "=<>~".contains(sym.as_str()) {
                    format!(r"(?<=\S) ?{escaped} ?(?=\S)")
                } else {
                    escaped.into_owned()
                };
                let replacement = if word.is_empty() {
                    " ".to_string()
                } else {
                    format!(" {word} ")
                };
                Ok((compile(&pattern)?, replacement))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Normalizer {
            whitespace: compile(r"\s+")?,
            time: compile(
                r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s?([AaPp])\.?[Mm]\.?(?![A-Za-z]))?(?!\d)",
            )?,
            date_us: compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")?,
            date_iso: compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")?,
            month_day: compile(&format!(
                r"\b({months})\.? (\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d:%])(,? \d{{4}}\b)?"
            ))?,
            day_month: compile(&format!(r"\b(the )?(\d{{1,2}}) (?:of )?({months})\b\.?"))?,
            unit: compile(&format!(
                r"(?<![\w.])(-?{num})\s?({})(?![\w])",
                alternatives(tables.units.keys())
            ))?,
            degrees: compile(&format!(r"(?<![\w.])(-?{num})\s?°\s?([CF])?(?![\w])"))?,
            cents: compile(&format!(r"(?<![\w.])({num})\s?¢"))?,
            currency: compile(&format!(
                r"(?<![\w])([¥₹₩]|Rs\.?|USD|EUR|GBP)\s?({num})(?:\s?(hundred|thousand|million|billion|trillion|[kKmMbB]\b))?"
            ))?,
            big_money: compile(&format!(
                r"([$£€])({num})\s?(hundred|thousand|million|billion|trillion|[kKmMbB]\b)"
            ))?,
            title: compile(&format!(
                r"\b({})\.? (?=[A-Z])",
                alternatives(tables.titles.keys())
            ))?,
            abbreviation: compile(&format!(
                r"(?<![\w.])({})(?![\w])",
                alternatives(tables.abbreviations.keys())
            ))?,
            number_sign: compile(r"\b(No|Nos)\. ?(?=\d)")?,
            hash: compile(r"(?<![\w&])#(?=\d)")?,
            roman_cardinal: compile(&format!(
                r"\b({}) {roman}\b(?![.'’]\w)",
                alternatives(tables.roman_cardinal.iter().map(String::as_str))
            ))?,
            roman_ordinal: compile(&format!(
                r"\b({}) {roman}\b(?![.'’]\w)",
                alternatives(tables.roman_ordinal.iter().map(String::as_str))
            ))?,
            phone: compile(r"(?<![\w.\-])(?:\d{3}-)?\d{3}-\d{4}(?![\w.\-])")?,
            range: compile(r"(?<![\w.\-])(\d{1,4})\s?[-–]\s?(\d{1,4})(?![\w.\-%])")?,
            fraction: compile(r"(?<![\w./])(\d{1,2})/(\d{1,2})(?![\w./])")?,
            plus: compile(r"(?<![\w+])\+(?=\d)")?,
            space_before_punct: compile(r" +([,.;:!?])")?,
            symbols,
            month_names,
            tables,
        })
    }

    fn date(&self, year: Option<&str>, month: u32, day: u32) -> Option<String> {
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let name = self.month_names.get(month as usize - 1)?;
        let mut words = format!("{name} {}", numbers::ordinal(i128::from(day)));
        if let Some(year) = year {
            words.push_str(", ");
            words.push_str(year);
        }
        Some(words)
    }

    fn month(&self, written: &str) -> String {
        let key: String = written.to_lowercase().chars().take(3).collect();
        self.tables
            .months
            .get(&key)
            .cloned()
            .unwrap_or_else(|| written.to_string())
    }

    /// Text ready for tokenizing: see the module docs.
    pub fn normalize(&self, text: &str) -> String {
        let collapsed = self.whitespace.replace_all(text, " ");
        let text = collapsed.trim();
        if text.is_empty() {
            return String::new();
        }
        let mut text = text.replace('’', "'").replace('‒', "-").replace('―', "—");
        let mut apply = |re: &Regex, f: &mut dyn FnMut(&Captures, &str) -> String| {
            let current = text.clone();
            text = sub(re, &current, |c| f(c, &current)).into_owned();
        };

        apply(&self.time, &mut |c, whole| {
            let (Ok(h), Ok(mi)) = (group(c, 1).parse::<i128>(), group(c, 2).parse::<i128>()) else {
                return group(c, 0).to_string();
            };
            let sec = c.get(3).and_then(|m| m.as_str().parse::<i128>().ok());
            if h > 24 || mi > 59 || sec.is_some_and(|s| s > 59) {
                return group(c, 0).to_string();
            }
            let am_pm = c.get(4).map(|m| m.as_str().to_uppercase());
            let mut words = numbers::cardinal(h);
            if mi == 0 {
                if am_pm.is_none() && sec.is_none() {
                    words.push_str(" o'clock");
                }
            } else if mi < 10 {
                words.push_str(&format!(" oh {}", numbers::cardinal(mi)));
            } else {
                words.push_str(&format!(" {}", numbers::cardinal(mi)));
            }
            if let Some(sec) = sec {
                let unit = if sec == 1 { "second" } else { "seconds" };
                words.push_str(&format!(" and {} {unit}", numbers::cardinal(sec)));
            }
            if let Some(letter) = am_pm {
                // Dotted, so the lexicon spells the letters: "P.M."
                let end = c.get(0).map_or(0, |m| m.end());
                let dot = if whole[end..].starts_with('.') {
                    ""
                } else {
                    "."
                };
                words.push_str(&format!(" {letter}.M{dot}"));
            }
            words
        });
        apply(&self.date_iso, &mut |c, _| {
            let (m, d) = (
                group(c, 2).parse().unwrap_or(0),
                group(c, 3).parse().unwrap_or(0),
            );
            self.date(Some(group(c, 1)), m, d)
                .unwrap_or_else(|| group(c, 0).to_string())
        });
        apply(&self.date_us, &mut |c, _| {
            let (a, b): (u32, u32) = (
                group(c, 1).parse().unwrap_or(0),
                group(c, 2).parse().unwrap_or(0),
            );
            let written = group(c, 3);
            let year = if written.len() == 2 {
                let century = if written.parse::<u32>().unwrap_or(0) > 30 {
                    "19"
                } else {
                    "20"
                };
                format!("{century}{written}")
            } else {
                written.to_string()
            };
            let (month, day) = if a <= 12 { (a, b) } else { (b, a) };
            self.date(Some(&year), month, day)
                .unwrap_or_else(|| group(c, 0).to_string())
        });
        apply(&self.big_money, &mut |c, _| {
            let words = self.tables.currency.get(group(c, 1));
            match words {
                Some((_, many)) => format!("{} {} {many}", group(c, 2), big_word(group(c, 3))),
                None => group(c, 0).to_string(),
            }
        });
        apply(
            &self.cents,
            &mut |c, _| match self.tables.currency.get("¢") {
                Some(words) => format!("{} {}", group(c, 1), plural(group(c, 1), words)),
                None => group(c, 0).to_string(),
            },
        );
        apply(&self.currency, &mut |c, _| {
            let Some(words) = self.tables.currency.get(group(c, 1).trim_end_matches('.')) else {
                return group(c, 0).to_string();
            };
            let n = group(c, 2);
            match c.get(3) {
                Some(big) => format!("{n} {} {}", big_word(big.as_str()), words.1),
                None => format!("{n} {}", plural(n, words)),
            }
        });
        apply(&self.degrees, &mut |c, _| {
            let n = group(c, 1);
            let unit = plural(n, &("degree".into(), "degrees".into())).to_string();
            let scale = match group(c, 2) {
                "C" => " Celsius",
                "F" => " Fahrenheit",
                _ => "",
            };
            format!("{n} {unit}{scale}")
        });
        apply(
            &self.unit,
            &mut |c, _| match self.tables.units.get(group(c, 2)) {
                Some(words) => format!("{} {}", group(c, 1), plural(group(c, 1), words)),
                None => group(c, 0).to_string(),
            },
        );
        apply(&self.month_day, &mut |c, _| {
            let day: u32 = group(c, 2).parse().unwrap_or(0);
            if !(1..=31).contains(&day) {
                return group(c, 0).to_string();
            }
            format!(
                "{} {}{}",
                self.month(group(c, 1)),
                numbers::ordinal(i128::from(day)),
                group(c, 3)
            )
        });
        apply(&self.day_month, &mut |c, _| {
            let day: u32 = group(c, 2).parse().unwrap_or(0);
            if !(1..=31).contains(&day) {
                return group(c, 0).to_string();
            }
            format!(
                "the {} of {}",
                numbers::ordinal(i128::from(day)),
                self.month(group(c, 3))
            )
        });
        apply(&self.title, &mut |c, _| {
            let title = self
                .tables
                .titles
                .get(group(c, 1))
                .map_or(group(c, 1), String::as_str);
            format!("{title} ")
        });
        apply(&self.abbreviation, &mut |c, whole| {
            let written = group(c, 1);
            let Some(expanded) = self.tables.abbreviations.get(written) else {
                return group(c, 0).to_string();
            };
            // An abbreviation's full stop also ended the sentence: keep one.
            let at_end = c.get(0).is_some_and(|m| m.end() == whole.len());
            let dot = if at_end && written.ends_with('.') {
                "."
            } else {
                ""
            };
            format!("{expanded}{dot}")
        });
        apply(&self.number_sign, &mut |c, _| {
            if group(c, 1) == "No" {
                "Number "
            } else {
                "Numbers "
            }
            .to_string()
        });
        apply(&self.hash, &mut |_, _| "number ".to_string());
        apply(
            &self.roman_cardinal,
            &mut |c, _| match roman_value(group(c, 2)) {
                0 => group(c, 0).to_string(),
                n => format!("{} {n}", group(c, 1)),
            },
        );
        apply(
            &self.roman_ordinal,
            &mut |c, _| match roman_value(group(c, 2)) {
                0 => group(c, 0).to_string(),
                n => format!("{} the {}", group(c, 1), numbers::ordinal(i128::from(n))),
            },
        );
        apply(&self.phone, &mut |c, _| {
            // Read digit by digit, the groups apart: "5 5 5, 1 2 3, 4 5 6 7".
            let spaced: Vec<String> = group(c, 0)
                .replace('-', ", ")
                .chars()
                .map(String::from)
                .collect();
            spaced.join(" ")
        });
        apply(&self.fraction, &mut |c, _| {
            let (a, b): (u32, u32) = (
                group(c, 1).parse().unwrap_or(0),
                group(c, 2).parse().unwrap_or(0),
            );
            if 0 < a && a < b && b <= 10 {
                let unit = [
                    "", "", "half", "third", "quarter", "fifth", "sixth", "seventh", "eighth",
                    "ninth", "tenth",
                ][b as usize];
                if unit == "half" {
                    return if a == 1 {
                        "one half".into()
                    } else {
                        format!("{a} halves")
                    };
                }
                return format!("{a} {unit}{}", if a == 1 { "" } else { "s" });
            }
            if (1..=12).contains(&a) && (1..=31).contains(&b) {
                return self
                    .date(None, a, b)
                    .unwrap_or_else(|| group(c, 0).to_string());
            }
            format!("{a} slash {b}")
        });
        apply(&self.range, &mut |c, _| {
            format!("{} to {}", group(c, 1), group(c, 2))
        });
        apply(&self.plus, &mut |_, _| "plus ".to_string());
        for (sym_re, replacement) in &self.symbols {
            apply(sym_re, &mut |_, _| replacement.clone());
        }
        let collapsed = self.whitespace.replace_all(&text, " ");
        let tidy = sub(&self.space_before_punct, &collapsed, |c| {
            group(c, 1).to_string()
        });
        tidy.trim().to_string()
    }
}
