//! Everyday descriptions, written before tuning in the words users write
//! (`tests/data/sfx_everyday/`): how many get a fitting sound, and how many get a wrong one
//! *without a warning* (the worst outcome: the user only finds it by listening).
//!
//! What fits is judged per sound in `fits*.tsv` (which "hear" labels each recipe or
//! recording is), never by the chooser's own scores. Each run writes the choices it judged
//! to `target/sfx-everyday-<set>.tsv` for reading.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use onair::generate::sfx::collections;
use onair::generate::sfx::{SfxOptions, SoundEffects, recipes};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sfx_everyday")
}

struct Case {
    hear: String,
    description: String,
}

fn cases(file: &str) -> Vec<Case> {
    let text = std::fs::read_to_string(data().join(file)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 3, "{file}: {l:?}");
            Case {
                hear: f[1].to_string(),
                description: f[2].to_string(),
            }
        })
        .collect()
}

/// Sound id → the labels it fits, from every `fits*.tsv`.
fn fits() -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    let mut files: Vec<_> = std::fs::read_dir(data())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("fits") && name.ends_with(".tsv")
        })
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let (sound, labels) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{}: {line:?}", file.display()));
            out.entry(sound.trim().to_string())
                .or_default()
                .extend(labels.split(',').map(|l| l.trim().to_string()));
        }
    }
    out
}

#[derive(Default)]
struct Score {
    cases: usize,
    fit: usize,
    confident: usize,
    wrong_confident: usize,
    table: Vec<String>,
}

impl Score {
    fn pct(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.cases as f64
    }

    fn summary(&self, set: &str) -> String {
        format!(
            "{set}: {} descriptions, {} fit ({:.0}%), {} wrong and confident ({:.1}%), {} confident ({:.0}%), {} fitting picks warned about",
            self.cases,
            self.fit,
            self.pct(self.fit),
            self.wrong_confident,
            self.pct(self.wrong_confident),
            self.confident,
            self.pct(self.confident),
            self.table
                .iter()
                .filter(|l| l.contains("\tyes\tno\t"))
                .count()
        )
    }
}

fn judge(engine: &SoundEffects, set: &str, cases: &[Case]) -> Score {
    let fits = fits();
    let chooser = engine.chooser().unwrap();
    assert!(chooser.has_model(), "MiniLM is installed by scripts/setup");
    let mut score = Score {
        table: vec!["hear\tfits\tconfident\tscore\tpick\tdescription\tunexplained".to_string()],
        ..Score::default()
    };
    for c in cases {
        let d = chooser.choose(&c.description).unwrap();
        let source = d.item.source();
        let fit = fits.get(&source).is_some_and(|l| l.contains(&c.hear));
        score.cases += 1;
        score.fit += usize::from(fit);
        score.confident += usize::from(d.confident);
        score.wrong_confident += usize::from(d.confident && !fit);
        let yes = |b: bool| if b { "yes" } else { "no" };
        score.table.push(format!(
            "{}\t{}\t{}\t{:.3}\t{source}\t{}\t{}",
            c.hear,
            yes(fit),
            yes(d.confident),
            d.score,
            c.description,
            d.unexplained.join(" ")
        ));
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/sfx-everyday-{set}.tsv"));
    std::fs::write(&out, score.table.join("\n") + "\n").unwrap();
    eprintln!("{} (each choice: {})", score.summary(set), out.display());
    score
}

fn engine(cache: &Path) -> SoundEffects {
    SoundEffects::new(SfxOptions::standard(Some(cache.to_path_buf()))).unwrap()
}

/// The goals of issue 15 are 85% fit and at most 3% wrong-and-confident. The fit floor is
/// a little under what the sounds reach today (86% on 2026-12-04), so a change that loses
/// fitting sounds fails; the wrong-and-confident ceiling is the goal itself.
const TUNE_FIT_FLOOR: f64 = 83.0;
const WRONG_CONFIDENT_CEILING: f64 = 3.0;

#[test]
fn everyday_descriptions_get_a_fitting_sound_or_a_warning() {
    let cache = tempfile::tempdir().unwrap();
    let engine = engine(cache.path());
    let tune = judge(&engine, "tune", &cases("tune.tsv"));
    assert!(tune.cases >= 150, "{} descriptions", tune.cases);
    let held = judge(&engine, "held-out", &cases("held-out.tsv"));
    let held_2 = judge(&engine, "held-out-2", &cases("held-out-2.tsv"));
    assert!(
        tune.pct(tune.wrong_confident) <= WRONG_CONFIDENT_CEILING,
        "{}",
        tune.summary("tune")
    );
    assert!(
        tune.pct(tune.fit) >= TUNE_FIT_FLOOR,
        "{}",
        tune.summary("tune")
    );
    // The held-out sets check that the confidence line carries over to words nobody tuned
    // on (held-out.tsv was studied on 2026-12-04; held-out-2.tsv never has been).
    for (set, score) in [("held-out", &held), ("held-out-2", &held_2)] {
        assert!(
            score.pct(score.wrong_confident) <= 2.0 * WRONG_CONFIDENT_CEILING,
            "{}",
            score.summary(set)
        );
    }
}

/// Every sound the judge files name exists (a typo would silently count as a miss), and
/// every label they use is one the sets use.
#[test]
fn the_judge_files_name_real_sounds_and_labels() {
    let mut known: HashSet<String> = recipes()
        .iter()
        .map(|r| format!("recipe:{}", r.name))
        .collect();
    for c in collections::packaged() {
        known.extend(c.entries.iter().map(|e| e.source()));
    }
    let labels: HashSet<String> = cases("tune.tsv")
        .into_iter()
        .chain(cases("held-out.tsv"))
        .chain(cases("held-out-2.tsv"))
        .map(|c| c.hear)
        .collect();
    for (sound, fits) in fits() {
        assert!(
            known.contains(&sound),
            "fits*.tsv names {sound}, which onair does not have"
        );
        for l in fits {
            assert!(
                labels.contains(&l),
                "{sound} fits {l:?}, which no description hears"
            );
        }
    }
}
