//! Ducking: a gain envelope, driven by speech activity on the speech bus, that lowers
//! background items while someone talks, each by its own depth (a row's `duck`; by default
//! [`crate::script::DEFAULT_DUCK_DB`], 8 dB).
//!
//! Detection, not a compressor's sidechain: speech is "on" in a 10 ms window whose RMS is
//! above [`ACTIVITY_THRESHOLD_DB`], held across the short pauses between words so the bed
//! does not pump, and anticipated by the attack time (we render offline, so the envelope
//! can look ahead) so the bed is already down when the first syllable lands.

#[cfg(test)]
use crate::audio::AudioBuffer;
use crate::mix::MixSettings;

/// RMS window for activity detection.
const WINDOW_S: f64 = 0.010;

/// Speech bus level (dBFS RMS over a window) above which someone is talking. Speech clips
/// sit around -16 to -30 LUFS; pauses in generated speech are near digital silence.
const ACTIVITY_THRESHOLD_DB: f64 = -45.0;

/// Activity is held this long after the last active window, bridging gaps between words.
const HOLD_S: f64 = 0.2;

/// Per-frame linear gains (1.0 = untouched) for an item ducked by `depth_db`, as long as
/// `speech`.
#[cfg(test)]
pub fn envelope(speech: &AudioBuffer, settings: &MixSettings, depth_db: f64) -> Vec<f32> {
    let frames = speech.frames();
    let mut activity = Activity::new(speech.sample_rate_hz, 0, frames);
    let channels: Vec<&[f32]> = speech.channels.iter().map(Vec::as_slice).collect();
    activity.add(0, &channels);
    let mut envelope = activity.envelope(settings);
    let mut amount = vec![0.0f32; frames];
    envelope.fill(&mut amount);
    let mut out = vec![0.0f32; frames];
    gains(&amount, depth_db, &mut out);
    out
}

/// The linear gains of an item that ducks `depth_db` under speech, from the envelope's
/// amounts (0: speech is off, 1: the full depth).
pub fn gains(amount: &[f32], depth_db: f64, out: &mut [f32]) {
    // Most of the time the amount sits at 0 or 1: `powf` stays off the common path.
    let mut last = (f32::NAN, 1.0f32);
    for (o, &a) in out.iter_mut().zip(amount) {
        if a != last.0 {
            last = (a, 10f64.powf(-depth_db * f64::from(a) / 20.0) as f32);
        }
        *o = last.1;
    }
}

/// Speech power per 10 ms window over a stretch of the timeline, gathered from blocks of
/// the speech bus as the mixer makes them.
pub struct Activity {
    rate_hz: u32,
    window: usize,
    /// The first window's index on the whole timeline.
    first_window: usize,
    end_frame: usize,
    /// Sum of squares per window, all channels.
    energy: Vec<f64>,
    channel_count: usize,
}

impl Activity {
    /// For frames `from..to` of the timeline; `from` is taken back to a window's start.
    pub fn new(rate_hz: u32, from: usize, to: usize) -> Activity {
        let window = ((WINDOW_S * f64::from(rate_hz)).round() as usize).max(1);
        let first_window = from / window;
        let windows = to.div_ceil(window).saturating_sub(first_window);
        Activity {
            rate_hz,
            window,
            first_window,
            end_frame: to,
            energy: vec![0.0; windows],
            channel_count: 1,
        }
    }

    /// The first frame it covers.
    pub fn start_frame(&self) -> usize {
        self.first_window * self.window
    }

    /// Adds a block of the speech bus that starts at timeline frame `start`.
    pub fn add(&mut self, start: usize, channels: &[&[f32]]) {
        self.channel_count = channels.len().max(1);
        for ch in channels {
            for (i, &s) in ch.iter().enumerate() {
                let Some(w) = ((start + i) / self.window).checked_sub(self.first_window) else {
                    continue;
                };
                if let Some(e) = self.energy.get_mut(w) {
                    *e += f64::from(s) * f64::from(s);
                }
            }
        }
    }

