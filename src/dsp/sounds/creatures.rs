//! Animals and a sleeper, only where a few physical parts make them convincing: voices that
//! are pulse trains through resonances (a cat's purr, frogs, a snore), an owl's nearly pure
//! hoot, and a horse's shod hooves on stone.

use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::swell_gain;
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::rng::Rng;
use std::f32::consts::TAU;

/// A buzz of pulses: each pulse a short decaying noise burst (the vocal folds or the soft
/// palate snapping shut), `rate_hz` of them a second, through a bank of resonances.
struct PulseVoice {
    noise: WhiteNoise,
    bank: Vec<(Biquad, f32)>,
    phase: f32,
    burst: f32,
    keep: f32,
}

impl PulseVoice {
    fn new(rng: Rng, sr: f32, burst_s: f32, formants: &[(f32, f32, f32)]) -> Self {
        PulseVoice {
            noise: WhiteNoise::new(rng),
            bank: formants
                .iter()
                .map(|&(f, q, g)| (Biquad::bandpass(sr, f, q), g))
                .collect(),
            phase: 0.0,
            burst: 0.0,
            keep: (-1.0 / (burst_s * sr)).exp(),
        }
    }

    /// One sample at `rate_hz` pulses a second; `jitter` (-1..1) nudges each period.
    fn next(&mut self, sr: f32, rate_hz: f32, pulse_amp: f32, breath: f32) -> f32 {
        self.phase += rate_hz / sr;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
            self.burst = pulse_amp;
        }
        let x = self.noise.next_sample() * (self.burst + breath);
        self.burst *= self.keep;
        self.bank.iter_mut().map(|(f, g)| f.process(x) * *g).sum()
    }
}

/// A cat purring: the larynx muscles twitch about 25 times a second, on the breath out and
/// on the breath in, each twitch a little burst of noise through the cat's small throat and
/// nose (most energy below 1 kHz). The in-breath is a touch slower and softer, with a brief
/// turn between. A contented rhythm of about three seconds a breath.
pub fn purr(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("purr");
    let mut voice = PulseVoice::new(
        scene.rng.fork("larynx"),
        sr,
        0.005,
        &[(150.0, 1.2, 1.0), (420.0, 2.0, 0.7), (1100.0, 3.0, 0.25)],
    );
    let mut wobble = Drift::new(scene.rng.fork("wobble"), sr, 3.0, 0.94, 1.06);
    let mut amp_jitter = Drift::new(scene.rng.fork("amp"), sr, 30.0, 0.6, 1.0);
    let mut lp = OnePoleLowpass::new(sr, 1800.0);
    let mut out = Stereo::silence(scene.frames);
    let base_hz = 24.0 + 4.0 * rng.next_f32();
    // Breath phases: (out?, start, length).
    let mut phases = Vec::new();
    let mut t = 0.0;
    let mut breathing_out = true;
    let clip_s = scene.frames as f32 / sr;
    while t < clip_s {
        let len = if breathing_out {
            1.4 + 0.5 * rng.next_f32()
        } else {
            1.0 + 0.4 * rng.next_f32()
        };
        phases.push((breathing_out, t, len));
        t += len + 0.06 + 0.08 * rng.next_f32();
        breathing_out = !breathing_out;
    }
    let mut k = 0;
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        while k + 1 < phases.len() && t >= phases[k + 1].1 {
            k += 1;
        }
        let (out_breath, start, len) = phases[k];
        let pos = (t - start) / len;
        let env = if pos < 1.0 {
            swell_gain(pos, 0.3).sqrt()
        } else {
            0.0
        };
        let (rate, strength) = if out_breath {
            (base_hz, 1.0)
        } else {
            (base_hz * 0.88, 0.7)
        };
        let y = voice.next(
            sr,
            rate * wobble.next_sample(),
            strength * amp_jitter.next_sample(),
            0.04,
        );
        let s = lp.process(y) * env * (0.7 + 0.4 * i);
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// One hoot: a nearly pure tone (a faint second harmonic and a breath of noise) that
/// swells in, lifts slightly in pitch and sags as it ends. `tremolo_hz` > 0 breaks it
/// into the quavering "hu-hu-hu" of a tawny owl's phrase.
#[allow(clippy::too_many_arguments)]
fn add_hoot(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    len_s: f32,
    f0: f32,
    gain: f32,
    tremolo_hz: f32,
) {
    let len = (len_s * sr) as usize;
    let mut noise = WhiteNoise::new(rng.fork("hoot-breath"));
    let mut bp = Biquad::bandpass(sr, f0, 6.0);
    let gains = pan_gains(0.0);
    let mut p = 0.0f32;
    let mut q = 0.0f32;
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        let x = n as f32 / len as f32;
        let t = n as f32 / sr;
        let attack = (t / 0.07).min(1.0);
        let release = ((len_s - t) / 0.15).clamp(0.0, 1.0);
        let env =
            attack * attack * (3.0 - 2.0 * attack) * release * release * (3.0 - 2.0 * release);
        let contour = 0.93 + 0.07 * (t / 0.1).min(1.0) - 0.08 * x * x;
        p = (p + f0 * contour / sr).fract();
        let trem = if tremolo_hz > 0.0 {
            q += tremolo_hz / sr;
            let c = (TAU * q).cos();
            // Deep, rounded dips: separate syllables, not a vibrato.
            (0.5 - 0.5 * c).powf(0.7)
        } else {
            1.0
        };
        let tone = (TAU * p).sin() + 0.1 * (2.0 * TAU * p).sin() + 0.03 * (3.0 * TAU * p).sin();
        let y = (tone + bp.process(noise.next_sample()) * 0.8) * env * trem * gain;
        out.add(at, y, gains);
    }
}

