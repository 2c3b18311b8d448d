//! The sample library: audio files in folders the user names and the recordings of the
//! packaged collections ([`super::collections`]), each with a short text saying what it
//! sounds like and that text's embedding, kept in an index file so that a run only decodes
//! and embeds what changed.
//!
//! A user's file's text comes from its name and folders ([`describe`]) and, first, from a
//! sidecar `.txt` file next to it when the user wrote one; a packaged recording's comes
//! from its collection's table. Files that cannot be decoded are skipped with one warning
//! listing them; indexing never stops because of a bad file.
//!
//! The index file is `ONAIRLX1`, a little-endian u32 length, a JSON header (model id,
//! embedding width, samples, skipped files), the embeddings as f32 (one row per sample),
//! and a blake3 checksum of all that. The magic carries the format version: an index of
//! another version, for another model, or damaged on disk is ignored and rebuilt.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::collections::{Credit, Packaged};
use crate::audio::AudioBuffer;
use crate::audio::decode::{self, decode_file};
use crate::{Error, Result};

/// Debian's `sonic-pi-samples`: about 165 CC0 drum hits, loops and textures. Renders use
/// the ones its table in `sounds/` describes; tests and benchmarks index the folder as a
/// user's folder.
pub const SYSTEM_LIBRARY: &str = "/usr/share/sonic-pi/samples";

const ENGINE: &str = "sfx/library";
/// File extensions read as audio, compared without regard to case.
const EXTENSIONS: &[&str] = &["wav", "wave", "flac", "ogg", "oga", "mp3"];
/// How much of a sidecar description is kept, in characters after collapsing whitespace.
const SIDECAR_CHARS: usize = 500;
/// How many skipped files the warning names before it says "and N more".
const LISTED: usize = 10;
const MAGIC: &[u8; 8] = b"ONAIRLX1";
const CHECKSUM_LEN: usize = 32;

/// One usable file of the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub path: PathBuf,
    /// What it sounds like, from [`describe`].
    pub text: String,
    pub frames: usize,
    pub sample_rate_hz: u32,
    /// 1 or 2, as [`load_sample`] returns it.
    pub channels: usize,
    /// Size and modification time of the file (and of its sidecar `.txt`, when there is
    /// one): changes whenever either is rewritten, so it can key caches of what was made
    /// from the sample.
    pub stamp: String,
    /// For a sound of a packaged collection: its id (`sound:<collection>/<file>`) and who
    /// made it on what terms. `None` for the user's own files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaged: Option<PackagedSound>,
}

/// What a packaged collection's table says of one of its sounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PackagedSound {
    pub source: String,
    pub credit: Credit,
}

impl Sample {
    /// True when the sound is described in words written for it: a packaged collection's
    /// table, or the user's sidecar `.txt` (its stamp includes one).
    pub fn has_sidecar(&self) -> bool {
        self.packaged.is_some() || self.stamp.contains('+')
    }

    /// Who made it and on what terms, for a packaged sound.
    pub fn credit(&self) -> Option<&Credit> {
        self.packaged.as_ref().map(|p| &p.credit)
    }
}

/// The audio files under a folder.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub root: PathBuf,
    /// Audio files, sorted, each once even when symbolic links reach it twice.
    pub files: Vec<PathBuf>,
    /// Entries that could not be looked at (an unreadable folder, a dangling link, a name
    /// that is not UTF-8), with why. Worth a warning, not a failure.
    pub problems: Vec<(PathBuf, String)>,
}

/// The words for a file, in this format:
///
/// - name words: the words of the file stem, then those of its folders below `root`
///   (innermost first), each once: `foley/doors/slam_heavy.wav` gives
///   "slam heavy doors foley";
/// - with a sidecar (`door.txt` beside `door.wav`, its first 500 characters with whitespace
///   collapsed), the user's own words come first and the name words follow in parentheses:
///   "creaky old door slowly opening (door creak)".
///
/// Name words are split at `_`, `-`, `.`, spaces, camelCase and trailing digits, lower-cased;
/// take numbers, note names ("c", "e2", "em9") and filler ("misc", "take", "stereo") are
/// dropped, and common sample-pack shorthand is spelt out ("bd" → "bass drum", "ambi" →
/// "ambient"). Drum-machine numbers (808, 909...) stay: they name a sound. A file whose name
/// yields no words is described by its bare stem.
pub fn describe(path: &Path, root: &Path) -> String {
    let mut words = Vec::new();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    name_words(&stem, &mut words);
    if let Ok(rel) = path.parent().unwrap_or(Path::new("")).strip_prefix(root) {
        for folder in rel.components().rev() {
            name_words(&folder.as_os_str().to_string_lossy(), &mut words);
        }
    }
    let mut seen = HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
    let mut name = words.join(" ");
    if name.is_empty() {
        name = stem.trim().to_lowercase();
    }
    match sidecar_text(path) {
        Some(own) if name.is_empty() => own,
        Some(own) => format!("{own} ({name})"),
        None => name,
    }
}

