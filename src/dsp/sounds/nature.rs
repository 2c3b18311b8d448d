//! Weather and fire: rain, wind, thunder, a crackling fire, and fire in the sky: fireworks.

use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::ad_gain;
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{BrownNoise, Drift, PinkNoise, WhiteNoise};
use crate::dsp::rng::Rng;

/// Random event times as a Poisson process: exponential gaps, so events clump and thin out
/// the way independent raindrops or crackles do.
pub(super) fn poisson_times(
    rng: &mut Rng,
    rate_hz: f32,
    frames: usize,
    sr: f32,
) -> impl Iterator<Item = usize> + '_ {
    let mut t = 0.0f64;
    std::iter::from_fn(move || {
        let u = rng.next_f64().max(1e-12);
        t += -u.ln() / f64::from(rate_hz);
        let at = (t * f64::from(sr)) as usize;
        (at < frames).then_some(at)
    })
}

/// Rain: a bed of high-passed pink noise (the many far drops) plus individual near drops,
/// some as short ticks (on hard surfaces) and some as the upward-chirping ring of the air
/// bubble a drop traps in water. Heavier rain: more drops, a brighter wash, a low roar.
pub fn rain(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut swell = Drift::new(scene.rng.fork("swell"), sr, 0.25, 0.7, 1.0);
    for (ch, label) in [(&mut out.left, "wash-l"), (&mut out.right, "wash-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut brown = BrownNoise::new(scene.rng.fork(label).fork("roar"), sr);
        let mut hp = Biquad::highpass(sr, 500.0 - 250.0 * i, 0.7);
        let mut lp = Biquad::lowpass(sr, 5000.0 + 5000.0 * i, 0.7);
        let mut roar_lp = OnePoleLowpass::new(sr, 250.0);
        let wash_gain = 0.12 + 0.25 * i;
        let roar_gain = 0.3 * i * i;
        for s in ch.iter_mut() {
            let wash = lp.process(hp.process(pink.next_sample()));
            let roar = roar_lp.process(brown.next_sample());
            *s = (wash * wash_gain + roar * roar_gain) * swell.next_sample();
        }
    }
    let mut rng = scene.rng.fork("drops");
    let mut times = scene.rng.fork("drop-times");
    let rate_hz = 25.0 + 700.0 * i * i;
    for at in poisson_times(&mut times, rate_hz, scene.frames, sr) {
        let amp = 0.05 + 0.5 * rng.next_f32().powi(3);
        let pan = rng.bipolar() * 0.9;
        if rng.chance(0.3) {
            add_bubble(&mut out, sr, &mut rng, at, amp, pan);
        } else {
            let tick = Hit {
                modes: &[],
                noise_amp: 1.0,
                noise_decay_s: 0.0006 + 0.0015 * rng.next_f32(),
                noise_centre_hz: 2500.0 + 4000.0 * rng.next_f32(),
                noise_q: 0.9,
            };
            add_hit(&mut out, sr, &mut rng, at, amp, pan, 1.0, &tick);
        }
    }
    out
}

/// The ring of a bubble trapped by a drop: a sine whose pitch rises as it decays.
pub(super) fn add_bubble(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    amp: f32,
    pan: f32,
) {
    let mut freq_hz = 1200.0 + 3000.0 * rng.next_f32();
    let decay_s = 0.003 + 0.008 * rng.next_f32();
    let chirp = (1.0 + 4.0 / (decay_s * sr * 20.0)).min(1.001);
    let keep = (-1.0 / (decay_s * sr)).exp();
    let len = (decay_s * 6.0 * sr) as usize;
    let gains = pan_gains(pan);
    let mut phase = 0.0f32;
    let mut level = amp * 0.6;
    for at in start..(start + len).min(out.frames()) {
        out.add(at, (std::f32::consts::TAU * phase).sin() * level, gains);
        phase = (phase + freq_hz / sr).fract();
        freq_hz *= chirp;
        level *= keep;
    }
}

/// Wind: noise through a resonant band-pass whose centre wanders (the whistle around
/// edges), under a gust envelope, over a low rumble. Stronger wind: a narrower, higher,
/// more moving resonance and deeper gusts.
pub fn wind(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let gust_depth = 0.3 + 0.6 * i;
    let gust_track = {
        let mut gust = Drift::new(
            scene.rng.fork("gust"),
            sr,
            0.35 + 0.4 * i,
            1.0 - gust_depth,
            1.0,
        );
        (0..scene.frames)
            .map(|_| gust.next_sample())
            .collect::<Vec<f32>>()
    };
    for (ch, label) in [(&mut out.left, "wind-l"), (&mut out.right, "wind-r")] {
        let mut white = WhiteNoise::new(scene.rng.fork(label));
        let mut brown = BrownNoise::new(scene.rng.fork(label).fork("rumble"), sr);
        let lo_hz = 250.0 + 150.0 * i;
        let hi_hz = 500.0 + 1000.0 * i;
        let mut centre = Drift::new(scene.rng.fork(label).fork("centre"), sr, 0.3, lo_hz, hi_hz);
        let q = 1.2 + 4.0 * i;
        let mut bp = Biquad::bandpass(sr, lo_hz, q);
        let mut rumble_lp = OnePoleLowpass::new(sr, 120.0);
        // A narrow band of white noise carries little power (about bandwidth / rate);
        // scale it back up so the whistle, not the rumble, is what one hears.
        let whistle_gain = 0.25 * (q * sr / (std::f32::consts::TAU * lo_hz)).sqrt();
        for (n, (s, &g)) in ch.iter_mut().zip(&gust_track).enumerate() {
            let c = centre.next_sample();
            // The centre moves slowly: refreshing coefficients every 32 samples is inaudible
            // and saves the trig.
            if n % 32 == 0 {
                bp.set(sr, c * (0.8 + 0.4 * g), q);
            }
            let whistle = bp.process(white.next_sample());
            let rumble = rumble_lp.process(brown.next_sample());
            *s = g * g * (whistle * whistle_gain + rumble * 0.3);
        }
    }
    out
}

/// Thunder: for a near strike a bright crack, then a long low rumble made of several
/// overlapping rolls (echoes of the channel's parts at different distances).
pub fn thunder(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let near = scene.params.distance != super::Distance::Far;
    let starts = scene.group_starts("strikes", 0.05, 4.5, (3.0, 12.0));
    let mut rng = scene.rng.fork("rolls");
    // Rolls as (start_s, attack_s, decay_s, amplitude); built once per strike.
    let mut rolls = [(0.0f32, 0.0f32, 0.0f32, 0.0f32); 8];
    for (k, &start) in starts.iter().enumerate() {
        for (r, roll) in rolls.iter_mut().enumerate() {
            let t = if r == 0 {
                0.0
            } else {
                rng.next_f32().powf(1.5) * 2.2
            };
            *roll = (
                t,
                0.04 + 0.15 * rng.next_f32(),
                0.3 + 0.9 * rng.next_f32(),
                (0.4 + 0.6 * rng.next_f32()) / (1.0 + t),
            );
        }
        let len = (scene.frames - start).min(scene.frames_for(5.5));
        for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
            let label = format!("rumble-{k}-{c}");
            let mut brown = BrownNoise::new(scene.rng.fork(&label), sr);
            let mut lp = Biquad::lowpass(sr, 120.0 + 250.0 * i, 0.8);
            let mut white = WhiteNoise::new(scene.rng.fork(&label).fork("crack"));
            let mut crack_hp = Biquad::highpass(sr, 900.0, 0.7);
            let crack_keep = (-1.0 / (0.06 * sr)).exp();
            let mut crack = if near { 0.6 + 0.4 * i } else { 0.0 };
            let mut env = 0.0f32;
            for n in 0..len {
                // The roll envelope changes slowly: evaluate it once per 64 samples.
                if n % 64 == 0 {
                    let t = n as f32 / sr;
                    env = rolls
                        .iter()
                        .map(|&(t0, a, d, amp)| amp * ad_gain(t - t0, a, d))
                        .sum();
                }
                let rumble = lp.process(brown.next_sample()) * env * 1.4;
                let cr = crack_hp.process(white.next_sample()) * crack;
                crack *= crack_keep;
                ch[start + n] += rumble + cr;
            }
        }
    }
    out
}

