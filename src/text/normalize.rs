//! English text normalisation for speech: numbers, money, dates, times and abbreviations are
//! spelled out as words, characters a voice cannot say are removed and reported.
//!
//! espeak-ng reads digits and some abbreviations itself, but badly for speech: "Dr." ends a
//! sentence, "$3.50" becomes "dollar three point five zero", "2026" becomes "two thousand
//! twenty six". Spelling these out here, before phonemization, also lets sentence splitting
//! trust every remaining full stop.
//!
//! The rules are deliberately small and predictable; an ambiguous token is read the plain way
//! (a number as a cardinal) rather than guessed at.

/// Text ready for phonemization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The text with numbers and abbreviations spelled out, whitespace collapsed and sentence
    /// punctuation kept.
    pub text: String,
    /// Characters that were removed because the voice cannot say them (emoji, symbols), each
    /// listed once, in order of first appearance. Callers should show them as a warning.
    pub skipped: Vec<char>,
}

/// Normalises English `text` for a speech engine. See the module docs.
pub fn normalize(text: &str) -> Normalized {
    let mut skipped = Vec::new();
    let prepared = prepare(text, &mut skipped);
    let tokens: Vec<&str> = prepared.split_whitespace().collect();
    let mut words: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        i += expand_token(&tokens, i, &mut words);
    }
    Normalized {
        text: tidy(&words.join(" ")),
        skipped,
    }
}

// ---------------------------------------------------------------------------------------------
// Characters

/// Maps typographic characters to plain ones, spells out a few symbols, and removes (and
/// records) characters that cannot be said.
fn prepare(text: &str, skipped: &mut Vec<char>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let digit_before = i > 0 && chars[i - 1].is_ascii_digit();
        let digit_after = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{00B4}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => {
                out.push('"')
            }
            // An en dash between digits is a range; any other dash is a pause.
            '\u{2013}' if digit_before && digit_after => out.push('-'),
            '\u{2013}' | '\u{2014}' | '\u{2015}' => out.push_str(" , "),
            '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '&' => out.push_str(" and "),
            '+' => out.push_str(" plus "),
            '=' => out.push_str(" equals "),
            '@' => out.push_str(" at "),
            '\u{00D7}' => out.push_str(" times "),
            c if c.is_whitespace() => out.push(' '),
            // Zero-width and emoji joiners, variation selectors, keycap: parts of other
            // characters, dropped without a warning of their own.
            '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FE00}'..='\u{FE0F}' | '\u{20E3}' => {}
            c if is_sayable(c) => out.push(c),
            c => {
                if !skipped.contains(&c) {
                    skipped.push(c);
                }
                out.push(' ');
            }
        }
    }
    out
}

/// Letters of Latin scripts, digits, and the punctuation and symbols the expander handles.
fn is_sayable(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || (c.is_alphabetic() && ('\u{00C0}'..='\u{024F}').contains(&c))
        || ".,;:!?'\"-()[]$\u{20AC}\u{00A3}\u{00A5}%#\u{00B0}/".contains(c)
}

/// Joins the expanded words back into text: no space before punctuation, no doubled commas,
/// no comma right before or after sentence punctuation.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ",;:.!?)]".contains(c) {
            while out.ends_with(' ') {
                out.pop();
            }
            if c == ',' && (out.is_empty() || out.ends_with([',', ';', ':', '.', '!', '?', '('])) {
                continue;
            }
            if ".!?;:".contains(c) && out.ends_with(',') {
                out.pop();
            }
        }
        if c == ' ' && (out.is_empty() || out.ends_with([' ', '(', '['])) {
            continue;
        }
        out.push(c);
    }
    out.trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Tokens

/// Leading characters that are split off a token and kept.
const LEAD: &[char] = &['"', '\'', '(', '['];
/// Trailing characters that are split off a token and kept.
const TRAIL: &[char] = &['"', '\'', ')', ']', '.', ',', ';', ':', '!', '?'];

/// A whitespace-separated token split into kept punctuation and the part to expand.
struct Parts<'a> {
    lead: &'a str,
    core: &'a str,
    trail: &'a str,
}

