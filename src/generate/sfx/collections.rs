//! Packaged sound collections: recorded effects that Debian packages install (OpenTTD's
//! OpenSFX, sonic-pi's samples, desktop sound themes), each described by a table in the
//! repository's `sounds/` folder and compiled into the binary.
//!
//! A table (`sounds/<collection>.tsv`) starts with comment lines (`#`); two of them name
//! the Debian package (`# package: openttd-opensfx`) and the folder it installs into
//! (`# root: /usr/share/...`). Then a header line and one line per sound, tab-separated:
//! `file`, `title`, `description`, `tags`, `author`, `licence`. A file name may point into
//! a container, `opensfx.cat#38` (see [`read_cat`]).
//!
//! Only sounds whose licence allows reuse in published audio are used: [`Licence`] lists
//! them. A line with any other licence is kept out of the library (and named when the
//! table is checked), so a sound whose licence is unknown is never chosen.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::library::{list_warning, plural};

/// The tables, compiled in: (collection name, table text).
const TABLES: &[(&str, &str)] = &[
    ("sonic-pi", include_str!("../../../sounds/sonic-pi.tsv")),
    ("opensfx", include_str!("../../../sounds/opensfx.tsv")),
    ("lomiri", include_str!("../../../sounds/lomiri.tsv")),
    (
        "freedesktop",
        include_str!("../../../sounds/freedesktop.tsv"),
    ),
    ("wordwarvi", include_str!("../../../sounds/wordwarvi.tsv")),
    ("minetest", include_str!("../../../sounds/minetest.tsv")),
];

/// A licence that allows reuse of a sound in published audio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Licence {
    /// Creative Commons Zero: no conditions.
    #[serde(rename = "CC0-1.0")]
    Cc0,
    /// In the public domain.
    #[serde(rename = "PD")]
    PublicDomain,
    #[serde(rename = "CC-BY-3.0")]
    CcBy3,
    #[serde(rename = "CC-BY-4.0")]
    CcBy4,
    #[serde(rename = "CC-BY-SA-3.0")]
    CcBySa3,
    #[serde(rename = "CC-BY-SA-4.0")]
    CcBySa4,
}

impl Licence {
    /// Every licence a table may name, with its spelling there.
    pub const ALL: [(Licence, &'static str); 6] = [
        (Licence::Cc0, "CC0-1.0"),
        (Licence::PublicDomain, "PD"),
        (Licence::CcBy3, "CC-BY-3.0"),
        (Licence::CcBy4, "CC-BY-4.0"),
        (Licence::CcBySa3, "CC-BY-SA-3.0"),
        (Licence::CcBySa4, "CC-BY-SA-4.0"),
    ];

    /// The licence a table spells `code`, if it is one onair may use.
    pub fn parse(code: &str) -> Option<Licence> {
        Licence::ALL
            .iter()
            .find(|(_, c)| c.eq_ignore_ascii_case(code.trim()))
            .map(|(l, _)| *l)
    }

    /// Its SPDX-style code, as tables, reports and credits write it.
    pub fn code(self) -> &'static str {
        Licence::ALL
            .iter()
            .find(|(l, _)| *l == self)
            .map(|(_, c)| *c)
            .expect("every licence is listed")
    }

    /// True when a published work using the sound must credit its author.
    pub fn needs_attribution(self) -> bool {
        !matches!(self, Licence::Cc0 | Licence::PublicDomain)
    }
}

impl fmt::Display for Licence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who made a packaged sound and on what terms: what a credits list needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub title: String,
    pub author: String,
    pub licence: Licence,
    /// The Debian package it came from.
    pub package: String,
    /// The collection's name (the table's file stem).
    pub collection: String,
}

/// One sound of a collection's table.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Relative to the collection's root; `name.cat#i` for entry i of a container.
    pub file: String,
    /// What it sounds like, in plain words.
    pub description: String,
    /// Comma-separated words a user might write for it.
    pub tags: String,
    pub credit: Credit,
}

