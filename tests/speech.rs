//! Speech through the real binary: Piper voices, their fallbacks and their errors.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn voice_onnx() -> PathBuf {
    repo().join("models/voices/en_US-joe-medium.onnx")
}

fn onair(dir: &Path, models: &Path, args: &[&str]) -> Output {
    onair_bin::run_with_models(dir, models, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Renders `s` to `o.wav` (and `r.json`) with the installed models.
fn render(dir: &Path, s: &Path) -> Output {
    let args = [
        "render",
        s.to_str().unwrap(),
        "-o",
        "o.wav",
        "--report",
        "r.json",
    ];
    onair(dir, &repo().join("models"), &args)
}

fn report(dir: &Path) -> String {
    fs::read_to_string(dir.join("r.json")).unwrap()
}

fn script(dir: &Path, voices: &str, rows: &str) -> PathBuf {
    let p = dir.join("s.yaml");
    fs::write(&p, format!("voices:\n{voices}rows:\n{rows}")).unwrap();
    p
}

#[test]
fn voices_lists_the_installed_voices_with_gender_and_engine() {
    let dir = tempfile::tempdir().unwrap();
    let o = onair(dir.path(), &repo().join("models"), &["voices"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("en_US-joe-medium"),
        [
            "en_US-joe-medium",
            "en_US",
            "American",
            "male",
            "22050",
            "Hz",
            "piper",
            "1"
        ]
    );
    assert_eq!(
        line("en_US-hibari-heart"),
        [
            "en_US-hibari-heart",
            "en_US",
            "American",
            "female",
            "24000",
            "Hz",
            "hibari",
            "1"
        ]
    );
}

#[test]
fn emoji_are_skipped_with_a_warning_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = script(
        dir.path(),
        "",
        "  - {type: speech, character: Host, text: \"Good news today 🚀 for everyone.\"}\n",
    );
    let o = render(dir.path(), &s);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: row 1") && err.contains('🚀'),
        "{err}"
    );
    let report = report(dir.path());
    assert!(report.contains("voice:en_US-joe-medium"), "{report}");
}

#[test]
fn an_unknown_piper_voice_lists_the_installed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let s = script(
        dir.path(),
        "  Host: {voice: en_US-nobody-medium}\n",
        "  - {type: speech, character: Host, text: Hello.}\n",
    );
    let o = render(dir.path(), &s);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("field `voices.Host.voice`, line 2"), "{err}");
    assert!(
        err.contains("en_US-nobody-medium") && err.contains("installed: en_US-joe-medium"),
        "{err}"
    );
    assert!(!dir.path().join("o.wav").exists());
}

#[test]
fn a_language_without_a_piper_voice_falls_back_to_espeak_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let s = script(
        dir.path(),
        "  Host: {voice: de_DE-thorsten-medium}\n",
        "  - {type: speech, character: Host, text: Guten Abend.}\n",
    );
    let o = render(dir.path(), &s);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("no Piper voice for `de_DE`"), "{err}");
    let report = report(dir.path());
    assert!(report.contains("\"engine\": \"speech/espeak\""), "{report}");
}

