//! Character-class and slicing helpers with the meaning misaki's rules were written against
//! (Python's `str.isalpha`, `islower`, `upper`, slicing by code point). Phoneme strings are
//! IPA, so every slice here counts characters, never bytes.

/// Python `str.isalpha`: not empty, and every character a letter.
pub fn is_alpha(s: &str) -> bool {
    !s.is_empty() && s.chars().all(char::is_alphabetic)
}

/// Python `str.islower`: at least one cased character, and no uppercase one.
pub fn is_lower(s: &str) -> bool {
    s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
}

/// Python `str.isupper`: at least one cased character, and no lowercase one.
pub fn is_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
}

/// Python `s == s.upper()` (true for text without letters).
pub fn same_as_upper(s: &str) -> bool {
    s.to_uppercase() == s
}

/// Python `s == s.lower()`.
pub fn same_as_lower(s: &str) -> bool {
    s.to_lowercase() == s
}

/// Python `str.capitalize`: the first character upper case, the rest lower case.
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.as_str().to_lowercase().chars())
            .collect(),
        None => String::new(),
    }
}

/// Python `str.isdigit` for one character: ASCII digits and the super- and subscript digits
/// (`²` is a digit to Python, `½` is not).
pub fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit() || digit_value(c).is_some()
}

/// The value of a super- or subscript digit.
pub fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => c.to_digit(10),
        '⁰' => Some(0),
        '¹' => Some(1),
        '²' => Some(2),
        '³' => Some(3),
        '⁴'..='⁹' => Some(c as u32 - '⁴' as u32 + 4),
        '₀'..='₉' => Some(c as u32 - '₀' as u32),
        _ => None,
    }
}

/// Python `str.isdigit`.
pub fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(is_digit_char)
}

/// The number of characters.
pub fn len(s: &str) -> usize {
    s.chars().count()
}

/// Byte offset of character `n` (the end of the string when it has fewer).
fn offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// Python `s[n:]`.
pub fn skip(s: &str, n: usize) -> &str {
    &s[offset(s, n)..]
}

/// Python `s[:-n]` (empty when `n` is at least the length; `s` when `n` is 0).
pub fn drop_last(s: &str, n: usize) -> &str {
    let count = len(s);
    &s[..offset(s, count.saturating_sub(n))]
}

/// Python `s[-n:]`.
pub fn last_n(s: &str, n: usize) -> &str {
    let count = len(s);
    &s[offset(s, count.saturating_sub(n))..]
}

/// Python `s[-k]` for k >= 1.
pub fn nth_last(s: &str, k: usize) -> Option<char> {
    s.chars().rev().nth(k.checked_sub(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_string_semantics() {
        assert!(is_alpha("café") && !is_alpha("don't") && !is_alpha(""));
        assert!(is_lower("abc1") && !is_lower("123") && !is_lower("aB"));
        assert!(is_upper("USA") && !is_upper("Usa"));
        assert!(same_as_upper("123") && same_as_upper("NASA") && !same_as_upper("Nasa"));
        assert_eq!(capitalize("nASA"), "Nasa");
        assert!(is_digits("2²") && !is_digits("½") && !is_digits(""));
        assert_eq!(skip("ˈæb", 1), "æb");
        assert_eq!(drop_last("ɹˈid", 1), "ɹˈi");
        assert_eq!(drop_last("ab", 5), "");
        assert_eq!(last_n("kæfˈA", 3), "fˈA");
        assert_eq!(nth_last("ɹˈæt", 2), Some('æ'));
        assert_eq!(nth_last("t", 2), None);
    }
}
