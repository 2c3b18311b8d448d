//! Places and people: room tone, an office, a murmuring crowd, applause.

use super::foley::typing_between;
use super::{Hit, Scene, SoundParams, Space, Stereo, add_hit, pan_gains};
use crate::dsp::envelope::{adsr_gain, swell_gain};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{BrownNoise, Drift, PinkNoise, WhiteNoise};
use crate::dsp::osc::{Saw, Sine};
use crate::dsp::reverb::Reverb;
use crate::dsp::rng::Rng;

/// The sound of an empty room: low rumble (building, distant traffic) with a little air
/// above it, slowly breathing, different in each ear.
fn add_room_tone(scene: &Scene, out: &mut Stereo, gain: f32) {
    let sr = scene.sample_rate_hz;
    for (ch, label) in [(&mut out.left, "room-l"), (&mut out.right, "room-r")] {
        let mut brown = BrownNoise::new(scene.rng.fork(label), sr);
        let mut pink = PinkNoise::new(scene.rng.fork(label).fork("air"));
        let mut rumble_lp = Biquad::lowpass(sr, 180.0, 0.7);
        let mut air_lp = OnePoleLowpass::new(sr, 2500.0);
        let mut breathe = Drift::new(scene.rng.fork(label).fork("breathe"), sr, 0.15, 0.8, 1.0);
        for s in ch.iter_mut() {
            let x = rumble_lp.process(brown.next_sample()) * 0.7
                + air_lp.process(pink.next_sample()) * 0.1;
            *s += x * breathe.next_sample() * gain;
        }
    }
}

pub fn room_tone(scene: &Scene) -> Stereo {
    let mut out = Stereo::silence(scene.frames);
    add_room_tone(scene, &mut out, 1.0);
    out
}

/// Vowel formants (F1, F2), Hz: enough to make a pulse train sound like talking without
/// any words in it.
const VOWELS: [(f32, f32); 7] = [
    (730.0, 1090.0),
    (270.0, 2290.0),
    (530.0, 1840.0),
    (300.0, 870.0),
    (640.0, 1190.0),
    (490.0, 1350.0),
    (400.0, 2000.0),
];

/// Adds `voices` talkers: each a glottal sawtooth through two formant filters that move
/// from vowel to vowel at syllable rate, in phrases separated by pauses. Summed and dulled,
/// many of them become the wordless murmur of a room full of people.
pub(super) fn add_voices(scene: &Scene, out: &mut Stereo, label: &str, voices: usize, gain: f32) {
    const BLOCK: usize = 32;
    // Murmur is dull by nature (everything above ~3 kHz is filtered off afterwards), so the
    // voices run at a quarter of the rate or so and are interpolated up: the crowd is the
    // costliest sound here, and this makes it about four times cheaper.
    let step = ((scene.sample_rate_hz / 12_000.0).floor() as usize).max(1);
    let sr = scene.sample_rate_hz / step as f32;
    let low_frames = scene.frames / step + 2;
    let mut low = Stereo::silence(low_frames);
    let rng = scene.rng.fork(label);
    for v in 0..voices {
        let mut vr = rng.fork(&format!("voice-{v}"));
        let pitch_hz = if vr.chance(0.5) {
            95.0 + 50.0 * vr.next_f32()
        } else {
            170.0 + 80.0 * vr.next_f32()
        };
        let mut wander = Drift::new(vr.fork("pitch"), sr, 4.0, 0.85, 1.15);
        let mut saw = Saw::new(sr, vr.next_f32());
        let mut breath = WhiteNoise::new(vr.fork("breath"));
        let (mut f1, mut f2) = VOWELS[vr.below(VOWELS.len())];
        let (mut t1, mut t2) = (f1, f2);
        let mut bp1 = Biquad::bandpass(sr, f1, 5.0);
        let mut bp2 = Biquad::bandpass(sr, f2, 7.0);
        let gains = pan_gains(vr.bipolar() * 0.8);
        let voice_gain = gain * (0.5 + 0.5 * vr.next_f32());
        // Syllable state: frames into it, its length, its loudness (0 while pausing).
        let mut syl_at = 0usize;
        let mut syl_len = 1usize;
        let mut syl_amp = 0.0f32;
        let mut phrase_left = vr.below(8);
        let mut env = 0.0f32;
        for n in 0..low_frames {
            if syl_at >= syl_len {
                syl_at = 0;
                if phrase_left == 0 {
                    syl_amp = 0.0;
                    syl_len = ((0.3 + 1.5 * vr.next_f32()) * sr) as usize;
                    phrase_left = 4 + vr.below(14);
                } else {
                    syl_amp = 0.4 + 0.6 * vr.next_f32();
                    syl_len = ((0.12 + 0.18 * vr.next_f32()) * sr) as usize;
                    (t1, t2) = VOWELS[vr.below(VOWELS.len())];
                    phrase_left -= 1;
                }
            }
            if n % BLOCK == 0 {
                env = syl_amp * swell_gain(syl_at as f32 / syl_len as f32, 0.3);
                // Glide towards the vowel, as the tongue does.
                f1 += (t1 - f1) * 0.3;
                f2 += (t2 - f2) * 0.3;
                bp1.set(sr, f1, 5.0);
                bp2.set(sr, f2, 7.0);
            }
            syl_at += 1;
            if env == 0.0 {
                continue;
            }
            let x = saw.next_sample(pitch_hz * wander.next_sample()) + breath.next_sample() * 0.1;
            let y = (bp1.process(x) + bp2.process(x) * 0.6) * env * voice_gain;
            low.add(n, y, gains);
        }
    }
    // Linear interpolation back up to the clip's rate; its images lie above the murmur's
    // band and the callers' low-pass removes them.
    for (dst, src) in [(&mut out.left, &low.left), (&mut out.right, &low.right)] {
        for (n, d) in dst.iter_mut().enumerate() {
            let i = n / step;
            let frac = (n % step) as f32 / step as f32;
            *d += src[i] + (src[i + 1] - src[i]) * frac;
        }
    }
}

