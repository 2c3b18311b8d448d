//! Things people do and objects make: knocks, a creaking door, footsteps, typing, a clock.
//!
//! Struck sounds are modal: a short noise burst for the contact plus a few exponentially
//! decaying resonances for the object. The numbers below are rough measured-by-ear mode
//! sets, not physics; what matters is the frequency range and how fast each dies.

use super::{Hit, Scene, Stereo, add_hit};
use crate::dsp::envelope::swell_gain;
use crate::dsp::filter::Biquad;
use crate::dsp::noise::{Drift, WhiteNoise};
use crate::dsp::rng::Rng;

/// A wooden door panel under a knuckle: low body modes give the "thud", higher ones the
/// "knock"; a hollow door rings longer than these.
const DOOR_MODES: [(f32, f32, f32); 6] = [
    (105.0, 0.05, 0.5),
    (180.0, 0.06, 0.8),
    (310.0, 0.035, 0.5),
    (530.0, 0.025, 0.35),
    (870.0, 0.015, 0.25),
    (1400.0, 0.008, 0.15),
];

/// Knocks on a door, `count` (default 3) to a group. Harder knocking: quicker, brighter.
pub fn knock(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let count = scene.params.count.unwrap_or(3).clamp(1, 12);
    let spacing_s = 0.23 - 0.06 * i;
    let group_s = spacing_s * count as f32;
    let starts = scene.group_starts("knock-groups", 0.03, group_s, (2.0, 6.0));
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("knocks");
    let hit = Hit {
        modes: &DOOR_MODES,
        noise_amp: 0.8 + 1.5 * i,
        noise_decay_s: 0.0015,
        noise_centre_hz: 1800.0 + 1200.0 * i,
        noise_q: 0.8,
    };
    for start in starts {
        for k in 0..count {
            let jitter_s = spacing_s * 0.12 * rng.bipolar();
            let at = start + scene.frames_for(k as f32 * spacing_s + jitter_s.max(0.0));
            if at >= scene.frames {
                break;
            }
            let gain = 0.8 + 0.2 * rng.next_f32();
            let tune = 0.97 + 0.06 * rng.next_f32();
            add_hit(&mut out, sr, &mut rng, at, gain, 0.0, tune, &hit);
        }
    }
    out
}

/// A door creaking on its hinge: stick-slip friction is a train of tiny impulses whose rate
/// follows the door's speed; each impulse rings the door and frame's resonances. Slow
/// rates are heard as a rattling "rrr", faster ones as a groaning pitch.
pub fn creak(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("creak");
    let clip_s = scene.frames as f32 / sr;
    let mut spans = Vec::new();
    if scene.background {
        let mut t = 0.1;
        while t < clip_s {
            let len = 1.0 + 1.5 * rng.next_f32();
            spans.push((t, len));
            t += len + 1.5 + 4.0 * rng.next_f32();
        }
    } else {
        spans.push((0.02, (clip_s - 0.1).clamp(0.05, 4.0)));
    }
    let tune = 0.9 + 0.2 * rng.next_f32();
    let modes = [
        (480.0, 18.0, 1.0),
        (960.0, 22.0, 0.7),
        (1480.0, 25.0, 0.5),
        (2350.0, 25.0, 0.3),
    ];
    let mut bank = modes.map(|(f, q, _)| Biquad::bandpass(sr, f * tune, q));
    let mut rate = Drift::new(scene.rng.fork("creak-rate"), sr, 5.0, 15.0, 160.0);
    let mut hiss = WhiteNoise::new(scene.rng.fork("creak-hiss"));
    for (start_s, len_s) in spans {
        let start = scene.frames_for(start_s);
        let len = scene.frames_for(len_s);
        let mut phase = 0.0f32;
        let mut pulse_amp = 1.0;
        for n in 0..len {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let env = swell_gain(n as f32 / len as f32, 0.3);
            phase += rate.next_sample() / sr;
            let mut x = hiss.next_sample() * 0.01;
            if phase >= 1.0 {
                // Jitter each slip a little: a perfectly periodic train sounds electronic.
                phase -= 1.0 + 0.3 * rng.bipolar();
                phase = phase.max(0.0);
                pulse_amp = 0.5 + 0.5 * rng.next_f32();
                x += pulse_amp;
            }
            let mut y = 0.0;
            for (f, &(_, _, w)) in bank.iter_mut().zip(&modes) {
                y += f.process(x) * w;
            }
            let s = y * env * (0.7 + 0.3 * pulse_amp);
            out.left[at] += s;
            out.right[at] += s;
        }
    }
    out
}

