//! Struck, rung and clinking things, by modal synthesis.
//!
//! A solid object that is hit rings at a set of its own frequencies (its modes), each dying
//! away exponentially at its own rate: a bronze bell's partials ring for seconds and sit at
//! inharmonic ratios (the minor third "tierce" is what makes it a bell); a cup's die in a
//! tenth of a second; a key's are all high. A [`Body`] is such a set of modes, as two-pole
//! resonators driven by a force signal. A strike is a short half-sine push whose length is
//! the contact time: a hard hammer touches for a fraction of a millisecond and excites the
//! high modes, a soft one for longer and only the low ones, exactly as on a real object.
//! The same body can be struck again and again (a bell's clapper, an electric bell's
//! hammer): its modes keep ringing and add up, as they do in metal.

use super::{Scene, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::rng::Rng;

/// What an object is made of and shaped like: its partials as `(ratio to the pitch, decay
/// to 1/e in s, gain)`, how much each partial is split into a beating pair (a bell is not
/// perfectly round), how much the ratios vary from one object to the next, and the noise
/// of the contact itself `(gain, decay s, centre Hz, Q)`.
#[derive(Debug)]
pub struct Material {
    pub partials: &'static [(f32, f32, f32)],
    pub split: f32,
    pub spread: f32,
    pub contact: (f32, f32, f32, f32),
}

/// A cast bronze church bell, partials relative to the prime: hum (an octave below),
/// prime, the minor-third tierce, quint, nominal (the octave, heard as the strike note),
/// and the upper partials that give the clang and die first.
pub const BELL_BRONZE: Material = Material {
    partials: &[
        (0.5, 4.5, 0.4),
        (1.0, 2.6, 0.55),
        (1.19, 2.1, 0.7),
        (1.5, 1.5, 0.3),
        (2.0, 1.4, 1.0),
        (2.51, 0.8, 0.6),
        (2.66, 0.75, 0.5),
        (3.01, 0.55, 0.55),
        (4.1, 0.32, 0.45),
        (5.4, 0.18, 0.35),
        (6.7, 0.11, 0.25),
        (8.2, 0.07, 0.15),
    ],
    split: 0.003,
    spread: 0.004,
    contact: (0.6, 0.003, 2200.0, 0.9),
};

/// A small steel or brass dome (bicycle bell, desk bell, timer and electric-bell gongs):
/// few, widely spaced partials that ring for about a second.
pub const SMALL_STEEL_BELL: Material = Material {
    partials: &[
        (1.0, 0.9, 1.0),
        (1.59, 0.6, 0.35),
        (2.37, 0.45, 0.55),
        (3.24, 0.3, 0.3),
        (4.15, 0.2, 0.2),
        (5.4, 0.12, 0.12),
    ],
    split: 0.0015,
    spread: 0.01,
    contact: (0.15, 0.0015, 5000.0, 0.8),
};

/// Glazed ceramic (a cup, a saucer, a plate): stiff and lossy, so bright partials that die
/// within a tenth of a second or so.
pub const CERAMIC: Material = Material {
    partials: &[
        (1.0, 0.12, 1.0),
        (1.73, 0.09, 0.7),
        (2.46, 0.07, 0.6),
        (3.4, 0.05, 0.45),
        (4.3, 0.04, 0.3),
        (5.6, 0.03, 0.2),
    ],
    split: 0.0,
    spread: 0.03,
    contact: (0.35, 0.0012, 4500.0, 0.7),
};

/// A thin glass (a wine glass): shell modes at roughly 1 : 2.7 : 5.1 : 8.3, ringing long.
pub const GLASS: Material = Material {
    partials: &[
        (1.0, 1.3, 1.0),
        (2.71, 0.6, 0.6),
        (5.1, 0.3, 0.35),
        (8.3, 0.14, 0.18),
    ],
    split: 0.0012,
    spread: 0.01,
    contact: (0.08, 0.0008, 7000.0, 0.8),
};

/// A thin metal bar (a spoon, a key, a clock's chime rod): the free-free beam's partials at
/// 1 : 2.76 : 5.40 : 8.93.
pub const THIN_METAL: Material = Material {
    partials: &[
        (1.0, 0.35, 1.0),
        (2.756, 0.22, 0.6),
        (5.404, 0.12, 0.35),
        (8.933, 0.07, 0.2),
    ],
    split: 0.0,
    spread: 0.02,
    contact: (0.12, 0.0008, 6000.0, 0.8),
};

/// A thin steel plate (a sink's basin): many close modes that give a boomy clang.
pub const STEEL_PLATE: Material = Material {
    partials: &[
        (1.0, 0.45, 0.8),
        (1.47, 0.4, 0.7),
        (2.09, 0.35, 0.8),
        (2.56, 0.3, 0.6),
        (3.22, 0.25, 0.5),
        (3.6, 0.22, 0.45),
        (4.3, 0.18, 0.35),
        (5.1, 0.14, 0.3),
    ],
    split: 0.0,
    spread: 0.03,
    contact: (0.1, 0.002, 3000.0, 0.7),
};

/// Dry wood (a stick, a block): heavily damped, the knock is over in tens of milliseconds.
pub const WOOD: Material = Material {
    partials: &[
        (1.0, 0.03, 1.0),
        (2.57, 0.02, 0.6),
        (4.1, 0.012, 0.4),
        (6.3, 0.008, 0.2),
    ],
    split: 0.0,
    spread: 0.05,
    contact: (0.5, 0.002, 2500.0, 0.6),
};

/// One mode: a two-pole resonator scaled so that a unit impulse rings it with amplitude
/// `gain` (y[n] = g·rⁿ·sin((n+1)ω)).
#[derive(Clone, Copy, Debug)]
struct Mode {
    c: f32,
    r2: f32,
    b: f32,
}

/// A resonating object: the modes of one material at one pitch.
#[derive(Clone, Debug)]
pub struct Body {
    modes: Vec<Mode>,
    /// The longest decay to 1/e, seconds: how long the body rings after the last push.
    longest_s: f32,
}

impl Body {
    /// The modes of `material` with its first partial at `pitch_hz`, every decay multiplied
    /// by `decay_scale` (a bigger bell rings longer; a hand on it damps it). This object's
    /// own small deviations from the ideal ratios come from `rng`. Partials above 0.45 of
    /// the sample rate are left out.
    pub fn new(
        sample_rate_hz: f32,
        material: &Material,
        pitch_hz: f32,
        decay_scale: f32,
        rng: &mut Rng,
    ) -> Body {
        let mut modes = Vec::new();
        let mut longest_s = 0.0f32;
        for &(ratio, decay_s, gain) in material.partials {
            let f = pitch_hz * ratio * (1.0 + material.spread * rng.bipolar());
            let decay = decay_s * decay_scale;
            longest_s = longest_s.max(decay);
            if material.split > 0.0 {
                // Two modes a little apart beat slowly, as a real bell warbles.
                let d = material.split * (0.5 + rng.next_f32());
                let share = 0.4 + 0.2 * rng.next_f32();
                for (ff, g) in [
                    (f * (1.0 - d / 2.0), share),
                    (f * (1.0 + d / 2.0), 1.0 - share),
                ] {
                    if let Some(m) = Mode::new(sample_rate_hz, ff, decay, gain * g) {
                        modes.push(m);
                    }
                }
            } else if let Some(m) = Mode::new(sample_rate_hz, f, decay, gain) {
                modes.push(m);
            }
        }
        Body { modes, longest_s }
    }

    /// Frames it takes the body to fall 60 dB after the last push.
    pub fn tail_frames(&self, sr: f32) -> usize {
        (self.longest_s * 6.9 * sr) as usize
    }

    /// Adds the body's ringing under `force` (one value per frame) to `out`.
    pub fn ring(&self, force: &[f32], out: &mut [f32]) {
        let Some(last_push) = force.iter().rposition(|&x| x != 0.0) else {
            return;
        };
        let first_push = force.iter().position(|&x| x != 0.0).unwrap_or(0);
        let end = force.len().min(out.len());
        // Four modes at a time: each mode's recursion waits on its previous sample, so
        // running four side by side keeps the processor busy (and lets it use SIMD).
        for group in self.modes.chunks(4) {
            let mut c = [0.0f32; 4];
            let mut r2 = [0.0f32; 4];
            let mut b = [0.0f32; 4];
            for (k, m) in group.iter().enumerate() {
                (c[k], r2[k], b[k]) = (m.c, m.r2, m.b);
            }
            let (mut y1, mut y2) = ([0.0f32; 4], [0.0f32; 4]);
            let mut n = first_push;
            while n < end {
                let stop = (n + 256).min(end);
                for (o, &f) in out[n..stop].iter_mut().zip(&force[n..stop]) {
                    let mut sum = 0.0;
                    for k in 0..4 {
                        let y = c[k] * y1[k] - r2[k] * y2[k] + b[k] * f;
                        y2[k] = y1[k];
                        y1[k] = y;
                        sum += y;
                    }
                    *o += sum;
                }
                n = stop;
                // Once the pushing is over and the modes have died away, stop.
                let left: f32 = y1.iter().chain(&y2).map(|v| v.abs()).sum();
                if n > last_push && left < 1e-6 {
                    break;
                }
            }
        }
    }
}

impl Mode {
    fn new(sr: f32, freq_hz: f32, decay_s: f32, gain: f32) -> Option<Mode> {
        if freq_hz >= 0.45 * sr || freq_hz <= 0.0 {
            return None;
        }
        let w = std::f32::consts::TAU * freq_hz / sr;
        let r = (-1.0 / (decay_s.max(1e-4) * sr)).exp();
        Some(Mode {
            c: 2.0 * r * w.cos(),
            r2: r * r,
            b: gain * w.sin(),
        })
    }
}

/// Adds a strike to a force signal: a half-sine push lasting `contact_s`, of total `gain`
/// (so the lowest modes ring at about `gain` whatever the contact time, and modes above
/// about 1/contact_s are barely excited).
pub fn strike(force: &mut [f32], sr: f32, at: usize, gain: f32, contact_s: f32) {
    let len = ((contact_s * sr).round() as usize).max(1);
    let shape: Vec<f32> = (0..len)
        .map(|k| (std::f32::consts::PI * (k as f32 + 0.5) / len as f32).sin())
        .collect();
    let total: f32 = shape.iter().sum();
    for (k, s) in shape.iter().enumerate() {
        if let Some(f) = force.get_mut(at + k) {
            *f += gain * s / total;
        }
    }
}

/// Adds the contact's own noise (the click of metal on metal) at `at` to `out`.
pub fn contact_noise(out: &mut [f32], sr: f32, rng: &mut Rng, at: usize, gain: f32, m: &Material) {
    let (level, decay_s, centre_hz, q) = m.contact;
    if level <= 0.0 {
        return;
    }
    let mut bp = Biquad::bandpass(sr, centre_hz.min(0.4 * sr), q);
    let keep = (-1.0 / (decay_s * sr)).exp();
    let mut env = level * gain;
    let len = (decay_s * 8.0 * sr) as usize;
    for n in at..(at + len).min(out.len()) {
        out[n] += bp.process(rng.bipolar() * env);
        env *= keep;
    }
}

/// Adds a mono signal into both channels from frame `at`, at `pan`.
fn place(out: &mut Stereo, at: usize, mono: &[f32], pan: f32) {
    let (gl, gr) = pan_gains(pan);
    let end = (at + mono.len()).min(out.frames());
    for (n, &x) in (at..end).zip(mono) {
        out.left[n] += x * gl;
        out.right[n] += x * gr;
    }
}

/// A struck body, all in one: force and contact noise for `strikes` (frame, gain), rung and
/// placed at `pan`. Only the span from the first strike to the end of the ring is computed.
#[allow(clippy::too_many_arguments)]
fn ring_body(
    out: &mut Stereo,
    scene: &Scene,
    rng: &mut Rng,
    body: &Body,
    material: &Material,
    strikes: &[(usize, f32)],
    contact_s: f32,
    pan: f32,
) {
    let sr = scene.sample_rate_hz;
    let inside = strikes.iter().filter(|s| s.0 < scene.frames);
    let (Some(first), Some(last)) = (inside.clone().map(|s| s.0).min(), inside.map(|s| s.0).max())
    else {
        return;
    };
    let ring = body.tail_frames(sr) + scene.frames_for(contact_s + material.contact.1 * 8.0);
    let end = (last + ring + 1).min(scene.frames);
    let mut force = vec![0.0; end - first];
    let mut mono = vec![0.0; end - first];
    for &(at, gain) in strikes {
        if at < scene.frames {
            strike(&mut force, sr, at - first, gain, contact_s);
            contact_noise(&mut mono, sr, rng, at - first, gain, material);
        }
    }
    body.ring(&force, &mut mono);
    place(out, first, &mono, pan);
}

/// Contact time of a strike for the description's intensity: a hard blow is shorter and
/// so brighter. `soft_s` at intensity 0, `hard_s` at 1.
fn contact_for(scene: &Scene, soft_s: f32, hard_s: f32) -> f32 {
    let i = scene.params.intensity.clamp(0.0, 1.0);
    soft_s * (hard_s / soft_s).powf(i)
}

/// `count` strikes `spacing_s` apart from `first_s`, each of a slightly different force (0.85
/// to 1): once, or as a background again and again with pauses of `pause_s` after the group
/// and its `ring_s` of ringing. `timing` is `(first_s, spacing_s, ring_s)`.
fn evenly_struck(
    scene: &Scene,
    rng: &mut Rng,
    label: &str,
    (first_s, spacing_s, ring_s): (f32, f32, f32),
    count: u32,
    pause_s: (f32, f32),
) -> Vec<(usize, f32)> {
    let group_s = spacing_s * count as f32 + ring_s;
    let mut strikes = Vec::new();
    for start in scene.group_starts(label, first_s, group_s, pause_s) {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s);
            strikes.push((at, 0.85 + 0.15 * rng.next_f32()));
        }
    }
    strikes
}

