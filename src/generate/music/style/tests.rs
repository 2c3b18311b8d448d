use std::collections::HashSet;

use super::*;
use crate::generate::music::arrange;

/// The shared MiniLM model, or `None` (with a note) when it is not installed here.
fn model() -> Option<Arc<MiniLm>> {
    match bert::shared(&bert::default_dir()) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("skipping: {e}");
            None
        }
    }
}

/// A chooser with the model, the presets embedded once per test process.
fn meaning() -> Option<&'static StyleChooser> {
    static CHOOSER: std::sync::OnceLock<Option<StyleChooser>> = std::sync::OnceLock::new();
    CHOOSER
        .get_or_init(|| model().map(|m| StyleChooser::new(Some(m), None).unwrap()))
        .as_ref()
}

fn name(description: &str) -> &'static str {
    choose(description).style.name
}

fn key(tonic_pc: u8, mode: Mode) -> Key {
    Key { tonic_pc, mode }
}

/// Descriptions that name a preset by its keywords.
const NAMED: &[(&str, &str)] = &[
    ("Upbeat news theme, brass", "news-theme"),
    ("Epic orchestral drama", "orchestral-drama"),
    ("epic trailer with a choir", "epic"),
    ("a suspenseful mystery underscore", "suspense"),
    ("tense chase through the streets", "tense"),
    ("lo-fi hip hop beat to study to", "lofi"),
    ("jazz trio in a late-night club", "jazz-trio"),
    ("rock", "rock"),
    ("electronic dance track", "electronic"),
    ("funky slap bass", "funk"),
    ("reggae", "reggae"),
    ("ska", "reggae"),
    ("bossa nova", "bossa-nova"),
    ("80s synthwave", "synthwave"),
    ("country road trip", "country"),
    ("folk", "country"),
    ("irish jig", "celtic"),
    ("military march", "march"),
    ("a Viennese waltz", "waltz"),
    ("upbeat corporate", "corporate"),
    ("happy ukulele", "happy-ukulele"),
    ("children's song, playful", "childrens"),
    ("sad piano", "sad-piano"),
    ("cinematic", "cinematic"),
    ("calm ambient pad", "ambient"),
    ("meditation music for yoga", "meditation"),
    ("neutral", "neutral"),
];

/// Descriptions with no preset keyword, that only meaning can place.
const PARAPHRASES: &[(&str, &str)] = &[
    (
        "opening music for a television show about today's events and politics",
        "news-theme",
    ),
    (
        "a grave, weighty piece for a courtroom scene played by a large ensemble of violins and cellos",
        "orchestral-drama",
    ),
    (
        "knights ride into the final fight against the dragon, huge and overwhelming",
        "epic",
    ),
    ("a ghost lurks in the old mansion at midnight", "suspense"),
    (
        "the timer on the bomb is running down and the agents must escape",
        "tense",
    ),
    ("music that drifts like clouds over the ocean", "ambient"),
    (
        "music to help you drift off at night and let go of your worries",
        "meditation",
    ),
    (
        "a relaxed instrumental beat for doing homework late at night",
        "lofi",
    ),
    (
        "headbanging music with screaming amplifiers and pounding drums",
        "rock",
    ),
    (
        "pulsing music from a warehouse party at three in the morning with a thumping kick",
        "electronic",
    ),
    (
        "background for a slideshow about our company's quarterly results",
        "corporate",
    ),
    (
        "a widow remembers her late husband, alone at the window in the rain",
        "sad-piano",
    ),
    (
        "a song for toddlers learning their colours and animals",
        "childrens",
    ),
    (
        "the camera glides over mountains and valleys as the journey begins",
        "cinematic",
    ),
    ("couples spin around a palace hall at a royal ball", "waltz"),
    (
        "laid back music from kingston with bob marley vibes",
        "reggae",
    ),
    ("a long drive across texas in a pickup truck", "country"),
    (
        "uniformed musicians stepping in formation down main street on independence day",
        "march",
    ),
    ("a village festival near dublin with a tin flute", "celtic"),
];

