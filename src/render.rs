//! The render pipeline: script → foreground clips → timeline → background clips → mix.
//!
//! Each stage's output is a typed value; the CLI prints them (`onair timeline`) and writes
//! the files. The library prints nothing: progress goes through a callback.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use crate::audio::loudness::clip_lufs;
use crate::audio::resample::resample;
use crate::generate::cache::{Cache, CacheKey, Entry};
use crate::generate::speech::character_voices;
use crate::generate::{Clip, Registry, Request};
use crate::mix::{self, Bus, MixItem, MixSettings, Mixed};
use crate::script::{Row, RowType, Script, Voice};
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

/// A finished render.
pub struct Rendered {
    pub timeline: Timeline,
    /// By row index; `end` rows have none.
    pub rows: BTreeMap<usize, RowResult>,
    pub mixed: Mixed,
    pub render_ms: u64,
}

/// What a render produces besides the mix and the bus stems.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Each row's own part of the mix ([`crate::mix::Mixed::row_stems`]).
    pub row_stems: bool,
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

/// A row's clip, its measured loudness, and how it was made.
pub struct Generated {
    pub clip: Clip,
    pub loudness_lufs: f64,
    pub result: RowResult,
}

/// Generated clips by row index.
pub type Clips = BTreeMap<usize, Generated>;

struct Job<'s> {
    row: &'s Row,
    duration_s: Option<f64>,
}

