//! Everyday sounds of home and town that the other families lack: the beepers of a
//! pedestrian crossing and a microwave, a wailing air-raid siren, a phone vibrating on a
//! table, high heels, hail drumming on a car roof, a waterfall, a magic sparkle, a key
//! turning in a lock, leaves (rustled by a breeze, crunched underfoot), a stone plopping into
//! a pond, the kitchen and workshop (chopping, hammering a nail, sawing a plank), bees, and
//! engines: a steam train, a diesel generator, an outboard motor; pages turning, scissors
//! snipping and a robot arm.

use super::foley::{add_crunch, step_schedule};
use super::nature::poisson_times;
use super::signals::piezo;
use super::water::add_rising_bubble;
use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::{adsr_gain, swell_gain};
use crate::dsp::filter::{Biquad, OnePoleHighpass, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::osc::{Saw, Sine};
use crate::dsp::rng::Rng;
use std::f32::consts::TAU;

/// Fades a texture in over `attack_s` and out over `release_s` (shortened for short clips).
fn soft_edges(scene: &Scene, out: &mut Stereo, attack_s: f32, release_s: f32) {
    let len = out.frames();
    let a = scene.frames_for(attack_s).min(len / 3).max(1);
    let r = scene.frames_for(release_s).min(len / 3).max(1);
    for ch in [&mut out.left, &mut out.right] {
        for (n, s) in ch.iter_mut().enumerate() {
            let g = (n as f32 / a as f32).min(1.0) * ((len - n) as f32 / r as f32).min(1.0);
            *s *= g * g * (3.0 - 2.0 * g);
        }
    }
}

/// The "wait… walk" signal of a pedestrian crossing: a small weatherproof beeper near
/// 2.5 kHz pipping about eight times a second, steadily, for as long as the green man shows.
pub fn crossing_beep(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("crossing");
    let f = 2350.0 + 400.0 * rng.next_f32();
    let period_s = 1.0 / (7.5 + rng.next_f32());
    let on_s = 0.45 * period_s;
    let mut oscs = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    // The grille and housing take the edge off the buzzy harmonics.
    let mut lp = OnePoleLowpass::new(sr, 6000.0);
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr - 0.02;
        if t < 0.0 {
            continue;
        }
        let g = adsr_gain(t % period_s, 0.002, 0.0, 1.0, 0.004, on_s);
        let s = lp.process(piezo(&mut oscs, f)) * g * 0.5;
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// A microwave oven finishing: `count` (default three) beeps from the piezo behind its
/// control panel, each about a third of a second, a third of a second apart.
pub fn microwave(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("microwave");
    let f = 2000.0 + 500.0 * rng.next_f32();
    let count = scene.params.count.unwrap_or(3).clamp(1, 20) as usize;
    let (on_s, period_s) = (0.32, 0.64);
    let group_s = period_s * count as f32;
    let starts = scene.group_starts("beeps", 0.05, group_s, (3.0, 8.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let mut oscs = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
        // The plastic panel in front of the disc muffles it a little.
        let mut lp = OnePoleLowpass::new(sr, 4500.0);
        for n in 0..scene.frames_for(group_s) {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let t = n as f32 / sr;
            let k = (t / period_s) as usize;
            let g = if k < count {
                adsr_gain(t - k as f32 * period_s, 0.003, 0.0, 1.0, 0.006, on_s)
            } else {
                0.0
            };
            let s = lp.process(piezo(&mut oscs, f)) * g * 0.5;
            out.left[at] += s;
            out.right[at] += s;
        }
    }
    out
}

/// An air-raid siren: a motor-driven rotor chopping air through the ports of its stator,
/// so the pitch is the rotor's speed. It winds up from a growl over a few seconds, then
/// wails: the speed (pitch and loudness together) rises and falls over seven or eight
/// seconds, between about two thirds of its top note near 450 Hz and the top. Two rotors a
/// minor third apart give the chord that makes it mournful; the chopped air adds a roar.
pub fn air_raid_siren(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("air-raid");
    let top_hz = 420.0 + 60.0 * rng.next_f32();
    let ratio = 1.19;
    let clip_s = scene.frames as f32 / sr;
    // A bed is already wailing; a foreground siren starts from standstill.
    let spin_up_s = if scene.background {
        0.0
    } else {
        (4.0f32).min(0.4 * clip_s)
    };
    let wail_s = 7.5 + rng.next_f32();
    let depth = 0.25 + 0.15 * i;
    let phase0 = if scene.background {
        rng.next_f32()
    } else {
        0.0
    };
    let (mut a, mut b) = (Saw::new(sr, 0.0), Saw::new(sr, 0.3));
    let mut noise = WhiteNoise::new(scene.rng.fork("air"));
    let mut chop = Biquad::bandpass(sr, 2.0 * top_hz, 3.0);
    let mut horn = Biquad::lowpass(sr, 2200.0, 0.7);
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let up = if spin_up_s > 0.0 {
            let p = (t / spin_up_s).min(1.0);
            0.2 + 0.8 * (1.0 - (1.0 - p) * (1.0 - p))
        } else {
            1.0
        };
        let w = (t - spin_up_s).max(0.0) / wail_s + phase0;
        // Wails start at the top: the motor is at full speed when the wind-up ends.
        let wail = 1.0 - depth * (0.5 - 0.5 * (TAU * w).cos());
        let speed = up * wail;
        let f1 = top_hz * speed;
        if n % 64 == 0 {
            chop.set(sr, 2.0 * f1, 3.0);
        }
        let tone = a.next_sample(f1) + 0.7 * b.next_sample(f1 * ratio);
        let air = chop.process(noise.next_sample()) * 0.6;
        let s = horn.process(tone + air) * speed.powf(1.5) * 0.4;
        out.left[n] = s;
        out.right[n] = s;
    }
    soft_edges(scene, &mut out, 0.05, 0.3);
    out
}

/// A phone vibrating on a wooden table: the eccentric weight of its motor spins at about
/// 180 turns a second, shaking the phone so it lifts and lands on the wood once a turn,
/// and the table rings with a buzzing rattle. Double buzzes of 0.4 s, as for a call, or
/// `count` buzzes.
pub fn phone_vibrate(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("vibrate");
    let f0 = 165.0 + 30.0 * rng.next_f32();
    let buzz_s = 0.4;
    // (start, length) of each buzz in seconds.
    let buzzes: Vec<f32> = match scene.params.count {
        Some(c) => (0..c.clamp(1, 20))
            .map(|k| 0.03 + 0.65 * k as f32)
            .collect(),
        None => {
            let mut v = Vec::new();
            let mut t = 0.03;
            while t < scene.frames as f32 / sr {
                v.push(t);
                v.push(t + buzz_s + 0.2);
                t += 2.0 * buzz_s + 0.2 + 1.0;
            }
            v
        }
    };
    let mut wander = Drift::new(scene.rng.fork("load"), sr, 6.0, 0.97, 1.03);
    let mut noise = WhiteNoise::new(scene.rng.fork("rattle"));
    // The table top's modes, which the landings ring.
    let mut table = [
        (230.0, 4.0, 0.8),
        (540.0, 5.0, 1.2),
        (1300.0, 5.0, 1.2),
        (2900.0, 3.0, 0.8),
    ]
    .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut out = Stereo::silence(scene.frames);
    let mut phase = 0.0f32;
    let mut next = 0;
    let mut env = 0.0f32;
    let spin = 1.0 - (-1.0 / (0.03 * sr)).exp();
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        while next < buzzes.len() && t > buzzes[next] + buzz_s {
            next += 1;
        }
        let on = next < buzzes.len() && t >= buzzes[next];
        env += (f32::from(u8::from(on)) - env) * spin;
        if env < 1e-4 && !on {
            continue;
        }
        phase = (phase + f0 * env.sqrt() * wander.next_sample() / sr).fract();
        let v = (TAU * phase).sin() * env;
        // It hops off the table in one half of the turn and lands on it: a sharp pulse.
        let landing = (v - 0.8).max(0.0) * (8.0 + 4.0 * i);
        let excite = landing * (1.0 + 0.5 * noise.next_sample());
        let mut s = 0.06 * v;
        for (f, g) in &mut table {
            s += f.process(excite) * *g;
        }
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// High heels walking on a hard floor: each step is the sharp click of the narrow heel
/// tip, bright and short, then the softer tap of the sole; a quick, even walk. `count`
/// steps, or steps for the whole clip.
pub fn heels(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.45 / scene.params.pace.clamp(0.3, 3.0);
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("heels");
    let click = Hit {
        modes: &[
            (1900.0, 0.012, 0.45),
            (3300.0, 0.008, 0.35),
            (5200.0, 0.005, 0.25),
            (160.0, 0.015, 0.15),
        ],
        noise_amp: 1.6,
        noise_decay_s: 0.0015,
        noise_centre_hz: 4200.0,
        noise_q: 0.8,
    };
    let sole = Hit {
        modes: &[(320.0, 0.012, 0.25), (900.0, 0.008, 0.1)],
        noise_amp: 0.6,
        noise_decay_s: 0.004,
        noise_centre_hz: 1800.0,
        noise_q: 0.8,
    };
    let max_steps = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut t = 0.05;
    let mut k = 0;
    while k < max_steps {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let side = if k % 2 == 0 { -0.12 } else { 0.12 };
        let gain = (0.8 + 0.2 * rng.next_f32()) * (0.7 + 0.3 * i);
        let tune = 0.95 + 0.1 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, side, tune, &click);
        let sole_at = at + scene.frames_for(0.06 + 0.03 * rng.next_f32());
        if sole_at < scene.frames {
            add_hit(
                &mut out,
                sr,
                &mut rng,
                sole_at,
                gain * 0.35,
                side,
                tune,
                &sole,
            );
        }
        t += interval_s * (0.96 + 0.08 * rng.next_f32());
        k += 1;
    }
    out
}

/// Hail drumming on a car roof: hailstones (tens to a hundred and more a second) strike
/// the thin steel roof, each a hard tick that rings the panel's modes into a tinny "bonk",
/// many bouncing once; around it, the hiss of hail on the road and the bodywork.
pub fn hail(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("hail");
    let rate_hz = 25.0 + 110.0 * i;
    // Stones: (frame, strength, pan); some bounce and land again, weaker.
    let mut stones: Vec<(usize, f32, f32)> = Vec::new();
    let mut times = scene.rng.fork("stones");
    let first = scene.frames_for(0.01).min(scene.frames.saturating_sub(1));
    for at in std::iter::once(first).chain(poisson_times(&mut times, rate_hz, scene.frames, sr)) {
        let amp = 0.15 + 0.85 * rng.next_f32().powi(2);
        let pan = 0.8 * rng.bipolar();
        stones.push((at, amp, pan));
        if rng.chance(0.4) {
            let bounce = at + scene.frames_for(0.04 + 0.06 * rng.next_f32());
            if bounce < scene.frames {
                stones.push((bounce, amp * 0.3, pan));
            }
        }
    }
    stones.sort_by_key(|s| s.0);
    let base = 190.0 + 50.0 * rng.next_f32();
    let ratios = [1.0, 1.58, 2.31, 3.2, 4.4, 5.9, 7.7, 9.8];
    let weights = ratios.map(|_| 0.4 + 0.6 * rng.next_f32());
    let mut roof_l = ratios.map(|r| Biquad::bandpass(sr, base * r, 30.0));
    let mut roof_r = ratios.map(|r| Biquad::bandpass(sr, base * r * 1.004, 30.0));
    let mut white = WhiteNoise::new(scene.rng.fork("contact"));
    let mut tick_l = Biquad::highpass(sr, 2500.0, 0.7);
    let mut tick_r = Biquad::highpass(sr, 2500.0, 0.7);
    let mut wash = [
        PinkNoise::new(scene.rng.fork("wash-l")),
        PinkNoise::new(scene.rng.fork("wash-r")),
    ];
    let mut wash_hp = [
        Biquad::highpass(sr, 1800.0, 0.7),
        Biquad::highpass(sr, 1800.0, 0.7),
    ];
    let mut grit = Drift::new(scene.rng.fork("grit"), sr, 40.0, 0.3, 1.0);
    let keep = (-1.0 / (0.0006 * sr)).exp();
    let (mut level_l, mut level_r) = (0.0f32, 0.0f32);
    let mut next = 0;
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        while next < stones.len() && stones[next].0 <= n {
            let (_, amp, pan) = stones[next];
            let (gl, gr) = pan_gains(pan);
            level_l += amp * gl;
            level_r += amp * gr;
            next += 1;
        }
        let w = white.next_sample();
        let (el, er) = (w * level_l, w * level_r);
        level_l *= keep;
        level_r *= keep;
        let (mut sl, mut sr_) = (0.0, 0.0);
        for k in 0..ratios.len() {
            sl += roof_l[k].process(el) * weights[k];
            sr_ += roof_r[k].process(er) * weights[k];
        }
        let g = grit.next_sample();
        let bed_l = wash_hp[0].process(wash[0].next_sample()) * g * (0.03 + 0.03 * i);
        let bed_r = wash_hp[1].process(wash[1].next_sample()) * g * (0.03 + 0.03 * i);
        out.left[n] = sl * 2.0 + tick_l.process(el) * 0.5 + bed_l;
        out.right[n] = sr_ * 2.0 + tick_r.process(er) * 0.5 + bed_r;
    }
    soft_edges(scene, &mut out, 0.02, 0.3);
    out
}

/// A waterfall: a heavy, steady roar of water falling and breaking, from the deep rumble
/// of the plunge pool to the hiss of spray, surging a little; the spatter of the falling
/// sheet flickers on top. A bigger fall rumbles lower and louder.
pub fn waterfall(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut surge = Drift::new(scene.rng.fork("surge"), sr, 0.3, 0.85, 1.0);
    let surges: Vec<f32> = (0..scene.frames).map(|_| surge.next_sample()).collect();
    for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
        let label = |what: &str| format!("{what}-{c}");
        let mut deep = PinkNoise::new(scene.rng.fork(&label("rumble")));
        let mut pink = PinkNoise::new(scene.rng.fork(&label("roar")));
        let mut white = WhiteNoise::new(scene.rng.fork(&label("spray")));
        let mut rumble_lp = Biquad::lowpass(sr, 180.0, 0.7);
        let mut roar_lp = Biquad::lowpass(sr, 3200.0, 0.6);
        let mut roar_hp = OnePoleHighpass::new(sr, 120.0);
        let mut spray = Biquad::bandpass(sr, 4500.0, 0.7);
        let mut spatter = Drift::new(scene.rng.fork(&label("spatter")), sr, 35.0, 0.3, 1.0);
        for (s, &u) in ch.iter_mut().zip(&surges) {
            let rumble = rumble_lp.process(deep.next_sample()) * (1.0 + 1.5 * i);
            let roar = roar_lp.process(roar_hp.process(pink.next_sample())) * 0.5;
            let top = spray.process(white.next_sample()) * spatter.next_sample() * 0.25;
            *s = (rumble + roar) * u + top;
        }
    }
    soft_edges(scene, &mut out, 0.6, 0.6);
    out
}

