//! Around the house: whistles (a referee's pea whistle, a kettle), water from taps, showers,
//! toilets and jugs, a frying pan, small mechanisms (a light switch, a zipper), one person
//! clapping, and someone climbing wooden stairs.
//!
//! Liquids are noise shaped by what the water is in: a stream into a mug rings the mug's
//! air column, whose pitch rises as it fills; a tap's stream drums on the sink. Whistles
//! are nearly pure tones with the wobble of the air that drives them.

use super::nature::poisson_times;
use super::water::add_rising_bubble;
use super::{Hit, Scene, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::swell_gain;
use crate::dsp::filter::{Biquad, OnePoleHighpass, OnePoleLowpass};
use crate::dsp::noise::{Drift, PinkNoise, WhiteNoise};
use crate::dsp::rng::Rng;
use std::f32::consts::TAU;

/// Gain of a smooth fade in over `attack` and out over `release` (both in samples) of an
/// event `len` samples long, at sample `n`.
fn fade(n: usize, len: usize, attack: usize, release: usize) -> f32 {
    let a = if attack == 0 {
        1.0
    } else {
        (n as f32 / attack as f32).min(1.0)
    };
    let left = len.saturating_sub(n);
    let r = if release == 0 {
        1.0
    } else {
        (left as f32 / release as f32).min(1.0)
    };
    // Raised-sine shape on both sides: no corner where the fade meets the sustain.
    let s = |x: f32| 0.5 - 0.5 * (std::f32::consts::PI * x).cos();
    s(a) * s(r)
}

/// One blast of a pea whistle starting at `start`, `len_s` long. The air jet drives the
/// whistle's chamber near 3 kHz; the cork pea spinning in it interrupts the flow 20–35
/// times a second, which is the trill: deep amplitude and slight pitch modulation. Blowing
/// harder raises the pitch a little and makes it louder.
fn add_blast(out: &mut Stereo, sr: f32, rng: &mut Rng, start: usize, len_s: f32, i: f32) {
    let f0 = 2850.0 + 350.0 * rng.next_f32() + 250.0 * i;
    let mut trill = Drift::new(rng.fork("trill"), sr, 6.0, 22.0, 34.0);
    let mut noise = WhiteNoise::new(rng.fork("breath"));
    let mut breath_bp = Biquad::bandpass(sr, f0, 4.0);
    let mut air_hp = OnePoleHighpass::new(sr, 1500.0);
    let depth = 0.55 + 0.3 * i;
    let len = (len_s * sr) as usize;
    let attack = (0.02 * sr) as usize;
    let release = (0.05 * sr) as usize;
    let (mut p, mut q) = (0.0f32, rng.next_f32());
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        let t = n as f32 / sr;
        // The pitch settles upward as the breath builds, and sags as it stops.
        let onset = 0.94 + 0.06 * (t / 0.04).min(1.0);
        let tail = 1.0 - 0.05 * (1.0 - (len - n) as f32 / release as f32).max(0.0);
        q += trill.next_sample() / sr;
        let pea = (TAU * q).sin();
        let am = 1.0 - depth * (0.5 + 0.5 * pea);
        p = (p + f0 * onset * tail * (1.0 + 0.03 * pea) / sr).fract();
        let tone = (TAU * p).sin() + 0.12 * (2.0 * TAU * p).sin() + 0.04 * (3.0 * TAU * p).sin();
        let w = noise.next_sample();
        let breath = breath_bp.process(w) * 0.6 + air_hp.process(w) * 0.04;
        let y = (tone * am + breath * (0.5 + 0.5 * am)) * fade(n, len, attack, release);
        out.left[at] += y;
        out.right[at] += y;
    }
}

/// A referee's or police officer's pea whistle: one long blast, or `count` blasts (the
/// short ones first, the last one long: "peep, peep, peeeep").
pub fn whistle(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let count = scene.params.count.unwrap_or(1).clamp(1, 12) as usize;
    let (short_s, gap_s) = (0.28, 0.2);
    let long_s = if count == 1 { 0.9 } else { 0.65 };
    let group_s = (count - 1) as f32 * (short_s + gap_s) + long_s;
    let starts = scene.group_starts("whistle-groups", 0.05, group_s, (2.0, 5.0));
    let mut rng = scene.rng.fork("whistle");
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let mut t = 0.0;
        for k in 0..count {
            let len_s =
                if k + 1 == count { long_s } else { short_s } * (0.9 + 0.2 * rng.next_f32());
            let mut blast_rng = rng.fork(&format!("blast-{k}"));
            add_blast(
                &mut out,
                sr,
                &mut blast_rng,
                start + scene.frames_for(t),
                len_s,
                i,
            );
            t += len_s + gap_s * (0.85 + 0.3 * rng.next_f32());
        }
    }
    out
}

