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

mod scratch;

use std::path::PathBuf;
use std::sync::Arc;

use crate::audio::AudioBuffer;
use crate::audio::loudness::{StreamMeter, db_to_gain};
use crate::audio::sink::{AudioSink, MemorySink};
use crate::{Error, Result};
use scratch::Scratch;

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

/// Where an item's audio comes from: a buffer, or a loader called when the mix reaches the
/// item (and again on a later pass), so a long episode never holds all its clips at once.
#[derive(Clone)]
pub enum Source {
    Audio(Arc<AudioBuffer>),
    Load(Arc<dyn Fn() -> Result<AudioBuffer> + Send + Sync>),
}

impl Source {
    pub fn load(&self) -> Result<AudioBuffer> {
        match self {
            Source::Audio(a) => Ok(AudioBuffer::clone(a)),
            Source::Load(f) => f(),
        }
    }
}

impl From<AudioBuffer> for Source {
    fn from(audio: AudioBuffer) -> Source {
        Source::Audio(Arc::new(audio))
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Audio(a) => write!(f, "Audio({} frames)", a.frames()),
            Source::Load(_) => f.write_str("Load(..)"),
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
    pub audio: Source,
    pub start_s: f64,
    /// Exact span: the clip is padded with silence or trimmed to it (or looped, below).
    pub length_s: f64,
    /// Clip loudness target (EBU R128 integrated, LUFS).
    pub volume_lufs: f64,
    /// -1 (left) .. 1 (right), constant power.
    pub pan: f64,
    /// Raised-cosine fades; each is shortened to half the clip if longer.
    pub fade_in_s: f64,
    pub fade_out_s: f64,
    /// How far this item goes down under the speech bus, dB (a background's `duck`);
    /// `None`: not at all. Ignored on the speech bus.
    pub duck_db: Option<f64>,
    /// The clip's integrated loudness as given, when the caller already knows it (a cached
    /// clip). Used when nothing the mixer does to the clip changes it (same rate and length,
    /// centre pan); otherwise, and when `None`, the mixer measures.
    pub loudness_lufs: Option<f64>,
    /// Play the clip in a loop of this period when its span is longer than the clip: the
    /// clip's part after the period is crossfaded over its start
    /// ([`crate::generate::Request::loop_period_s`]).
    pub loop_period_s: Option<f64>,
}

/// Mix and master settings.
#[derive(Clone, Debug, PartialEq)]
pub struct MixSettings {
    /// Default: [`crate::audio::DEFAULT_SAMPLE_RATE_HZ`].
    pub sample_rate_hz: u32,
    /// Master integrated loudness target. Default: -16 LUFS.
    pub loudness_lufs: f64,
    /// Master at this gain (dB, before the limiter) instead of to `loudness_lufs`: a part
    /// of a track played at the level it has in the whole. The true-peak ceiling still
    /// holds. Default: `None`.
    pub gain_db: Option<f64>,
    /// Master true-peak ceiling. Default: -1 dBTP.
    pub true_peak_dbtp: f64,
    /// Default: 0.05 s.
    pub duck_attack_s: f64,
    /// Default: 0.4 s.
    pub duck_release_s: f64,
    /// Also return each item's own part of the mix ([`Mixed::row_stems`]). Default: false.
    pub row_stems: bool,
    /// Mix only this stretch of the timeline (seconds from its start), mastered on its own.
    /// Default: all of it.
    pub window_s: Option<(f64, f64)>,
    /// Where the unmastered mix waits between passes (an unnamed file, removed when the
    /// mix ends). Default: the system's temporary folder.
    pub scratch_dir: Option<PathBuf>,
}

impl Default for MixSettings {
    fn default() -> Self {
        MixSettings {
            sample_rate_hz: crate::audio::DEFAULT_SAMPLE_RATE_HZ,
            loudness_lufs: -16.0,
            gain_db: None,
            true_peak_dbtp: -1.0,
            duck_attack_s: 0.05,
            duck_release_s: 0.4,
            row_stems: false,
            window_s: None,
            scratch_dir: None,
        }
    }
}

/// Where a mix goes: the master, and optionally one stereo stem per bus in [`Bus::ALL`]
/// order, each as long as the master, with the master's gain but before the limiter (so the
/// stems sum to the master wherever the limiter was idle).
pub struct Sinks<'a> {
    pub master: &'a mut dyn AudioSink,
    pub stems: Option<[&'a mut dyn AudioSink; 3]>,
}

/// What [`mix_into`] measured and made besides the audio it wrote.
#[derive(Clone, Debug)]
pub struct MixReport {
    pub sample_rate_hz: u32,
    /// The master's length.
    pub frames: usize,
    /// Measured on the final master; `-inf` when it is silent.
    pub loudness_lufs: f64,
    /// Measured on the final master; `-inf` when it is silent.
    pub true_peak_dbtp: f64,
    /// The gain the master applied before its limiter, dB (0 for silence).
    pub gain_db: f64,
    /// With [`MixSettings::row_stems`]: each item's part of its bus stem (faded, panned,
    /// ducked, with the master's gain, before the limiter), over the item's span only, in
    /// item order. Summed at their start frames, they give the bus stems.
    pub row_stems: Vec<RowStem>,
}

impl MixReport {
    pub fn duration_s(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate_hz)
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
    /// See [`MixReport::row_stems`].
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

/// Mixes and masters `items` in memory. See [`mix_into`].
pub fn mix(items: Vec<MixItem>, settings: &MixSettings) -> Result<Mixed> {
    let rate_hz = settings.sample_rate_hz;
    let mut master = MemorySink::new(rate_hz, 2);
    let mut stems = [(); 3].map(|()| MemorySink::new(rate_hz, 2));
    let [speech, music, sfx] = &mut stems;
    let report = mix_into(
        items,
        settings,
        Sinks {
            master: &mut master,
            stems: Some([speech, music, sfx]),
        },
    )?;
    Ok(Mixed {
        master: master.audio,
        stems: Bus::ALL.into_iter().zip(stems.map(|s| s.audio)).collect(),
        row_stems: report.row_stems,
        loudness_lufs: report.loudness_lufs,
        true_peak_dbtp: report.true_peak_dbtp,
    })
}

/// Frames per block of the mix.
const BLOCK_FRAMES: usize = 1 << 15;

/// Speech activity before a window this long still moves the ducking inside it (the
/// envelope's release has long settled after it).
const DUCK_HISTORY_S: f64 = 10.0;

/// Mixes and masters `items` into `sinks`, block by block. The track runs from 0 (or the
/// window's start) to the latest item end (or the window's end).
///
/// Memory is bounded by what plays at once, not by the track's length: items are loaded
/// ([`Source`]) when the mix reaches them and dropped when it passes them, and the bus sum
/// waits in an unnamed scratch file while the master is found ([`master`]): one pass
/// mixes, then each mastering pass streams the scratch file, and the last one writes.
/// Deterministic: the same items and settings give bit-identical output.
pub fn mix_into(
    items: Vec<MixItem>,
    settings: &MixSettings,
    sinks: Sinks<'_>,
) -> Result<MixReport> {
    let rate_hz = settings.sample_rate_hz;
    for item in &items {
        clip::check(item)?;
    }
    let spans: Vec<(usize, usize)> = items.iter().map(|i| clip::span(i, rate_hz)).collect();
    let track_end = spans.iter().map(|s| s.1).max().unwrap_or(0);
    let (from, to) = match settings.window_s {
        Some((a, b)) => {
            if !(a.is_finite() && b.is_finite() && a >= 0.0 && b > a) {
                return Err(Error::BadInput(format!(
                    "a window from {a} s to {b} s: it must start at 0 s or later and end after \
                     it starts"
                )));
            }
            let at = |s: f64| ((s * f64::from(rate_hz)).round() as usize).min(track_end);
            (at(a), at(b))
        }
        None => (0, track_end),
    };

    // Ducking needs the speech bus's activity before anything ducks.
    let ducks = |i: &MixItem| i.duck_db.filter(|_| i.bus != Bus::Speech);
    let any_ducked = items.iter().any(|i| ducks(i).is_some());
    let mut envelope = if any_ducked {
        let history = (DUCK_HISTORY_S * f64::from(rate_hz)) as usize;
        let lead = ((settings.duck_attack_s.max(0.0) + 0.1) * f64::from(rate_hz)) as usize;
        let mut activity = duck::Activity::new(
            rate_hz,
            from.saturating_sub(history),
            (to + lead).min(track_end),
        );
        let speech: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].bus == Bus::Speech)
            .collect();
        let mut playing = Playing::new(&items, &spans, speech, false);
        let (a, b) = (activity.start_frame(), (to + lead).min(track_end));
        for start in (a..b).step_by(BLOCK_FRAMES) {
            let len = BLOCK_FRAMES.min(b - start);
            playing.advance(start, start + len, rate_hz)?;
            let mut block = vec![vec![0.0f32; len]; 2];
            for (_, c, _) in &playing.live {
                clip::add_block(&mut block, start, c, None);
            }
            activity.add(start, &[&block[0], &block[1]]);
        }
        let mut e = activity.envelope(settings);
        e.skip_to(from);
        Some(e)
    } else {
        None
    };

