#!/usr/bin/env python3
"""Reference side of scripts/parity-piper: runs a Piper voice with onnxruntime on the same
phoneme-id sequences onair spoke, and compares the two waveforms.

usage: piper_reference.py VOICE.onnx IDS_FILE ONAIR_DIR ONAIR_LOG [ONAIR_LOG ...]

ONAIR_DIR holds N.wav (32-bit float) from examples/piper_ids.rs, ONAIR_LOG its stdout
(`N samples=… seconds=… infer_s=…`). With several logs (repeated runs), each side's time
per sequence is the best of as many runs, which keeps a busy machine from skewing the
comparison. Prints one line per sequence and a summary; exits 1
when any sequence has correlation < 0.99 or lengths differing by more than 1 %.
"""
import re
import struct
import sys
import time

import numpy as np
import onnxruntime as ort

MIN_CORRELATION = 0.99
MAX_LENGTH_DIFF = 0.01


def read_float_wav(path):
    """Mono IEEE-float WAV → (samples, rate). Python's `wave` module reads only PCM."""
    data = open(path, "rb").read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    pos, rate, fmt, samples = 12, None, None, None
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if tag == b"fmt ":
            fmt, _channels, rate = struct.unpack("<HHI", body[:8])
            if fmt == 0xFFFE:  # WAVE_FORMAT_EXTENSIBLE: the real format opens the sub-GUID
                fmt = struct.unpack("<H", body[24:26])[0]
        elif tag == b"data":
            samples = np.frombuffer(body, dtype="<f4")
        pos += 8 + size + (size & 1)
    if fmt != 3 or samples is None:
        raise ValueError(f"{path}: expected 32-bit float samples")
    return samples.astype(np.float64), rate


def main():
    voice, ids_file, onair_dir, *onair_logs = sys.argv[1:]
    sequences = [
        [int(v) for v in re.split(r"[,\s]+", line.strip()) if v]
        for line in open(ids_file)
        if line.strip()
    ]
    onair_times = {}
    for log in onair_logs:
        for line in open(log):
            m = re.match(r"(\d+) samples=(\d+) seconds=([\d.]+) infer_s=([\d.]+)", line)
            if m:
                n, t = int(m.group(1)), float(m.group(4))
                onair_times[n] = min(t, onair_times.get(n, t))

    session = ort.InferenceSession(voice, providers=["CPUExecutionProvider"])
    scales = np.array([0.0, 1.0, 0.0], dtype=np.float32)

    def run(ids):
        inputs = {
            "input": np.array([ids], dtype=np.int64),
            "input_lengths": np.array([len(ids)], dtype=np.int64),
            "scales": scales,
        }
        return session.run(None, inputs)[0].reshape(-1).astype(np.float64)

    run(sequences[0])  # warm-up, as onair's timings exclude model loading too

    failed = False
    total_audio = total_ref = total_onair = 0.0
    print(f"{'seq':>3} {'phonemes':>8} {'ref_len':>8} {'onair_len':>9} {'len_ratio':>9} "
          f"{'corr':>7} {'max_diff':>8} {'ref_rtf':>8} {'onair_rtf':>9}")
    for n, ids in enumerate(sequences):
        ref_s = float("inf")
        for _ in onair_logs:
            t = time.perf_counter()
            ref = run(ids)
            ref_s = min(ref_s, time.perf_counter() - t)
        ours, rate = read_float_wav(f"{onair_dir}/{n}.wav")
        common = min(len(ref), len(ours))
        a, b = ref[:common], ours[:common]
        corr = float(np.corrcoef(a, b)[0, 1]) if common > 1 else 0.0
        ratio = len(ours) / max(len(ref), 1)
        audio_s = len(ref) / rate
        onair_s = onair_times.get(n, float("nan"))
        total_audio += audio_s
        total_ref += ref_s
        total_onair += onair_s
        ok = corr >= MIN_CORRELATION and abs(ratio - 1.0) <= MAX_LENGTH_DIFF
        failed |= not ok
        print(f"{n:>3} {len(ids):>8} {len(ref):>8} {len(ours):>9} {ratio:>9.4f} {corr:>7.4f} {np.abs(a - b).max():>8.5f} "
              f"{audio_s / ref_s:>7.1f}x {audio_s / onair_s:>8.1f}x{'' if ok else '  FAIL'}")
    print(f"total: {total_audio:.2f} s of audio; onnxruntime {total_ref:.2f} s "
          f"({total_audio / total_ref:.1f}x real time), onair {total_onair:.2f} s "
          f"({total_audio / total_onair:.1f}x real time)")
    if failed:
        print(f"parity-piper: FAILED (need correlation >= {MIN_CORRELATION} and lengths "
              f"within {MAX_LENGTH_DIFF:.0%})")
        sys.exit(1)
    print("parity-piper: ok")


if __name__ == "__main__":
    main()
