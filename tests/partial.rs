//! Partial renders for quick listening: `--only` rows with the backgrounds they sit in,
//! `--from`/`--to` windows of the timeline; and their input errors.

#[path = "support/onair.rs"]
mod onair_bin;
use std::path::PathBuf;
use std::process::Output;

use onair::audio::wav::read_wav;

/// Two characters with automatic voices (Bob's differs from Ann's only because he comes
/// second in the whole script), a bed under the first two lines, a knock, a last line.
const SCRIPT: &str = "seed: 3
rows:
  - { type: music, id: bed, action: begin, volume: -30, description: calm piano bed }
  - { type: speech, character: Ann, description: Good morning. }
  - { type: speech, character: Bob, description: Hello there. }
  - { type: music, id: bed, action: end }
  - { type: sfx, duration: 1, description: door knock }
  - { type: speech, character: Bob, description: Who is that? }
";

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        let dir = Dir(tempfile::tempdir().unwrap());
        std::fs::write(dir.path("s.yaml"), SCRIPT).unwrap();
        dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn onair(&self, args: &[&str]) -> Output {
        onair_bin::command()
            .args([&["render", "s.yaml", "--no-system-library", "-q"], args].concat())
            .current_dir(self.0.path())
            .env("ONAIR_CACHE", self.path("cache"))
            .output()
            .unwrap()
    }

    fn render(&self, args: &[&str]) -> String {
        let o = self.onair(args);
        assert!(
            o.status.success(),
            "onair render {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stderr).into_owned()
    }

    fn fails(&self, args: &[&str], message: &str) {
        let o = self.onair(args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!self.path("part.wav").exists(), "{args:?} left an output");
    }

    /// (start, end, label) per line of a label track.
    fn labels(&self, name: &str) -> Vec<(f64, f64, String)> {
        std::fs::read_to_string(self.path(name))
            .unwrap()
            .lines()
            .map(|l| {
                let mut f = l.splitn(3, '\t');
                let mut num = || f.next().unwrap().parse::<f64>().unwrap();
                let (a, b) = (num(), num());
                (a, b, f.next().unwrap().to_owned())
            })
            .collect()
    }
}

fn label_rows(labels: &[(f64, f64, String)]) -> Vec<String> {
    labels
        .iter()
        .map(|l| l.2.split(':').next().unwrap().to_owned())
        .collect()
}

#[test]
fn only_renders_the_rows_with_their_background_and_voices() {
    let dir = Dir::new();
    dir.render(&[
        "-o",
        "full.wav",
        "--labels",
        "full.txt",
        "--stems-rows",
        "full",
    ]);
    let full = dir.labels("full.txt");

    // Row 3 is Bob's first line: it plays under the bed that row 1 begins, and with Bob's
    // voice from the whole script (the same cached clip, so the same samples).
    let summary = dir.render(&[
        "--only",
        "3",
        "-o",
        "part.wav",
        "--labels",
        "part.txt",
        "--stems-rows",
        "part",
    ]);
    assert!(
        summary.contains("2 rows (1 generated, 1 cached)"),
        "{summary}"
    );
    let part = dir.labels("part.txt");
    assert_eq!(label_rows(&part), ["row 1 music", "row 3 speech"]);
    let row3 = full.iter().find(|l| l.2.starts_with("row 3 ")).unwrap();
    let length = row3.1 - row3.0;
    assert!((part[1].1 - part[1].0 - length).abs() < 1e-5);
    let audio = read_wav(&dir.path("part.wav")).unwrap();
    assert!(
        (audio.duration_s() - length).abs() < 1e-3,
        "{}",
        audio.duration_s()
    );
    // The row's own stem holds the same speech as in the full render, up to the master's
    // gain: their shapes match.
    let stem = |dir_name: &str, start_s: f64| {
        let a = read_wav(&dir.path(&format!("{dir_name}/row-03-speech.wav"))).unwrap();
        let start = (start_s * 48_000.0).round() as usize;
        a.channels[0][start..start + 20_000].to_vec()
    };
    let (a, b) = (stem("full", row3.0), stem("part", part[1].0));
    let ratio = a.iter().zip(&b).map(|(x, y)| x * y).sum::<f32>()
        / (a.iter().map(|x| x * x).sum::<f32>() * b.iter().map(|y| y * y).sum::<f32>()).sqrt();
    assert!(
        ratio > 0.99,
        "row 3 sounds different alone: correlation {ratio}"
    );

    // Ranges and lists. The knock is a foreground row of its own, left out; the bed plays
    // under rows 2 and 3 only.
    dir.render(&["--only", "2-3,6", "-o", "part.wav", "--labels", "part.txt"]);
    let part = dir.labels("part.txt");
    assert_eq!(
        label_rows(&part),
        [
            "row 1 music",
            "row 2 speech",
            "row 3 speech",
            "row 6 speech"
        ]
    );
    assert!(
        (part[0].1 - part[2].1).abs() < 1e-6,
        "the bed ends with row 3"
    );
}

