//! What `validate` refuses, `render` refuses before generating anything, and the other way
//! round; outputs are checked before the work; messages say each thing once; `say` speaks
//! of its flags. The real binary, in temporary folders.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::PathBuf;
use std::process::Output;

/// A temporary folder where `onair` runs, with its clip cache in `cache/`.
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

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, text).unwrap();
        p
    }

    fn onair(&self, args: &[&str]) -> Output {
        onair_bin::command()
            .args(args)
            .current_dir(self.tmp.path())
            .env("ONAIR_CACHE", self.path("cache"))
            .output()
            .unwrap()
    }

    /// Files in the clip cache (none when it was never made).
    fn cached(&self) -> usize {
        fn count(dir: &std::path::Path) -> usize {
            fs::read_dir(dir).map_or(0, |entries| {
                entries
                    .map(|e| e.unwrap().path())
                    .map(|p| if p.is_dir() { count(&p) } else { 1 })
                    .sum()
            })
        }
        count(&self.path("cache"))
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether the default Piper voice is installed (`scripts/setup`); the checks of Piper
/// names need one.
fn piper_installed() -> bool {
    let models = std::env::var_os("ONAIR_MODELS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models"),
        PathBuf::from,
    );
    models.join("voices/en_US-joe-medium.onnx").exists()
}

/// A script whose first row renders fine (an effect), so a render that checked late would
/// generate it before failing on `row`.
fn script_with(header: &str, row: &str) -> String {
    format!(
        "title: T\n{header}rows:\n  - {{type: sfx, description: a door knock, duration: 0.5}}\n  - {row}\n"
    )
}

/// `validate` and `render` both refuse it with exit code 2, each message containing
/// `expect`; the render generates nothing and writes nothing.
#[track_caller]
fn refused_by_both(dir: &Dir, script: &str, expect: &[&str]) -> String {
    let path = dir.write("script.yaml", script);
    let path = path.to_str().unwrap();
    let mut messages = String::new();
    for args in [
        vec!["validate", path],
        vec!["render", path, "-o", "out.wav", "--report", "report.json"],
        vec!["timeline", path],
    ] {
        let o = dir.onair(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}\n{err}");
        for e in expect {
            assert!(err.contains(e), "{args:?}: expected {e:?} in:\n{err}");
        }
        assert!(!err.contains("generated"), "{args:?}: {err}");
        messages = err;
    }
    assert_eq!(dir.cached(), 0, "a row was generated and cached");
    assert!(!dir.path("out.wav").exists() && !dir.path("report.json").exists());
    messages
}

#[test]
fn an_uninstalled_piper_voice_is_refused_before_any_row() {
    if !piper_installed() {
        eprintln!("skipped: no Piper voice installed (run scripts/setup)");
        return;
    }
    let dir = Dir::new();
    let err = refused_by_both(
        &dir,
        &script_with(
            "voices:\n  Host: { voice: en_US-amy-medium }\n",
            "{type: speech, character: Host, text: Hello there.}",
        ),
        &[
            "field `voices.Host.voice`, line 3, column 11",
            "no Piper voice `en_US-amy-medium`",
            "installed: en_US-joe-medium",
            "`onair voices`",
        ],
    );
    assert!(!err.contains("did you mean"), "{err}");
}

#[test]
fn a_voice_name_that_is_no_voice_suggests_no_unrelated_language() {
    let dir = Dir::new();
    let err = refused_by_both(
        &dir,
        &script_with(
            "voices:\n  Host: { voice: amy }\n",
            "{type: speech, character: Host, text: Hello there.}",
        ),
        &[
            "field `voices.Host.voice`, line 3",
            "no voice `amy`",
            "`onair voices` lists the voices",
        ],
    );
    assert!(!err.contains("`am`"), "{err}");
    // A typo of an espeak-ng language is still caught, with the right suggestion.
    let err = refused_by_both(
        &dir,
        &script_with(
            "voices:\n  Host: { voice: en-su }\n",
            "{type: speech, character: Host, text: Hello there.}",
        ),
        &["did you mean `en-us`?"],
    );
    assert!(err.contains("voices.Host.voice"), "{err}");
}