/// Paraphrases written after the presets' sentences were tuned on [`PARAPHRASES`], and not
/// tuned on: they measure how well the choice by meaning generalises.
const HELD_OUT: &[(&str, &str)] = &[
    (
        "intro for the six o'clock programme on world events",
        "news-theme",
    ),
    (
        "the king learns his son has betrayed him; heavy, grave and solemn",
        "orchestral-drama",
    ),
    ("two armies clash beneath a burning sky", "epic"),
    (
        "footsteps creak on the stairs of an abandoned asylum",
        "suspense",
    ),
    (
        "the hacker has thirty seconds to break the password before the guards arrive",
        "tense",
    ),
    (
        "slowly shifting tones like light on water, weightless",
        "ambient",
    ),
    (
        "an hour of stretching, deep breaths and inner stillness",
        "meditation",
    ),
    (
        "laid-back beat with crackle for late-night homework",
        "lofi",
    ),
    (
        "a late-night piano bar with a double bass and brushes on the snare",
        "jazz-trio",
    ),
    (
        "crunchy amplifiers and a drummer smashing cymbals in a sweaty arena",
        "rock",
    ),
    (
        "pounding synthesized beat for a laser show at a festival at 2 a.m.",
        "electronic",
    ),
    (
        "a confident, modern backing for a software company's launch video",
        "corporate",
    ),
    (
        "a breezy, smiling tune for a lemonade stand on a warm afternoon",
        "happy-ukulele",
    ),
    (
        "an old man visits his wife's grave in the autumn rain",
        "sad-piano",
    ),
    (
        "a sing-along for preschoolers about counting ducks",
        "childrens",
    ),
    (
        "aerial shots of glaciers and forests as the journey of a lifetime starts",
        "cinematic",
    ),
    (
        "dancers whirl in gowns and tailcoats under chandeliers",
        "waltz",
    ),
    (
        "tight rhythm section, wah-wah guitar and strutting bass from a 1975 block party",
        "funk",
    ),
    ("sunshine, dreadlocks and a lazy skanking guitar", "reggae"),
    ("horses, hay bales and a honky-tonk in nashville", "country"),
    (
        "sipping caipirinhas on copacabana with a gentle guitar",
        "bossa-nova",
    ),
    (
        "a vhs-era night cruise along rain-soaked streets lit by pink signs",
        "synthwave",
    ),
    (
        "a brass-heavy procession of uniformed cadets on the king's birthday",
        "march",
    ),
    (
        "green hills, stone walls and a bodhran at a village session in galway",
        "celtic",
    ),
];

#[test]
fn at_least_twenty_distinct_presets_neutral_last() {
    assert!(PRESETS.len() >= 20, "{} presets", PRESETS.len());
    let names: HashSet<_> = PRESETS.iter().map(|p| p.style.name).collect();
    let abouts: HashSet<_> = PRESETS.iter().map(|p| p.about).collect();
    assert_eq!(names.len(), PRESETS.len());
    assert_eq!(abouts.len(), PRESETS.len());
    assert_eq!(presets::neutral().style.name, NEUTRAL);
    for p in PRESETS {
        let name = p.style.name;
        // One sentence.
        assert!(p.about.ends_with('.'), "{name}");
        assert!(!p.about.trim_end_matches('.').contains(". "), "{name}");
        assert!(!p.keywords.is_empty(), "{name}");
        assert!(find_preset(name).is_some());
        for (word, points) in p.keywords {
            // Written as the chooser sees text, and not taken for a request ("slow").
            assert_eq!(Requests::parse(word).text, *word, "{name}: {word}");
            assert!((1..=3).contains(points), "{name}: {word}");
        }
        assert!((MIN_TEMPO_BPM..=MAX_TEMPO_BPM).contains(&p.style.tempo_bpm));
        assert!((2..=4).contains(&p.style.beats_per_bar));
    }
}

#[test]
fn presets_differ_musically() {
    for (i, a) in PRESETS.iter().enumerate() {
        for b in &PRESETS[i + 1..] {
            let (a, b) = (&a.style, &b.style);
            let differences = [
                a.tempo_bpm != b.tempo_bpm,
                a.beats_per_bar != b.beats_per_bar,
                a.key != b.key,
                a.chord_program != b.chord_program,
                a.comp != b.comp,
                a.bass != b.bass,
                a.melody_program != b.melody_program,
                a.drums != b.drums,
            ];
            let n = differences.iter().filter(|d| **d).count();
            assert!(n >= 4, "{} and {} differ in {n} ways only", a.name, b.name);
        }
    }
}