/// Footsteps on a hard floor: heel strike, then the toe a moment later. Steps fill the clip
/// unless a count was given; `pace` sets the walking speed.
pub fn footsteps(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.55 / scene.params.pace.clamp(0.3, 3.0);
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("steps");
    let weight = 1.1 - 0.3 * i;
    let heel = Hit {
        modes: &[(85.0, 0.03, 0.7), (240.0, 0.02, 0.4), (700.0, 0.01, 0.2)],
        noise_amp: 1.2,
        noise_decay_s: 0.006,
        noise_centre_hz: 2200.0,
        noise_q: 0.9,
    };
    let toe = Hit {
        modes: &[(260.0, 0.015, 0.3)],
        noise_amp: 0.8,
        noise_decay_s: 0.004,
        noise_centre_hz: 3000.0,
        noise_q: 0.9,
    };
    let max_steps = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut t = 0.05;
    let mut k = 0;
    while k < max_steps {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let side = if k % 2 == 0 { -0.15 } else { 0.15 };
        let gain = 0.75 + 0.25 * rng.next_f32();
        let tune = weight * (0.95 + 0.1 * rng.next_f32());
        add_hit(&mut out, sr, &mut rng, at, gain, side, tune, &heel);
        let toe_at = at + scene.frames_for(0.05 + 0.03 * rng.next_f32());
        if toe_at < scene.frames {
            add_hit(&mut out, sr, &mut rng, toe_at, gain * 0.5, side, tune, &toe);
        }
        t += interval_s * (0.95 + 0.1 * rng.next_f32());
        k += 1;
    }
    out
}

/// One key press and its release, into `out`. Plastic key caps ring high and briefly; the
/// space bar is bigger and lower.
pub(super) fn keystroke(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    at: usize,
    gain: f32,
    pan: f32,
    space_bar: bool,
) {
    let tune = 0.9 + 0.2 * rng.next_f32();
    let press = if space_bar {
        Hit {
            modes: &[(260.0, 0.02, 0.5), (1300.0, 0.01, 0.3)],
            noise_amp: 1.2,
            noise_decay_s: 0.003,
            noise_centre_hz: 2500.0,
            noise_q: 0.8,
        }
    } else {
        Hit {
            modes: &[
                (480.0, 0.012, 0.3),
                (2100.0, 0.01, 0.25),
                (4200.0, 0.005, 0.15),
            ],
            noise_amp: 1.5,
            noise_decay_s: 0.002,
            noise_centre_hz: 3500.0,
            noise_q: 0.7,
        }
    };
    add_hit(out, sr, rng, at, gain, pan, tune, &press);
    let release = Hit {
        modes: &[(2600.0, 0.006, 0.15)],
        noise_amp: 1.0,
        noise_decay_s: 0.0015,
        noise_centre_hz: 4500.0,
        noise_q: 0.8,
    };
    let release_at = at + ((0.07 + 0.05 * rng.next_f32()) * sr) as usize;
    if release_at < out.frames() {
        add_hit(out, sr, rng, release_at, gain * 0.35, pan, tune, &release);
    }
}

/// Typing from `start` to `end`: words of a few keys at 6–12 keys a second, a space bar
/// after each word, and now and then a pause to think.
#[allow(clippy::too_many_arguments)]
pub(super) fn typing_between(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    end: usize,
    pace: f32,
    gain: f32,
    pan: f32,
) {
    let key_s = |rng: &mut Rng| (0.08 + 0.09 * rng.next_f32()) / pace;
    let mut at = start;
    let mut until_pause = 10 + rng.below(20);
    while at < end.min(out.frames()) {
        let word = 2 + rng.below(7);
        for _ in 0..word {
            if at >= end {
                return;
            }
            let key_gain = gain * (0.7 + 0.3 * rng.next_f32());
            keystroke(out, sr, rng, at, key_gain, pan, false);
            at += (key_s(rng) * sr) as usize;
        }
        if at >= end {
            return;
        }
        keystroke(out, sr, rng, at, gain, pan, true);
        at += ((key_s(rng) + 0.05 + 0.15 * rng.next_f32()) * sr) as usize;
        if until_pause <= word {
            at += ((0.4 + 1.2 * rng.next_f32()) * sr) as usize;
            until_pause = 10 + rng.below(20);
        } else {
            until_pause -= word;
        }
    }
}

