//! Designed sounds: interface beeps, transition swooshes, risers, impacts, radio static.

use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::{ExpDecay, adsr_gain, swell_gain};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::osc::{Saw, Sine};

/// The spans `(start_frame, frames)` a stretchable sound occupies: the whole clip for a
/// one-shot (so "a 3 second whoosh" lasts 3 s), or repeats with pauses for a background.
fn stretch_spans(
    scene: &Scene,
    label: &str,
    max_s: f32,
    each_s: (f32, f32),
    pause_s: (f32, f32),
) -> Vec<(usize, usize)> {
    let clip_s = scene.frames as f32 / scene.sample_rate_hz;
    if !scene.background {
        let len_s = (clip_s - 0.04).clamp(0.05, max_s);
        return vec![(scene.frames_for(0.02), scene.frames_for(len_s))];
    }
    let mut rng = scene.rng.fork(label);
    let mut spans = Vec::new();
    let mut t = 0.05;
    while t < clip_s {
        let len_s = each_s.0 + (each_s.1 - each_s.0) * rng.next_f32();
        spans.push((scene.frames_for(t), scene.frames_for(len_s)));
        t += len_s + pause_s.0 + (pause_s.1 - pause_s.0) * rng.next_f32();
    }
    spans
}

/// Interface beeps: short sine tones with soft edges, `count` (default 1) in a row.
pub fn beep(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let tone_s = 0.12 + 0.08 * scene.params.intensity;
    let spacing_s = 0.25;
    let starts = scene.group_starts("beep-groups", 0.02, spacing_s * count as f32, (0.6, 2.0));
    let mut out = Stereo::silence(scene.frames);
    // Devices differ a little in pitch; the seed picks one.
    let freq_hz = 1000.0 * (0.97 + 0.06 * scene.rng.fork("pitch").next_f32());
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s);
            let len = scene.frames_for(tone_s + 0.02);
            let mut osc = Sine::new(sr, 0.0);
            for n in 0..len {
                if at + n >= scene.frames {
                    break;
                }
                let t = n as f32 / sr;
                let g = adsr_gain(t, 0.005, 0.03, 0.8, 0.015, tone_s);
                // A touch of the octave makes it read as a device speaker, not a test tone.
                let s1 = osc.next_sample(freq_hz);
                let s = (s1 + 0.15 * (2.0 * s1 * s1 - 1.0)) * g;
                out.left[at + n] += s;
                out.right[at + n] += s;
            }
        }
    }
    out
}

/// A swoosh: noise through a band-pass that sweeps up as the object approaches and falls
/// below where it started as it leaves (a caricature of the Doppler shift), panned across.
pub fn swoosh(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let lo_hz = 300.0;
    let hi_hz = 2200.0 + 3500.0 * i;
    let q = 1.0 + 1.5 * i;
    let mut pink = PinkNoise::new(scene.rng.fork("swoosh-noise"));
    let mut white = WhiteNoise::new(scene.rng.fork("swoosh-air"));
    let peak_at = 0.55;
    for (start, len) in stretch_spans(scene, "swooshes", 6.0, (0.7, 1.6), (1.5, 5.0)) {
        let mut bp = Biquad::bandpass(sr, lo_hz, q);
        let mut body = OnePoleLowpass::new(sr, 500.0);
        for n in 0..len {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let pos = n as f32 / len as f32;
            let env = swell_gain(pos, peak_at);
            if n % 16 == 0 {
                let floor_hz = if pos < peak_at { lo_hz } else { lo_hz * 0.6 };
                bp.set(sr, floor_hz + (hi_hz - floor_hz) * env, q);
            }
            let x = pink.next_sample() * 0.6 + white.next_sample() * 0.4;
            let s = (bp.process(x) * 1.5 + body.process(x) * 0.5) * env;
            out.add(at, s, pan_gains(-0.7 + 1.4 * pos));
        }
    }
    out
}

/// A riser: noise sweeping up and a sawtooth gliding up two octaves, swelling to the end.
pub fn riser(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let mut white = WhiteNoise::new(scene.rng.fork("riser-noise"));
    for (start, len) in stretch_spans(scene, "risers", 20.0, (2.0, 4.0), (2.0, 6.0)) {
        let mut bp = Biquad::bandpass(sr, 200.0, 2.0);
        let mut saw = Saw::new(sr, 0.0);
        let mut saw_lp = OnePoleLowpass::new(sr, 2500.0);
        for n in 0..len {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let pos = n as f32 / len as f32;
            if n % 16 == 0 {
                bp.set(sr, 200.0 * 30f32.powf(pos), 2.0);
            }
            let tone = saw_lp.process(saw.next_sample(110.0 * 4f32.powf(pos))) * 0.3;
            let s = (bp.process(white.next_sample()) + tone) * pos * pos;
            out.left[at] += s;
            out.right[at] += s;
        }
    }
    out
}

/// An impact: a sub boom falling in pitch, a mid thud and a burst of noise.
pub fn impact(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("impact");
    let starts = scene.group_starts("impacts", 0.01, 1.5, (2.0, 8.0));
    let thud = Hit {
        modes: &[(190.0, 0.08, 0.6), (420.0, 0.04, 0.3)],
        noise_amp: 1.5 + 2.0 * i,
        noise_decay_s: 0.05,
        noise_centre_hz: 1500.0,
        noise_q: 0.5,
    };
    for start in starts {
        add_hit(&mut out, sr, &mut rng, start, 1.0, 0.0, 1.0, &thud);
        let mut boom = Sine::new(sr, 0.0);
        let mut env = ExpDecay::new(sr, 0.35 + 0.3 * i, 1.0);
        let mut pitch = ExpDecay::new(sr, 0.15, 80.0);
        for at in start..(start + scene.frames_for(2.5)).min(scene.frames) {
            let s = boom.next_sample(40.0 + pitch.next_sample()) * env.next_sample() * 0.9;
            out.left[at] += s;
            out.right[at] += s;
        }
    }
    out
}

/// Radio static: band-limited hiss whose level flutters, crackles, and a faint wandering
/// heterodyne whistle, as between stations.
pub fn static_noise(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let mut white = WhiteNoise::new(scene.rng.fork("static"));
    let mut hp = Biquad::highpass(sr, 300.0, 0.7);
    let mut lp = Biquad::lowpass(sr, 4000.0, 0.7);
    let mut flutter = Drift::new(scene.rng.fork("flutter"), sr, 9.0, 0.4, 1.0);
    let mut whistle_hz = Drift::new(scene.rng.fork("whistle"), sr, 0.7, 500.0, 2500.0);
    let mut whistle = Sine::new(sr, 0.0);
    let mut rng = scene.rng.fork("crackle");
    let crackle_p = (20.0 + 40.0 * scene.params.intensity) / sr;
    let mut crackle = 0.0f32;
    let crackle_keep = (-1.0 / (0.0008 * sr)).exp();
    for n in 0..scene.frames {
        if rng.chance(f64::from(crackle_p)) {
            crackle = rng.bipolar() * 3.0;
        }
        let hiss = lp.process(hp.process(white.next_sample() + crackle));
        crackle *= crackle_keep;
        let s = hiss * flutter.next_sample() + whistle.next_sample(whistle_hz.next_sample()) * 0.03;
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}