impl Renderer<'_> {
    /// Generates the foreground rows and fixes the timeline.
    pub fn timeline(&self, script: &Script) -> Result<(Timeline, Clips)> {
        self.foreground(script, &character_voices(script))
    }

    fn foreground(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
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
            .map(|row| Job {
                row,
                // The timeline is not known yet: a foreground row's length is its own.
                duration_s: row.duration.seconds(),
            })
            .collect();
        let clips = self.generate_all(script, voices, &jobs, 0, total)?;
        let timeline = timeline::build(script, |row| clips[&row.index].clip.audio.duration_s());
        Ok((timeline, clips))
    }

    /// The Standard MIDI File of every placed row whose engine composes notes (the music
    /// rows), by row index. The notes are those the render plays: same request, same seed.
    pub fn midi(&self, script: &Script, timeline: &Timeline) -> Result<Vec<(usize, Vec<u8>)>> {
        let mut files = Vec::new();
        for p in &timeline.placements {
            let row = &script.rows[p.row - 1];
            if row.row_type == RowType::Speech {
                continue;
            }
            let in_row = |e| in_row(row, e);
            let (generator, _) = self
                .registry
                .generator(row.row_type, None)
                .map_err(in_row)?;
            let request = request(script, row, None, wanted_length_s(row, p));
            if let Some(bytes) = generator.midi(&request).map_err(in_row)? {
                files.push((row.index, bytes));
            }
        }
        Ok(files)
    }

    /// Renders the whole script.
    pub fn render(&self, script: &Script) -> Result<Rendered> {
        self.render_with(script, &RenderOptions::default())
    }

    /// Renders the whole script, with what `options` asks for besides the mix.
    pub fn render_with(&self, script: &Script, options: &RenderOptions) -> Result<Rendered> {
        let started = Instant::now();
        let voices = character_voices(script);
        let (timeline, mut clips) = self.foreground(script, &voices)?;
        let total = timeline.placements.len();
        let jobs: Vec<Job<'_>> = script
            .rows
            .iter()
            .filter(|r| !r.is_foreground())
            .filter_map(|row| {
                let p = timeline.placement(row.index)?;
                Some(Job {
                    row,
                    duration_s: wanted_length_s(row, p),
                })
            })
            .collect();
        let done = clips.len();
        clips.extend(self.generate_all(script, &voices, &jobs, done, total)?);

        (self.progress)(Progress::Mixing);
        let mut rows = BTreeMap::new();
        let mut items = Vec::new();
        for p in &timeline.placements {
            let row = &script.rows[p.row - 1];
            let Generated {
                clip,
                loudness_lufs,
                result,
            } = clips.remove(&p.row).expect("every placed row has a clip");
            rows.insert(p.row, result);
            items.push(MixItem {
                row_index: p.row,
                bus: match row.row_type {
                    RowType::Speech => Bus::Speech,
                    RowType::Music => Bus::Music,
                    RowType::Sfx => Bus::Sfx,
                },
                audio: clip.audio,
                start_s: p.start_s,
                length_s: p.length_s(),
                volume_lufs: row.volume_lufs,
                pan: row.pan,
                fade_in_s: p.fade_in_s,
                fade_out_s: p.fade_out_s,
                duck: row.ducks(),
                loudness_lufs: Some(loudness_lufs),
            });
        }
        let settings = MixSettings {
            sample_rate_hz: script.sample_rate_hz,
            loudness_lufs: script.loudness_lufs,
            true_peak_dbtp: TRUE_PEAK_CEILING_DBTP,
            row_stems: options.row_stems,
            ..MixSettings::default()
        };
        let mixed = mix::mix(items, &settings)?;
        Ok(Rendered {
            timeline,
            rows,
            mixed,
            render_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Generates the jobs' clips on all cores, in a deterministic way: each clip depends on
    /// its request only.
    fn generate_all(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
        jobs: &[Job<'_>],
        done_before: usize,
        total: usize,
    ) -> Result<Clips> {
        let done = std::sync::atomic::AtomicUsize::new(done_before);
        let generated = crate::parallel::try_map(jobs, |job| {
            let g = self.generate_row(script, voices, job)?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            (self.progress)(Progress::Row {
                done: n,
                total,
                row: job.row,
                result: &g.result,
                length_s: g.clip.audio.duration_s(),
            });
            Ok::<_, Error>(g)
        })?;
        Ok(jobs.iter().map(|j| j.row.index).zip(generated).collect())
    }

    fn generate_row(
        &self,
        script: &Script,
        voices: &BTreeMap<String, Voice>,
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
        let request = request(script, row, voice, job.duration_s);
        let salt = generator.cache_salt(&request).map_err(in_row)?;
        let key = cache_key(generator.engine(), generator.version(), &salt, &request);
        let (entry, cached) = match self.cache.get(&key) {
            Some(entry) => (entry, true),
            None => {
                let mut clip = generator.generate(&request).map_err(in_row)?;
                // Cached at the mix rate, so a re-render does not resample again.
                if clip.audio.sample_rate_hz != script.sample_rate_hz {
                    clip.audio = resample(&clip.audio, script.sample_rate_hz)?;
                }
                if let Some(d) = job.duration_s {
                    // Engines are asked for exact lengths; a sample either way from rounding
                    // must not change the timeline.
                    let frames = (d * f64::from(clip.audio.sample_rate_hz)).round() as usize;
                    clip.audio.set_frames(frames);
                }
                let entry = Entry {
                    loudness_lufs: clip_lufs(&clip.audio)?,
                    clip,
                };
                self.cache.put(&key, &entry)?;
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
        Ok(Generated {
            clip,
            loudness_lufs,
            result,
        })
    }
}

/// An error in generating `row`, naming it.
fn in_row(row: &Row, error: Error) -> Error {
    Error::Row {
        row: row.index,
        line: row.line,
        error: Box::new(error),
    }
}

/// The length a placed row's engine is asked for: a foreground row's own `duration` (`None`:
/// its natural length, which placed it), a background row's whole span.
fn wanted_length_s(row: &Row, placement: &Placement) -> Option<f64> {
    if row.is_foreground() {
        row.duration.seconds()
    } else {
        Some(placement.length_s())
    }
}

/// What a row asks its engine for, at the length the timeline gives it.
fn request<'s>(
    script: &'s Script,
    row: &'s Row,
    voice: Option<&'s Voice>,
    duration_s: Option<f64>,
) -> Request<'s> {
    Request {
        row_index: row.index,
        row_type: row.row_type,
        text: &row.description,
        character: row.character.as_deref(),
        voice,
        duration_s,
        background: !row.is_foreground(),
        loop_period_s: None,
        sample_rate_hz: script.sample_rate_hz,
        seed: row_seed(script.seed, row),
    }
}

/// Everything about a request that changes its sound.
fn cache_key(engine: &str, version: u32, salt: &str, r: &Request<'_>) -> CacheKey {
    CacheKey::new([
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
    ])
}

/// Reads and validates a script file.
pub fn load_script(path: &Path) -> Result<Script> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Ok(crate::script::parse_script(&text)?)
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
