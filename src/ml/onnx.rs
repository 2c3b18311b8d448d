//! Reads the weights of an ONNX model (its graph initializers) into candle tensors by name.
//!
//! We never run the ONNX graph: the model is re-implemented in candle and only borrows the
//! weights. Exporters leave some weights anonymous (PyTorch's weight-norm folding yields
//! `onnx::Conv_8243`), so the nodes are read as well: a Conv node named
//! `/flow/flows.0/enc/res_skip_layers.0/Conv` that takes `onnx::Conv_8243` as its kernel
//! makes that tensor available as `flow.flows.0.enc.res_skip_layers.0.weight` too. The
//! convolution attributes (dilation, stride, padding, groups) are kept by module path,
//! because some hyper-parameters live only there.
//!
//! Dynamically quantized models (onnxruntime's `quantize_dynamic`) keep their linear layers as
//! int8 matrices fed to `MatMulInteger` nodes, with a scale and zero point beside each; the
//! bias is added a few nodes later. Such a weight is made available dequantized, in f32 and
//! in PyTorch's `[out, in]` layout, under the name of that bias with `bias` read as `weight`
//! (`m.head.bias` → `m.head.weight`, `…in_proj_bias` → `…in_proj_weight`).
//!
//! The protobuf messages are written by hand with the handful of fields we need (field
//! numbers from `onnx/onnx.proto`); prost skips every other field.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};

use super::int8::QuantizedMatrix;
use crate::{Error, Result};

/// The engine name used in this module's errors.
const ENGINE: &str = "onnx";

#[derive(Clone, PartialEq, prost::Message)]
struct ModelProto {
    #[prost(int64, tag = "1")]
    ir_version: i64,
    #[prost(message, optional, tag = "7")]
    graph: Option<GraphProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    node: Vec<NodeProto>,
    #[prost(message, repeated, tag = "5")]
    initializer: Vec<TensorProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    output: Vec<String>,
    #[prost(string, tag = "3")]
    name: String,
    #[prost(string, tag = "4")]
    op_type: String,
    #[prost(message, repeated, tag = "5")]
    attribute: Vec<AttributeProto>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct AttributeProto {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(int64, tag = "3")]
    i: i64,
    #[prost(int64, repeated, tag = "8")]
    ints: Vec<i64>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    data_type: i32,
    #[prost(float, repeated, tag = "4")]
    float_data: Vec<f32>,
    #[prost(int32, repeated, tag = "5")]
    int32_data: Vec<i32>,
    #[prost(int64, repeated, tag = "7")]
    int64_data: Vec<i64>,
    #[prost(string, tag = "8")]
    name: String,
    #[prost(bytes = "vec", tag = "9")]
    raw_data: Vec<u8>,
    /// 1 = EXTERNAL: the bytes live in another file, which we do not support.
    #[prost(int32, tag = "14")]
    data_location: i32,
}

// TensorProto.DataType values.
const ONNX_FLOAT: i32 = 1;
const ONNX_UINT8: i32 = 2;
const ONNX_INT8: i32 = 3;
const ONNX_INT32: i32 = 6;
const ONNX_INT64: i32 = 7;

/// Attributes of one 1-D convolution node (Conv or ConvTranspose), for one module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvAttrs {
    pub dilation: usize,
    pub stride: usize,
    /// Padding at the start of the axis (ONNX allows asymmetric padding; ours never is).
    pub padding: usize,
    pub groups: usize,
}

/// The weights of an ONNX model, by name, on the CPU.
#[derive(Debug)]
pub struct OnnxWeights {
    tensors: HashMap<String, Tensor>,
    convs: HashMap<String, ConvAttrs>,
    /// The `MatMulInteger` weights as stored, under the same names as their dequantized
    /// copies in `tensors`.
    quantized: HashMap<String, QuantizedMatrix>,
}