/// Fireworks: rockets whistle up (a rising shriek with the hiss of the burning fuse), burst
/// with a hard bang whose echo rolls back off the buildings, and some shower down in a
/// glittering crackle of tiny reports. Near and far, left and right, for as long as the
/// clip lasts.
pub fn fireworks(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("fireworks");
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.05f32;
    let mut first = true;
    while t < clip_s {
        let near = if first {
            1.0
        } else {
            0.3 + 0.7 * rng.next_f32()
        };
        first = false;
        let pan = 0.7 * rng.bipolar();
        let (gl, gr) = pan_gains(pan);
        let whistle_s = if rng.chance(0.6) {
            0.8 + 0.6 * rng.next_f32()
        } else {
            0.0
        };
        let start = scene.frames_for(t);
        let len = (scene.frames - start).min(scene.frames_for(whistle_s + 3.5));
        let mut mono = vec![0.0f32; len];
        // The climb: a whistle rising an octave or more, and the fuse's hiss.
        let f0 = 900.0 + 600.0 * rng.next_f32();
        let mut phase = 0.0f32;
        let mut fuse = Biquad::bandpass(sr, 5000.0, 0.7);
        let climb = scene.frames_for(whistle_s).min(len);
        for (n, m) in mono.iter_mut().enumerate().take(climb) {
            let u = n as f32 / climb as f32;
            let f = f0 * (1.0 + 1.5 * u);
            phase = (phase + f / sr).fract();
            let env = (u / 0.1).min(1.0) * (1.0 - 0.6 * u) * ((1.0 - u) / 0.03).min(1.0);
            *m += ((std::f32::consts::TAU * phase).sin() * 0.35
                + fuse.process(rng.bipolar()) * 0.3)
                * env
                * 0.5;
        }
        // The burst: a bang and its echo, duller the farther it is.
        let bang_at = climb;
        let mut lp = Biquad::lowpass(sr, 600.0 + 2400.0 * near, 0.7);
        let mut boom = Biquad::lowpass(sr, 90.0, 1.0);
        let echo_s = 0.25 + 0.35 * rng.next_f32();
        for (n, m) in mono.iter_mut().enumerate().skip(bang_at) {
            let u = (n - bang_at) as f32 / sr;
            let env =
                (u / 0.001).min(1.0) * (-u / 0.08).exp() + 0.35 * ad_gain(u - echo_s, 0.05, 0.6);
            let x = rng.bipolar() * env;
            *m += (lp.process(x) * 1.2 + boom.process(x) * 3.0) * (0.4 + 0.6 * near);
        }
        // Sometimes a crackling shower: tiny reports thinning out over a second and a half.
        if rng.chance(0.5) {
            let shower_at = bang_at + scene.frames_for(0.3);
            let mut s_t = 0.0f32;
            while s_t < 1.6 {
                let at = shower_at + scene.frames_for(s_t);
                if at + 300 >= len {
                    break;
                }
                let g = 0.25 * near * (1.0 - s_t / 1.6) * (0.3 + 0.7 * rng.next_f32());
                let mut hp = Biquad::highpass(sr, 1500.0, 0.7);
                for k in 0..300 {
                    mono[at + k] += hp.process(rng.bipolar()) * g * (-(k as f32) / 40.0).exp();
                }
                s_t += 0.004 + 0.03 * rng.next_f32();
            }
        }
        for (n, &x) in mono.iter().enumerate() {
            out.left[start + n] += x * gl;
            out.right[start + n] += x * gr;
        }
        t += (0.6 + 2.2 * rng.next_f32()) / (0.6 + 0.8 * i);
    }
    out
}