/// Church bells rung in a tower: six bells tuned to the top of a major scale, rung "full
/// circle" one after another about five times a second. They start in rounds (highest to
/// lowest) and then ring plain hunt, the simplest change-ringing method: on alternate
/// changes neighbouring pairs swap places, so the order keeps shifting and returns to
/// rounds after twelve changes. Every other row leaves a beat's gap (the handstroke gap).
pub fn church_bells(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("peal");
    let tenor_hz = 250.0 * (0.9 + 0.2 * rng.next_f32());
    // Treble first: la, sol, fa, mi, re, do.
    let semis = [9.0f32, 7.0, 5.0, 4.0, 2.0, 0.0];
    let beat_s = 0.21 * (0.95 + 0.1 * rng.next_f32());
    let mut order: Vec<usize> = (0..6).collect();
    let mut strikes: Vec<Vec<(usize, f32)>> = vec![Vec::new(); 6];
    let mut t = 0.03;
    let clip_s = scene.frames as f32 / sr;
    let mut row = 0usize;
    let mut timing = scene.rng.fork("ringers");
    while t < clip_s {
        if row >= 2 {
            // Plain hunt: swap (1,2)(3,4)(5,6) on odd changes, (2,3)(4,5) on even ones.
            let from = if (row - 2).is_multiple_of(2) { 0 } else { 1 };
            let mut k = from;
            while k + 1 < 6 {
                order.swap(k, k + 1);
                k += 2;
            }
        }
        for &bell in &order {
            let at = scene.frames_for(t + 0.012 * timing.bipolar());
            let gain = 0.8 + 0.2 * timing.next_f32();
            strikes[bell].push((at, gain));
            t += beat_s;
        }
        if row % 2 == 1 {
            t += beat_s;
        }
        row += 1;
    }
    let contact_s = contact_for(scene, 0.0012, 0.0003);
    let mut out = Stereo::silence(scene.frames);
    for (bell, &s) in semis.iter().enumerate() {
        let pitch = tenor_hz * 2f32.powf(s / 12.0);
        // Smaller bells ring shorter.
        let decay_scale = (tenor_hz / pitch).powf(0.8);
        let body = Body::new(sr, &BELL_BRONZE, pitch, decay_scale, &mut rng);
        let pan = -0.5 + bell as f32 * 0.2;
        let gain = (pitch / tenor_hz).powf(-0.3);
        let strikes: Vec<(usize, f32)> =
            strikes[bell].iter().map(|&(a, g)| (a, g * gain)).collect();
        ring_body(
            &mut out,
            scene,
            &mut rng,
            &body,
            &BELL_BRONZE,
            &strikes,
            contact_s,
            pan,
        );
    }
    out
}