/// A murmuring crowd: many talkers, softened as if heard across the room, over room tone.
pub fn crowd(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut out = Stereo::silence(scene.frames);
    let voices = 6 + (18.0 * scene.params.intensity) as usize;
    add_voices(scene, &mut out, "crowd", voices, 0.5);
    for ch in [&mut out.left, &mut out.right] {
        let mut lp = Biquad::lowpass(sr, 3000.0, 0.7);
        for s in ch.iter_mut() {
            *s = lp.process(*s);
        }
    }
    add_room_tone(scene, &mut out, 0.3);
    out
}

/// An office: room tone, the air-conditioning's fan and hum, and, further off, keyboards,
/// a few voices, the odd telephone and rustle of paper.
pub fn office(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    add_room_tone(scene, &mut out, 0.5);
    for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
        let mut fan = PinkNoise::new(scene.rng.fork("fan").fork(if c == 0 { "l" } else { "r" }));
        let mut fan_bp = Biquad::bandpass(sr, 200.0, 0.8);
        let mut hum = Sine::new(sr, 0.25 * c as f32);
        let mut hum2 = Sine::new(sr, 0.0);
        for s in ch.iter_mut() {
            *s += fan_bp.process(fan.next_sample()) * 0.35
                + hum.next_sample(120.0) * 0.02
                + hum2.next_sample(240.0) * 0.008;
        }
    }
    let mut far = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("office-events");
    for (typist, pan) in [(0, -0.6f32), (1, 0.5)] {
        let mut tr = rng.fork(&format!("typist-{typist}"));
        let mut t = 0.1 + 1.5 * tr.next_f32();
        while t < clip_s {
            let burst_s = 2.0 + 4.0 * tr.next_f32();
            let (from, to) = (scene.frames_for(t), scene.frames_for(t + burst_s));
            typing_between(&mut far, sr, &mut tr, from, to, 1.0, 0.6, pan);
            t += burst_s + 1.0 + 4.0 * tr.next_f32();
        }
    }
    add_voices(scene, &mut far, "office-talk", 3, 0.15);
    let mut t = 0.8 + 2.5 * rng.next_f32();
    while t < clip_s {
        let at = scene.frames_for(t);
        if rng.chance(0.35) {
            add_phone(&mut far, sr, at, rng.bipolar() * 0.7);
        } else {
            let pan = rng.bipolar() * 0.7;
            add_paper(&mut far, sr, &mut rng, at, pan);
        }
        t += 4.0 + 8.0 * rng.next_f32();
    }
    for ch in [&mut far.left, &mut far.right] {
        let mut lp = OnePoleLowpass::new(sr, 3500.0);
        for s in ch.iter_mut() {
            *s = lp.process(*s);
        }
    }
    let (size, decay_s) = match scene.params.space.unwrap_or(Space::Medium) {
        Space::Large => (1.0, 1.5),
        _ => (0.6, 0.7),
    };
    Reverb::new(sr, size, decay_s).apply(&mut far.left, &mut far.right, 0.35);
    for (o, f) in out.left.iter_mut().zip(&far.left) {
        *o += f;
    }
    for (o, f) in out.right.iter_mut().zip(&far.right) {
        *o += f;
    }
    out
}

