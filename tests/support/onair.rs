//! The onair binary, as the integration tests run it.

use std::process::Command;

/// A command running the built binary with the repository's models (the binary looks in
/// `./models`, and tests run in temporary folders), unless the environment names others.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onair"));
    if std::env::var_os("ONAIR_MODELS").is_none() {
        c.env(
            "ONAIR_MODELS",
            concat!(env!("CARGO_MANIFEST_DIR"), "/models"),
        );
    }
    c
}
