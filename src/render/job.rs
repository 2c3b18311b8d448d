//! A render job: a script file, the part of it to play, and the files to write. One call
//! checks the outputs, renders, and writes every file, telling the caller how it goes
//! through a [`Progress`] callback and returning a [`Summary`]. The CLI turns its flags into
//! a job; a server would turn a request into one.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::audio::mp3::mp3_sample_rate_hz;
use crate::audio::sink::{AudioSink, FileFormat, FileSink};
use crate::audio::wav::{BitDepth, write_wav};
use crate::generate::Registry;
use crate::generate::cache::Cache;
use crate::generate::sfx::{Notice, SfxOptions, SoundEffects};
use crate::generate::speech::Speech;
use crate::mix::Bus;
use crate::output::{Report, Subtitles, subtitles};
use crate::preflight::{Output, check_outputs};
use crate::script::Script;
use crate::timeline::Clock;
use crate::{Error, Result, Settings};

use super::{MasterGain, Progress, RenderOptions, Renderer, Selection, Sinks};

/// What to render and what to write.
#[derive(Clone, Debug)]
pub struct Job {
    /// The script file (YAML).
    pub script: PathBuf,
    pub part: Part,
    pub outputs: Outputs,
    pub sounds: Sounds,
    /// The clip cache's folder (made if needed), which also keeps the sound-library index;
    /// `None`: no cache, every clip generated anew.
    pub cache_dir: Option<PathBuf>,
    /// What messages call the job's parts. Default: the library's words.
    pub names: Names,
}

/// The part of the script to render. Default: all of it.
#[derive(Clone, Debug, Default)]
pub struct Part {
    /// Only these rows (1-based), with the backgrounds they sit in; characters keep the
    /// voices they have in the whole script ([`Selection::rows`]).
    pub rows: Option<Vec<usize>>,
    /// Mix only the timeline from this time on, seconds, at the whole script's gain.
    pub from_s: Option<f64>,
    /// Mix only the timeline up to this time, seconds.
    pub to_s: Option<f64>,
}

/// The files a job writes. Folders are made as needed; every file appears only once it is
/// complete.
#[derive(Clone, Debug)]
pub struct Outputs {
    /// The master, in the format its extension names ([`FileFormat::for_path`]).
    pub master: PathBuf,
    /// Bits per sample of a WAV or FLAC master and of the stems. Default: 24.
    pub bits: BitDepth,
    /// An MP3 or Opus master's bitrate, kbps. Default: the format's own.
    pub bitrate_kbps: Option<u32>,
    /// The JSON report ([`Report`]).
    pub report: Option<PathBuf>,
    /// The credits of the recorded sounds the mix plays.
    pub credits: Option<PathBuf>,
    /// SubRip subtitles of the speech rows.
    pub srt: Option<PathBuf>,
    /// WebVTT subtitles of the speech rows.
    pub vtt: Option<PathBuf>,
    /// An Audacity label track.
    pub labels: Option<PathBuf>,
    /// A folder for one full-length WAV per bus (speech.wav, music.wav, sfx.wav).
    pub stems: Option<PathBuf>,
    /// A folder for one full-length WAV per row ([`crate::output::row_stem_file_name`]).
    pub row_stems: Option<PathBuf>,
    /// A folder for each music row's notes as a Standard MIDI File ([`midi_file_name`]).
    pub midi: Option<PathBuf>,
}

impl Outputs {
    /// Just the master, with the defaults.
    pub fn master(path: impl Into<PathBuf>) -> Outputs {
        Outputs {
            master: path.into(),
            bits: BitDepth::Int24,
            bitrate_kbps: None,
            report: None,
            credits: None,
            srt: None,
            vtt: None,
            labels: None,
            stems: None,
            row_stems: None,
            midi: None,
        }
    }
}

/// Where sound effects may come from besides onair's recipes.
#[derive(Clone, Debug)]
pub struct Sounds {
    /// Folders of sound files, after the script's own `library:` folders.
    pub libraries: Vec<PathBuf>,
    /// The packaged recordings (Debian's sound collections). Default: yes.
    pub system_library: bool,
    /// Only packaged recordings that need no attribution. Default: no.
    pub no_attribution: bool,
}

impl Default for Sounds {
    fn default() -> Self {
        Sounds {
            libraries: Vec::new(),
            system_library: true,
            no_attribution: false,
        }
    }
}

impl Sounds {
    /// The sound-effect engine: `script`'s `library:` folders (relative to its file, and
    /// checked to exist by the preflight), then [`Sounds::libraries`], then the packaged
    /// recordings, indexed in `index_dir`, chosen with the settings' MiniLM model. `notice`
    /// hears of slow one-time work.
    pub fn effects(
        &self,
        settings: &Settings,
        script: Option<(&Script, &Path)>,
        index_dir: Option<PathBuf>,
        notice: Option<Box<Notice>>,
    ) -> Result<SoundEffects> {
        let mut options = SfxOptions::standard(index_dir);
        options.model_dir = Some(settings.minilm_dir());
        options.system_library = self.system_library;
        options.no_attribution = self.no_attribution;
        if let Some((script, path)) = script {
            let base = path.parent().unwrap_or(Path::new(""));
            options
                .libraries
                .extend(script.libraries.iter().map(|lib| base.join(&lib.path)));
        }
        options.libraries.extend(self.libraries.iter().cloned());
        let effects = SoundEffects::new(options)?;
        Ok(match notice {
            Some(notice) => effects.with_notice(notice),
            None => effects,
        })
    }
}