/// The user's description of `path` from `<stem>.txt` beside it, if any.
fn sidecar_text(path: &Path) -> Option<String> {
    let file = fs::File::open(path.with_extension("txt")).ok()?;
    // Four bytes per character at most: enough for SIDECAR_CHARS without reading a huge file.
    let mut bytes = Vec::new();
    file.take(4 * SIDECAR_CHARS as u64 + 4)
        .read_to_end(&mut bytes)
        .ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let kept: String = collapsed.chars().take(SIDECAR_CHARS).collect();
    let kept = kept.trim_end().to_string();
    (!kept.is_empty()).then_some(kept)
}

/// Appends the words of one file or folder name to `out`; a spelt-out shorthand ("drum and
/// bass") is one entry, so that removing repeats leaves it whole.
fn name_words(name: &str, out: &mut Vec<String>) {
    // "dog's" is one word.
    let name: String = name.chars().filter(|&c| c != '\'' && c != '’').collect();
    let tokens: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric() && c != '#')
        .flat_map(split_camel_case)
        .map(|t| t.to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].as_str();
        i += 1;
        if token == "hi" && tokens.get(i).is_some_and(|t| t == "hat") {
            out.push("hi-hat".to_string());
            i += 1;
            continue;
        }
        if is_note(token) {
            continue;
        }
        let word = if token.starts_with(|c: char| c.is_ascii_digit()) {
            let suffix = token.trim_start_matches(|c: char| c.is_ascii_digit());
            if suffix.is_empty() && DRUM_MACHINES.contains(&token) {
                token
            } else if matches!(
                suffix,
                "" | "bpm"
                    | "hz"
                    | "khz"
                    | "k"
                    | "bit"
                    | "bits"
                    | "ms"
                    | "s"
                    | "st"
                    | "nd"
                    | "rd"
                    | "th"
                    | "x"
            ) {
                continue;
            } else {
                token
            }
        } else {
            token.trim_end_matches(|c: char| c.is_ascii_digit())
        };
        if word.chars().count() < 2 || FILLER.contains(&word) {
            continue;
        }
        out.push(expand(word).unwrap_or(word).to_string());
    }
}

/// Numbers that name a sound (Roland drum machines), kept where other numbers are dropped.
const DRUM_MACHINES: &[&str] = &["303", "606", "707", "808", "909"];

/// Words in file names that say nothing about the sound.
const FILLER: &[&str] = &[
    "misc", "take", "tk", "stereo", "mono", "copy", "ver", "version", "final", "sample",
];

/// Sample-pack and sound-library shorthand, spelt out.
fn expand(word: &str) -> Option<&'static str> {
    Some(match word {
        "bd" => "bass drum",
        "kd" => "kick drum",
        "sn" | "snr" | "sd" => "snare drum",
        "hh" | "hat" | "hihat" => "hi-hat",
        "cym" | "cymb" => "cymbal",
        "perc" => "percussion",
        "ambi" => "ambient",
        "amb" => "ambience",
        "atmos" | "atmo" => "atmosphere",
        "elec" => "electronic",
        "guit" | "gtr" => "guitar",
        "fx" | "sfx" => "sound effect",
        "vox" | "vo" => "voice",
        "dnb" => "drum and bass",
        "fs" | "ftsp" | "fstep" | "fsteps" | "footstep" => "footsteps",
        "bg" | "bgd" | "bkg" | "bkgd" => "background",
        "anml" => "animal",
        "impt" => "impact",
        "mech" => "mechanical",
        "pno" => "piano",
        "vln" => "violin",
        "orch" => "orchestral",
        "int" => "interior",
        "ext" => "exterior",
        "wtr" => "water",
        "lo" => "low",
        "hi" => "high",
        _ => return None,
    })
}

