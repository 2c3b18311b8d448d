//! A traffic and weather update: one presenter reads what the brief says about the roads
//! and the sky, for the place it names, between a bright theme and its sting.

use super::{Ctx, pick};
use crate::plan::template::Draft;

const TRAFFIC_WORDS: &[&str] = &[
    "accident",
    "crash",
    "collision",
    "roadworks",
    "closed",
    "closure",
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
    "temperatures",
    "warm",
    "cold",
    "mist",
    "dry",
    "wet",
    "humid",
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
    for d in &ctx.details {
        for part in d.split(" and ") {
            let part = part.trim();
            if part.split_whitespace().count() < 2 {
                continue;
            }
            if mentions(part, TRAFFIC_WORDS) {
                traffic.push(part.to_owned());
            } else if mentions(part, WEATHER_WORDS) {
                weather.push(part.to_owned());
            }
        }
    }
    (traffic, weather)
}

/// Lines that carry a fact: `{fact}` as the brief words it.
const TRAFFIC_LINES: &[&str] = &[
    "On the roads, {fact}, so expect delays and allow extra time.",
    "Travel news now: {fact}. Take care if you're heading that way.",
    "And a reminder: {fact}. Slow down, and leave plenty of space.",
];
const WEATHER_LINES: &[&str] = &[
    "Let's look at the weather: {fact}.",
    "Later on, {fact}.",
    "And through the rest of the day, {fact}.",
    "Here's the detail: {fact}.",
];

/// Lines any update can use to fill its time.
const GENERAL: &[&str] = &[
    "If you're setting off soon, check before you travel.",
    "We'll have another update on the hour, every hour.",
    "That's the picture for the next few hours.",
    "Keep us on for the latest, whatever your journey.",
    "Drive safely, and give yourself a little more time.",
    "If you can see anything on your way in that we should know about, get in touch.",
];

/// The place the update is for: the name after "for", "in", "across", else the first.
fn place(ctx: &Ctx) -> Option<String> {
    ctx.names
        .iter()
        .find(|n| ["for", "in", "across", "around", "over"].contains(&n.before.as_str()))
        .or(ctx.names.first())
        .map(|n| n.text.clone())
}

/// `Travel and weather for Manchester`.
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
    } else {
        pick(ctx, &mut d.rng, &["Hello.", "Good afternoon."])
    };
    let hello = match &place {
        Some(p) => format!("{when} Here's your travel and weather for {p}."),
        None => format!("{when} Here's your latest travel and weather."),
    };
    d.say(&who, &hello);
    d.end("music", "theme");
    let (traffic, weather) = facts(ctx);
    for (k, f) in traffic.iter().enumerate() {
        let line = TRAFFIC_LINES[k % TRAFFIC_LINES.len()];
        d.say(&who, &line.replace("{fact}", f));
    }
    for (k, f) in weather.iter().enumerate() {
        let line = WEATHER_LINES[k % WEATHER_LINES.len()];
        d.say(&who, &line.replace("{fact}", f));
    }
    if traffic.is_empty() && weather.is_empty() {
        d.say(
            &who,
            "A mixed picture today: bright at times, with the odd shower, and the roads busy but moving.",
        );
    }
    let offset = d.rng.below(GENERAL.len());
    for u in 0..units.min(GENERAL.len()) {
        d.say(&who, GENERAL[(offset + u) % GENERAL.len()]);
    }
    let bye = match &place {
        Some(p) => format!("That's your travel and weather for {p}. Have a good day."),
        None => "That's your travel and weather. Have a good day.".to_owned(),
    };
    d.say(&who, &bye);
    d.clip("music", -24.0, &format!("{theme}, short ending sting"), 3.0);
}