impl OnnxWeights {
    /// Reads `path`. Fails with [`Error::MissingAsset`] when the file is absent and with
    /// [`Error::Engine`] when it is not a readable ONNX model (truncated, corrupt, or with
    /// weights stored outside the file).
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::MissingAsset {
                    what: "ONNX model".into(),
                    path: path.to_path_buf(),
                    hint: "run scripts/setup to install the default voices".into(),
                }
            } else {
                Error::io(path, e)
            }
        })?;
        Self::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses a serialized `ModelProto`; `origin` names it in errors.
    pub fn from_bytes(bytes: &[u8], origin: &str) -> Result<Self> {
        let fail = |msg: String| Error::engine(ENGINE, format!("{origin}: {msg}"));
        let model = <ModelProto as prost::Message>::decode(bytes).map_err(|e| {
            fail(format!(
                "not a readable ONNX model ({e}); the file may be truncated or corrupt, \
                 download it again"
            ))
        })?;
        let graph = model
            .graph
            .ok_or_else(|| fail("the ONNX model has no graph".into()))?;
        if graph.initializer.is_empty() {
            return Err(fail("the ONNX graph holds no weights".into()));
        }

        let mut tensors = HashMap::with_capacity(graph.initializer.len() * 2);
        for init in &graph.initializer {
            let tensor = to_tensor(init).map_err(|msg| fail(format!("{}: {msg}", init.name)))?;
            tensors.insert(init.name.clone(), tensor);
        }

        let mut convs = HashMap::new();
        for node in &graph.node {
            let Some(module) = module_path(&node.name) else {
                continue;
            };
            let params: &[&str] = match node.op_type.as_str() {
                "Conv" | "ConvTranspose" => {
                    convs.insert(module.clone(), conv_attrs(node));
                    &["weight", "bias"]
                }
                "Gather" => &[],
                _ => continue,
            };
            // Gather's table is its first input; a Conv's kernel and bias follow the data.
            let named: Vec<(&str, &String)> = if node.op_type == "Gather" {
                node.input
                    .first()
                    .map(|i| ("weight", i))
                    .into_iter()
                    .collect()
            } else {
                params
                    .iter()
                    .copied()
                    .zip(node.input.iter().skip(1))
                    .collect()
            };
            for (param, input) in named {
                let alias = format!("{module}.{param}");
                if tensors.contains_key(&alias) {
                    continue;
                }
                if let Some(t) = tensors.get(input)
                    && t.dtype() == DType::F32
                {
                    let t = t.clone();
                    tensors.insert(alias, t);
                }
            }
        }
        let mut quantized = HashMap::new();
        for (name, weight, stored) in quantized_weights(&graph, &tensors).map_err(fail)? {
            tensors.entry(name.clone()).or_insert(weight);
            quantized.entry(name).or_insert(stored);
        }
        Ok(OnnxWeights {
            tensors,
            convs,
            quantized,
        })
    }

    /// The tensor called `name`, or an error that names it.
    pub fn get(&self, name: &str) -> Result<&Tensor> {
        self.tensors
            .get(name)
            .ok_or_else(|| Error::engine(ENGINE, format!("the model has no tensor `{name}`")))
    }

    /// Attributes of the convolution of `module` (e.g. `dec.ups.0`), when the graph has one.
    pub fn conv(&self, module: &str) -> Option<&ConvAttrs> {
        self.convs.get(module)
    }

    /// The integers behind the dequantized weight `name` (`m.head.weight`), for layers that
    /// compute in 8 bits as the model was exported to.
    pub fn quantized(&self, name: &str) -> Option<&QuantizedMatrix> {
        self.quantized.get(name)
    }

    /// All tensors, under their own names and their module-path aliases.
    pub fn tensors(&self) -> &HashMap<String, Tensor> {
        &self.tensors
    }

    pub fn into_tensors(self) -> HashMap<String, Tensor> {
        self.tensors
    }
}