/// Someone whistling a cheerful tune: a nearly pure tone between 1 and 2.5 kHz with a
/// breath of air around it, a melody in a major key made of short phrases (mostly small
/// steps, ending on the home note) with a breath between them. The lips glide from note to
/// note, detached notes are tongued with a little dip, long notes get a gentle vibrato.
pub fn whistling(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("tune");
    const MAJOR: [f32; 10] = [-3.0, -1.0, 0.0, 2.0, 4.0, 5.0, 7.0, 9.0, 11.0, 12.0];
    let home = 2usize;
    let tonic_hz = 1000.0 + 300.0 * rng.next_f32();
    let beat_s = 0.2 / scene.params.pace.clamp(0.5, 2.0);
    // Notes: (start s, length s, frequency, tongued).
    let clip_s = scene.frames as f32 / sr;
    let mut notes = Vec::new();
    let mut t = 0.08;
    while t < clip_s {
        let phrase = 6 + rng.below(6);
        let mut degree = home + rng.below(5);
        for k in 0..phrase {
            let last = k + 1 == phrase;
            if last {
                degree = if rng.chance(0.6) { home } else { home + 4 };
            }
            let beats = if last {
                3.0
            } else {
                [1.0, 1.0, 1.0, 2.0, 0.5][rng.below(5)]
            };
            let len = beats * beat_s;
            let hz = tonic_hz * 2f32.powf(MAJOR[degree.min(MAJOR.len() - 1)] / 12.0);
            notes.push((t, len, hz, rng.chance(0.5)));
            t += len;
            if !last {
                let step = [-2i32, -1, -1, 1, 1, 2, 0, 3][rng.below(8)];
                degree = (degree as i32 + step).clamp(0, MAJOR.len() as i32 - 1) as usize;
            }
        }
        t += 0.35 + 0.4 * rng.next_f32();
    }
    let mut noise = WhiteNoise::new(scene.rng.fork("lips"));
    let mut breath_bp = Biquad::bandpass(sr, tonic_hz, 8.0);
    let mut air_hp = OnePoleHighpass::new(sr, 2000.0);
    let mut out = Stereo::silence(scene.frames);
    let (mut f, mut p, mut vib) = (notes[0].2, 0.0f32, 0.0f32);
    let glide = (-1.0 / (0.02 * sr)).exp();
    let mut k = 0;
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        while k + 1 < notes.len() && t >= notes[k + 1].0 {
            k += 1;
        }
        let (start, len, target, tongued) = notes[k];
        let into = t - start;
        let next_is_rest = notes.get(k + 1).is_none_or(|nx| nx.0 > start + len + 0.01);
        // Level: a quick swell at a tongued or first note, a release before a rest.
        let attack = if tongued || k == 0 || notes[k - 1].0 + notes[k - 1].1 + 0.01 < start {
            (into / 0.025).min(1.0)
        } else {
            1.0
        };
        let release = if next_is_rest {
            ((start + len - t) / 0.05).clamp(0.0, 1.0)
        } else if tongued {
            1.0 - 0.5 * (1.0 - ((start + len - t) / 0.02).clamp(0.0, 1.0))
        } else {
            1.0
        };
        let amp = if into > len && next_is_rest {
            0.0
        } else {
            attack * release
        };
        f = target + (f - target) * glide;
        if n % 32 == 0 {
            breath_bp.set(sr, f, 8.0);
        }
        let depth = 0.006 * ((into - 0.15) / 0.15).clamp(0.0, 1.0);
        vib = (vib + 5.5 / sr).fract();
        p = (p + f * (1.0 + depth * (TAU * vib).sin()) / sr).fract();
        let w = noise.next_sample();
        let tone = (TAU * p).sin() + 0.03 * (2.0 * TAU * p).sin();
        let y = (tone + breath_bp.process(w) * 0.5 + air_hp.process(w) * 0.015) * amp;
        let s = y * (0.6 + 0.4 * i);
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// A kettle coming to the boil and whistling. First the water "sings" and rumbles (steam
/// bubbles collapsing at the hot bottom), then, as steam forces its way through the spout
/// whistle, a flickering tone that steadies and climbs in pitch and loudness as the
/// pressure builds. The spout's two plates give two close tones that beat against each
/// other, the kettle's shrill harshness. As a bed it just whistles.
pub fn kettle(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    let (whistle_at, rise_s) = if scene.background {
        (0.0, 0.8)
    } else {
        ((0.4 * clip_s).min(2.5), (0.3 * clip_s).min(1.8))
    };
    let mut rng = scene.rng.fork("kettle");
    let top_hz = 1900.0 + 400.0 * rng.next_f32() + 300.0 * i;
    let mut out = Stereo::silence(scene.frames);
    // The boil: a roar of collapsing bubbles, growing until the whistle takes over.
    for (ch, label) in [(&mut out.left, "boil-l"), (&mut out.right, "boil-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut white = WhiteNoise::new(scene.rng.fork(label).fork("steam"));
        let mut roar = Biquad::bandpass(sr, 500.0, 0.8);
        let mut steam_hp = Biquad::highpass(sr, 3500.0, 0.7);
        let mut churn = Drift::new(scene.rng.fork(label).fork("churn"), sr, 8.0, 0.3, 1.0);
        for (n, s) in ch.iter_mut().enumerate() {
            let t = n as f32 / sr;
            let heat = if scene.background {
                1.0
            } else {
                0.3 + 0.7 * (t / whistle_at.max(0.1)).min(1.0)
            };
            let w = ((t - whistle_at) / rise_s).clamp(0.0, 1.0);
            *s = roar.process(pink.next_sample()) * churn.next_sample() * 0.25 * heat
                + steam_hp.process(white.next_sample()) * 0.03 * w;
        }
    }
    let mut times = scene.rng.fork("boil-times");
    for at in poisson_times(&mut times, 25.0 + 20.0 * i, scene.frames, sr) {
        let t = at as f32 / sr;
        let heat = if scene.background {
            1.0
        } else {
            0.3 + 0.7 * (t / whistle_at.max(0.1)).min(1.0)
        };
        let f = 250.0 + 500.0 * rng.next_f32();
        let amp = heat * (0.05 + 0.15 * rng.next_f32());
        add_rising_bubble(
            &mut out,
            sr,
            at,
            f,
            1.6,
            0.01 + 0.02 * rng.next_f32(),
            amp,
            rng.bipolar() * 0.4,
        );
    }
    // The whistle.
    let start = scene.frames_for(whistle_at);
    let mut flicker = Drift::new(scene.rng.fork("flicker"), sr, 15.0, 0.0, 1.0);
    let mut jitter = Drift::new(scene.rng.fork("jitter"), sr, 20.0, -1.0, 1.0);
    let (mut p1, mut p2) = (0.0f32, 0.3f32);
    let gains = pan_gains(0.1);
    for at in start..scene.frames {
        let t = (at - start) as f32 / sr;
        let w = (t / rise_s).min(1.0);
        // Early on the jet only catches now and then: the tone flickers, then holds.
        let f = flicker.next_sample();
        let steady = w * w;
        let amp = (steady + (1.0 - steady) * f * f) * w.sqrt();
        let hz = top_hz * (0.72 + 0.28 * w) * (1.0 + 0.004 * jitter.next_sample());
        p1 = (p1 + hz / sr).fract();
        p2 = (p2 + hz * 1.045 / sr).fract();
        let tone = (TAU * p1).sin() + 0.6 * (TAU * p2).sin() + 0.08 * (2.0 * TAU * p1).sin();
        out.add(at, tone * amp * (0.25 + 0.15 * i), gains);
    }
    out
}

/// Pouring into a mug or a glass: the stream hitting the liquid is a turbulent noise with
/// bubbles, and it rings the air column above the liquid, a tube closed at the bottom whose
/// quarter-wave resonance rises as it fills (from about 800 Hz empty to 3–4 kHz nearly full):
/// the rising "glug" everyone knows. The stream starts with a splash and ends with a few
/// drips.
pub fn pour(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let clip_s = scene.frames as f32 / sr;
    let pour_s = if scene.background {
        2.5
    } else {
        (clip_s - 0.45).max(0.2 * clip_s)
    };
    let starts = scene.group_starts("pours", 0.03, pour_s + 0.4, (1.5, 4.0));
    let mut out = Stereo::silence(scene.frames);
    let rng = scene.rng.fork("pour");
    for (k, start) in starts.into_iter().enumerate() {
        let mut pour_rng = rng.fork(&format!("pour-{k}"));
        add_pour(scene, &mut out, &mut pour_rng, start, pour_s);
    }
    out
}

fn add_pour(scene: &Scene, out: &mut Stereo, rng: &mut Rng, start: usize, pour_s: f32) {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    // A mug 8–12 cm deep, filled to about 90%; the open end adds about a centimetre.
    let depth_m = 0.08 + 0.04 * rng.next_f32();
    let end_m = 0.012;
    let full = 0.88;
    let mut white = WhiteNoise::new(rng.fork("stream"));
    let mut turbulence = Drift::new(rng.fork("turbulence"), sr, 40.0, 0.35, 1.0);
    let mut glug = Drift::new(rng.fork("glug"), sr, 6.0, 0.6, 1.0);
    let mut tube = Biquad::bandpass(sr, 800.0, 6.0);
    let mut tube3 = Biquad::bandpass(sr, 2400.0, 7.0);
    let mut splash_bp = Biquad::bandpass(sr, 2500.0, 0.6);
    let mut body_lp = OnePoleLowpass::new(sr, 6000.0);
    let len = (pour_s * sr) as usize;
    let attack = (0.03 * sr) as usize;
    let release = (0.08 * sr) as usize;
    let gains = pan_gains(0.05);
    let level = 0.7 + 0.5 * i;
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            break;
        }
        if n % 32 == 0 {
            let fill = full * (n as f32 / len as f32).powf(0.9);
            let air_m = depth_m * (1.0 - fill) + end_m;
            let f = (343.0 / (4.0 * air_m)).min(sr * 0.4);
            tube.set(sr, f, 6.0);
            tube3.set(sr, (3.0 * f).min(sr * 0.45), 7.0);
        }
        let t = n as f32 / sr;
        // The first instant of the stream lands on the bottom: a brighter splash.
        let splash = 1.0 + 2.0 * (-t / 0.08).exp();
        let x = white.next_sample() * turbulence.next_sample();
        let y = tube.process(x) * 1.2 * glug.next_sample()
            + tube3.process(x) * 0.35
            + body_lp.process(splash_bp.process(x)) * 0.12 * splash;
        out.add(at, y * level * fade(n, len, attack, release), gains);
    }
    // The last drops from the spout.
    let mut t = pour_s + 0.05;
    for _ in 0..(1 + rng.below(3)) {
        let at = start + scene.frames_for(t);
        let f = 1500.0 + 1500.0 * rng.next_f32();
        add_rising_bubble(
            out,
            sr,
            at,
            f,
            1.5,
            0.015,
            0.15 + 0.1 * rng.next_f32(),
            0.05,
        );
        t += 0.06 + 0.12 * rng.next_f32();
    }
}