/// A desk phone: a two-tone electronic trill in bursts of a second, twice.
fn add_phone(out: &mut Stereo, sr: f32, start: usize, pan: f32) {
    let gains = pan_gains(pan);
    let mut osc = Sine::new(sr, 0.0);
    for burst in 0..2 {
        let from = start + (burst as f32 * 2.5 * sr) as usize;
        let len = (1.1 * sr) as usize;
        for n in 0..len {
            let at = from + n;
            if at >= out.frames() {
                return;
            }
            let t = n as f32 / sr;
            // The trill: switch between two tones 16 times a second.
            let high = (t * 16.0).fract() < 0.5;
            let f = if high { 1400.0 } else { 1100.0 };
            let g = adsr_gain(t, 0.01, 0.05, 0.8, 0.03, 1.05);
            out.add(at, osc.next_sample(f) * g * 0.2, gains);
        }
    }
}

/// Paper being handled: bright noise in irregular crinkles over about a second.
fn add_paper(out: &mut Stereo, sr: f32, rng: &mut Rng, start: usize, pan: f32) {
    let len_s = 0.5 + 0.8 * rng.next_f32();
    let len = (len_s * sr) as usize;
    let gains = pan_gains(pan);
    let mut noise = WhiteNoise::new(rng.fork("paper"));
    let mut bp = Biquad::bandpass(sr, 3000.0, 0.6);
    let mut crinkle = Drift::new(rng.fork("crinkle"), sr, 40.0, 0.0, 1.0);
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        let c = crinkle.next_sample();
        let env = swell_gain(n as f32 / len as f32, 0.2);
        out.add(
            at,
            bp.process(noise.next_sample()) * c * c * c * env * 0.6,
            gains,
        );
    }
}

/// Applause: many people clapping, each at their own rate and with their own hand shape.
/// It swells in and, as a one-shot, dies away at the end.
pub fn applause(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let clappers = 10 + (40.0 * i) as usize;
    let mut rng = scene.rng.fork("clappers");
    let clip_s = scene.frames as f32 / sr;
    let fade_s = if scene.background {
        0.0
    } else {
        (clip_s * 0.3).min(1.2)
    };
    for _ in 0..clappers {
        let rate_hz = 3.5 + 2.5 * rng.next_f32();
        let clap = Hit {
            modes: &[],
            noise_amp: 1.0,
            noise_decay_s: 0.003 + 0.007 * rng.next_f32(),
            noise_centre_hz: 800.0 + 1700.0 * rng.next_f32(),
            noise_q: 1.2 + 1.5 * rng.next_f32(),
        };
        let pan = rng.bipolar() * 0.9;
        let mut t = 0.3 * rng.next_f32();
        let stop_s = clip_s - fade_s * rng.next_f32();
        while t < stop_s {
            let swell = (t / 0.4).min(1.0);
            let gain = swell * (0.6 + 0.4 * rng.next_f32());
            add_hit(
                &mut out,
                sr,
                &mut rng,
                scene.frames_for(t),
                gain,
                pan,
                1.0,
                &clap,
            );
            t += (1.0 + 0.15 * rng.bipolar()) / rate_hz;
        }
    }
    out
}

