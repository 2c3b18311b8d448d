//! The audio script: types, parsing with line/column, validation, JSON Schema.

mod fields;
mod model;
mod parse;
pub mod schema;
pub(crate) mod value;

pub use fields::{
    FieldKind, FieldSpec, MAX_CHAPTER_CHARS, MAX_DUCK_DB, MAX_DURATION_S, MAX_GAP_S, MAX_TAKE,
    ROW_FIELD_NAMES, ROW_FIELDS, row_field, row_field_rank,
};
pub use model::*;
pub use parse::{
    SCRIPT_FIELDS, VOICE_FIELDS, ValidationError, ValidationErrors, did_you_mean, parse_script,
};