/// An owl hooting in the night: the tawny owl's phrase, a long "hooo", a pause, a short
/// "hu", then a quavering "hu-hu-huhooooo", on a soft nearly pure tone near 400 Hz. With a
/// count, that many plain hoots, evenly spaced. Far off among trees it is duller and more
/// reverberant (distance does that).
pub fn owl(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("owl");
    let f0 = 360.0 + 80.0 * rng.next_f32();
    let mut out = Stereo::silence(scene.frames);
    if let Some(count) = scene.params.count {
        let count = count.clamp(1, 20) as usize;
        let group_s = 0.8 * count as f32;
        for start in scene.group_starts("owl-groups", 0.05, group_s, (3.0, 8.0)) {
            for k in 0..count {
                let at = start + scene.frames_for(0.8 * k as f32);
                let f = f0 * (0.98 + 0.04 * rng.next_f32());
                add_hoot(&mut out, sr, &mut rng, at, 0.45, f, 1.0, 0.0);
            }
        }
        return out;
    }
    let clip_s = scene.frames as f32 / sr;
    // The phrase compressed into a short clip, at its natural pace in a long one.
    let k = (clip_s / 4.5).clamp(0.5, 1.0);
    let group_s = 4.2 * k;
    for start in scene.group_starts("owl-groups", 0.05, group_s, (4.0, 10.0)) {
        let at = |s: f32| start + scene.frames_for(s * k);
        add_hoot(&mut out, sr, &mut rng, at(0.0), 0.8 * k, f0, 1.0, 0.0);
        add_hoot(&mut out, sr, &mut rng, at(1.9), 0.16, f0 * 0.97, 0.6, 0.0);
        add_hoot(
            &mut out,
            sr,
            &mut rng,
            at(2.4),
            0.45 * k,
            f0 * 0.98,
            0.85,
            11.0,
        );
        add_hoot(
            &mut out,
            sr,
            &mut rng,
            at(2.4) + scene.frames_for(0.45 * k),
            1.0 * k,
            f0,
            0.9,
            0.0,
        );
    }
    out
}

