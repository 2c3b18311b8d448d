//! A traffic and weather update: one presenter reads what the brief says about the roads
//! and the sky, for the place it names, between a bright theme and its sting.

use super::{Ctx, ProperName, pick};
use crate::plan::template::Draft;

const TRAFFIC_WORDS: &[&str] = &[
    "road",
    "roads",
    "gritters",
    "lorry",
    "accident",
    "crash",
    "collision",
    "roadworks",
    "closed",
    "closure",
    "shut",
    "queue",
    "queues",
    "delay",
    "delays",
    "congestion",
    "lane",
    "lanes",
    "motorway",
    "traffic",
    "jam",
    "diversion",
    "breakdown",
    "trains",
    "train",
    "bus",
    "buses",
    "ring road",
    "bridge",
];

const WEATHER_WORDS: &[&str] = &[
    "fog",
    "rain",
    "showers",
    "shower",
    "sun",
    "sunny",
    "sunshine",
    "spells",
    "snow",
    "ice",
    "icy",
    "wind",
    "windy",
    "gales",
    "storm",
    "storms",
    "thunder",
    "heatwave",
    "frost",
    "cloud",
    "cloudy",
    "drizzle",
    "hail",
    "degrees",
    "highs",
    "lows",
    "high",
    "low",
    "temperatures",
    "warm",
    "cold",
    "mist",
    "dry",
    "wet",
    "humid",
    "sleet",
    "misty",
    "foggy",
];

fn mentions(clause: &str, words: &[&str]) -> bool {
    let lower = clause.to_lowercase();
    words.iter().any(|w| {
        lower.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w)
            || (w.contains(' ') && lower.contains(w))
    }) || lower
        .split_whitespace()
        .any(|x| x.len() <= 5 && x.starts_with(['m', 'a']) && x[1..].parse::<u32>().is_ok())
}

/// The brief's facts, split at "and" where the halves are a road and the sky.
fn facts(ctx: &Ctx) -> (Vec<String>, Vec<String>) {
    let mut traffic = Vec::new();
    let mut weather = Vec::new();
    // "a quick forecast: sunny spells, showers": the first fact can be the subject.
    let mut seen: Vec<String> = Vec::new();
    // The subject counts when no detail says it already ("delays after a lorry breakdown").
    let subject =
        Some(&ctx.subject).filter(|s| !ctx.details.iter().any(|d| d.contains(s.as_str())));
    for d in ctx.details.iter().chain(subject) {
        // "Edinburgh: heavy snow overnight": the facts are after the colon.
        let d = d.rsplit(": ").next().unwrap_or(d);
        // "and there's fog and sleet over the moor": the fog and sleet are the fact.
        let mut d = d.trim();
        for lead in ["and ", "but ", "there's ", "there is ", "there will be "] {
            if d.len() > lead.len() && d[..lead.len()].eq_ignore_ascii_case(lead) {
                d = &d[lead.len()..];
            }
        }
        for part in split_and(d) {
            // "high of 14" reads "a high of 14".
            let part = part.trim();
            let part = match part.split(' ').next() {
                Some("high" | "low") if part.contains(" of ") => format!("a {part}"),
                _ => part.to_owned(),
            };
            let part = part.as_str();
            if part.split_whitespace().count() < 2 || seen.iter().any(|s| s == part) {
                continue;
            }
            seen.push(part.to_owned());
            if mentions(part, TRAFFIC_WORDS) {
                traffic.push(part.to_owned());
            } else if mentions(part, WEATHER_WORDS) {
                weather.push(part.to_owned());
            }
        }
    }
    (traffic, weather)
}

/// A fact split at " and ", except between numbers: "junctions 12 and 13" stays whole.
fn split_and(fact: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in fact.split(" and ") {
        let numbers_meet = out.last().is_some_and(|prev: &String| {
            prev.split(' ')
                .next_back()
                .is_some_and(|w| w.parse::<f64>().is_ok())
                && part
                    .split(' ')
                    .next()
                    .is_some_and(|w| w.parse::<f64>().is_ok())
        });
        // "fog and sleet over the moor": one word alone is part of the next fact.
        let alone = out
            .last()
            .is_some_and(|prev: &String| prev.split_whitespace().count() == 1);
        match out.last_mut() {
            Some(prev) if numbers_meet || alone => {
                prev.push_str(" and ");
                prev.push_str(part);
            }
            _ => out.push(part.to_owned()),
        }
    }
    out
}