/// A magical sparkle: a quick upward glissando of bell-like twinkles on a pentatonic
/// scale, from about 1 kHz to 4 kHz, sweeping across the stereo field, with a shimmer of
/// bright noise glittering under it and the last notes ringing on.
pub fn magic_sparkle(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("sparkle");
    let sweep_s = 0.8 + 0.3 * rng.next_f32();
    let starts = scene.group_starts("sparkles", 0.02, sweep_s + 1.2, (1.5, 5.0));
    let steps = [0.0, 2.0, 4.0, 7.0, 9.0];
    let scale: Vec<f32> = (0..12)
        .map(|k| 1046.5 * 2f32.powf((steps[k % 5] + 12.0 * (k / 5) as f32) / 12.0))
        .collect();
    let notes = 14 + (10.0 * i) as usize;
    let mut out = Stereo::silence(scene.frames);
    for &start in &starts {
        for k in 0..notes {
            let p = k as f32 / (notes - 1) as f32;
            let t = sweep_s * p + 0.015 * rng.next_f32();
            let at = start + scene.frames_for(t);
            if at >= scene.frames {
                break;
            }
            let idx = ((p * (scale.len() - 1) as f32).round() as usize + rng.below(2))
                .min(scale.len() - 1);
            let f = scale[idx];
            let ring_s = if k + 3 >= notes { 0.5 } else { 0.25 };
            // A small glockenspiel bar: its first overtones sit at 2.76 and 5.4 times.
            let bar = Hit {
                modes: &[
                    (f, ring_s, 0.5),
                    (f * 2.76, ring_s * 0.4, 0.2),
                    (f * 5.4, ring_s * 0.15, 0.08),
                ],
                noise_amp: 0.0,
                noise_decay_s: 0.001,
                noise_centre_hz: f,
                noise_q: 1.0,
            };
            let gain = (0.4 + 0.6 * p) * (0.8 + 0.2 * rng.next_f32());
            let pan = -0.6 + 1.2 * p;
            add_hit(&mut out, sr, &mut rng, at, gain, pan, 1.0, &bar);
        }
        // The glitter: bright noise, flickering, swelling with the sweep.
        let len = scene.frames_for(sweep_s + 0.8);
        for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
            let mut white = WhiteNoise::new(rng.fork(&format!("glitter-{c}")));
            let mut hp = Biquad::highpass(sr, 6000.0, 0.7);
            let mut flicker = Drift::new(rng.fork(&format!("flicker-{c}")), sr, 50.0, 0.0, 1.0);
            for n in 0..len {
                let at = start + n;
                if at >= ch.len() {
                    break;
                }
                let pos = n as f32 / len as f32;
                let fl = flicker.next_sample();
                ch[at] +=
                    hp.process(white.next_sample()) * fl * fl * fl * swell_gain(pos, 0.6) * 0.08;
            }
        }
    }
    out
}

