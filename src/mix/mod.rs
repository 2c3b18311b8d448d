//! The mixer and the master: clips in, one mastered stereo track and per-bus stems out.
//!
//! Each clip is resampled to the mix rate, fitted to its span, panned (constant power), set
//! to its loudness (EBU R128), faded and summed block by block into its bus. Speech on the
//! speech bus drives a ducking envelope for background items. The bus sum is normalised to
//! the loudness target and true-peak limited ([`master`]).

mod clip;
mod duck;
mod limiter;
mod master;

use crate::Result;
use crate::audio::AudioBuffer;
use crate::audio::loudness::db_to_gain;

/// The three buses, in the order stems are returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bus {
    Speech,
    Music,
    Sfx,
}

impl Bus {
    pub const ALL: [Bus; 3] = [Bus::Speech, Bus::Music, Bus::Sfx];

    /// Lower-case name, used for stem file names.
    pub fn name(&self) -> &'static str {
        match self {
            Bus::Speech => "speech",
            Bus::Music => "music",
            Bus::Sfx => "sfx",
        }
    }

    fn index(self) -> usize {
        match self {
            Bus::Speech => 0,
            Bus::Music => 1,
            Bus::Sfx => 2,
        }
    }
}

/// One clip placed on the timeline.
#[derive(Clone, Debug)]
pub struct MixItem {
    /// The script row, for error messages.
    pub row_index: usize,
    pub bus: Bus,
    /// Any rate, any channel count (more than two are folded to stereo).
    pub audio: AudioBuffer,
    pub start_s: f64,
    /// Exact span: the clip is padded with silence or trimmed to it.
    pub length_s: f64,
    /// Clip loudness target (EBU R128 integrated, LUFS).
    pub volume_lufs: f64,
    /// -1 (left) .. 1 (right), constant power.
    pub pan: f64,
    /// Raised-cosine fades; each is shortened to half the clip if longer.
    pub fade_in_s: f64,
    pub fade_out_s: f64,
    /// Duck this item under the speech bus (background music). Ignored on the speech bus.
    pub duck: bool,
    /// The clip's integrated loudness as given, when the caller already knows it (a cached
    /// clip). Used when nothing the mixer does to the clip changes it (same rate and length,
    /// centre pan); otherwise, and when `None`, the mixer measures.
    pub loudness_lufs: Option<f64>,
}

/// Mix and master settings.
#[derive(Clone, Debug, PartialEq)]
pub struct MixSettings {
    /// Default: [`crate::audio::DEFAULT_SAMPLE_RATE_HZ`].
    pub sample_rate_hz: u32,
    /// Master integrated loudness target. Default: -16 LUFS.
    pub loudness_lufs: f64,
    /// Master true-peak ceiling. Default: -1 dBTP.
    pub true_peak_dbtp: f64,
    /// How far ducked items go down under speech. Default: 8 dB.
    pub duck_db: f64,
    /// Default: 0.05 s.
    pub duck_attack_s: f64,
    /// Default: 0.4 s.
    pub duck_release_s: f64,
    /// Also return each item's own part of the mix ([`Mixed::row_stems`]). Default: false.
    pub row_stems: bool,
}

impl Default for MixSettings {
    fn default() -> Self {
        MixSettings {
            sample_rate_hz: crate::audio::DEFAULT_SAMPLE_RATE_HZ,
            loudness_lufs: -16.0,
            true_peak_dbtp: -1.0,
            duck_db: 8.0,
            duck_attack_s: 0.05,
            duck_release_s: 0.4,
            row_stems: false,
        }
    }
}

/// The result of [`mix`].
#[derive(Clone, Debug)]
pub struct Mixed {
    /// Stereo at the mix rate.
    pub master: AudioBuffer,
    /// One per bus in [`Bus::ALL`] order, full length, with the master's gain but before
    /// the limiter (so stems sum to the master wherever the limiter was idle).
    pub stems: Vec<(Bus, AudioBuffer)>,
    /// With [`MixSettings::row_stems`]: each item's part of its bus stem (faded, panned,
    /// ducked, with the master's gain, before the limiter), over the item's span only, in
    /// item order. Summed at their start frames, they give the bus stems.
    pub row_stems: Vec<RowStem>,
    /// Measured on the final master; `-inf` when it is silent.
    pub loudness_lufs: f64,
    /// Measured on the final master; `-inf` when it is silent.
    pub true_peak_dbtp: f64,
}

