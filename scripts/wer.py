"""Intelligibility judge: transcribe WAV files with pocketsphinx and score word error rate.

Run through scripts/wer, which prepares the Python environment. See scripts/wer --help.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import wave

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def cardinal(n):
    """Cardinal words, the same way onair's normaliser reads them (no "and")."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + cardinal(rest))
    for scale, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= scale:
            rest = n % scale
            return cardinal(n // scale) + " " + name + ("" if rest == 0 else " " + cardinal(rest))
    raise ValueError(n)


def normalize(text):
    """Lowercase words with digits, times and money spelled out and punctuation removed.

    Applied to both reference and transcript so they are compared on equal terms."""
    text = text.lower()

    def time(m):
        h, mm = int(m.group(1)), int(m.group(2))
        if mm == 0:
            return f"{cardinal(h)} o'clock"
        return f"{cardinal(h)} {'oh ' if mm < 10 else ''}{cardinal(mm)}"

    text = re.sub(r"\b(\d{1,2}):(\d{2})\b", time, text)
    text = re.sub(r"\$(\d+)\.(\d{2})\b",
                  lambda m: f"{cardinal(int(m.group(1)))} dollars {cardinal(int(m.group(2)))} cents",
                  text)
    text = re.sub(r"\$(\d+)", lambda m: f"{cardinal(int(m.group(1)))} dollars", text)
    text = re.sub(r"(\d+(?:\.\d+)?)%", r"\1 percent", text)
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)
    text = re.sub(r"\d+", lambda m: " " + cardinal(int(m.group(0))) + " ", text)
    text = text.replace("-", " ")
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return [w for w in words if w]


def word_errors(ref, hyp):
    """Levenshtein distance over words (substitutions + deletions + insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def to_16k_mono(src, dst):
    subprocess.run(["sox", "-q", "-G", src, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer",
                    dst], check=True)


def transcribe(decoder, path):
    with tempfile.TemporaryDirectory() as tmp:
        wav16 = os.path.join(tmp, "16k.wav")
        to_16k_mono(path, wav16)
        with wave.open(wav16, "rb") as w:
            pcm = w.readframes(w.getnframes())
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    hyp = decoder.hyp()
    return hyp.hypstr if hyp is not None else ""


def synth_espeak(text, out):
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", out, "--stdin"], input=text.encode(),
                   check=True)


class PiperReference:
    """The reference Piper runtime (piper-tts: its espeak-ng phonemizer + onnxruntime)."""

    def __init__(self, voice):
        from piper import PiperVoice
        from piper.config import SynthesisConfig
        self.voice = PiperVoice.load(voice)
        self.config = SynthesisConfig()

    def __call__(self, text, out):
        with wave.open(out, "wb") as w:
            self.voice.synthesize_wav(text, w, syn_config=self.config)


def synth_command(template):
    def run(text, out):
        cmd = template.replace("{out}", shlex.quote(out)).replace("{text}", shlex.quote(text))
        subprocess.run(cmd, shell=True, check=True)
    return run


def main():
    ap = argparse.ArgumentParser(prog="scripts/wer", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", help="directory of NN.wav files (01.wav is line 1); written to when "
                               "synthesising")
    ap.add_argument("--sentences", default="tests/data/wer_sentences.txt")
    ap.add_argument("--max-wer", type=float, default=0.15,
                    help="exit 1 when the total WER is above this (default 0.15)")
    ap.add_argument("--tts", choices=["espeak", "piper"],
                    help="synthesise the sentences first with a built-in engine")
    ap.add_argument("--voice", default="models/voices/en_US-joe-medium.onnx",
                    help="Piper voice for --tts piper")
    ap.add_argument("--synth", metavar="CMD",
                    help="synthesise with a shell command template containing {out} and {text}")
    ap.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    args = ap.parse_args()

    with open(args.sentences, encoding="utf-8") as f:
        sentences = [line.strip() for line in f if line.strip() and not line.startswith("#")]

    synth = None
    if args.tts == "espeak":
        synth = synth_espeak
    elif args.tts == "piper":
        synth = PiperReference(args.voice)
    elif args.synth:
        synth = synth_command(args.synth)
    if synth is not None:
        os.makedirs(args.dir, exist_ok=True)
        for k, text in enumerate(sentences, 1):
            synth(text, os.path.join(args.dir, f"{k:02d}.wav"))

    from pocketsphinx import Decoder
    decoder = Decoder(samprate=16000, logfn=os.devnull)

    total_errors = total_words = 0
    rows = []
    for k, text in enumerate(sentences, 1):
        path = os.path.join(args.dir, f"{k:02d}.wav")
        ref = normalize(text)
        if not os.path.exists(path):
            print(f"{k:02d}  missing {path}: counted as all words deleted")
            hyp = []
        else:
            hyp = normalize(transcribe(decoder, path))
        errors = word_errors(ref, hyp)
        total_errors += errors
        total_words += len(ref)
        rows.append({"index": k, "wer": errors / len(ref), "reference": " ".join(ref),
                     "transcript": " ".join(hyp)})
        print(f"{k:02d}  WER {errors / len(ref):6.1%}  ref: {' '.join(ref)}")
        print(f"{'':14}  hyp: {' '.join(hyp)}")
    wer = total_errors / max(total_words, 1)
    print(f"total WER {wer:.1%} ({total_errors} errors / {total_words} words, "
          f"{len(sentences)} sentences); threshold {args.max_wer:.1%}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"wer": wer, "errors": total_errors, "words": total_words,
                       "sentences": rows}, f, indent=2)
    return 0 if wer <= args.max_wer else 1


if __name__ == "__main__":
    sys.exit(main())
