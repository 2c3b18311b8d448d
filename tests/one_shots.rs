//! Foreground sound effects as the script asks for them: a counted effect keeps every hit,
//! the first one included.

#[path = "support/onair.rs"]
mod onair_bin;
use std::path::Path;

use onair::audio::wav::read_wav;

/// Renders one foreground sfx row and returns the master's left channel.
fn render_effect(dir: &Path, description: &str, duration_s: f64, library: bool) -> Vec<f32> {
    std::fs::write(
        dir.join("s.yaml"),
        format!("rows:\n  - {{type: sfx, description: {description}, duration: {duration_s}}}\n"),
    )
    .unwrap();
    let mut args = vec!["render", "s.yaml", "-o", "o.wav", "-q"];
    if !library {
        args.push("--no-system-library");
    }
    let o = onair_bin::command()
        .args(&args)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    read_wav(&dir.join("o.wav")).unwrap().channels.remove(0)
}

/// The peaks (time s, level dBFS) of the `count` loudest hits: peaks of 5 ms blocks at
/// least `apart_s` from each other, loudest first.
fn hits(samples: &[f32], count: usize, apart_s: f64) -> Vec<(f64, f64)> {
    let block = 240;
    let peaks: Vec<f32> = samples
        .chunks(block)
        .map(|c| c.iter().fold(0.0f32, |m, x| m.max(x.abs())))
        .collect();
    let mut order: Vec<usize> = (0..peaks.len()).collect();
    order.sort_by(|&a, &b| peaks[b].total_cmp(&peaks[a]));
    let block_s = block as f64 / 48_000.0;
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        if chosen
            .iter()
            .all(|&c| (c as f64 - i as f64).abs() * block_s >= apart_s)
        {
            chosen.push(i);
        }
        if chosen.len() == count {
            break;
        }
    }
    chosen
        .into_iter()
        .map(|i| (i as f64 * block_s, 20.0 * f64::from(peaks[i]).log10()))
        .collect()
}

#[test]
fn three_knocks_are_three_knocks_of_a_level() {
    let dir = tempfile::tempdir().unwrap();
    for library in [false, true] {
        let samples = render_effect(dir.path(), "Three knocks on a wooden door", 1.5, library);
        let mut found = hits(&samples, 3, 0.12);
        eprintln!("library {library}: hits {found:.3?}");
        found.sort_by(|a, b| a.0.total_cmp(&b.0));
        let levels: Vec<f64> = found.iter().map(|h| h.1).collect();
        let spread = levels.iter().fold(f64::MIN, |m, &x| m.max(x))
            - levels.iter().fold(f64::MAX, |m, &x| m.min(x));
        assert!(
            spread < 3.0,
            "library {library}: knocks at {found:.3?} (time s, dBFS) differ by {spread:.1} dB"
        );
        assert!(
            found[0].0 < 0.2,
            "library {library}: the first knock is at {:.3} s",
            found[0].0
        );
    }
}
