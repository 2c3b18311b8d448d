//! Neural models run with candle, on the CPU. Generators call them through plain Rust types
//! (phoneme ids in, samples out); nothing outside this module touches a tensor.

pub mod bert;
pub mod hibari;
pub mod llm;
pub mod onnx;
pub mod oov;
pub mod vits;
pub mod voice;
