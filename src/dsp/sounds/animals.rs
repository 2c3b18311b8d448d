//! Animal calls from the source-filter [`Voice`] of [`super::vocal`]: a larynx (or a bird's
//! syrinx) with its pitch contour, jitter, shimmer and breath, through formants that move as
//! the mouth opens and closes. What tells them apart is the contour, the roughness, the
//! rhythm and the size of the tract: a bark is a short, harsh, falling burst; a howl a long
//! near-pure glide; a meow a rising and falling "mee-ow"; a quack a buzzy nasal "waak".

use super::vocal::{
    AE, AH, AW, EE, EH, Formants, Frame, OO, UH, Voice, fade, frame_rate, glide, scaled,
};
use super::{Scene, Stereo};
use crate::dsp::noise::Drift;
use std::f32::consts::{PI, TAU};

/// An animal of `size` (0 small .. 1 big): its pitch, `small_hz` for the smallest and
/// `big_hz` for the biggest, on a log scale.
fn pitch_for(size: f32, small_hz: f32, big_hz: f32) -> f32 {
    let s = size.clamp(0.0, 1.0);
    small_hz * (big_hz / small_hz).powf(s)
}

/// A count from the description, else `default`, within `1..=max`.
fn count_or(scene: &Scene, default: usize, max: u32) -> usize {
    scene
        .params
        .count
        .map_or(default, |c| c.clamp(1, max) as usize)
}

/// A dog barking: each bark a short, harsh burst, the voice rough and noisy, the pitch
/// jumping up and falling, the mouth opening from "w" to "a" and closing ("wuff"). A small
/// dog yaps higher, shorter and faster; a big dog barks deeper and slower.
pub fn dog_bark(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let i = p.intensity;
    let mut rng = scene.rng.fork("dog");
    let size = p.size;
    let f0 = pitch_for(size, 900.0, 230.0) * (0.92 + 0.16 * rng.next_f32());
    let k = 1.55 - 0.8 * size;
    let bark_s = 0.08 + 0.14 * size;
    let spacing = bark_s + (0.16 + 0.25 * size) / p.pace.clamp(0.6, 1.8);
    let count = count_or(scene, 2 + rng.below(3), 20);
    let group_s = spacing * count as f32;
    let closed = scaled(&OO, k);
    let open = scaled(&AH, k);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.03, 0.12, 0.35 + 0.3 * i).drive(1.5);
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("dog-bouts", 0.03, group_s, (1.5, 5.0)) {
        for b in 0..count {
            let at = start + scene.frames_for(b as f32 * spacing + 0.03 * rng.next_f32());
            let pitch = f0 * (0.93 + 0.14 * rng.next_f32());
            let len = bark_s * (0.85 + 0.3 * rng.next_f32());
            let gain = (0.75 + 0.25 * rng.next_f32()) * (0.6 + 0.5 * i);
            voice.call(&mut out, at, len, gain, 0.0, |t, x| {
                let contour = if x < 0.2 {
                    0.85 + 0.75 * x
                } else {
                    1.0 - 0.35 * (x - 0.2) / 0.8
                };
                let env = (t / 0.006).min(1.0) * (-t / (0.3 * len)).exp() * fade(x, 0.0, 0.2);
                let mouth = (x / 0.3).min(1.0) - 0.5 * ((x - 0.5) / 0.5).max(0.0);
                Frame::new(
                    pitch * contour,
                    env,
                    env * (0.5 + 0.5 * (1.0 - x)),
                    glide(&closed, &open, mouth),
                )
                .open(0.4)
            });
        }
    }
    out
}

/// A dog growling: a low, rough, rumbling voice (80–140 Hz, alternate periods uneven, so
/// it rattles) through a nearly closed mouth, swelling and easing on each breath out, with
/// a short rasping breath in between.
pub fn dog_growl(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let i = p.intensity;
    let mut rng = scene.rng.fork("growl");
    let f0 = pitch_for(p.size, 150.0, 80.0) * (0.9 + 0.2 * rng.next_f32());
    let k = 1.45 - 0.7 * p.size;
    let snarl = scaled(&UH, k * 0.85);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.06, 0.25, 0.8).drive(1.5);
    let mut swell = Drift::new(scene.rng.fork("swell"), frame_rate(sr), 4.0, 0.55, 1.0);
    let mut wander = Drift::new(scene.rng.fork("wander"), frame_rate(sr), 3.0, 0.92, 1.08);
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let mut t = 0.02;
    while t < clip_s {
        let len = 1.4 + 1.4 * rng.next_f32();
        voice.call(
            &mut out,
            scene.frames_for(t),
            len,
            0.7 + 0.3 * i,
            0.0,
            |_, x| {
                let env = fade(x, 0.1, 0.12) * swell.next_sample();
                Frame::new(
                    f0 * wander.next_sample() * (1.0 + 0.1 * env),
                    env,
                    0.3 * env,
                    snarl,
                )
                .open(0.35)
            },
        );
        t += len + 0.03;
        let breath = 0.35 + 0.2 * rng.next_f32();
        voice.call(&mut out, scene.frames_for(t), breath, 0.35, 0.0, |_, x| {
            let env = fade(x, 0.3, 0.3);
            Frame::new(f0 * 1.2, 0.4 * env, 0.7 * env, snarl).open(0.4)
        });
        t += breath + 0.05 + 0.1 * rng.next_f32();
    }
    out
}

