"""Judges onair's casting the way listeners would: every character's lines transcribed by
Whisper (word error rate), rated by DNSMOS (P.808 MOS), their pitch measured (median f0 by
pyin) and their timbre (spectral centroid), for

- a four-person script, two women and two men, no voice names: four voices that must be
  told apart (pairwise f0 and centroid differences), and
- a twelve-person script, six women and six men: every casting variant of each gender's
  voice, against the unmodified voice (DNSMOS within 0.2 is the goal).

Run through scripts/voices-check, which prepares the Python environment and the binary.
The sentences below were written for this check; nothing is tuned on them.
"""

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

# Number words and word errors exactly as scripts/wer counts them.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wer import cardinal, word_errors  # noqa: E402

SENTENCES = [
    "Good evening, and welcome to the late edition of the harbour news.",
    "The ferry to the island was cancelled twice this week because of high winds.",
    "Our reporter spoke to fishermen who have worked these waters for forty years.",
    "The council will vote on the new bridge at its meeting next Thursday.",
    "Scientists at the university found a rare orchid growing beside the old quarry.",
    "Tickets for the summer concert go on sale tomorrow morning at nine.",
    "She said the library would stay open late during the exam weeks.",
    "Traffic on the coast road is slow after a lorry lost part of its load.",
    "The museum's new gallery shows paintings by local artists from the last century.",
    "Volunteers planted three hundred trees along the river on Saturday.",
    "Farmers expect a good harvest if the dry weather holds for another month.",
    "The lighthouse keeper's cottage has been turned into a small cafe.",
    "Children from the primary school raised money for a new playground.",
    "A storm warning is in place for the northern hills until midnight.",
    "The bakery on the high street celebrates its fiftieth birthday this year.",
    "That's all from us tonight; thank you for listening, and good night.",
]

WOMEN = ["Ana", "Cleo", "Eve", "Gia", "Ida", "Kim"]
MEN = ["Ben", "Dev", "Finn", "Hal", "Jon", "Leo"]


ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
           "nine": "ninth", "twelve": "twelfth"}
# Whisper writes American spellings; the sentences are British.
SPELLING = {"harbor": "harbour", "color": "colour", "neighbor": "neighbour", "theater": "theatre"}


def ordinal(n):
    words = cardinal(n).split()
    last = words[-1]
    if last in ORDINAL:
        words[-1] = ORDINAL[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def words(text):
    """Lowercase words, digits spelled out as the sentences spell them (a transcript writes
    "9" or "50th" for "nine" and "fiftieth"), punctuation removed."""
    text = text.lower()
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    text = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: ordinal(int(m.group(1))), text)
    text = re.sub(r"\b(\d+)\b", lambda m: cardinal(int(m.group(1))), text)
    text = text.replace("-", " ")
    text = re.sub(r"[^a-z' ]+", " ", text)
    return [SPELLING.get(w, w) for w in (w.strip("'") for w in text.split()) if w]


def read_wav(path):
    """Mono samples and rate of any WAV onair writes (16/24-bit, float, extensible)."""
    import soundfile
    x, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return x.mean(axis=1), rate


def trim(x, rate):
    """The stretch between the first and last sample above -50 dBFS (a row's stem is the
    whole timeline, silent outside the row)."""
    loud = np.flatnonzero(np.abs(x) > 10 ** (-50 / 20))
    if len(loud) == 0:
        return x[:0]
    pad = int(0.05 * rate)
    return x[max(0, loud[0] - pad): loud[-1] + pad]


def render(onair, yaml_text, work, name):
    """Renders a script with a stem per row; the report's rows, in row order."""
    path = os.path.join(work, f"{name}.yaml")
    with open(path, "w") as f:
        f.write(yaml_text)
    stems = os.path.join(work, f"{name}-rows")
    report = os.path.join(work, f"{name}.json")
    subprocess.run([onair, "render", path, "-o", os.path.join(work, f"{name}.wav"),
                    "--stems-rows", stems, "--report", report, "--no-cache", "--quiet"],
                   check=True)
    with open(report) as f:
        rows = json.load(f)["rows"]
    return stems, rows


def script(cast, lines_per_person, sentences, same_lines=False):
    """A script in which each person of `cast` ((name, gender)) says `lines_per_person`
    sentences in turn: different ones, or with `same_lines` the same ones (so that voices
    are compared on the same words: DNSMOS differs between sentences by as much as between
    variants)."""
    voices = "".join(f"  {n}: {{gender: {g}}}\n" for n, g in cast)
    rows, lines = [], []
    k = 0
    for turn in range(lines_per_person):
        for n, _ in cast:
            text = sentences[(turn if same_lines else k) % len(sentences)]
            rows.append(f"  - {{type: speech, character: {n}, text: {json.dumps(text)}}}\n")
            lines.append((n, text))
            k += 1
    yaml = "title: voices check\nseed: 5\nvoices:\n" + voices + "rows:\n" + "".join(rows)
    return yaml, lines