/// The int8 matrices of the graph's `MatMulInteger` nodes, dequantized and named after the
/// bias their product receives (see the module docs), each with its stored integers. A matrix
/// used by several nodes (a layer applied more than once) is returned once per node, under the
/// same name.
fn quantized_weights(
    graph: &GraphProto,
    tensors: &HashMap<String, Tensor>,
) -> Result<Vec<(String, Tensor, QuantizedMatrix)>, String> {
    let mut consumers: HashMap<&str, Vec<&NodeProto>> = HashMap::new();
    let mut producer: HashMap<&str, &NodeProto> = HashMap::new();
    for node in &graph.node {
        for input in &node.input {
            consumers.entry(input.as_str()).or_default().push(node);
        }
        for output in &node.output {
            producer.insert(output.as_str(), node);
        }
    }
    let scalar = |name: &str| -> Option<f32> {
        let t = tensors.get(name)?;
        (t.elem_count() == 1).then(|| {
            t.flatten_all()
                .ok()?
                .to_vec1::<f32>()
                .ok()?
                .first()
                .copied()
        })?
    };
    let mut out = Vec::new();
    for node in graph.node.iter().filter(|n| n.op_type == "MatMulInteger") {
        let (Some(b), Some(product)) = (node.input.get(1), node.output.first()) else {
            continue;
        };
        let Some(q) = tensors.get(b) else { continue };
        let zero_point = node.input.get(3).and_then(|z| scalar(z)).unwrap_or(0.0);
        // Follow the product (Cast, then Mul by the two scales) to the Add of the bias.
        let (mut value, mut scale, mut bias) = (product.as_str(), None, None);
        for _ in 0..4 {
            let Some(&[next]) = consumers.get(value).map(Vec::as_slice) else {
                break;
            };
            let other = next.input.iter().find(|i| i.as_str() != value);
            match next.op_type.as_str() {
                "Cast" => {}
                "Mul" => {
                    // The other factor is `a_scale × b_scale`; b's is the stored one.
                    scale = other
                        .and_then(|o| producer.get(o.as_str()))
                        .and_then(|m| m.input.iter().find_map(|i| scalar(i)));
                }
                "Add" => {
                    bias = other.filter(|o| o.ends_with("bias") && tensors.contains_key(*o));
                    break;
                }
                _ => break,
            }
            let Some(o) = next.output.first() else { break };
            value = o;
        }
        let (Some(bias), Some(scale)) = (bias, scale) else {
            continue;
        };
        let name = format!("{}weight", bias.strip_suffix("bias").unwrap_or(bias));
        let weight = ((q - f64::from(zero_point))
            .and_then(|d| d * f64::from(scale))
            .and_then(|d| d.t()?.contiguous()))
        .map_err(|e| format!("{b}: {e}"))?;
        let (k, n) = q.dims2().map_err(|e| format!("{b}: {e}"))?;
        let values = q
            .flatten_all()
            .and_then(|v| v.to_vec1::<f32>())
            .map_err(|e| format!("{b}: {e}"))?
            .into_iter()
            .map(|v| v as i32)
            .collect();
        let stored = QuantizedMatrix {
            values,
            k,
            n,
            scale,
            zero_point: zero_point as i32,
        };
        out.push((name, weight, stored));
    }
    Ok(out)
}

/// `/flow/flows.0/enc/in_layers.0/Conv` → `flow.flows.0.enc.in_layers.0`. Nodes without a
/// module scope (`/Conv`, `Slice_5596`) have none.
fn module_path(node_name: &str) -> Option<String> {
    let scoped = node_name.strip_prefix('/')?;
    let (module, _op) = scoped.rsplit_once('/')?;
    (!module.is_empty()).then(|| module.replace('/', "."))
}

