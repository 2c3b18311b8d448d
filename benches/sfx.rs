//! Sound-effect speed: every recipe's real-time factor, looping a library sample, and
//! searching by meaning (index build, then one description at a time). Run by
//! `scripts/bench`, or `cargo bench --bench sfx`.

use std::time::Instant;

use onair::audio::AudioBuffer;
use onair::dsp::sounds::SoundParams;
use onair::generate::sfx::chooser::Chooser;
use onair::generate::sfx::collections;
use onair::generate::sfx::library::{LibraryIndex, load_sample};
use onair::generate::sfx::{fit, recipes};
use onair::ml::bert::{MiniLm, default_dir};

const RATE: u32 = 48_000;

/// Best of `runs` wall times, seconds.
fn best_of(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    // Recipes: 10 s backgrounds at full intensity (the costly case: more drops, voices,
    // clappers), best of 3.
    let seconds = 10.0;
    let frames = (seconds * f64::from(RATE)) as usize;
    let heavy = SoundParams {
        intensity: 1.0,
        ..SoundParams::default()
    };
    let mut factors: Vec<(f64, &str)> = recipes()
        .iter()
        .map(|r| {
            let t = best_of(3, || {
                let a = r.render(&heavy, frames, RATE, true, 7);
                assert_eq!(a.frames(), frames);
            });
            (seconds / t, r.name)
        })
        .collect();
    factors.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = factors[factors.len() / 2].0;
    let slowest: Vec<String> = factors[..3]
        .iter()
        .map(|(f, n)| format!("{n} {f:.0}x"))
        .collect();
    let below = factors.iter().filter(|(f, _)| *f < 100.0).count();
    println!(
        "sfx recipes  {} recipes, 10 s each at 48 kHz: median {median:.0}x real time, slowest {}; {below} under the 100x goal",
        factors.len(),
        slowest.join(", ")
    );

    let model = match MiniLm::load(&default_dir()) {
        Ok(m) => m,
        Err(e) => {
            println!("sfx search   skipped: {e}");
            return;
        }
    };
    // The packaged recordings a render indexes: unpacking containers counts as part of the
    // cold build, as it is on a user's first render.
    let tmp = tempfile::tempdir().expect("temporary folder");
    let index_path = tmp.path().join("index.bin");
    let id = model.id().expect("model checksum").to_string();
    let build = || {
        let (packaged, _) =
            collections::installed(&collections::packaged(), &tmp.path().join("sounds"));
        LibraryIndex::load_or_build_with(&[], &packaged, &index_path, &id, &mut |t: &[String]| {
            model.embed(t)
        })
        .expect("index")
        .0
    };
    let t = Instant::now();
    let index = build();
    let cold_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    build();
    let warm_s = t.elapsed().as_secs_f64();
    let samples = index.samples.len();

    // Loop the first sample to a one-minute bed.
    if let Some(sample) = index.samples.first() {
        let audio: AudioBuffer = load_sample(sample).expect("decode");
        let bed = 60 * RATE as usize;
        let t = best_of(3, || {
            let out = fit::fit(&audio, bed, true);
            assert_eq!(out.frames(), bed);
        });
        println!(
            "sfx loop     {}: looped to 60 s in {:.1} ms, {:.0}x real time",
            sample.path.display(),
            t * 1000.0,
            60.0 / t
        );
    }

    let t = Instant::now();
    let chooser = Chooser::new(Some(model), index).expect("chooser");
    let setup_s = t.elapsed().as_secs_f64();
    let queries = [
        "someone knocks twice, impatiently",
        "heavy downpour on a tin roof",
        "a crowd cheering in a stadium",
        "an old door creaking open",
        "a spaceship engine humming",
        "glass shattering on a stone floor",
        "birdsong at dawn in the forest",
        "a bass drum hit",
    ];
    let t = best_of(3, || {
        for q in queries {
            chooser.rank(q).expect("rank");
        }
    });
    let per_query_ms = t * 1000.0 / queries.len() as f64;
    println!(
        "sfx search   {samples} packaged recordings + {} recipes: index built in {:.2} s cold, loaded in {:.0} ms warm; recipes embedded in {:.0} ms; {per_query_ms:.1} ms per search ({:.0} searches/s)",
        recipes().len(),
        cold_s,
        warm_s * 1000.0,
        setup_s * 1000.0,
        1000.0 / per_query_ms
    );
}
