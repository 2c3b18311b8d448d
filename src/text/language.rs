//! Which language a text is written in: the writing system for non-Latin scripts, else the
//! most frequent function words.
//!
//! Two questions use it. A planner's brief is judged loosely ([`detect`]): a guess is better
//! than none when the only consequence is a hint. A script's line is judged strictly
//! ([`other_language`]): most lines are short and full of names from other languages ("We
//! met at the Café de la Paix."), so a line is only said to be in another language than its
//! voice's when several of that language's common words outweigh the voice's own.

/// Function words (and a few greetings) that are frequent in one language and rare in the
/// others listed. Words shared by two languages are left out of one of them, so that a hit
/// is evidence for one language only.
const WORDS: &[(&str, &str, &[&str])] = &[
    (
        "en",
        "English",
        &[
            "the", "and", "of", "with", "about", "is", "to", "then", "for", "that", "end", "you",
            "this", "are", "was", "were", "have", "has", "not", "it", "be", "at", "from", "my",
            "your", "we", "they", "what", "will", "can", "our", "just", "but", "there", "been",
            "would", "could", "all", "how", "when", "she", "his", "them", "welcome",
        ],
    ),
    (
        "fr",
        "French",
        &[
            "le",
            "la",
            "les",
            "et",
            "des",
            "une",
            "du",
            "avec",
            "sur",
            "est",
            "puis",
            "dans",
            "pour",
            "qui",
            "à",
            "au",
            "aux",
            "ce",
            "cette",
            "nous",
            "vous",
            "je",
            "pas",
            "ne",
            "mais",
            "notre",
            "votre",
            "sont",
            "bonjour",
            "merci",
            "oui",
            "très",
            "tous",
            "être",
            "bienvenue",
        ],
    ),
    (
        "de",
        "German",
        &[
            "der",
            "die",
            "das",
            "und",
            "ein",
            "eine",
            "mit",
            "über",
            "ist",
            "dann",
            "von",
            "im",
            "für",
            "den",
            "dem",
            "nicht",
            "ich",
            "wir",
            "sie",
            "zu",
            "auf",
            "auch",
            "sind",
            "wie",
            "bei",
            "nach",
            "noch",
            "guten",
            "willkommen",
            "danke",
            "heute",
            "unsere",
            "unserer",
        ],
    ),
    (
        "es",
        "Spanish",
        &[
            "el",
            "los",
            "las",
            "y",
            "una",
            "con",
            "sobre",
            "es",
            "luego",
            "del",
            "para",
            "que",
            "por",
            "muy",
            "pero",
            "hola",
            "gracias",
            "nuestro",
            "nuestra",
            "bienvenidos",
            "también",
            "hay",
            "señor",
            "este",
            "esta",
            "al",
        ],
    ),
    (
        "it",
        "Italian",
        &[
            "il",
            "gli",
            "e",
            "una",
            "con",
            "di",
            "sul",
            "è",
            "poi",
            "della",
            "per",
            "che",
            "nel",
            "sono",
            "anche",
            "questo",
            "questa",
            "ciao",
            "grazie",
            "buongiorno",
            "benvenuti",
            "siamo",
            "nostro",
            "degli",
            "alla",
        ],
    ),
    (
        "pt",
        "Portuguese",
        &[
            "o", "os", "as", "e", "uma", "com", "sobre", "é", "depois", "do", "da", "para", "que",
            "em", "não", "muito", "obrigado", "obrigada", "olá", "você", "são", "nosso", "nossa",
            "dos", "das", "ao", "pelo", "pela",
        ],
    ),
    (
        "nl",
        "Dutch",
        &[
            "de", "het", "en", "een", "met", "over", "is", "dan", "van", "voor", "die", "niet",
            "ik", "wij", "zijn", "ook", "maar", "naar", "nog", "bij", "welkom", "jullie", "onze",
            "deze", "dit", "wat",
        ],
    ),
];

/// Writing systems that name their language, as (code, name, test).
type Script = (&'static str, &'static str, fn(char) -> bool);
const SCRIPTS: [Script; 8] = [
    ("ja", "Japanese", |c| ('\u{3040}'..='\u{30FF}').contains(&c)),
    ("ru", "Russian", |c| ('\u{0400}'..='\u{04FF}').contains(&c)),
    ("el", "Greek", |c| ('\u{0370}'..='\u{03FF}').contains(&c)),
    ("ar", "Arabic", |c| ('\u{0600}'..='\u{06FF}').contains(&c)),
    ("he", "Hebrew", |c| ('\u{0590}'..='\u{05FF}').contains(&c)),
    ("hi", "Hindi", |c| ('\u{0900}'..='\u{097F}').contains(&c)),
    ("zh", "Chinese", |c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
    ("ko", "Korean", |c| ('\u{AC00}'..='\u{D7AF}').contains(&c)),
];

/// The English name of a language code this module knows (`fr` → `French`).
pub fn language_name(code: &str) -> Option<&'static str> {
    WORDS
        .iter()
        .map(|(c, n, _)| (*c, *n))
        .chain(SCRIPTS.iter().map(|(c, n, _)| (*c, *n)))
        .find(|(c, _)| *c == code)
        .map(|(_, n)| n)
}

