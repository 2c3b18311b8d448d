//! Water: ocean waves, a babbling stream, drips, a splash.
//!
//! Most water sounds are bubbles: a trapped pocket of air rings like a tiny bell at the
//! Minnaert frequency (about 3.3 kHz·mm over its radius), and its pitch rises as it nears the
//! surface. A stream is thousands of them; a drip is one, loud and close. Breaking waves are
//! the same at a much larger scale, and heard mostly as broadband noise shaped by the swell.

use super::nature::poisson_times;
use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::filter::{Biquad, OnePoleHighpass, OnePoleLowpass};
use crate::dsp::noise::{BrownNoise, Drift, PinkNoise, WhiteNoise};

/// One bubble: a sine at `freq_hz` that rises by `rise` (a ratio, e.g. 1.5) over its life as
/// it decays with time constant `decay_s`. Attack of a few samples so it starts without a
/// step.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_rising_bubble(
    out: &mut Stereo,
    sr: f32,
    start: usize,
    freq_hz: f32,
    rise: f32,
    decay_s: f32,
    amp: f32,
    pan: f32,
) {
    // Five time constants: below -40 dB, under everything else in a water bed.
    let len = (decay_s * 5.0 * sr) as usize;
    if len == 0 {
        return;
    }
    // A rotating phasor instead of a `sin` per sample: a stream starts hundreds of these a
    // second. The glide is applied to the rotation every `STEP` samples.
    const STEP: usize = 32;
    let glide = rise.max(0.1).powf(STEP as f32 / len as f32);
    let keep = (-1.0 / (decay_s * sr)).exp();
    let attack = (0.0008 * sr).max(1.0);
    let gains = pan_gains(pan);
    let (mut re, mut im) = (1.0f32, 0.0f32);
    let (mut c, mut si) = (0.0f32, 0.0f32);
    let (mut f, mut level) = (freq_hz, amp);
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        if n % STEP == 0 {
            (si, c) = (std::f32::consts::TAU * f.min(sr * 0.45) / sr).sin_cos();
            f *= glide;
            // Keep the phasor on the unit circle despite rounding.
            let norm = (re * re + im * im).sqrt().max(1e-6);
            (re, im) = (re / norm, im / norm);
        }
        let a = (n as f32 / attack).min(1.0);
        out.add(at, im * level * a, gains);
        (re, im) = (re * c - im * si, re * si + im * c);
        level *= keep;
    }
}