/// A tap running into a sink: the stream's splatter (a dense hiss of tiny splashes and
/// bubbles, 0.5–4 kHz), and the hollow drumming of the basin beneath, both fluttering with
/// the stream. Steadier and brighter than a brook. Opening the tap wider: louder, fuller.
pub fn tap(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("sink");
    let basin_hz = 280.0 + 160.0 * rng.next_f32();
    for (ch, label) in [(&mut out.left, "tap-l"), (&mut out.right, "tap-r")] {
        let mut white = WhiteNoise::new(scene.rng.fork(label));
        let mut pink = PinkNoise::new(scene.rng.fork(label).fork("drum"));
        let mut splatter = Biquad::bandpass(sr, 1800.0, 0.6);
        let mut hiss_lp = OnePoleLowpass::new(sr, 7000.0);
        let mut basin = Biquad::bandpass(sr, basin_hz, 3.0);
        let mut basin2 = Biquad::bandpass(sr, basin_hz * 2.3, 4.0);
        let mut flutter = Drift::new(scene.rng.fork(label).fork("flutter"), sr, 25.0, 0.6, 1.0);
        let mut sway = Drift::new(scene.rng.fork(label).fork("sway"), sr, 0.7, 0.8, 1.0);
        for s in ch.iter_mut() {
            let f = flutter.next_sample();
            let w = white.next_sample();
            let hiss = hiss_lp.process(splatter.process(w)) * f;
            let p = pink.next_sample() * f;
            let drum = basin.process(p) + 0.5 * basin2.process(p);
            *s = (hiss * 0.35 + drum * (0.3 + 0.15 * i)) * sway.next_sample();
        }
    }
    let mut times = scene.rng.fork("tap-bubbles");
    for at in poisson_times(&mut times, 250.0 + 250.0 * i, scene.frames, sr) {
        let f = 900.0 + 3000.0 * rng.next_f32();
        let decay_s = 0.002 + 0.006 * rng.next_f32();
        let amp = 0.02 + 0.08 * rng.next_f32().powi(2);
        add_rising_bubble(&mut out, sr, at, f, 1.4, decay_s, amp, rng.bipolar() * 0.3);
    }
    soft_edges(scene, &mut out, 0.15);
    out
}

/// Fades a steady texture in and out over `seconds` (less for a short clip), so a running
/// tap or shower begins and ends gently rather than at full flow.
fn soft_edges(scene: &Scene, out: &mut Stereo, seconds: f32) {
    let len = out.frames();
    let ramp = scene.frames_for(seconds).min(len / 4);
    for ch in [&mut out.left, &mut out.right] {
        for (n, s) in ch.iter_mut().enumerate() {
            *s *= fade(n, len, ramp, ramp);
        }
    }
}