#[test]
fn a_missing_library_folder_is_refused_by_validate_too() {
    let dir = Dir::new();
    refused_by_both(
        &dir,
        &script_with(
            "library: nowhere/sounds\n",
            "{type: sfx, description: a bell, duration: 0.5}",
        ),
        &[
            "field `library`, line 2",
            "\"nowhere/sounds\" does not exist",
        ],
    );
}

#[test]
fn a_line_its_voice_cannot_say_is_refused_naming_a_voice_that_can() {
    if !piper_installed() {
        eprintln!("skipped: no Piper voice installed (run scripts/setup)");
        return;
    }
    let dir = Dir::new();
    refused_by_both(
        &dir,
        &script_with(
            "",
            "{type: speech, character: Host, text: こんにちは、皆さん。}",
        ),
        &[
            "row 2, field `text`, line 4",
            "Japanese",
            "`voices: {Host: {voice: ja}}`",
        ],
    );
}

#[test]
fn espeak_language_codes_are_accepted_as_voices() {
    let dir = Dir::new();
    for voice in ["fr", "fr-fr", "de", "en"] {
        let path = dir.write(
            "fr.yaml",
            &format!(
                "voices:\n  Host: {{ voice: {voice} }}\nrows:\n  - {{type: speech, character: Host, text: Bonjour.}}\n"
            ),
        );
        let o = dir.onair(&["validate", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(0), "{voice}: {}", stderr(&o));
    }
    // `onair voices` lists them.
    let o = dir.onair(&["voices"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(" fr-fr") && out.contains(" de"), "{out}");
}

/// A valid script that renders fast: one short effect.
const SHORT: &str = "title: T\nrows:\n  - {type: sfx, description: a door knock, duration: 0.5}\n";

#[test]
fn every_output_is_checked_before_the_work() {
    let dir = Dir::new();
    let script = dir.write("short.yaml", SHORT);
    let script = script.to_str().unwrap();
    fs::create_dir(dir.path("adir")).unwrap();
    dir.write("blocker", "");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["-o", "adir"],
            &["-o adir: that is a folder", "adir/out.wav"],
        ),
        (
            &["-o", "blocker/out.wav"],
            &["-o blocker/out.wav: blocker is a file, not a folder"],
        ),
        (
            &["-o", "out.wav", "--report", "blocker/r.json"],
            &["--report blocker/r.json"],
        ),
        (
            &["-o", "out.wav", "--report", "adir"],
            &["--report adir: that is a folder"],
        ),
        (&["-o", "out.wav", "--srt", "blocker/x.srt"], &["--srt"]),
        (&["-o", "out.wav", "--vtt", "adir"], &["--vtt adir"]),
        (
            &["-o", "out.wav", "--labels", "blocker/l.txt"],
            &["--labels"],
        ),
        (
            &["-o", "out.wav", "--stems", "blocker"],
            &["--stems blocker"],
        ),
        (
            &["-o", "out.wav", "--stems-rows", "blocker/x"],
            &["--stems-rows"],
        ),
        (
            &["-o", "out.wav", "--midi", "/proc/x/midi"],
            &["--midi /proc/x/midi"],
        ),
        (
            &["-o", "/proc/x/out.wav"],
            &["-o /proc/x/out.wav", "cannot create the folder"],
        ),
        (
            &["-o", "out.wav", "--report", "out.wav"],
            &["-o and --report both name out.wav"],
        ),
    ];
    for (flags, expect) in cases {
        let mut args = vec!["render", script];
        args.extend_from_slice(flags);
        let o = dir.onair(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        for e in *expect {
            assert!(err.contains(e), "{flags:?}: expected {e:?} in:\n{err}");
        }
        assert!(!err.contains("generated"), "{flags:?}: {err}");
        assert_eq!(dir.cached(), 0, "{flags:?}: a row was generated");
        assert!(!dir.path("out.wav").exists(), "{flags:?}");
    }
}

/// The clauses of a message as `onair` prints it (`a: b: c`); one that another contains
/// is said twice.
fn repeated_clause(message: &str) -> Option<String> {
    let clauses: Vec<&str> = message
        .trim_start_matches("onair: ")
        .lines()
        .flat_map(|l| l.split(": "))
        .map(str::trim)
        .filter(|c| c.len() > 3)
        .collect();
    for (i, a) in clauses.iter().enumerate() {
        for (j, b) in clauses.iter().enumerate() {
            if i != j && b.contains(a) {
                return Some(format!("{a:?} is also in {b:?}"));
            }
        }
    }
    None
}

#[test]
fn messages_say_each_thing_once() {
    let dir = Dir::new();
    let script = dir.write("short.yaml", SHORT);
    let script = script.to_str().unwrap();
    fs::create_dir(dir.path("adir")).unwrap();
    let cases: &[(&[&str], i32)] = &[
        (&["render", "nope.yaml"], 2),
        (&["validate", "nope.yaml"], 2),
        (&["table", "nope.yaml"], 2),
        (&["timeline", "nope.yaml"], 2),
        (&["set", "nope.yaml", "1", "volume=-3"], 2),
        (&["render", "adir"], 2),
        (&["render", script, "-o", "adir"], 2),
        (&["render", script, "-o", "out.wav", "--report", "adir"], 2),
        (&["say", "Hi.", "--pitch", "99", "-o", "x.wav"], 2),
        (
            &["render", script, "-o", "out.wav", "--cache-dir", script],
            1,
        ),
    ];
    for (args, code) in cases {
        let o = dir.onair(args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {err}");
        // `validate` heads each message with the script's path instead.
        if args[0] != "validate" {
            assert!(err.starts_with("onair: "), "{args:?}: {err}");
        }
        assert_eq!(repeated_clause(&err), None, "{args:?}: {err}");
        assert!(!err.contains("os error"), "{args:?}: {err}");
    }
    let o = dir.onair(&["render", "nope.yaml"]);
    assert!(
        stderr(&o).contains("nope.yaml: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn say_speaks_of_its_flags() {
    let dir = Dir::new();
    for (flags, expect) in [
        (
            vec!["--pitch", "99"],
            "--pitch: 99 is out of range; use semitones between -12 and 12",
        ),
        (
            vec!["--speed", "9"],
            "--speed: 9 is out of range; use a rate between 0.5 and 2.0",
        ),
        (vec!["--voice", "amy"], "--voice: no voice `amy`"),
    ] {
        let mut args = vec!["say", "Hello there.", "-o", "hi.wav"];
        args.extend(&flags);
        let o = dir.onair(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(
            err.contains(expect),
            "{flags:?}: expected {expect:?} in:\n{err}"
        );
        for hidden in ["row 1", "line", "Speaker", "voices.", "invalid script"] {
            assert!(!err.contains(hidden), "{flags:?}: {hidden:?} in:\n{err}");
        }
        assert!(!dir.path("hi.wav").exists());
    }
    let o = dir.onair(&["say", "Hello there.", "--engine", "espeak", "-o", "hi.wav"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let line = err.lines().last().unwrap_or_default();
    assert!(line.starts_with("wrote hi.wav: "), "{err}");
    assert!(line.contains(" s, ") && line.contains("en-us"), "{err}");
    assert!(dir.path("hi.wav").exists());
}

#[test]
fn say_writes_the_format_its_name_asks_for() {
    let dir = Dir::new();
    // A name onair does not encode is refused before anything is spoken.
    let o = dir.onair(&["say", "Hello.", "--engine", "espeak", "-o", "hi.ogg"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not .ogg"), "{}", stderr(&o));
    assert!(!dir.path("hi.ogg").exists());
    // FLAC by its name, not WAV bytes under that name.
    let o = dir.onair(&["say", "Hello.", "--engine", "espeak", "-o", "hi.flac"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(dir.path("hi.flac")).unwrap();
    assert_eq!(&bytes[..4], b"fLaC");
}

/// Warnings printed by a command: `warning: …` lines.
fn warnings(o: &Output) -> Vec<String> {
    stderr(o)
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_very_long_speech_row_is_warned_of_by_validate_and_render() {
    let dir = Dir::new();
    let words = vec!["word"; 5000].join(" ");
    let path = dir.write(
        "long.yaml",
        &format!(
            "title: T\nrows:\n  - {{type: sfx, description: a door knock, duration: 0.5}}\n  - type: speech\n    character: Host\n    text: {words}\n"
        ),
    );
    let path = path.to_str().unwrap();
    let o = dir.onair(&["validate", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = warnings(&o);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("row 2 (line 4): 5000 words, about 28 minutes"),
        "{w:?}"
    );
    assert!(w[0].contains("split it"), "{w:?}");
    // Render warns the same, once, before any work: here it then stops at a sound library
    // folder that does not exist.
    let o = dir.onair(&[
        "render",
        path,
        "-o",
        "out.wav",
        "--library",
        "no-such-folder",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(warnings(&o), w);
    // A row of ordinary length is not warned of.
    let short = dir.write(
        "short.yaml",
        "rows:\n  - {type: speech, character: Host, text: A line of a dozen words or so, as most lines are.}\n",
    );
    let o = dir.onair(&["validate", short.to_str().unwrap()]);
    assert!(warnings(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn a_line_in_another_language_than_its_voice_is_warned_of() {
    let dir = Dir::new();
    let path = dir.write(
        "fr.yaml",
        "rows:\n  - {type: speech, character: Marie, text: Bonjour à tous et bienvenue dans notre émission.}\n  - {type: speech, character: Host, text: OK.}\n  - {type: speech, character: Host, text: We met at the Café de la Paix.}\n  - {type: speech, character: Host, text: Die Hard is on at nine.}\n  - {type: speech, character: Host, text: 'Merci Marie, et maintenant la météo avec notre envoyé spécial.'}\n",
    );
    let path = path.to_str().unwrap();
    let o = dir.onair(&["validate", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let w = warnings(&o);
    assert_eq!(w.len(), 2, "{w:?}");
    // Marie speaks French only: her voice is the fix.
    assert!(
        w[0].starts_with("warning: row 1 (line 2): this line looks French"),
        "{w:?}"
    );
    assert!(w[0].contains("`voices: {Marie: {voice: fr}}`"), "{w:?}");
    // Host's other lines are English: a French voice for Host would not do.
    assert!(
        w[1].starts_with("warning: row 5 (line 6): this line looks French"),
        "{w:?}"
    );
    assert!(w[1].contains("`character: Host-fr`"), "{w:?}");
    assert!(w[1].contains("`voices: {Host-fr: {voice: fr}}`"), "{w:?}");
    let o = dir.onair(&[
        "render",
        path,
        "-o",
        "out.wav",
        "--library",
        "no-such-folder",
    ]);
    assert_eq!(warnings(&o), w);
    // With a French voice, the French line is as it should be and the English ones are
    // too short to judge.
    let fr = dir.write(
        "fr-voice.yaml",
        "voices:\n  Host: { voice: fr }\nrows:\n  - {type: speech, character: Host, text: Bonjour à tous et bienvenue dans notre émission.}\n  - {type: speech, character: Host, text: OK.}\n",
    );
    let o = dir.onair(&["validate", fr.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(warnings(&o).is_empty(), "{}", stderr(&o));
}
