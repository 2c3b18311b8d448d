//! Oscillators: a sine, a band-limited sawtooth, and a damped resonator for struck objects.

use std::f32::consts::TAU;

/// Phase-accumulator sine. Frequency may change every sample (glides, vibrato) without a
/// discontinuity because only the phase increment changes.
#[derive(Clone, Debug)]
pub struct Sine {
    phase: f32,
    sample_rate_hz: f32,
}

impl Sine {
    pub fn new(sample_rate_hz: f32, phase: f32) -> Self {
        Sine {
            phase,
            sample_rate_hz,
        }
    }

    pub fn next_sample(&mut self, freq_hz: f32) -> f32 {
        let y = (TAU * self.phase).sin();
        self.phase = (self.phase + freq_hz / self.sample_rate_hz).fract();
        y
    }
}

/// Sawtooth with a polynomial correction at each wrap (PolyBLEP), so voices at 100–250 Hz
/// do not fold harmonics back down as audible inharmonic whistles.
#[derive(Clone, Debug)]
pub struct Saw {
    phase: f32,
    sample_rate_hz: f32,
}

impl Saw {
    pub fn new(sample_rate_hz: f32, phase: f32) -> Self {
        Saw {
            phase,
            sample_rate_hz,
        }
    }

    pub fn next_sample(&mut self, freq_hz: f32) -> f32 {
        let dt = (freq_hz / self.sample_rate_hz).clamp(1e-6, 0.5);
        let t = self.phase;
        let mut y = 2.0 * t - 1.0;
        if t < dt {
            let x = t / dt;
            y -= x + x - x * x - 1.0;
        } else if t > 1.0 - dt {
            let x = (t - 1.0) / dt;
            y -= x * x + x + x + 1.0;
        }
        self.phase += dt;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        y
    }
}

/// One mode of a struck object (a wooden door panel, a clock's bell, a key cap): a sinusoid
/// that dies away exponentially. Computed with the two-term recursion of a pole pair on a
/// circle of radius r, so it costs two multiplies per sample and no trig after setup.
#[derive(Clone, Copy, Debug)]
pub struct Resonator {
    coeff: f32,
    r2: f32,
    y1: f32,
    y2: f32,
}

impl Resonator {
    /// Starts ringing at `freq_hz` with peak `amplitude`, falling to 1/e in `decay_s`.
    pub fn struck(sample_rate_hz: f32, freq_hz: f32, decay_s: f32, amplitude: f32) -> Self {
        let w = TAU * freq_hz.min(sample_rate_hz * 0.45) / sample_rate_hz;
        let r = (-1.0 / (decay_s.max(1e-4) * sample_rate_hz)).exp();
        // Seeding y1 = 0, y2 = -A·r·sin(w) makes the first output A·sin(w)·..., i.e. a sine
        // starting at zero phase: a struck mode starts from rest, without a step.
        Resonator {
            coeff: 2.0 * r * w.cos(),
            r2: r * r,
            y1: 0.0,
            y2: -amplitude * r * w.sin(),
        }
    }

    pub fn next_sample(&mut self) -> f32 {
        let y = self.coeff * self.y1 - self.r2 * self.y2;
        self.y2 = self.y1;
        self.y1 = y;
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resonator_rings_and_dies() {
        let sr = 48_000.0;
        let mut r = Resonator::struck(sr, 1000.0, 0.01, 1.0);
        let first: f32 = (0..480).map(|_| r.next_sample().abs()).fold(0.0, f32::max);
        // Ten decay times later: e^-10 of the start.
        let late: f32 = (0..4800)
            .map(|_| r.next_sample().abs())
            .skip(4320)
            .fold(0.0, f32::max);
        assert!(first > 0.5 && first <= 1.01, "{first}");
        assert!(late < 0.01 * first);
    }

    #[test]
    fn oscillators_stay_bounded() {
        let mut s = Sine::new(48_000.0, 0.0);
        let mut w = Saw::new(48_000.0, 0.3);
        for _ in 0..10_000 {
            assert!(s.next_sample(440.0).abs() <= 1.0);
            assert!(w.next_sample(180.0).abs() <= 1.1);
        }
    }
}
