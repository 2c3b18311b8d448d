//! Files written atomically: a temporary file in the target's folder, renamed into place, so
//! a reader never sees a partial file and a failure leaves nothing behind.

use std::path::Path;

use tempfile::NamedTempFile;

/// Writes `bytes` to `path` atomically, creating its folder first.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = temp_beside(dir, "")?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    persist(tmp, path)
}

/// A temporary file in `dir` for an atomic write: `.onair-PID-XXXXXX{ext}.part`, hidden, and
/// named so that one a killed process left behind is plainly not a finished file. Such
/// leftovers of processes that no longer run are removed first (a render killed while it
/// streamed its audio leaves one; the next write to the folder clears it).
pub fn temp_beside(dir: &Path, ext: &str) -> std::io::Result<NamedTempFile> {
    remove_stale_parts(dir);
    tempfile::Builder::new()
        .prefix(&format!(".onair-{}-", std::process::id()))
        .suffix(&format!("{ext}.part"))
        .tempfile_in(dir)
}

/// Removes `.onair-PID-*.part` files in `dir` whose process is gone. Best effort: a file
/// that cannot be read or removed is left.
fn remove_stale_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name.strip_prefix(".onair-") else {
            continue;
        };
        if !name.ends_with(".part") {
            continue;
        }
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if !process_runs(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `pid` exists (Linux: its /proc entry); elsewhere assumed to.
fn process_runs(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Flushes `tmp` to disk and renames it to `path`. Output files get the usual `rw-r--r--`
/// (temporary files are created private).
pub fn persist(tmp: NamedTempFile, path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// `size:mtime` of a file (modification time in nanoseconds since 1970): a cheap sign that
/// it changed, for cache keys.
pub fn stamp(path: &Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{}:{mtime_ns}", meta.len()))
}
