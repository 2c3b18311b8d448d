//! Whole-mixer tests: placement, mastering targets, ducking depth, determinism.

use super::*;
use crate::audio::loudness::integrated_lufs;
use crate::dsp::rng::Rng;

const RATE_HZ: u32 = 48_000;

/// An item at -20 LUFS, centred, no fades, as long as its audio.
pub(super) fn item(bus: Bus, audio: AudioBuffer, start_s: f64) -> MixItem {
    let length_s = audio.duration_s();
    MixItem {
        row_index: 0,
        bus,
        audio: audio.into(),
        start_s,
        length_s,
        volume_lufs: -20.0,
        pan: 0.0,
        fade_in_s: 0.0,
        fade_out_s: 0.0,
        duck_db: None,
        loudness_lufs: None,
        loop_period_s: None,
    }
}

fn settings() -> MixSettings {
    MixSettings::default()
}

/// Noise with a loud click every quarter second: peaky, hard to limit.
fn clicks_and_noise(seconds: f64, seed: u64) -> AudioBuffer {
    let mut rng = Rng::new(seed);
    let frames = (seconds * f64::from(RATE_HZ)) as usize;
    let mut s: Vec<f32> = (0..frames).map(|_| 0.1 * rng.bipolar()).collect();
    for i in (0..frames).step_by(RATE_HZ as usize / 4) {
        s[i] = 1.0;
        if i + 1 < frames {
            s[i + 1] = -1.0;
        }
    }
    AudioBuffer::from_mono(RATE_HZ, s)
}

/// A sustained chord with a slow swell, like a music bed.
fn music_bed(seconds: f64) -> AudioBuffer {
    let frames = (seconds * f64::from(RATE_HZ)) as usize;
    let s = (0..frames)
        .map(|i| {
            let t = i as f64 / f64::from(RATE_HZ);
            let chord: f64 = [220.0, 277.18, 329.63, 110.0]
                .iter()
                .map(|f| (std::f64::consts::TAU * f * t).sin())
                .sum();
            (0.1 * chord * (1.0 + 0.2 * (std::f64::consts::TAU * 0.5 * t).sin())) as f32
        })
        .collect();
    AudioBuffer::from_mono(RATE_HZ, s)
}

/// Noise bursts shaped like syllables (150-250 ms, raised-cosine envelope) separated by
/// short gaps, with longer pauses between "words".
fn speech_like(seconds: f64, seed: u64) -> AudioBuffer {
    let mut rng = Rng::new(seed);
    let frames = (seconds * f64::from(RATE_HZ)) as usize;
    let mut s = vec![0.0f32; frames];
    let mut at = 0usize;
    let mut syllable = 0;
    while at < frames {
        let len = (rng.range_f64(0.15, 0.25) * f64::from(RATE_HZ)) as usize;
        for k in 0..len.min(frames - at) {
            let env = (std::f64::consts::PI * k as f64 / len as f64).sin();
            s[at + k] = (0.3 * env) as f32 * rng.bipolar();
        }
        syllable += 1;
        let gap_s = if syllable % 3 == 0 { 0.25 } else { 0.06 };
        at += len + (gap_s * f64::from(RATE_HZ)) as usize;
    }
    AudioBuffer::from_mono(RATE_HZ, s)
}

fn rms_db(buf: &AudioBuffer, from_s: f64, to_s: f64) -> f64 {
    let (a, b) = (
        (from_s * f64::from(RATE_HZ)) as usize,
        (to_s * f64::from(RATE_HZ)) as usize,
    );
    let power: f64 = buf
        .channels
        .iter()
        .flat_map(|ch| ch[a..b].iter())
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / ((b - a) * buf.channel_count()) as f64;
    10.0 * power.log10()
}

