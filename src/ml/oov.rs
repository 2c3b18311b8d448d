//! hibari's out-of-vocabulary reader: a 0.65M-parameter character transformer that spells an
//! unknown word in misaki phonemes, trained (by hibari's author) on espeak-ng's readings of
//! 225k words, so names and new words sound the way Kokoro's training data read them.
//!
//! Architecture, read from `oov.onnx`: character embedding plus a learned position table
//! (at most `maxlen` = 24 characters), 4 pre-norm transformer encoder layers (model width
//! 128, 4 heads, feed-forward 384 with exact GELU), a final layer norm and a linear head that
//! predicts `slots` = 4 output symbols per input character. The output is read like CTC:
//! repeats collapse and class 0 is blank. The ONNX graph is not run: its weights are
//! loaded into candle ([`crate::ml::onnx`]), and `oov.json` gives the two alphabets.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{D, DType, Device, Module, Tensor};
use candle_nn::LayerNorm;

use crate::ml::onnx::OnnxWeights;
use crate::{Error, Result};

/// The engine name used in this module's errors.
const ENGINE: &str = "speech/hibari oov";
const HEADS: usize = 4;
const LAYERS: usize = 4;
const LAYER_NORM_EPS: f64 = 1e-5;

fn candle(e: candle_core::Error) -> Error {
    Error::engine(ENGINE, e.to_string())
}

#[derive(serde::Deserialize)]
struct Alphabets {
    #[serde(rename = "in")]
    input: Vec<String>,
    #[serde(rename = "out")]
    output: Vec<String>,
    slots: usize,
    maxlen: usize,
}

struct Layer {
    norm1: LayerNorm,
    /// Query, key and value projections side by side: [width, 3 × width].
    in_proj: (Tensor, Tensor),
    out_proj: (Tensor, Tensor),
    norm2: LayerNorm,
    linear1: (Tensor, Tensor),
    linear2: (Tensor, Tensor),
}

/// `x @ w + b` for x [len, in], w [in, out] (ONNX MatMul layout).
fn affine(x: &Tensor, (w, b): &(Tensor, Tensor)) -> candle_core::Result<Tensor> {
    x.matmul(w)?.broadcast_add(b)
}

impl Layer {
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        let (len, width) = x.dims2()?;
        let head_dim = width / HEADS;
        let qkv = affine(&self.norm1.forward(x)?, &self.in_proj)?;
        let heads = |i: usize| -> candle_core::Result<Tensor> {
            qkv.narrow(1, i * width, width)?
                .reshape((len, HEADS, head_dim))?
                .transpose(0, 1)?
                .contiguous()
        };
        let (q, k, v) = (heads(0)?, heads(1)?, heads(2)?);
        let scores = (q.matmul(&k.transpose(1, 2)?.contiguous()?)? / (head_dim as f64).sqrt())?;
        let attention = candle_nn::ops::softmax_last_dim(&scores)?;
        let mixed = attention
            .matmul(&v)?
            .transpose(0, 1)?
            .contiguous()?
            .reshape((len, width))?;
        let x = (x + affine(&mixed, &self.out_proj)?)?;
        let hidden = affine(&self.norm2.forward(&x)?, &self.linear1)?.gelu_erf()?;
        x + affine(&hidden, &self.linear2)?
    }
}

/// The loaded net with its alphabets.
pub struct OovNet {
    input: HashMap<char, u32>,
    output: Vec<String>,
    slots: usize,
    maxlen: usize,
    embedding: Tensor,
    positions: Tensor,
    layers: Vec<Layer>,
    norm: LayerNorm,
    head: (Tensor, Tensor),
}

impl OovNet {
    /// Reads `oov.onnx` and `oov.json` from hibari's asset folder.
    pub fn load(dir: &Path) -> Result<Self> {
        let meta_path = dir.join("oov.json");
        let alphabets: Alphabets = crate::text::misaki::read_json(&meta_path)?;
        let weights = OnnxWeights::load(&dir.join("oov.onnx"))?;
        Self::new(alphabets, &weights, &dir.join("oov.onnx"))
    }