fn split_token(token: &str) -> Parts<'_> {
    let core_start = token.len() - token.trim_start_matches(LEAD).len();
    let (lead, rest) = token.split_at(core_start);
    // A leading apostrophe belongs to "'90s" and "'em"; keep it on the core.
    let (lead, rest) = if lead.ends_with('\'') && rest.starts_with(|c: char| c.is_alphanumeric()) {
        (&lead[..lead.len() - 1], &token[core_start - 1..])
    } else {
        (lead, rest)
    };
    let core = rest.trim_end_matches(TRAIL);
    // Keep a possessive or elided apostrophe ("dogs'") as part of the word.
    let core = if rest[core.len()..].starts_with('\'')
        && core.ends_with(|c: char| c.is_alphabetic())
        && !lead.contains('\'')
    {
        &rest[..core.len() + 1]
    } else {
        core
    };
    Parts {
        lead,
        core,
        trail: &rest[core.len()..],
    }
}

/// The token's core, lowercased; for context checks on neighbouring tokens.
fn core_lower(tokens: &[&str], i: usize) -> Option<String> {
    tokens.get(i).map(|t| split_token(t).core.to_lowercase())
}

fn starts_upper(token: Option<&&str>) -> bool {
    token.is_some_and(|t| split_token(t).core.starts_with(|c: char| c.is_uppercase()))
}

/// Expands the token at `i` (and sometimes the next one) into `out`; returns how many tokens
/// it consumed.
fn expand_token(tokens: &[&str], i: usize, out: &mut Vec<String>) -> usize {
    let token = tokens[i];
    let Parts { lead, core, trail } = split_token(token);
    let mut consumed = 1;
    let mut trail = trail.to_string();
    let mut words = String::new();

    if let Some((expansion, keeps_stop)) = abbreviation(core, &trail, tokens, i) {
        // The abbreviation's own full stop is consumed; keep one only where it also ends
        // the sentence.
        let rest = trail.strip_prefix('.').unwrap_or(&trail).to_string();
        let ends_sentence = tokens.get(i + 1).is_none() || starts_upper(tokens.get(i + 1));
        trail = if keeps_stop && ends_sentence && !rest.starts_with(['.', '!', '?']) {
            format!(".{rest}")
        } else {
            rest
        };
        words.push_str(expansion);
    } else if let Some((expansion, n)) = expand_money(core, tokens, i) {
        words = expansion;
        consumed = n;
    } else if let Some(expansion) = expand_core(core, tokens, i) {
        words = expansion;
        // "at 10 am": the next token is read with the time.
        if let Some(next) = tokens.get(i + 1)
            && is_time(core)
        {
            let next = split_token(next);
            if let Some(m) = meridiem(next.core) {
                words.push(' ');
                words.push_str(m);
                trail = next.trail.to_string();
                consumed = 2;
            }
        }
    } else {
        words.push_str(core);
    }

    let mut piece = String::new();
    piece.push_str(lead);
    piece.push_str(&words);
    piece.push_str(&trail);
    out.push(piece);
    consumed
}

/// Expands a token core that is (or contains) numbers or symbols; `None` for a plain word.
fn expand_core(core: &str, tokens: &[&str], i: usize) -> Option<String> {
    if core.is_empty() || core.chars().all(|c| c.is_alphabetic() || c == '\'') {
        return None;
    }
    let prev = if i > 0 {
        core_lower(tokens, i - 1)
    } else {
        None
    };
    let prev2 = if i > 1 {
        core_lower(tokens, i - 2)
    } else {
        None
    };
    let next = core_lower(tokens, i + 1);

    // A lone dash is a pause.
    if core.chars().all(|c| c == '-') {
        return Some(",".into());
    }
    if let Some(rest) = core.strip_prefix('#')
        && is_integer(rest)
    {
        return Some(format!("number {}", cardinal_str(rest)));
    }
    if let Some(num) = core.strip_suffix('%')
        && let Some(words) = number_words(num)
    {
        return Some(format!("{words} percent"));
    }
    if let Some(words) = time_words(core) {
        return Some(words);
    }
    if let Some(words) = ordinal_token(core) {
        return Some(words);
    }
    if let Some(words) = decade_words(core) {
        return Some(words);
    }
    if let Some(num) = core.strip_prefix('-')
        && let Some(words) = number_words(num)
    {
        return Some(format!("minus {words}"));
    }
    if let Some((a, b)) = core.split_once('-')
        && is_number(a)
        && is_number(b)
    {
        // "555-1234": a phone number, read digit by digit.
        if a.len() == 3 && b.len() == 4 && !year_like_range(a, b) {
            return Some(format!("{}, {}", digits(a), digits(b)));
        }
        let years = is_year(a) && is_year(b);
        let read = |s: &str| {
            if years {
                year_words(s.parse().unwrap_or(0))
            } else {
                number_words(s).unwrap_or_default()
            }
        };
        return Some(format!("{} to {}", read(a), read(b)));
    }
    if is_number(core) {
        if is_year(core) && year_context(prev.as_deref(), prev2.as_deref(), next.as_deref()) {
            return Some(year_words(core.parse().unwrap_or(0)));
        }
        return number_words(core);
    }
    if let Some(words) = number_with_unit(core) {
        return Some(words);
    }
    Some(mixed_words(core))
}