/// A key turning in a lock: the key slides in, ticking over the pins; it seats with a
/// small knock; then the turn, a brief scrape of the cylinder, and the bolt shooting across
/// with a firm metallic clack. `count` turns (a double lock).
pub fn lock(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let turns = scene.params.count.unwrap_or(1).clamp(1, 5) as usize;
    let group_s = 0.75 + 0.55 * turns as f32;
    let starts = scene.group_starts("locks", 0.03, group_s, (3.0, 8.0));
    let mut rng = scene.rng.fork("lock");
    let pin = Hit {
        modes: &[(3300.0, 0.006, 0.3), (5200.0, 0.004, 0.2)],
        noise_amp: 0.8,
        noise_decay_s: 0.0008,
        noise_centre_hz: 5000.0,
        noise_q: 1.0,
    };
    let seat = Hit {
        modes: &[
            (1400.0, 0.012, 0.4),
            (2900.0, 0.008, 0.3),
            (600.0, 0.015, 0.2),
        ],
        noise_amp: 1.0,
        noise_decay_s: 0.001,
        noise_centre_hz: 3000.0,
        noise_q: 0.9,
    };
    let tumbler = Hit {
        modes: &[(2400.0, 0.006, 0.3)],
        noise_amp: 0.6,
        noise_decay_s: 0.0008,
        noise_centre_hz: 4000.0,
        noise_q: 1.0,
    };
    let bolt = Hit {
        modes: &[
            (640.0, 0.03, 0.6),
            (1650.0, 0.02, 0.5),
            (3400.0, 0.01, 0.3),
            (170.0, 0.04, 0.4),
        ],
        noise_amp: 2.0,
        noise_decay_s: 0.002,
        noise_centre_hz: 2500.0,
        noise_q: 0.8,
    };
    let mut out = Stereo::silence(scene.frames);
    let mut scrape = Stereo::silence(scene.frames);
    let mut noise = WhiteNoise::new(scene.rng.fork("scrape"));
    for &start in &starts {
        let at = |s: f32| start + scene.frames_for(s);
        let tune = 0.95 + 0.1 * rng.next_f32();
        // In: five or six pins ridden over in a quarter of a second.
        let pins = 5 + rng.below(2);
        for k in 0..pins {
            let t = 0.02 + 0.045 * k as f32 + 0.01 * rng.next_f32();
            if at(t) < scene.frames {
                let g = 0.25 + 0.15 * rng.next_f32();
                add_hit(&mut out, sr, &mut rng, at(t), g, 0.0, tune, &pin);
            }
        }
        if at(0.32) < scene.frames {
            add_hit(&mut out, sr, &mut rng, at(0.32), 0.45, 0.0, tune, &seat);
        }
        for k in 0..turns {
            let turn_s = 0.65 + 0.55 * k as f32;
            // The cylinder scrapes as it turns, a tumbler ticks, then the bolt goes.
            let from = at(turn_s);
            let len = scene.frames_for(0.25);
            let mut bp = Biquad::bandpass(sr, 2800.0, 2.0);
            for n in 0..len {
                if from + n >= scene.frames {
                    break;
                }
                let pos = n as f32 / len as f32;
                let s = bp.process(noise.next_sample()) * swell_gain(pos, 0.5) * 0.05;
                scrape.left[from + n] += s;
                scrape.right[from + n] += s;
            }
            if at(turn_s + 0.12) < scene.frames {
                add_hit(
                    &mut out,
                    sr,
                    &mut rng,
                    at(turn_s + 0.12),
                    0.3,
                    0.0,
                    tune,
                    &tumbler,
                );
            }
            if at(turn_s + 0.27) < scene.frames {
                let g = 0.8 + 0.2 * i;
                add_hit(
                    &mut out,
                    sr,
                    &mut rng,
                    at(turn_s + 0.27),
                    g,
                    0.0,
                    tune,
                    &bolt,
                );
            }
        }
    }
    for (d, s) in [
        (&mut out.left, &scrape.left),
        (&mut out.right, &scrape.right),
    ] {
        for (a, b) in d.iter_mut().zip(s) {
            *a += b;
        }
    }
    out
}

/// Leaves rustling in a breeze: a soft wind whose gusts set thousands of leaves
/// fluttering, each flutter a tiny dry tick, so the rustle swells and thins with the gusts
/// over a quiet airy bed. Stronger wind: more leaves, louder.
pub fn rustling_leaves(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut gust = Drift::new(scene.rng.fork("gust"), sr, 0.4, 0.1, 1.0);
    let gusts: Vec<f32> = (0..scene.frames)
        .map(|_| {
            let g = gust.next_sample();
            g * g * (0.5 + 0.5 * i)
        })
        .collect();
    for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
        let mut rng = scene.rng.fork(&format!("leaves-{c}"));
        let mut white = WhiteNoise::new(scene.rng.fork(&format!("flutter-{c}")));
        let mut pink = PinkNoise::new(scene.rng.fork(&format!("air-{c}")));
        let mut air_lp = Biquad::lowpass(sr, 400.0, 0.7);
        let mut leaf_a = Biquad::bandpass(sr, 3200.0, 0.9);
        let mut leaf_b = Biquad::bandpass(sr, 6500.0, 1.2);
        let keep = (-1.0 / (0.0007 * sr)).exp();
        let mut level = 0.0f32;
        for (n, s) in ch.iter_mut().enumerate() {
            // The right ear hears the same gust a moment later.
            let g = gusts[n.saturating_sub(c * scene.frames_for(0.15))];
            let rate = 150.0 + 3000.0 * g;
            if rng.next_f32() < rate / sr {
                level += 0.2 + 0.8 * rng.next_f32().powi(2);
            }
            let w = white.next_sample() * level;
            level *= keep;
            let rustle = leaf_a.process(w) * 0.6 + leaf_b.process(w) * 0.4;
            let air = air_lp.process(pink.next_sample()) * (0.05 + 0.25 * g);
            *s = rustle * (0.3 + 0.7 * g) + air;
        }
    }
    soft_edges(scene, &mut out, 0.5, 0.5);
    out
}

/// Walking through dry autumn leaves: each step crushes a drift of brittle leaves, a long
/// crackle of many bright snaps (up to 9 kHz, brighter and drier than snow), and the foot
/// swishes through them before it lands.
pub fn footsteps_leaves(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("leaf-steps");
    let thud = Hit {
        modes: &[(65.0, 0.03, 0.3)],
        noise_amp: 0.2,
        noise_decay_s: 0.01,
        noise_centre_hz: 500.0,
        noise_q: 0.7,
    };
    let mut noise = WhiteNoise::new(scene.rng.fork("swish"));
    for (at, side) in step_schedule(scene, &mut rng) {
        let gain = 0.7 + 0.3 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, side, 1.0, &thud);
        let grains = 260 + (140.0 * i) as usize;
        let len_s = 0.28 + 0.1 * rng.next_f32();
        add_crunch(
            &mut out,
            sr,
            &mut rng,
            at,
            len_s,
            0.3,
            grains,
            (1200.0, 9000.0),
            gain * 0.7,
            side,
        );
        // The swish of the foot through the pile, just before and as it lands.
        let from = at.saturating_sub(scene.frames_for(0.12));
        let len = scene.frames_for(0.3);
        let mut bp = Biquad::bandpass(sr, 3000.0, 0.8);
        let gains = pan_gains(side);
        for n in 0..len {
            if from + n >= scene.frames {
                break;
            }
            let s = bp.process(noise.next_sample())
                * swell_gain(n as f32 / len as f32, 0.4)
                * 0.08
                * gain;
            out.left[from + n] += s * gains.0;
            out.right[from + n] += s * gains.1;
        }
    }
    out
}

