//! The render pipeline: script → foreground clips → timeline → background clips → mix.
//!
//! Each stage's output is a typed value; the CLI prints them (`onair timeline`) and writes
//! the files. The library prints nothing: progress goes through a callback.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::audio::loudness::clip_lufs;
use crate::audio::resample::resample;
use crate::audio::sink::Track;
use crate::generate::cache::{Cache, CacheKey, Entry, StoredGain};
use crate::generate::speech::{self, Speech, character_voices};
use crate::generate::{LOOP_CROSSFADE_S, Registry, Request, Sentence};
pub use crate::mix::Sinks;
use crate::mix::{self, Bus, MixItem, MixReport, MixSettings, Source};
use crate::preflight::{Preflight, Warning, Wording};
use crate::script::{Action, Row, RowType, Script, ValidationError, ValidationErrors, Voice};
use crate::timeline::{self, Placement, Timeline};
use crate::{Error, Result};

pub mod job;

pub use job::{Job, Names, Outputs, Part, Sounds, Summary};

/// The master's true-peak ceiling, dBTP.
pub const TRUE_PEAK_CEILING_DBTP: f64 = -1.0;

/// How one row was produced.
#[derive(Clone, Debug)]
pub struct RowResult {
    pub index: usize,
    pub engine: &'static str,
    pub source: String,
    pub cached: bool,
    pub render_ms: u64,
    pub warnings: Vec<String>,
    /// Speech: where each sentence is spoken, from the clip's start
    /// ([`crate::generate::Clip::sentences`]).
    pub sentences: Vec<Sentence>,
    /// Sound effects and music: how sure the engine's choice was, and a recording's
    /// credit ([`crate::generate::Clip::choice`]).
    pub choice: Option<crate::generate::Choice>,
}

/// What the caller hears about while rendering.
#[derive(Clone, Debug)]
pub enum Progress<'a> {
    /// A row's clip is ready. `done` of `total` clips so far.
    Row {
        done: usize,
        total: usize,
        row: &'a Row,
        result: &'a RowResult,
        length_s: f64,
    },
    /// A row's engine is part-way through a long request: `done` of `total` steps (a
    /// speech row's sentences). Sent after each step, from the thread generating the row.
    Within {
        row: &'a Row,
        done: usize,
        total: usize,
    },
    /// The mix has started.
    Mixing,
    /// Something the user should know that does not stop the render (a script's warning, a
    /// timeline's), said once ([`job::Job::run`] sends these; a [`Renderer`] does not).
    Warning(&'a str),
    /// Slow one-time work is under way (indexing a sound library).
    Notice(&'a str),
}

/// A finished render. The audio went to the [`Sinks`] it was given.
pub struct Rendered {
    pub timeline: Timeline,
    /// By row index; `end` rows have none.
    pub rows: BTreeMap<usize, RowResult>,
    pub mix: MixReport,
    /// The stretch of the timeline that was mixed (all of it unless a window was asked for).
    pub window_s: (f64, f64),
    /// A partial render (a selection of rows, a window): the master gain it played at, that
    /// of the whole script, and where that came from. `None`: mastered to the script's
    /// loudness.
    pub master_gain: Option<MasterGain>,
    pub render_ms: u64,
}

impl Rendered {
    /// The placements that sound in the mixed window, in its time (0 s is the window's
    /// start), cut to it.
    pub fn placements(&self) -> Vec<Placement> {
        window_placements(&self.timeline, self.window_s)
    }
}

/// The placements that sound in `window_s`, in its time, cut to it.
fn window_placements(timeline: &Timeline, (from, to): (f64, f64)) -> Vec<Placement> {
    timeline
        .placements
        .iter()
        .filter(|p| {
            overlaps(p, (from, to)) || (p.start_s == p.end_s && p.start_s >= from && p.start_s < to)
        })
        .map(|p| Placement {
            start_s: p.start_s.max(from) - from,
            end_s: p.end_s.min(to) - from,
            ..p.clone()
        })
        .collect()
}

/// What a render produces besides the mix and the bus stems, and what part of the script.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// Each row's own part of the mix ([`crate::mix::MixReport::row_stems`]).
    pub row_stems: bool,
    /// Mix only this stretch of the timeline, seconds, at the whole script's master gain.
    pub window_s: Option<(f64, f64)>,
    /// What messages about the window call its start and end. Default: `from`, `to`.
    pub window_names: (&'static str, &'static str),
    /// Names the script across edits (the CLI gives its path). With a cache, a full render
    /// stores its master gain under this name and partial renders play at it; without
    /// one, partial renders estimate the whole script's gain. Default: none.
    pub script_key: Option<String>,
    /// Where the mix keeps its scratch file (next to the output is best: same disk, and not
    /// a memory-backed /tmp). Default: the system's temporary folder.
    pub scratch_dir: Option<PathBuf>,
}

