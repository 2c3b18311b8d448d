//! The template planner: deterministic, offline, always available.
//!
//! It reads the brief with word rules ([`brief::analyse`]: genre, subject, people in order,
//! setting, mood, length), then writes the genre's running order with lines built from the
//! subject, the setting and the roles. Every variant is chosen by [`Rng`] seeded from the
//! brief's seed. When the brief asks for a length, the body (exchanges, story beats,
//! breathing cycles) grows or shrinks until the estimated length fits.

pub mod brief;
mod genres;

use serde_json::{Map, Value, json};

use crate::Result;
use crate::dsp::rng::Rng;

pub use brief::{
    Analysis, Genre, Mood, NamedSound, Person, Setting, Subject, SubjectKind, analyse,
};

use super::{Brief, Plan, Planner};

/// Seconds per spoken word of the default Piper voice (en_US-joe-medium) at speed 1, and per
/// punctuation mark (the pause after it), less a constant per row: a least-squares fit to
/// 49 rendered rows of planned scripts (mean error 0.22 s on rows of 4.1 s). Overall the
/// voice speaks about 3.3 words per second, pauses included.
const SECONDS_PER_WORD: f64 = 0.203;
const SECONDS_PER_MARK: f64 = 0.595;
const SECONDS_PER_ROW: f64 = -0.11;
/// Without a requested length the piece aims here.
const DEFAULT_LENGTH_S: f64 = 70.0;
/// The shortest piece the template planner writes: a shorter request gets this, with a
/// warning.
pub const MIN_LENGTH_S: f64 = 20.0;
/// The longest piece the template planner writes.
pub const MAX_LENGTH_S: f64 = 900.0;

#[derive(Debug, Default)]
pub struct TemplatePlanner;

impl TemplatePlanner {
    pub fn new() -> Self {
        TemplatePlanner
    }
}

impl Planner for TemplatePlanner {
    fn name(&self) -> &'static str {
        "template"
    }

    fn plan(&mut self, brief: &Brief) -> Result<Plan> {
        Ok(plan_brief(brief.text(), brief.seed))
    }
}

