//! Ducking: a gain envelope, driven by speech activity on the speech bus, that lowers
//! background items while someone talks.
//!
//! Detection, not a compressor's sidechain: speech is "on" in a 10 ms window whose RMS is
//! above [`ACTIVITY_THRESHOLD_DB`], held across the short pauses between words so the bed
//! does not pump, and anticipated by the attack time (we render offline, so the envelope
//! can look ahead) so the bed is already down when the first syllable lands.

use crate::audio::AudioBuffer;
use crate::mix::MixSettings;

/// RMS window for activity detection.
const WINDOW_S: f64 = 0.010;

/// Speech bus level (dBFS RMS over a window) above which someone is talking. Speech clips
/// sit around -16 to -30 LUFS; pauses in generated speech are near digital silence.
const ACTIVITY_THRESHOLD_DB: f64 = -45.0;

/// Activity is held this long after the last active window, bridging gaps between words.
const HOLD_S: f64 = 0.2;

/// Per-frame linear gains (1.0 = untouched) for ducked items, as long as `speech`.
pub fn envelope(speech: &AudioBuffer, settings: &MixSettings) -> Vec<f32> {
    let rate_hz = f64::from(speech.sample_rate_hz);
    let frames = speech.frames();
    let window = ((WINDOW_S * rate_hz).round() as usize).max(1);
    let windows = frames.div_ceil(window);

    let threshold_power = 10f64.powf(ACTIVITY_THRESHOLD_DB / 10.0);
    let active: Vec<bool> = (0..windows)
        .map(|w| {
            let range = w * window..((w + 1) * window).min(frames);
            let n = (range.len() * speech.channel_count()).max(1);
            let power: f64 = speech
                .channels
                .iter()
                .flat_map(|ch| ch[range.clone()].iter())
                .map(|&s| f64::from(s) * f64::from(s))
                .sum::<f64>()
                / n as f64;
            power > threshold_power
        })
        .collect();

    // Hold after activity, and start early by the attack time: a window is "ducked" when
    // there was activity up to `hold` windows before it or up to `lead` windows after it.
    let hold = (HOLD_S / WINDOW_S).round() as usize;
    let lead = (settings.duck_attack_s.max(0.0) / WINDOW_S).round() as usize;
    let mut ducked = vec![false; windows];
    for (w, _) in active.iter().enumerate().filter(|(_, a)| **a) {
        let from = w.saturating_sub(lead);
        let to = (w + hold).min(windows.saturating_sub(1));
        ducked[from..=to].iter_mut().for_each(|d| *d = true);
    }

    // One-pole smoothing in dB. Time constants are a third of the stated times, so the
    // gain covers ~95% of the distance within attack_s / release_s.
    let coef = |time_s: f64| {
        let tau_frames = (time_s.max(1e-4) / 3.0) * rate_hz;
        1.0 - (-1.0 / tau_frames).exp()
    };
    let (attack, release) = (coef(settings.duck_attack_s), coef(settings.duck_release_s));
    let depth_db = -settings.duck_db.abs();
    let mut gain_db = 0.0f64;
    // Most of the time the gain sits at 0 dB or at the full depth: recompute the linear gain
    // only when the dB value has moved, which keeps `powf` off the common path.
    let mut last = (f64::NAN, 1.0f32);
    (0..frames)
        .map(|i| {
            let target_db = if ducked[i / window] { depth_db } else { 0.0 };
            let c = if target_db < gain_db { attack } else { release };
            gain_db += (target_db - gain_db) * c;
            if (gain_db - last.0).abs() > 1e-7 || last.0.is_nan() {
                last = (gain_db, 10f64.powf(gain_db / 20.0) as f32);
            }
            last.1
        })
        .collect()
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
        let env = envelope(&AudioBuffer::from_mono(48_000, s), &settings());
        let db = |i: usize| 20.0 * f64::from(env[i]).log10();
        assert!(db(10_000).abs() < 0.01, "before: {}", db(10_000));
        assert!(db(48_000) < -7.0, "at onset: {}", db(48_000));
        assert!((db(72_000) + 8.0).abs() < 0.1, "during: {}", db(72_000));
        assert!(db(3 * 48_000) > -0.2, "after: {}", db(3 * 48_000));
    }
}
