//! A reader for CTranslate2's `model.bin`, the layout faster-whisper's models ship in.
//!
//! Written from the format as CTranslate2 reads it (`src/models/model.cc`, `Model::load`);
//! all numbers are little-endian:
//!
//! ```text
//! u32 binary_version                      (this reader: 2 ..= 6)
//! str spec name, u32 spec revision        (binary_version >= 2)
//! u32 variable count, then per variable:
//!     str name, u8 rank, u32 × rank dims,
//!     u8 dtype id, u32 byte count         (binary_version >= 4)
//!     byte count bytes of data
//! u32 alias count, then (str alias, str target) pairs   (binary_version >= 3)
//! ```
//!
//! A `str` is a u16 length that counts a terminating NUL, then that many bytes. Versions 5
//! and 6 changed how the converter rounds when it quantizes and moved the model's settings
//! into `config.json` beside `model.bin`, not the layout read here.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};

use crate::{Error, Result};

/// The newest `binary_version` this reader knows.
pub const MAX_BINARY_VERSION: u32 = 6;

/// CTranslate2's `DataType`, in the order of its enum (the id stored in the file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ct2Dtype {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl Ct2Dtype {
    fn from_id(id: u8) -> Option<Ct2Dtype> {
        Some(match id {
            0 => Ct2Dtype::F32,
            1 => Ct2Dtype::I8,
            2 => Ct2Dtype::I16,
            3 => Ct2Dtype::I32,
            4 => Ct2Dtype::F16,
            5 => Ct2Dtype::BF16,
            _ => return None,
        })
    }

    /// Bytes per element.
    pub fn size_bytes(self) -> usize {
        match self {
            Ct2Dtype::I8 => 1,
            Ct2Dtype::I16 | Ct2Dtype::F16 | Ct2Dtype::BF16 => 2,
            Ct2Dtype::F32 | Ct2Dtype::I32 => 4,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Ct2Dtype::F32 | Ct2Dtype::F16 | Ct2Dtype::BF16)
    }
}

/// One stored array: its shape, element type and raw little-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub dims: Vec<usize>,
    pub dtype: Ct2Dtype,
    pub bytes: Vec<u8>,
}

impl Variable {
    /// The array as an f32 tensor on the CPU. Floats are widened; integers are refused,
    /// because an int8 or int16 weight means nothing without its `_scale` (a quantized
    /// model), and this crate does not dequantize them.
    pub fn to_f32_tensor(&self, name: &str) -> Result<Tensor> {
        let dtype = match self.dtype {
            Ct2Dtype::F32 => DType::F32,
            Ct2Dtype::F16 => DType::F16,
            Ct2Dtype::BF16 => DType::BF16,
            other => {
                return Err(Error::engine(
                    super::ENGINE,
                    format!(
                        "variable {name} is {other:?}: quantized CTranslate2 models are not \
                         supported (scripts/setup installs the float16 model)"
                    ),
                ));
            }
        };
        Tensor::from_raw_buffer(&self.bytes, dtype, &self.dims, &Device::Cpu)
            .and_then(|t| t.to_dtype(DType::F32))
            .map_err(super::engine_err)
    }

    /// A rank-0 integer or float as an i64 (CTranslate2 stores a spec's settings, such as
    /// `num_heads` or `pre_norm`, that way).
    pub fn scalar_i64(&self) -> Option<i64> {
        if !self.dims.is_empty() || self.bytes.len() != self.dtype.size_bytes() {
            return None;
        }
        let b = &self.bytes;
        Some(match self.dtype {
            Ct2Dtype::I8 => b[0] as i8 as i64,
            Ct2Dtype::I16 => i16::from_le_bytes([b[0], b[1]]) as i64,
            Ct2Dtype::I32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
            Ct2Dtype::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as i64,
            Ct2Dtype::F16 | Ct2Dtype::BF16 => return None,
        })
    }
}

/// A whole `model.bin`: the spec it was written for and its variables by name, aliases
/// resolved (an alias is a second name for the same array, as Whisper's output projection
/// is for its token embeddings).
#[derive(Clone, Debug, PartialEq)]
pub struct Ct2Model {
    pub binary_version: u32,
    pub spec: String,
    pub spec_revision: u32,
    pub variables: HashMap<String, Variable>,
    /// alias → the variable it names.
    pub aliases: HashMap<String, String>,
}

