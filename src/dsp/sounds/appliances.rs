//! Around the kitchen and the utility room: a blender, a washing machine on its spin, a
//! drawer sliding open and shut, a cork popping from a bottle of fizz.

use super::modal::{self, Body, WOOD};
use super::{Scene, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use std::f32::consts::TAU;

/// A motor's whine: a harmonic series on its rotation rate with a touch of roughness,
/// `phases` carried between calls.
fn motor_whine(phases: &mut [f32; 6], rate_hz: f32, sr: f32) -> f32 {
    let mut s = 0.0;
    for (k, p) in phases.iter_mut().enumerate() {
        let h = (k + 1) as f32;
        *p = (*p + rate_hz * h / sr).fract();
        s += (TAU * *p).sin() / h.powf(0.7);
    }
    s
}

/// A blender: the motor screams up to speed in half a second, the blades chop through fruit
/// and ice (the pitch sags and the jug rattles each time they bite), the liquid churns in a
/// vortex, and it winds down when switched off. `count` pulses of the button, else one run.
pub fn blender(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("blender");
    let total_s = scene.frames as f32 / sr;
    let runs: Vec<(f32, f32)> = match scene.params.count {
        Some(c) if c > 1 => (0..c.min(10))
            .map(|k| (0.1 + k as f32 * 1.1, 0.7))
            .collect(),
        _ if scene.background => vec![(0.0, total_s + 1.0)],
        _ => vec![(0.1, (total_s - 0.9).max(0.6))],
    };
    let top_hz = 300.0 + 60.0 * rng.next_f32() + 40.0 * i;
    let mut load = Drift::new(scene.rng.fork("load"), sr, 6.0, 0.0, 1.0);
    let mut churn = PinkNoise::new(scene.rng.fork("churn"));
    let mut churn_bp = Biquad::bandpass(sr, 700.0, 0.8);
    let mut rattle = WhiteNoise::new(scene.rng.fork("rattle"));
    let mut rattle_bp = Biquad::bandpass(sr, 2400.0, 2.0);
    let mut lp = OnePoleLowpass::new(sr, 7000.0);
    let mut phases = [0.0f32; 6];
    let mut speed = 0.0f32;
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let on = runs.iter().any(|&(a, d)| t >= a && t < a + d);
        // Spins up in about 0.3 s, down in about 0.4 s.
        let target = if on { 1.0 } else { 0.0 };
        let rate = if on { 3.0 } else { 2.5 };
        speed += (target - speed) * rate / sr;
        let l = load.next_sample();
        let bite = ((l - 0.55) / 0.45).max(0.0);
        let rot = top_hz * speed * (1.0 - 0.18 * bite);
        let whine = motor_whine(&mut phases, rot, sr) * 0.25 * speed;
        if n % 64 == 0 {
            churn_bp.set(sr, 400.0 + 700.0 * speed, 0.8);
        }
        let liquid = churn_bp.process(churn.next_sample()) * speed * (0.6 + 0.5 * l);
        let jug = rattle_bp.process(rattle.next_sample()) * bite * speed * 0.8;
        let y = lp.process(whine + liquid + jug) * 0.8;
        out.left[n] = y;
        out.right[n] = y * 0.97;
    }
    out
}

