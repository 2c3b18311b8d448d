//! Fuzz target: any text through the script parser and validator, the timeline builder
//! (with edge-case clip lengths) and the row edits; `tests/support/script_checks.rs` says
//! what must hold. Run it with `scripts/fuzz [SECONDS]`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/script_checks.rs"]
mod script_checks;

fuzz_target!(|data: &[u8]| {
    // The parser takes text; bytes that are not UTF-8 never reach it.
    if let Ok(text) = std::str::from_utf8(data) {
        script_checks::check(text);
    }
});
