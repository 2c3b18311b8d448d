//! The library's error type. The binary adds context with `anyhow` and maps
//! [`Error::is_invalid_input`] to exit code 2.

use std::path::PathBuf;

use crate::script::ValidationErrors;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The script (or a flag derived from it) is invalid. Fix the input and try again.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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

    /// Audio data could not be read or written (WAV encoding, resampling, metering).
    #[error("audio: {0}")]
    Audio(String),
}

impl Error {
    /// True when the error is the user's input (exit code 2) rather than a failure (exit code 1).
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Invalid(_) | Error::Unsupported { .. } | Error::BadInput(_) => true,
            Error::Row { error, .. } => error.is_invalid_input(),
            _ => false,
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
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
