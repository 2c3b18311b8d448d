//! `onair check`: onair's own voice, transcribed by onair's own Whisper, through the real
//! binary. Skipped (with a note) when `scripts/setup` has not installed Whisper base or the
//! Piper voice.

use std::path::{Path, PathBuf};
use std::process::Output;

use onair::audio::AudioBuffer;
use onair::audio::wav::{BitDepth, write_wav};

#[path = "support/onair.rs"]
mod onair_bin;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn models() -> PathBuf {
    repo().join("models")
}

fn installed() -> bool {
    let need = [
        models().join("whisper-base/model.bin"),
        models().join("voices/en_US-joe-medium.onnx"),
    ];
    match need.iter().find(|p| !p.is_file()) {
        Some(p) => {
            eprintln!("skipped: {} is absent (run scripts/setup)", p.display());
            false
        }
        None => true,
    }
}

fn onair(dir: &Path, models: &Path, args: &[&str]) -> Output {
    onair_bin::run_with_models(dir, models, args)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Lower case, letters, digits and single spaces only.
fn words(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Word-level edit distance (substitutions, insertions, deletions).
fn word_errors(heard: &str, said: &str) -> usize {
    let (a, b): (Vec<&str>, Vec<&str>) = (heard.split(' ').collect(), said.split(' ').collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, wa) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, wb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(wa != wb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[test]
fn onair_hears_its_own_voice() {
    if !installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Written before looking at what the model hears: plain sentences a listener would
    // get word for word.
    let lines = [
        "The weather today is sunny with a light breeze from the west.",
        "Please close the door when you leave the kitchen.",
        "Twelve volunteers painted the school hall over a single weekend.",
    ];
    for (i, line) in lines.iter().enumerate() {
        let wav = format!("say{i}.wav");
        let o = onair(dir.path(), &models(), &["say", line, "-o", &wav]);
        assert!(o.status.success(), "say: {}", text(&o.stderr));
        let o = onair(dir.path(), &models(), &["check", &wav]);
        assert!(o.status.success(), "check: {}", text(&o.stderr));
        // Whisper base, faster-whisper's included, hears Piper's short "please" as
        // "place": the check allows the render check's default threshold (15% of words).
        let (heard, said) = (words(&text(&o.stdout)), words(line));
        let errors = word_errors(&heard, &said);
        assert!(
            errors as f64 <= 0.15 * said.split(' ').count() as f64,
            "heard {heard:?} for {said:?} ({errors} word errors); {}",
            text(&o.stderr)
        );
        assert!(text(&o.stderr).contains("real time"), "{}", text(&o.stderr));
    }
}

#[test]
fn silence_checks_to_an_empty_transcript() {
    if !installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let silent = AudioBuffer::silence(44_100, 2, 44_100 * 3);
    write_wav(&dir.path().join("silence.wav"), &silent, BitDepth::Int16).unwrap();
    let o = onair(dir.path(), &models(), &["check", "silence.wav"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).trim(), "");
}

#[test]
fn a_missing_model_names_scripts_setup() {
    let dir = tempfile::tempdir().unwrap();
    let silent = AudioBuffer::silence(16_000, 1, 16_000);
    write_wav(&dir.path().join("a.wav"), &silent, BitDepth::Int16).unwrap();
    let empty = dir.path().join("no-models");
    std::fs::create_dir(&empty).unwrap();
    let o = onair(dir.path(), &empty, &["check", "a.wav"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("scripts/setup") && err.contains("whisper-base"),
        "{err}"
    );
}

#[test]
fn a_mistyped_file_is_named_before_any_model_is_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("no-models");
    std::fs::create_dir(&empty).unwrap();
    let o = onair(dir.path(), &empty, &["check", "intervew.wav"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("intervew.wav: no such file") && !err.contains("scripts/setup"),
        "{err}"
    );
    let o = onair(dir.path(), &empty, &["check", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("that is a folder"));
}

#[test]
fn a_file_that_is_not_audio_is_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.wav"), "shopping list: eggs, milk").unwrap();
    // Found before any model is looked for.
    let empty = dir.path().join("no-models");
    std::fs::create_dir(&empty).unwrap();
    let o = onair(dir.path(), &empty, &["check", "notes.wav"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("notes.wav") && err.contains("name an audio file"),
        "{err}"
    );
}
