//! Integration tests: the real `onair` binary, run in temporary folders.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

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

fn report(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

#[test]
fn every_invalid_script_exits_2_naming_row_and_field() {
    let dir = Dir::new();
    let mut checked = 0;
    let mut files: Vec<_> = fs::read_dir(repo().join("tests/data/invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let text = fs::read_to_string(&path).unwrap();
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks an `# expect:` first line", path.display()));
        let out_wav = dir.path("out.wav");
        for args in [
            vec!["validate", path.to_str().unwrap()],
            vec![
                "render",
                path.to_str().unwrap(),
                "-o",
                out_wav.to_str().unwrap(),
            ],
        ] {
            let o = dir.onair(&args);
            let err = stderr(&o);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{}: {args:?}\n{err}",
                path.display()
            );
            assert!(
                err.contains(expect),
                "{}: expected {expect:?} in:\n{err}",
                path.display()
            );
            assert!(!err.contains("panicked"), "{}: {err}", path.display());
            assert!(
                !out_wav.exists(),
                "{}: an output file was written",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} invalid scripts");
}

#[test]
fn misspelt_field_suggests_the_right_one() {
    let dir = Dir::new();
    let o = dir.onair(&[
        "validate",
        repo()
            .join("tests/data/invalid/misspelt-field.yaml")
            .to_str()
            .unwrap(),
    ]);
    let err = stderr(&o);
    assert!(err.contains("did you mean `description`?"), "{err}");
    assert!(err.contains("line 5, column 5"), "{err}");
}

#[test]
fn examples_validate() {
    let dir = Dir::new();
    for name in ["mars-news", "interview-podcast", "rainy-night-story"] {
        let path = repo().join(format!("examples/{name}.yaml"));
        let o = dir.onair(&["validate", path.to_str().unwrap()]);
        assert_success(&o);
    }
}

#[test]
fn table_prints_the_original_columns() {
    let dir = Dir::new();
    let o = dir.onair(&[
        "table",
        repo().join("examples/mars-news.yaml").to_str().unwrap(),
    ]);
    assert_success(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "#",
            "type",
            "layout",
            "id",
            "character",
            "volume",
            "action",
            "description",
            "duration"
        ]
    );
    let row1: Vec<&str> = text.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(
        &row1[..6],
        ["1", "music", "background", "theme", "-28", "begin"]
    );
}

#[test]
fn checked_in_schema_is_current() {
    let dir = Dir::new();
    let o = dir.onair(&["schema", "-o", "-"]);
    assert_success(&o);
    let checked_in = fs::read_to_string(repo().join("schemas/script.schema.json")).unwrap();
    assert!(
        String::from_utf8(o.stdout).unwrap() == checked_in,
        "schemas/script.schema.json is stale; run `cargo run -- schema` and commit it"
    );
}

/// A short script whose master loudness can be set, with a background that has a stretch
/// without speech (under the sfx row) for the ducking check.
fn short_script(loudness: f64) -> String {
    format!(
        "title: Short
loudness: {loudness}
seed: 5
rows:
  - {{type: music, id: bed, action: begin, volume: -30, description: calm ambient pad}}
  - {{type: speech, character: A, text: The first line is long enough to measure the ducking depth well.}}
  - {{type: sfx, volume: -50, duration: 4, description: room tone}}
  - {{type: speech, character: B, text: And the second line answers it at the same sort of length as before.}}
  - {{type: music, id: bed, action: end}}
  - {{type: sfx, duration: 1.5, description: transition swoosh}}
"
    )
}

/// Mean square of a channel between two times.
fn power(samples: &[f32], rate: u32, from_s: f64, to_s: f64) -> f64 {
    let a = (from_s * f64::from(rate)) as usize;
    let b = (to_s * f64::from(rate)) as usize;
    let s = &samples[a..b];
    s.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>() / s.len() as f64
}

#[test]
fn render_meets_loudness_targets_with_a_true_peak_ceiling() {
    let dir = Dir::new();
    for target in [-16.0, -23.0] {
        let script = dir.write("short.yaml", &short_script(target));
        let o = dir.onair(&[
            "render",
            script.to_str().unwrap(),
            "-o",
            "short.wav",
            "--report",
            "short.json",
        ]);
        assert_success(&o);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path("short.wav"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o644, 0o644, "output WAV mode {mode:o}");
        }
        let wav = hound::WavReader::open(dir.path("short.wav")).unwrap();
        let spec = wav.spec();
        assert_eq!(
            (spec.sample_rate, spec.channels, spec.bits_per_sample),
            (48_000, 2, 24)
        );
        // Measured again on the file, independently of the report.
        let audio = onair::audio::wav::read_wav(&dir.path("short.wav")).unwrap();
        let lufs = onair::audio::loudness::integrated_lufs(&audio).unwrap();
        let peak = onair::audio::loudness::true_peak_dbtp(&audio).unwrap();
        assert!((lufs - target).abs() <= 0.5, "target {target}: {lufs} LUFS");
        assert!(peak <= -1.0, "target {target}: true peak {peak} dBTP");
        let r = report(&dir.path("short.json"));
        assert!((f(&r["loudness_lufs"]) - lufs).abs() < 0.1);
    }
}

#[test]
fn background_music_ducks_under_speech() {
    // The same script rendered twice, once with the bed's ducking turned off: the music
    // stems differ only by the duck, whatever the music does by itself.
    let dir = Dir::new();
    let ducked = dir.write("short.yaml", &short_script(-16.0));
    let plain = dir.write(
        "plain.yaml",
        &short_script(-16.0).replace("action: begin,", "action: begin, duck: false,"),
    );
    for (script, name) in [(&ducked, "short"), (&plain, "plain")] {
        let o = dir.onair(&[
            "render",
            script.to_str().unwrap(),
            "-o",
            &format!("{name}.wav"),
            "--report",
            &format!("{name}.json"),
            "--stems",
            &format!("{name}-stems"),
        ]);
        assert_success(&o);
    }
    let r = report(&dir.path("short.json"));
    let placed = |r: &Value| -> Vec<(f64, f64, String)> {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (f(&x["start_s"]), f(&x["end_s"]), x["source"].to_string()))
            .collect()
    };
    assert_eq!(placed(&r), placed(&report(&dir.path("plain.json"))));
    let rows = r["rows"].as_array().unwrap();
    let at = |index: u64| rows.iter().find(|x| x["index"] == index).unwrap();
    let (s1, e1) = (f(&at(2)["start_s"]), f(&at(2)["end_s"]));
    let (s3, e3) = (f(&at(3)["start_s"]), f(&at(3)["end_s"]));
    let music = onair::audio::wav::read_wav(&dir.path("short-stems/music.wav")).unwrap();
    let unducked = onair::audio::wav::read_wav(&dir.path("plain-stems/music.wav")).unwrap();
    let rate = music.sample_rate_hz;
    // Away from the duck's attack and release.
    let (from, to) = (s1 + 0.5, e1 - 0.5);
    let depth_db = 10.0
        * (power(&unducked.channels[0], rate, from, to)
            / power(&music.channels[0], rate, from, to))
        .log10();
    assert!(
        (6.0..=12.0).contains(&depth_db),
        "music under speech is {depth_db:.1} dB quieter (want about 8 dB)"
    );
    // Between the lines the duck has let go.
    let (from, to) = (s3 + 0.8, e3 - 0.3);
    let gap_db = 10.0
        * (power(&unducked.channels[0], rate, from, to)
            / power(&music.channels[0], rate, from, to))
        .log10();
    assert!(
        gap_db.abs() < 1.5,
        "music between the lines is {gap_db:.1} dB down"
    );
    for bus in ["speech", "music", "sfx"] {
        let stem =
            onair::audio::wav::read_wav(&dir.path(&format!("short-stems/{bus}.wav"))).unwrap();
        assert_eq!(
            stem.frames(),
            music.frames(),
            "{bus} stem is not full length"
        );
    }
}