    fn new(alphabets: Alphabets, weights: &OnnxWeights, origin: &Path) -> Result<Self> {
        let fail = |msg: String| Error::engine(ENGINE, format!("{}: {msg}", origin.display()));
        let get = |name: &str| weights.get(name).cloned();
        let norm = |prefix: &str| -> Result<LayerNorm> {
            Ok(LayerNorm::new(
                get(&format!("{prefix}.weight"))?,
                get(&format!("{prefix}.bias"))?,
                LAYER_NORM_EPS,
            ))
        };
        // The exporter left the matrices of every MatMul anonymous (`onnx::MatMul_490`);
        // it numbers them in graph order: per layer the attention input and output
        // projections and the two feed-forward matrices, then the head.
        let mut anonymous: Vec<(u64, &Tensor)> = weights
            .tensors()
            .iter()
            .filter_map(|(name, t)| Some((name.strip_prefix("onnx::MatMul_")?.parse().ok()?, t)))
            .collect();
        anonymous.sort_by_key(|&(n, _)| n);
        let matrices: Vec<Tensor> = anonymous.into_iter().map(|(_, t)| t.clone()).collect();
        if matrices.len() != LAYERS * 4 + 1 {
            return Err(fail(format!(
                "expected {} projection matrices, found {}",
                LAYERS * 4 + 1,
                matrices.len()
            )));
        }
        let embedding = get("m.emb.weight")?;
        let width = embedding.dim(1).map_err(candle)?;
        let mut layers = Vec::with_capacity(LAYERS);
        for l in 0..LAYERS {
            let p = format!("m.layers.{l}");
            let m = &matrices[l * 4..l * 4 + 4];
            let expected = [
                [width, 3 * width],
                [width, width],
                [width, m[2].dim(1).map_err(candle)?],
                [m[2].dim(1).map_err(candle)?, width],
            ];
            for (t, dims) in m.iter().zip(expected) {
                if t.dims() != dims {
                    return Err(fail(format!(
                        "layer {l}: a projection is {:?}, expected {dims:?}",
                        t.dims()
                    )));
                }
            }
            layers.push(Layer {
                norm1: norm(&format!("{p}.norm1"))?,
                in_proj: (m[0].clone(), get(&format!("{p}.self_attn.in_proj_bias"))?),
                out_proj: (m[1].clone(), get(&format!("{p}.self_attn.out_proj.bias"))?),
                norm2: norm(&format!("{p}.norm2"))?,
                linear1: (m[2].clone(), get(&format!("{p}.linear1.bias"))?),
                linear2: (m[3].clone(), get(&format!("{p}.linear2.bias"))?),
            });
        }
        let head = (matrices[LAYERS * 4].clone(), get("m.head.bias")?);
        let classes = alphabets.output.len() + 1;
        if head.0.dims() != [width, alphabets.slots * classes] {
            return Err(fail(format!(
                "the head is {:?}, but oov.json asks for {} slots of {classes} classes",
                head.0.dims(),
                alphabets.slots
            )));
        }
        let positions = get("m.pos")?;
        let maxlen = alphabets.maxlen.min(positions.dim(0).map_err(candle)?);
        let input = alphabets
            .input
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some((c, i as u32 + 1)),
                    _ => None,
                }
            })
            .collect();
        Ok(OovNet {
            input,
            output: alphabets.output,
            slots: alphabets.slots,
            maxlen,
            embedding,
            positions,
            layers,
            norm: norm("m.norm")?,
            head,
        })
    }

    /// Phonemes for one word, or None when no character of it is in the net's alphabet.
    /// Words longer than the net's window are read from their first `maxlen` characters.
    pub fn read(&self, word: &str) -> Result<Option<String>> {
        let ids: Vec<u32> = word
            .chars()
            .filter_map(|c| self.input.get(&c).copied())
            .take(self.maxlen)
            .collect();
        if ids.is_empty() {
            return Ok(None);
        }
        let classes = self.forward(&ids).map_err(candle)?;
        let mut out = String::new();
        let mut previous = 0;
        for class in classes {
            if class != previous
                && class != 0
                && let Some(symbol) = self.output.get(class as usize - 1)
            {
                out.push_str(symbol);
            }
            previous = class;
        }
        Ok(Some(out))
    }

    /// The predicted class of every output slot, `slots` per input character.
    fn forward(&self, ids: &[u32]) -> candle_core::Result<Vec<u32>> {
        let len = ids.len();
        let ids = Tensor::from_slice(ids, len, &Device::Cpu)?;
        let mut x = self
            .embedding
            .embedding(&ids)?
            .add(&self.positions.narrow(0, 0, len)?)?;
        for layer in &self.layers {
            x = layer.forward(&x)?;
        }
        let logits = affine(&self.norm.forward(&x)?, &self.head)?;
        let per_slot = logits.reshape((len * self.slots, ()))?;
        per_slot.argmax(D::Minus1)?.to_dtype(DType::U32)?.to_vec1()
    }
}
