//! The audio script: types, parsing with line/column, validation.

mod model;
mod parse;

pub use model::*;
pub use parse::{ValidationError, ValidationErrors, parse_script};
