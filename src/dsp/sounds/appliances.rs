//! Around the house: a blender, a washing machine on its spin, a drawer sliding open and
//! shut, a cork popping from a bottle of fizz, a printer, a window opened onto the street,
//! someone crunching an apple.

use super::modal::{self, Body, WOOD};
use super::{Scene, SoundParams, Stereo, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::rng::Rng;
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

/// An inkjet printer printing a page: the rollers grab the sheet, then the print head's
/// carriage shuttles across and back (a stepper motor's buzzy whine, rising and falling as
/// it speeds up and slows at each end) while the paper steps on between passes, and at the
/// end the page is pushed out.
pub fn printer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("printer");
    let total_s = scene.frames as f32 / sr;
    let pass_s = 0.55 + 0.1 * rng.next_f32();
    let step_hz = 600.0 + 200.0 * rng.next_f32();
    let mut rollers = PinkNoise::new(rng.fork("rollers"));
    let mut roller_bp = Biquad::bandpass(sr, 300.0, 1.0);
    let mut buzz = [0.0f32; 6];
    let mut hum = Biquad::bandpass(sr, 2.0 * step_hz, 3.0);
    let mut out = Stereo::silence(scene.frames);
    let feed_s = 0.6;
    let eject_at = (total_s - 0.8).max(feed_s + pass_s);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let feeding = t < feed_s || (t > eject_at && t < eject_at + 0.6);
        let roll = if feeding {
            roller_bp.process(rollers.next_sample()) * 0.6
        } else {
            0.0
        };
        let mut carriage = 0.0;
        if t >= feed_s && t < eject_at {
            let u = ((t - feed_s) % (pass_s + 0.12)) / pass_s;
            if u < 1.0 {
                // Speeds up, runs, slows: the motor's pitch follows its speed.
                let speed = (std::f32::consts::PI * u).sin().powf(0.4);
                let tone = motor_whine(&mut buzz, step_hz * speed, sr);
                carriage = (0.25 * tone + 0.4 * hum.process(tone)) * speed;
            }
        }
        let y = (roll + carriage) * 0.8;
        out.left[n] = y;
        out.right[n] = y;
    }
    // The paper steps on between passes: a soft click.
    let mut t = feed_s + pass_s;
    while t < eject_at {
        let at = scene.frames_for(t);
        let mut click = Biquad::bandpass(sr, 2500.0, 2.0);
        for k in 0..scene.frames_for(0.01) {
            if at + k < scene.frames {
                let x = click.process(if k < 30 { rng.bipolar() } else { 0.0 }) * 0.5;
                out.left[at + k] += x;
                out.right[at + k] += x;
            }
        }
        t += pass_s + 0.12;
    }
    out
}

/// A window opened onto the street: the catch clicks, the frame slides up with a wooden
/// rub and a squeak, knocks at its stop, and the outside (traffic and birds) comes in, a
/// dull murmur through the glass until then.
pub fn window(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("window");
    let outside_params = SoundParams {
        intensity: 0.35,
        ..scene.params.clone()
    };
    let street = super::ambience::traffic(&scene.variant("street", true, outside_params.clone()));
    let birds = super::ambience::birds(&scene.variant("birds", true, outside_params));
    let open_at = scene.frames_for(0.3);
    let slide_s = 0.7;
    let frame = Body::new(sr, &WOOD, 180.0, 2.0, &mut rng);
    let mut force = vec![0.0f32; scene.frames];
    let mut mono = vec![0.0f32; scene.frames];
    modal::strike(&mut force, sr, open_at, 0.3, 0.0008);
    let mut rub = PinkNoise::new(rng.fork("rub"));
    let mut rub_bp = Biquad::bandpass(sr, 500.0, 0.8);
    let mut squeak = crate::dsp::osc::Sine::new(sr, 0.0);
    let mut judder = Drift::new(rng.fork("judder"), sr, 25.0, 0.2, 1.0);
    let slide = scene.frames_for(slide_s);
    let from = open_at + scene.frames_for(0.1);
    for k in 0..slide {
        let n = from + k;
        if n >= scene.frames {
            break;
        }
        let u = k as f32 / slide as f32;
        let env = (u / 0.1).min(1.0) * ((1.0 - u) / 0.1).min(1.0);
        let j = judder.next_sample();
        let sq = if (0.3..0.6).contains(&u) {
            squeak.next_sample(900.0 + 300.0 * u) * 0.15 * (j - 0.5).max(0.0)
        } else {
            0.0
        };
        mono[n] += rub_bp.process(rub.next_sample()) * env * j * 0.8 + sq;
    }
    if from + slide < scene.frames {
        modal::strike(&mut force, sr, from + slide, 0.6, 0.002);
    }
    frame.ring(&force, &mut mono);
    // Outside: muffled through the glass, then open.
    let opened = from + slide / 2;
    let mut glass_l = OnePoleLowpass::new(sr, 500.0);
    let mut glass_r = OnePoleLowpass::new(sr, 500.0);
    let mut out = Stereo::silence(scene.frames);
    for (n, &frame_sound) in mono.iter().enumerate() {
        let open = ((n as f32 - opened as f32) / (0.4 * sr)).clamp(0.0, 1.0);
        let l = street.left[n] * 0.5 + birds.left[n] * 0.3;
        let r = street.right[n] * 0.5 + birds.right[n] * 0.3;
        let dull_l = glass_l.process(l) * 0.15;
        let dull_r = glass_r.process(r) * 0.15;
        out.left[n] = frame_sound + dull_l * (1.0 - open) + l * open * 0.6;
        out.right[n] = frame_sound + dull_r * (1.0 - open) + r * open * 0.6;
    }
    out
}

