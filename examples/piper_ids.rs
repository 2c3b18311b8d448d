//! Phoneme ids in, WAV out: runs onair's VITS on a Piper voice. Used by `scripts/parity-piper`.
//!
//! ```text
//! cargo run --release --example piper_ids -- VOICE.onnx IDS_FILE OUT_DIR \
//!     [--noise-scale 0] [--length-scale 1] [--noise-w 0] [--seed 0]
//! ```
//!
//! IDS_FILE holds one sequence per line, ids separated by commas or spaces. Line N (from 0)
//! is written to OUT_DIR/N.wav as 32-bit float mono at the voice's rate, and a line
//! `N samples=… seconds=… infer_s=…` is printed per sequence. Scales default to 0 noise, so
//! that the output is comparable with a deterministic reference.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use onair::ml::vits::{Scales, Vits};

fn main() -> anyhow::Result<()> {
    let mut positional = Vec::new();
    let mut scales = Scales {
        noise_scale: 0.0,
        length_scale: 1.0,
        noise_w: 0.0,
    };
    let mut seed = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--noise-scale" => scales.noise_scale = value()?.parse()?,
            "--length-scale" => scales.length_scale = value()?.parse()?,
            "--noise-w" => scales.noise_w = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            _ if arg.starts_with("--") => bail!("unknown option {arg}"),
            _ => positional.push(arg),
        }
    }
    let [voice, ids_file, out_dir] = positional.as_slice() else {
        bail!(
            "usage: piper_ids VOICE.onnx IDS_FILE OUT_DIR [--noise-scale S] [--length-scale S] [--noise-w S] [--seed N]"
        );
    };

    let started = Instant::now();
    let vits = Vits::load(voice.as_ref()).with_context(|| format!("loading {voice}"))?;
    eprintln!("loaded {voice} in {:.2} s", started.elapsed().as_secs_f64());

    let text = std::fs::read_to_string(ids_file).with_context(|| format!("reading {ids_file}"))?;
    let out_dir = PathBuf::from(out_dir);
    std::fs::create_dir_all(&out_dir)?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: vits.sample_rate_hz(),
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let ids = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<i64>, _>>()
            .with_context(|| format!("line {}: not a list of integers", n + 1))?;
        let t = Instant::now();
        let samples = vits.synthesize(&ids, scales, None, seed)?;
        let infer_s = t.elapsed().as_secs_f64();
        let path = out_dir.join(format!("{n}.wav"));
        let mut w = hound::WavWriter::create(&path, spec)?;
        for s in &samples {
            w.write_sample(*s)?;
        }
        w.finalize()?;
        println!(
            "{n} samples={} seconds={:.3} infer_s={infer_s:.3}",
            samples.len(),
            samples.len() as f64 / f64::from(vits.sample_rate_hz())
        );
    }
    Ok(())
}
