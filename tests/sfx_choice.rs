//! Choosing sounds by meaning: top-1 group accuracy on tests/data/sfx_labels.yaml.

use std::path::Path;

use onair::generate::sfx::chooser::Chooser;
use onair::generate::sfx::library::LibraryIndex;
use onair::ml::bert::{MiniLm, default_dir};

#[derive(serde::Deserialize)]
struct Label {
    description: String,
    group: String,
}

fn labels() -> Vec<Label> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sfx_labels.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn accuracy(chooser: &Chooser, labels: &[Label]) -> (f64, Vec<String>) {
    let mut misses = Vec::new();
    for l in labels {
        let ranked = chooser.rank(&l.description).unwrap();
        let top = &ranked[0];
        if top.group != l.group {
            misses.push(format!(
                "{:?}: want {}, got {} ({}, sim {:.2}, score {:.2}); 2nd {} {:.2}",
                l.description,
                l.group,
                top.group,
                top.item.source(),
                top.similarity,
                top.score,
                ranked[1].item.source(),
                ranked[1].score
            ));
        }
    }
    let acc = 1.0 - misses.len() as f64 / labels.len() as f64;
    (acc, misses)
}

#[test]
fn recipes_are_chosen_by_meaning() {
    let labels = labels();
    assert!(labels.len() >= 40, "{} labels", labels.len());
    let model = MiniLm::load(&default_dir()).expect("MiniLM is installed by scripts/setup");
    let chooser = Chooser::new(Some(model), LibraryIndex::default()).unwrap();
    let (acc, misses) = accuracy(&chooser, &labels);
    eprintln!("top-1 group accuracy, recipes: {:.1}%", acc * 100.0);
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    let meaning = labels
        .iter()
        .filter(|l| {
            let ranked = chooser.rank(&l.description).unwrap();
            let best = ranked
                .iter()
                .max_by(|a, b| a.similarity.total_cmp(&b.similarity))
                .unwrap();
            best.group == l.group
        })
        .count() as f64
        / labels.len() as f64;
    eprintln!(
        "top-1 group accuracy, meaning alone: {:.1}%",
        meaning * 100.0
    );
    let keywords = Chooser::new(None, LibraryIndex::default()).unwrap();
    let (kacc, _) = accuracy(&keywords, &labels);
    eprintln!("top-1 group accuracy, keywords alone: {:.1}%", kacc * 100.0);
    assert!(acc >= 0.85, "accuracy {acc}: {misses:#?}");
}

/// The chooser users get: recipes and Debian's sonic-pi-samples (when installed).
#[test]
fn sounds_are_chosen_by_meaning_with_the_system_library() {
    let labels = labels();
    let folder = Path::new(onair::generate::sfx::library::SYSTEM_LIBRARY);
    if !folder.is_dir() {
        eprintln!(
            "skipping: {} is not installed (scripts/setup installs it)",
            folder.display()
        );
        return;
    }
    let model = MiniLm::load(&default_dir()).expect("MiniLM is installed by scripts/setup");
    let tmp = tempfile::tempdir().unwrap();
    let (index, _) = LibraryIndex::load_or_build(
        &[folder.to_path_buf()],
        &tmp.path().join("index.bin"),
        model.id().unwrap(),
        &mut |t: &[String]| model.embed(t),
    )
    .unwrap();
    assert!(index.samples.len() > 100, "{} samples", index.samples.len());
    let chooser = Chooser::new(Some(model), index).unwrap();
    let (acc, misses) = accuracy(&chooser, &labels);
    eprintln!(
        "top-1 group accuracy, recipes and sonic-pi-samples: {:.1}%",
        acc * 100.0
    );
    for m in &misses {
        eprintln!("  miss: {m}");
    }
    assert!(acc >= 0.85, "accuracy {acc}: {misses:#?}");
}

#[test]
fn descriptions_nothing_fits_fall_back_to_a_general_recipe_with_a_warning() {
    let model = MiniLm::load(&default_dir()).expect("MiniLM is installed by scripts/setup");
    let chooser = Chooser::new(Some(model), LibraryIndex::default()).unwrap();
    for text in [
        "quarterly tax report",
        "a theorem about prime numbers",
        "a purple giraffe",
    ] {
        let d = chooser.choose(text).unwrap();
        assert_eq!(d.warnings.len(), 1, "{text}: {:?}", d.warnings);
        assert!(
            d.warnings[0].contains("nothing matches the sound"),
            "{:?}",
            d.warnings
        );
        assert!(d.warnings[0].contains(text), "{:?}", d.warnings);
        let source = d.item.source();
        assert!(source.starts_with("recipe:"), "{text}: {source}");
    }
    // A fitting description is chosen without a word of warning.
    let d = chooser.choose("logs crackling in the hearth").unwrap();
    assert_eq!(d.item.source(), "recipe:fire");
    assert!(d.warnings.is_empty());
    // An empty one gets room tone, and says so.
    let d = chooser.choose("  ").unwrap();
    assert_eq!(d.item.source(), "recipe:room-tone");
    assert!(d.warnings[0].contains("empty"), "{:?}", d.warnings);
}