/// Plans a brief's text (the planner without the [`Brief`] wrapper).
pub fn plan_brief(text: &str, seed: u64) -> Plan {
    let analysis = analyse(text);
    let mut warnings = Vec::new();
    let target = match analysis.length_s {
        Some(s) if s > MAX_LENGTH_S => {
            warnings.push(format!(
                "the brief asks for {}; the template planner writes at most 15 minutes",
                say_length(s)
            ));
            Some(MAX_LENGTH_S)
        }
        Some(s) if s < MIN_LENGTH_S => {
            warnings.push(format!(
                "the brief asks for {}; the shortest piece the template planner writes is \
                 about 20 seconds",
                say_length(s)
            ));
            Some(MIN_LENGTH_S)
        }
        other => other,
    };
    if let Some((code, name)) = crate::text::language::detect(text)
        && code != "en"
    {
        warnings.push(format!(
            "the brief looks {name} ({code}); the template planner understands and writes \
             English only, so this plan may not follow it: write the brief in English, or \
             use --planner local or http with a model that knows {name}"
        ));
    } else if !analysis.genre_said {
        warnings.push(format!(
            "the brief names no kind of piece the template planner knows (news, interview, \
             podcast, debate, story, drama, advert, meditation, sports commentary, traffic \
             and weather, documentary); planned as the closest genre, a {}",
            analysis.genre.as_str()
        ));
    }
    let ctx = genres::Ctx::new(&analysis, seed, &mut warnings);
    let usual = match ctx.genre {
        Genre::Advert => 40.0,
        Genre::Meditation => 90.0,
        Genre::Weather => 50.0,
        _ => DEFAULT_LENGTH_S,
    };
    // "a quick forecast", "a short story": shorter than usual, but not a stated length.
    let goal = target.unwrap_or(if analysis.short { 0.7 * usual } else { usual });
    // The body grows one unit at a time; keep the count whose estimate is nearest the goal.
    let mut best: Option<(f64, Draft)> = None;
    for units in 0..400 {
        let mut draft = genres::write(&ctx, units);
        place_sounds(&mut draft, &analysis.sounds);
        let est = draft.estimate_s();
        let miss = (est - goal).abs();
        let better = best.as_ref().is_none_or(|(m, _)| miss < *m);
        if better {
            best = Some((miss, draft));
        }
        if est > goal {
            break;
        }
    }
    let draft = best.map(|(_, d)| d).expect("at least one draft");
    let left_out: Vec<&str> = analysis
        .sounds
        .iter()
        .filter(|s| !draft.has_sound(s.key))
        .map(|s| s.description)
        .collect();
    if !left_out.is_empty() {
        warnings.push(format!(
            "the brief names more sounds than the template planner places; left out: {}",
            left_out.join(", ")
        ));
    }
    let est = draft.estimate_s();
    if let Some(t) = target
        && (est - t).abs() > 0.25 * t
    {
        warnings.push(format!(
            "the plan is about {} long; the brief asks for {}",
            say_length(est),
            say_length(t)
        ));
    }
    let mut script = Map::new();
    script.insert("title".into(), Value::String(ctx.title.clone()));
    script.insert("seed".into(), json!(seed));
    if let Some(gap) = draft.gap {
        script.insert("gap".into(), json!(gap));
    }
    // Each speaker's gender, where the brief says it; onair's casting gives everyone a
    // distinct voice of that gender (and alternates genders where nothing says).
    let mut voices = Map::new();
    for p in &ctx.cast {
        if !draft.speakers.contains(&p.character) {
            continue;
        }
        let mut entry = Map::new();
        if let Some(g) = p.gender {
            entry.insert("gender".into(), json!(g.as_str()));
        }
        if ctx.genre == Genre::Meditation {
            entry.insert("speed".into(), json!(0.9));
        }
        if !entry.is_empty() {
            voices.insert(p.character.clone(), Value::Object(entry));
        }
    }
    if !voices.is_empty() {
        script.insert("voices".into(), Value::Object(voices));
    }
    script.insert("rows".into(), Value::Array(draft.rows));
    Plan {
        script: Value::Object(script),
        warnings,
        summary: format!(
            "template planner, {}, seed {seed}, about {}",
            ctx.genre.as_str(),
            say_length(est)
        ),
    }
}

/// Backgrounds and one-off sounds a plan takes from the brief at most.
const MAX_NAMED_BACKGROUNDS: usize = 3;
const MAX_NAMED_EVENTS: usize = 6;

/// Puts the sounds the brief names into the rows, unless the rows already have them (the
/// setting's ambience): each heard-throughout sound as a background from the first spoken
/// line to the end; each one-off sound before a spoken line, the first before the second
/// line and the next every other line after it, so the events are spread through the piece.
fn place_sounds(d: &mut Draft, sounds: &[NamedSound]) {
    if !d.rows.iter().any(|r| r["type"] == "speech") {
        return;
    }
    let events: Vec<&NamedSound> = sounds
        .iter()
        .filter(|s| !s.ambience && !d.has_sound(s.key))
        .take(MAX_NAMED_EVENTS)
        .collect();
    let speech: Vec<usize> = (0..d.rows.len())
        .filter(|&i| d.rows[i]["type"] == "speech")
        .collect();
    let mut at: Vec<(usize, &NamedSound)> = events
        .iter()
        .enumerate()
        .map(|(k, s)| (speech[(1 + 2 * k).min(speech.len() - 1)], *s))
        .collect();
    // From the back, so that each insertion leaves the earlier positions as they are.
    at.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    for (i, s) in at {
        let mut row = json!({
            "type": "sfx",
            "volume": -22.0,
            "description": s.description,
            "duration": 2.5,
            "fade_in": 0.05,
        });
        if let Some(chapter) = d.rows[i].as_object_mut().and_then(|r| r.remove("chapter")) {
            row["chapter"] = chapter;
        }
        d.rows.insert(i, row);
    }
    let backgrounds: Vec<&NamedSound> = sounds
        .iter()
        .filter(|s| s.ambience && !d.has_sound(s.key))
        .take(MAX_NAMED_BACKGROUNDS)
        .collect();
    let first = d
        .rows
        .iter()
        .position(|r| r["type"] == "speech")
        .expect("a spoken line");
    for (k, s) in backgrounds.iter().enumerate().rev() {
        let id = format!("sound-{}", k + 1);
        let mut row = json!({
            "type": "sfx",
            "id": id,
            "volume": -34.0,
            "action": "begin",
            "description": s.description,
        });
        if let Some(chapter) = d.rows[first]
            .as_object_mut()
            .and_then(|r| r.remove("chapter"))
        {
            row["chapter"] = chapter;
        }
        d.rows.insert(first, row);
        d.rows
            .push(json!({ "type": "sfx", "id": id, "action": "end" }));
    }
}