#[test]
fn keywords_choose_each_named_preset() {
    for (text, want) in NAMED {
        let c = choose(text);
        assert_eq!(c.style.name, *want, "{text}");
        assert!(c.warnings.is_empty(), "{text}: {:?}", c.warnings);
    }
    let named: HashSet<_> = NAMED.iter().map(|(_, n)| *n).collect();
    assert_eq!(
        named.len(),
        PRESETS.len(),
        "every preset has a keyword test"
    );
    // Ties go to the earlier preset.
    assert_eq!(name("a tense thriller underscore"), "suspense");
}

#[test]
fn keywords_win_with_the_model_too() {
    let Some(c) = meaning() else { return };
    for (text, want) in NAMED {
        let choice = c.choose(text).unwrap();
        assert_eq!(choice.style.name, *want, "{text}");
    }
}

#[test]
fn meaning_chooses_paraphrases_without_keywords() {
    let Some(c) = meaning() else { return };
    for (text, want) in PARAPHRASES {
        let ranked = c.rank(text).unwrap();
        assert!(ranked.iter().all(|r| r.points == 0), "{text} has a keyword");
        let choice = c.choose(text).unwrap();
        let top: Vec<_> = ranked[..3]
            .iter()
            .map(|r| (r.preset.style.name, r.similarity))
            .collect();
        assert_eq!(choice.style.name, *want, "{text}: {top:?}");
        assert!(choice.warnings.is_empty(), "{text}: {:?}", choice.warnings);
    }
}

/// Prints the held-out accuracy; run with `--nocapture` to see it.
#[test]
fn meaning_generalises_to_held_out_paraphrases() {
    let Some(c) = meaning() else { return };
    let mut right = 0;
    for (text, want) in HELD_OUT {
        let ranked = c.rank(text).unwrap();
        let got = ranked[0].preset.style.name;
        if got == *want {
            right += 1;
        } else {
            println!("held out: {text:?} → {got}, wanted {want}");
        }
    }
    let accuracy = right as f64 / HELD_OUT.len() as f64;
    println!(
        "music style by meaning: {right}/{} held-out paraphrases",
        HELD_OUT.len()
    );
    assert!(accuracy >= 0.7, "accuracy {accuracy:.2}");
}

#[test]
fn nothing_close_gives_neutral_naming_the_closest() {
    let c = choose("zzz");
    assert_eq!(c.style.name, NEUTRAL);
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("no style word"), "{:?}", c.warnings);
    let Some(m) = meaning() else { return };
    let c = m.choose("the invoice number is 4471").unwrap();
    assert_eq!(c.style.name, NEUTRAL);
    assert_eq!(c.warnings.len(), 1);
    let w = &c.warnings[0];
    assert!(
        w.contains("the closest, ") && w.contains("threshold"),
        "{w}"
    );
    let closest = m.rank("the invoice number is 4471").unwrap()[0]
        .preset
        .style
        .name;
    assert!(w.contains(closest), "{w}");
    // Only filler words: nothing to compare, so no closest preset is named.
    let c = m.choose("background music").unwrap();
    assert_eq!(c.style.name, NEUTRAL);
    assert!(c.warnings[0].contains("no style word"), "{:?}", c.warnings);
}

#[test]
fn empty_or_request_only_description_is_neutral_with_a_warning() {
    let c = choose("  ");
    assert_eq!(c.style.name, NEUTRAL);
    assert_eq!(
        c.warnings,
        ["empty music description: used the neutral preset"]
    );
    assert_eq!(c.source(), "preset:neutral");
    let c = choose("120 bpm in D minor");
    assert_eq!(c.style.name, NEUTRAL);
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("names no style"), "{:?}", c.warnings);
    assert_eq!(c.source(), "preset:neutral (120 bpm, D minor)");
    assert!(choose("jazz").warnings.is_empty());
}

#[test]
fn a_missing_model_means_keywords_and_one_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let c = StyleChooser::load(Some(tmp.path()), None).unwrap();
    assert!(!c.has_model());
    let first = c.choose("jazz").unwrap();
    assert_eq!(first.style.name, "jazz-trio");
    assert_eq!(first.warnings.len(), 1);
    assert!(
        first.warnings[0].contains("scripts/setup"),
        "{:?}",
        first.warnings
    );
    assert!(c.choose("jazz").unwrap().warnings.is_empty());
    let none = StyleChooser::load(None, None).unwrap();
    assert!(none.choose("rock").unwrap().warnings.is_empty());
}