/// Someone eating something crisp (an apple, crisps, a carrot): a bite that cracks with a
/// crunch of tearing cells, then chewing, a muffled crunch or two a second that gets softer
/// and wetter as the mouthful breaks down. `count` bites.
pub fn eating(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("eating");
    let count = scene.params.count.unwrap_or(1).clamp(1, 10);
    let bite_s = 3.0;
    let starts = scene.group_starts("mouthfuls", 0.05, bite_s * count as f32, (0.5, 2.0));
    let mut out = Stereo::silence(scene.frames);
    // One crunch: a burst of crackles (cells bursting) over a short thud of the jaw.
    let crunch = |out: &mut Stereo, at: usize, gain: f32, dull: f32, rng: &mut Rng| {
        let len = scene.frames_for(0.12);
        let mut hp = Biquad::bandpass(sr, 2500.0 * dull + 600.0, 0.8);
        let mut jaw = Biquad::lowpass(sr, 150.0, 1.0);
        let mut crackle = 0.0f32;
        for k in 0..len {
            let n = at + k;
            if n >= scene.frames {
                break;
            }
            let u = k as f32 / len as f32;
            if rng.next_f32() < 0.15 * (1.0 - u) {
                crackle = rng.bipolar();
            }
            let env = (-u * 4.0).exp();
            let x =
                hp.process(crackle) * env * gain + jaw.process(rng.bipolar()) * env * gain * 0.8;
            crackle *= 0.8;
            out.left[n] += x;
            out.right[n] += x;
        }
    };
    for start in starts {
        for b in 0..count {
            let at = start + scene.frames_for(b as f32 * bite_s);
            crunch(&mut out, at, 1.0, 1.0, &mut rng);
            let mut t = 0.45;
            let mut g = 0.45;
            while t < bite_s - 0.3 {
                let n = at + scene.frames_for(t);
                crunch(&mut out, n, g, (g * 1.5).min(1.0), &mut rng);
                t += 0.5 + 0.15 * rng.next_f32();
                g *= 0.85;
            }
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

    #[test]
    fn a_printer_feeds_then_shuttles_its_head_across_and_back() {
        let sr = 48_000.0;
        let out = mono(&printer(&scene(6 * 48_000, SoundParams::default(), 5)));
        // Passes of about 0.6 s with a pause between: the level rises and falls each pass.
        let env = envelope(&out[(0.6 * sr) as usize..(4.6 * sr) as usize], sr, 0.05);
        let loud = env.iter().copied().fold(0.0, f32::max);
        let dips = env
            .windows(2)
            .filter(|w| w[0] >= 0.2 * loud && w[1] < 0.2 * loud)
            .count();
        assert!((4..=8).contains(&dips), "{dips} {env:?}");
    }

    #[test]
    fn an_opened_window_lets_the_street_in() {
        let sr = 48_000.0;
        let out = mono(&window(&scene(4 * 48_000, SoundParams::default(), 6)));
        let level = |a: f32, b: f32| {
            let x = &out[(a * sr) as usize..(b * sr) as usize];
            (x.iter().map(|s| s * s).sum::<f32>() / x.len() as f32).sqrt()
        };
        assert!(
            level(2.5, 3.8) > 3.0 * level(0.0, 0.25),
            "{} {}",
            level(2.5, 3.8),
            level(0.0, 0.25)
        );
    }

    #[test]
    fn eating_is_a_loud_crunch_then_softer_chewing() {
        let sr = 48_000.0;
        let out = mono(&eating(&scene(3 * 48_000, SoundParams::default(), 7)));
        let chews = onsets(&out, sr, 0.05, 0.3);
        assert!((4..=7).contains(&chews.len()), "{chews:?}");
        let env = envelope(&out, sr, 0.05);
        let bite = env[..4].iter().copied().fold(0.0, f32::max);
        let last = env[(2.2 / 0.05) as usize..]
            .iter()
            .copied()
            .fold(0.0, f32::max);
        assert!(last < 0.6 * bite, "{bite} {last}");
    }
}
