//! Reading a description's words: keyword matching with light de-inflection, and the
//! parameters (intensity, distance, space, count, pace) a description sets.

use super::recipes::Recipe;
use crate::dsp::sounds::{Distance, SoundParams, Space};

/// Lower-cased words, split on anything that is not a letter or digit.
pub fn words(description: &str) -> Vec<String> {
    description
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// True when `word` is `key` or an inflection of it. Cheap suffix stripping is enough for
/// the few hundred words in the catalogue ("knocks", "creaking", "tapped", "hurries").
pub fn inflects(word: &str, key: &str) -> bool {
    if word == key {
        return true;
    }
    if let Some(rest) = word.strip_prefix(key) {
        if matches!(
            rest,
            "s" | "es" | "ing" | "ed" | "d" | "er" | "ers" | "y" | "ly"
        ) {
            return true;
        }
        // Doubled final consonant: "rapping" → "rap", "stepped" → "step".
        let last = key.chars().last();
        let mut chars = rest.chars();
        if chars.next() == last && matches!(chars.as_str(), "ing" | "ed" | "er" | "ers") {
            return true;
        }
    }
    // Dropped final e: "typing" → "type", "creased" is "crease" + "d" above.
    if let Some(stem) = key.strip_suffix('e') {
        return word
            .strip_prefix(stem)
            .is_some_and(|r| matches!(r, "ing" | "ed" | "er" | "ers"));
    }
    // "hurries" → "hurry".
    if let Some(stem) = key.strip_suffix('y') {
        return word
            .strip_prefix(stem)
            .is_some_and(|r| matches!(r, "ies" | "ied"));
    }
    false
}

/// `inflects` for a key that may be several words ("room tone"), against the word list.
pub fn mentions(words: &[String], key: &str) -> bool {
    let parts: Vec<&str> = key.split(' ').collect();
    if parts.len() == 1 {
        return words.iter().any(|w| inflects(w, key));
    }
    words
        .windows(parts.len())
        .any(|win| win.iter().zip(&parts).all(|(w, p)| inflects(w, p)))
}

pub fn score(words: &[String], recipe: &Recipe) -> u32 {
    let named = recipe
        .keywords
        .iter()
        .filter(|k| mentions(words, k))
        .count() as u32;
    let hinted = recipe.hints.iter().filter(|k| mentions(words, k)).count() as u32;
    named * 3 + hinted
}

const SOFT: &[&str] = &[
    "light", "soft", "gentle", "gently", "faint", "quiet", "subtle", "calm", "mild", "slight",
    "weak", "drizzle", "delicate", "tiny", "little", "low",
];
const STRONG: &[&str] = &[
    "heavy",
    "loud",
    "strong",
    "hard",
    "intense",
    "violent",
    "pound",
    "torrential",
    "fierce",
    "howl",
    "raging",
    "roaring",
    "huge",
    "massive",
    "powerful",
    "downpour",
    "big",
    "angry",
    "furious",
    "storm",
    "stormy",
    "wild",
];
const FAR: &[&str] = &[
    "distant",
    "far",
    "faraway",
    "afar",
    "muffled",
    "next door",
    "distance",
];
const CLOSE: &[&str] = &["close", "near", "nearby", "closeup", "close up", "intimate"];
const LARGE: &[&str] = &[
    "hall",
    "large",
    "church",
    "cathedral",
    "cave",
    "warehouse",
    "stadium",
    "arena",
    "gym",
    "hangar",
    "tunnel",
    "auditorium",
    "stairwell",
    "echo",
    "echoing",
    "reverberant",
    "vast",
];
const MEDIUM: &[&str] = &[
    "hallway",
    "corridor",
    "room",
    "kitchen",
    "classroom",
    "lobby",
];
const SMALL: &[&str] = &[
    "small", "closet", "bathroom", "booth", "cupboard", "car", "cramped",
];
const DRY: &[&str] = &[
    "outside", "outdoors", "outdoor", "open air", "street", "forest", "field", "park", "garden",
    "beach", "dry",
];
const FAST: &[&str] = &[
    "run", "jog", "hurry", "hurried", "rush", "quick", "quickly", "fast", "rapid", "brisk",
];
const SLOW: &[&str] = &[
    "slow",
    "slowly",
    "leisurely",
    "shuffle",
    "tired",
    "creep",
    "sneak",
    "tiptoe",
];

/// Who or what is making a voiced sound, for its size (see [`SoundParams::size`]): a
/// child or a small animal, a woman, a big animal, a man.
const SMALL_BODY: &[&str] = &[
    "small",
    "little",
    "tiny",
    "puppy",
    "pup",
    "kitten",
    "lamb",
    "child",
    "children",
    "kid",
    "kids",
    "toddler",
    "baby",
    "girl",
    "boy",
    "chihuahua",
    "terrier",
    "yappy",
];
const WOMAN: &[&str] = &[
    "woman",
    "women",
    "lady",
    "ladies",
    "mother",
    "mum",
    "mom",
    "grandmother",
    "female",
];
const BIG_BODY: &[&str] = &[
    "big",
    "large",
    "huge",
    "giant",
    "massive",
    "guard dog",
    "mastiff",
    "rottweiler",
    "alsatian",
    "german shepherd",
    "hound",
];
const MAN: &[&str] = &[
    "man",
    "men",
    "guy",
    "father",
    "dad",
    "grandfather",
    "gentleman",
    "male",
];

/// Words that say how a sound is heard (how loud, how far, how fast, how many, when) but
/// not what it is: the chooser does not expect a sound's own text to contain them.
const MANNER: &[&str] = &[
    "someone",
    "somebody",
    "person",
    "people",
    "man",
    "woman",
    "old",
    "new",
    "busy",
    "empty",
    "morning",
    "evening",
    "night",
    "day",
    "dawn",
    "dusk",
    "sunday",
    "summer",
    "winter",
    "suddenly",
    "sudden",
    "repeatedly",
    "again",
    "continuous",
    "constant",
    "steady",
    "short",
    "long",
    "brief",
    "single",
    "once",
    "twice",
    "several",
    "many",
    "lots",
    "background",
    "foreground",
    "start",
    "starts",
    "end",
    "ends",
    "away",
    "around",
    "down",
    "back",
    "top",
    "briefly",
    "softly",
    "loudly",
    "quietly",
    "nearby",
    "overhead",
    "outside",
    "inside",
];

/// True when `word` shapes a sound (intensity, distance, pace, count, manner) rather than
/// naming it.
pub fn shapes_the_sound(word: &str) -> bool {
    let w = [word.to_string()];
    [SOFT, STRONG, FAR, CLOSE, FAST, SLOW, MANNER]
        .iter()
        .any(|list| list.iter().any(|k| !k.contains(' ') && mentions(&w, k)))
        || parse_count(&w).is_some()
}

fn any_of(words: &[String], keys: &[&str]) -> bool {
    keys.iter().any(|k| mentions(words, k))
}

/// Intensity, distance, space, count and pace from a description's words.
pub fn parse_params(description: &str) -> SoundParams {
    let w = words(description);
    let mut p = SoundParams::default();
    // "Strong" wins over "soft" when both appear: "a soft but heavy thud" is still heavy.
    if any_of(&w, STRONG) {
        p.intensity = 0.95;
    } else if any_of(&w, SOFT) {
        p.intensity = 0.25;
    }
    if any_of(&w, FAR) {
        p.distance = Distance::Far;
    } else if any_of(&w, CLOSE) {
        p.distance = Distance::Close;
    }
    // "small room" is small and "large room" large: check the size words before "room".
    p.space = if any_of(&w, SMALL) {
        Some(Space::Small)
    } else if any_of(&w, LARGE) {
        Some(Space::Large)
    } else if any_of(&w, DRY) {
        Some(Space::Dry)
    } else if any_of(&w, MEDIUM) && !mentions(&w, "room tone") && !mentions(&w, "empty room") {
        Some(Space::Medium)
    } else {
        None
    };
    p.count = parse_count(&w);
    p.size = parse_size(&w);
    if any_of(&w, FAST) {
        p.pace = 1.8;
    } else if any_of(&w, SLOW) {
        p.pace = 0.7;
    }
    p
}

/// Body size from the words (0.5 when none says): "a small dog" or "children" small, "a
/// woman" smaller than "a man", "a big dog" big. A size word that describes the room ("a
/// small room", "a large hall") does not count.
fn parse_size(words: &[String]) -> f32 {
    let rooms: Vec<&str> = [SMALL, MEDIUM, LARGE]
        .concat()
        .into_iter()
        .chain(["space", "place"])
        .collect();
    let body = |keys: &[&str]| {
        words.iter().enumerate().any(|(i, w)| {
            let next_is_room = words
                .get(i + 1)
                .is_some_and(|n| rooms.iter().any(|r| inflects(n, r)));
            !next_is_room && keys.iter().any(|k| !k.contains(' ') && inflects(w, k))
        }) || keys.iter().any(|k| k.contains(' ') && mentions(words, k))
    };
    if body(SMALL_BODY) {
        0.12
    } else if body(WOMAN) {
        0.35
    } else if body(BIG_BODY) {
        0.9
    } else if body(MAN) {
        0.7
    } else {
        0.5
    }
}

/// How many times, from "twice", "three knocks", "3 beeps", "a couple of". A number followed
/// by a unit ("2 seconds") is a length, not a count.
fn parse_count(words: &[String]) -> Option<u32> {
    const UNITS: &[&str] = &[
        "s", "sec", "secs", "second", "seconds", "ms", "minute", "minutes", "min", "hz", "khz",
        "db", "percent", "hour", "hours", "bpm",
    ];
    const NUMBERS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    for (i, w) in words.iter().enumerate() {
        let n = match w.as_str() {
            "once" | "single" => Some(1),
            "twice" | "double" | "couple" => Some(2),
            "thrice" | "triple" | "few" => Some(3),
            "several" => Some(4),
            _ => w
                .parse::<u32>()
                .ok()
                .or_else(|| NUMBERS.iter().position(|n| n == w).map(|n| n as u32)),
        };
        let Some(n) = n else { continue };
        let next = words.get(i + 1).map(String::as_str);
        if n == 0 || next.is_some_and(|u| UNITS.contains(&u)) {
            continue;
        }
        return Some(n.min(20));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_comes_from_who_makes_the_sound_not_the_room() {
        let size = |d: &str| parse_params(d).size;
        assert_eq!(size("a dog barks twice at the mailman"), 0.5);
        assert_eq!(size("small yappy dog barking excitedly"), 0.12);
        assert_eq!(size("children giggling"), 0.12);
        assert_eq!(size("a woman laughs"), 0.35);
        assert_eq!(size("a guard dog growls menacingly"), 0.9);
        assert_eq!(size("a big dog barks"), 0.9);
        assert_eq!(size("a man laughs heartily"), 0.7);
        // The room's size is not the dog's.
        assert_eq!(size("a dog barks in a small room"), 0.5);
        assert_eq!(size("a man coughs in a large hall"), 0.7);
    }
}