/// A washing machine on its spin: the drum runs up to about 1,000 rpm, the motor whines
/// over the rush of water being flung out, and an uneven load thumps the cabinet once per
/// turn until it settles; as a background it keeps spinning.
pub fn washing_machine(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("washer");
    let top_rps = 14.0 + 4.0 * rng.next_f32() + 2.0 * i;
    let ramp_s = if scene.background { 0.01 } else { 4.0 };
    let mut water = PinkNoise::new(scene.rng.fork("water"));
    let mut water_bp = Biquad::bandpass(sr, 900.0, 0.6);
    let mut cabinet = Biquad::bandpass(sr, 90.0, 3.0);
    let mut thump_noise = WhiteNoise::new(scene.rng.fork("thump"));
    let mut motor = [0.0f32; 6];
    let mut drum = 0.0f32;
    let mut wobble = Drift::new(scene.rng.fork("wobble"), sr, 0.4, 0.6, 1.0);
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let up = (t / ramp_s).min(1.0);
        let rps = top_rps * (0.15 + 0.85 * up * up);
        drum = (drum + rps / sr).fract();
        // The belt steps the motor up about 12:1 over the drum.
        let whine = motor_whine(&mut motor, rps * 12.0, sr) * 0.06 * up;
        let w = wobble.next_sample();
        // Once a turn the heavy side of the load knocks the tub against its springs.
        let knock = (TAU * drum).cos().max(0.0).powi(8) * w * (1.0 - 0.6 * up);
        let body = cabinet.process(thump_noise.next_sample() * knock * 4.0 + knock);
        if n % 64 == 0 {
            water_bp.set(sr, 500.0 + 900.0 * up, 0.6);
        }
        let rush = water_bp.process(water.next_sample()) * (0.3 + 0.3 * up);
        let y = (whine + body * 2.0 + rush * 0.35) * 0.8;
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A drawer: a click as it unsticks, the rumble of wood (or runners) sliding for half a
/// second, a rattle of what is inside, and a knock as it reaches its stop. `count` times,
/// alternately open and shut.
pub fn drawer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("drawer");
    let count = scene.params.count.unwrap_or(1).clamp(1, 10);
    let slide_s = 0.55 - 0.25 * i;
    let group_s = count as f32 * (slide_s + 0.6);
    let starts = scene.group_starts("drawers", 0.03, group_s, (1.5, 4.0));
    let front = Body::new(
        sr,
        &WOOD,
        240.0 * (0.9 + 0.2 * rng.next_f32()),
        1.5,
        &mut rng,
    );
    let cutlery = Body::new(sr, &modal::THIN_METAL, 2100.0, 0.4, &mut rng);
    let mut out = Stereo::silence(scene.frames);
    let pan = 0.3 * rng.bipolar();
    let (gl, gr) = pan_gains(pan);
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * (slide_s + 0.6));
            let len = scene.frames_for(slide_s + 0.5);
            if at >= scene.frames {
                break;
            }
            let end = (at + len).min(scene.frames);
            let mut mono = vec![0.0f32; end - at];
            let mut force = vec![0.0f32; end - at];
            let mut metal = vec![0.0f32; end - at];
            // Unsticking, then the slide: friction noise with the judder of the runners.
            modal::strike(&mut force, sr, 0, 0.35, 0.001);
            let mut rub = PinkNoise::new(rng.fork("rub"));
            let mut rub_bp = Biquad::bandpass(sr, 350.0, 0.9);
            let mut judder = Drift::new(rng.fork("judder"), sr, 30.0, 0.3, 1.0);
            let slide = scene.frames_for(slide_s);
            for (n, m) in mono.iter_mut().enumerate().take(slide) {
                let u = n as f32 / slide as f32;
                let env = (u / 0.1).min(1.0) * ((1.0 - u) / 0.1).min(1.0);
                *m += rub_bp.process(rub.next_sample()) * env * judder.next_sample() * 0.9;
            }
            // The stop, and the contents shifting.
            let stop = slide.min(force.len().saturating_sub(1));
            modal::strike(&mut force, sr, stop, 0.7 + 0.3 * i, 0.002);
            let mut metal_force = vec![0.0f32; end - at];
            for b in 0..3 {
                let off = stop + scene.frames_for(0.01 + 0.03 * b as f32 + 0.02 * rng.next_f32());
                if off < metal_force.len() {
                    modal::strike(&mut metal_force, sr, off, 0.05 * rng.next_f32(), 0.0003);
                }
            }
            front.ring(&force, &mut mono);
            cutlery.ring(&metal_force, &mut metal);
            for (n, (&x, &m)) in mono.iter().zip(&metal).enumerate() {
                out.left[at + n] += (x + m) * gl * 0.6;
                out.right[at + n] += (x + m) * gr * 0.6;
            }
        }
    }
    out
}