/// The rows a render plays: a whole script, or some of its rows with the backgrounds they
/// sit in. A selection keeps the whole script beside it and is rendered with the whole's
/// characters' voices (casting looks at every character, so a character would otherwise
/// sound different in a selection) and at the whole's master gain, so the rows sound as
/// they do in the whole; the two cannot be parted.
#[derive(Clone, Debug)]
pub struct Selection {
    /// The rows rendered.
    script: Script,
    /// The whole script, when `script` is some of its rows.
    whole: Option<Script>,
}

impl Selection {
    /// All of `script`.
    pub fn whole(script: Script) -> Selection {
        Selection {
            script,
            whole: None,
        }
    }

    /// The rows `wanted` of `script` (1-based), with the backgrounds they sit in
    /// ([`only_rows`]). `name` is what messages call the selection (the CLI: `--only`).
    pub fn rows(script: Script, wanted: &[usize], name: &str) -> Result<Selection> {
        Ok(Selection {
            script: only_rows(&script, wanted, name)?,
            whole: Some(script),
        })
    }

    /// The rows rendered, as a script (a selection's rows keep their indices).
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The whole script the rows are from.
    pub fn whole_script(&self) -> &Script {
        self.whole.as_ref().unwrap_or(&self.script)
    }

    /// Whether some rows are left out.
    pub fn is_partial(&self) -> bool {
        self.whole.is_some()
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            row_stems: false,
            window_s: None,
            window_names: ("from", "to"),
            script_key: None,
            scratch_dir: None,
        }
    }
}

/// Renders every row of the script and mixes them.
pub struct Renderer<'a> {
    pub registry: &'a Registry,
    pub cache: &'a Cache,
    pub progress: &'a (dyn Fn(Progress<'_>) + Sync),
}

/// The seed of a row: from the script seed and what the row says, not where it stands, so
/// inserting a row does not re-roll the others. Take 1 is the seed rows have always had;
/// take N > 1 is derived from it and N, so each take is its own sound (and cache entry).
pub fn row_seed(script_seed: u64, row: &Row) -> u64 {
    let key = CacheKey::new([
        ("seed", script_seed.to_string()),
        ("type", row.row_type.to_string()),
        ("description", row.description.clone()),
        ("character", row.character.clone().unwrap_or_default()),
    ]);
    let seed = seed_of(&key);
    if row.take <= 1 {
        return seed;
    }
    seed_of(&CacheKey::new([
        ("row_seed", seed.to_string()),
        ("take", row.take.to_string()),
    ]))
}

fn seed_of(key: &CacheKey) -> u64 {
    u64::from_str_radix(&key.as_str()[..16], 16).expect("hex digest")
}

/// Beds longer than this are looped rather than generated whole, seconds.
pub const LOOP_OVER_S: f64 = 90.0;
/// The period of a looped bed, seconds.
pub const LOOP_PERIOD_S: f64 = 60.0;

/// A row's clip, ready for the mixer: where to load it from, and what is known of it.
pub struct Generated {
    /// The clip's length.
    pub duration_s: f64,
    /// A looped bed's period ([`crate::generate::Clip::loop_frames`]).
    pub loop_period_s: Option<f64>,
    pub loudness_lufs: f64,
    /// Reads the clip back from the cache when the mix reaches it.
    pub audio: Source,
    pub result: RowResult,
}

/// Generated clips by row index.
pub type Clips = BTreeMap<usize, Generated>;

/// What one row asks its engine for.
#[derive(Clone, Copy, Debug)]
struct RowJob<'s> {
    row: &'s Row,
    duration_s: Option<f64>,
    loop_period_s: Option<f64>,
}