/// A single big bell tolling slowly, `count` (default 3) strokes four seconds apart: the
/// deep hum and the minor-third tierce linger long after each stroke.
pub fn bell_toll(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("toll");
    let pitch = 160.0 * (0.9 + 0.2 * rng.next_f32());
    let count = scene.params.count.unwrap_or(3).clamp(1, 20);
    let strikes = evenly_struck(
        scene,
        &mut rng,
        "tolls",
        (0.03, 4.0, 0.0),
        count,
        (3.0, 6.0),
    );
    let body = Body::new(sr, &BELL_BRONZE, pitch, 1.8, &mut rng);
    let contact_s = contact_for(scene, 0.0015, 0.0004);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &body,
        &BELL_BRONZE,
        &strikes,
        contact_s,
        0.0,
    );
    out
}

/// A door chime: a solenoid's plunger strikes a tone bar ("ding") and, on release, a second
/// bar a major third lower ("dong"). Tone bars ring as free-free bars. `count` presses.
pub fn doorbell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("doorbell");
    let high = 659.3 * (0.97 + 0.06 * rng.next_f32());
    let low = high * 2f32.powf(-4.0 / 12.0);
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let press_s = 1.6;
    let starts = scene.group_starts("rings", 0.02, press_s * count as f32, (2.0, 5.0));
    let (mut ding, mut dong) = (Vec::new(), Vec::new());
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * press_s);
            ding.push((at, 1.0));
            dong.push((at + scene.frames_for(0.5 + 0.06 * rng.next_f32()), 0.9));
        }
    }
    let contact_s = contact_for(scene, 0.0015, 0.0005);
    let mut out = Stereo::silence(scene.frames);
    for (pitch, strikes, pan) in [(high, &ding, -0.15), (low, &dong, 0.15)] {
        let bar = Body::new(sr, &TONE_BAR, pitch, 1.0, &mut rng);
        ring_body(
            &mut out, scene, &mut rng, &bar, &TONE_BAR, strikes, contact_s, pan,
        );
    }
    out
}

/// A doorbell's tone bar: a thick metal bar that rings for a couple of seconds.
const TONE_BAR: Material = Material {
    partials: &[(1.0, 1.4, 1.0), (2.756, 0.45, 0.35), (5.404, 0.15, 0.12)],
    split: 0.0,
    spread: 0.005,
    contact: (0.2, 0.003, 900.0, 0.7),
};

/// A bicycle bell: a thumb lever flicks a hammer against a steel dome, and the hammer
/// bounces back for a few quick, fading strikes: "brring". `count` rings (default two).
pub fn bicycle_bell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("bicycle");
    let pitch = 2300.0 * (0.92 + 0.16 * rng.next_f32());
    let count = scene.params.count.unwrap_or(2).clamp(1, 20);
    let ring_s = 0.42;
    let starts = scene.group_starts("rings", 0.02, ring_s * count as f32, (1.5, 5.0));
    let mut strikes = Vec::new();
    for start in starts {
        for k in 0..count {
            let mut t = k as f32 * ring_s;
            let mut g = 1.0;
            for _ in 0..(5 + rng.below(3)) {
                strikes.push((start + scene.frames_for(t), g));
                t += 0.028 + 0.01 * rng.next_f32();
                g *= 0.62 + 0.1 * rng.next_f32();
            }
        }
    }
    let dome = Body::new(sr, &SMALL_STEEL_BELL, pitch, 1.0, &mut rng);
    let contact_s = contact_for(scene, 0.00015, 0.00005);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &dome,
        &SMALL_STEEL_BELL,
        &strikes,
        contact_s,
        0.0,
    );
    out
}

/// A shop-door bell: a pair of little bells on a curled spring above the door. The
/// opening door knocks the spring; the bells swing and their clappers strike again and
/// again, quickly at first and then fewer and softer as the swinging dies down.
pub fn shop_bell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("shop-bell");
    let bells: Vec<Body> = (0..2)
        .map(|_| {
            Body::new(
                sr,
                &SMALL_STEEL_BELL,
                2600.0 * (0.8 + 0.5 * rng.next_f32()),
                0.7,
                &mut rng,
            )
        })
        .collect();
    let starts = scene.group_starts("door-openings", 0.02, 1.4, (2.0, 6.0));
    let mut hits: Vec<Vec<(usize, f32)>> = vec![Vec::new(); bells.len()];
    for start in starts {
        for (b, h) in hits.iter_mut().enumerate() {
            let mut t = 0.04 * b as f32 + 0.02 * rng.next_f32();
            while t < 1.3 {
                let swing = (-t / 0.45).exp();
                h.push((
                    start + scene.frames_for(t),
                    swing * (0.5 + 0.5 * rng.next_f32()),
                ));
                t += 0.08 + 0.15 * rng.next_f32() / swing.max(0.3);
            }
        }
    }
    let contact_s = contact_for(scene, 0.00015, 0.00005);
    let mut out = Stereo::silence(scene.frames);
    for (k, (bell, h)) in bells.iter().zip(&hits).enumerate() {
        let pan = -0.15 + 0.15 * k as f32;
        ring_body(
            &mut out,
            scene,
            &mut rng,
            bell,
            &SMALL_STEEL_BELL,
            h,
            contact_s,
            pan,
        );
    }
    out
}

/// An electric bell (a school bell, a fire-alarm bell): an electromagnet swings a hammer
/// against a steel gong about twenty times a second for as long as the current flows,
/// so the gong never stops ringing. As a one-shot it rings for the clip and then rings out.
pub fn electric_bell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("electric-bell");
    let pitch = 1150.0 * (0.9 + 0.2 * rng.next_f32());
    let rate_hz = 18.0 + 6.0 * rng.next_f32();
    let clip_s = scene.frames as f32 / sr;
    let spans: Vec<(f32, f32)> = if scene.background {
        vec![(0.02, clip_s)]
    } else {
        vec![(0.02, (clip_s - 0.6).max(0.2).min(clip_s))]
    };
    let mut strikes = Vec::new();
    for (from, to) in spans {
        let mut t = from;
        while t < to {
            // The interrupter is a fairly steady clock: small wobbles in time and force.
            strikes.push((scene.frames_for(t), 0.9 + 0.1 * rng.next_f32()));
            t += (1.0 + 0.005 * rng.bipolar()) / rate_hz;
        }
    }
    // The hammer rests briefly on the gong after each blow and damps it a little, and it
    // clacks audibly: a short ring and a loud contact give the bell its rattle.
    let gong_material = Material {
        contact: (0.6, 0.001, 4000.0, 0.8),
        ..SMALL_STEEL_BELL
    };
    let gong = Body::new(sr, &gong_material, pitch, 0.2, &mut rng);
    let contact_s = contact_for(scene, 0.00015, 0.00005);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &gong,
        &gong_material,
        &strikes,
        contact_s,
        0.0,
    );
    out
}

/// A wind-up kitchen timer going off: its spring drives a little hammer against a small
/// bell, fast at first and slowing as the spring runs down, for about two seconds.
pub fn kitchen_timer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("timer");
    let pitch = 2900.0 * (0.9 + 0.2 * rng.next_f32());
    let ring_s = 2.2;
    let starts = scene.group_starts("timers", 0.02, ring_s, (3.0, 8.0));
    let mut strikes = Vec::new();
    for start in starts {
        let mut t = 0.0;
        while t < ring_s {
            let run_down = t / ring_s;
            strikes.push((start + scene.frames_for(t), 1.0 - 0.5 * run_down));
            t += 1.0 / (26.0 - 12.0 * run_down) * (1.0 + 0.05 * rng.bipolar());
        }
    }
    let bell = Body::new(sr, &SMALL_STEEL_BELL, pitch, 0.4, &mut rng);
    let contact_s = contact_for(scene, 0.00012, 0.00004);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &bell,
        &SMALL_STEEL_BELL,
        &strikes,
        contact_s,
        0.0,
    );
    out
}

/// A service bell on a counter: a palm on the plunger, one bright "ding" that rings on.
/// `count` dings.
pub fn desk_bell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("desk-bell");
    let pitch = 2050.0 * (0.94 + 0.12 * rng.next_f32());
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let spacing_s = 0.4;
    let starts = scene.group_starts("dings", 0.02, spacing_s * count as f32, (2.0, 5.0));
    let mut strikes = Vec::new();
    for start in starts {
        for k in 0..count {
            strikes.push((start + scene.frames_for(k as f32 * spacing_s), 1.0));
        }
    }
    let dome = Body::new(sr, &SMALL_STEEL_BELL, pitch, 1.8, &mut rng);
    let contact_s = contact_for(scene, 0.00015, 0.00005);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &dome,
        &SMALL_STEEL_BELL,
        &strikes,
        contact_s,
        0.0,
    );
    out
}