/// A shower running: a dense spray of drops on the tray and tiles (bright, close to white
/// noise above 400 Hz, with patter), its colour and level shifting as someone moves under
/// the stream, and now and then the drain gurgling. Sounds in a small tiled room.
pub fn shower(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "spray-l"), (&mut out.right, "spray-r")] {
        let mut white = WhiteNoise::new(scene.rng.fork(label));
        let mut hp = Biquad::highpass(sr, 400.0, 0.7);
        let mut lp = Biquad::lowpass(sr, 8000.0, 0.6);
        let mut body = Drift::new(scene.rng.fork(label).fork("body"), sr, 0.4, 0.0, 1.0);
        let mut grain = Drift::new(scene.rng.fork(label).fork("grain"), sr, 60.0, 0.7, 1.0);
        for (n, s) in ch.iter_mut().enumerate() {
            let b = body.next_sample();
            if n % 32 == 0 {
                // Water falling on a body is duller than on tiles.
                lp.set(sr, 3500.0 + 6000.0 * b, 0.6);
            }
            let x = lp.process(hp.process(white.next_sample()));
            *s = x * grain.next_sample() * (0.2 + 0.08 * i) * (0.75 + 0.25 * b);
        }
    }
    let mut rng = scene.rng.fork("shower");
    let mut times = scene.rng.fork("patter");
    for at in poisson_times(&mut times, 150.0 + 150.0 * i, scene.frames, sr) {
        let tick = Hit {
            modes: &[],
            noise_amp: 1.0,
            noise_decay_s: 0.0004 + 0.001 * rng.next_f32(),
            noise_centre_hz: 1500.0 + 4000.0 * rng.next_f32(),
            noise_q: 1.0,
        };
        let amp = 0.05 + 0.2 * rng.next_f32().powi(3);
        let pan = rng.bipolar() * 0.8;
        add_hit(&mut out, sr, &mut rng, at, amp, pan, 1.0, &tick);
    }
    let mut gurgles = scene.rng.fork("drain");
    for at in poisson_times(&mut gurgles, 0.4, scene.frames, sr) {
        let mut t = at;
        for _ in 0..(3 + rng.below(6)) {
            let f = 180.0 + 300.0 * rng.next_f32();
            add_rising_bubble(&mut out, sr, t, f, 1.8, 0.02, 0.12, -0.3);
            t += scene.frames_for(0.03 + 0.05 * rng.next_f32());
        }
    }
    soft_edges(scene, &mut out, 0.2);
    out
}

/// A toilet flushing: the lever's clunk, a rushing roar of water into the bowl swirling
/// round it, the gulping gurgle as the siphon breaks and air is sucked down, then the
/// cistern refilling with a thin hiss through its valve that fades as it fills. The phases
/// shrink to fit a short clip.
pub fn toilet(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    let k = if scene.background {
        1.0
    } else {
        (clip_s / 7.0).clamp(0.3, 1.0)
    };
    let starts = scene.group_starts("flushes", 0.05, 7.0, (5.0, 15.0));
    let mut rng = scene.rng.fork("toilet");
    let mut out = Stereo::silence(scene.frames);
    let (rush_at, rush_s) = (0.15 * k, 3.2 * k);
    let (gulp_at, gulp_s) = (2.6 * k, 1.0 * k);
    let refill_at = 3.0 * k;
    for (g, start) in starts.into_iter().enumerate() {
        let lever = Hit {
            modes: &[
                (320.0, 0.02, 0.6),
                (1150.0, 0.01, 0.4),
                (2900.0, 0.004, 0.2),
            ],
            noise_amp: 1.2,
            noise_decay_s: 0.002,
            noise_centre_hz: 2500.0,
            noise_q: 0.8,
        };
        add_hit(&mut out, sr, &mut rng, start, 0.5, 0.2, 1.0, &lever);
        for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
            let label = format!("flush-{g}-{c}");
            let mut pink = PinkNoise::new(scene.rng.fork(&label));
            let mut white = WhiteNoise::new(scene.rng.fork(&label).fork("hiss"));
            let mut rush_lp = Biquad::lowpass(sr, 1800.0, 0.7);
            let mut swirl = Biquad::bandpass(sr, 500.0, 1.5);
            let mut swirl_rate =
                Drift::new(scene.rng.fork(&label).fork("swirl"), sr, 3.0, 0.0, 1.0);
            let mut valve = Biquad::bandpass(sr, 2200.0 + 400.0 * rng.next_f32(), 3.0);
            let mut valve_wobble =
                Drift::new(scene.rng.fork(&label).fork("valve"), sr, 5.0, 0.7, 1.0);
            let end = scene
                .frames
                .min(start + scene.frames_for(12.0 * k.max(0.6)));
            for (n, s) in ch[start.min(end)..end].iter_mut().enumerate() {
                let t = n as f32 / sr;
                if n % 32 == 0 {
                    swirl.set(sr, 300.0 + 600.0 * swirl_rate.next_sample(), 1.5);
                }
                let p = pink.next_sample();
                let rush_t = t - rush_at;
                let rush = if rush_t < 0.0 {
                    0.0
                } else {
                    (rush_t / 0.25).min(1.0) * (-(rush_t / rush_s).powi(2) * 2.0).exp()
                };
                let water = rush_lp.process(p) * 0.7 + swirl.process(p) * 0.8;
                let refill_t = t - refill_at;
                let refill = if refill_t < 0.0 {
                    0.0
                } else {
                    (refill_t / 0.5).min(1.0) * (-refill_t / (4.0 * k)).exp()
                };
                let hiss = valve.process(white.next_sample()) * valve_wobble.next_sample();
                *s += water * rush * (0.5 + 0.3 * i) + hiss * refill * 0.2;
            }
        }
        // The siphon breaking: big bubbles gulped down, low and wet.
        let gulps = 10 + rng.below(10);
        for _ in 0..gulps {
            let at = start + scene.frames_for(gulp_at + gulp_s * rng.next_f32());
            let f = 120.0 + 350.0 * rng.next_f32();
            let amp = 0.2 + 0.4 * rng.next_f32();
            add_rising_bubble(
                &mut out,
                sr,
                at,
                f,
                2.0,
                0.025 + 0.03 * rng.next_f32(),
                amp,
                rng.bipolar() * 0.3,
            );
        }
    }
    out
}

