use std::cell::RefCell;
use std::time::{Duration, SystemTime};

use super::*;

fn write_wav(path: &Path, frames: usize) {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap();
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for i in 0..frames {
        w.write_sample(((i as f32 * 0.05).sin() * 10_000.0) as i16)
            .unwrap();
    }
    w.finalize().unwrap();
}

/// A stand-in for the text embedder: a few numbers from a hash of the text, and a record
/// of every call.
#[derive(Default)]
struct FakeEmbedder {
    calls: RefCell<Vec<Vec<String>>>,
}

fn vector(text: &str) -> Vec<f32> {
    blake3::hash(text.as_bytes()).as_bytes()[..4]
        .iter()
        .map(|&b| f32::from(b) / 255.0)
        .collect()
}

impl FakeEmbedder {
    fn load(&self, dirs: &[PathBuf], index: &Path) -> (LibraryIndex, Vec<String>) {
        self.load_with(dirs, index, "fake-model")
    }

    fn load_with(
        &self,
        dirs: &[PathBuf],
        index: &Path,
        model: &str,
    ) -> (LibraryIndex, Vec<String>) {
        let mut embed = |texts: &[String]| -> Result<Vec<Vec<f32>>> {
            self.calls.borrow_mut().push(texts.to_vec());
            Ok(texts.iter().map(|t| vector(t)).collect())
        };
        LibraryIndex::load_or_build(dirs, index, model, &mut embed).unwrap()
    }

    /// Texts embedded since the last look, and the number of calls it took.
    fn take(&self) -> (Vec<String>, usize) {
        let calls = std::mem::take(&mut *self.calls.borrow_mut());
        (calls.concat(), calls.len())
    }
}

fn names(index: &LibraryIndex) -> Vec<String> {
    index
        .samples
        .iter()
        .map(|s| s.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn assert_consistent(index: &LibraryIndex) {
    assert_eq!(index.samples.len(), index.embeddings.len());
    for (s, e) in index.samples.iter().zip(&index.embeddings) {
        assert_eq!(e, &vector(&s.text), "{}", s.text);
    }
}

#[test]
fn describe_spells_out_sample_pack_names() {
    let root = Path::new("/lib");
    let cases = [
        ("bd_808.flac", "bass drum 808"),
        ("ambi_dark_woosh.flac", "ambient dark woosh"),
        ("Door Creak 01.wav", "door creak"),
        ("bass_hit_c.flac", "bass hit"),
        ("bass_dnb_f.flac", "bass drum and bass"),
        ("guit_em9.flac", "guitar"),
        ("guit_e_fifths.flac", "guitar fifths"),
        ("elec_blip2.flac", "electronic blip"),
        ("loop_3d_printer.flac", "loop 3d printer"),
        ("loop_drone_g_97.flac", "loop drone"),
        ("misc_crow.flac", "crow"),
        ("sn_dolf.flac", "snare drum dolf"),
        ("HiHatOpen.wav", "hi-hat open"),
        ("drum_tom_hi_hard.flac", "drum tom high hard"),
        ("perc_bell2.flac", "percussion bell"),
        ("Piano C#4 stereo.wav", "piano"),
        ("DogBark-take3.mp3", "dog bark"),
        ("rain_on_roof_44k_24bit.wav", "rain on roof"),
        ("01.wav", "01"),
    ];
    for (name, want) in cases {
        assert_eq!(describe(&root.join(name), root), want, "{name}");
    }
}

#[test]
fn describe_adds_folder_words_below_the_root() {
    let root = Path::new("/sounds");
    let path = root.join("foley/doors/slam_heavy.wav");
    assert_eq!(describe(&path, root), "slam heavy doors foley");
    // Words already said are not repeated; folders above the root are not used.
    let path = root.join("Drums/bd/bd_kick.wav");
    assert_eq!(describe(&path, root), "bass drum kick drums");
    assert_eq!(
        describe(&root.join("foley/door_slam.wav"), &root.join("foley")),
        "door slam"
    );
}

#[test]
fn describe_puts_the_sidecar_first() {
    let dir = tempfile::tempdir().unwrap();
    let audio = dir.path().join("door creak 01.wav");
    write_wav(&audio, 10);
    fs::write(
        dir.path().join("door creak 01.txt"),
        "  Creaky old door,\n\tslowly   opening.\n",
    )
    .unwrap();
    assert_eq!(
        describe(&audio, dir.path()),
        "Creaky old door, slowly opening. (door creak)"
    );

    let long = dir.path().join("long.wav");
    write_wav(&long, 10);
    fs::write(dir.path().join("long.txt"), "wind ".repeat(1000)).unwrap();
    let text = describe(&long, dir.path());
    assert!(text.starts_with("wind wind"), "{text}");
    assert!(text.ends_with(" (long)"), "{text}");
    assert!(text.chars().count() <= SIDECAR_CHARS + " (long)".len());
}

#[test]
fn scan_finds_audio_files_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in [
        "b.WAV",
        "a.flac",
        "sub/c.Mp3",
        "sub/deeper/d.ogg",
        "e.oga",
        "f.wave",
    ] {
        let p = d.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, b"x").unwrap();
    }
    for name in ["notes.txt", ".hidden.wav", ".git/x.wav", "g.aiff"] {
        let p = d.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, b"x").unwrap();
    }
    #[cfg(unix)]
    {
        // A link back to the top must not loop, and a dangling link is a problem, not a
        // failure.
        std::os::unix::fs::symlink(d, d.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(d.join("nowhere.wav"), d.join("dangling.wav")).unwrap();
    }
    let found = scan(d).unwrap();
    let rel: Vec<String> = found
        .files
        .iter()
        .map(|f| f.strip_prefix(d).unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        rel,
        [
            "a.flac",
            "b.WAV",
            "e.oga",
            "f.wave",
            "sub/c.Mp3",
            "sub/deeper/d.ogg"
        ]
    );
    #[cfg(unix)]
    assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
}

