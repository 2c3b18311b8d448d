//! Sounds built from the DSP parts: each function renders one kind of sound (rain, a knock,
//! a room) into a [`Stereo`] buffer of exactly `scene.frames` frames.
//!
//! Every sound is a small physical caricature: what excites it (noise, an impulse, a pulse
//! train), what shapes it (resonant modes, formants, a sweep), and how it lives in time
//! (an envelope, a random schedule). [`finish`] then places it at a distance and in a space
//! and sets a safe peak level.

use super::envelope::edge_ramps;
use super::filter::{Biquad, OnePoleHighpass, OnePoleLowpass};
use super::osc::Resonator;
use super::reverb::Reverb;
use super::rng::Rng;

pub mod ambience;
#[cfg(test)]
mod analysis;
pub mod animals;
pub mod appliances;
pub mod creatures;
pub mod everyday;
pub mod foley;
pub mod games;
pub mod household;
pub mod interface;
pub mod machines;
pub mod mechanical;
pub mod modal;
pub mod nature;
pub mod scenes;
pub mod signals;
pub mod vehicles;
pub mod vocal;
pub mod water;

/// How far away the sound is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distance {
    Close,
    Normal,
    Far,
}

/// The acoustic space around the sound. `Dry` is outdoors, or a sound that is itself the
/// space (room tone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    Dry,
    Small,
    Medium,
    Large,
}

impl Space {
    /// (size 0..1, decay to -60 dB in s, wet level).
    fn reverb_settings(self) -> Option<(f32, f32, f32)> {
        match self {
            Space::Dry => None,
            Space::Small => Some((0.35, 0.4, 0.12)),
            Space::Medium => Some((0.6, 0.9, 0.18)),
            Space::Large => Some((1.0, 2.2, 0.3)),
        }
    }
}

/// What the description said about the sound, beyond which sound it is.
#[derive(Clone, Debug, PartialEq)]
pub struct SoundParams {
    /// 0 (faint, gentle) ..1 (violent, pounding). Default 0.55.
    pub intensity: f32,
    pub distance: Distance,
    /// `None`: the sound's own usual space.
    pub space: Option<Space>,
    /// For countable one-shots (knocks, beeps, steps): how many.
    pub count: Option<u32>,
    /// Speed of repeated actions (steps, typing): 1 normal, about 1.8 running, 0.7 slow.
    pub pace: f32,
    /// Body size of a voice (0 a small child or a small dog .. 1 a big man or a big dog):
    /// voices scale their pitch and formants with it. Default 0.5.
    pub size: f32,
}

impl Default for SoundParams {
    fn default() -> Self {
        SoundParams {
            intensity: 0.55,
            distance: Distance::Normal,
            space: None,
            count: None,
            pace: 1.0,
            size: 0.5,
        }
    }
}

/// Two channels of equal length.
#[derive(Clone, Debug, PartialEq)]
pub struct Stereo {
    pub left: Vec<f32>,
    pub right: Vec<f32>,
}

impl Stereo {
    pub fn silence(frames: usize) -> Self {
        Stereo {
            left: vec![0.0; frames],
            right: vec![0.0; frames],
        }
    }

    pub fn frames(&self) -> usize {
        self.left.len()
    }

    /// Adds one sample at frame `at` with constant-power pan (-1 left .. 1 right).
    #[inline]
    fn add(&mut self, at: usize, x: f32, (gain_l, gain_r): (f32, f32)) {
        self.left[at] += x * gain_l;
        self.right[at] += x * gain_r;
    }

    fn peak(&self) -> f32 {
        self.left
            .iter()
            .chain(&self.right)
            .fold(0.0f32, |m, s| m.max(s.abs()))
    }
}

/// Constant-power pan gains: a source moving across the field keeps its loudness.
fn pan_gains(pan: f32) -> (f32, f32) {
    let angle = (pan.clamp(-1.0, 1.0) + 1.0) * std::f32::consts::FRAC_PI_4;
    (angle.cos(), angle.sin())
}

/// One rendering job: the length, the rate, what was asked for, and the random source.
pub struct Scene {
    pub sample_rate_hz: f32,
    pub frames: usize,
    /// A bed under other rows: fill the whole span with a steady texture.
    pub background: bool,
    pub params: SoundParams,
    pub rng: Rng,
}

impl Scene {
    pub fn frames_for(&self, seconds: f32) -> usize {
        (seconds.max(0.0) * self.sample_rate_hz).round() as usize
    }

    /// The same job with other parameters and its own random stream: for sounds built from
    /// other sounds (a storm is rain, wind and thunder).
    pub fn variant(&self, label: &str, background: bool, params: SoundParams) -> Scene {
        Scene {
            sample_rate_hz: self.sample_rate_hz,
            frames: self.frames,
            background,
            params,
            rng: self.rng.fork(label),
        }
    }