#[test]
fn damaged_voice_files_give_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    let voices = models.join("voices");
    fs::create_dir_all(&voices).unwrap();
    let bytes = fs::read(voice_onnx()).unwrap();
    let json = fs::read(voice_onnx().with_extension("onnx.json")).unwrap();
    let s = script(
        dir.path(),
        "",
        "  - {type: speech, character: Host, text: Hello there.}\n",
    );
    let args = ["render", s.to_str().unwrap(), "-o", "o.wav", "--no-cache"];

    // Truncated weights.
    fs::write(voices.join("v_TR-trunc-x.onnx"), &bytes[..bytes.len() / 3]).unwrap();
    fs::write(voices.join("v_TR-trunc-x.onnx.json"), &json).unwrap();
    let o = onair(dir.path(), &models, &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("v_TR-trunc-x.onnx"),
        "the error names the file: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("o.wav").exists());

    // Weights without their .onnx.json: not a usable voice, so none is installed.
    fs::remove_file(voices.join("v_TR-trunc-x.onnx.json")).unwrap();
    let o = onair(dir.path(), &models, &args);
    let err = stderr(&o);
    assert!(err.contains("no neural voice is installed"), "{err}");
    let named = script(
        dir.path(),
        "  Host: {engine: piper, voice: v_TR-trunc-x}\n",
        "  - {type: speech, character: Host, text: Hello there.}\n",
    );
    let o = onair(
        dir.path(),
        &models,
        &["render", named.to_str().unwrap(), "-o", "o.wav"],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no Piper voice `v_TR-trunc-x`"), "{err}");
}

#[test]
fn a_long_row_is_spoken_sentence_by_sentence_without_clicks() {
    let dir = tempfile::tempdir().unwrap();
    let sentence = "The committee met again on Tuesday to discuss the new library, and the plans were approved after a short debate.";
    let text = [sentence; 12].join(" ");
    let s = script(
        dir.path(),
        "",
        &format!("  - {{type: speech, character: Host, text: \"{text}\"}}\n"),
    );
    let o = onair(
        dir.path(),
        &repo().join("models"),
        &[
            "render",
            s.to_str().unwrap(),
            "-o",
            "o.wav",
            "--stems",
            "stems",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let speech = onair::audio::wav::read_wav(&dir.path().join("stems/speech.wav")).unwrap();
    // Twelve sentences of ~6 s each, with pauses between them.
    let seconds = speech.duration_s();
    assert!((50.0..110.0).contains(&seconds), "{seconds} s");
    // A click is a jump far larger than the voice itself makes.
    let ch = &speech.channels[0];
    let jumps: Vec<f32> = ch.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mut sorted = jumps.clone();
    sorted.sort_by(f32::total_cmp);
    let p999 = sorted[sorted.len() * 999 / 1000];
    let max = sorted[sorted.len() - 1];
    assert!(
        max < 4.0 * p999.max(1e-3),
        "largest jump {max}, 99.9th percentile {p999}"
    );
}

/// The report's rows.
fn report_rows(dir: &Path) -> Vec<serde_json::Value> {
    let report: serde_json::Value = serde_json::from_str(&report(dir)).unwrap();
    report["rows"].as_array().unwrap().clone()
}

#[test]
fn voice_entries_are_used_as_written_and_automatic_voices_keep_apart() {
    let dir = tempfile::tempdir().unwrap();
    // Alex is the second character onair casts, so a woman (genders alternate where nothing
    // says otherwise): her entry is used as written, not added to the second automatic style
    // (which made her pitch +6 speed 1.09).
    let s = script(
        dir.path(),
        "  Alex: {pitch: 3.0, speed: 1.05}\n  Cleo: {speed: 0.9}\n",
        "  - {type: speech, character: Bob, text: Hi.}\n  - {type: speech, character: Alex, text: Hello.}\n  - {type: speech, character: Cleo, text: Hey.}\n  - {type: speech, character: Dan, text: Yo.}\n",
    );
    let o = render(dir.path(), &s);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = report_rows(dir.path());
    let source = |i: usize| rows[i]["source"].as_str().unwrap().to_owned();
    assert_eq!(source(0), "voice:en_US-joe-medium");
    assert_eq!(source(1), "voice:en_US-hibari-heart pitch +3 speed 1.05");
    // Cleo's speed is hers; her pitch is chosen for her.
    assert!(source(2).ends_with(" speed 0.9"), "{}", source(2));
    // Dan has no entry: his automatic voice is not one that sounds like Alex's (the next
    // automatic style, pitch +3 speed 1.04, would).
    assert!(!source(3).contains("pitch +3"), "{}", source(3));
    let sources: Vec<String> = (0..4).map(source).collect();
    for (i, a) in sources.iter().enumerate() {
        assert!(!sources[i + 1..].contains(a), "{sources:?}");
    }
    assert!(!stderr(&o).contains("same voice"), "{}", stderr(&o));
}

#[test]
fn characters_that_share_a_voice_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // Seven men and one man's voice installed: onair makes six distinct men from it.
    let rows: String = (1..=7)
        .map(|i| format!("  - {{type: speech, character: C{i}, text: Yes.}}\n"))
        .collect();
    let men: String = (1..=7)
        .map(|i| format!("  C{i}: {{gender: male}}\n"))
        .collect();
    let s = script(
        dir.path(),
        &format!(
            "{men}  Twin: {{pitch: 2, speed: 1.1, gender: male}}\n  Other: {{pitch: 2, speed: 1.1, gender: male}}\n"
        ),
        &format!(
            "{rows}  - {{type: speech, character: Twin, text: No.}}\n  - {{type: speech, character: Other, text: No.}}\n"
        ),
    );
    let o = render(dir.path(), &s);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: row 7 (line 18): `C7` speaks with the same voice as `C1`"),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: row 9 (line 20): `Other` speaks with the same voice as `Twin` (voice:en_US-joe-medium pitch +2 speed 1.1)"
        ),
        "{err}"
    );
    assert_eq!(err.matches("same voice").count(), 2, "{err}");
}