/// A fire: a fluttering low roar of burning gas, a faint hiss, and crackles: very short
/// clicks of widely varying strength (wood cells bursting), often in little clusters, with
/// the odd deeper pop.
pub fn fire(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "fire-l"), (&mut out.right, "fire-r")] {
        let mut brown = BrownNoise::new(scene.rng.fork(label), sr);
        let mut pink = PinkNoise::new(scene.rng.fork(label).fork("hiss"));
        let mut roar_lp = Biquad::lowpass(sr, 250.0 + 200.0 * i, 0.7);
        let mut hiss_bp = Biquad::bandpass(sr, 3500.0, 0.6);
        let mut flutter = Drift::new(scene.rng.fork(label).fork("flutter"), sr, 4.0, 0.4, 1.0);
        let mut breath = Drift::new(scene.rng.fork(label).fork("breath"), sr, 2.0, 0.0, 1.0);
        for s in ch.iter_mut() {
            let roar = roar_lp.process(brown.next_sample()) * flutter.next_sample();
            let b = breath.next_sample();
            let hiss = hiss_bp.process(pink.next_sample()) * b * b;
            *s = roar * (0.25 + 0.2 * i) + hiss * 0.06;
        }
    }
    let mut rng = scene.rng.fork("crackles");
    let mut times = scene.rng.fork("crackle-times");
    for at in poisson_times(&mut times, 6.0 + 25.0 * i, scene.frames, sr) {
        let cluster = if rng.chance(0.4) { 2 + rng.below(5) } else { 1 };
        let pan = rng.bipolar() * 0.7;
        let mut t = at;
        for _ in 0..cluster {
            let amp = 0.1 + 0.9 * rng.next_f32().powi(3);
            if rng.chance(0.1) {
                let pop = Hit {
                    modes: &[(350.0 + 500.0 * rng.next_f32(), 0.006, 0.5)],
                    noise_amp: 1.0,
                    noise_decay_s: 0.002,
                    noise_centre_hz: 1500.0,
                    noise_q: 0.7,
                };
                add_hit(&mut out, sr, &mut rng, t, amp, pan, 1.0, &pop);
            } else {
                let click = Hit {
                    modes: &[],
                    noise_amp: 2.0,
                    noise_decay_s: 0.0003 + 0.002 * rng.next_f32(),
                    noise_centre_hz: 2000.0 + 5000.0 * rng.next_f32(),
                    noise_q: 0.8,
                };
                add_hit(&mut out, sr, &mut rng, t, amp, pan, 1.0, &click);
            }
            t += scene.frames_for(0.004 + 0.03 * rng.next_f32());
        }
    }
    out
}