/// What messages call the parts of a job, so that each says what to change. The library's
/// words by default; the CLI names its flags.
#[derive(Clone, Copy, Debug)]
pub struct Names {
    pub master: &'static str,
    pub report: &'static str,
    pub credits: &'static str,
    pub srt: &'static str,
    pub vtt: &'static str,
    pub labels: &'static str,
    pub stems: &'static str,
    pub row_stems: &'static str,
    pub midi: &'static str,
    pub rows: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            master: "the master",
            report: "the report",
            credits: "the credits",
            srt: "the SubRip subtitles",
            vtt: "the WebVTT subtitles",
            labels: "the labels",
            stems: "the stems folder",
            row_stems: "the row stems folder",
            midi: "the MIDI folder",
            rows: "the row selection",
            from: "from",
            to: "to",
        }
    }
}

/// What a finished job made.
#[derive(Debug)]
pub struct Summary {
    /// What the report file holds (written or not).
    pub report: Report,
    /// Rows rendered, and how many of them came from the cache.
    pub rows: usize,
    pub cached: usize,
    /// A partial render: the whole script's master gain it played at.
    pub master_gain: Option<MasterGain>,
    /// MIDI files written.
    pub midi_files: usize,
    pub render_ms: u64,
}

/// `row-03.mid`, or `row-03-theme.mid` for a row with the id `theme` (characters other than
/// letters, digits, `-` and `_` become `_`).
pub fn midi_file_name(index: usize, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("row-{index:02}-{}.mid", crate::output::file_safe(id)),
        None => format!("row-{index:02}.mid"),
    }
}

impl Job {
    /// Checks what needs no script: the master's format and bitrate, the window, and that
    /// every output can be written (folders are made). A bad output fails here at once
    /// rather than after minutes of work; [`Job::run`] calls it too.
    pub fn check_outputs(&self) -> Result<FileFormat> {
        let format = self.format()?;
        self.check_files()?;
        Ok(format)
    }

    /// The master's format, and the window's order.
    fn format(&self) -> Result<FileFormat> {
        let (names, outputs) = (&self.names, &self.outputs);
        // An existing folder has no format to speak of: say what it is.
        if outputs.master.is_dir() {
            check_outputs(&[Output::File(names.master, &outputs.master)])?;
        }
        let format = FileFormat::for_path(&outputs.master, outputs.bits, outputs.bitrate_kbps)?;
        if let (Some(from), Some(to)) = (self.part.from_s, self.part.to_s)
            && to <= from
        {
            return Err(Error::BadInput(format!(
                "{} {} {} {}: the window must end after it starts",
                names.from,
                Clock(from),
                names.to,
                Clock(to)
            )));
        }
        Ok(format)
    }

    /// Every output can be written ([`check_outputs`]).
    fn check_files(&self) -> Result<()> {
        let (n, o) = (&self.names, &self.outputs);
        let files = [
            (n.master, Some(&o.master)),
            (n.report, o.report.as_ref()),
            (n.credits, o.credits.as_ref()),
            (n.srt, o.srt.as_ref()),
            (n.vtt, o.vtt.as_ref()),
            (n.labels, o.labels.as_ref()),
        ];
        let folders = [
            (n.stems, o.stems.as_ref()),
            (n.row_stems, o.row_stems.as_ref()),
            (n.midi, o.midi.as_ref()),
        ];
        let outputs: Vec<Output<'_>> = files
            .iter()
            .filter_map(|(name, p)| p.map(|p| Output::File(name, p)))
            .chain(
                folders
                    .iter()
                    .filter_map(|(name, p)| p.map(|p| Output::Folder(name, p))),
            )
            .collect();
        check_outputs(&outputs)
    }