#[test]
fn scan_of_a_missing_folder_says_what_to_check() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("my-sounds");
    let err = scan(&missing).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "sound library folder \"{}\" does not exist",
            missing.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("library:") && text.contains("--library"),
        "{text}"
    );
    assert!(err.is_invalid_input());

    let file = dir.path().join("file.wav");
    fs::write(&file, b"x").unwrap();
    let text = scan(&file).unwrap_err().to_string();
    assert!(text.contains("is not a folder"), "{text}");

    let embed = FakeEmbedder::default();
    let mut f = |t: &[String]| -> Result<Vec<Vec<f32>>> {
        embed.calls.borrow_mut().push(t.to_vec());
        Ok(t.iter().map(|t| vector(t)).collect())
    };
    let err =
        LibraryIndex::load_or_build(&[missing], &dir.path().join("i"), "m", &mut f).unwrap_err();
    assert!(err.to_string().contains("does not exist"));
}

#[test]
fn index_is_reused_and_follows_changes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let index_path = dir.path().join("cache/library.index");
    write_wav(&lib.join("rain_heavy.wav"), 1600);
    write_wav(&lib.join("door_slam.wav"), 800);
    write_wav(&lib.join("birds/robin_song.wav"), 400);
    let dirs = [lib.clone()];
    let embed = FakeEmbedder::default();

    let (index, warnings) = embed.load(&dirs, &index_path);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        names(&index),
        ["robin_song.wav", "door_slam.wav", "rain_heavy.wav"]
    );
    assert_eq!(index.samples[0].text, "robin song birds");
    assert_eq!(index.samples[1].frames, 800);
    assert_eq!(index.samples[1].sample_rate_hz, 16_000);
    assert_eq!(index.samples[1].channels, 1);
    assert!(index.samples.iter().all(|s| s.path.is_absolute()));
    assert_consistent(&index);
    let (texts, calls) = embed.take();
    assert_eq!((texts.len(), calls), (3, 1), "one batch of three");
    let saved = fs::read(&index_path).unwrap();

    // Nothing changed: nothing embedded, the index file untouched.
    let (again, _) = embed.load(&dirs, &index_path);
    assert_eq!(embed.take(), (vec![], 0));
    assert_eq!(again.samples, index.samples);
    assert_eq!(again.embeddings, index.embeddings);
    assert_eq!(fs::read(&index_path).unwrap(), saved);

    // New audio under the same name: decoded again (the length changes), but the text is
    // the same, so its embedding is reused.
    write_wav(&lib.join("door_slam.wav"), 1200);
    let (index, _) = embed.load(&dirs, &index_path);
    assert_eq!(index.samples[1].frames, 1200);
    assert_eq!(embed.take(), (vec![], 0));

    // A sidecar changes the text of exactly one file.
    fs::write(
        lib.join("door_slam.txt"),
        "a heavy wooden door slammed shut",
    )
    .unwrap();
    let (index, _) = embed.load(&dirs, &index_path);
    assert_eq!(
        embed.take(),
        (
            vec!["a heavy wooden door slammed shut (door slam)".to_string()],
            1
        )
    );
    assert_consistent(&index);
    let stamp_before = index.samples[1].stamp.clone();

    // Touching the sidecar changes the stamp (caches keyed on it start over) but not the
    // text.
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .append(true)
        .open(lib.join("door_slam.txt"))
        .unwrap()
        .set_modified(later)
        .unwrap();
    let (index, _) = embed.load(&dirs, &index_path);
    assert_ne!(index.samples[1].stamp, stamp_before);
    assert_eq!(embed.take(), (vec![], 0));

    // A new file is the only one embedded; a deleted one disappears.
    write_wav(&lib.join("thunder.wav"), 100);
    fs::remove_file(lib.join("rain_heavy.wav")).unwrap();
    let (index, _) = embed.load(&dirs, &index_path);
    assert_eq!(embed.take(), (vec!["thunder".to_string()], 1));
    assert_eq!(
        names(&index),
        ["robin_song.wav", "door_slam.wav", "thunder.wav"]
    );
    assert_consistent(&index);

    // Another model: every text embedded again, nothing decoded again.
    let (index, _) = embed.load_with(&dirs, &index_path, "other-model");
    let (texts, calls) = embed.take();
    assert_eq!((texts.len(), calls), (3, 1));
    assert_consistent(&index);
}