/// Someone typing on a keyboard, for the whole clip.
pub fn typing(scene: &Scene) -> Stereo {
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("typing");
    let pace = scene.params.pace * (0.8 + 0.5 * scene.params.intensity);
    let start = scene.frames_for(0.03);
    typing_between(
        &mut out,
        scene.sample_rate_hz,
        &mut rng,
        start,
        scene.frames,
        pace,
        1.0,
        0.0,
    );
    out
}

/// A mechanical clock: a tick every second, alternating tick and a lower tock.
pub fn clock(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("clock");
    let hit = Hit {
        modes: &[
            (1150.0, 0.02, 0.2),
            (2400.0, 0.015, 0.4),
            (3900.0, 0.01, 0.3),
            (5600.0, 0.006, 0.2),
        ],
        noise_amp: 1.0,
        noise_decay_s: 0.0008,
        noise_centre_hz: 4000.0,
        noise_q: 1.0,
    };
    let max_ticks = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let period_s = 1.0 / scene.params.pace.clamp(0.5, 2.0);
    for k in 0..max_ticks {
        let at = scene.frames_for(0.05 + k as f32 * period_s);
        if at >= scene.frames {
            break;
        }
        let tune = if k % 2 == 0 { 1.0 } else { 0.86 };
        add_hit(&mut out, sr, &mut rng, at, 1.0, 0.0, tune, &hit);
    }
    out
}

/// Step times and sides: a step every `0.55 / pace` s (a little irregular), alternating
/// feet, filling the clip or stopping after `count` steps.
pub(super) fn step_schedule(scene: &Scene, rng: &mut Rng) -> Vec<(usize, f32)> {
    let interval_s = 0.55 / scene.params.pace.clamp(0.3, 3.0);
    let max_steps = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut steps = Vec::new();
    let mut t = 0.05;
    while steps.len() < max_steps {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let side = if steps.len() % 2 == 0 { -0.15 } else { 0.15 };
        steps.push((at, side));
        t += interval_s * (0.95 + 0.1 * rng.next_f32());
    }
    steps
}

/// Footsteps on a wooden floor: the boards are a hollow, lower and longer-ringing body than
/// stone, so each heel gives a boomy "dunk" and the toe a softer knock; now and then a board
/// answers with a short creak.
pub fn footsteps_wood(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("wood-steps");
    let heel = Hit {
        modes: &[
            (95.0, 0.07, 0.9),
            (165.0, 0.06, 0.7),
            (310.0, 0.04, 0.45),
            (560.0, 0.025, 0.3),
            (1150.0, 0.012, 0.15),
        ],
        noise_amp: 0.8 + 0.6 * i,
        noise_decay_s: 0.004,
        noise_centre_hz: 1500.0,
        noise_q: 0.9,
    };
    let toe = Hit {
        modes: &[(210.0, 0.035, 0.4), (480.0, 0.02, 0.25)],
        noise_amp: 0.5,
        noise_decay_s: 0.003,
        noise_centre_hz: 2000.0,
        noise_q: 0.9,
    };
    for (at, side) in step_schedule(scene, &mut rng) {
        let gain = 0.75 + 0.25 * rng.next_f32();
        let tune = 0.93 + 0.14 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, side, tune, &heel);
        let toe_at = at + scene.frames_for(0.06 + 0.04 * rng.next_f32());
        if toe_at < scene.frames {
            add_hit(&mut out, sr, &mut rng, toe_at, gain * 0.5, side, tune, &toe);
        }
        if rng.chance(0.2) {
            // A board shifting on its nail: a brief burst of stick-slip squeak.
            let squeak_at = at + scene.frames_for(0.08);
            let f = 600.0 + 500.0 * rng.next_f32();
            for k in 0..(6 + rng.below(8)) {
                let s_at = squeak_at + scene.frames_for(k as f32 / (70.0 + 30.0 * rng.next_f32()));
                let squeak = Hit {
                    modes: &[(f, 0.01, 0.15), (f * 2.1, 0.008, 0.08)],
                    noise_amp: 0.0,
                    noise_decay_s: 0.001,
                    noise_centre_hz: 1000.0,
                    noise_q: 1.0,
                };
                add_hit(&mut out, sr, &mut rng, s_at, gain, side, 1.0, &squeak);
            }
        }
    }
    out
}