/// Two glasses touched together in a toast: both rims struck at the same instant, two
/// slightly different pitches that beat against each other as they ring.
pub fn glass_clink(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("glasses");
    // "Two glasses clink" counts glasses, not clinks: a toast is one clink.
    let starts = scene.group_starts("toasts", 0.02, 0.7, (1.5, 4.0));
    let contact_s = contact_for(scene, 0.00015, 0.00005);
    let mut out = Stereo::silence(scene.frames);
    for g in 0..2 {
        let pitch = 820.0 * (0.85 + 0.3 * rng.next_f32());
        let glass = Body::new(sr, &GLASS, pitch, 1.0, &mut rng);
        // Each toast is of its own force.
        let strikes: Vec<(usize, f32)> = starts
            .iter()
            .map(|&at| (at, 0.6 + 0.4 * rng.next_f32()))
            .collect();
        let pan = if g == 0 { -0.2 } else { 0.2 };
        ring_body(
            &mut out, scene, &mut rng, &glass, &GLASS, &strikes, contact_s, pan,
        );
    }
    out
}

/// A cup set down on its saucer: the cup's foot meets the saucer, rocks and settles with a
/// second and third quicker touch; cup and saucer both ring briefly, as glazed china does.
pub fn cup_clink(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("cup");
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let spacing_s = 0.6;
    let starts = scene.group_starts("cups", 0.02, spacing_s * count as f32, (1.5, 5.0));
    let cup = Body::new(
        sr,
        &CERAMIC,
        1500.0 * (0.9 + 0.2 * rng.next_f32()),
        1.3,
        &mut rng,
    );
    let saucer = Body::new(
        sr,
        &CERAMIC,
        2300.0 * (0.9 + 0.2 * rng.next_f32()),
        1.6,
        &mut rng,
    );
    let mut strikes = Vec::new();
    for start in starts {
        for k in 0..count {
            let mut t = k as f32 * spacing_s;
            let mut g = 1.0;
            for _ in 0..(2 + rng.below(2)) {
                strikes.push((start + scene.frames_for(t), g));
                t += 0.025 + 0.03 * rng.next_f32();
                g *= 0.35 + 0.2 * rng.next_f32();
            }
        }
    }
    let contact_s = contact_for(scene, 0.0003, 0.0001);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out, scene, &mut rng, &cup, &CERAMIC, &strikes, contact_s, -0.05,
    );
    let softer: Vec<(usize, f32)> = strikes.iter().map(|&(a, g)| (a, g * 0.7)).collect();
    ring_body(
        &mut out, scene, &mut rng, &saucer, &CERAMIC, &softer, contact_s, 0.05,
    );
    out
}

/// A spoon dropped into a steel sink: it lands, bounces a few times with shorter and
/// shorter hops (each bounce loses about half its height), and rattles to rest. Every
/// impact rings the spoon (a thin bar, high and bright) and the basin (a boomy steel plate).
pub fn spoon_sink(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("spoon");
    let starts = scene.group_starts("drops", 0.02, 1.2, (2.0, 6.0));
    let spoon = Body::new(
        sr,
        &THIN_METAL,
        1700.0 * (0.85 + 0.3 * rng.next_f32()),
        0.5,
        &mut rng,
    );
    let basin = Body::new(
        sr,
        &STEEL_PLATE,
        310.0 * (0.9 + 0.2 * rng.next_f32()),
        1.0,
        &mut rng,
    );
    let mut strikes = Vec::new();
    for start in starts {
        let mut hop_s = 0.16 + 0.06 * rng.next_f32();
        let mut t = 0.0;
        let mut g = 1.0;
        while hop_s > 0.012 && g > 0.02 {
            strikes.push((start + scene.frames_for(t), g));
            // Spoons land on the bowl, then the handle: a near-double hit.
            if rng.chance(0.6) {
                let second = t + 0.006 + 0.012 * rng.next_f32();
                strikes.push((start + scene.frames_for(second), g * 0.6));
            }
            t += hop_s;
            hop_s *= 0.55 + 0.15 * rng.next_f32();
            g *= 0.7 + 0.15 * rng.next_f32();
        }
    }
    let contact_s = contact_for(scene, 0.0001, 0.00003);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &spoon,
        &THIN_METAL,
        &strikes,
        contact_s,
        0.1,
    );
    let into_basin: Vec<(usize, f32)> = strikes.iter().map(|&(a, g)| (a, g * 0.5)).collect();
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &basin,
        &STEEL_PLATE,
        &into_basin,
        contact_s * 4.0,
        0.0,
    );
    out
}

/// Dishes being stacked and handled: plates set on plates (a clack and a short rattle as
/// the rim settles), now and then cutlery clinking, at a washing-up pace. A texture.
pub fn dishes(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("dishes");
    let i = scene.params.intensity;
    let plates: Vec<Body> = (0..4)
        .map(|_| {
            Body::new(
                sr,
                &CERAMIC,
                900.0 * (0.8 + 0.5 * rng.next_f32()),
                2.0,
                &mut rng,
            )
        })
        .collect();
    let cutlery: Vec<Body> = (0..3)
        .map(|_| {
            Body::new(
                sr,
                &THIN_METAL,
                2100.0 * (0.8 + 0.5 * rng.next_f32()),
                0.6,
                &mut rng,
            )
        })
        .collect();
    let mut plate_hits: Vec<Vec<(usize, f32)>> = vec![Vec::new(); plates.len()];
    let mut fork_hits: Vec<Vec<(usize, f32)>> = vec![Vec::new(); cutlery.len()];
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.02;
    while t < clip_s {
        if rng.chance(0.7) {
            // A plate put down: the first touch, then the rim rattling as it settles.
            let p = rng.below(plates.len());
            let mut g = 0.7 + 0.3 * rng.next_f32();
            let mut dt = 0.03 + 0.03 * rng.next_f32();
            let mut u = t;
            for _ in 0..(2 + rng.below(5)) {
                plate_hits[p].push((scene.frames_for(u), g));
                u += dt;
                dt *= 0.7;
                g *= 0.5 + 0.2 * rng.next_f32();
            }
        } else {
            // A few pieces of cutlery knocking together.
            let mut u = t;
            for _ in 0..(2 + rng.below(4)) {
                let c = rng.below(cutlery.len());
                fork_hits[c].push((scene.frames_for(u), 0.3 + 0.4 * rng.next_f32()));
                u += 0.02 + 0.06 * rng.next_f32();
            }
        }
        t += (0.25 + 0.6 * rng.next_f32()) / (0.6 + 0.8 * i);
    }
    let contact_s = contact_for(scene, 0.0004, 0.00012);
    let mut out = Stereo::silence(scene.frames);
    for (k, (body, hits)) in plates.iter().zip(&plate_hits).enumerate() {
        let pan = -0.3 + 0.2 * k as f32;
        ring_body(
            &mut out, scene, &mut rng, body, &CERAMIC, hits, contact_s, pan,
        );
    }
    for (k, (body, hits)) in cutlery.iter().zip(&fork_hits).enumerate() {
        let pan = 0.3 - 0.25 * k as f32;
        ring_body(
            &mut out,
            scene,
            &mut rng,
            body,
            &THIN_METAL,
            hits,
            contact_s * 0.5,
            pan,
        );
    }
    out
}

/// A bunch of keys jingling: a hand shakes the ring a few times a second, and every shake
/// throws the keys against each other in a quick burst of small, high, metallic clinks;
/// each key rings at its own few high partials.
pub fn keys(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("keys");
    let i = scene.params.intensity;
    let bunch: Vec<Body> = (0..6)
        .map(|_| {
            Body::new(
                sr,
                &KEY_METAL,
                2600.0 * (0.75 + 0.7 * rng.next_f32()),
                1.0,
                &mut rng,
            )
        })
        .collect();
    let mut hits: Vec<Vec<(usize, f32)>> = vec![Vec::new(); bunch.len()];
    let clip_s = scene.frames as f32 / sr;
    let shake_hz = 3.0 + 2.0 * i;
    let mut t = 0.02;
    while t < clip_s - 0.05 {
        let burst_s = 0.04 + 0.06 * rng.next_f32();
        let clinks = 4 + rng.below(6 + (6.0 * i) as usize);
        let strength = 0.5 + 0.5 * rng.next_f32();
        for _ in 0..clinks {
            let u = t + burst_s * rng.next_f32().powi(2);
            let k = rng.below(bunch.len());
            hits[k].push((scene.frames_for(u), strength * (0.2 + 0.8 * rng.next_f32())));
        }
        t += (1.0 + 0.35 * rng.bipolar()) / shake_hz;
    }
    let contact_s = contact_for(scene, 0.0001, 0.00003);
    let mut out = Stereo::silence(scene.frames);
    for (k, (body, h)) in bunch.iter().zip(&hits).enumerate() {
        let pan = -0.3 + 0.12 * k as f32;
        ring_body(
            &mut out, scene, &mut rng, body, &KEY_METAL, h, contact_s, pan,
        );
    }
    out
}

