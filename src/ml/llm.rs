//! Quantized GGUF chat models run by candle: llama-family (SmolLM2, Llama 3), qwen2, qwen3 and
//! gemma3. The tokenizer is rebuilt from the file's own metadata (`tokenizer.ggml.*`), so a
//! GGUF file is all a model needs.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use candle_core::quantized::{GgmlDType, QTensor, gguf_file};
use candle_core::{Device, Tensor};
use candle_transformers::models::{
    quantized_gemma3, quantized_llama, quantized_qwen2, quantized_qwen3,
};

use crate::{Error, Result};

const ENGINE: &str = "planner/local";

/// The weights of one of the supported architectures, with their attention cache.
enum Weights {
    Llama(Box<quantized_llama::ModelWeights>),
    Qwen2(Box<quantized_qwen2::ModelWeights>),
    Qwen3(Box<quantized_qwen3::ModelWeights>),
    Gemma3(Box<quantized_gemma3::ModelWeights>),
}

impl Weights {
    fn forward(&mut self, x: &Tensor, pos: usize) -> candle_core::Result<Tensor> {
        match self {
            Weights::Llama(m) => m.forward(x, pos),
            Weights::Qwen2(m) => m.forward(x, pos),
            Weights::Qwen3(m) => m.forward(x, pos),
            Weights::Gemma3(m) => m.forward(x, pos),
        }
    }

    /// A copy sharing the weights and holding the same attention cache; `None` where the
    /// architecture's weights cannot be copied (qwen2).
    fn fork(&self) -> Option<Weights> {
        match self {
            Weights::Llama(m) => Some(Weights::Llama(m.clone())),
            Weights::Qwen2(_) => None,
            Weights::Qwen3(m) => Some(Weights::Qwen3(m.clone())),
            Weights::Gemma3(m) => Some(Weights::Gemma3(m.clone())),
        }
    }

    /// Empties the attention cache; false where the architecture cannot (gemma3, which
    /// [`Weights::fork`] copies instead).
    fn clear(&mut self) -> bool {
        match self {
            Weights::Llama(m) => m.clear_kv_cache(),
            Weights::Qwen2(m) => m.clear_kv_cache(),
            Weights::Qwen3(m) => m.clear_kv_cache(),
            Weights::Gemma3(_) => return false,
        }
        true
    }
}

/// How the model expects a conversation to be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatFormat {
    /// `<|im_start|>role ... <|im_end|>`: SmolLM2, Qwen.
    ChatMl,
    /// `<start_of_turn>user ... <end_of_turn>`: Gemma (no system role).
    Gemma,
    /// `<|start_header_id|>role<|end_header_id|> ... <|eot_id|>`: Llama 3.
    Llama3,
}

impl ChatFormat {
    /// One message as the model reads it. Gemma has no system turn: its text opens the first
    /// user turn instead (see [`ChatModel::render`]).
    fn turn(self, role: &str, content: &str) -> String {
        match self {
            ChatFormat::ChatMl => format!("<|im_start|>{role}\n{content}<|im_end|>\n"),
            ChatFormat::Gemma => {
                let role = if role == "assistant" { "model" } else { "user" };
                format!("<start_of_turn>{role}\n{content}<end_of_turn>\n")
            }
            ChatFormat::Llama3 => {
                format!("<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>")
            }
        }
    }

    fn opening(self) -> &'static str {
        match self {
            ChatFormat::ChatMl => "",
            ChatFormat::Gemma => "<bos>",
            ChatFormat::Llama3 => "<|begin_of_text|>",
        }
    }

    fn reply_header(self) -> &'static str {
        match self {
            ChatFormat::ChatMl => "<|im_start|>assistant\n",
            ChatFormat::Gemma => "<start_of_turn>model\n",
            ChatFormat::Llama3 => "<|start_header_id|>assistant<|end_header_id|>\n\n",
        }
    }
}