/// A chorus of frogs by a pond at night. Each frog calls in bouts: croaks made of a buzz of
/// pulses (40–120 a second) through its throat's resonances, some as a two-part
/// "rib-bit", now and then a deep bullfrog. Each frog sits in its own place, and calls
/// when the others pause. Over a faint night air.
pub fn frogs(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "night-l"), (&mut out.right, "night-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut lp = Biquad::lowpass(sr, 600.0, 0.7);
        for s in ch.iter_mut() {
            *s = lp.process(pink.next_sample()) * 0.01;
        }
    }
    let rng = scene.rng.fork("frogs");
    let clip_s = scene.frames as f32 / sr;
    let frogs = scene
        .params
        .count
        .map_or(3 + (5.0 * i) as usize, |c| c.clamp(1, 12) as usize);
    for f in 0..frogs {
        let mut frog = rng.fork(&format!("frog-{f}"));
        let bull = f > 0 && frog.chance(0.25);
        let (pulse_hz, formant) = if bull {
            (
                90.0 + 30.0 * frog.next_f32(),
                180.0 + 120.0 * frog.next_f32(),
            )
        } else {
            (
                45.0 + 70.0 * frog.next_f32(),
                700.0 + 1100.0 * frog.next_f32(),
            )
        };
        let croak_s = if bull {
            0.5 + 0.3 * frog.next_f32()
        } else {
            0.12 + 0.2 * frog.next_f32()
        };
        let ribbit = !bull && frog.chance(0.5);
        let pan = if f == 0 { 0.1 } else { frog.bipolar() * 0.8 };
        let gain = if f == 0 {
            1.0
        } else {
            0.35 + 0.55 * frog.next_f32()
        };
        let mut t = if f == 0 { 0.05 } else { 2.0 * frog.next_f32() };
        while t < clip_s {
            let bout = 2 + frog.below(5);
            for _ in 0..bout {
                if t >= clip_s {
                    break;
                }
                let at = scene.frames_for(t);
                add_croak(
                    &mut out, sr, &mut frog, at, croak_s, pulse_hz, formant, gain, pan,
                );
                if ribbit {
                    let second = at + scene.frames_for(croak_s + 0.05);
                    add_croak(
                        &mut out,
                        sr,
                        &mut frog,
                        second,
                        croak_s * 0.8,
                        pulse_hz * 1.15,
                        formant * 1.1,
                        gain * 0.9,
                        pan,
                    );
                }
                t += croak_s * if ribbit { 2.2 } else { 1.0 } + 0.25 + 0.5 * frog.next_f32();
            }
            t += 1.0 + 3.0 * frog.next_f32();
        }
    }
    out
}

/// One croak: a train of pulses, each ringing the throat's two resonances, under a swell.
#[allow(clippy::too_many_arguments)]
fn add_croak(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    len_s: f32,
    pulse_hz: f32,
    formant: f32,
    gain: f32,
    pan: f32,
) {
    let pulses = (len_s * pulse_hz).max(2.0) as usize;
    let modes = [
        (formant, 4.0 / formant + 0.002, 1.0),
        (formant * 2.3, 0.003, 0.35),
        (formant * 0.5, 0.006, 0.3),
    ];
    let hit = Hit {
        modes: &modes,
        noise_amp: 0.3,
        noise_decay_s: 0.0015,
        noise_centre_hz: formant,
        noise_q: 1.0,
    };
    for k in 0..pulses {
        let x = k as f32 / pulses as f32;
        let at = start + ((k as f32 / pulse_hz) * sr) as usize;
        if at >= out.frames() {
            return;
        }
        let amp = gain * swell_gain(x, 0.3).sqrt() * (0.8 + 0.2 * rng.next_f32());
        add_hit(out, sr, rng, at, amp, pan, 1.0 + 0.03 * x, &hit);
    }
}

