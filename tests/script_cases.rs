//! The properties the fuzz target checks (tests/support/script_checks.rs: parse, validate,
//! build the timeline, edit rows; nothing panics, every result is consistent) over the cases
//! fuzzing found (tests/data/fuzz/), the invalid-script fixtures and the examples. The fuzzer
//! itself runs with `scripts/fuzz`.

use std::fs;
use std::path::{Path, PathBuf};

#[path = "support/script_checks.rs"]
mod script_checks;

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// Runs the checks on every file, naming the file that fails; returns how many there were.
fn check_all(files: &[PathBuf]) -> usize {
    for path in files {
        // Read as bytes: a case may hold any line breaks, which text mode would keep anyway,
        // but a case that is not UTF-8 would be a broken fixture.
        let bytes = fs::read(path).unwrap();
        let text = std::str::from_utf8(&bytes)
            .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", path.display()));
        if let Err(panic) = std::panic::catch_unwind(|| script_checks::check(text)) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("{}: {why}", path.display());
        }
    }
    files.len()
}

#[test]
fn cases_found_by_fuzzing_hold() {
    let n = check_all(&files("tests/data/fuzz", "yaml"));
    assert!(n >= 1, "no cases in tests/data/fuzz");
}

#[test]
fn invalid_fixtures_hold_and_stay_invalid() {
    let files = files("tests/data/invalid", "yaml");
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        assert!(
            onair::script::parse_script(&text).is_err(),
            "{} parses",
            path.display()
        );
    }
    assert!(check_all(&files) >= 30);
}

#[test]
fn examples_hold_and_are_valid() {
    let files = files("examples", "yaml");
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        if let Err(e) = onair::script::parse_script(&text) {
            panic!("{}: {e}", path.display());
        }
    }
    assert!(check_all(&files) >= 3);
}