    /// How far ducked items are down from here on.
    pub fn envelope(&self, settings: &MixSettings) -> Envelope {
        let threshold_power = 10f64.powf(ACTIVITY_THRESHOLD_DB / 10.0);
        let windows = self.energy.len();
        let active = self.energy.iter().enumerate().map(|(w, e)| {
            let from = (self.first_window + w) * self.window;
            let to = (from + self.window).min(self.end_frame);
            let n = (to.saturating_sub(from) * self.channel_count).max(1);
            e / n as f64 > threshold_power
        });
        // Hold after activity, and start early by the attack time: a window is "ducked" when
        // there was activity up to `hold` windows before it or up to `lead` windows after it.
        let hold = (HOLD_S / WINDOW_S).round() as usize;
        let lead = (settings.duck_attack_s.max(0.0) / WINDOW_S).round() as usize;
        let mut ducked = vec![false; windows];
        for (w, _) in active.enumerate().filter(|(_, a)| *a) {
            let from = w.saturating_sub(lead);
            let to = (w + hold).min(windows.saturating_sub(1));
            ducked[from..=to].iter_mut().for_each(|d| *d = true);
        }
        // One-pole smoothing in dB. Time constants are a third of the stated times, so the
        // gain covers ~95% of the distance within attack_s / release_s.
        let rate_hz = f64::from(self.rate_hz);
        let coef = |time_s: f64| {
            let tau_frames = (time_s.max(1e-4) / 3.0) * rate_hz;
            1.0 - (-1.0 / tau_frames).exp()
        };
        Envelope {
            window: self.window,
            first_window: self.first_window,
            ducked,
            attack: coef(settings.duck_attack_s),
            release: coef(settings.duck_release_s),
            amount: 0.0,
            frame: self.start_frame(),
        }
    }
}

/// How far ducked items are down, frame by frame from the start of its [`Activity`]: an
/// amount from 0 (not at all) to 1 (each item's full depth), smoothed as a gain in dB is,
/// so an item's gain in dB is its depth times the amount ([`gains`]).
pub struct Envelope {
    window: usize,
    first_window: usize,
    ducked: Vec<bool>,
    attack: f64,
    release: f64,
    amount: f64,
    /// The timeline frame of the next amount.
    frame: usize,
}

impl Envelope {
    /// The amounts of the next `out.len()` frames.
    pub fn fill(&mut self, out: &mut [f32]) {
        for o in out {
            let ducked = (self.frame / self.window)
                .checked_sub(self.first_window)
                .and_then(|w| self.ducked.get(w))
                .copied()
                .unwrap_or(false);
            let target = if ducked { 1.0 } else { 0.0 };
            let c = if target > self.amount {
                self.attack
            } else {
                self.release
            };
            self.amount += (target - self.amount) * c;
            // Settled: exactly 0 or 1, so the gains of the common case are computed once.
            if (target - self.amount).abs() < 1e-9 {
                self.amount = target;
            }
            *o = self.amount as f32;
            self.frame += 1;
        }
    }

    /// Runs the envelope on to timeline frame `frame`.
    pub fn skip_to(&mut self, frame: usize) {
        let mut scratch = vec![0.0f32; 4096];
        while self.frame < frame {
            let n = (frame - self.frame).min(scratch.len());
            self.fill(&mut scratch[..n]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> MixSettings {
        MixSettings {
            sample_rate_hz: 48_000,
            ..MixSettings::default()
        }
    }

    #[test]
    fn ducks_during_speech_and_recovers() {
        // Silence 0-1 s, speech 1-2 s, silence 2-4 s.
        let mut s = vec![0.0f32; 4 * 48_000];
        let mut rng = crate::dsp::rng::Rng::new(9);
        for x in &mut s[48_000..96_000] {
            *x = 0.2 * rng.bipolar();
        }
        let speech = AudioBuffer::from_mono(48_000, s);
        for depth_db in [crate::script::DEFAULT_DUCK_DB, 12.0, 3.0] {
            let env = envelope(&speech, &settings(), depth_db);
            let db = |i: usize| 20.0 * f64::from(env[i]).log10();
            assert!(db(10_000).abs() < 0.01, "before: {}", db(10_000));
            assert!(
                db(48_000) < -0.85 * depth_db,
                "at onset: {} of {depth_db}",
                db(48_000)
            );
            assert!(
                (db(72_000) + depth_db).abs() < 0.1,
                "during: {} of {depth_db}",
                db(72_000)
            );
            assert!(db(3 * 48_000) > -0.2, "after: {}", db(3 * 48_000));
        }
    }
}
