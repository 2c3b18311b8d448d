//! Row fields through the real binary: `duck` depths under speech, `file:` rows, `gap:`
//! pacing.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::PathBuf;
use std::process::Output;

use onair::audio::AudioBuffer;
use onair::audio::wav::{BitDepth, read_wav, write_wav};
use serde_json::Value;

/// A temporary folder with its own clip cache, where `onair` runs.
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

    fn write(&self, name: &str, text: &str) {
        fs::write(self.path(name), text).unwrap();
    }

    fn onair(&self, args: &[&str]) -> Output {
        onair_bin::command()
            .args(args)
            .current_dir(self.tmp.path())
            .env("ONAIR_CACHE", self.path("cache"))
            .output()
            .unwrap()
    }

    /// Renders `script` to `name.wav` with a report and stems; gives back the report.
    #[track_caller]
    fn render(&self, script: &str, name: &str) -> Value {
        let o = self.onair(&[
            "render",
            script,
            "-o",
            &format!("{name}.wav"),
            "--report",
            &format!("{name}.json"),
            "--stems",
            &format!("{name}-stems"),
        ]);
        assert_success(&o);
        serde_json::from_str(&fs::read_to_string(self.path(&format!("{name}.json"))).unwrap())
            .unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\n--- stderr\n{}\n--- stdout\n{}",
        o.status.code(),
        stderr(o),
        String::from_utf8_lossy(&o.stdout)
    );
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// The report's row with this index.
fn row(report: &Value, index: u64) -> &Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["index"] == index)
        .unwrap_or_else(|| panic!("no row {index} in {report}"))
}

fn span(report: &Value, index: u64) -> (f64, f64) {
    let r = row(report, index);
    (f(&r["start_s"]), f(&r["end_s"]))
}

/// Level of both channels between two times, dB (mean square).
fn level_db(audio: &AudioBuffer, from_s: f64, to_s: f64) -> f64 {
    let rate = f64::from(audio.sample_rate_hz);
    let (a, b) = ((from_s * rate) as usize, (to_s * rate) as usize);
    let mut sum = 0.0;
    for ch in &audio.channels {
        sum += ch[a..b]
            .iter()
            .map(|x| f64::from(*x) * f64::from(*x))
            .sum::<f64>();
    }
    10.0 * (sum / ((b - a) * audio.channels.len()) as f64).log10()
}

/// A rain bed under two lines with a long pause between them (`gap: 4`), its `duck` field
/// replaced by `duck`.
fn rain_script(duck: &str) -> String {
    format!(
        "seed: 3
voices:
  A: {{engine: espeak}}
rows:
  - {{type: sfx, id: rain, action: begin, volume: -30, description: steady rain, fade_in: 0.1, fade_out: 0.1{duck}}}
  - {{type: speech, character: A, text: The rain keeps falling on the roof all through the night and into the day.}}
  - {{type: speech, character: A, text: And in the morning it is still falling on the roof., gap: 4}}
  - {{type: sfx, id: rain, action: end}}
"
    )
}

#[test]
fn sfx_beds_duck_under_speech_by_the_depth_the_row_asks() {
    let dir = Dir::new();
    // How much quieter the sfx bus is during the first line than in the pause after it.
    let dip_db = |name: &str, duck: &str| {
        dir.write(&format!("{name}.yaml"), &rain_script(duck));
        let report = dir.render(&format!("{name}.yaml"), name);
        let sfx = read_wav(&dir.path(&format!("{name}-stems/sfx.wav"))).unwrap();
        let (s2, e2) = span(&report, 2);
        let (s3, _) = span(&report, 3);
        assert!(s3 - e2 > 3.9, "the pause is {} s", s3 - e2);
        // Away from the duck's attack, hold and release.
        let during = level_db(&sfx, s2 + 0.3, e2 - 0.3);
        let between = level_db(&sfx, e2 + 1.5, s3 - 0.3);
        between - during
    };
    // The same bed with no duck: what the rain does by itself.
    let plain = dip_db("plain", ", duck: false");
    assert!(
        plain.abs() < 1.5,
        "the bed with `duck: false` is {plain:.1} dB quieter under speech"
    );
    for (name, duck, want_db) in [("default", "", 8.0), ("deep", ", duck: 12", 12.0)] {
        let depth = dip_db(name, duck) - plain;
        eprintln!("{name}: ducked {depth:.2} dB");
        assert!(
            (depth - want_db).abs() < 1.5,
            "`{duck}`: the bed ducks {depth:.1} dB under speech, not {want_db} dB"
        );
    }
}

