//! Household and garden machines: a vacuum cleaner, a fridge, an electric drill, a
//! lawnmower, a sewing machine. Motors are harmonic series on their rotation (or firing)
//! rate, with the blade-pass whine of their fans and the noise of the air they move; the
//! rate wanders a little with the load, which is what keeps a machine from sounding like an
//! oscillator.

use super::{Hit, Scene, Stereo, add_hit};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::osc::Saw;
use std::f32::consts::TAU;

/// Fades in over `attack_s` and out over `release_s` seconds (shortened for short clips).
fn ramp_edges(scene: &Scene, out: &mut Stereo, attack_s: f32, release_s: f32) {
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

/// A vacuum cleaner running: the universal motor spins its fan near 30,000 rpm, so the
/// fan's blades whine at several kHz over the motor's own hum at its rotation rate, and the
/// air it sucks roars through the hose. Pushed back and forth over a carpet, the load changes
/// every second or so: the pitch and the roar sag and recover.
pub fn vacuum(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("vacuum");
    let rot_hz = 420.0 + 80.0 * rng.next_f32();
    let blades = 9.0;
    let mut load = Drift::new(scene.rng.fork("load"), sr, 0.9, 0.0, 1.0);
    let mut out = Stereo::silence(scene.frames);
    let mut noise_l = PinkNoise::new(scene.rng.fork("air-l"));
    let mut noise_r = PinkNoise::new(scene.rng.fork("air-r"));
    let mut hiss = WhiteNoise::new(scene.rng.fork("hiss"));
    let mut roar_l = Biquad::bandpass(sr, 900.0, 0.6);
    let mut roar_r = Biquad::bandpass(sr, 900.0, 0.6);
    let mut whine_bp = Biquad::bandpass(sr, rot_hz * blades, 25.0);
    let mut suction = Biquad::highpass(sr, 3000.0, 0.7);
    let (mut p, mut q) = (0.0f32, 0.0f32);
    for n in 0..scene.frames {
        let l = load.next_sample();
        // Blocked airflow unloads the fan: it speeds up and the roar drops.
        let speed = 1.0 + 0.03 * (l - 0.5);
        let air = 1.0 - 0.35 * l;
        if n % 64 == 0 {
            whine_bp.set(sr, rot_hz * blades * speed, 25.0);
            roar_l.set(sr, 700.0 + 500.0 * air, 0.6);
            roar_r.set(sr, 720.0 + 500.0 * air, 0.6);
        }
        p = (p + rot_hz * speed / sr).fract();
        q = (q + rot_hz * blades * speed / sr).fract();
        let hum = 0.1 * (TAU * p).sin() + 0.05 * (2.0 * TAU * p).sin();
        let h = hiss.next_sample();
        let whine = 0.05 * (TAU * q).sin() + whine_bp.process(h) * 0.5;
        let top = suction.process(h) * 0.04 * air;
        let common = hum + whine + top;
        out.left[n] = roar_l.process(noise_l.next_sample()) * 0.45 * air * (0.8 + 0.4 * i) + common;
        out.right[n] =
            roar_r.process(noise_r.next_sample()) * 0.45 * air * (0.8 + 0.4 * i) + common;
    }
    ramp_edges(scene, &mut out, 0.4, 0.4);
    out
}

/// A fridge humming: the compressor's motor shakes at twice the mains frequency (100 Hz
/// in a 50 Hz country), a hum rich in harmonics that slowly beats, with a faint rattle of
/// the cabinet and the hiss of refrigerant; now and then a tick as a panel expands or a
/// gurgle in the pipes.
pub fn fridge(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("fridge");
    let mut beat = Drift::new(scene.rng.fork("beat"), sr, 0.3, 0.8, 1.0);
    let mut rattle = Drift::new(scene.rng.fork("rattle"), sr, 2.0, 0.0, 1.0);
    let mut noise = WhiteNoise::new(scene.rng.fork("hiss"));
    let mut pink = PinkNoise::new(scene.rng.fork("body"));
    let mut hiss_bp = Biquad::bandpass(sr, 4000.0, 0.8);
    let mut body_lp = Biquad::lowpass(sr, 250.0, 0.7);
    let harmonics = [
        (1.0, 1.0),
        (2.0, 0.45),
        (3.0, 0.3),
        (4.0, 0.12),
        (6.0, 0.06),
        (8.0, 0.03),
    ];
    let phases: Vec<f32> = harmonics.iter().map(|_| rng.next_f32()).collect();
    let base = 100.0;
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let b = beat.next_sample();
        let mut hum = 0.0;
        for (k, &(h, g)) in harmonics.iter().enumerate() {
            hum += g * (TAU * (base * h * t + phases[k])).sin();
        }
        // The cabinet buzzes against the hum now and then: a rough, clipped copy of it.
        let r = rattle.next_sample();
        let buzz = (hum * 3.0).clamp(-0.4, 0.4) * (r - 0.7).max(0.0);
        let s = hum * 0.3 * b
            + buzz * 0.2
            + body_lp.process(pink.next_sample()) * 0.04
            + hiss_bp.process(noise.next_sample()) * 0.006;
        out.left[n] = s;
        out.right[n] = s;
    }
    let mut times = scene.rng.fork("ticks");
    for at in super::nature::poisson_times(&mut times, 0.2, scene.frames, sr) {
        let tick = Hit {
            modes: &[(1800.0, 0.01, 0.3), (3400.0, 0.006, 0.2)],
            noise_amp: 0.5,
            noise_decay_s: 0.001,
            noise_centre_hz: 3000.0,
            noise_q: 1.0,
        };
        let pan = rng.bipolar() * 0.5;
        add_hit(&mut out, sr, &mut rng, at, 0.15, pan, 1.0, &tick);
    }
    ramp_edges(scene, &mut out, 0.3, 0.3);
    out
}