/// The non-Latin writing system that makes up more than `share` of the text's letters.
fn writing_system(letters: &[char], share: f64) -> Option<(&'static str, &'static str)> {
    let part = |test: fn(char) -> bool| {
        letters.iter().filter(|&&c| test(c)).count() as f64 / letters.len() as f64
    };
    // Japanese mixes kana with Chinese characters: any real share of kana decides.
    let (code, name, kana) = SCRIPTS[0];
    if part(kana) > share.min(0.2) / 4.0 {
        return Some((code, name));
    }
    SCRIPTS[1..]
        .iter()
        .find(|(_, _, test)| part(*test) > share)
        .map(|(code, name, _)| (*code, *name))
}

/// Lower-cased words of the text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How many of the words are each language's function words, in [`WORDS`] order.
fn hits(words: &[String]) -> Vec<usize> {
    WORDS
        .iter()
        .map(|(_, _, list)| words.iter().filter(|w| list.contains(&w.as_str())).count())
        .collect()
}

/// The language of `text`: an ISO 639-1 code and its English name, or `None` when the text
/// gives too little to tell.
pub fn detect(text: &str) -> Option<(&'static str, &'static str)> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return None;
    }
    if let Some(found) = writing_system(&letters, 0.3) {
        return Some(found);
    }
    let words = words(text);
    let mut best: Option<(usize, &str, &str)> = None;
    for (&(code, name, _), hits) in WORDS.iter().zip(hits(&words)) {
        if hits > best.map_or(0, |b| b.0) {
            best = Some((hits, code, name));
        }
    }
    let (hits, code, name) = best?;
    (hits >= 2 || words.len() < 6).then_some((code, name))
}

/// The language `text` is confidently written in when that is not `voice_language` (an ISO
/// 639-1 code such as `en`), as its code and English name; `None` when the line is in the
/// voice's language or the evidence is thin.
///
/// A non-Latin writing system must make up most of the letters. Otherwise another language
/// needs at least three of its common words, at least a fifth of the line's words, and more
/// than twice as many as the voice's language has, so a name or a borrowed phrase in an
/// English line ("Die Hard", "Café de la Paix") does not count.
pub fn other_language(text: &str, voice_language: &str) -> Option<(&'static str, &'static str)> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 {
        return None;
    }
    if let Some((code, name)) = writing_system(&letters, 0.5) {
        return (code != voice_language).then_some((code, name));
    }
    let words = words(text);
    let hits = hits(&words);
    let own = WORDS
        .iter()
        .zip(&hits)
        .find(|((code, _, _), _)| *code == voice_language)
        .map_or(0, |(_, &h)| h);
    let (&(code, name, list), &best) = WORDS
        .iter()
        .zip(&hits)
        .filter(|((code, _, _), _)| *code != voice_language)
        .max_by_key(|(_, h)| **h)?;
    let distinct = list
        .iter()
        .filter(|w| words.iter().any(|x| x == *w))
        .count();
    let confident = best >= 3 && distinct >= 2 && best * 5 >= words.len() && best > 2 * own;
    confident.then_some((code, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_languages_are_told_apart() {
        let cases = [
            (
                "A news segment about the new bridge, with an anchor and a reporter.",
                "en",
            ),
            (
                "Un journal télévisé sur le nouveau pont, avec une présentatrice et un reporter.",
                "fr",
            ),
            (
                "Eine Nachrichtensendung über die neue Brücke, mit einer Sprecherin und dem Reporter.",
                "de",
            ),
            (
                "Un noticiero sobre el nuevo puente, con una presentadora y un reportero.",
                "es",
            ),
            (
                "Новостной выпуск о новом мосте с ведущим и репортёром.",
                "ru",
            ),
            ("新しい橋についてのニュース番組。", "ja"),
        ];
        for (text, code) in cases {
            assert_eq!(detect(text).map(|d| d.0), Some(code), "{text}");
        }
    }

    #[test]
    fn lines_in_another_language_than_the_voice_are_found() {
        let cases = [
            (
                "Bonjour à tous et bienvenue dans notre émission sur les abeilles.",
                "en",
                "fr",
            ),
            (
                "Le président a parlé hier soir à la télévision.",
                "en",
                "fr",
            ),
            (
                "Guten Abend und willkommen zu den Nachrichten des Tages.",
                "en",
                "de",
            ),
            (
                "Hola a todos y bienvenidos a nuestro programa de radio.",
                "en",
                "es",
            ),
            ("こんにちは、皆さん。", "en", "ja"),
            ("Привет всем, это наша передача.", "en", "ru"),
            ("Good evening and welcome to the news at nine.", "fr", "en"),
        ];
        for (text, voice, code) in cases {
            assert_eq!(
                other_language(text, voice).map(|d| d.0),
                Some(code),
                "{text}"
            );
        }
    }

    #[test]
    fn short_english_lines_and_names_raise_nothing() {
        let lines = [
            "OK.",
            "Hi.",
            "Thanks, Anna.",
            "Bonjour, Marie!",
            "Die Hard is on at nine.",
            "La La Land won six awards.",
            "We met at the Café de la Paix.",
            "Señor Lopez, por favor.",
            "Hasta la vista, baby.",
            "Jean-Pierre and Jürgen are here.",
            "The Rio de Janeiro carnival starts today.",
            "Welcome to Mars News.",
            "Ich bin ein Berliner, he said.",
            "Merci, Paris!",
        ];
        for line in lines {
            assert_eq!(other_language(line, "en"), None, "{line}");
        }
        // The voice's own language is never another.
        assert_eq!(
            other_language("Bonjour à tous et bienvenue dans notre émission.", "fr"),
            None
        );
    }
}