/// A puppy whimpering: thin, high, nearly pure whines through a closed mouth (the pitch
/// rising and falling, 600–1300 Hz), in a small series with sniffing pauses.
pub fn puppy_whimper(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("puppy");
    let base = 850.0 * (0.88 + 0.24 * rng.next_f32());
    let count = count_or(scene, 3 + rng.below(3), 20);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.006, 0.05, 0.0);
    let nose = [
        (base * 1.1, 250.0),
        (2600.0, 400.0),
        (4200.0, 500.0),
        (5500.0, 600.0),
        (7000.0, 800.0),
    ];
    let mut lengths = Vec::new();
    for _ in 0..count {
        lengths.push((0.25 + 0.35 * rng.next_f32(), 0.15 + 0.3 * rng.next_f32()));
    }
    let group_s: f32 = lengths.iter().map(|(a, b)| a + b).sum();
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("whimpers", 0.03, group_s, (1.5, 4.0)) {
        let mut at = start;
        for &(len, gap) in &lengths {
            let f0 = base * (0.9 + 0.2 * rng.next_f32());
            let peak = 0.3 + 0.3 * rng.next_f32();
            let gain = 0.7 + 0.3 * rng.next_f32();
            voice.call(&mut out, at, len, gain, 0.0, |_, x| {
                let contour = 0.85 + 0.35 * swell(x, peak);
                let env = fade(x, 0.25, 0.35);
                Frame::new(f0 * contour, env, 0.12 * env, nose).open(0.9)
            });
            at += scene.frames_for(len + gap);
        }
    }
    out
}

/// 0 at both ends of 0..1 and 1 at `peak`: a smooth rise and fall.
fn swell(x: f32, peak: f32) -> f32 {
    let phase = if x < peak {
        0.5 * x / peak
    } else {
        0.5 + 0.5 * (x - peak) / (1.0 - peak)
    };
    (PI * phase.clamp(0.0, 1.0)).sin()
}

/// A cat meowing: "mee-ow", the mouth opening from a closed "m" to a wide "a" and closing
/// to "ow", so the formants rise and fall, while the pitch (450–700 Hz) rises and falls
/// with them.
pub fn cat_meow(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("cat");
    let base = pitch_for(p.size, 700.0, 420.0) * (0.9 + 0.2 * rng.next_f32());
    let count = count_or(scene, 1 + rng.below(2), 20);
    let k = 1.6;
    let closed = scaled(&OO, k);
    let wide = scaled(&AE, k);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.01, 0.06, 0.1);
    let mut vibrato = Drift::new(scene.rng.fork("vibrato"), frame_rate(sr), 6.0, 0.98, 1.02);
    let spacing = 1.15;
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("meows", 0.03, spacing * count as f32, (2.0, 6.0)) {
        for m in 0..count {
            let len = 0.6 + 0.3 * rng.next_f32();
            let f0 = base * (0.92 + 0.16 * rng.next_f32());
            let peak = 0.3 + 0.15 * rng.next_f32();
            let at = start + scene.frames_for(spacing * m as f32);
            voice.call(
                &mut out,
                at,
                len,
                0.8 + 0.2 * rng.next_f32(),
                0.0,
                |_, x| {
                    let contour = 0.8 + 0.4 * swell(x, peak) - 0.1 * x;
                    let env = fade(x, 0.15, 0.3) * (0.5 + 0.5 * (x / 0.15).min(1.0));
                    let mouth = swell(x, peak + 0.05);
                    Frame::new(
                        f0 * contour * vibrato.next_sample(),
                        env,
                        0.15 * env,
                        glide(&closed, &wide, mouth),
                    )
                    .open(0.55)
                },
            );
        }
    }
    out
}