impl<'s> RowJob<'s> {
    /// A placed row's job: a foreground row's own `duration` (`None`: its natural length,
    /// which placed it); a background row's whole span, or for a long bed one loop.
    fn placed(row: &'s Row, placement: &Placement) -> RowJob<'s> {
        if row.is_foreground() {
            return RowJob::foreground(row);
        }
        let span_s = placement.length_s();
        if span_s > LOOP_OVER_S {
            RowJob {
                row,
                duration_s: Some(LOOP_PERIOD_S + LOOP_CROSSFADE_S),
                loop_period_s: Some(LOOP_PERIOD_S),
            }
        } else {
            RowJob {
                row,
                duration_s: Some(span_s),
                loop_period_s: None,
            }
        }
    }

    /// The timeline is not known yet: a foreground row's length is its own.
    fn foreground(row: &'s Row) -> RowJob<'s> {
        RowJob {
            row,
            duration_s: row.duration.seconds(),
            loop_period_s: None,
        }
    }
}

impl Renderer<'_> {
    /// Generates the foreground rows and fixes the timeline.
    pub fn timeline(&self, script: &Script) -> Result<(Timeline, Clips)> {
        let cache = self.working_cache()?;
        self.foreground(script, &character_voices(script), &BTreeMap::new(), &cache)
    }

    /// The cache clips go through: the user's, or for `--no-cache` one for this render only
    /// (the mix reads clips back as it reaches them rather than holding them all).
    fn working_cache(&self) -> Result<Cache> {
        if self.cache.is_enabled() {
            Ok(self.cache.clone())
        } else {
            Cache::scratch()
        }
    }

    fn foreground(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
        notes: &BTreeMap<usize, String>,
        cache: &Cache,
    ) -> Result<(Timeline, Clips)> {
        let total = script
            .rows
            .iter()
            .filter(|r| r.action != Some(crate::script::Action::End))
            .count();
        let jobs: Vec<RowJob<'_>> = script
            .rows
            .iter()
            .filter(|r| r.is_foreground())
            .map(RowJob::foreground)
            .collect();
        let clips = self.generate_all(script, voices, notes, cache, &jobs, 0, total)?;
        let timeline = timeline::build(script, |row| clips[&row.index].duration_s);
        Ok((timeline, clips))
    }

    /// The Standard MIDI File of every placed row whose engine composes notes (the music
    /// rows), by row index. The notes are those the render plays: same request, same seed.
    pub fn midi(&self, script: &Script, timeline: &Timeline) -> Result<Vec<(usize, Vec<u8>)>> {
        let mut files = Vec::new();
        for p in &timeline.placements {
            let row = script.row(p.row).expect("placed rows are in the script");
            if row.row_type == RowType::Speech {
                continue;
            }
            let in_row = |e| in_row(row, e);
            let (generator, _) = self.registry.generator_for(row, None).map_err(in_row)?;
            let request = request(script, &RowJob::placed(row, p), None);
            if let Some(bytes) = generator.midi(&request).map_err(in_row)? {
                files.push((row.index, bytes));
            }
        }
        Ok(files)
    }

    /// Renders the selected rows into `sinks`, with what `options` asks for besides the mix.
    pub fn render_to(
        &self,
        selection: &Selection,
        options: &RenderOptions,
        sinks: Sinks<'_>,
    ) -> Result<Rendered> {
        let started = Instant::now();
        let cache = self.working_cache()?;
        let script = selection.script();
        let whole = selection.whole_script();
        let voices = character_voices(whole);
        let notes = self.voice_notes(script, &voices);
        let (timeline, mut clips) = self.foreground(script, &voices, &notes, &cache)?;
        let window_s = match options.window_s {
            Some((from, to)) => check_window(from, to, timeline.duration_s, options.window_names)?,
            None => (0.0, timeline.duration_s),
        };
        let total = timeline.placements.len();
        // Backgrounds outside the window are not needed.
        let jobs: Vec<RowJob<'_>> = timeline
            .placements
            .iter()
            .map(|p| (script.row(p.row).expect("placed rows are in the script"), p))
            .filter(|(row, p)| !row.is_foreground() && overlaps(p, window_s))
            .map(|(row, p)| RowJob::placed(row, p))
            .collect();
        let done = clips.len();
        clips.extend(self.generate_all(script, &voices, &notes, &cache, &jobs, done, total)?);

        // A part of the script plays at the whole script's gain, so its rows sound at
        // their level in the episode rather than each part being brought to the target.
        let partial = selection.is_partial() || options.window_s.is_some();
        let master_gain = partial.then(|| {
            self.whole_master_gain(whole, options.script_key.as_deref(), |row| {
                clips
                    .get(&row.index)
                    .map_or_else(|| estimated_length_s(row, &voices), |g| g.duration_s)
            })
        });

        (self.progress)(Progress::Mixing);
        let mut rows = BTreeMap::new();
        let mut items = Vec::new();
        for p in &timeline.placements {
            let row = script.row(p.row).expect("placed rows are in the script");
            let Some(Generated {
                loudness_lufs,
                audio,
                result,
                loop_period_s,
                ..
            }) = clips.remove(&p.row)
            else {
                continue;
            };
            rows.insert(p.row, result);
            items.push(MixItem {
                row_index: p.row,
                bus: match row.row_type {
                    RowType::Speech => Bus::Speech,
                    RowType::Music => Bus::Music,
                    RowType::Sfx => Bus::Sfx,
                },
                audio,
                start_s: p.start_s,
                length_s: p.length_s(),
                volume_lufs: row.volume_lufs,
                pan: row.pan,
                fade_in_s: p.fade_in_s,
                fade_out_s: p.fade_out_s,
                duck_db: row.duck_db,
                loudness_lufs: Some(loudness_lufs),
                loop_period_s,
            });
        }
        let settings = MixSettings {
            sample_rate_hz: script.sample_rate_hz,
            loudness_lufs: script.loudness_lufs,
            gain_db: master_gain.as_ref().map(|g| g.gain_db),
            true_peak_dbtp: TRUE_PEAK_CEILING_DBTP,
            row_stems: options.row_stems,
            window_s: options.window_s.map(|_| window_s),
            scratch_dir: options.scratch_dir.clone(),
            ..MixSettings::default()
        };
        // Files with tags write them before the audio.
        let track = Track {
            title: script.title.clone(),
            chapters: crate::output::chapters(
                script,
                &window_placements(&timeline, window_s),
                window_s.1 - window_s.0,
            ),
            credits: crate::output::credits(rows.values()).trim_end().to_string(),
        };
        let mut sinks = sinks;
        sinks.master.begin(&track)?;
        for stem in sinks.stems.iter_mut().flatten() {
            stem.begin(&track)?;
        }
        let mix = mix::mix_into(items, &settings, sinks)?;
        if !partial
            && mix.loudness_lufs.is_finite()
            && let Some(key) = &options.script_key
        {
            self.cache.put_master_gain(&StoredGain {
                script_key: key.clone(),
                gain_db: mix.gain_db,
                script_hash: script_hash(whole),
            })?;
        }
        Ok(Rendered {
            timeline,
            rows,
            mix,
            window_s,
            master_gain,
            render_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// The whole script's master gain: the one its last full render stored under
    /// `script_key`, else an estimate from its rows' volumes over a timeline of `length_s`
    /// (the length of each foreground row: its clip's where known).
    fn whole_master_gain(
        &self,
        whole: &Script,
        script_key: Option<&str>,
        length_s: impl FnMut(&Row) -> f64,
    ) -> MasterGain {
        if let Some(stored) = script_key.and_then(|k| self.cache.master_gain(k)) {
            return MasterGain {
                gain_db: stored.gain_db,
                from: GainFrom::LastFullRender {
                    changed: stored.script_hash != script_hash(whole),
                },
            };
        }
        let timeline = timeline::build(whole, length_s);
        let lufs = estimated_loudness_lufs(whole, &timeline);
        MasterGain {
            gain_db: if lufs.is_finite() {
                whole.loudness_lufs - lufs
            } else {
                0.0
            },
            from: GainFrom::Estimate,
        }
    }

    /// Warnings for characters that would sound like one heard before them, by the row
    /// where each first speaks.
    fn voice_notes(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
    ) -> BTreeMap<usize, String> {
        let shared = speech::shared_voices(script, voices, |v| self.registry.cast(v));
        shared
            .into_iter()
            .filter_map(|(name, warning)| {
                let row = script
                    .rows
                    .iter()
                    .find(|r| r.character.as_deref() == Some(name.as_str()))?;
                Some((row.index, warning))
            })
            .collect()
    }

    /// Generates the jobs' clips on all cores, in a deterministic way: each clip depends on
    /// its request only.
    #[allow(clippy::too_many_arguments)]
    fn generate_all(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
        notes: &BTreeMap<usize, String>,
        cache: &Cache,
        jobs: &[RowJob<'_>],
        done_before: usize,
        total: usize,
    ) -> Result<Clips> {
        let done = std::sync::atomic::AtomicUsize::new(done_before);
        let generated = crate::parallel::try_map(jobs, |job| {
            let mut g = self.generate_row(script, voices, cache, job)?;
            g.result.warnings.extend(notes.get(&job.row.index).cloned());
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            (self.progress)(Progress::Row {
                done: n,
                total,
                row: job.row,
                result: &g.result,
                length_s: g.duration_s,
            });
            Ok::<_, Error>(g)
        })?;
        Ok(jobs.iter().map(|j| j.row.index).zip(generated).collect())
    }

    fn generate_row(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
        cache: &Cache,
        job: &RowJob<'_>,
    ) -> Result<Generated> {
        let row = job.row;
        let started = Instant::now();
        let voice = row.character.as_ref().and_then(|c| voices.get(c));
        let in_row = |e| in_row(row, e);
        let (generator, fallback) = self.registry.generator_for(row, voice).map_err(in_row)?;
        let request = request(script, job, voice);
        let salt = generator.cache_salt(&request).map_err(in_row)?;
        let key = cache_key(generator.engine(), generator.version(), &salt, &request);
        let (entry, cached) = match cache.get(&key) {
            Some(entry) => (entry, true),
            None => {
                let step = |done, total| (self.progress)(Progress::Within { row, done, total });
                let mut clip = generator
                    .generate_reporting(&request, &step)
                    .map_err(in_row)?;
                // Cached at the mix rate, so a re-render does not resample again.
                if clip.audio.sample_rate_hz != script.sample_rate_hz {
                    let ratio =
                        f64::from(script.sample_rate_hz) / f64::from(clip.audio.sample_rate_hz);
                    clip.loop_frames = clip
                        .loop_frames
                        .map(|f| (f as f64 * ratio).round() as usize);
                    clip.audio = resample(&clip.audio, script.sample_rate_hz)?;
                }
                if job.loop_period_s.is_some() {
                    let period = clip.loop_frames.unwrap_or(clip.audio.frames());
                    if period == 0 || period > clip.audio.frames() {
                        return Err(in_row(Error::Audio(format!(
                            "the {} engine made a loop of {period} frames from a clip of {}",
                            generator.engine(),
                            clip.audio.frames()
                        ))));
                    }
                    clip.loop_frames = Some(period);
                } else if let Some(d) = job.duration_s {
                    // Engines are asked for exact lengths; a sample either way from rounding
                    // must not change the timeline.
                    let frames = (d * f64::from(clip.audio.sample_rate_hz)).round() as usize;
                    clip.audio.set_frames(frames);
                }
                let entry = Entry {
                    loudness_lufs: clip_lufs(&clip.audio)?,
                    clip,
                };
                cache.put(&key, &entry)?;
                (entry, false)
            }
        };
        let Entry {
            clip,
            loudness_lufs,
        } = entry;
        let result = RowResult {
            index: row.index,
            engine: generator.engine(),
            source: clip.source.clone(),
            cached,
            render_ms: started.elapsed().as_millis() as u64,
            warnings: fallback
                .into_iter()
                .chain(clip.warnings.iter().cloned())
                .collect(),
            sentences: clip.sentences.clone(),
            choice: clip.choice.clone(),
        };
        let (cache, index, line) = (cache.clone(), row.index, row.line);
        let rate_hz = f64::from(clip.audio.sample_rate_hz);
        Ok(Generated {
            duration_s: clip.audio.duration_s(),
            loop_period_s: clip.loop_frames.map(|f| f as f64 / rate_hz),
            loudness_lufs,
            audio: Source::Load(Arc::new(move || {
                cache
                    .get(&key)
                    .map(|e| e.clip.audio)
                    .ok_or_else(|| Error::Row {
                        row: index,
                        line,
                        error: Box::new(Error::Audio(
                            "its clip vanished from the cache during the render (was the cache \
                         cleared meanwhile?); render again"
                                .into(),
                        )),
                    })
            })),
            result,
        })
    }
}

/// Whether a placement sounds in the window.
fn overlaps(p: &Placement, (from, to): (f64, f64)) -> bool {
    p.end_s > from && p.start_s < to
}

/// A window within a timeline of `duration_s`: it must start before the end and end after
/// it starts; an end past the timeline's end is taken to the end. `names` are what messages
/// call its start and end.
fn check_window(
    from: f64,
    to: f64,
    duration_s: f64,
    (from_name, to_name): (&str, &str),
) -> Result<(f64, f64)> {
    let fmt = crate::output::clock;
    // `to` may be infinite: to the end.
    if !from.is_finite() || to.is_nan() || from < 0.0 || to <= from {
        return Err(Error::BadInput(format!(
            "{from_name} {} {to_name} {}: the window must end after it starts",
            fmt(from),
            fmt(to)
        )));
    }
    if from >= duration_s {
        return Err(Error::BadInput(format!(
            "{from_name} {}: the timeline is only {} long; start the window before its end",
            fmt(from),
            fmt(duration_s)
        )));
    }
    Ok((from, to.min(duration_s)))
}

/// The rows `wanted` (1-based indices) of `script`, with the backgrounds they sit in: each
/// `begin` whose span holds a wanted foreground row (with its `end`), and each one-shot
/// background that starts with one. Rows keep their indices, so messages, labels and stems
/// name them as in the whole script. Only a [`Selection`] holds one, so that it is rendered
/// with the whole script's voices. `name` is what messages call the selection.
fn only_rows(script: &Script, wanted: &[usize], name: &str) -> Result<Script> {
    let count = script.rows.len();
    if let Some(&bad) = wanted.iter().find(|&&i| i == 0 || i > count) {
        return Err(Error::BadInput(format!(
            "{name}: there is no row {bad} (the script has rows 1 to {count})"
        )));
    }
    let wanted_fg = |i: usize| {
        let row = &script.rows[i];
        row.is_foreground() && wanted.contains(&row.index)
    };
    if !(0..count).any(wanted_fg) {
        return Err(Error::BadInput(format!(
            "{name} selects no foreground row (speech, or music and sfx with layout: \
             foreground); backgrounds play only under those, so add one"
        )));
    }
    let mut keep = vec![false; count];
    for (i, row) in script.rows.iter().enumerate() {
        if row.is_foreground() {
            keep[i] = wanted_fg(i);
            continue;
        }
        match row.action {
            Some(Action::Begin) => {
                let end = script.rows[i + 1..]
                    .iter()
                    .position(|r| r.action == Some(Action::End) && r.id == row.id)
                    .map_or(count, |k| i + 1 + k);
                if (i + 1..end).any(wanted_fg) {
                    keep[i] = true;
                    if end < count {
                        keep[end] = true;
                    }
                }
            }
            Some(Action::End) => {}
            None => {
                let next_fg = (i + 1..count).find(|&k| script.rows[k].is_foreground());
                keep[i] = next_fg.is_some_and(wanted_fg);
            }
        }
    }
    if let Some(&unused) = wanted.iter().find(|&&i| !keep[i - 1]) {
        return Err(Error::BadInput(format!(
            "{name}: row {unused} is a background that plays under none of the selected \
             rows; select a foreground row it plays under too"
        )));
    }
    let mut selection = script.clone();
    selection.rows = script
        .rows
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(r, _)| r.clone())
        .collect();
    Ok(selection)
}

/// An error in generating `row`, naming it.
fn in_row(row: &Row, error: Error) -> Error {
    Error::Row {
        row: row.index,
        line: row.line,
        error: Box::new(error),
    }
}

/// What a row's job asks its engine for.
fn request<'s>(script: &'s Script, job: &RowJob<'s>, voice: Option<&'s Voice>) -> Request<'s> {
    let row = job.row;
    Request {
        row_index: row.index,
        row_type: row.row_type,
        text: &row.description,
        character: row.character.as_deref(),
        voice,
        duration_s: job.duration_s,
        background: !row.is_foreground(),
        loop_period_s: job.loop_period_s,
        sample_rate_hz: script.sample_rate_hz,
        seed: row_seed(script.seed, row),
        file: row.file.as_ref(),
    }
}

/// Everything about a request that changes its sound.
fn cache_key(engine: &str, version: u32, salt: &str, r: &Request<'_>) -> CacheKey {
    // A looped bed is another sound than a clip of the same length; keys of everything
    // else are as they were before loops existed.
    let looped = r.loop_period_s.map(|p| ("loop_period", p.to_string()));
    CacheKey::new(
        [
            ("engine", engine.to_owned()),
            ("version", version.to_string()),
            ("salt", salt.to_owned()),
            ("type", r.row_type.to_string()),
            ("text", r.text.to_owned()),
            ("voice", format!("{:?}", r.voice)),
            (
                "frames",
                r.duration_s.map_or("auto".into(), |d| {
                    ((d * f64::from(r.sample_rate_hz)).round() as u64).to_string()
                }),
            ),
            ("background", r.background.to_string()),
            ("sample_rate", r.sample_rate_hz.to_string()),
            ("seed", r.seed.to_string()),
        ]
        .into_iter()
        .chain(looped),
    )
}

/// The master gain of a partial render, and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct MasterGain {
    /// Before the limiter, dB.
    pub gain_db: f64,
    pub from: GainFrom,
}

/// Where a partial render's master gain came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GainFrom {
    /// The last full render of the script stored it; `changed`: the script has been
    /// edited since.
    LastFullRender { changed: bool },
    /// Estimated from the whole script's row volumes and lengths: no full render of it is
    /// in the cache.
    Estimate,
}