/// Splits a token mixing letters, digits and symbols into readable words: "MP3" → "MP three",
/// "COVID-19" → "COVID nineteen", "and/or" → "and or".
fn mixed_words(core: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    let flush = |current: &mut String, parts: &mut Vec<String>| {
        if !current.is_empty() {
            parts.push(std::mem::take(current));
        }
    };
    for c in core.chars() {
        let is_digit = c.is_ascii_digit()
            || (current_is_digit && !current.is_empty() && (c == '.' || c == ','));
        if c.is_alphanumeric() || c == '\'' || is_digit {
            if !current.is_empty() && is_digit != current_is_digit {
                flush(&mut current, &mut parts);
            }
            current_is_digit = is_digit;
            current.push(c);
        } else if c == '-' && !current_is_digit {
            // Keep hyphenated words ("well-known") as they are.
            current.push(c);
        } else {
            let letters_around = !current_is_digit && !current.is_empty();
            flush(&mut current, &mut parts);
            if c == '.' && letters_around {
                parts.push("dot".into());
            } else if let Some(word) = symbol_word(c) {
                parts.push(word.into());
            }
        }
    }
    flush(&mut current, &mut parts);
    parts
        .into_iter()
        .map(|p| {
            let p = p.trim_matches(['-', '.', ',']).to_string();
            if p.starts_with(|c: char| c.is_ascii_digit()) {
                number_words(&p).unwrap_or(p)
            } else {
                p
            }
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '%' => "percent",
        '$' => "dollars",
        '\u{20AC}' => "euros",
        '\u{00A3}' => "pounds",
        '\u{00B0}' => "degrees",
        '#' => "number",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Abbreviations

/// The expansion of an abbreviation written with its full stop (`core` + the first character
/// of `trail`), and whether that full stop may also end the sentence.
fn abbreviation(
    core: &str,
    trail: &str,
    tokens: &[&str],
    i: usize,
) -> Option<(&'static str, bool)> {
    let next_upper = starts_upper(tokens.get(i + 1));
    let next_is_number = tokens.get(i + 1).is_some_and(|t| {
        split_token(t)
            .core
            .starts_with(|c: char| c.is_ascii_digit())
    });
    // A capitalised word before, not itself starting a sentence: "Baker St.", "Elm Dr.".
    let prev_upper = i > 0
        && starts_upper(tokens.get(i - 1))
        && i >= 2
        && !tokens[i - 2].ends_with(['.', '!', '?']);
    let dotted = trail.starts_with('.');
    // Abbreviations that need their full stop (so "Dr" in "Dr Who" still works, but "no"
    // alone stays a word).
    let with_stop = if !dotted {
        None
    } else {
        match core {
            "Dr" if !next_upper && prev_upper => Some(("Drive", true)),
            "Dr" | "DR" => Some(("Doctor", false)),
            "St" if next_upper && !prev_upper => Some(("Saint", false)),
            "St" => Some(("Street", true)),
            "Mr" | "MR" => Some(("Mister", false)),
            "Mrs" | "MRS" => Some(("Missus", false)),
            "Ms" | "MS" => Some(("Miz", false)),
            "Prof" => Some(("Professor", false)),
            "Gen" => Some(("General", false)),
            "Capt" => Some(("Captain", false)),
            "Sgt" => Some(("Sergeant", false)),
            "Rev" => Some(("Reverend", false)),
            "Hon" => Some(("Honourable", false)),
            "Jr" => Some(("Junior", true)),
            "Sr" => Some(("Senior", true)),
            "Mt" => Some(("Mount", false)),
            "Ave" => Some(("Avenue", true)),
            "Rd" => Some(("Road", true)),
            "Blvd" => Some(("Boulevard", true)),
            "Inc" => Some(("Incorporated", true)),
            "Ltd" => Some(("Limited", true)),
            "Corp" => Some(("Corporation", true)),
            "Co" => Some(("Company", true)),
            "Dept" => Some(("Department", true)),
            "Univ" => Some(("University", true)),
            "No" | "no" if next_is_number => Some(("number", false)),
            "approx" => Some(("approximately", false)),
            "est" => Some(("established", false)),
            "dept" => Some(("department", true)),
            "min" => Some(("minutes", true)),
            "hr" | "hrs" => Some(("hours", true)),
            "fig" | "Fig" => Some(("figure", false)),
            "vol" | "Vol" => Some(("volume", false)),
            "ch" | "Ch" => Some(("chapter", false)),
            "Jan" => Some(("January", true)),
            "Feb" => Some(("February", true)),
            "Mar" => Some(("March", true)),
            "Apr" => Some(("April", true)),
            "Aug" => Some(("August", true)),
            "Sep" | "Sept" => Some(("September", true)),
            "Oct" => Some(("October", true)),
            "Nov" => Some(("November", true)),
            "Dec" => Some(("December", true)),
            _ => None,
        }
    };
    if let Some(found) = with_stop {
        return Some(found);
    }
    // Forms whose own dots are part of the token core ("e.g" + "."), or that need no stop.
    let lower = core.to_lowercase();
    match lower.as_str() {
        "e.g" => Some(("for example", false)),
        "i.e" => Some(("that is", false)),
        "etc" if dotted => Some(("et cetera", true)),
        "vs" if dotted || core == "vs" => Some(("versus", false)),
        "a.m" | "am" if dotted && lower.contains('.') => Some(("ay em", true)),
        "p.m" => Some(("pee em", true)),
        _ => None,
    }
    .or_else(|| dotted_acronym(core, dotted))
}

/// "U.S" (+ ".") → "U S": letters read one by one. Only the expansion's lifetime matters,
/// so common ones are listed; others are left to espeak-ng.
fn dotted_acronym(core: &str, dotted: bool) -> Option<(&'static str, bool)> {
    if !dotted {
        return None;
    }
    Some(match core {
        "U.S" => ("U S", true),
        "U.K" => ("U K", true),
        "U.N" => ("U N", true),
        "E.U" => ("E U", true),
        "D.C" => ("D C", true),
        "U.S.A" => ("U S A", true),
        _ => return None,
    })
}

/// "am"/"pm" after a time.
fn meridiem(core: &str) -> Option<&'static str> {
    match core.to_lowercase().trim_end_matches('.') {
        "am" | "a.m" => Some("ay em"),
        "pm" | "p.m" => Some("pee em"),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Money

/// "$20" → "twenty dollars", "$3.50" → "three dollars and fifty cents", "€5 million" →
/// "five million euros". Returns the words and how many tokens were read.
fn expand_money(core: &str, tokens: &[&str], i: usize) -> Option<(String, usize)> {
    let (symbol, amount) = {
        let mut chars = core.chars();
        let first = chars.next()?;
        if currency(first).is_some() {
            (first, chars.as_str())
        } else {
            let last = core.chars().last()?;
            currency(last)?;
            (last, &core[..core.len() - last.len_utf8()])
        }
    };
    let (unit, units, cent, cents) = currency(symbol)?;
    // "$5m", "$2bn", "$10k"
    let (amount, suffix_scale) = match amount {
        a if a.ends_with("bn") => (&a[..a.len() - 2], Some("billion")),
        a if a.ends_with('m') => (&a[..a.len() - 1], Some("million")),
        a if a.ends_with('k') => (&a[..a.len() - 1], Some("thousand")),
        a => (a, None),
    };
    if !is_number(amount) {
        return None;
    }
    let next = core_lower(tokens, i + 1);
    let next_scale = next
        .as_deref()
        .filter(|w| ["thousand", "million", "billion", "trillion"].contains(w));
    if let Some(scale) = suffix_scale.or(next_scale) {
        let consumed = if suffix_scale.is_some() { 1 } else { 2 };
        // The scale word's own trailing punctuation is kept by emitting it here.
        let trail = if consumed == 2 {
            split_token(tokens[i + 1]).trail
        } else {
            ""
        };
        let words = format!("{} {scale} {units}{trail}", number_words(amount)?);
        return Some((words, consumed));
    }
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, ""));
    let whole_n = parse_integer(whole)?;
    let main = format!(
        "{} {}",
        cardinal_str(whole),
        if whole_n == 1 { unit } else { units }
    );
    if frac.is_empty() || frac.chars().all(|c| c == '0') {
        return Some((main, 1));
    }
    if frac.len() != 2 {
        return Some((format!("{} {units}", number_words(amount)?), 1));
    }
    let cents_n: u64 = frac.parse().ok()?;
    let small = format!(
        "{} {}",
        cardinal(cents_n),
        if cents_n == 1 { cent } else { cents }
    );
    if whole_n == 0 {
        Some((small, 1))
    } else {
        Some((format!("{main} and {small}"), 1))
    }
}

/// Unit, plural unit, hundredth, plural hundredth.
fn currency(c: char) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    Some(match c {
        '$' => ("dollar", "dollars", "cent", "cents"),
        '\u{20AC}' => ("euro", "euros", "cent", "cents"),
        '\u{00A3}' => ("pound", "pounds", "penny", "pence"),
        '\u{00A5}' => ("yen", "yen", "sen", "sen"),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Times, dates, ordinals, units

fn is_time(core: &str) -> bool {
    time_words(core).is_some()
}

/// "10:30" → "ten thirty", "9:05" → "nine oh five", "10:00" → "ten o'clock".
fn time_words(core: &str) -> Option<String> {
    let lower = core.to_lowercase();
    let (time, suffix) = match lower.strip_suffix("am").or(lower.strip_suffix("pm")) {
        Some(t) => (
            t,
            Some(if lower.ends_with("am") {
                "ay em"
            } else {
                "pee em"
            }),
        ),
        None => (lower.as_str(), None),
    };
    let mut fields = time.split(':');
    let (h, m) = (fields.next()?, fields.next()?);
    let s = fields.next();
    let all_digits = |f: &str| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit());
    if !(all_digits(h) && h.len() <= 2 && all_digits(m) && m.len() == 2) || fields.next().is_some()
    {
        return None;
    }
    let (h, m): (u64, u64) = (h.parse().ok()?, m.parse().ok()?);
    if h > 24 || m > 59 {
        return None;
    }
    let mut words = cardinal(h);
    match m {
        0 if suffix.is_none() && s.is_none() => words.push_str(" o'clock"),
        0 => {}
        1..=9 => words.push_str(&format!(" oh {}", cardinal(m))),
        _ => words.push_str(&format!(" {}", cardinal(m))),
    }
    if let Some(s) = s {
        if !all_digits(s) || s.len() != 2 {
            return None;
        }
        words.push_str(&format!(" and {} seconds", cardinal(s.parse().ok()?)));
    }
    if let Some(suffix) = suffix {
        words.push(' ');
        words.push_str(suffix);
    }
    Some(words)
}

/// "1st" → "first", "22nd" → "twenty-second".
fn ordinal_token(core: &str) -> Option<String> {
    let lower = core.to_lowercase();
    let digits_end = lower.find(|c: char| !c.is_ascii_digit())?;
    let (digits, suffix) = lower.split_at(digits_end);
    if digits.is_empty() || !["st", "nd", "rd", "th"].contains(&suffix) {
        return None;
    }
    Some(ordinal(digits.parse().ok()?))
}

/// "1990s" → "nineteen nineties", "'80s"/"80s" → "eighties".
fn decade_words(core: &str) -> Option<String> {
    let digits = core.strip_suffix('s')?.trim_start_matches('\'');
    if !digits.chars().all(|c| c.is_ascii_digit()) || !digits.ends_with('0') {
        return None;
    }
    let plural = |words: String| match words.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{words}s"),
    };
    match digits.len() {
        2 => Some(plural(cardinal(digits.parse().ok()?))),
        4 => {
            let year: u64 = digits.parse().ok()?;
            if year.is_multiple_of(100) {
                Some(format!("{} hundreds", cardinal(year / 100)))
            } else {
                Some(plural(year_words(year)))
            }
        }
        _ => None,
    }
}

/// "50km" → "fifty kilometres"; the unit must follow the number directly.
fn number_with_unit(core: &str) -> Option<String> {
    let split = core.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))?;
    let (num, unit) = core.split_at(split);
    if !is_number(num) {
        return None;
    }
    let (one, many) = unit_words(unit)?;
    let words = number_words(num)?;
    Some(format!("{words} {}", if num == "1" { one } else { many }))
}

