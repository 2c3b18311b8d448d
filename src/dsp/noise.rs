//! Noise colours and slowly wandering random controls.

use super::rng::Rng;

/// Flat spectrum: every sample independent, uniform in -1..1.
#[derive(Clone, Debug)]
pub struct WhiteNoise {
    rng: Rng,
}

impl WhiteNoise {
    pub fn new(rng: Rng) -> Self {
        WhiteNoise { rng }
    }

    pub fn next_sample(&mut self) -> f32 {
        self.rng.bipolar()
    }
}

/// About -3 dB per octave, by the Voss–McCartney method: row `k` of a set of held random
/// values changes every 2^k samples, so each octave gets roughly equal energy. Cheaper than
/// a bank of filters and with no tuning constants that depend on the sample rate.
#[derive(Clone, Debug)]
pub struct PinkNoise {
    rng: Rng,
    rows: [f32; PINK_ROWS],
    sum: f32,
    counter: u32,
}

const PINK_ROWS: usize = 12;

impl PinkNoise {
    pub fn new(mut rng: Rng) -> Self {
        let mut rows = [0.0; PINK_ROWS];
        for r in &mut rows {
            *r = rng.bipolar();
        }
        let sum = rows.iter().sum();
        PinkNoise {
            rng,
            rows,
            sum,
            counter: 0,
        }
    }

    pub fn next_sample(&mut self) -> f32 {
        self.counter = self.counter.wrapping_add(1);
        let k = (self.counter.trailing_zeros() as usize).min(PINK_ROWS - 1);
        let fresh = self.rng.bipolar();
        self.sum += fresh - self.rows[k];
        self.rows[k] = fresh;
        // The extra white sample fills in the top octave, which the rows alone leave thin.
        (self.sum + self.rng.bipolar()) * (1.0 / (PINK_ROWS as f32 + 1.0)) * 2.5
    }
}

/// About -6 dB per octave: integrated white noise. The integrator leaks (a pole just inside
/// the unit circle, corner `leak_hz`) so the output cannot drift away from zero.
#[derive(Clone, Debug)]
pub struct BrownNoise {
    rng: Rng,
    state: f32,
    keep: f32,
    gain: f32,
}

impl BrownNoise {
    pub fn new(rng: Rng, sample_rate_hz: f32) -> Self {
        let leak_hz = 8.0;
        let keep = (-2.0 * std::f32::consts::PI * leak_hz / sample_rate_hz).exp();
        BrownNoise {
            rng,
            state: 0.0,
            keep,
            // Keeps the output roughly within -1..1 whatever the rate: the variance of a
            // leaky integrator of unit-variance input is 1 / (1 - keep²).
            gain: (1.0 - keep * keep).sqrt() * 1.7,
        }
    }

    pub fn next_sample(&mut self) -> f32 {
        self.state = self.state * self.keep + self.rng.bipolar();
        self.state * self.gain
    }
}

/// A control signal that drifts to a new random value in `lo..hi` about `rate_hz` times a
/// second, smoothed by two one-pole stages so it has no corners (gusts, swells, pitch
/// wander). Computed per sample but costs only a few multiplies.
#[derive(Clone, Debug)]
pub struct Drift {
    rng: Rng,
    lo: f32,
    hi: f32,
    hold_frames: u32,
    left: u32,
    target: f32,
    stage1: f32,
    value: f32,
    smooth: f32,
}

impl Drift {
    pub fn new(mut rng: Rng, sample_rate_hz: f32, rate_hz: f32, lo: f32, hi: f32) -> Self {
        let start = lo + (hi - lo) * rng.next_f32();
        let hold_frames = ((sample_rate_hz / rate_hz.max(0.01)) as u32).max(1);
        let smooth = (-2.0 * std::f32::consts::PI * rate_hz / sample_rate_hz).exp();
        Drift {
            rng,
            lo,
            hi,
            hold_frames,
            left: 0,
            target: start,
            stage1: start,
            value: start,
            smooth,
        }
    }

    pub fn next_sample(&mut self) -> f32 {
        if self.left == 0 {
            self.target = self.lo + (self.hi - self.lo) * self.rng.next_f32();
            // Irregular holds: a steady period would be audible as a rhythm.
            self.left = (self.hold_frames as f32 * (0.5 + self.rng.next_f32())) as u32 + 1;
        }
        self.left -= 1;
        self.stage1 = self.target + (self.stage1 - self.target) * self.smooth;
        self.value = self.stage1 + (self.value - self.stage1) * self.smooth;
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn energy_ratio_low_high(mut next: impl FnMut() -> f32) -> f32 {
        // Crude spectral tilt: energy of a moving-difference (highs) against the signal.
        let mut prev = 0.0;
        let (mut all, mut diff) = (0.0f64, 0.0f64);
        for _ in 0..48_000 {
            let x = next();
            all += f64::from(x * x);
            diff += f64::from((x - prev) * (x - prev));
            prev = x;
        }
        (diff / all) as f32
    }

    #[test]
    fn colours_tilt_in_order() {
        let mut w = WhiteNoise::new(Rng::new(1));
        let mut p = PinkNoise::new(Rng::new(1));
        let mut b = BrownNoise::new(Rng::new(1), 48_000.0);
        let white = energy_ratio_low_high(|| w.next_sample());
        let pink = energy_ratio_low_high(|| p.next_sample());
        let brown = energy_ratio_low_high(|| b.next_sample());
        assert!(white > pink && pink > brown, "{white} {pink} {brown}");
    }

    #[test]
    fn drift_stays_in_range() {
        let mut d = Drift::new(Rng::new(3), 48_000.0, 2.0, 0.2, 0.8);
        for _ in 0..100_000 {
            let v = d.next_sample();
            assert!((0.2..=0.8).contains(&v));
        }
    }
}