impl GainFrom {
    /// For the report: `last full render`, `last full render, script changed since`,
    /// `estimate`.
    pub fn as_str(self) -> &'static str {
        match self {
            GainFrom::LastFullRender { changed: false } => "last full render",
            GainFrom::LastFullRender { changed: true } => "last full render, script changed since",
            GainFrom::Estimate => "estimate",
        }
    }
}

impl std::fmt::Display for MasterGain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "master gain {:+.1} dB, ", self.gain_db)?;
        match self.from {
            GainFrom::LastFullRender { changed: false } => {
                f.write_str("from the last full render of this script")
            }
            GainFrom::LastFullRender { changed: true } => f.write_str(
                "from the last full render of this script (edited since: render it whole again \
                 for the exact level)",
            ),
            GainFrom::Estimate => f.write_str(
                "estimated from the whole script's row volumes (render it whole once to play \
                 parts at its exact level)",
            ),
        }
    }
}

/// A hash of everything a script says, to tell whether it changed between two renders.
fn script_hash(script: &Script) -> String {
    CacheKey::new([("script", format!("{script:?}"))])
        .as_str()
        .to_owned()
}

/// Seconds per word of speech at speed 1, pauses included (the default voice speaks about
/// 3.3 words a second), for rows a partial render has not generated.
const SECONDS_PER_WORD: f64 = 0.3;
/// A foreground music or sfx row of natural length that has not been generated, seconds.
const UNKNOWN_LENGTH_S: f64 = 3.0;