/// Byte-level BPE (GPT-2 style: SmolLM2, Qwen, Llama 3) or SentencePiece (Gemma).
enum Encoder {
    Bpe(Box<tokenizers::Tokenizer>),
    SentencePiece {
        index: HashMap<String, u32>,
        scores: Vec<f32>,
        bytes: Vec<Option<u32>>,
    },
}

/// The vocabulary of a GGUF model: each token's bytes, for decoding and for the grammar's
/// token mask, and an encoder for prompts.
pub struct Vocab {
    /// Bytes each token stands for; empty for control tokens, which the planner never samples.
    pieces: Vec<Vec<u8>>,
    /// Control tokens by their text (`<|im_start|>`), matched in prompts.
    special: Vec<(String, u32)>,
    encoder: Encoder,
}

impl Vocab {
    fn from_gguf(content: &gguf_file::Content, path: &Path) -> Result<Vocab> {
        let md = &content.metadata;
        let bad = |what: &str| {
            Error::BadInput(format!(
                "{}: the GGUF file has no usable {what} in its metadata, so onair cannot build \
                 its tokenizer",
                path.display()
            ))
        };
        let kind = md
            .get("tokenizer.ggml.model")
            .and_then(|v| v.to_string().ok())
            .ok_or_else(|| bad("tokenizer.ggml.model"))?
            .clone();
        let tokens: Vec<String> = md
            .get("tokenizer.ggml.tokens")
            .and_then(|v| v.to_vec().ok())
            .ok_or_else(|| bad("tokenizer.ggml.tokens"))?
            .iter()
            .map(|t| t.to_string().cloned().unwrap_or_default())
            .collect();
        let types: Vec<i32> = md
            .get("tokenizer.ggml.token_type")
            .and_then(|v| v.to_vec().ok())
            .map(|v| v.iter().map(|t| t.to_i32().unwrap_or(1)).collect())
            .unwrap_or_else(|| vec![1; tokens.len()]);
        // 3: control, 4: user-defined. Both are matched whole in prompts; control tokens are
        // never part of the text a model writes.
        let is_special = |i: usize| matches!(types.get(i), Some(3) | Some(4));
        let special: Vec<(String, u32)> = tokens
            .iter()
            .enumerate()
            .filter(|&(i, t)| is_special(i) && !t.is_empty())
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();

        let (pieces, encoder) = match kind.as_str() {
            "gpt2" => {
                let merges: Vec<(String, String)> = md
                    .get("tokenizer.ggml.merges")
                    .and_then(|v| v.to_vec().ok())
                    .ok_or_else(|| bad("tokenizer.ggml.merges"))?
                    .iter()
                    .filter_map(|m| m.to_string().ok())
                    .filter_map(|m| m.split_once(' '))
                    .map(|(a, b)| (a.to_owned(), b.to_owned()))
                    .collect();
                let decode = byte_decoder();
                let pieces = tokens
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        if types.get(i) == Some(&3) {
                            return Vec::new();
                        }
                        t.chars()
                            .map(|c| decode.get(&c).copied())
                            .collect::<Option<Vec<u8>>>()
                            .unwrap_or_default()
                    })
                    .collect();
                let vocab: tokenizers::models::bpe::Vocab = tokens
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.clone(), i as u32))
                    .collect();
                let bpe = tokenizers::models::bpe::BPE::builder()
                    .vocab_and_merges(vocab, merges)
                    .build()
                    .map_err(|e| Error::engine(ENGINE, format!("tokenizer: {e}")))?;
                let mut tokenizer = tokenizers::Tokenizer::new(bpe);
                tokenizer.with_pre_tokenizer(Some(
                    tokenizers::pre_tokenizers::byte_level::ByteLevel::new(false, true, true),
                ));
                (pieces, Encoder::Bpe(Box::new(tokenizer)))
            }
            "llama" => {
                let scores: Vec<f32> = md
                    .get("tokenizer.ggml.scores")
                    .and_then(|v| v.to_vec().ok())
                    .ok_or_else(|| bad("tokenizer.ggml.scores"))?
                    .iter()
                    .map(|s| s.to_f32().unwrap_or(0.0))
                    .collect();
                let mut bytes = vec![None; 256];
                let pieces = tokens
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        if types.get(i) == Some(&3) {
                            return Vec::new();
                        }
                        if let Some(b) = byte_token(t) {
                            bytes[b as usize] = Some(i as u32);
                            return vec![b];
                        }
                        t.replace('\u{2581}', " ").into_bytes()
                    })
                    .collect();
                let index = tokens
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.clone(), i as u32))
                    .collect();
                (
                    pieces,
                    Encoder::SentencePiece {
                        index,
                        scores,
                        bytes,
                    },
                )
            }
            other => {
                return Err(Error::BadInput(format!(
                    "{}: tokenizer model {other:?} is not supported (onair reads \"gpt2\" \
                     byte-level BPE and \"llama\" SentencePiece vocabularies)",
                    path.display()
                )));
            }
        };
        Ok(Vocab {
            pieces,
            special,
            encoder,
        })
    }

    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The bytes token `id` stands for (empty for control tokens).
    pub fn piece(&self, id: u32) -> &[u8] {
        self.pieces.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// Every token's bytes, by id.
    pub fn pieces(&self) -> &[Vec<u8>] {
        &self.pieces
    }

    fn special_id(&self, text: &str) -> Option<u32> {
        self.special
            .iter()
            .find(|(t, _)| t == text)
            .map(|&(_, id)| id)
    }

    /// Token ids for `text`, where the special tokens of the chat format are written out
    /// (`<|im_start|>`) and stand for themselves.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            // The earliest (then longest) special token in what is left.
            let next = self
                .special
                .iter()
                .filter(|(t, _)| t.starts_with('<'))
                .filter_map(|(t, id)| rest.find(t.as_str()).map(|at| (at, t.len(), *id)))
                .min_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)));
            let (plain, special) = match next {
                Some((at, len, id)) => (&rest[..at], Some((id, at + len))),
                None => (rest, None),
            };
            if !plain.is_empty() {
                ids.extend(self.encode_plain(plain)?);
            }
            match special {
                Some((id, end)) => {
                    ids.push(id);
                    rest = &rest[end..];
                }
                None => break,
            }
        }
        Ok(ids)
    }

    fn encode_plain(&self, text: &str) -> Result<Vec<u32>> {
        match &self.encoder {
            Encoder::Bpe(tokenizer) => tokenizer
                .encode(text, false)
                .map(|e| e.get_ids().to_vec())
                .map_err(|e| Error::engine(ENGINE, format!("tokenizer: {e}"))),
            Encoder::SentencePiece {
                index,
                scores,
                bytes,
            } => Ok(sentencepiece(text, index, scores, bytes)),
        }
    }
}