#[test]
fn preset_embeddings_are_stored_and_read_back() {
    let Some(m) = model() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("cache").join("music-styles.bin");
    let first = StyleChooser::new(Some(Arc::clone(&m)), Some(&store)).unwrap();
    assert!(store.is_file());
    let second = StyleChooser::new(Some(m), Some(&store)).unwrap();
    assert_eq!(first.vectors, second.vectors);
    assert_eq!(first.vectors.len(), PRESETS.len());
}

#[test]
fn tempo_requests() {
    for (text, bpm) in [
        ("lofi, 92 bpm", 92.0),
        ("jazz 140bpm", 140.0),
        ("jazz 140BPM", 140.0),
        ("corporate at 90 beats per minute", 90.0),
        ("news theme, BPM: 100", 100.0),
        ("rock, tempo 150", 150.0),
        ("rock at 97.5 bpm", 97.5),
    ] {
        let c = choose(text);
        assert_eq!(c.style.tempo_bpm, bpm, "{text}");
        assert!(c.overrides.contains(&format!("{bpm} bpm")), "{text}");
        assert!(c.warnings.is_empty(), "{text}: {:?}", c.warnings);
    }
    // Tempo words scale the preset's tempo (rock: 132 bpm); an explicit tempo wins.
    let tempo = |text: &str| choose(text).style.tempo_bpm;
    assert_eq!(tempo("fast rock"), 158.0);
    assert_eq!(tempo("slow rock"), 106.0);
    assert_eq!(tempo("very slow rock"), 86.0);
    assert_eq!(tempo("very fast rock"), 185.0);
    assert_eq!(tempo("slow rock at 140 bpm"), 140.0);
    assert_eq!(choose("slow rock").source(), "preset:rock (slow: 106 bpm)");
}

#[test]
fn key_requests() {
    use Mode::{Major, Minor};
    for (text, want) in [
        ("lofi in D minor", key(2, Minor)),
        ("rock in F# major", key(6, Major)),
        ("jazz in the key of Bb minor", key(10, Minor)),
        ("jazz in C sharp minor", key(1, Minor)),
        ("jazz in E flat major", key(3, Major)),
        ("sad piano, A minor", key(9, Minor)),
        ("sad piano, G major", key(7, Major)),
        ("a D-minor news theme", key(2, Minor)),
        ("rock in a major key", key(4, Major)),
        ("lofi in minor", key(5, Minor)),
        ("corporate, minor key", key(0, Minor)),
    ] {
        let c = choose(text);
        assert_eq!(c.style.key, want, "{text}");
        assert!(c.overrides.contains(&want.to_string()), "{text}: {c:?}");
        assert!(c.warnings.is_empty(), "{text}: {:?}", c.warnings);
    }
    // Lower-case "a" before a mode without "in" is an article, not a key.
    assert_eq!(choose("sad piano, a minor hit").style.key, key(9, Minor));
    assert!(choose("rock, a major hit").overrides.is_empty());
    // A key the preset already has is still listed: the user asked for it.
    assert_eq!(
        choose("lofi in D minor, 92 bpm, no drums").source(),
        "preset:lofi (92 bpm, D minor, no drums)"
    );
}

#[test]
fn meter_requests() {
    let c = choose("rock in 3/4");
    assert_eq!(c.style.beats_per_bar, 3);
    assert_eq!(c.source(), "preset:rock (3/4)");
    let c = choose("sad piano in 4/4");
    assert_eq!(c.style.beats_per_bar, 4);
    // Already in three: nothing to override.
    assert_eq!(choose("sad piano in 3/4").source(), "preset:sad-piano");
    // 6/8: two dotted beats, eighths swung into triplets.
    let c = choose("lofi in 6/8");
    assert_eq!(c.style.beats_per_bar, 2);
    assert!((c.style.swing_beats - 1.0 / 6.0).abs() < 1e-12);
    assert_eq!(c.source(), "preset:lofi (6/8)");
    let c = choose("rock in 12/8");
    assert_eq!(
        (c.style.beats_per_bar, c.style.swing_beats > 0.0),
        (4, true)
    );
    // A waltz is in three, whichever preset wins.
    let c = choose("jazz waltz");
    assert_eq!(c.style.name, "jazz-trio");
    assert_eq!(c.style.beats_per_bar, 3);
    assert_eq!(c.source(), "preset:jazz-trio (3/4)");
    assert_eq!(choose("waltz").source(), "preset:waltz");
    // An explicit meter beats the word.
    assert_eq!(choose("waltz in 4/4").style.beats_per_bar, 4);
}