    // The mix pass: buses summed block by block into the scratch file.
    let with_stems = sinks.stems.is_some();
    let mut scratch = Scratch::new(
        settings.scratch_dir.as_deref(),
        if with_stems { 8 } else { 2 },
    )?;
    let mut meter = StreamMeter::new(rate_hz, 2, false)?;
    let all: Vec<usize> = (0..items.len()).collect();
    let mut playing = Playing::new(&items, &spans, all, settings.row_stems);
    let mut duck_amount = vec![0.0f32; BLOCK_FRAMES];
    let mut duck_gain = vec![0.0f32; BLOCK_FRAMES];
    for start in (from..to).step_by(BLOCK_FRAMES) {
        let len = BLOCK_FRAMES.min(to - start);
        playing.advance(start, start + len, rate_hz)?;
        let mut buses = vec![vec![vec![0.0f32; len]; 2]; 3];
        if let Some(e) = &mut envelope {
            e.fill(&mut duck_amount[..len]);
        }
        // Speech first, then the rest, each in item order.
        for speech_pass in [true, false] {
            for (index, c, stem) in &mut playing.live {
                let item = &items[*index];
                if (item.bus == Bus::Speech) != speech_pass {
                    continue;
                }
                // The envelope exists exactly when some non-speech item ducks.
                let duck = match ducks(item) {
                    Some(depth_db) => {
                        duck::gains(&duck_amount[..len], depth_db, &mut duck_gain[..len]);
                        Some(&duck_gain[..len])
                    }
                    None => None,
                };
                match stem {
                    Some((_, stem)) => {
                        // Mixed alone, then added: the same bus as summing it in directly.
                        let mut alone = vec![vec![0.0f32; len]; 2];
                        clip::add_block(&mut alone, start, c, duck);
                        let at = start.max(c.start_frame);
                        let skip = at - start;
                        for ((bus, own), part) in buses[item.bus.index()]
                            .iter_mut()
                            .zip(&mut stem.channels)
                            .zip(&alone)
                        {
                            for (o, s) in bus.iter_mut().zip(part) {
                                *o += s;
                            }
                            let until = (c.end_frame().min(start + len)).saturating_sub(start);
                            own.extend_from_slice(&part[skip..until.max(skip)]);
                        }
                    }
                    None => clip::add_block(&mut buses[item.bus.index()], start, c, duck),
                }
            }
        }
        let sum: Vec<Vec<f32>> = (0..2)
            .map(|ch| {
                (0..len)
                    .map(|k| buses[0][ch][k] + buses[1][ch][k] + buses[2][ch][k])
                    .collect()
            })
            .collect();
        meter.add(&[&sum[0], &sum[1]])?;
        let mut channels: Vec<&[f32]> = vec![&sum[0], &sum[1]];
        if with_stems {
            channels.extend(buses.iter().flat_map(|b| b.iter().map(Vec::as_slice)));
        }
        scratch.append(&channels)?;
    }
    let row_stems = playing.finish();
    let (sum_lufs, _) = meter.finish()?;