/// A crowd cheering: many people shouting open vowels ("hey!", "woo!", "yeah!") at raised
/// pitch with gliding inflections, a few piercing finger whistles, and applause beneath.
/// The wilder the description, the more voices.
pub fn cheering(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    // Applause under the voices needs fewer hands than applause alone.
    let clap_params = SoundParams {
        intensity: 0.5 * i,
        ..scene.params.clone()
    };
    let claps = applause(&scene.variant("cheer-claps", scene.background, clap_params));
    let mut out = Stereo::silence(scene.frames);
    add_shouts(scene, &mut out, 10 + (20.0 * i) as usize);
    for ch in [&mut out.left, &mut out.right] {
        let mut lp = Biquad::lowpass(sr, 3500.0, 0.7);
        for s in ch.iter_mut() {
            *s = lp.process(*s);
        }
    }
    let mut rng = scene.rng.fork("whistles");
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.3 * rng.next_f32();
    while t < clip_s {
        add_whistle(&mut out, sr, &mut rng, scene.frames_for(t));
        t += (1.0 + 3.0 * rng.next_f32()) / (0.5 + i);
    }
    let clap_g = 0.5 / claps.peak().max(1e-6);
    let voice_g = 0.8 / out.peak().max(1e-6);
    for (o, c) in out.left.iter_mut().zip(&claps.left) {
        *o = *o * voice_g + c * clap_g;
    }
    for (o, c) in out.right.iter_mut().zip(&claps.right) {
        *o = *o * voice_g + c * clap_g;
    }
    // Swell in over the first half second, as a cheer erupts.
    let rise = scene.frames_for(0.5).min(scene.frames);
    for n in 0..rise {
        let g = n as f32 / rise as f32;
        out.left[n] *= g;
        out.right[n] *= g;
    }
    out
}

/// Open vowels a shouting voice uses, (F1, F2) Hz: "ah", "eh", "oh", "oo", "ay".
const SHOUT_VOWELS: [(f32, f32); 5] = [
    (800.0, 1200.0),
    (650.0, 1800.0),
    (550.0, 900.0),
    (350.0, 800.0),
    (700.0, 1900.0),
];

/// Shouting voices, rendered at about 8 kHz and interpolated up (as in [`add_voices`]):
/// their formants lie below 2 kHz and the cheer is low-passed at 3.5 kHz anyway.
fn add_shouts(scene: &Scene, out: &mut Stereo, voices: usize) {
    let step = ((scene.sample_rate_hz / 8_000.0).floor() as usize).max(1);
    let sr = scene.sample_rate_hz / step as f32;
    let low_frames = scene.frames / step + 2;
    let mut low = Stereo::silence(low_frames);
    let rng = scene.rng.fork("shouts");
    for v in 0..voices {
        let mut vr = rng.fork(&format!("shout-{v}"));
        // Shouting raises the voice: 180–300 Hz for men, 280–450 Hz for women.
        let base_hz = if vr.chance(0.5) {
            180.0 + 120.0 * vr.next_f32()
        } else {
            280.0 + 170.0 * vr.next_f32()
        };
        let gains = pan_gains(vr.bipolar() * 0.9);
        let voice_gain = 0.4 + 0.6 * vr.next_f32();
        let mut saw = Saw::new(sr, vr.next_f32());
        let mut t = 0.4 * vr.next_f32();
        let clip_s = low_frames as f32 / sr;
        while t < clip_s {
            let len_s = 0.35 + 1.1 * vr.next_f32();
            let (f1, f2) = SHOUT_VOWELS[vr.below(SHOUT_VOWELS.len())];
            let mut bp1 = Biquad::bandpass(sr, f1, 4.0);
            let mut bp2 = Biquad::bandpass(sr, f2, 6.0);
            let glide = 0.8 + 0.7 * vr.next_f32();
            let start = (t * sr) as usize;
            let len = (len_s * sr) as usize;
            let mut env = 0.0;
            for n in 0..len {
                let at = start + n;
                if at >= low_frames {
                    break;
                }
                let pos = n as f32 / len as f32;
                let f = base_hz * (1.0 + (glide - 1.0) * pos);
                // The envelope is slow: a `sin` every 16 samples is plenty.
                if n % 16 == 0 {
                    env = swell_gain(pos, 0.2) * voice_gain;
                }
                let x = saw.next_sample(f);
                low.add(at, (bp1.process(x) + 0.5 * bp2.process(x)) * env, gains);
            }
            t += len_s + 0.1 + 0.9 * vr.next_f32();
        }
    }
    for (dst, src) in [(&mut out.left, &low.left), (&mut out.right, &low.right)] {
        for (n, d) in dst.iter_mut().enumerate() {
            let i = n / step;
            let frac = (n % step) as f32 / step as f32;
            *d += src[i] + (src[i + 1] - src[i]) * frac;
        }
    }
}