/// A power tool's trigger over its bursts `(start_s, length_s)`: how long since the current
/// burst began, its length, and the motor's speed (0..1), spinning up with time constant
/// `up_s` while the trigger is held and down with `down_s` after. Times must rise.
struct Trigger<'a> {
    bursts: &'a [(f32, f32)],
    current: usize,
}

impl<'a> Trigger<'a> {
    fn new(bursts: &'a [(f32, f32)]) -> Self {
        Trigger { bursts, current: 0 }
    }

    fn at(&mut self, t: f32, up_s: f32, down_s: f32) -> (f32, f32, f32) {
        while self.current + 1 < self.bursts.len() && t >= self.bursts[self.current + 1].0 {
            self.current += 1;
        }
        let (start, len) = self.bursts[self.current];
        let since = t - start;
        let speed = if since < 0.0 {
            0.0
        } else if since < len {
            1.0 - (-since / up_s).exp()
        } else {
            (1.0 - (-len / up_s).exp()) * (-(since - len) / down_s).exp()
        };
        (since, len, speed)
    }
}

/// An electric drill: the motor whirs up to speed in a fraction of a second (a buzzy
/// harmonic whine near 300 Hz with its gears' whine above), bites into the work (the pitch
/// sags and a grinding noise joins), and spins down when the trigger is let go. Bursts of a
/// second or two with pauses; `count` bursts.
pub fn drill(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("drill");
    let top_hz = 260.0 + 60.0 * rng.next_f32() + 60.0 * i;
    let clip_s = scene.frames as f32 / sr;
    // Bursts: (start, length).
    let mut bursts = Vec::new();
    match scene.params.count {
        Some(c) => {
            let mut t = 0.05;
            for _ in 0..c.clamp(1, 12) {
                let len = 1.2 + 0.4 * rng.next_f32();
                bursts.push((t, len));
                t += len + 0.6;
            }
        }
        None if !scene.background => bursts.push((0.05, (clip_s - 0.6).max(0.3 * clip_s))),
        None => {
            let mut t = 0.05;
            while t < clip_s {
                let len = 1.0 + 1.8 * rng.next_f32();
                bursts.push((t, len));
                t += len + 0.5 + 1.5 * rng.next_f32();
            }
        }
    }
    let mut saw = Saw::new(sr, 0.0);
    let mut gear = 0.0f32;
    let mut noise = WhiteNoise::new(scene.rng.fork("brushes"));
    let mut brush_hp = Biquad::highpass(sr, 5000.0, 0.7);
    let mut grind_bp = Biquad::bandpass(sr, 1800.0, 1.2);
    let mut housing = [(800.0, 2.0, 1.0), (2400.0, 3.0, 0.6), (450.0, 2.0, 0.5)]
        .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut bite = Drift::new(scene.rng.fork("bite"), sr, 1.5, 0.0, 1.0);
    let mut lp = OnePoleLowpass::new(sr, 7000.0);
    let mut out = Stereo::silence(scene.frames);
    let mut trigger = Trigger::new(&bursts);
    for n in 0..scene.frames {
        // Spin-up with a time constant of 0.1 s; after the trigger, spin-down of 0.35 s.
        let (since, len, speed) = trigger.at(n as f32 / sr, 0.1, 0.35);
        if speed < 1e-3 {
            out.left[n] = 0.0;
            out.right[n] = 0.0;
            continue;
        }
        let load = if since > 0.4 && since < len {
            let x = bite.next_sample();
            x * x
        } else {
            0.0
        };
        let hz = top_hz * speed * (1.0 - 0.15 * load);
        let buzz = saw.next_sample(hz.max(1.0));
        gear = (gear + hz * 3.6 / sr).fract();
        let mut body = 0.0;
        for (f, g) in &mut housing {
            body += f.process(buzz) * *g;
        }
        let w = noise.next_sample();
        let s = body * 0.5
            + (TAU * gear).sin() * 0.08
            + brush_hp.process(w) * 0.03
            + grind_bp.process(w) * 0.25 * load;
        let y = lp.process(s) * speed.powf(1.5);
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A lawnmower: a small single-cylinder four-stroke near 3000 rpm fires 25 times a
/// second, each bang ringing a tiny muffler (rough and bright, unlike a car's deep burble),
/// over the whoosh of the blade; pushed up and down the lawn it comes nearer and goes
/// away, and the engine labours in thick grass.
pub fn lawnmower(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("mower");
    let fire_hz = 24.0 + 4.0 * rng.next_f32();
    let mut labour = Drift::new(scene.rng.fork("labour"), sr, 0.5, 0.93, 1.03);
    let mut near = Drift::new(scene.rng.fork("near"), sr, 0.12, 0.45, 1.0);
    let mut noise = WhiteNoise::new(scene.rng.fork("bang"));
    let mut blade = PinkNoise::new(scene.rng.fork("blade"));
    let mut blade_bp = Biquad::bandpass(sr, 500.0, 0.8);
    let mut muffler = [
        (160.0, 3.0, 1.0),
        (420.0, 4.0, 0.7),
        (1100.0, 3.0, 0.45),
        (2600.0, 2.0, 0.2),
    ]
    .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut air = OnePoleLowpass::new(sr, 4000.0);
    let mut out = Stereo::silence(scene.frames);
    let mut phase = 0.0f32;
    let mut pulse = 0.0f32;
    let keep = (-1.0 / (0.006 * sr)).exp();
    for n in 0..scene.frames {
        let d = near.next_sample();
        if n % 64 == 0 {
            air.set_cutoff(sr, 1500.0 + 5000.0 * d);
        }
        phase += fire_hz * labour.next_sample() / sr;
        if phase >= 1.0 {
            phase -= 1.0 + 0.06 * rng.bipolar();
            phase = phase.max(0.0);
            pulse = 0.7 + 0.5 * rng.next_f32();
        }
        let x = noise.next_sample() * pulse + pulse * 0.5;
        pulse *= keep;
        let mut s = 0.0;
        for (f, g) in &mut muffler {
            s += f.process(x) * *g;
        }
        let whoosh = blade_bp.process(blade.next_sample()) * 0.15;
        let y = air.process(s * (0.8 + 0.3 * i) + whoosh) * d;
        out.left[n] = y;
        out.right[n] = y * (0.9 + 0.1 * d);
    }
    ramp_edges(scene, &mut out, 0.3, 0.3);
    out
}

/// A sewing machine running: every stitch the needle bar drives down (a dull knock) and
/// the hook catches the thread (a bright metal tick), ten or more stitches a second, over
/// the hum of the little motor; the foot pedal runs it in bursts, speeding up and slowing.
pub fn sewing_machine(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("sewing");
    let clip_s = scene.frames as f32 / sr;
    let top_hz = 11.0 + 4.0 * i;
    let mut runs = Vec::new();
    let mut t = 0.05;
    while t < clip_s {
        let len = if scene.background {
            1.5 + 2.5 * rng.next_f32()
        } else {
            (clip_s - 0.3).min(2.0 + 2.0 * rng.next_f32())
        };
        runs.push((t, len.max(0.3)));
        t += len + 0.4 + 0.8 * rng.next_f32();
    }
    let needle = Hit {
        modes: &[(210.0, 0.02, 0.6), (520.0, 0.012, 0.4)],
        noise_amp: 0.6,
        noise_decay_s: 0.002,
        noise_centre_hz: 1200.0,
        noise_q: 0.8,
    };
    let hook = Hit {
        modes: &[
            (2300.0, 0.008, 0.35),
            (4100.0, 0.005, 0.25),
            (6200.0, 0.003, 0.15),
        ],
        noise_amp: 0.8,
        noise_decay_s: 0.0006,
        noise_centre_hz: 5000.0,
        noise_q: 1.0,
    };
    let mut out = Stereo::silence(scene.frames);
    let mut motor = Saw::new(sr, 0.0);
    let mut motor_bp = Biquad::bandpass(sr, 700.0, 1.5);
    let mut speeds = vec![0.0f32; scene.frames];
    for &(start, len) in &runs {
        // The pedal: speed rises over 0.3 s, holds, falls over 0.25 s.
        let mut phase = 0.0f32;
        let first = scene.frames_for(start);
        let last = scene.frames.min(first + scene.frames_for(len + 0.25));
        for (n, at) in (first..last).enumerate() {
            let since = n as f32 / sr;
            let speed = if since < len {
                (since / 0.3).min(1.0)
            } else {
                1.0 - (since - len) / 0.25
            }
            .clamp(0.0, 1.0);
            speeds[at] = speed;
            phase += top_hz * speed / sr;
            if phase >= 1.0 {
                phase -= 1.0;
                let gain = 0.6 + 0.4 * speed;
                add_hit(&mut out, sr, &mut rng, at, gain, 0.0, 1.0, &needle);
                let hook_at = at + scene.frames_for(0.35 / top_hz);
                if hook_at < scene.frames {
                    let tune = 0.97 + 0.06 * rng.next_f32();
                    add_hit(
                        &mut out,
                        sr,
                        &mut rng,
                        hook_at,
                        gain * 0.6,
                        0.05,
                        tune,
                        &hook,
                    );
                }
            }
        }
    }
    for (n, &speed) in speeds.iter().enumerate() {
        if speed <= 0.0 {
            continue;
        }
        let m = motor_bp.process(motor.next_sample(top_hz * 20.0 * speed + 1.0)) * 0.12 * speed;
        out.left[n] += m;
        out.right[n] += m;
    }
    out
}

/// Bursts of a power tool's trigger: `(start_s, length_s)`, from `count`, else one long
/// burst, or as a background bursts with pauses.
fn trigger_bursts(scene: &Scene, rng: &mut crate::dsp::rng::Rng, usual_s: f32) -> Vec<(f32, f32)> {
    let clip_s = scene.frames as f32 / scene.sample_rate_hz;
    let mut bursts = Vec::new();
    match scene.params.count {
        Some(c) => {
            let mut t = 0.05;
            for _ in 0..c.clamp(1, 12) {
                let len = usual_s * (0.8 + 0.4 * rng.next_f32());
                bursts.push((t, len));
                t += len + 0.7;
            }
        }
        None if !scene.background => bursts.push((0.05, (clip_s - 0.8).max(0.3 * clip_s))),
        None => {
            let mut t = 0.05;
            while t < clip_s {
                let len = usual_s * (0.6 + 1.0 * rng.next_f32());
                bursts.push((t, len));
                t += len + 0.6 + 1.8 * rng.next_f32();
            }
        }
    }
    bursts
}

/// An angle grinder cutting metal: a small motor at about 10,000 rpm drives the disc
/// through bevel gears, a hard, high whine; when the disc bites, the revs sag and a
/// piercing shriek of abraded steel and a spray of crackling sparks join it.
pub fn angle_grinder(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("grinder");
    let top_hz = 165.0 + 25.0 * rng.next_f32();
    let bursts = trigger_bursts(scene, &mut rng, 2.5);
    let mut saw = Saw::new(sr, 0.0);
    let mut gear = 0.0f32;
    let mut noise = WhiteNoise::new(scene.rng.fork("steel"));
    let mut shriek = [3200.0, 4700.0, 6900.0].map(|f| Biquad::bandpass(sr, f, 6.0));
    let mut sparks_hp = Biquad::highpass(sr, 2500.0, 0.7);
    let mut housing = [(1200.0, 2.0, 1.0), (2600.0, 2.5, 0.7), (500.0, 2.0, 0.4)]
        .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut bite = Drift::new(scene.rng.fork("bite"), sr, 2.5, 0.0, 1.0);
    let mut lp = OnePoleLowpass::new(sr, 12_000.0);
    let mut crackle = 0.0f32;
    let mut out = Stereo::silence(scene.frames);
    let mut trigger = Trigger::new(&bursts);
    for n in 0..scene.frames {
        // Spins up in a quarter of a second; the heavy disc takes a second to stop.
        let (since, len, speed) = trigger.at(n as f32 / sr, 0.25, 0.8);
        if speed < 1e-3 {
            continue;
        }
        let load = if since > 0.5 && since < len - 0.2 {
            (0.4 + 0.6 * bite.next_sample()) * (0.6 + 0.4 * i)
        } else {
            0.0
        };
        let hz = top_hz * speed * (1.0 - 0.12 * load);
        let buzz = saw.next_sample(hz.max(1.0));
        gear = (gear + hz * 14.0 / sr).fract();
        let mut body = 0.0;
        for (f, g) in &mut housing {
            body += f.process(buzz) * *g;
        }
        let w = noise.next_sample();
        let scream: f32 = shriek.iter_mut().map(|f| f.process(w)).sum::<f32>() * load * 0.9;
        if rng.next_f32() < 300.0 * load / sr {
            crackle = 0.6 + 0.4 * rng.next_f32();
        }
        let sparks = sparks_hp.process(w) * crackle * 0.3;
        crackle *= 0.97;
        let s = body * 0.4 + (TAU * gear).sin() * 0.12 * speed + scream + sparks;
        let y = lp.process(s) * speed.powf(1.2);
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A pneumatic nail gun: each shot a sharp crack of the driver slamming home, the hiss of
/// compressed air venting, and the thunk of the nail into timber. `count` shots (three by
/// default), about two a second.
pub fn nail_gun(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("nail-gun");
    let count = scene.params.count.unwrap_or(3).clamp(1, 30);
    let spacing_s = 0.5 / scene.params.pace.clamp(0.3, 3.0);
    let starts = scene.group_starts("volleys", 0.05, spacing_s * count as f32, (1.0, 3.0));
    let mut air = WhiteNoise::new(scene.rng.fork("air"));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s * (0.9 + 0.2 * rng.next_f32()));
            if at >= scene.frames {
                break;
            }
            let gain = (0.8 + 0.2 * rng.next_f32()) * (0.7 + 0.3 * i);
            let crack = Hit {
                modes: &[
                    (1900.0, 0.02, 0.5),
                    (3300.0, 0.012, 0.35),
                    (150.0, 0.05, 0.8),
                    (420.0, 0.03, 0.5),
                ],
                noise_amp: 2.0,
                noise_decay_s: 0.003,
                noise_centre_hz: 3500.0,
                noise_q: 0.6,
            };
            add_hit(&mut out, sr, &mut rng, at, gain, 0.0, 1.0, &crack);
            let mut hiss_hp = Biquad::highpass(sr, 3000.0, 0.7);
            for n in 0..scene.frames_for(0.12) {
                let m = at + scene.frames_for(0.004) + n;
                if m >= scene.frames {
                    break;
                }
                let u = n as f32 / sr;
                let env = (u / 0.004).min(1.0) * (-u / 0.035).exp();
                let h = hiss_hp.process(air.next_sample()) * env * 0.35 * gain;
                out.left[m] += h;
                out.right[m] += h;
            }
        }
    }
    out
}

/// A road drill (jackhammer): a compressed-air piston hammers the bit about 25 times a
/// second, each blow a hard clank of steel on concrete with a burst of exhaust air, in
/// bursts of a few seconds.
pub fn jackhammer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("jackhammer");
    let bursts = trigger_bursts(scene, &mut rng, 3.0);
    let rate_hz = 22.0 + 6.0 * rng.next_f32();
    let mut out = Stereo::silence(scene.frames);
    let mut air = WhiteNoise::new(scene.rng.fork("exhaust"));
    let mut air_bp = Biquad::bandpass(sr, 1500.0, 0.7);
    let blow = Hit {
        modes: &[
            (95.0, 0.03, 1.0),
            (730.0, 0.02, 0.5),
            (1650.0, 0.015, 0.4),
            (3100.0, 0.008, 0.25),
        ],
        noise_amp: 1.2,
        noise_decay_s: 0.004,
        noise_centre_hz: 2000.0,
        noise_q: 0.6,
    };
    for &(start_s, len_s) in &bursts {
        let mut t = start_s;
        while t < start_s + len_s {
            let at = scene.frames_for(t);
            if at >= scene.frames {
                break;
            }
            let gain = (0.7 + 0.3 * rng.next_f32()) * (0.7 + 0.3 * i) * 0.6;
            let tune = 0.97 + 0.06 * rng.next_f32();
            add_hit(&mut out, sr, &mut rng, at, gain, 0.0, tune, &blow);
            t += (1.0 + 0.05 * rng.bipolar()) / rate_hz;
        }
        let from = scene.frames_for(start_s);
        let to = scene.frames_for(start_s + len_s).min(scene.frames);
        for n in from..to {
            let k = (n - from) as f32 / sr;
            let env = (k / 0.05).min(1.0) * ((to - n) as f32 / (0.05 * sr)).min(1.0);
            let h = air_bp.process(air.next_sample()) * env * 0.12;
            out.left[n] += h;
            out.right[n] += h;
        }
    }
    out
}

