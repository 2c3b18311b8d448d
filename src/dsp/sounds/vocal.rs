//! Human sounds that are not speech (laughter, a cough, a sneeze, a baby crying, a sigh, a
//! gasp, a yawn, a hiccup, a booing crowd), and the source-filter [`Voice`] they share with
//! the animal calls of [`super::animals`].
//!
//! A voice is a glottis (or a syrinx) and a vocal tract. The glottis opens and closes once
//! a period: its airflow is a smooth Rosenberg pulse, and what excites the tract is the
//! flow's slope, whose sharp closing edge carries the harmonics. Each period is a little
//! off the last in length (jitter) and strength (shimmer); a rough voice alternates strong
//! and weak periods (period doubling, the subharmonic growl of a dog or a crying baby).
//! Breath noise rides on the open phase. The tract is a cascade of formant resonances that
//! move as the mouth opens and closes, which is most of what makes a "meow" or a "waa".

use super::{Scene, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, flush_denormal};
use crate::dsp::noise::{Drift, WhiteNoise};
use crate::dsp::rng::Rng;
use std::f32::consts::{PI, TAU};

/// Formants in a tract.
pub(super) const FORMANTS: usize = 5;

/// Formant frequencies and bandwidths, Hz.
pub(super) type Formants = [(f32, f32); FORMANTS];