#[test]
fn a_long_row_shows_its_progress_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let text = ["Here is one more sentence."; 24].join(" ");
    let s = script(
        dir.path(),
        "",
        &format!(
            "  - {{type: speech, character: Host, text: \"{text}\"}}\n  - {{type: speech, character: Host, text: A short one.}}\n"
        ),
    );
    let args = |quiet: bool| {
        let mut a = vec!["render", s.to_str().unwrap(), "-o", "o.wav", "--no-cache"];
        if quiet {
            a.push("-q");
        }
        a
    };
    let o = onair(dir.path(), &repo().join("models"), &args(false));
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    // Not a terminal: a line per tenth of the row, before the row's own line.
    let steps: Vec<&str> = err.lines().filter(|l| l.contains(" sentences")).collect();
    assert!(
        steps.len() >= 5 && steps.iter().all(|l| l.contains("row  1 speech")),
        "{err}"
    );
    assert!(steps[0].ends_with(" 3 of 24 sentences"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    let row_line = lines.iter().position(|l| l.contains("] row  1 ")).unwrap();
    let last_step = lines
        .iter()
        .rposition(|l| l.contains(" sentences"))
        .unwrap();
    assert!(last_step < row_line, "{err}");

    let o = onair(dir.path(), &repo().join("models"), &args(true));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("sentences"), "{}", stderr(&o));
}

/// Cues of an SRT file: (start, end, text lines).
fn srt_cues(text: &str) -> Vec<(f64, f64, Vec<String>)> {
    let time = |t: &str| {
        let (hms, ms) = t.trim().split_once(',').unwrap();
        let p: Vec<f64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3600.0 + p[1] * 60.0 + p[2] + ms.parse::<f64>().unwrap() / 1000.0
    };
    text.split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|block| {
            let lines: Vec<&str> = block.lines().collect();
            let (a, b) = lines[1].split_once(" --> ").unwrap();
            (
                time(a),
                time(b),
                lines[2..].iter().map(|l| l.to_string()).collect(),
            )
        })
        .collect()
}

#[test]
fn subtitles_follow_the_sentences_in_short_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Good evening. The committee met again on Tuesday to discuss the new library, \
                and after a short debate, the plans were approved by everyone present. Work \
                starts in spring. Residents who live near the site have asked for quieter \
                machines, shorter working hours, and a footpath that stays open throughout.";
    let s = script(
        dir.path(),
        "",
        &format!("  - {{type: speech, character: Host, text: \"{text}\"}}\n"),
    );
    let o = onair(
        dir.path(),
        &repo().join("models"),
        &[
            "render",
            s.to_str().unwrap(),
            "-o",
            "o.wav",
            "--srt",
            "o.srt",
            "--vtt",
            "o.vtt",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let cues = srt_cues(&fs::read_to_string(dir.path().join("o.srt")).unwrap());

    // The voice pauses between sentences in digital silence: find those pauses.
    let audio = onair::audio::wav::read_wav(&dir.path().join("o.wav")).unwrap();
    let rate = f64::from(audio.sample_rate_hz);
    let ch = &audio.channels[0];
    let quiet: Vec<bool> = ch.iter().map(|x| x.abs() < 3e-5).collect();
    let mut pauses = Vec::new();
    let mut i = 0;
    while i < quiet.len() {
        if quiet[i] {
            let j = (i..quiet.len()).find(|&j| !quiet[j]).unwrap_or(quiet.len());
            if (j - i) as f64 / rate > 0.12 && i > 0 && j < quiet.len() {
                pauses.push((i as f64 / rate, j as f64 / rate));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    assert_eq!(pauses.len(), 3, "four sentences: {pauses:?}");

    assert!(cues.len() >= 6, "long sentences are cut: {cues:#?}");
    let duration = audio.duration_s();
    let mut words = Vec::new();
    for (k, (start, end, lines)) in cues.iter().enumerate() {
        assert!(
            (1..=2).contains(&lines.len()) && lines.iter().all(|l| l.chars().count() <= 42),
            "cue {k}: {lines:?}"
        );
        assert!(
            0.0 <= *start && start < end && *end <= duration + 1e-3,
            "cue {k}"
        );
        if let Some(next) = cues.get(k + 1) {
            assert!(*end <= next.0, "cue {k} overlaps the next");
        }
        words.extend(lines.iter().flat_map(|l| l.split_whitespace()));
    }
    assert_eq!(words[0], "Host:");
    assert_eq!(words[1..].join(" "), text, "every word once, in order");
    // Every pause ends one cue and starts the next, within a video frame (1/25 s).
    let frame = 0.04;
    for (a, b) in &pauses {
        assert!(
            cues.iter().any(|c| (c.1 - a).abs() <= frame)
                && cues.iter().any(|c| (c.0 - b).abs() <= frame),
            "pause {a:.3}-{b:.3} s is not a cue boundary: {cues:#?}"
        );
    }
    // No cue runs through a pause.
    for (a, b) in &pauses {
        assert!(
            !cues.iter().any(|c| c.0 < a - frame && c.1 > b + frame),
            "{cues:#?}"
        );
    }

    let vtt = fs::read_to_string(dir.path().join("o.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n\n"), "{vtt}");
    assert_eq!(vtt.matches(" --> ").count(), cues.len(), "{vtt}");
    for line in vtt.lines().filter(|l| !l.contains("-->") && *l != "WEBVTT") {
        let shown = line.trim_start_matches("<v Host>");
        assert!(shown.chars().count() <= 42, "{line}");
    }
}
