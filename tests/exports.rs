//! What a render writes besides the WAV: FLAC, an Audacity label track, per-row stems.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use onair::audio::AudioBuffer;
use onair::audio::wav::read_wav;
use serde_json::Value;

/// Speech over a ducked bed, a panned sound effect, a one-shot background and a closing
/// sound: every kind of row the mixer treats differently.
const SCRIPT: &str = "title: Exports
seed: 4
rows:
  - {type: music, id: bed, action: begin, volume: -30, description: calm ambient pad}
  - {type: speech, character: A, text: \"Here is the first line, with a comma, and a tab\tinside.\"}
  - {type: sfx, layout: background, duration: 2, pan: 0.6, description: rain on a window}
  - {type: sfx, volume: -30, duration: 1.5, pan: -0.7, description: door knock}
  - {type: speech, character: B, text: And the second line answers it at some length so that its label has to be shortened.}
  - {type: music, id: bed, action: end}
  - {type: sfx, duration: 1.2, description: transition swoosh}
";

struct Dir(tempfile::TempDir);

impl Dir {
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn render(&self, args: &[&str]) {
        let o = Command::new(env!("CARGO_BIN_EXE_onair"))
            .args(["render", "s.yaml", "--no-system-library"])
            .args(args)
            .current_dir(self.0.path())
            .env("ONAIR_CACHE", self.path("cache"))
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "onair render {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

fn rendered() -> (Dir, Value) {
    let dir = Dir(tempfile::tempdir().unwrap());
    fs::write(dir.path("s.yaml"), SCRIPT).unwrap();
    dir.render(&[
        "-o",
        "out.wav",
        "--report",
        "out.json",
        "--labels",
        "labels.txt",
        "--stems",
        "stems",
        "--stems-rows",
        "rows",
    ]);
    let report = serde_json::from_str(&fs::read_to_string(dir.path("out.json")).unwrap()).unwrap();
    (dir, report)
}

fn rows(report: &Value) -> &Vec<Value> {
    report["rows"].as_array().unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

/// Decodes a FLAC file with symphonia: its samples, and the bits per sample it states.
fn decode_flac(path: &Path) -> (AudioBuffer, u32) {
    use symphonia::core::codecs::CODEC_TYPE_FLAC;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::probe::Hint;
    let file = fs::File::open(path).unwrap();
    let stream = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    hint.with_extension("flac");
    let probed = symphonia::default::get_probe()
        .format(&hint, stream, &Default::default(), &Default::default())
        .unwrap();
    let track = probed.format.default_track().unwrap();
    assert_eq!(track.codec_params.codec, CODEC_TYPE_FLAC);
    let bits = track.codec_params.bits_per_sample.unwrap();
    (onair::audio::decode::decode_file(path).unwrap(), bits)
}

#[test]
fn flac_holds_the_samples_of_the_wav_at_each_depth() {
    let (dir, report) = rendered();
    let duration_s = f(&report["duration_s"]);
    // Clips come from the cache now; the mix is the same, whatever else is written.
    for (bits, wav, flac) in [("24", "out.wav", "out.flac"), ("16", "o16.wav", "O16.FLAC")] {
        if wav != "out.wav" {
            dir.render(&["-o", wav, "--bits", bits]);
        }
        dir.render(&["-o", flac, "--bits", bits]);
        let bytes = fs::read(dir.path(flac)).unwrap();
        assert_eq!(&bytes[..4], b"fLaC", "{flac} is not FLAC");
        let from_wav = read_wav(&dir.path(wav)).unwrap();
        let (from_flac, flac_bits) = decode_flac(&dir.path(flac));
        assert_eq!(flac_bits.to_string(), bits);
        assert_eq!(from_flac.sample_rate_hz, 48_000);
        assert_eq!(from_flac.frames(), from_wav.frames());
        assert!((from_flac.duration_s() - duration_s).abs() < 0.001);
        assert!(from_flac == from_wav, "{flac} differs from {wav}");
        assert!(bytes.len() < fs::metadata(dir.path(wav)).unwrap().len() as usize);
    }
}

#[test]
fn labels_and_row_stems_follow_the_report() {
    let (dir, report) = rendered();
    let rows = rows(&report);
    assert_eq!(rows.len(), 6, "every sounding row is in the report");

    // Audacity labels: start, end, label; one line per row, in the report's order.
    let text = fs::read_to_string(dir.path("labels.txt")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows.len(), "{text}");
    for (line, row) in lines.iter().zip(rows) {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3, "{line:?}");
        for t in &fields[..2] {
            assert_eq!(t.split('.').nth(1).map(str::len), Some(6), "{line:?}");
        }
        let (start, end): (f64, f64) = (fields[0].parse().unwrap(), fields[1].parse().unwrap());
        assert!((start - f(&row["start_s"])).abs() <= 0.0005, "{line:?}");
        assert!((end - f(&row["end_s"])).abs() <= 0.0005, "{line:?}");
        let head = format!("row {} {}: ", row["index"], row["type"].as_str().unwrap());
        assert!(fields[2].starts_with(&head), "{line:?}");
        assert!(fields[2].chars().count() <= 60, "{line:?}");
    }
    // The tab in row 2's words became a space; long words are cut at a word.
    assert!(
        lines[1].contains("\trow 2 speech: A: Here is the first line, with a comma, and"),
        "{text}"
    );
    assert!(lines[1].ends_with('…') && lines[4].ends_with('…'), "{text}");
    assert!(lines[3].ends_with("\trow 4 sfx: door knock"), "{text}");

    // Row stems: one per row, full length, silent outside the row's span.
    let master = read_wav(&dir.path("out.wav")).unwrap();
    let total = master.frames();
    let rate = f64::from(master.sample_rate_hz);
    // 24-bit files carry ±1 LSB of dither where the mix is silent.
    let lsb = 1.0 / (1 << 23) as f32;
    let mut sum = AudioBuffer::silence(48_000, 2, total);
    for row in rows {
        let index = row["index"].as_u64().unwrap();
        let name = row["id"]
            .as_str()
            .unwrap_or_else(|| row["type"].as_str().unwrap());
        let path = dir.path(&format!("rows/row-{index:02}-{name}.wav"));
        let stem = read_wav(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(stem.frames(), total, "row {index} stem is not full length");
        let from = ((f(&row["start_s"]) - 0.002) * rate).max(0.0) as usize;
        let to = (((f(&row["end_s"]) + 0.002) * rate) as usize).min(total);
        for ch in &stem.channels {
            let outside = ch[..from]
                .iter()
                .chain(&ch[to..])
                .fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(
                outside <= lsb,
                "row {index} stem sounds outside its span: {outside}"
            );
            let inside = ch[from..to].iter().fold(0.0f32, |m, s| m.max(s.abs()));
            assert!(inside > 1e-3, "row {index} stem is silent");
        }
        for (o, ch) in sum.channels.iter_mut().zip(&stem.channels) {
            o.iter_mut().zip(ch).for_each(|(o, s)| *o += s);
        }
    }
    assert_eq!(fs::read_dir(dir.path("rows")).unwrap().count(), rows.len());

    // Together they are the bus stems (each file adds its rounding and dither).
    let mut buses = AudioBuffer::silence(48_000, 2, total);
    for bus in ["speech", "music", "sfx"] {
        let stem = read_wav(&dir.path(&format!("stems/{bus}.wav"))).unwrap();
        for (o, ch) in buses.channels.iter_mut().zip(&stem.channels) {
            o.iter_mut().zip(ch).for_each(|(o, s)| *o += s);
        }
    }
    let worst = sum
        .channels
        .iter()
        .zip(&buses.channels)
        .fold(0.0f32, |m, (a, b)| {
            a.iter().zip(b).fold(m, |m, (x, y)| m.max((x - y).abs()))
        });
    assert!(
        worst <= 12.0 * lsb,
        "row stems differ from the bus stems by {worst}"
    );
}
