use super::arrange::{self, Arrangement, Part};
use super::style::{self, Mode};
use super::*;
use crate::script::RowType;

fn request(text: &str, duration_s: Option<f64>, seed: u64) -> Request<'_> {
    Request {
        row_index: 1,
        row_type: RowType::Music,
        text,
        character: None,
        voice: None,
        duration_s,
        background: true,
        loop_period_s: None,
        sample_rate_hz: 48_000,
        seed,
        file: None,
    }
}

/// The composer, or `None` (with a note) when no SoundFont is installed here.
fn composer() -> Option<Composer> {
    match soundfont_path(None) {
        Ok(_) => Some(Composer::new()),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

fn arrangement(text: &str, duration_s: Option<f64>, seed: u64) -> Arrangement {
    let choice = style::choose(text);
    let plan = arrange::plan_with(&choice.style, duration_s, choice.max_tempo_bend());
    arrange::arrange(&choice.style, &plan, seed, true)
}

fn rms(samples: &[f32]) -> f64 {
    let sum: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (sum / samples.len().max(1) as f64).sqrt()
}

#[test]
fn exact_frame_counts() {
    let Some(composer) = composer() else { return };
    for d in [3.0, 10.0, 95.0, 7.77] {
        let clip = composer
            .generate(&request("upbeat news theme", Some(d), 1))
            .unwrap();
        assert_eq!(
            clip.audio.frames(),
            (d * 48_000.0f64).round() as usize,
            "{d} s"
        );
        assert_eq!(clip.audio.channel_count(), 2);
        assert!(clip.audio.peak() > 0.01, "{d} s is near-silent");
        assert!(clip.audio.peak() <= 2.0);
        assert_eq!(clip.source, "preset:news-theme");
    }
}

#[test]
fn natural_length_is_eight_bars_and_a_ring_out() {
    let a = arrangement("jazz", None, 3);
    assert_eq!(a.final_beat, 32);
    let bars_s = 32.0 * a.seconds_per_beat();
    assert!(a.length_s > bars_s + 1.0 && a.length_s < bars_s + 5.0);
}

#[test]
fn same_request_same_samples_and_seed_varies() {
    let Some(composer) = composer() else { return };
    let a = composer
        .generate(&request("lofi hip hop", Some(12.0), 5))
        .unwrap();
    let b = composer
        .generate(&request("lofi hip hop", Some(12.0), 5))
        .unwrap();
    assert_eq!(a.audio, b.audio);
    let c = composer
        .generate(&request("lofi hip hop", Some(12.0), 6))
        .unwrap();
    assert_ne!(a.audio, c.audio);
}

#[test]
fn seed_varies_melody_and_drums() {
    let a = arrangement("rock", Some(30.0), 1);
    let b = arrangement("rock", Some(30.0), 2);
    let part = |x: &Arrangement, part: Part| -> Vec<(u64, u8)> {
        let instrument = x.instrument(part).unwrap();
        x.notes
            .iter()
            .filter(|n| n.instrument == instrument)
            .map(|n| (n.start(), n.pitch))
            .collect()
    };
    assert_ne!(part(&a, Part::Melody), part(&b, Part::Melody));
    assert_ne!(part(&a, Part::Drums), part(&b, Part::Drums));
}

#[test]
fn ends_on_a_ringing_tonic_chord() {
    for (text, d) in [
        ("news theme", 10.0),
        ("sad piano", 95.0),
        ("jazz", 13.3),
        ("suspense", 3.0),
        ("corporate", 47.0),
    ] {
        let a = arrangement(text, Some(d), 9);
        let key = style::choose(text).style.key;
        let third = if key.mode == Mode::Major { 4 } else { 3 };
        let tonic: Vec<u8> = [0, third, 7]
            .iter()
            .map(|s| (key.tonic_pc + s) % 12)
            .collect();
        let last_start = a.notes.iter().map(|n| n.start()).max().unwrap();
        let final_start = u64::from(a.final_beat) * u64::from(arrange::RESOLUTION);
        assert_eq!(last_start, final_start, "{text}");
        let spb = a.seconds_per_beat();
        let finals: Vec<_> = a
            .notes
            .iter()
            .filter(|n| n.start() == final_start && !n.is_drum())
            .collect();
        let pcs: Vec<u8> = finals.iter().map(|n| n.pitch % 12).collect();
        assert!(pcs.iter().all(|pc| tonic.contains(pc)), "{text}: {pcs:?}");
        assert!(tonic.iter().all(|pc| pcs.contains(pc)), "{text}: {pcs:?}");
        // Sounding until the last second, and starting in time to be heard as an ending.
        for n in &finals {
            assert!(n.end_beat() * spb > d - 1.0, "{text}: released too early");
            assert!(n.end_beat() * spb <= d + 1e-9);
        }
        let ring_s = d - f64::from(a.final_beat) * spb;
        assert!(
            ring_s >= 1.0 || d < arrange::STING_MAX_S,
            "{text}: ring-out {ring_s}"
        );
    }
}

#[test]
fn last_second_is_not_near_silent() {
    let Some(composer) = composer() else { return };
    for text in ["news theme", "sad piano", "calm ambient", "jazz"] {
        let clip = composer.generate(&request(text, Some(10.0), 2)).unwrap();
        let left = &clip.audio.channels[0];
        let whole = rms(left);
        let last = rms(&left[left.len() - 48_000..]);
        let ratio_db = 20.0 * (last / whole).log10();
        assert!(ratio_db > -20.0, "{text}: last second {ratio_db:.1} dB");
    }
}

#[test]
fn tempo_request_is_kept_within_the_fit() {
    for d in [4.5, 10.0, 33.0, 95.0, 600.0] {
        let a = arrangement("lofi at 120 bpm", Some(d), 1);
        let bend = a.tempo_bpm / 120.0 - 1.0;
        assert!(
            bend.abs() <= arrange::REQUESTED_TEMPO_FIT + 1e-12,
            "{d} s: {}",
            a.tempo_bpm
        );
        let end_s = f64::from(a.final_beat) * a.seconds_per_beat();
        assert!(end_s < d);
    }
    assert_eq!(arrangement("lofi at 120 bpm", None, 1).tempo_bpm, 120.0);
}

#[test]
fn key_request_gives_its_pitch_classes() {
    // D natural minor plus the raised seventh (C#) of the dominant chord.
    let allowed = [2, 4, 5, 7, 9, 10, 0, 1];
    for text in ["news theme in D minor", "happy children's song in D minor"] {
        let a = arrangement(text, Some(40.0), 4);
        for n in a.notes.iter().filter(|n| !n.is_drum()) {
            assert!(allowed.contains(&(n.pitch % 12)), "{text}: key {}", n.pitch);
        }
        let bass = a.instrument(Part::Bass);
        let last = a.notes.iter().rfind(|n| Some(n.instrument) == bass);
        assert_eq!(last.map(|n| n.pitch % 12), Some(2));
    }
}

#[test]
fn descriptions_give_different_styles() {
    let styles: Vec<_> = [
        "news theme",
        "orchestral drama",
        "tense suspense",
        "calm ambient pad",
        "lofi hip hop",
        "jazz",
        "rock",
        "upbeat corporate",
        "sad piano",
        "happy children's song",
    ]
    .iter()
    .map(|t| style::choose(t).style)
    .collect();
    for (i, a) in styles.iter().enumerate() {
        for b in &styles[i + 1..] {
            assert_ne!(a.name, b.name);
            let same_sound = a.tempo_bpm == b.tempo_bpm
                && a.chord_program == b.chord_program
                && a.melody_program == b.melody_program;
            assert!(!same_sound, "{} and {} sound alike", a.name, b.name);
        }
    }
}

#[test]
fn empty_description_warns() {
    let Some(composer) = composer() else { return };
    let clip = composer.generate(&request("", Some(6.0), 1)).unwrap();
    assert_eq!(clip.warnings.len(), 1);
    assert_eq!(clip.source, "preset:neutral");
    assert_eq!(clip.audio.frames(), 6 * 48_000);
}

#[test]
fn overrides_show_in_the_source() {
    let Some(composer) = composer() else { return };
    let clip = composer
        .generate(&request("lofi, 92 bpm, in D minor", Some(5.0), 1))
        .unwrap();
    assert_eq!(clip.source, "preset:lofi (92 bpm, D minor)");
}

#[test]
fn cache_salt_names_the_soundfont_and_the_style_model() {
    let Some(composer) = composer() else { return };
    let salt = composer.cache_salt(&request("jazz", None, 1)).unwrap();
    let font = soundfont_path(None).unwrap();
    let stamp = crate::fsutil::stamp(&font).unwrap();
    assert!(
        salt.starts_with(&format!("font={}:{stamp} ", font.display())),
        "{salt}"
    );
    match crate::ml::bert::installed_id(&crate::ml::bert::default_dir()) {
        Some(id) => assert!(salt.ends_with(&format!(" styles-{id}")), "{salt}"),
        None => assert!(salt.ends_with(" styles-keywords"), "{salt}"),
    }
}

#[test]
fn style_embeddings_are_kept_in_the_store_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let composer = Composer::new().with_store_dir(Some(tmp.path().to_path_buf()));
    let styles = composer.styles().unwrap();
    assert_eq!(
        tmp.path().join("music-styles.bin").is_file(),
        styles.has_model()
    );
}

#[test]
fn missing_soundfont_is_a_missing_asset() {
    let err = find_soundfont(None, &["/nonexistent/a.sf2"]).unwrap_err();
    assert!(matches!(err, Error::MissingAsset { ref hint, .. } if hint.contains("scripts/setup")));
    let err = find_soundfont(Some(Path::new("/nonexistent/b.sf2")), &[]).unwrap_err();
    assert!(matches!(err, Error::MissingAsset { .. }));
}

#[test]
fn bad_duration_is_an_error() {
    let composer = Composer::new();
    assert!(composer.generate(&request("jazz", Some(0.0), 1)).is_err());
    assert!(
        composer
            .generate(&request("jazz", Some(f64::NAN), 1))
            .is_err()
    );
}

/// A 95 s bed is 95 s to the sample, and its last second is the ending: the final tonic
/// chord starts on a bar line at least a second before the end, nothing starts after it,
/// and the sound decays through the last second instead of being cut mid-bar.
#[test]
fn a_95_second_bed_ends_with_its_ending() {
    let Some(composer) = composer() else { return };
    for text in ["upbeat news theme", "lofi hip hop", "tense suspense"] {
        let req = request(text, Some(95.0), 11);
        let clip = composer.generate(&req).unwrap();
        assert_eq!(clip.audio.frames(), 95 * 48_000, "{text}");
        let (_, a, _) = composer.compose(&req).unwrap();
        let final_s = f64::from(a.final_beat) * a.seconds_per_beat();
        assert!(final_s <= 94.0, "{text}: ending starts at {final_s:.2} s");
        assert!(
            final_s >= 95.0 - 3.5,
            "{text}: ending starts at {final_s:.2} s"
        );
        assert_eq!(
            a.final_beat % a.beats_per_bar,
            0,
            "{text}: not on a bar line"
        );
        let final_start = u64::from(a.final_beat) * u64::from(arrange::RESOLUTION);
        assert!(a.notes.iter().all(|n| n.start() <= final_start), "{text}");

        // The last second is the tonic chord's release: the last 10 ms are near silence
        // against the loudest 100 ms of that second.
        let left = &clip.audio.channels[0];
        let n = left.len();
        let loudest = (0..10)
            .map(|w| rms(&left[n - 48_000 + w * 4_800..n - 48_000 + (w + 1) * 4_800]))
            .fold(0.0, f64::max);
        let tail = rms(&left[n - 480..]);
        assert!(loudest > 0.0, "{text}: a silent last second");
        assert!(
            tail < 0.1 * loudest,
            "{text}: ends at {tail} against {loudest}"
        );
    }
}

/// The distribution of sounding time over the 12 pitch classes (drums left out).
fn pitch_class_profile(a: &Arrangement) -> [f64; 12] {
    let mut profile = [0.0; 12];
    for n in a.notes.iter().filter(|n| !n.is_drum()) {
        profile[usize::from(n.pitch % 12)] += f64::from(n.duration);
    }
    let total: f64 = profile.iter().sum();
    profile.map(|p| p / total)
}

fn cosine(a: &[f64; 12], b: &[f64; 12]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64; 12]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b))
}