/// Frying: food sizzling in hot fat. Water in the food boils explosively in the oil: a
/// dense crackle of tiny pops (hundreds to thousands a second, 2–10 kHz) over a hiss that
/// swells and settles, with now and then a louder spit. Hotter pan: denser, louder.
pub fn frying(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "hiss-l"), (&mut out.right, "hiss-r")] {
        let mut white = WhiteNoise::new(scene.rng.fork(label));
        let mut hp = Biquad::highpass(sr, 2500.0, 0.7);
        let mut lp = OnePoleLowpass::new(sr, 10_000.0);
        let mut swell = Drift::new(scene.rng.fork(label).fork("swell"), sr, 0.6, 0.5, 1.0);
        let mut grain = Drift::new(scene.rng.fork(label).fork("grain"), sr, 80.0, 0.2, 1.0);
        for s in ch.iter_mut() {
            let g = grain.next_sample();
            *s = lp.process(hp.process(white.next_sample())) * swell.next_sample() * g * g * 0.12;
        }
    }
    let mut rng = scene.rng.fork("sizzle");
    let mut times = scene.rng.fork("sizzle-times");
    for at in poisson_times(&mut times, 700.0 + 1800.0 * i, scene.frames, sr) {
        let pop = Hit {
            modes: &[],
            noise_amp: 1.0,
            noise_decay_s: 0.0001 + 0.0004 * rng.next_f32(),
            noise_centre_hz: 2500.0 + 7000.0 * rng.next_f32(),
            noise_q: 0.9,
        };
        let amp = 0.05 + 0.6 * rng.next_f32().powi(4);
        let pan = rng.bipolar() * 0.7;
        add_hit(&mut out, sr, &mut rng, at, amp, pan, 1.0, &pop);
    }
    let mut spits = scene.rng.fork("spits");
    for at in poisson_times(&mut spits, 2.0 + 5.0 * i, scene.frames, sr) {
        let spit = Hit {
            modes: &[],
            noise_amp: 1.0,
            noise_decay_s: 0.001 + 0.003 * rng.next_f32(),
            noise_centre_hz: 1800.0 + 3000.0 * rng.next_f32(),
            noise_q: 0.7,
        };
        let (gain, pan) = (0.6 + 0.6 * rng.next_f32(), rng.bipolar() * 0.5);
        add_hit(&mut out, sr, &mut rng, at, gain, pan, 1.0, &spit);
    }
    out
}

/// A wall light switch flicked: the rocker snaps over its spring with a sharp plastic
/// click (bright, a few milliseconds), the box behind it answers with a dull tap, and the
/// contact settles with a tiny second tick. `count` flicks (on, off, ...).
pub fn light_switch(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let count = scene.params.count.unwrap_or(1).clamp(1, 12) as usize;
    let spacing_s = 0.6 / scene.params.pace.clamp(0.5, 2.0);
    let group_s = spacing_s * count as f32;
    let starts = scene.group_starts("flicks", 0.05, group_s, (1.5, 5.0));
    let mut rng = scene.rng.fork("switch");
    let mut out = Stereo::silence(scene.frames);
    let snap = Hit {
        modes: &[
            (430.0, 0.006, 0.25),
            (1850.0, 0.004, 0.5),
            (3300.0, 0.003, 0.45),
            (5400.0, 0.002, 0.3),
        ],
        noise_amp: 2.0,
        noise_decay_s: 0.0005,
        noise_centre_hz: 4500.0,
        noise_q: 0.8,
    };
    let settle = Hit {
        modes: &[(3600.0, 0.002, 0.3)],
        noise_amp: 1.0,
        noise_decay_s: 0.0003,
        noise_centre_hz: 6000.0,
        noise_q: 1.0,
    };
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s * (0.9 + 0.2 * rng.next_f32()));
            if at >= scene.frames {
                break;
            }
            // On and off sound a little different: the rocker hits a different stop.
            let tune = if k % 2 == 0 { 1.0 } else { 0.9 } * (0.97 + 0.06 * rng.next_f32());
            add_hit(&mut out, sr, &mut rng, at, 1.0, 0.0, tune, &snap);
            let after = at + scene.frames_for(0.005 + 0.004 * rng.next_f32());
            if after < scene.frames {
                add_hit(&mut out, sr, &mut rng, after, 0.25, 0.0, tune, &settle);
            }
        }
    }
    out
}

/// A zipper pulled: the slider meshes the teeth one by one, a train of tiny clicks whose
/// rate follows the hand's speed (hundreds a second at the fastest), heard as a rasping
/// buzz that rises and falls, over the slider's friction hiss. `count` pulls.
pub fn zipper(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let count = scene.params.count.unwrap_or(1).clamp(1, 12) as usize;
    let pull_s = 0.7 / (0.7 + 0.6 * i) / scene.params.pace.clamp(0.5, 2.0);
    let group_s = (pull_s + 0.35) * count as f32;
    let starts = scene.group_starts("pulls", 0.05, group_s, (1.5, 5.0));
    let mut rng = scene.rng.fork("zipper");
    let mut noise = WhiteNoise::new(scene.rng.fork("friction"));
    let mut out = Stereo::silence(scene.frames);
    let teeth_hz = 350.0 + 350.0 * i;
    for start in starts {
        for k in 0..count {
            let len_s = pull_s * (0.85 + 0.3 * rng.next_f32());
            let first = start + scene.frames_for(k as f32 * (pull_s + 0.35));
            let len = scene.frames_for(len_s);
            let tune = 0.9 + 0.2 * rng.next_f32();
            let tooth = Hit {
                modes: &[(2400.0, 0.0025, 0.3), (4700.0, 0.0015, 0.25)],
                noise_amp: 1.0,
                noise_decay_s: 0.0003,
                noise_centre_hz: 4000.0,
                noise_q: 1.0,
            };
            // Teeth at the rate the slider moves: speed is a smooth hump over the pull.
            let mut n = 0usize;
            while n < len {
                let speed = swell_gain(n as f32 / len as f32, 0.4).sqrt();
                let at = first + n;
                if at >= scene.frames {
                    break;
                }
                let gain = (0.2 + 0.8 * speed) * (0.6 + 0.4 * rng.next_f32());
                let t = tune * (0.95 + 0.1 * rng.next_f32());
                add_hit(&mut out, sr, &mut rng, at, gain, 0.0, t, &tooth);
                let rate = teeth_hz * (0.15 + 0.85 * speed);
                n += ((sr / rate) * (0.9 + 0.2 * rng.next_f32())) as usize;
            }
            let mut bp = Biquad::bandpass(sr, 3000.0, 0.9);
            for m in 0..len {
                let at = first + m;
                if at >= scene.frames {
                    break;
                }
                let speed = swell_gain(m as f32 / len as f32, 0.4);
                let y = bp.process(noise.next_sample()) * speed * 0.15;
                out.left[at] += y;
                out.right[at] += y;
            }
        }
    }
    out
}