impl Ct2Model {
    /// Reads `path`. A file that is absent is [`Error::MissingAsset`]; one that is cut short
    /// or not in this format is an error that names the file, the byte where reading
    /// stopped and `scripts/setup`.
    pub fn read(path: &Path) -> Result<Ct2Model> {
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::MissingAsset {
                    what: "Whisper model".into(),
                    path: path.to_path_buf(),
                    hint: "run scripts/setup to install Whisper base".into(),
                }
            } else {
                Error::io(path, e)
            }
        })?;
        Ct2Model::parse(&bytes).map_err(|e| {
            Error::engine(
                super::ENGINE,
                format!(
                    "{} is damaged or not a CTranslate2 model ({e}); run scripts/setup to \
                     install it again",
                    path.display()
                ),
            )
        })
    }

    /// Parses a whole file's bytes. The error says what was being read, and where.
    pub fn parse(bytes: &[u8]) -> std::result::Result<Ct2Model, String> {
        let mut r = Reader { bytes, pos: 0 };
        let binary_version = r.u32("binary version")?;
        if !(2..=MAX_BINARY_VERSION).contains(&binary_version) {
            return Err(format!(
                "binary version {binary_version}, this reader knows 2 to {MAX_BINARY_VERSION}"
            ));
        }
        let spec = r.string("spec name")?;
        let spec_revision = r.u32("spec revision")?;
        let count = r.u32("variable count")? as usize;
        let mut variables = HashMap::new();
        for i in 0..count {
            let name = r.string(&format!("the name of variable {}", i + 1))?;
            let rank = r.u8(&format!("the rank of {name}"))? as usize;
            let mut dims = Vec::with_capacity(rank);
            for _ in 0..rank {
                dims.push(r.u32(&format!("the shape of {name}"))? as usize);
            }
            let (dtype, size_bytes) = if binary_version >= 4 {
                let id = r.u8(&format!("the type of {name}"))?;
                let dtype = Ct2Dtype::from_id(id)
                    .ok_or_else(|| format!("variable {name} has unknown type id {id}"))?;
                (dtype, r.u32(&format!("the size of {name}"))? as usize)
            } else {
                // Before version 4 the file stored the item width and the element count.
                let width = r.u8(&format!("the item size of {name}"))?;
                let dtype = match width {
                    4 => Ct2Dtype::F32,
                    2 => Ct2Dtype::I16,
                    1 => Ct2Dtype::I8,
                    _ => return Err(format!("variable {name} has item size {width}")),
                };
                let n = r.u32(&format!("the size of {name}"))? as usize;
                (dtype, n * width as usize)
            };
            let elements = dims
                .iter()
                .try_fold(1usize, |acc, &d| acc.checked_mul(d))
                .ok_or_else(|| format!("variable {name} has an absurd shape {dims:?}"))?;
            if elements.checked_mul(dtype.size_bytes()) != Some(size_bytes) {
                return Err(format!(
                    "variable {name}: {size_bytes} bytes do not hold shape {dims:?} of {dtype:?}"
                ));
            }
            let data = r.take(size_bytes, &format!("the data of {name}"))?;
            variables.insert(
                name,
                Variable {
                    dims,
                    dtype,
                    bytes: data.to_vec(),
                },
            );
        }
        let mut aliases = HashMap::new();
        if binary_version >= 3 {
            let count = r.u32("alias count")?;
            for _ in 0..count {
                let alias = r.string("an alias")?;
                let target = r.string(&format!("the target of alias {alias}"))?;
                if !variables.contains_key(&target) {
                    return Err(format!("alias {alias} names {target}, which is absent"));
                }
                aliases.insert(alias, target);
            }
        }
        if r.pos != bytes.len() {
            return Err(format!(
                "{} bytes left over after the last entry, at byte {}",
                bytes.len() - r.pos,
                r.pos
            ));
        }
        Ok(Ct2Model {
            binary_version,
            spec,
            spec_revision,
            variables,
            aliases,
        })
    }

    /// A variable by its name or an alias.
    pub fn get(&self, name: &str) -> Option<&Variable> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.variables.get(name)
    }
}

/// A cursor over the file's bytes whose every read names what it was reading when the
/// bytes ran out.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> std::result::Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(format!(
                "the file ends at byte {} while reading {what} ({n} bytes at byte {})",
                self.bytes.len(),
                self.pos
            ));
        };
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> std::result::Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> std::result::Result<u16, String> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &str) -> std::result::Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &str) -> std::result::Result<String, String> {
        let at = self.pos;
        let len = self.u16(what)? as usize;
        if len == 0 {
            return Err(format!(
                "{what} at byte {at} has length 0 (no terminating NUL)"
            ));
        }
        let b = self.take(len, what)?;
        let (text, nul) = b.split_at(len - 1);
        if nul != [0] {
            return Err(format!("{what} at byte {at} does not end in NUL"));
        }
        String::from_utf8(text.to_vec()).map_err(|_| format!("{what} at byte {at} is not UTF-8"))
    }
}

/// Writes a `model.bin` in binary version 6: the inverse of [`Ct2Model::parse`], for tests
/// (a tiny hand-built model) and tools.
pub fn write(model: &Ct2Model) -> Vec<u8> {
    fn string(out: &mut Vec<u8>, s: &str) {
        out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.push(0);
    }
    let mut out = Vec::new();
    out.extend_from_slice(&MAX_BINARY_VERSION.to_le_bytes());
    string(&mut out, &model.spec);
    out.extend_from_slice(&model.spec_revision.to_le_bytes());
    let mut names: Vec<&String> = model.variables.keys().collect();
    names.sort();
    out.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for name in names {
        let v = &model.variables[name];
        string(&mut out, name);
        out.push(v.dims.len() as u8);
        for &d in &v.dims {
            out.extend_from_slice(&(d as u32).to_le_bytes());
        }
        let id = [
            Ct2Dtype::F32,
            Ct2Dtype::I8,
            Ct2Dtype::I16,
            Ct2Dtype::I32,
            Ct2Dtype::F16,
            Ct2Dtype::BF16,
        ]
        .iter()
        .position(|&d| d == v.dtype)
        .expect("every dtype has an id") as u8;
        out.push(id);
        out.extend_from_slice(&(v.bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&v.bytes);
    }
    let mut aliases: Vec<(&String, &String)> = model.aliases.iter().collect();
    aliases.sort();
    out.extend_from_slice(&(aliases.len() as u32).to_le_bytes());
    for (alias, target) in aliases {
        string(&mut out, alias);
        string(&mut out, target);
    }
    out
}
