//! Speech through the real binary: Piper voices, their fallbacks and their errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn voice_onnx() -> PathBuf {
    repo().join("models/voices/en_US-joe-medium.onnx")
}

/// Runs `onair` in `dir` with its own cache and models folder.
fn onair(dir: &Path, models: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onair"))
        .args(args)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .env("ONAIR_MODELS", models)
        .output()
        .unwrap()
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
fn voices_lists_the_installed_piper_voice() {
    let dir = tempfile::tempdir().unwrap();
    let o = onair(dir.path(), &repo().join("models"), &["voices"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("en_US-joe-medium"), "{out}");
    assert!(out.contains("22050 Hz"), "{out}");
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
    assert!(err.contains("no Piper voice is installed"), "{err}");
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