impl Entry {
    /// The text the chooser compares descriptions with.
    pub fn text(&self) -> String {
        if self.tags.trim().is_empty() {
            self.description.clone()
        } else {
            format!("{} ({})", self.description, self.tags.trim())
        }
    }

    /// The id the report shows: `sound:<collection>/<file>`.
    pub fn source(&self) -> String {
        format!("sound:{}/{}", self.credit.collection, self.file)
    }

    /// For a file inside a container: the container's path relative to the root and the
    /// entry's number.
    pub fn container(&self) -> Option<(&str, usize)> {
        let (file, index) = self.file.rsplit_once('#')?;
        Some((file, index.parse().ok()?))
    }
}

/// A collection's table, read.
#[derive(Clone, Debug, PartialEq)]
pub struct Collection {
    pub name: String,
    pub package: String,
    /// Where the package installs its sounds.
    pub root: PathBuf,
    /// The usable sounds, in table order.
    pub entries: Vec<Entry>,
    /// Lines left out, each with its line number and why (a licence onair may not use).
    pub refused: Vec<(usize, String)>,
}

impl Collection {
    /// True when the package's folder is there.
    pub fn installed(&self) -> bool {
        self.root.is_dir()
    }
}

/// Reads a table. Fails on a table that is malformed (a missing header key, a line with
/// the wrong number of fields, an empty description): the tables are part of onair, so
/// that is a bug the tests catch. A line whose licence onair may not use is not an error:
/// it is left out and listed in [`Collection::refused`].
pub fn parse(name: &str, text: &str) -> Result<Collection, String> {
    let mut package = None;
    let mut root = None;
    let mut header = false;
    let mut entries = Vec::new();
    let mut refused = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(comment) = line.strip_prefix('#') {
            if let Some((key, value)) = comment.split_once(':') {
                match key.trim() {
                    "package" => package = Some(value.trim().to_string()),
                    "root" => root = Some(PathBuf::from(value.trim())),
                    _ => {}
                }
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if !header {
            let want = ["file", "title", "description", "tags", "author", "licence"];
            if fields != want {
                return Err(format!(
                    "{name}.tsv line {n}: the header must be `{}`",
                    want.join("<TAB>")
                ));
            }
            header = true;
            continue;
        }
        let [file, title, description, tags, author, licence] = fields[..] else {
            return Err(format!(
                "{name}.tsv line {n}: {} fields; each line has 6, separated by tabs",
                fields.len()
            ));
        };
        if file.trim().is_empty() || description.trim().is_empty() {
            return Err(format!(
                "{name}.tsv line {n}: a sound needs a file and a description"
            ));
        }
        let (Some(package), Some(_)) = (&package, &root) else {
            return Err(format!(
                "{name}.tsv: `# package:` and `# root:` come before the sounds"
            ));
        };
        let Some(licence) = Licence::parse(licence) else {
            refused.push((
                n,
                format!(
                    "{file}: licence \"{}\" is not one onair may use ({})",
                    licence.trim(),
                    Licence::ALL.map(|(_, c)| c).join(", ")
                ),
            ));
            continue;
        };
        entries.push(Entry {
            file: file.trim().to_string(),
            description: description.trim().to_string(),
            tags: tags.trim().to_string(),
            credit: Credit {
                title: title.trim().to_string(),
                author: author.trim().to_string(),
                licence,
                package: package.clone(),
                collection: name.to_string(),
            },
        });
    }
    let (Some(package), Some(root)) = (package, root) else {
        return Err(format!(
            "{name}.tsv: needs `# package:` and `# root:` lines"
        ));
    };
    if !header {
        return Err(format!("{name}.tsv: no header line"));
    }
    Ok(Collection {
        name: name.to_string(),
        package,
        root,
        entries,
        refused,
    })
}

/// Every collection onair ships a table for, installed or not.
pub fn packaged() -> Vec<Collection> {
    TABLES
        .iter()
        .map(|(name, text)| parse(name, text).unwrap_or_else(|e| panic!("bad sound table: {e}")))
        .collect()
}

/// The entries of an OpenTTD sound container (`.cat`): a table of little-endian u32 pairs
/// (offset with its top bit set, size), the first offset / 8 being the number of entries;
/// at each offset a one-byte name length, the name, then the sound (a RIFF WAV) filling the
/// rest of the size (an entry shorter than its name is empty). Returns each entry's WAV
/// bytes (empty for empty entries) in order.
pub fn read_cat(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let word = |at: usize| -> Result<u32, String> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| format!("the table is cut short at byte {at}"))
    };
    let first = (word(0)? & 0x7fff_ffff) as usize;
    if first == 0 || !first.is_multiple_of(8) || first > bytes.len() {
        return Err("not an OpenTTD sound container (bad table size)".to_string());
    }
    let count = first / 8;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let offset = (word(8 * i)? & 0x7fff_ffff) as usize;
        let size = word(8 * i + 4)? as usize;
        let end = offset
            .checked_add(size)
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| format!("entry {i} runs past the end of the file"))?;
        let body = &bytes[offset..end];
        // OpenSFX's placeholder entries are shorter than their names: no sound.
        let name_len = body.first().map_or(0, |&n| usize::from(n));
        out.push(body.get(1 + name_len..).unwrap_or_default());
    }
    Ok(out)
}

