//! Command-line arguments (what the user typed) and the commands that act on them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use crate::Settings;
use crate::audio::sink::{AudioSink, FileFormat, FileSink};
use crate::audio::wav::BitDepth;
use crate::generate::Registry;
use crate::generate::cache::Cache;
use crate::generate::speech::Speech;
use crate::plan::brief_file::Kept;
use crate::plan::{Brief, Engine};
use crate::preflight::{Output, Preflight, Warning, Wording, check_outputs};
use crate::render::{
    Job, Names, Outputs, Part, Progress, Renderer, Selection, Sounds, load_checked, read_script,
};
use crate::script::{Action, Duration, Script, ValidationErrors};
use crate::timeline::Clock;

#[derive(Debug, Parser)]
#[command(
    name = "onair",
    version,
    about = "Render audio scripts (speech, music, sound effects) to mastered audio, offline"
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a script from a one-line brief.
    Plan(PlanArgs),
    /// Render a script (or a brief, with --brief) to a mastered WAV, FLAC or MP3 file.
    Render(Box<RenderArgs>),
    /// Check scripts and print every problem found.
    Validate {
        /// Script files (YAML).
        #[arg(required = true)]
        scripts: Vec<PathBuf>,
    },
    /// Print a script as a table of rows.
    Table { script: PathBuf },
    /// Print where each row starts and ends (generates the foreground rows to know their lengths).
    Timeline {
        script: PathBuf,
        #[command(flatten)]
        library: LibraryArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// List the installed voices: neural voices (language, accent, gender, sample rate,
    /// engine, speakers) and espeak-ng's languages.
    Voices,
    /// Speak a text to a mastered WAV file, to try a voice.
    Say(SayArgs),
    /// Sound effects: what the engine would choose for a description, and its recipes.
    Sfx {
        #[command(subcommand)]
        command: SfxCommand,
    },
    /// Change fields of a row in place; `field=` removes a field.
    ///
    /// `onair set script.yaml 3 volume=-20 description="Door slam"`. Comments, blank lines
    /// and the layout of the rest of the file stay as they were; the edited script is
    /// validated before it is written.
    Set {
        script: PathBuf,
        /// The row, numbered as `onair table` prints it.
        row: usize,
        #[arg(required = true, value_name = "FIELD=VALUE")]
        fields: Vec<String>,
    },
    /// Insert a row before row AT (one past the last row appends).
    ///
    /// `onair insert script.yaml 3 type=sfx description="Door slam" duration=1.5`. The row is
    /// written in the style (block or `{ … }`) and indentation of its neighbours.
    Insert {
        script: PathBuf,
        at: usize,
        #[arg(required = true, value_name = "FIELD=VALUE")]
        fields: Vec<String>,
    },
    /// Delete rows, with the comment lines right above them.
    ///
    /// Give a background's begin and end rows together: `onair delete script.yaml 2 9`.
    Delete {
        script: PathBuf,
        #[arg(required = true)]
        rows: Vec<usize>,
    },
    /// Move row ROW so that it becomes row TO.
    Move {
        script: PathBuf,
        row: usize,
        to: usize,
    },
    /// Check the clip cache.
    Cache {
        #[command(subcommand)]
        command: CacheCommand,
    },
    /// Transcribe an audio file with Whisper base and print what it says.
    Check { file: PathBuf },
    /// Write the script format's JSON Schema.
    Schema {
        /// Where to write it; `-` for standard output.
        #[arg(short, long, default_value = "schemas/script.schema.json")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum SfxCommand {
    /// Rank the recipes and library samples for a description and print the best.
    Search {
        /// What the sound should be, as a row's description would say it.
        description: String,
        /// How many to print.
        #[arg(short = 'n', long, default_value_t = 5)]
        count: usize,
        #[command(flatten)]
        library: LibraryArgs,
        #[command(flatten)]
        cache: CacheArgs,
    },
    /// List the procedural recipes by group.
    Recipes,
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Check every entry's checksum and list the damaged ones (a render generates them
    /// again), and the files that interrupted writes left. Exits 1 if an entry is damaged.
    Verify {
        /// Delete the damaged entries and the left-over files (then exit 0).
        #[arg(long)]
        remove: bool,
        /// Clip cache folder. Default: $ONAIR_CACHE, else ~/.cache/onair.
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct LibraryArgs {
    /// A folder of sound files (WAV, FLAC, OGG, MP3) to choose sound effects from, besides
    /// the recipes; may be given several times. Adds to the script's `library:`.
    #[arg(long = "library", value_name = "DIR")]
    pub libraries: Vec<PathBuf>,
    /// Leave out the packaged recordings (Debian's sound collections that scripts/setup
    /// installs).
    #[arg(long)]
    pub no_system_library: bool,
    /// Which licences of packaged recordings to choose from: `any` (CC0, public domain,
    /// CC-BY, CC-BY-SA; the credits list names what needs attribution) or `cc0` (only
    /// sounds that need no attribution; recipes and your own folders are always used).
    #[arg(long, value_enum, default_value = "any", value_name = "LICENCE")]
    pub licence: LicenceChoice,
}

/// `--licence`: which packaged recordings may be chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LicenceChoice {
    Any,
    Cc0,
}

#[derive(Debug, clap::Args)]
pub struct CacheArgs {
    /// Generate every clip anew; read and write no cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Clip cache folder. Default: $ONAIR_CACHE, else ~/.cache/onair.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

impl CacheArgs {
    fn open(&self, settings: &Settings) -> anyhow::Result<Cache> {
        if self.no_cache {
            return Ok(Cache::disabled());
        }
        // The error names the folder.
        Cache::open(self.dir(settings)).context("cannot use the cache folder")
    }

    /// The cache folder: --cache-dir, else the settings'.
    fn dir(&self, settings: &Settings) -> PathBuf {
        self.cache_dir
            .clone()
            .unwrap_or_else(|| settings.cache_dir.clone())
    }

    /// The cache folder, which also keeps derived data (the sound-library index); none
    /// with --no-cache.
    fn index_dir(&self, settings: &Settings) -> Option<PathBuf> {
        (!self.no_cache).then(|| self.dir(settings))
    }
}

impl LibraryArgs {
    /// Where sound effects may come from.
    fn sounds(&self) -> Sounds {
        Sounds {
            libraries: self.libraries.clone(),
            system_library: !self.no_system_library,
            no_attribution: self.licence == LicenceChoice::Cc0,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Bits {
    #[value(name = "16")]
    Sixteen,
    #[value(name = "24")]
    TwentyFour,
}

#[derive(Debug, clap::Args)]
pub struct SayArgs {
    /// The words.
    pub text: String,
    /// Output file: WAV (16-bit), or FLAC, MP3 or Opus by its extension.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Voice name (`onair voices` lists them). Default: the default male neural voice, or
    /// with `--gender female` the female one.
    #[arg(long)]
    pub voice: Option<String>,
    /// Speech engine.
    #[arg(long, value_parser = ["piper", "hibari", "espeak"])]
    pub engine: Option<String>,
    /// The speaker's gender, when no voice is named.
    #[arg(long, value_parser = ["female", "male"])]
    pub gender: Option<String>,
    /// Pitch shift in semitones.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub pitch: f64,
    /// Speaking-rate multiplier.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// How to plan: which engine, which model.
#[derive(Debug, Default, clap::Args)]
pub struct PlannerArgs {
    /// Planner engine: template (offline, always available), local (a GGUF chat model run
    /// here) or http (an OpenAI-compatible server). Default: $ONAIR_PLANNER, else the config
    /// file's `planner`, else template.
    #[arg(long, value_name = "ENGINE", value_parser = parse_engine)]
    pub planner: Option<Engine>,
    /// local: the GGUF file (default: models/llm/SmolLM2-135M-Instruct.Q4_1.gguf, or
    /// $ONAIR_MODEL); http: the model name (default: $ONAIR_HTTP_MODEL).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
    /// http: the server's base URL, e.g. http://127.0.0.1:11434/v1 for Ollama (default:
    /// $ONAIR_HTTP_URL). The API key is read from $ONAIR_API_KEY, else $OPENAI_API_KEY, and never printed.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Planner seed: the same brief and seed give the same script (template and local).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    s.parse()
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// What the piece is, in a sentence or two, e.g. "a 2-minute news segment about ...".
    pub brief: String,
    /// Where to write the script (YAML); `-` for standard output.
    #[arg(short, long, default_value = "script.yaml")]
    pub output: PathBuf,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub planner: PlannerArgs,
}

#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The script (YAML).
    #[arg(required_unless_present = "brief")]
    pub script: Option<PathBuf>,
    /// Plan a script from this brief first, write it beside the output (out.wav → out.yaml)
    /// so it can be edited and rendered again, then render it.
    #[arg(long, conflicts_with = "script")]
    pub brief: Option<String>,
    #[command(flatten)]
    pub planner: PlannerArgs,
    /// Output file, in the format its extension names (any case): .wav, .flac, .mp3 (with
    /// the title and chapters in its ID3 tag) or .opus (Ogg Opus, 48 kHz, with them in its
    /// comments); others are refused. Default: out/<script name>.wav (out/brief.wav with
    /// --brief).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write a JSON report: loudness, and per row its times, engine, source and cache use.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write a plain-text list of the recorded sounds the mix plays: title, author,
    /// licence and Debian package of each (CC-BY licences require this credit wherever the
    /// audio is published).
    #[arg(long, value_name = "FILE")]
    pub credits: Option<PathBuf>,
    /// Write SubRip subtitles of the speech rows.
    #[arg(long, value_name = "FILE")]
    pub srt: Option<PathBuf>,
    /// Write WebVTT subtitles of the speech rows.
    #[arg(long, value_name = "FILE")]
    pub vtt: Option<PathBuf>,
    /// Write one full-length WAV per bus (speech, music, sfx) into this folder.
    #[arg(long, value_name = "DIR")]
    pub stems: Option<PathBuf>,
    /// Write one full-length WAV per row into this folder (row-03-<id or type>.wav): the
    /// row alone, where it plays, as in the mix before the limiter.
    #[arg(long, value_name = "DIR")]
    pub stems_rows: Option<PathBuf>,
    /// Write an Audacity label track: one line per row, start, end and what it is.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Write each music row's notes as a Standard MIDI File into this folder
    /// (row-<N>[-<id>].mid), with the tempo, meter, key and instruments of the render.
    #[arg(long, value_name = "DIR")]
    pub midi: Option<PathBuf>,
    /// Bits per sample of the WAV and FLAC files (the master and stems; an MP3 master has a
    /// bitrate instead).
    #[arg(long, value_enum, default_value = "24")]
    pub bits: Bits,
    /// Render only these rows (e.g. 3,5-7), with the backgrounds they sit in, for a quick
    /// listen. Characters keep the voices they have in the whole script.
    #[arg(long, value_name = "ROWS", value_parser = parse_rows)]
    pub only: Option<RowList>,
    /// Mix only the timeline from this time on (e.g. 00:45, 1:02:03.5 or 45.5), mastered
    /// on its own.
    #[arg(long, value_name = "TIME", value_parser = parse_clock)]
    pub from: Option<f64>,
    /// Mix only the timeline up to this time.
    #[arg(long, value_name = "TIME", value_parser = parse_clock)]
    pub to: Option<f64>,
    /// Bitrate of an MP3 master, kbps, constant: 128 or 192 (default 192); of an Opus
    /// master, variable: 6 to 510 (default 96).
    #[arg(long, value_name = "KBPS")]
    pub bitrate: Option<u32>,
    /// Print only warnings, errors and the summary.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub library: LibraryArgs,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// Row numbers, sorted, without repeats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowList(pub Vec<usize>);

/// Row numbers and ranges: `3,5-7` → 3, 5, 6, 7.
fn parse_rows(s: &str) -> Result<RowList, String> {
    let mut rows = Vec::new();
    for part in s.split(',').map(str::trim) {
        let number = |n: &str| {
            n.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("`{part}` is not a row number or a range like 5-7"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (number(a)?, number(b)?);
                if a > b {
                    return Err(format!("the range `{part}` runs backwards; write {b}-{a}"));
                }
                rows.extend(a..=b);
            }
            None => rows.push(number(part)?),
        }
    }
    rows.sort_unstable();
    rows.dedup();
    Ok(RowList(rows))
}

/// A time on the timeline: seconds (`45.5`), `m:ss` (`00:45`) or `h:mm:ss` (`1:02:03.5`).
fn parse_clock(s: &str) -> Result<f64, String> {
    let bad = || format!("`{s}` is not a time; write seconds (45.5), m:ss (00:45) or h:mm:ss");
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() > 3 {
        return Err(bad());
    }
    let mut seconds = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let v: f64 = p.parse().map_err(|_| bad())?;
        let last = i + 1 == parts.len();
        if !v.is_finite() || v < 0.0 || (!last && v.fract() != 0.0) || (i > 0 && v >= 60.0) {
            return Err(bad());
        }
        seconds = seconds * 60.0 + v;
    }
    Ok(seconds)
}

/// Runs a command. Errors that are the user's input carry [`crate::Error::Invalid`], which
/// `main` maps to exit code 2.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let settings = &Settings::from_env();
    match args.command {
        Command::Plan(a) => plan_command(settings, &a),
        Command::Render(a) => render(settings, &a),
        Command::Validate { scripts } => validate(settings, &scripts),
        Command::Table { script } => {
            let script = crate::render::load_script(&script)?;
            print!("{}", table(&script));
            Ok(ExitCode::SUCCESS)
        }
        Command::Timeline {
            script,
            library,
            cache,
        } => timeline(settings, &script, &library, &cache),
        Command::Sfx { command } => sfx(settings, &command),
        Command::Say(a) => say(settings, &a),
        Command::Voices => {
            print!("{}", voices(&Speech::installed(settings)));
            Ok(ExitCode::SUCCESS)
        }
        Command::Set {
            script,
            row,
            fields,
        } => edit_command(
            &script,
            crate::edit::Edit::Set {
                row,
                fields: assignments(&fields)?,
            },
        ),
        Command::Insert { script, at, fields } => edit_command(
            &script,
            crate::edit::Edit::Insert {
                at,
                fields: assignments(&fields)?,
            },
        ),
        Command::Delete { script, rows } => {
            edit_command(&script, crate::edit::Edit::Delete { rows })
        }
        Command::Move { script, row, to } => {
            edit_command(&script, crate::edit::Edit::Move { row, to })
        }
        Command::Cache {
            command: CacheCommand::Verify { remove, cache_dir },
        } => cache_verify(
            &cache_dir.unwrap_or_else(|| settings.cache_dir.clone()),
            remove,
        ),
        Command::Check { file } => {
            let heard = crate::listen::transcribe_file(&file, &settings.models_dir)?;
            println!("{}", heard.transcript.text);
            eprintln!("{}", heard.summary());
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { output } => {
            let schema = crate::script::schema::json_schema();
            if output == Path::new("-") {
                print!("{schema}");
            } else {
                write_text(&output, &schema)?;
                eprintln!("wrote {}", output.display());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_warnings(warnings: &[Warning]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

fn validate(settings: &Settings, paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut invalid = 0;
    for path in paths {
        match load_checked(path, &Speech::installed(settings)) {
            Ok((s, warnings, _)) => {
                print_warnings(&warnings);
                println!("{}: ok ({} rows)", path.display(), s.rows.len());
            }
            Err(e) if e.is_invalid_input() => {
                invalid += 1;
                eprintln!("{e}");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(if invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

/// `onair cache verify`: what is damaged or left over in the cache, optionally removed.
fn cache_verify(dir: &Path, remove: bool) -> anyhow::Result<ExitCode> {
    if !dir.is_dir() {
        println!("{}: no cache here, nothing to check", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let found = Cache::open(dir)?.verify()?;
    println!(
        "{}: {} entries, {} damaged, {} left over from interrupted writes",
        dir.display(),
        found.entries,
        found.damaged.len(),
        found.stale.len()
    );
    for path in &found.damaged {
        println!("damaged: {}", path.display());
    }
    for path in &found.stale {
        println!("left over: {}", path.display());
    }
    if remove {
        for path in found.damaged.iter().chain(&found.stale) {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot remove {}", path.display()));
                }
                _ => {}
            }
        }
        let n = found.damaged.len() + found.stale.len();
        if n > 0 {
            let s = if n == 1 { "" } else { "s" };
            println!("removed {n} file{s}; the next render generates what was damaged");
        }
        return Ok(ExitCode::SUCCESS);
    }
    Ok(if found.damaged.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The script as the original table: index, type, layout, id, character, volume, action,
/// description, duration.
pub fn table(script: &Script) -> String {
    let mut rows = vec![
        [
            "#",
            "type",
            "layout",
            "id",
            "character",
            "volume",
            "action",
            "description",
            "duration",
        ]
        .map(String::from),
    ];
    for r in &script.rows {
        let end = r.action == Some(Action::End);
        let description: String = if r.what().chars().count() > 60 {
            r.what().chars().take(59).chain(['…']).collect()
        } else {
            r.what().to_owned()
        };
        rows.push([
            r.index.to_string(),
            r.row_type.to_string(),
            r.layout.as_str().into(),
            r.id.clone().unwrap_or_default(),
            r.character.clone().unwrap_or_default(),
            if end {
                String::new()
            } else {
                format!("{}", r.volume_lufs)
            },
            r.action.map(|a| a.as_str().to_owned()).unwrap_or_default(),
            description,
            match r.duration {
                Duration::Auto if end => String::new(),
                Duration::Auto => "auto".into(),
                Duration::Seconds(s) => format!("{s}"),
            },
        ]);
    }
    let widths: Vec<usize> = (0..9)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The installed voices, as `onair voices` prints them.
fn voices(speech: &Speech) -> String {
    let voices = speech.neural_voices();
    let mut out = format!(
        "Neural voices (Piper voices in {}, hibari voices in {}):\n",
        speech.piper().voices_dir().display(),
        speech.hibari().dir().display()
    );
    if voices.is_empty() {
        out.push_str("  (none; run scripts/setup, or add a Piper voice's .onnx and .onnx.json)\n");
    } else {
        out.push_str(&format!(
            "  {:<28} {:<8} {:<9} {:<7} {:>9}  {:<7} {}\n",
            "name", "language", "accent", "gender", "rate", "engine", "speakers"
        ));
    }
    for v in voices {
        out.push_str(&format!(
            "  {:<28} {:<8} {:<9} {:<7} {:>6} Hz  {:<7} {}\n",
            v.name,
            v.language,
            if v.accent.is_empty() { "-" } else { &v.accent },
            v.gender.map_or("-", |g| g.as_str()),
            v.sample_rate_hz,
            v.engine.as_str(),
            if v.speakers.is_empty() {
                "1".to_owned()
            } else {
                format!("{}: {}", v.speakers.len(), v.speakers.join(", "))
            }
        ));
    }
    out.push_str(
        "espeak-ng voices (robotic; for drafts and languages without a neural voice): a name \
         below, or a language's short code (`voice: fr`), with a variant as `en-us+f3`:\n",
    );
    match speech.espeak().languages() {
        Ok(languages) => {
            // Wrapped to 100 columns.
            let mut line = String::from(" ");
            for l in languages {
                if line.len() + l.len() + 1 > 100 {
                    out.push_str(&line);
                    out.push('\n');
                    line = String::from(" ");
                }
                line.push(' ');
                line.push_str(&l);
            }
            out.push_str(&line);
            out.push('\n');
        }
        Err(e) => out.push_str(&format!("  (none: {e})\n")),
    }
    out
}

fn timeline(
    settings: &Settings,
    path: &Path,
    library: &LibraryArgs,
    cache: &CacheArgs,
) -> anyhow::Result<ExitCode> {
    let (script, warnings, _) = load_checked(path, &Speech::installed(settings))?;
    print_warnings(&warnings);
    let effects = library.sounds().effects(
        settings,
        Some((&script, path)),
        cache.index_dir(settings),
        None,
    )?;
    let registry = Registry::new(settings, effects);
    let cache = cache.open(settings)?;
    let quiet = |_: Progress<'_>| {};
    let renderer = Renderer {
        registry: &registry,
        cache: &cache,
        progress: &quiet,
    };
    let (timeline, _) = renderer.timeline(&script)?;
    for w in &timeline.warnings {
        eprintln!("warning: {w}");
    }
    println!(
        "{:>3}  {:<9}  {:<9}  {:<9}  {:>8}  what",
        "#", "start", "end", "layout", "length"
    );
    for p in &timeline.placements {
        let row = script.row(p.row).expect("placed rows are in the script");
        let what = match &row.character {
            Some(c) => format!("{c}: {}", row.description),
            None => format!("{} {}", row.row_type, row.what()),
        };
        let what: String = what.chars().take(70).collect();
        println!(
            "{:>3}  {}  {}  {:<9}  {:>7.3}s  {what}",
            p.row,
            Clock(p.start_s),
            Clock(p.end_s),
            row.layout.as_str(),
            p.length_s()
        );
    }
    println!("total {:.3} s", timeline.duration_s);
    Ok(ExitCode::SUCCESS)
}

/// The flags' names, for messages about what to change.
const FLAG_NAMES: Names = Names {
    master: "-o",
    report: "--report",
    credits: "--credits",
    srt: "--srt",
    vtt: "--vtt",
    labels: "--labels",
    stems: "--stems",
    row_stems: "--stems-rows",
    midi: "--midi",
    rows: "--only",
    from: "--from",
    to: "--to",
};

impl RenderArgs {
    /// The render job the flags ask for, of the script at `script`.
    fn job(&self, settings: &Settings, script: PathBuf) -> Job {
        Job {
            script,
            part: Part {
                rows: self.only.as_ref().map(|r| r.0.clone()),
                from_s: self.from,
                to_s: self.to,
            },
            outputs: Outputs {
                master: self.output.clone().unwrap_or_else(|| {
                    let stem = match &self.script {
                        Some(path) => path.file_stem().unwrap_or_default(),
                        None => std::ffi::OsStr::new("brief"),
                    };
                    Path::new("out").join(stem).with_extension("wav")
                }),
                bits: match self.bits {
                    Bits::Sixteen => BitDepth::Int16,
                    Bits::TwentyFour => BitDepth::Int24,
                },
                bitrate_kbps: self.bitrate,
                report: self.report.clone(),
                credits: self.credits.clone(),
                srt: self.srt.clone(),
                vtt: self.vtt.clone(),
                labels: self.labels.clone(),
                stems: self.stems.clone(),
                row_stems: self.stems_rows.clone(),
                midi: self.midi.clone(),
            },
            sounds: self.library.sounds(),
            cache_dir: self.cache.index_dir(settings),
            names: FLAG_NAMES,
        }
    }
}

fn render(settings: &Settings, a: &RenderArgs) -> anyhow::Result<ExitCode> {
    let mut job = a.job(settings, a.script.clone().unwrap_or_default());
    if let Some(brief) = &a.brief {
        // The outputs are checked before planning, which takes a while too.
        job.check_outputs()?;
        job.script = job.outputs.master.with_extension("yaml");
        let text = plan_text(settings, brief, &a.planner, a.quiet)?;
        let path = &job.script;
        match crate::plan::brief_file::keep(path, &text)? {
            Kept::Same => {}
            Kept::Written => eprintln!("wrote {} (edit it and render again)", path.display()),
            Kept::Differs => {
                return Err(anyhow::Error::new(crate::Error::BadInput(format!(
                    "{} exists and differs from the new plan (it may hold your edits); \
                     render it with `onair render {} -o {}`, or move it away to plan again",
                    path.display(),
                    path.display(),
                    job.outputs.master.display()
                ))));
            }
        }
    }
    let printer = Printer {
        quiet: a.quiet,
        long_rows: std::sync::Mutex::new(LongRows::default()),
    };
    let summary = job.run(settings, std::sync::Arc::new(move |p| printer.print(p)))?;
    if !a.quiet
        && let Some(dir) = &job.outputs.midi
    {
        eprintln!(
            "wrote {} MIDI file(s) to {}",
            summary.midi_files,
            dir.display()
        );
    }
    let report = &summary.report;
    eprintln!(
        "rendered {}: {:.1} s, {:.1} LUFS, {:.1} dBTP, {} rows ({} generated, {} cached) in {:.1} s",
        job.outputs.master.display(),
        report.duration_s,
        report.loudness_lufs,
        report.true_peak_dbtp,
        summary.rows,
        summary.rows - summary.cached,
        summary.cached,
        summary.render_ms as f64 / 1000.0
    );
    if let Some(gain) = &summary.master_gain {
        eprintln!("played at the whole script's level: {gain}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints a render's progress on standard error.
struct Printer {
    /// Only warnings.
    quiet: bool,
    long_rows: std::sync::Mutex<LongRows>,
}

impl Printer {
    fn print(&self, p: Progress<'_>) {
        let mut long_rows = self.long_rows.lock().expect("progress lock");
        let mut err = std::io::stderr().lock();
        if !matches!(p, Progress::Within { .. }) {
            long_rows.clear_line(&mut err);
        }
        let quiet = self.quiet;
        match p {
            Progress::Row {
                done,
                total,
                row,
                result,
                length_s,
            } => {
                if !quiet {
                    let what = if result.cached {
                        "cached   "
                    } else {
                        "generated"
                    };
                    let _ = writeln!(
                        err,
                        "[{done:>2}/{total}] row {:>2} {:<6} {what} {length_s:>6.2} s  {:>5} ms  {}",
                        row.index,
                        row.row_type.as_str(),
                        result.render_ms,
                        result.source
                    );
                }
                for w in &result.warnings {
                    let _ = writeln!(err, "warning: row {} (line {}): {w}", row.index, row.line);
                }
                long_rows.finished(row.index);
            }
            Progress::Within { row, done, total } => {
                if !quiet {
                    long_rows.step(&mut err, row, done, total);
                }
            }
            Progress::Mixing => {
                if !quiet {
                    let _ = writeln!(err, "mixing and mastering…");
                }
            }
            Progress::Warning(w) => {
                let _ = writeln!(err, "warning: {w}");
            }
            Progress::Notice(n) => {
                if !quiet {
                    let _ = writeln!(err, "{n}");
                }
            }
        }
    }
}

fn plan_command(settings: &Settings, a: &PlanArgs) -> anyhow::Result<ExitCode> {
    let to_stdout = a.output == Path::new("-");
    if !to_stdout && !a.force && a.output.exists() {
        return Err(anyhow::Error::new(crate::Error::BadInput(format!(
            "{} exists (it may hold your edits); choose another name with -o, or pass --force \
             to replace it",
            a.output.display()
        ))));
    }
    let text = plan_text(settings, &a.brief, &a.planner, false)?;
    if to_stdout {
        print!("{text}");
    } else {
        create_parent(&a.output)?;
        write_text(&a.output, &text)?;
        eprintln!(
            "wrote {}; render it with `onair render {}`",
            a.output.display(),
            a.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Plans a brief with the engine the flags, environment or config file choose, and returns
/// the script's YAML text (already validated). Warnings go to standard error.
fn plan_text(
    settings: &Settings,
    brief: &str,
    args: &PlannerArgs,
    quiet: bool,
) -> anyhow::Result<String> {
    let (brief, mut warnings) = Brief::new(brief, args.seed)?;
    let config_path = &settings.config_file;
    let file = match &config_path {
        Some(path) => crate::plan::config::read(path)?,
        None => Default::default(),
    };
    let flags = crate::plan::config::Flags {
        planner: args.planner,
        model: args.model.clone(),
        url: args.url.clone(),
    };
    let plan_settings = crate::plan::config::resolve(
        &flags,
        &|k| settings.planner_var(k),
        &file,
        config_path.as_deref().unwrap_or(Path::new("config.toml")),
    )?;
    if !quiet {
        eprintln!(
            "planning with the {} planner (from {})…",
            plan_settings.engine, plan_settings.engine_from
        );
    }
    let mut planner = crate::plan::planner(&plan_settings, &settings.models_dir)?;
    let installed: Vec<String> = Speech::installed(settings)
        .neural_voices()
        .into_iter()
        .map(|v| v.language)
        .collect();
    warnings.extend(crate::plan::language::voice_warning(
        brief.text(),
        &installed,
    ));
    let plan = planner.plan(&brief)?;
    warnings.extend(plan.warnings.iter().cloned());
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let script = crate::plan::check(&plan.script)
        .map_err(crate::Error::Invalid)
        .context("the planned script does not validate")?;
    if !quiet {
        eprintln!(
            "planned \"{}\": {} rows, {} ({})",
            script.title,
            script.rows.len(),
            match crate::generate::speech::character_voices(&script).len() {
                1 => "1 speaker".to_owned(),
                n => format!("{n} speakers"),
            },
            plan.summary
        );
    }
    Ok(crate::plan::to_yaml(&plan, &brief))
}

fn sfx(settings: &Settings, command: &SfxCommand) -> anyhow::Result<ExitCode> {
    match command {
        SfxCommand::Search {
            description,
            count,
            library,
            cache,
        } => {
            let notice = Box::new(|message: &str| eprintln!("{message}"));
            let effects = library.sounds().effects(
                settings,
                None,
                cache.index_dir(settings),
                Some(notice),
            )?;
            let chooser = effects.chooser()?;
            // Unreadable files, packages not installed, a missing model.
            for w in effects.load_warnings()? {
                eprintln!("warning: {w}");
            }
            let decision = chooser.choose(description)?;
            for w in &decision.warnings {
                eprintln!("warning: {w}");
            }
            print!("{}", search_table(&chooser.rank(description)?, *count));
            println!(
                "chosen: {}{}",
                decision.item.source(),
                if decision.confident {
                    ""
                } else {
                    " (not confident: listen to it)"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        SfxCommand::Recipes => {
            let mut recipes: Vec<_> = crate::generate::sfx::recipes().iter().collect();
            recipes.sort_by_key(|r| r.group);
            for r in recipes {
                println!("{:<12} {:<17} {}", r.group, r.name, r.about);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The top of a ranking: rank, score, similarity, keyword points, group, source.
fn search_table(ranked: &[crate::generate::sfx::chooser::Ranked<'_>], count: usize) -> String {
    let mut out = format!(
        "{:>2}  {:>5}  {:>10}  {:>8}  {:<12} source\n",
        "#", "score", "similarity", "keywords", "group"
    );
    for (i, r) in ranked.iter().take(count).enumerate() {
        out.push_str(&format!(
            "{:>2}  {:>5.3}  {:>10.3}  {:>8}  {:<12} {}\n",
            i + 1,
            r.score,
            r.similarity,
            r.keywords,
            r.group,
            r.item.source()
        ));
        // A recording: what it is and whose, indented under it.
        if let crate::generate::sfx::chooser::Item::Sample(s) = r.item
            && let Some(p) = &s.packaged
        {
            out.push_str(&format!(
                "{:>45}{} by {}, {}\n",
                "", p.credit.title, p.credit.author, p.credit.licence
            ));
        }
    }
    out
}

/// `onair say`: a one-row script through the whole pipeline. Its messages speak of the
/// text and the flags, never of the script the user does not see.
fn say(settings: &Settings, a: &SayArgs) -> anyhow::Result<ExitCode> {
    // The format is known from the name, as for `render`, before anything is spoken.
    if a.output.is_dir() {
        check_outputs(&[Output::File("-o", &a.output)])?;
    }
    let format = FileFormat::for_path(&a.output, BitDepth::Int16, None)?;
    let text = serde_json::to_string(&a.text)?;
    let mut voice = Vec::new();
    if let Some(v) = &a.voice {
        voice.push(format!("voice: {}", serde_json::to_string(v)?));
    }
    if let Some(e) = &a.engine {
        voice.push(format!("engine: {e}"));
    }
    if let Some(g) = &a.gender {
        voice.push(format!("gender: {g}"));
    }
    voice.push(format!("pitch: {}, speed: {}", a.pitch, a.speed));
    // JSON strings are YAML strings, so quoting cannot be broken by the text.
    let yaml = format!(
        "voices:\n  Speaker: {{ {} }}\nrows:\n  - {{ type: speech, character: Speaker, text: {text} }}\n",
        voice.join(", ")
    );
    let script = crate::script::parse_script(&yaml).map_err(|e| as_flags(&e))?;
    // As before: the sound-library index in the cache folder even with --no-cache.
    let effects =
        Sounds::default().effects(settings, None, Some(settings.cache_dir.clone()), None)?;
    let registry = Registry::new(settings, effects);
    let check = Preflight {
        speech: registry.speech(),
        text: None,
        base_dir: Path::new(""),
        wording: Wording::Flags,
    };
    let warnings = check.check(&script).map_err(|e| match e {
        crate::Error::Invalid(e) => as_flags(&e),
        e => e,
    })?;
    check_outputs(&[Output::File("-o", &a.output)])?;
    print_warnings(&warnings);
    let cache = a.cache.open(settings)?;
    let quiet = |_: Progress<'_>| {};
    let renderer = Renderer {
        registry: &registry,
        cache: &cache,
        progress: &quiet,
    };
    let mut out = FileSink::create(&a.output, format, script.sample_rate_hz, 2)?;
    let options = crate::render::RenderOptions::default();
    let sinks = crate::render::Sinks {
        master: &mut out,
        stems: None,
    };
    let rendered = renderer.render_to(&Selection::whole(script), &options, sinks)?;
    out.finish()?;
    let row = rendered.rows.values().next().expect("one row");
    for w in &row.warnings {
        eprintln!("warning: {w}");
    }
    let voice = match row.source.split_once(':') {
        Some(("voice", v)) => format!("voice {v}"),
        Some(("espeak", v)) => format!("espeak-ng voice {v}"),
        _ => row.source.clone(),
    };
    eprintln!(
        "wrote {}: {:.1} s, {voice}",
        a.output.display(),
        rendered.timeline.duration_s,
    );
    Ok(ExitCode::SUCCESS)
}

/// The problems of `say`'s one-row script in the user's terms: a voice field is its flag
/// (`voices.Speaker.pitch` → `--pitch`), the row's words are the text.
fn as_flags(errors: &ValidationErrors) -> crate::Error {
    let lines: Vec<String> = errors
        .0
        .iter()
        .map(|e| {
            let field = e.field.as_deref().unwrap_or_default();
            match field.strip_prefix("voices.Speaker.") {
                Some(flag) => format!("--{flag}: {}", e.message),
                None if field.starts_with("--") => format!("{field}: {}", e.message),
                None if matches!(field, "text" | "description" | "the text") => {
                    format!("the text: {}", e.message)
                }
                None => e.message.clone(),
            }
        })
        .collect();
    crate::Error::BadInput(lines.join("\n"))
}

fn create_parent(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}

/// Writes a text file atomically: a temporary file beside it, renamed into place.
fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    write_bytes(path, text.as_bytes())
}

/// Writes a whole file or nothing: a temporary file beside it, renamed over it.
fn write_bytes(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    crate::fsutil::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

fn assignments(args: &[String]) -> anyhow::Result<Vec<crate::edit::Assignment>> {
    Ok(args
        .iter()
        .map(|a| a.parse())
        .collect::<Result<_, crate::Error>>()?)
}

/// `set`, `insert`, `delete`, `move`: edit the script's text, validate the result, and write
/// it atomically — or leave the file as it was and say why.
fn edit_command(path: &Path, edit: crate::edit::Edit) -> anyhow::Result<ExitCode> {
    // A link is followed, so the file it points to is edited and the link stays.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let text = read_script(&target)?;
    let edited = crate::edit::apply_to(path, &text, &edit).map_err(|e| {
        let why = match e {
            crate::Error::Invalid(_) => {
                "not changed; the edit would make it invalid (lines as after the edit)"
            }
            _ => "not changed",
        };
        anyhow::Error::new(e).context(format!("{} {why}", path.display()))
    })?;
    if edited.text != text {
        write_text(&target, &edited.text)?;
    }
    println!("{}", edited.message);
    Ok(ExitCode::SUCCESS)
}

/// Progress through long rows on stderr: rows with many sentences, or that have taken more
/// than a few seconds, show how far they have got. On a terminal that is one line,
/// rewritten in place (every row in progress on it); in a log, a line per tenth of a row.
#[derive(Default)]
struct LongRows {
    /// Rows in progress: when the first step came, and the steps done of all.
    rows: std::collections::BTreeMap<usize, (std::time::Instant, usize, usize)>,
    /// A terminal line is showing and must be cleared before other output.
    line_open: bool,
    last_draw: Option<std::time::Instant>,
}

impl LongRows {
    /// Rows with at least this many sentences show progress from the start.
    const MANY_STEPS: usize = 20;
    /// Other rows show it once they have taken this long.
    const SLOW: std::time::Duration = std::time::Duration::from_secs(3);
    /// The terminal line is redrawn at most this often.
    const REDRAW: std::time::Duration = std::time::Duration::from_millis(200);

    fn step(&mut self, err: &mut impl Write, row: &crate::script::Row, done: usize, total: usize) {
        use std::io::IsTerminal;
        let now = std::time::Instant::now();
        let entry = self.rows.entry(row.index).or_insert((now, 0, total));
        let before = entry.1;
        *entry = (entry.0, done, total);
        if total < Self::MANY_STEPS && now.duration_since(entry.0) < Self::SLOW {
            return;
        }
        if std::io::stderr().is_terminal() {
            if self
                .last_draw
                .is_some_and(|t| now.duration_since(t) < Self::REDRAW)
            {
                return;
            }
            let line = self
                .rows
                .iter()
                .filter(|(_, r)| r.1 < r.2)
                .map(|(index, r)| format!("row {index}: {} of {} sentences", r.1, r.2))
                .collect::<Vec<_>>()
                .join(" · ");
            if line.is_empty() {
                self.clear_line(err);
                return;
            }
            let _ = write!(err, "\r\x1b[2K      {line}");
            let _ = err.flush();
            self.line_open = true;
            self.last_draw = Some(now);
        } else if done * 10 / total > before * 10 / total && done < total {
            let _ = writeln!(
                err,
                "      row {:>2} {:<6} {done} of {total} sentences",
                row.index,
                row.row_type.as_str()
            );
        }
    }

    fn finished(&mut self, index: usize) {
        self.rows.remove(&index);
    }

    fn clear_line(&mut self, err: &mut impl Write) {
        if std::mem::take(&mut self.line_open) {
            let _ = write!(err, "\r\x1b[2K");
        }
    }
}
