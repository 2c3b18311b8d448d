//! Vehicles on the road: a car and a lorry driving past, a motorbike revving and pulling
//! away, a scooter buzzing by, tyres screeching, two cars colliding, a jam of honking horns.
//!
//! An engine is a pulse train at its firing rate (revolutions a second times the firings
//! per revolution) ringing the exhaust's resonances, each pulse a little different; the
//! tyres add rolling noise that grows with speed. The vehicle is then moved through space:
//! the level follows its distance, the pitch the Doppler shift of its speed towards or away
//! from the listener, the pan its bearing, and the air between takes off the highs.

use super::modal::{self, Body, STEEL_PLATE, THIN_METAL};
use super::{Scene, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::osc::Saw;
use crate::dsp::rng::Rng;
use std::f32::consts::TAU;

/// Speed of sound, metres a second.
const SOUND_MPS: f32 = 343.0;

/// What kind of engine and tyres a vehicle has.
struct Build {
    /// Exhaust pulses per crankshaft revolution: a four-stroke fires half its cylinders
    /// each turn, a two-stroke single once.
    firings_per_rev: f32,
    /// The exhaust's resonances: (Hz, Q, gain).
    pipe: &'static [(f32, f32, f32)],
    /// How long each pulse rings the pipe before it fades, seconds: short and hard for a
    /// diesel's knock, longer and rounder for a petrol car.
    pulse_s: f32,
    /// Share of each pulse that is noise (combustion roughness, a diesel's clatter).
    rough: f32,
    /// Level of the tyres' rolling noise at 20 m/s, and where it is loudest.
    tyres: f32,
    tyre_hz: f32,
}

const CAR: Build = Build {
    firings_per_rev: 2.0,
    pipe: &[(110.0, 3.0, 1.0), (260.0, 4.0, 0.6), (620.0, 3.0, 0.25)],
    pulse_s: 0.004,
    rough: 0.3,
    tyres: 0.5,
    tyre_hz: 800.0,
};

const LORRY: Build = Build {
    firings_per_rev: 3.0,
    pipe: &[(60.0, 3.0, 1.0), (130.0, 4.0, 0.7), (300.0, 3.0, 0.35)],
    pulse_s: 0.0025,
    rough: 0.6,
    tyres: 0.7,
    tyre_hz: 380.0,
};

const MOTORBIKE: Build = Build {
    firings_per_rev: 1.0,
    pipe: &[(170.0, 3.0, 1.0), (420.0, 4.0, 0.6), (950.0, 3.0, 0.3)],
    pulse_s: 0.003,
    rough: 0.4,
    tyres: 0.25,
    tyre_hz: 900.0,
};

const SCOOTER: Build = Build {
    firings_per_rev: 1.0,
    pipe: &[(360.0, 5.0, 1.0), (1100.0, 4.0, 0.7), (2600.0, 3.0, 0.35)],
    pulse_s: 0.002,
    rough: 0.5,
    tyres: 0.15,
    tyre_hz: 1200.0,
};

/// An engine making its exhaust note, one sample at a time.
struct Engine {
    pipe: Vec<(Biquad, f32, f32, f32)>,
    body: Biquad,
    noise: WhiteNoise,
    rng: Rng,
    phase: f32,
    pulse: f32,
    pulse_amp: f32,
    pulse_keep: f32,
    rough: f32,
    firings_per_rev: f32,
    firing: u32,
    weak: u32,
}

impl Engine {
    fn new(sr: f32, build: &Build, rng: Rng) -> Engine {
        let mut rng = rng;
        Engine {
            pipe: build
                .pipe
                .iter()
                .map(|&(f, q, g)| (Biquad::bandpass(sr, f, q), f, q, g))
                .collect(),
            body: Biquad::lowpass(sr, 2000.0, 0.7),
            noise: WhiteNoise::new(rng.fork("combustion")),
            weak: rng.below(4) as u32,
            rng,
            phase: 0.0,
            pulse: 0.0,
            pulse_amp: 1.0,
            pulse_keep: (-1.0 / (build.pulse_s * sr)).exp(),
            rough: build.rough,
            firings_per_rev: build.firings_per_rev,
            firing: 0,
        }
    }

    /// Moves the pipe's resonances by `shift` (the Doppler factor: the whole sound moves).
    fn retune(&mut self, sr: f32, shift: f32) {
        for (f, hz, q, _) in &mut self.pipe {
            f.set(sr, (*hz * shift).min(0.45 * sr), *q);
        }
    }

    /// One sample at `rpm`, heard with pitch factor `shift`; `load` (0..1) is how hard the
    /// engine works: stronger pulses and more roughness.
    fn next(&mut self, sr: f32, rpm: f32, shift: f32, load: f32) -> f32 {
        let firing_hz = rpm / 60.0 * self.firings_per_rev * shift;
        self.phase += firing_hz / sr;
        if self.phase >= 1.0 {
            // Combustion varies from stroke to stroke, and one cylinder is a touch weak.
            self.phase = (self.phase - 1.0 - 0.03 * self.rng.bipolar()).max(0.0);
            self.firing = (self.firing + 1) % 4;
            let weak = if self.firing == self.weak { 0.75 } else { 1.0 };
            self.pulse_amp = weak * (0.8 + 0.4 * self.rng.next_f32()) * (0.6 + 0.6 * load);
            self.pulse = 1.0;
        }
        let rough = self.rough * (0.6 + 0.6 * load);
        let excite = self.pulse * self.pulse_amp * (1.0 - rough + rough * self.noise.next_sample());
        self.pulse *= self.pulse_keep;
        let mut s = 0.0;
        for (f, _, _, g) in &mut self.pipe {
            s += f.process(excite) * *g;
        }
        self.body.process(s)
    }
}

/// Where a moving source is heard from at one moment.
#[derive(Clone, Copy, Debug)]
struct Heard {
    /// Level relative to the source at its closest (1).
    gain: f32,
    /// Doppler factor on every frequency.
    shift: f32,
    /// -1 left .. 1 right.
    pan: f32,
    /// What the air between leaves of the highs, Hz.
    cutoff_hz: f32,
}

/// A source on a straight line past the listener: `offset_m` at its closest, reached at
/// `closest_s`, moving at `speed_mps` from `side` (-1 from the left, 1 from the right).
fn passing(t: f32, speed_mps: f32, offset_m: f32, closest_s: f32, side: f32) -> Heard {
    let x = speed_mps * (t - closest_s);
    let d = x.hypot(offset_m);
    // Positive when it moves away.
    let receding = speed_mps * x / d;
    let near = offset_m / d;
    Heard {
        gain: near,
        shift: SOUND_MPS / (SOUND_MPS + receding),
        pan: -side * 0.85 * x / d,
        cutoff_hz: (14_000.0 * near.powf(0.8)).max(1200.0),
    }
}

/// Renders a vehicle: `drive(t)` gives its engine speed (rpm), its load (0..1), its speed
/// over the ground (m/s, for the tyres) and where it is heard from.
fn render_vehicle(
    scene: &Scene,
    out: &mut Stereo,
    build: &Build,
    start: usize,
    len: usize,
    level: f32,
    mut drive: impl FnMut(f32) -> (f32, f32, f32, Heard),
) {
    let sr = scene.sample_rate_hz;
    let mut engine = Engine::new(sr, build, scene.rng.fork("engine").fork(&start.to_string()));
    let mut road = PinkNoise::new(scene.rng.fork("road").fork(&start.to_string()));
    let mut tyre_bp = Biquad::bandpass(sr, build.tyre_hz, 0.6);
    let mut air = OnePoleLowpass::new(sr, 10_000.0);
    let mut wander = Drift::new(scene.rng.fork("wander"), sr, 1.5, 0.97, 1.03);
    let mut state = drive(0.0);
    let mut smooth = state.3;
    let end = (start + len).min(scene.frames);
    for (k, n) in (start..end).enumerate() {
        let t = k as f32 / sr;
        if k % 32 == 0 {
            state = drive(t);
            engine.retune(sr, state.3.shift);
            air.set_cutoff(sr, smooth.cutoff_hz);
        }
        // Glide between control points so nothing steps.
        let h = state.3;
        smooth.gain += (h.gain - smooth.gain) * 0.01;
        smooth.pan += (h.pan - smooth.pan) * 0.01;
        smooth.cutoff_hz = h.cutoff_hz;
        let (rpm, load, ground_mps, _) = state;
        let exhaust = engine.next(sr, rpm * wander.next_sample(), h.shift, load);
        let tyres = tyre_bp.process(road.next_sample()) * build.tyres * (ground_mps / 20.0);
        let s = air.process(exhaust + tyres) * smooth.gain * level;
        let (gl, gr) = pan_gains(smooth.pan);
        out.left[n] += s * gl;
        out.right[n] += s * gr;
    }
}

/// The frames over which one pass-by plays, and the direction: a single pass is centred
/// in the clip; a background has a vehicle every few seconds from either side.
fn passes(scene: &Scene, label: &str, pass_s: f32) -> Vec<(usize, usize, f32)> {
    let mut rng = scene.rng.fork(label);
    let len = scene.frames_for(pass_s);
    if !scene.background {
        // One vehicle, its closest moment in the middle of the clip.
        let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
        return vec![(0, scene.frames, side)];
    }
    let mut out = Vec::new();
    let mut t = -0.3 * pass_s * rng.next_f32();
    while scene.frames_for(t.max(0.0)) < scene.frames {
        let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
        out.push((scene.frames_for(t.max(0.0)), len, side));
        t += pass_s * (0.35 + 0.5 * rng.next_f32());
    }
    out
}

/// One vehicle driving past at a steady speed, or a stream of them as a background.
fn pass_by(scene: &Scene, build: &Build, rpm: f32, speed_mps: f32, offset_m: f32) -> Stereo {
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let speed = speed_mps * (0.75 + 0.5 * i) * scene.params.pace.clamp(0.5, 2.0);
    // Long enough to come from and go back into the distance.
    let pass_s = (2.0 * 6.0 * offset_m / speed).clamp(3.0, 12.0) * 1.6;
    let mut out = Stereo::silence(scene.frames);
    for (start, len, side) in passes(scene, "passes", pass_s) {
        let closest = len as f32 / scene.sample_rate_hz / 2.0;
        let rpm = rpm * (0.85 + 0.3 * i);
        render_vehicle(scene, &mut out, build, start, len, 1.0, |t| {
            (
                rpm,
                0.5 + 0.4 * i,
                speed,
                passing(t, speed, offset_m, closest, side),
            )
        });
    }
    out
}

/// A car driving past: a four-cylinder at cruising revs and its tyres' hiss rise, the
/// pitch drops as it passes, and it pans across and fades into the distance.
pub fn car_pass(scene: &Scene) -> Stereo {
    pass_by(scene, &CAR, 2300.0, 17.0, 4.0)
}

/// A lorry rumbling past: a big six-cylinder diesel at low revs (a deep, knocking note),
/// heavy tyres, slower and farther out than a car.
pub fn lorry_pass(scene: &Scene) -> Stereo {
    pass_by(scene, &LORRY, 1100.0, 13.0, 6.0)
}

/// A scooter buzzing past: a small single-cylinder two-stroke at high revs, thin and nasal.
pub fn scooter(scene: &Scene) -> Stereo {
    pass_by(scene, &SCOOTER, 7000.0, 9.0, 3.0)
}

/// A motorbike revving and pulling away: it idles, the rider blips the throttle twice, then
/// it accelerates off through the gears (the revs climb, drop at each change, climb again)
/// and recedes into the distance.
pub fn motorcycle(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("ride");
    let total_s = scene.frames as f32 / sr;
    // Idle and blips first when there is time for them; the ride takes the rest.
    let blips_s = if total_s > 5.0 { 2.0 } else { 0.0 };
    let idle = 1100.0 + 200.0 * rng.next_f32();
    let top = 7000.0 + 2000.0 * i;
    let accel = 5.0 + 4.0 * i;
    let side = if rng.chance(0.5) { -1.0 } else { 1.0 };
    let mut out = Stereo::silence(scene.frames);
    render_vehicle(scene, &mut out, &MOTORBIKE, 0, scene.frames, 1.0, |t| {
        let start = Heard {
            gain: 1.0,
            shift: 1.0,
            pan: 0.2 * side,
            cutoff_hz: 14_000.0,
        };
        if t < blips_s {
            // Two blips of the throttle, 0.5 s up and down, half a second apart.
            let u = (t - 0.4) % 0.9;
            let blip = if (0.0..0.5).contains(&u) && t > 0.4 {
                (std::f32::consts::PI * u / 0.5).sin()
            } else {
                0.0
            };
            return (
                idle + (top * 0.6 - idle) * blip,
                0.2 + 0.6 * blip,
                0.0,
                start,
            );
        }
        let r = t - blips_s;
        // Distance covered from a standing start; the gears share the climb.
        let x = 0.5 * accel * r * r;
        let v = accel * r;
        let gear_s = 1.2 + 0.3 * (r / 1.5).floor().min(3.0);
        let within = (r % gear_s) / gear_s;
        let gear = (r / gear_s).floor().min(4.0);
        let rpm = (0.55 + 0.45 * within) * top * (1.0 - 0.04 * gear) + idle * 0.2;
        let d = 3.0 + x;
        let heard = Heard {
            gain: 3.0 / d,
            shift: SOUND_MPS / (SOUND_MPS + v),
            pan: side * (0.2 + 0.6 * (x / d)),
            cutoff_hz: (14_000.0 * (3.0 / d).powf(0.6)).max(1500.0),
        };
        (rpm, 0.9, v, heard)
    });
    out
}

/// Tyres screeching as a car brakes hard or skids: the rubber sticks and slips on the road
/// thousands of times a second, a shrill squeal with harmonics that wobbles in pitch and
/// sags as the car slows, over a broad scrubbing noise; it stops dead when the car does.
pub fn tyre_screech(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("screech");
    let skid_s = 1.1 + 1.0 * i;
    let starts = scene.group_starts("skids", 0.03, skid_s, (3.0, 8.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let f0 = 1100.0 + 500.0 * rng.next_f32();
        let mut wobble = Drift::new(rng.fork("wobble"), sr, 9.0, 0.96, 1.04);
        let mut chatter = Drift::new(rng.fork("chatter"), sr, 20.0, 0.6, 1.0);
        let mut scrub = PinkNoise::new(rng.fork("scrub"));
        let mut scrub_bp = Biquad::bandpass(sr, 900.0, 0.5);
        let mut hiss = WhiteNoise::new(rng.fork("hiss"));
        let mut bands = [1.0f32, 2.0, 3.0].map(|h| Biquad::bandpass(sr, f0 * h, 30.0));
        let mut phase = 0.0f32;
        let pan = 0.4 * rng.bipolar();
        let (gl, gr) = pan_gains(pan);
        let len = scene.frames_for(skid_s);
        for k in 0..len.min(scene.frames.saturating_sub(start)) {
            let u = k as f32 / len as f32;
            // Grips at once, then the car slows: the squeal sags and ends abruptly.
            let env = (k as f32 / (0.04 * sr)).min(1.0) * ((1.0 - u) / 0.06).min(1.0);
            let f = f0 * (1.0 - 0.18 * u) * wobble.next_sample();
            if k % 64 == 0 {
                for (h, b) in bands.iter_mut().enumerate() {
                    b.set(sr, (f * (h + 1) as f32).min(0.45 * sr), 30.0);
                }
            }
            phase = (phase + f / sr).fract();
            // Stick-slip is a rough, tonal squeal: a bent sine plus noise rung at its pitch.
            let tone = (1.6 * (TAU * phase).sin()).tanh();
            let h = hiss.next_sample();
            let rung: f32 = bands
                .iter_mut()
                .zip([1.0, 0.5, 0.25])
                .map(|(b, g)| b.process(h) * g)
                .sum();
            let c = chatter.next_sample();
            let s = (0.5 * tone * c + 2.0 * rung + 0.4 * scrub_bp.process(scrub.next_sample()))
                * env
                * 0.4;
            out.left[start + k] += s * gl;
            out.right[start + k] += s * gr;
        }
    }
    out
}

/// Two cars colliding: a deep thump of the impact, the crunch of sheet metal folding (a
/// rapid burst of many metal strikes at many pitches), the windscreen shattering, then bits
/// of metal and glass falling and settling. A long clip begins with the skid before it.
pub fn car_crash(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("crash");
    let mut out = Stereo::silence(scene.frames);
    let total_s = scene.frames as f32 / sr;
    let skid_s = if total_s >= 3.5 { 1.3 } else { 0.0 };
    if skid_s > 0.0 {
        let mut skid = scene.variant(
            "skid",
            false,
            super::SoundParams {
                intensity: 0.3,
                ..scene.params.clone()
            },
        );
        skid.frames = scene.frames_for(skid_s + 0.1).min(scene.frames);
        let s = tyre_screech(&skid);
        mix_at(&mut out, 0, &s, 0.8);
    }
    let hit_at = scene.frames_for(skid_s + 0.03);
    if hit_at >= scene.frames {
        return out;
    }
    // The impact itself: a thump that drops in pitch as the bodies crumple.
    let mut thud = WhiteNoise::new(rng.fork("thud"));
    let mut thud_lp = Biquad::lowpass(sr, 180.0, 0.9);
    let mut phase = 0.0f32;
    for k in 0..scene.frames_for(0.6).min(scene.frames - hit_at) {
        let t = k as f32 / sr;
        let env = (-t / 0.12).exp() * (k as f32 / (0.002 * sr)).min(1.0);
        phase = (phase + (70.0 - 30.0 * (t / 0.6)) / sr).fract();
        let s = (0.9 * (TAU * phase).sin() + 1.5 * thud_lp.process(thud.next_sample())) * env;
        out.left[hit_at + k] += s;
        out.right[hit_at + k] += s;
    }
    // Sheet metal folding: many quick strikes of steel at many pitches over 0.4 s.
    let crunch: Vec<Body> = (0..5)
        .map(|_| {
            let pitch = 180.0 + 900.0 * rng.next_f32();
            let material = if rng.chance(0.5) {
                &STEEL_PLATE
            } else {
                &THIN_METAL
            };
            Body::new(sr, material, pitch, 0.5, &mut rng)
        })
        .collect();
    let span = scene.frames_for(0.8);
    let mut force = vec![vec![0.0f32; span]; crunch.len()];
    let mut mono = vec![0.0f32; span];
    let strikes = 30 + (30.0 * i) as usize;
    for s in 0..strikes {
        let u = rng.next_f32().powf(1.8);
        let at = scene.frames_for(0.4 * u);
        let g = (1.0 - u) * (0.3 + 0.7 * rng.next_f32());
        let which = s % crunch.len();
        modal::strike(&mut force[which], sr, at, g * 0.6, 0.0004);
        modal::contact_noise(&mut mono, sr, &mut rng, at, g * 0.8, &STEEL_PLATE);
    }
    for (body, f) in crunch.iter().zip(&force) {
        body.ring(f, &mut mono);
    }
    let (gl, gr) = pan_gains(0.1 * rng.bipolar());
    for (k, &x) in mono.iter().enumerate() {
        if let Some(n) = (hit_at + k < scene.frames).then_some(hit_at + k) {
            out.left[n] += x * 0.5 * gl;
            out.right[n] += x * 0.5 * gr;
        }
    }
    // The windscreen breaks a moment later.
    let glass_at = hit_at + scene.frames_for(0.06);
    if glass_at < scene.frames {
        let mut glass = scene.variant("glass", false, scene.params.clone());
        glass.frames = scene.frames - glass_at;
        let g = modal::glass_break(&glass);
        mix_at(&mut out, glass_at, &g, 0.7);
    }
    // Pieces falling and settling.
    let debris = Body::new(sr, &THIN_METAL, 1400.0, 0.3, &mut rng);
    let settle_at = hit_at + scene.frames_for(0.5);
    if settle_at < scene.frames {
        let len = (scene.frames - settle_at).min(scene.frames_for(1.8));
        let mut force = vec![0.0f32; len];
        let mut mono = vec![0.0f32; len];
        let mut t = 0.0f32;
        let mut g = 0.5;
        while t < 1.4 {
            let at = scene.frames_for(t);
            if at < len {
                modal::strike(&mut force, sr, at, g * (0.4 + 0.6 * rng.next_f32()), 0.0002);
            }
            t += 0.05 + 0.2 * rng.next_f32();
            g *= 0.85;
        }
        debris.ring(&force, &mut mono);
        for (k, &x) in mono.iter().enumerate() {
            out.left[settle_at + k] += x * 0.3;
            out.right[settle_at + k] += x * 0.3;
        }
    }
    out
}

/// A car's indicator: the flasher relay (or its electronic imitation) clicks on and off
/// about one and a half times a second, a dry "tick" then a softer "tock", inside the car.
pub fn indicator(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("indicator");
    let period_s = 60.0 / (85.0 + 10.0 * rng.next_f32());
    let mut out = Stereo::silence(scene.frames);
    let mut t = 0.02;
    let mut on = true;
    while scene.frames_for(t) < scene.frames {
        let at = scene.frames_for(t);
        let (f, g) = if on { (2600.0, 0.8) } else { (1900.0, 0.5) };
        let mut body = Biquad::bandpass(sr, f, 6.0);
        let mut low = Biquad::bandpass(sr, 700.0, 3.0);
        for k in 0..scene.frames_for(0.03) {
            if at + k >= scene.frames {
                break;
            }
            // A relay's contact: a sharp impulse with a little scrape after it.
            let x = match k {
                0 => 1.0,
                2 => -0.6,
                _ if k < 20 => 0.1 * rng.bipolar(),
                _ => 0.0,
            };
            let y = (body.process(x) + 0.5 * low.process(x)) * g;
            out.left[at + k] += y;
            out.right[at + k] += y;
        }
        t += period_s / 2.0;
        on = !on;
    }
    out
}

/// Adds `from` into `out` from frame `at`, scaled by `gain`.
fn mix_at(out: &mut Stereo, at: usize, from: &Stereo, gain: f32) {
    let end = (at + from.frames()).min(out.frames());
    for (k, n) in (at..end).enumerate() {
        out.left[n] += from.left[k] * gain;
        out.right[n] += from.right[k] * gain;
    }
}

/// A traffic jam: engines idling and crawling, and drivers leaning on their horns: short
/// toots, double toots and long angry blasts, near and far, left and right. A car horn is
/// a pair of electric horns a third apart, each a buzzing diaphragm through a flared throat.
pub fn traffic_jam(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let slow = super::SoundParams {
        intensity: 0.25,
        pace: 0.5,
        ..scene.params.clone()
    };
    let mut out = super::ambience::traffic(&scene.variant("crawl", true, slow));
    for s in out.left.iter_mut().chain(out.right.iter_mut()) {
        *s *= 0.5;
    }
    let mut rng = scene.rng.fork("horns");
    let rate = 0.5 + 1.0 * i;
    let mut times = scene.rng.fork("honks");
    let mut first = true;
    for at in super::nature::poisson_times(&mut times, rate, scene.frames, sr) {
        // The first honk comes early, so even a short clip has one.
        let at = if first { scene.frames_for(0.2) } else { at };
        first = false;
        let f = 360.0 + 140.0 * rng.next_f32();
        let pattern: &[(f32, f32)] = match rng.below(3) {
            0 => &[(0.0, 0.18)],
            1 => &[(0.0, 0.14), (0.22, 0.16)],
            _ => &[(0.0, 0.6 + 0.8 * i)],
        };
        let gain = 0.25 + 0.5 * rng.next_f32();
        let pan = 0.9 * rng.bipolar();
        for &(off_s, dur_s) in pattern {
            honk(
                &mut out,
                scene,
                at + scene.frames_for(off_s),
                f,
                dur_s,
                gain,
                pan,
            );
        }
    }
    out
}

/// One honk of a two-tone electric horn from frame `at`.
fn honk(out: &mut Stereo, scene: &Scene, at: usize, f: f32, dur_s: f32, gain: f32, pan: f32) {
    let sr = scene.sample_rate_hz;
    let mut low = Saw::new(sr, 0.0);
    let mut high = Saw::new(sr, 0.31);
    let mut throat = Biquad::bandpass(sr, 2200.0, 1.2);
    let mut body = Biquad::bandpass(sr, 700.0, 1.0);
    let (gl, gr) = pan_gains(pan);
    let len = scene.frames_for(dur_s + 0.02);
    for k in 0..len {
        let n = at + k;
        if n >= scene.frames {
            break;
        }
        let t = k as f32 / sr;
        let env = (t / 0.008).min(1.0) * ((dur_s + 0.02 - t) / 0.02).clamp(0.0, 1.0);
        let x = (2.0 * (low.next_sample(f) + high.next_sample(f * 1.26))).tanh();
        let s = (throat.process(x) * 0.8 + body.process(x)) * env * gain * 0.5;
        out.left[n] += s * gl;
        out.right[n] += s * gr;
    }
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{
        band_share, bursts, centroid_hz, envelope, mono, onsets, peak_hz, scene,
    };
    use super::*;

    fn energy(x: &[f32]) -> f32 {
        x.iter().map(|s| s * s).sum::<f32>() / x.len().max(1) as f32
    }

    #[test]
    fn a_car_passes_from_one_side_to_the_other_loudest_in_the_middle() {
        let sr = 48_000.0;
        let out = car_pass(&scene(6 * 48_000, SoundParams::default(), 1));
        let third = out.frames() / 3;
        let side = |a: usize, b: usize| energy(&out.right[a..b]) / energy(&out.left[a..b]);
        let (before, after) = (side(0, third), side(2 * third, 3 * third));
        // It comes from one side and leaves on the other.
        assert!(
            (before > 1.5 && after < 0.67) || (before < 0.67 && after > 1.5),
            "{before} {after}"
        );
        let env = envelope(&mono(&out), sr, 0.25);
        let loudest = env.iter().copied().fold(0.0, f32::max);
        let at = env.iter().position(|&e| e == loudest).unwrap() as f32 * 0.25;
        assert!((2.0..4.0).contains(&at), "{at}");
        assert!(env[1] < 0.3 * loudest && env[env.len() - 2] < 0.3 * loudest);
    }

    #[test]
    fn its_pitch_drops_as_it_passes() {
        let heard = |t| passing(t, 20.0, 4.0, 2.0, 1.0);
        let (coming, going) = (heard(1.0).shift, heard(3.0).shift);
        assert!(coming > 1.05 && going < 0.96, "{coming} {going}");
        assert!((heard(2.0).shift - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_lorry_is_deeper_than_a_car() {
        let sr = 48_000.0;
        let middle = |x: Vec<f32>| x[(2.5 * sr) as usize..(3.5 * sr) as usize].to_vec();
        let car = middle(mono(&car_pass(&scene(
            6 * 48_000,
            SoundParams::default(),
            2,
        ))));
        let lorry = middle(mono(&lorry_pass(&scene(
            6 * 48_000,
            SoundParams::default(),
            2,
        ))));
        let centre = |x: &[f32]| centroid_hz(x, sr, 30.0, 4000.0, 5.0);
        assert!(
            centre(&lorry) < 0.8 * centre(&car),
            "{} {}",
            centre(&lorry),
            centre(&car)
        );
    }

    #[test]
    fn a_motorbike_revs_then_rides_off_into_the_distance() {
        let sr = 48_000.0;
        let out = mono(&motorcycle(&scene(6 * 48_000, SoundParams::default(), 3)));
        let env = envelope(&out, sr, 0.5);
        let early = env[..5].iter().copied().fold(0.0, f32::max);
        assert!(env[11] < 0.25 * early, "{env:?}");
    }

    #[test]
    fn screeching_tyres_squeal_at_one_pitch_with_its_harmonics() {
        let sr = 48_000.0;
        let out = mono(&tyre_screech(&scene(3 * 48_000, SoundParams::default(), 4)));
        let skid = &out[(0.3 * sr) as usize..(1.0 * sr) as usize];
        let f = peak_hz(skid, sr, 500.0, 3000.0, 5.0);
        assert!((900.0..1700.0).contains(&f), "{f}");
        let tonal = band_share(skid, sr, (300.0, 6000.0), (0.95 * f, 1.05 * f), 5.0);
        assert!(tonal > 0.2, "{tonal}");
        // It stops dead with the car.
        assert!(envelope(&out[(2.6 * sr) as usize..], sr, 0.1)[1] < 1e-3);
    }

    #[test]
    fn a_crash_follows_its_skid_with_a_loud_broad_impact() {
        let sr = 48_000.0;
        let out = mono(&car_crash(&scene(4 * 48_000, SoundParams::default(), 5)));
        let hits = onsets(&out, sr, 0.2, 0.5);
        assert!(hits.iter().any(|&t| (1.25..1.45).contains(&t)), "{hits:?}");
        let after = &out[(1.4 * sr) as usize..(1.9 * sr) as usize];
        let before = &out[(0.5 * sr) as usize..(1.0 * sr) as usize];
        assert!(energy(after) > 2.0 * energy(before));
        // Glass and metal: much of the impact's energy is high.
        assert!(band_share(after, sr, (50.0, 10_000.0), (2000.0, 10_000.0), 20.0) > 0.2);
    }

    #[test]
    fn a_horn_sounds_two_notes_a_third_apart() {
        let sr = 48_000.0;
        let sc = scene(48_000, SoundParams::default(), 6);
        let mut out = Stereo::silence(sc.frames);
        honk(&mut out, &sc, 0, 400.0, 0.5, 1.0, 0.0);
        let x = mono(&out);
        let tone = &x[(0.05 * sr) as usize..(0.45 * sr) as usize];
        let share = |f: f32| band_share(tone, sr, (100.0, 6000.0), (f - 8.0, f + 8.0), 2.0);
        assert!(share(400.0) > 0.01 && share(504.0) > 0.01);
        assert!(share(450.0) < 0.2 * share(400.0));
    }

    #[test]
    fn a_jam_honks_again_and_again() {
        let sr = 48_000.0;
        let params = SoundParams {
            intensity: 0.9,
            ..SoundParams::default()
        };
        let out = mono(&traffic_jam(&scene(8 * 48_000, params, 7)));
        assert!(bursts(&out, sr, 0.4) >= 3);
    }

    #[test]
    fn an_indicator_ticks_and_tocks_about_three_times_a_second() {
        let sr = 48_000.0;
        let out = mono(&indicator(&scene(4 * 48_000, SoundParams::default(), 8)));
        let clicks = onsets(&out, sr, 0.1, 0.1);
        assert!((11..=14).contains(&clicks.len()), "{clicks:?}");
    }
}