/// A key: a small flat piece of brass or steel, all its partials high and fairly short.
const KEY_METAL: Material = Material {
    partials: &[
        (1.0, 0.12, 1.0),
        (1.9, 0.09, 0.6),
        (2.756, 0.07, 0.5),
        (4.1, 0.05, 0.3),
    ],
    split: 0.0,
    spread: 0.04,
    contact: (0.25, 0.0005, 8000.0, 0.7),
};

/// A chime rod (a grandfather clock's tuned rods): a long thin bar, ringing for seconds.
const CHIME_ROD: Material = Material {
    partials: &[(1.0, 2.0, 1.0), (2.756, 0.8, 0.45), (5.404, 0.3, 0.15)],
    split: 0.0008,
    spread: 0.003,
    contact: (0.12, 0.002, 2500.0, 0.8),
};

/// A clock's coiled hour gong: a spiral of steel wire, deep, inharmonic and long-ringing.
const COIL_GONG: Material = Material {
    partials: &[
        (1.0, 3.0, 1.0),
        (2.42, 1.6, 0.6),
        (3.9, 1.0, 0.5),
        (5.8, 0.5, 0.3),
        (8.1, 0.25, 0.15),
    ],
    split: 0.002,
    spread: 0.01,
    contact: (0.15, 0.003, 1500.0, 0.8),
};

/// A grandfather clock striking the hour: the last two phrases of the Westminster chime on
/// its tuned rods, a pause, then the hour struck `count` times (default three) on the deep
/// coiled gong.
pub fn clock_chime(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("clock-chime");
    let tune = 0.97 + 0.06 * rng.next_f32();
    // E major: B3, E4, F#4, G#4.
    let notes = [246.9f32, 329.6, 370.0, 415.3].map(|f| f * tune);
    // Westminster quarters, phrases 4 and 5: G# E F# B, B F# G# E.
    let melody = [3usize, 1, 2, 0, 0, 2, 3, 1];
    let count = scene.params.count.unwrap_or(3).clamp(1, 24);
    let note_s = 0.62;
    let strike_at_s = 7.0;
    let strike_s = 1.7;
    let group_s = strike_at_s + strike_s * count as f32;
    let starts = scene.group_starts("hours", 0.05, group_s, (3.0, 8.0));
    let mut rod_strikes: Vec<Vec<(usize, f32)>> = vec![Vec::new(); notes.len()];
    let mut gong_strikes = Vec::new();
    for &start in &starts {
        for (k, &note) in melody.iter().enumerate() {
            let t = k as f32 * note_s + if k >= 4 { 0.7 } else { 0.0 };
            rod_strikes[note].push((start + scene.frames_for(t), 0.85 + 0.15 * rng.next_f32()));
        }
        for k in 0..count {
            let t = strike_at_s + k as f32 * strike_s;
            gong_strikes.push((start + scene.frames_for(t), 0.9 + 0.1 * rng.next_f32()));
        }
    }
    let contact_s = contact_for(scene, 0.0015, 0.0005);
    let mut out = Stereo::silence(scene.frames);
    for (k, (&f, strikes)) in notes.iter().zip(&rod_strikes).enumerate() {
        let rod = Body::new(sr, &CHIME_ROD, f, 1.0, &mut rng);
        let pan = -0.3 + 0.2 * k as f32;
        ring_body(
            &mut out, scene, &mut rng, &rod, &CHIME_ROD, strikes, contact_s, pan,
        );
    }
    let gong = Body::new(sr, &COIL_GONG, 150.0 * tune, 1.0, &mut rng);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &gong,
        &COIL_GONG,
        &gong_strikes,
        contact_s,
        0.0,
    );
    out
}

/// Glass smashing: the blow (a burst of broadband crunch and a thud), then a shower of
/// shards, each a tiny glass body ringing high and briefly, most landing within a few
/// tenths of a second and the last stragglers bouncing for a second more.
pub fn glass_break(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("glass-break");
    let starts = scene.group_starts("smashes", 0.02, 1.8, (2.0, 6.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        // The crunch of the first crack: clicks through a bright band-pass, dying fast.
        let mut hp = Biquad::highpass(sr, 1500.0, 0.7);
        let mut thud = Biquad::bandpass(sr, 180.0, 1.5);
        let mut mono = vec![0.0; scene.frames_for(0.12).min(scene.frames - start)];
        for (n, m) in mono.iter_mut().enumerate() {
            let t = n as f32 / sr;
            let env = (-t / 0.025).exp();
            let click = if rng.chance(0.08) {
                rng.bipolar() * 3.0
            } else {
                0.0
            };
            let x = rng.bipolar() + click;
            *m = hp.process(x) * env * (0.6 + 0.4 * i) + thud.process(x) * env * 0.8;
        }
        place(&mut out, start, &mono, 0.0);
        let shards = 30 + (30.0 * i) as usize;
        for _ in 0..shards {
            let pitch = 2500.0 * 3f32.powf(rng.next_f32());
            let body = Body::new(sr, &GLASS, pitch, 0.05 + 0.12 * rng.next_f32(), &mut rng);
            // Landing times: exponential, mean 0.25 s; a few bounce once more.
            let t = 0.005 - 0.25 * (1.0 - rng.next_f32()).ln();
            let g = (0.3 + 0.7 * rng.next_f32()) * (-t / 0.6).exp();
            let mut strikes = vec![(start + scene.frames_for(t), g)];
            if rng.chance(0.3) {
                strikes.push((
                    start + scene.frames_for(t + 0.05 + 0.15 * rng.next_f32()),
                    g * 0.4,
                ));
            }
            let pan = rng.bipolar() * 0.7;
            ring_body(
                &mut out, scene, &mut rng, &body, &GLASS, &strikes, 0.0001, pan,
            );
        }
    }
    out
}

/// A tram's bell: the driver stamps on a pedal that swings a hammer against a big steel gong
/// under the cab, "ding ding", two quick strikes (or `count`) that ring on for a second.
pub fn tram_bell(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("tram");
    let pitch = 1050.0 * (0.9 + 0.2 * rng.next_f32());
    let count = scene.params.count.unwrap_or(2).clamp(1, 20);
    let strikes = evenly_struck(
        scene,
        &mut rng,
        "dings",
        (0.02, 0.22, 0.8),
        count,
        (2.0, 6.0),
    );
    let gong = Body::new(sr, &SMALL_STEEL_BELL, pitch, 1.6, &mut rng);
    let contact_s = contact_for(scene, 0.0004, 0.00012);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &gong,
        &SMALL_STEEL_BELL,
        &strikes,
        contact_s,
        0.1,
    );
    out
}