/// `seconds` of a sine at `hz`, stereo, at 48 kHz, at -12 dBFS.
fn tone(hz: f64, seconds: f64) -> AudioBuffer {
    let n = (seconds * 48_000.0) as usize;
    let ch: Vec<f32> = (0..n)
        .map(|i| (0.25 * (std::f64::consts::TAU * hz * i as f64 / 48_000.0).sin()) as f32)
        .collect();
    AudioBuffer {
        sample_rate_hz: 48_000,
        channels: vec![ch.clone(), ch],
    }
}

const FILE_SCRIPT: &str = "seed: 1
voices:
  A: {engine: espeak}
rows:
  - {type: sfx, id: bed, action: begin, volume: -30, file: sounds/tone.wav}
  - {type: speech, character: A, text: One two three four five six seven eight nine ten.}
  - {type: sfx, id: bed, action: end}
  - {type: sfx, file: sounds/tone.wav, duration: 0.4, description: a short beep}
  - {type: music, file: sounds/tone.wav}
";

#[test]
fn a_row_plays_its_file_fitted_to_the_row() {
    let dir = Dir::new();
    fs::create_dir(dir.path("sounds")).unwrap();
    write_wav(
        &dir.path("sounds/tone.wav"),
        &tone(440.0, 1.0),
        BitDepth::Int16,
    )
    .unwrap();
    dir.write("s.yaml", FILE_SCRIPT);
    assert_success(&dir.onair(&["validate", "s.yaml"]));

    let report = dir.render("s.yaml", "one");
    for index in [1, 4, 5] {
        let r = row(&report, index);
        assert_eq!(r["engine"], "file", "row {index}: {r}");
        assert_eq!(r["source"], "file:sounds/tone.wav", "row {index}: {r}");
        assert_eq!(r["cached"], false);
    }
    // Cut to its row, at its own length, and looped under the line.
    let (s4, e4) = span(&report, 4);
    assert!(((e4 - s4) - 0.4).abs() < 1e-6, "row 4 lasts {}", e4 - s4);
    let (s5, e5) = span(&report, 5);
    assert!(((e5 - s5) - 1.0).abs() < 1e-6, "row 5 lasts {}", e5 - s5);
    let (s1, e1) = span(&report, 1);
    assert!(e1 - s1 > 2.5, "the line lasts {} s", e1 - s1);
    let sfx = read_wav(&dir.path("one-stems/sfx.wav")).unwrap();
    // No silence in the bed past the file's 1 s: it loops (away from its fades).
    let fade_s = (e1 - s1) / 5.0;
    let mut t = s1 + fade_s;
    while t + 0.1 < e1 - fade_s {
        let db = level_db(&sfx, t, t + 0.1);
        assert!(db > -60.0, "the bed is silent at {t:.2} s ({db:.1} dB)");
        t += 0.1;
    }
    let music = read_wav(&dir.path("one-stems/music.wav")).unwrap();
    assert!(level_db(&music, s5 + 0.3, e5 - 0.3) > -40.0);

    // The same file again: all from the cache.
    let report = dir.render("s.yaml", "two");
    assert!(
        report["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cached"] == true),
        "{report}"
    );
    // Another sound under the same name: the rows that play it are made again.
    write_wav(
        &dir.path("sounds/tone.wav"),
        &tone(660.0, 1.0),
        BitDepth::Int16,
    )
    .unwrap();
    let report = dir.render("s.yaml", "three");
    for (index, cached) in [(1, false), (2, true), (4, false), (5, false)] {
        assert_eq!(row(&report, index)["cached"], cached, "row {index}");
    }
}