fn say_length(s: f64) -> String {
    let s = s.round() as u64;
    match (s / 60, s % 60) {
        (0, sec) => format!("{sec} s"),
        (min, 0) => format!("{min} min"),
        (min, sec) => format!("{min} min {sec} s"),
    }
}

/// Rows being written, with what the length estimate needs.
pub(crate) struct Draft {
    pub rows: Vec<Value>,
    /// The script's `gap`, when the genre wants pauses (meditation).
    pub gap: Option<f64>,
    /// Speed of each character's voice, for the estimate.
    pub speeds: Vec<(String, f64)>,
    pub speakers: Vec<String>,
    pub rng: Rng,
}

impl Draft {
    pub fn new(seed: u64, units: usize, speeds: Vec<(String, f64)>) -> Draft {
        // The same seed gives the same choices whatever the unit count, up to the units.
        let _ = units;
        Draft {
            rows: Vec::new(),
            gap: None,
            speeds,
            speakers: Vec::new(),
            rng: Rng::new(seed).fork("template"),
        }
    }

    pub fn say(&mut self, who: &str, text: &str) {
        let text = tidy(text);
        if text.is_empty() {
            return;
        }
        if !self.speakers.iter().any(|s| s == who) {
            self.speakers.push(who.to_owned());
        }
        self.rows.push(json!({
            "type": "speech",
            "character": who,
            "description": text,
        }));
    }

    pub fn begin(&mut self, kind: &str, id: &str, volume: f64, description: &str) {
        self.rows.push(json!({
            "type": kind,
            "id": id,
            "volume": volume,
            "action": "begin",
            "description": description,
        }));
    }

    pub fn end(&mut self, kind: &str, id: &str) {
        // An end right after its begin would hold no foreground row: drop both.
        if let Some(last) = self.rows.last()
            && last["action"] == "begin"
            && last["id"] == id
        {
            self.rows.pop();
            return;
        }
        self.rows
            .push(json!({ "type": kind, "id": id, "action": "end" }));
    }

    /// Makes the row at `at` (the first row of a part, when it was written) the start of a
    /// chapter: `chapter:` on it. Nothing when no row was written there.
    pub fn chapter_at(&mut self, at: usize, title: &str) {
        // Subjects can be long; a chapter title stays short enough to read in a player.
        const MAX_CHARS: usize = 60;
        let title = if title.chars().count() > MAX_CHARS {
            let cut: String = title.chars().take(MAX_CHARS).collect();
            let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
            format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
        } else {
            title.to_owned()
        };
        if let Some(row) = self.rows.get_mut(at) {
            row["chapter"] = json!(title);
        }
    }