/// A finger whistle: a pure tone near 2.5–3.5 kHz, rising then falling ("wheee-ooo").
fn add_whistle(out: &mut Stereo, sr: f32, rng: &mut Rng, start: usize) {
    let f0 = 2200.0 + 800.0 * rng.next_f32();
    let len = ((0.5 + 0.6 * rng.next_f32()) * sr) as usize;
    let gains = pan_gains(rng.bipolar() * 0.8);
    let amp = 0.08 + 0.1 * rng.next_f32();
    let mut osc = Sine::new(sr, 0.0);
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        let pos = n as f32 / len as f32;
        let f = f0 * (1.0 + 0.35 * swell_gain(pos, 0.4));
        out.add(at, osc.next_sample(f) * swell_gain(pos, 0.15) * amp, gains);
    }
}

/// City traffic: the steady rumble and tyre roar of a road, with separate cars passing by.
/// Each car swells as it approaches and fades as it leaves (level falls with distance),
/// moves across the stereo field, and its engine note drops as it passes (the Doppler
/// shift: a few per cent at city speeds). Now and then a horn.
pub fn traffic(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "road-l"), (&mut out.right, "road-r")] {
        let mut brown = BrownNoise::new(scene.rng.fork(label), sr);
        let mut pink = PinkNoise::new(scene.rng.fork(label).fork("tyres"));
        let mut rumble_lp = Biquad::lowpass(sr, 160.0, 0.7);
        let mut tyre_bp = Biquad::bandpass(sr, 900.0, 0.6);
        let mut flow = Drift::new(scene.rng.fork(label).fork("flow"), sr, 0.2, 0.6, 1.0);
        for s in ch.iter_mut() {
            let f = flow.next_sample();
            *s = rumble_lp.process(brown.next_sample()) * 0.5
                + tyre_bp.process(pink.next_sample()) * 0.08 * f;
        }
    }
    let mut rng = scene.rng.fork("cars");
    let mut t = -2.0 + 2.0 * rng.next_f32();
    let mut car = 0;
    while t < clip_s {
        let closest_s = t + 2.0;
        let tau_s = 0.6 + 0.8 * rng.next_f32();
        let dir = if rng.chance(0.5) { 1.0 } else { -1.0 };
        let level = 0.4 + 0.6 * rng.next_f32();
        let engine_hz = 35.0 + 35.0 * rng.next_f32();
        let mut pink = PinkNoise::new(rng.fork(&format!("car-{car}")));
        let mut tyre = Biquad::bandpass(sr, 700.0 + 600.0 * rng.next_f32(), 0.7);
        let mut saw = Saw::new(sr, 0.0);
        let mut engine_lp = Biquad::lowpass(sr, 500.0, 0.7);
        let from = scene.frames_for(closest_s - 5.0 * tau_s);
        let to = scene.frames_for(closest_s + 5.0 * tau_s).min(scene.frames);
        for n in from..to {
            let x = (n as f32 / sr - closest_s) / tau_s;
            let env = level / (1.0 + x * x);
            // Approaching: pitch above the true note; receding: below.
            let doppler = 1.0 - 0.05 * x / (1.0 + x * x).sqrt();
            let e = engine_lp.process(saw.next_sample(engine_hz * doppler));
            let s = (tyre.process(pink.next_sample()) * 1.2 + e * 0.4) * env;
            out.add(n, s, pan_gains(dir * (x / (1.0 + x.abs())) * 0.9));
        }
        if rng.chance(0.12) {
            add_horn(
                &mut out,
                sr,
                scene.frames_for(closest_s),
                rng.bipolar() * 0.6,
            );
        }
        t += (0.8 + 3.0 * rng.next_f32()) / (0.5 + i);
        car += 1;
    }
    out
}