/// SentencePiece BPE as llama.cpp does it: start from characters, merge the adjacent pair
/// whose union is the best-scored token until none is in the vocabulary, spell what is left
/// with byte tokens.
fn sentencepiece(
    text: &str,
    index: &HashMap<String, u32>,
    scores: &[f32],
    bytes: &[Option<u32>],
) -> Vec<u32> {
    let text = text.replace(' ', "\u{2581}");
    let mut symbols: Vec<String> = text.chars().map(String::from).collect();
    loop {
        let best = symbols
            .windows(2)
            .enumerate()
            .filter_map(|(i, w)| {
                let joined = format!("{}{}", w[0], w[1]);
                index
                    .get(&joined)
                    .map(|&id| (i, scores.get(id as usize).copied().unwrap_or(0.0)))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let Some((i, _)) = best else { break };
        let right = symbols.remove(i + 1);
        symbols[i].push_str(&right);
    }
    let mut ids = Vec::new();
    for s in symbols {
        match index.get(&s) {
            Some(&id) => ids.push(id),
            None => ids.extend(s.bytes().filter_map(|b| bytes[b as usize])),
        }
    }
    ids
}

/// `<0x0A>` → 0x0A.
fn byte_token(token: &str) -> Option<u8> {
    let hex = token.strip_prefix("<0x")?.strip_suffix('>')?;
    (hex.len() == 2).then(|| u8::from_str_radix(hex, 16).ok())?
}

/// GPT-2's byte-level alphabet, reversed: the printable stand-in character for each byte.
fn byte_decoder() -> HashMap<char, u8> {
    let mut printable: Vec<u32> = (u32::from('!')..=u32::from('~')).collect();
    printable.extend(u32::from('¡')..=u32::from('¬'));
    printable.extend(u32::from('®')..=u32::from('ÿ'));
    let mut map = HashMap::new();
    let mut extra = 0;
    for b in 0..=255u32 {
        let c = if printable.contains(&b) {
            b
        } else {
            extra += 1;
            255 + extra
        };
        map.insert(char::from_u32(c).expect("valid code point"), b as u8);
    }
    map
}

/// A GGUF chat model, ready to take tokens.
pub struct ChatModel {
    weights: Weights,
    /// Tokens already in the model's attention cache.
    position: usize,
    device: Device,
}

/// A loaded GGUF file: the model, its vocabulary and how it writes a conversation.
pub struct LoadedModel {
    pub model: ChatModel,
    pub vocab: Vocab,
    pub format: ChatFormat,
    /// Token ids that end the model's turn.
    pub stop: Vec<u32>,
    pub path: PathBuf,
    /// `general.architecture`: llama, qwen2, qwen3, gemma3.
    pub architecture: String,
}

/// Loads a GGUF chat model. A file that is not GGUF, or an architecture candle cannot run
/// here, is invalid input, with the fix in the message.
pub fn load(path: &Path) -> Result<LoadedModel> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::MissingAsset {
            what: "GGUF chat model".into(),
            path: path.to_path_buf(),
            hint: "run scripts/setup for SmolLM2-135M-Instruct, or pass --model PATH.gguf".into(),
        },
        _ => Error::io(path, e),
    })?;
    let mut reader = BufReader::new(file);
    let mut magic = [0u8; 4];
    let is_gguf = reader.read_exact(&mut magic).is_ok() && &magic == b"GGUF";
    if !is_gguf {
        return Err(Error::BadInput(format!(
            "{} is not a GGUF model file (it does not start with the GGUF magic bytes); the \
             local planner needs a quantized chat model in GGUF format, e.g. \
             models/llm/SmolLM2-135M-Instruct.Q4_1.gguf from scripts/setup",
            path.display()
        )));
    }
    reader.seek_relative(-4).map_err(|e| Error::io(path, e))?;
    let content = gguf_file::Content::read(&mut reader).map_err(|e| {
        Error::BadInput(format!("{}: not a readable GGUF file: {e}", path.display()))
    })?;
    let architecture = content
        .metadata
        .get("general.architecture")
        .and_then(|v| v.to_string().ok())
        .cloned()
        .unwrap_or_default();
    let vocab = Vocab::from_gguf(&content, path)?;
    let format = if vocab.special_id("<|im_start|>").is_some() {
        ChatFormat::ChatMl
    } else if vocab.special_id("<start_of_turn>").is_some() {
        ChatFormat::Gemma
    } else if vocab.special_id("<|start_header_id|>").is_some() {
        ChatFormat::Llama3
    } else {
        return Err(Error::BadInput(format!(
            "{}: no chat format found in its vocabulary (ChatML, Gemma or Llama 3); use an \
             instruction-tuned (chat) model",
            path.display()
        )));
    };
    let mut stop: Vec<u32> = ["<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|endoftext|>"]
        .iter()
        .filter_map(|t| vocab.special_id(t))
        .collect();
    if let Some(eos) = content
        .metadata
        .get("tokenizer.ggml.eos_token_id")
        .and_then(|v| v.to_u32().ok())
    {
        stop.push(eos);
    }
    let device = Device::Cpu;
    // ONAIR_LLM_CONVERT=0 keeps the file's formats: half the memory for Q4_1, slower.
    let convert = std::env::var("ONAIR_LLM_CONVERT").as_deref() != Ok("0");
    let (content, mut reader): (gguf_file::Content, Box<dyn ReadSeek>) = if convert {
        with_vector_kernels(content, reader, &device)
            .map_err(|e| Error::engine(ENGINE, format!("{}: {e}", path.display())))?
    } else {
        (content, Box::new(reader))
    };
    let failed = |e: candle_core::Error| {
        Error::engine(
            ENGINE,
            format!(
                "{}: cannot load the {architecture} weights: {e}",
                path.display()
            ),
        )
    };
    let weights = match architecture.as_str() {
        "llama" => Weights::Llama(Box::new(
            quantized_llama::ModelWeights::from_gguf(content, &mut reader, &device)
                .map_err(failed)?,
        )),
        "qwen2" => Weights::Qwen2(Box::new(
            quantized_qwen2::ModelWeights::from_gguf(content, &mut reader, &device)
                .map_err(failed)?,
        )),
        "qwen3" => Weights::Qwen3(Box::new(
            quantized_qwen3::ModelWeights::from_gguf(content, &mut reader, &device)
                .map_err(failed)?,
        )),
        "gemma3" => Weights::Gemma3(Box::new(
            quantized_gemma3::ModelWeights::from_gguf(content, &mut reader, &device)
                .map_err(failed)?,
        )),
        other => {
            return Err(Error::BadInput(format!(
                "{}: architecture {other:?} is not supported by the local planner; use a \
                 llama-family (SmolLM2, Llama 3), qwen2, qwen3 or gemma3 GGUF chat model",
                path.display()
            )));
        }
    };
    Ok(LoadedModel {
        model: ChatModel {
            weights,
            position: 0,
            device,
        },
        vocab,
        format,
        stop,
        path: path.to_path_buf(),
        architecture,
    })
}