/// A crunch: `grains` tiny clicks (stones or ice crystals breaking and rubbing) spread over
/// `len_s` with a density that swells to `peak_at`, band-limited around `centre_hz`.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_crunch(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    len_s: f32,
    peak_at: f32,
    grains: usize,
    centre_hz: (f32, f32),
    gain: f32,
    pan: f32,
) {
    for _ in 0..grains {
        // Rejection-free sampling of the swell: place a grain, keep it with the swell's odds.
        let pos = rng.next_f32();
        if rng.next_f32() > swell_gain(pos, peak_at) {
            continue;
        }
        let at = start + (pos * len_s * sr) as usize;
        let grain = Hit {
            modes: &[],
            noise_amp: 1.0,
            noise_decay_s: 0.0003 + 0.0012 * rng.next_f32(),
            noise_centre_hz: centre_hz.0 + (centre_hz.1 - centre_hz.0) * rng.next_f32(),
            noise_q: 1.2,
        };
        let amp = gain * (0.2 + 0.8 * rng.next_f32().powi(2));
        let grain_pan = pan + 0.1 * rng.bipolar();
        add_hit(out, sr, rng, at, amp, grain_pan, 1.0, &grain);
    }
}

/// Footsteps on gravel: each step is a crunch of stones grinding against each other, two
/// clusters (heel, then the roll onto the toe) of many sharp clicks from 1.5 to 7 kHz over a
/// dull thud.
pub fn footsteps_gravel(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("gravel-steps");
    let thud = Hit {
        modes: &[(70.0, 0.03, 0.5), (150.0, 0.02, 0.3)],
        noise_amp: 0.3,
        noise_decay_s: 0.01,
        noise_centre_hz: 600.0,
        noise_q: 0.7,
    };
    for (at, side) in step_schedule(scene, &mut rng) {
        let gain = 0.7 + 0.3 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, side, 1.0, &thud);
        let grains = 90 + (60.0 * i) as usize;
        let crunch = (1500.0, 7000.0);
        add_crunch(
            &mut out, sr, &mut rng, at, 0.13, 0.2, grains, crunch, gain, side,
        );
        let toe_at = at + scene.frames_for(0.1 + 0.05 * rng.next_f32());
        add_crunch(
            &mut out,
            sr,
            &mut rng,
            toe_at,
            0.15,
            0.3,
            grains / 2,
            crunch,
            gain * 0.7,
            side,
        );
    }
    out
}

/// Footsteps in snow: the foot compresses the snow for about a quarter of a second, so the
/// crunch is longer, softer-edged and lower (0.6–3.5 kHz: the crystals squeak rather than
/// click) than gravel, with a swelling middle and only a muffled thud beneath.
pub fn footsteps_snow(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("snow-steps");
    let thud = Hit {
        modes: &[(60.0, 0.04, 0.3)],
        noise_amp: 0.2,
        noise_decay_s: 0.02,
        noise_centre_hz: 400.0,
        noise_q: 0.7,
    };
    let mut steps = Stereo::silence(scene.frames);
    for (at, side) in step_schedule(scene, &mut rng) {
        let gain = 0.7 + 0.3 * rng.next_f32();
        add_hit(&mut steps, sr, &mut rng, at, gain, side, 1.0, &thud);
        let len_s = 0.22 + 0.1 * rng.next_f32();
        let grains = 220 + (120.0 * i) as usize;
        add_crunch(
            &mut steps,
            sr,
            &mut rng,
            at,
            len_s,
            0.45,
            grains,
            (600.0, 3500.0),
            gain * 0.6,
            side,
        );
    }
    // Snow absorbs: soften the brightest edges of the grains.
    for (dst, src) in [(&mut out.left, &steps.left), (&mut out.right, &steps.right)] {
        let mut lp = Biquad::lowpass(sr, 4500.0, 0.7);
        for (d, s) in dst.iter_mut().zip(src) {
            *d = lp.process(*s);
        }
    }
    out
}