/// A horse walking on cobbles: shod hooves, four beats to a stride (left hind, left fore,
/// right hind, right fore) in the familiar paired "clip-clop": each strike a hard, hollow
/// knock of horn on stone with the bright ring of the iron shoe, fore and hind feet at
/// different pitches. Hurried: a trot, two beats to a shorter stride.
pub fn hooves(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let pace = scene.params.pace.clamp(0.5, 2.5);
    let trot = pace > 1.4;
    let mut rng = scene.rng.fork("horse");
    let mut out = Stereo::silence(scene.frames);
    // Beat offsets within a stride, and which foot (0 hind, 1 fore).
    let (stride_s, beats): (f32, &[(f32, usize)]) = if trot {
        (0.7, &[(0.0, 1), (0.5, 0)])
    } else {
        (1.15 / pace, &[(0.0, 0), (0.2, 1), (0.5, 0), (0.7, 1)])
    };
    let strike = |foot: usize| Hit {
        modes: if foot == 1 {
            &[
                (620.0, 0.02, 0.8),
                (1350.0, 0.012, 0.5),
                (2900.0, 0.03, 0.18),
                (4100.0, 0.025, 0.1),
            ]
        } else {
            &[
                (480.0, 0.025, 0.8),
                (1050.0, 0.014, 0.5),
                (2600.0, 0.03, 0.15),
                (3900.0, 0.025, 0.08),
            ]
        },
        noise_amp: 1.5 + 0.8 * i,
        noise_decay_s: 0.002,
        noise_centre_hz: 2500.0,
        noise_q: 0.8,
    };
    let max_beats = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut t = 0.05;
    let mut k = 0;
    'strides: loop {
        for &(offset, foot) in beats {
            if k >= max_beats {
                break 'strides;
            }
            let at = scene.frames_for(t + offset * stride_s + 0.015 * rng.bipolar());
            if at >= scene.frames {
                break 'strides;
            }
            let tune = 0.96 + 0.08 * rng.next_f32();
            let gain = 0.75 + 0.25 * rng.next_f32();
            let pan = if foot == 1 { 0.08 } else { -0.08 };
            add_hit(&mut out, sr, &mut rng, at, gain, pan, tune, &strike(foot));
            // The hoof rolls over: a light scrape of shoe on stone just after.
            if rng.chance(0.5) {
                let scrape = Hit {
                    modes: &[],
                    noise_amp: 0.5,
                    noise_decay_s: 0.01,
                    noise_centre_hz: 3500.0,
                    noise_q: 1.2,
                };
                let s_at = at + scene.frames_for(0.02);
                add_hit(&mut out, sr, &mut rng, s_at, gain * 0.3, pan, 1.0, &scrape);
            }
            k += 1;
        }
        t += stride_s * (0.97 + 0.06 * rng.next_f32());
    }
    out
}

