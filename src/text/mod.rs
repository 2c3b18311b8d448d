//! Text to phonemes for speech engines: English normalisation (numbers, money, dates,
//! abbreviations), sentence splitting, and espeak-ng phonemes with ids for Piper voices.
//!
//! The hibari voice has its own front end, [`misaki`]: dictionaries, a tagger and rules
//! instead of espeak-ng.
//!
//! A speech row flows: [`normalize`] → [`split_sentences`] → [`Phonemizer::phonemize`] (one
//! espeak-ng process per row) → [`to_ids`] per sentence → the voice model.

pub mod language;
pub mod misaki;
pub(crate) mod normalize;
mod phonemize;

pub use normalize::{Normalized, cardinal, normalize, ordinal, year_words};
pub use phonemize::{
    MAX_SENTENCE_CHARS, PhonemeIdMap, PhonemeIds, Phonemizer, split_sentences, to_ids,
};