/// A rooster crowing "cock-a-doodle-doo": four quick, harsh syllables climbing in pitch,
/// then the long last "doooo" that rises, holds and falls away.
pub fn rooster(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("rooster");
    let base = 520.0 * (0.9 + 0.2 * rng.next_f32());
    let count = count_or(scene, 1, 10);
    let bird = |v: &Formants| scaled(v, 1.35);
    // (start s, length s, f0 from, f0 to, vowel, level)
    let syllables: [(f32, f32, f32, f32, Formants, f32); 5] = [
        (0.0, 0.11, 0.85, 1.0, bird(&AW), 0.8),
        (0.16, 0.08, 0.95, 1.0, bird(&UH), 0.6),
        (0.28, 0.2, 1.05, 1.15, bird(&OO), 0.9),
        (0.53, 0.12, 1.0, 1.05, bird(&UH), 0.7),
        (0.7, 1.0, 1.1, 0.8, bird(&OO), 1.0),
    ];
    let crow_s = 1.75;
    let spacing = crow_s + 0.8;
    let mut voice = Voice::new(
        scene.rng.fork("voice"),
        sr,
        0.02,
        0.1,
        0.3 + 0.2 * p.intensity,
    )
    .drive(1.0);
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("crows", 0.03, spacing * count as f32, (4.0, 12.0)) {
        for c in 0..count {
            let at = start + scene.frames_for(spacing * c as f32);
            let pitch = base * (0.96 + 0.08 * rng.next_f32());
            for (j, &(from, len, a, b, vowel, level)) in syllables.iter().enumerate() {
                let last = j == syllables.len() - 1;
                let open = glide(&vowel, &bird(&AH), 0.5);
                voice.call(
                    &mut out,
                    at + scene.frames_for(from),
                    len,
                    level,
                    0.0,
                    |t, x| {
                        let contour = if last {
                            // Up to the top, held, then falling away.
                            a + 0.25 * (x / 0.2).min(1.0)
                                - (a + 0.25 - b) * ((x - 0.55) / 0.45).max(0.0)
                        } else {
                            a + (b - a) * x
                        };
                        let env = (t / 0.01).min(1.0) * fade(x, 0.0, if last { 0.3 } else { 0.25 });
                        let mouth = if last { swell(x, 0.3) } else { swell(x, 0.4) };
                        Frame::new(pitch * contour, env, 0.2 * env, glide(&vowel, &open, mouth))
                            .open(0.4)
                    },
                );
            }
        }
    }
    out
}

/// Ducks quacking: each quack a buzzy, nasal "waak", the pitch falling, in a run that gets
/// quieter and lower (the hen mallard's call). Two or three ducks answer one another. A
/// count is one duck quacking that many times.
pub fn duck_quack(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let counted = scene.params.count.map(|c| c.clamp(1, 20) as usize);
    let ducks = if counted.is_some() {
        1
    } else {
        2 + (1.5 * i) as usize
    };
    for d in 0..ducks {
        let mut rng = scene.rng.fork(&format!("duck-{d}"));
        let f0 = 300.0 * (0.85 + 0.3 * rng.next_f32());
        let k = 1.15 + 0.2 * rng.next_f32();
        let bill = scaled(&AE, k);
        let w = scaled(&OO, k);
        let pan = if d == 0 { 0.0 } else { rng.bipolar() * 0.7 };
        let gain = if d == 0 {
            1.0
        } else {
            0.5 + 0.4 * rng.next_f32()
        };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.03, 0.2, 0.6)
            .nasal(900.0 * k, 0.8)
            .drive(1.2);
        let mut t = if d == 0 {
            0.03
        } else {
            0.3 + 1.5 * rng.next_f32()
        };
        while t < clip_s {
            let run = counted.unwrap_or(3 + rng.below(5));
            for q in 0..run {
                let fall = q as f32 / run.max(2) as f32;
                let len = (0.2 - 0.06 * fall) * (0.9 + 0.2 * rng.next_f32());
                let pitch = f0 * (1.0 - 0.15 * fall);
                let level = gain * (1.0 - 0.45 * fall);
                voice.call(&mut out, scene.frames_for(t), len, level, pan, |t, x| {
                    let env = (t / 0.01).min(1.0) * fade(x, 0.0, 0.3);
                    Frame::new(
                        pitch * (1.1 - 0.2 * x),
                        env,
                        0.2 * env,
                        glide(&w, &bill, x / 0.3),
                    )
                    .open(0.3)
                });
                t += len + 0.06 + 0.06 * rng.next_f32();
            }
            if counted.is_some() && !scene.background {
                break;
            }
            t += 1.0 + 2.5 * rng.next_f32();
        }
    }
    out
}

/// Seagulls crying over the water: the herring gull's call, a long "kee-ow" that leaps up
/// and glides down (a bright, high voice, 700–1300 Hz), then a string of shorter "kyow"s;
/// two or three gulls near and far. A count is one gull crying that many times.
pub fn seagulls(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let clip_s = scene.frames as f32 / sr;
    let counted = scene.params.count.map(|c| c.clamp(1, 20) as usize);
    let gulls = if counted.is_some() {
        1
    } else {
        2 + (1.5 * i) as usize
    };
    for g in 0..gulls {
        let mut rng = scene.rng.fork(&format!("gull-{g}"));
        let f0 = 950.0 * (0.85 + 0.3 * rng.next_f32());
        let ee = scaled(&EE, 1.5);
        let ow = scaled(&AW, 1.6);
        let pan = if g == 0 { -0.1 } else { rng.bipolar() * 0.8 };
        let gain = if g == 0 {
            1.0
        } else {
            0.35 + 0.4 * rng.next_f32()
        };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.015, 0.1, 0.2).drive(0.8);
        let mut t = if g == 0 {
            0.03
        } else {
            0.5 + 2.0 * rng.next_f32()
        };
        while t < clip_s {
            let calls = counted.unwrap_or(2 + rng.below(4));
            for c in 0..calls {
                let long = c == 0 && counted.is_none();
                let len = if long { 0.5 } else { 0.28 } * (0.85 + 0.3 * rng.next_f32());
                let pitch = f0 * (0.95 + 0.1 * rng.next_f32());
                voice.call(&mut out, scene.frames_for(t), len, gain, pan, |t, x| {
                    // Up fast to the top, then a long glide down.
                    let contour = if x < 0.15 {
                        1.0 + 1.3 * x
                    } else {
                        1.2 - 0.55 * ((x - 0.15) / 0.85).powf(0.8)
                    };
                    let env = (t / 0.015).min(1.0) * fade(x, 0.0, 0.3);
                    Frame::new(
                        pitch * contour,
                        env,
                        0.15 * env,
                        glide(&ee, &ow, (x - 0.1) / 0.5),
                    )
                    .open(0.45)
                });
                t += len + 0.1 + 0.12 * rng.next_f32();
            }
            if counted.is_some() && !scene.background {
                break;
            }
            t += 1.0 + 3.0 * rng.next_f32();
        }
    }
    out
}