/// Someone snoring: the breath in rattles the soft palate 25–45 times a second, a throaty
/// buzz through the airway's resonances that swells and fades; a breath out, softer and
/// airy, sometimes puffing through the lips; a pause; again, every four to five seconds.
/// Louder snoring rattles harder.
pub fn snoring(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("snore");
    let flutter_hz = 28.0 + 14.0 * rng.next_f32();
    let mut palate = PulseVoice::new(
        scene.rng.fork("palate"),
        sr,
        0.007,
        &[(220.0, 2.5, 1.0), (650.0, 3.0, 0.6), (1300.0, 4.0, 0.25)],
    );
    let mut breath_noise = WhiteNoise::new(scene.rng.fork("breath"));
    let mut exhale_bp = Biquad::bandpass(sr, 700.0, 0.8);
    let mut puff_bp = Biquad::bandpass(sr, 1800.0, 1.2);
    let mut lp = OnePoleLowpass::new(sr, 2500.0);
    let mut wobble = Drift::new(scene.rng.fork("wobble"), sr, 6.0, 0.9, 1.1);
    let mut out = Stereo::silence(scene.frames);
    // Cycles: (start, inhale length, exhale start, exhale length, puff?).
    let mut cycles = Vec::new();
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.05;
    while t < clip_s {
        let inhale = 1.3 + 0.6 * rng.next_f32();
        let exhale_at = t + inhale + 0.15 + 0.15 * rng.next_f32();
        let exhale = 1.1 + 0.5 * rng.next_f32();
        cycles.push((t, inhale, exhale_at, exhale, rng.chance(0.5)));
        t = exhale_at + exhale + 0.6 + 0.8 * rng.next_f32();
    }
    let mut c = 0;
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        while c + 1 < cycles.len() && t >= cycles[c + 1].0 {
            c += 1;
        }
        let (start, inhale, exhale_at, exhale, puff) = cycles[c];
        let in_pos = (t - start) / inhale;
        let snore_env = if (0.0..1.0).contains(&in_pos) {
            swell_gain(in_pos, 0.6)
        } else {
            0.0
        };
        let out_pos = (t - exhale_at) / exhale;
        let out_env = if (0.0..1.0).contains(&out_pos) {
            swell_gain(out_pos, 0.25)
        } else {
            0.0
        };
        let rattle = palate.next(
            sr,
            flutter_hz * wobble.next_sample() * (0.9 + 0.2 * snore_env),
            snore_env * (0.6 + 0.6 * i),
            0.05 * snore_env,
        );
        let w = breath_noise.next_sample();
        let air = exhale_bp.process(w) * 0.1 + if puff { puff_bp.process(w) * 0.06 } else { 0.0 };
        let s = lp.process(rattle) + air * out_env;
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{
        bursts, centroid_hz, envelope, modulation, mono, onsets, peak_hz, scene,
    };
    use super::*;
    use crate::dsp::sounds::SoundParams;

    #[test]
    fn a_purr_is_a_low_buzz_of_about_25_pulses_a_second() {
        let sr = 48_000.0;
        let out = mono(&purr(&scene(2 * 48_000, SoundParams::default(), 1)));
        let breath = &out[(0.3 * sr) as usize..(1.2 * sr) as usize];
        let (rate, strength) = modulation(breath, sr, 15.0, 60.0);
        assert!(
            (20.0..32.0).contains(&rate) && strength > 0.3,
            "{rate} Hz {strength}"
        );
        assert!(centroid_hz(breath, sr, 50.0, 5000.0, 10.0) < 900.0);
    }

    #[test]
    fn an_owl_hoots_a_nearly_pure_low_tone() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(2),
            ..SoundParams::default()
        };
        let out = mono(&owl(&scene(2 * 48_000, params, 2)));
        assert_eq!(bursts(&out, sr, 0.3), 2);
        let hoot = &out[(0.15 * sr) as usize..(0.4 * sr) as usize];
        let f = peak_hz(hoot, sr, 100.0, 4000.0, 5.0);
        assert!((300.0..500.0).contains(&f), "{f}");
        // Nearly all of it at the fundamental.
        let all = super::super::analysis::band_share(
            hoot,
            sr,
            (100.0, 4000.0),
            (f - 40.0, f + 40.0),
            5.0,
        );
        assert!(all > 0.7, "{all}");
    }

    #[test]
    fn frogs_croak_in_pulsed_bursts() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(1),
            ..SoundParams::default()
        };
        let out = mono(&frogs(&scene(3 * 48_000, params, 3)));
        // One frog: calls separated by silence, each call a pulse train.
        let env = envelope(&out, sr, 0.05);
        let loud = env.iter().copied().fold(0.0, f32::max);
        assert!(env.iter().filter(|&&e| e < 0.1 * loud).count() > 10);
        let first = onsets(&out, sr, 0.1, 0.1)[0];
        let at = (first * sr) as usize;
        let (rate, strength) = modulation(&out[at..at + 4800], sr, 30.0, 150.0);
        assert!(
            (40.0..130.0).contains(&rate) && strength > 0.2,
            "{rate} {strength}"
        );
    }

    #[test]
    fn hooves_clip_clop_four_to_a_stride_then_two_when_trotting() {
        let sr = 48_000.0;
        let walk = mono(&hooves(&scene(3 * 48_000, SoundParams::default(), 4)));
        let steps = onsets(&walk, sr, 0.1, 0.1);
        // 1.15 s strides of four beats: ten or eleven strikes in three seconds.
        assert!((9..=12).contains(&steps.len()), "{steps:?}");
        let trot_params = SoundParams {
            pace: 1.8,
            ..SoundParams::default()
        };
        let trot = mono(&hooves(&scene(3 * 48_000, trot_params, 4)));
        let trot_steps = onsets(&trot, sr, 0.1, 0.1);
        assert!((8..=10).contains(&trot_steps.len()), "{trot_steps:?}");
        // Horn and iron on stone: a hard, hollow knock, well above a footstep's thud.
        let c = centroid_hz(&walk, sr, 100.0, 6000.0, 20.0);
        assert!((500.0..2000.0).contains(&c), "{c}");
    }

    #[test]
    fn a_snore_rattles_on_the_breath_in() {
        let sr = 48_000.0;
        let out = mono(&snoring(&scene(5 * 48_000, SoundParams::default(), 5)));
        let inhale = &out[(0.5 * sr) as usize..(1.3 * sr) as usize];
        let (rate, strength) = modulation(inhale, sr, 15.0, 60.0);
        assert!(
            (22.0..50.0).contains(&rate) && strength > 0.3,
            "{rate} {strength}"
        );
        // Breathing: loud, then quiet, in cycles.
        let env = envelope(&out, sr, 0.25);
        let loud = env.iter().copied().fold(0.0, f32::max);
        assert!(env.iter().any(|&e| e < 0.2 * loud));
    }
}
