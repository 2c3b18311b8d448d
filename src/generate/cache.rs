//! Content-keyed clip cache.
//!
//! A clip is stored under the hash of everything that affects its sound (engine, engine
//! version, the row fields, voice, seed, target length, sample rate). Each entry is one file,
//! written to a temporary name and renamed into place, and ends with a checksum of its
//! contents: a reader never sees a partial entry, and an entry damaged on disk is treated as
//! missing and regenerated rather than played.
//!
//! A write killed half-way (power cut, `kill -9`) leaves its temporary file behind. Those
//! are named `.put-*.part`, never `*.clip`, so they are never read as entries; the writer
//! holds a lock on its temporary file, which tells a stale one (nobody holds it) from one
//! being written right now. [`Cache::verify`] lists the stale ones (`onair cache verify
//! --remove` deletes them).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{Choice, Clip, Sentence};
use crate::audio::AudioBuffer;
use crate::{Error, Result};

const MAGIC: &[u8; 8] = b"ONAIRCL1";
const CHECKSUM_LEN: usize = 32;
/// Temporary files of entries being written: `.put-XXXXXX.part`.
const TEMP_PREFIX: &str = ".put-";
const TEMP_SUFFIX: &str = ".part";
/// A temporary file younger than this may be between its creation and its writer's lock on
/// it, so it is not called stale yet.
const TEMP_GRACE: Duration = Duration::from_secs(2);

/// The identity of a clip: a hash of labelled parts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey(String);

impl CacheKey {
    /// Hashes `parts` (name, value) in order. Names keep `("a", "bc")` apart from `("ab", "c")`.
    pub fn new<'a>(parts: impl IntoIterator<Item = (&'a str, String)>) -> CacheKey {
        let mut h = blake3::Hasher::new();
        for (name, value) in parts {
            for s in [name, value.as_str()] {
                h.update(&(s.len() as u64).to_le_bytes());
                h.update(s.as_bytes());
            }
        }
        CacheKey(h.finalize().to_hex().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A cached clip and what the pipeline measured of it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub clip: Clip,
    /// Integrated loudness of the clip as stored (`clip_lufs`), so a re-render need not
    /// measure it again. `f64::NEG_INFINITY` for silence.
    pub loudness_lufs: f64,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Header {
    /// `None` stands for -inf, which JSON cannot hold.
    loudness_lufs: Option<f64>,
    source: String,
    warnings: Vec<String>,
    sample_rate_hz: u32,
    channels: usize,
    frames: usize,
    /// A looped bed's period (entries from before loops have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    loop_frames: Option<usize>,
    /// A speech clip's sentence times (entries from before them have none, and are read as
    /// clips whose sentences are not known; engines that record them changed version, so
    /// their old entries are not found).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sentences: Vec<Sentence>,
    /// How sure a chooser was of the pick, and its credit (entries from before have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    choice: Option<Choice>,
}

/// A full render's master gain, kept so that partial renders of its script play their rows
/// at the level they have in the whole.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredGain {
    /// What names the script across edits (its path).
    pub script_key: String,
    /// The gain the master applied before its limiter, dB.
    pub gain_db: f64,
    /// A hash of the script as it was rendered, to tell whether it has changed since.
    pub script_hash: String,
}

/// What [`Cache::verify`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verified {
    /// Entries checked, damaged ones included.
    pub entries: usize,
    /// Entries whose checksum or layout is wrong: a render treats them as missing.
    pub damaged: Vec<PathBuf>,
    /// Temporary files of writes that were interrupted (nobody is writing them): harmless,
    /// never read, safe to delete.
    pub stale: Vec<PathBuf>,
}

/// The clip cache. A disabled cache (`--no-cache`) neither reads nor writes.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: Option<PathBuf>,
    /// A scratch cache's folder, removed when the last clone is dropped.
    _scratch: Option<std::sync::Arc<tempfile::TempDir>>,
}