/// A guess at a foreground row's length before its clip exists.
fn estimated_length_s(row: &Row, voices: &BTreeMap<String, Voice>) -> f64 {
    if let Some(d) = row.duration.seconds() {
        return d;
    }
    if row.row_type != RowType::Speech {
        return UNKNOWN_LENGTH_S;
    }
    let speed = row
        .character
        .as_ref()
        .and_then(|c| voices.get(c))
        .and_then(|v| v.speed)
        .unwrap_or(1.0);
    row.description.split_whitespace().count() as f64 * SECONDS_PER_WORD / speed
}

/// Integrated loudness (LUFS) of a mix of `script` on `timeline` with every row at its
/// `volume`, each clip taken as steady over its span: BS.1770's gating over 400 ms blocks
/// of the rows' summed power.
fn estimated_loudness_lufs(script: &Script, timeline: &Timeline) -> f64 {
    const BLOCK_S: f64 = 0.4;
    let blocks = (timeline.duration_s / BLOCK_S).ceil() as usize;
    let mut power = vec![0.0f64; blocks];
    for p in &timeline.placements {
        let Some(row) = script.row(p.row) else {
            continue;
        };
        let row_power = 10f64.powf(row.volume_lufs / 10.0);
        let first = (p.start_s / BLOCK_S).floor() as usize;
        let last = ((p.end_s / BLOCK_S).ceil() as usize).min(blocks);
        for (k, block) in power.iter_mut().enumerate().take(last).skip(first) {
            let (a, b) = (k as f64 * BLOCK_S, (k + 1) as f64 * BLOCK_S);
            let overlap_s = (p.end_s.min(b) - p.start_s.max(a)).max(0.0);
            *block += row_power * overlap_s / BLOCK_S;
        }
    }
    let gated_mean = |floor: f64| {
        let kept: Vec<f64> = power
            .iter()
            .copied()
            .filter(|&x| x > 0.0 && 10.0 * x.log10() > floor)
            .collect();
        10.0 * (kept.iter().sum::<f64>() / kept.len() as f64).log10()
    };
    let ungated = gated_mean(-70.0);
    if !ungated.is_finite() {
        return f64::NEG_INFINITY;
    }
    gated_mean(ungated - 10.0)
}