/// A cork popping from a bottle of fizz: the cork's last millimetre lets the pressure go in
/// one pop (a short thud and the ring of the bottle's neck), a hiss of escaping gas, then
/// the fizz: thousands of tiny bubbles bursting at the surface, thinning out.
pub fn cork_pop(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("cork");
    let total_s = scene.frames as f32 / sr;
    let starts = scene.group_starts("bottles", 0.05, total_s.min(4.0), (2.0, 5.0));
    let mut out = Stereo::silence(scene.frames);
    let neck_hz = 420.0 + 180.0 * rng.next_f32();
    for start in starts {
        let mut gas = WhiteNoise::new(rng.fork("gas"));
        let mut hiss_bp = Biquad::bandpass(sr, 3500.0, 0.8);
        let mut pop_lp = Biquad::lowpass(sr, 1500.0, 0.8);
        let mut neck = Biquad::bandpass(sr, neck_hz, 8.0);
        let len = (scene.frames - start).min(scene.frames_for(4.0));
        let mut bubbles = 0.0f32;
        let mut fizz_hp = Biquad::highpass(sr, 2500.0, 0.7);
        for k in 0..len {
            let t = k as f32 / sr;
            // The pop: a pressure step, a few milliseconds wide, through the neck.
            let pop_env = (t / 0.0008).min(1.0) * (-t / 0.006).exp();
            let burst = pop_lp.process(gas.next_sample() * pop_env * 3.0 + pop_env * 2.0);
            let ring = neck.process(pop_env * 6.0);
            let hiss = hiss_bp.process(gas.next_sample()) * (-t / 0.25).exp() * 0.3 * (0.5 + i);
            // Fizz: bubble clicks at a rate that falls as the wine settles.
            let rate = 900.0 * (-t / 1.5).exp() + 40.0;
            if rng.next_f32() < rate / sr {
                bubbles += 0.2 * (0.3 + 0.7 * rng.next_f32());
            }
            let fizz = fizz_hp.process(bubbles * gas.next_sample()) * (t / 0.15).min(1.0);
            bubbles *= 0.93;
            let y = (burst + ring * 0.5) * (0.8 + 0.4 * i) + hiss + fizz * 0.25;
            out.left[start + k] += y;
            out.right[start + k] += y;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{band_share, envelope, mono, onsets, peak_hz, scene};
    use super::*;

    #[test]
    fn a_blender_whines_at_its_motor_speed_then_winds_down() {
        let sr = 48_000.0;
        let out = mono(&blender(&scene(5 * 48_000, SoundParams::default(), 1)));
        let running = &out[(1.5 * sr) as usize..(3.5 * sr) as usize];
        let f = peak_hz(running, sr, 150.0, 600.0, 2.0);
        assert!((250.0..460.0).contains(&f), "{f}");
        let env = envelope(&out, sr, 0.25);
        assert!(env[env.len() - 1] < 0.3 * env[10], "{env:?}");
    }

    #[test]
    fn a_washing_machine_runs_up_to_its_spin() {
        let sr = 48_000.0;
        let out = mono(&washing_machine(&scene(
            8 * 48_000,
            SoundParams::default(),
            2,
        )));
        // The motor's whine climbs with the drum: twelve times its rotation.
        let early = peak_hz(
            &out[(0.5 * sr) as usize..(1.5 * sr) as usize],
            sr,
            20.0,
            400.0,
            1.0,
        );
        let late = peak_hz(
            &out[(6.0 * sr) as usize..(8.0 * sr) as usize],
            sr,
            100.0,
            400.0,
            1.0,
        );
        assert!(late > 2.0 * early, "{early} {late}");
    }

    #[test]
    fn a_drawer_slides_low_then_knocks_at_its_stop() {
        let sr = 48_000.0;
        let out = mono(&drawer(&scene(48_000 * 3 / 2, SoundParams::default(), 3)));
        let slide = &out[(0.1 * sr) as usize..(0.3 * sr) as usize];
        assert!(band_share(slide, sr, (50.0, 8000.0), (50.0, 1200.0), 10.0) > 0.6);
        let hits = onsets(&out, sr, 0.2, 0.1);
        assert!(hits.iter().any(|&t| (0.35..0.5).contains(&t)), "{hits:?}");
    }

    #[test]
    fn a_cork_pops_then_the_wine_fizzes() {
        let sr = 48_000.0;
        let out = mono(&cork_pop(&scene(3 * 48_000, SoundParams::default(), 4)));
        let env = envelope(&out, sr, 0.01);
        let loudest = env.iter().copied().fold(0.0, f32::max);
        let at = env.iter().position(|&e| e == loudest).unwrap();
        assert!((5..8).contains(&at), "{at}");
        let fizz = &out[(1.0 * sr) as usize..(1.5 * sr) as usize];
        assert!(band_share(fizz, sr, (100.0, 12_000.0), (2500.0, 12_000.0), 20.0) > 0.7);
        assert!(fizz.iter().any(|s| s.abs() > 0.002));
    }
}