impl Cache {
    /// A cache in `dir`, created if needed.
    pub fn open(dir: impl Into<PathBuf>) -> Result<Cache> {
        let dir = dir.into();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Cache {
            dir: Some(dir),
            _scratch: None,
        })
    }

    pub fn disabled() -> Cache {
        Cache {
            dir: None,
            _scratch: None,
        }
    }

    /// A cache for one render only, in a new temporary folder that is removed with it: where
    /// a render that must not use the real cache keeps its clips until the mix reads them.
    pub fn scratch() -> Result<Cache> {
        let tmp = tempfile::Builder::new()
            .prefix("onair-clips-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        Ok(Cache {
            dir: Some(tmp.path().to_path_buf()),
            _scratch: Some(std::sync::Arc::new(tmp)),
        })
    }

    /// Whether it stores anything.
    pub fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    /// Its folder; `None` when disabled.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    fn path(&self, key: &CacheKey) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        Some(dir.join(&key.0[..2]).join(format!("{}.clip", key.0)))
    }

    /// The cached clip, or `None` when absent, disabled, or damaged.
    pub fn get(&self, key: &CacheKey) -> Option<Entry> {
        let bytes = fs::read(self.path(key)?).ok()?;
        decode(&bytes)
    }

    /// Stores a clip atomically. A failure leaves the cache as it was.
    pub fn put(&self, key: &CacheKey, entry: &Entry) -> Result<()> {
        let Some(path) = self.path(key) else {
            return Ok(());
        };
        let dir = path.parent().expect("entry paths have a parent");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        // Held until the rename: `verify` leaves a locked temporary file alone. The lock
        // goes with the process, so a killed writer's file is seen as stale.
        tmp.as_file()
            .lock()
            .and_then(|()| tmp.write_all(&encode(entry)))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// The master gain stored by the last full render of the script named `script_key`.
    pub fn master_gain(&self, script_key: &str) -> Option<StoredGain> {
        let bytes = fs::read(self.master_path(script_key)?).ok()?;
        let stored: StoredGain = serde_json::from_slice(&bytes).ok()?;
        (stored.script_key == script_key && stored.gain_db.is_finite()).then_some(stored)
    }

    /// Stores a full render's master gain for partial renders of the same script. Written
    /// to a temporary file and renamed, so a reader sees the old record or the new one.
    pub fn put_master_gain(&self, stored: &StoredGain) -> Result<()> {
        let Some(path) = self.master_path(&stored.script_key) else {
            return Ok(());
        };
        let dir = path.parent().expect("master paths have a parent");
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        let json = serde_json::to_vec(stored).expect("the record serialises");
        tmp.write_all(&json).map_err(|e| Error::io(tmp.path(), e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }

    /// `masters/<hash of the key>.json`: beside the shards, so clip lookups never see it.
    fn master_path(&self, script_key: &str) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let name = blake3::hash(script_key.as_bytes()).to_hex();
        Some(dir.join("masters").join(format!("{}.json", &name[..32])))
    }

    /// Checks every entry's checksum, and finds the temporary files that interrupted writes
    /// left. Entries being written by another render at the same time are not disturbed.
    pub fn verify(&self) -> Result<Verified> {
        let mut found = Verified::default();
        let Some(dir) = &self.dir else {
            return Ok(found);
        };
        for shard in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let shard = shard.map_err(|e| Error::io(dir, e))?.path();
            if !is_shard(&shard) {
                continue;
            }
            for entry in fs::read_dir(&shard).map_err(|e| Error::io(&shard, e))? {
                let path = entry.map_err(|e| Error::io(&shard, e))?.path();
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.ends_with(".clip") {
                    found.entries += 1;
                    // An entry deleted since the listing (by another `verify --remove`)
                    // is not damaged.
                    let damaged = match fs::read(&path) {
                        Ok(bytes) => decode(&bytes).is_none(),
                        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
                    };
                    if damaged {
                        found.damaged.push(path);
                    }
                } else if is_temp(name) && is_stale(&path) {
                    found.stale.push(path);
                }
            }
        }
        found.damaged.sort();
        found.stale.sort();
        Ok(found)
    }
}

/// A shard folder: the first two hex digits of its entries' keys.
fn is_shard(path: &Path) -> bool {
    path.is_dir()
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A temporary file of a write: ours, or `.tmpXXXXXX` from versions before the lock.
fn is_temp(name: &str) -> bool {
    (name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) || name.starts_with(".tmp")
}

/// Whether no one is writing the temporary file at `path`: nobody holds its lock, and it is
/// older than the moment between its creation and its writer's lock.
fn is_stale(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let old = file
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age >= TEMP_GRACE);
    old && file.try_lock().is_ok()
}