    let mastered = master::master(
        &mut scratch,
        rate_hz,
        sum_lufs,
        settings.gain_db.map_or(
            master::Level::Loudness(settings.loudness_lufs),
            master::Level::Gain,
        ),
        settings.true_peak_dbtp,
        &mut |block| sinks.master.write(block),
    )?;
    if let Some(stems) = sinks.stems {
        // The stems are the buses with the master's gain, known only now.
        let g = db_to_gain(mastered.gain_db) as f32;
        let mut stems = stems;
        for start in (0..scratch.frames()).step_by(BLOCK_FRAMES) {
            let len = BLOCK_FRAMES.min(scratch.frames() - start);
            let block = scratch.read(start as i64, len, 2..8)?;
            for (pair, sink) in block.chunks_exact(2).zip(stems.iter_mut()) {
                let gained: Vec<Vec<f32>> = pair
                    .iter()
                    .map(|ch| ch.iter().map(|s| s * g).collect())
                    .collect();
                sink.write(&[&gained[0], &gained[1]])?;
            }
        }
    }
    let g = db_to_gain(mastered.gain_db) as f32;
    let mut row_stems = row_stems;
    for stem in &mut row_stems {
        stem.start_frame -= from;
        for ch in &mut stem.audio.channels {
            ch.iter_mut().for_each(|s| *s *= g);
        }
    }
    row_stems.sort_by_key(|s| s.row_index);
    Ok(MixReport {
        sample_rate_hz: rate_hz,
        frames: to - from,
        loudness_lufs: mastered.loudness_lufs,
        true_peak_dbtp: mastered.true_peak_dbtp,
        gain_db: mastered.gain_db,
        row_stems,
    })
}

