//! Alarms and signals: piezo beepers, a car alarm's siren, a game-show buzzer, countdown
//! beeps, a sonar ping and a referee's pea whistle. These are designed sounds already, made
//! by oscillators and horns, so oscillators imitate them faithfully.

use super::{Scene, Stereo};
use crate::dsp::envelope::adsr_gain;
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, WhiteNoise};
use crate::dsp::osc::{Saw, Sine};

/// A piezo disc driven with a square wave: the fundamental, a buzzy third harmonic and a
/// little fifth, as the small disc reproduces them.
pub(super) fn piezo(oscs: &mut [Sine; 3], f: f32) -> f32 {
    oscs[0].next_sample(f)
        + 0.3 * oscs[1].next_sample(3.0 * f)
        + 0.12 * oscs[2].next_sample(5.0 * f)
}

/// A smoke alarm sounding: a piercing piezo tone near 3.2 kHz in the standard temporal-three
/// pattern (three half-second beeps half a second apart, then a second and a half of
/// silence), over and over.
pub fn smoke_alarm(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("smoke");
    let f = 3150.0 + 250.0 * rng.next_f32();
    let cycle_s = 4.0;
    let mut oscs = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr - 0.02;
        if t < 0.0 {
            continue;
        }
        let c = t % cycle_s;
        let k = (c / 1.0) as usize;
        let g = if k < 3 {
            adsr_gain(c - k as f32, 0.003, 0.0, 1.0, 0.004, 0.5)
        } else {
            0.0
        };
        let s = piezo(&mut oscs, f) * g * 0.5;
        out.left[n] = s;
        out.right[n] = s;
    }
    out
}