#[test]
fn master_reaches_loudness_target_under_peak_ceiling() {
    for target_lufs in [-16.0, -23.0] {
        let mut it = item(Bus::Sfx, clicks_and_noise(10.0, 1), 0.0);
        it.volume_lufs = -10.0;
        let s = MixSettings {
            loudness_lufs: target_lufs,
            ..settings()
        };
        let mixed = mix(vec![it], &s).unwrap();
        let lufs = integrated_lufs(&mixed.master).unwrap();
        let tp = crate::audio::loudness::true_peak_dbtp(&mixed.master).unwrap();
        eprintln!("target {target_lufs} LUFS: got {lufs:.3} LUFS, true peak {tp:.3} dBTP");
        assert!((lufs - target_lufs).abs() <= 0.3, "loudness {lufs}");
        assert!(tp <= -1.0, "true peak {tp}");
        assert!((mixed.loudness_lufs - lufs).abs() < 1e-9);
        assert!((mixed.true_peak_dbtp - tp).abs() < 1e-9);
        assert_eq!(mixed.master.channel_count(), 2);
        assert_eq!(mixed.master.frames(), 480_000);
    }
}

#[test]
fn speech_ducks_background_music_by_at_least_6_db() {
    let bed = || {
        let mut it = item(Bus::Music, music_bed(12.0), 0.0);
        it.duck_db = Some(crate::script::DEFAULT_DUCK_DB);
        it
    };
    let speech = item(Bus::Speech, speech_like(4.0, 2), 4.0);

    let with = mix(vec![bed(), speech], &settings()).unwrap();
    let without = mix(vec![bed()], &settings()).unwrap();
    let music = |m: &Mixed| m.stems[Bus::Music.index()].1.clone();
    let (with, without) = (music(&with), music(&without));

    // Compare each stem against its own speech-free stretch, which cancels the master gain.
    let ducked_db = rms_db(&with, 4.3, 7.7) - rms_db(&with, 1.0, 3.0);
    let plain_db = rms_db(&without, 4.3, 7.7) - rms_db(&without, 1.0, 3.0);
    let depth_db = plain_db - ducked_db;
    eprintln!("ducking depth during speech: {depth_db:.2} dB");
    assert!(depth_db >= 6.0, "ducking depth {depth_db} dB");
    // And the bed comes back after the speech.
    let after_db = (rms_db(&with, 9.5, 11.5) - rms_db(&with, 1.0, 3.0))
        - (rms_db(&without, 9.5, 11.5) - rms_db(&without, 1.0, 3.0));
    assert!(after_db.abs() < 0.5, "after speech: {after_db} dB");
}

#[test]
fn items_land_on_their_frames_in_any_order() {
    let mut rng = Rng::new(3);
    let mut clip = || {
        AudioBuffer::from_mono(
            RATE_HZ,
            (0..4800).map(|_| 0.5 * rng.bipolar() + 0.6).collect(),
        )
    };
    let late = item(Bus::Speech, clip(), 2.0);
    let early = item(Bus::Sfx, clip(), 0.5);
    let mixed = mix(vec![late, early], &settings()).unwrap();
    let first_sound = |buf: &AudioBuffer| buf.channels[0].iter().position(|s| s.abs() > 1e-6);
    let speech = &mixed.stems[Bus::Speech.index()];
    let sfx = &mixed.stems[Bus::Sfx.index()];
    assert_eq!(speech.0, Bus::Speech);
    assert!(first_sound(&speech.1).unwrap().abs_diff(96_000) <= 1);
    assert!(first_sound(&sfx.1).unwrap().abs_diff(24_000) <= 1);
    assert_eq!(mixed.master.frames(), 96_000 + 4800);
    assert_eq!(mixed.stems.len(), 3);
    assert!(mixed.stems.iter().all(|(_, s)| s.frames() == 100_800));
}

#[test]
fn resamples_and_stems_carry_master_gain() {
    let mut it = item(Bus::Music, music_bed(3.0), 0.0);
    it.audio = crate::audio::resample::resample(&music_bed(3.0), 22_050)
        .unwrap()
        .into();
    it.volume_lufs = -30.0;
    let mixed = mix(vec![it], &settings()).unwrap();
    assert_eq!(mixed.master.frames(), 144_000);
    // A quiet bed: no limiting needed, so the stem is the master.
    let stem = &mixed.stems[Bus::Music.index()].1;
    let lufs = integrated_lufs(stem).unwrap();
    assert!((lufs + 16.0).abs() < 0.3, "{lufs}");
}

