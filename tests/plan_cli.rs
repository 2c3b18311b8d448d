//! `onair plan` and `onair render --brief` as a user runs them: the script lands beside the
//! output and validates, work is never overwritten, and bad input gets a clear message and
//! exit code 2 (or 1 for a server that cannot be reached).

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const MARS: &str = "A science-fiction news segment: Mars News reports that humans sent a \
light-speed probe to Alpha Centauri. Start with the news anchor, then a reporter interviews \
the chief engineer, and end with the anchor.";

#[path = "support/briefs.rs"]
mod support;
use support::briefs;

struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        Dir {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = onair_bin::command();
        c.args(args)
            .current_dir(self.tmp.path())
            .env("ONAIR_CACHE", self.path("cache"))
            // No user config or environment choices leak into the tests.
            .env("ONAIR_CONFIG", self.path("no-config.toml"))
            .env_remove("ONAIR_PLANNER")
            .env_remove("ONAIR_MODEL")
            .env_remove("ONAIR_HTTP_URL")
            .env_remove("ONAIR_HTTP_MODEL");
        c
    }

    fn onair(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "--- stderr\n{}\n--- stdout\n{}",
        stderr(o),
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn plan_writes_a_script_that_validates_and_never_overwrites_one() {
    let dir = Dir::new();
    let out = dir.onair(&["plan", MARS, "-o", "mars.yaml", "--seed", "3"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("template planner (from default)"), "{err}");
    assert!(err.contains("wrote mars.yaml"), "{err}");
    let text = fs::read_to_string(dir.path("mars.yaml")).unwrap();
    assert!(text.starts_with("# Planned by onair"), "{text}");
    assert!(text.contains("Alpha Centauri"), "{text}");
    assert_exit(&dir.onair(&["validate", "mars.yaml"]), 0);

    // The file may hold the user's edits now.
    let again = dir.onair(&["plan", MARS, "-o", "mars.yaml"]);
    assert_exit(&again, 2);
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(fs::read_to_string(dir.path("mars.yaml")).unwrap(), text);
    assert_exit(
        &dir.onair(&["plan", MARS, "-o", "mars.yaml", "--force", "--seed", "3"]),
        0,
    );
    assert_eq!(
        fs::read_to_string(dir.path("mars.yaml")).unwrap(),
        text,
        "same seed, same script"
    );

    // Standard output, for pipes.
    let piped = dir.onair(&["plan", MARS, "-o", "-", "--seed", "3"]);
    assert_exit(&piped, 0);
    assert_eq!(String::from_utf8_lossy(&piped.stdout), text);
}

#[test]
fn an_empty_brief_is_refused() {
    let dir = Dir::new();
    for brief in ["", "   "] {
        let out = dir.onair(&["plan", brief, "-o", "x.yaml"]);
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains("the brief is empty"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.path("x.yaml").exists());
    }
}

#[test]
fn a_ten_thousand_character_brief_is_bounded_with_a_warning() {
    let dir = Dir::new();
    let sentence = "A cozy podcast conversation about urban beekeeping on city rooftops. ";
    let brief: String = sentence.repeat(10_000 / sentence.len() + 1)[..10_000].to_owned();
    let out = dir.onair(&["plan", &brief, "-o", "bees.yaml"]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(
        err.contains("warning: the brief is 10000 characters long"),
        "{err}"
    );
    assert_exit(&dir.onair(&["validate", "bees.yaml"]), 0);
    let text = fs::read_to_string(dir.path("bees.yaml")).unwrap();
    assert!(
        text.len() < 40_000,
        "the plan stays bounded: {} bytes",
        text.len()
    );
}

#[test]
fn a_brief_in_a_language_without_a_voice_is_planned_with_a_warning() {
    let dir = Dir::new();
    let out = dir.onair(&[
        "plan",
        "Un journal d'information sur la nouvelle sonde qui part vers Mars, avec une présentatrice et un reporter.",
        "-o",
        "fr.yaml",
    ]);
    assert_exit(&out, 0);
    let err = stderr(&out);
    assert!(err.contains("warning: the brief looks French"), "{err}");
    assert_exit(&dir.onair(&["validate", "fr.yaml"]), 0);
}

#[test]
fn a_model_file_that_is_not_gguf_is_refused() {
    let dir = Dir::new();
    fs::write(dir.path("model.gguf"), "this is not a model").unwrap();
    let out = dir.onair(&["plan", MARS, "--planner", "local", "--model", "model.gguf"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("model.gguf is not a GGUF model file"), "{err}");
    assert!(!dir.path("script.yaml").exists());

    let missing = dir.onair(&["plan", MARS, "--planner", "local", "--model", "nope.gguf"]);
    assert_exit(&missing, 1);
    assert!(
        stderr(&missing).contains("scripts/setup"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn an_unreachable_endpoint_is_named() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = Dir::new();
    let url = format!("http://127.0.0.1:{port}/v1");
    let out = dir
        .command(&[
            "plan",
            MARS,
            "--planner",
            "http",
            "--url",
            &url,
            "--model",
            "m",
        ])
        .env("ONAIR_API_KEY", "sk-test-do-not-print")
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(err.contains("cannot reach the planner server"), "{err}");
    assert!(err.contains(&url), "{err}");
    assert!(!err.contains("sk-test-do-not-print"), "{err}");
}

#[test]
fn the_planner_comes_from_the_environment_or_the_config_file() {
    let dir = Dir::new();
    let out = dir
        .command(&["plan", MARS, "-o", "a.yaml"])
        .env("ONAIR_PLANNER", "gpt")
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("ONAIR_PLANNER: unknown planner \"gpt\""),
        "{}",
        stderr(&out)
    );

    fs::write(dir.path("config.toml"), "planner = \"template\"\n").unwrap();
    let out = dir
        .command(&["plan", MARS, "-o", "b.yaml"])
        .env("ONAIR_CONFIG", dir.path("config.toml"))
        .output()
        .unwrap();
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("config.toml"), "{}", stderr(&out));
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn render_brief_renders_every_brief_to_a_mastered_wav_and_keeps_the_script() {
    let dir = Dir::new();
    let briefs = briefs();
    assert!(briefs.len() >= 12, "{} briefs", briefs.len());
    for (name, brief) in &briefs {
        let wav = format!("{name}.wav");
        let json = format!("{name}.json");
        let out = dir.onair(&[
            "render", "--brief", brief, "-o", &wav, "--report", &json, "-q",
        ]);
        assert_exit(&out, 0);
        let r = report(&dir.path(&json));
        let lufs = r["loudness_lufs"].as_f64().unwrap();
        let peak = r["true_peak_dbtp"].as_f64().unwrap();
        assert!((lufs + 16.0).abs() <= 1.0, "{name}: {lufs} LUFS");
        assert!(peak <= -0.9, "{name}: {peak} dBTP");
        assert!(r["duration_s"].as_f64().unwrap() > 10.0, "{name}");
        // The script is beside the output, for editing and rendering again.
        assert_exit(&dir.onair(&["validate", &format!("{name}.yaml")]), 0);
    }

    // The same brief again: the script is unchanged, so it is reused.
    let (name, brief) = &briefs[0];
    let wav = format!("{name}.wav");
    assert_exit(
        &dir.onair(&["render", "--brief", brief, "-o", &wav, "-q"]),
        0,
    );
    // An edited script is never overwritten.
    let yaml = dir.path(&format!("{name}.yaml"));
    let edited = fs::read_to_string(&yaml).unwrap() + "# my edit\n";
    fs::write(&yaml, &edited).unwrap();
    let out = dir.onair(&["render", "--brief", brief, "-o", &wav, "-q"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("may hold your edits"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fs::read_to_string(&yaml).unwrap(), edited);
}