#[test]
fn unreadable_files_are_skipped_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let index_path = dir.path().join("library.index");
    write_wav(&lib.join("good.wav"), 500);
    fs::write(lib.join("empty.wav"), b"").unwrap();
    fs::write(lib.join("corrupt.mp3"), "not an mp3 at all ".repeat(100)).unwrap();
    let embed = FakeEmbedder::default();

    let (index, warnings) = embed.load(std::slice::from_ref(&lib), &index_path);
    assert_eq!(names(&index), ["good.wav"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert!(
        w.starts_with("skipped 2 unreadable sound files in the library: "),
        "{w}"
    );
    assert!(w.contains("corrupt.mp3 (not audio"), "{w}");
    assert!(w.contains("empty.wav (zero-length file)"), "{w}");
    assert_eq!(index.skipped.len(), 2);
    assert_eq!(embed.take().0, ["good"]);

    // The skipped files are remembered: same warning, nothing new decoded or embedded.
    let (again, warnings_again) = embed.load(std::slice::from_ref(&lib), &index_path);
    assert_eq!(warnings_again, warnings);
    assert_eq!(again.skipped, index.skipped);
    assert_eq!(embed.take(), (vec![], 0));

    // Repaired, the file is indexed.
    write_wav(&lib.join("empty.wav"), 300);
    let (index, warnings) = embed.load(&[lib], &index_path);
    assert_eq!(names(&index), ["empty.wav", "good.wav"]);
    assert!(
        warnings[0].starts_with("skipped 1 unreadable sound file in"),
        "{warnings:?}"
    );
    assert_eq!(embed.take().0, ["empty"]);
}

#[test]
fn the_warning_lists_ten_names_then_counts() {
    let items = (0..13).map(|i| format!("f{i}.wav (zero-length file)"));
    let w = list_warning("skipped 13 unreadable sound files in the library", items);
    assert!(w.contains("f9.wav") && !w.contains("f10.wav"), "{w}");
    assert!(w.ends_with(" and 3 more"), "{w}");
}

#[test]
fn a_damaged_index_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("lib");
    let index_path = dir.path().join("library.index");
    write_wav(&lib.join("a.wav"), 100);
    write_wav(&lib.join("b.wav"), 100);
    let embed = FakeEmbedder::default();
    let (first, _) = embed.load(std::slice::from_ref(&lib), &index_path);
    embed.take();

    let good = fs::read(&index_path).unwrap();
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    for damaged in [
        flipped,
        good[..good.len() - 7].to_vec(),
        b"garbage".to_vec(),
        vec![],
    ] {
        fs::write(&index_path, &damaged).unwrap();
        let (index, warnings) = embed.load(std::slice::from_ref(&lib), &index_path);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(index.samples, first.samples);
        assert_eq!(embed.take().0.len(), 2, "everything embedded again");
        assert_eq!(fs::read(&index_path).unwrap(), good, "and saved again");
    }
}

