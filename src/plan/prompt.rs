//! The chat prompt both model planners send: what an onair script is, two worked examples
//! (a news report and a podcast conversation), then the user's brief. The examples are written
//! in exactly the form the local planner's grammar allows (one row per line, fields in a fixed
//! order), so a small model imitates them.

use super::Brief;

/// A chat message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// `system`, `user` or `assistant`.
    pub role: &'static str,
    pub content: String,
}

const SYSTEM: &str = "You write audio scripts for onair, which renders them to finished audio. \
A script is one JSON object: a short \"title\" and \"rows\", a list played in order. \
Each row is one of:\n\
- a line of speech: {\"type\": \"speech\", \"character\": NAME, \"text\": WORDS}\n\
- a foreground music cue or sound effect: {\"type\": \"music\" or \"sfx\", \"description\": WHAT IT SOUNDS LIKE, \"duration\": SECONDS}\n\
- a background that plays under the rows between its begin and its end: \
{\"type\": \"music\" or \"sfx\", \"id\": NAME, \"action\": \"begin\", \"description\": WHAT IT SOUNDS LIKE} \
and later {\"type\": \"music\" or \"sfx\", \"id\": NAME, \"action\": \"end\"}.\n\
Rules: every background that begins must end, with at least one speech row between its begin and \
its end. Use two to four characters, and give each the same NAME every time. The words are \
spoken aloud: write complete sentences about the brief's subject, in the order the brief asks \
for. Reply with the JSON object only.";

/// Worked examples: a brief and its script, in the grammar's exact form (a test walks each
/// through the grammar).
pub(crate) const EXAMPLES: [(&str, &str); 2] = [
    (
        "A podcast conversation: hosts Maya and Tom talk about keeping bees on city rooftops.",
        include_str!("example-podcast.json"),
    ),
    (
        "A short news report: the harbour city of Kiel launches its first solar-powered ferry. \
         The anchor introduces it, a reporter talks to the ferry captain, and the anchor closes.",
        include_str!("example-news.json"),
    ),
];

/// The messages for one brief: the format, the example exchanges, the brief.
pub fn messages(brief: &Brief) -> Vec<Message> {
    let mut messages = vec![Message {
        role: "system",
        content: SYSTEM.to_owned(),
    }];
    for (example_brief, script) in EXAMPLES {
        messages.push(Message {
            role: "user",
            content: example_brief.to_owned(),
        });
        messages.push(Message {
            role: "assistant",
            content: script.trim_end().to_owned(),
        });
    }
    messages.push(Message {
        role: "user",
        content: brief.text().to_owned(),
    });
    messages
}

/// The message that asks a model to fix its script: the errors, as the validator words them.
pub fn repair_request(errors: &str) -> Message {
    Message {
        role: "user",
        content: format!(
            "That script is not valid:\n{errors}\nReply with the whole corrected JSON object only."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_scripts_are_valid() {
        for (brief, text) in EXAMPLES {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let script = super::super::check(&value).unwrap_or_else(|e| panic!("{brief}: {e}"));
            assert!(script.rows.len() >= 10, "{brief}");
        }
    }

    #[test]
    fn the_brief_is_the_last_message() {
        let (brief, _) = Brief::new("a podcast about bees", 1).unwrap();
        let messages = messages(&brief);
        assert_eq!(messages.last().unwrap().content, "a podcast about bees");
        assert_eq!(messages[0].role, "system");
    }
}