/// Lines that carry a fact: `{fact}` as the brief words it.
const TRAFFIC_LINES: &[&str] = &[
    "Travel news first: {fact}.",
    "Elsewhere, {fact}.",
    "And {fact}.",
];
const WEATHER_LINES: &[&str] = &[
    "Now the weather: expect {fact}.",
    "We're also looking at {fact}.",
    "And {fact}.",
    "On top of that, {fact}.",
];

/// Advice that follows from what the brief names: (words, line).
const ADVICE: &[(&[&str], &str)] = &[
    (
        &["snow", "blizzard"],
        "If you must travel in the snow, take a blanket, a torch and a charged phone.",
    ),
    (
        &["fog", "mist"],
        "In the fog, use dipped headlights, and keep well back from the car in front.",
    ),
    (
        &["rain", "showers", "shower", "drizzle", "wet"],
        "Keep an umbrella handy, and watch for standing water on the roads.",
    ),
    (
        &["sun", "sunny", "sunshine", "heatwave", "warm", "hot"],
        "If you're out in the sunshine, don't forget the sun cream and plenty of water.",
    ),
    (
        &["wind", "windy", "gales", "gusts"],
        "Watch out for strong gusts on exposed roads and bridges.",
    ),
    (
        &["ice", "icy", "frost", "freezing"],
        "Take extra care on untreated roads and pavements.",
    ),
    (
        &["storm", "storms", "thunder", "lightning"],
        "If the storm reaches you, stay indoors where you can, and keep away from tall trees.",
    ),
    (
        &["accident", "crash", "collision", "breakdown"],
        "Emergency services are at the scene, and there's no word yet on when it will clear.",
    ),
    (
        &["roadworks", "closed", "closure", "diversion", "shut"],
        "Diversions are signposted, but expect the side roads to be busy too.",
    ),
    (
        &["cold", "degrees", "freezing", "chilly"],
        "Wrap up warm if you're heading out: it will feel colder than that in the wind.",
    ),
];

/// Lines any update can use to fill its time.
const GENERAL: &[&str] = &[
    "If you're setting off soon, check before you travel.",
    "Public transport is running, but some services are busier than usual.",
    "Give yourself a few extra minutes today, just in case.",
    "We'll have another update on the hour, every hour.",
    "That's the picture for the next few hours.",
    "Keep us on for the latest, whatever your journey.",
    "Drive safely, and give yourself a little more time.",
    "If you can see anything on your way in that we should know about, get in touch.",
    "If you're on the school run, leave a little earlier than usual.",
    "Later on, the evening rush hour should be back to normal.",
    "Remember to check on elderly neighbours if conditions turn.",
    "Cyclists and pedestrians, take care out there.",
    "Our travel team are keeping an eye on everything for you.",
    "We'll bring you any changes as soon as we hear about them.",
];

/// The place the update is for: the name after "for", "in", "across", else the first.
fn place(ctx: &Ctx) -> Option<String> {
    let places: Vec<&ProperName> = ctx
        .names
        .iter()
        .filter(|n| !n.text.chars().any(|c| c.is_ascii_digit()))
        .collect();
    places
        .iter()
        .find(|n| ["for", "in", "across", "around", "over"].contains(&n.before.as_str()))
        .or(places.first())
        .map(|n| n.text.clone())
        .or_else(|| lowercase_place(&ctx.brief))
}

