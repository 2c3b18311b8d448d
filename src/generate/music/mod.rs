//! The composer: a music engine that turns a description into a style (tempo, key, mood,
//! instruments), arranges note events for it, and renders them with a General MIDI
//! SoundFont through rustysynth.
//!
//! - [`style`]: description → preset, plus explicit overrides ("120 bpm", "in D minor").
//! - [`arrange`]: style + wanted length → bars, tempo and note events, ending on the tonic.
//! - [`render`]: note events → stereo audio, block by block.
//! - [`midi`]: note events → a Standard MIDI File (`onair render --midi DIR`).

pub mod arrange;
pub mod midi;
pub mod render;
pub mod style;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use rustysynth::SoundFont;

use super::{Clip, Generator, Request};
use crate::{Error, Result};
use style::StyleChooser;

const ENGINE: &str = "music/composer";
/// Installed by `scripts/setup`, best first.
pub const SOUNDFONT_PATHS: [&str; 2] = [
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/TimGM6mb.sf2",
];
/// Used when the mix rate is outside what the synthesizer accepts; the mixer resamples.
const FALLBACK_RATE_HZ: u32 = 48_000;

/// The music engine. Cheap to create: the SoundFont and the style chooser (MiniLM) are
/// loaded on first use and shared by every row this composer renders.
#[derive(Debug)]
pub struct Composer {
    font: OnceLock<Arc<SoundFont>>,
    styles: OnceLock<std::result::Result<StyleChooser, String>>,
    /// The MiniLM model folder; `None` chooses styles by keywords alone.
    model_dir: Option<PathBuf>,
    /// Where the presets' embeddings are kept between runs; `None`: recomputed each run.
    store_dir: Option<PathBuf>,
    /// The SoundFont named in the settings; `None`: the first installed one.
    soundfont: Option<PathBuf>,
}

impl Default for Composer {
    fn default() -> Self {
        Composer {
            font: OnceLock::new(),
            styles: OnceLock::new(),
            model_dir: Some(crate::ml::bert::default_dir()),
            store_dir: None,
            soundfont: None,
        }
    }
}

impl Composer {
    pub fn new() -> Self {
        Composer::default()
    }

    /// With the settings' MiniLM model and SoundFont.
    pub fn installed(settings: &crate::Settings) -> Self {
        Composer {
            model_dir: Some(settings.minilm_dir()),
            soundfont: settings.soundfont.clone(),
            ..Composer::default()
        }
    }

    /// Keeps the style presets' embeddings in `dir` (the cache folder), so that later runs
    /// skip embedding them (about a second).
    pub fn with_store_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.store_dir = dir;
        self
    }

    fn styles(&self) -> Result<&StyleChooser> {
        self.styles
            .get_or_init(|| {
                let store = self.store_dir.as_ref().map(|d| d.join("music-styles.bin"));
                StyleChooser::load(self.model_dir.as_deref(), store.as_deref())
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|e| Error::engine(ENGINE, e.clone()))
    }

    fn font(&self) -> Result<Arc<SoundFont>> {
        if let Some(font) = self.font.get() {
            return Ok(Arc::clone(font));
        }
        let path = soundfont_path(self.soundfont.as_deref())?;
        let font = load_soundfont(&path)?;
        // Two threads may load at once; both fonts are equal and the first one set is kept.
        Ok(Arc::clone(self.font.get_or_init(|| font)))
    }
}

/// `named` if given ([`crate::Settings::soundfont`]), else the first installed GM SoundFont.
pub fn soundfont_path(named: Option<&Path>) -> Result<PathBuf> {
    find_soundfont(named, &SOUNDFONT_PATHS)
}

fn find_soundfont(named: Option<&Path>, installed: &[&str]) -> Result<PathBuf> {
    if let Some(path) = named {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        return Err(missing(path));
    }
    installed
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| missing(Path::new(installed.first().copied().unwrap_or_default())))
}

fn missing(path: &Path) -> Error {
    Error::MissingAsset {
        what: "General MIDI SoundFont".to_string(),
        path: path.to_path_buf(),
        hint: "run scripts/setup to install it".to_string(),
    }
}

fn load_soundfont(path: &Path) -> Result<Arc<SoundFont>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let font = SoundFont::new(&mut BufReader::new(file)).map_err(|e| {
        Error::engine(
            ENGINE,
            format!("cannot read SoundFont {}: {e}", path.display()),
        )
    })?;
    Ok(Arc::new(font))
}

/// A looped bed starts this many bars into its piece: after the intro bar and one phrase,
/// so it starts where a phrase and the chord progression start.
const LOOP_START_BAR: u32 = 5;
/// A loop period is a whole number of these bars: two phrases of four, so the progression
/// and the melody's phrase (which alternates in beds) are where they were at the start.
const LOOP_BARS: u32 = 8;

