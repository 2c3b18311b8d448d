//! Ball games: a football kicked, a tennis ball struck by a racket, a cricket ball off the
//! bat. Each is a short contact (its length sets how bright the strike is) that rings the
//! struck body: the ball's air cavity, the racket's strings, the bat's willow.

use super::modal::{self, Body, Material};
use super::{Scene, Stereo, pan_gains};
use crate::dsp::filter::Biquad;

/// A body of `material` at `pitch_hz` struck `count` times (one by default), a second or so
/// apart, each with the material's own contact noise; harder play, shorter contact.
fn strikes(
    scene: &Scene,
    label: &str,
    material: &Material,
    pitch_hz: f32,
    contact_s: f32,
) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork(label);
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let spacing_s = 1.1 / scene.params.pace.clamp(0.5, 3.0);
    let starts = scene.group_starts("rallies", 0.03, spacing_s * count as f32, (1.0, 3.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s * (0.9 + 0.2 * rng.next_f32()));
            if at >= scene.frames {
                break;
            }
            let body = Body::new(
                sr,
                material,
                pitch_hz * (0.95 + 0.1 * rng.next_f32()),
                1.0,
                &mut rng,
            );
            let len = (body.tail_frames(sr) + scene.frames_for(0.05)).min(scene.frames - at);
            let mut force = vec![0.0f32; len];
            let mut mono = vec![0.0f32; len];
            let gain = (0.6 + 0.4 * i) * (0.85 + 0.15 * rng.next_f32());
            modal::strike(&mut force, sr, 0, gain, contact_s * (1.2 - 0.4 * i));
            modal::contact_noise(&mut mono, sr, &mut rng, 0, gain, material);
            body.ring(&force, &mut mono);
            let (gl, gr) = pan_gains(0.3 * rng.bipolar());
            for (n, &x) in mono.iter().enumerate() {
                out.left[at + n] += x * gl;
                out.right[at + n] += x * gr;
            }
        }
    }
    out
}

/// A football kicked hard: the boot meets the ball for about ten milliseconds, a dull,
/// hollow thump (the ball's air and its panels), low and quickly gone.
pub fn football_kick(scene: &Scene) -> Stereo {
    const BALL: Material = Material {
        partials: &[(1.0, 0.025, 1.0), (1.9, 0.015, 0.5), (3.1, 0.008, 0.25)],
        split: 0.0,
        spread: 0.05,
        contact: (0.3, 0.006, 500.0, 0.7),
    };
    let mut out = strikes(scene, "kick", &BALL, 130.0, 0.009);
    // The boot's scuff on the turf just before.
    let sr = scene.sample_rate_hz;
    let mut grass = Biquad::bandpass(sr, 3000.0, 0.8);
    let mut rng = scene.rng.fork("turf");
    for n in 0..scene.frames_for(0.03).min(scene.frames) {
        let x = grass.process(rng.bipolar()) * 0.05 * (1.0 - n as f32 / (0.03 * sr));
        out.left[n] += x;
        out.right[n] += x;
    }
    out
}

/// A tennis ball struck by a racket: the taut strings ring briefly high ("pock") over the
/// ball's own hollow knock.
pub fn tennis_hit(scene: &Scene) -> Stereo {
    const STRINGS: Material = Material {
        partials: &[
            (1.0, 0.02, 0.6),
            (1.5, 0.012, 0.8),
            (2.3, 0.01, 0.5),
            (3.6, 0.006, 0.3),
        ],
        split: 0.0,
        spread: 0.04,
        contact: (0.4, 0.002, 2500.0, 0.8),
    };
    strikes(scene, "tennis", &STRINGS, 600.0, 0.003)
}

/// A cricket ball off the bat, "leather on willow": a hard, woody crack with the blade's
/// ringing knock under it.
pub fn cricket_bat(scene: &Scene) -> Stereo {
    const WILLOW: Material = Material {
        partials: &[
            (1.0, 0.05, 1.0),
            (2.6, 0.03, 0.6),
            (4.4, 0.02, 0.4),
            (6.9, 0.012, 0.25),
        ],
        split: 0.0,
        spread: 0.04,
        contact: (1.0, 0.0015, 4000.0, 0.8),
    };
    strikes(scene, "cricket", &WILLOW, 900.0, 0.0008)
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{centroid_hz, mono, onsets, scene};
    use super::*;

    #[test]
    fn a_kick_is_dull_a_racket_brighter_a_bat_brightest() {
        let sr = 48_000.0;
        let one = |f: fn(&Scene) -> Stereo| {
            let x = mono(&f(&scene(48_000, SoundParams::default(), 1)));
            assert_eq!(onsets(&x, sr, 0.2, 0.3).len(), 1);
            centroid_hz(&x[..(0.15 * sr) as usize], sr, 50.0, 10_000.0, 20.0)
        };
        let (kick, racket, bat) = (one(football_kick), one(tennis_hit), one(cricket_bat));
        assert!(kick < racket && racket < bat, "{kick} {racket} {bat}");
    }

    #[test]
    fn a_rally_is_as_many_strikes_as_asked() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(4),
            ..SoundParams::default()
        };
        let x = mono(&tennis_hit(&scene(5 * 48_000, params, 2)));
        assert_eq!(onsets(&x, sr, 0.2, 0.3).len(), 4);
    }
}