/// A wolf howling: one long, almost pure tone, "ooo", that glides up, holds with a slight
/// waver and sinks away at the end. A count is a pack: that many wolves joining in at
/// different pitches.
pub fn wolf_howl(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let clip_s = scene.frames as f32 / sr;
    let wolves = count_or(scene, 1, 8);
    let mut out = Stereo::silence(scene.frames);
    let howl_max = (clip_s - 0.2).clamp(0.3, 4.5);
    for w in 0..wolves {
        let mut rng = scene.rng.fork(&format!("wolf-{w}"));
        let f0 = pitch_for(p.size, 560.0, 340.0) * (0.85 + 0.35 * rng.next_f32());
        let len = howl_max * (0.75 + 0.25 * rng.next_f32()) - 0.6 * w as f32 / wolves as f32;
        let lead = if w == 0 {
            0.05
        } else {
            0.3 + 0.9 * rng.next_f32()
        };
        let len = len.min(clip_s - lead - 0.1).max(0.3);
        let pan = if w == 0 { 0.0 } else { rng.bipolar() * 0.8 };
        let gain = if w == 0 {
            1.0
        } else {
            0.5 + 0.4 * rng.next_f32()
        };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.004, 0.02, 0.0);
        let mut waver = Drift::new(rng.fork("waver"), frame_rate(sr), 4.0, 0.985, 1.015);
        let vib = 4.5 + rng.next_f32();
        let tube = OO.map(|(f, bw)| (f * 1.1, bw * 1.5));
        for start in scene.group_starts(&format!("howls-{w}"), lead, len, (3.0, 9.0)) {
            voice.call(&mut out, start, len, gain, pan, |t, x| {
                let rise = (x / 0.25).min(1.0);
                let contour = 0.68 + 0.32 * rise * rise * (3.0 - 2.0 * rise)
                    - 0.4 * ((x - 0.6) / 0.4).max(0.0).powf(1.5);
                let f = f0 * contour * waver.next_sample() * (1.0 + 0.006 * (TAU * vib * t).sin());
                let env = fade(x, 0.12, 0.2);
                // The first formant follows the pitch: one strong partial, like a sung "oo".
                let mut tract = tube;
                tract[0] = (f * 1.05, 120.0);
                Frame::new(f, env, 0.05 * env, tract).open(0.95)
            });
        }
    }
    out
}

/// Chickens in a farmyard: hens clucking, short harsh "buk"s in runs, now and then a
/// "buk-buk-bukAAAK" with a long high last note. A count is the number of hens.
pub fn chickens(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let hens = count_or(scene, 3 + (3.0 * i) as usize, 12);
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    for h in 0..hens {
        let mut rng = scene.rng.fork(&format!("hen-{h}"));
        let f0 = 330.0 * (0.85 + 0.3 * rng.next_f32());
        let k = 1.4 + 0.2 * rng.next_f32();
        let buk = scaled(&UH, k);
        let aak = scaled(&AE, k);
        let pan = if h == 0 { 0.0 } else { rng.bipolar() * 0.8 };
        let gain = if h == 0 {
            1.0
        } else {
            0.4 + 0.5 * rng.next_f32()
        };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.03, 0.2, 0.5).drive(1.0);
        let mut t = if h == 0 { 0.03 } else { 2.0 * rng.next_f32() };
        while t < clip_s {
            let run = 2 + rng.below(5);
            let cackle = rng.chance(0.2);
            for c in 0..run {
                let last = cackle && c == run - 1;
                let len = if last {
                    0.35
                } else {
                    0.05 + 0.04 * rng.next_f32()
                };
                let pitch = f0
                    * if last {
                        1.7
                    } else {
                        0.95 + 0.1 * rng.next_f32()
                    };
                voice.call(&mut out, scene.frames_for(t), len, gain, pan, |t, x| {
                    let env = (t / 0.006).min(1.0) * fade(x, 0.0, if last { 0.4 } else { 0.5 });
                    let contour = if last {
                        0.85 + 0.15 * swell(x, 0.3)
                    } else {
                        1.05 - 0.15 * x
                    };
                    let vowel = if last { aak } else { buk };
                    Frame::new(pitch * contour, env, 0.3 * env, vowel).open(0.35)
                });
                t += len + 0.1 + 0.12 * rng.next_f32();
            }
            t += 0.4 + 2.0 * rng.next_f32();
        }
    }
    out
}

