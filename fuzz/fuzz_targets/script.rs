//! Fuzz target: any text through the script parser and validator, the timeline builder
//! (with edge-case clip lengths) and the row edits; `tests/support/script_checks.rs` says
//! what must hold. Run it with `scripts/fuzz [SECONDS]`.
//!
//! Inputs are mutated two ways: libFuzzer's own byte-level mutations (with the dictionary
//! `fuzz/script.dict`), and mutations that know the script format (`mutate.rs`), which keep
//! most inputs valid scripts so that the timeline and the edits see them.

#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};

mod mutate;
#[path = "../../tests/support/script_checks.rs"]
mod script_checks;

fuzz_target!(|data: &[u8]| {
    // The parser takes text; bytes that are not UTF-8 never reach it.
    if let Ok(text) = std::str::from_utf8(data) {
        script_checks::check(text);
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    let mut rng = mutate::Rng::new(seed);
    // Half of the time, and for input that is not text, libFuzzer's own mutations.
    let text = std::str::from_utf8(&data[..size]).ok();
    let mutated = match text {
        Some(text) if rng.below(2) == 0 => mutate::mutate(text, &mut rng),
        _ => None,
    };
    match mutated {
        Some(new) if new.len() <= max_size => {
            data[..new.len()].copy_from_slice(new.as_bytes());
            new.len()
        }
        _ => fuzzer_mutate(data, size, max_size),
    }
});