/// Quantized formats that candle multiplies with scalar code only (no AVX or NEON kernel).
const SCALAR_FORMATS: [GgmlDType; 3] = [GgmlDType::Q4_1, GgmlDType::Q5_0, GgmlDType::Q5_1];

/// Converts the weights in [`SCALAR_FORMATS`] to Q8_0, whose dot products candle runs with
/// vector instructions: SmolLM2's Q4_1 file decodes several times faster so. Q8_0 holds every
/// Q4_1 value to within a 256th of its block's range, and the file on disk is not touched.
/// Files without such weights are read as they are, and so is every file when
/// `ONAIR_LLM_CONVERT=0` (the converted weights take about twice the memory of Q4_1).
fn with_vector_kernels<R: Read + Seek + 'static>(
    content: gguf_file::Content,
    mut reader: R,
    device: &Device,
) -> candle_core::Result<(gguf_file::Content, Box<dyn ReadSeek>)> {
    let slow = content
        .tensor_infos
        .values()
        .any(|t| SCALAR_FORMATS.contains(&t.ggml_dtype));
    if !slow {
        return Ok((content, Box::new(reader)));
    }
    let mut names: Vec<&String> = content.tensor_infos.keys().collect();
    names.sort();
    let mut tensors = Vec::with_capacity(names.len());
    for name in names {
        let mut t = content.tensor(&mut reader, name, device)?;
        let blocks_fit = t.shape().dims().last().is_some_and(|d| d % 32 == 0);
        if SCALAR_FORMATS.contains(&t.dtype()) && blocks_fit {
            t = QTensor::quantize(&t.dequantize(device)?, GgmlDType::Q8_0)?;
        }
        tensors.push((name.as_str(), t));
    }
    let metadata: Vec<(&str, &gguf_file::Value)> = content
        .metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let tensor_refs: Vec<(&str, &QTensor)> = tensors.iter().map(|(n, t)| (*n, t)).collect();
    let mut bytes = Cursor::new(Vec::new());
    gguf_file::write(&mut bytes, &metadata, &tensor_refs)?;
    bytes.set_position(0);
    let converted = gguf_file::Content::read(&mut bytes)?;
    Ok((converted, Box::new(bytes)))
}

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