/// An adult man's vowels (Peterson and Barney's averages, bandwidths widened a little).
pub(super) const AH: Formants = [
    (730.0, 90.0),
    (1090.0, 110.0),
    (2440.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const AE: Formants = [
    (660.0, 90.0),
    (1720.0, 120.0),
    (2410.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const EH: Formants = [
    (530.0, 80.0),
    (1840.0, 110.0),
    (2480.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const EE: Formants = [
    (280.0, 70.0),
    (2250.0, 120.0),
    (2950.0, 180.0),
    (3500.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const AW: Formants = [
    (570.0, 80.0),
    (840.0, 100.0),
    (2410.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const OO: Formants = [
    (310.0, 70.0),
    (870.0, 100.0),
    (2240.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];
pub(super) const UH: Formants = [
    (520.0, 80.0),
    (1190.0, 110.0),
    (2390.0, 160.0),
    (3400.0, 250.0),
    (4500.0, 300.0),
];

/// `a` moved `w` (0..1) of the way to `b`.
pub(super) fn glide(a: &Formants, b: &Formants, w: f32) -> Formants {
    let w = w.clamp(0.0, 1.0);
    let mut out = *a;
    for (o, (x, y)) in out.iter_mut().zip(a.iter().zip(b)) {
        *o = (x.0 + (y.0 - x.0) * w, x.1 + (y.1 - x.1) * w);
    }
    out
}

/// A tract `k` times shorter than a man's: every formant and bandwidth scaled by `k`.
pub(super) fn scaled(f: &Formants, k: f32) -> Formants {
    f.map(|(hz, bw)| (hz * k, bw * k))
}

/// 0 at both ends of 0..1, 1 between, with smooth ramps over the first `attack` and the
/// last `release` of it.
pub(super) fn fade(x: f32, attack: f32, release: f32) -> f32 {
    let a = (x / attack.max(1e-4)).clamp(0.0, 1.0);
    let r = ((1.0 - x) / release.max(1e-4)).clamp(0.0, 1.0);
    let s = |v: f32| v * v * (3.0 - 2.0 * v);
    s(a) * s(r)
}

/// What a voice does at one moment.
#[derive(Clone, Copy, Debug)]
pub(super) struct Frame {
    /// Fundamental, Hz.
    pub f0: f32,
    /// Strength of the voiced pulses (0 silent, about 1 full).
    pub voice: f32,
    /// Breath noise through the tract (aspiration), on the same scale.
    pub breath: f32,
    /// Share of the period the glottis is open: 0.3 pressed and buzzy, 0.9 soft, nearly a
    /// sine.
    pub open: f32,
    /// Hiss at the teeth or lips (a "ch"), outside the tract, and its centre, Hz.
    pub hiss: f32,
    pub hiss_hz: f32,
    pub formants: Formants,
}

impl Frame {
    pub fn new(f0: f32, voice: f32, breath: f32, formants: Formants) -> Self {
        Frame {
            f0,
            voice,
            breath,
            open: 0.6,
            hiss: 0.0,
            hiss_hz: 4000.0,
            formants,
        }
    }

    pub fn open(self, open: f32) -> Self {
        Frame { open, ..self }
    }

    pub fn hiss(self, hiss: f32, hiss_hz: f32) -> Self {
        Frame {
            hiss,
            hiss_hz,
            ..self
        }
    }
}

/// The glottal pulse train: Rosenberg flow, its slope as the excitation.
pub(super) struct Glottis {
    sr: f32,
    rng: Rng,
    phase: f32,
    flow: f32,
    period_f0: f32,
    period_amp: f32,
    odd: bool,
    jitter: f32,
    shimmer: f32,
    rough: f32,
}

impl Glottis {
    /// `jitter` and `shimmer`: spread of each period's length and strength (0.01 is 1 %);
    /// `rough` (0..1): how much alternate periods differ, which adds a subharmonic.
    pub fn new(rng: Rng, sr: f32, jitter: f32, shimmer: f32, rough: f32) -> Self {
        Glottis {
            sr,
            rng,
            phase: 0.0,
            flow: 0.0,
            period_f0: 1.0,
            period_amp: 1.0,
            odd: false,
            jitter,
            shimmer,
            rough,
        }
    }

    /// One sample: (excitation, glottal flow 0..1).
    pub fn next(&mut self, f0: f32, open: f32) -> (f32, f32) {
        let f = (f0 * self.period_f0).clamp(20.0, 0.4 * self.sr);
        self.phase += f / self.sr;
        if self.phase >= 1.0 {
            self.phase = self.phase.fract();
            self.odd = !self.odd;
            let alt = if self.odd { 1.0 } else { -1.0 };
            let spread = 0.5 * (self.rng.bipolar() + self.rng.bipolar());
            self.period_f0 = 1.0 + self.jitter * spread + alt * 0.03 * self.rough;
            let spread = 0.5 * (self.rng.bipolar() + self.rng.bipolar());
            self.period_amp =
                (1.0 + self.shimmer * spread).max(0.0) * (1.0 - 0.3 * self.rough * (1.0 + alt));
        }
        let flow = rosenberg(self.phase, open);
        // The slope per period, scaled so a full voice peaks near 1.
        let slope = (flow - self.flow) * self.sr / f * 0.2;
        self.flow = flow;
        (slope * self.period_amp, flow)
    }
}

/// Glottal flow over one period (phase 0..1): Rosenberg's shape in polynomials (cheap
/// enough for a crowd of voices), a smooth opening over 60 % of the open phase, a quicker
/// parabolic closing that ends on a corner (the closure that carries the harmonics), then
/// shut.
fn rosenberg(phase: f32, open: f32) -> f32 {
    let open = open.clamp(0.2, 1.0);
    let rise = 0.6 * open;
    if phase < rise {
        let u = phase / rise;
        u * u * (3.0 - 2.0 * u)
    } else if phase < open {
        let v = (phase - rise) / (open - rise);
        1.0 - v * v
    } else {
        0.0
    }
}

/// One formant: a two-pole resonance with unity gain at 0 Hz (Klatt's), so a cascade of
/// them gives the formants their natural relative levels.
#[derive(Clone, Copy, Debug, Default)]
struct Resonance {
    a: f32,
    b: f32,
    c: f32,
    y1: f32,
    y2: f32,
}

impl Resonance {
    fn set(&mut self, sr: f32, freq_hz: f32, bw_hz: f32) {
        let r = (-PI * bw_hz.max(10.0) / sr).exp();
        self.c = -r * r;
        self.b = 2.0 * r * (TAU * freq_hz.clamp(20.0, 0.45 * sr) / sr).cos();
        self.a = 1.0 - self.b - self.c;
    }

    /// Gain at `w` radians a sample.
    fn gain_at(&self, w: f32) -> f32 {
        let (s1, c1) = w.sin_cos();
        let (s2, c2) = (2.0 * w).sin_cos();
        let re = 1.0 - self.b * c1 - self.c * c2;
        let im = self.b * s1 + self.c * s2;
        self.a.abs() / (re * re + im * im).sqrt().max(1e-9)
    }

    fn process(&mut self, x: f32) -> f32 {
        let y = self.a * x + self.b * self.y1 + self.c * self.y2;
        self.y2 = self.y1;
        self.y1 = flush_denormal(y);
        y
    }
}

/// The vocal tract: formant resonances in cascade, scaled to unity gain at the first
/// formant, so that a voice is about as loud whatever its vowel and a soft clip (see
/// [`Voice::drive`]) acts at a known level.
#[derive(Clone, Debug, Default)]
pub(super) struct Tract {
    res: [Resonance; FORMANTS],
    norm: f32,
}

impl Tract {
    pub fn set(&mut self, sr: f32, formants: &Formants) {
        for (r, &(f, bw)) in self.res.iter_mut().zip(formants) {
            r.set(sr, f, bw);
        }
        let w = TAU * formants[0].0.clamp(20.0, 0.45 * sr) / sr;
        let gain: f32 = self.res.iter().map(|r| r.gain_at(w)).product();
        self.norm = 1.0 / gain.max(1e-6);
    }

    pub fn process(&mut self, x: f32) -> f32 {
        self.res.iter_mut().fold(x, |y, r| r.process(y)) * self.norm
    }
}

/// Samples between updates of the formants (the frame is interpolated in between).
const BLOCK: usize = 16;

/// The rate at which [`Voice::call`] asks for frames: what a [`Drift`] read once a frame
/// must be built with.
pub(super) fn frame_rate(sr: f32) -> f32 {
    sr / BLOCK as f32
}
/// How long the tract rings on after a call's last frame.
const RING_S: f32 = 0.04;

/// A glottis and a tract, with breath noise, a hiss path and, for nasal voices, a notch
/// (the anti-resonance of the nose).
pub(super) struct Voice {
    sr: f32,
    glottis: Glottis,
    tract: Tract,
    noise: WhiteNoise,
    hiss: Biquad,
    nasal: Option<(Biquad, f32)>,
    /// Soft clipping of the output (0: none): a brassy or harsh edge that grows with level.
    drive: f32,
}

impl Voice {
    pub fn new(rng: Rng, sr: f32, jitter: f32, shimmer: f32, rough: f32) -> Self {
        Voice {
            sr,
            glottis: Glottis::new(rng.fork("glottis"), sr, jitter, shimmer, rough),
            tract: Tract::default(),
            noise: WhiteNoise::new(rng.fork("breath")),
            hiss: Biquad::bandpass(sr, 4000.0, 1.5),
            nasal: None,
            drive: 0.0,
        }
    }

    /// A notch of `depth` (0..1) at `hz`: the nasal murmur of a quack or an oink.
    pub fn nasal(mut self, hz: f32, depth: f32) -> Self {
        self.nasal = Some((Biquad::bandpass(self.sr, hz, 2.0), depth));
        self
    }

    pub fn drive(mut self, drive: f32) -> Self {
        self.drive = drive;
        self
    }

    fn sample(&mut self, f: &Frame) -> f32 {
        let (pulse, flow) = self.glottis.next(f.f0, f.open);
        let n = self.noise.next_sample();
        // Breath is steady when the glottis is apart, and pulses with the flow when it
        // vibrates.
        let gate = 1.0 - 0.7 * f.voice.min(1.0) * (1.0 - flow);
        let x = pulse * f.voice + n * f.breath * 0.6 * gate;
        let mut y = self.tract.process(x);
        if let Some((bp, depth)) = &mut self.nasal {
            y -= *depth * bp.process(y);
        }
        if f.hiss > 0.0 {
            y += self.hiss.process(n) * f.hiss;
        }
        if self.drive > 0.0 {
            y = (y * self.drive).tanh() / self.drive;
        }
        y
    }

    /// Sings one call of `len_s` into `out` from `start` (stopping at its end), plus a
    /// short ring of the tract. `shape(t_s, x)` gives the frame at `t_s` seconds into the
    /// call, `x` = `t_s / len_s`; its levels must be 0 at `x` = 1 for a clean ending.
    #[allow(clippy::too_many_arguments)]
    pub fn call(
        &mut self,
        out: &mut Stereo,
        start: usize,
        len_s: f32,
        gain: f32,
        pan: f32,
        mut shape: impl FnMut(f32, f32) -> Frame,
    ) {
        let sr = self.sr;
        let len_s = len_s.max(1e-3);
        let total = ((len_s + RING_S) * sr) as usize;
        let gains = pan_gains(pan);
        let mut frame_at = |n: usize| {
            let t = (n as f32 / sr).min(len_s);
            shape(t, t / len_s)
        };
        let mut prev = frame_at(0);
        self.tract.set(sr, &prev.formants);
        let mut n = 0;
        while n < total && start + n < out.frames() {
            let next = frame_at(n + BLOCK);
            self.tract.set(sr, &next.formants);
            if next.hiss > 0.0 {
                self.hiss.set(sr, next.hiss_hz, 1.5);
            }
            for i in 0..BLOCK.min(total - n).min(out.frames() - start - n) {
                let w = i as f32 / BLOCK as f32;
                let lerp = |a: f32, b: f32| a + (b - a) * w;
                let f = Frame {
                    f0: lerp(prev.f0, next.f0),
                    voice: lerp(prev.voice, next.voice),
                    breath: lerp(prev.breath, next.breath),
                    open: lerp(prev.open, next.open),
                    hiss: lerp(prev.hiss, next.hiss),
                    ..next
                };
                let y = self.sample(&f);
                out.add(start + n + i, y * gain, gains);
            }
            prev = next;
            n += BLOCK;
        }
    }
}

/// Who is making the sound, from the description's size: (fundamental scale, formant
/// scale). A child is high with a short tract; a woman between; a man low.
pub(super) fn person(size: f32) -> (f32, f32) {
    let s = size.clamp(0.0, 1.0);
    (2f32.powf(-1.6 * (s - 0.7)), 1.45 - 0.65 * s)
}

/// A child's voice: laughter becomes giggles.
fn is_child(size: f32) -> bool {
    size < 0.22
}

/// Laughter: bouts of "ha-ha-ha", each syllable a puff of breath ("h") opening into a short
/// breathy vowel, about five a second, the pitch starting high and falling over the bout;
/// a gasping in-breath between bouts. A man laughs low, a woman higher; children giggle:
/// two or three of them, high, quick "hee-hee"s that overlap.
pub fn laugh(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let i = p.intensity;
    let mut out = Stereo::silence(scene.frames);
    let child = is_child(p.size);
    let people = if child {
        2 + scene.rng.fork("kids").below(2)
    } else {
        1
    };
    let clip_s = scene.frames as f32 / sr;
    for who in 0..people {
        let mut rng = scene.rng.fork(&format!("laugher-{who}"));
        let (f0_k, tract_k) = person(p.size);
        let base = 210.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
        let tract_k = tract_k * (0.95 + 0.1 * rng.next_f32());
        let vowel = if child { EH } else { AH };
        let rate = if child { 6.5 } else { 4.6 } * (0.9 + 0.2 * rng.next_f32());
        let pan = if people > 1 { rng.bipolar() * 0.6 } else { 0.0 };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.02, 0.1, 0.1);
        let mut t = 0.03 + if who > 0 { 0.6 * rng.next_f32() } else { 0.0 };
        let mut bout = 0;
        while t < clip_s {
            let syllables = 4 + rng.below(3 + (3.0 * i) as usize);
            let weight = if bout == 0 { 1.0 } else { 0.75 };
            for s in 0..syllables {
                let fall = s as f32 / (syllables - 1).max(1) as f32;
                let f0 = base * (1.3 - 0.4 * fall) * (0.96 + 0.08 * rng.next_f32());
                let len = 0.72 / rate;
                let gain = weight * (1.0 - 0.35 * fall) * (0.8 + 0.2 * rng.next_f32());
                let formants = scaled(&vowel, tract_k);
                voice.call(&mut out, scene.frames_for(t), len, gain, pan, |_, x| {
                    // "h" for the first third, then the vowel, the pitch sagging.
                    let voiced = ((x - 0.25) / 0.15).clamp(0.0, 1.0);
                    let env = fade(x, 0.15, 0.35);
                    Frame::new(
                        f0 * (1.05 - 0.12 * x),
                        env * voiced,
                        env * (0.45 - 0.25 * voiced),
                        formants,
                    )
                    .open(0.7)
                });
                t += 1.0 / rate;
            }
            // The in-breath: a short, rough gasp.
            let breath_s = 0.3 + 0.15 * rng.next_f32();
            let formants = scaled(&UH, tract_k);
            voice.call(
                &mut out,
                scene.frames_for(t + 0.05),
                breath_s,
                0.2,
                pan,
                |_, x| {
                    let env = fade(x, 0.3, 0.3);
                    Frame::new(base * 1.6, 0.12 * env, 0.5 * env, formants)
                },
            );
            t += breath_s + 0.15 + 0.4 * rng.next_f32();
            bout += 1;
        }
    }
    out
}

/// Coughs: a quick breath in, the glottis shut (a beat of silence), then the explosive
/// release, a burst of turbulent air coloured by an open vowel that turns into a rough,
/// voiced "huh" as it dies away. A count gives that many, each a little weaker.
pub fn cough(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let i = p.intensity;
    let mut rng = scene.rng.fork("cough");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 120.0 * f0_k;
    let count = p
        .count
        .map_or(1 + rng.below(3), |c| c.clamp(1, 20) as usize);
    let spacing = 0.42 / p.pace.clamp(0.6, 1.8);
    let group_s = 0.3 + spacing * count as f32;
    let mut out = Stereo::silence(scene.frames);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.04, 0.2, 0.5);
    let vowel = scaled(&AH, tract_k);
    let tail = scaled(&UH, tract_k);
    let inhale = scaled(&EH, tract_k);
    for start in scene.group_starts("cough-fits", 0.02, group_s, (2.0, 6.0)) {
        voice.call(&mut out, start, 0.22, 0.12, 0.0, |_, x| {
            Frame::new(f0, 0.0, fade(x, 0.5, 0.2), inhale)
        });
        for k in 0..count {
            let at = start + scene.frames_for(0.3 + spacing * k as f32);
            let gain = (0.7 + 0.3 * i) * 0.85f32.powi(k as i32) * (0.9 + 0.1 * rng.next_f32());
            let len = 0.26 + 0.06 * rng.next_f32();
            voice.call(&mut out, at, len, gain, 0.0, |t, x| {
                // A sharp release (3 ms), the noise dying in about 60 ms, the voice in
                // about 120 ms after it starts at 30 ms.
                let attack = (t / 0.003).min(1.0);
                let burst = attack * (-t / 0.06).exp();
                let voiced = ((t - 0.02) / 0.02).clamp(0.0, 1.0) * (-t / 0.12).exp();
                let end = fade(x, 0.0, 0.25);
                Frame::new(
                    f0 * (1.1 - 0.2 * x),
                    0.8 * voiced * end,
                    (1.2 * burst + 0.25 * voiced) * end,
                    glide(&vowel, &tail, x * 1.5),
                )
                .open(0.45)
                .hiss(0.15 * burst, 2500.0)
            });
        }
    }
    out
}

/// A sneeze: two catching, rising "ah-" breaths in, a held moment, then the explosive
/// "CHOO", a loud hiss of air through the teeth into a falling, breathy "oo".
pub fn sneeze(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let i = p.intensity;
    let mut rng = scene.rng.fork("sneeze");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 170.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
    let count = p.count.map_or(1, |c| c.clamp(1, 6) as usize);
    let group_s = 1.6 * count as f32;
    let mut out = Stereo::silence(scene.frames);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.02, 0.08, 0.1);
    let ah = scaled(&AH, tract_k);
    let oo = scaled(&OO, tract_k);
    for start in scene.group_starts("sneezes", 0.02, group_s, (3.0, 8.0)) {
        for k in 0..count {
            let at = start + scene.frames_for(1.6 * k as f32);
            for (j, (from_s, len_s)) in [(0.0, 0.32), (0.45, 0.28)].into_iter().enumerate() {
                let rise = 1.0 + 0.2 * j as f32;
                voice.call(
                    &mut out,
                    at + scene.frames_for(from_s),
                    len_s,
                    0.25 + 0.1 * j as f32,
                    0.0,
                    |_, x| {
                        let env = fade(x, 0.4, 0.15);
                        Frame::new(f0 * rise * (1.0 + 0.3 * x), 0.7 * env, 0.3 * env, ah).open(0.75)
                    },
                );
            }
            let choo = at + scene.frames_for(0.95);
            voice.call(&mut out, choo, 0.45, 0.7 + 0.3 * i, 0.0, |t, x| {
                let attack = (t / 0.004).min(1.0);
                let ch = attack * (-t / 0.05).exp();
                let oo_env = ((t - 0.03) / 0.03).clamp(0.0, 1.0) * fade(x, 0.0, 0.6);
                Frame::new(
                    f0 * 1.5 * (1.0 - 0.35 * x),
                    0.6 * oo_env,
                    0.5 * ch + 0.5 * oo_env,
                    oo,
                )
                .open(0.6)
                .hiss(1.2 * ch, 3800.0)
            });
        }
    }
    out
}

/// A baby crying: "waa" cries of about a second, the voice high (400–500 Hz), strained and
/// rough, the pitch rising and falling over each cry, the mouth opening from "w" to a wide
/// "a"; quick, hiccuping breaths in between.
pub fn baby_cry(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("baby");
    let base = 440.0 * (0.92 + 0.16 * rng.next_f32());
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.02, 0.12, 0.25 + 0.3 * i);
    let mut wobble = Drift::new(scene.rng.fork("wobble"), frame_rate(sr), 8.0, 0.97, 1.03);
    let wide = scaled(&AE, 1.8);
    let w = scaled(&OO, 1.8);
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.03;
    while t < clip_s {
        let len = 0.6 + 0.7 * rng.next_f32();
        let f0 = base * (0.92 + 0.16 * rng.next_f32());
        let gain = 0.8 + 0.2 * rng.next_f32();
        voice.call(&mut out, scene.frames_for(t), len, gain, 0.0, |_, x| {
            let contour = 0.9 + 0.22 * (PI * x.powf(0.7)).sin() - 0.1 * x;
            let env = fade(x, 0.1, 0.2);
            Frame::new(
                f0 * contour * wobble.next_sample(),
                env,
                0.25 * env,
                glide(&w, &wide, x / 0.15),
            )
            .open(0.5)
        });
        t += len + 0.08;
        // The in-breath: noisy, with a catch of voice.
        let breath = 0.18 + 0.15 * rng.next_f32();
        voice.call(&mut out, scene.frames_for(t), breath, 0.3, 0.0, |_, x| {
            let env = fade(x, 0.3, 0.3);
            Frame::new(base * 1.3, 0.15 * env, 0.6 * env, scaled(&UH, 1.8))
        });
        t += breath + 0.08 + 0.25 * rng.next_f32();
    }
    out
}

/// A sigh: a slow breath in, then a long, breathy "haaah" out, the faint voice in it
/// falling in pitch as the mouth relaxes and closes.
pub fn sigh(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("sigh");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 140.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.03, 0.1, 0.1);
    let ah = scaled(&AH, tract_k);
    let close = scaled(&UH, tract_k);
    let inhale = scaled(&EH, tract_k);
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("sighs", 0.02, 2.3, (3.0, 8.0)) {
        voice.call(&mut out, start, 0.6, 0.3, 0.0, |_, x| {
            Frame::new(f0, 0.0, fade(x, 0.6, 0.2), inhale)
        });
        let out_at = start + scene.frames_for(0.7);
        voice.call(
            &mut out,
            out_at,
            1.5,
            0.6 + 0.3 * p.intensity,
            0.0,
            |_, x| {
                let env = fade(x, 0.08, 0.75);
                let voiced = fade(x, 0.15, 0.6) * 0.35;
                Frame::new(f0 * (1.15 - 0.35 * x), voiced, env, glide(&ah, &close, x)).open(0.8)
            },
        );
    }
    out
}

/// A gasp: a sudden, sharp breath in through an open mouth, with a catch of voice at the
/// start, cut off as the throat closes.
pub fn gasp(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("gasp");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 260.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.03, 0.1, 0.2);
    let open = scaled(&AE, tract_k);
    let count = p.count.map_or(1, |c| c.clamp(1, 8) as usize);
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("gasps", 0.02, 0.6 * count as f32, (2.0, 6.0)) {
        for k in 0..count {
            let len = 0.26 + 0.08 * rng.next_f32();
            let at = start + scene.frames_for(0.6 * k as f32);
            voice.call(&mut out, at, len, 0.8 + 0.2 * p.intensity, 0.0, |t, x| {
                let env = (t / 0.012).min(1.0) * (1.0 - 0.5 * x) * fade(x, 0.0, 0.08);
                let catch = (-t / 0.08).exp();
                Frame::new(f0 * (1.0 + 0.15 * x), 0.35 * catch * env, env, open)
                    .hiss(0.08 * env, 3000.0)
            });
        }
    }
    out
}

/// A yawn: a long breath in as the jaw drops (the first formant climbing), then a voiced
/// "aaah" out that rises a little in pitch and falls away, closing to a hum.
pub fn yawn(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("yawn");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 170.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.02, 0.08, 0.15);
    let wide = scaled(&AH, tract_k * 1.08);
    let shut = scaled(&OO, tract_k);
    let mut out = Stereo::silence(scene.frames);
    let k = (scene.frames as f32 / sr / 3.0).clamp(0.6, 1.0);
    for start in scene.group_starts("yawns", 0.02, 3.0 * k, (4.0, 10.0)) {
        voice.call(&mut out, start, 1.0 * k, 0.35, 0.0, |_, x| {
            let env = fade(x, 0.5, 0.2);
            Frame::new(f0 * 1.2, 0.1 * env, env, glide(&EH, &wide, x))
        });
        let at = start + scene.frames_for(1.05 * k);
        voice.call(&mut out, at, 1.8 * k, 0.8, 0.0, |_, x| {
            // Up over the first third, then down; open, then closing to a hum.
            let contour = 1.0 + 0.3 * (x / 0.3).min(1.0) - 0.75 * ((x - 0.3) / 0.7).max(0.0);
            let env = fade(x, 0.1, 0.4);
            Frame::new(
                f0 * contour,
                0.9 * env,
                0.35 * env,
                glide(&wide, &shut, (x - 0.55) / 0.45),
            )
            .open(0.7)
        });
    }
    out
}

/// Hiccups: each a jolt of the diaphragm that snaps a breath in against a closing glottis,
/// a click and a short, high, voiced "hic". Uncounted, they recur every two to three
/// seconds through the clip, as they do.
pub fn hiccup(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("hiccup");
    let (f0_k, tract_k) = person(p.size);
    let f0 = 260.0 * f0_k * (0.9 + 0.2 * rng.next_f32());
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.02, 0.1, 0.2);
    let ee = scaled(&EE, tract_k);
    let mut times = Vec::new();
    let clip_s = scene.frames as f32 / sr;
    match p.count {
        Some(c) => {
            let c = c.clamp(1, 20) as usize;
            for start in scene.group_starts("hiccup-fits", 0.1, 1.8 * c as f32, (2.0, 5.0)) {
                for k in 0..c {
                    times.push(start as f32 / sr + 1.8 * k as f32);
                }
            }
        }
        None => {
            let mut t = 0.1 + 0.3 * rng.next_f32();
            while t < clip_s {
                times.push(t);
                t += 1.8 + 1.4 * rng.next_f32();
            }
        }
    }
    let mut out = Stereo::silence(scene.frames);
    for t in times {
        let f = f0 * (0.95 + 0.1 * rng.next_f32());
        let gain = 0.8 + 0.2 * p.intensity;
        voice.call(&mut out, scene.frames_for(t), 0.08, gain, 0.0, |t, x| {
            let env = (t / 0.002).min(1.0) * fade(x, 0.0, 0.2);
            let click = (-t / 0.004).exp();
            Frame::new(f * (1.0 + 0.2 * x), 0.8 * env, 0.3 * env, ee)
                .open(0.5)
                .hiss(0.5 * click, 2500.0)
        });
    }
    out
}

/// One voice in a booing crowd: glottis, base f0, level drift, pan gains, and whether a
/// woman's (her "oo" has a shorter tract).
type Booer = (Glottis, f32, Drift, (f32, f32), bool);

/// A crowd booing: dozens of low "oooh"s, men and women, each voice swelling and fading
/// on its own breath and pitch, the whole crowd building in the first second.
pub fn booing(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let rng = scene.rng.fork("boo");
    let voices = 9 + (7.0 * i) as usize;
    let mut crowd: Vec<Booer> = (0..voices)
        .map(|v| {
            let mut r = rng.fork(&format!("booer-{v}"));
            let woman = r.chance(0.3);
            let f0 = if woman {
                180.0 + 70.0 * r.next_f32()
            } else {
                95.0 + 55.0 * r.next_f32()
            };
            // Read once a block of the control rate below.
            let level = Drift::new(r.fork("level"), sr / BLOCK as f32, 0.7, -0.6, 1.0);
            let gains = pan_gains(r.bipolar() * 0.8);
            let glottis = Glottis::new(r.fork("glottis"), sr, 0.02, 0.1, 0.1);
            (glottis, f0, level, gains, woman)
        })
        .collect();
    let mut levels = vec![0.0f32; voices];
    let mut tracts: Vec<[Tract; 2]> = (0..2)
        .map(|_| {
            let mut men = Tract::default();
            men.set(sr, &OO);
            let mut women = Tract::default();
            women.set(sr, &scaled(&OO, 1.17));
            [men, women]
        })
        .collect();
    let mut breath = [
        WhiteNoise::new(rng.fork("breath-l")),
        WhiteNoise::new(rng.fork("breath-r")),
    ];
    let mut wander = Drift::new(rng.fork("pitch"), sr, 0.5, 0.96, 1.02);
    let mut out = Stereo::silence(scene.frames);
    let build = if scene.background { 0.0 } else { 1.0 };
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let swell = if build > 0.0 {
            (t / build).min(1.0)
        } else {
            1.0
        };
        let drift = wander.next_sample();
        if n % BLOCK == 0 {
            for (l, voice) in levels.iter_mut().zip(&mut crowd) {
                *l = voice.2.next_sample().max(0.0);
            }
        }
        // Per side, per sex: summed sources through one shared "oo" tract each.
        let mut src = [[0.0f32; 2]; 2];
        for ((g, f0, _, (gl, gr), woman), l) in crowd.iter_mut().zip(&levels) {
            let (x, _) = g.next(*f0 * drift, 0.65);
            let s = usize::from(*woman);
            src[0][s] += x * l * *gl;
            src[1][s] += x * l * *gr;
        }
        for (ch, side) in [&mut out.left, &mut out.right].into_iter().zip(0..2) {
            let air = breath[side].next_sample() * 0.4;
            let y = tracts[side][0].process(src[side][0] + air)
                + tracts[side][1].process(src[side][1] + air * 0.5);
            ch[n] = y * swell;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{centroid_hz, envelope, mono, periodicity, scene};
    use super::*;
    use crate::dsp::sounds::SoundParams;

    use super::super::analysis::voice_tests::{SR, span, stretches, with};

    #[test]
    fn the_glottal_source_has_its_fundamental_and_falling_harmonics() {
        let mut g = Glottis::new(Rng::new(1), SR, 0.0, 0.0, 0.0);
        let x: Vec<f32> = (0..24_000).map(|_| g.next(200.0, 0.6).0).collect();
        let (f, strength) = periodicity(&x, SR, 100.0, 400.0);
        assert!(
            (195.0..205.0).contains(&f) && strength > 0.9,
            "{f} {strength}"
        );
        // A rough voice alternates its periods: the repeat is two periods long.
        let mut g = Glottis::new(Rng::new(1), SR, 0.0, 0.0, 1.0);
        let x: Vec<f32> = (0..24_000).map(|_| g.next(200.0, 0.6).0).collect();
        let (f, _) = periodicity(&x, SR, 60.0, 400.0);
        assert!((95.0..105.0).contains(&f), "{f}");
    }

    #[test]
    fn a_man_laughs_in_falling_ha_ha_bursts_five_a_second() {
        let out = mono(&laugh(&scene(3 * 48_000, with(None, 0.7), 1)));
        let bout = stretches(span(&out, 0.0, 1.2), 0.2);
        assert!((4..=8).contains(&bout.len()), "{bout:?}");
        let rate = (bout.len() - 1) as f32 / (bout[bout.len() - 1].0 - bout[0].0);
        assert!((3.5..6.5).contains(&rate), "{rate}");
        // The pitch falls from the first "ha" to the fourth.
        let pitch = |(a, b): (f32, f32)| periodicity(span(&out, a + 0.02, b), SR, 80.0, 500.0).0;
        let (first, fourth) = (pitch(bout[0]), pitch(bout[3]));
        assert!(first > 1.1 * fourth, "{first} {fourth}");
        assert!((100.0..350.0).contains(&fourth), "{fourth}");
        // Children giggle higher than a man laughs.
        let kids = mono(&laugh(&scene(3 * 48_000, with(None, 0.1), 1)));
        let first_kid = stretches(&kids, 0.2)[0];
        let kid = pitch_of(span(&kids, first_kid.0 + 0.02, first_kid.1));
        assert!(kid > 1.6 * fourth, "{kid} {fourth}");
    }

    fn pitch_of(x: &[f32]) -> f32 {
        periodicity(x, SR, 80.0, 900.0).0
    }

    #[test]
    fn a_cough_is_a_sudden_noisy_burst_per_count() {
        let out = mono(&cough(&scene(2 * 48_000, with(Some(2), 0.7), 2)));
        let parts = stretches(&out, 0.2);
        assert_eq!(parts.len(), 2, "{parts:?}");
        let hits: Vec<f32> = parts.iter().map(|p| p.0).collect();
        // The release is turbulence, not a tone, and broad: centred well above the voice.
        let burst = span(&out, hits[0], hits[0] + 0.04);
        assert!(periodicity(burst, SR, 80.0, 400.0).1 < 0.5);
        let c = centroid_hz(burst, SR, 100.0, 6000.0, 25.0);
        assert!((700.0..3500.0).contains(&c), "{c}");
        // It dies away within a third of a second.
        let env = envelope(span(&out, hits[0], hits[0] + 0.4), SR, 0.02);
        assert!(env[15] < 0.15 * env.iter().copied().fold(0.0, f32::max));
    }

    #[test]
    fn a_sneeze_builds_up_then_bursts_in_a_hiss() {
        let out = mono(&sneeze(&scene(2 * 48_000, with(None, 0.7), 3)));
        let env = envelope(&out, SR, 0.02);
        let loudest = env
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        let at = loudest as f32 * 0.02;
        assert!((0.9..1.15).contains(&at), "{at}");
        let build_up = env[..40].iter().copied().fold(0.0, f32::max);
        assert!(build_up < 0.6 * env[loudest] && build_up > 0.05 * env[loudest]);
        // The "ah" is voiced; the "choo" starts as a hiss.
        assert!(periodicity(span(&out, 0.1, 0.3), SR, 100.0, 500.0).1 > 0.5);
        let c = centroid_hz(span(&out, 0.97, 1.01), SR, 200.0, 8000.0, 50.0);
        assert!(c > 2000.0, "{c}");
    }

    #[test]
    fn a_baby_cries_high_and_rough_with_breaths_between() {
        let out = mono(&baby_cry(&scene(4 * 48_000, SoundParams::default(), 4)));
        let cries = stretches(&out, 0.25);
        let long: Vec<_> = cries.iter().filter(|(a, b)| b - a > 0.4).collect();
        assert!(long.len() >= 2, "{cries:?}");
        let (a, b) = *long[0];
        let f0 = periodicity(span(&out, a + 0.1, a + 0.3), SR, 250.0, 800.0).0;
        // The subharmonic of a rough voice may win the autocorrelation: the octave below.
        assert!(
            (380.0..560.0).contains(&f0) || (190.0..280.0).contains(&f0),
            "{f0}"
        );
        assert!(b - a < 1.5);
        let c = centroid_hz(span(&out, a + 0.1, b - 0.1), SR, 100.0, 6000.0, 25.0);
        assert!(c > 900.0, "{c}");
    }

    #[test]
    fn a_sigh_is_a_short_breath_in_and_a_long_breathy_one_out() {
        let out = mono(&sigh(&scene(3 * 48_000, with(None, 0.7), 5)));
        let parts = stretches(&out, 0.1);
        assert!(parts.len() >= 2, "{parts:?}");
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        assert!(last.1 - last.0 > 1.5 * (first.1 - first.0), "{parts:?}");
        // Breath, mostly: only a faint pitch.
        assert!(periodicity(span(&out, last.0, last.1), SR, 70.0, 400.0).1 < 0.6);
        let env = envelope(span(&out, last.0, last.1), SR, 0.1);
        assert!(env[1] > 2.0 * env[env.len() - 2], "{env:?}");
    }

    #[test]
    fn a_gasp_is_short_sudden_and_breathy() {
        let out = mono(&gasp(&scene(48_000, with(None, 0.7), 6)));
        let parts = stretches(&out, 0.1);
        assert_eq!(parts.len(), 1, "{parts:?}");
        assert!(parts[0].1 - parts[0].0 < 0.45);
        let env = envelope(&out, SR, 0.005);
        let peak = env
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert!((peak as f32) * 0.005 < 0.06, "{peak}");
        assert!(centroid_hz(&out, SR, 100.0, 6000.0, 25.0) > 800.0);
    }

    #[test]
    fn a_yawn_rises_then_falls_in_pitch() {
        let out = mono(&yawn(&scene(3 * 48_000, with(None, 0.7), 7)));
        let pitch = |a, b| periodicity(span(&out, a, b), SR, 70.0, 400.0);
        let (rise, s) = pitch(1.55, 1.7);
        assert!(s > 0.5, "{s}");
        let (start, _) = pitch(1.15, 1.3);
        let (end, _) = pitch(2.45, 2.6);
        assert!(
            rise > 1.1 * start && rise > 1.3 * end,
            "{start} {rise} {end}"
        );
        // The first second is the breath in: quieter than the "aah".
        let e = envelope(&out, SR, 0.5);
        assert!(e[1] < e[2] && e[2] < e[3].max(e[2]) * 1.01);
    }

    #[test]
    fn hiccups_are_short_sharp_and_seconds_apart() {
        let out = mono(&hiccup(&scene(6 * 48_000, with(Some(3), 0.7), 8)));
        let parts = stretches(&out, 0.1);
        assert_eq!(parts.len(), 3, "{parts:?}");
        for w in parts.windows(2) {
            assert!(w[1].0 - w[0].0 > 1.2, "{parts:?}");
        }
        assert!(parts.iter().all(|(a, b)| b - a < 0.15), "{parts:?}");
    }

    #[test]
    fn a_crowd_boos_low_and_without_a_break() {
        let out = mono(&booing(&scene(3 * 48_000, SoundParams::default(), 9)));
        let c = centroid_hz(span(&out, 1.0, 3.0), SR, 50.0, 4000.0, 10.0);
        assert!(c < 700.0, "{c}");
        let env = envelope(span(&out, 1.0, 3.0), SR, 0.1);
        let top = env.iter().copied().fold(0.0, f32::max);
        assert!(env.iter().all(|&e| e > 0.3 * top), "{env:?}");
        // Many voices at many pitches: no one pitch stands out.
        assert!(periodicity(span(&out, 1.0, 1.5), SR, 80.0, 300.0).1 < 0.6);
    }
}