class Judges:
    def __init__(self, whisper_dir):
        from faster_whisper import WhisperModel
        from speechmos import dnsmos
        import librosa
        self.whisper = WhisperModel(whisper_dir, device="cpu", compute_type="int8")
        self.dnsmos = dnsmos
        self.librosa = librosa

    def judge(self, x, rate, text):
        lr = self.librosa
        x16 = lr.resample(x, orig_sr=rate, target_sr=16000) if rate != 16000 else x
        peak = float(np.max(np.abs(x16))) or 1.0
        x16 = (x16 / max(peak, 1.0)).astype(np.float32)
        segments, _ = self.whisper.transcribe(x16, language="en", beam_size=5)
        heard = " ".join(s.text for s in segments)
        ref, hyp = words(text), words(heard)
        mos = float(self.dnsmos.run(x16, sr=16000)["p808_mos"])
        f0, voiced, _ = lr.pyin(x16, fmin=60, fmax=400, sr=16000, frame_length=1024)
        f0 = f0[voiced & ~np.isnan(f0)]
        spec = np.abs(lr.stft(x16, n_fft=1024, hop_length=256)) ** 2
        freqs = lr.fft_frequencies(sr=16000, n_fft=1024)
        frame_energy = spec.sum(axis=0)
        keep = frame_energy > 1e-3 * frame_energy.max()
        centroid = float((freqs[:, None] * spec[:, keep]).sum() / spec[:, keep].sum())
        return {"errors": word_errors(ref, hyp), "words": len(ref), "heard": heard.strip(),
                "mos": mos, "f0_hz": float(np.median(f0)) if len(f0) else float("nan"),
                "centroid_hz": centroid}


def per_character(judges, stems, rows, lines, cast):
    out = {n: [] for n, _ in cast}
    sources = {}
    for r in rows:
        name, text = lines[r["index"] - 1]
        sources[name] = r["source"]
        x, rate = read_wav(os.path.join(stems, f"row-{r['index']:02d}-speech.wav"))
        out[name].append(judges.judge(trim(x, rate), rate, text))
    summary = {}
    for n, g in cast:
        js = out[n]
        errors, count = sum(j["errors"] for j in js), sum(j["words"] for j in js)
        summary[n] = {"gender": g, "voice": sources.get(n, ""), "wer": errors / max(count, 1),
                      "mos": float(np.mean([j["mos"] for j in js])),
                      "f0_hz": float(np.nanmedian([j["f0_hz"] for j in js])),
                      "centroid_hz": float(np.mean([j["centroid_hz"] for j in js])),
                      "misheard": [j["heard"] for j in js if j["errors"]]}
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--onair", default="target/release/onair")
    ap.add_argument("--whisper", required=True, help="folder of the CTranslate2 Whisper base model")
    ap.add_argument("--json", help="write all figures here")
    args = ap.parse_args()
    judges = Judges(args.whisper)
    results = {}
    failed = []
    with tempfile.TemporaryDirectory() as work:
        four = [("Ana", "female"), ("Ben", "male"), ("Cleo", "female"), ("Dev", "male")]
        yaml, lines = script(four, 4, SENTENCES)
        stems, rows = render(args.onair, yaml, work, "four")
        s4 = per_character(judges, stems, rows, lines, four)
        results["four"] = s4
        print("Four-person script (two women, two men, no voice names):")
        print(f"  {'who':<5} {'gender':<7} {'WER':>6} {'DNSMOS':>7} {'f0 Hz':>7} {'centroid':>9}  voice")
        for n, v in s4.items():
            print(f"  {n:<5} {v['gender']:<7} {100 * v['wer']:5.1f}% {v['mos']:7.2f} {v['f0_hz']:7.1f} "
                  f"{v['centroid_hz']:8.0f}  {v['voice']}")
            for m in v["misheard"]:
                print(f"        heard: {m}")
            if v["wer"] > 0.03:
                failed.append(f"{n}: WER {100 * v['wer']:.1f}% > 3%")
            if v["mos"] < 3.9:
                failed.append(f"{n}: DNSMOS {v['mos']:.2f} < 3.9")
            if v["gender"] == "female" and not v["f0_hz"] >= 165:
                failed.append(f"{n}: median f0 {v['f0_hz']:.0f} Hz < 165 Hz for a woman")
            if v["gender"] == "male" and not v["f0_hz"] <= 150:
                failed.append(f"{n}: median f0 {v['f0_hz']:.0f} Hz > 150 Hz for a man")
        print("  pairwise differences (median f0, spectral centroid):")
        pairs = {}
        for (a, va), (b, vb) in itertools.combinations(s4.items(), 2):
            df0 = 12 * np.log2(va["f0_hz"] / vb["f0_hz"])
            dc = va["centroid_hz"] - vb["centroid_hz"]
            pairs[f"{a}-{b}"] = {"f0_semitones": float(df0), "centroid_hz": float(dc)}
            print(f"    {a}-{b}: {df0:+5.1f} semitones, {dc:+6.0f} Hz")
        results["four_pairs"] = pairs

        twelve = [(n, "female") for n in WOMEN] + [(n, "male") for n in MEN]
        yaml, lines = script(twelve, 3, SENTENCES[:3], same_lines=True)
        stems, rows = render(args.onair, yaml, work, "twelve")
        s12 = per_character(judges, stems, rows, lines, twelve)
        results["variants"] = s12
        print("Casting variants (six women, six men, the same three sentences each; the first of each is the voice unmodified):")
        for group in (WOMEN, MEN):
            base = s12[group[0]]["mos"]
            for n in group:
                v = s12[n]
                drop = base - v["mos"]
                print(f"  {n:<5} {v['gender']:<7} DNSMOS {v['mos']:.2f} ({-drop:+.2f})  f0 {v['f0_hz']:6.1f} Hz"
                      f"  WER {100 * v['wer']:4.1f}%  {v['voice']}")
                if drop > 0.2:
                    failed.append(f"{n}: DNSMOS {drop:.2f} below the unmodified voice (> 0.2)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    if failed:
        print("voices-check: goals missed:\n  " + "\n  ".join(failed))
        return 1
    print("voices-check: all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