/// A goat (or a sheep) bleating: a nasal "m" opening into "ehhh", the voice shaking in
/// pitch and level about nine times a second (the goat's tremolo), the pitch sagging at
/// the end.
pub fn bleat(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("goat");
    let base = pitch_for(p.size, 480.0, 220.0) * (0.9 + 0.2 * rng.next_f32());
    let count = count_or(scene, 1 + rng.below(2), 20);
    let trem_hz = 8.0 + 3.0 * rng.next_f32();
    let m = scaled(&OO, 1.3);
    let eh = scaled(&EH, 1.3);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.02, 0.08, 0.3).nasal(1000.0, 0.5);
    let spacing = 1.25;
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("bleats", 0.03, spacing * count as f32, (2.0, 6.0)) {
        for b in 0..count {
            let len = 0.65 + 0.35 * rng.next_f32();
            let f0 = base * (0.94 + 0.12 * rng.next_f32());
            let at = start + scene.frames_for(spacing * b as f32);
            voice.call(&mut out, at, len, 0.9, 0.0, |t, x| {
                let shake = (TAU * trem_hz * t).sin();
                let env = fade(x, 0.1, 0.25) * (0.6 + 0.4 * shake);
                let contour = (1.0 + 0.05 * swell(x, 0.3) - 0.12 * x) * (1.0 + 0.04 * shake);
                Frame::new(f0 * contour, env, 0.2 * env, glide(&m, &eh, x / 0.15)).open(0.5)
            });
        }
    }
    out
}

/// A donkey braying "hee-haw": a squealing, wheezy "hee" on the breath in, a loud, low,
/// rough "haw" on the breath out, back and forth four or five times, running down.
pub fn donkey_bray(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("donkey");
    let low = 190.0 * (0.9 + 0.2 * rng.next_f32());
    let high = 780.0 * (0.9 + 0.2 * rng.next_f32());
    let cycles = count_or(scene, 4 + rng.below(2), 10);
    let hee = scaled(&EE, 1.0);
    let haw = scaled(&AW, 0.85);
    let mut voice = Voice::new(scene.rng.fork("voice"), sr, 0.03, 0.15, 0.6).drive(1.3);
    let cycle_s = 1.0;
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("brays", 0.03, cycle_s * cycles as f32, (4.0, 12.0)) {
        for c in 0..cycles {
            let tire = 1.0 - 0.4 * c as f32 / cycles as f32;
            let at = start + scene.frames_for(cycle_s * c as f32);
            voice.call(&mut out, at, 0.38, 0.5 * tire, 0.0, |_, x| {
                let env = fade(x, 0.2, 0.2);
                Frame::new(high * (0.9 + 0.15 * x), 0.7 * env, 0.6 * env, hee).open(0.5)
            });
            let haw_at = at + scene.frames_for(0.43);
            voice.call(
                &mut out,
                haw_at,
                0.5,
                (0.8 + 0.2 * p.intensity) * tire,
                0.0,
                |_, x| {
                    let env = fade(x, 0.1, 0.3);
                    Frame::new(low * tire.sqrt() * (1.1 - 0.2 * x), env, 0.25 * env, haw).open(0.35)
                },
            );
        }
    }
    out
}

/// Pigs grunting and oinking: short, low, rough grunts through the nose (the voice almost
/// a rattle of pulses), and now and then a higher "oink" that glides from "o" to "i". A
/// count is the number of pigs.
pub fn pig_grunts(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let pigs = count_or(scene, 2 + (2.0 * i) as usize, 10);
    let clip_s = scene.frames as f32 / sr;
    let mut out = Stereo::silence(scene.frames);
    for g in 0..pigs {
        let mut rng = scene.rng.fork(&format!("pig-{g}"));
        let f0 = 110.0 * (0.8 + 0.4 * rng.next_f32());
        let k = 0.95 + 0.15 * rng.next_f32();
        let grunt = scaled(&OO, k);
        let oi = (scaled(&AW, k * 1.2), scaled(&EE, k * 1.2));
        let pan = if g == 0 { 0.0 } else { rng.bipolar() * 0.8 };
        let gain = if g == 0 {
            1.0
        } else {
            0.45 + 0.45 * rng.next_f32()
        };
        let mut voice = Voice::new(rng.fork("voice"), sr, 0.05, 0.25, 0.7)
            .nasal(700.0, 0.6)
            .drive(1.5);
        let mut t = if g == 0 { 0.03 } else { 1.5 * rng.next_f32() };
        while t < clip_s {
            let run = 1 + rng.below(4);
            for _ in 0..run {
                let oink = rng.chance(0.25);
                let len = if oink {
                    0.22 + 0.08 * rng.next_f32()
                } else {
                    0.1 + 0.15 * rng.next_f32()
                };
                let pitch = f0
                    * if oink {
                        2.2
                    } else {
                        0.9 + 0.2 * rng.next_f32()
                    };
                voice.call(&mut out, scene.frames_for(t), len, gain, pan, |t, x| {
                    let env = (t / 0.012).min(1.0) * fade(x, 0.0, 0.4);
                    if oink {
                        Frame::new(
                            pitch * (0.9 + 0.2 * swell(x, 0.4)),
                            env,
                            0.2 * env,
                            glide(&oi.0, &oi.1, x),
                        )
                        .open(0.35)
                    } else {
                        Frame::new(pitch * (1.05 - 0.1 * x), env, 0.3 * env, grunt).open(0.3)
                    }
                });
                t += len + 0.12 + 0.25 * rng.next_f32();
            }
            t += 0.5 + 1.5 * rng.next_f32();
        }
    }
    out
}