/// One person clapping: each clap is the air squeezed out between the palms, a short
/// burst of noise coloured by the cupped hands' cavity (a hollow ring near 1 kHz), a few
/// milliseconds long. Normal pace about two claps a second; slow clapping half that.
pub fn clapping(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.5 / scene.params.pace.clamp(0.3, 3.0).powf(1.5);
    let mut rng = scene.rng.fork("clapper");
    let cavity_hz = 800.0 + 400.0 * rng.next_f32();
    let max_claps = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut out = Stereo::silence(scene.frames);
    let mut t = 0.05;
    let mut k = 0;
    while k < max_claps {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let clap = Hit {
            modes: &[(cavity_hz * (0.95 + 0.1 * rng.next_f32()), 0.004, 0.7)],
            noise_amp: 1.5 + 0.8 * i,
            noise_decay_s: 0.005 + 0.003 * rng.next_f32(),
            noise_centre_hz: 1400.0 + 500.0 * rng.next_f32() + 600.0 * i,
            noise_q: 1.1,
        };
        let gain = 0.85 + 0.15 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain, 0.0, 1.0, &clap);
        t += interval_s * (0.93 + 0.14 * rng.next_f32());
        k += 1;
    }
    out
}

/// Someone climbing wooden stairs: a step every 0.6 s or so, heavier than on the flat (the
/// whole weight is lifted onto each tread), each tread a hollow box with its own pitch, the
/// ball of the foot landing just before the weight comes down on it; old treads often creak
/// under the weight.
pub fn stairs(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let interval_s = 0.62 / scene.params.pace.clamp(0.3, 3.0);
    let max_steps = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut rng = scene.rng.fork("stairs");
    let mut out = Stereo::silence(scene.frames);
    let tread = Hit {
        modes: &[
            (105.0, 0.09, 0.9),
            (180.0, 0.07, 0.75),
            (330.0, 0.05, 0.5),
            (610.0, 0.03, 0.3),
            (1250.0, 0.012, 0.15),
        ],
        noise_amp: 0.7 + 0.6 * i,
        noise_decay_s: 0.005,
        noise_centre_hz: 1300.0,
        noise_q: 0.9,
    };
    let ball = Hit {
        modes: &[(240.0, 0.03, 0.4), (520.0, 0.02, 0.25)],
        noise_amp: 0.6,
        noise_decay_s: 0.003,
        noise_centre_hz: 2200.0,
        noise_q: 0.9,
    };
    let mut t = 0.05;
    let mut k = 0;
    while k < max_steps {
        let at = scene.frames_for(t);
        if at >= scene.frames {
            break;
        }
        let side = if k % 2 == 0 { -0.1 } else { 0.1 };
        // Each tread is its own board: its own pitch.
        let tune = 0.85 + 0.3 * rng.next_f32();
        let gain = 0.8 + 0.2 * rng.next_f32();
        add_hit(&mut out, sr, &mut rng, at, gain * 0.5, side, tune, &ball);
        let weight_at = at + scene.frames_for(0.035 + 0.025 * rng.next_f32());
        if weight_at < scene.frames {
            add_hit(&mut out, sr, &mut rng, weight_at, gain, side, tune, &tread);
        }
        if rng.chance(0.45) {
            add_tread_creak(
                scene,
                &mut out,
                &mut rng,
                weight_at + scene.frames_for(0.04),
                side,
            );
        }
        t += interval_s * (0.94 + 0.12 * rng.next_f32());
        k += 1;
    }
    out
}

/// A tread groaning under the weight: stick-slip between board and nail, a burst of 8–20
/// little slips whose rate rises, ringing the board's upper modes.
fn add_tread_creak(scene: &Scene, out: &mut Stereo, rng: &mut Rng, start: usize, pan: f32) {
    let sr = scene.sample_rate_hz;
    let f = 450.0 + 400.0 * rng.next_f32();
    let slips = 8 + rng.below(13);
    let len_s = 0.1 + 0.15 * rng.next_f32();
    let squeak = Hit {
        modes: &[
            (f, 0.012, 0.2),
            (f * 2.05, 0.008, 0.1),
            (f * 3.1, 0.006, 0.05),
        ],
        noise_amp: 0.0,
        noise_decay_s: 0.001,
        noise_centre_hz: 1000.0,
        noise_q: 1.0,
    };
    for s in 0..slips {
        let x = s as f32 / slips as f32;
        // Slips come faster as the board gives: positions bunch toward the end.
        let at = start + scene.frames_for(len_s * x.sqrt());
        if at >= out.frames() {
            return;
        }
        let gain = 0.5 + 0.5 * swell_gain(x, 0.5);
        add_hit(out, sr, rng, at, gain, pan, 1.0 + 0.15 * x, &squeak);
    }
}