    /// Whether a spoken row already says `text` (as [`tidy`] writes it).
    pub fn said(&self, text: &str) -> bool {
        let text = tidy(text);
        self.rows
            .iter()
            .any(|r| r["type"] == "speech" && r["description"] == text.as_str())
    }

    /// Whether a sound-effect row's description mentions `key` (`rain`).
    pub fn has_sound(&self, key: &str) -> bool {
        self.rows.iter().any(|r| {
            r["type"] == "sfx"
                && r["description"]
                    .as_str()
                    .is_some_and(|t| t.to_lowercase().contains(key))
        })
    }

    /// A foreground music or sfx clip of `duration` seconds.
    pub fn clip(&mut self, kind: &str, volume: f64, description: &str, duration: f64) {
        let mut row = json!({
            "type": kind,
            "volume": volume,
            "description": description,
            "duration": duration,
        });
        if duration < 3.0 {
            row["fade_in"] = json!(0.05);
        }
        self.rows.push(row);
    }

    /// Estimated rendered length: spoken words at the measured rate, the gaps between
    /// foreground rows and the foreground clips' durations.
    pub fn estimate_s(&self) -> f64 {
        let mut total = 0.0;
        let mut prev_speech: Option<bool> = None;
        for row in &self.rows {
            if row.get("action").is_some() {
                continue;
            }
            let speech = row["type"] == "speech";
            if let Some(p) = prev_speech {
                total += match (row["gap"].as_f64(), self.gap) {
                    (Some(g), _) | (None, Some(g)) => g,
                    (None, None) if p && speech => 0.3,
                    (None, None) => 0.0,
                };
            }
            prev_speech = Some(speech);
            if speech {
                let who = row["character"].as_str().unwrap_or("");
                let speed = self
                    .speeds
                    .iter()
                    .find(|(c, _)| c == who)
                    .map_or(1.0, |(_, s)| *s);
                let words = row["description"]
                    .as_str()
                    .unwrap_or("")
                    .split_whitespace()
                    .count() as f64;
                let pauses = row["description"]
                    .as_str()
                    .unwrap_or("")
                    .matches(['.', ',', '?', '!', ':'])
                    .count() as f64;
                total += (words * SECONDS_PER_WORD + pauses * SECONDS_PER_MARK + SECONDS_PER_ROW)
                    .max(0.5)
                    / speed;
            } else {
                total += row["duration"].as_f64().unwrap_or(0.0);
            }
        }
        total
    }
}

