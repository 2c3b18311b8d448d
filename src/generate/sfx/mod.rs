//! Sound effects: each row's description is matched by meaning to a procedural recipe
//! (rain, a knock, an office: noise, oscillators, filters and envelopes in
//! [`crate::dsp::sounds`]) or to a file of a sound library, and shaped to its length.
//!
//! - [`chooser`] ranks recipes and samples: MiniLM similarity plus keyword boosts.
//! - [`collections`] reads the tables in `sounds/` that describe the recordings of Debian's
//!   sound packages (OpenSFX, sonic-pi, …), with their authors and licences.
//! - [`library`] indexes those recordings and the user's own folders of sound files, and
//!   keeps the index on disk.
//! - [`fit`] trims a sample or loops it with crossfades to the requested length.
//!
//! The description also sets parameters: intensity ("gentle", "heavy"), distance
//! ("distant"), space ("in a large hall"), a count ("knocks twice") and a pace ("running").
//! The report's `source` is `recipe:<name>`, `sound:<collection>/<file>` (a packaged
//! recording) or `sample:<path>` (the user's file). A pick that may not fit the words is
//! not `confident`: the clip warns, naming two alternatives ([`chooser::Decision`]).

pub mod chooser;
pub mod collections;
pub mod fit;
pub mod library;
mod recipes;
mod words;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

pub use recipes::{Recipe, Shape, find_recipe, recipes};
pub use words::parse_params;

use crate::audio::AudioBuffer;
use crate::dsp::rng::Rng;
use crate::dsp::sounds::{self, Scene, SoundParams, Space, Stereo};
use crate::generate::{Clip, Generator, Request};
use crate::{Error, Result};
use chooser::{Chooser, Item};
use library::LibraryIndex;

const ENGINE: &str = "sfx";

/// Where the sound-effect engine looks for sounds besides its recipes.
#[derive(Clone, Debug, Default)]
pub struct SfxOptions {
    /// Folders of sound files named by the user (`library:`, `--library`). Each must exist.
    pub libraries: Vec<PathBuf>,
    /// Also index the packaged collections of recordings ([`collections`]) that are
    /// installed.
    pub system_library: bool,
    /// Only sounds that need no attribution (CC0, public domain, onair's own recipes, the
    /// user's own files): `--licence cc0`.
    pub no_attribution: bool,
    /// Where the library index is kept; `None` keeps it in memory only.
    pub index_dir: Option<PathBuf>,
    /// The MiniLM model folder; `None` chooses by keywords alone.
    pub model_dir: Option<PathBuf>,
}

impl SfxOptions {
    /// What a render uses unless told otherwise: the system library, the index in the clip
    /// cache folder, the installed MiniLM model.
    pub fn standard(index_dir: Option<PathBuf>) -> Self {
        SfxOptions {
            libraries: Vec::new(),
            system_library: true,
            no_attribution: false,
            index_dir,
            model_dir: Some(crate::ml::bert::default_dir()),
        }
    }
}

/// Tells the user about slow one-time work (indexing a library).
pub type Notice = dyn Fn(&str) + Send + Sync;

/// The sound-effect engine: chooses a recipe or a library sample for each description and
/// shapes it to the requested length.
pub struct SoundEffects {
    folders: Vec<PathBuf>,
    collections: Vec<collections::Collection>,
    options: SfxOptions,
    notice: Option<Box<Notice>>,
    loaded: OnceLock<std::result::Result<Loaded, String>>,
    salt: OnceLock<String>,
}

struct Loaded {
    chooser: Chooser,
    /// Holds container entries unpacked for this run only (no index folder); the chooser's
    /// samples point into it.
    _scratch: Option<tempfile::TempDir>,
    /// Said once, with the first clip: skipped files, a missing model.
    warnings: Vec<String>,
    told: AtomicBool,
}

impl std::fmt::Debug for SoundEffects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoundEffects")
            .field("folders", &self.folders)
            .finish_non_exhaustive()
    }
}

impl SoundEffects {
    /// The engine over `options`. A user folder that does not exist is an error now, before
    /// any work; the model and the index load on first use.
    pub fn new(options: SfxOptions) -> Result<Self> {
        let mut folders = Vec::new();
        for dir in &options.libraries {
            // The scan's error says what is wrong and where to fix it.
            library::scan(dir)?;
            folders.push(dir.clone());
        }
        let collections = if options.system_library {
            collections::packaged()
        } else {
            Vec::new()
        };
        Ok(SoundEffects {
            folders,
            collections,
            options,
            notice: None,
            loaded: OnceLock::new(),
            salt: OnceLock::new(),
        })
    }

    /// Recipes only, keywords only: no model, no library. Fast to build; for tests and tools.
    pub fn recipes_only() -> Self {
        SoundEffects::new(SfxOptions::default()).expect("no folders to check")
    }

    /// Calls `notice` before slow one-time work.
    pub fn with_notice(mut self, notice: Box<Notice>) -> Self {
        self.notice = Some(notice);
        self
    }

