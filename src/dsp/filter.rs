//! Recursive filters: one-pole smoothing stages and second-order sections (biquads).
//!
//! Biquad coefficients follow the well-known analogue-prototype / bilinear-transform
//! formulas (R. Bristow-Johnson's "Audio EQ Cookbook"). Recursive filters cost a handful of
//! multiplies per sample, which is what keeps every recipe far faster than real time.

use std::f32::consts::PI;

/// Rounds values far below audibility to zero. A recursive filter fed silence decays into
/// subnormal floats, which many CPUs process a hundred times slower; adding and removing a
/// tiny constant rounds them away (the compiler may not fold it: IEEE rounding is the point).
#[inline]
pub fn flush_denormal(x: f32) -> f32 {
    const TINY: f32 = 1e-18;
    (x + TINY) - TINY
}

/// First-order low-pass (6 dB/octave). Used where a gentle slope is what we want: taking the
/// edge off noise, air absorption for distant sounds, smoothing controls.
#[derive(Clone, Debug)]
pub struct OnePoleLowpass {
    keep: f32,
    state: f32,
}

impl OnePoleLowpass {
    pub fn new(sample_rate_hz: f32, cutoff_hz: f32) -> Self {
        let mut f = OnePoleLowpass {
            keep: 0.0,
            state: 0.0,
        };
        f.set_cutoff(sample_rate_hz, cutoff_hz);
        f
    }

    pub fn set_cutoff(&mut self, sample_rate_hz: f32, cutoff_hz: f32) {
        let c = cutoff_hz.clamp(1.0, sample_rate_hz * 0.49);
        self.keep = (-2.0 * PI * c / sample_rate_hz).exp();
    }

    pub fn process(&mut self, x: f32) -> f32 {
        self.state = flush_denormal(x + (self.state - x) * self.keep);
        self.state
    }
}

/// First-order high-pass: the input minus its low-passed self. Removes rumble and DC.
#[derive(Clone, Debug)]
pub struct OnePoleHighpass {
    lowpass: OnePoleLowpass,
}

impl OnePoleHighpass {
    pub fn new(sample_rate_hz: f32, cutoff_hz: f32) -> Self {
        OnePoleHighpass {
            lowpass: OnePoleLowpass::new(sample_rate_hz, cutoff_hz),
        }
    }

    pub fn process(&mut self, x: f32) -> f32 {
        x - self.lowpass.process(x)
    }
}

/// Which response a [`Biquad`] has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BiquadKind {
    Lowpass,
    Highpass,
    /// Band-pass with 0 dB gain at the centre, so sweeping `q` does not change the level
    /// at the peak.
    Bandpass,
}

/// Second-order section, transposed direct form II (two state variables, good numerical
/// behaviour in f32 when coefficients change while it runs, as in a swept swoosh).
#[derive(Clone, Debug)]
pub struct Biquad {
    kind: BiquadKind,
    b0: f32,
    b1: f32,
    b2: f32,
    a1: f32,
    a2: f32,
    z1: f32,
    z2: f32,
}

impl Biquad {
    pub fn new(kind: BiquadKind, sample_rate_hz: f32, freq_hz: f32, q: f32) -> Self {
        let mut f = Biquad {
            kind,
            b0: 0.0,
            b1: 0.0,
            b2: 0.0,
            a1: 0.0,
            a2: 0.0,
            z1: 0.0,
            z2: 0.0,
        };
        f.set(sample_rate_hz, freq_hz, q);
        f
    }

    pub fn lowpass(sample_rate_hz: f32, cutoff_hz: f32, q: f32) -> Self {
        Self::new(BiquadKind::Lowpass, sample_rate_hz, cutoff_hz, q)
    }

    pub fn highpass(sample_rate_hz: f32, cutoff_hz: f32, q: f32) -> Self {
        Self::new(BiquadKind::Highpass, sample_rate_hz, cutoff_hz, q)
    }

    pub fn bandpass(sample_rate_hz: f32, centre_hz: f32, q: f32) -> Self {
        Self::new(BiquadKind::Bandpass, sample_rate_hz, centre_hz, q)
    }

    /// Changes frequency and Q, keeping the filter's state (for sweeps).
    pub fn set(&mut self, sample_rate_hz: f32, freq_hz: f32, q: f32) {
        let f = freq_hz.clamp(5.0, sample_rate_hz * 0.45);
        let w0 = 2.0 * PI * f / sample_rate_hz;
        let (sin_w0, cos_w0) = w0.sin_cos();
        let alpha = sin_w0 / (2.0 * q.max(0.05));
        let a0 = 1.0 + alpha;
        let (b0, b1, b2) = match self.kind {
            BiquadKind::Lowpass => ((1.0 - cos_w0) / 2.0, 1.0 - cos_w0, (1.0 - cos_w0) / 2.0),
            BiquadKind::Highpass => ((1.0 + cos_w0) / 2.0, -(1.0 + cos_w0), (1.0 + cos_w0) / 2.0),
            BiquadKind::Bandpass => (alpha, 0.0, -alpha),
        };
        self.b0 = b0 / a0;
        self.b1 = b1 / a0;
        self.b2 = b2 / a0;
        self.a1 = -2.0 * cos_w0 / a0;
        self.a2 = (1.0 - alpha) / a0;
    }

    pub fn process(&mut self, x: f32) -> f32 {
        let y = self.b0 * x + self.z1;
        self.z1 = flush_denormal(self.b1 * x - self.a1 * y + self.z2);
        self.z2 = flush_denormal(self.b2 * x - self.a2 * y);
        y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gain_at(mut f: impl FnMut(f32) -> f32, freq_hz: f32) -> f32 {
        let sr = 48_000.0;
        let mut peak = 0.0f32;
        for n in 0..48_000 {
            let y = f((2.0 * PI * freq_hz * n as f32 / sr).sin());
            if n > 24_000 {
                peak = peak.max(y.abs());
            }
        }
        peak
    }

    #[test]
    fn responses_have_the_right_shape() {
        let sr = 48_000.0;
        let mut lp = Biquad::lowpass(sr, 1000.0, 0.707);
        assert!(gain_at(|x| lp.process(x), 100.0) > 0.95);
        let mut lp = Biquad::lowpass(sr, 1000.0, 0.707);
        assert!(gain_at(|x| lp.process(x), 8000.0) < 0.05);
        let mut hp = Biquad::highpass(sr, 1000.0, 0.707);
        assert!(gain_at(|x| hp.process(x), 100.0) < 0.05);
        let mut bp = Biquad::bandpass(sr, 1000.0, 5.0);
        assert!((gain_at(|x| bp.process(x), 1000.0) - 1.0).abs() < 0.05);
        let mut bp = Biquad::bandpass(sr, 1000.0, 5.0);
        assert!(gain_at(|x| bp.process(x), 4000.0) < 0.1);
        let mut op = OnePoleLowpass::new(sr, 200.0);
        assert!(gain_at(|x| op.process(x), 5000.0) < 0.06);
        let mut hp1 = OnePoleHighpass::new(sr, 200.0);
        assert!(gain_at(|x| hp1.process(x), 20.0) < 0.15);
    }
}