/// An old manual typewriter: each key throws a steel typebar against the platen, a hard
/// "clack" far louder and lower than a computer keyboard's tap, with the carriage's
/// escapement ticking over after it; the space bar only ticks. Near the end of each line
/// the margin bell rings ("ding"), a few more keys, then the carriage return: a ratcheting
/// slide and a thump against the stop.
pub fn typewriter(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let pace = scene.params.pace.clamp(0.5, 2.0) * (0.8 + 0.4 * i);
    let mut rng = scene.rng.fork("typewriter");
    let clip_s = scene.frames as f32 / sr;
    let bell_hz = 2900.0 * (0.98 + 0.04 * rng.next_f32());
    let typebar = Hit {
        modes: &[
            (170.0, 0.03, 0.5),
            (1150.0, 0.015, 0.5),
            (2500.0, 0.01, 0.45),
            (4300.0, 0.006, 0.3),
        ],
        noise_amp: 2.5,
        noise_decay_s: 0.002,
        noise_centre_hz: 3000.0,
        noise_q: 0.7,
    };
    let tick = Hit {
        modes: &[(3800.0, 0.004, 0.3), (6100.0, 0.003, 0.2)],
        noise_amp: 0.8,
        noise_decay_s: 0.0005,
        noise_centre_hz: 5000.0,
        noise_q: 1.0,
    };
    let bell = Hit {
        modes: &[
            (bell_hz, 0.45, 1.0),
            (bell_hz * 2.32, 0.2, 0.3),
            (bell_hz * 1.51, 0.3, 0.15),
        ],
        noise_amp: 0.5,
        noise_decay_s: 0.001,
        noise_centre_hz: 4000.0,
        noise_q: 1.0,
    };
    let stop = Hit {
        modes: &[(140.0, 0.04, 0.8), (620.0, 0.02, 0.5), (1900.0, 0.01, 0.3)],
        noise_amp: 1.5,
        noise_decay_s: 0.003,
        noise_centre_hz: 2000.0,
        noise_q: 0.8,
    };
    let mut out = Stereo::silence(scene.frames);
    let mut t = 0.05;
    let first_line_s = if scene.background {
        f32::MAX
    } else {
        (clip_s - 1.2).max(0.6 * clip_s)
    };
    let mut line = 0;
    while t < clip_s {
        // Keys in this line: a one-shot's first line ends just before the clip does.
        let mut keys = 28 + rng.below(16);
        let mut line_end_s = f32::MAX;
        if line == 0 && !scene.background {
            line_end_s = first_line_s;
            keys = usize::MAX;
        }
        let bell_after = keys.saturating_sub(4 + rng.below(4));
        let mut word = 2 + rng.below(6);
        let mut rang = false;
        let mut k = 0;
        while k < keys && t < clip_s {
            let at = scene.frames_for(t);
            let left_s = line_end_s - t;
            let ring_now = if keys == usize::MAX {
                left_s < 0.75
            } else {
                k >= bell_after
            };
            if ring_now && !rang {
                add_hit(&mut out, sr, &mut rng, at, 0.35, 0.3, 1.0, &bell);
                rang = true;
            }
            if keys == usize::MAX && left_s < 0.2 {
                break;
            }
            if word == 0 {
                add_hit(&mut out, sr, &mut rng, at, 0.4, 0.0, 1.0, &tick);
                word = 2 + rng.below(6);
            } else {
                let gain = 0.75 + 0.25 * rng.next_f32();
                let tune = 0.93 + 0.14 * rng.next_f32();
                add_hit(&mut out, sr, &mut rng, at, gain, 0.0, tune, &typebar);
                let esc = at + scene.frames_for(0.025 + 0.01 * rng.next_f32());
                if esc < scene.frames {
                    add_hit(&mut out, sr, &mut rng, esc, 0.3, 0.0, 1.0, &tick);
                }
                word -= 1;
            }
            t += (0.12 + 0.1 * rng.next_f32()) / pace;
            k += 1;
        }
        if t >= clip_s {
            break;
        }
        // Carriage return: the ratchet clicks as the carriage slides back, then the stop.
        t += 0.15;
        let slide_s = 0.35 + 0.15 * rng.next_f32();
        let clicks = 10 + rng.below(6);
        for c in 0..clicks {
            let x = c as f32 / clicks as f32;
            let at = scene.frames_for(t + slide_s * x);
            if at >= scene.frames {
                break;
            }
            add_hit(
                &mut out,
                sr,
                &mut rng,
                at,
                0.25 + 0.15 * x,
                -0.2 * x,
                1.0,
                &tick,
            );
        }
        let at = scene.frames_for(t + slide_s);
        if at < scene.frames {
            add_hit(&mut out, sr, &mut rng, at, 0.9, -0.2, 1.0, &stop);
        }
        t += slide_s + 0.5 + 0.5 * rng.next_f32();
        line += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{
        band_share, bursts, centroid_hz, envelope, modulation, mono, onsets, peak_hz, scene,
    };
    use super::*;
    use crate::dsp::sounds::SoundParams;

    #[test]
    fn a_pea_whistle_is_a_trilled_tone_near_three_khz() {
        let out = mono(&whistle(&scene(60_000, SoundParams::default(), 1)));
        let blast = &out[4_800..40_000];
        let f = peak_hz(blast, 48_000.0, 500.0, 8000.0, 20.0);
        assert!((2500.0..4000.0).contains(&f), "peak {f} Hz");
        let (rate, strength) = modulation(blast, 48_000.0, 12.0, 60.0);
        assert!(
            (18.0..40.0).contains(&rate) && strength > 0.3,
            "trill {rate} Hz, {strength}"
        );
    }

    #[test]
    fn whistle_blasts_follow_the_count() {
        let params = SoundParams {
            count: Some(3),
            ..SoundParams::default()
        };
        let out = mono(&whistle(&scene(96_000, params, 2)));
        assert_eq!(bursts(&out, 48_000.0, 0.3), 3);
    }

    #[test]
    fn a_whistled_tune_is_a_pure_tone_that_moves_between_notes() {
        let sr = 48_000.0;
        let out = mono(&whistling(&scene(4 * 48_000, SoundParams::default(), 12)));
        let share =
            super::super::analysis::band_share(&out, sr, (100.0, 8000.0), (700.0, 3000.0), 20.0);
        assert!(share > 0.9, "{share}");
        let mut pitches: Vec<i32> = out
            .chunks(4800)
            .filter(|c| envelope(c, sr, 0.1)[0] > 0.05)
            .map(|c| {
                let f = peak_hz(c, sr, 700.0, 3000.0, 5.0);
                (12.0 * (f / 440.0).log2()).round() as i32
            })
            .collect();
        pitches.sort_unstable();
        pitches.dedup();
        assert!(pitches.len() >= 4, "{pitches:?}");
    }

    #[test]
    fn a_kettle_whistle_climbs_in_pitch_and_level() {
        let sr = 48_000.0;
        let out = mono(&kettle(&scene(6 * 48_000, SoundParams::default(), 3)));
        // The whistle starts at 2.4 s and rises for 1.8 s.
        let early = &out[(2.6 * sr) as usize..(3.0 * sr) as usize];
        let late = &out[(5.2 * sr) as usize..(5.6 * sr) as usize];
        let f_early = peak_hz(early, sr, 1000.0, 3500.0, 10.0);
        let f_late = peak_hz(late, sr, 1000.0, 3500.0, 10.0);
        assert!(f_late > 1.15 * f_early, "{f_early} -> {f_late}");
        let rms = |x: &[f32]| envelope(x, sr, 1.0)[0];
        let before = &out[(0.5 * sr) as usize..(1.5 * sr) as usize];
        assert!(rms(&out[(4.6 * sr) as usize..(5.6 * sr) as usize]) > 2.0 * rms(before));
    }

    #[test]
    fn pouring_rings_higher_as_the_mug_fills() {
        let sr = 48_000.0;
        let out = mono(&pour(&scene(3 * 48_000, SoundParams::default(), 4)));
        let early = &out[(0.2 * sr) as usize..(0.6 * sr) as usize];
        let late = &out[(2.0 * sr) as usize..(2.4 * sr) as usize];
        let f_early = peak_hz(early, sr, 300.0, 6000.0, 20.0);
        let f_late = peak_hz(late, sr, 300.0, 6000.0, 20.0);
        assert!(f_late > 1.8 * f_early, "{f_early} -> {f_late}");
    }

    #[test]
    fn a_shower_is_brighter_than_a_running_tap_and_both_are_steady() {
        let sr = 48_000.0;
        let tap_out = mono(&tap(&scene(2 * 48_000, SoundParams::default(), 5)));
        let shower_out = mono(&shower(&scene(2 * 48_000, SoundParams::default(), 5)));
        let mid = |x: &[f32]| x[(0.4 * sr) as usize..(1.6 * sr) as usize].to_vec();
        let c_tap = centroid_hz(&mid(&tap_out), sr, 100.0, 10_000.0, 50.0);
        let c_shower = centroid_hz(&mid(&shower_out), sr, 100.0, 10_000.0, 50.0);
        assert!(c_shower > c_tap, "shower {c_shower} Hz, tap {c_tap} Hz");
        // The tap drums on the basin: real energy below 600 Hz.
        let low = band_share(&mid(&tap_out), sr, (100.0, 10_000.0), (100.0, 600.0), 50.0);
        assert!(
            c_tap < 2500.0 && low > 0.1,
            "tap {c_tap} Hz, {low} below 600 Hz"
        );
        for x in [&tap_out, &shower_out] {
            let env = envelope(&mid(x), sr, 0.1);
            let (lo, hi) = env
                .iter()
                .fold((f32::MAX, 0.0f32), |(a, b), &e| (a.min(e), b.max(e)));
            assert!(hi < 2.5 * lo, "not steady: {lo} .. {hi}");
        }
    }

    #[test]
    fn a_flush_rushes_then_refills_with_a_thin_hiss() {
        let sr = 48_000.0;
        let out = mono(&toilet(&scene(7 * 48_000, SoundParams::default(), 6)));
        let rush = &out[(0.6 * sr) as usize..(1.6 * sr) as usize];
        let refill = &out[(4.5 * sr) as usize..(5.5 * sr) as usize];
        let e = |x: &[f32]| envelope(x, sr, 1.0)[0];
        assert!(e(rush) > 3.0 * e(refill));
        let c_rush = centroid_hz(rush, sr, 100.0, 8000.0, 50.0);
        let f_refill = peak_hz(refill, sr, 100.0, 8000.0, 20.0);
        assert!(c_rush < 1500.0 && f_refill > 1800.0, "{c_rush} {f_refill}");
    }

    #[test]
    fn frying_is_a_dense_bright_crackle() {
        let sr = 48_000.0;
        let out = mono(&frying(&scene(48_000, SoundParams::default(), 7)));
        assert!(centroid_hz(&out, sr, 100.0, 12_000.0, 50.0) > 3500.0);
        // Crackle, not steady hiss: the 1 ms level swings widely.
        let env = envelope(&out, sr, 0.001);
        let mean = env.iter().sum::<f32>() / env.len() as f32;
        let peaky = env.iter().filter(|&&e| e > 2.0 * mean).count();
        assert!(peaky > 20, "{peaky} loud millisecond windows");
    }

    #[test]
    fn a_switch_clicks_once_per_flick_and_briefly() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(2),
            ..SoundParams::default()
        };
        let out = mono(&light_switch(&scene(72_000, params, 8)));
        assert_eq!(onsets(&out, sr, 0.1, 0.1).len(), 2);
        // Almost all the energy within 30 ms of each click.
        let env = envelope(&out, sr, 0.01);
        let total: f32 = env.iter().map(|e| e * e).sum();
        let mut sorted: Vec<f32> = env.iter().map(|e| e * e).collect();
        sorted.sort_by(|a, b| b.total_cmp(a));
        let top: f32 = sorted[..6].iter().sum();
        assert!(top > 0.9 * total);
    }

    #[test]
    fn a_zipper_is_a_fast_train_of_clicks() {
        let sr = 48_000.0;
        let out = mono(&zipper(&scene(48_000, SoundParams::default(), 9)));
        let pull = &out[(0.2 * sr) as usize..(0.5 * sr) as usize];
        let (rate, strength) = modulation(pull, sr, 100.0, 800.0);
        assert!(rate > 150.0 && strength > 0.1, "{rate} Hz, {strength}");
        assert!(centroid_hz(pull, sr, 100.0, 10_000.0, 50.0) > 2500.0);
    }

    #[test]
    fn one_person_claps_at_a_steady_pace_slower_when_slow() {
        let sr = 48_000.0;
        let normal = mono(&clapping(&scene(4 * 48_000, SoundParams::default(), 10)));
        let slow_params = SoundParams {
            pace: 0.7,
            ..SoundParams::default()
        };
        let slow = mono(&clapping(&scene(4 * 48_000, slow_params, 10)));
        let n = onsets(&normal, sr, 0.1, 0.1).len();
        let s = onsets(&slow, sr, 0.1, 0.1).len();
        assert!((7..=9).contains(&n), "{n} claps in 4 s");
        assert!(s < n && s >= 3, "{s} slow claps");
        let f = peak_hz(&normal, sr, 200.0, 5000.0, 20.0);
        assert!((600.0..2500.0).contains(&f), "{f}");
    }

    #[test]
    fn stair_steps_are_low_and_counted() {
        let sr = 48_000.0;
        let params = SoundParams {
            count: Some(4),
            ..SoundParams::default()
        };
        let out = mono(&stairs(&scene(3 * 48_000, params, 11)));
        assert_eq!(onsets(&out, sr, 0.15, 0.3).len(), 4);
        assert!(centroid_hz(&out, sr, 50.0, 4000.0, 10.0) < 700.0);
    }
    #[test]
    fn a_typewriter_clacks_and_rings_its_bell_at_the_end_of_the_line() {
        let sr = 48_000.0;
        let out = mono(&typewriter(&scene(6 * 48_000, SoundParams::default(), 13)));
        let keys = onsets(&out, sr, 0.1, 0.06).len();
        assert!(keys >= 15, "{keys} keys");
        // The bell: a ringing tone near 2.9 kHz that outlasts the clacks.
        let f = peak_hz(&out, sr, 2700.0, 3100.0, 5.0);
        let ring = super::super::analysis::power_at(&out, sr, f);
        let beside = super::super::analysis::power_at(&out, sr, f + 300.0);
        assert!(ring > 10.0 * beside, "{f} Hz: {ring} vs {beside}");
    }
}