/// A packaged sound ready to index: the file to decode (a container's entry is unpacked
/// to `unpack_dir`), its text and its credit.
#[derive(Clone, Debug)]
pub struct Packaged {
    pub path: PathBuf,
    pub text: String,
    pub credit: Credit,
    pub source: String,
}

/// The sounds of the installed `collections`, with container entries unpacked under
/// `unpack_dir` (once: an unpacked file of the right size is reused). A listed file that
/// is missing or a container that cannot be read gives one warning line each, and those
/// sounds are left out; nothing here fails the render.
pub fn installed(collections: &[Collection], unpack_dir: &Path) -> (Vec<Packaged>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut missing_packages = Vec::new();
    for c in collections {
        if !c.installed() {
            missing_packages.push(c.package.clone());
            continue;
        }
        // Each container is read and its table parsed once, for all its entries.
        let mut containers: std::collections::HashMap<&str, Result<Vec<Vec<u8>>, String>> =
            std::collections::HashMap::new();
        for e in &c.entries {
            let path = match e.container() {
                None => c.root.join(&e.file),
                Some((file, index)) => {
                    let entries = containers.entry(file).or_insert_with(|| {
                        let bytes = std::fs::read(c.root.join(file)).map_err(|e| e.to_string())?;
                        Ok(read_cat(&bytes)?.into_iter().map(<[u8]>::to_vec).collect())
                    });
                    let data = match entries {
                        Ok(all) => match all.get(index) {
                            Some(d) => d,
                            None => {
                                problems.push(format!("{} (it has no entry {index})", e.source()));
                                continue;
                            }
                        },
                        Err(why) => {
                            problems.push(format!("{} ({why})", e.source()));
                            continue;
                        }
                    };
                    let dest = unpack_dir
                        .join(&c.name)
                        .join(format!("{}-{index}.wav", file.replace(['/', '.'], "_")));
                    let fresh = std::fs::metadata(&dest)
                        .map(|m| m.len() == data.len() as u64)
                        .unwrap_or(false);
                    if !fresh && let Err(err) = crate::fsutil::write(&dest, data) {
                        problems.push(format!("{} (cannot unpack it: {err})", e.source()));
                        continue;
                    }
                    dest
                }
            };
            if !path.is_file() {
                problems.push(format!("{} (missing: {})", e.source(), path.display()));
                continue;
            }
            out.push(Packaged {
                path,
                text: e.text(),
                credit: e.credit.clone(),
                source: e.source(),
            });
        }
    }
    let mut warnings = Vec::new();
    if !problems.is_empty() {
        warnings.push(list_warning(
            &format!(
                "left out {} packaged {}",
                problems.len(),
                plural(problems.len(), "sound", "sounds")
            ),
            problems.into_iter(),
        ));
    }
    if !missing_packages.is_empty() {
        warnings.push(format!(
            "recorded sound effects not installed (Debian {}: {}); run scripts/setup for them",
            if missing_packages.len() == 1 {
                "package"
            } else {
                "packages"
            },
            missing_packages.join(", ")
        ));
    }
    (out, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(root: &Path, lines: &[&str]) -> String {
        let mut t = format!(
            "# A test collection.\n# package: test-sounds\n# root: {}\nfile\ttitle\tdescription\ttags\tauthor\tlicence\n",
            root.display()
        );
        for l in lines {
            t.push_str(l);
            t.push('\n');
        }
        t
    }

    #[test]
    fn every_shipped_table_reads_and_every_sound_has_a_usable_licence() {
        for c in packaged() {
            assert!(!c.entries.is_empty(), "{} lists no sounds", c.name);
            assert!(c.refused.is_empty(), "{}: {:?}", c.name, c.refused);
            for e in &c.entries {
                assert!(!e.credit.author.is_empty(), "{}: no author", e.source());
                assert!(!e.credit.title.is_empty(), "{}: no title", e.source());
            }
        }
    }

    #[test]
    fn a_sound_whose_licence_is_unknown_or_not_free_is_left_out() {
        let t = table(
            Path::new("/x"),
            &[
                "a.wav\tA\ta dog barks\tdog\tMe\tCC-BY-3.0",
                "b.wav\tB\ta cat meows\tcat\tMe\tGPL-2+",
                "c.wav\tC\ta cow moos\tcow\tMe\t",
                "d.wav\tD\ta hen clucks\then\tMe\tcc0-1.0",
            ],
        );
        let c = parse("test", &t).unwrap();
        let files: Vec<&str> = c.entries.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["a.wav", "d.wav"]);
        assert_eq!(c.entries[1].credit.licence, Licence::Cc0);
        assert_eq!(c.refused.len(), 2);
        assert!(c.refused[0].1.contains("\"GPL-2+\""), "{:?}", c.refused);
        assert_eq!(c.refused[0].0, 6, "line numbers count from 1");
        assert_eq!(c.entries[0].source(), "sound:test/a.wav");
        assert_eq!(c.entries[0].text(), "a dog barks (dog)");
        assert!(c.entries[0].credit.licence.needs_attribution());
        assert!(!c.entries[1].credit.licence.needs_attribution());
    }

    #[test]
    fn malformed_tables_are_refused_with_the_line() {
        let root = Path::new("/x");
        let e = parse("t", &table(root, &["a.wav\tA\tonly four\tfields"])).unwrap_err();
        assert!(e.contains("line 5") && e.contains("4 fields"), "{e}");
        let e = parse("t", &table(root, &["a.wav\tA\t \tx\tMe\tCC0-1.0"])).unwrap_err();
        assert!(e.contains("description"), "{e}");
        let e = parse("t", "file\ttitle\tdescription\ttags\tauthor\tlicence\n").unwrap_err();
        assert!(e.contains("# package:"), "{e}");
        let e = parse("t", "# package: p\n# root: /x\nfile\tdescription\n").unwrap_err();
        assert!(e.contains("header"), "{e}");
    }

    /// A container as OpenTTD writes one: a table of (offset | top bit, size), then named
    /// entries.
    fn cat(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut table = Vec::new();
        let mut body = Vec::new();
        let start = 8 * entries.len();
        for (name, data) in entries {
            let mut e = vec![name.len() as u8];
            e.extend_from_slice(name.as_bytes());
            e.extend_from_slice(data);
            table.extend_from_slice(&((start + body.len()) as u32 | 0x8000_0000).to_le_bytes());
            table.extend_from_slice(&(e.len() as u32).to_le_bytes());
            body.extend_from_slice(&e);
        }
        table.extend_from_slice(&body);
        table
    }

    #[test]
    fn containers_are_read_entry_by_entry_and_damage_is_an_error() {
        let mut bytes = cat(&[("one", b"RIFF1"), ("", b""), ("three", b"RIFF333")]);
        let entries = read_cat(&bytes).unwrap();
        assert_eq!(entries, [&b"RIFF1"[..], b"", b"RIFF333"]);
        // A placeholder whose size is shorter than its name is empty, not an error.
        bytes[12] = 1;
        assert_eq!(read_cat(&bytes).unwrap()[1], b"");
        bytes[12] = 0;
        assert_eq!(read_cat(&bytes).unwrap()[1], b"");
        assert!(
            read_cat(&bytes[..bytes.len() - 2])
                .unwrap_err()
                .contains("entry 2")
        );
        assert!(read_cat(b"").is_err());
        assert!(read_cat(&[0xff; 16]).is_err());
    }

    fn wav(frames: usize) -> Vec<u8> {
        let mut cursor = std::io::Cursor::new(Vec::new());
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::new(&mut cursor, spec).unwrap();
        for i in 0..frames {
            w.write_sample(((i as f32 * 0.05).sin() * 8000.0) as i16)
                .unwrap();
        }
        w.finalize().unwrap();
        cursor.into_inner()
    }

    #[test]
    fn installed_sounds_are_unpacked_once_and_missing_ones_are_named_once() {
        let root = tempfile::tempdir().unwrap();
        let unpack = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("plain.wav"), wav(100)).unwrap();
        std::fs::write(
            root.path().join("pack.cat"),
            cat(&[("x", &wav(50)), ("y", &wav(70))]),
        )
        .unwrap();
        let t = table(
            root.path(),
            &[
                "plain.wav\tPlain\ta plain sound\t\tMe\tCC0-1.0",
                "pack.cat#1\tY\tthe second packed sound\tpacked\tYou\tCC-BY-3.0",
                "gone.wav\tGone\ta missing sound\t\tMe\tCC0-1.0",
                "pack.cat#9\tNine\tno such entry\t\tMe\tCC0-1.0",
            ],
        );
        let c = parse("test", &t).unwrap();
        let (sounds, warnings) = installed(std::slice::from_ref(&c), unpack.path());
        assert_eq!(sounds.len(), 2);
        assert_eq!(sounds[0].path, root.path().join("plain.wav"));
        let unpacked = &sounds[1].path;
        assert!(unpacked.starts_with(unpack.path()));
        assert_eq!(std::fs::read(unpacked).unwrap(), wav(70));
        assert_eq!(sounds[1].source, "sound:test/pack.cat#1");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("left out 2 packaged sounds")
                && warnings[0].contains("gone.wav")
                && warnings[0].contains("no entry 9"),
            "{warnings:?}"
        );
        // Unpacked once: a second pass leaves the file as it is.
        let before = std::fs::metadata(unpacked).unwrap().modified().unwrap();
        let (again, _) = installed(std::slice::from_ref(&c), unpack.path());
        assert_eq!(again[1].path, *unpacked);
        assert_eq!(
            std::fs::metadata(unpacked).unwrap().modified().unwrap(),
            before
        );

        let mut absent = c.clone();
        absent.root = root.path().join("not-installed");
        absent.package = "absent-sounds".into();
        let (none, warnings) = installed(&[absent], unpack.path());
        assert!(none.is_empty());
        assert!(
            warnings[0].contains("absent-sounds") && warnings[0].contains("scripts/setup"),
            "{warnings:?}"
        );
    }
}