    /// The library folders searched, user folders first.
    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    /// Where derived data (the library index, embeddings) is kept; `None`: memory only.
    pub fn index_dir(&self) -> Option<&Path> {
        self.options.index_dir.as_deref()
    }

    /// The chooser, loading the model and the library index on first use.
    pub fn chooser(&self) -> Result<&Chooser> {
        Ok(&self.load()?.chooser)
    }

    /// What loading found that the user should know (a missing model, packages not
    /// installed, unreadable files); a render says it with its first clip.
    pub fn load_warnings(&self) -> Result<&[String]> {
        Ok(&self.load()?.warnings)
    }

    fn load(&self) -> Result<&Loaded> {
        self.loaded
            .get_or_init(|| self.build().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::engine(ENGINE, e.clone()))
    }

    fn build(&self) -> Result<Loaded> {
        let mut warnings = Vec::new();
        let model =
            crate::ml::bert::shared_if_installed(self.options.model_dir.as_deref(), &mut warnings)?;
        if let Some(note) = warnings.first_mut() {
            note.push_str("; choosing sounds by keywords only");
        }
        // Unpacked container entries live beside the index (or for this run only).
        let mut scratch = None;
        let unpack_dir = match &self.options.index_dir {
            Some(dir) => dir.join("sounds"),
            None => {
                let dir = tempfile::tempdir().map_err(|e| Error::io("temporary folder", e))?;
                let path = dir.path().to_path_buf();
                scratch = Some(dir);
                path
            }
        };
        let (packaged, mut w) = if model.is_some() {
            collections::installed(&self.collections, &unpack_dir)
        } else {
            (Vec::new(), Vec::new())
        };
        warnings.append(&mut w);
        let index = match &model {
            Some(m) if !self.folders.is_empty() || !packaged.is_empty() => {
                let mut key: Vec<String> = self
                    .folders
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                let names: Vec<&str> = self
                    .collections
                    .iter()
                    .filter(|c| c.installed())
                    .map(|c| c.name.as_str())
                    .collect();
                if !names.is_empty() {
                    key.push(format!("packaged: {}", names.join(", ")));
                }
                let name = format!(
                    "sfx-index-{}.bin",
                    &blake3::hash(key.join("\n").as_bytes()).to_hex()[..16]
                );
                // Without a cache folder the index lives for this run only.
                let scratch;
                let index_path = match &self.options.index_dir {
                    Some(dir) => dir.join(name),
                    None => {
                        scratch =
                            tempfile::tempdir().map_err(|e| Error::io("temporary folder", e))?;
                        scratch.path().join(name)
                    }
                };
                if let Some(notice) = &self.notice {
                    notice(&format!("sound library: {}", key.join(", ")));
                }
                let (index, mut w) = LibraryIndex::load_or_build_with(
                    &self.folders,
                    &packaged,
                    &index_path,
                    m.id()?,
                    &mut |texts: &[String]| m.embed(texts),
                )?;
                warnings.append(&mut w);
                index
            }
            _ => LibraryIndex::default(),
        };
        let index = if self.options.no_attribution {
            index.retain(|s| s.credit().is_none_or(|c| !c.licence.needs_attribution()))
        } else {
            index
        };

        let store = self
            .options
            .index_dir
            .as_ref()
            .map(|d| d.join("sfx-recipes.bin"));
        Ok(Loaded {
            chooser: Chooser::with_store(model, index, store.as_deref())?,
            _scratch: scratch,
            warnings,
            told: AtomicBool::new(false),
        })
    }

    /// What the choice depends on besides the description: the model file and every file
    /// in the library folders (name, size, time). Cheap: nothing is decoded or embedded.
    fn fingerprint(&self) -> String {
        let mut h = blake3::Hasher::new();
        let mut add = |path: &Path| {
            h.update(path.as_os_str().as_encoded_bytes());
            h.update(library::stamp(path).unwrap_or_default().as_bytes());
            h.update(b"\n");
        };
        if let Some(dir) = &self.options.model_dir {
            add(&dir.join("model.safetensors"));
        }
        for folder in &self.folders {
            match library::scan(folder) {
                Ok(scan) => scan.files.iter().for_each(|f| add(f)),
                Err(_) => add(folder),
            }
        }
        // The packaged collections: their tables (compiled in) and their installed files.
        let mut tables = blake3::Hasher::new();
        for c in self.collections.iter().filter(|c| c.installed()) {
            let mut files = std::collections::BTreeSet::new();
            for e in &c.entries {
                files.insert(e.container().map_or(e.file.as_str(), |(f, _)| f));
                tables.update(e.text().as_bytes());
                tables.update(e.credit.licence.code().as_bytes());
            }
            files.iter().for_each(|f| add(&c.root.join(f)));
        }
        if self.options.no_attribution {
            tables.update(b"no attribution");
        }
        h.update(tables.finalize().as_bytes());
        format!("choice-{}", &h.finalize().to_hex()[..16])
    }
}