#[test]
fn a_window_is_that_stretch_of_the_timeline() {
    let dir = Dir::new();
    dir.render(&["-o", "full.wav", "--labels", "full.txt"]);
    let full = dir.labels("full.txt");
    dir.render(&[
        "--from", "0:01", "--to", "2.5", "-o", "part.wav", "--labels", "part.txt",
    ]);
    let audio = read_wav(&dir.path("part.wav")).unwrap();
    assert_eq!(audio.frames(), 72_000, "1.5 s at 48 kHz");
    // The rows that sound between 1 s and 2.5 s, at their times less 1 s.
    let part = dir.labels("part.txt");
    let expected: Vec<_> = full
        .iter()
        .filter(|l| l.1 > 1.0 && l.0 < 2.5)
        .map(|l| ((l.0.max(1.0) - 1.0), (l.1.min(2.5) - 1.0), l.2.clone()))
        .collect();
    assert_eq!(part.len(), expected.len());
    for (p, e) in part.iter().zip(&expected) {
        assert_eq!(p.2, e.2);
        assert!(
            (p.0 - e.0).abs() < 1e-5 && (p.1 - e.1).abs() < 1e-5,
            "{p:?} vs {e:?}"
        );
    }
    // From a time on, to the end.
    dir.render(&["--from", "3", "-o", "part.wav"]);
    let full_audio = read_wav(&dir.path("full.wav")).unwrap();
    let tail = read_wav(&dir.path("part.wav")).unwrap();
    assert_eq!(tail.frames(), full_audio.frames() - 144_000);
}

#[test]
fn bad_selections_are_input_errors() {
    let dir = Dir::new();
    dir.fails(
        &["--only", "9", "-o", "part.wav"],
        "there is no row 9 (the script has rows 1 to 6)",
    );
    dir.fails(
        &["--only", "1", "-o", "part.wav"],
        "selects no foreground row",
    );
    dir.fails(
        &["--only", "1,6", "-o", "part.wav"],
        "row 1 is a background that plays under none",
    );
    dir.fails(
        &["--only", "5-3", "-o", "part.wav"],
        "runs backwards; write 3-5",
    );
    dir.fails(&["--only", "two", "-o", "part.wav"], "is not a row number");
    dir.fails(&["--from", "1:75", "-o", "part.wav"], "is not a time");
    dir.fails(
        &["--from", "3", "--to", "2", "-o", "part.wav"],
        "must end after it starts",
    );
    dir.fails(
        &["--from", "10:00", "-o", "part.wav"],
        "the timeline is only",
    );
}

/// Integrated loudness of `name` between `from_s` and `to_s`.
fn lufs(dir: &Dir, name: &str, from_s: f64, to_s: f64) -> f64 {
    let audio = read_wav(&dir.path(name)).unwrap();
    let at = |t: f64| ((t * 48_000.0).round() as usize).min(audio.frames());
    let part = onair::audio::AudioBuffer {
        sample_rate_hz: audio.sample_rate_hz,
        channels: audio
            .channels
            .iter()
            .map(|c| c[at(from_s)..at(to_s)].to_vec())
            .collect(),
    };
    onair::audio::loudness::integrated_lufs(&part).unwrap()
}

#[test]
fn a_part_plays_at_its_level_in_the_whole() {
    let dir = Dir::new();
    // No full render yet: the whole script's gain is estimated, and the render says so.
    let said = dir.render(&["--only", "5", "-o", "first.wav"]);
    assert!(
        said.contains("played at the whole script's level: master gain ")
            && said.contains("estimated from the whole script's row volumes"),
        "{said}"
    );

    dir.render(&["-o", "full.wav", "--labels", "full.txt"]);
    let full = dir.labels("full.txt");
    let knock = full.iter().find(|l| l.2.starts_with("row 5 ")).unwrap();
    let in_full = lufs(&dir, "full.wav", knock.0, knock.1);

    // The knock alone, after the full render: at the gain that render used.
    let said = dir.render(&["--only", "5", "-o", "part.wav", "--report", "part.json"]);
    assert!(
        said.contains("from the last full render of this script"),
        "{said}"
    );
    let alone = lufs(&dir, "part.wav", 0.0, 10.0);
    assert!(
        (alone - in_full).abs() < 1.0,
        "the knock is at {alone:.1} LUFS alone, {in_full:.1} LUFS in the episode"
    );
    assert!(alone < -20.0, "{alone:.1} LUFS: mastered on its own");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("part.json")).unwrap()).unwrap();
    assert_eq!(
        report["master_gain"]["from"], "last full render",
        "{report}"
    );
    assert!(report["master_gain"]["gain_db"].is_f64(), "{report}");

    // The estimate was near it too.
    let estimated = lufs(&dir, "first.wav", 0.0, 10.0);
    assert!(
        (estimated - in_full).abs() < 2.0,
        "estimated {estimated:.1} LUFS, {in_full:.1} LUFS in the episode"
    );

    // A window over the knock plays it at the same level.
    dir.render(&[
        "--from",
        &format!("{}", knock.0),
        "--to",
        &format!("{}", knock.1),
        "-o",
        "window.wav",
    ]);
    let window = lufs(&dir, "window.wav", 0.0, 10.0);
    assert!(
        (window - in_full).abs() < 1.0,
        "{window:.1} vs {in_full:.1}"
    );

    // Once the script is edited, the stored gain is still used, and the render says the
    // script has changed since.
    let script = std::fs::read_to_string(dir.path("s.yaml")).unwrap();
    std::fs::write(
        dir.path("s.yaml"),
        script.replace("Who is that?", "Who's there?"),
    )
    .unwrap();
    let said = dir.render(&["--only", "5", "-o", "part.wav"]);
    assert!(said.contains("edited since"), "{said}");
}
