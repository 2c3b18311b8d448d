//! Takes: `take: N` re-rolls one row's sound; earlier takes stay in the clip cache.

#[path = "support/onair.rs"]
mod onair_bin;

use onair::audio::AudioBuffer;
use onair::generate::Registry;
use onair::generate::cache::Cache;
use onair::generate::sfx::{SfxOptions, SoundEffects};
use onair::render::{Progress, Renderer};
use onair::script::parse_script;

/// Rows 1-3 (speech, music, sfx) carry `{take}`; row 4 never does.
fn script(take: &str) -> String {
    format!(
        "seed: 3
rows:
  - {{type: speech, character: A, text: Take this line again.{take}}}
  - {{type: music, duration: 12, description: lofi hip hop{take}}}
  - {{type: sfx, duration: 1.5, description: door knock{take}}}
  - {{type: speech, character: B, text: I stay as I was.}}
"
    )
}

fn registry() -> Registry {
    Registry::new(
        &onair::Settings::default(),
        SoundEffects::new(SfxOptions {
            libraries: Vec::new(),
            system_library: false,
            no_attribution: false,
            index_dir: None,
            model_dir: Some(onair::ml::bert::default_dir()),
        })
        .unwrap(),
    )
}

/// Each row's clip and whether it came from the cache, by row.
fn clips(registry: &Registry, cache: &Cache, yaml: &str) -> Vec<(AudioBuffer, bool)> {
    let script = parse_script(yaml).unwrap();
    let progress = |_: Progress<'_>| {};
    let renderer = Renderer {
        registry,
        cache,
        progress: &progress,
    };
    let (_, clips) = renderer.timeline(&script).unwrap();
    clips
        .into_values()
        .map(|g| (g.audio.load().unwrap(), g.result.cached))
        .collect()
}

#[test]
fn a_take_re_rolls_its_row_only_and_earlier_takes_stay_cached() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = Cache::open(tmp.path().join("cache")).unwrap();
    let registry = registry();

    let first = clips(&registry, &cache, &script(""));
    assert!(first.iter().all(|(_, cached)| !cached));

    // `take: 1` is the row as it always was: same cache entry, same samples.
    let take1 = clips(&registry, &cache, &script(", take: 1"));
    for (row, ((a, _), (b, cached))) in first.iter().zip(&take1).enumerate() {
        assert!(cached, "row {} with take: 1 was generated again", row + 1);
        assert_eq!(a, b, "row {} with take: 1 differs", row + 1);
    }

    // Take 2: rows 1-3 are generated anew and sound different; row 4 is untouched.
    let take2 = clips(&registry, &cache, &script(", take: 2"));
    for (row, ((a, _), (b, cached))) in first.iter().zip(&take2).enumerate().take(3) {
        assert!(!cached, "row {} take 2 came from the cache", row + 1);
        assert_ne!(a, b, "row {} take 2 sounds like take 1", row + 1);
    }
    assert!(take2[3].1, "row 4 was generated again");
    assert_eq!(take2[3].0, first[3].0);
    // Fixed-length rows keep their length whatever the take.
    assert_eq!(take2[1].0.frames(), first[1].0.frames());
    assert_eq!(take2[2].0.frames(), first[2].0.frames());

    // Back to take 1 costs nothing.
    let back = clips(&registry, &cache, &script(""));
    for (row, ((a, _), (b, cached))) in first.iter().zip(&back).enumerate() {
        assert!(cached, "row {} back at take 1 was generated again", row + 1);
        assert_eq!(a, b);
    }
}

#[test]
fn switching_back_to_take_1_is_reported_as_cached() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = |take: &str| {
        format!(
            "seed: 1\nrows:\n  - {{type: sfx, duration: 1, description: thunder rumble{take}}}\n  - {{type: sfx, duration: 1, description: rain on a window}}\n"
        )
    };
    let render = |take: &str| -> serde_json::Value {
        std::fs::write(dir.path().join("s.yaml"), yaml(take)).unwrap();
        let o = onair_bin::command()
            .args(["render", "s.yaml", "-o", "s.wav", "--report", "s.json"])
            .args(["--no-system-library"])
            .current_dir(dir.path())
            .env("ONAIR_CACHE", dir.path().join("cache"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(dir.path().join("s.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let cached = |r: &serde_json::Value| -> Vec<bool> {
        r["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["cached"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(cached(&render("")), [false, false]);
    let take1 = std::fs::read(dir.path().join("s.wav")).unwrap();
    assert_eq!(cached(&render(", take: 2")), [false, true]);
    assert_ne!(std::fs::read(dir.path().join("s.wav")).unwrap(), take1);
    assert_eq!(cached(&render(", take: 1")), [true, true]);
    assert_eq!(std::fs::read(dir.path().join("s.wav")).unwrap(), take1);
}