/// Contrasting descriptions give pieces that differ in tempo, in the instruments that play
/// them, and in the pitch classes they use.
#[test]
fn contrasting_descriptions_differ_in_tempo_instruments_and_pitch() {
    let pairs = [
        ("sad solo piano in D minor", "upbeat rock anthem in E major"),
        (
            "calm ambient pad for meditation",
            "driving news theme in E minor",
        ),
        ("jazz trio in a smoky club", "slow meditation music"),
        (
            "tense thriller underscore",
            "upbeat lo-fi hip hop in Bb major",
        ),
    ];
    for (x, y) in pairs {
        let (a, b) = (arrangement(x, Some(40.0), 1), arrangement(y, Some(40.0), 1));
        let tempo_ratio = a.tempo_bpm.max(b.tempo_bpm) / a.tempo_bpm.min(b.tempo_bpm);
        assert!(
            tempo_ratio > 1.1,
            "{x:?} {:.0} bpm vs {y:?} {:.0} bpm",
            a.tempo_bpm,
            b.tempo_bpm
        );
        let set = |a: &Arrangement| {
            let mut s: Vec<u8> = a.parts.iter().map(|&(_, i)| i).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        assert_ne!(set(&a), set(&b), "{x:?} and {y:?} use the same instruments");
        let similarity = cosine(&pitch_class_profile(&a), &pitch_class_profile(&b));
        assert!(
            similarity < 0.9,
            "{x:?} and {y:?}: pitch-class profiles {similarity:.3} alike"
        );
    }
}