/// Ocean waves on a beach: each wave swells for several seconds as it rises (a deepening
/// roar), breaks (a broadband crash whose low-pass opens wide), then washes up and drains
/// back as a fizzing hiss. Waves arrive every 6–12 s, a little differently in each ear, over
/// the constant low surf of waves further out. Rougher sea: bigger, brighter breakers.
pub fn waves(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    // Wave crests: (time of the break, strength, rise time, wash time).
    let mut rng = scene.rng.fork("wave-times");
    let mut crests = Vec::new();
    // The first break comes early enough that even a short clip hears one.
    let mut t = (0.4 * clip_s).min(1.5 + 1.5 * rng.next_f32());
    while t < clip_s + 6.0 {
        let strength = 0.55 + 0.45 * rng.next_f32();
        let rise_s = 2.0 + 2.5 * rng.next_f32();
        let wash_s = 1.2 + 1.3 * rng.next_f32();
        crests.push((t, strength, rise_s, wash_s));
        t += 6.0 + 6.0 * rng.next_f32();
    }
    // Envelopes are slow: evaluate once per block and hold.
    const BLOCK: usize = 32;
    let env_at = |t: f32, lag: f32| -> (f32, f32) {
        // (body: rise and crash, wash: the fizzing run-up and drain).
        let (mut body, mut wash) = (0.0f32, 0.0f32);
        for &(c, s, rise_s, wash_s) in &crests {
            let d = t - (c + lag);
            // Beyond seven time constants a wave is below -60 dB: skipping it is inaudible.
            if d < -rise_s || d > wash_s * 7.0 {
                continue;
            }
            if d < 0.0 {
                let x = 1.0 + d / rise_s;
                body += s * x * x * x;
            } else {
                body += s * (-d / (0.8 + 0.6 * i)).exp();
                // The wash builds for a moment after the break, then drains away.
                wash += s * (d / 0.4).min(1.0) * (-d / wash_s).exp();
            }
        }
        (body.min(1.5), wash.min(1.5))
    };
    let mut out = Stereo::silence(scene.frames);
    for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
        let label = if c == 0 { "sea-l" } else { "sea-r" };
        let lag = if c == 0 { 0.0 } else { 0.12 };
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut white = WhiteNoise::new(scene.rng.fork(label).fork("fizz"));
        let mut brown = BrownNoise::new(scene.rng.fork(label).fork("surf"), sr);
        let mut body_lp = Biquad::lowpass(sr, 300.0, 0.6);
        let mut fizz_hp = Biquad::highpass(sr, 2500.0, 0.7);
        let mut fizz_lp = OnePoleLowpass::new(sr, 9000.0);
        let mut surf_lp = Biquad::lowpass(sr, 350.0, 0.6);
        let mut surf_swell = Drift::new(scene.rng.fork(label).fork("swell"), sr, 0.2, 0.6, 1.0);
        let mut grain = Drift::new(scene.rng.fork(label).fork("grain"), sr, 30.0, 0.2, 1.0);
        let (mut body, mut wash) = (0.0, 0.0);
        for (n, s) in ch.iter_mut().enumerate() {
            if n % BLOCK == 0 {
                (body, wash) = env_at(n as f32 / sr, lag);
                // A breaking wave is brighter the harder it breaks.
                body_lp.set(sr, 250.0 + (1200.0 + 2500.0 * i) * body, 0.6);
            }
            let crash = body_lp.process(pink.next_sample()) * body;
            let g = grain.next_sample();
            let fizz = fizz_lp.process(fizz_hp.process(white.next_sample())) * wash * g;
            let surf = surf_lp.process(brown.next_sample()) * surf_swell.next_sample();
            *s = crash * (0.8 + 0.4 * i) + fizz * 0.08 + surf * 0.25;
        }
    }
    out
}

/// A stream or brook: water tumbling over stones, heard as a dense babble of bubbles (a few
/// hundred a second, 300 Hz–2.5 kHz, each rising in pitch) in little bursts, over a soft
/// broadband rush. A bigger river: more bubbles, lower, and a deeper rush.
pub fn stream(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "rush-l"), (&mut out.right, "rush-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut bp = Biquad::bandpass(sr, 900.0, 0.5);
        let mut flow = Drift::new(scene.rng.fork(label).fork("flow"), sr, 1.5, 0.6, 1.0);
        for s in ch.iter_mut() {
            *s = bp.process(pink.next_sample()) * flow.next_sample() * (0.05 + 0.06 * i);
        }
    }
    let mut rng = scene.rng.fork("bubbles");
    let mut times = scene.rng.fork("bubble-times");
    // Bubbles come in gurgles: a bursty rate, high for a moment, then calmer.
    let mut burst = Drift::new(scene.rng.fork("gurgle"), sr, 3.0, 0.2, 1.0);
    let rate_hz = 200.0 + 300.0 * i;
    let mut last = 0usize;
    let mut b = 1.0f32;
    for at in poisson_times(&mut times, rate_hz, scene.frames, sr) {
        for _ in last..at {
            b = burst.next_sample();
        }
        last = at;
        if !rng.chance(f64::from(b * b)) {
            continue;
        }
        // Radius spread: many small bubbles, a few large ones.
        let freq_hz = 300.0 + 2200.0 * rng.next_f32().powf(0.7) * (1.2 - 0.4 * i);
        let decay_s = 0.004 + 0.012 * rng.next_f32();
        let amp = 0.03 + 0.12 * rng.next_f32().powi(2);
        let rise = 1.2 + 0.8 * rng.next_f32();
        add_rising_bubble(
            &mut out,
            sr,
            at,
            freq_hz,
            rise,
            decay_s,
            amp,
            rng.bipolar() * 0.8,
        );
    }
    out
}

