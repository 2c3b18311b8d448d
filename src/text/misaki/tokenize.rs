//! Splits a sentence into word tokens the way spaCy's English tokenizer does (spaCy, MIT),
//! since misaki was built on spaCy's tokens and the tagger was trained on them: special cases
//! first (contractions "can't" → "ca" "n't", "Mr.", emoticons), then punctuation, quotes and
//! currency peeled off the front and back of each whitespace-separated chunk, then hyphens and
//! slashes between letters split what is left, and finally neighbouring pieces that spell a
//! special case are joined back. The character classes are written for Latin text.

use std::collections::HashMap;
use std::path::Path;

use fancy_regex::Regex;

use super::read_json;
use crate::{Error, Result};

const LOWER: &str = "a-zß-öø-ÿ";
const UPPER: &str = "A-ZÀ-ÖØ-Þ";
const QUOTES: &str = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉";
const PUNCT: &str = "…,:;!?¿¡()[]{}<>_#*&。？！，、；：～·";
const ICONS: &str = "™®©°§¶†‡•";
const CURRENCY: &str = r"\$|£|€|¥|฿|US\$|C\$|A\$|₽|₹|₩|₪|₺|₴|₦|₫|₱|₲|₵|₸|₼|₾|₿";
const UNITS: &str = "km|km²|km³|m|m²|m³|dm|dm²|dm³|cm|cm²|cm³|mm|mm²|mm³|ha|µm|nm|yd|in|ft|kg|g|mg|µg|t|lb\
                     |oz|m/s|km/h|kmh|mph|hPa|Pa|mbar|mb|MB|kb|KB|gb|GB|tb|TB|T|G|M|K|%";

fn escaped_chars(chars: &str) -> Vec<String> {
    chars
        .chars()
        .map(|c| fancy_regex::escape(&c.to_string()).into_owned())
        .collect()
}

fn escape(text: &str) -> String {
    fancy_regex::escape(text).into_owned()
}

fn compile(pattern: &str) -> Result<Regex> {
    Regex::new(pattern)
        .map_err(|e| Error::engine("speech/hibari", format!("tokenizer pattern: {e}")))
}

/// The spaCy-style tokenizer with its table of special cases.
pub struct Tokenizer {
    special: HashMap<String, Vec<String>>,
    prefix: Regex,
    suffix: Regex,
    infix: Regex,
    url: Regex,
}