/// True for a note or chord name: "c", "c#", "e2", "cs4", "bb3", "em9", "cmaj7", "asus4".
/// A bare "em" or "fm" stays a word ("fm" is more often the synthesis than F minor).
fn is_note(token: &str) -> bool {
    let Some(rest) = token.strip_prefix(|c: char| ('a'..='g').contains(&c)) else {
        return false;
    };
    if rest.is_empty() || rest == "#" {
        return true;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let accidentals = ["#", "s", "b", ""];
    accidentals.iter().any(|acc| {
        let Some(r) = rest.strip_prefix(acc) else {
            return false;
        };
        if digits(r) {
            return true;
        }
        ["maj", "min", "dim", "aug", "sus", "add", "m"]
            .iter()
            .any(|q| {
                r.strip_prefix(q)
                    .is_some_and(|d| digits(d) || (d.is_empty() && q.len() == 3))
            })
    })
}

/// "DoorCreak01" → ["Door", "Creak01"]; "HTTPServer" → ["HTTP", "Server"]; "808Kick" →
/// ["808", "Kick"].
fn split_camel_case(token: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    let mut parts = Vec::new();
    let mut start = 0;
    for k in 1..chars.len() {
        let (i, c) = chars[k];
        let prev = chars[k - 1].1;
        let next_lower = chars.get(k + 1).is_some_and(|&(_, n)| n.is_lowercase());
        let boundary = c.is_uppercase()
            && (prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_lower));
        if boundary {
            parts.push(&token[start..i]);
            start = i;
        }
    }
    parts.push(&token[start..]);
    parts
}

/// The audio files under `dir`, recursively. Hidden files and folders (name starting with
/// `.`) are skipped; symbolic links are followed, each folder visited once, so a link loop
/// ends. Fails only when `dir` itself is missing or not a folder.
pub fn scan(dir: &Path) -> Result<Scan> {
    let missing = |what: &str| Error::Unsupported {
        engine: ENGINE.to_string(),
        message: format!(
            "sound library folder \"{}\" {what}; check the `library:` field in the script \
             header or the --library option",
            dir.display()
        ),
    };
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(missing("is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(missing("does not exist"));
        }
        Err(e) => return Err(Error::io(dir, e)),
    }
    let mut out = Scan {
        root: dir.to_path_buf(),
        ..Scan::default()
    };
    let mut visited = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        match fs::canonicalize(&folder) {
            Ok(real) => {
                if !visited.insert(real) {
                    continue;
                }
            }
            Err(e) => {
                out.problems.push((folder, e.to_string()));
                continue;
            }
        }
        let entries = match fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) => {
                out.problems.push((folder, e.to_string()));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    out.problems.push((folder.clone(), e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            // Follows links: a link to a folder is walked, a link to a file is read.
            let meta = match fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    out.problems.push((path, e.to_string()));
                    continue;
                }
            };
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() && is_audio_name(&path) {
                if path.to_str().is_none() {
                    out.problems
                        .push((path, "the file name is not valid UTF-8".to_string()));
                } else {
                    out.files.push(path);
                }
            }
        }
    }
    out.files.sort();
    let mut real_files = HashSet::new();
    out.files
        .retain(|f| real_files.insert(fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    out.problems.sort();
    Ok(out)
}

fn is_audio_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Size and modification time of `path` (nanoseconds since 1970), plus (after a `+`) those
/// of its sidecar `.txt` when there is one.
pub fn stamp(path: &Path) -> std::io::Result<String> {
    let mut s = crate::fsutil::stamp(path)?;
    if let Ok(side) = crate::fsutil::stamp(&path.with_extension("txt")) {
        s.push('+');
        s.push_str(&side);
    }
    Ok(s)
}

/// Decodes a sample of the library.
pub fn load_sample(sample: &Sample) -> Result<AudioBuffer> {
    decode_file(&sample.path)
}

/// A file that could not be used, with the stamp it had then (it is tried again once it
/// changes) and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Skipped {
    path: PathBuf,
    stamp: String,
    reason: String,
}

/// The index file's header; the embeddings follow it as raw f32.
#[derive(Serialize, Deserialize)]
struct Header {
    model_id: String,
    /// Length of every embedding.
    dim: usize,
    samples: Vec<Sample>,
    skipped: Vec<Skipped>,
}

