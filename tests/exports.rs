//! What a render writes besides the WAV: FLAC, MP3 (with its ID3 title and chapters), Ogg
//! Opus (with its title and chapters in Vorbis comments), an Audacity label track, per-row
//! stems. MP3, FLAC and Opus files are checked with ffmpeg and ffprobe, which scripts/setup
//! installs: a decoder that is not onair's own.

#[path = "support/onair.rs"]
mod onair_bin;
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

    fn onair(&self, args: &[&str]) -> std::process::Output {
        onair_bin::command()
            .args(args)
            .current_dir(self.0.path())
            .env("ONAIR_CACHE", self.path("cache"))
            .output()
            .unwrap()
    }

    fn render(&self, args: &[&str]) {
        let o = self.onair(&[&["render", "s.yaml", "--no-system-library"], args].concat());
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

/// `ffmpeg` or `ffprobe`, which the MP3 and FLAC checks need. Missing, the test fails and
/// says how to install it (CI runs scripts/setup first, so a skip would only hide a gap).
fn ffmpeg_tool(name: &str) -> Command {
    match Command::new(name).arg("-version").output() {
        Ok(o) if o.status.success() => Command::new(name),
        _ => panic!(
            "`{name}` is not installed: run scripts/setup, which installs Debian's ffmpeg package (ffmpeg and ffprobe) for these tests"
        ),
    }
}

/// What ffprobe says about a file: format, streams and chapters.
fn ffprobe(path: &Path) -> Value {
    let o = ffmpeg_tool("ffprobe")
        .args(["-v", "error", "-print_format", "json"])
        .args(["-show_format", "-show_streams", "-show_chapters"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ffprobe {}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The file decoded by ffmpeg: interleaved stereo 32-bit float samples, as a player gets
/// them (for MP3, with the encoder delay and padding that LAME's Info frame states removed).
fn ffmpeg_decode(path: &Path) -> Vec<f32> {
    let o = ffmpeg_tool("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-f", "f32le", "-"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "ffmpeg {}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

/// Signal-to-error ratio of `decoded` against `reference`, dB, with `decoded` shifted by
/// `shift` frames (interleaved stereo).
fn snr_db(reference: &[f32], decoded: &[f32], shift: isize) -> f64 {
    let (mut signal, mut error) = (0.0f64, 0.0f64);
    for i in 4..reference.len().min(decoded.len()) - 4 {
        let r = f64::from(reference[i]);
        let d = f64::from(decoded[(i as isize + 2 * shift) as usize]);
        signal += r * r;
        error += (d - r) * (d - r);
    }
    10.0 * (signal / error).log10()
}

#[test]
fn mp3_and_flac_decode_with_ffmpeg_to_the_length_of_the_wav() {
    let (dir, report) = rendered();
    let wav = ffmpeg_decode(&dir.path("out.wav"));
    let frames = wav.len() / 2;
    assert!(
        (frames as f64 / 48_000.0 - f(&report["duration_s"])).abs() <= 0.001,
        "{frames} frames"
    );

    // FLAC: the WAV's samples, as ffmpeg decodes them too.
    dir.render(&["-o", "out.flac"]);
    let flac = ffmpeg_decode(&dir.path("out.flac"));
    assert_eq!(flac.len() / 2, frames, "FLAC length in frames");
    assert!(
        flac == wav,
        "ffmpeg decodes the FLAC to other samples than the WAV"
    );

    for (name, args, kbps) in [
        ("o128.mp3", &["--bitrate", "128"][..], 128),
        ("O192.MP3", &[][..], 192),
    ] {
        dir.render(&[&["-o", name][..], args].concat());
        let path = dir.path(name);
        let info = ffprobe(&path);
        let stream = &info["streams"][0];
        assert_eq!(info["format"]["format_name"], "mp3", "{name}: {info:#}");
        assert_eq!(stream["codec_name"], "mp3");
        assert_eq!(stream["sample_rate"], "48000");
        assert_eq!(stream["channels"], 2);
        // Constant bitrate: every frame header says it.
        assert_eq!(stream["bit_rate"], (kbps * 1000).to_string(), "{name}");
        assert_eq!(
            info["format"]["tags"]["title"], "Exports",
            "{name}: {info:#}"
        );
        assert!(
            info["format"]["tags"]["encoder"]
                .as_str()
                .is_some_and(|e| e.contains(&format!("LAME 3.100, {kbps} kbps CBR"))),
            "{name}: {info:#}"
        );
        assert_eq!(info["chapters"].as_array().map(Vec::len), Some(0));
        let bytes = fs::metadata(&path).unwrap().len() as f64;
        let expected = f64::from(kbps) * 1000.0 / 8.0 * frames as f64 / 48_000.0;
        assert!(
            (bytes - expected).abs() < 0.03 * expected + 1000.0,
            "{name}: {bytes} bytes, expected about {expected}"
        );

        // Decoded length: LAME's Info frame states its encoder delay (576 + 529 decoder
        // samples) and the padding of the last frame, and ffmpeg drops both, so the MP3 is
        // exactly as long as the WAV: not within a frame (1152 samples, 24 ms), but to the
        // sample.
        let mp3 = ffmpeg_decode(&path);
        assert_eq!(mp3.len() / 2, frames, "{name}: length in frames");
        // And in step with it: lossy, but much closer to the WAV as it is than shifted by a
        // single sample either way (measured: 24 dB at 128 kbps, 29 dB at 192, about 17 dB
        // one sample off).
        let aligned = snr_db(&wav, &mp3, 0);
        let (early, late) = (snr_db(&wav, &mp3, -1), snr_db(&wav, &mp3, 1));
        assert!(aligned > 20.0, "{name}: {aligned:.1} dB");
        assert!(
            aligned > early.max(late) + 3.0,
            "{name}: {aligned:.1} dB aligned, {early:.1} / {late:.1} dB a sample off"
        );
    }
}

/// The script above with three chapters: on the bed's begin row (so at the first speech),
/// on a foreground effect, and on the closing sound.
const CHAPTERED: &str = "title: \"Chapters: Café – Über\"
seed: 4
rows:
  - {type: music, id: bed, action: begin, volume: -30, description: calm ambient pad, chapter: \"Opening – Café\"}
  - {type: speech, character: A, text: Here is the first line of the show.}
  - {type: sfx, volume: -30, duration: 1.5, pan: -0.7, description: door knock, chapter: Knock knock}
  - {type: speech, character: B, text: And the second line answers it.}
  - {type: music, id: bed, action: end}
  - {type: sfx, duration: 1.2, description: transition swoosh, chapter: \"  Outro  \"}
";

#[test]
fn mp3_chapters_follow_the_timeline() {
    let dir = Dir(tempfile::tempdir().unwrap());
    fs::write(dir.path("s.yaml"), CHAPTERED).unwrap();
    dir.render(&["-o", "out.mp3", "--report", "out.json"]);
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path("out.json")).unwrap()).unwrap();
    let start = |row: u64| {
        let r = rows(&report).iter().find(|r| r["index"] == row).unwrap();
        f(&r["start_s"])
    };
    let duration_s = f(&report["duration_s"]);
    let expected = [
        ("Opening – Café", start(1), start(3)),
        ("Knock knock", start(3), start(6)),
        ("Outro", start(6), duration_s),
    ];
    assert_eq!(start(1), 0.0, "the bed starts with the first speech row");

    // The report lists them as the timeline places them.
    let listed = report["chapters"].as_array().unwrap();
    assert_eq!(listed.len(), 3, "{report:#}");
    for (c, (title, from, to)) in listed.iter().zip(expected) {
        assert_eq!(c["title"], title);
        assert_eq!((f(&c["start_s"]), f(&c["end_s"])), (from, to));
    }

    // ffprobe reads the CHAP frames of the MP3 and the Vorbis-comment chapters of the Opus
    // file (CHAPTER001=00:00:00.000, CHAPTER001NAME=...), with their titles, to the
    // millisecond.
    dir.render(&["-o", "out.opus"]);
    for name in ["out.mp3", "out.opus"] {
        let info = ffprobe(&dir.path(name));
        // ffmpeg counts an Opus stream's pre-skip (OpusHead bytes 10-11, after the 28-byte
        // page header) in its duration, which ends the last chapter: as it does for files
        // that ffmpeg's own libopus encoder writes. It decodes to the exact length.
        let bytes = fs::read(dir.path(name)).unwrap();
        let pre_skip_s = match name.ends_with(".opus") {
            true => f64::from(u16::from_le_bytes([bytes[38], bytes[39]])) / 48_000.0,
            false => 0.0,
        };
        assert_eq!(
            tag(&info, "title"),
            "Chapters: Café – Über",
            "{name}: {info:#}"
        );
        let chapters = info["chapters"].as_array().unwrap();
        assert_eq!(chapters.len(), 3, "{name}: {info:#}");
        for (c, (title, from, to)) in chapters.iter().zip(expected) {
            assert_eq!(c["tags"]["title"], title, "{name}: {c}");
            let time = |k: &str| c[k].as_str().unwrap().parse::<f64>().unwrap();
            assert!(
                (time("start_time") - from).abs() <= 0.001,
                "{name}: {c} vs {from}"
            );
            let to = if to == duration_s {
                to + pre_skip_s
            } else {
                to
            };
            assert!(
                (time("end_time") - to).abs() <= 0.001,
                "{name}: {c} vs {to}"
            );
        }
    }
}

/// A tag (any case) wherever the container keeps it: the format's tags for MP3, the
/// stream's (its Vorbis comments) for Ogg.
fn tag<'a>(info: &'a Value, key: &str) -> &'a str {
    let find = |tags: &'a Value| {
        tags.as_object()
            .and_then(|t| t.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)))
            .and_then(|(_, v)| v.as_str())
    };
    find(&info["format"]["tags"])
        .or_else(|| find(&info["streams"][0]["tags"]))
        .unwrap_or_else(|| panic!("no {key} tag: {info:#}"))
}

#[test]
fn bad_chapters_and_bitrates_are_input_errors() {
    let dir = Dir(tempfile::tempdir().unwrap());
    let bad = "rows:
  - {type: music, id: bed, action: begin, description: pad}
  - {type: speech, character: A, text: Hi., chapter: [One, Two]}
  - {type: music, id: bed, action: end, chapter: End}
";
    fs::write(dir.path("bad.yaml"), bad).unwrap();
    let o = dir.onair(&["validate", "bad.yaml"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("row 2, field `chapter`, line 3, column 54: expected a chapter title (text), found a list"),
        "{err}"
    );
    assert!(
        err.contains("row 3, field `chapter`, line 4, column 41: an `end` row has no place"),
        "{err}"
    );

    // --bitrate is for MP3 (128 or 192) and Opus (6 to 510); refused before any rendering.
    fs::write(dir.path("s.yaml"), SCRIPT).unwrap();
    for (args, says) in [
        (
            &["-o", "out.flac", "--bitrate", "128"][..],
            "--bitrate applies to MP3 and Opus output only, and out.flac is written as FLAC",
        ),
        (
            &["-o", "out.wav", "--bitrate", "192"][..],
            "out.wav is written as WAV",
        ),
        (
            &["-o", "out.mp3", "--bitrate", "160"][..],
            "out.mp3: MP3 is written at --bitrate 128 or 192 (kbps, constant; default 192), not 160",
        ),
        (
            &["-o", "out.opus", "--bitrate", "5"][..],
            "out.opus: Opus is written at --bitrate 6 to 510 (kbps; default 96), not 5",
        ),
        (
            &["-o", "out.opus", "--bitrate", "96k"][..],
            "invalid value '96k' for '--bitrate <KBPS>'",
        ),
    ] {
        let o = dir.onair(&[&["render", "s.yaml", "--no-cache"][..], args].concat());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("generated"), "{args:?} rendered: {err}");
    }
    let left: Vec<_> = fs::read_dir(dir.0.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 2, "files were written: {left:?}");
}

#[test]
fn opus_decodes_with_ffmpeg_to_the_length_of_the_wav() {
    let (dir, _) = rendered();
    let wav = ffmpeg_decode(&dir.path("out.wav"));
    let frames = wav.len() / 2;
    for (name, args, kbps) in [
        ("out.opus", &[][..], 96),
        ("O48.OPUS", &["--bitrate", "48"][..], 48),
    ] {
        dir.render(&[&["-o", name][..], args].concat());
        let path = dir.path(name);
        let bytes = fs::read(&path).unwrap();
        assert_eq!(&bytes[..4], b"OggS", "{name} is not Ogg");
        assert_eq!(&bytes[28..36], b"OpusHead", "{name}: no OpusHead first");
        let info = ffprobe(&path);
        let stream = &info["streams"][0];
        assert_eq!(info["format"]["format_name"], "ogg", "{name}: {info:#}");
        assert_eq!(stream["codec_name"], "opus", "{name}: {info:#}");
        assert_eq!(stream["sample_rate"], "48000");
        assert_eq!(stream["channels"], 2);
        assert_eq!(tag(&info, "title"), "Exports", "{name}: {info:#}");
        let encoder = tag(&info, "encoder");
        assert!(
            encoder.starts_with("onair ") && encoder.contains(&format!("({kbps} kbps VBR)")),
            "{name}: {info:#}"
        );
        assert_eq!(info["chapters"].as_array().map(Vec::len), Some(0));
        // Variable bitrate, about the rate asked for over the whole file.
        let seconds = frames as f64 / 48_000.0;
        let actual_kbps = bytes.len() as f64 * 8.0 / seconds / 1000.0;
        assert!(
            (actual_kbps - f64::from(kbps)).abs() < 0.25 * f64::from(kbps),
            "{name}: {actual_kbps:.1} kbps, asked for {kbps}"
        );

        // The OpusHead pre-skip drops the encoder's delay and the last page's granule
        // position trims the padding of the last packet: ffmpeg decodes exactly the WAV's
        // length, in step with it.
        let opus = ffmpeg_decode(&path);
        assert_eq!(opus.len() / 2, frames, "{name}: length in frames");
        // Opus keeps how a sound is heard, not its waveform, so the error is large (measured:
        // 11.9 dB at 96 kbps, 8.7 dB at 48, as ffmpeg's own libopus encoding has it), and
        // alignment shows in the correlation rather than in the error: best unshifted at
        // 96 kbps; at 48, libopus's speech layer comes out a few samples early (ffmpeg's
        // libopus encoding of the same WAV too): 2 with Piper's voice on both lines, 4 since
        // one line is hibari's. An error of the pre-skip would be hundreds.
        let aligned = snr_db(&wav, &opus, 0);
        assert!(aligned > 6.0, "{name}: {aligned:.1} dB");
        let lag = best_lag(&wav, &opus);
        let in_step = if kbps == 96 { 0..=0 } else { -5..=0 };
        assert!(in_step.contains(&lag), "{name}: {lag} samples off the WAV");
    }
}

/// The shift, in frames (-8 to 8), at which `decoded` correlates best with `reference`
/// (interleaved stereo).
fn best_lag(reference: &[f32], decoded: &[f32]) -> isize {
    let frames = reference.len().min(decoded.len()) / 2;
    (-8isize..=8)
        .map(|lag| {
            let sum: f64 = (8..frames - 8)
                .map(|i| {
                    let j = (i as isize + lag) as usize;
                    f64::from(reference[2 * i]) * f64::from(decoded[2 * j])
                        + f64::from(reference[2 * i + 1]) * f64::from(decoded[2 * j + 1])
                })
                .sum();
            (lag, sum)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap()
        .0
}

#[test]
fn an_opus_file_of_a_44_1_khz_master_is_resampled_to_48_khz() {
    let dir = Dir(tempfile::tempdir().unwrap());
    fs::write(
        dir.path("s.yaml"),
        format!(
            "sample_rate: 44100\n{}",
            SCRIPT.trim_start_matches("title: Exports\n")
        ),
    )
    .unwrap();
    dir.render(&["-o", "out.wav"]);
    dir.render(&["-o", "out.opus"]);
    let wav = read_wav(&dir.path("out.wav")).unwrap();
    assert_eq!(wav.sample_rate_hz, 44_100);
    let info = ffprobe(&dir.path("out.opus"));
    assert_eq!(info["streams"][0]["sample_rate"], "48000", "{info:#}");
    let opus = ffmpeg_decode(&dir.path("out.opus"));
    let expected = (wav.frames() as f64 * 48_000.0 / 44_100.0).round() as usize;
    assert_eq!(opus.len() / 2, expected, "length in 48 kHz frames");
    // The same sound, in step with the WAV resampled by onair.
    let reference = onair::audio::resample::resample(&wav, 48_000).unwrap();
    let reference: Vec<f32> = (0..reference.frames())
        .flat_map(|i| [reference.channels[0][i], reference.channels[1][i]])
        .collect();
    let aligned = snr_db(&reference, &opus, 0);
    assert!(aligned > 6.0, "{aligned:.1} dB");
    assert_eq!(best_lag(&reference, &opus), 0, "not in step with the WAV");
}

#[test]
fn outputs_onair_does_not_encode_are_refused_before_any_work() {
    let dir = Dir(tempfile::tempdir().unwrap());
    fs::write(dir.path("s.yaml"), SCRIPT).unwrap();
    for (name, what) in [
        ("x.ogg", "not .ogg"),
        ("x.aac", "not .aac"),
        ("X.OGG", "not .OGG"),
        ("noext", "not a name without an extension"),
        ("dir.mp3/x", "not a name without an extension"),
    ] {
        let o = dir.onair(&["render", "s.yaml", "-o", name]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&format!(
                "{name}: onair writes .wav, .flac, .mp3 or .opus files (any case), {what}; "
            )),
            "{name}: {err}"
        );
        assert!(!err.contains("generated"), "{name} rendered: {err}");
        assert!(!dir.path(name).exists(), "{name} was written");
    }
    // A brief is not even planned.
    let o = dir.onair(&["render", "--brief", "a short news segment", "-o", "b.ogg"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("b.ogg: onair writes"), "{err}");
    let left: Vec<_> = fs::read_dir(dir.0.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["s.yaml"], "files were written (the cache, a plan?)");
}