/// Where the loop of a looped bed lies in its piece, seconds.
#[derive(Clone, Copy, Debug)]
pub struct LoopWindow {
    pub start_s: f64,
    pub period_s: f64,
}

impl Composer {
    /// The style and the notes of a request: everything but the sound. For a looped bed,
    /// also where in the piece its loop lies.
    pub fn compose(
        &self,
        request: &Request<'_>,
    ) -> Result<(style::Choice, arrange::Arrangement, Option<LoopWindow>)> {
        if let Some(d) = request.duration_s
            && !(d.is_finite() && d > 0.0)
        {
            return Err(Error::engine(
                ENGINE,
                format!("duration must be a positive number of seconds, got {d}"),
            ));
        }
        let choice = self.styles()?.choose(request.text)?;
        if let Some(period_s) = request.loop_period_s.filter(|p| p.is_finite() && *p > 0.0) {
            // A piece long enough to hold the loop and the crossfade after it, at the
            // style's own tempo; the loop is whole bars from a phrase start.
            let style = &choice.style;
            let bar_s = f64::from(style.beats_per_bar) * 60.0 / style.tempo_bpm;
            let blocks = (period_s / (f64::from(LOOP_BARS) * bar_s)).round().max(1.0) as u32;
            let loop_bars = blocks * LOOP_BARS;
            let tail_bars = (super::LOOP_CROSSFADE_S / bar_s).ceil() as u32 + 1;
            let body_bars = LOOP_START_BAR + loop_bars + tail_bars + 1;
            let plan = arrange::Plan {
                body_bars,
                tempo_bpm: style.tempo_bpm,
                length_s: f64::from(body_bars) * bar_s + 3.0,
                pickup: false,
            };
            let arrangement = arrange::arrange(style, &plan, request.seed, true);
            let window = LoopWindow {
                start_s: f64::from(LOOP_START_BAR) * bar_s,
                period_s: f64::from(loop_bars) * bar_s,
            };
            return Ok((choice, arrangement, Some(window)));
        }
        let plan = arrange::plan_with(&choice.style, request.duration_s, choice.max_tempo_bend());
        let arrangement = arrange::arrange(&choice.style, &plan, request.seed, request.background);
        Ok((choice, arrangement, None))
    }
}

impl Generator for Composer {
    fn engine(&self) -> &'static str {
        ENGINE
    }

    fn version(&self) -> u32 {
        // 3: clips record how sure the style choice was (`Clip::choice`).
        3
    }

    /// The SoundFont (path, size and time), so that installing FluidR3_GM or pointing
    /// `ONAIR_SOUNDFONT` elsewhere renders the music again; and the MiniLM model, which the
    /// style a description gets depends on.
    fn cache_salt(&self, _request: &Request<'_>) -> Result<String> {
        let path = soundfont_path(self.soundfont.as_deref())?;
        let stamp = crate::fsutil::stamp(&path).map_err(|e| Error::io(&path, e))?;
        let model = self
            .model_dir
            .as_deref()
            .and_then(crate::ml::bert::installed_id);
        Ok(format!(
            "font={}:{stamp} styles-{}",
            path.display(),
            model.as_deref().unwrap_or("keywords")
        ))
    }

    fn generate(&self, request: &Request<'_>) -> Result<Clip> {
        let (choice, arrangement, window) = self.compose(request)?;
        let rate_hz =
            if (render::MIN_RATE_HZ..=render::MAX_RATE_HZ).contains(&request.sample_rate_hz) {
                request.sample_rate_hz
            } else {
                FALLBACK_RATE_HZ
            };
        let at = |s: f64| (s * f64::from(rate_hz)).round() as usize;
        let frames = at(arrangement.length_s);
        let font = self.font()?;
        let mut audio = render::render(&font, &arrangement, rate_hz, frames)?;
        let loop_frames = window.map(|w| {
            // The loop and the crossfade after it: the bars that follow the loop are the
            // ones it started with, harmonically and in phrase.
            let (start, period) = (at(w.start_s), at(w.period_s));
            let end = (start + period + at(super::LOOP_CROSSFADE_S)).min(audio.frames());
            for ch in &mut audio.channels {
                ch.truncate(end);
                ch.drain(..start);
            }
            period
        });
        Ok(Clip {
            audio,
            source: choice.source(),
            loop_frames,
            sentences: Vec::new(),
            choice: Some(crate::generate::Choice {
                confident: choice.confident,
                score: choice.score,
                credit: None,
            }),
            warnings: choice.warnings,
        })
    }

    fn midi(&self, request: &Request<'_>) -> Result<Option<Vec<u8>>> {
        let (choice, arrangement, _) = self.compose(request)?;
        let title = format!("onair row {}: {}", request.row_index, choice.source());
        midi::to_smf(&arrangement, &title).map(Some)
    }
}

#[cfg(test)]
mod tests;