    /// Start frames of a sound's groups (a set of knocks, a beep pattern). A one-shot plays
    /// once, at `first_s`; a background repeats the group with a random pause after each,
    /// so the bed never turns into a metronome.
    fn group_starts(
        &self,
        label: &str,
        first_s: f32,
        group_s: f32,
        pause_s: (f32, f32),
    ) -> Vec<usize> {
        let mut starts = vec![self.frames_for(first_s).min(self.frames.saturating_sub(1))];
        if self.background {
            let mut rng = self.rng.fork(label);
            let mut t = first_s + group_s;
            loop {
                t += pause_s.0 + (pause_s.1 - pause_s.0) * rng.next_f32();
                let at = self.frames_for(t);
                if at >= self.frames {
                    break;
                }
                starts.push(at);
                t += group_s;
            }
        }
        starts
    }
}

/// A struck object: resonant modes `(freq_hz, decay_s, amplitude)` plus a burst of
/// band-passed noise for the contact itself (the knuckle, the heel, the key).
#[derive(Clone, Copy, Debug)]
struct Hit<'a> {
    modes: &'a [(f32, f32, f32)],
    noise_amp: f32,
    noise_decay_s: f32,
    noise_centre_hz: f32,
    noise_q: f32,
}

const MAX_MODES: usize = 8;

/// Writes one [`Hit`] starting at `start` into `out`. Mode frequencies are scaled by
/// `tune` so repeated hits are not identical copies, which the ear notices at once.
// Each argument is an independent scalar of the event; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn add_hit(
    out: &mut Stereo,
    sr: f32,
    rng: &mut Rng,
    start: usize,
    gain: f32,
    pan: f32,
    tune: f32,
    hit: &Hit<'_>,
) {
    let mut modes = [Resonator::struck(sr, 100.0, 0.001, 0.0); MAX_MODES];
    let mut longest_s = hit.noise_decay_s;
    let count = hit.modes.len().min(MAX_MODES);
    for (m, &(freq_hz, decay_s, amp)) in modes.iter_mut().zip(hit.modes) {
        *m = Resonator::struck(sr, freq_hz * tune, decay_s, amp);
        longest_s = longest_s.max(decay_s);
    }
    let mut noise_filter = Biquad::bandpass(sr, hit.noise_centre_hz * tune, hit.noise_q);
    let noise_keep = (-1.0 / (hit.noise_decay_s.max(1e-4) * sr)).exp();
    let mut noise_level = hit.noise_amp;
    let len = ((longest_s * 7.0) * sr) as usize;
    let gains = pan_gains(pan);
    let end = (start + len).min(out.frames());
    for at in start..end {
        let mut x = noise_filter.process(rng.bipolar() * noise_level);
        noise_level *= noise_keep;
        for m in &mut modes[..count] {
            x += m.next_sample();
        }
        out.add(at, x * gain, gains);
    }
}

/// Places the sound (distance, space), removes DC, ramps the edges and sets the peak.
pub fn finish(scene: &Scene, natural_space: Space, mut out: Stereo) -> Stereo {
    let sr = scene.sample_rate_hz;
    let p = &scene.params;
    let space = p.space.unwrap_or(natural_space);
    let mut wet_extra = 0.0;
    if p.distance == Distance::Far {
        // Air absorbs highs over distance and the direct sound weakens relative to the
        // room's reflections: low-pass it, and give it more reverb.
        for ch in [&mut out.left, &mut out.right] {
            let mut a = OnePoleLowpass::new(sr, 1400.0);
            let mut b = OnePoleLowpass::new(sr, 1400.0);
            for s in ch.iter_mut() {
                *s = b.process(a.process(*s));
            }
        }
        wet_extra = 0.15;
    }
    let reverb = match (space.reverb_settings(), p.distance) {
        (None, Distance::Far) => Some((0.8, 1.2, 0.0)),
        (settings, _) => settings,
    };
    if let Some((size, decay_s, wet)) = reverb {
        let wet = match p.distance {
            Distance::Close => wet * 0.5,
            _ => wet + wet_extra,
        };
        Reverb::new(sr, size, decay_s).apply(&mut out.left, &mut out.right, wet);
    }
    let ramp = scene.frames_for(0.005);
    for ch in [&mut out.left, &mut out.right] {
        let mut dc = OnePoleHighpass::new(sr, 20.0);
        for s in ch.iter_mut() {
            let y = dc.process(*s);
            *s = if y.is_finite() { y } else { 0.0 };
        }
        edge_ramps(ch, ramp);
    }
    let peak = out.peak();
    if peak < 1e-9 {
        // Something must be audible: the mixer measures loudness, and silence has none. A
        // faint hiss is the honest stand-in for "a sound too short to hear".
        let mut rng = scene.rng.fork("never-silent");
        for ch in [&mut out.left, &mut out.right] {
            for s in ch.iter_mut() {
                *s = rng.bipolar() * 1e-3;
            }
        }
        return out;
    }
    // Absolute level is the mixer's business; a distant sound is still rendered quieter so
    // a caller that does not normalise hears the difference.
    let target = match p.distance {
        Distance::Far => 0.45,
        _ => 0.9,
    };
    let g = target / peak;
    for ch in [&mut out.left, &mut out.right] {
        for s in ch.iter_mut() {
            *s *= g;
        }
    }
    out
}