/// One item's part of the mix, from `start_frame` of the track.
#[derive(Clone, Debug)]
pub struct RowStem {
    pub row_index: usize,
    pub start_frame: usize,
    /// Stereo, as long as the item's span (within the track).
    pub audio: AudioBuffer,
}

impl RowStem {
    /// The stem over the whole track: silence before and after the item.
    pub fn full_length(&self, total_frames: usize) -> AudioBuffer {
        let mut out = AudioBuffer::silence(self.audio.sample_rate_hz, 2, total_frames);
        for (o, s) in out.channels.iter_mut().zip(&self.audio.channels) {
            let end = (self.start_frame + s.len()).min(total_frames);
            let start = self.start_frame.min(end);
            o[start..end].copy_from_slice(&s[..end - start]);
        }
        out
    }
}

/// Mixes and masters `items`. The track is as long as the latest item end. Deterministic:
/// the same items and settings give bit-identical output.
pub fn mix(items: Vec<MixItem>, settings: &MixSettings) -> Result<Mixed> {
    let rate_hz = settings.sample_rate_hz;
    let prepared = prepare_all(&items, rate_hz)?;
    drop(items);
    let total_frames = prepared
        .iter()
        .map(|(_, _, c, _)| c.end_frame())
        .max()
        .unwrap_or(0);

    let mut buses: Vec<AudioBuffer> = Bus::ALL
        .iter()
        .map(|_| AudioBuffer::silence(rate_hz, 2, total_frames))
        .collect();

    let mut row_stems = Vec::new();
    // With row stems, each item is first mixed alone and then added to its bus, which
    // gives the same bus as summing it in directly.
    let mut sum_into =
        |bus: &mut AudioBuffer, row_index: usize, c: &clip::PreparedClip, env: Option<&[f32]>| {
            if !settings.row_stems {
                clip::sum_into(bus, c, env);
                return;
            }
            let audio = clip::alone(c, env, total_frames);
            for (out, ch) in bus.channels.iter_mut().zip(&audio.channels) {
                for (o, s) in out[c.start_frame..].iter_mut().zip(ch) {
                    *o += s;
                }
            }
            row_stems.push(RowStem {
                row_index,
                start_frame: c.start_frame,
                audio,
            });
        };
    // Speech first: it drives the ducking of everything else.
    for (bus, _, c, row) in prepared.iter().filter(|p| p.0 == Bus::Speech) {
        sum_into(&mut buses[bus.index()], *row, c, None);
    }
    let any_ducked = prepared
        .iter()
        .any(|(bus, duck, _, _)| *duck && *bus != Bus::Speech);
    let duck_env = any_ducked.then(|| duck::envelope(&buses[Bus::Speech.index()], settings));
    for (bus, duck, c, row) in prepared.iter().filter(|p| p.0 != Bus::Speech) {
        let env = if *duck { duck_env.as_deref() } else { None };
        sum_into(&mut buses[bus.index()], *row, c, env);
    }

    let mut sum = AudioBuffer::silence(rate_hz, 2, total_frames);
    for bus in &buses {
        for (out, ch) in sum.channels.iter_mut().zip(&bus.channels) {
            for (o, s) in out.iter_mut().zip(ch) {
                *o += s;
            }
        }
    }
    let mastered = master::master(&sum, settings.loudness_lufs, settings.true_peak_dbtp)?;

    let stem_gain = db_to_gain(mastered.gain_db) as f32;
    let stems = Bus::ALL
        .into_iter()
        .zip(buses)
        .map(|(bus, mut audio)| {
            for ch in &mut audio.channels {
                ch.iter_mut().for_each(|s| *s *= stem_gain);
            }
            (bus, audio)
        })
        .collect();
    for stem in &mut row_stems {
        for ch in &mut stem.audio.channels {
            ch.iter_mut().for_each(|s| *s *= stem_gain);
        }
    }
    row_stems.sort_by_key(|s| s.row_index);
    Ok(Mixed {
        master: mastered.audio,
        stems,
        row_stems,
        loudness_lufs: mastered.loudness_lufs,
        true_peak_dbtp: mastered.true_peak_dbtp,
    })
}

/// Prepares every item (resampling and loudness metering dominate), spread over the cores.
fn prepare_all(
    items: &[MixItem],
    rate_hz: u32,
) -> Result<Vec<(Bus, bool, clip::PreparedClip, usize)>> {
    crate::parallel::try_map(items, |item| {
        clip::prepare(item, rate_hz).map(|c| (item.bus, item.duck, c, item.row_index))
    })
}

#[cfg(test)]
mod tests;