#[test]
fn several_folders_and_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let empty = dir.path().join("empty");
    write_wav(&one.join("bd_808.wav"), 100);
    write_wav(&two.join("sn_dub.wav"), 100);
    fs::create_dir_all(&empty).unwrap();
    let embed = FakeEmbedder::default();
    let (index, warnings) = embed.load(
        &[one.clone(), two, empty, one],
        &dir.path().join("library.index"),
    );
    let texts: Vec<&str> = index.samples.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, ["bass drum 808", "snare drum dub"]);
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("holds no audio files"),
        "{}",
        warnings[0]
    );
}

#[test]
fn load_sample_decodes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.wav");
    write_wav(&path, 321);
    let embed = FakeEmbedder::default();
    let (index, _) = embed.load(&[dir.path().to_path_buf()], &dir.path().join("i/x.index"));
    let audio = load_sample(&index.samples[0]).unwrap();
    assert_eq!(audio.frames(), 321);
    assert_eq!(audio.sample_rate_hz, 16_000);
}

/// Indexes the system library with a trivial embedder and prints the time taken:
/// `cargo test --lib system_library_timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing; needs sonic-pi-samples"]
fn system_library_timing() {
    let lib = PathBuf::from(SYSTEM_LIBRARY);
    if !lib.is_dir() {
        eprintln!("skipped: {SYSTEM_LIBRARY} is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let index_path = dir.path().join("library.index");
    let embed = FakeEmbedder::default();
    let start = std::time::Instant::now();
    let (index, warnings) = embed.load(std::slice::from_ref(&lib), &index_path);
    let built = start.elapsed();
    let start = std::time::Instant::now();
    embed.take();
    let _ = embed.load(&[lib], &index_path);
    let reloaded = start.elapsed();
    eprintln!(
        "{} samples, {} skipped, warnings {warnings:?}: built in {built:?}, reloaded in \
         {reloaded:?}; index {} bytes",
        index.samples.len(),
        index.skipped.len(),
        fs::metadata(&index_path).unwrap().len()
    );
    for s in index.samples.iter().take(200) {
        eprintln!(
            "  {:<40} {}",
            s.path.file_name().unwrap().to_string_lossy(),
            s.text
        );
    }
    assert!(embed.take().0.is_empty());
}

#[test]
fn packaged_sounds_carry_their_table_text_and_credit_and_a_corrupt_one_is_skipped_once() {
    use crate::generate::sfx::collections::{Credit, Licence, Packaged};
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("pkg/horse.wav");
    write_wav(&good, 8_000);
    let bad = dir.path().join("pkg/broken.wav");
    fs::write(&bad, "RIFF not really").unwrap();
    let credit = |title: &str| Credit {
        title: title.into(),
        author: "someone".into(),
        licence: Licence::CcBy3,
        package: "test-sounds".into(),
        collection: "test".into(),
    };
    let packaged = [
        Packaged {
            path: good.clone(),
            text: "a horse neighs (horse, neigh)".into(),
            credit: credit("Horse"),
            source: "sound:test/horse.wav".into(),
        },
        Packaged {
            path: bad,
            text: "a broken sound".into(),
            credit: credit("Broken"),
            source: "sound:test/broken.wav".into(),
        },
    ];
    let mut embed = |texts: &[String]| -> Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|t| vector(t)).collect())
    };
    let (index, warnings) = LibraryIndex::load_or_build_with(
        &[],
        &packaged,
        &dir.path().join("index.bin"),
        "fake-model",
        &mut embed,
    )
    .unwrap();
    assert_eq!(index.samples.len(), 1);
    let s = &index.samples[0];
    assert_eq!(s.text, "a horse neighs (horse, neigh)");
    assert!(s.has_sidecar(), "a table's words are not a bare file name");
    assert_eq!(s.credit().unwrap().title, "Horse");
    assert_eq!(s.packaged.as_ref().unwrap().source, "sound:test/horse.wav");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("sound:test/broken.wav"),
        "{warnings:?}"
    );
    // The credit survives the index file: a warm load gives the same sample.
    let (again, _) = LibraryIndex::load_or_build_with(
        &[],
        &packaged,
        &dir.path().join("index.bin"),
        "fake-model",
        &mut embed,
    )
    .unwrap();
    assert_eq!(again.samples, index.samples);
}