fn conv_attrs(node: &NodeProto) -> ConvAttrs {
    let first = |name: &str, default: usize| {
        node.attribute
            .iter()
            .find(|a| a.name == name)
            .and_then(|a| a.ints.first().copied().or(Some(a.i)))
            .map_or(default, |v| v.max(0) as usize)
    };
    ConvAttrs {
        dilation: first("dilations", 1),
        stride: first("strides", 1),
        padding: first("pads", 0),
        groups: first("group", 1),
    }
}

fn to_tensor(t: &TensorProto) -> Result<Tensor, String> {
    if t.data_location == 1 {
        return Err("weights stored in an external file are not supported".into());
    }
    let dims = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| format!("negative dimension {d}")))
        .collect::<Result<Vec<_>, _>>()?;
    let count: usize = dims.iter().product();
    let raw = &t.raw_data;
    let check = |have: usize, width: usize| {
        if have == count {
            Ok(())
        } else {
            Err(format!(
                "shape {dims:?} needs {count} values ({} bytes) but the file holds {have}",
                count * width
            ))
        }
    };
    let dev = &Device::Cpu;
    let built = match t.data_type {
        ONNX_FLOAT => {
            let values: Vec<f32> = if raw.is_empty() {
                t.float_data.clone()
            } else {
                check(raw.len() / 4, 4)?;
                raw.chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect()
            };
            check(values.len(), 4)?;
            Tensor::from_vec(values, dims.as_slice(), dev)
        }
        ONNX_INT64 | ONNX_INT32 => {
            // candle's integer ops are widest on i64; int32 tensors are widened.
            let values: Vec<i64> = match (raw.is_empty(), t.data_type) {
                (true, ONNX_INT64) => t.int64_data.clone(),
                (true, _) => t.int32_data.iter().map(|&v| i64::from(v)).collect(),
                (false, ONNX_INT64) => {
                    check(raw.len() / 8, 8)?;
                    raw.chunks_exact(8)
                        .map(|b| i64::from_le_bytes(b.try_into().expect("8 bytes")))
                        .collect()
                }
                (false, _) => {
                    check(raw.len() / 4, 4)?;
                    raw.chunks_exact(4)
                        .map(|b| i64::from(i32::from_le_bytes(b.try_into().expect("4 bytes"))))
                        .collect()
                }
            };
            check(values.len(), 8)?;
            Tensor::from_vec(values, dims.as_slice(), dev)
        }
        ONNX_INT8 | ONNX_UINT8 => {
            // Quantized weights and zero points: small integers, exact in f32.
            let values: Vec<f32> = match (raw.is_empty(), t.data_type) {
                (true, _) => t.int32_data.iter().map(|&v| v as f32).collect(),
                (false, ONNX_INT8) => raw.iter().map(|&b| f32::from(b as i8)).collect(),
                (false, _) => raw.iter().map(|&b| f32::from(b)).collect(),
            };
            check(values.len(), 1)?;
            Tensor::from_vec(values, dims.as_slice(), dev)
        }
        other => return Err(format!("unsupported ONNX data type {other}")),
    };
    built.map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    const VOICE: &str = "models/voices/en_US-joe-medium.onnx";

    fn voice() -> Option<OnnxWeights> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(VOICE);
        if !path.exists() {
            eprintln!("skipped: {} is absent (run scripts/setup)", path.display());
            return None;
        }
        Some(OnnxWeights::load(&path).expect("voice loads"))
    }

    #[test]
    fn reads_named_and_anonymous_weights_of_the_real_voice() {
        let Some(w) = voice() else { return };
        let shape = |n: &str| w.get(n).unwrap().dims().to_vec();
        assert_eq!(shape("enc_p.proj.weight"), [384, 192, 1]);
        assert_eq!(shape("dec.ups.0.weight"), [256, 128, 16]);
        assert_eq!(shape("enc_p.encoder.attn_layers.0.emb_rel_k"), [1, 9, 96]);
        // Anonymous weight-norm folds, found through their Conv node.
        assert_eq!(
            shape("flow.flows.0.enc.res_skip_layers.0.weight"),
            [384, 192, 1]
        );
        assert_eq!(shape("flow.flows.6.enc.in_layers.3.weight"), [384, 192, 5]);
        assert_eq!(
            shape("flow.flows.0.enc.res_skip_layers.3.weight"),
            [192, 192, 1]
        );
        // The text embedding is exported under an odd name; its Gather node names it.
        assert_eq!(shape("enc_p.emb.weight"), [256, 192]);
        assert_eq!(w.get("onnx::ReduceSum_6786").unwrap().dtype(), DType::I64);
        let ups = w.conv("dec.ups.0").unwrap();
        assert_eq!((ups.stride, ups.padding), (8, 4));
        assert_eq!(w.conv("dec.resblocks.2.convs.1").unwrap().dilation, 12);
        assert_eq!(w.conv("dp.convs.convs_sep.0").unwrap().groups, 192);
    }

    #[test]
    fn missing_tensor_and_missing_file_are_named() {
        let err = OnnxWeights::load(Path::new("/nonexistent/voice.onnx")).unwrap_err();
        assert!(matches!(err, Error::MissingAsset { .. }), "{err}");
        let Some(w) = voice() else { return };
        let err = w.get("dec.no_such.weight").unwrap_err().to_string();
        assert!(err.contains("dec.no_such.weight"), "{err}");
    }

    fn tiny_model() -> Vec<u8> {
        let weight = TensorProto {
            dims: vec![2, 1, 2],
            data_type: ONNX_FLOAT,
            name: "onnx::Conv_1".into(),
            raw_data: [1.0f32, 2.0, 3.0, 4.0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
            ..Default::default()
        };
        let typed = TensorProto {
            dims: vec![3],
            data_type: ONNX_INT64,
            name: "shape".into(),
            int64_data: vec![5, -6, 7],
            ..Default::default()
        };
        let floats = TensorProto {
            dims: vec![2],
            data_type: ONNX_FLOAT,
            name: "conv.bias".into(),
            float_data: vec![0.5, -0.5],
            ..Default::default()
        };
        let node = NodeProto {
            input: vec!["x".into(), "onnx::Conv_1".into(), "conv.bias".into()],
            output: vec!["y".into()],
            name: "/conv/Conv".into(),
            op_type: "Conv".into(),
            attribute: vec![AttributeProto {
                name: "dilations".into(),
                ints: vec![3],
                ..Default::default()
            }],
        };
        ModelProto {
            ir_version: 8,
            graph: Some(GraphProto {
                node: vec![node],
                initializer: vec![weight, typed, floats],
            }),
        }
        .encode_to_vec()
    }

    #[test]
    fn typed_fields_raw_data_and_aliases() {
        let w = OnnxWeights::from_bytes(&tiny_model(), "tiny").unwrap();
        let k = w.get("conv.weight").unwrap();
        assert_eq!(
            k.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
            [1.0, 2.0, 3.0, 4.0]
        );
        let s = w.get("shape").unwrap().to_vec1::<i64>().unwrap();
        assert_eq!(s, [5, -6, 7]);
        let b = w.get("conv.bias").unwrap().to_vec1::<f32>().unwrap();
        assert_eq!(b, [0.5, -0.5]);
        assert_eq!(w.conv("conv").unwrap().dilation, 3);
    }

    #[test]
    fn truncated_or_inconsistent_files_fail_clearly() {
        let bytes = tiny_model();
        let err = OnnxWeights::from_bytes(&bytes[..bytes.len() - 7], "cut.onnx")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cut.onnx") && err.contains("truncated"),
            "{err}"
        );

        let mut model = ModelProto::decode(bytes.as_slice()).unwrap();
        model.graph.as_mut().unwrap().initializer[0]
            .raw_data
            .truncate(12);
        let err = OnnxWeights::from_bytes(&model.encode_to_vec(), "short.onnx")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("onnx::Conv_1") && err.contains("needs 4 values"),
            "{err}"
        );
    }
}
