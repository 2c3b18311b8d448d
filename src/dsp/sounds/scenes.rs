//! Places built from other sounds: a forest, a café, a station platform, an airport terminal. Each
//! layer is rendered as its own sound with its own random stream, set at its own level and
//! place across the field; what is far away is duller.

use super::{Scene, SoundParams, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{BrownNoise, Drift};
use crate::dsp::osc::Sine;

/// One sound in a place: its label (its random stream), how to render it, its level
/// relative to the loudest layer, whether it is far off, and where it sits (-1 left .. 1).
pub(super) struct Layer {
    pub label: &'static str,
    pub render: fn(&Scene) -> Stereo,
    pub level: f32,
    pub far: bool,
    pub pan: f32,
    /// Overrides of the scene's parameters for this layer: its intensity, else the scene's.
    pub intensity: Option<f32>,
}

/// Renders every layer as a background of the whole clip and mixes them. Each layer is set
/// to its level by its own peak, so the balance does not depend on how loud a recipe is.
pub(super) fn layered(scene: &Scene, layers: &[Layer]) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    for layer in layers {
        let params = SoundParams {
            count: None,
            intensity: layer.intensity.unwrap_or(scene.params.intensity),
            ..scene.params.clone()
        };
        let part = scene.variant(layer.label, true, params);
        let sound = (layer.render)(&part);
        let peak = sound
            .left
            .iter()
            .chain(&sound.right)
            .fold(0.0f32, |m, s| m.max(s.abs()))
            .max(1e-6);
        let (gl, gr) = pan_gains(layer.pan);
        // Air takes the highs off what is far away.
        let mut air = OnePoleLowpass::new(sr, if layer.far { 1800.0 } else { 16_000.0 });
        let g = layer.level / peak;
        for n in 0..scene.frames {
            let x = air.process(0.5 * (sound.left[n] + sound.right[n])) * g;
            out.left[n] += x * gl;
            out.right[n] += x * gr;
        }
    }
    out
}

/// A woodpecker drumming on a dead branch somewhere in the trees: a burst of fifteen to
/// twenty knocks a second, slowing a little, every several seconds.
fn woodpecker(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("woodpecker");
    let mut out = Stereo::silence(scene.frames);
    let mut t = 1.0 + 3.0 * rng.next_f32();
    while scene.frames_for(t) < scene.frames {
        let rate = 16.0 + 5.0 * rng.next_f32();
        let knocks = 10 + rng.below(10);
        let mut k_t = t;
        for k in 0..knocks {
            let at = scene.frames_for(k_t);
            let mut body = Biquad::bandpass(sr, 900.0 + 200.0 * rng.next_f32(), 4.0);
            let g = 1.0 - 0.4 * k as f32 / knocks as f32;
            for n in 0..scene.frames_for(0.03) {
                if at + n >= scene.frames {
                    break;
                }
                let x = body.process(if n < 24 { rng.bipolar() } else { 0.0 }) * g;
                out.left[at + n] += x;
                out.right[at + n] += x;
            }
            k_t += (1.0 + 0.02 * k as f32) / rate;
        }
        t = k_t + 4.0 + 8.0 * rng.next_f32();
    }
    out
}

/// A forest by day: birds calling near and far, leaves stirring in a light breeze, and now
/// and then a woodpecker drumming somewhere off in the trees.
pub fn forest(scene: &Scene) -> Stereo {
    layered(
        scene,
        &[
            Layer {
                label: "birds",
                render: super::ambience::birds,
                level: 0.6,
                far: false,
                pan: 0.0,
                intensity: Some(0.45),
            },
            Layer {
                label: "leaves",
                render: super::everyday::rustling_leaves,
                level: 0.35,
                far: false,
                pan: -0.3,
                intensity: Some(0.3),
            },
            Layer {
                label: "breeze",
                render: super::nature::wind,
                level: 0.25,
                far: true,
                pan: 0.2,
                intensity: Some(0.2),
            },
            Layer {
                label: "woodpecker",
                render: woodpecker,
                level: 0.3,
                far: true,
                pan: 0.6,
                intensity: None,
            },
        ],
    )
}

