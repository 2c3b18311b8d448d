//! The template planner on the briefs of `tests/data/briefs/`: every plan validates and
//! round-trips through YAML, is deterministic, keeps the brief's running order and subject,
//! and lands near a requested length when rendered by the real binary.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};

use onair::plan::template::{Genre, TemplatePlanner, analyse};
use onair::plan::{Brief, Plan, Planner, check, to_yaml};
use onair::script::{Row, parse_script};
use serde_json::Value;

#[path = "support/briefs.rs"]
mod support;
use support::briefs;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn brief(name: &str) -> String {
    fs::read_to_string(repo().join(format!("tests/data/briefs/{name}.txt")))
        .unwrap()
        .trim()
        .to_owned()
}

fn plan(text: &str, seed: u64) -> (Plan, Brief) {
    let (brief, _) = Brief::new(text, seed).unwrap();
    let plan = TemplatePlanner::new().plan(&brief).unwrap();
    (plan, brief)
}

fn rows(script: &Value) -> &Vec<Value> {
    script["rows"].as_array().unwrap()
}

/// (character, words) of the speech rows.
fn speech(script: &Value) -> Vec<(String, String)> {
    rows(script)
        .iter()
        .filter(|r| r["type"] == "speech")
        .map(|r| {
            (
                r["character"].as_str().unwrap().to_owned(),
                r["description"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn spoken(script: &Value) -> String {
    speech(script)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A row without where it sits in its file.
fn unplaced(row: &Row) -> Row {
    Row {
        line: 0,
        column: 0,
        ..row.clone()
    }
}

/// The genre a brief file's name gives: `commentary-football.txt` → `sports commentary`.
fn genre_of(stem: &str) -> &'static str {
    let prefix = stem.split('-').next().unwrap();
    Genre::ALL
        .iter()
        .map(|g| g.as_str())
        .find(|g| g.rsplit(' ').next() == Some(prefix))
        .unwrap_or_else(|| panic!("{stem}: no genre ends with `{prefix}`"))
}

#[test]
fn there_are_enough_briefs_for_every_genre() {
    let all = briefs();
    assert!(all.len() >= 22, "{} briefs", all.len());
    for g in Genre::ALL {
        let n = all
            .iter()
            .filter(|(stem, _)| genre_of(stem) == g.as_str())
            .count();
        assert!(n >= 2, "{} briefs for {}", n, g.as_str());
    }
    assert_eq!(
        brief("news-mars"),
        "A science-fiction news segment: Mars News reports that humans sent a light-speed \
         probe to Alpha Centauri. Start with the news anchor, then a reporter interviews the \
         chief engineer, and end with the anchor."
    );
}

#[test]
fn every_plan_validates_and_round_trips_through_yaml() {
    for (stem, text) in briefs() {
        for seed in 0..5 {
            let (plan, brief) = plan(&text, seed);
            let checked = check(&plan.script)
                .unwrap_or_else(|e| panic!("{stem} seed {seed}: {e}\n{:#}", plan.script));
            let yaml = to_yaml(&plan, &brief);
            let parsed =
                parse_script(&yaml).unwrap_or_else(|e| panic!("{stem} seed {seed}: {e}\n{yaml}"));
            assert_eq!(
                checked.rows.iter().map(unplaced).collect::<Vec<_>>(),
                parsed.rows.iter().map(unplaced).collect::<Vec<_>>(),
                "{stem} seed {seed}\n{yaml}"
            );
            assert_eq!(checked.voices, parsed.voices, "{stem}");
            assert_eq!(parsed.seed, seed);
            assert!(
                plan.summary.starts_with(&format!(
                    "template planner, {}, seed {seed}",
                    genre_of(&stem)
                )),
                "{}",
                plan.summary
            );
            let speakers: Vec<String> = {
                let mut s: Vec<String> = speech(&plan.script).into_iter().map(|(c, _)| c).collect();
                s.sort();
                s.dedup();
                s
            };
            assert!(
                !speakers.is_empty() && speakers.len() <= 4,
                "{stem}: {speakers:?}"
            );
            for (who, line) in speech(&plan.script) {
                assert!(
                    line.chars().next().is_some_and(|c| c.is_uppercase()),
                    "{stem}: {who}: {line}"
                );
                assert!(line.ends_with(['.', '!', '?']), "{stem}: {who}: {line}");
                assert!(
                    !line.contains(['{', '}', '<', '>', '*', '[', '_']),
                    "{stem}: {line}"
                );
                assert!(
                    !line.contains("  ") && !line.contains(" ."),
                    "{stem}: {line}"
                );
                assert!(
                    !line.contains(" a a") && !line.contains(" the the "),
                    "{stem}: {line}"
                );
            }
        }
    }
}

#[test]
fn plans_are_deterministic_and_seeds_vary_the_lines() {
    for (stem, text) in briefs() {
        let a = plan(&text, 3).0.script;
        let b = plan(&text, 3).0.script;
        assert_eq!(a.to_string(), b.to_string(), "{stem}");
        let lines = |s: &Value| speech(s).into_iter().map(|(_, t)| t).collect::<Vec<_>>();
        let differ = (0..5).any(|seed| lines(&plan(&text, seed).0.script) != lines(&a));
        assert!(differ, "{stem}: every seed gives the same lines");
    }
}

#[test]
fn the_mars_brief_keeps_its_running_order() {
    for seed in 0..5 {
        let (plan, _) = plan(&brief("news-mars"), seed);
        let mut order: Vec<String> = Vec::new();
        for (who, _) in speech(&plan.script) {
            if order.last() != Some(&who) {
                order.push(who);
            }
        }
        assert!(order.len() >= 5, "{order:?}");
        assert_eq!(order.first().unwrap(), "Anchor", "{order:?}");
        assert_eq!(order.last().unwrap(), "Anchor", "{order:?}");
        let middle = &order[1..order.len() - 1];
        for (i, who) in middle.iter().enumerate() {
            let want = if i % 2 == 0 { "Reporter" } else { "Engineer" };
            assert_eq!(who, want, "{order:?}");
        }
        assert!(middle.len() >= 3, "{order:?}");
    }
}

#[track_caller]
fn assert_spoken(name: &str, words: &[&[&str]]) {
    for seed in 0..5 {
        let text = spoken(&plan(&brief(name), seed).0.script);
        for any in words {
            assert!(
                any.iter().any(|w| text.contains(w)),
                "{name} seed {seed}: none of {any:?} in:\n{text}"
            );
        }
    }
}

#[test]
fn the_lines_are_about_the_subject() {
    assert_spoken(
        "news-mars",
        &[
            &["Mars News"],
            &["Alpha Centauri"],
            &["probe"],
            &["light-speed", "speed of light"],
        ],
    );
    assert_spoken(
        "interview-reefs",
        &[&["coral reefs"], &["Pacific"], &["Okafor"]],
    );
    assert_spoken(
        "podcast-tomatoes",
        &[&["tomatoes"], &["balcony"], &["Maya"], &["Tom"]],
    );
    assert_spoken("advert-coffee", &[&["Luna Coffee"], &["oat-milk latte"]]);
}

#[test]
fn each_brief_is_read_as_the_genre_its_file_names() {
    for (stem, text) in briefs() {
        assert_eq!(
            analyse(&text).genre.as_str(),
            genre_of(&stem),
            "{stem}: {text}"
        );
    }
}

/// Renders a plan with the real binary and returns the report's duration.
fn rendered_length(dir: &Path, name: &str, plan: &Plan, brief: &Brief) -> f64 {
    let script = dir.join(format!("{name}.yaml"));
    fs::write(&script, to_yaml(plan, brief)).unwrap();
    let report = dir.join(format!("{name}.json"));
    let out = onair_bin::command()
        .args(["render", script.to_str().unwrap(), "-o"])
        .arg(dir.join(format!("{name}.wav")))
        .arg("--report")
        .arg(&report)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "render {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&fs::read_to_string(report).unwrap()).unwrap();
    report["duration_s"].as_f64().unwrap()
}

#[test]
fn a_requested_length_is_met_within_a_quarter() {
    assert!(
        repo().join("models/voices/en_US-joe-medium.onnx").exists(),
        "the Piper voice is missing: run scripts/setup"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, want) in [("advert-coffee", 30.0), ("news-bridge", 90.0)] {
        let text = brief(name);
        assert_eq!(analyse(&text).length_s, Some(want), "{name}");
        let (plan, brief) = plan(&text, 1);
        let got = rendered_length(dir.path(), name, &plan, &brief);
        eprintln!("{name}: requested {want} s, rendered {got:.1} s");
        assert!(
            (got - want).abs() <= 0.25 * want,
            "{name}: requested {want} s, rendered {got:.1} s"
        );
    }
}

/// `cargo test --test plan_template print_plans -- --ignored --nocapture` shows every plan.
#[test]
#[ignore]
fn print_plans() {
    let seed = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for (stem, text) in briefs() {
        let (plan, brief) = plan(&text, seed);
        println!("=== {stem}\n{}", to_yaml(&plan, &brief));
        for w in &plan.warnings {
            println!("# warning: {w}");
        }
    }
}

#[test]
fn odd_briefs_still_give_valid_plans() {
    let long = "A podcast about bread. ".repeat(100);
    for text in [
        "x",
        "news",
        "A spooky audio drama.",
        "Ünïcödé café story — über „quotes“ and émojis 🎙️ about Zürich",
        "An interview with Dr. A",
        "about twenty minutes of rain sounds meditation",
        "on",
        "about",
        "podcast. Host: Ama, Guest: Dr Ruth Obi. Topic: urban farming in Lagos",
        "A 40-minute podcast about bread",
        "a 5 s advert for soap",
        "Start with the host, then the host, then the host.",
        "A news bulletin where the anchor, a reporter, a scientist, a farmer, a mayor and a \
         witness all speak about floods.",
        "Mr. Smith and Mrs. Jones chat with Professor Lee about tea, coffee, and cake.",
        long.as_str(),
    ] {
        for seed in 0..3 {
            let (plan, _) = plan(text, seed);
            check(&plan.script).unwrap_or_else(|e| panic!("{text:?} seed {seed}: {e}"));
        }
    }
}

#[test]
fn plans_with_parts_have_chapters() {
    for (stem, text) in briefs() {
        let genre = genre_of(&stem);
        // The genres with parts, and the titles of their first and last.
        let parts = [
            ("news", "Headlines", "Goodbye"),
            ("interview", "Welcome", "Goodbye"),
            ("podcast", "Welcome", "Goodbye"),
            ("debate", "The question", "Closing statements"),
            ("documentary", "Introduction", "Ending"),
        ];
        for seed in 0..5 {
            let script = check(&plan(&text, seed).0.script).unwrap();
            let titles: Vec<&str> = script
                .rows
                .iter()
                .filter_map(|r| r.chapter.as_deref())
                .collect();
            let Some((_, opening, closing)) = parts.iter().find(|(g, _, _)| *g == genre) else {
                assert!(titles.is_empty(), "{stem}: {titles:?}");
                continue;
            };
            assert_eq!(titles.first(), Some(opening), "{stem} seed {seed}");
            assert_eq!(titles.last(), Some(closing), "{stem} seed {seed}");
            assert!(titles.len() >= 3, "{stem} seed {seed}: {titles:?}");
            // Each starts later than the one before, so none is empty.
            let timeline = onair::timeline::build(&script, |_| 1.0);
            let chapters =
                onair::output::chapters(&script, &timeline.placements, timeline.duration_s);
            assert_eq!(chapters.len(), titles.len(), "{stem} seed {seed}");
            assert_eq!(chapters[0].start_s, 0.0, "{stem} seed {seed}");
            assert!(
                chapters.iter().all(|c| c.end_s > c.start_s),
                "{stem} seed {seed}: {chapters:?}"
            );
        }
    }
}

#[test]
fn no_plan_says_a_line_twice_even_when_long() {
    let mut texts: Vec<String> = briefs().into_iter().map(|(_, t)| t).collect();
    for (genre, subject) in [
        ("podcast", "the history of Rome"),
        ("interview", "life on a fishing boat"),
        ("guided meditation", "sleep"),
        ("story", "a lost dog finding its way home"),
        ("debate", "should homework be banned?"),
        ("radio drama", "two climbers caught in a storm"),
        ("advert", "Kite Yoga, a new studio"),
        ("true crime documentary", "a stolen painting"),
        (
            "football commentary",
            "the cup final between Rovers and City",
        ),
        ("weather forecast", "rain, wind and highs of 12 degrees"),
    ] {
        for minutes in [1, 5, 15] {
            texts.push(format!("a {minutes} minute {genre} about {subject}"));
        }
    }
    for text in texts {
        for seed in 0..3 {
            let script = plan(&text, seed).0.script;
            let mut lines: Vec<String> = speech(&script).into_iter().map(|(_, t)| t).collect();
            let n = lines.len();
            lines.sort();
            lines.dedup();
            assert_eq!(lines.len(), n, "{text} seed {seed}: a line is said twice");
        }
    }
}