#[test]
fn deterministic_and_silence_safe() {
    let make = || {
        vec![
            item(Bus::Speech, speech_like(2.0, 4), 0.5),
            item(Bus::Sfx, clicks_and_noise(1.0, 5), 1.0),
            MixItem {
                duck_db: Some(crate::script::DEFAULT_DUCK_DB),
                ..item(Bus::Music, music_bed(3.0), 0.0)
            },
        ]
    };
    let a = mix(make(), &settings()).unwrap();
    let b = mix(make(), &settings()).unwrap();
    assert_eq!(a.master, b.master);

    let empty = mix(Vec::new(), &settings()).unwrap();
    assert_eq!(empty.master.frames(), 0);
    assert_eq!(empty.loudness_lufs, f64::NEG_INFINITY);
    let silent = mix(
        vec![item(
            Bus::Sfx,
            AudioBuffer::silence(RATE_HZ, 1, 48_000),
            0.0,
        )],
        &settings(),
    )
    .unwrap();
    assert_eq!(silent.master.peak(), 0.0);
}

#[test]
fn row_stems_sum_to_the_bus_stems_and_leave_the_mix_as_it_was() {
    let items = || {
        let mut bed = item(Bus::Music, music_bed(6.0), 0.0);
        bed.duck_db = Some(crate::script::DEFAULT_DUCK_DB);
        bed.fade_in_s = 1.0;
        bed.fade_out_s = 1.0;
        bed.row_index = 1;
        let mut a = item(Bus::Speech, speech_like(2.0, 1), 0.5);
        a.row_index = 2;
        a.pan = -0.5;
        let mut b = item(Bus::Speech, speech_like(2.0, 2), 3.0);
        b.row_index = 3;
        let mut hit = item(Bus::Sfx, clicks_and_noise(1.0, 3), 2.6);
        hit.row_index = 4;
        vec![bed, a, b, hit]
    };
    let plain = mix(items(), &settings()).unwrap();
    assert!(plain.row_stems.is_empty());
    let s = MixSettings {
        row_stems: true,
        ..settings()
    };
    let with_rows = mix(items(), &s).unwrap();
    assert_eq!(with_rows.master, plain.master);
    for ((_, a), (_, b)) in with_rows.stems.iter().zip(&plain.stems) {
        assert_eq!(a, b);
    }
    let total = plain.master.frames();
    let rows: Vec<usize> = with_rows.row_stems.iter().map(|r| r.row_index).collect();
    assert_eq!(rows, [1, 2, 3, 4]);
    let mut sum = AudioBuffer::silence(RATE_HZ, 2, total);
    for r in &with_rows.row_stems {
        let full = r.full_length(total);
        assert_eq!(full.frames(), total);
        let end = r.start_frame + r.audio.frames();
        for ch in &full.channels {
            assert!(ch[..r.start_frame].iter().all(|s| *s == 0.0));
            assert!(ch[end..].iter().all(|s| *s == 0.0));
        }
        for (o, ch) in sum.channels.iter_mut().zip(&full.channels) {
            o.iter_mut().zip(ch).for_each(|(o, s)| *o += s);
        }
    }
    let mut buses = AudioBuffer::silence(RATE_HZ, 2, total);
    for (_, stem) in &plain.stems {
        for (o, ch) in buses.channels.iter_mut().zip(&stem.channels) {
            o.iter_mut().zip(ch).for_each(|(o, s)| *o += s);
        }
    }
    let worst = sum
        .channels
        .iter()
        .zip(&buses.channels)
        .fold(0.0f32, |m, (a, b)| {
            a.iter().zip(b).fold(m, |m, (x, y)| m.max((x - y).abs()))
        });
    assert!(
        worst < 1e-6,
        "row stems differ from the bus stems by {worst}"
    );
}