impl Generator for SoundEffects {
    fn engine(&self) -> &'static str {
        ENGINE
    }

    fn version(&self) -> u32 {
        // 3: packaged recordings, clips record how sure the choice was (`Clip::choice`).
        // 4: 22 everyday recipes (crossing beep … robot arm) take descriptions older ones had.
        // 5: recipes for vehicles, signals, kitchen, tools, places, ball games (car pass …
        //    lapping), 22 voices (dog bark … elephant, laugh … booing), a size from the words.
        5
    }

    fn cache_salt(&self, _request: &Request<'_>) -> Result<String> {
        Ok(self.salt.get_or_init(|| self.fingerprint()).clone())
    }

    fn generate(&self, request: &Request<'_>) -> Result<Clip> {
        let sample_rate_hz = request.sample_rate_hz;
        if sample_rate_hz < 8000 {
            return Err(Error::engine(
                ENGINE,
                format!(
                    "row {}: sample rate {sample_rate_hz} Hz is too low (at least 8000 Hz)",
                    request.row_index
                ),
            ));
        }
        if let Some(d) = request.duration_s
            && !(d.is_finite() && d >= 0.0)
        {
            return Err(Error::engine(
                ENGINE,
                format!("row {}: duration {d} s is not a length", request.row_index),
            ));
        }
        let loaded = self.load()?;
        let decision = loaded.chooser.choose(request.text)?;
        let mut warnings = decision.warnings;
        if !loaded.told.swap(true, Ordering::Relaxed) {
            warnings.splice(0..0, loaded.warnings.iter().cloned());
        }
        let params = parse_params(request.text);
        let wanted = request
            .duration_s
            .map(|d| (d * f64::from(sample_rate_hz)).round() as usize);
        let audio = match decision.item {
            Item::Recipe(recipe) => {
                let frames =
                    wanted.unwrap_or_else(|| recipe.natural_frames(&params, sample_rate_hz));
                recipe.render(
                    &params,
                    frames,
                    sample_rate_hz,
                    request.background,
                    request.seed,
                )
            }
            Item::Sample(sample) => {
                let decoded = library::load_sample(sample)?;
                let audio = crate::audio::resample::resample(&decoded, sample_rate_hz)?;
                let frames = wanted.unwrap_or(audio.frames());
                let fitted = fit::fit(&audio, frames, request.background);
                place(&fitted, &params, request.seed)
            }
        };
        Ok(Clip {
            audio,
            source: decision.item.source(),
            warnings,
            // Recipes and looped samples run on past the period as they ran before it.
            loop_frames: request
                .loop_period_s
                .map(|p| (p * f64::from(sample_rate_hz)).round() as usize),
            sentences: Vec::new(),
            choice: Some(crate::generate::Choice {
                confident: decision.confident,
                score: decision.score,
                credit: decision.item.credit().cloned(),
            }),
        })
    }
}