/// A place typed in lower case after "weather for", "forecast for" or "update for", up to
/// the end of its clause and at most three words ("greater manchester" → "Greater
/// Manchester"); not a time ("for tomorrow", "for the weekend").
fn lowercase_place(brief: &str) -> Option<String> {
    const NOT_PLACES: &[&str] = &[
        "the",
        "a",
        "an",
        "this",
        "next",
        "tomorrow",
        "today",
        "tonight",
        "morning",
        "evening",
        "afternoon",
        "weekend",
        "week",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "drivers",
        "commuters",
        "listeners",
        "everyone",
        "my",
        "our",
    ];
    let (_, rest) = [
        "weather for ",
        "forecast for ",
        "update for ",
        "travel for ",
    ]
    .iter()
    .find_map(|lead| brief.split_once(lead))?;
    let clause = rest
        .split(['.', ',', ';', ':', '!', '?', '-'])
        .next()?
        .trim();
    let words: Vec<&str> = clause.split_whitespace().collect();
    let place_words = (1..=3).contains(&words.len())
        && words.iter().all(|w| w.chars().all(char::is_alphabetic))
        && !words.iter().any(|w| NOT_PLACES.contains(w))
        && !mentions(clause, TRAFFIC_WORDS)
        && !mentions(clause, WEATHER_WORDS);
    place_words.then(|| {
        words
            .iter()
            .map(|w| super::capitalise(w))
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `Travel and weather for Manchester`.
/// A road the brief names by its number ("on the M62", "the A1"): a letter or two and
/// digits.
fn road(ctx: &Ctx) -> Option<String> {
    ctx.names
        .iter()
        .map(|n| n.text.as_str())
        .find(|t| {
            let letters = t.chars().take_while(char::is_ascii_uppercase).count();
            let rest = &t[letters..];
            (1..=2).contains(&letters)
                && !rest.is_empty()
                && rest.len() <= 4
                && rest.chars().all(|c| c.is_ascii_digit())
        })
        .map(str::to_owned)
}

pub(super) fn title(ctx: &Ctx) -> Option<String> {
    let what = if ctx.brief.contains("traffic") || ctx.brief.contains("travel") {
        "Travel and weather"
    } else {
        "The weather"
    };
    Some(match place(ctx) {
        Some(p) => format!("{what} for {p}"),
        None => what.to_owned(),
    })
}

pub(super) fn write(ctx: &Ctx, d: &mut Draft, units: usize) {
    let who = ctx.cast[0].character.clone();
    let place = place(ctx);
    let morning = ctx.brief.contains("morning");
    let theme = ctx.music(&mut d.rng, "theme");
    d.begin("music", "theme", -26.0, theme);
    let when = if morning {
        "Good morning."
    } else if ctx.brief.contains("evening") || ctx.brief.contains("tonight") {
        "Good evening."
    } else {
        pick(ctx, &mut d.rng, &["Hello.", "Good afternoon."])
    };
    let what = if mentions(&ctx.brief, TRAFFIC_WORDS) || ctx.brief.contains("travel") {
        "travel and weather"
    } else {
        "weather"
    };
    let hello = match &place {
        Some(p) => format!("{when} Here's your {what} for {p}."),
        None => format!("{when} Here's your latest {what}."),
    };
    d.say(&who, &hello);
    d.end("music", "theme");
    let (traffic, weather) = facts(ctx);
    let road = road(ctx).filter(|r| !traffic.iter().any(|f| f.contains(r.as_str())));
    for (k, f) in traffic.iter().enumerate() {
        let line = match &road {
            // "for drivers on the M62": the road leads the travel news.
            Some(r) if k == 0 => format!("Travel news first, on the {r}: {f}."),
            _ => TRAFFIC_LINES[k % TRAFFIC_LINES.len()].replace("{fact}", f),
        };
        d.say(&who, &line);
    }
    for (k, f) in weather.iter().enumerate() {
        // "heavy snow is on the way" says it already: no "expect" in front.
        let clause = f.split_whitespace().any(|w| {
            [
                "is", "are", "will", "has", "have", "was", "were", "moves", "clears",
            ]
            .contains(&w)
        });
        let line = match WEATHER_LINES[k % WEATHER_LINES.len()] {
            "Now the weather: expect {fact}." if clause => "Now the weather: {fact}.",
            line => line,
        };
        d.say(&who, &line.replace("{fact}", f));
    }
    if traffic.is_empty() && weather.is_empty() {
        d.say(
            &who,
            "A mixed picture today: bright at times, with the odd shower, and the roads busy but moving.",
        );
    }
    let advice: Vec<&str> = ADVICE
        .iter()
        .filter(|(words, _)| {
            words.iter().any(|w| {
                ctx.brief
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|b| b == *w)
            })
        })
        .map(|(_, line)| *line)
        .collect();
    for line in advice.iter().take(units) {
        d.say(&who, line);
    }
    let units = units.saturating_sub(advice.len());
    let offset = d.rng.below(GENERAL.len());
    for u in 0..units.min(GENERAL.len()) {
        d.say(&who, GENERAL[(offset + u) % GENERAL.len()]);
    }
    let bye = match &place {
        Some(p) => format!("That's your {what} for {p}. Have a good day."),
        None => format!("That's your {what}. Have a good day."),
    };
    d.say(&who, &bye);
    d.clip("music", -24.0, &format!("{theme}, short ending sting"), 3.0);
}
