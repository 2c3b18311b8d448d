//! Where installed assets live.

use std::path::PathBuf;

/// The models folder (`voices/`, `minilm/`, `llm/`): `$ONAIR_MODELS`, else `models/` in the
/// current folder, else the `models/` of the source tree the binary was built in (so
/// `target/release/onair` finds what `scripts/setup` installed from anywhere).
pub fn models_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("ONAIR_MODELS") {
        return dir.into();
    }
    let here = PathBuf::from("models");
    if here.join("voices").is_dir() {
        return here;
    }
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models");
    if built.is_dir() {
        return built;
    }
    here
}