/// Water dripping: from one to three drip points, each nearly regular (a leaking tap keeps
/// a steady rhythm), each drip a faint tick as it lands and the bright "plink" of a bubble
/// rising from 1–3 kHz. `count` gives that many drips from a single source.
pub fn drips(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("drips");
    let clip_s = scene.frames as f32 / sr;
    let (sources, max_drips) = match scene.params.count {
        Some(c) => (1, c.max(1) as usize),
        None => (1 + rng.below(3), usize::MAX),
    };
    for src in 0..sources {
        let mut sr_rng = rng.fork(&format!("source-{src}"));
        let period_s = (0.5 + 1.2 * sr_rng.next_f32()) / (0.6 + 0.8 * i);
        let pan = if src == 0 {
            0.0
        } else {
            sr_rng.bipolar() * 0.7
        };
        let pitch = 1200.0 + 1600.0 * sr_rng.next_f32();
        let gain = if src == 0 { 1.0 } else { 0.5 };
        let mut t = if src == 0 {
            0.05
        } else {
            period_s * sr_rng.next_f32()
        };
        let mut k = 0;
        while t < clip_s && k < max_drips {
            let at = scene.frames_for(t);
            let tick = Hit {
                modes: &[],
                noise_amp: 0.6,
                noise_decay_s: 0.0006,
                noise_centre_hz: 4000.0,
                noise_q: 0.8,
            };
            add_hit(&mut out, sr, &mut sr_rng, at, gain, pan, 1.0, &tick);
            let f = pitch * (0.92 + 0.16 * sr_rng.next_f32());
            let decay_s = 0.02 + 0.025 * sr_rng.next_f32();
            let plink_at = at + scene.frames_for(0.002);
            add_rising_bubble(&mut out, sr, plink_at, f, 1.6, decay_s, gain, pan);
            t += period_s * (0.92 + 0.16 * sr_rng.next_f32());
            k += 1;
        }
    }
    out
}

/// A splash: something hitting water. A sharp slap, a burst of spray (bright noise falling
/// over half a second), a low "plunge" of the cavity it opens, and droplets and bubbles
/// falling back for a moment after. Bigger splash: more of everything, longer, lower.
pub fn splash(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let starts = scene.group_starts("splashes", 0.02, 1.5, (2.0, 7.0));
    let mut rng = scene.rng.fork("splash");
    for (k, &start) in starts.iter().enumerate() {
        let slap = Hit {
            modes: &[(90.0 + 60.0 * rng.next_f32(), 0.06, 0.6)],
            noise_amp: 2.0,
            noise_decay_s: 0.004,
            noise_centre_hz: 1800.0,
            noise_q: 0.5,
        };
        add_hit(&mut out, sr, &mut rng, start, 1.0, 0.0, 1.0, &slap);
        let spray_s = 0.35 + 0.5 * i;
        let len = scene.frames_for(spray_s * 3.0);
        for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
            let mut white = WhiteNoise::new(scene.rng.fork(&format!("spray-{k}-{c}")));
            let mut hp = OnePoleHighpass::new(sr, 600.0);
            let mut lp = Biquad::lowpass(sr, 6000.0, 0.6);
            let mut texture = Drift::new(rng.fork(&format!("tex-{c}")), sr, 60.0, 0.1, 1.0);
            for n in 0..len {
                let at = start + n;
                if at >= ch.len() {
                    break;
                }
                let t = n as f32 / sr;
                let env = (t / 0.008).min(1.0) * (-t / spray_s).exp();
                if n % 32 == 0 {
                    lp.set(sr, 1500.0 + 6000.0 * env, 0.6);
                }
                let x = lp.process(hp.process(white.next_sample())) * texture.next_sample();
                ch[at] += x * env * 0.9;
            }
        }
        // Droplets and bubbles raining back down.
        let drops = 15 + (40.0 * i) as usize;
        for _ in 0..drops {
            let d = 0.05 + spray_s * 1.5 * rng.next_f32().powf(0.7);
            let at = start + scene.frames_for(d);
            let f = 800.0 + 2500.0 * rng.next_f32();
            let amp = 0.05 + 0.2 * rng.next_f32().powi(2);
            let decay_s = 0.004 + 0.01 * rng.next_f32();
            add_rising_bubble(&mut out, sr, at, f, 1.4, decay_s, amp, rng.bipolar() * 0.6);
        }
    }
    out
}

