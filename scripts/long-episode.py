#!/usr/bin/env python3
"""Writes examples/long-episode.yaml: a one-hour, two-host episode in twelve chapters, the
script that scripts/bench renders to measure memory on long episodes. Deterministic: the
same file every time. Run it again after changing it: python3 scripts/long-episode.py.
With --chapters and --rows-per-chapter it writes shorter scripts of the same kind
(scripts/bench makes its 60-row script this way)."""
import argparse
import pathlib
import random

# Body rows per chapter: twelve chapters of these make about an hour.
ROWS_PER_CHAPTER = 41

TOPICS = [
    ("the first radio stations", "a garage transmitter", "amateur operators"),
    ("the microphone", "a carbon button", "studio engineers"),
    ("radio drama", "a coconut shell", "sound effect artists"),
    ("the news bulletin", "a teleprinter", "night editors"),
    ("the jingle", "a three-note motif", "advertising agencies"),
    ("magnetic tape", "a razor blade", "editors"),
    ("the transistor", "a pocket receiver", "teenagers"),
    ("talk radio", "a telephone line", "callers"),
    ("the podcast", "a laptop", "independent producers"),
    ("loudness", "a meter", "mastering engineers"),
    ("field recording", "a windshield", "reporters"),
    ("the future of audio", "a synthetic voice", "listeners"),
]

OPENERS = [
    "Let's talk about {topic}.",
    "Our next story is about {topic}.",
    "Here is a question I get a lot about {topic}.",
    "Stay with us, because {topic} is stranger than it sounds.",
]
LINES = [
    "It began with {thing}, and almost nobody noticed at first.",
    "The people who cared most were {people}, and they wrote everything down.",
    "What surprised me was how quickly {people} made {thing} their own.",
    "You could hear the difference within a year, if you knew where to listen.",
    "The old guard said {topic} was a passing fashion.",
    "Within a decade, {topic} was the thing everyone measured themselves against.",
    "There is a letter from one of the {people} that says it best.",
    "She wrote that {thing} changed the way her whole street spent its evenings.",
    "And the price kept falling, which mattered more than any invention.",
    "I went to the archive to hear the oldest recording that survives.",
    "It crackles, it hisses, and then a voice comes through, clear as anything.",
    "Nobody planned it this way; it grew out of a hundred small decisions.",
    "The rules came later, usually after something went badly wrong.",
    "If you ask the {people} today, they will tell you it was luck.",
    "I think it was patience, and a stubborn love of the sound itself.",
    "The numbers are remarkable when you put them side by side.",
    "Here is the part that textbooks usually leave out.",
    "The first attempt failed, loudly, in front of an audience.",
    "The second attempt worked, and nobody wrote about it at all.",
    "That quiet success is the real story of {topic}.",
]
REPLIES = [
    "That's wonderful. Tell me more about {thing}.",
    "Wait, so the {people} were doing this on their own time?",
    "I had no idea. How did anyone afford it?",
    "So what changed, in the end?",
    "I love that detail about {thing}.",
    "Was there any pushback from the {people}?",
    "That sounds like chapter {n} all over again.",
    "And this is where it gets interesting, right?",
]
AMBIENCES = [
    "quiet office ambience", "light rain on a window", "distant city traffic",
    "cafe chatter", "wind in trees", "night crickets",
]
BEDS = [
    "calm lo-fi hip hop bed at 85 bpm", "gentle ambient pads", "soft jazz lounge bed",
    "light acoustic guitar bed", "warm piano bed", "slow corporate bed",
]


def q(text):
    """A YAML double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    global ROWS_PER_CHAPTER
    args = argparse.ArgumentParser(description=__doc__)
    args.add_argument("--chapters", type=int, default=len(TOPICS))
    args.add_argument("--rows-per-chapter", type=int, default=ROWS_PER_CHAPTER)
    args.add_argument("--out", help="default: examples/long-episode.yaml")
    args = args.parse_args()
    ROWS_PER_CHAPTER = args.rows_per_chapter
    rng = random.Random(60)
    out = [
        "# yaml-language-server: $schema=../schemas/script.schema.json",
        "# Written by scripts/long-episode.py: a one-hour episode in twelve chapters, for the",
        "# memory benchmark in scripts/bench (render it with /usr/bin/time -v to see peak RSS).",
        "title: Signal and Noise, a history of audio in twelve chapters",
        "loudness: -16",
        "seed: 60",
        "voices:",
        "  Ada: { voice: en_US-hibari-heart, speed: 1.05 }",
        "  Ben: { voice: en_US-joe-medium, pitch: -3 }",
        "rows:",
    ]

    def row(**fields):
        parts = []
        for k, v in fields.items():
            parts.append(f"{k}: {q(v) if isinstance(v, str) and k in ('description',) else v}")
        out.append("  - { " + ", ".join(parts) + " }")

    for n, (topic, thing, people) in enumerate(TOPICS[: args.chapters], start=1):
        row(type="music", volume=-22, duration=5, description=f"short bright sting, chapter {n}",
            chapter=q(f"{n}. {topic[0].upper()}{topic[1:]}"))
        row(type="music", id="bed", action="begin", volume=-34, description=BEDS[n % len(BEDS)])
        row(type="sfx", id="room", action="begin", volume=-40, description=AMBIENCES[n % len(AMBIENCES)])
        words = dict(topic=topic, thing=thing, people=people, n=n)
        row(type="speech", character="Ada",
            description=f"Chapter {n}. " + rng.choice(OPENERS).format(**words))
        lines = LINES[:]
        for k in range(ROWS_PER_CHAPTER):
            if k % 3 == 2:
                row(type="speech", character="Ben",
                    description=rng.choice(REPLIES).format(**words))
            else:
                # A year in every line keeps each row its own (and its own cache entry).
                rng.shuffle(lines)
                year = 1900 + 6 * n + k
                first, second = (l.format(**words) for l in lines[:2])
                if not first.startswith("I "):
                    first = first[0].lower() + first[1:]
                text = f"By {year}, {first} {second}"
                who = "Ada" if (k // 3) % 2 == 0 else "Ben"
                row(type="speech", character=who, description=text)
        row(type="speech", character="Ben",
            description=f"That's the end of chapter {n}, on {topic}. Stay with us.")
        row(type="sfx", id="room", action="end")
        row(type="music", id="bed", action="end")
    row(type="music", volume=-24, duration=8, description="warm outro theme")
    default = pathlib.Path(__file__).resolve().parent.parent / "examples" / "long-episode.yaml"
    path = pathlib.Path(args.out) if args.out else default
    path.write_text("\n".join(out) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