#[test]
fn instrument_and_drum_requests() {
    let c = choose("rock in F# major, solo piano");
    assert_eq!(c.style.name, "rock");
    assert_eq!(c.style.chord_program, presets::PIANO);
    assert_eq!(c.style.melody_program, Some(presets::PIANO));
    assert_eq!(c.style.pad_program, None);
    assert_eq!(c.style.drums, None);
    assert_eq!(c.style.comp, Comp::Arpeggio);
    assert_eq!(c.source(), "preset:rock (solo piano, F# major)");
    let c = choose("country, solo guitar");
    assert_eq!(c.style.chord_program, presets::NYLON_GUITAR);
    assert_eq!(c.style.bass, None);
    assert_eq!(c.style.drums, None);
    assert_eq!(c.source(), "preset:country (solo guitar)");
    for text in ["rock without drums", "rock, no drums", "drumless rock"] {
        let c = choose(text);
        assert_eq!(c.style.drums, None, "{text}");
        assert_eq!(c.source(), "preset:rock (no drums)", "{text}");
    }
    // Nothing to take away.
    assert_eq!(choose("sad piano, no drums").source(), "preset:sad-piano");
    // Loudness words change how hard the parts play.
    assert!((choose("loud lofi").style.energy - 0.75).abs() < 1e-6);
    assert!((choose("quiet rock").style.energy - 0.65).abs() < 1e-6);
    assert_eq!(choose("quiet rock").source(), "preset:rock (quiet)");
}

/// Each contradiction: the first mentioned wins, and one warning names both words.
#[test]
fn contradictions_warn_and_the_first_wins() {
    let one_warning = |text: &str, words: &[&str]| -> Choice {
        let c = choose(text);
        assert_eq!(c.warnings.len(), 1, "{text}: {:?}", c.warnings);
        for w in words {
            assert!(c.warnings[0].contains(w), "{text}: {:?}", c.warnings);
        }
        c
    };
    let c = one_warning("fast and slow rock", &["\"fast\"", "\"slow\""]);
    assert_eq!(c.style.tempo_bpm, 158.0);
    let c = one_warning("slow but fast rock", &["\"slow\"", "\"fast\""]);
    assert_eq!(c.style.tempo_bpm, 106.0);
    assert!(c.warnings[0].contains("used \"slow\""), "{:?}", c.warnings);

    let c = one_warning("happy sad song", &["\"happy\"", "\"sad\""]);
    assert_eq!(c.style.name, "happy-ukulele");
    let c = one_warning("a sad yet happy song", &["\"happy\"", "\"sad\""]);
    assert_eq!(c.style.name, "sad-piano");
    let c = one_warning("calm but energetic rock", &["\"calm\"", "\"energetic\""]);
    assert_eq!(c.style.name, "rock");
    // A negated mood is no contradiction.
    let c = choose("happy, not sad");
    assert_eq!(c.style.name, "happy-ukulele");
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);

    let c = one_warning("loud and quiet lofi", &["\"loud\"", "\"quiet\""]);
    assert!((c.style.energy - 0.75).abs() < 1e-6);

    let c = one_warning("rock at 90 bpm, no wait, 140 bpm", &["90 bpm", "140 bpm"]);
    assert_eq!(c.style.tempo_bpm, 90.0);
    let c = one_warning("jazz in D minor or in F major", &["D minor", "F major"]);
    assert_eq!(c.style.key, key(2, Mode::Minor));
    let c = one_warning(
        "jazz in a major key, in D minor",
        &["\"major\"", "\"minor\""],
    );
    assert_eq!(c.style.key, key(2, Mode::Major));
    let c = one_warning("jazz in D minor, major key", &["\"major\"", "\"minor\""]);
    assert_eq!(c.style.key, key(2, Mode::Minor));
    let c = one_warning("rock in major, in minor", &["\"major\"", "\"minor\""]);
    assert_eq!(c.style.key, key(4, Mode::Major));
    let c = one_warning("rock in 3/4 or 4/4", &["3/4", "4/4"]);
    assert_eq!(c.style.beats_per_bar, 3);
    let c = one_warning(
        "jazz, solo piano, solo guitar",
        &["solo piano", "solo guitar"],
    );
    assert_eq!(c.style.chord_program, presets::PIANO);
}

