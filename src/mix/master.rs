//! Mastering: loudness normalisation plus true-peak limiting, iterated until both hold,
//! streamed from the scratch file so a track of any length is mastered in bounded memory.

use crate::Result;
use crate::audio::loudness::{StreamMeter, db_to_gain};
use crate::mix::limiter::{ENVELOPE_CONTEXT, GainCurve, envelope_block, required_gain};
use crate::mix::scratch::Scratch;

/// Stop iterating once this close to the loudness target (the promise is ±0.3 LU).
const AIM_LU: f64 = 0.1;
const MAX_PASSES: usize = 6;
/// The limiter's internal ceiling starts this far under the requested one: our peak
/// estimate and ebur128's meter interpolate differently.
const PEAK_MARGIN_DB: f64 = 0.1;

/// What the master did: the gain before the limiter, and the final measurements.
#[derive(Clone, Copy, Debug)]
pub struct Mastered {
    pub gain_db: f64,
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
}

/// Where the master's level comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Level {
    /// Normalised to this integrated loudness, LUFS.
    Loudness(f64),
    /// This gain before the limiter, dB, whatever the loudness that gives (a partial render
    /// at its whole script's level).
    Gain(f64),
}

/// Frames per block of a mastering pass.
const BLOCK_FRAMES: usize = 1 << 16;

/// Masters the bus sum in the first two channels of `scratch` (integrated loudness
/// `sum_lufs`) to `level` with true peak at most `ceiling_dbtp`, and hands the result to
/// `write` block by block.
///
/// Limiting lowers loudness, so for a loudness target each pass re-measures and raises the
/// pre-limiter gain by the shortfall, and lowers the limiter's internal ceiling if the meter
/// still reads over. If the target cannot be met (a very peaky signal), the closest result
/// that respects the ceiling wins: the ceiling is never traded for loudness. A fixed gain
/// only lowers the ceiling until it holds. Silence passes through. Each pass keeps its
/// output in a scratch file of its own; the chosen one is copied out.
pub fn master(
    scratch: &mut Scratch,
    rate_hz: u32,
    sum_lufs: f64,
    level: Level,
    ceiling_dbtp: f64,
    write: &mut dyn FnMut(&[&[f32]]) -> Result<()>,
) -> Result<Mastered> {
    if !sum_lufs.is_finite() {
        let mut meter = StreamMeter::new(rate_hz, 2, true)?;
        for start in (0..scratch.frames()).step_by(BLOCK_FRAMES) {
            let len = BLOCK_FRAMES.min(scratch.frames() - start);
            let block = scratch.read(start as i64, len, 0..2)?;
            let block = [block[0].as_slice(), block[1].as_slice()];
            meter.add(&block)?;
            write(&block)?;
        }
        let (_, true_peak_dbtp) = meter.finish()?;
        return Ok(Mastered {
            gain_db: 0.0,
            loudness_lufs: sum_lufs,
            true_peak_dbtp,
        });
    }
    // The true-peak envelope scales with the gain, so it is found once for every pass.
    let mut envelope = scratch.sibling(1)?;
    let context = ENVELOPE_CONTEXT as i64;
    for start in (0..scratch.frames()).step_by(BLOCK_FRAMES) {
        let len = BLOCK_FRAMES.min(scratch.frames() - start);
        let around = scratch.read(start as i64 - context, len + 2 * ENVELOPE_CONTEXT, 0..2)?;
        envelope.append(&[&envelope_block(&[&around[0], &around[1]], len)])?;
    }
    // Each pass keeps what it made, so the chosen one is copied out rather than made again.
    let mut measure = |pass: &Pass| -> Result<(f64, f64, Scratch)> {
        let mut meter = StreamMeter::new(rate_hz, 2, true)?;
        let mut out = scratch.sibling(2)?;
        pass.run(scratch, &mut envelope, rate_hz, &mut |block| {
            meter.add(block)?;
            out.append(block)
        })?;
        let (lufs, tp) = meter.finish()?;
        Ok((lufs, tp, out))
    };
    let (gain_db, target_lufs) = match level {
        Level::Loudness(target) => (target - sum_lufs, Some(target)),
        Level::Gain(gain_db) => (gain_db, None),
    };
    let mut pass = Pass {
        gain_db,
        limiter_ceiling_db: ceiling_dbtp - PEAK_MARGIN_DB,
    };
    let max_gain_db = pass.gain_db + 20.0;
    let error_lu = |lufs: f64| target_lufs.map_or(0.0, |t| (lufs - t).abs());
    let mut best: Option<(Pass, f64, f64, Scratch)> = None;
    let mut last: Option<(Pass, f64, f64, Scratch)> = None;
    for _ in 0..MAX_PASSES {
        let ran = pass;
        let (lufs, tp, out) = measure(&ran)?;
        let met = tp <= ceiling_dbtp;
        if met {
            if best.as_ref().is_none_or(|b| error_lu(lufs) < error_lu(b.1)) {
                best = Some((ran, lufs, tp, out));
            }
            if error_lu(lufs) <= AIM_LU {
                break;
            }
        } else {
            last = Some((ran, lufs, tp, out));
            pass.limiter_ceiling_db -= tp - ceiling_dbtp + 0.05;
        }
        // Only ever push harder by what the limiter took away; cap the total push so a
        // pathological signal is not driven into a wall of limiting.
        if let Some(target) = target_lufs {
            pass.gain_db = (pass.gain_db + target - lufs).min(max_gain_db);
        }
    }
    if let Some((chosen, loudness_lufs, true_peak_dbtp, mut out)) = best {
        out.for_each_block(BLOCK_FRAMES, 0..2, write)?;
        return Ok(Mastered {
            gain_db: chosen.gain_db,
            loudness_lufs,
            true_peak_dbtp,
        });
    }
    // No pass met the ceiling: take the last one down by the overshoot. True peak scales
    // with gain, so this meets the ceiling (with a small margin for meter rounding).
    let (last, _, tp, mut out) = last.expect("a pass that missed the ceiling");
    let trim_db = ceiling_dbtp - tp - 0.05;
    let trim = db_to_gain(trim_db) as f32;
    let mut meter = StreamMeter::new(rate_hz, 2, true)?;
    out.for_each_block(BLOCK_FRAMES, 0..2, &mut |block| {
        let trimmed: Vec<Vec<f32>> = block
            .iter()
            .map(|ch| ch.iter().map(|s| s * trim).collect())
            .collect();
        let trimmed = [trimmed[0].as_slice(), trimmed[1].as_slice()];
        meter.add(&trimmed)?;
        write(&trimmed)
    })?;
    let (loudness_lufs, true_peak_dbtp) = meter.finish()?;
    Ok(Mastered {
        gain_db: last.gain_db + trim_db,
        loudness_lufs,
        true_peak_dbtp,
    })
}

