//! onair: render a structured audio script (speech, music and sound-effect rows) to a
//! finished, mastered track, offline.
//!
//! The data flows one way, one module per stage:
//! [`script`] (parse + validate) → [`timeline`] (placements) → [`generate`] (clips, cached)
//! → [`mix`] (loudness, fades, ducking, master) → files ([`audio`], [`render`]).

pub mod audio;
pub mod cli;
pub mod dsp;
pub mod edit;
pub mod error;
pub mod fsutil;
pub mod generate;
pub mod listen;
pub mod mix;
pub mod ml;
pub mod output;
pub mod parallel;
pub mod plan;
pub mod preflight;
pub mod render;
pub mod script;
pub mod settings;
pub mod text;
pub mod timeline;

pub use error::{Error, Result};
pub use settings::Settings;