/// An espresso machine now and then: the grinder's whirr, then the steam wand's hiss as
/// milk is frothed (a rising, gurgling roar).
fn coffee_machine(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("espresso");
    let mut out = Stereo::silence(scene.frames);
    let mut t = 1.0 + 2.0 * rng.next_f32();
    while scene.frames_for(t) < scene.frames {
        let at = scene.frames_for(t);
        let len = scene.frames_for(2.5 + 1.5 * rng.next_f32());
        let mut hiss = Biquad::bandpass(sr, 3500.0, 0.6);
        let mut froth = Biquad::bandpass(sr, 700.0, 1.5);
        let mut gurgle = Drift::new(rng.fork("gurgle"), sr, 12.0, 0.2, 1.0);
        for k in 0..len {
            let n = at + k;
            if n >= scene.frames {
                break;
            }
            let u = k as f32 / len as f32;
            let env = (u / 0.05).min(1.0) * ((1.0 - u) / 0.05).min(1.0);
            let w = rng.bipolar();
            let x = (hiss.process(w) * (0.4 + 0.4 * u) + froth.process(w) * gurgle.next_sample())
                * env
                * 0.5;
            out.left[n] += x;
            out.right[n] += x;
        }
        t += 8.0 + 10.0 * rng.next_f32();
    }
    out
}

/// A café: people talking at the tables, cups set down on saucers, crockery clattering
/// behind the counter, and the espresso machine's steam now and then.
pub fn cafe(scene: &Scene) -> Stereo {
    layered(
        scene,
        &[
            Layer {
                label: "tables",
                render: super::ambience::crowd,
                level: 0.55,
                far: false,
                pan: 0.0,
                intensity: Some(0.45),
            },
            Layer {
                label: "cups",
                render: super::modal::cup_clink,
                level: 0.3,
                far: false,
                pan: 0.3,
                intensity: Some(0.4),
            },
            Layer {
                label: "counter",
                render: super::modal::dishes,
                level: 0.25,
                far: true,
                pan: -0.5,
                intensity: Some(0.3),
            },
            Layer {
                label: "espresso",
                render: coffee_machine,
                level: 0.3,
                far: true,
                pan: -0.4,
                intensity: None,
            },
        ],
    )
}

/// The two-note "ding-dong" of a public-address system before an announcement, and the
/// muffled voice that follows it: the room's talkers' murmur through a small horn speaker.
fn announcements(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("announcements");
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.5 + 1.5 * rng.next_f32();
    // One talker, as the crowd's voices are made: phrases of vowels without words.
    let mut voice = Stereo::silence(scene.frames);
    super::ambience::add_voices(scene, &mut voice, "announcer", 1, 1.0);
    let mut horn_hp = Biquad::highpass(sr, 400.0, 0.7);
    let mut horn_lp = Biquad::lowpass(sr, 3000.0, 0.7);
    while t < clip_s {
        let at = scene.frames_for(t);
        // Ding (a major third above) then dong, each a soft vibraphone-like tone.
        let low = 520.0 + 60.0 * rng.next_f32();
        for (k, f) in [low * 1.26, low].into_iter().enumerate() {
            let start = at + scene.frames_for(0.45 * k as f32);
            let (mut a, mut b) = (Sine::new(sr, 0.0), Sine::new(sr, 0.0));
            for n in 0..scene.frames_for(1.2) {
                if start + n >= scene.frames {
                    break;
                }
                let u = n as f32 / sr;
                let env = (u / 0.005).min(1.0) * (-u / 0.35).exp();
                let x = (a.next_sample(f) + 0.2 * b.next_sample(4.0 * f)) * env * 0.5;
                out.left[start + n] += x;
                out.right[start + n] += x;
            }
        }
        // A few seconds of muffled speech.
        let from = at + scene.frames_for(1.3);
        let len = scene.frames_for(2.5 + 2.0 * rng.next_f32());
        for n in from..(from + len).min(scene.frames) {
            let u = (n - from) as f32 / len as f32;
            let env = (u / 0.05).min(1.0) * ((1.0 - u) / 0.05).min(1.0);
            let x = horn_lp.process(horn_hp.process(voice.left[n])) * env * 8.0;
            out.left[n] += x;
            out.right[n] += x;
        }
        t += 9.0 + 8.0 * rng.next_f32();
    }
    out
}