/// Reads and validates a script file ([`parse_script_at`]). An invalid script's error is
/// headed by its path (a missing file's already names it).
pub fn load_script(path: &Path) -> Result<Script> {
    Ok(load_text(path)?.0)
}

/// Reads and validates a script file, and checks it against the installed voices and its
/// folders ([`crate::preflight`]): the script, its warnings, and its text. An invalid
/// script's error is headed by its path.
pub fn load_checked(path: &Path, speech: &Speech) -> Result<(Script, Vec<Warning>, String)> {
    let (script, text) = load_text(path)?;
    let check = Preflight {
        speech,
        text: Some(&text),
        base_dir: path.parent().unwrap_or(Path::new("")),
        wording: Wording::Script,
    };
    let warnings = check.check(&script).map_err(|e| in_file(path, e))?;
    Ok((script, warnings, text))
}

fn load_text(path: &Path) -> Result<(Script, String)> {
    let text = read_script(path)?;
    let script = parse_script_at(path, &text).map_err(|e| in_file(path, e))?;
    Ok((script, text))
}

/// An invalid script's error, headed by its path.
fn in_file(path: &Path, error: Error) -> Error {
    match error {
        Error::Invalid(_) => Error::in_file(path, error),
        e => e,
    }
}

/// Validates the text of the script file at `path`, and finds the files its rows play
/// (`file:`, relative to the script's folder): a file that is not there is a validation
/// error naming the row, the field, its place and the path looked for.
pub fn parse_script_at(path: &Path, text: &str) -> Result<Script> {
    let mut script = crate::script::parse_script(text)?;
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut missing = Vec::new();
    for row in &mut script.rows {
        let Some(file) = &mut row.file else {
            continue;
        };
        let joined = folder.join(&file.written);
        // Absolute, so that a message names the very file looked for.
        file.path = std::path::absolute(&joined).unwrap_or(joined);
        if !file.path.is_file() {
            let what = if file.path.is_dir() {
                "is a folder, not an audio file"
            } else {
                "does not exist"
            };
            missing.push(ValidationError {
                row: Some(row.index),
                field: Some("file".into()),
                line: file.line,
                column: file.column,
                message: format!(
                    "\"{}\" {what} (looked for {}); give the path of an audio file (WAV, FLAC, MP3, OGG) relative to the script's folder",
                    file.written,
                    file.path.display()
                ),
            });
        }
    }
    if !missing.is_empty() {
        return Err(Error::Invalid(ValidationErrors(missing)));
    }
    Ok(script)
}