/// A playing item: its index, its clip, and its row stem so far with the frame it starts at.
type Live = (usize, clip::PreparedClip, Option<(usize, AudioBuffer)>);

/// The items playing in the current block, loaded on the way in and dropped on the way out.
struct Playing<'a> {
    items: &'a [MixItem],
    spans: &'a [(usize, usize)],
    /// Item indices by start frame (ties in item order), not yet started.
    waiting: std::collections::VecDeque<usize>,
    /// In item order.
    live: Vec<Live>,
    row_stems: bool,
    finished_stems: Vec<RowStem>,
}

impl<'a> Playing<'a> {
    fn new(
        items: &'a [MixItem],
        spans: &'a [(usize, usize)],
        mut which: Vec<usize>,
        row_stems: bool,
    ) -> Playing<'a> {
        which.retain(|&i| spans[i].1 > spans[i].0);
        which.sort_by_key(|&i| (spans[i].0, i));
        Playing {
            items,
            spans,
            waiting: which.into(),
            live: Vec::new(),
            row_stems,
            finished_stems: Vec::new(),
        }
    }

    /// Makes `live` the items that sound in frames `start..end`, loading those that begin
    /// (several at once, on all cores).
    fn advance(&mut self, start: usize, end: usize, rate_hz: u32) -> Result<()> {
        let mut ended = Vec::new();
        self.live.retain_mut(|(i, c, stem)| {
            let keep = c.end_frame() > start;
            if !keep && let Some((start_frame, audio)) = stem.take() {
                ended.push(RowStem {
                    row_index: self.items[*i].row_index,
                    start_frame,
                    audio,
                });
            }
            keep
        });
        self.finished_stems.extend(ended);
        let mut starting = Vec::new();
        while let Some(&i) = self.waiting.front() {
            if self.spans[i].0 >= end {
                break;
            }
            self.waiting.pop_front();
            // An item that ends before this block (a window that starts later) never plays.
            if self.spans[i].1 > start {
                starting.push(i);
            }
        }
        if starting.is_empty() {
            return Ok(());
        }
        let clips =
            crate::parallel::try_map(&starting, |&i| clip::prepare(&self.items[i], rate_hz))?;
        for (i, c) in starting.into_iter().zip(clips) {
            let stem = self.row_stems.then(|| {
                (
                    c.start_frame.max(start),
                    AudioBuffer::silence(rate_hz, 2, 0),
                )
            });
            self.live.push((i, c, stem));
        }
        self.live.sort_by_key(|(i, _, _)| *i);
        Ok(())
    }

    /// The row stems, once the mix is done.
    fn finish(mut self) -> Vec<RowStem> {
        for (i, _, stem) in self.live.drain(..) {
            if let Some((start_frame, audio)) = stem {
                self.finished_stems.push(RowStem {
                    row_index: self.items[i].row_index,
                    start_frame,
                    audio,
                });
            }
        }
        self.finished_stems
    }
}

#[cfg(test)]
mod tests;
