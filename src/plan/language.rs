//! Which language a brief is written in, well enough to warn when no installed voice speaks
//! it: the writing system for non-Latin scripts, else the most frequent function words.

/// Function words that are frequent in one language and rare in the others listed.
const WORDS: &[(&str, &str, &[&str])] = &[
    (
        "en",
        "English",
        &[
            "the", "and", "of", "with", "about", "is", "a", "to", "then", "for", "that", "end",
        ],
    ),
    (
        "fr",
        "French",
        &[
            "le", "la", "les", "et", "des", "une", "du", "avec", "sur", "est", "puis", "dans",
            "pour", "qui",
        ],
    ),
    (
        "de",
        "German",
        &[
            "der", "die", "das", "und", "ein", "eine", "mit", "über", "ist", "dann", "von", "im",
            "für", "den",
        ],
    ),
    (
        "es",
        "Spanish",
        &[
            "el", "los", "las", "y", "una", "con", "sobre", "es", "luego", "del", "para", "que",
            "por",
        ],
    ),
    (
        "it",
        "Italian",
        &[
            "il", "gli", "e", "una", "con", "di", "sul", "è", "poi", "della", "per", "che", "nel",
        ],
    ),
    (
        "pt",
        "Portuguese",
        &[
            "o", "os", "as", "e", "uma", "com", "sobre", "é", "depois", "do", "da", "para", "que",
            "em",
        ],
    ),
    (
        "nl",
        "Dutch",
        &[
            "de", "het", "en", "een", "met", "over", "is", "dan", "van", "voor", "die",
        ],
    ),
];

/// The language of `text`: an ISO 639-1 code and its English name, or `None` when the text
/// gives too little to tell.
pub fn detect(text: &str) -> Option<(&'static str, &'static str)> {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return None;
    }
    let share = |range: &dyn Fn(char) -> bool| {
        letters.iter().filter(|&&c| range(c)).count() as f64 / letters.len() as f64
    };
    type Script<'a> = (&'a str, &'a str, &'a dyn Fn(char) -> bool);
    let scripts: [Script; 8] = [
        ("ru", "Russian", &|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
        ("el", "Greek", &|c| ('\u{0370}'..='\u{03FF}').contains(&c)),
        ("ar", "Arabic", &|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        ("he", "Hebrew", &|c| ('\u{0590}'..='\u{05FF}').contains(&c)),
        ("hi", "Hindi", &|c| ('\u{0900}'..='\u{097F}').contains(&c)),
        ("ja", "Japanese", &|c| {
            ('\u{3040}'..='\u{30FF}').contains(&c)
        }),
        ("zh", "Chinese", &|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        ("ko", "Korean", &|c| ('\u{AC00}'..='\u{D7AF}').contains(&c)),
    ];
    // Japanese mixes kana with Chinese characters: any kana decides.
    if share(scripts[5].2) > 0.05 {
        return Some((scripts[5].0, scripts[5].1));
    }
    for (code, name, range) in scripts {
        if share(range) > 0.3 {
            return Some((code, name));
        }
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut best: Option<(usize, &str, &str)> = None;
    for &(code, name, list) in WORDS {
        let hits = words.iter().filter(|w| list.contains(&w.as_str())).count();
        if hits > best.map_or(0, |b| b.0) {
            best = Some((hits, code, name));
        }
    }
    let (hits, code, name) = best?;
    (hits >= 2 || words.len() < 6).then_some((code, name))
}

/// A warning when the brief's language has no installed Piper voice; `installed` are the
/// voices' language tags (`en_US`).
pub fn voice_warning(text: &str, installed: &[String]) -> Option<String> {
    let (code, name) = detect(text)?;
    if installed
        .iter()
        .any(|l| l.split(['_', '-']).next() == Some(code))
    {
        return None;
    }
    let have: Vec<&str> = installed.iter().map(String::as_str).collect();
    let have = if have.is_empty() {
        "none".to_owned()
    } else {
        have.join(", ")
    };
    Some(format!(
        "the brief looks {name} ({code}), and no {name} Piper voice is installed (installed: \
         {have}); the script is planned, but its lines will be spoken by another language's \
         voice. Add a {name} Piper voice to models/voices (README: \"Adding a voice\"), or give \
         the characters `voices: {{NAME: {{engine: espeak, voice: {code}}}}}` for espeak-ng"
    ))
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
    fn a_language_without_a_voice_is_named_with_the_fix() {
        let installed = vec!["en_US".to_owned()];
        assert_eq!(
            voice_warning("A podcast about bees and the honey they make.", &installed),
            None
        );
        let w = voice_warning(
            "Un podcast sur les abeilles et le miel qu'elles font.",
            &installed,
        )
        .expect("French has no voice");
        assert!(
            w.contains("French") && w.contains("models/voices") && w.contains("espeak"),
            "{w}"
        );
    }
}