/// A car horn: two reed-like tones a third apart, about a third of a second.
fn add_horn(out: &mut Stereo, sr: f32, start: usize, pan: f32) {
    let len = (0.35 * sr) as usize;
    let gains = pan_gains(pan);
    let (mut a, mut b) = (Saw::new(sr, 0.0), Saw::new(sr, 0.3));
    let mut lp = Biquad::lowpass(sr, 2000.0, 0.7);
    for n in 0..len {
        let at = start + n;
        if at >= out.frames() {
            return;
        }
        let g = adsr_gain(n as f32 / sr, 0.01, 0.0, 1.0, 0.03, 0.32);
        let s = lp.process(a.next_sample(415.0) + b.next_sample(520.0)) * g * 0.25;
        out.add(at, s, gains);
    }
}

/// Syllable shapes a songbird strings together.
#[derive(Clone, Copy)]
enum Syllable {
    /// Frequency ratio from start to end (>1 up, <1 down).
    Sweep(f32),
    /// A warble: vibrato at (rate Hz, depth ratio).
    Trill(f32, f32),
    /// A fast downward "chip".
    Chip,
}

/// Forest birdsong: a few birds, each with its own voice (2–6 kHz), its own small
/// repertoire of syllables (sweeps up and down, warbles, chips) and its own song pattern,
/// singing phrases with pauses from different places in the trees, over a faint rustle of
/// leaves. Songs are frequency-modulated whistles: a bird's syrinx makes nearly pure tones.
pub fn birds(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    for (ch, label) in [(&mut out.left, "leaves-l"), (&mut out.right, "leaves-r")] {
        let mut pink = PinkNoise::new(scene.rng.fork(label));
        let mut hp = Biquad::highpass(sr, 1200.0, 0.7);
        let mut rustle = Drift::new(scene.rng.fork(label).fork("rustle"), sr, 0.5, 0.2, 1.0);
        for s in ch.iter_mut() {
            let r = rustle.next_sample();
            *s = hp.process(pink.next_sample()) * r * r * 0.015;
        }
    }
    let mut song = Stereo::silence(scene.frames);
    let rng = scene.rng.fork("birds");
    let count = 2 + (4.0 * i) as usize;
    for b in 0..count {
        let mut br = rng.fork(&format!("bird-{b}"));
        let base_hz = 2200.0 + 3500.0 * br.next_f32();
        let repertoire: Vec<(Syllable, f32)> = (0..3)
            .map(|_| {
                let syl = match br.below(4) {
                    0 => Syllable::Sweep(1.3 + 0.6 * br.next_f32()),
                    1 => Syllable::Sweep(0.55 + 0.3 * br.next_f32()),
                    2 => Syllable::Trill(18.0 + 25.0 * br.next_f32(), 0.08 + 0.1 * br.next_f32()),
                    _ => Syllable::Chip,
                };
                let len_s = match syl {
                    Syllable::Chip => 0.03 + 0.03 * br.next_f32(),
                    Syllable::Trill(..) => 0.15 + 0.3 * br.next_f32(),
                    Syllable::Sweep(_) => 0.05 + 0.15 * br.next_f32(),
                };
                (syl, len_s)
            })
            .collect();
        // A song: each repertoire syllable repeated a few times, in this bird's order.
        let pattern: Vec<(usize, usize)> = (0..(2 + br.below(3)))
            .map(|_| (br.below(3), 1 + br.below(4)))
            .collect();
        let gain = if b == 0 {
            1.0
        } else {
            0.25 + 0.6 * br.next_f32()
        };
        let pan = br.bipolar() * 0.9;
        let gains = pan_gains(pan);
        // The far ear hears the bird up to 0.6 ms later: with pure tones that time
        // difference, not only level, is what places it (and keeps the ears decorrelated).
        let lag = (pan.abs() * 0.0006 * sr) as usize;
        let (lag_l, lag_r) = if pan > 0.0 { (lag, 0) } else { (0, lag) };
        let mut osc = Sine::new(sr, 0.0);
        let mut t = if b == 0 { 0.1 } else { 3.0 * br.next_f32() };
        while t < clip_s {
            for &(k, reps) in &pattern {
                let (syl, len_s) = repertoire[k];
                let pitch = base_hz * (0.95 + 0.1 * br.next_f32());
                for _ in 0..reps {
                    let start = scene.frames_for(t);
                    let len = scene.frames_for(len_s).max(1);
                    for n in 0..len {
                        let at = start + n;
                        if at >= scene.frames {
                            break;
                        }
                        let pos = n as f32 / len as f32;
                        let f = match syl {
                            Syllable::Sweep(r) => pitch * (1.0 + (r - 1.0) * pos),
                            Syllable::Trill(rate, depth) => {
                                let w = std::f32::consts::TAU * rate * n as f32 / sr;
                                pitch * (1.0 + depth * w.sin())
                            }
                            Syllable::Chip => pitch * (1.5 - 0.6 * pos),
                        };
                        let env = swell_gain(pos, 0.3) * gain;
                        // A whisper of the second harmonic, as real song has.
                        let s1 = osc.next_sample(f);
                        let y = (s1 + 0.1 * (2.0 * s1 * s1 - 1.0)) * env;
                        if let Some(l) = song.left.get_mut(at + lag_l) {
                            *l += y * gains.0;
                        }
                        if let Some(r) = song.right.get_mut(at + lag_r) {
                            *r += y * gains.1;
                        }
                    }
                    t += len_s + 0.03 + 0.06 * br.next_f32();
                }
            }
            t += 1.5 + 5.0 * br.next_f32();
        }
    }
    // Among trees: a little diffuse reverb behind the song.
    Reverb::new(sr, 0.7, 0.9).apply(&mut song.left, &mut song.right, 0.2);
    for (o, s) in out.left.iter_mut().zip(&song.left) {
        *o += s * 0.5;
    }
    for (o, s) in out.right.iter_mut().zip(&song.right) {
        *o += s * 0.5;
    }
    out
}