    /// Renders the job with the engines `settings` name, and writes its files. `progress` hears of
    /// each row, of warnings and of notices; the files appear only once all is done, and an
    /// error leaves none of them half-written.
    pub fn run(
        &self,
        settings: &Settings,
        progress: Arc<dyn Fn(Progress<'_>) + Send + Sync>,
    ) -> Result<Summary> {
        let format = self.format()?;
        let (names, outputs) = (&self.names, &self.outputs);
        // A missing script is reported before any output folder is made.
        super::read_script(&self.script)?;
        self.check_files()?;
        let (whole, warnings, _) = super::load_checked(&self.script, &Speech::installed(settings))?;
        let selection = match &self.part.rows {
            Some(rows) => Selection::rows(whole, rows, names.rows)?,
            None => Selection::whole(whole),
        };
        let script = selection.script();
        // With a selection, the warnings of the rows rendered.
        for w in warnings
            .iter()
            .filter(|w| w.row.is_none_or(|r| script.row(r).is_some()))
        {
            progress(Progress::Warning(&w.to_string()));
        }
        let window_s = match (self.part.from_s, self.part.to_s) {
            (None, None) => None,
            (from, to) => Some((from.unwrap_or(0.0), to.unwrap_or(f64::INFINITY))),
        };
        if let FileFormat::Mp3(_) = format {
            mp3_sample_rate_hz(script.sample_rate_hz)
                .map_err(|e| Error::in_file(&self.script, e))?;
        }
        let notice: Box<Notice> = {
            let progress = Arc::clone(&progress);
            Box::new(move |message: &str| progress(Progress::Notice(message)))
        };
        let effects = self.sounds.effects(
            settings,
            Some((script, &self.script)),
            self.cache_dir.clone(),
            Some(notice),
        )?;
        let registry = Registry::new(settings, effects);
        let cache = match &self.cache_dir {
            Some(dir) => Cache::open(dir).map_err(|e| Error::CacheFolder(Box::new(e)))?,
            None => Cache::disabled(),
        };
        let renderer = Renderer {
            registry: &registry,
            cache: &cache,
            progress: &*progress,
        };
        let options = RenderOptions {
            row_stems: outputs.row_stems.is_some(),
            window_s,
            window_names: (names.from, names.to),
            // The same script file under another name (a link, `./`) is the same script.
            script_key: Some(
                std::fs::canonicalize(&self.script)
                    .unwrap_or_else(|_| self.script.clone())
                    .display()
                    .to_string(),
            ),
            scratch_dir: outputs
                .master
                .parent()
                .map(Path::to_path_buf)
                .filter(|p| !p.as_os_str().is_empty()),
        };
        // The audio streams into its files as it is mastered; they appear (renamed into
        // place) only once all is done, and an error or a kill leaves none behind.
        let rate = script.sample_rate_hz;
        let mut master = FileSink::create(&outputs.master, format, rate, 2)?;
        let mut stems = match &outputs.stems {
            Some(dir) => {
                let sink = |bus: Bus| {
                    let path = dir.join(format!("{}.wav", bus.name()));
                    FileSink::create(&path, FileFormat::Wav(outputs.bits), rate, 2)
                };
                let [speech, music, sfx] = Bus::ALL;
                Some([sink(speech)?, sink(music)?, sink(sfx)?])
            }
            None => None,
        };
        let rendered = renderer.render_to(
            &selection,
            &options,
            Sinks {
                master: &mut master,
                stems: stems
                    .as_mut()
                    .map(|s| s.each_mut().map(|s| s as &mut dyn AudioSink)),
            },
        )?;
        for w in &rendered.timeline.warnings {
            progress(Progress::Warning(w));
        }
        master.finish()?;
        for sink in stems.iter_mut().flatten() {
            sink.finish()?;
        }
        if let Some(dir) = &outputs.row_stems {
            let frames = rendered.mix.frames;
            for stem in &rendered.mix.row_stems {
                let row = script
                    .row(stem.row_index)
                    .expect("stems are of rows in the script");
                let name = crate::output::row_stem_file_name(row);
                write_wav(&dir.join(name), &stem.full_length(frames), outputs.bits)?;
            }
        }
        if let Some(path) = &outputs.labels {
            write_text(path, &crate::output::labels(script, &rendered))?;
        }
        let mut midi_files = 0;
        if let Some(dir) = &outputs.midi {
            let files = renderer.midi(script, &rendered.timeline)?;
            for (index, bytes) in &files {
                let row = script
                    .row(*index)
                    .expect("MIDI files are of rows in the script");
                write_bytes(&dir.join(midi_file_name(*index, row.id.as_deref())), bytes)?;
            }
            midi_files = files.len();
        }
        let report = Report::new(script, &rendered);
        if let Some(path) = &outputs.report {
            write_text(path, &report.to_json())?;
        }
        if let Some(path) = &outputs.credits {
            let list = crate::output::credits(rendered.rows.values());
            let text = if list.is_empty() {
                "No recorded sounds: everything in this mix was made by onair.\n".to_string()
            } else {
                format!(
                    "Sound effects used in {}:\n\n{list}",
                    outputs.master.display()
                )
            };
            write_text(path, &text)?;
        }
        if let Some(path) = &outputs.srt {
            write_text(path, &subtitles(script, &rendered, Subtitles::Srt))?;
        }
        if let Some(path) = &outputs.vtt {
            write_text(path, &subtitles(script, &rendered, Subtitles::Vtt))?;
        }
        Ok(Summary {
            report,
            rows: rendered.rows.len(),
            cached: rendered.rows.values().filter(|r| r.cached).count(),
            master_gain: rendered.master_gain,
            midi_files,
            render_ms: rendered.render_ms,
        })
    }
}

/// Writes a text file atomically: a temporary file beside it, renamed into place.
fn write_text(path: &Path, text: &str) -> Result<()> {
    write_bytes(path, text.as_bytes())
}

/// Writes a whole file or nothing: a temporary file beside it, renamed over it.
fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::fsutil::write(path, bytes).map_err(|e| Error::io(path, e))
}