/// Capital letter at the start and after each sentence end, single spaces, and a final
/// full stop.
pub fn tidy(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out = String::new();
    let mut cap = true;
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        if cap {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push_str(w);
        }
        let lw = w.to_lowercase();
        cap = (w.ends_with(['.', '!', '?']) || w.ends_with(".\""))
            && !["dr.", "mr.", "mrs.", "ms.", "st."].contains(&lw.as_str());
    }
    let out = out.replace(" ,", ",").replace(" .", ".").replace("..", ".");
    if !out.is_empty() && !out.ends_with(['.', '!', '?']) {
        format!("{out}.")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_capitalises_sentences_and_ends_with_a_stop() {
        assert_eq!(
            tidy("hello  there. how are you"),
            "Hello there. How are you."
        );
        assert_eq!(tidy("thanks, Dr. Okafor. bye!"), "Thanks, Dr. Okafor. Bye!");
    }

    #[test]
    fn a_sound_placed_where_a_chapter_begins_takes_the_chapter_whole() {
        // Named one-off sounds land before spoken lines, some of which open a chapter: the
        // chapter moves to the sound's row and leaves no empty field behind.
        let text = "an interview with a firefighter from Leeds about her first year; she \
            remembers the sirens, the alarm bells and the thunder of the pumps. three minutes";
        let mut moved = 0;
        for seed in 0..12 {
            let plan = plan_brief(text, seed);
            crate::plan::check(&plan.script).unwrap();
            for row in plan.script["rows"].as_array().unwrap() {
                let row = row.as_object().unwrap();
                assert!(row.values().all(|v| !v.is_null()), "{row:?}");
                moved += usize::from(row["type"] == "sfx" && row.contains_key("chapter"));
            }
        }
        assert!(
            moved > 0,
            "no sound opened a chapter: the test checks nothing"
        );
    }

    #[test]
    fn mars_plan_validates_and_keeps_the_order() {
        let text = "A science-fiction news segment: Mars News reports that humans sent a \
            light-speed probe to Alpha Centauri. Start with the news anchor, then a reporter \
            interviews the chief engineer, and end with the anchor.";
        let plan = plan_brief(text, 7);
        crate::plan::check(&plan.script).unwrap();
        assert!(plan.summary.starts_with("template planner, news, seed 7"));
    }

    #[test]
    fn the_sounds_a_brief_names_are_planned_where_they_are_heard() {
        let text = "drama: a detective questions a nervous suspect in a small police station, \
            a clock ticking, rain outside, then an alarm goes off and footsteps run past";
        for seed in 0..4 {
            let plan = plan_brief(text, seed);
            crate::plan::check(&plan.script).unwrap();
            let rows = plan.script["rows"].as_array().unwrap();
            let sfx = |key: &str| {
                rows.iter()
                    .position(|r| {
                        r["type"] == "sfx"
                            && r["description"]
                                .as_str()
                                .is_some_and(|d| d.to_lowercase().contains(key))
                    })
                    .unwrap_or_else(|| panic!("no {key} row in {:#}", plan.script))
            };
            let first_line = rows.iter().position(|r| r["type"] == "speech").unwrap();
            // Heard all through: begun before the first line, ended after the last.
            let begin = sfx("clock");
            assert!(begin < first_line);
            assert_eq!(rows[begin]["action"], "begin");
            let id = &rows[begin]["id"];
            let end = rows.iter().rposition(|r| &r["id"] == id).unwrap();
            assert_eq!(rows[end]["action"], "end");
            assert!(rows[end..].iter().all(|r| r["type"] != "speech"));
            // The rain is the story's setting: its ambience, not planned a second time.
            assert_eq!(rows[sfx("rain")]["id"], "ambience", "{:#}", plan.script);
            assert!(!rows.iter().any(|r| {
                r["id"].as_str().is_some_and(|i| i.starts_with("sound-"))
                    && r["description"]
                        .as_str()
                        .is_some_and(|d| d.contains("rain"))
            }));
            // Heard once: foreground clips between the lines, in the brief's order, once each.
            let (alarm, steps) = (sfx("alarm"), sfx("footsteps"));
            assert!(first_line < alarm && alarm < steps, "{:#}", plan.script);
            assert!(rows[alarm]["duration"].as_f64().unwrap() > 1.0);
            let alarms = rows
                .iter()
                .filter(|r| {
                    r["description"]
                        .as_str()
                        .is_some_and(|d| d.contains("Alarm"))
                })
                .count();
            assert_eq!(alarms, 1);
        }
    }

    #[test]
    fn a_storm_holds_its_rain_and_names_are_not_sounds() {
        let sounds = |t: &str| -> Vec<&str> { analyse(t).sounds.iter().map(|s| s.key).collect() };
        assert_eq!(
            sounds("a ghost story on a stormy night with rain"),
            ["creak", "thunder"]
        );
        // "Silver Storm" is a horse, "Mill Street" an address: capitalised names are not sounds.
        assert!(sounds("racing commentary: Silver Storm wins on Mill Street").contains(&"crowd"));
        assert!(
            !sounds("racing commentary: Silver Storm wins on Mill Street").contains(&"thunder")
        );
        assert!(sounds("a quiet interview about tax law").is_empty());
    }

    #[test]
    fn a_long_request_is_capped_with_a_warning() {
        let plan = plan_brief("A 40-minute podcast about bread", 1);
        assert!(
            plan.warnings.iter().any(|w| w.contains("15 minutes")),
            "{:?}",
            plan.warnings
        );
        crate::plan::check(&plan.script).unwrap();
    }

    fn spoken(plan: &Plan) -> String {
        plan.script["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "speech")
            .filter_map(|r| r["description"].as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_station_ident_is_the_announcer_alone_at_the_shortest_length() {
        let plan = plan_brief("10 sec station ident for Hilltop FM on 97.4", 1);
        crate::plan::check(&plan.script).unwrap();
        assert!(plan.warnings.iter().any(|w| w.contains("20 seconds")));
        let est = Draft {
            rows: plan.script["rows"].as_array().unwrap().clone(),
            gap: None,
            speeds: Vec::new(),
            speakers: Vec::new(),
            rng: Rng::new(1),
        }
        .estimate_s();
        assert!((15.0..=25.0).contains(&est), "{est}");
        let rows = plan.script["rows"].as_array().unwrap();
        assert!(
            rows.iter()
                .filter(|r| r["type"] == "speech")
                .all(|r| r["character"] == "Announcer")
        );
        assert!(spoken(&plan).contains("97.4"));
    }

    #[test]
    fn an_update_for_a_place_typed_in_lower_case_names_it() {
        let plan = plan_brief(
            "morning traffic + weather for greater manchester. m60 shut between junctions 12 \
             and 13 after a lorry fire, high of 14. 1.5 min",
            1,
        );
        assert_eq!(
            plan.script["title"],
            "Travel and weather for Greater Manchester"
        );
        let said = spoken(&plan);
        assert!(said.contains("junctions 12 and 13"), "{said}");
        assert!(said.contains("a high of 14"), "{said}");
    }

    #[test]
    fn a_cricket_commentary_has_bat_on_ball_and_the_brief_s_facts() {
        let plan = plan_brief(
            "commentary for the last over of a cricket match, England v India at Lord's, \
             India need nine off six balls, Tom Hadley bowling",
            1,
        );
        let rows = plan.script["rows"].as_array().unwrap();
        assert!(rows.iter().any(|r| {
            r["type"] == "sfx" && r["description"].as_str().is_some_and(|d| d.contains("bat"))
        }));
        assert!(spoken(&plan).contains("Tom Hadley bowling"));
    }

    #[test]
    fn a_documentary_tells_every_fact_of_the_brief() {
        let plan = plan_brief(
            "Documentary, approx 6 min: how the Panama Canal was built. Cover yellow fever, \
             the French attempt under de Lesseps that failed, and the Americans finishing it \
             in 1914.",
            1,
        );
        let said = spoken(&plan);
        assert!(said.contains("1914"), "{said}");
        assert!(said.contains("we look at yellow fever"), "{said}");
        assert!(!said.contains("How how"), "{said}");
    }

    #[test]
    fn a_podcast_gets_to_the_things_the_brief_lists() {
        let plan = plan_brief(
            "a podcast where two mates, Jess and Marco, chat about sourdough baking - the \
             failed loaves, the starter they named Gerald, that sort of thing",
            1,
        );
        let said = spoken(&plan);
        assert!(said.contains("the failed loaves"), "{said}");
        assert!(said.contains("the starter they named Gerald"), "{said}");
        assert!(!said.contains("sort of thing"), "{said}");
    }

    #[test]
    fn an_update_for_drivers_on_a_numbered_road_names_the_road() {
        let plan = plan_brief(
            "travel and weather for drivers on the A14 tonight: a lorry has broken down near \
             junction 9, and there's mist and drizzle over the fens",
            1,
        );
        let said = spoken(&plan);
        assert!(said.contains("on the A14"), "{said}");
        assert!(said.contains("mist and drizzle over the fens"), "{said}");
        assert!(!said.contains("expect and"), "{said}");
        let plan = plan_brief(
            "weather for Leeds: and heavy snow is on the way by lunchtime",
            1,
        );
        let said = spoken(&plan);
        assert!(
            said.contains("Now the weather: heavy snow is on the way by lunchtime."),
            "{said}"
        );
    }

    #[test]
    fn a_podcast_talks_through_a_listed_clause() {
        let plan = plan_brief(
            "Episode 3 of Garden Natter. Hosts Priya and Tom talk greenfly, the late frost \
             and what to do with too many tomatoes. Ten minutes.",
            1,
        );
        let said = spoken(&plan);
        assert!(said.contains("greenfly"), "{said}");
        assert!(said.contains("the late frost"), "{said}");
        assert!(said.contains("what to do with too many tomatoes"), "{said}");
    }

    #[test]
    fn a_title_does_not_end_on_a_small_word() {
        let plan = plan_brief(
            "A debate for year nines: should our town ban fireworks from the park on bonfire \
             night? A councillor argues for, a shopkeeper against.",
            1,
        );
        let title = plan.script["title"].as_str().unwrap();
        assert!(
            title.starts_with("Should our town ban fireworks"),
            "{title}"
        );
        let last = title.rsplit(' ').next().unwrap();
        assert!(
            !["from", "the", "on", "by", "their"].contains(&last),
            "{title}"
        );
    }

    #[test]
    fn a_guest_described_after_their_name_is_introduced_so() {
        let plan = plan_brief(
            "interview with Tomasz Nowak, a ward porter at Whiston Hospital, about night work",
            1,
        );
        let said = spoken(&plan);
        assert!(
            said.contains("Tomasz Nowak, a ward porter at Whiston Hospital"),
            "{said}"
        );
        let rows = plan.script["rows"].as_array().unwrap();
        let speakers: std::collections::BTreeSet<&str> = rows
            .iter()
            .filter_map(|r| r["character"].as_str())
            .collect();
        assert!(!speakers.contains("Porter"), "{speakers:?}");
    }

    /// Briefs of every genre, in words of this test's own, with `{len}` for the length.
    const LENGTH_BRIEFS: &[(&str, &str)] = &[
        (
            "news",
            "A {len} news bulletin: the city council has voted to close the old swimming baths on Carver Street",
        ),
        (
            "interview",
            "a {len} interview with Halima Osei, a beekeeper, about losing her hives to a cold spring",
        ),
        (
            "podcast",
            "{len} podcast: two friends, Ravi and Ellen, chat about learning to sail in their forties",
        ),
        (
            "debate",
            "a {len} debate on whether homework should be banned in primary schools",
        ),
        (
            "story",
            "tell me a {len} story about a lighthouse keeper who finds a message in a bottle",
        ),
        (
            "drama",
            "a {len} radio drama: two brothers argue about selling the family farm",
        ),
        (
            "advert",
            "a {len} radio advert for Pellow's Bakery, fresh sourdough every morning",
        ),
        (
            "meditation",
            "a {len} guided meditation for falling asleep after a busy day",
        ),
        (
            "commentary",
            "{len} of football commentary, Ashford Town against Millbrook United at Riverside Park",
        ),
        (
            "weather",
            "a {len} weather forecast for the Yorkshire coast: sea fog in the morning, sunny spells later",
        ),
        (
            "documentary",
            "a {len} documentary about the building of the Forth Bridge",
        ),
        (
            "true crime",
            "a {len} true crime podcast episode about a jewel theft from a country house in 1962",
        ),
        (
            "children's story",
            "a {len} bedtime story for children about a hedgehog who is afraid of the dark",
        ),
    ];

    fn estimate(plan: &Plan) -> f64 {
        Draft {
            rows: plan.script["rows"].as_array().unwrap().clone(),
            gap: plan.script["gap"].as_f64(),
            speeds: Vec::new(),
            speakers: Vec::new(),
            rng: Rng::new(1),
        }
        .estimate_s()
    }

    fn lines_of(plan: &Plan) -> Vec<String> {
        plan.script["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "speech")
            .filter_map(|r| r["description"].as_str().map(str::to_owned))
            .collect()
    }

    /// Issue 17, item 3: the requested length is reached, at each of `minutes`, with no line
    /// said twice and lines that change with the seed.
    /// From a minute to fifteen. News, interviews and podcasts reach eight minutes so far
    /// (about 9½ at fifteen), adverts and forecasts stay the short forms they are, and a
    /// debate is at least three minutes.
    const ALL_LENGTHS: &[f64] = &[1.0, 3.0, 5.0, 8.0, 15.0];

    fn check_lengths(genre: &str, minutes: &[f64]) {
        let (_, brief) = LENGTH_BRIEFS.iter().find(|(g, _)| *g == genre).unwrap();
        let mut misses = Vec::new();
        let mut reached = Vec::new();
        for &minutes in minutes {
            let len = if minutes == 1.0 {
                "one-minute".to_owned()
            } else {
                format!("{minutes}-minute")
            };
            let text = brief.replace("{len}", &len);
            let mut seen = Vec::new();
            for seed in [3, 11] {
                let plan = plan_brief(&text, seed);
                crate::plan::check(&plan.script).unwrap();
                let est = estimate(&plan);
                let goal = 60.0 * minutes;
                reached.push(format!("{minutes} min → {est:.0} s"));
                if (est - goal).abs() > 0.25 * goal {
                    misses.push(format!("{text} (seed {seed}): {est:.0} s"));
                }
                let lines = lines_of(&plan);
                let mut sorted = lines.clone();
                sorted.sort();
                for w in sorted.windows(2) {
                    assert_ne!(w[0], w[1], "said twice in {text} (seed {seed})");
                }
                seen.push(lines);
            }
            assert_ne!(seen[0], seen[1], "{text}: the same lines for two seeds");
        }
        eprintln!("{genre}: {}", reached.join(", "));
        assert!(misses.is_empty(), "{genre} misses its length: {misses:#?}");
    }

    #[test]
    fn a_news_bulletin_runs_as_long_as_asked() {
        check_lengths("news", &[1.0, 3.0, 5.0, 8.0]);
    }

    #[test]
    fn an_interview_runs_as_long_as_asked() {
        check_lengths("interview", &[1.0, 3.0, 5.0, 8.0]);
    }

    #[test]
    fn a_podcast_runs_as_long_as_asked() {
        check_lengths("podcast", &[1.0, 3.0, 5.0, 8.0]);
    }

    #[test]
    fn a_debate_runs_as_long_as_asked() {
        check_lengths("debate", &[3.0, 5.0, 8.0, 15.0]);
    }

    #[test]
    fn a_story_runs_as_long_as_asked() {
        check_lengths("story", ALL_LENGTHS);
    }

    #[test]
    fn a_drama_runs_as_long_as_asked() {
        check_lengths("drama", ALL_LENGTHS);
    }

    #[test]
    fn an_advert_runs_as_long_as_asked() {
        check_lengths("advert", &[1.0]);
    }

    #[test]
    fn a_meditation_runs_as_long_as_asked() {
        check_lengths("meditation", ALL_LENGTHS);
    }

    #[test]
    fn a_commentary_runs_as_long_as_asked() {
        check_lengths("commentary", ALL_LENGTHS);
    }

    #[test]
    fn a_forecast_runs_as_long_as_asked() {
        check_lengths("weather", &[1.0]);
    }

    #[test]
    fn a_documentary_runs_as_long_as_asked() {
        check_lengths("documentary", ALL_LENGTHS);
    }

    #[test]
    fn a_true_crime_episode_runs_as_long_as_asked() {
        check_lengths("true crime", ALL_LENGTHS);
    }

    #[test]
    fn a_children_s_story_runs_as_long_as_asked() {
        check_lengths("children's story", ALL_LENGTHS);
    }
}