/// A car alarm: a horn speaker driven by an electronic siren that cycles through its
/// patterns, a few seconds each: rising whoops, a fast two-tone warble, rapid chirps, and
/// a slow up-and-down wail. The drive is a square wave (odd harmonics), the horn a band-pass
/// around its throat resonance.
pub fn car_alarm(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("car-alarm");
    let first = rng.below(4);
    // Alarms differ a little in pitch and speed; the seed picks one.
    let tune = 0.92 + 0.16 * rng.next_f32();
    let pattern_s = 2.5;
    let mut oscs = [
        Sine::new(sr, 0.0),
        Sine::new(sr, 0.0),
        Sine::new(sr, 0.0),
        Sine::new(sr, 0.0),
    ];
    let mut horn = Biquad::bandpass(sr, 1800.0, 0.7);
    let mut lp = OnePoleLowpass::new(sr, 7000.0);
    let mut gate = 0.0f32;
    let gate_step = 1.0 - (-1.0 / (0.001 * sr)).exp();
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr;
        let which = (first + (t / pattern_s) as usize) % 4;
        let u = t % pattern_s;
        let (f_nominal, on) = match which {
            0 => (700.0 + 1100.0 * (u / 0.35).fract(), 1.0),
            1 => (
                if ((u * 8.0) as usize).is_multiple_of(2) {
                    1500.0
                } else {
                    1100.0
                },
                1.0,
            ),
            2 => (1900.0, if (u * 12.0).fract() < 0.55 { 1.0 } else { 0.0 }),
            _ => {
                let p = (u / 1.25).fract();
                (800.0 + 800.0 * (1.0 - (2.0 * p - 1.0).abs()), 1.0)
            }
        };
        let f = f_nominal * tune;
        gate += (on - gate) * gate_step;
        let mut sq = 0.0;
        for (k, o) in oscs.iter_mut().enumerate() {
            let h = (2 * k + 1) as f32;
            sq += o.next_sample(h * f) / h;
        }
        let y = lp.process(horn.process(sq)) * gate;
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A game-show buzzer for a wrong answer: a harsh, low, square-ish drone from two slightly
/// detuned oscillators, clipped hard, on for the better part of a second; `count` buzzes
/// (short ones when there are several).
pub fn buzzer(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("buzzer");
    let f = 140.0 * (0.9 + 0.2 * rng.next_f32());
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let (on_s, gap_s) = if count == 1 { (0.9, 0.0) } else { (0.32, 0.12) };
    let group_s = (on_s + gap_s) * count as f32;
    let starts = scene.group_starts("buzzes", 0.02, group_s, (1.5, 4.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let (mut a, mut b) = (Saw::new(sr, 0.0), Saw::new(sr, 0.37));
        let mut lp = Biquad::lowpass(sr, 3500.0, 0.7);
        let len = scene.frames_for(group_s + 0.05);
        for n in 0..len {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let t = n as f32 / sr;
            let k = (t / (on_s + gap_s)) as usize;
            let g = if k < count as usize {
                adsr_gain(t - k as f32 * (on_s + gap_s), 0.004, 0.0, 1.0, 0.015, on_s)
            } else {
                0.0
            };
            let x = a.next_sample(f) + b.next_sample(f * 1.013);
            let y = lp.process((3.0 * x).tanh()) * g * 0.5;
            out.left[at] += y;
            out.right[at] += y;
        }
    }
    out
}

/// A countdown before a launch: `count` (default five) short beeps a second apart, then a
/// long, higher tone for "go".
pub fn countdown(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("countdown");
    let f = 1000.0 * (0.95 + 0.1 * rng.next_f32());
    let count = scene.params.count.unwrap_or(5).clamp(1, 20);
    let group_s = count as f32 + 1.2;
    let starts = scene.group_starts("countdowns", 0.05, group_s, (2.0, 5.0));
    let mut out = Stereo::silence(scene.frames);
    let mut oscs = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    for start in starts {
        for k in 0..=count {
            let last = k == count;
            let (tone_s, pitch) = if last { (1.1, 2.0 * f) } else { (0.14, f) };
            let at = start + scene.frames_for(k as f32);
            for n in 0..scene.frames_for(tone_s + 0.02) {
                if at + n >= scene.frames {
                    break;
                }
                let g = adsr_gain(n as f32 / sr, 0.004, 0.0, 1.0, 0.012, tone_s);
                let s = (oscs[0].next_sample(pitch) + 0.15 * oscs[1].next_sample(3.0 * pitch))
                    * g
                    * 0.5;
                out.left[at + n] += s;
                out.right[at + n] += s;
            }
        }
    }
    out
}

/// A submarine's sonar ping: a pure tone near 1.5 kHz swelling in quickly and ringing away
/// for a second, and a fainter, duller echo returning from the target. `count` pings,
/// a few seconds apart.
pub fn sonar(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("sonar");
    let f = 1450.0 * (0.9 + 0.2 * rng.next_f32());
    let echo_s = 1.0 + 0.8 * rng.next_f32();
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let spacing_s = 3.5;
    let starts = scene.group_starts("pings", 0.02, spacing_s * count as f32, (1.0, 3.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        for k in 0..count {
            let at = start + scene.frames_for(k as f32 * spacing_s);
            // The echo comes back a little lower (the target is moving away) and duller.
            for (delay_s, gain, cutoff, pitch) in
                [(0.0, 1.0, 8000.0, f), (echo_s, 0.25, 1800.0, f * 0.99)]
            {
                let from = at + scene.frames_for(delay_s);
                let mut osc = Sine::new(sr, 0.0);
                let mut lp = OnePoleLowpass::new(sr, cutoff);
                for n in 0..scene.frames_for(3.0) {
                    if from + n >= scene.frames {
                        break;
                    }
                    let t = n as f32 / sr;
                    let env = if t < 0.01 {
                        t / 0.01
                    } else {
                        (-(t - 0.01) / 0.45).exp()
                    };
                    let s = lp.process(osc.next_sample(pitch)) * env * gain;
                    out.left[from + n] += s;
                    out.right[from + n] += s;
                }
            }
        }
    }
    out
}

/// A pea whistle (a referee's, a police officer's): a shrill tone near 3 kHz whose pitch
/// and loudness flutter thirty to fifty times a second as the cork pea spins in the
/// chamber, with the breath's hiss around it. One long blast, or `count` short ones.
pub fn police_whistle(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let mut rng = scene.rng.fork("whistle");
    let f = (2800.0 + 400.0 * i) * (0.95 + 0.1 * rng.next_f32());
    let count = scene.params.count.unwrap_or(1).clamp(1, 20);
    let (blast_s, gap_s) = if count == 1 {
        (0.6 + 0.6 * i, 0.0)
    } else {
        (0.22, 0.16)
    };
    let group_s = (blast_s + gap_s) * count as f32;
    let starts = scene.group_starts("blasts", 0.03, group_s, (1.5, 5.0));
    let mut trill = Drift::new(
        scene.rng.fork("pea"),
        sr,
        4.0,
        30.0 + 15.0 * i,
        40.0 + 15.0 * i,
    );
    let mut noise = WhiteNoise::new(scene.rng.fork("breath"));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let mut tone = Sine::new(sr, 0.0);
        let mut pea = Sine::new(sr, 0.0);
        let mut breath = Biquad::bandpass(sr, f, 6.0);
        let mut hiss = Biquad::highpass(sr, 4000.0, 0.7);
        for n in 0..scene.frames_for(group_s + 0.1) {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let t = n as f32 / sr;
            let k = (t / (blast_s + gap_s)) as usize;
            let g = if k < count as usize {
                adsr_gain(
                    t - k as f32 * (blast_s + gap_s),
                    0.012,
                    0.03,
                    0.85,
                    0.04,
                    blast_s,
                )
            } else {
                0.0
            };
            let p = pea.next_sample(trill.next_sample());
            let am = 1.0 - 0.55 * (0.5 + 0.5 * p);
            let s = tone.next_sample(f * (1.0 + 0.025 * p)) * am;
            let w = noise.next_sample();
            let air = breath.process(w) * 0.5 + hiss.process(w) * 0.04;
            let y = (s + air) * g * 0.5;
            out.left[at] += y;
            out.right[at] += y;
        }
    }
    out
}

/// A lorry or a forklift reversing: a harsh piezo horn near 1.1 kHz, half a second on and
/// half a second off, for as long as it backs up. The horn's square drive gives it the
/// buzzy odd harmonics that cut through a building site.
pub fn reversing_beeper(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let mut rng = scene.rng.fork("reversing");
    let f = 1050.0 + 200.0 * rng.next_f32();
    let period_s = 0.95 + 0.15 * rng.next_f32();
    let mut oscs = [Sine::new(sr, 0.0), Sine::new(sr, 0.0), Sine::new(sr, 0.0)];
    let mut horn = Biquad::bandpass(sr, 2.0 * f, 0.8);
    let mut out = Stereo::silence(scene.frames);
    for n in 0..scene.frames {
        let t = n as f32 / sr - 0.02;
        if t < 0.0 {
            continue;
        }
        let g = adsr_gain(t % period_s, 0.004, 0.0, 1.0, 0.01, period_s / 2.0);
        if g <= 0.0 {
            // Between beeps the horn is silent: nothing to compute.
            continue;
        }
        let x = piezo(&mut oscs, f);
        let y = (0.7 * x + 0.6 * horn.process((2.0 * x).tanh())) * g * 0.5;
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A hospital heart monitor: a short, pure beep near 1 kHz on every heartbeat, about 72 a
/// minute (faster when the description is urgent or the pace quick), with the soft hum of
/// the machine under it.
pub fn heart_monitor(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("monitor");
    let f = 900.0 + 150.0 * rng.next_f32();
    let bpm = (60.0 + 30.0 * i) * scene.params.pace.clamp(0.5, 2.5);
    let period_s = 60.0 / bpm;
    let mut wander = Drift::new(scene.rng.fork("rhythm"), sr, 0.5, 0.97, 1.03);
    let mut tone = Sine::new(sr, 0.0);
    let mut second = Sine::new(sr, 0.0);
    let mut hum = Sine::new(sr, 0.0);
    let mut out = Stereo::silence(scene.frames);
    let mut beat_t = period_s - 0.1;
    for n in 0..scene.frames {
        beat_t += wander.next_sample() / sr;
        if beat_t >= period_s {
            beat_t -= period_s;
        }
        let g = adsr_gain(beat_t, 0.003, 0.02, 0.8, 0.03, 0.1);
        let beep = (tone.next_sample(f) + 0.08 * second.next_sample(2.0 * f)) * g * 0.45;
        let y = beep + 0.004 * hum.next_sample(100.0);
        out.left[n] = y;
        out.right[n] = y;
    }
    out
}

/// A klaxon: a motor spins a toothed wheel against a steel diaphragm, so the buzz climbs in
/// pitch as the motor speeds up and sags as it stops ("a-oo-ga"), through a wide horn.
/// `count` blasts (two by default), as a submarine sounds for a dive.
pub fn klaxon(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity.clamp(0.0, 1.0);
    let mut rng = scene.rng.fork("klaxon");
    let top = 420.0 + 120.0 * rng.next_f32();
    let count = scene.params.count.unwrap_or(2).clamp(1, 20);
    let (blast_s, gap_s) = (1.0, 0.45);
    let group_s = (blast_s + gap_s) * count as f32;
    let starts = scene.group_starts("blasts", 0.03, group_s, (1.0, 3.0));
    let mut out = Stereo::silence(scene.frames);
    for start in starts {
        let mut saw = Saw::new(sr, 0.0);
        let mut horn = Biquad::bandpass(sr, 1400.0, 0.9);
        let mut low = Biquad::bandpass(sr, 450.0, 1.2);
        let mut lp = OnePoleLowpass::new(sr, 6000.0);
        for n in 0..scene.frames_for(group_s) {
            let at = start + n;
            if at >= scene.frames {
                break;
            }
            let t = n as f32 / sr;
            let k = (t / (blast_s + gap_s)) as usize;
            let u = t - k as f32 * (blast_s + gap_s);
            if k >= count as usize || u > blast_s {
                continue;
            }
            // The wheel spins up over the first third, holds, then sags at the end.
            let spin = (u / 0.3).min(1.0).sqrt() * (1.0 - 0.3 * ((u - 0.75) / 0.25).max(0.0));
            let f = top * (0.35 + 0.65 * spin);
            let g = adsr_gain(u, 0.02, 0.0, 1.0, 0.08, blast_s - 0.08);
            let x = (3.0 * saw.next_sample(f)).tanh();
            let y = lp.process(horn.process(x) + 0.8 * low.process(x)) * g * (0.5 + 0.3 * i);
            out.left[at] += y;
            out.right[at] += y;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsp::sounds::SoundParams;
    use crate::dsp::sounds::modal::measure::*;

    #[test]
    fn a_smoke_alarm_beeps_high_in_threes() {
        let x = render(smoke_alarm, 8.0, SoundParams::default());
        let pitch = peak_hz(span(&x, 0.1, 0.5), 1000.0, 8000.0);
        assert!((3000.0..3500.0).contains(&pitch), "{pitch}");
        // On for half a second, off for half, three times, then a long pause.
        let on = |a: f32| rms(span(&x, a, a + 0.3)) > 0.1;
        let pattern: Vec<bool> = [0.1, 0.6, 1.1, 1.6, 2.1, 2.6, 3.1, 3.6, 4.1]
            .iter()
            .map(|&t| on(t))
            .collect();
        assert_eq!(
            pattern,
            [true, false, true, false, true, false, false, false, true]
        );
    }

    #[test]
    fn a_car_alarm_changes_its_pattern_every_few_seconds() {
        let x = render(car_alarm, 10.0, SoundParams::default());
        // Loud all the way through (the chirp pattern is half on).
        for k in 0..9 {
            let l = rms(span(&x, k as f32 + 0.2, k as f32 + 1.0));
            assert!(l > 0.05, "{k}: {l}");
        }
        // Its four patterns differ: where the energy sits moves between them.
        let pitches: Vec<f32> = (0..4)
            .map(|k| {
                peak_hz(
                    span(&x, 2.5 * k as f32 + 0.3, 2.5 * k as f32 + 2.3),
                    500.0,
                    2500.0,
                )
            })
            .collect();
        let spread = pitches.iter().copied().fold(0.0f32, f32::max)
            / pitches.iter().copied().fold(f32::MAX, f32::min);
        assert!(spread > 1.2, "{pitches:?}");
    }

    #[test]
    fn a_buzzer_is_low_harsh_and_about_a_second_long() {
        let x = render(buzzer, 1.1, SoundParams::default());
        let body = span(&x, 0.1, 0.8);
        let f0 = peak_hz(body, 80.0, 300.0);
        assert!((120.0..160.0).contains(&f0), "{f0}");
        // Harsh: strong harmonics far above the fundamental.
        let fifth = band_level(body, 4.8 * f0, 5.2 * f0);
        assert!(
            fifth > 0.1 * band_level(body, 0.96 * f0, 1.04 * f0),
            "{fifth}"
        );
        assert!(rms(span(&x, 1.0, 1.1)) < 0.05 * rms(body));
    }

    #[test]
    fn a_countdown_beeps_each_second_then_holds_a_long_tone() {
        let x = render(
            countdown,
            5.4,
            SoundParams {
                count: Some(3),
                ..SoundParams::default()
            },
        );
        let hits = onsets(&x, 0.5);
        assert_eq!(hits.len(), 4, "{hits:?}");
        assert!(rms(span(&x, 0.5, 0.9)) < 0.01);
        assert!(rms(span(&x, 3.5, 4.0)) > 0.1);
        let go = peak_hz(span(&x, 3.3, 4.0), 500.0, 4000.0);
        let tick = peak_hz(span(&x, 0.06, 0.17), 500.0, 4000.0);
        assert!((go / tick - 2.0).abs() < 0.05, "{go} {tick}");
    }

    #[test]
    fn a_sonar_ping_rings_and_echoes() {
        let x = render(sonar, 4.0, SoundParams::default());
        let f = peak_hz(span(&x, 0.03, 0.3), 300.0, 6000.0);
        assert!((1250.0..1650.0).contains(&f), "{f}");
        // The ping dies away, and then the echo lifts the level again once.
        let levels: Vec<f32> = (0..40)
            .map(|k| rms(span(&x, 0.1 + 0.05 * k as f32, 0.15 + 0.05 * k as f32)))
            .collect();
        let rises = (1..levels.len())
            .any(|k| levels[k] > 2.0 * levels[..k].iter().copied().fold(f32::MAX, f32::min));
        assert!(rises, "{levels:?}");
        // Without the echo it would only fall.
        assert!(levels[0] > levels[4]);
    }

    #[test]
    fn a_pea_whistle_is_shrill_and_trills() {
        let x = render(police_whistle, 1.3, SoundParams::default());
        let tone = span(&x, 0.1, 0.8);
        let f = peak_hz(tone, 1000.0, 6000.0);
        assert!((2600.0..3700.0).contains(&f), "{f}");
        // The envelope flutters 30-55 times a second: its strongest modulation is there.
        let mut lp = OnePoleLowpass::new(SR, 200.0);
        let env: Vec<f32> = tone.iter().map(|s| lp.process(s.abs())).collect();
        let mean = env.iter().sum::<f32>() / env.len() as f32;
        let env: Vec<f32> = env.iter().map(|e| e - mean).collect();
        let trill = peak_hz(&env, 15.0, 120.0);
        assert!((28.0..60.0).contains(&trill), "{trill}");
    }

    #[test]
    fn a_reversing_lorry_beeps_once_a_second_near_1_khz() {
        let x = render(reversing_beeper, 5.0, SoundParams::default());
        let f = peak_hz(span(&x, 0.1, 0.4), 600.0, 2000.0);
        assert!((1000.0..1300.0).contains(&f), "{f}");
        let beeps = onsets(&x, 0.3);
        assert!((5..=6).contains(&beeps.len()), "{beeps:?}");
        // Half on, half off.
        assert!(rms(span(&x, 0.7, 0.9)) < 0.01 * rms(span(&x, 0.1, 0.4)));
    }

    #[test]
    fn a_heart_monitor_beeps_with_each_heartbeat() {
        let x = render(heart_monitor, 6.0, SoundParams::default());
        let beeps = onsets(&x, 0.3);
        // About 76 a minute at the usual intensity: seven or eight in six seconds.
        assert!((7..=8).contains(&beeps.len()), "{beeps:?}");
        let f = peak_hz(span(&x, beeps[1], beeps[1] + 0.08), 500.0, 2000.0);
        assert!((880.0..1070.0).contains(&f), "{f}");
        let urgent = SoundParams {
            pace: 1.8,
            ..SoundParams::default()
        };
        assert!(onsets(&render(heart_monitor, 6.0, urgent), 0.2).len() >= 12);
    }

    #[test]
    fn a_klaxon_buzz_climbs_in_pitch_in_each_of_its_blasts() {
        let x = render(klaxon, 3.0, SoundParams::default());
        let blast = |a, b| rms(span(&x, a, b));
        assert!(blast(1.1, 1.4) < 0.05 * blast(0.4, 0.8));
        let pitch = |a, b| super::super::analysis::periodicity(span(&x, a, b), SR, 80.0, 700.0).0;
        let (early, late) = (pitch(0.03, 0.08), pitch(0.5, 0.7));
        assert!(early < 0.8 * late && late > 350.0, "{early} {late}");
    }
}