/// A stone dropped into a pond: a small, sharp slap as it breaks the surface, then the
/// "plop" itself (the air cavity it drags down pinches off and rings as one big bubble, a
/// round tone of a few hundred hertz gliding up) and a few droplets falling back. A bigger
/// stone plops lower. `count` stones, a moment apart.
pub fn plop(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let count = scene.params.count.unwrap_or(1).clamp(1, 20) as usize;
    let spacing_s = 0.7;
    let starts = scene.group_starts("plops", 0.03, spacing_s * count as f32, (1.5, 5.0));
    let mut rng = scene.rng.fork("plop");
    let mut out = Stereo::silence(scene.frames);
    let slap = Hit {
        modes: &[],
        noise_amp: 1.0,
        noise_decay_s: 0.002,
        noise_centre_hz: 2500.0,
        noise_q: 0.7,
    };
    for &start in &starts {
        for k in 0..count {
            let jitter_s = if k == 0 { 0.0 } else { 0.1 * rng.next_f32() };
            let at = start + scene.frames_for(spacing_s * k as f32 + jitter_s);
            if at >= scene.frames {
                break;
            }
            let pan = 0.3 * rng.bipolar();
            add_hit(&mut out, sr, &mut rng, at, 0.25 + 0.2 * i, pan, 1.0, &slap);
            let f = (300.0 + 300.0 * rng.next_f32()) * (1.3 - 0.6 * i);
            let decay_s = 0.04 + 0.03 * rng.next_f32();
            let cavity = at + scene.frames_for(0.02 + 0.01 * rng.next_f32());
            add_rising_bubble(&mut out, sr, cavity, f, 1.8, decay_s, 1.0, pan);
            for _ in 0..3 + (5.0 * i) as usize {
                let d = at + scene.frames_for(0.12 + 0.25 * rng.next_f32());
                let f = 900.0 + 1600.0 * rng.next_f32();
                let decay_s = 0.006 + 0.008 * rng.next_f32();
                let amp = 0.06 + 0.14 * rng.next_f32();
                add_rising_bubble(
                    &mut out,
                    sr,
                    d,
                    f,
                    1.4,
                    decay_s,
                    amp,
                    pan + 0.3 * rng.bipolar(),
                );
            }
        }
    }
    out
}

/// A knife chopping vegetables on a wooden board: a quick, even "tok tok tok", three or
/// four chops a second in runs of a handful with a pause to gather the pieces. Each chop
/// is the crisp crunch of the blade through the vegetable and its knock on the board (a
/// hollow, woody ring between 400 Hz and 2 kHz). `count` chops.
pub fn chopping(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.26 / scene.params.pace.clamp(0.3, 3.0);
    let mut rng = scene.rng.fork("chop");
    let board = Hit {
        modes: &[(430.0, 0.03, 0.6), (900.0, 0.02, 0.4), (1900.0, 0.01, 0.25)],
        noise_amp: 1.0,
        noise_decay_s: 0.002,
        noise_centre_hz: 3000.0,
        noise_q: 0.8,
    };
    let max_chops = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut out = Stereo::silence(scene.frames);
    let (mut t, mut k, mut run) = (0.08, 0, 6 + rng.below(5));
    while k < max_chops {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let gain = (0.75 + 0.25 * rng.next_f32()) * (0.7 + 0.3 * i);
        let tune = 0.96 + 0.08 * rng.next_f32();
        let cut = at.saturating_sub(scene.frames_for(0.02));
        add_crunch(
            &mut out,
            sr,
            &mut rng,
            cut,
            0.025,
            0.6,
            30,
            (2000.0, 7000.0),
            gain * 0.3,
            0.0,
        );
        add_hit(&mut out, sr, &mut rng, at, gain, 0.05, tune, &board);
        k += 1;
        run -= 1;
        t += interval_s * (0.93 + 0.14 * rng.next_f32());
        if run == 0 {
            t += 0.5 + 0.5 * rng.next_f32();
            run = 6 + rng.below(5);
        }
    }
    out
}

/// Hammering a nail into wood: steady blows, about one and a half a second. Each is the
/// steel face striking the nail head, a bright ring of nail and hammer (2 to 6 kHz,
/// climbing as the nail goes in and its free length shortens) over the dull thump of the
/// wood. `count` blows.
pub fn hammer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.65 / scene.params.pace.clamp(0.3, 3.0);
    let mut rng = scene.rng.fork("hammer");
    let max_blows = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut out = Stereo::silence(scene.frames);
    let (mut t, mut k) = (0.05, 0);
    // A nail takes eight to a dozen blows; then the next one starts, long again.
    let mut nail_blows = 8 + rng.below(5);
    let mut on_nail = 0;
    while k < max_blows {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let depth = on_nail as f32 / nail_blows as f32;
        let rise = 1.0 + 0.3 * depth;
        let modes = [
            (2300.0 * rise, 0.05, 0.45),
            (3900.0 * rise, 0.03, 0.3),
            (6100.0 * rise, 0.015, 0.15),
            (190.0, 0.03, 0.6),
            (540.0, 0.02, 0.35),
        ];
        let blow = Hit {
            modes: &modes,
            noise_amp: 1.5,
            noise_decay_s: 0.002,
            noise_centre_hz: 2500.0,
            noise_q: 0.7,
        };
        let gain = (0.8 + 0.2 * rng.next_f32()) * (0.7 + 0.3 * i);
        let tune = 0.98 + 0.04 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, 0.0, tune, &blow);
        k += 1;
        on_nail += 1;
        t += interval_s * (0.9 + 0.2 * rng.next_f32());
        if on_nail == nail_blows {
            on_nail = 0;
            nail_blows = 8 + rng.below(5);
            t += 1.0 + rng.next_f32();
        }
    }
    out
}

