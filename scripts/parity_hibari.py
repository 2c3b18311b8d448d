"""onair's hibari (candle) against hibari-tts 0.2.1 on onnxruntime, on the same phoneme ids.

Run through scripts/parity-hibari, which prepares the Python environment, the reference wheel
and the example binary. The reference's own front end turns the sentences below into phonemes
(so both sides get exactly the same ids); each side then runs its networks and its vocoder.
For parity the vocoder's noise part, the only random one, is silenced on both sides; for speed
each side runs in full, one thread each, best of three.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

SENTENCES = [
    "Hello.",
    "The night train to Edinburgh leaves from platform four.",
    "Would you like your coffee black, or with a little milk?",
    "Seventeen volunteers repaired the footbridge in under a week.",
    "She opened the letter slowly, afraid of what it might say.",
    "At 6:45 this morning, the temperature had already reached thirty-one degrees.",
    "My grandmother kept bees behind the orchard, and every August we helped her take the honey.",
    "Quiet, please! The recording starts in three, two, one.",
    "Photosynthesis turns light, water and carbon dioxide into sugar and oxygen.",
    "He never found out who left the umbrella on his doorstep, but he kept it for twenty years, "
    "through four house moves and one very stormy wedding.",
]

BINS = 601


def correlation(a, b):
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    a = a - a.mean()
    b = b - b.mean()
    d = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / d) if d > 0 else float("nan")


def read_float_wav(path):
    # hound writes WAVE_FORMAT_IEEE_FLOAT, which Python's wave module refuses: read the data chunk.
    data = open(path, "rb").read()
    pos = 12
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if tag == b"data":
            return np.frombuffer(data[pos + 8:pos + 8 + size], "<f4")
        pos += 8 + size + (size & 1)
    raise ValueError(f"{path}: no data chunk")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True, help="unpacked hibari-tts wheel")
    ap.add_argument("--onair", required=True, help="the hibari_phonemes example binary")
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()

    sys.path.insert(0, args.reference)
    from hibari import dsp
    from hibari.tts import Hibari

    tts = Hibari(model=os.path.join(args.model_dir, "hibari.onnx"), threads=1)
    chunks = [c for s in SENTENCES for c in tts.phonemize(s)]
    tmp = tempfile.mkdtemp(prefix="parity-hibari-")
    with open(os.path.join(tmp, "phonemes.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(chunks) + "\n")

    # The reference: networks and vocoder timed apart (best of --repeat), then a silent-noise
    # rendering for the comparison.
    ref = []
    for ps in chunks:
        ids = tts.ids(ps)
        feed = {"ids": np.asarray([ids], np.int64), "speed": np.asarray([1.0], np.float32)}
        tts.sess.run(None, feed)  # warm up
        net_s = voc_s = float("inf")
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = tts.sess.run(None, feed)
            net_s = min(net_s, time.perf_counter() - t)
            lh, th, ln, lr, phi, f0 = (o[0] for o in out)
            t = time.perf_counter()
            dsp.synth(lh, th, ln, lr, phi, f0, np.random.default_rng(0))
            voc_s = min(voc_s, time.perf_counter() - t)
        quiet = np.full_like(ln, -30.0)
        wav = dsp.synth(lh, th, quiet, lr, phi, f0, np.random.default_rng(0))
        ref.append(dict(ids=len(ids), frames=lh.shape[1], net_s=net_s, voc_s=voc_s, wav=wav,
                        stages=dict(f0=f0, lh=lh, theta=th, ln=ln, lr=lr, phi=phi)))

    # onair, one thread, the same phonemes.
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    out_dir = os.path.join(tmp, "onair")
    run = subprocess.run([args.onair, args.model_dir, os.path.join(tmp, "phonemes.txt"), out_dir,
                          "--no-noise", "--frames", "--repeat", str(args.repeat + 1)],
                         env=env, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"parity-hibari: onair failed:\n{run.stderr}")
    timings = {}
    for line in run.stdout.splitlines():
        n, *fields = line.split()
        timings[int(n)] = {k: float(v) for k, v in (f.split("=") for f in fields)}

    rows, worst, failures = [], 1.0, []
    totals = dict(audio=0.0, ref_net=0.0, ref_voc=0.0, onair_net=0.0, onair_voc=0.0)
    for i, r in enumerate(ref):
        t = timings[i]
        frames = int(t["frames"])
        raw = np.fromfile(os.path.join(out_dir, f"{i}.frames"), "<f4")
        ours = {"f0": raw[:frames]}
        for k, name in enumerate(["lh", "theta", "ln", "lr", "phi"]):
            part = raw[frames + k * frames * BINS: frames + (k + 1) * frames * BINS]
            ours[name] = part.reshape(frames, BINS).T
        wav = read_float_wav(os.path.join(out_dir, f"{i}.wav"))
        row = dict(sentence=i, ids=r["ids"], frames_ref=r["frames"], frames_onair=frames,
                   seconds=len(r["wav"]) / dsp.SR)
        if frames == r["frames"]:
            for name, want in r["stages"].items():
                row[f"corr_{name}"] = round(correlation(ours[name], want), 5)
            row["corr_wave"] = round(correlation(wav, r["wav"]), 5)
            # The vocoder alone: the reference's dsp.py on onair's frames against onair's.
            quiet = np.full_like(ours["ln"], -30.0)
            theirs = dsp.synth(ours["lh"], ours["theta"], quiet, ours["lr"], ours["phi"],
                               ours["f0"], np.random.default_rng(0))
            row["corr_vocoder"] = round(correlation(wav, theirs), 5)
            # The networks with the reference's f0 track: the harmonics' phase is the running
            # sum of f0, so a tiny f0 difference drifts the phase over a sentence.
            same_f0 = dsp.synth(ours["lh"], ours["theta"], quiet, ours["lr"], ours["phi"],
                                r["stages"]["f0"], np.random.default_rng(0))
            row["corr_wave_same_f0"] = round(correlation(same_f0, r["wav"]), 5)
            f0_ref = np.asarray(r["stages"]["f0"], np.float64)
            drift = np.cumsum((ours["f0"] - f0_ref) * (f0_ref > 40)) * dsp.HOP / dsp.SR
            row["phase_drift_cycles"] = round(float(np.max(np.abs(drift))), 3)
            for name, value in (("vocoder", row["corr_vocoder"]),
                                ("waveform with the reference's f0", row["corr_wave_same_f0"])):
                if value < 0.99:
                    failures.append(f"sentence {i}: {name} correlation {value:.4f} < 0.99")
            for name in r["stages"]:
                if row[f"corr_{name}"] < 0.99:
                    failures.append(f"sentence {i}: {name} correlation {row[f'corr_{name}']:.4f} < 0.99")
        else:
            n = min(len(wav), len(r["wav"]))
            row["corr_wave"] = round(correlation(wav[:n], r["wav"][:n]), 5)
            failures.append(f"sentence {i}: {frames} frames, reference {r['frames']}")
        worst = min(worst, row["corr_wave"])
        row.update(ref_net_s=r["net_s"], ref_voc_s=r["voc_s"], onair_net_s=t["net_s"],
                   onair_voc_s=t["vocoder_s"])
        totals["audio"] += row["seconds"]
        totals["ref_net"] += r["net_s"]
        totals["ref_voc"] += r["voc_s"]
        totals["onair_net"] += t["net_s"]
        totals["onair_voc"] += t["vocoder_s"]
        rows.append(row)

    stage_names = ["f0", "lh", "theta", "ln", "lr", "phi", "vocoder", "wave_same_f0", "wave"]
    print("Correlations with the reference, per stage: the networks' six outputs; onair's vocoder "
          "against dsp.py on the same frames;\nthe waveform with the reference's f0 track; the "
          "waveform; the largest phase drift (cycles) that the f0 difference adds up to.")
    print(f"{'#':>2} {'ids':>4} {'frames':>9} " + " ".join(f"{s[:8]:>8}" for s in stage_names)
          + f" {'drift':>6} {'ort x rt':>9} {'onair x rt':>10}")
    for row in rows:
        cells = " ".join(f"{row.get('corr_' + s, float('nan')):8.4f}" for s in stage_names)
        cells += f" {row.get('phase_drift_cycles', float('nan')):6.2f}"
        ref_x = row["seconds"] / (row["ref_net_s"] + row["ref_voc_s"])
        our_x = row["seconds"] / (row["onair_net_s"] + row["onair_voc_s"])
        print(f"{row['sentence']:>2} {row['ids']:>4} {row['frames_onair']:>4}/{row['frames_ref']:<4} "
              f"{cells} {ref_x:9.1f} {our_x:10.1f}")
    ref_x = totals["audio"] / (totals["ref_net"] + totals["ref_voc"])
    our_x = totals["audio"] / (totals["onair_net"] + totals["onair_voc"])
    print(f"\n{len(rows)} pieces, {totals['audio']:.1f} s of speech; worst waveform correlation "
          f"{worst:.4f} (noise silenced on both sides). The waveform's correlation is not a goal: "
          "the harmonics' phase\nis the running sum of f0, and f0 differences of a few 1e-4 "
          "(int8 rounding of activations near a step) add up over a sentence.")
    print(f"one thread each, best of {args.repeat}: onnxruntime + dsp.py {ref_x:.1f}x real time "
          f"(networks {totals['ref_net']:.3f} s, vocoder {totals['ref_voc']:.3f} s); onair "
          f"{our_x:.1f}x (networks {totals['onair_net']:.3f} s, vocoder {totals['onair_voc']:.3f} s); "
          f"onair/onnxruntime speed {our_x / ref_x:.2f}")
    if our_x < ref_x:
        failures.append(f"onair is slower than onnxruntime: {our_x:.1f}x against {ref_x:.1f}x real time")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(rows=rows, totals=totals, onair_x_realtime=our_x,
                           onnxruntime_x_realtime=ref_x, worst_wave_correlation=worst,
                           failures=failures), f, indent=1)
    for line in failures:
        print(f"parity-hibari: {line}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
