//! Where a script planned from a brief is kept: beside the render's output, so it can be
//! edited and rendered again. A file already there may hold the user's edits, so it is
//! never replaced.

use std::path::Path;

use crate::{Error, Result};

/// What [`keep`] did with a planned script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kept {
    /// The file was not there; it holds the plan now.
    Written,
    /// The file holds this very plan already.
    Same,
    /// The file holds something else (perhaps the user's edits) and was left as it was.
    Differs,
}

/// Keeps the planned script's `text` at `path` unless a different file is there.
pub fn keep(path: &Path, text: &str) -> Result<Kept> {
    match std::fs::read_to_string(path) {
        Ok(existing) if existing == text => Ok(Kept::Same),
        Ok(_) => Ok(Kept::Differs),
        Err(_) => {
            crate::fsutil::write(path, text.as_bytes()).map_err(|e| Error::io(path, e))?;
            Ok(Kept::Written)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_written_once_and_an_edited_file_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/plan.yaml");
        assert_eq!(keep(&path, "rows: []\n").unwrap(), Kept::Written);
        assert_eq!(keep(&path, "rows: []\n").unwrap(), Kept::Same);
        std::fs::write(&path, "edited\n").unwrap();
        assert_eq!(keep(&path, "rows: []\n").unwrap(), Kept::Differs);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "edited\n");
    }
}
