//! Audio buffers and file formats.

mod buffer;
pub mod decode;
pub mod loudness;
pub mod resample;
pub mod sink;
pub mod wav;

pub use buffer::AudioBuffer;

/// The mix format's sample rate unless the script sets `sample_rate`. Defined here only.
pub const DEFAULT_SAMPLE_RATE_HZ: u32 = 48_000;