/// Sawing through a plank by hand: long strokes back and forth, each a rasp (every tooth
/// tears at the wood, a couple of hundred a second as the blade moves fastest mid-stroke),
/// loudest on the cutting push, the plank resonating beneath. `count` strokes.
pub fn saw(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let pace = scene.params.pace.clamp(0.3, 3.0);
    let mut rng = scene.rng.fork("saw");
    let (push_s, pull_s) = (0.45 / pace, 0.4 / pace);
    let teeth_hz = 200.0 + 60.0 * rng.next_f32();
    let strokes = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut noise = WhiteNoise::new(scene.rng.fork("rasp"));
    let mut rasp_bp = Biquad::bandpass(sr, 2800.0, 0.8);
    let mut plank = [(330.0, 6.0, 0.5), (780.0, 6.0, 0.35), (1500.0, 5.0, 0.2)]
        .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut out = Stereo::silence(scene.frames);
    let (mut t0, mut k, mut tooth) = (0.05f32, 0usize, 0.0f32);
    let mut len_s = push_s;
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        if t < 0.05 {
            continue;
        }
        while t >= t0 + len_s {
            t0 += len_s;
            k += 1;
            len_s = if k % 2 == 0 { push_s } else { pull_s };
        }
        if k >= strokes {
            break;
        }
        let pos = (t - t0) / len_s;
        // The blade's speed: from rest, fastest mid-stroke, to rest.
        let speed = (std::f32::consts::PI * pos).sin();
        let cutting = if k % 2 == 0 { 1.0 } else { 0.45 };
        tooth = (tooth + teeth_hz * speed / sr).fract();
        let bite = (1.0 - tooth).powi(6);
        let x = noise.next_sample() * (0.25 + bite) * speed * cutting * (0.7 + 0.3 * i);
        let mut s = rasp_bp.process(x) * 0.6;
        for (f, g) in &mut plank {
            s += f.process(x) * *g;
        }
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// A steam locomotive chugging along: the exhaust beats of its two double-acting cylinders,
/// four chuffs to each turn of the driving wheels (a burst of steam up the chimney, the
/// first of each turn strongest), over the low rumble of the train and the clickety-clack
/// of its wheels over the rail joints. A harder-working engine chuffs faster.
pub fn steam_train(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("steam");
    let chuff_hz = (2.6 + 2.5 * i) * (0.92 + 0.16 * rng.next_f32());
    let accents = [1.0, 0.55, 0.8, 0.5];
    let mut pink = PinkNoise::new(scene.rng.fork("steam-noise"));
    let mut deep = PinkNoise::new(scene.rng.fork("rumble"));
    let mut chimney = Biquad::bandpass(sr, 800.0, 0.6);
    let mut hiss = Biquad::highpass(sr, 3000.0, 0.7);
    let mut rumble_lp = Biquad::lowpass(sr, 110.0, 0.7);
    let mut out = Stereo::silence(scene.frames);
    let decay_s = 0.3 / chuff_hz;
    let mut phase = 0.0f32;
    let mut beat = 0usize;
    let mut strength = accents[0];
    for n in 0..scene.frames {
        phase += chuff_hz / sr;
        if phase >= 1.0 {
            phase -= 1.0;
            beat = (beat + 1) % 4;
            strength = accents[beat] * (0.85 + 0.3 * rng.next_f32());
        }
        let t = phase / chuff_hz;
        let env = (t / 0.015).min(1.0) * (-t / decay_s).exp() * strength;
        let w = pink.next_sample();
        let steam = chimney.process(w) * 0.9 + hiss.process(w) * 0.15;
        let s = steam * env + rumble_lp.process(deep.next_sample()) * 0.15;
        out.left[n] = s;
        out.right[n] = s;
    }
    // Rail joints every 18 m; each bogie's two axles 2.5 m apart cross them in turn.
    let speed_m_s = chuff_hz / 4.0 * 5.5;
    let joint_s = 18.0 / speed_m_s;
    let axle_s = 2.5 / speed_m_s;
    let clack = Hit {
        modes: &[(950.0, 0.02, 0.4), (2400.0, 0.012, 0.3), (160.0, 0.03, 0.4)],
        noise_amp: 1.0,
        noise_decay_s: 0.002,
        noise_centre_hz: 3000.0,
        noise_q: 0.8,
    };
    let mut t = 0.1 + joint_s * rng.next_f32();
    while scene.frames_for(t) < scene.frames {
        for k in 0..2 {
            let at = scene.frames_for(t + axle_s * k as f32);
            if at < scene.frames {
                let g = 0.18 + 0.05 * rng.next_f32();
                add_hit(&mut out, sr, &mut rng, at, g, 0.2, 1.0, &clack);
            }
        }
        t += joint_s;
    }
    soft_edges(scene, &mut out, 0.3, 0.4);
    out
}

/// Bees buzzing around a flower bed: several insects, each the buzz of its wings beating
/// 200 to 260 times a second, rich in harmonics, drifting nearer and farther (louder and
/// brighter, the pitch bending a little as it turns) and across. More bees when busy.
pub fn bees(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let count = 4 + (8.0 * i) as usize;
    let mut out = Stereo::silence(scene.frames);
    for b in 0..count {
        let mut rng = scene.rng.fork(&format!("bee-{b}"));
        let f = 200.0 + 60.0 * rng.next_f32();
        let mut osc = Saw::new(sr, rng.next_f32());
        // The flight is updated every 32 samples, so its drifts run at that rate.
        let block_hz = sr / 32.0;
        let mut near = Drift::new(rng.fork("near"), block_hz, 0.8, 0.05, 1.0);
        let mut bend = Drift::new(rng.fork("bend"), block_hz, 2.0, 0.97, 1.03);
        let mut side = Drift::new(rng.fork("side"), block_hz, 0.4, -0.8, 0.8);
        let mut lp = OnePoleLowpass::new(sr, 2000.0);
        let (mut gains, mut level, mut pitch) = ((0.7, 0.7), 0.0f32, f);
        for n in 0..scene.frames {
            if n % 32 == 0 {
                let d = near.next_sample();
                level = d * d;
                pitch = f * bend.next_sample();
                gains = pan_gains(side.next_sample());
                lp.set_cutoff(sr, 800.0 + 3500.0 * d);
            }
            let x = lp.process(osc.next_sample(pitch)) * level * 0.3;
            out.left[n] += x * gains.0;
            out.right[n] += x * gains.1;
        }
    }
    soft_edges(scene, &mut out, 0.3, 0.3);
    out
}

/// An engine heard as its exhaust: `firing_hz` pulses a second, each of its own strength
/// and a little early or late, ringing `pipe` resonances `(Hz, Q, gain)`; `knock` adds the
/// sharp rattle of each combustion (a diesel's clatter).
fn add_exhaust(
    scene: &Scene,
    out: &mut Stereo,
    firing_hz: f32,
    pipe: &[(f32, f32, f32)],
    knock: f32,
) -> Vec<usize> {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("exhaust");
    let mut noise = WhiteNoise::new(scene.rng.fork("combustion"));
    let mut wander = Drift::new(scene.rng.fork("governor"), sr, 0.8, 0.97, 1.03);
    let mut bank: Vec<(Biquad, f32)> = pipe
        .iter()
        .map(|&(f, q, g)| (Biquad::bandpass(sr, f, q), g))
        .collect();
    let mut knock_hp = Biquad::highpass(sr, 2500.0, 0.7);
    let mut lp = Biquad::lowpass(sr, 1500.0, 0.7);
    let pulse_keep = (-1.0 / (0.006 * sr)).exp();
    let knock_keep = (-1.0 / (0.002 * sr)).exp();
    let (mut phase, mut pulse, mut amp, mut clatter) = (0.0f32, 0.0f32, 1.0f32, 0.0f32);
    let mut firings = Vec::new();
    for n in 0..scene.frames {
        phase += firing_hz * wander.next_sample() / sr;
        if phase >= 1.0 {
            phase -= 1.0 + 0.05 * rng.bipolar();
            phase = phase.max(0.0);
            pulse = 1.0;
            amp = 0.75 + 0.5 * rng.next_f32();
            clatter = knock * (0.7 + 0.6 * rng.next_f32());
            firings.push(n);
        }
        let w = noise.next_sample();
        let excite = pulse * amp * (1.0 + 0.4 * w);
        pulse *= pulse_keep;
        let mut s = 0.0;
        for (f, g) in &mut bank {
            s += f.process(excite) * *g;
        }
        let k = knock_hp.process(w * clatter) * 0.3;
        clatter *= knock_keep;
        let y = lp.process(s + excite * 0.1) + k;
        out.left[n] += y;
        out.right[n] += y;
    }
    firings
}

/// A diesel generator running: a single-cylinder diesel chugging at about 25 firings a
/// second, each with the hard clatter of diesel combustion, the alternator's 100 Hz hum
/// under it and the cooling fan's rush of air. Steady: a governor holds its speed.
pub fn generator(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("generator");
    let firing_hz = 23.0 + 4.0 * rng.next_f32();
    let mut out = Stereo::silence(scene.frames);
    let pipe = [(75.0, 3.0, 1.0), (180.0, 4.0, 0.6), (420.0, 3.0, 0.3)];
    add_exhaust(scene, &mut out, firing_hz, &pipe, 0.6 + 0.4 * i);
    let mut hum = Sine::new(sr, 0.0);
    let mut hum2 = Sine::new(sr, 0.0);
    let mut fan = PinkNoise::new(scene.rng.fork("fan"));
    let mut fan_bp = Biquad::bandpass(sr, 1200.0, 0.5);
    for n in 0..scene.frames {
        let y = 0.04 * hum.next_sample(100.0)
            + 0.02 * hum2.next_sample(200.0)
            + fan_bp.process(fan.next_sample()) * 0.05;
        out.left[n] += y;
        out.right[n] += y;
    }
    soft_edges(scene, &mut out, 0.3, 0.3);
    out
}

/// A small outboard motor puttering across a lake: a two-stroke idling at about 15
/// firings a second, its exhaust bubbling out under water (a muffled, burbling "putt-putt"
/// with a rush of bubbles at each beat), the whine of its gears faintly above, and the
/// water slapping the hull.
pub fn boat_motor(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("outboard");
    let firing_hz = (13.0 + 4.0 * rng.next_f32()) * (0.9 + 0.5 * i);
    let mut out = Stereo::silence(scene.frames);
    let pipe = [(110.0, 3.0, 1.0), (260.0, 4.0, 0.5), (600.0, 3.0, 0.2)];
    let firings = add_exhaust(scene, &mut out, firing_hz, &pipe, 0.15);
    // Under water the exhaust leaves as bubbles.
    for at in firings {
        for _ in 0..2 {
            let d = at + scene.frames_for(0.01 + 0.03 * rng.next_f32());
            let f = 150.0 + 350.0 * rng.next_f32();
            let amp = 0.05 + 0.1 * rng.next_f32();
            add_rising_bubble(&mut out, sr, d, f, 1.5, 0.02, amp, 0.2 * rng.bipolar());
        }
    }
    let mut gear = Sine::new(sr, 0.0);
    let gear_hz = firing_hz * 60.0;
    let mut water = PinkNoise::new(scene.rng.fork("lapping"));
    let mut water_bp = Biquad::bandpass(sr, 700.0, 0.8);
    let mut slap = Drift::new(scene.rng.fork("slap"), sr, 3.0, 0.0, 1.0);
    for n in 0..scene.frames {
        let sl = slap.next_sample();
        let y = 0.004 * gear.next_sample(gear_hz)
            + water_bp.process(water.next_sample()) * sl * sl * 0.12;
        out.left[n] += y;
        out.right[n] += y * 0.9;
    }
    soft_edges(scene, &mut out, 0.3, 0.3);
    out
}

/// Times of a repeated action for the whole clip, or `count` of them: `interval_s` apart
/// with a little spread.
fn action_times(scene: &Scene, rng: &mut Rng, first_s: f32, interval_s: (f32, f32)) -> Vec<usize> {
    let max = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut times = Vec::new();
    let mut t = first_s;
    while times.len() < max {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        times.push(at);
        t += interval_s.0 + (interval_s.1 - interval_s.0) * rng.next_f32();
    }
    times
}

/// Adds band-passed noise swelling over `len_s` from `start` (peak at `peak_at` of it).
#[allow(clippy::too_many_arguments)]
fn add_swish(
    out: &mut Stereo,
    sr: f32,
    noise: &mut WhiteNoise,
    start: usize,
    len_s: f32,
    peak_at: f32,
    centre_hz: (f32, f32),
    q: f32,
    gain: f32,
) {
    let len = (len_s * sr) as usize;
    let mut bp = Biquad::bandpass(sr, centre_hz.0, q);
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            break;
        }
        let pos = n as f32 / len as f32;
        if n % 32 == 0 {
            bp.set(sr, centre_hz.0 + (centre_hz.1 - centre_hz.0) * pos, q);
        }
        let s = bp.process(noise.next_sample()) * swell_gain(pos, peak_at) * gain;
        out.left[at] += s;
        out.right[at] += s;
    }
}