/// Bubbles rising in water (an aquarium, a pot coming to the boil): separate round
/// "blops", low and fairly slow, each rising in pitch; more and smaller as it gets busier.
pub fn bubbles(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("blops");
    let mut times = scene.rng.fork("blop-times");
    // The first bubble at once, so a short clip is never empty.
    let first = std::iter::once(scene.frames_for(0.02).min(scene.frames.saturating_sub(1)));
    let rest: Vec<usize> = poisson_times(&mut times, 4.0 + 30.0 * i, scene.frames, sr).collect();
    for at in first.chain(rest) {
        let f = 250.0 + 900.0 * rng.next_f32() * (0.6 + 0.6 * i);
        let decay_s = 0.015 + 0.03 * rng.next_f32();
        let amp = 0.4 + 0.6 * rng.next_f32();
        add_rising_bubble(&mut out, sr, at, f, 2.2, decay_s, amp, rng.bipolar() * 0.5);
    }
    out
}

/// Water lapping at a bank, a jetty or a boat's hull: small ripples arriving every second
/// or so, each a soft, hollow slap (the water closing on an air pocket under the edge) and
/// a short gurgle as it drains back, over a faint wash.
pub fn lapping(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("lapping");
    let mut out = Stereo::silence(scene.frames);
    let mut wash = PinkNoise::new(scene.rng.fork("wash"));
    let mut wash_bp = Biquad::bandpass(sr, 600.0, 0.5);
    let mut swell = Drift::new(scene.rng.fork("swell"), sr, 0.8, 0.3, 1.0);
    for n in 0..scene.frames {
        let x = wash_bp.process(wash.next_sample()) * 0.06 * swell.next_sample();
        out.left[n] = x;
        out.right[n] = x * 0.9;
    }
    let mut t = 0.1 + 0.3 * rng.next_f32();
    while scene.frames_for(t) < scene.frames {
        let at = scene.frames_for(t);
        let gain = (0.4 + 0.6 * rng.next_f32()) * (0.6 + 0.6 * i);
        let (gl, gr) = pan_gains(0.5 * rng.bipolar());
        // The slap: a pocket of air closing, a damped low resonance with a splash on it.
        let pocket_hz = 180.0 + 220.0 * rng.next_f32();
        let mut pocket = Biquad::bandpass(sr, pocket_hz, 4.0);
        let mut splash = Biquad::bandpass(sr, 1500.0 + 1500.0 * rng.next_f32(), 1.0);
        let mut gurgle = 0.0f32;
        let len = scene.frames_for(0.45);
        for k in 0..len {
            let n = at + k;
            if n >= scene.frames {
                break;
            }
            let u = k as f32 / sr;
            let hit = (u / 0.004).min(1.0) * (-u / 0.03).exp();
            // Draining back: a few bubbles popping in the next few tenths of a second.
            if u > 0.06 && rng.next_f32() < 25.0 / sr {
                gurgle = 0.5;
            }
            let w = rng.bipolar();
            let x = pocket.process(w * (hit * 3.0 + gurgle)) + splash.process(w * hit) * 0.6;
            gurgle *= 0.995;
            out.left[n] += x * gain * gl;
            out.right[n] += x * gain * gr;
        }
        t += (0.6 + 1.0 * rng.next_f32()) / (0.7 + 0.6 * i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{bursts, mono, scene};
    use super::*;

    #[test]
    fn water_laps_in_soft_slaps_about_once_a_second() {
        let sr = 48_000.0;
        let out = mono(&lapping(&scene(10 * 48_000, SoundParams::default(), 1)));
        let slaps = bursts(&out, sr, 0.3);
        assert!((5..=16).contains(&slaps), "{slaps}");
    }
}
