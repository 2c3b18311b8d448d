//! Music speed: the composer's real-time factor on contrasting descriptions, each as a 30 s
//! background and a 95 s bed at 48 kHz, best of 3 (goal: at least 50x). Uses the SoundFont
//! the composer picks (FluidR3_GM when installed, or `$ONAIR_SOUNDFONT`); loading it is timed
//! apart. Run by `scripts/bench`, or `cargo bench --bench music`. Run as a test (`cargo test
//! --all-targets`, no `--bench` argument) it renders one short clip, to stay quick.

use std::time::Instant;

use onair::generate::music::{Composer, soundfont_path};
use onair::generate::{Generator, Request};
use onair::script::RowType;

const RATE: u32 = 48_000;
const GOAL: f64 = 50.0;

const DESCRIPTIONS: [(&str, &str); 7] = [
    ("news", "Breaking news theme"),
    ("orchestral", "Epic cinematic orchestral score"),
    ("lo-fi", "Mellow lo-fi hip hop beats"),
    ("rock", "Energetic rock with guitars"),
    ("ambient", "Calm ambient pads"),
    ("sad piano", "Sad solo piano"),
    ("jazz", "Smooth jazz lounge"),
];

fn request(text: &str, seconds: f64) -> Request<'_> {
    Request {
        row_index: 1,
        row_type: RowType::Music,
        text,
        character: None,
        voice: None,
        duration_s: Some(seconds),
        background: true,
        loop_period_s: None,
        sample_rate_hz: RATE,
        seed: 7,
        file: None,
    }
}

/// Renders `text` for `seconds`, best of `runs`; returns the real-time factor and what the
/// composer chose.
fn real_time_factor(composer: &Composer, text: &str, seconds: f64, runs: usize) -> (f64, String) {
    let mut best = f64::INFINITY;
    let mut source = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        let clip = composer.generate(&request(text, seconds)).expect("render");
        best = best.min(t.elapsed().as_secs_f64());
        assert_eq!(
            clip.audio.frames(),
            (seconds * f64::from(RATE)).round() as usize
        );
        source = clip.source;
    }
    (seconds / best, source)
}

fn main() {
    let settings = onair::Settings::from_env();
    let font = match soundfont_path(settings.soundfont.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            println!("music        skipped: {e}");
            return;
        }
    };
    let composer = Composer::installed(&settings);
    let t = Instant::now();
    composer
        .generate(&request("jazz", 1.0))
        .expect("render a 1 s sting (loads the SoundFont)");
    let load_s = t.elapsed().as_secs_f64();

    if !std::env::args().any(|a| a == "--bench") {
        // As a test: one short clip, only to show that the bench runs.
        let (f, _) = real_time_factor(&composer, DESCRIPTIONS[0].1, 5.0, 1);
        println!("music        test mode: 5 s news theme at {f:.0}x real time");
        return;
    }

    let lengths = [30.0, 95.0];
    let mut factors = Vec::new();
    for (name, text) in DESCRIPTIONS {
        let mut source = String::new();
        let mut per_length = Vec::new();
        for s in lengths {
            let (f, chosen) = real_time_factor(&composer, text, s, 3);
            per_length.push(f);
            source = chosen;
        }
        println!(
            "music        {name:<10} 30 s {:>4.0}x, 95 s {:>4.0}x real time  \"{text}\" → {source}",
            per_length[0], per_length[1]
        );
        factors.extend(per_length.into_iter().map(|f| (f, name)));
    }
    factors.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = factors.len();
    let median = (factors[(n - 1) / 2].0 + factors[n / 2].0) / 2.0;
    let below = factors.iter().filter(|(f, _)| *f < GOAL).count();
    println!(
        "music        {} descriptions x (30 s background, 95 s bed) at 48 kHz, {}, best of 3: median {median:.0}x real time, slowest {} {:.0}x; {below} of {n} under the {GOAL:.0}x goal (first render, which loads the SoundFont: {load_s:.2} s)",
        DESCRIPTIONS.len(),
        font.file_name().map_or_else(
            || font.display().to_string(),
            |f| f.to_string_lossy().into_owned()
        ),
        factors[0].1,
        factors[0].0,
    );
}