/// Pages of a book being turned: each page lifts with a brush of paper on paper, swishes
/// over (a breathy rush of bright noise with the crackle of the sheet flexing) and lands
/// with a light flap. One every second or two; `count` pages.
pub fn pages(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("pages");
    let mut noise = WhiteNoise::new(scene.rng.fork("paper"));
    let flap = Hit {
        modes: &[(170.0, 0.02, 0.3)],
        noise_amp: 1.0,
        noise_decay_s: 0.006,
        noise_centre_hz: 1200.0,
        noise_q: 0.6,
    };
    let mut out = Stereo::silence(scene.frames);
    for at in action_times(scene, &mut rng, 0.05, (1.0, 1.8)) {
        let len_s = 0.3 + 0.1 * rng.next_f32();
        let gain = 0.6 + 0.4 * i;
        add_swish(
            &mut out,
            sr,
            &mut noise,
            at,
            len_s,
            0.6,
            (1800.0, 3200.0),
            0.9,
            0.5 * gain,
        );
        let crackle = at + scene.frames_for(0.04);
        add_crunch(
            &mut out,
            sr,
            &mut rng,
            crackle,
            len_s * 0.8,
            0.5,
            45,
            (2000.0, 8000.0),
            0.3 * gain,
            0.1,
        );
        let land = at + scene.frames_for(0.85 * len_s);
        if land < scene.frames {
            add_hit(&mut out, sr, &mut rng, land, 0.35 * gain, 0.1, 1.0, &flap);
        }
    }
    out
}

/// Scissors snipping paper: each snip is the blades closing, a short bright shearing rasp
/// of steel on steel rising as the cut runs along them, with the paper's crisp tear, ending
/// in the click of the blades meeting; then the faint tick of them opening again. About two
/// snips a second; `count` snips.
pub fn scissors(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("scissors");
    let mut noise = WhiteNoise::new(scene.rng.fork("shear"));
    let click = Hit {
        modes: &[
            (4200.0, 0.006, 0.4),
            (7300.0, 0.004, 0.3),
            (2100.0, 0.008, 0.2),
        ],
        noise_amp: 1.0,
        noise_decay_s: 0.0008,
        noise_centre_hz: 6000.0,
        noise_q: 1.0,
    };
    let mut out = Stereo::silence(scene.frames);
    for at in action_times(scene, &mut rng, 0.05, (0.4, 0.6)) {
        let gain = 0.7 + 0.3 * i;
        let close_s = 0.05 + 0.03 * rng.next_f32();
        add_swish(
            &mut out,
            sr,
            &mut noise,
            at,
            close_s,
            0.8,
            (3000.0, 6500.0),
            3.0,
            0.4 * gain,
        );
        add_crunch(
            &mut out,
            sr,
            &mut rng,
            at,
            close_s,
            0.6,
            30,
            (1500.0, 6000.0),
            0.35 * gain,
            0.0,
        );
        let shut = at + scene.frames_for(close_s);
        if shut < scene.frames {
            add_hit(&mut out, sr, &mut rng, shut, 0.6 * gain, 0.0, 1.0, &click);
        }
        let open = shut + scene.frames_for(0.15 + 0.05 * rng.next_f32());
        if open < scene.frames {
            add_hit(&mut out, sr, &mut rng, open, 0.12 * gain, 0.0, 1.1, &click);
        }
    }
    out
}

