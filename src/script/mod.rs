//! The audio script: types, parsing with line/column, validation, JSON Schema.

mod model;
mod parse;
pub mod schema;
pub(crate) mod value;

pub use model::*;
pub use parse::{
    MAX_CHAPTER_CHARS, MAX_DURATION_S, ROW_FIELDS, SCRIPT_FIELDS, VOICE_FIELDS, ValidationError,
    ValidationErrors, did_you_mean, parse_script,
};