/// Ice cubes dropped into a glass: each cube knocks the glass (a bright ring of the thin
/// shell) and the cubes already in it (hard, dry clicks), the first loudest, the rest
/// quicker and softer as they settle; then a few faint crackles as the ice meets the drink.
/// `count` cubes (three by default).
pub fn ice_cubes(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("ice-cubes");
    let count = scene.params.count.unwrap_or(3).clamp(1, 12);
    let group_s = 0.35 * count as f32 + 1.0;
    let starts = scene.group_starts("glasses", 0.03, group_s, (1.5, 4.0));
    let glass = Body::new(
        sr,
        &GLASS,
        1300.0 * (0.9 + 0.2 * rng.next_f32()),
        0.6,
        &mut rng,
    );
    let ice = Material {
        partials: &[(1.0, 0.012, 1.0), (2.3, 0.008, 0.6), (3.9, 0.005, 0.4)],
        split: 0.0,
        spread: 0.08,
        contact: (0.6, 0.0006, 6000.0, 0.7),
    };
    let cube = Body::new(sr, &ice, 2600.0, 1.0, &mut rng);
    let mut glass_hits = Vec::new();
    let mut cube_hits = Vec::new();
    for start in starts {
        let mut t = 0.0f32;
        for k in 0..count {
            let g = 1.0 / (1.0 + 0.35 * k as f32);
            let at = start + scene.frames_for(t);
            glass_hits.push((at, g * (0.6 + 0.4 * rng.next_f32())));
            // Each cube bounces once or twice on the others.
            let mut b = 0.015 + 0.02 * rng.next_f32();
            for _ in 0..=rng.below(2) {
                cube_hits.push((at + scene.frames_for(b), g * 0.7 * rng.next_f32().max(0.4)));
                b += 0.03 + 0.05 * rng.next_f32();
            }
            t += 0.18 + 0.25 * rng.next_f32();
        }
    }
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out,
        scene,
        &mut rng,
        &glass,
        &GLASS,
        &glass_hits,
        0.0001,
        0.0,
    );
    ring_body(
        &mut out, scene, &mut rng, &cube, &ice, &cube_hits, 0.0001, 0.05,
    );
    // The crackle of ice in a drink: tiny sharp ticks, thinning out.
    for &(at, _) in glass_hits.iter().step_by(count as usize) {
        let mut t = 0.3 + 0.35 * count as f32;
        let mut g = 0.12;
        while t < group_s {
            let n = at + scene.frames_for(t);
            if n + 200 >= scene.frames {
                break;
            }
            let mut hp = Biquad::highpass(sr, 3500.0, 0.7);
            for k in 0..200 {
                let x = hp.process(rng.bipolar()) * g * (-(k as f32) / 25.0).exp();
                out.left[n + k] += x;
                out.right[n + k] += x;
            }
            t += 0.04 + 0.2 * rng.next_f32();
            g *= 0.9;
        }
    }
    out
}

/// A singing bowl (a meditation bell): a thick bronze bowl struck softly with a padded
/// mallet, so only its low, slowly beating partials sound, ringing for many seconds.
/// `count` strikes, far apart.
pub fn singing_bowl(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("bowl");
    // Bowls' partials sit near 1 : 2.7 : 5.2 : 8.4 (a shell), each a slowly beating pair.
    let bowl = Material {
        partials: &[
            (1.0, 6.0, 1.0),
            (2.71, 3.5, 0.45),
            (5.18, 1.8, 0.2),
            (8.4, 0.9, 0.08),
        ],
        split: 0.004,
        spread: 0.005,
        contact: (0.05, 0.004, 1200.0, 0.8),
    };
    let pitch = 260.0 * (0.85 + 0.3 * rng.next_f32());
    let count = scene.params.count.unwrap_or(1).clamp(1, 10);
    let strikes = evenly_struck(
        scene,
        &mut rng,
        "strikes",
        (0.03, 8.0, 0.0),
        count,
        (4.0, 8.0),
    );
    let body = Body::new(sr, &bowl, pitch, 1.0, &mut rng);
    let mut out = Stereo::silence(scene.frames);
    ring_body(
        &mut out, scene, &mut rng, &body, &bowl, &strikes, 0.006, 0.0,
    );
    out
}

/// Sleigh bells shaken: a strap of a dozen little round bells, each a steel shell with a
/// loose pellet inside, so every shake is a shower of tiny bright strikes, the shakes in a
/// steady rhythm (two or three a second, faster at a gallop).
pub fn sleigh_bells(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("sleigh");
    let bells: Vec<Body> = (0..6)
        .map(|_| {
            Body::new(
                sr,
                &SMALL_STEEL_BELL,
                3400.0 + 2200.0 * rng.next_f32(),
                0.25,
                &mut rng,
            )
        })
        .collect();
    let shake_s = 0.42 / scene.params.pace.clamp(0.5, 2.5);
    let mut out = Stereo::silence(scene.frames);
    for (b, bell) in bells.iter().enumerate() {
        let mut strikes = Vec::new();
        let mut t = 0.02;
        while scene.frames_for(t) < scene.frames {
            // Each shake: this bell's pellet rattles two or three times.
            for _ in 0..(2 + rng.below(2)) {
                let at = scene.frames_for(t + 0.06 * rng.next_f32());
                strikes.push((at, (0.3 + 0.4 * rng.next_f32()) * (0.6 + 0.6 * i)));
            }
            t += shake_s * (0.95 + 0.1 * rng.next_f32());
        }
        let pan = -0.4 + 0.8 * b as f32 / 5.0;
        ring_body(
            &mut out,
            scene,
            &mut rng,
            bell,
            &SMALL_STEEL_BELL,
            &strikes,
            0.00008,
            pan,
        );
    }
    out
}

/// Ice cracking on a frozen lake: sharp cracks, and the eerie "pew" that follows as the
/// crack's energy runs through the sheet. Ice bends like a plate, where high frequencies
/// travel fastest, so a crack arrives as a downward chirp (pitch falling as 1/t²), often
/// with a deep boom under it. Cracks come at random, now close, now far.
pub fn ice_crack(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("ice");
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    let mut t = 0.05;
    while t < clip_s {
        let near = rng.next_f32();
        let gain = 0.3 + 0.7 * near;
        let pan = rng.bipolar() * 0.6;
        let start = scene.frames_for(t);
        if start >= scene.frames {
            break;
        }
        // This crack's own span: the chirp and the boom are over within four seconds.
        let mut mono = vec![0.0; (scene.frames - start).min(scene.frames_for(4.0))];
        // The crack: a few milliseconds of bright noise.
        let mut hp = Biquad::highpass(sr, 800.0 + 2000.0 * near, 0.7);
        for n in 0..scene.frames_for(0.03) {
            if n >= mono.len() {
                break;
            }
            let env = (-(n as f32) / (0.004 * sr)).exp();
            mono[n] += hp.process(rng.bipolar()) * env * gain * 1.5;
        }
        // The chirp: f(t) = f_hi / (1 + t/tau)², with an envelope that swells and fades.
        let f_hi = 2500.0 + 3000.0 * near;
        let tau = 0.03 + 0.05 * rng.next_f32();
        let len_s = 0.3 + 0.5 * rng.next_f32();
        let mut phase = 0.0f32;
        let mut lp = OnePoleLowpass::new(sr, 2000.0 + 6000.0 * near);
        for n in 0..scene.frames_for(len_s) {
            let at = scene.frames_for(0.003) + n;
            if at >= mono.len() {
                break;
            }
            let u = n as f32 / sr;
            let f = f_hi / (1.0 + u / tau).powi(2);
            phase = (phase + f / sr).fract();
            let env = (u / 0.004).min(1.0) * (1.0 - u / len_s).max(0.0).powi(2);
            mono[at] += lp.process((std::f32::consts::TAU * phase).sin()) * env * gain * 0.5;
        }
        // Sometimes a deep boom as the sheet flexes.
        if rng.chance(0.4) {
            let boom_hz = 60.0 + 60.0 * rng.next_f32();
            let body = Body::new(
                sr,
                &Material {
                    partials: &[(1.0, 0.4, 1.0), (1.6, 0.25, 0.5)],
                    split: 0.0,
                    spread: 0.05,
                    contact: (0.0, 0.001, 100.0, 1.0),
                },
                boom_hz,
                1.0,
                &mut rng,
            );
            let mut force = vec![0.0; mono.len()];
            strike(&mut force, sr, 0, gain * 0.8, 0.01);
            body.ring(&force, &mut mono);
        }
        place(&mut out, start, &mono, pan);
        t += (0.4 + 1.4 * rng.next_f32()) / (0.6 + 0.8 * i);
    }
    out
}

/// Measuring helpers for the tests of struck and signalling sounds.
#[cfg(test)]
pub(crate) mod measure {
    use super::super::{Scene, SoundParams, Stereo};
    use crate::dsp::rng::Rng;

    pub const SR: f32 = 48_000.0;

    /// Renders `f` for `seconds` with `params` (seed 1) and returns the left channel.
    pub fn render(f: fn(&Scene) -> Stereo, seconds: f32, params: SoundParams) -> Vec<f32> {
        let scene = Scene {
            sample_rate_hz: SR,
            frames: (seconds * SR) as usize,
            background: false,
            params,
            rng: Rng::new(1),
        };
        f(&scene).left
    }

    pub fn counted(n: u32) -> SoundParams {
        SoundParams {
            count: Some(n),
            ..SoundParams::default()
        }
    }