#[test]
fn a_missing_file_is_a_validation_error_naming_row_field_place_and_path() {
    let dir = Dir::new();
    dir.write(
        "s.yaml",
        &FILE_SCRIPT.replace(
            "file: sounds/tone.wav, duration: 0.4",
            "file: sounds/missing.wav, duration: 0.4",
        ),
    );
    fs::create_dir(dir.path("sounds")).unwrap();
    write_wav(
        &dir.path("sounds/tone.wav"),
        &tone(440.0, 1.0),
        BitDepth::Int16,
    )
    .unwrap();
    let looked_for = dir.path("sounds/missing.wav");
    for command in ["validate", "render"] {
        let o = match command {
            "validate" => dir.onair(&["validate", "s.yaml"]),
            _ => dir.onair(&["render", "s.yaml", "-o", "out.wav"]),
        };
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        let err = stderr(&o);
        let want = format!(
            "row 4, field `file`, line 8, column 23: \"sounds/missing.wav\" does not exist (looked for {})",
            looked_for.display()
        );
        assert!(err.contains(&want), "{command}:\n{err}\nwant: {want}");
        assert!(!dir.path("out.wav").exists());
    }
}

#[test]
fn gaps_place_rows_in_the_report_and_subtitles() {
    let dir = Dir::new();
    dir.write(
        "s.yaml",
        "seed: 2
voices:
  A: {engine: espeak}
  B: {engine: espeak}
rows:
  - {type: speech, character: A, text: I was going to say that the bridge is closed today.}
  - {type: speech, character: B, text: Closed?, gap: -0.6}
  - {type: sfx, description: door knock, duration: 1, gap: 2.5}
  - {type: speech, character: A, text: Come in., gap: -5}
",
    );
    let o = dir.onair(&[
        "render", "s.yaml", "-o", "s.wav", "--report", "s.json", "--srt", "s.srt",
    ]);
    assert_success(&o);
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path("s.json")).unwrap()).unwrap();
    let (s1, e1) = span(&report, 1);
    let (s2, e2) = span(&report, 2);
    let (s3, e3) = span(&report, 3);
    let (s4, e4) = span(&report, 4);
    assert_eq!(s1, 0.0);
    // Starts and ends are rounded to the millisecond in the report.
    let near = |a: f64, b: f64| (a - b).abs() < 0.002;
    assert!(
        near(s2, e1 - 0.6),
        "row 2 starts at {s2}, row 1 ends at {e1}"
    );
    assert!(near(s3, e1.max(e2) + 2.5), "row 3 starts at {s3}");
    // -5 s would start row 4 before row 3 (1 s long): it starts with it, and says so.
    assert!(near(s4, s3), "row 4 starts at {s4}, row 3 at {s3}");
    assert!(
        stderr(&o).contains("warning: row 4: `gap: -5` would start it 4 s before row 3 starts; it starts with row 3 instead"),
        "{}",
        stderr(&o)
    );
    assert!(near(f(&report["duration_s"]), e3.max(e4)));
    let srt = fs::read_to_string(dir.path("s.srt")).unwrap();
    let stamp = |t: f64| {
        let ms = (t * 1000.0).round() as u64;
        format!(
            "{:02}:{:02}:{:02},{:03}",
            ms / 3_600_000,
            ms / 60_000 % 60,
            ms / 1000 % 60,
            ms % 1000
        )
    };
    assert!(
        srt.contains(&format!("{} --> {}", stamp(s2), stamp(e2))),
        "{srt}"
    );
}