/// An elephant trumpeting: a loud, brassy blast through the long trunk, the pitch leaping
/// up and wavering, rough and breathy, clipped hard at its loudest (brass brightens as it
/// gets louder), then falling off.
pub fn elephant(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let mut rng = scene.rng.fork("elephant");
    let base = 430.0 * (0.85 + 0.3 * rng.next_f32());
    let count = count_or(scene, 1, 6);
    let trunk: Formants = [
        (900.0, 150.0),
        (1700.0, 200.0),
        (2600.0, 250.0),
        (3600.0, 300.0),
        (4800.0, 350.0),
    ];
    let mut voice =
        Voice::new(scene.rng.fork("voice"), sr, 0.04, 0.15, 0.2).drive(4.0 + 3.0 * p.intensity);
    let mut waver = Drift::new(scene.rng.fork("waver"), frame_rate(sr), 9.0, 0.93, 1.07);
    let spacing = 2.2;
    let mut out = Stereo::silence(scene.frames);
    for start in scene.group_starts("trumpets", 0.03, spacing * count as f32, (4.0, 12.0)) {
        for c in 0..count {
            let len = 1.1 + 0.5 * rng.next_f32();
            let f0 = base * (0.92 + 0.16 * rng.next_f32());
            let at = start + scene.frames_for(spacing * c as f32);
            voice.call(&mut out, at, len, 1.0, 0.0, |t, x| {
                let up = (t / 0.12).min(1.0);
                let contour = 0.75 + 0.25 * up - 0.25 * ((x - 0.7) / 0.3).max(0.0);
                let env = fade(x, 0.06, 0.25);
                Frame::new(
                    f0 * contour * waver.next_sample(),
                    1.5 * env,
                    0.9 * env,
                    trunk,
                )
                .open(0.3)
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::analysis::{
        band_share, centroid_hz, envelope, modulation, mono, onsets, peak_hz, periodicity, scene,
    };
    use super::*;
    use crate::dsp::sounds::SoundParams;

    use super::super::analysis::voice_tests::{SR, span, stretches, with};

    /// Centroid of `lo..hi` Hz: where a formant region sits.
    fn band_centroid(x: &[f32], lo: f32, hi: f32) -> f32 {
        centroid_hz(x, SR, lo, hi, 20.0)
    }

    #[test]
    fn a_dog_barks_in_short_harsh_falling_bursts() {
        let out = mono(&dog_bark(&scene(2 * 48_000, with(Some(3), 0.5), 1)));
        let barks = stretches(&out, 0.15);
        assert_eq!(barks.len(), 3, "{barks:?}");
        for &(a, b) in &barks {
            assert!(b - a < 0.25, "{barks:?}");
        }
        let (a, _) = barks[0];
        let f = periodicity(span(&out, a + 0.01, a + 0.06), SR, 200.0, 1300.0).0;
        assert!((300.0..1200.0).contains(&f), "{f}");
        // A fast decay: the tail of each bark far below its start.
        let env = envelope(span(&out, a, a + 0.15), SR, 0.02);
        assert!(env[5] < 0.35 * env[0].max(env[1]), "{env:?}");
        // A small dog yaps higher and quicker than a big one.
        let small = mono(&dog_bark(&scene(2 * 48_000, with(Some(3), 0.1), 1)));
        let big = mono(&dog_bark(&scene(2 * 48_000, with(Some(3), 0.9), 1)));
        let first = |x: &[f32]| stretches(x, 0.15)[0].0;
        let pitch = |x: &[f32]| {
            let a = first(x);
            periodicity(span(x, a + 0.01, a + 0.05), SR, 150.0, 1300.0).0
        };
        assert!(
            pitch(&small) > 1.6 * pitch(&big),
            "{} {}",
            pitch(&small),
            pitch(&big)
        );
        let last = |x: &[f32]| stretches(x, 0.15).last().unwrap().0;
        assert!(last(&small) < last(&big));
    }

    #[test]
    fn a_growl_is_low_rough_and_sustained() {
        let out = mono(&dog_growl(&scene(3 * 48_000, SoundParams::default(), 2)));
        let env = envelope(&out, SR, 0.05);
        let top = env.iter().copied().fold(0.0, f32::max);
        let on = env.iter().filter(|&&e| e > 0.15 * top).count() as f32 / env.len() as f32;
        assert!(on > 0.6, "{on}");
        let body = span(&out, 0.3, 1.0);
        let (f, _) = periodicity(body, SR, 40.0, 200.0);
        assert!((40.0..170.0).contains(&f), "{f}");
        let c = centroid_hz(body, SR, 30.0, 5000.0, 10.0);
        assert!(c < 1500.0, "{c}");
    }

    #[test]
    fn a_puppy_whimpers_high_thin_rising_and_falling() {
        let out = mono(&puppy_whimper(&scene(3 * 48_000, with(Some(3), 0.5), 3)));
        let whines = stretches(&out, 0.2);
        assert_eq!(whines.len(), 3, "{whines:?}");
        let (a, b) = whines[0];
        let f = peak_hz(span(&out, a, b), SR, 200.0, 3000.0, 10.0);
        assert!((550.0..1500.0).contains(&f), "{f}");
        // Mostly the fundamental.
        let share = band_share(
            span(&out, a, b),
            SR,
            (200.0, 6000.0),
            (f * 0.7, f * 1.35),
            10.0,
        );
        assert!(share > 0.5, "{share}");
    }

    #[test]
    fn a_meow_rises_and_falls_in_pitch_and_second_formant() {
        let out = mono(&cat_meow(&scene(48_000, with(Some(1), 0.5), 4)));
        let (a, b) = stretches(&out, 0.1)[0];
        let len = b - a;
        assert!((0.4..1.0).contains(&len), "{len}");
        let part = |from: f32, to: f32| span(&out, a + from * len, a + to * len);
        let pitch = |x: &[f32]| periodicity(x, SR, 250.0, 1000.0).0;
        let (start, mid, end) = (
            pitch(part(0.05, 0.2)),
            pitch(part(0.3, 0.45)),
            pitch(part(0.8, 0.92)),
        );
        assert!(mid > 1.1 * start && mid > 1.1 * end, "{start} {mid} {end}");
        assert!((350.0..1000.0).contains(&mid), "{mid}");
        let f2 = |x: &[f32]| band_centroid(x, 1000.0, 3500.0);
        let (s2, m2, e2) = (
            f2(part(0.05, 0.2)),
            f2(part(0.3, 0.45)),
            f2(part(0.8, 0.92)),
        );
        assert!(m2 > s2 + 100.0 && m2 > e2 + 100.0, "{s2} {m2} {e2}");
    }

    #[test]
    fn a_rooster_crows_four_quick_syllables_and_a_long_last_one() {
        let out = mono(&rooster(&scene(2 * 48_000, with(None, 0.5), 5)));
        let parts = stretches(&out, 0.12);
        assert!((4..=6).contains(&parts.len()), "{parts:?}");
        let last = parts[parts.len() - 1];
        let total = last.1 - parts[0].0;
        assert!(last.1 - last.0 > 0.4 * total, "{parts:?}");
        let f = periodicity(span(&out, last.0 + 0.1, last.0 + 0.3), SR, 250.0, 1000.0).0;
        assert!((350.0..900.0).contains(&f), "{f}");
        // The long note falls away at its end.
        let end = periodicity(span(&out, last.1 - 0.2, last.1 - 0.05), SR, 250.0, 1000.0).0;
        assert!(end < 0.95 * f, "{f} {end}");
    }

    #[test]
    fn a_duck_quacks_in_buzzy_nasal_bursts() {
        let out = mono(&duck_quack(&scene(2 * 48_000, with(Some(4), 0.5), 6)));
        let quacks = stretches(&out, 0.15);
        assert_eq!(quacks.len(), 4, "{quacks:?}");
        assert!(quacks.iter().all(|(a, b)| b - a < 0.3), "{quacks:?}");
        let (a, b) = quacks[0];
        let q = span(&out, a, b);
        let f = periodicity(q, SR, 100.0, 600.0).0;
        assert!((120.0..500.0).contains(&f), "{f}");
        // Buzzy: most of the energy far above the fundamental.
        let c = centroid_hz(q, SR, 100.0, 5000.0, 20.0);
        assert!(c > 2.5 * f && c > 700.0, "{c} {f}");
    }

    #[test]
    fn a_gull_cries_high_and_glides_down() {
        let out = mono(&seagulls(&scene(2 * 48_000, with(Some(2), 0.5), 7)));
        let calls = stretches(&out, 0.15);
        assert_eq!(calls.len(), 2, "{calls:?}");
        let (a, b) = calls[0];
        let pitch = |x: &[f32]| periodicity(x, SR, 400.0, 2000.0).0;
        let early = pitch(span(&out, a + 0.03, a + 0.1));
        let late = pitch(span(&out, b - 0.1, b - 0.03));
        assert!(early > 700.0 && late < 0.85 * early, "{early} {late}");
        assert!(centroid_hz(span(&out, a, b), SR, 100.0, 8000.0, 25.0) > 900.0);
    }

    #[test]
    fn a_wolf_howls_one_long_near_pure_gliding_tone() {
        let out = mono(&wolf_howl(&scene(4 * 48_000, with(None, 0.5), 8)));
        let parts = stretches(&out, 0.1);
        assert_eq!(parts.len(), 1, "{parts:?}");
        let (a, b) = parts[0];
        assert!(b - a > 2.0, "{parts:?}");
        let len = b - a;
        let at = |x: f32| span(&out, a + x * len, a + x * len + 0.1);
        let pitch = |x: &[f32]| peak_hz(x, SR, 150.0, 1200.0, 2.0);
        let (start, top, end) = (pitch(at(0.03)), pitch(at(0.4)), pitch(at(0.88)));
        assert!(
            top > 1.15 * start && top > 1.15 * end,
            "{start} {top} {end}"
        );
        let share = band_share(at(0.45), SR, (100.0, 6000.0), (top - 40.0, top + 40.0), 5.0);
        assert!(share > 0.6, "{share}");
    }

    #[test]
    fn chickens_cluck_in_short_runs() {
        let out = mono(&chickens(&scene(4 * 48_000, with(Some(1), 0.5), 9)));
        let clucks = stretches(&out, 0.15);
        assert!(clucks.len() >= 5, "{clucks:?}");
        let short = clucks.iter().filter(|(a, b)| b - a < 0.15).count();
        assert!(short * 4 >= clucks.len() * 3, "{clucks:?}");
        let (a, b) = clucks[0];
        let f = periodicity(span(&out, a, b), SR, 150.0, 800.0).0;
        assert!((150.0..600.0).contains(&f), "{f}");
        // A farmyard: several hens by default.
        let yard = mono(&chickens(&scene(3 * 48_000, SoundParams::default(), 9)));
        assert!(onsets(&yard, SR, 0.05, 0.05).len() >= 8);
    }

    #[test]
    fn a_goat_bleats_with_a_tremolo() {
        let out = mono(&bleat(&scene(2 * 48_000, with(Some(1), 0.5), 10)));
        let (a, b) = stretches(&out, 0.1)[0];
        assert!((0.5..1.1).contains(&(b - a)), "{a} {b}");
        let (rate, strength) = modulation(span(&out, a + 0.1, b - 0.1), SR, 4.0, 16.0);
        assert!(
            (7.0..12.0).contains(&rate) && strength > 0.3,
            "{rate} {strength}"
        );
        let f = periodicity(span(&out, a + 0.1, a + 0.3), SR, 150.0, 700.0).0;
        assert!((180.0..600.0).contains(&f), "{f}");
    }

    #[test]
    fn a_donkey_alternates_a_high_hee_and_a_low_haw() {
        let out = mono(&donkey_bray(&scene(3 * 48_000, with(Some(2), 0.5), 11)));
        // The squeal in, high; the bray out, low (each found in its own range).
        for cycle in [0.0, 1.0] {
            let hee = periodicity(span(&out, cycle + 0.12, cycle + 0.3), SR, 500.0, 1200.0);
            let haw = periodicity(span(&out, cycle + 0.55, cycle + 0.75), SR, 120.0, 320.0);
            assert!((600.0..1000.0).contains(&hee.0) && hee.1 > 0.3, "{hee:?}");
            assert!((140.0..260.0).contains(&haw.0) && haw.1 > 0.3, "{haw:?}");
        }
    }

    #[test]
    fn pigs_grunt_low_and_short() {
        let out = mono(&pig_grunts(&scene(3 * 48_000, with(Some(1), 0.5), 12)));
        let grunts = stretches(&out, 0.15);
        assert!(grunts.len() >= 3, "{grunts:?}");
        assert!(grunts.iter().all(|(a, b)| b - a < 0.4), "{grunts:?}");
        let c = centroid_hz(&out, SR, 30.0, 5000.0, 10.0);
        assert!(c < 1500.0, "{c}");
    }

    #[test]
    fn an_elephant_trumpets_a_loud_brassy_blast() {
        let out = mono(&elephant(&scene(3 * 48_000, SoundParams::default(), 13)));
        let parts = stretches(&out, 0.1);
        assert_eq!(parts.len(), 1, "{parts:?}");
        let (a, b) = parts[0];
        assert!((0.8..2.0).contains(&(b - a)), "{parts:?}");
        let body = span(&out, a + 0.2, a + 0.6);
        let f = periodicity(body, SR, 300.0, 900.0).0;
        assert!((320.0..700.0).contains(&f), "{f}");
        // Brassy: rich in upper harmonics.
        let c = centroid_hz(body, SR, 100.0, 8000.0, 25.0);
        assert!(c > 1200.0, "{c}");
    }
}
