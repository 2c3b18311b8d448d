//! English number words in the shape misaki's number reading expects: the wording of the
//! Python `num2words` package (British "and" after hundreds, "oh" in years, commas between
//! groups), because Kokoro was trained on text read that way. Only the words matter: the
//! lexicon splits the result at every non-letter and looks each word up.
//!
//! onair's own [`crate::text::cardinal`] speaks American style for espeak-ng voices; this
//! module exists so hibari hears numbers the way its teacher did.

use crate::text::normalize::{ONES, TENS};

const SCALES: [&str; 12] = [
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
    "quintillion",
    "sextillion",
    "septillion",
    "octillion",
    "nonillion",
    "decillion",
];

/// Numbers from here on have no scale word and are read digit by digit.
const LIMIT: u128 = 1000u128.pow(SCALES.len() as u32);

/// Words for 0..=999: "three hundred and five".
fn below_1000(n: u128, words: &mut Vec<String>) {
    let start = words.len();
    let mut n = n;
    if n >= 100 {
        words.push(ONES[(n / 100) as usize].to_string());
        words.push("hundred".into());
        n %= 100;
        if n > 0 {
            words.push("and".into());
        }
    }
    if n >= 20 {
        let tens = TENS[(n / 10) as usize];
        if !n.is_multiple_of(10) {
            words.push(format!("{tens}-{}", ONES[(n % 10) as usize]));
        } else {
            words.push(tens.to_string());
        }
    } else if n > 0 || words.len() == start {
        words.push(ONES[n as usize].to_string());
    }
}

/// A cardinal: 1234 → "one thousand, two hundred and thirty-four"; 1001 → "one thousand and
/// one". Numbers past the largest scale word are read digit by digit.
pub fn cardinal(n: i128) -> String {
    if n < 0 {
        return format!("minus {}", cardinal(-n));
    }
    let n = n as u128;
    if n < 1000 {
        let mut words = Vec::new();
        below_1000(n, &mut words);
        return words.join(" ");
    }
    if n >= LIMIT {
        return digits(&n.to_string());
    }
    let mut groups = Vec::new();
    let mut rest = n;
    let mut scale = 0;
    while rest > 0 {
        let group = rest % 1000;
        rest /= 1000;
        if group > 0 {
            let mut words = Vec::new();
            below_1000(group, &mut words);
            if scale > 0 {
                words.push(SCALES[scale].into());
            }
            groups.push(words.join(" "));
        }
        scale += 1;
    }
    groups.reverse();
    let last = groups.last().cloned().unwrap_or_default();
    let last_part = last.rsplit(" and ").next().unwrap_or("");
    if groups.len() > 1 && !last_part.contains(' ') && !last.contains("hundred") {
        // A last group under a hundred is joined with "and": "one thousand and one".
        format!("{} and {last}", groups[..groups.len() - 1].join(", "))
    } else {
        groups.join(", ")
    }
}

/// Each digit as a word: "0 4 2" for "042".
fn digits(text: &str) -> String {
    text.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| ONES[d as usize])
        .collect::<Vec<_>>()
        .join(" ")
}

/// An ordinal: 23 → "twenty-third", 101 → "one hundred and first", 1000 → "one thousandth".
pub fn ordinal(n: i128) -> String {
    let words = cardinal(n);
    let (head, last) = match words.rfind(' ') {
        Some(i) => (&words[..=i], &words[i + 1..]),
        None => ("", words.as_str()),
    };
    let last = match last.rfind('-') {
        Some(i) => format!("{}-{}", &last[..i], ordinal_word(&last[i + 1..])),
        None => ordinal_word(last),
    };
    format!("{head}{last}")
}

fn ordinal_word(word: &str) -> String {
    match word {
        "one" => "first".into(),
        "two" => "second".into(),
        "three" => "third".into(),
        "five" => "fifth".into(),
        "eight" => "eighth".into(),
        "nine" => "ninth".into(),
        "twelve" => "twelfth".into(),
        _ => match word.strip_suffix('y') {
            Some(stem) => format!("{stem}ieth"),
            None => format!("{word}th"),
        },
    }
}

/// A year: 1905 → "nineteen oh-five", 2024 → "twenty twenty-four", 2005 → "two thousand and
/// five", 1900 → "nineteen hundred".
pub fn year(n: i128) -> String {
    if n < 0 {
        return cardinal(n);
    }
    let (high, low) = (n / 100, n % 100);
    if high == 0 || (high % 10 == 0 && low < 10) || high >= 100 {
        return cardinal(n);
    }
    let low_words = match low {
        0 => "hundred".to_string(),
        1..=9 => format!("oh-{}", cardinal(low)),
        _ => cardinal(low),
    };
    format!("{} {low_words}", cardinal(high))
}

/// A decimal written with a point: "3.14" → "three point one four". Trailing zeros after the
/// point are dropped, as a float would drop them ("2.50" → "two point five", "2.0" → "two").
pub fn decimal(text: &str) -> String {
    let (int_part, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = frac.trim_end_matches('0');
    let mut words = match int_part.parse::<i128>() {
        Ok(n) => cardinal(n),
        Err(_) if int_part.is_empty() => cardinal(0),
        Err(_) => digits(int_part),
    };
    if !frac.is_empty() {
        words.push_str(" point ");
        words.push_str(&digits(frac));
    }
    words
}

/// A run of digits as a cardinal; a run too long for any scale word is read digit by digit.
pub fn cardinal_text(digits_text: &str) -> String {
    match digits_text.parse::<i128>() {
        Ok(n) if (n as u128) < LIMIT => cardinal(n),
        _ => digits(digits_text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals_read_like_num2words() {
        assert_eq!(cardinal(0), "zero");
        assert_eq!(cardinal(42), "forty-two");
        assert_eq!(cardinal(100), "one hundred");
        assert_eq!(cardinal(305), "three hundred and five");
        assert_eq!(cardinal(1001), "one thousand and one");
        assert_eq!(cardinal(1021), "one thousand and twenty-one");
        assert_eq!(cardinal(1250), "one thousand, two hundred and fifty");
        assert_eq!(cardinal(1_001_000), "one million, one thousand");
        assert_eq!(cardinal(2_000_000), "two million");
        assert_eq!(cardinal(-3), "minus three");
    }

    #[test]
    fn ordinals_years_and_decimals() {
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(23), "twenty-third");
        assert_eq!(ordinal(40), "fortieth");
        assert_eq!(ordinal(101), "one hundred and first");
        assert_eq!(ordinal(1000), "one thousandth");
        assert_eq!(year(1905), "nineteen oh-five");
        assert_eq!(year(2024), "twenty twenty-four");
        assert_eq!(year(2000), "two thousand");
        assert_eq!(year(2005), "two thousand and five");
        assert_eq!(year(1900), "nineteen hundred");
        assert_eq!(decimal("3.14"), "three point one four");
        assert_eq!(decimal("2.50"), "two point five");
        assert_eq!(decimal("2.0"), "two");
        assert_eq!(
            cardinal_text("123456789012345678901234567890123456789012"),
            {
                let d = "one two three four five six seven eight nine zero ";
                format!("{}one two", d.repeat(4)).trim().to_string()
            }
        );
    }
}