/// The text embedder: one vector per text, all the same length.
pub type Embed<'a> = dyn FnMut(&[String]) -> Result<Vec<Vec<f32>>> + 'a;

/// The library, ready for choosing: samples with their embeddings, in a stable order.
#[derive(Clone, Debug, Default)]
pub struct LibraryIndex {
    pub samples: Vec<Sample>,
    /// `embeddings[i]` belongs to `samples[i]`; all the same length.
    pub embeddings: Vec<Vec<f32>>,
    /// Files left out, with why ("zero-length file").
    pub skipped: Vec<(PathBuf, String)>,
}

impl LibraryIndex {
    /// Indexes the audio files under `dirs`, reusing what `index_path` holds from an
    /// earlier run, and saves the result there when anything changed.
    ///
    /// A file is decoded only when it is new or its stamp changed. Texts are worked out
    /// again every time (cheap) and only texts without an embedding from the same
    /// `model_id` are passed to `embed`, all in one call; so rewriting a file's audio
    /// re-decodes it but embeds nothing, while editing its sidecar embeds its new text.
    /// Unusable files are skipped and named in one warning. Fails when a folder does not
    /// exist or `embed` fails; a damaged or outdated index is rebuilt, and an index that
    /// cannot be saved is a warning.
    pub fn load_or_build(
        dirs: &[PathBuf],
        index_path: &Path,
        model_id: &str,
        embed: &mut Embed<'_>,
    ) -> Result<(LibraryIndex, Vec<String>)> {
        LibraryIndex::load_or_build_with(dirs, &[], index_path, model_id, embed)
    }