/// A building site: a road drill in bursts, hammering, a lorry reversing somewhere, and a
/// diesel generator thudding under it all.
pub fn construction_site(scene: &Scene) -> Stereo {
    use super::scenes::{Layer, layered};
    let layer = |label, render, level, far, pan| Layer {
        label,
        render,
        level,
        far,
        pan,
        intensity: None,
    };
    layered(
        scene,
        &[
            layer("road-drill", jackhammer, 0.55, false, -0.3),
            layer("hammering", super::everyday::hammer, 0.5, false, 0.4),
            layer(
                "reversing",
                super::signals::reversing_beeper,
                0.1,
                true,
                -0.7,
            ),
            layer("generator", super::everyday::generator, 0.35, true, 0.7),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{
        centroid_hz, envelope, modulation, mono, peak_hz, periodicity, power_at, scene,
    };
    use super::*;
    use crate::dsp::sounds::SoundParams;

    #[test]
    fn a_vacuum_roars_with_a_high_fan_whine() {
        let sr = 48_000.0;
        let out = mono(&vacuum(&scene(2 * 48_000, SoundParams::default(), 1)));
        let mid = &out[(0.5 * sr) as usize..(1.5 * sr) as usize];
        let whine = peak_hz(mid, sr, 2500.0, 6000.0, 5.0);
        let floor = power_at(mid, sr, whine + 300.0);
        assert!(
            power_at(mid, sr, whine) > 10.0 * floor,
            "no whine at {whine}"
        );
        let c = centroid_hz(mid, sr, 100.0, 8000.0, 50.0);
        assert!((700.0..3500.0).contains(&c), "{c}");
    }

    #[test]
    fn a_fridge_hums_at_100_hz_and_its_harmonics() {
        let sr = 48_000.0;
        let out = mono(&fridge(&scene(48_000, SoundParams::default(), 2)));
        let f = peak_hz(&out[4800..43_200], sr, 40.0, 1000.0, 1.0);
        assert!((f - 100.0).abs() < 2.0, "{f}");
        assert!(power_at(&out, sr, 200.0) > 20.0 * power_at(&out, sr, 150.0));
    }

    #[test]
    fn a_drill_whirs_up_to_speed_and_down_again() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(1),
            ..SoundParams::default()
        };
        let out = mono(&drill(&scene(3 * 48_000, params, 3)));
        let env = envelope(&out, sr, 0.05);
        // Quiet before the trigger is pulled and after the motor has stopped.
        let loud = env.iter().copied().fold(0.0, f32::max);
        assert!(env[0] < 0.3 * loud && *env.last().unwrap() < 0.05 * loud);
        // A buzz at the motor's rotation rate while it runs.
        let run = &out[(0.3 * sr) as usize..(0.5 * sr) as usize];
        let (f, strength) = periodicity(run, sr, 200.0, 450.0);
        assert!(strength > 0.5, "{f} {strength}");
    }

    #[test]
    fn a_mower_fires_about_25_times_a_second() {
        let sr = 48_000.0;
        let out = mono(&lawnmower(&scene(2 * 48_000, SoundParams::default(), 4)));
        let mid = &out[(0.5 * sr) as usize..(1.5 * sr) as usize];
        let (rate, strength) = modulation(mid, sr, 10.0, 60.0);
        assert!(
            (20.0..32.0).contains(&rate) && strength > 0.3,
            "{rate} {strength}"
        );
    }

    #[test]
    fn a_sewing_machine_stitches_ten_or_more_times_a_second() {
        let sr = 48_000.0;
        let out = mono(&sewing_machine(&scene(
            3 * 48_000,
            SoundParams::default(),
            5,
        )));
        let run = &out[(0.6 * sr) as usize..(1.8 * sr) as usize];
        let (rate, strength) = modulation(run, sr, 5.0, 30.0);
        assert!(
            (10.0..18.0).contains(&rate) && strength > 0.2,
            "{rate} {strength}"
        );
    }

    #[test]
    fn an_angle_grinder_whines_high_and_screams_when_it_cuts() {
        let sr = 48_000.0;
        let out = mono(&angle_grinder(&scene(
            4 * 48_000,
            SoundParams::default(),
            1,
        )));
        let free = &out[(0.3 * sr) as usize..(0.5 * sr) as usize];
        let cutting = &out[(1.5 * sr) as usize..(2.5 * sr) as usize];
        let f = peak_hz(free, sr, 100.0, 400.0, 1.0);
        assert!((140.0..200.0).contains(&f), "{f}");
        assert!(centroid_hz(cutting, sr, 100.0, 12_000.0, 20.0) > 2000.0);
        assert!(
            centroid_hz(cutting, sr, 100.0, 12_000.0, 20.0)
                > centroid_hz(free, sr, 100.0, 12_000.0, 20.0)
        );
    }

    #[test]
    fn a_nail_gun_fires_as_many_shots_as_asked() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(3),
            ..SoundParams::default()
        };
        let out = mono(&nail_gun(&scene(2 * 48_000, params, 2)));
        let shots = super::super::analysis::onsets(&out, sr, 0.2, 0.2);
        assert_eq!(shots.len(), 3, "{shots:?}");
    }

    #[test]
    fn a_road_drill_hammers_about_25_times_a_second() {
        let sr = 48_000.0;
        let out = mono(&jackhammer(&scene(4 * 48_000, SoundParams::default(), 3)));
        let (rate, strength) = modulation(
            &out[(0.5 * sr) as usize..(2.5 * sr) as usize],
            sr,
            10.0,
            60.0,
        );
        assert!(
            (20.0..30.0).contains(&rate) && strength > 0.3,
            "{rate} {strength}"
        );
    }

    #[test]
    fn a_building_site_never_goes_quiet() {
        let sr = 48_000.0;
        let out = mono(&construction_site(&scene(
            10 * 48_000,
            SoundParams::default(),
            4,
        )));
        let env = envelope(&out, sr, 0.5);
        let loudest = env.iter().copied().fold(0.0, f32::max);
        assert!(
            env[1..env.len() - 1].iter().all(|&e| e > 0.05 * loudest),
            "{env:?}"
        );
    }
}