/// Light rain: not a quieter downpour but a different sound. Few enough drops to hear each
/// one: soft pats on leaves and ground (short, mid-bright ticks), the odd plink into a
/// puddle, and slow heavy drips from eaves and branches, over a faint airy wash.
pub fn light_rain(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "mist-l"), (&mut out.right, "mist-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut hp = Biquad::highpass(sr, 1500.0, 0.7);
        let mut lp = Biquad::lowpass(sr, 7000.0, 0.7);
        let mut swell = Drift::new(scene.rng.fork(label).fork("swell"), sr, 0.3, 0.5, 1.0);
        for s in ch.iter_mut() {
            *s = lp.process(hp.process(pink.next_sample())) * swell.next_sample() * 0.03;
        }
    }
    let mut rng = scene.rng.fork("pats");
    let mut times = scene.rng.fork("pat-times");
    for at in poisson_times(&mut times, 20.0 + 60.0 * i, scene.frames, sr) {
        let amp = 0.08 + 0.5 * rng.next_f32().powi(3);
        let pan = rng.bipolar() * 0.9;
        if rng.chance(0.12) {
            add_bubble(&mut out, sr, &mut rng, at, amp * 1.5, pan);
        } else {
            // A drop on a leaf: a tick with a trace of the leaf's own ring.
            let pat = Hit {
                modes: &[(900.0 + 1800.0 * rng.next_f32(), 0.003, 0.25)],
                noise_amp: 1.0,
                noise_decay_s: 0.001 + 0.002 * rng.next_f32(),
                noise_centre_hz: 1500.0 + 3000.0 * rng.next_f32(),
                noise_q: 1.0,
            };
            add_hit(&mut out, sr, &mut rng, at, amp, pan, 1.0, &pat);
        }
    }
    // Eaves drips: slow, near-regular, and louder than the rest.
    let mut drips = scene.rng.fork("eaves");
    let period_s = 0.7 + 0.6 * drips.next_f32();
    let pan = drips.bipolar() * 0.6;
    let mut t = 0.1 + period_s * drips.next_f32();
    while scene.frames_for(t) < scene.frames {
        let at = scene.frames_for(t);
        let amp = 0.4 + 0.2 * drips.next_f32();
        let drip = Hit {
            modes: &[(1800.0 + 400.0 * drips.next_f32(), 0.012, 0.5)],
            noise_amp: 1.0,
            noise_decay_s: 0.0015,
            noise_centre_hz: 3000.0,
            noise_q: 0.8,
        };
        add_hit(&mut out, sr, &mut drips, at, amp, pan, 1.0, &drip);
        t += period_s * (0.85 + 0.3 * drips.next_f32());
    }
    out
}

