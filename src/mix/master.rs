//! Mastering: loudness normalisation plus true-peak limiting, iterated until both hold.

use crate::Result;
use crate::audio::AudioBuffer;
use crate::audio::loudness::{db_to_gain, integrated_lufs, loudness_and_true_peak, true_peak_dbtp};
use crate::mix::limiter::{limit_with_envelope, true_peak_envelope};

/// Stop iterating once this close to the loudness target (the promise is ±0.3 LU).
const AIM_LU: f64 = 0.1;
const MAX_PASSES: usize = 6;
/// The limiter's internal ceiling starts this far under the requested one: our peak
/// estimate and ebur128's meter interpolate differently.
const PEAK_MARGIN_DB: f64 = 0.1;

/// The mastered bus sum, the gain applied before the limiter, and the final measurements.
#[derive(Clone, Debug)]
pub struct Mastered {
    pub audio: AudioBuffer,
    pub gain_db: f64,
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
}

fn gained(buf: &AudioBuffer, gain_db: f64) -> AudioBuffer {
    let g = db_to_gain(gain_db) as f32;
    AudioBuffer {
        sample_rate_hz: buf.sample_rate_hz,
        channels: buf
            .channels
            .iter()
            .map(|ch| ch.iter().map(|s| s * g).collect())
            .collect(),
    }
}

/// Brings `sum` to `target_lufs` integrated with true peak at most `ceiling_dbtp`.
///
/// Limiting lowers loudness, so each pass re-measures and raises the pre-limiter gain by the
/// shortfall, and lowers the limiter's internal ceiling if the meter still reads over. If
/// the target cannot be met (a very peaky signal), the closest result that respects the
/// ceiling wins: the ceiling is never traded for loudness. Silence passes through.
pub fn master(sum: &AudioBuffer, target_lufs: f64, ceiling_dbtp: f64) -> Result<Mastered> {
    let lufs = integrated_lufs(sum)?;
    if !lufs.is_finite() {
        let true_peak_dbtp = true_peak_dbtp(sum)?;
        return Ok(Mastered {
            audio: sum.clone(),
            gain_db: 0.0,
            loudness_lufs: lufs,
            true_peak_dbtp,
        });
    }
    let mut gain_db = target_lufs - lufs;
    let max_gain_db = gain_db + 20.0;
    let mut limiter_ceiling_db = ceiling_dbtp - PEAK_MARGIN_DB;
    let envelope = true_peak_envelope(sum);
    let mut best: Option<Mastered> = None;
    let mut last: Option<Mastered> = None;
    for _ in 0..MAX_PASSES {
        let mut audio = gained(sum, gain_db);
        limit_with_envelope(
            &mut audio,
            &envelope,
            db_to_gain(gain_db),
            limiter_ceiling_db,
        );
        let (lufs, tp) = loudness_and_true_peak(&audio)?;
        let pass = Mastered {
            audio,
            gain_db,
            loudness_lufs: lufs,
            true_peak_dbtp: tp,
        };
        let error_lu = (lufs - target_lufs).abs();
        if tp <= ceiling_dbtp {
            let better = best
                .as_ref()
                .is_none_or(|b| error_lu < (b.loudness_lufs - target_lufs).abs());
            if better {
                best = Some(pass.clone());
            }
            if error_lu <= AIM_LU {
                break;
            }
        } else {
            limiter_ceiling_db -= tp - ceiling_dbtp + 0.05;
        }
        // Only ever push harder by what the limiter took away; cap the total push so a
        // pathological signal is not driven into a wall of limiting.
        gain_db = (gain_db + target_lufs - lufs).min(max_gain_db);
        last = Some(pass);
    }
    if let Some(best) = best {
        return Ok(best);
    }
    // No pass met the ceiling: take the last one down by the overshoot. True peak scales
    // with gain, so this meets the ceiling (with a small margin for meter rounding).
    let last = last.expect("at least one pass ran");
    let trim_db = ceiling_dbtp - last.true_peak_dbtp - 0.05;
    let audio = gained(&last.audio, trim_db);
    let (lufs, tp) = loudness_and_true_peak(&audio)?;
    Ok(Mastered {
        audio,
        gain_db: last.gain_db + trim_db,
        loudness_lufs: lufs,
        true_peak_dbtp: tp,
    })
}
