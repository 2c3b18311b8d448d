use super::*;

fn model_dir() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/hibari");
    if dir.join("hibari.onnx").exists() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (run scripts/setup)", dir.display());
        None
    }
}

fn model() -> Option<&'static Hibari> {
    static MODEL: std::sync::OnceLock<Option<Hibari>> = std::sync::OnceLock::new();
    MODEL
        .get_or_init(|| model_dir().map(|d| Hibari::load(&d).expect("hibari loads")))
        .as_ref()
}

fn correlation(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    let n = a.len() as f64;
    let ma = a.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let mb = b.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (f64::from(x) - ma, f64::from(y) - mb);
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    ab / (aa * bb).sqrt()
}

#[test]
fn erf_and_gelu_match_known_values() {
    for (x, want) in [
        (0.0f32, 0.0f32),
        (0.5, 0.520_499_9),
        (1.0, 0.842_700_8),
        (-2.0, -0.995_322_3),
        (3.5, 0.999_999_3),
    ] {
        assert!(
            (vector::erf(x) - want).abs() < 3e-7,
            "erf({x}) = {}",
            vector::erf(x)
        );
    }
    let mut v = [1.0f32, -1.0];
    gelu(&mut v);
    assert!((v[0] - 0.841_344_7).abs() < 1e-6 && (v[1] + 0.158_655_3).abs() < 1e-6);
}

#[derive(serde::Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    phonemes: String,
    speed: f32,
    ids: Vec<i64>,
    frames: usize,
    f0_hz: Vec<f32>,
    lh_mean: Vec<f32>,
    ln_mean: Vec<f32>,
    lh_bin_40: Vec<f32>,
}

/// The networks against onnxruntime on the same file (tests/data/hibari_reference.json,
/// made with the hibari-tts wheel): the same ids, the same number of frames, and curves that
/// correlate at 0.99 or better.
#[test]
fn networks_match_onnxruntime() {
    let Some(model) = model() else { return };
    let reference: Reference =
        serde_json::from_str(include_str!("../../../tests/data/hibari_reference.json")).unwrap();
    for case in &reference.cases {
        assert_eq!(
            model.phoneme_ids(&case.phonemes),
            case.ids,
            "{}",
            case.phonemes
        );
        let fr = model.frames(&case.ids, case.speed).unwrap();
        assert_eq!(fr.len(), case.frames, "{}: frame count", case.phonemes);
        let bins = vocoder::BINS;
        let mean = |part: &[f32]| -> Vec<f32> {
            part.chunks_exact(bins)
                .map(|row| row.iter().sum::<f32>() / bins as f32)
                .collect()
        };
        let bin_40: Vec<f32> = fr.lh.chunks_exact(bins).map(|row| row[40]).collect();
        for (what, ours, theirs) in [
            ("f0", fr.f0_hz.clone(), &case.f0_hz),
            ("lh mean", mean(&fr.lh), &case.lh_mean),
            ("ln mean", mean(&fr.ln), &case.ln_mean),
            ("lh bin 40", bin_40, &case.lh_bin_40),
        ] {
            let r = correlation(&ours, theirs);
            assert!(r >= 0.99, "{}: {what} correlates at {r:.4}", case.phonemes);
        }
        let f0_err = fr
            .f0_hz
            .iter()
            .zip(&case.f0_hz)
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        assert!(f0_err < 5.0, "{}: F0 off by {f0_err} Hz", case.phonemes);
    }
}

#[test]
fn speaks_deterministically_at_the_asked_speed() {
    let Some(model) = model() else { return };
    let ids = model.phoneme_ids("dɪd ju hˈɪɹ ðˈæt?");
    let a = model.synthesize(&ids, 1.0, 7).unwrap();
    assert_eq!(a, model.synthesize(&ids, 1.0, 7).unwrap());
    assert_ne!(
        a,
        model.synthesize(&ids, 1.0, 8).unwrap(),
        "another seed, another take"
    );
    assert_eq!(a.len() % vocoder::HOP, 0);
    let seconds = a.len() as f32 / model.sample_rate_hz() as f32;
    assert!((0.5..2.5).contains(&seconds), "{seconds} s");
    let peak = a.iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!((0.05..=1.5).contains(&peak), "peak {peak}");
    let fast = model.synthesize(&ids, 2.0, 7).unwrap();
    let ratio = fast.len() as f32 / a.len() as f32;
    assert!(
        (0.35..0.7).contains(&ratio),
        "speed 2 gives {ratio} of the length"
    );
    // A female voice: the median voiced F0 sits well above a male voice's ~100 Hz.
    let fr = model.frames(&ids, 1.0).unwrap();
    let mut voiced: Vec<f32> = fr.f0_hz.iter().copied().filter(|&f| f > 40.0).collect();
    voiced.sort_by(f32::total_cmp);
    let median = voiced[voiced.len() / 2];
    assert!((150.0..300.0).contains(&median), "median F0 {median} Hz");
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let Some(model) = model() else { return };
    let ids = model.phoneme_ids("hˈɛlO");
    assert_eq!(ids.first(), Some(&0));
    assert_eq!(ids.last(), Some(&0));
    assert_eq!(ids.len(), 2 + 5);
    // Symbols outside the alphabet are left out, as the reference does.
    assert_eq!(model.phoneme_ids("hˈɛlO☃"), ids);
    let err = model.frames(&[0, 999, 0], 1.0).unwrap_err().to_string();
    assert!(err.contains("999"), "{err}");
    let err = model.frames(&[0, 0], 1.0).unwrap_err().to_string();
    assert!(err.contains("no phonemes"), "{err}");
    let err = model.frames(&ids, f32::NAN).unwrap_err().to_string();
    assert!(err.contains("speed"), "{err}");
    let long = vec![50; MAX_PHONEMES + 3];
    let err = model.frames(&long, 1.0).unwrap_err().to_string();
    assert!(err.contains("split"), "{err}");
}

#[test]
fn missing_files_name_the_path_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let err = Hibari::load(dir.path()).unwrap_err();
    assert!(matches!(err, Error::MissingAsset { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("hibari.onnx") && text.contains("scripts/setup"),
        "{text}"
    );
    // A corrupt model fails cleanly rather than panicking.
    std::fs::write(dir.path().join("hibari.onnx"), b"not a model").unwrap();
    std::fs::write(dir.path().join("vocab.json"), r#"{"a": 43}"#).unwrap();
    let err = Hibari::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("hibari.onnx"), "{err}");
    std::fs::write(dir.path().join("vocab.json"), r#"{"ab": 43}"#).unwrap();
    let err = Hibari::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("one character"), "{err}");
}
