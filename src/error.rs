//! The library's error type. The binary adds context with `anyhow` and maps
//! [`Error::is_invalid_input`] to exit code 2.

use std::path::PathBuf;

use crate::script::ValidationErrors;

/// Everything that can go wrong in the library.
///
/// Each message says its cause itself (an I/O error's reason is part of [`Error::Io`]'s
/// text), and no variant also returns that cause from `source()`: `{:#}` prints a chain of
/// causes, and a cause in both places would be printed twice ("x: No such file: No such
/// file").
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The script (or a flag derived from it) is invalid. Fix the input and try again.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),

    /// Reading or writing a file failed.
    #[error("{}: {}", .path.display(), io_reason(.error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },

    /// An asset an engine needs (SoundFont, voice, program) is not installed.
    /// Running `scripts/setup` installs every default asset.
    #[error("{what} not found at {path}: {hint}")]
    MissingAsset {
        what: String,
        path: PathBuf,
        hint: String,
    },

    /// A generator failed on a row. The message says why; the row is named by the caller.
    #[error("{engine}: {message}")]
    Engine { engine: String, message: String },

    /// The script asks an engine for something it does not have (an unknown voice). Fix the
    /// script; this counts as invalid input.
    #[error("{engine}: {message}")]
    Unsupported { engine: String, message: String },

    /// An error while generating one row, with the row's place in the script.
    #[error("row {row} (line {line}): {error}")]
    Row {
        row: usize,
        line: u32,
        error: Box<Error>,
    },

    /// A flag or other input outside the script is invalid (an empty brief, a model file
    /// that is not GGUF). The message names the input and the fix; exit code 2.
    #[error("{0}")]
    BadInput(String),

    /// The clip cache's folder cannot be made or used. Choose another (or none).
    #[error("cannot use the cache folder: {0}")]
    CacheFolder(Box<Error>),

    /// An error in a file, headed by its path (an invalid script's problems).
    #[error("{}: {error}", .path.display())]
    InFile { path: PathBuf, error: Box<Error> },

    /// Audio data could not be read or written (WAV encoding, resampling, metering).
    #[error("audio: {0}")]
    Audio(String),
}

impl Error {
    /// True when the error is the user's input (exit code 2) rather than a failure (exit code 1).
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Invalid(_) | Error::Unsupported { .. } | Error::BadInput(_) => true,
            Error::Row { error, .. } | Error::InFile { error, .. } => error.is_invalid_input(),
            _ => false,
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            error,
        }
    }

    /// An [`Error::InFile`]: `error`, in the file at `path`.
    pub fn in_file(path: impl Into<PathBuf>, error: Error) -> Self {
        Error::InFile {
            path: path.into(),
            error: Box::new(error),
        }
    }

    /// An [`Error::Engine`] for the named engine.
    pub fn engine(engine: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Engine {
            engine: engine.into(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An I/O error's reason, without the `(os error N)` that only repeats it as a number.
pub fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The clauses of a message as `{:#}` prints it: no clause may contain another.
    fn repeated_clause(message: &str) -> Option<String> {
        let clauses: Vec<&str> = message.split(": ").map(str::trim).collect();
        for (i, a) in clauses.iter().enumerate() {
            for (j, b) in clauses.iter().enumerate() {
                if i != j && a.len() > 3 && b.contains(a) {
                    return Some(a.to_string());
                }
            }
        }
        None
    }

    #[test]
    fn no_error_prints_its_cause_twice() {
        let missing = || std::io::Error::from(std::io::ErrorKind::NotFound);
        let errors = [
            Error::io("nope.yaml", missing()),
            Error::Row {
                row: 3,
                line: 9,
                error: Box::new(Error::io("clip.wav", missing())),
            },
            Error::engine("speech/piper", "failed"),
            Error::BadInput("-o out: that is a folder".into()),
        ];
        for e in errors {
            let shown = format!("{:#}", anyhow::Error::new(e).context("rendering"));
            assert_eq!(repeated_clause(&shown), None, "{shown}");
        }
        let e = Error::io("x.yaml", std::io::Error::from_raw_os_error(2));
        assert_eq!(e.to_string(), "x.yaml: No such file or directory");
    }
}
