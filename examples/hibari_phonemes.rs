//! Phonemes in, WAV out: runs onair's hibari voice. Used by `scripts/parity-hibari`.
//!
//! ```text
//! cargo run --release --example hibari_phonemes -- MODEL_DIR PHONEMES_FILE OUT_DIR \
//!     [--speed 1] [--seed 0] [--no-noise] [--repeat 1] [--frames]
//! ```
//!
//! PHONEMES_FILE holds one phoneme string per line in misaki's alphabet (`həlˈO.`). Line N
//! (from 0) is written to OUT_DIR/N.wav as 32-bit float mono at 24 kHz, and a line
//! `N frames=… seconds=… net_s=… vocoder_s=…` is printed per line (the best of `--repeat`
//! runs). `--no-noise` silences the vocoder's noise part, the only random one, so that the
//! output can be compared sample by sample with another implementation. `--frames` also
//! writes the networks' output to OUT_DIR/N.frames, little-endian f32: the f0 track (F values),
//! then lh, theta, ln, lr and phi, each F × 601 frame-major.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use onair::ml::hibari::Hibari;

fn main() -> anyhow::Result<()> {
    let mut positional = Vec::new();
    let (mut speed, mut seed, mut quiet_noise, mut repeat) = (1.0f32, 0u64, false, 1usize);
    let mut dump_frames = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--speed" => speed = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "--repeat" => repeat = value()?.parse::<usize>()?.max(1),
            "--no-noise" => quiet_noise = true,
            "--frames" => dump_frames = true,
            _ if arg.starts_with("--") => bail!("unknown option {arg}"),
            _ => positional.push(arg),
        }
    }
    let [model_dir, phonemes_file, out_dir] = positional.as_slice() else {
        bail!(
            "usage: hibari_phonemes MODEL_DIR PHONEMES_FILE OUT_DIR [--speed S] [--seed N] [--no-noise] [--repeat N] [--frames]"
        );
    };

    let started = Instant::now();
    let model = Hibari::load(model_dir.as_ref()).with_context(|| format!("loading {model_dir}"))?;
    eprintln!(
        "loaded {model_dir} in {:.2} s",
        started.elapsed().as_secs_f64()
    );

    let text = std::fs::read_to_string(phonemes_file)
        .with_context(|| format!("reading {phonemes_file}"))?;
    let out_dir = PathBuf::from(out_dir);
    std::fs::create_dir_all(&out_dir)?;
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: model.sample_rate_hz(),
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let ids = model.phoneme_ids(line.trim());
        let (mut net_s, mut vocoder_s) = (f64::INFINITY, f64::INFINITY);
        let mut samples = Vec::new();
        let mut n_frames = 0;
        for pass in 0..repeat {
            let t = Instant::now();
            let mut frames = model.frames(&ids, speed)?;
            if dump_frames && pass == 0 {
                let parts = [
                    &frames.f0_hz,
                    &frames.lh,
                    &frames.theta,
                    &frames.ln,
                    &frames.lr,
                    &frames.phi,
                ];
                let bytes: Vec<u8> = parts
                    .iter()
                    .flat_map(|p| p.iter())
                    .flat_map(|v| v.to_le_bytes())
                    .collect();
                std::fs::write(out_dir.join(format!("{n}.frames")), bytes)?;
            }
            net_s = net_s.min(t.elapsed().as_secs_f64());
            if quiet_noise {
                frames.ln.iter_mut().for_each(|v| *v = -30.0);
            }
            let t = Instant::now();
            samples = model.vocoder().synthesize(&frames, seed);
            vocoder_s = vocoder_s.min(t.elapsed().as_secs_f64());
            n_frames = frames.len();
        }
        let path = out_dir.join(format!("{n}.wav"));
        let mut w = hound::WavWriter::create(&path, spec)?;
        for s in &samples {
            w.write_sample(*s)?;
        }
        w.finalize()?;
        println!(
            "{n} frames={n_frames} seconds={:.3} net_s={net_s:.4} vocoder_s={vocoder_s:.4}",
            samples.len() as f64 / f64::from(model.sample_rate_hz())
        );
    }
    Ok(())
}