/// Crickets on a summer night. A field cricket rubs a scraper along a file on its wing;
/// each closing stroke is a pulse of an almost pure tone near 4.5 kHz (its wing's
/// resonance), 3–5 pulses at about 30 a second make a chirp, and chirps repeat one to three
/// times a second (faster on warmer nights). A few near crickets, each at its own pitch and
/// tempo, over a chorus of far ones and the faint hush of the night.
pub fn crickets(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    add_room_tone(scene, &mut out, 0.12);
    let rng = scene.rng.fork("crickets");
    let near = 2 + (3.0 * i) as usize;
    let far = 14;
    for c in 0..(near + far) {
        let mut cr = rng.fork(&format!("cricket-{c}"));
        let is_near = c < near;
        let carrier_hz = 4100.0 + 900.0 * cr.next_f32();
        let pulses = 3 + cr.below(3);
        let pulse_s = 0.012 + 0.006 * cr.next_f32();
        let pulse_period_s = pulse_s * (1.6 + 0.4 * cr.next_f32());
        let chirp_period_s = 0.35 + 0.5 * cr.next_f32();
        let gain = if is_near {
            0.5 + 0.5 * cr.next_f32()
        } else {
            0.05 + 0.1 * cr.next_f32()
        };
        let gains = pan_gains(cr.bipolar() * 0.9);
        let mut t = if c == 0 {
            0.05
        } else {
            chirp_period_s * cr.next_f32()
        };
        let len = scene.frames_for(pulse_s).max(1);
        let step = std::f32::consts::TAU * carrier_hz / sr;
        while t < clip_s {
            // Crickets pause now and then; a chirp is sometimes skipped.
            if cr.chance(0.9) {
                for p in 0..pulses {
                    let start = scene.frames_for(t + p as f32 * pulse_period_s);
                    // Each stroke starts the wing ringing afresh.
                    for n in 0..len {
                        let at = start + n;
                        if at >= scene.frames {
                            break;
                        }
                        let pos = n as f32 / len as f32;
                        let env = swell_gain(pos, 0.3);
                        out.add(at, (step * n as f32).sin() * env * gain, gains);
                    }
                }
            }
            t += chirp_period_s * (0.97 + 0.06 * cr.next_f32());
        }
    }
    out
}