/// One mastering pass: gain and the true-peak limiter.
#[derive(Clone, Copy, Debug)]
struct Pass {
    gain_db: f64,
    limiter_ceiling_db: f64,
}

impl Pass {
    /// Streams the mastered sum to `out`. The limiter's gain runs [`GainCurve`]'s lookahead
    /// behind the envelope, so each block of output is read back once its gains are known.
    fn run(
        &self,
        scratch: &mut Scratch,
        envelope: &mut Scratch,
        rate_hz: u32,
        out: &mut dyn FnMut(&[&[f32]]) -> Result<()>,
    ) -> Result<()> {
        let frames = scratch.frames();
        let gain = db_to_gain(self.gain_db);
        let ceiling = db_to_gain(self.limiter_ceiling_db);
        let mut curve = GainCurve::for_rate(rate_hz);
        let mut gains: Vec<f64> = Vec::with_capacity(BLOCK_FRAMES + 1024);
        let mut done = 0usize;
        let mut flush = |scratch: &mut Scratch, gains: &mut Vec<f64>| -> Result<()> {
            if gains.is_empty() {
                return Ok(());
            }
            let mut block = scratch.read(done as i64, gains.len(), 0..2)?;
            for ch in &mut block {
                for (s, g) in ch.iter_mut().zip(gains.iter()) {
                    *s = (f64::from(*s * gain as f32) * g) as f32;
                }
            }
            done += gains.len();
            gains.clear();
            out(&[&block[0], &block[1]])
        };
        for start in (0..frames).step_by(BLOCK_FRAMES) {
            let len = BLOCK_FRAMES.min(frames - start);
            let peaks = envelope.read(start as i64, len, 0..1)?;
            for &p in &peaks[0] {
                curve.push(required_gain(f64::from(p) * gain, ceiling), &mut |g| {
                    gains.push(g)
                });
            }
            flush(scratch, &mut gains)?;
        }
        curve.finish(&mut |g| gains.push(g));
        flush(scratch, &mut gains)
    }
}

#[cfg(test)]
mod tests {
    use crate::audio::AudioBuffer;
    use crate::audio::loudness::{integrated_lufs, true_peak_dbtp};
    use crate::mix::tests::item;
    use crate::mix::{Bus, MixSettings, mix};

    /// A 1 kHz tone at `amplitude`, 3 s.
    fn tone(amplitude: f32) -> AudioBuffer {
        let s = (0..144_000)
            .map(|i| amplitude * (std::f32::consts::TAU * 1000.0 * i as f32 / 48_000.0).sin())
            .collect();
        AudioBuffer::from_mono(48_000, s)
    }

    #[test]
    fn a_fixed_gain_is_applied_as_given_and_the_ceiling_still_holds() {
        let quiet = mix(
            vec![item(Bus::Sfx, tone(0.1), 0.0)],
            &MixSettings {
                gain_db: Some(-6.0),
                ..MixSettings::default()
            },
        )
        .unwrap();
        // The item is set to -20 LUFS; -6 dB of gain makes it -26, not the -16 target.
        let lufs = integrated_lufs(&quiet.master).unwrap();
        assert!((lufs + 26.0).abs() < 0.2, "{lufs}");
        assert!((quiet.loudness_lufs - lufs).abs() < 0.01);

        let loud = mix(
            vec![item(Bus::Sfx, tone(0.1), 0.0)],
            &MixSettings {
                gain_db: Some(30.0),
                ..MixSettings::default()
            },
        )
        .unwrap();
        let tp = true_peak_dbtp(&loud.master).unwrap();
        assert!(tp <= -1.0 + 1e-6, "{tp}");
    }
}
