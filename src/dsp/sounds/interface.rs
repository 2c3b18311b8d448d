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

/// A fanfare sting, "ta-da!": a brass section plays a quick pick-up and lands on a held
/// major chord. Each player is a sawtooth whose brightness opens with the breath, with a
/// little vibrato once the note settles.
pub fn fanfare(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("fanfare");
    let root = 261.6 * 2f32.powf(rng.below(5) as f32 / 12.0);
    let clip_s = scene.frames as f32 / sr;
    let hold_s = (clip_s - 0.5).clamp(0.6, 2.5);
    // (start_s, length_s, release_s, semitones above the root for each player): two
    // tongued, detached pick-up notes, then the chord, let ring.
    let notes: [(f32, f32, f32, [f32; 4]); 3] = [
        (0.0, 0.11, 0.03, [7.0, 4.0, 0.0, -5.0]),
        (0.16, 0.11, 0.03, [7.0, 4.0, 0.0, -5.0]),
        (0.32, hold_s, 0.15, [12.0, 7.0, 4.0, -12.0]),
    ];
    let mut out = Stereo::silence(scene.frames);
    let starts = scene.group_starts("fanfares", 0.02, 0.32 + hold_s, (2.0, 5.0));
    for start in starts {
        for (player, pan) in [-0.4f32, -0.1, 0.15, 0.4].into_iter().enumerate() {
            let (gl, gr) = pan_gains(pan);
            let mut saw = Saw::new(sr, rng.next_f32());
            let mut lp = OnePoleLowpass::new(sr, 800.0);
            let mut vib = Sine::new(sr, rng.next_f32());
            for &(at_s, len_s, release_s, chord) in &notes {
                let f = root * 2f32.powf(chord[player] / 12.0);
                let at = start + scene.frames_for(at_s);
                for n in 0..scene.frames_for(len_s + release_s) {
                    if at + n >= scene.frames {
                        break;
                    }
                    let t = n as f32 / sr;
                    let g = adsr_gain(t, 0.02, 0.08, 0.75, release_s, len_s);
                    // The lips buzz brighter as the note blooms and the louder it is played.
                    lp.set_cutoff(sr, 700.0 + (2200.0 + 2000.0 * i) * g);
                    let wobble = 1.0 + 0.004 * vib.next_sample(5.5) * (t / 0.3).min(1.0);
                    let s = lp.process(saw.next_sample(f * wobble)) * g * 0.3;
                    out.left[at + n] += s * gl;
                    out.right[at + n] += s * gr;
                }
            }
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

/// A notification chime: two or three soft bell-like notes rising by a pleasant interval,
/// each a few harmonic partials (the upper ones dying fastest, as on a struck glass or a
/// celesta bar). The seed picks the motif; `count` repeats it.
pub fn chime(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    // Motifs as semitones above the first note: a fourth, a major third then a fifth, an
    // octave.
    const MOTIFS: [&[f32]; 4] = [&[0.0, 5.0], &[0.0, 4.0, 7.0], &[0.0, 7.0], &[0.0, 12.0]];
    let mut pick = scene.rng.fork("motif");
    let motif = MOTIFS[pick.below(MOTIFS.len())];
    let root_hz = [880.0, 987.8, 1046.5, 1174.7][pick.below(4)];
    let note_s = 0.12;
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let group_s = note_s * motif.len() as f32 + 0.6;
    let starts = scene.group_starts("chimes", 0.02, group_s * count as f32, (1.5, 4.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        for rep in 0..count {
            for (k, &semis) in motif.iter().enumerate() {
                let f = root_hz * 2f32.powf(semis / 12.0);
                let at = start + scene.frames_for(rep as f32 * group_s + k as f32 * note_s);
                let len = scene.frames_for(1.2);
                let mut partials = [(1.0, 0.5, 1.0), (2.0, 0.2, 0.35), (3.0, 0.08, 0.12)]
                    .map(|(m, d, a)| (Sine::new(sr, 0.0), f * m, ExpDecay::new(sr, d, a)));
                for n in 0..len {
                    if at + n >= scene.frames {
                        break;
                    }
                    // A 2 ms attack: struck, but no click.
                    let a = (n as f32 / (0.002 * sr)).min(1.0);
                    let mut s = 0.0;
                    for (osc, pf, env) in &mut partials {
                        s += osc.next_sample(*pf) * env.next_sample();
                    }
                    let pan = if k % 2 == 0 { -0.1 } else { 0.1 };
                    out.add(at + n, s * a * 0.5, pan_gains(pan));
                }
            }
        }
    }
    out
}

/// A telephone ringing: the classic bell ringer, a hammer striking two small bells
/// alternately 20 times a second, in bursts of 2 s on and 4 s off (the North American
/// cadence). The bells are driven resonators, so they ring on between strikes and after the
/// burst. `count` gives that many rings.
pub fn phone_ring(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut tune_rng = scene.rng.fork("bells");
    let tune = 0.95 + 0.1 * tune_rng.next_f32();
    // Two bells a little apart in pitch, each with inharmonic partials (ratio, amplitude).
    let bell = |f: f32| [(f, 1.0), (f * 2.32, 0.6), (f * 3.96, 0.35)];
    let bells = [bell(1020.0 * tune), bell(1160.0 * tune)];
    let decay_s = 0.25;
    let mut banks = bells.map(|b| {
        b.map(|(f, a)| {
            let q = std::f32::consts::PI * f * decay_s;
            (Biquad::bandpass(sr, f, q), a)
        })
    });
    let max_rings = scene.params.count.map_or(usize::MAX, |c| c.max(1) as usize);
    let mut out = Stereo::silence(scene.frames);
    let strike_every = (sr / 20.0) as usize;
    let ring = scene.frames_for(2.0);
    let cycle = scene.frames_for(6.0);
    let first = scene.frames_for(0.05);
    let mut hammer = 0usize;
    for n in 0..scene.frames {
        let (mut xa, mut xb) = (0.0, 0.0);
        if n >= first {
            let k = (n - first) / cycle;
            let into = (n - first) % cycle;
            if k < max_rings && into < ring && into.is_multiple_of(strike_every) {
                if hammer.is_multiple_of(2) {
                    xa = 1.0;
                } else {
                    xb = 1.0;
                }
                hammer += 1;
            }
        }
        let mut s = 0.0;
        for (x, bank) in [xa, xb].into_iter().zip(banks.iter_mut()) {
            for (f, a) in bank.iter_mut() {
                s += f.process(x) * *a;
            }
        }
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// A siren: a square-ish tone (odd harmonics, as from a horn driver) sweeping slowly up and
/// down between about 650 Hz and 1.5 kHz, each wail taking a few seconds; a stronger
/// description gives the faster "yelp". Far away it is mostly the sweep you hear.
pub fn siren(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let cycle_s = if i > 0.9 { 0.35 } else { 4.0 };
    let (lo, hi) = (650.0, 1500.0);
    let mut out = Stereo::silence(scene.frames);
    let mut phase_rng = scene.rng.fork("siren");
    let offset = phase_rng.next_f32();
    let mut osc = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    let mut lp = OnePoleLowpass::new(sr, 5000.0);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let p = (t / cycle_s + offset).fract();
        // Rise quickly-ish, fall slowly: the motor spins up under power and coasts down.
        let x = if p < 0.4 {
            swell_gain(p / 0.4, 1.0)
        } else {
            1.0 - swell_gain((p - 0.4) / 0.6, 1.0)
        };
        let f = lo + (hi - lo) * x;
        let s = osc[0].next_sample(f)
            + osc[1].next_sample(3.0 * f) / 3.0
            + osc[2].next_sample(5.0 * f) / 5.0;
        let y = lp.process(s) * 0.5;
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A digital alarm clock: a piezo beeper at about 2.7 kHz (hard, with its buzzy odd
/// harmonics) in groups of four quick beeps, then a pause, over and over.
pub fn alarm_clock(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("alarm");
    let f = 2600.0 + 300.0 * rng.next_f32();
    let beep_s = 0.07;
    let gap_s = 0.06;
    let group_s = 4.0 * (beep_s + gap_s) + 0.45;
    let mut out = Stereo::silence(scene.frames);
    let mut osc = [Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    for n in 0..scene.frames {
        let t = n as f32 / sr - 0.02;
        if t < 0.0 {
            continue;
        }
        let g_t = t % group_s;
        let k = (g_t / (beep_s + gap_s)) as usize;
        let b_t = g_t - k as f32 * (beep_s + gap_s);
        let g = if k < 4 {
            adsr_gain(b_t, 0.002, 0.0, 1.0, 0.003, beep_s)
        } else {
            0.0
        };
        let s = osc[0].next_sample(f) + osc[1].next_sample(3.0 * f) * 0.3;
        out.left[n] = s * g * 0.6;
        out.right[n] = s * g * 0.6;
    }
    out
}

/// A digital glitch: a stutter of short fragments, each a different kind of broken signal
/// (a bit-crushed buzz at a random pitch, sample-and-held noise, a repeated slice of what
/// came before, a dropout), with hard but de-clicked edges. As a background it recurs.
pub fn glitch(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    let mut rng = scene.rng.fork("glitch");
    let fade = (0.0015 * sr) as usize;
    for (start, len) in stretch_spans(scene, "glitches", 2.0, (0.3, 0.9), (1.5, 5.0)) {
        let end = (start + len).min(scene.frames);
        let mut at = start;
        while at < end {
            let seg = scene.frames_for(0.015 + 0.1 * rng.next_f32()).min(end - at);
            let kind = rng.below(4);
            let crush = 2f32.powi(2 + rng.below(4) as i32);
            let hold = 1 + rng.below(24);
            let f = 80.0 * 2f32.powf(5.0 * rng.next_f32());
            let pan = rng.bipolar() * 0.6;
            let gain = 0.4 + 0.4 * rng.next_f32() + 0.2 * i;
            let slice = scene.frames_for(0.01 + 0.03 * rng.next_f32()).max(1);
            let (mut held, mut phase) = (0.0f32, 0.0f32);
            for n in 0..seg {
                let edge = (n.min(seg - 1 - n) as f32 / fade as f32).min(1.0);
                let x = match kind {
                    0 => {
                        phase = (phase + f / sr).fract();
                        let sq = if phase < 0.5 { 1.0 } else { -1.0 };
                        (sq * crush).round() / crush
                    }
                    1 => {
                        if n % hold == 0 {
                            held = rng.bipolar();
                        }
                        held
                    }
                    2 => {
                        // Stutter: replay the slice just before this segment.
                        let src = at.saturating_sub(slice) + n % slice;
                        if src < at {
                            0.5 * (out.left[src] + out.right[src]) / gain.max(0.1)
                        } else {
                            0.0
                        }
                    }
                    _ => 0.0,
                };
                out.add(at + n, x * edge * gain * 0.5, pan_gains(pan));
            }
            at += seg;
        }
    }
    out
}

/// A whoosh: longer and airier than a swoosh — a big, soft mass of air going past. Wide,
/// decorrelated pink noise under a gentle low-pass that opens from dull to bright and closes
/// again over one to three seconds, with a low rush under it and no resonant whistle.
pub fn whoosh(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut out = Stereo::silence(scene.frames);
    for (start, len) in stretch_spans(scene, "whooshes", 8.0, (1.5, 3.0), (2.0, 6.0)) {
        for (c, ch) in [&mut out.left, &mut out.right].into_iter().enumerate() {
            let label = format!("whoosh-{start}-{c}");
            let mut pink = PinkNoise::new(scene.rng.fork(&label));
            let mut lp = Biquad::lowpass(sr, 300.0, 0.6);
            let mut lp2 = Biquad::lowpass(sr, 300.0, 0.6);
            let mut rush = OnePoleLowpass::new(sr, 150.0);
            // The two ears reach the peak at slightly different moments: the mass passes.
            let peak_at = if c == 0 { 0.45 } else { 0.55 };
            for n in 0..len {
                let at = start + n;
                if at >= scene.frames {
                    break;
                }
                let env = swell_gain(n as f32 / len as f32, peak_at);
                if n % 32 == 0 {
                    let cutoff = 250.0 + (2500.0 + 4000.0 * i) * env * env;
                    lp.set(sr, cutoff, 0.6);
                    lp2.set(sr, cutoff, 0.6);
                }
                let x = pink.next_sample();
                let s = lp2.process(lp.process(x)) + rush.process(x) * 0.8;
                ch[at] += s * env;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::SoundParams;
    use super::super::analysis::{bursts, envelope, mono, scene};
    use super::*;

    #[test]
    fn a_fanfare_plays_two_quick_notes_then_holds_its_chord() {
        let sr = 48_000.0;
        let out = mono(&fanfare(&scene(48_000 * 5 / 2, SoundParams::default(), 1)));
        assert_eq!(bursts(&out[..(0.6 * sr) as usize], sr, 0.5), 3);
        let env = envelope(&out, sr, 0.1);
        // The chord holds for well over a second.
        assert!(env[5..18].iter().all(|&e| e > 0.3 * env[6]), "{env:?}");
    }
}