/// Reads a script file's text. A path that names no file is the user's input to fix
/// ([`Error::BadInput`]); other failures to read are [`Error::Io`].
pub fn read_script(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::BadInput(format!(
            "{}: no such file; check the script's path (`onair plan \"a brief\" -o FILE` \
             writes a new script)",
            path.display()
        )),
        std::io::ErrorKind::IsADirectory => Error::BadInput(format!(
            "{}: that is a folder; name a script file (YAML)",
            path.display()
        )),
        _ => Error::io(path, e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_1_keeps_the_old_seed_and_other_takes_re_roll() {
        let script =
            crate::script::parse_script("rows:\n  - {type: sfx, description: boom, duration: 1}\n")
                .unwrap();
        let row = script.rows[0].clone();
        assert_eq!(row.take, 1);
        // The seed every row had before takes existed: existing renders and cache keys hold.
        let old = CacheKey::new([
            ("seed", "7".to_owned()),
            ("type", "sfx".to_owned()),
            ("description", "boom".to_owned()),
            ("character", String::new()),
        ]);
        assert_eq!(row_seed(7, &row), seed_of(&old));
        let take = |n| {
            row_seed(
                7,
                &Row {
                    take: n,
                    ..row.clone()
                },
            )
        };
        assert_eq!(take(1), row_seed(7, &row));
        assert_ne!(take(2), take(1));
        assert_ne!(take(3), take(2));
        assert_eq!(take(2), take(2));
    }
}
