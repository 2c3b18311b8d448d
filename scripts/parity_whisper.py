"""onair check against faster-whisper on the same clips; see scripts/parity-whisper."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import wave

from faster_whisper import WhisperModel


def words(text):
    return " ".join(re.sub(r"[^0-9a-z']+", " ", text.lower()).replace("'", "").split())


def say(onair, text, out, voice_args, env):
    subprocess.run([onair, "say", text, "-o", out, *voice_args], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def duration_s(path):
    with wave.open(path) as w:
        return w.getnframes() / w.getframerate()


def onair_check(onair, path, env):
    p = subprocess.run([onair, "check", path], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"parity-whisper: onair check {path} failed: {p.stderr}")
    m = re.search(r"transcribed in ([0-9.]+) s", p.stderr)
    return p.stdout.strip(), float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onair", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--sentences", required=True)
    ap.add_argument("--json")
    ap.add_argument("--keep", help="write the clips here and keep them")
    args = ap.parse_args()

    sentences = [l.strip() for l in open(args.sentences) if l.strip()]
    tmp = args.keep or tempfile.mkdtemp(prefix="parity-whisper-")
    os.makedirs(tmp, exist_ok=True)
    env = dict(os.environ, ONAIR_CACHE=os.path.join(tmp, "cache"),
               ONAIR_MODELS=os.path.abspath(os.path.dirname(args.model_dir)))
    clips = []
    for i, s in enumerate(sentences):
        voice = ["--engine", "hibari"] if i % 3 == 2 else []
        path = os.path.join(tmp, f"{i + 1:02}.wav")
        say(args.onair, s, path, voice, env)
        clips.append((path, s))
    # Longer than one 30 s window: every sentence in one clip.
    long_path = os.path.join(tmp, "long.wav")
    say(args.onair, " ".join(sentences), long_path, [], env)
    clips.append((long_path, " ".join(sentences)))
    # Silence: 5 s of zeros, 16-bit 44.1 kHz stereo.
    silence = os.path.join(tmp, "silence.wav")
    with wave.open(silence, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(b"\0" * 4 * 44100 * 5)
    clips.append((silence, ""))

    model = WhisperModel(args.model_dir, device="cpu", compute_type="float32")
    rows = []
    for path, said in clips:
        audio_s = duration_s(path)
        ours, ours_s = onair_check(args.onair, path, env)
        t0 = time.perf_counter()
        segments, _ = model.transcribe(path, language="en", beam_size=1, best_of=1,
                                       temperature=0.0, without_timestamps=True,
                                       condition_on_previous_text=False, vad_filter=False)
        theirs = " ".join(s.text.strip() for s in segments)
        theirs_s = time.perf_counter() - t0
        row = {
            "clip": os.path.basename(path), "audio_s": round(audio_s, 2),
            "said": said, "onair": ours, "faster_whisper": theirs,
            # Silence is judged on its own: onair must hear nothing (faster-whisper, with
            # no VAD, may imagine a word there; that is reported, not counted against onair).
            "same": words(ours) == words(theirs) if said else ours == "",
            "onair_rtf": round(audio_s / ours_s, 2),
            "faster_whisper_rtf": round(audio_s / theirs_s, 2),
        }
        rows.append(row)
        mark = "same" if row["same"] else "DIFF"
        print(f"{row['clip']:12} {audio_s:6.1f} s  onair {row['onair_rtf']:6.1f}x  "
              f"faster-whisper {row['faster_whisper_rtf']:6.1f}x  {mark}", flush=True)
        if not row["same"] or words(ours) != words(theirs):
            print(f"    onair:          {ours}\n    faster-whisper: {theirs}", flush=True)
    same = sum(r["same"] for r in rows)
    total_audio = sum(r["audio_s"] for r in rows)
    ours_total = sum(r["audio_s"] / r["onair_rtf"] for r in rows)
    theirs_total = sum(r["audio_s"] / r["faster_whisper_rtf"] for r in rows)
    summary = {
        "clips": len(rows), "same_text": same, "same_ratio": same / len(rows),
        "audio_s": round(total_audio, 1),
        "onair_rtf": round(total_audio / ours_total, 2),
        "faster_whisper_rtf": round(total_audio / theirs_total, 2),
    }
    print(f"same text on {same}/{len(rows)} clips; {total_audio:.1f} s of audio: onair "
          f"{summary['onair_rtf']}x real time, faster-whisper {summary['faster_whisper_rtf']}x "
          f"(float32, greedy, one run, both on every core)")
    if args.json:
        json.dump({"summary": summary, "clips": rows}, open(args.json, "w"), indent=1)
    sys.exit(0 if summary["same_ratio"] >= 0.95 else 1)


if __name__ == "__main__":
    main()