fn unit_words(unit: &str) -> Option<(&'static str, &'static str)> {
    Some(match unit {
        "km" => ("kilometre", "kilometres"),
        "m" => ("metre", "metres"),
        "cm" => ("centimetre", "centimetres"),
        "mm" => ("millimetre", "millimetres"),
        "kg" => ("kilogram", "kilograms"),
        "g" => ("gram", "grams"),
        "mg" => ("milligram", "milligrams"),
        "l" | "L" => ("litre", "litres"),
        "ml" => ("millilitre", "millilitres"),
        "mph" => ("mile per hour", "miles per hour"),
        "km/h" | "kph" => ("kilometre per hour", "kilometres per hour"),
        "ft" => ("foot", "feet"),
        "in" => ("inch", "inches"),
        "lb" | "lbs" => ("pound", "pounds"),
        "oz" => ("ounce", "ounces"),
        "mi" => ("mile", "miles"),
        "h" | "hr" | "hrs" => ("hour", "hours"),
        "min" => ("minute", "minutes"),
        "s" | "sec" => ("second", "seconds"),
        "ms" => ("millisecond", "milliseconds"),
        "Hz" => ("hertz", "hertz"),
        "kHz" => ("kilohertz", "kilohertz"),
        "MHz" => ("megahertz", "megahertz"),
        "GHz" => ("gigahertz", "gigahertz"),
        "KB" | "kB" => ("kilobyte", "kilobytes"),
        "MB" => ("megabyte", "megabytes"),
        "GB" => ("gigabyte", "gigabytes"),
        "TB" => ("terabyte", "terabytes"),
        "x" => ("times", "times"),
        "\u{00B0}" => ("degree", "degrees"),
        "\u{00B0}C" => ("degree Celsius", "degrees Celsius"),
        "\u{00B0}F" => ("degree Fahrenheit", "degrees Fahrenheit"),
        _ => return None,
    })
}