    /// The samples from `from_s` to `to_s`.
    pub fn span(x: &[f32], from_s: f32, to_s: f32) -> &[f32] {
        let a = ((from_s * SR) as usize).min(x.len());
        let b = ((to_s * SR) as usize).min(x.len());
        &x[a..b]
    }

    pub fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|s| s * s).sum::<f32>() / x.len().max(1) as f32).sqrt()
    }

    /// Amplitude of the component at `freq_hz` (Goertzel, Hann-windowed).
    pub fn level(x: &[f32], freq_hz: f32) -> f32 {
        let w = std::f32::consts::TAU * freq_hz / SR;
        let (c, n) = (2.0 * w.cos(), x.len() as f32);
        let (mut s1, mut s2) = (0.0f32, 0.0f32);
        for (k, &v) in x.iter().enumerate() {
            let hann = 0.5 - 0.5 * (std::f32::consts::TAU * k as f32 / n).cos();
            let s = v * hann + c * s1 - s2;
            s2 = s1;
            s1 = s;
        }
        (s1 * s1 + s2 * s2 - c * s1 * s2).max(0.0).sqrt() * 4.0 / n
    }

    /// The strongest level between `lo` and `hi` Hz, scanned in 0.2% steps.
    pub fn band_level(x: &[f32], lo: f32, hi: f32) -> f32 {
        let mut best = 0.0f32;
        let mut f = lo;
        while f <= hi {
            best = best.max(level(x, f));
            f *= 1.002;
        }
        best
    }

    /// The strongest frequency between `lo` and `hi`, scanned in 1% steps.
    pub fn peak_hz(x: &[f32], lo: f32, hi: f32) -> f32 {
        let mut best = (lo, 0.0);
        let mut f = lo;
        while f <= hi {
            let l = level(x, f);
            if l > best.1 {
                best = (f, l);
            }
            f *= 1.01;
        }
        best.0
    }

    /// The period (s) at which the onset strength repeats, between `lo_s` and `hi_s`: the
    /// autocorrelation peak of the rises of the first difference's level (5 ms steps).
    pub fn pulse_period(x: &[f32], lo_s: f32, hi_s: f32) -> f32 {
        let d: Vec<f32> = x.windows(2).map(|w| (w[1] - w[0]).powi(2)).collect();
        let db: Vec<f32> = d
            .chunks(240)
            .map(|c| 10.0 * (c.iter().sum::<f32>() + 1e-12).log10())
            .collect();
        let rise: Vec<f32> = db.windows(2).map(|w| (w[1] - w[0]).max(0.0)).collect();
        let mean = rise.iter().sum::<f32>() / rise.len() as f32;
        let on: Vec<f32> = rise.iter().map(|r| r - mean).collect();
        let corr = |lag: usize| on.iter().zip(&on[lag..]).map(|(a, b)| a * b).sum::<f32>();
        let lags: Vec<usize> =
            (((lo_s * 200.0) as usize).max(1)..=((hi_s * 200.0) as usize)).collect();
        let c: Vec<f32> = lags.iter().map(|&l| corr(l)).collect();
        let most = c.iter().copied().fold(f32::MIN, f32::max);
        // The shortest strong peak: multiples of the period correlate as well.
        let first = (1..c.len() - 1)
            .find(|&k| c[k] >= 0.7 * most && c[k] >= c[k - 1] && c[k] >= c[k + 1])
            .unwrap_or(0);
        lags[first] as f32 / 200.0
    }

    /// Onset times (s): 5 ms windows of the second difference (a strong high-pass, which
    /// keeps the click of a contact and drops the ringing) whose energy is four times the
    /// most of the 20 ms before and above 3% of the loudest; `gap_s` is ignored after each.
    pub fn onsets(x: &[f32], gap_s: f32) -> Vec<f32> {
        onsets_rising(x, gap_s, 4.0)
    }

    /// [`onsets`] with the rise over the 20 ms before as a parameter: ringing bells smear
    /// their strikes, so a smaller rise marks one.
    pub fn onsets_rising(x: &[f32], gap_s: f32, rise: f32) -> Vec<f32> {
        let win = (SR / 200.0) as usize;
        let energy: Vec<f32> = x
            .windows(3)
            .map(|w| (w[2] - 2.0 * w[1] + w[0]).powi(2))
            .collect::<Vec<_>>()
            .chunks(win)
            .map(|c| c.iter().sum())
            .collect();
        let loudest = energy.iter().copied().fold(0.0, f32::max);
        let skip = (gap_s * 200.0) as usize;
        let (mut found, mut quiet_until) = (Vec::new(), 0);
        for i in 1..energy.len() {
            let before = energy[i.saturating_sub(4)..i]
                .iter()
                .copied()
                .fold(0.0, f32::max);
            if i >= quiet_until && energy[i] > 0.03 * loudest && energy[i] > rise * before {
                found.push(i as f32 / 200.0);
                quiet_until = i + skip.max(1);
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::measure::*;
    use super::*;
    use crate::dsp::sounds::SoundParams;

    /// One body struck once, the ring as a signal.
    fn ring_once(material: &Material, pitch: f32, seconds: f32) -> Vec<f32> {
        let mut rng = Rng::new(3);
        let body = Body::new(SR, material, pitch, 1.0, &mut rng);
        let mut force = vec![0.0; (seconds * SR) as usize];
        strike(&mut force, SR, 0, 1.0, 0.0002);
        let mut out = vec![0.0; force.len()];
        body.ring(&force, &mut out);
        out
    }

    #[test]
    fn a_bronze_bell_has_its_minor_third_and_its_hum_outlasts_the_clang() {
        let x = ring_once(&BELL_BRONZE, 300.0, 4.0);
        let early = span(&x, 0.0, 0.5);
        // The tierce (a minor third above the prime) is there; between partials is not.
        assert!(level(early, 357.0) > 5.0 * level(early, 400.0));
        // Seconds later the hum still sounds while the upper partials have died.
        let late = span(&x, 3.0, 3.5);
        let hum = level(late, 150.0) / level(early, 150.0);
        let upper = level(late, 1230.0) / level(early, 1230.0);
        assert!(hum > 0.15 && upper < 0.01, "hum {hum} upper {upper}");
    }

    #[test]
    fn a_soft_strike_excites_fewer_high_partials() {
        let mut rng = Rng::new(1);
        let body = Body::new(SR, &SMALL_STEEL_BELL, 1000.0, 1.0, &mut rng);
        let brightness = |contact_s: f32| {
            let mut force = vec![0.0; 24_000];
            strike(&mut force, SR, 0, 1.0, contact_s);
            let mut out = vec![0.0; force.len()];
            body.ring(&force, &mut out);
            level(&out[..4800], 4150.0) / level(&out[..4800], 1000.0)
        };
        assert!(brightness(0.002) < 0.2 * brightness(0.0001));
    }

    #[test]
    fn church_bells_strike_about_five_times_a_second() {
        let x = render(church_bells, 8.0, SoundParams::default());
        // A strike every 0.2 s or so (the beat is 0.2 to 0.22 s).
        let beat = pulse_period(&x, 0.1, 0.4);
        assert!((0.18..=0.25).contains(&beat), "{beat} s");
    }

    #[test]
    fn a_toll_is_slow_and_deep() {
        let x = render(bell_toll, 10.0, counted(2));
        let hits = onsets(&x, 1.0);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert!((hits[1] - hits[0] - 4.0).abs() < 0.1);
        // The strongest partial is low (the hum or the prime, below 400 Hz).
        assert!(peak_hz(span(&x, 1.0, 3.0), 60.0, 2000.0) < 400.0);
    }

    #[test]
    fn a_doorbell_goes_ding_then_dong_a_major_third_lower() {
        let x = render(doorbell, 2.0, SoundParams::default());
        let ding = peak_hz(span(&x, 0.05, 0.45), 300.0, 1500.0);
        assert!((600.0..720.0).contains(&ding), "{ding}");
        let dong = ding * 2f32.powf(-4.0 / 12.0);
        let before = level(span(&x, 0.1, 0.45), dong);
        let after = level(span(&x, 0.65, 1.0), dong);
        assert!(after > 5.0 * before, "{before} {after}");
    }

    #[test]
    fn a_bicycle_bell_rings_twice_with_a_bright_trill() {
        let x = render(bicycle_bell, 1.5, SoundParams::default());
        let pitch = peak_hz(span(&x, 0.0, 0.4), 1000.0, 6000.0);
        assert!((2000.0..2800.0).contains(&pitch), "{pitch}");
        assert_eq!(onsets(&x, 0.2).len(), 2);
    }

    #[test]
    fn a_shop_bell_jingles_and_settles() {
        let x = render(shop_bell, 2.0, SoundParams::default());
        // Small bells: the energy is high.
        let pitch = peak_hz(span(&x, 0.0, 0.5), 500.0, 8000.0);
        assert!(pitch > 1800.0, "{pitch}");
        // Many strikes at first, then it rings out.
        let strikes = onsets_rising(span(&x, 0.0, 1.0), 0.02, 2.5).len();
        assert!(strikes >= 3, "{strikes}");
        assert!(rms(span(&x, 1.7, 2.0)) < 0.3 * rms(span(&x, 0.0, 0.5)));
    }

    #[test]
    fn an_electric_bell_rings_steadily_until_it_stops() {
        let x = render(electric_bell, 3.0, SoundParams::default());
        let levels: Vec<f32> = (0..9)
            .map(|k| rms(span(&x, 0.2 + 0.25 * k as f32, 0.45 + 0.25 * k as f32)))
            .collect();
        let (lo, hi) = levels
            .iter()
            .fold((f32::MAX, 0.0f32), |(a, b), &l| (a.min(l), b.max(l)));
        assert!(lo > 0.5 * hi, "{levels:?}");
        // The hammer strikes about twenty times a second.
        let period = pulse_period(span(&x, 0.2, 2.2), 0.02, 0.15);
        assert!((0.04..=0.056).contains(&period), "{period}");
        assert!(rms(span(&x, 2.95, 3.0)) < 0.3 * hi);
    }

    #[test]
    fn a_kitchen_timer_rings_for_about_two_seconds() {
        let x = render(kitchen_timer, 3.0, SoundParams::default());
        let ringing = rms(span(&x, 0.5, 2.0));
        assert!(rms(span(&x, 2.85, 3.0)) < 0.25 * ringing);
        assert!(peak_hz(span(&x, 0.5, 1.0), 1000.0, 8000.0) > 2400.0);
    }

    #[test]
    fn a_desk_bell_dings_once_and_rings_on() {
        let x = render(desk_bell, 2.5, SoundParams::default());
        assert_eq!(onsets(&x, 0.3).len(), 1);
        let pitch = peak_hz(span(&x, 0.0, 0.3), 1000.0, 6000.0);
        assert!((1850.0..2350.0).contains(&pitch), "{pitch}");
        assert!(level(span(&x, 1.0, 1.3), pitch) > 0.2 * level(span(&x, 0.0, 0.3), pitch));
    }

    #[test]
    fn glasses_clink_high_and_ring() {
        let x = render(glass_clink, 2.5, SoundParams::default());
        assert_eq!(onsets(&x, 0.3).len(), 1);
        let pitch = peak_hz(span(&x, 0.05, 0.5), 500.0, 6000.0);
        assert!((650.0..1150.0).contains(&pitch), "{pitch}");
        assert!(rms(span(&x, 1.2, 1.5)) > 0.1 * rms(span(&x, 0.05, 0.35)));
    }

    #[test]
    fn a_cup_on_a_saucer_is_short_and_bright() {
        let x = render(cup_clink, 0.8, SoundParams::default());
        assert!(rms(span(&x, 0.5, 0.8)) < 0.1 * rms(span(&x, 0.02, 0.1)));
        let head = span(&x, 0.02, 0.12);
        assert!(band_level(head, 1000.0, 4000.0) > 3.0 * band_level(head, 150.0, 500.0));
    }

    #[test]
    fn a_dropped_spoon_bounces_faster_and_faster() {
        let x = render(spoon_sink, 1.2, SoundParams::default());
        let hits = onsets(&x, 0.02);
        assert!(hits.len() >= 3, "{hits:?}");
        let gaps: Vec<f32> = hits.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps[0] > gaps[gaps.len() - 1], "{gaps:?}");
    }

    #[test]
    fn dishes_clatter_again_and_again() {
        let x = render(dishes, 5.0, SoundParams::default());
        let n = onsets(&x, 0.1).len();
        assert!(n >= 4, "{n}");
        assert!(level(&x, 300.0) < level(&x, 1200.0).max(level(&x, 2000.0)));
    }

    #[test]
    fn keys_jingle_high_in_bursts() {
        let x = render(keys, 3.0, SoundParams::default());
        // Mostly above 2 kHz: a key is small.
        let high = level(&x, 3000.0) + level(&x, 4000.0) + level(&x, 5000.0);
        let low = level(&x, 300.0) + level(&x, 500.0) + level(&x, 800.0);
        assert!(high > 3.0 * low, "{high} {low}");
        // A shake every quarter second or so.
        let bursts = onsets(&x, 0.12).len();
        assert!((6..=16).contains(&bursts), "{bursts}");
    }

    #[test]
    fn the_clock_chimes_then_strikes_the_hour_on_its_gong() {
        let x = render(clock_chime, 11.0, counted(2));
        // The melody's lowest note (B3) and the hour's low gong near 150 Hz.
        let gong_before = level(span(&x, 5.0, 6.5), 150.0);
        let gong_after = level(span(&x, 7.1, 8.6), 150.0);
        assert!(gong_after > 4.0 * gong_before, "{gong_before} {gong_after}");
        assert!(level(span(&x, 0.05, 2.5), 415.3) > 0.0);
    }

    #[test]
    fn glass_breaks_into_a_shower_that_dies_away() {
        let x = render(glass_break, 2.0, SoundParams::default());
        let early = rms(span(&x, 0.0, 0.4));
        assert!(rms(span(&x, 1.5, 2.0)) < 0.1 * early);
        let head = span(&x, 0.05, 0.4);
        let high = level(head, 3000.0) + level(head, 5000.0) + level(head, 7000.0);
        assert!(high > 3.0 * level(head, 400.0));
    }

    #[test]
    fn ice_cracks_chirp_downwards() {
        let x = render(ice_crack, 1.0, SoundParams::default());
        // The first crack starts at 0.05 s; its chirp falls as it arrives.
        let early = peak_hz(span(&x, 0.06, 0.075), 200.0, 8000.0);
        let later = peak_hz(span(&x, 0.15, 0.19), 100.0, 8000.0);
        assert!(early > 2.0 * later, "{early} {later}");
    }

    #[test]
    fn a_tram_bell_rings_ding_ding() {
        let x = render(tram_bell, 2.0, SoundParams::default());
        let dings = onsets_rising(&x, 0.1, 2.0);
        assert_eq!(dings.len(), 2, "{dings:?}");
        assert!((dings[1] - dings[0] - 0.22).abs() < 0.02);
        let f = peak_hz(span(&x, 0.3, 1.0), 500.0, 2500.0);
        assert!((900.0..1300.0).contains(&f), "{f}");
        // Still ringing a second later.
        assert!(rms(span(&x, 1.2, 1.4)) > 0.05 * rms(span(&x, 0.25, 0.45)));
    }

    #[test]
    fn ice_cubes_clink_into_a_glass_one_by_one() {
        let x = render(ice_cubes, 2.5, counted(3));
        let clinks = onsets_rising(span(&x, 0.0, 1.2), 0.1, 2.0);
        assert!((3..=7).contains(&clinks.len()), "{clinks:?}");
        // Glass and ice: bright, nothing below a few hundred hertz.
        assert!(band_level(&x, 30.0, 400.0) < 0.1 * band_level(&x, 1000.0, 8000.0));
    }

    #[test]
    fn a_singing_bowl_rings_low_and_long() {
        let x = render(singing_bowl, 8.0, SoundParams::default());
        let f = peak_hz(span(&x, 0.5, 2.0), 150.0, 1000.0);
        assert!((210.0..350.0).contains(&f), "{f}");
        assert!(rms(span(&x, 5.0, 6.0)) > 0.3 * rms(span(&x, 0.5, 1.5)));
    }

    #[test]
    fn sleigh_bells_jingle_high_in_a_steady_rhythm() {
        let x = render(sleigh_bells, 4.0, SoundParams::default());
        assert!(band_level(&x, 3000.0, 9000.0) > 5.0 * band_level(&x, 100.0, 1500.0));
        let period = pulse_period(&x, 0.25, 0.8);
        assert!((0.38..0.47).contains(&period), "{period}");
    }
}