/// Distance and space for a sample, as recipes get them. Samples carry their own room, so
/// only a space the description names adds reverb.
fn place(audio: &AudioBuffer, params: &SoundParams, seed: u64) -> AudioBuffer {
    let stereo = audio.clone().into_stereo();
    let scene = Scene {
        sample_rate_hz: stereo.sample_rate_hz as f32,
        frames: stereo.frames(),
        background: false,
        params: params.clone(),
        rng: Rng::new(seed).fork("sample"),
    };
    let mut channels = stereo.channels.into_iter();
    let left = channels.next().unwrap_or_default();
    let right = channels.next().unwrap_or_else(|| left.clone());
    let out = sounds::finish(&scene, Space::Dry, Stereo { left, right });
    AudioBuffer::from_stereo(stereo.sample_rate_hz, out.left, out.right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioBuffer;
    use crate::dsp::sounds::{Distance, Space};
    use crate::ml::bert::MiniLm;
    use crate::script::RowType;
    use words::inflects;

    fn request(text: &str, duration_s: Option<f64>, sample_rate_hz: u32, seed: u64) -> Request<'_> {
        Request {
            row_index: 1,
            row_type: RowType::Sfx,
            text,
            character: None,
            voice: None,
            duration_s,
            background: false,
            loop_period_s: None,
            sample_rate_hz,
            seed,
            file: None,
        }
    }

    /// The recipe the keyword chooser picks, and the description's parameters.
    fn pick(text: &str) -> (&'static Recipe, SoundParams) {
        let chooser = Chooser::new(None, LibraryIndex::default()).unwrap();
        match chooser.choose(text).unwrap().item {
            Item::Recipe(r) => (r, parse_params(text)),
            Item::Sample(s) => panic!("no library, yet chose {s:?}"),
        }
    }

    fn render(name: &str, frames: usize, sr: u32, background: bool, seed: u64) -> AudioBuffer {
        find_recipe(name)
            .unwrap()
            .render(&SoundParams::default(), frames, sr, background, seed)
    }

    fn check_sane(name: &str, audio: &AudioBuffer) {
        let peak = audio.peak();
        assert!(peak > 0.01 && peak <= 0.9001, "{name}: peak {peak}");
        assert!(
            audio.channels.iter().flatten().all(|s| s.is_finite()),
            "{name}: non-finite sample"
        );
        // Not just a click: a reasonable share of the clip carries signal.
        let rms =
            (audio.channels[0].iter().map(|s| s * s).sum::<f32>() / audio.frames() as f32).sqrt();
        assert!(rms > 0.001, "{name}: rms {rms}");
    }

    #[test]
    fn every_recipe_gives_exact_lengths_and_sane_audio() {
        for sr in [44_100, 48_000] {
            for d in [0.25, 1.0, 2.345, 6.0] {
                for r in recipes() {
                    for background in [false, true] {
                        let engine = SoundEffects::recipes_only();
                        let mut req = request(r.name, Some(d), sr, 3);
                        req.background = background;
                        let expected = (d * f64::from(sr)).round() as usize;
                        let audio = if background {
                            render(r.name, expected, sr, true, 3)
                        } else {
                            engine.generate(&req).unwrap().audio
                        };
                        assert_eq!(audio.frames(), expected, "{} {sr} {d}", r.name);
                        assert_eq!(audio.sample_rate_hz, sr);
                        if d >= 1.0 {
                            check_sane(r.name, &audio);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn natural_lengths_follow_the_recipe_and_count() {
        let engine = SoundEffects::recipes_only();
        let clip = engine
            .generate(&request("door knock", None, 48_000, 1))
            .unwrap();
        assert_eq!(clip.audio.frames(), 33_600);
        check_sane("knock", &clip.audio);
        let clip = engine
            .generate(&request("knocks twice", None, 48_000, 1))
            .unwrap();
        assert_eq!(
            clip.audio.frames(),
            ((2.0 * 0.23) * 48_000.0f64).round() as usize
        );
        let clip = engine
            .generate(&request("gentle rain", None, 44_100, 1))
            .unwrap();
        assert_eq!(clip.audio.frames(), 5 * 44_100);
        for r in recipes() {
            let frames = r.natural_frames(&SoundParams::default(), 48_000);
            check_sane(r.name, &render(r.name, frames, 48_000, false, 9));
        }
    }

    #[test]
    fn zero_and_tiny_durations_do_not_fail() {
        let engine = SoundEffects::recipes_only();
        for d in [0.0, 0.001] {
            let clip = engine
                .generate(&request("rain", Some(d), 48_000, 1))
                .unwrap();
            assert_eq!(clip.audio.frames(), (d * 48_000.0f64).round() as usize);
            assert!(clip.audio.channels.iter().flatten().all(|s| s.is_finite()));
        }
        assert!(
            engine
                .generate(&request("rain", Some(-1.0), 48_000, 1))
                .is_err()
        );
        assert!(engine.generate(&request("rain", Some(1.0), 0, 1)).is_err());
    }

    #[test]
    fn same_seed_same_samples_other_seed_differs() {
        for r in recipes() {
            let a = render(r.name, 48_000, 48_000, true, 11);
            let b = render(r.name, 48_000, 48_000, true, 11);
            let c = render(r.name, 48_000, 48_000, true, 12);
            // Plain asserts: printing two seconds of samples on failure helps nobody.
            assert!(a == b, "{} is not deterministic", r.name);
            assert!(a != c, "{}: seed is ignored", r.name);
        }
    }

    #[test]
    fn edges_ramp_from_silence() {
        for r in recipes() {
            let audio = render(r.name, 48_000, 48_000, true, 5);
            for ch in &audio.channels {
                assert!(
                    ch[0].abs() < 0.01 && ch[ch.len() - 1].abs() < 0.01,
                    "{}",
                    r.name
                );
            }
        }
    }

    #[test]
    fn ambiences_are_stereo_and_decorrelated() {
        for name in [
            "rain",
            "wind",
            "office",
            "room-tone",
            "crowd",
            "fire",
            "light-rain",
            "storm",
            "waves",
            "stream",
            "traffic",
            "birds",
            "crickets",
            "cheering",
        ] {
            let a = render(name, 48_000, 48_000, true, 5);
            assert_eq!(a.channel_count(), 2);
            let (l, r) = (&a.channels[0], &a.channels[1]);
            let dot: f32 = l.iter().zip(r).map(|(x, y)| x * y).sum();
            let norm = (l.iter().map(|x| x * x).sum::<f32>()
                * r.iter().map(|x| x * x).sum::<f32>())
            .sqrt();
            assert!(
                dot / norm < 0.9,
                "{name}: channels correlate {}",
                dot / norm
            );
        }
    }

    #[test]
    fn descriptions_choose_the_right_recipe() {
        let cases = [
            ("someone raps on the door twice", "knock"),
            ("heavy downpour on a tin roof", "rain"),
            ("whoosh between scenes", "whoosh"),
            ("Transition swoosh", "swoosh"),
            ("a gentle breeze through the trees", "wind|rustling-leaves"),
            ("distant thunderstorm rolling in", "thunder"),
            ("logs crackling in the hearth", "fire"),
            ("an old door slowly creaks open", "creak"),
            ("hinges squeaking", "creak"),
            ("someone walking down a hallway", "footsteps"),
            ("hurried steps on a stone floor", "footsteps"),
            ("clattering keys as she types a report", "typing"),
            ("grandfather clock ticking", "clock"),
            ("three short bleeps from the microwave", "beep"),
            ("notification ping", "beep|chime"),
            ("chatter of a busy restaurant", "crowd"),
            ("the audience applauds", "applause"),
            ("office background noise", "office"),
            ("sounds of a busy workplace", "office"),
            ("an empty room, nothing happening", "room-tone"),
            ("old radio between stations", "static"),
            ("rising tension before the reveal", "riser"),
            ("a heavy door slams", "door-slam"),
            ("pounding on the door", "knock"),
            ("BOOM!", "impact"),
            // The larger catalogue, worded unlike the recipe names.
            ("waves crashing on the shore", "waves"),
            ("the sound of the sea", "waves"),
            ("a car idling outside", "engine"),
            ("a motorbike revving", "engine"),
            ("birdsong in the woods", "birds"),
            ("crickets on a summer night", "crickets"),
            ("the crowd goes wild", "cheering"),
            ("fans whistling and cheering", "cheering"),
            ("phone ringing in another room", "phone-ring"),
            ("a door slams shut", "door-slam"),
            ("walking on crunchy snow", "footsteps-snow"),
            ("footsteps on gravel", "footsteps-gravel"),
            ("someone pacing across wooden floorboards", "footsteps-wood"),
            ("a gentle stream trickling over stones", "stream"),
            ("a babbling brook", "stream"),
            ("water dripping in a cave", "drips"),
            ("a big splash as he jumps into the pool", "splash"),
            ("bubbles rising in a fish tank", "bubbles"),
            ("a new message notification", "chime"),
            ("police siren in the distance", "siren"),
            ("an ambulance racing past", "siren"),
            ("alarm clock going off", "alarm-clock"),
            ("a glitchy digital error", "glitch"),
            ("a long airy whoosh", "whoosh"),
            ("rush hour traffic in the city", "traffic"),
            ("light rain pattering on the leaves", "light-rain"),
            ("a raging storm", "storm"),
            ("a slow heartbeat", "heartbeat"),
            // Struck, rung and clinking things; alarms and signals.
            (
                "the church bells ring out across the village",
                "church-bells",
            ),
            ("a funeral bell tolls", "bell-toll"),
            ("someone rings the doorbell", "doorbell"),
            ("a cyclist rings her bike bell", "bicycle-bell"),
            ("the little bell over the shop door tinkles", "shop-bell"),
            ("the school bell rings at the end of class", "electric-bell"),
            ("the egg timer goes off", "kitchen-timer"),
            ("ding the service bell at reception", "desk-bell"),
            ("clinking wine glasses", "glass-clink"),
            ("a teacup placed on a saucer", "cup-clink"),
            ("a spoon dropped in the sink", "spoon-sink"),
            ("washing up dishes", "dishes"),
            ("jangling a bunch of keys", "keys"),
            ("the grandfather clock chimes midnight", "clock-chime"),
            ("a window smashes", "glass-break"),
            ("cracking ice on a frozen pond", "ice-crack"),
            ("the smoke detector goes off", "smoke-alarm"),
            ("a car alarm wailing in the street", "car-alarm"),
            ("wrong answer buzzer", "buzzer"),
            ("rocket launch countdown", "countdown"),
            ("submarine sonar", "sonar"),
            // Household sounds, whistles, small mechanisms, machines and creatures.
            (
                "the referee blows the final whistle",
                "whistle|police-whistle",
            ),
            ("someone whistling a happy melody", "whistling"),
            ("water boiling in the kettle until it whistles", "kettle"),
            ("pouring a glass of milk", "pour"),
            ("the kitchen tap left running", "tap"),
            ("someone takes a shower", "shower"),
            ("flushing the loo", "toilet"),
            ("onions sizzling in a frying pan", "frying"),
            ("she flicks the light switch off", "light-switch"),
            ("unzipping a tent", "zipper"),
            ("a single person giving a slow clap", "clapping"),
            ("footsteps going upstairs", "stairs"),
            ("hoovering the living room carpet", "vacuum"),
            ("the hum of an old fridge", "fridge"),
            ("drilling a hole in the wall", "drill"),
            ("the neighbour mowing his lawn", "lawnmower"),
            ("an old sewing machine rattling away", "sewing-machine"),
            ("a kitten purring", "purr"),
            ("an owl in the night", "owl"),
            ("toads croaking in the marsh", "frogs"),
            ("a horse trotting down the lane", "hooves"),
            ("grandpa snoring in his armchair", "snoring"),
            (
                "a journalist hammering away at a vintage typewriter",
                "typewriter",
            ),
            // Everyday sounds of home, town and workshop.
            ("the beeping of a zebra crossing", "crossing-beep"),
            ("the microwave goes off", "microwave"),
            ("wartime air raid warning", "air-raid-siren"),
            ("my mobile vibrating on the desk", "phone-vibrate"),
            ("a woman walks past in stilettos", "heels"),
            ("a hailstorm pelting the car", "hail"),
            ("standing next to a huge waterfall", "waterfall"),
            ("fairy dust twinkle", "magic-sparkle"),
            ("unlocking the front door with a key", "lock"),
            ("leaves rustling in the trees", "rustling-leaves"),
            (
                "kicking through fallen leaves in the park",
                "footsteps-leaves",
            ),
            ("throwing a pebble into the lake", "plop"),
            ("dicing an onion", "chopping"),
            ("someone nailing a board to the fence", "hammer"),
            ("cutting a log with a handsaw", "saw"),
            (
                "an old locomotive puffing out of the station",
                "steam-train",
            ),
            ("a bumblebee in the garden", "bees"),
            ("a generator running at the campsite", "generator"),
            ("a motorboat on the river", "boat-motor"),
            ("leafing through a magazine", "pages"),
            ("the barber snips away with his scissors", "scissors"),
            ("servos whirring inside the robot", "robot-arm"),
        ];
        let keywords = Chooser::new(None, LibraryIndex::default()).unwrap();
        let model = MiniLm::load(&crate::ml::bert::default_dir()).ok();
        let meaning = model.map(|m| Chooser::new(Some(m), LibraryIndex::default()).unwrap());
        for chooser in [Some(&keywords), meaning.as_ref()].into_iter().flatten() {
            let mut wrong = Vec::new();
            let mut unsure = Vec::new();
            for (text, want) in cases {
                let got = chooser.choose(text).unwrap();
                let right = want
                    .split('|')
                    .any(|w| got.item.source() == format!("recipe:{w}"));
                // A right pick may still be flagged for listening when the description has
                // words its recipe does not account for ("tin"); it must not be a fallback.
                let fallback = got
                    .warnings
                    .iter()
                    .any(|w| w.starts_with("nothing matches"));
                if !right || fallback {
                    wrong.push(format!("{text:?}: got {} want {want}", got.item.source()));
                }
                if !got.confident {
                    unsure.push(format!("{text:?}: {:?}", got.unexplained));
                }
            }
            assert!(wrong.is_empty(), "{chooser:?}: {wrong:#?}");
            eprintln!(
                "{chooser:?}: {} of {} right picks flagged: {unsure:#?}",
                unsure.len(),
                cases.len()
            );
            // The confidence line is calibrated on the everyday descriptions
            // (tests/sfx_everyday.rs), trading flagged right picks for unflagged wrong ones;
            // here it must still leave most right picks unflagged.
            assert!(unsure.len() * 3 <= cases.len(), "{chooser:?}: {unsure:#?}");
        }
    }

    #[test]
    fn source_names_the_recipe() {
        let clip = SoundEffects::recipes_only()
            .generate(&request("heavy downpour", Some(1.0), 48_000, 1))
            .unwrap();
        assert_eq!(clip.source, "recipe:rain");
        assert!(clip.warnings.is_empty());
    }

    #[test]
    fn empty_or_unknown_descriptions_warn_and_give_room_tone() {
        let engine = SoundEffects::recipes_only();
        let clip = engine
            .generate(&request("   ", Some(1.0), 48_000, 1))
            .unwrap();
        assert_eq!(clip.source, "recipe:room-tone");
        assert_eq!(clip.warnings.len(), 1);
        assert!(clip.warnings[0].contains("empty"));
        let clip = engine
            .generate(&request("a purple giraffe", Some(1.0), 48_000, 1))
            .unwrap();
        assert_eq!(clip.source, "recipe:room-tone");
        assert!(clip.warnings[0].contains("nothing matches the sound"));
        assert!(clip.warnings[0].contains("onair sfx search"));
        check_sane("fallback", &clip.audio);
    }

    #[test]
    fn a_pick_that_leaves_the_words_unexplained_is_not_confident_and_says_why() {
        let engine = SoundEffects::recipes_only();
        let chooser = engine.chooser().unwrap();
        // Named by a keyword, nothing left over: confident, no warning.
        let d = chooser.choose("three loud knocks on the door").unwrap();
        assert_eq!(d.item.source(), "recipe:knock");
        assert!(d.confident && d.warnings.is_empty(), "{d:?}");
        assert!(d.unexplained.is_empty(), "{:?}", d.unexplained);
        // "cuckoo" is what the clock is, and the ticking clock's words do not say it.
        let d = chooser.choose("a cuckoo clock calls").unwrap();
        assert!(
            d.unexplained.contains(&"cuckoo".to_string()),
            "{:?}",
            d.unexplained
        );
        assert!(!d.confident, "{d:?}");
        let w = &d.warnings[0];
        assert!(
            w.contains("a cuckoo clock calls") && w.contains(&d.item.source()),
            "{w}"
        );
        assert!(w.contains("nothing in it is \"cuckoo\""), "says why: {w}");
        assert_eq!(
            w.matches("recipe:").count(),
            3,
            "the pick and two others: {w}"
        );
        // The clip records it, for the report.
        let clip = engine
            .generate(&request("a cuckoo clock calls", Some(1.0), 48_000, 1))
            .unwrap();
        let choice = clip.choice.unwrap();
        assert!(!choice.confident && choice.credit.is_none());
    }

    #[test]
    fn counts_are_parsed() {
        let cases = [
            ("knocks twice", Some(2)),
            ("three knocks", Some(3)),
            ("3 beeps", Some(3)),
            ("knock once", Some(1)),
            ("a couple of knocks", Some(2)),
            ("a 2 second beep", None),
            ("beep for 3 s", None),
            ("twelve chimes", Some(12)),
            ("knock", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_params(text).count, want, "{text}");
        }
    }

    #[test]
    fn intensity_distance_space_and_pace_are_parsed() {
        let p = parse_params("gentle rain");
        assert!(p.intensity < 0.4);
        let p = parse_params("heavy rain");
        assert!(p.intensity > 0.9);
        assert_eq!(
            parse_params("rain").intensity,
            SoundParams::default().intensity
        );
        assert_eq!(parse_params("distant thunder").distance, Distance::Far);
        assert_eq!(parse_params("close knock").distance, Distance::Close);
        assert_eq!(
            parse_params("footsteps in a large hall").space,
            Some(Space::Large)
        );
        assert_eq!(
            parse_params("knock in a small room").space,
            Some(Space::Small)
        );
        assert_eq!(
            parse_params("footsteps in a corridor").space,
            Some(Space::Medium)
        );
        assert_eq!(parse_params("rain outside").space, Some(Space::Dry));
        assert_eq!(parse_params("knock").space, None);
        assert!(parse_params("someone running").pace > 1.5);
        assert!(parse_params("slow footsteps").pace < 1.0);
    }

    #[test]
    fn parameters_change_the_sound() {
        // Distance low-passes: a far sound has less high-frequency energy (first
        // difference) relative to its level than the same sound near.
        let brightness = |text: &str| {
            let (recipe, params) = pick(text);
            let a = recipe.render(&params, 48_000, 48_000, true, 1);
            let x = &a.channels[0];
            let diff: f32 = x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
            let all: f32 = x.iter().map(|s| s * s).sum();
            diff / all
        };
        assert!(brightness("distant knock") < 0.5 * brightness("knock"));
        assert!(brightness("distant rain") < 0.5 * brightness("rain"));
        // Intensity reaches the sound, not just the parameters.
        let (heavy, heavy_params) = pick("heavy rain");
        let (light, light_params) = pick("light rain");
        let a = heavy.render(&heavy_params, 4800, 48_000, false, 1);
        let b = light.render(&light_params, 4800, 48_000, false, 1);
        assert!(a != b);
    }

    #[test]
    fn surfaces_and_variants_differ_as_they_should() {
        // High-frequency share, as in `parameters_change_the_sound`.
        let brightness = |name: &str| {
            let a = render(name, 96_000, 48_000, true, 2);
            let x = &a.channels[0];
            let diff: f32 = x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
            diff / x.iter().map(|s| s * s).sum::<f32>()
        };
        // Gravel clicks; snow squeaks lower and is muffled; a wooden floor booms.
        assert!(brightness("footsteps-gravel") > brightness("footsteps-snow"));
        assert!(brightness("footsteps-snow") > brightness("footsteps-wood"));
        // A whoosh is the longer, softer cousin of a swoosh.
        let (whoosh, swoosh) = (
            find_recipe("whoosh").unwrap(),
            find_recipe("swoosh").unwrap(),
        );
        assert!(whoosh.natural_length_s > swoosh.natural_length_s);
        assert!(brightness("whoosh") < brightness("swoosh"));
    }

    /// Counts the distinct hits in a clip: 5 ms windows whose energy jumps well above the
    /// previous window's and above a tenth of the loudest window.
    fn onsets(audio: &AudioBuffer) -> usize {
        let x = &audio.channels[0];
        let win = (audio.sample_rate_hz / 200) as usize;
        let energy: Vec<f32> = x
            .chunks(win)
            .map(|c| c.iter().map(|s| s * s).sum())
            .collect();
        let loudest = energy.iter().copied().fold(0.0, f32::max);
        // After a hit, ignore 60 ms: its attack may straddle two windows.
        let (mut count, mut quiet_until) = (0, 0);
        for i in 1..energy.len() {
            if i >= quiet_until && energy[i] > 0.1 * loudest && energy[i] > 8.0 * energy[i - 1] {
                count += 1;
                quiet_until = i + 12;
            }
        }
        count
    }

    #[test]
    fn counts_reach_the_sound() {
        let engine = SoundEffects::recipes_only();
        for (text, want) in [
            ("knocks twice", 2),
            ("three knocks", 3),
            ("knock five times", 5),
            ("3 beeps", 3),
            ("a beep", 1),
        ] {
            let clip = engine.generate(&request(text, None, 48_000, 4)).unwrap();
            assert_eq!(onsets(&clip.audio), want, "{text}");
        }
    }

    #[test]
    fn inflections_match() {
        assert!(inflects("knocks", "knock"));
        assert!(inflects("rapping", "rap"));
        assert!(inflects("typing", "type"));
        assert!(inflects("creaked", "creak"));
        assert!(!inflects("rapid", "rap"));
        assert!(!inflects("office", "off"));
    }

    /// Each recipe must render at least 100× faster than real time. Measured over 10 s of
    /// audio per recipe, taking the best of three to be fair on a busy machine; the bar in
    /// the assert is lower than the target so a loaded CI machine does not flake. Run with
    /// `--nocapture` to see the factors.
    /// A library of one 44.1 kHz file with a sidecar, and an engine over it (with MiniLM).
    fn engine_with_library(dir: &Path) -> SoundEffects {
        let folder = dir.join("sounds");
        std::fs::create_dir_all(&folder).unwrap();
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44_100,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(folder.join("hum_01.wav"), spec).unwrap();
        let mut rng = Rng::new(3);
        for i in 0..(44_100 * 13 / 10) {
            let t = i as f32 / 44_100.0;
            let x = 0.3 * (t * 55.3 * std::f32::consts::TAU).sin() + 0.05 * rng.bipolar();
            w.write_sample((x * 32767.0) as i16).unwrap();
            w.write_sample((x * 0.9 * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
        std::fs::write(
            folder.join("hum_01.txt"),
            "the deep electrical hum of a spaceship reactor",
        )
        .unwrap();
        SoundEffects::new(SfxOptions {
            libraries: vec![folder],
            system_library: false,
            no_attribution: false,
            index_dir: Some(dir.join("index")),
            model_dir: Some(crate::ml::bert::default_dir()),
        })
        .unwrap()
    }

    #[test]
    fn library_samples_last_exactly_the_requested_length_and_repeat_exactly() {
        if MiniLm::load(&crate::ml::bert::default_dir()).is_err() {
            eprintln!("skipping: MiniLM is not installed (scripts/setup)");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let engine = engine_with_library(tmp.path());
        let text = "a spaceship reactor humming";
        for (seconds, background) in [(0.05, false), (0.7, false), (2.5, false), (7.3, true)] {
            let mut r = request(text, Some(seconds), 48_000, 9);
            r.background = background;
            let clip = engine.generate(&r).unwrap();
            assert!(clip.source.ends_with("hum_01.wav"), "{}", clip.source);
            let want = (seconds * 48_000.0_f64).round() as usize;
            assert_eq!(clip.audio.frames(), want, "{seconds} s");
            assert_eq!(clip.audio.sample_rate_hz, 48_000);
            check_sane("sample", &clip.audio);
            let again = engine.generate(&r).unwrap();
            assert!(again.audio == clip.audio, "same request, same samples");
        }
        // Without a duration, a one-shot sample plays its own length.
        let clip = engine.generate(&request(text, None, 48_000, 9)).unwrap();
        assert_eq!(clip.audio.frames(), 48_000 * 13 / 10);
    }

    /// Listening aid, not a check: writes one WAV per recipe (and a few described variants)
    /// to `$ONAIR_SFX_WAV_DIR` so they can be auditioned or inspected with sox. Run with
    /// `ONAIR_SFX_WAV_DIR=/tmp/sfx cargo test --lib write_listening_wavs -- --ignored`.
    #[test]
    #[ignore]
    fn write_listening_wavs() {
        let Ok(dir) = std::env::var("ONAIR_SFX_WAV_DIR") else {
            return;
        };
        std::fs::create_dir_all(&dir).unwrap();
        // `ONAIR_SFX_WAV_TEXTS="a bell;two glasses clink"` renders just those descriptions.
        if let Ok(only) = std::env::var("ONAIR_SFX_WAV_TEXTS") {
            for text in only.split(';').filter(|t| !t.trim().is_empty()) {
                let clip = SoundEffects::recipes_only()
                    .generate(&request(text.trim(), None, 48_000, 7))
                    .unwrap();
                eprintln!("{text}: {}", clip.source);
                write_wav(
                    &format!("{dir}/{}.wav", text.trim().replace(' ', "_")),
                    &clip.audio,
                );
            }
            return;
        }
        let mut texts: Vec<String> = recipes().iter().map(|r| r.name.to_string()).collect();
        texts.extend(
            [
                "distant knock",
                "heavy rain",
                "light rain",
                "strong wind",
                "knocks twice",
                "phone ringing twice",
                "a loud police siren",
                "rough sea with huge waves",
            ]
            .map(String::from),
        );
        for text in &texts {
            let clip = SoundEffects::recipes_only()
                .generate(&request(text, None, 48_000, 7))
                .unwrap();
            write_wav(
                &format!("{dir}/{}.wav", text.replace(' ', "_")),
                &clip.audio,
            );
        }
    }

    fn write_wav(path: &str, audio: &AudioBuffer) {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: audio.sample_rate_hz,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for n in 0..audio.frames() {
            for ch in &audio.channels {
                w.write_sample((ch[n] * 32767.0) as i16).unwrap();
            }
        }
        w.finalize().unwrap();
    }
}