    /// As [`LibraryIndex::load_or_build`], with the sounds of packaged collections after
    /// the folders' files. A packaged sound's text comes from its collection's table.
    pub fn load_or_build_with(
        dirs: &[PathBuf],
        packaged: &[Packaged],
        index_path: &Path,
        model_id: &str,
        embed: &mut Embed<'_>,
    ) -> Result<(LibraryIndex, Vec<String>)> {
        let mut warnings = Vec::new();
        let mut files: Vec<(PathBuf, Origin)> = library_files(dirs, &mut warnings)?
            .into_iter()
            .map(|(path, root)| (path, Origin::Folder(root)))
            .collect();
        let mut seen: HashSet<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
        for (i, p) in packaged.iter().enumerate() {
            if seen.insert(p.path.clone()) {
                files.push((p.path.clone(), Origin::Packaged(i)));
            }
        }

        let old_bytes = fs::read(index_path).ok();
        let old = old_bytes.as_deref().and_then(decode_index);
        let mut old_samples: HashMap<&Path, &Sample> = HashMap::new();
        let mut old_skipped: HashMap<&Path, &Skipped> = HashMap::new();
        let mut known: HashMap<&str, &[f32]> = HashMap::new();
        if let Some(Stored { header, embeddings }) = &old {
            old_samples.extend(header.samples.iter().map(|s| (s.path.as_path(), s)));
            old_skipped.extend(header.skipped.iter().map(|s| (s.path.as_path(), s)));
            if header.model_id == model_id {
                known.extend(
                    header
                        .samples
                        .iter()
                        .zip(embeddings)
                        .map(|(s, e)| (s.text.as_str(), e.as_slice())),
                );
            }
        }

        enum State {
            Ready(Sample),
            Skipped(Skipped),
            Decode { stamp: String },
        }
        let mut states: Vec<State> = files
            .iter()
            .map(|(path, _)| match stamp(path) {
                Err(e) => State::Skipped(Skipped {
                    path: path.clone(),
                    stamp: String::new(),
                    reason: format!("cannot read it: {e}"),
                }),
                Ok(stamp) => {
                    if let Some(s) = old_samples.get(path.as_path()).filter(|s| s.stamp == stamp) {
                        State::Ready((*s).clone())
                    } else if let Some(s) =
                        old_skipped.get(path.as_path()).filter(|s| s.stamp == stamp)
                    {
                        State::Skipped((*s).clone())
                    } else {
                        State::Decode { stamp }
                    }
                }
            })
            .collect();

        let to_decode: Vec<&Path> = files
            .iter()
            .zip(&states)
            .filter(|(_, s)| matches!(s, State::Decode { .. }))
            .map(|((p, _), _)| p.as_path())
            .collect();
        let Ok(decoded) = crate::parallel::try_map(&to_decode, |p| {
            Ok::<_, std::convert::Infallible>(decode::inspect(p))
        });
        let mut decoded = decoded.into_iter();
        for ((path, _), state) in files.iter().zip(&mut states) {
            let State::Decode { stamp } = state else {
                continue;
            };
            let stamp = std::mem::take(stamp);
            *state = match decoded.next().expect("one result per file to decode") {
                Ok(info) => State::Ready(Sample {
                    path: path.clone(),
                    text: String::new(),
                    frames: info.frames,
                    sample_rate_hz: info.sample_rate_hz,
                    channels: info.channels,
                    stamp,
                    packaged: None,
                }),
                Err(problem) => State::Skipped(Skipped {
                    path: path.clone(),
                    stamp,
                    reason: problem.to_string(),
                }),
            };
        }

        let mut samples = Vec::new();
        let mut skipped = Vec::new();
        let mut skipped_names = Vec::new();
        for ((path, origin), state) in files.iter().zip(states) {
            match state {
                State::Ready(mut s) => {
                    match origin {
                        Origin::Folder(root) => {
                            s.text = describe(path, root);
                            s.packaged = None;
                        }
                        Origin::Packaged(i) => {
                            let p = &packaged[*i];
                            s.text = p.text.clone();
                            s.packaged = Some(PackagedSound {
                                source: p.source.clone(),
                                credit: p.credit.clone(),
                            });
                        }
                    }
                    samples.push(s);
                }
                State::Skipped(s) => {
                    let name = match origin {
                        Origin::Folder(root) => path
                            .strip_prefix(root)
                            .unwrap_or(path)
                            .display()
                            .to_string(),
                        Origin::Packaged(i) => packaged[*i].source.clone(),
                    };
                    skipped_names.push(format!("{name} ({})", s.reason));
                    skipped.push(s);
                }
                State::Decode { .. } => unreachable!("every file to decode was decoded"),
            }
        }
        if !skipped.is_empty() {
            warnings.push(list_warning(
                &format!(
                    "skipped {} unreadable sound {} in the library",
                    skipped.len(),
                    plural(skipped.len(), "file", "files")
                ),
                skipped_names.into_iter(),
            ));
        }

        let embeddings = embed_all(&samples, &known, embed)?;
        let index = LibraryIndex {
            embeddings,
            skipped: skipped
                .iter()
                .map(|s| (s.path.clone(), s.reason.clone()))
                .collect(),
            samples,
        };
        let header = Header {
            model_id: model_id.to_string(),
            dim: index.embeddings.first().map_or(0, Vec::len),
            samples: index.samples.clone(),
            skipped,
        };
        let saved = encode_index(&header, &index.embeddings).and_then(|bytes| {
            if old_bytes.as_deref() == Some(bytes.as_slice()) {
                Ok(())
            } else {
                crate::fsutil::write(index_path, &bytes)
            }
        });
        if let Err(e) = saved {
            warnings.push(format!(
                "could not save the sound library index {}: {e} (the library will be \
                 indexed again next time)",
                index_path.display()
            ));
        }
        Ok((index, warnings))
    }
}

/// Where a file of the library comes from: a folder (its words stop at that root) or a
/// packaged collection (its text is in the table; the index into the packaged list).
enum Origin {
    Folder(PathBuf),
    Packaged(usize),
}

impl LibraryIndex {
    /// The index with only the samples `keep` accepts (their embeddings with them).
    pub fn retain(self, keep: impl Fn(&Sample) -> bool) -> LibraryIndex {
        let (samples, embeddings) = self
            .samples
            .into_iter()
            .zip(self.embeddings)
            .filter(|(s, _)| keep(s))
            .unzip();
        LibraryIndex {
            samples,
            embeddings,
            skipped: self.skipped,
        }
    }
}