/// A door slammed shut: a rush of air pushed ahead of it, the heavy thump of the panel
/// against the frame (low, long modes), the metallic snap of the latch, and a short rattle
/// as the door settles. As a background it recurs with long pauses.
pub fn door_slam(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("slam");
    let starts = scene.group_starts("slams", 0.15, 1.0, (3.0, 9.0));
    let panel = Hit {
        modes: &[
            (62.0, 0.12, 1.0),
            (110.0, 0.1, 0.9),
            (185.0, 0.07, 0.6),
            (320.0, 0.05, 0.4),
            (540.0, 0.03, 0.3),
            (900.0, 0.02, 0.2),
        ],
        noise_amp: 2.0 + 2.0 * i,
        noise_decay_s: 0.01,
        noise_centre_hz: 900.0,
        noise_q: 0.6,
    };
    let latch = Hit {
        modes: &[
            (2300.0, 0.02, 0.3),
            (3700.0, 0.015, 0.25),
            (5200.0, 0.01, 0.15),
        ],
        noise_amp: 1.0,
        noise_decay_s: 0.001,
        noise_centre_hz: 4000.0,
        noise_q: 1.0,
    };
    let mut air = WhiteNoise::new(scene.rng.fork("slam-air"));
    for start in starts {
        // The air rush: 120 ms of low-passed noise swelling into the impact.
        let rush = scene.frames_for(0.12);
        let from = start.saturating_sub(rush);
        let mut lp = Biquad::lowpass(sr, 400.0, 0.7);
        for at in from..start {
            let pos = (at - from) as f32 / rush as f32;
            let s = lp.process(air.next_sample()) * pos * pos * 0.3;
            out.left[at] += s;
            out.right[at] += s;
        }
        let tune = 0.92 + 0.16 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, start, 1.0, 0.0, tune, &panel);
        let latch_at = start + scene.frames_for(0.004);
        add_hit(&mut out, sr, &mut rng, latch_at, 0.6, 0.1, 1.0, &latch);
        // Rattle: two or three small, quickening bounces of the door in its frame.
        let mut t = 0.05 + 0.02 * rng.next_f32();
        let mut g = 0.25;
        for _ in 0..(2 + rng.below(2)) {
            let at = start + scene.frames_for(t);
            if at < scene.frames {
                add_hit(&mut out, sr, &mut rng, at, g, 0.0, tune * 1.3, &panel);
            }
            t += 0.03 + 0.02 * rng.next_f32();
            g *= 0.5;
        }
    }
    out
}

/// A heartbeat: "lub" (the valves closing as the ventricles contract: low, 30–60 Hz, a
/// little longer) and about 0.3 s later the shorter, higher "dub". 60 beats a minute when
/// calm, up to 130 when the description is intense. `count` gives that many beats.
pub fn heartbeat(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("heart");
    let bpm = (55.0 + 80.0 * i * i) * scene.params.pace.clamp(0.7, 1.8);
    let period_s = 60.0 / bpm;
    let lub = Hit {
        modes: &[(42.0, 0.05, 1.0), (65.0, 0.04, 0.6), (110.0, 0.02, 0.25)],
        noise_amp: 0.1,
        noise_decay_s: 0.01,
        noise_centre_hz: 150.0,
        noise_q: 0.7,
    };
    let dub = Hit {
        modes: &[(58.0, 0.03, 0.8), (95.0, 0.025, 0.5), (160.0, 0.015, 0.2)],
        noise_amp: 0.1,
        noise_decay_s: 0.008,
        noise_centre_hz: 200.0,
        noise_q: 0.7,
    };
    let max_beats = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut t = 0.05;
    let mut k = 0;
    while k < max_beats && scene.frames_for(t) < scene.frames {
        let at = scene.frames_for(t);
        let gain = 0.9 + 0.1 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, 0.0, 1.0, &lub);
        let dub_at = at + scene.frames_for(0.28 * period_s.min(1.0) + 0.02);
        if dub_at < scene.frames {
            add_hit(&mut out, sr, &mut rng, dub_at, gain * 0.7, 0.0, 1.0, &dub);
        }
        t += period_s * (0.97 + 0.06 * rng.next_f32());
        k += 1;
    }
    out
}
