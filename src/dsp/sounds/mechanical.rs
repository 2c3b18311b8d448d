//! Machines: an engine.

use super::{Scene, Stereo};
use crate::dsp::filter::{Biquad, OnePoleLowpass};
use crate::dsp::noise::{Drift, WhiteNoise};

/// A car engine idling (or revving, when the description is intense). A four-stroke
/// four-cylinder fires twice per crankshaft turn, so at 800 rpm the exhaust gets about 27
/// pulses a second: a harmonic series on that firing frequency. Each pulse is a short burst
/// that rings the exhaust pipe's resonances; combustion varies from stroke to stroke, so
/// every pulse gets its own strength and a little timing jitter, and one cylinder is a
/// touch weaker (that uneven "lope" is a half-order component at the crank frequency). A
/// faint valvetrain tick rides on top, and the idle speed drifts slowly.
pub fn engine(scene: &Scene) -> Stereo {
    let sr = scene.sample_rate_hz;
    let i = scene.params.intensity;
    let rpm = 750.0 + 1800.0 * ((i - 0.55).max(0.0) / 0.45).powi(2);
    let mut rng = scene.rng.fork("engine");
    let mut wander = Drift::new(scene.rng.fork("rpm"), sr, 0.7, 0.96, 1.04);
    let mut noise = WhiteNoise::new(scene.rng.fork("combustion"));
    let weak_cylinder = rng.below(4);
    // Exhaust resonances (Hz, Q, gain): pipe and muffler chambers.
    let mut pipe = [(95.0, 4.0, 1.0), (210.0, 5.0, 0.6), (480.0, 3.0, 0.25)]
        .map(|(f, q, g)| (Biquad::bandpass(sr, f, q), g));
    let mut body_lp = Biquad::lowpass(sr, 900.0, 0.7);
    let mut tick_hp = Biquad::highpass(sr, 3000.0, 0.7);
    let mut out = Stereo::silence(scene.frames);
    let mut phase = 0.0f32;
    let mut cylinder = 0usize;
    let mut pulse = 0.0f32;
    let mut pulse_amp = 1.0f32;
    let pulse_keep = (-1.0 / (0.004 * sr)).exp();
    let mut tick = 0.0f32;
    let tick_keep = (-1.0 / (0.0007 * sr)).exp();
    for n in 0..scene.frames {
        let firing_hz = rpm / 60.0 * 2.0 * wander.next_sample();
        phase += firing_hz / sr;
        if phase >= 1.0 {
            phase -= 1.0 + 0.04 * rng.bipolar();
            phase = phase.max(0.0);
            cylinder = (cylinder + 1) % 4;
            let weak = if cylinder == weak_cylinder { 0.7 } else { 1.0 };
            pulse_amp = weak * (0.8 + 0.4 * rng.next_f32());
            pulse = 1.0;
            if rng.chance(0.5) {
                tick = 0.5 + 0.5 * rng.next_f32();
            }
        }
        let excite = pulse * pulse_amp * (1.0 + 0.3 * noise.next_sample());
        pulse *= pulse_keep;
        let mut s = 0.0;
        for (f, g) in &mut pipe {
            s += f.process(excite) * *g;
        }
        s = body_lp.process(s + excite * 0.15);
        let t = tick_hp.process(noise.next_sample() * tick) * 0.01;
        tick *= tick_keep;
        out.left[n] = s + t;
        out.right[n] = s + t;
    }
    // A little air and distance between the ears: the right ear hears it slightly duller.
    let mut lp = OnePoleLowpass::new(sr, 2500.0);
    for s in &mut out.right {
        *s = lp.process(*s);
    }
    out
}