/// A robot arm at work: its joints' servo motors whir as each moves (a geared whine whose
/// pitch climbs as the motor speeds up and falls as it stops, from a few hundred hertz to
/// about a kilohertz, buzzy with harmonics), a click of the brake or gripper at the end of
/// each move, and a short pause before the next.
pub fn robot_arm(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("robot");
    let click = Hit {
        modes: &[
            (2800.0, 0.008, 0.4),
            (5200.0, 0.005, 0.3),
            (900.0, 0.015, 0.3),
        ],
        noise_amp: 1.2,
        noise_decay_s: 0.001,
        noise_centre_hz: 4000.0,
        noise_q: 0.9,
    };
    let mut out = Stereo::silence(scene.frames);
    let mut t = 0.05;
    while scene.frames_for(t) < scene.frames {
        let move_s = 0.3 + 0.6 * rng.next_f32();
        let top_hz = (500.0 + 600.0 * rng.next_f32()) * (0.8 + 0.4 * i);
        let pan = 0.5 * rng.bipolar();
        let start = scene.frames_for(t);
        let len = scene.frames_for(move_s);
        let (mut motor, mut gear) = (Saw::new(sr, 0.0), Sine::new(sr, 0.0));
        let mut lp = OnePoleLowpass::new(sr, 4000.0);
        let gains = pan_gains(pan);
        for n in 0..len {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let speed = swell_gain(n as f32 / len as f32, 0.5);
            let f = 150.0 + (top_hz - 150.0) * speed;
            let x = lp.process(0.5 * motor.next_sample(f) + 0.3 * gear.next_sample(2.0 * f));
            let s = x * speed.sqrt() * 0.35;
            out.left[at] += s * gains.0;
            out.right[at] += s * gains.1;
        }
        let end = start + len;
        if end < scene.frames {
            add_hit(&mut out, sr, &mut rng, end, 0.6, pan, 1.0, &click);
            if rng.chance(0.4) {
                let again = end + scene.frames_for(0.06 + 0.04 * rng.next_f32());
                if again < scene.frames {
                    add_hit(&mut out, sr, &mut rng, again, 0.4, pan, 1.15, &click);
                }
            }
        }
        t += move_s + 0.15 + 0.35 * rng.next_f32();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::sounds::SoundParams;
    use crate::dsp::sounds::analysis::*;

    const SR: f32 = 48_000.0;

    fn render(f: fn(&Scene) -> Stereo, seconds: f32, params: SoundParams) -> Vec<f32> {
        mono(&f(&scene((seconds * SR) as usize, params, 3)))
    }

    fn span(x: &[f32], from_s: f32, to_s: f32) -> &[f32] {
        let a = ((from_s * SR) as usize).min(x.len());
        let b = ((to_s * SR) as usize).min(x.len());
        &x[a..b]
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|s| s * s).sum::<f32>() / x.len().max(1) as f32).sqrt()
    }

    fn counted(n: u32) -> SoundParams {
        SoundParams {
            count: Some(n),
            ..SoundParams::default()
        }
    }

    #[test]
    fn a_crossing_beeper_pips_high_about_eight_times_a_second() {
        let x = render(crossing_beep, 3.0, SoundParams::default());
        let f = peak_hz(span(&x, 0.5, 2.5), SR, 1000.0, 5000.0, 10.0);
        assert!((2300.0..2800.0).contains(&f), "{f}");
        let (rate, strength) = modulation(span(&x, 0.5, 2.5), SR, 4.0, 16.0);
        assert!((7.0..9.0).contains(&rate), "{rate}");
        assert!(strength > 0.8, "{strength}");
    }

    #[test]
    fn a_microwave_beeps_as_many_times_as_asked() {
        for n in [1, 3, 5] {
            let x = render(microwave, 0.2 + 0.64 * n as f32, counted(n));
            assert_eq!(bursts(&x, SR, 0.5), n as usize, "{n}");
        }
        let x = render(microwave, 2.0, SoundParams::default());
        assert_eq!(bursts(&x, SR, 0.5), 3);
        let f = peak_hz(span(&x, 0.1, 0.3), SR, 1000.0, 5000.0, 10.0);
        assert!((1950.0..2550.0).contains(&f), "{f}");
    }

    #[test]
    fn an_air_raid_siren_winds_up_then_wails_slowly_in_a_minor_third() {
        let x = render(air_raid_siren, 16.0, SoundParams::default());
        let pitch = |a: f32| peak_hz(span(&x, a, a + 0.3), SR, 60.0, 700.0, 2.0);
        let (start, top) = (pitch(0.3), pitch(4.0));
        assert!((400.0..500.0).contains(&top), "{top}");
        assert!(start < 0.6 * top, "{start} {top}");
        // Half a wail later it has sagged by about a quarter, then it climbs back.
        let low = pitch(4.0 + 3.9);
        assert!((0.6..0.85).contains(&(low / top)), "{low} {top}");
        assert!(pitch(4.0 + 7.8) > 0.9 * top);
        // The second rotor: a strong component 1.19 times the first.
        let body = span(&x, 4.0, 4.3);
        let second = power_at(body, SR, 1.19 * top);
        assert!(second > 0.2 * power_at(body, SR, top), "{second}");
        // And it is loud when fast, quieter when slow.
        assert!(rms(span(&x, 4.0, 4.5)) > 1.5 * rms(span(&x, 0.1, 0.6)));
    }

    #[test]
    fn a_vibrating_phone_buzzes_near_180_hz_in_pairs_and_rattles() {
        let x = render(phone_vibrate, 3.0, SoundParams::default());
        // A double buzz, a pause, a double buzz.
        assert_eq!(bursts(&x, SR, 0.3), 4);
        assert!(rms(span(&x, 1.3, 2.0)) < 0.05 * rms(span(&x, 0.1, 0.4)));
        let body = span(&x, 0.1, 0.4);
        let (f0, strength) = periodicity(body, SR, 120.0, 260.0);
        assert!((150.0..215.0).contains(&f0), "{f0}");
        assert!(strength > 0.5, "{strength}");
        // A rattle, not a hum: most of the power is well above the motor's rate.
        let share = band_share(body, SR, (50.0, 6000.0), (400.0, 6000.0), 10.0);
        assert!(share > 0.3, "{share}");
        let x = render(phone_vibrate, 3.0, counted(3));
        assert_eq!(bursts(&x, SR, 0.3), 3);
    }

    #[test]
    fn high_heels_click_brighter_and_quicker_than_shoes() {
        let p = SoundParams::default();
        let x = render(heels, 3.0, p.clone());
        let shoes = render(super::super::foley::footsteps, 3.0, p);
        let bright = |x: &[f32]| centroid_hz(x, SR, 100.0, 8000.0, 25.0);
        assert!(
            bright(&x) > 1.4 * bright(&shoes),
            "{} {}",
            bright(&x),
            bright(&shoes)
        );
        let steps = onsets(&x, SR, 0.2, 0.2);
        assert!((6..=7).contains(&steps.len()), "{steps:?}");
        // The click is over in a flash: 20 ms after it the level has fallen far.
        let at = steps[1];
        let (click, after) = (
            rms(span(&x, at, at + 0.01)),
            rms(span(&x, at + 0.03, at + 0.05)),
        );
        assert!(after < 0.25 * click, "{click} {after}");
        let x = render(heels, 3.0, counted(3));
        assert_eq!(onsets(&x, SR, 0.2, 0.2).len(), 3);
    }

    #[test]
    fn hail_is_many_hard_hits_ringing_the_roof_and_more_when_heavy() {
        let gentle = render(
            hail,
            3.0,
            SoundParams {
                intensity: 0.1,
                ..SoundParams::default()
            },
        );
        let heavy = render(
            hail,
            3.0,
            SoundParams {
                intensity: 0.9,
                ..SoundParams::default()
            },
        );
        let hits = onsets(&gentle, SR, 0.01, 0.01).len();
        assert!(hits > 15, "{hits}");
        // Heavier hail: several times the stones, so a much higher level.
        let (a, b) = (rms(&gentle), rms(&heavy));
        assert!(b > 1.5 * a, "{a} {b}");
        // The roof rings: its lowest mode stands out of the spectrum around it.
        let s = spectrum(span(&gentle, 0.2, 2.8), SR, 150.0, 300.0, 1.0);
        let (_, peak) = s
            .iter()
            .copied()
            .fold((0.0, 0.0), |m, p| if p.1 > m.1 { p } else { m });
        let median = {
            let mut v: Vec<f32> = s.iter().map(|p| p.1).collect();
            v.sort_by(f32::total_cmp);
            v[v.len() / 2]
        };
        assert!(peak > 10.0 * median, "{peak} {median}");
    }

    #[test]
    fn a_waterfall_roars_steadily_and_low() {
        let x = render(waterfall, 4.0, SoundParams::default());
        let env = envelope(span(&x, 0.8, 3.2), SR, 0.25);
        let (lo, hi) = env
            .iter()
            .fold((f32::MAX, 0.0f32), |(a, b), &e| (a.min(e), b.max(e)));
        assert!(hi < 1.6 * lo, "{lo} {hi}");
        let c = centroid_hz(span(&x, 1.0, 2.0), SR, 20.0, 8000.0, 20.0);
        assert!(c < 1200.0, "{c}");
        // Broadband: real power up in the spray band too.
        let share = band_share(
            span(&x, 1.0, 2.0),
            SR,
            (20.0, 8000.0),
            (2000.0, 8000.0),
            20.0,
        );
        assert!(share > 0.01, "{share}");
    }

    #[test]
    fn a_magic_sparkle_glides_up_in_twinkles() {
        let x = render(magic_sparkle, 2.2, SoundParams::default());
        // Note after note, each higher: the strongest pitch climbs through the sweep.
        let pitches: Vec<f32> = (0..8)
            .map(|k| {
                let a = 0.02 + 0.1 * k as f32;
                peak_hz(span(&x, a, a + 0.1), SR, 800.0, 5000.0, 5.0)
            })
            .collect();
        assert!(
            pitches.windows(2).all(|w| w[1] > 0.98 * w[0]),
            "{pitches:?}"
        );
        assert!(pitches[7] > 2.5 * pitches[0], "{pitches:?}");
        assert!(rms(span(&x, 2.0, 2.2)) < 0.2 * rms(span(&x, 0.5, 1.0)));
    }

    #[test]
    fn a_key_ticks_in_then_the_bolt_clacks_loudest() {
        let x = render(lock, 1.5, SoundParams::default());
        let pins = onsets(span(&x, 0.0, 0.3), SR, 0.02, 0.02);
        assert!(pins.len() >= 4, "{pins:?}");
        let loudest = envelope(&x, SR, 0.01)
            .iter()
            .enumerate()
            .fold((0, 0.0f32), |m, (k, &e)| if e > m.1 { (k, e) } else { m })
            .0 as f32
            * 0.01;
        assert!((0.9..1.0).contains(&loudest), "{loudest}");
        // Twice turned: two clacks after the key is in.
        let x = render(lock, 2.2, counted(2));
        let clacks = onsets(span(&x, 0.5, 2.2), SR, 0.4, 0.2);
        assert_eq!(clacks.len(), 2, "{clacks:?}");
    }

    #[test]
    fn leaves_rustle_brightly_and_swell_with_the_gusts() {
        let x = render(rustling_leaves, 8.0, SoundParams::default());
        let c = centroid_hz(span(&x, 1.0, 7.0), SR, 50.0, 10000.0, 50.0);
        assert!(c > 2000.0, "{c}");
        let env = envelope(span(&x, 1.0, 7.0), SR, 0.25);
        let (lo, hi) = env
            .iter()
            .fold((f32::MAX, 0.0f32), |(a, b), &e| (a.min(e), b.max(e)));
        assert!(hi > 1.8 * lo, "{lo} {hi}");
    }

    #[test]
    fn steps_in_dry_leaves_crackle_long_and_bright() {
        let x = render(footsteps_leaves, 3.0, counted(2));
        let snow = render(super::super::foley::footsteps_snow, 3.0, counted(2));
        let bright = |x: &[f32]| centroid_hz(span(x, 0.0, 0.5), SR, 100.0, 12000.0, 50.0);
        assert!(
            bright(&x) > bright(&snow) * 1.3,
            "{} {}",
            bright(&x),
            bright(&snow)
        );
        // A crackle lasting a good quarter of a second, not a tap.
        let step = span(&x, 0.05, 0.5);
        let env = envelope(step, SR, 0.02);
        let top = env.iter().copied().fold(0.0, f32::max);
        let busy = env.iter().filter(|&&e| e > 0.2 * top).count();
        assert!(busy >= 8, "{busy}");
    }

    #[test]
    fn a_stone_plops_with_a_low_rising_bubble() {
        let x = render(plop, 1.0, SoundParams::default());
        let ring = span(&x, 0.06, 0.1);
        let early = peak_hz(ring, SR, 150.0, 1200.0, 5.0);
        assert!((200.0..900.0).contains(&early), "{early}");
        let later = peak_hz(span(&x, 0.12, 0.18), SR, 150.0, 2000.0, 5.0);
        assert!(later > early, "{early} {later}");
        // Over in a moment: the droplets are faint and gone by half a second.
        assert!(rms(span(&x, 0.6, 1.0)) < 0.02 * rms(span(&x, 0.03, 0.15)));
        let x = render(plop, 2.4, counted(3));
        assert_eq!(bursts(&x, SR, 0.4), 3);
    }

    #[test]
    fn chopping_knocks_a_woody_board_about_four_times_a_second() {
        let x = render(chopping, 2.0, counted(6));
        let hits = onsets(&x, SR, 0.2, 0.1);
        assert_eq!(hits.len(), 6, "{hits:?}");
        let gaps: Vec<f32> = hits.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|g| (0.2..0.32).contains(g)), "{gaps:?}");
        let c = centroid_hz(span(&x, 0.0, 1.6), SR, 100.0, 8000.0, 20.0);
        assert!((500.0..2500.0).contains(&c), "{c}");
    }

    #[test]
    fn hammer_blows_ring_higher_as_the_nail_goes_in() {
        let x = render(hammer, 5.0, counted(7));
        let hits = onsets(&x, SR, 0.2, 0.3);
        assert_eq!(hits.len(), 7, "{hits:?}");
        let ring = |t: f32| peak_hz(span(&x, t + 0.01, t + 0.1), SR, 1800.0, 3500.0, 5.0);
        let (first, last) = (ring(hits[0]), ring(hits[6]));
        assert!(last > 1.1 * first, "{first} {last}");
        // A bright ring, not only a thump: the nail's mode carries real power.
        let blow = span(&x, hits[0], hits[0] + 0.1);
        let share = band_share(blow, SR, (100.0, 8000.0), (1800.0, 8000.0), 20.0);
        assert!(share > 0.2, "{share}");
    }

    #[test]
    fn sawing_rasps_at_the_tooth_rate_in_strokes() {
        let x = render(saw, 3.5, counted(4));
        assert_eq!(bursts(&x, SR, 0.3), 4);
        // Within a push, the level buzzes at a couple of hundred teeth a second.
        let (rate, strength) = modulation(span(&x, 0.15, 0.4), SR, 100.0, 400.0);
        assert!((150.0..300.0).contains(&rate), "{rate}");
        assert!(strength > 0.2, "{strength}");
        // The push cuts, the pull only rides back: pushes are louder.
        let push = rms(span(&x, 0.15, 0.4));
        let pull = rms(span(&x, 0.6, 0.8));
        assert!(push > 1.5 * pull, "{push} {pull}");
    }

    #[test]
    fn a_steam_train_chuffs_four_times_a_second() {
        let x = render(steam_train, 6.0, SoundParams::default());
        let body = span(&x, 0.5, 5.5);
        // Chuffs: the 10 ms level repeats three to five and a half times a second.
        let env = envelope(body, SR, 0.01);
        let (rate, strength) = (18..=33)
            .map(|lag| (100.0 / lag as f32, autocorrelation(&env, lag)))
            .fold((0.0, f32::MIN), |m, p| if p.1 > m.1 { p } else { m });
        assert!((3.0..5.5).contains(&rate), "{rate}");
        assert!(strength > 0.25, "{strength}");
    }

    #[test]
    fn bees_buzz_at_a_wingbeat_and_wander() {
        let x = render(bees, 4.0, SoundParams::default());
        let f = peak_hz(span(&x, 0.5, 3.5), SR, 150.0, 320.0, 2.0);
        assert!((190.0..275.0).contains(&f), "{f}");
        // Harmonics: a buzz, not a hum.
        let share = band_share(
            span(&x, 0.5, 3.5),
            SR,
            (150.0, 3000.0),
            (400.0, 3000.0),
            5.0,
        );
        assert!(share > 0.2, "{share}");
        let env = envelope(span(&x, 0.5, 3.5), SR, 0.1);
        let (lo, hi) = env
            .iter()
            .fold((f32::MAX, 0.0f32), |(a, b), &e| (a.min(e), b.max(e)));
        assert!(hi > 1.3 * lo, "{lo} {hi}");
    }

    #[test]
    fn a_generator_chugs_steadily_near_25_hz_with_a_clatter() {
        let x = render(generator, 3.0, SoundParams::default());
        let (rate, strength) = modulation(span(&x, 0.5, 2.5), SR, 15.0, 40.0);
        assert!((20.0..30.0).contains(&rate), "{rate}");
        assert!(strength > 0.3, "{strength}");
        let share = band_share(
            span(&x, 0.5, 2.5),
            SR,
            (20.0, 8000.0),
            (2500.0, 8000.0),
            20.0,
        );
        assert!(share > 0.001, "{share}");
    }

    #[test]
    fn an_outboard_putters_slower_and_bubbles() {
        let x = render(boat_motor, 3.0, SoundParams::default());
        let (rate, strength) = modulation(span(&x, 0.5, 2.5), SR, 8.0, 30.0);
        assert!((11.0..21.0).contains(&rate), "{rate}");
        assert!(strength > 0.2, "{strength}");
        let c = centroid_hz(span(&x, 0.5, 2.5), SR, 20.0, 4000.0, 10.0);
        assert!(c < 800.0, "{c}");
    }

    #[test]
    fn a_page_turn_is_a_bright_swish_that_lands() {
        let x = render(pages, 3.0, counted(2));
        // Two swells of the 50 ms level, apart.
        let env = envelope(&x, SR, 0.05);
        let top = env.iter().copied().fold(0.0, f32::max);
        let rises = env
            .windows(2)
            .filter(|w| w[0] < 0.1 * top && w[1] >= 0.1 * top)
            .count();
        assert_eq!(rises, 2, "{env:?}");
        let c = centroid_hz(span(&x, 0.05, 0.45), SR, 100.0, 10000.0, 25.0);
        assert!((1500.0..5000.0).contains(&c), "{c}");
        // A swish, not a tap: loud for a good part of a third of a second.
        let env = envelope(span(&x, 0.05, 0.5), SR, 0.02);
        let top = env.iter().copied().fold(0.0, f32::max);
        assert!(
            env.iter().filter(|&&e| e > 0.3 * top).count() >= 6,
            "{env:?}"
        );
    }

    #[test]
    fn scissors_snip_brightly_and_click_shut() {
        let x = render(scissors, 2.0, counted(3));
        assert_eq!(bursts(&x, SR, 0.3), 3);
        let c = centroid_hz(span(&x, 0.0, 1.5), SR, 100.0, 12000.0, 25.0);
        assert!(c > 3000.0, "{c}");
    }

    #[test]
    fn a_robot_arm_whirs_up_and_down_and_clicks() {
        let x = render(robot_arm, 4.0, SoundParams::default());
        let pitch = |a: f32| peak_hz(span(&x, a, a + 0.04), SR, 100.0, 1400.0, 5.0);
        // The first move: slow at its ends, fast (high) in the middle.
        let s = scene(4 * 48_000, SoundParams::default(), 3);
        let mut rng = s.rng.fork("robot");
        let move_s = 0.3 + 0.6 * rng.next_f32();
        let (edge, mid) = (pitch(0.05 + 0.1 * move_s), pitch(0.05 + 0.48 * move_s));
        assert!(mid > 1.5 * edge, "{edge} {mid}");
        // A click at its end stands out sharply.
        let end = 0.05 + move_s;
        let clicks = onsets(span(&x, end - 0.05, end + 0.05), SR, 0.1, 0.05);
        assert!(!clicks.is_empty());
    }

    #[test]
    fn every_sound_is_seeded_and_exactly_as_long_as_asked() {
        let all: [fn(&Scene) -> Stereo; 22] = [
            crossing_beep,
            microwave,
            air_raid_siren,
            phone_vibrate,
            heels,
            hail,
            waterfall,
            magic_sparkle,
            lock,
            rustling_leaves,
            footsteps_leaves,
            plop,
            chopping,
            hammer,
            saw,
            steam_train,
            bees,
            generator,
            boat_motor,
            pages,
            scissors,
            robot_arm,
        ];
        for f in all {
            for (frames, sr) in [(1, 8000.0), (37, 22_050.0), (20_000, 44_100.0)] {
                let s = Scene {
                    sample_rate_hz: sr,
                    frames,
                    background: true,
                    params: SoundParams::default(),
                    rng: Rng::new(7),
                };
                let a = f(&s);
                assert_eq!(a.frames(), frames);
                assert!(a.left.iter().chain(&a.right).all(|v| v.is_finite()));
                let b = f(&Scene {
                    rng: Rng::new(7),
                    ..s
                });
                assert_eq!(a, b);
            }
        }
    }
}