impl Tokenizer {
    /// Reads the special cases (`tokenizer_exceptions.json`: text → its tokens) from `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        Self::new(read_json(&dir.join("tokenizer_exceptions.json"))?)
    }

    pub fn new(special: HashMap<String, Vec<String>>) -> Result<Self> {
        let punct = escaped_chars(PUNCT);
        let quotes = escaped_chars(QUOTES);
        let icons = format!("[{}]", escape(ICONS));
        let (punct_class, quote_class) = (escape(PUNCT), escape(QUOTES));

        let mut prefixes: Vec<String> = ["§", "%", "=", "—", "–", r"\+(?![0-9])", "…", "……"]
            .map(String::from)
            .to_vec();
        prefixes.extend(punct.iter().cloned());
        prefixes.extend([r"\.\.+".to_string(), "…".to_string()]);
        prefixes.extend(quotes.iter().cloned());
        prefixes.extend([CURRENCY.to_string(), icons.clone()]);

        let mut suffixes: Vec<String> = vec!["…".into(), "……".into()];
        suffixes.extend(punct.iter().cloned());
        suffixes.extend([r"\.\.+".to_string(), "…".to_string()]);
        suffixes.extend(quotes.iter().cloned());
        suffixes.push(icons.clone());
        suffixes.extend(["'s", "'S", "’s", "’S", "—", "–"].map(String::from));
        suffixes.extend([
            r"(?<=[0-9])\+".to_string(),
            r"(?<=°[FfCcKk])\.".to_string(),
            format!("(?<=[0-9])(?:{CURRENCY})"),
            format!("(?<=[0-9])(?:{UNITS})"),
            format!(r"(?<=[0-9{LOWER}%²\-\+{punct_class}{quote_class}])\."),
            format!(r"(?<=[{UPPER}][{UPPER}])\."),
        ]);

        let letter = r"[^\W\d_]";
        let infixes = [
            r"\.\.+".to_string(),
            "…".to_string(),
            icons,
            r"(?<=[0-9])[+\-\*^](?=[0-9-])".to_string(),
            format!(r"(?<=[{LOWER}{quote_class}])\.(?=[{UPPER}{quote_class}])"),
            format!("(?<={letter}),(?={letter})"),
            format!(r"(?<=[^\W_])(?:-|–|—|--|---|——|~)(?={letter})"),
            format!(r"(?<=[^\W_])[:<>=/](?={letter})"),
        ];

        let join = |parts: &[String], wrap: &dyn Fn(&str) -> String| {
            parts.iter().map(|p| wrap(p)).collect::<Vec<_>>().join("|")
        };
        Ok(Tokenizer {
            special,
            prefix: compile(&join(&prefixes, &|p| format!("^(?:{p})")))?,
            suffix: compile(&join(&suffixes, &|p| format!("(?:{p})$")))?,
            infix: compile(&join(&infixes, &|p| format!("(?:{p})")))?,
            url: compile(
                r"(?i)^(?:(?:https?|ftp)://|www\.)\S+$|^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$|^(?:[\w-]+\.)+(?:com|org|net|edu|gov|io|co|uk|de|fr|info|biz|us|ca|au|tv|me|ly|ai)(?:/\S*)?$",
            )?,
        })
    }

    /// The tokens of `text`, each with whether whitespace followed it.
    pub fn tokenize(&self, text: &str) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        let mut chunks: Vec<(usize, &str)> = Vec::new();
        let mut start = None;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    chunks.push((s, &text[s..i]));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        for (start, chunk) in chunks {
            let pieces = self.split(chunk);
            let followed = start + chunk.len() < text.len();
            let count = pieces.len();
            for (i, piece) in pieces.into_iter().enumerate() {
                out.push((piece, i + 1 == count && followed));
            }
        }
        out
    }

    fn find_len(re: &Regex, text: &str) -> Option<(usize, usize)> {
        // A pattern that cannot run to completion (backtracking limit) counts as no match.
        re.find(text).ok().flatten().map(|m| (m.start(), m.end()))
    }

    /// One whitespace-free chunk → its tokens.
    fn split(&self, chunk: &str) -> Vec<String> {
        if let Some(tokens) = self.special.get(chunk) {
            return tokens.clone();
        }
        let mut s = chunk;
        let mut pre: Vec<&str> = Vec::new();
        let mut suf: Vec<&str> = Vec::new();
        let mut last_len = usize::MAX;
        while !s.is_empty() && s.len() != last_len && !self.special.contains_key(s) {
            last_len = s.len();
            let pre_len = Self::find_len(&self.prefix, s).map_or(0, |(_, end)| end);
            if pre_len > 0 {
                let rest = &s[pre_len..];
                if !rest.is_empty() && self.special.contains_key(rest) {
                    pre.push(&s[..pre_len]);
                    s = rest;
                    break;
                }
            }
            let suf_len =
                Self::find_len(&self.suffix, &s[pre_len..]).map_or(0, |(start, end)| end - start);
            if suf_len > 0 {
                let rest = &s[..s.len() - suf_len];
                if !rest.is_empty() && self.special.contains_key(rest) {
                    suf.push(&s[s.len() - suf_len..]);
                    s = rest;
                    break;
                }
            }
            if pre_len > 0 && suf_len > 0 && pre_len + suf_len <= s.len() {
                pre.push(&s[..pre_len]);
                suf.push(&s[s.len() - suf_len..]);
                s = &s[pre_len..s.len() - suf_len];
            } else if pre_len > 0 {
                pre.push(&s[..pre_len]);
                s = &s[pre_len..];
            } else if suf_len > 0 {
                suf.push(&s[s.len() - suf_len..]);
                s = &s[..s.len() - suf_len];
            }
        }
        let mut tokens: Vec<String> = pre.into_iter().map(String::from).collect();
        if !s.is_empty() {
            if let Some(special) = self.special.get(s) {
                tokens.extend(special.iter().cloned());
            } else if self.url.is_match(s).unwrap_or(false) {
                tokens.push(s.to_string());
            } else {
                let mut start = 0;
                for m in self.infix.find_iter(s).flatten() {
                    if m.start() == 0 || m.start() == m.end() {
                        continue;
                    }
                    if m.start() > start {
                        tokens.push(s[start..m.start()].to_string());
                    }
                    tokens.push(m.as_str().to_string());
                    start = m.end();
                }
                if start < s.len() {
                    tokens.push(s[start..].to_string());
                }
            }
        }
        tokens.extend(suf.into_iter().rev().map(String::from));
        if tokens.len() > 1 {
            self.rejoin(tokens)
        } else {
            tokens
        }
    }

    /// Joins two or three neighbouring pieces that spell a special case ("Sept" "." → "Sept.").
    fn rejoin(&self, tokens: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        'outer: while i < tokens.len() {
            for k in [3, 2] {
                if i + k <= tokens.len() {
                    let joined = tokens[i..i + k].concat();
                    if let Some(special) = self.special.get(&joined) {
                        out.extend(special.iter().cloned());
                        i += k;
                        continue 'outer;
                    }
                }
            }
            out.push(tokens[i].clone());
            i += 1;
        }
        out
    }
}
