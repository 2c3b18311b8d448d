//! Which language a brief is written in ([`crate::text::language`]), to warn when no
//! installed voice speaks it.

pub use crate::text::language::detect;

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
