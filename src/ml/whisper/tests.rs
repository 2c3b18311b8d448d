use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::ct2::{self, Ct2Dtype, Ct2Model, Variable};
use super::*;

/// IEEE half-precision bit patterns, little-endian.
fn f16_bytes(bits: &[u16]) -> Vec<u8> {
    bits.iter().flat_map(|b| b.to_le_bytes()).collect()
}

/// A tiny model: a float16 matrix, a float32 vector, an int16 scalar setting and an alias.
fn tiny() -> Ct2Model {
    let mut variables = HashMap::new();
    variables.insert(
        "decoder/embeddings/weight".to_owned(),
        Variable {
            dims: vec![2, 3],
            dtype: Ct2Dtype::F16,
            // 1, -2, 0.5, 0, 65504 (the largest half), -0.25
            bytes: f16_bytes(&[0x3C00, 0xC000, 0x3800, 0x0000, 0x7BFF, 0xB400]),
        },
    );
    variables.insert(
        "encoder/layer_norm/gamma".to_owned(),
        Variable {
            dims: vec![2],
            dtype: Ct2Dtype::F32,
            bytes: [1.5f32, -3.0]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        },
    );
    variables.insert(
        "encoder/num_heads".to_owned(),
        Variable {
            dims: vec![],
            dtype: Ct2Dtype::I16,
            bytes: 8i16.to_le_bytes().to_vec(),
        },
    );
    Ct2Model {
        binary_version: ct2::MAX_BINARY_VERSION,
        spec: "WhisperSpec".into(),
        spec_revision: 3,
        variables,
        aliases: HashMap::from([(
            "decoder/projection/weight".to_owned(),
            "decoder/embeddings/weight".to_owned(),
        )]),
    }
}

#[test]
fn a_written_model_reads_back_the_same() {
    let model = tiny();
    let bytes = ct2::write(&model);
    let read = Ct2Model::parse(&bytes).unwrap();
    assert_eq!(read, model);
    let projection = read.get("decoder/projection/weight").unwrap();
    let t = projection.to_f32_tensor("p").unwrap();
    assert_eq!(t.dims(), &[2, 3]);
    assert_eq!(
        t.to_vec2::<f32>().unwrap(),
        vec![vec![1.0, -2.0, 0.5], vec![0.0, 65504.0, -0.25]]
    );
    let gamma = read.get("encoder/layer_norm/gamma").unwrap();
    assert_eq!(
        gamma.to_f32_tensor("g").unwrap().to_vec1::<f32>().unwrap(),
        vec![1.5, -3.0]
    );
    assert_eq!(read.get("encoder/num_heads").unwrap().scalar_i64(), Some(8));
}

#[test]
fn the_layout_is_the_one_ctranslate2_reads() {
    // Bytes written out by hand, as model.cc reads them: version, spec, revision, one f32
    // variable of shape [1], one alias.
    let mut b = Vec::new();
    b.extend(6u32.to_le_bytes());
    b.extend(3u16.to_le_bytes());
    b.extend(b"ab\0");
    b.extend(1u32.to_le_bytes());
    b.extend(1u32.to_le_bytes()); // variables
    b.extend(2u16.to_le_bytes());
    b.extend(b"x\0");
    b.push(1); // rank
    b.extend(1u32.to_le_bytes());
    b.push(0); // float32
    b.extend(4u32.to_le_bytes());
    b.extend(0.75f32.to_le_bytes());
    b.extend(1u32.to_le_bytes()); // aliases
    b.extend(2u16.to_le_bytes());
    b.extend(b"y\0");
    b.extend(2u16.to_le_bytes());
    b.extend(b"x\0");
    let m = Ct2Model::parse(&b).unwrap();
    assert_eq!(
        (m.binary_version, m.spec.as_str(), m.spec_revision),
        (6, "ab", 1)
    );
    let y = m.get("y").unwrap();
    assert_eq!((y.dims.clone(), y.dtype), (vec![1], Ct2Dtype::F32));
    assert_eq!(y.bytes, 0.75f32.to_le_bytes());
}

#[test]
fn every_truncation_is_an_error_that_says_where() {
    let bytes = ct2::write(&tiny());
    for cut in 0..bytes.len() {
        let err = Ct2Model::parse(&bytes[..cut]).unwrap_err();
        assert!(err.contains("ends at byte"), "cut at {cut}: {err}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Ct2Model::parse(&longer).unwrap_err().contains("left over"));
}

#[test]
fn corrupt_headers_are_refused() {
    let bytes = ct2::write(&tiny());
    let mut future = bytes.clone();
    future[..4].copy_from_slice(&7u32.to_le_bytes());
    assert!(
        Ct2Model::parse(&future)
            .unwrap_err()
            .contains("binary version 7")
    );

    // Flip every byte in turn: never a panic, and garbage never parses as the same model.
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xA5;
        if let Ok(m) = Ct2Model::parse(&b) {
            assert_ne!(m, tiny(), "flipping byte {i} went unnoticed");
        }
    }
}

#[test]
fn a_damaged_file_names_itself_and_scripts_setup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.bin");
    let bytes = ct2::write(&tiny());
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let err = Ct2Model::read(&path).unwrap_err().to_string();
    assert!(
        err.contains("model.bin") && err.contains("scripts/setup"),
        "{err}"
    );
}

#[test]
fn a_missing_model_is_a_missing_asset_naming_scripts_setup() {
    let dir = tempfile::tempdir().unwrap();
    let err = Whisper::load(dir.path()).err().unwrap();
    assert!(matches!(err, Error::MissingAsset { .. }), "{err}");
    assert!(err.to_string().contains("scripts/setup"), "{err}");
}

#[test]
fn quantized_weights_are_refused_not_misread() {
    let v = Variable {
        dims: vec![2],
        dtype: Ct2Dtype::I8,
        bytes: vec![1, 2],
    };
    let err = v.to_f32_tensor("w").unwrap_err().to_string();
    assert!(err.contains("quantized"), "{err}");
}

/// The installed model, or `None` (and a note) when `scripts/setup` has not installed it.
pub(crate) fn installed() -> Option<PathBuf> {
    let dir = default_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
    if dir.join("model.bin").is_file() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent (run scripts/setup)", dir.display());
        None
    }
}

fn load(dir: &Path) -> Whisper {
    Whisper::load(dir).unwrap()
}

#[test]
fn silence_and_noise_transcribe_to_nothing() {
    let Some(dir) = installed() else { return };
    let mut whisper = load(&dir);
    assert_eq!(whisper.transcribe(&[]).unwrap().text, "");
    assert_eq!(whisper.transcribe(&vec![0.0; 16_000 * 5]).unwrap().text, "");
    // Quiet white noise (seeded), 5 s.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<f32> = (0..16_000 * 5)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state as f64 / u64::MAX as f64 - 0.5) as f32 * 0.02
        })
        .collect();
    let heard = whisper.transcribe(&noise).unwrap();
    assert_eq!(heard.text, "", "{heard:?}");
    // NaN samples do not panic.
    whisper.transcribe(&vec![f32::NAN; 16_000]).unwrap();
}
