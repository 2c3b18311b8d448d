//! Renders that are killed, caches that are damaged, and renders that run at the same time:
//! the real `onair` binary, each test with fresh cache folders.
//!
//! What must hold: a render killed at any point leaves no output file (or a complete one) and
//! a cache whose every entry is intact; rendering again gives the very bytes of a render that
//! was never interrupted. `onair cache verify` names every damaged entry, and a render
//! replaces it. Two renders of one script into one cache both succeed with the same bytes.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// Several rows, so that a cold render takes a few seconds and a kill can land between them.
const SCRIPT: &str = "title: Interrupted
seed: 3
rows:
  - {type: music, id: bed, action: begin, volume: -30, description: calm piano bed}
  - {type: speech, character: Host, text: First line of a render that will be interrupted.}
  - {type: speech, character: Guest, text: The second line is spoken by another voice.}
  - {type: sfx, description: door knock, duration: 1}
  - {type: speech, character: Host, text: A third line comes after the knock.}
  - {type: speech, character: Guest, text: And the fourth line ends it.}
  - {type: music, id: bed, action: end}
";

/// Rows that make a clip (all but the `end` row).
const CLIPS: usize = 6;

/// Every file a render can write besides the master, into `out/` beside it.
const EXTRA_OUTPUTS: &[&str] = &[
    "--srt",
    "out/speech.srt",
    "--vtt",
    "out/speech.vtt",
    "--labels",
    "out/labels.txt",
    "--report",
    "out/report.json",
    "--stems",
    "out/stems",
    "--stems-rows",
    "out/rows",
    "--midi",
    "out/midi",
];

/// The one output that differs from render to render (it holds timings and cache use).
const REPORT: &str = "report.json";

/// A temporary folder holding the script, an `out/` folder and any number of caches.
struct Dir {
    tmp: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let dir = Dir {
            tmp: tempfile::tempdir().unwrap(),
        };
        fs::write(dir.path("script.yaml"), SCRIPT).unwrap();
        dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = onair_bin::command();
        c.args(args)
            .current_dir(self.tmp.path())
            // Nothing of the user's own cache is used, even by a command that is not given
            // --cache-dir.
            .env("ONAIR_CACHE", self.path("no-such-cache"));
        c
    }

    /// `onair render script.yaml` into `out` (a file name in the folder) with every extra
    /// output beside it, and the cache `cache`.
    fn render(&self, cache: &str) -> Command {
        let mut args = vec![
            "render",
            "script.yaml",
            "-o",
            "out/out.wav",
            "--cache-dir",
            cache,
        ];
        args.extend_from_slice(EXTRA_OUTPUTS);
        self.command(&args)
    }

    fn verify(&self, cache: &str, extra: &[&str]) -> Output {
        let mut args = vec!["cache", "verify", "--cache-dir", cache];
        args.extend_from_slice(extra);
        self.command(&args).output().unwrap()
    }

    /// Every `.clip` entry of a cache, sorted.
    fn entries(&self, cache: &str) -> Vec<PathBuf> {
        files(&self.path(cache))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "clip"))
            .collect()
    }
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = fs::read_dir(dir) else {
        return out;
    };
    for entry in read {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\n--- stderr\n{}\n--- stdout\n{}",
        o.status.code(),
        text(&o.stderr),
        text(&o.stdout)
    );
}

