//! Procedural sound: random sources, oscillators, filters, envelopes, reverb.

pub mod rng;
