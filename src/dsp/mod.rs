//! Procedural sound: random sources, oscillators, filters, envelopes, reverb, and the
//! sounds built from them ([`sounds`]). Everything is sample-rate aware (every constructor
//! takes `sample_rate_hz`) and deterministic: randomness comes only from [`rng::Rng`].

pub mod envelope;
pub mod filter;
pub mod noise;
pub mod osc;
pub mod pitch;
pub mod reverb;
pub mod rng;
pub mod sounds;