/// The files in `out/` (by name, relative to it) and their bytes, but the report.
fn outputs(dir: &Dir) -> Vec<(PathBuf, Vec<u8>)> {
    let out = dir.path("out");
    files(&out)
        .into_iter()
        .filter(|p| !p.ends_with(REPORT))
        .map(|p| {
            (
                p.strip_prefix(&out).unwrap().to_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// The outputs of one render that was never interrupted, with a cache of its own.
fn reference() -> &'static Vec<(PathBuf, Vec<u8>)> {
    static REFERENCE: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let dir = Dir::new();
        assert_success(&dir.render("cache").output().unwrap());
        let outputs = outputs(&dir);
        let names: Vec<_> = outputs.iter().map(|(name, _)| name.clone()).collect();
        // out.wav, 2 subtitles, labels, 3 bus stems, 6 row stems, 1 MIDI file.
        assert_eq!(outputs.len(), 14, "{names:?}");
        outputs
    })
}

/// The render in `dir` wrote every output of the reference, byte for byte, and a report.
#[track_caller]
fn assert_same_as_reference(dir: &Dir) {
    let got = outputs(dir);
    let names = |o: &[(PathBuf, Vec<u8>)]| o.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(reference()));
    for ((name, got), (_, want)) in got.iter().zip(reference()) {
        assert!(
            got == want,
            "{} differs from the reference render",
            name.display()
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path("out").join(REPORT)).unwrap()).unwrap();
    assert_eq!(report["rows"].as_array().unwrap().len(), CLIPS);
}

/// Starts a render and kills it (SIGKILL) as soon as a line of its progress on standard
/// error satisfies `when`. Returns the lines read; fails if the render ended first.
fn kill_when(mut command: Command, when: impl Fn(&str) -> bool) -> Vec<String> {
    let mut child: Child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    loop {
        let mut line = String::new();
        if err.read_line(&mut line).unwrap() == 0 {
            let status = child.wait().unwrap();
            panic!(
                "the render ended ({status}) before the moment to kill it\n{}",
                lines.join("")
            );
        }
        let hit = when(&line);
        lines.push(line);
        if hit {
            break;
        }
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed, yet it succeeded: {status}");
    lines
}

/// `[ n/N] row …`: the count of rows done.
fn rows_done(line: &str) -> Option<usize> {
    let rest = line.strip_prefix('[')?;
    let (n, _) = rest.split_once('/')?;
    n.trim().parse().ok()
}

/// How many progress lines say `generated` (the rest say `cached`).
fn generated(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| rows_done(l).is_some() && l.contains(" generated "))
        .count()
}

/// After a kill: every file in `out/` is a complete output (the kill may land after some
/// renames) or a temporary file of a write; none is partial.
#[track_caller]
fn assert_no_partial_output(dir: &Dir) {
    let out = dir.path("out");
    for path in files(&out) {
        let name = path.strip_prefix(&out).unwrap();
        let file_name = name.file_name().unwrap().to_str().unwrap();
        if file_name.starts_with(".onair-") && file_name.ends_with(".part") {
            continue;
        }
        if name == Path::new(REPORT) {
            serde_json::from_str::<serde_json::Value>(&fs::read_to_string(&path).unwrap())
                .expect("a report that exists is complete");
            continue;
        }
        let want = reference().iter().find(|(n, _)| n == name);
        let want = want.unwrap_or_else(|| panic!("{} is not an output", name.display()));
        assert!(
            fs::read(&path).unwrap() == want.1,
            "{} exists but is not complete",
            name.display()
        );
    }
}

/// The cache verifies clean, and holds `at_least` entries.
#[track_caller]
fn assert_cache_intact(dir: &Dir, cache: &str, at_least: usize) {
    let o = dir.verify(cache, &[]);
    assert_success(&o);
    let out = text(&o.stdout);
    assert!(out.contains(" 0 damaged"), "{out}");
    let n = dir.entries(cache).len();
    assert!(
        n >= at_least,
        "{n} entries, expected {at_least} or more\n{out}"
    );
    assert!(out.contains(&format!(": {n} entries")), "{out}");
}

#[test]
fn a_render_killed_while_generating_leaves_no_output_and_an_intact_cache() {
    let dir = Dir::new();
    let lines = kill_when(dir.render("cache"), |l| {
        rows_done(l).is_some_and(|n| n >= 2)
    });
    let written = files(&dir.path("out"));
    assert!(
        written.is_empty(),
        "files written before mixing: {written:?}\n{}",
        lines.join("")
    );
    assert_cache_intact(&dir, "cache", 2);

    let o = dir.render("cache").output().unwrap();
    assert_success(&o);
    let err = text(&o.stderr);
    let reused = CLIPS - generated(&err);
    assert!(reused >= 2, "{reused} clips reused:\n{err}");
    assert_same_as_reference(&dir);
    assert_cache_intact(&dir, "cache", CLIPS);
}