const YEAR_WORDS: &[&str] = &[
    "in", "since", "from", "by", "until", "till", "to", "during", "year", "before", "after",
    "circa", "around", "of", "early", "late", "mid", "summer", "winter", "spring", "autumn",
    "fall", "through", "between", "and", "or",
];
pub(crate) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A four-digit number is read as a year after "in", "since", a month ("May 2026", "May 5,
/// 2026") and the like, or before "AD"/"BC".
fn year_context(prev: Option<&str>, prev2: Option<&str>, next: Option<&str>) -> bool {
    let is_month = |w: &str| MONTHS.contains(&w);
    let day_of_month = |w: &str| {
        w.trim_end_matches(|c: char| c.is_alphabetic())
            .parse::<u32>()
            .is_ok_and(|d| (1..=31).contains(&d))
    };
    prev.is_some_and(|p| YEAR_WORDS.contains(&p) || is_month(p))
        || (prev.is_some_and(day_of_month) && prev2.is_some_and(is_month))
        || next.is_some_and(|n| ["ad", "bc", "bce", "ce"].contains(&n))
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.parse::<u64>().is_ok_and(|y| (1100..=2099).contains(&y))
}

/// "2026" → "twenty twenty-six", "1905" → "nineteen oh five", "1900" → "nineteen hundred",
/// "2005" → "two thousand five".
pub fn year_words(year: u64) -> String {
    let (hi, lo) = (year / 100, year % 100);
    if (2000..2010).contains(&year) {
        return cardinal(year);
    }
    match lo {
        0 => format!("{} hundred", cardinal(hi)),
        1..=9 => format!("{} oh {}", cardinal(hi), cardinal(lo)),
        _ => format!("{} {}", cardinal(hi), cardinal(lo)),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

fn is_integer(s: &str) -> bool {
    parse_integer(s).is_some()
}

/// Digits, optionally grouped by commas in threes ("1,234,567").
fn parse_integer(s: &str) -> Option<u64> {
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if s.contains(',') {
        let mut groups = s.split(',');
        let first = groups.next()?;
        if first.is_empty() || first.len() > 3 || groups.clone().any(|g| g.len() != 3) {
            return None;
        }
    }
    let digits: String = s.chars().filter(|&c| c != ',').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() > 18 {
        return None;
    }
    digits.parse().ok()
}

/// An integer or decimal ("1,234", "3.5", ".5").
fn is_number(s: &str) -> bool {
    match s.split_once('.') {
        Some((whole, frac)) => {
            (whole.is_empty() || is_integer(whole))
                && !frac.is_empty()
                && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => is_integer(s),
    }
}

/// Words for an integer or decimal string; `None` when `s` is not a number.
/// Long digit strings and ones with a leading zero ("007") are read digit by digit.
fn number_words(s: &str) -> Option<String> {
    if !is_number(s) {
        return None;
    }
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut words = if whole.is_empty() {
        "zero".to_string()
    } else {
        cardinal_str(whole)
    };
    if !frac.is_empty() {
        words.push_str(" point");
        for d in frac.chars() {
            words.push(' ');
            words.push_str(ONES[d.to_digit(10)? as usize]);
        }
    }
    Some(words)
}

/// Words for each digit of `s`: "007" → "zero zero seven".
fn digits(s: &str) -> String {
    s.chars()
        .filter_map(|d| d.to_digit(10).map(|d| ONES[d as usize]))
        .collect::<Vec<_>>()
        .join(" ")
}

fn year_like_range(a: &str, b: &str) -> bool {
    is_year(a) && is_year(b)
}

/// Cardinal words for an integer string, digit by digit where a cardinal would be odd.
fn cardinal_str(s: &str) -> String {
    let digits_only = !s.contains(',');
    if digits_only && ((s.len() > 1 && s.starts_with('0')) || s.len() > 15) {
        return digits(s);
    }
    parse_integer(s).map(cardinal).unwrap_or_else(|| s.into())
}

/// Number words below twenty, and the tens (shared with misaki's number reading).
pub(super) const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
pub(super) const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const SCALES: [(u64, &str); 5] = [
    (1_000_000_000_000_000, "quadrillion"),
    (1_000_000_000_000, "trillion"),
    (1_000_000_000, "billion"),
    (1_000_000, "million"),
    (1_000, "thousand"),
];

/// "1234" → "one thousand two hundred thirty-four".
pub fn cardinal(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].into();
    }
    if n < 100 {
        let (t, o) = (n / 10, n % 10);
        return if o == 0 {
            TENS[t as usize].into()
        } else {
            format!("{}-{}", TENS[t as usize], ONES[o as usize])
        };
    }
    if n < 1000 {
        let (h, rest) = (n / 100, n % 100);
        let head = format!("{} hundred", ONES[h as usize]);
        return if rest == 0 {
            head
        } else {
            format!("{head} {}", cardinal(rest))
        };
    }
    for (scale, name) in SCALES {
        if n >= scale {
            let (head, rest) = (n / scale, n % scale);
            let head = format!("{} {name}", cardinal(head));
            return if rest == 0 {
                head
            } else {
                format!("{head} {}", cardinal(rest))
            };
        }
    }
    unreachable!("numbers below 1000 return early")
}

/// "21" → "twenty-first".
pub fn ordinal(n: u64) -> String {
    let words = cardinal(n);
    let split = words.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = words.split_at(split);
    let last = match last {
        "one" => "first".into(),
        "two" => "second".into(),
        "three" => "third".into(),
        "five" => "fifth".into(),
        "eight" => "eighth".into(),
        "nine" => "ninth".into(),
        "twelve" => "twelfth".into(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    };
    format!("{head}{last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> String {
        normalize(text).text
    }

    #[test]
    fn cardinals() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(cardinal(7), "seven");
        assert_eq!(cardinal(40), "forty");
        assert_eq!(cardinal(99), "ninety-nine");
        assert_eq!(cardinal(100), "one hundred");
        assert_eq!(cardinal(1234), "one thousand two hundred thirty-four");
        assert_eq!(cardinal(1_000_001), "one million one");
        assert_eq!(cardinal(2_500_000_000), "two billion five hundred million");
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(2), "second");
        assert_eq!(ordinal(3), "third");
        assert_eq!(ordinal(12), "twelfth");
        assert_eq!(ordinal(20), "twentieth");
        assert_eq!(ordinal(21), "twenty-first");
        assert_eq!(ordinal(100), "one hundredth");
        assert_eq!(
            n("the 1st, 2nd, 3rd and 21st"),
            "the first, second, third and twenty-first"
        );
        assert_eq!(n("on the 4th of July"), "on the fourth of July");
    }

    #[test]
    fn numbers() {
        assert_eq!(
            n("1,234 people"),
            "one thousand two hundred thirty-four people"
        );
        assert_eq!(n("pi is 3.14"), "pi is three point one four");
        assert_eq!(n("it was -5 outside"), "it was minus five outside");
        assert_eq!(n("agent 007"), "agent zero zero seven");
        assert_eq!(n("pages 5-10"), "pages five to ten");
        assert_eq!(
            n("I have 2026 coins"),
            "I have two thousand twenty-six coins"
        );
        assert_eq!(n("room #5"), "room number five");
        assert_eq!(n("a .5 chance"), "a zero point five chance");
    }

    #[test]
    fn years() {
        assert_eq!(n("in 2026"), "in twenty twenty-six");
        assert_eq!(n("since 1999."), "since nineteen ninety-nine.");
        assert_eq!(n("in 1905"), "in nineteen oh five");
        assert_eq!(n("in 1900"), "in nineteen hundred");
        assert_eq!(n("by 2005"), "by two thousand five");
        assert_eq!(n("May 5, 2026"), "May five, twenty twenty-six");
        assert_eq!(n("from 1990-2000"), "from nineteen ninety to two thousand");
        assert_eq!(n("in the 1990s"), "in the nineteen nineties");
        assert_eq!(n("the '80s"), "the eighties");
        assert_eq!(n("1215 AD"), "twelve fifteen AD");
    }

    #[test]
    fn money() {
        assert_eq!(n("$20"), "twenty dollars");
        assert_eq!(n("$1"), "one dollar");
        assert_eq!(n("$3.50"), "three dollars and fifty cents");
        assert_eq!(n("$0.99"), "ninety-nine cents");
        assert_eq!(n("$1.01"), "one dollar and one cent");
        assert_eq!(n("\u{20AC}5"), "five euros");
        assert_eq!(n("\u{00A3}2.20"), "two pounds and twenty pence");
        assert_eq!(n("$5 million."), "five million dollars.");
        assert_eq!(n("$2.5bn"), "two point five billion dollars");
        assert_eq!(n("it costs 10\u{20AC}"), "it costs ten euros");
        assert_eq!(n("$1,200,"), "one thousand two hundred dollars,");
    }

    #[test]
    fn percent_time_units() {
        assert_eq!(n("3.5%"), "three point five percent");
        assert_eq!(n("100%!"), "one hundred percent!");
        assert_eq!(n("10:30"), "ten thirty");
        assert_eq!(n("at 9:05 pm."), "at nine oh five pee em.");
        assert_eq!(n("at 10:00"), "at ten o'clock");
        assert_eq!(n("at 7:15am"), "at seven fifteen ay em");
        assert_eq!(n("50km away"), "fifty kilometres away");
        assert_eq!(n("1kg"), "one kilogram");
        assert_eq!(n("20\u{00B0}C"), "twenty degrees Celsius");
    }

    #[test]
    fn abbreviations() {
        assert_eq!(n("Dr. Smith"), "Doctor Smith");
        assert_eq!(n("Mr. and Mrs. Jones"), "Mister and Missus Jones");
        assert_eq!(n("Ms. Lee met Prof. Chan."), "Miz Lee met Professor Chan.");
        assert_eq!(n("St. Paul"), "Saint Paul");
        assert_eq!(n("We flew to St. Louis."), "We flew to Saint Louis.");
        assert_eq!(n("on Baker St. today"), "on Baker Street today");
        assert_eq!(
            n("I live on Baker St. It is nice."),
            "I live on Baker Street. It is nice."
        );
        assert_eq!(n("The Elm Dr. is closed"), "The Elm Drive is closed");
        assert_eq!(
            n("apples, pears, etc. are fruit"),
            "apples, pears, et cetera are fruit"
        );
        assert_eq!(n("apples, pears, etc."), "apples, pears, et cetera.");
        assert_eq!(n("fruit, e.g. apples"), "fruit, for example apples");
        assert_eq!(n("fruit, i.e., apples"), "fruit, that is, apples");
        assert_eq!(n("cats vs. dogs"), "cats versus dogs");
        assert_eq!(n("No. 5"), "number five");
        assert_eq!(n("the U.S. army"), "the U S army");
    }

    #[test]
    fn symbols_are_skipped_and_reported() {
        let out = normalize("Great news \u{1F389}\u{1F389} for all \u{2764}\u{FE0F} *today*");
        assert_eq!(out.text, "Great news for all today");
        assert_eq!(out.skipped, vec!['\u{1F389}', '\u{2764}', '*']);
        assert_eq!(n("salt & pepper"), "salt and pepper");
        assert_eq!(n("and/or"), "and or");
        assert_eq!(n("jane@example.com"), "jane at example dot com");
        assert_eq!(
            n("call 555-1234"),
            "call five five five, one two three four"
        );
    }

    #[test]
    fn whitespace_and_punctuation() {
        assert_eq!(
            n("  Hello,\n\n  world!  How   are you?  "),
            "Hello, world! How are you?"
        );
        assert_eq!(n("Wait \u{2014} what?"), "Wait, what?");
        assert_eq!(
            n("It\u{2019}s \u{201C}fine\u{201D}\u{2026}"),
            "It's \"fine\"..."
        );
        assert_eq!(n("well - maybe"), "well, maybe");
        assert_eq!(n("the dogs' bowls"), "the dogs' bowls");
        assert_eq!(n(""), "");
        assert_eq!(n("COVID-19 and MP3"), "COVID nineteen and MP three");
    }
}
