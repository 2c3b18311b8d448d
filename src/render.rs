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
use crate::audio::sink::{AudioSink, Track};
use crate::generate::cache::{Cache, CacheKey, Entry};
use crate::generate::speech::character_voices;
use crate::generate::{LOOP_CROSSFADE_S, Registry, Request};
use crate::mix::{self, Bus, MixItem, MixReport, MixSettings, Source};
use crate::script::{Action, Row, RowType, Script, Voice};
use crate::timeline::{self, Placement, Timeline};
use crate::{Error, Result};

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
    /// The mix has started.
    Mixing,
}

/// A finished render. The audio went to the [`Sinks`] it was given.
pub struct Rendered {
    pub timeline: Timeline,
    /// By row index; `end` rows have none.
    pub rows: BTreeMap<usize, RowResult>,
    pub mix: MixReport,
    /// The stretch of the timeline that was mixed (all of it unless a window was asked for).
    pub window_s: (f64, f64),
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
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Each row's own part of the mix ([`crate::mix::MixReport::row_stems`]).
    pub row_stems: bool,
    /// Mix only this stretch of the timeline, seconds (mastered on its own).
    pub window_s: Option<(f64, f64)>,
    /// The characters' voices, when the script is a selection of rows from a larger one
    /// ([`only_rows`]): the automatic voices of the whole script, so a character sounds the
    /// same in both. Default: the script's own.
    pub voices: Option<BTreeMap<String, Voice>>,
    /// Where the mix keeps its scratch file (next to the output is best: same disk, and not
    /// a memory-backed /tmp). Default: the system's temporary folder.
    pub scratch_dir: Option<PathBuf>,
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
struct Job<'s> {
    row: &'s Row,
    duration_s: Option<f64>,
    loop_period_s: Option<f64>,
}

impl<'s> Job<'s> {
    /// A placed row's job: a foreground row's own `duration` (`None`: its natural length,
    /// which placed it); a background row's whole span, or for a long bed one loop.
    fn placed(row: &'s Row, placement: &Placement) -> Job<'s> {
        if row.is_foreground() {
            return Job::foreground(row);
        }
        let span_s = placement.length_s();
        if span_s > LOOP_OVER_S {
            Job {
                row,
                duration_s: Some(LOOP_PERIOD_S + LOOP_CROSSFADE_S),
                loop_period_s: Some(LOOP_PERIOD_S),
            }
        } else {
            Job {
                row,
                duration_s: Some(span_s),
                loop_period_s: None,
            }
        }
    }

    /// The timeline is not known yet: a foreground row's length is its own.
    fn foreground(row: &'s Row) -> Job<'s> {
        Job {
            row,
            duration_s: row.duration.seconds(),
            loop_period_s: None,
        }
    }
}

/// Where the audio of a render goes.
pub struct Sinks<'a> {
    pub master: &'a mut dyn AudioSink,
    /// One per bus, in [`Bus::ALL`] order.
    pub stems: Option<[&'a mut dyn AudioSink; 3]>,
}

impl Renderer<'_> {
    /// Generates the foreground rows and fixes the timeline.
    pub fn timeline(&self, script: &Script) -> Result<(Timeline, Clips)> {
        let cache = self.working_cache()?;
        self.foreground(script, &character_voices(script), &cache)
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
        cache: &Cache,
    ) -> Result<(Timeline, Clips)> {
        let total = script
            .rows
            .iter()
            .filter(|r| r.action != Some(crate::script::Action::End))
            .count();
        let jobs: Vec<Job<'_>> = script
            .rows
            .iter()
            .filter(|r| r.is_foreground())
            .map(Job::foreground)
            .collect();
        let clips = self.generate_all(script, voices, cache, &jobs, 0, total)?;
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
            let (generator, _) = self
                .registry
                .generator(row.row_type, None)
                .map_err(in_row)?;
            let request = request(script, &Job::placed(row, p), None);
            if let Some(bytes) = generator.midi(&request).map_err(in_row)? {
                files.push((row.index, bytes));
            }
        }
        Ok(files)
    }

