//! Audio buffers and file formats.

mod buffer;
pub mod decode;
pub mod id3;
pub mod loudness;
pub mod mp3;
pub mod ogg;
pub mod opus;
pub mod resample;
pub mod sink;
pub mod wav;

pub use buffer::AudioBuffer;

/// The mix format's sample rate unless the script sets `sample_rate`. Defined here only.
pub const DEFAULT_SAMPLE_RATE_HZ: u32 = 48_000;

/// A named part of a track, for the formats that carry chapters: where it starts and ends,
/// seconds from the track's start.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Chapter {
    pub title: String,
    pub start_s: f64,
    pub end_s: f64,
}