#[test]
fn absurd_tempi_are_clamped_with_a_warning() {
    for (text, used) in [
        ("rock 5000 bpm", MAX_TEMPO_BPM),
        ("rock 0 bpm", MIN_TEMPO_BPM),
        ("rock -3 bpm", MIN_TEMPO_BPM),
        ("rock 1e9 bpm", 132.0),
        (
            "jazz 99999999999999999999999999999999999 bpm",
            MAX_TEMPO_BPM,
        ),
    ] {
        let c = choose(text);
        assert_eq!(c.style.tempo_bpm, used, "{text}");
        if used != 132.0 {
            assert_eq!(c.warnings.len(), 1, "{text}: {:?}", c.warnings);
            assert!(c.warnings[0].contains("out of range"), "{text}");
        }
    }
    assert!(choose("rock -3 bpm").warnings[0].contains("-3 bpm"));
    let c = choose("rock in 5/4");
    assert_eq!(c.style.beats_per_bar, 4);
    assert!(
        c.warnings[0].contains("5/4 is not supported"),
        "{:?}",
        c.warnings
    );
}

#[test]
fn odd_input_never_panics() {
    let long = "jazz ".repeat(2000);
    for text in [
        "",
        "#",
        "-",
        "--3 bpm",
        "bpm",
        "bpm bpm 3",
        "in",
        "in a",
        "key of",
        "in the key of",
        "3/",
        "/4",
        "1/0",
        "0/0 bpm",
        "c# # #",
        "in c#",
        "in h minor",
        "solo",
        "no",
        "not",
        "very",
        "a",
        "🎵🎶 música tranquila",
        "ÄÖÜ in Ä minor",
        "120.5.6 bpm",
        "1.2.3/4",
        long.as_str(),
    ] {
        let c = choose(text);
        let style = &c.style;
        assert!(
            (MIN_TEMPO_BPM..=MAX_TEMPO_BPM).contains(&style.tempo_bpm),
            "{text}"
        );
        let plan = arrange::plan(style, Some(5.0));
        arrange::arrange(style, &plan, 1, true);
    }
}

/// Every preset, in two, three and four beats to the bar, at lengths from a sting to a
/// long bed: notes in range, inside the clip, ending on the final chord.
#[test]
fn every_preset_arranges_in_every_meter() {
    for preset in PRESETS {
        for beats_per_bar in [2, 3, 4] {
            let mut style = preset.style.clone();
            style.beats_per_bar = beats_per_bar;
            for duration_s in [
                None,
                Some(1.0),
                Some(3.0),
                Some(5.5),
                Some(13.3),
                Some(95.0),
            ] {
                for background in [true, false] {
                    let what = format!("{} in {beats_per_bar}, {duration_s:?}", style.name);
                    let plan = arrange::plan(&style, duration_s);
                    let a = arrange::arrange(&style, &plan, 7, background);
                    assert!(!a.notes.is_empty(), "{what}");
                    let spb = a.seconds_per_beat();
                    for n in &a.notes {
                        assert!(
                            n.duration > 0 && n.position < arrange::RESOLUTION,
                            "{what}: {n:?}"
                        );
                        assert!(n.pitch <= 127 && n.velocity >= 1, "{what}: {n:?}");
                        assert!(n.end_beat() * spb <= a.length_s + 1e-6, "{what}: {n:?}");
                    }
                    let last = a.notes.iter().map(|n| n.start()).max();
                    let final_start = u64::from(a.final_beat) * u64::from(arrange::RESOLUTION);
                    assert_eq!(last, Some(final_start), "{what}");
                    if style.drums.is_some() && plan.body_bars > 2 {
                        assert!(a.notes.iter().any(|n| n.is_drum()), "{what}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_style_the_words_name_is_confident_and_the_neutral_fallback_is_not() {
    let named = choose("upbeat lo-fi hip hop");
    assert!(named.confident, "{:?}", named.style.name);
    assert!(named.score > 0.0);
    for vague in ["", "at 92 bpm in D minor"] {
        let fallback = choose(vague);
        assert!(!fallback.confident, "{vague:?}");
        assert_eq!(fallback.score, 0.0);
        assert!(!fallback.warnings.is_empty(), "{vague:?}: the user is told");
    }
}