impl LoadedModel {
    /// The conversation as the model reads it, split where the last message begins, so the
    /// part before it can be computed once and reused ([`ChatModel::clone`]) for many briefs.
    pub fn render(&self, messages: &[(&str, &str)]) -> (String, String) {
        let format = self.format;
        let mut prefix = format.opening().to_owned();
        let mut turns: Vec<(&str, String)> = Vec::new();
        for &(role, content) in messages {
            match (format, role, turns.last_mut()) {
                // Gemma: the system text opens the next user turn.
                (ChatFormat::Gemma, "user", Some((last_role, text))) if *last_role == "system" => {
                    *last_role = "user";
                    text.push_str("\n\n");
                    text.push_str(content);
                }
                _ => turns.push((role, content.to_owned())),
            }
        }
        let last = turns.pop();
        for (role, content) in &turns {
            prefix.push_str(&format.turn(role, content));
        }
        let mut suffix = last
            .map(|(role, content)| format.turn(role, &content))
            .unwrap_or_default();
        suffix.push_str(format.reply_header());
        (prefix, suffix)
    }
}

impl ChatModel {
    /// Feeds `tokens` after those already seen; returns the logits for the next token.
    pub fn feed(&mut self, tokens: &[u32]) -> Result<Vec<f32>> {
        let input = Tensor::new(tokens, &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| Error::engine(ENGINE, e.to_string()))?;
        let logits = self
            .weights
            .forward(&input, self.position)
            .and_then(|l| l.flatten_all())
            .and_then(|l| l.to_dtype(candle_core::DType::F32))
            .and_then(|l| l.to_vec1::<f32>())
            .map_err(|e| Error::engine(ENGINE, format!("model: {e}")))?;
        self.position += tokens.len();
        Ok(logits)
    }