/// Every audio file under `dirs` once, as an absolute path with the folder it was found
/// under (its words stop there). Adds a warning for an empty folder and for entries that
/// could not be looked at.
fn library_files(dirs: &[PathBuf], warnings: &mut Vec<String>) -> Result<Vec<(PathBuf, PathBuf)>> {
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut seen = HashSet::new();
    for dir in dirs {
        let found = scan(dir)?;
        // Absolute paths, so the index means the same from any working directory.
        let root = fs::canonicalize(dir).map_err(|e| Error::io(dir, e))?;
        if found.files.is_empty() {
            warnings.push(format!(
                "sound library folder \"{}\" holds no audio files ({})",
                dir.display(),
                EXTENSIONS.join(", ")
            ));
        }
        if !found.problems.is_empty() {
            warnings.push(list_warning(
                &format!(
                    "could not look at {} {} in the sound library",
                    found.problems.len(),
                    plural(found.problems.len(), "entry", "entries")
                ),
                found
                    .problems
                    .iter()
                    .map(|(p, why)| format!("{} ({why})", p.display())),
            ));
        }
        for file in found.files {
            let file = match file.strip_prefix(dir) {
                Ok(rel) => root.join(rel),
                Err(_) => file,
            };
            if seen.insert(file.clone()) {
                files.push((file, root.clone()));
            }
        }
    }
    Ok(files)
}

/// Embeddings for `samples`, in order: known ones reused, the rest asked of `embed` in one
/// call (each distinct text once).
fn embed_all(
    samples: &[Sample],
    known: &HashMap<&str, &[f32]>,
    embed: &mut Embed<'_>,
) -> Result<Vec<Vec<f32>>> {
    let mut new_texts: Vec<String> = Vec::new();
    let mut new_index: HashMap<&str, usize> = HashMap::new();
    for s in samples {
        if !known.contains_key(s.text.as_str()) && !new_index.contains_key(s.text.as_str()) {
            new_index.insert(&s.text, new_texts.len());
            new_texts.push(s.text.clone());
        }
    }
    let fresh = if new_texts.is_empty() {
        Vec::new()
    } else {
        embed(&new_texts)?
    };
    if fresh.len() != new_texts.len() {
        return Err(Error::engine(
            ENGINE,
            format!(
                "the text embedder returned {} vectors for {} texts",
                fresh.len(),
                new_texts.len()
            ),
        ));
    }
    let out: Vec<Vec<f32>> = samples
        .iter()
        .map(|s| match known.get(s.text.as_str()) {
            Some(e) => e.to_vec(),
            None => fresh[new_index[s.text.as_str()]].clone(),
        })
        .collect();
    if let Some(first) = out.first()
        && out.iter().any(|e| e.len() != first.len())
    {
        return Err(Error::engine(
            ENGINE,
            "the text embedder returned vectors of different lengths",
        ));
    }
    Ok(out)
}

pub(super) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// "`lead`: a, b, c" with at most [`LISTED`] items, then "and N more".
pub(super) fn list_warning(lead: &str, items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let mut text = format!("{lead}: {}", items[..items.len().min(LISTED)].join(", "));
    if items.len() > LISTED {
        text.push_str(&format!(" and {} more", items.len() - LISTED));
    }
    text
}

/// The bytes of an index file. Fails only for a path that is not UTF-8.
fn encode_index(header: &Header, embeddings: &[Vec<f32>]) -> std::io::Result<Vec<u8>> {
    let json = serde_json::to_vec(header)?;
    let mut out = Vec::with_capacity(
        MAGIC.len() + 4 + json.len() + 4 * header.dim * embeddings.len() + CHECKSUM_LEN,
    );
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    for e in embeddings {
        for x in e {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    let sum = blake3::hash(&out);
    out.extend_from_slice(sum.as_bytes());
    Ok(out)
}

/// What an index file holds.
struct Stored {
    header: Header,
    embeddings: Vec<Vec<f32>>,
}

/// The contents of an index file, or `None` when it is damaged, of another format version,
/// or inconsistent.
fn decode_index(bytes: &[u8]) -> Option<Stored> {
    let body_len = bytes.len().checked_sub(CHECKSUM_LEN)?;
    let (body, sum) = bytes.split_at(body_len);
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let rest = body.strip_prefix(MAGIC)?;
    let json_len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    let header: Header =
        serde_json::from_slice(rest.get(4..4usize.checked_add(json_len)?)?).ok()?;
    let floats = &rest[4 + json_len..];
    let row_bytes = header.dim.checked_mul(4)?;
    if floats.len() != header.samples.len().checked_mul(row_bytes)? {
        return None;
    }
    let embeddings = (0..header.samples.len())
        .map(|i| {
            floats[i * row_bytes..(i + 1) * row_bytes]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect()
        })
        .collect();
    Some(Stored { header, embeddings })
}

#[cfg(test)]
mod tests;