fn encode(entry: &Entry) -> Vec<u8> {
    let clip = &entry.clip;
    let header = Header {
        loudness_lufs: Some(entry.loudness_lufs).filter(|l| l.is_finite()),
        source: clip.source.clone(),
        warnings: clip.warnings.clone(),
        sample_rate_hz: clip.audio.sample_rate_hz,
        channels: clip.audio.channel_count(),
        frames: clip.audio.frames(),
        loop_frames: clip.loop_frames,
        sentences: clip.sentences.clone(),
        choice: clip.choice.clone(),
    };
    let header = serde_json::to_vec(&header).expect("header serialises");
    let mut out = Vec::with_capacity(
        MAGIC.len()
            + 4
            + header.len()
            + 4 * clip.audio.channel_count() * clip.audio.frames()
            + CHECKSUM_LEN,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    for ch in &clip.audio.channels {
        for s in ch {
            out.extend_from_slice(&s.to_le_bytes());
        }
    }
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    out
}

fn decode(bytes: &[u8]) -> Option<Entry> {
    let body_len = bytes.len().checked_sub(CHECKSUM_LEN)?;
    let (body, sum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != sum || !body.starts_with(MAGIC) {
        return None;
    }
    let rest = &body[MAGIC.len()..];
    let header_len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let header: Header = serde_json::from_slice(rest.get(4..4 + header_len)?).ok()?;
    let samples = &rest[4 + header_len..];
    if samples.len() != header.channels.checked_mul(header.frames)?.checked_mul(4)? {
        return None;
    }
    let channels = samples
        .chunks_exact(4 * header.frames.max(1))
        .take(header.channels)
        .map(|ch| {
            ch.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        })
        .collect::<Vec<Vec<f32>>>();
    let channels = if header.frames == 0 {
        vec![Vec::new(); header.channels]
    } else {
        channels
    };
    Some(Entry {
        clip: Clip {
            audio: AudioBuffer {
                sample_rate_hz: header.sample_rate_hz,
                channels,
            },
            source: header.source,
            warnings: header.warnings,
            loop_frames: header.loop_frames,
            sentences: header.sentences,
            choice: header.choice,
        },
        loudness_lufs: header.loudness_lufs.unwrap_or(f64::NEG_INFINITY),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip() -> Entry {
        Entry {
            clip: Clip {
                audio: AudioBuffer::from_stereo(48_000, vec![0.1, -0.2, 0.3], vec![1.0, 0.0, -1.0]),
                source: "recipe:test".into(),
                warnings: vec!["a warning".into()],
                loop_frames: None,
                sentences: vec![Sentence {
                    start_s: 0.0,
                    end_s: 0.5,
                    text: "Hello.".into(),
                }],
                choice: Some(Choice {
                    confident: false,
                    score: 0.42,
                    credit: None,
                }),
            },
            loudness_lufs: -20.5,
        }
    }

    #[test]
    fn round_trip_and_damage_detection() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = CacheKey::new([("engine", "x".to_string())]);
        assert!(cache.get(&key).is_none());
        cache.put(&key, &clip()).unwrap();
        let back = cache.get(&key).unwrap();
        assert_eq!(back.clip.audio, clip().clip.audio);
        assert_eq!(back.clip.source, "recipe:test");
        assert_eq!(back.clip.sentences, clip().clip.sentences);
        assert_eq!(back.clip.choice, clip().clip.choice);
        assert_eq!(back.loudness_lufs, -20.5);
        assert_eq!(
            cache.verify().unwrap(),
            Verified {
                entries: 1,
                ..Verified::default()
            }
        );

        // Flip one sample byte: the entry is no longer served, and verify names it.
        let path = cache.path(&key).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - CHECKSUM_LEN - 2] ^= 0x40;
        fs::write(&path, &bytes).unwrap();
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.verify().unwrap().damaged, vec![path.clone()]);
        // A truncated entry too.
        fs::write(&path, &bytes[..10]).unwrap();
        assert!(cache.get(&key).is_none());
        assert_eq!(cache.verify().unwrap().damaged, vec![path.clone()]);
    }

    #[test]
    fn stale_temporary_files_are_found_and_live_ones_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let key = CacheKey::new([("engine", "x".to_string())]);
        cache.put(&key, &clip()).unwrap();
        let shard = cache.path(&key).unwrap().parent().unwrap().to_owned();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let temp = |name: &str| {
            let path = shard.join(name);
            let file = fs::File::create(&path).unwrap();
            file.set_modified(an_hour_ago).unwrap();
            (path, file)
        };
        // Left by a killed writer: no lock.
        let (stale, _) = temp(".put-abc123.part");
        let (old_style, _) = temp(".tmpXYZ789");
        // Being written: its writer holds the lock.
        let (_, live) = temp(".put-live00.part");
        live.lock().unwrap();
        // Just created: its writer may not have locked it yet.
        fs::write(shard.join(".put-new000.part"), b"").unwrap();
        // Not ours.
        let (other, _) = temp("notes.txt");

        let found = cache.verify().unwrap();
        assert_eq!(found.entries, 1);
        assert!(found.damaged.is_empty());
        assert_eq!(found.stale, vec![stale, old_style]);
        assert!(other.exists());
        // Nothing that is not an entry is read as one.
        assert!(cache.get(&key).is_some());
    }

    #[test]
    fn entries_without_sentence_times_read_as_such() {
        // As entries from before sentence times were written: no field in the header.
        let mut entry = clip();
        entry.clip.sentences.clear();
        let bytes = encode(&entry);
        assert!(!String::from_utf8_lossy(&bytes).contains("sentences"));
        let back = decode(&bytes).unwrap();
        assert!(back.clip.sentences.is_empty());
        assert_eq!(back.clip.audio, entry.clip.audio);
    }

    #[test]
    fn keys_separate_their_parts() {
        let a = CacheKey::new([("a", "bc".to_string())]);
        let b = CacheKey::new([("ab", "c".to_string())]);
        assert_ne!(a, b);
    }

    #[test]
    fn disabled_cache_stores_nothing() {
        let cache = Cache::disabled();
        let key = CacheKey::new([("k", String::new())]);
        cache.put(&key, &clip()).unwrap();
        assert!(cache.get(&key).is_none());
    }
}