    /// Tokens in the model's attention cache.
    pub fn position(&self) -> usize {
        self.position
    }

    /// A copy that shares the weights and continues from the same tokens, so a prompt's
    /// common start is computed once; `None` where the architecture cannot be copied.
    pub fn fork(&self) -> Option<ChatModel> {
        Some(ChatModel {
            weights: self.weights.fork()?,
            position: self.position,
            device: self.device.clone(),
        })
    }

    /// Forgets every token fed; false where the architecture cannot (then [`Self::fork`] a
    /// fresh copy instead).
    pub fn reset(&mut self) -> bool {
        let cleared = self.weights.clear();
        if cleared {
            self.position = 0;
        }
        cleared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_alphabet_covers_every_byte_once() {
        let map = byte_decoder();
        assert_eq!(map.len(), 256);
        assert_eq!(map[&'Ġ'], b' ');
        assert_eq!(map[&'Ċ'], b'\n');
        assert_eq!(map[&'a'], b'a');
    }

    #[test]
    fn byte_tokens_are_read() {
        assert_eq!(byte_token("<0x0A>"), Some(b'\n'));
        assert_eq!(byte_token("<0xZZ>"), None);
        assert_eq!(byte_token("hello"), None);
    }

    #[test]
    fn sentencepiece_merges_by_score_and_spells_the_rest_in_bytes() {
        let tokens = ["\u{2581}", "h", "i", "hi", "\u{2581}hi", "<0x21>"];
        let index: HashMap<String, u32> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| (t.to_string(), i as u32))
            .collect();
        let scores = [0.0, 0.0, 0.0, 1.0, 2.0, 0.0];
        let mut bytes = vec![None; 256];
        bytes[0x21] = Some(5);
        assert_eq!(sentencepiece(" hi!", &index, &scores, &bytes), vec![4, 5]);
    }
}
