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

/// Runs the binary in `dir` with a cache of its own there and the models in `models`.
#[allow(dead_code)] // not every test binary that includes this module uses it
pub fn run_with_models(
    dir: &std::path::Path,
    models: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    command()
        .args(args)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .env("ONAIR_MODELS", models)
        .output()
        .unwrap()
}