/// A storm: heavy rain, strong gusting wind and thunder rolling in the distance, mixed as
/// one bed. The thunder is low-passed and softer, as far thunder is; the first roll comes
/// after a moment rather than at once.
pub fn storm(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let heavy = super::SoundParams {
        // Heavy, but not the costliest rain: the wash carries the rest.
        intensity: 0.6 + 0.15 * i,
        ..scene.params.clone()
    };
    let mut out = rain(&scene.variant("storm-rain", true, heavy.clone()));
    let gusts = wind(&scene.variant("storm-wind", true, heavy.clone()));
    let far = super::SoundParams {
        distance: super::Distance::Far,
        ..heavy
    };
    let mut rolls = thunder(&scene.variant("storm-thunder", true, far));
    let peak = |s: &Stereo| s.peak().max(1e-6);
    let (rain_g, wind_g, thunder_g) = (0.55 / peak(&out), 0.45 / peak(&gusts), 0.8 / peak(&rolls));
    // Delay the thunder so the storm opens on rain and wind.
    let delay = scene.frames_for(1.2).min(scene.frames / 3);
    for ch in [&mut rolls.left, &mut rolls.right] {
        ch.rotate_right(delay);
        ch[..delay].fill(0.0);
        let mut lp = OnePoleLowpass::new(sr, 300.0);
        for s in ch.iter_mut() {
            *s = lp.process(*s);
        }
    }
    for (o, (w, t)) in out
        .left
        .iter_mut()
        .zip(gusts.left.iter().zip(&rolls.left))
        .chain(
            out.right
                .iter_mut()
                .zip(gusts.right.iter().zip(&rolls.right)),
        )
    {
        *o = *o * rain_g + w * wind_g + t * thunder_g;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{bursts, mono, scene};
    use super::*;

    #[test]
    fn fireworks_burst_again_and_again() {
        let sr = 48_000.0;
        let count = |intensity: f32| -> usize {
            (1..=4)
                .map(|seed| {
                    let params = SoundParams {
                        intensity,
                        ..SoundParams::default()
                    };
                    bursts(&mono(&fireworks(&scene(8 * 48_000, params, seed))), sr, 0.3)
                })
                .sum()
        };
        let (usual, busy) = (count(0.55), count(1.0));
        // Three to twelve bangs in eight seconds, more of them when it is a big display.
        assert!((12..=48).contains(&usual), "{usual}");
        assert!(busy > usual, "{usual} {busy}");
    }
}