#[test]
fn a_render_killed_while_mixing_leaves_no_partial_output() {
    let dir = Dir::new();
    kill_when(dir.render("cache"), |l| l.starts_with("mixing"));
    assert_no_partial_output(&dir);
    assert_cache_intact(&dir, "cache", CLIPS);

    let o = dir.render("cache").output().unwrap();
    assert_success(&o);
    let err = text(&o.stderr);
    assert_eq!(
        generated(&err),
        0,
        "every clip was cached before the kill:\n{err}"
    );
    assert_same_as_reference(&dir);
}

#[test]
fn verify_names_damaged_entries_and_a_render_replaces_them() {
    let dir = Dir::new();
    assert_success(&dir.render("cache").output().unwrap());
    assert_cache_intact(&dir, "cache", CLIPS);
    let entries = dir.entries("cache");
    assert_eq!(entries.len(), CLIPS, "{entries:?}");

    // One byte flipped in the middle of one entry, another cut short.
    let (flipped, cut) = (&entries[1], &entries[3]);
    let mut bytes = fs::read(flipped).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(flipped, &bytes).unwrap();
    let bytes = fs::read(cut).unwrap();
    fs::write(cut, &bytes[..bytes.len() / 2]).unwrap();

    let o = dir.verify("cache", &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!(": {CLIPS} entries, 2 damaged")),
        "{out}"
    );
    for path in [flipped, cut] {
        // As the command names it: relative to where it ran, like the --cache-dir given.
        let path = path.strip_prefix(dir.tmp.path()).unwrap();
        assert!(
            out.contains(&format!("damaged: {}", path.display())),
            "{out}"
        );
    }

    // A render generates exactly those two again, to the same bytes.
    let o = dir.render("cache").output().unwrap();
    assert_success(&o);
    let err = text(&o.stderr);
    assert_eq!(generated(&err), 2, "{err}");
    assert_same_as_reference(&dir);
    assert_cache_intact(&dir, "cache", CLIPS);

    // --remove deletes a damaged entry and leaves the cache clean.
    fs::write(flipped, b"ONAIRCL1 and then nothing").unwrap();
    let o = dir.verify("cache", &["--remove"]);
    assert_success(&o);
    assert!(
        text(&o.stdout).contains("removed 1 file;"),
        "{}",
        text(&o.stdout)
    );
    assert!(!flipped.exists());
    assert_eq!(dir.entries("cache").len(), CLIPS - 1);
    assert_cache_intact(&dir, "cache", CLIPS - 1);
}

/// Starts a command with its output captured.
fn start(mut command: Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_renders_at_once_share_a_cache_and_agree() {
    // Different outputs.
    let (a, b) = (Dir::new(), Dir::new());
    let cache = a.path("cache");
    let cache = cache.to_str().unwrap();
    let started = [start(a.render(cache)), start(b.render(cache))];
    for child in started {
        assert_success(&child.wait_with_output().unwrap());
    }
    assert_same_as_reference(&a);
    assert_same_as_reference(&b);
    assert_cache_intact(&a, "cache", CLIPS);
    assert_eq!(a.entries("cache").len(), CLIPS);

    // The same output files, and a fresh cache: each render replaces the files whole, so
    // whichever renames last, they are complete, and both renders succeed.
    let dir = Dir::new();
    let started = [start(dir.render("cache")), start(dir.render("cache"))];
    for child in started {
        assert_success(&child.wait_with_output().unwrap());
    }
    assert_same_as_reference(&dir);
    assert_cache_intact(&dir, "cache", CLIPS);
    let left: Vec<_> = files(&dir.path("out"))
        .into_iter()
        .filter(|p| p.to_str().unwrap().ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn verify_of_a_missing_cache_checks_nothing() {
    let dir = Dir::new();
    let o = dir.verify("never-made", &[]);
    assert_success(&o);
    assert!(text(&o.stdout).contains("nothing to check"));
    assert!(!dir.path("never-made").exists());
}