/// The low roar of trains in tunnels and of a big hall's air: brown noise that swells and
/// ebbs as trains come and go.
fn distant_rumble(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let swell = Drift::new(scene.rng.fork("swell"), sr, 0.15, 0.2, 1.0);
    for (ch, label) in [(&mut out.left, "l"), (&mut out.right, "r")] {
        let mut brown = BrownNoise::new(scene.rng.fork("rumble").fork(label), sr);
        let mut lp = Biquad::lowpass(sr, 220.0, 0.7);
        let mut sw = swell.clone();
        for s in ch.iter_mut() {
            *s = lp.process(brown.next_sample()) * sw.next_sample();
        }
    }
    out
}

/// An underground station platform: the murmur of waiting people in a hard, echoing hall,
/// trains rumbling in the tunnels, and the chime and muffled voice of announcements.
pub fn platform(scene: &Scene) -> Stereo {
    layered(
        scene,
        &[
            Layer {
                label: "waiting",
                render: super::ambience::crowd,
                level: 0.5,
                far: false,
                pan: 0.0,
                intensity: Some(0.3),
            },
            Layer {
                label: "tunnels",
                render: distant_rumble,
                level: 0.6,
                far: true,
                pan: -0.2,
                intensity: None,
            },
            Layer {
                label: "tannoy",
                render: announcements,
                level: 0.45,
                far: false,
                pan: 0.3,
                intensity: None,
            },
        ],
    )
}

/// An airport terminal: a crowd talking in a vast hall, the hum of the building, a jet
/// rumbling outside, and the chime and muffled voice of the gate announcements.
pub fn terminal(scene: &Scene) -> Stereo {
    layered(
        scene,
        &[
            Layer {
                label: "travellers",
                render: super::ambience::crowd,
                level: 0.55,
                far: false,
                pan: 0.0,
                intensity: Some(0.7),
            },
            Layer {
                label: "outside",
                render: distant_rumble,
                level: 0.35,
                far: true,
                pan: 0.4,
                intensity: None,
            },
            Layer {
                label: "gates",
                render: announcements,
                level: 0.4,
                far: false,
                pan: -0.3,
                intensity: None,
            },
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{envelope, mono, onsets, peak_hz, scene};
    use super::*;

    #[test]
    fn a_forest_is_never_silent_and_has_its_birds() {
        let sr = 48_000.0;
        let out = mono(&forest(&scene(10 * 48_000, SoundParams::default(), 1)));
        let env = envelope(&out, sr, 0.5);
        let loudest = env.iter().copied().fold(0.0, f32::max);
        assert!(env[1..19].iter().all(|&e| e > 0.05 * loudest), "{env:?}");
    }

    #[test]
    fn a_woodpecker_drums_in_bursts_of_quick_knocks() {
        let sr = 48_000.0;
        let out = mono(&woodpecker(&scene(10 * 48_000, SoundParams::default(), 2)));
        let knocks = onsets(&out, sr, 0.05, 0.03);
        assert!(knocks.len() >= 10, "{knocks:?}");
        let gap = knocks[1] - knocks[0];
        assert!((0.04..0.08).contains(&gap), "{gap}");
    }

    #[test]
    fn a_station_announcement_starts_with_its_ding_dong() {
        let sr = 48_000.0;
        let sc = scene(6 * 48_000, SoundParams::default(), 3);
        let out = mono(&announcements(&sc));
        let first = onsets(&out, sr, 0.05, 0.2)[0];
        let at = |s: f32| (s * sr) as usize;
        // Ding, then dong a major third lower.
        let ding = peak_hz(
            &out[at(first + 0.02)..at(first + 0.4)],
            sr,
            400.0,
            1000.0,
            2.0,
        );
        let dong = peak_hz(
            &out[at(first + 0.5)..at(first + 0.9)],
            sr,
            400.0,
            1000.0,
            2.0,
        );
        assert!((ding / dong - 1.26).abs() < 0.03, "{ding} {dong}");
    }

    #[test]
    fn a_platform_a_terminal_and_a_cafe_fill_the_clip() {
        let sr = 48_000.0;
        for f in [platform, terminal, cafe] {
            let out = mono(&f(&scene(12 * 48_000, SoundParams::default(), 4)));
            let env = envelope(&out, sr, 0.5);
            let loudest = env.iter().copied().fold(0.0, f32::max);
            assert!(env[1..23].iter().all(|&e| e > 0.05 * loudest), "{env:?}");
        }
    }
}
