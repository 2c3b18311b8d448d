//! A small stereo reverb in the Schroeder–Moorer style: parallel feedback combs (each with
//! a low-pass in its loop, as air and walls absorb highs faster) into series all-passes that
//! thicken the echo density. It is not a concert hall, but it puts a dry synthetic sound
//! into a space, which is what a knock or footsteps need to sound real.

use super::filter::{OnePoleLowpass, flush_denormal};

/// Comb delays at full size, ms. Mutually prime-ish so the echoes do not pile up into a
/// pitched ring.
const COMB_MS: [f32; 6] = [29.7, 33.1, 37.1, 41.1, 43.7, 47.9];
const ALLPASS_MS: [f32; 2] = [5.0, 1.7];
/// The right channel's delays are longer by this much, which decorrelates the channels.
const STEREO_SPREAD_MS: f32 = 0.53;

#[derive(Clone, Debug)]
struct Delay {
    buffer: Vec<f32>,
    at: usize,
}

impl Delay {
    fn new(frames: usize) -> Self {
        Delay {
            buffer: vec![0.0; frames.max(1)],
            at: 0,
        }
    }

    fn read(&self) -> f32 {
        self.buffer[self.at]
    }

    fn write_and_advance(&mut self, x: f32) {
        self.buffer[self.at] = x;
        self.at += 1;
        if self.at == self.buffer.len() {
            self.at = 0;
        }
    }
}

#[derive(Clone, Debug)]
struct Comb {
    delay: Delay,
    feedback: f32,
    damping: OnePoleLowpass,
}

#[derive(Clone, Debug)]
struct Channel {
    combs: Vec<Comb>,
    allpasses: Vec<Delay>,
}

impl Channel {
    fn new(sample_rate_hz: f32, size: f32, decay_s: f32, damping_hz: f32, spread_ms: f32) -> Self {
        let frames = |ms: f32| ((ms + spread_ms) * 0.001 * sample_rate_hz).round() as usize;
        let combs = COMB_MS
            .iter()
            .map(|&ms| {
                let ms = ms * size;
                // Each loop loses 60 dB over decay_s: gain^(decay_s / delay) = 10^-3.
                let feedback = 10f32.powf(-3.0 * ms * 0.001 / decay_s.max(0.05));
                Comb {
                    delay: Delay::new(frames(ms)),
                    feedback,
                    damping: OnePoleLowpass::new(sample_rate_hz, damping_hz),
                }
            })
            .collect();
        let allpasses = ALLPASS_MS
            .iter()
            .map(|&ms| Delay::new(frames(ms)))
            .collect();
        Channel { combs, allpasses }
    }

    fn process(&mut self, x: f32) -> f32 {
        let mut sum = 0.0;
        for c in &mut self.combs {
            let out = c.delay.read();
            let damped = c.damping.process(out);
            c.delay.write_and_advance(x + damped * c.feedback);
            sum += out;
        }
        let mut y = sum * (1.0 / COMB_MS.len() as f32);
        for ap in &mut self.allpasses {
            const G: f32 = 0.6;
            let delayed = ap.read();
            let v = flush_denormal(y + delayed * G);
            ap.write_and_advance(v);
            y = delayed - v * G;
        }
        y
    }
}

/// Stereo reverb. `size` in 0.2..1 scales the delay lengths (room size), `decay_s` is the
/// time for the tail to fall 60 dB.
#[derive(Clone, Debug)]
pub struct Reverb {
    left: Channel,
    right: Channel,
}

impl Reverb {
    pub fn new(sample_rate_hz: f32, size: f32, decay_s: f32) -> Self {
        let size = size.clamp(0.1, 1.5);
        // Bigger spaces sound darker: more wall and air absorption per echo.
        let damping_hz = 9000.0 - 5000.0 * size.min(1.0);
        Reverb {
            left: Channel::new(sample_rate_hz, size, decay_s, damping_hz, 0.0),
            right: Channel::new(sample_rate_hz, size, decay_s, damping_hz, STEREO_SPREAD_MS),
        }
    }

    /// Adds the reverberated sum of both channels, times `wet`, to each channel in place.
    pub fn apply(&mut self, left: &mut [f32], right: &mut [f32], wet: f32) {
        for (l, r) in left.iter_mut().zip(right.iter_mut()) {
            let x = 0.5 * (*l + *r);
            let wl = self.left.process(x);
            let wr = self.right.process(x);
            *l += wl * wet;
            *r += wr * wet;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impulse_gives_a_decaying_decorrelated_tail() {
        let sr = 48_000.0;
        let mut rv = Reverb::new(sr, 0.8, 1.0);
        let n = 96_000;
        let mut l = vec![0.0; n];
        let mut r = vec![0.0; n];
        l[0] = 1.0;
        r[0] = 1.0;
        rv.apply(&mut l, &mut r, 1.0);
        let e = |s: &[f32]| s.iter().map(|x| x * x).sum::<f32>();
        let early = e(&l[1..24_000]);
        let late = e(&l[48_000..72_000]);
        assert!(early > 0.0 && late < early * 0.01, "{early} {late}");
        assert!(l[1..].iter().all(|x| x.is_finite()));
        assert_ne!(l[1..4800], r[1..4800]);
    }
}