#[test]
fn mars_news_report_follows_the_timeline_rules() {
    let dir = Dir::new();
    let script = repo().join("examples/mars-news.yaml");
    let o = dir.onair(&[
        "render",
        script.to_str().unwrap(),
        "-o",
        "mars.wav",
        "--report",
        "mars.json",
        "--srt",
        "mars.srt",
        "--vtt",
        "mars.vtt",
    ]);
    assert_success(&o);
    let r = report(&dir.path("mars.json"));
    for key in [
        "duration_s",
        "sample_rate",
        "channels",
        "loudness_lufs",
        "true_peak_dbtp",
        "render_ms",
    ] {
        assert!(r.get(key).is_some(), "report lacks {key}");
    }
    assert_eq!(r["sample_rate"], 48_000);
    assert_eq!(r["channels"], 2);
    assert!((f(&r["loudness_lufs"]) + 16.0).abs() <= 0.5);
    assert!(f(&r["true_peak_dbtp"]) <= -1.0);

    let rows = r["rows"].as_array().unwrap();
    for row in rows {
        for key in [
            "index",
            "type",
            "layout",
            "id",
            "start_s",
            "end_s",
            "engine",
            "source",
            "cached",
            "render_ms",
        ] {
            assert!(row.get(key).is_some(), "row lacks {key}: {row}");
        }
        assert!(!row["source"].as_str().unwrap().is_empty());
        // Engines that choose by the words say how sure they are; speech does not choose.
        let chooses = row["type"] == "music" || row["type"] == "sfx";
        assert_eq!(row.get("confident").is_some(), chooses, "{row}");
        assert_eq!(row.get("score").is_some(), chooses, "{row}");
    }
    // "Dramatic orchestral news theme" names a style.
    let theme = rows.iter().find(|x| x["type"] == "music").unwrap();
    assert_eq!(theme["confident"], true, "{theme}");
    let fg: Vec<&Value> = rows
        .iter()
        .filter(|x| x["layout"] == "foreground")
        .collect();
    for pair in fg.windows(2) {
        assert!(
            pair[0]["index"].as_u64() < pair[1]["index"].as_u64(),
            "script order"
        );
        assert!(
            f(&pair[0]["end_s"]) <= f(&pair[1]["start_s"]) + 1e-9,
            "overlap: {pair:?}"
        );
    }
    // Each begin/end background spans exactly the foreground rows inside it.
    let text = fs::read_to_string(&script).unwrap();
    let parsed = onair::script::parse_script(&text).unwrap();
    for bg in rows.iter().filter(|x| x["layout"] == "background") {
        let index = bg["index"].as_u64().unwrap() as usize;
        let id = bg["id"].as_str().unwrap();
        let end = parsed.rows[index..]
            .iter()
            .find(|r| r.id.as_deref() == Some(id))
            .unwrap()
            .index;
        let inside: Vec<&&Value> = fg
            .iter()
            .filter(|x| {
                let i = x["index"].as_u64().unwrap() as usize;
                i > index && i < end
            })
            .collect();
        assert_eq!(f(&bg["start_s"]), f(&inside[0]["start_s"]), "{id} start");
        assert_eq!(
            f(&bg["end_s"]),
            f(&inside.last().unwrap()["end_s"]),
            "{id} end"
        );
    }
    // Foreground music and sfx last their duration.
    for row in &fg {
        let index = row["index"].as_u64().unwrap() as usize;
        if let Some(d) = parsed.rows[index - 1].duration.seconds() {
            let len = f(&row["end_s"]) - f(&row["start_s"]);
            assert!(
                (len - d).abs() <= 0.010,
                "row {index}: {len} s, asked {d} s"
            );
        }
    }
    let srt = fs::read_to_string(dir.path("mars.srt")).unwrap();
    assert!(srt.starts_with("1\n00:00:00,000 --> "), "{srt}");
    // A cue is at most two lines of 42 characters.
    assert!(
        srt.contains("Anchor: Good evening,\nand welcome to Mars News.\n"),
        "{srt}"
    );
    let vtt = fs::read_to_string(dir.path("mars.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> "), "{vtt}");
    assert!(vtt.contains("<v Engineer>"));
}

