//! Amplitude envelopes. Most natural sounds die away exponentially (energy lost as a fixed
//! fraction per unit time), so decays here are exponential and attacks linear and short.

/// An exponential decay computed by repeated multiplication: one multiply per sample instead
/// of an `exp` call. `decay_s` is the time to fall to 1/e (about -8.7 dB).
#[derive(Clone, Copy, Debug)]
pub struct ExpDecay {
    level: f32,
    factor: f32,
}

impl ExpDecay {
    pub fn new(sample_rate_hz: f32, decay_s: f32, start_level: f32) -> Self {
        ExpDecay {
            level: start_level,
            factor: (-1.0 / (decay_s.max(1e-5) * sample_rate_hz)).exp(),
        }
    }

    pub fn next_sample(&mut self) -> f32 {
        let l = self.level;
        self.level *= self.factor;
        l
    }

    /// Samples until the level falls below `floor` (how long an event needs to be written).
    pub fn frames_until(sample_rate_hz: f32, decay_s: f32, start_level: f32, floor: f32) -> usize {
        if start_level <= floor {
            return 0;
        }
        ((start_level / floor).ln() * decay_s * sample_rate_hz).ceil() as usize
    }
}

/// Attack-decay gain at time `t_s`: linear rise over `attack_s`, then exponential decay.
pub fn ad_gain(t_s: f32, attack_s: f32, decay_s: f32) -> f32 {
    if t_s < 0.0 {
        0.0
    } else if t_s < attack_s {
        t_s / attack_s
    } else {
        (-(t_s - attack_s) / decay_s).exp()
    }
}

/// Attack-decay-sustain-release gain at `t_s` for a note held `gate_s` seconds. Linear
/// segments: for short interface tones the shape matters less than having no corners.
pub fn adsr_gain(
    t_s: f32,
    attack_s: f32,
    decay_s: f32,
    sustain: f32,
    release_s: f32,
    gate_s: f32,
) -> f32 {
    let held = |t: f32| {
        if t < attack_s {
            t / attack_s
        } else if t < attack_s + decay_s {
            1.0 - (1.0 - sustain) * (t - attack_s) / decay_s
        } else {
            sustain
        }
    };
    if t_s < 0.0 {
        0.0
    } else if t_s < gate_s {
        held(t_s)
    } else {
        let r = 1.0 - (t_s - gate_s) / release_s;
        held(gate_s) * r.max(0.0)
    }
}

/// A smooth rise-and-fall over 0..1 (a raised sine, skewed so the peak is at `peak_at`).
/// Shapes swells such as a swoosh's pass-by.
pub fn swell_gain(position: f32, peak_at: f32) -> f32 {
    let p = position.clamp(0.0, 1.0);
    let phase = if p < peak_at {
        0.5 * p / peak_at
    } else {
        0.5 + 0.5 * (p - peak_at) / (1.0 - peak_at)
    };
    let s = (std::f32::consts::PI * phase).sin();
    s * s
}

/// Linear fades of `ramp_frames` at both ends, so a clip that starts or stops mid-sound does
/// not click. The ramp shrinks for very short buffers so something is always left audible.
pub fn edge_ramps(samples: &mut [f32], ramp_frames: usize) {
    let n = samples.len();
    let ramp = ramp_frames.min(n / 4);
    for i in 0..ramp {
        let g = (i as f32 + 0.5) / ramp as f32;
        samples[i] *= g;
        samples[n - 1 - i] *= g;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decay_reaches_one_over_e() {
        let mut d = ExpDecay::new(1000.0, 0.1, 1.0);
        let mut last = 0.0;
        for _ in 0..=100 {
            last = d.next_sample();
        }
        assert!((last - (-1.0f32).exp()).abs() < 0.01);
        assert_eq!(ExpDecay::frames_until(1000.0, 0.1, 1.0, 1.0), 0);
    }

    #[test]
    fn shapes_start_and_end_quiet() {
        assert_eq!(ad_gain(0.0, 0.01, 0.1), 0.0);
        assert!((ad_gain(0.01, 0.01, 0.1) - 1.0).abs() < 1e-6);
        assert_eq!(adsr_gain(1.0, 0.01, 0.05, 0.5, 0.1, 0.5), 0.0);
        assert!((adsr_gain(0.3, 0.01, 0.05, 0.5, 0.1, 0.5) - 0.5).abs() < 1e-6);
        assert!(swell_gain(0.0, 0.4) < 1e-6 && swell_gain(1.0, 0.4) < 1e-6);
        assert!((swell_gain(0.4, 0.4) - 1.0).abs() < 1e-6);
        let mut s = vec![1.0; 1000];
        edge_ramps(&mut s, 100);
        assert!(s[0] < 0.01 && s[999] < 0.01 && s[500] == 1.0);
    }
}