    /// Renders the script into `sinks`, with what `options` asks for besides the mix.
    pub fn render_to(
        &self,
        script: &Script,
        options: &RenderOptions,
        sinks: Sinks<'_>,
    ) -> Result<Rendered> {
        let started = Instant::now();
        let cache = self.working_cache()?;
        let voices = match &options.voices {
            Some(v) => v.clone(),
            None => character_voices(script),
        };
        let (timeline, mut clips) = self.foreground(script, &voices, &cache)?;
        let window_s = match options.window_s {
            Some((from, to)) => check_window(from, to, timeline.duration_s)?,
            None => (0.0, timeline.duration_s),
        };
        let total = timeline.placements.len();
        // Backgrounds outside the window are not needed.
        let jobs: Vec<Job<'_>> = timeline
            .placements
            .iter()
            .map(|p| (script.row(p.row).expect("placed rows are in the script"), p))
            .filter(|(row, p)| !row.is_foreground() && overlaps(p, window_s))
            .map(|(row, p)| Job::placed(row, p))
            .collect();
        let done = clips.len();
        clips.extend(self.generate_all(script, &voices, &cache, &jobs, done, total)?);

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
                duck: row.ducks(),
                loudness_lufs: Some(loudness_lufs),
                loop_period_s,
            });
        }
        let settings = MixSettings {
            sample_rate_hz: script.sample_rate_hz,
            loudness_lufs: script.loudness_lufs,
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
        };
        sinks.master.begin(&track)?;
        let mut stems = sinks.stems;
        for stem in stems.iter_mut().flatten() {
            stem.begin(&track)?;
        }
        let mix = mix::mix_into(
            items,
            &settings,
            mix::Sinks {
                master: sinks.master,
                stems,
            },
        )?;
        Ok(Rendered {
            timeline,
            rows,
            mix,
            window_s,
            render_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Generates the jobs' clips on all cores, in a deterministic way: each clip depends on
    /// its request only.
    fn generate_all(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
        cache: &Cache,
        jobs: &[Job<'_>],
        done_before: usize,
        total: usize,
    ) -> Result<Clips> {
        let done = std::sync::atomic::AtomicUsize::new(done_before);
        let generated = crate::parallel::try_map(jobs, |job| {
            let g = self.generate_row(script, voices, cache, job)?;
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
        job: &Job<'_>,
    ) -> Result<Generated> {
        let row = job.row;
        let started = Instant::now();
        let voice = row.character.as_ref().and_then(|c| voices.get(c));
        let in_row = |e| in_row(row, e);
        let (generator, fallback) = self
            .registry
            .generator(row.row_type, voice)
            .map_err(in_row)?;
        let request = request(script, job, voice);
        let salt = generator.cache_salt(&request).map_err(in_row)?;
        let key = cache_key(generator.engine(), generator.version(), &salt, &request);
        let (entry, cached) = match cache.get(&key) {
            Some(entry) => (entry, true),
            None => {
                let mut clip = generator.generate(&request).map_err(in_row)?;
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
/// it starts; an end past the timeline's end is taken to the end.
fn check_window(from: f64, to: f64, duration_s: f64) -> Result<(f64, f64)> {
    let fmt = crate::output::clock;
    // `to` may be infinite: to the end.
    if !from.is_finite() || to.is_nan() || from < 0.0 || to <= from {
        return Err(Error::BadInput(format!(
            "--from {} --to {}: the window must end after it starts",
            fmt(from),
            fmt(to)
        )));
    }
    if from >= duration_s {
        return Err(Error::BadInput(format!(
            "--from {}: the timeline is only {} long; start the window before its end",
            fmt(from),
            fmt(duration_s)
        )));
    }
    Ok((from, to.min(duration_s)))
}

/// The rows `wanted` (1-based indices) of `script`, with the backgrounds they sit in: each
/// `begin` whose span holds a wanted foreground row (with its `end`), and each one-shot
/// background that starts with one. Rows keep their indices, so messages, labels and stems
/// name them as in the whole script. Render it with the whole script's voices
/// ([`RenderOptions::voices`]).
pub fn only_rows(script: &Script, wanted: &[usize]) -> Result<Script> {
    let count = script.rows.len();
    if let Some(&bad) = wanted.iter().find(|&&i| i == 0 || i > count) {
        return Err(Error::BadInput(format!(
            "--only: there is no row {bad} (the script has rows 1 to {count})"
        )));
    }
    let wanted_fg = |i: usize| {
        let row = &script.rows[i];
        row.is_foreground() && wanted.contains(&row.index)
    };
    if !(0..count).any(wanted_fg) {
        return Err(Error::BadInput(
            "--only selects no foreground row (speech, or music and sfx with layout: \
             foreground); backgrounds play only under those, so add one"
                .into(),
        ));
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
            "--only: row {unused} is a background that plays under none of the selected \
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
fn request<'s>(script: &'s Script, job: &Job<'s>, voice: Option<&'s Voice>) -> Request<'s> {
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

/// Reads and validates a script file.
pub fn load_script(path: &Path) -> Result<Script> {
    Ok(crate::script::parse_script(&read_script(path)?)?)
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