#[test]
fn same_script_and_seed_give_identical_files() {
    let dir = Dir::new();
    let script = dir.write("short.yaml", &short_script(-16.0));
    for out in ["a.wav", "b.wav"] {
        assert_success(&dir.onair(&["render", script.to_str().unwrap(), "-o", out, "--no-cache"]));
    }
    assert!(fs::read(dir.path("a.wav")).unwrap() == fs::read(dir.path("b.wav")).unwrap());
}

#[test]
fn editing_one_sfx_row_regenerates_only_that_row() {
    let dir = Dir::new();
    let original = fs::read_to_string(repo().join("examples/mars-news.yaml")).unwrap();
    let script = dir.write("mars.yaml", &original);
    let args = [
        "render",
        script.to_str().unwrap(),
        "-o",
        "mars.wav",
        "--report",
        "mars.json",
    ];
    assert_success(&dir.onair(&args));
    let cold = report(&dir.path("mars.json"));
    assert!(
        cold["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["cached"] == false)
    );

    let edited = original.replace("description: Transition swoosh", "description: Fast whoosh");
    assert_ne!(edited, original);
    dir.write("mars.yaml", &edited);
    assert_success(&dir.onair(&args));
    let warm = report(&dir.path("mars.json"));
    let regenerated: Vec<u64> = warm["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["cached"] == false)
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(
        regenerated,
        [6],
        "only the edited sfx row is generated again"
    );
}

#[test]
fn timeline_command_prints_every_sounding_row() {
    let dir = Dir::new();
    let script = dir.write("short.yaml", &short_script(-16.0));
    let o = dir.onair(&["timeline", script.to_str().unwrap()]);
    assert_success(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    // Five sounding rows (the end row does not sound), a header and a total.
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .trim_start()
            .starts_with("1  00:00.000"),
        "{text}"
    );
}

#[test]
fn a_failed_render_leaves_no_output_file() {
    let dir = Dir::new();
    let script = dir.write("short.yaml", &short_script(-16.0));
    // The output's folder is a file, so the WAV cannot be written.
    dir.write("blocker", "");
    let o = dir.onair(&["render", script.to_str().unwrap(), "-o", "blocker/out.wav"]);
    // A path that cannot be written is the user's to fix, found before the work.
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("onair: "), "{}", stderr(&o));
    assert!(!dir.path("blocker/out.wav").exists());
}

#[test]
fn an_unknown_voice_is_invalid_input_naming_the_row_and_character() {
    let dir = Dir::new();
    let script = dir.write(
        "voice.yaml",
        "voices:\n  Host: { voice: klingon }\nrows:\n  - {type: speech, character: Host, text: Hello.}\n",
    );
    let o = dir.onair(&["render", script.to_str().unwrap(), "-o", "out.wav"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("field `voices.Host.voice`, line 2"), "{err}");
    assert!(err.contains("no voice `klingon`"), "{err}");
    assert!(!dir.path("out.wav").exists());
}

/// A mono 16-bit WAV of a decaying 880 Hz tone with a little noise: a stand-in sound file.
fn write_tone(path: &Path, seconds: f64, rate: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let n = (seconds * f64::from(rate)) as usize;
    let mut noise = 12345u32;
    for i in 0..n {
        let t = i as f64 / f64::from(rate);
        noise = noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let hiss = (f64::from(noise >> 8) / f64::from(1u32 << 24) - 0.5) * 0.05;
        let x = (t * 880.0 * std::f64::consts::TAU).sin() * (-t * 2.0).exp() * 0.5 + hiss;
        w.write_sample((x * 32767.0) as i16).unwrap();
    }
    w.finalize().unwrap();
}

#[test]
fn a_missing_library_folder_is_invalid_input_naming_the_field() {
    let dir = Dir::new();
    let script = dir.write(
        "lib.yaml",
        "title: T\nlibrary: nowhere/sounds\nrows:\n  - {type: sfx, description: a door creaks, duration: 1}\n",
    );
    let o = dir.onair(&["render", script.to_str().unwrap(), "-o", "out.wav"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("field `library`"), "{err}");
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("\"nowhere/sounds\" does not exist"), "{err}");
    assert!(!dir.path("out.wav").exists());

    let o = dir.onair(&["sfx", "search", "door", "--library", "also/missing"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("also/missing"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
}

#[test]
fn sfx_search_prints_the_top_five_with_scores() {
    let dir = Dir::new();
    let o = dir.onair(&[
        "sfx",
        "search",
        "an old door creaking",
        "--no-system-library",
    ]);
    assert_success(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        7,
        "header, five candidates, the choice:\n{text}"
    );
    assert!(lines[1].contains("recipe:creak"), "{text}");
    let scores: Vec<f64> = lines[1..6]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{text}");
    assert_eq!(lines[6], "chosen: recipe:creak");
}

#[test]
fn a_user_library_sample_is_chosen_fitted_and_reported() {
    let dir = Dir::new();
    fs::create_dir_all(dir.path("sounds/glass")).unwrap();
    write_tone(&dir.path("sounds/glass/shatter_01.wav"), 1.2, 44_100);
    dir.write(
        "sounds/glass/shatter_01.txt",
        "a window pane smashing into pieces, glass breaking",
    );
    // Unreadable files are skipped with one warning; the rest is indexed.
    dir.write("sounds/broken.wav", "RIFF....WAVEfmt garbage");
    dir.write("sounds/empty.flac", "");
    let script = dir.write(
        "lib.yaml",
        "title: Library\nlibrary: sounds\nrows:\n  - {type: sfx, description: the window glass smashes, duration: 2.5}\n  - {type: sfx, description: knocking at the door twice, duration: 1.5}\n",
    );
    let args = [
        "render",
        script.to_str().unwrap(),
        "-o",
        "out.wav",
        "--report",
        "out.json",
        "--no-system-library",
    ];
    let o = dir.onair(&args);
    assert_success(&o);
    let err = stderr(&o);
    assert_eq!(err.matches("unreadable").count(), 1, "{err}");
    assert!(
        err.contains("broken.wav") && err.contains("empty.flac"),
        "{err}"
    );
    let r = report(&dir.path("out.json"));
    let rows = r["rows"].as_array().unwrap();
    let source = rows[0]["source"].as_str().unwrap();
    assert!(
        source.starts_with("sample:") && source.ends_with("shatter_01.wav"),
        "{source}"
    );
    assert_eq!(rows[1]["source"], "recipe:knock");
    // The 1.2 s file fills its 2.5 s row exactly.
    let length = f(&rows[0]["end_s"]) - f(&rows[0]["start_s"]);
    assert!((length - 2.5).abs() < 0.010, "{length}");
}

#[test]
fn midi_export_writes_each_music_row_with_its_tempo() {
    let dir = Dir::new();
    let script = dir.write(
        "tune.yaml",
        "title: Tune
seed: 3
rows:
  - {type: music, id: sting, duration: 6, description: jazz trio at 100 bpm}
  - {type: sfx, duration: 1, description: door knock}
  - {type: music, duration: 5, description: sad piano in E minor}
",
    );
    let out = dir.onair(&[
        "render",
        script.to_str().unwrap(),
        "-o",
        "tune.wav",
        "--midi",
        "midi",
    ]);
    assert_success(&out);
    let mut names: Vec<String> = fs::read_dir(dir.path("midi"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["row-01-sting.mid", "row-03.mid"]);

    let bytes = fs::read(dir.path("midi/row-01-sting.mid")).unwrap();
    let smf = midly::Smf::parse(&bytes).unwrap();
    let tempo = smf.tracks[0]
        .iter()
        .find_map(|e| match e.kind {
            midly::TrackEventKind::Meta(midly::MetaMessage::Tempo(t)) => Some(t.as_int()),
            _ => None,
        })
        .expect("a tempo in the conductor track");
    // The composer bends a requested tempo by at most 1% to land the ending on the row's end.
    let bpm = 60e6 / f64::from(tempo);
    assert!((bpm / 100.0 - 1.0).abs() <= 0.01 + 1e-6, "{bpm} bpm");
    // Conductor, and piano, bass and drums at least.
    assert!(smf.tracks.len() >= 4, "{} tracks", smf.tracks.len());
    let notes = smf
        .tracks
        .iter()
        .flatten()
        .filter(|e| {
            matches!(
                e.kind,
                midly::TrackEventKind::Midi {
                    message: midly::MidiMessage::NoteOn { .. },
                    ..
                }
            )
        })
        .count();
    assert!(notes > 20, "{notes} notes");
}

/// The packaged recordings `scripts/setup` installs (OpenTTD's OpenSFX): the tests below
/// need them, as a user's render does.
fn opensfx_installed() -> bool {
    Path::new("/usr/share/games/openttd/baseset/opensfx/opensfx.cat").is_file()
}

#[test]
fn recorded_sounds_are_credited_in_the_report_the_credits_file_and_the_mp3_tag() {
    assert!(
        opensfx_installed(),
        "openttd-opensfx is installed by scripts/setup"
    );
    let dir = Dir::new();
    let script = dir.write(
        "farm.yaml",
        "title: Farm\nrows:\n  - {type: sfx, description: a horse neighs and snorts, duration: 2}\n  - {type: sfx, description: a cow moos, duration: 2}\n  - {type: sfx, description: steady rain on a roof, duration: 2}\n",
    );
    let o = dir.onair(&[
        "render",
        script.to_str().unwrap(),
        "-o",
        "farm.mp3",
        "--report",
        "farm.json",
        "--credits",
        "credits.txt",
    ]);
    assert_success(&o);
    let r = report(&dir.path("farm.json"));
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(
        rows[0]["source"], "sound:opensfx/opensfx.cat#38",
        "{rows:?}"
    );
    assert_eq!(rows[0]["licence"], "CC-BY-3.0");
    assert!(
        rows[0]["author"].as_str().unwrap().contains("dobroide"),
        "{rows:?}"
    );
    assert_eq!(
        rows[1]["source"], "sound:opensfx/opensfx.cat#37",
        "{rows:?}"
    );
    assert_eq!(rows[1]["licence"], "CC0-1.0");
    assert_eq!(rows[2]["source"], "recipe:rain");
    assert!(
        rows[2].get("licence").is_none(),
        "onair's own sounds need no credit"
    );
    for row in rows {
        assert_eq!(row["confident"], true, "{row}");
        assert!(f(&row["score"]) > 0.5, "{row}");
    }
    let credits = fs::read_to_string(dir.path("credits.txt")).unwrap();
    let lines: Vec<&str> = credits.lines().filter(|l| l.contains(" by ")).collect();
    assert_eq!(lines.len(), 2, "{credits}");
    assert!(
        lines[0].contains("\"Horse\"")
            && lines[0].contains("CC-BY-3.0")
            && lines[0].contains("openttd-opensfx"),
        "{credits}"
    );
    assert!(lines[1].contains("no attribution required"), "{credits}");
    // A player that is not onair reads the credits from the MP3's comment.
    let probe = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_entries",
            "format_tags=comment",
            "-of",
            "json",
        ])
        .arg(dir.path("farm.mp3"))
        .output()
        .unwrap();
    let tags = String::from_utf8_lossy(&probe.stdout);
    assert!(
        tags.contains("Horse") && tags.contains("dobroide"),
        "{tags}"
    );
}

#[test]
fn licence_cc0_leaves_out_sounds_that_need_attribution() {
    assert!(
        opensfx_installed(),
        "openttd-opensfx is installed by scripts/setup"
    );
    let dir = Dir::new();
    let any = dir.onair(&["sfx", "search", "a horse neighs", "-n", "3"]);
    assert_success(&any);
    let text = String::from_utf8_lossy(&any.stdout).into_owned();
    assert!(
        text.contains("chosen: sound:opensfx/opensfx.cat#38"),
        "{text}"
    );
    assert!(
        text.contains("by dobroide") && text.contains("CC-BY-3.0"),
        "{text}"
    );
    let cc0 = dir.onair(&[
        "sfx",
        "search",
        "a horse neighs",
        "-n",
        "40",
        "--licence",
        "cc0",
    ]);
    assert_success(&cc0);
    let text = String::from_utf8_lossy(&cc0.stdout).into_owned();
    assert!(!text.contains("opensfx.cat#38"), "{text}");
    assert!(
        !text.contains("CC-BY"),
        "only sounds that need no attribution:\n{text}"
    );
}

#[test]
fn an_unsure_sound_is_rendered_with_a_warning_naming_two_alternatives() {
    let dir = Dir::new();
    let script = dir.write(
        "unsure.yaml",
        "rows:\n  - {type: sfx, description: a walrus bellows on a beach, duration: 1.5}\n",
    );
    let o = dir.onair(&[
        "render",
        script.to_str().unwrap(),
        "-o",
        "u.wav",
        "--report",
        "u.json",
    ]);
    assert_success(&o);
    let err = stderr(&o);
    let warning = err
        .lines()
        .find(|l| l.contains("a walrus bellows on a beach"))
        .unwrap_or_else(|| panic!("no warning names the description:\n{err}"));
    let r = report(&dir.path("u.json"));
    let row = &r["rows"][0];
    assert_eq!(row["confident"], false, "{row}");
    let pick = row["source"].as_str().unwrap();
    assert!(
        warning.contains(pick),
        "the warning names the pick:\n{warning}"
    );
    let named = warning.matches("recipe:").count()
        + warning.matches("sound:").count()
        + warning.matches("sample:").count();
    assert!(named >= 3, "the pick and two alternatives:\n{warning}");
}
