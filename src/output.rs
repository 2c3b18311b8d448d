//! What a render writes besides the audio: the JSON report, chapters, subtitles, Audacity
//! labels, and the names of per-row stems. Times are those of the mixed window (all of the
//! timeline unless a window was asked for).

use serde::Serialize;

pub use crate::audio::Chapter;
use crate::generate::Sentence;
use crate::render::Rendered;
use crate::script::{Action, Row, RowType, Script};
use crate::text::{MAX_SENTENCE_CHARS, split_sentences};
use crate::timeline::Placement;

/// The render report, in the shape DESIGN.md gives.
#[derive(Debug, Serialize)]
pub struct Report {
    pub duration_s: f64,
    pub sample_rate: u32,
    pub channels: usize,
    pub loudness_lufs: f64,
    pub true_peak_dbtp: f64,
    pub render_ms: u64,
    pub rows: Vec<ReportRow>,
    /// The script's chapters (none when no row has `chapter:`).
    pub chapters: Vec<Chapter>,
    /// A partial render: the whole script's master gain it played at, and where it came
    /// from. Absent from full renders (mastered to the script's loudness).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master_gain: Option<ReportGain>,
}

#[derive(Debug, Serialize)]
pub struct ReportGain {
    pub gain_db: f64,
    /// `last full render`, `last full render, script changed since` or `estimate`.
    pub from: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ReportRow {
    pub index: usize,
    #[serde(rename = "type")]
    pub row_type: &'static str,
    pub layout: &'static str,
    pub id: Option<String>,
    pub start_s: f64,
    pub end_s: f64,
    pub engine: &'static str,
    pub source: String,
    /// Sound effects and music: false when the pick may not fit the words (the render
    /// warned), true otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confident: Option<bool>,
    /// The chooser's score for the pick.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// A packaged recording: its title, author and licence (CC-BY licences require the
    /// credit; `--credits` writes them all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<&'static str>,
    pub cached: bool,
    pub render_ms: u64,
}

/// The credits of the recordings that `rows` play, one line each, each sound once, in row
/// order: `"Horse" by dobroide (freesound.org), edited by Wuzzy. CC-BY-3.0. From the Debian
/// package openttd-opensfx.` Empty when no row plays a packaged recording.
pub fn credits<'a>(rows: impl IntoIterator<Item = &'a crate::render::RowResult>) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut out = String::new();
    for r in rows {
        let Some(c) = credit(r) else { continue };
        if !seen.insert(r.source.clone()) {
            continue;
        }
        out.push_str(&format!(
            "\"{}\" by {}. {}{}. From the Debian package {}.\n",
            c.title,
            c.author,
            c.licence.code(),
            if c.licence.needs_attribution() {
                ""
            } else {
                " (no attribution required)"
            },
            c.package
        ));
    }
    out
}

/// A row's recording credit, if it played a packaged recording.
fn credit(result: &crate::render::RowResult) -> Option<&crate::generate::sfx::collections::Credit> {
    result.choice.as_ref()?.credit.as_ref()
}

/// Rounds to the millisecond, so the report reads as a person would write it.
fn ms(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Rounds to a hundredth of a dB.
fn db(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Report {
    pub fn new(script: &Script, r: &Rendered) -> Report {
        let rows = r
            .placements()
            .into_iter()
            .filter_map(|p| {
                let row = script.row(p.row).expect("placed rows are in the script");
                let result = r.rows.get(&p.row)?;
                Some(ReportRow {
                    index: p.row,
                    row_type: row.row_type.as_str(),
                    layout: row.layout.as_str(),
                    id: row.id.clone(),
                    start_s: ms(p.start_s),
                    end_s: ms(p.end_s),
                    engine: result.engine,
                    source: result.source.clone(),
                    confident: result.choice.as_ref().map(|c| c.confident),
                    score: result
                        .choice
                        .as_ref()
                        .map(|c| (f64::from(c.score) * 1000.0).round() / 1000.0),
                    title: credit(result).map(|c| c.title.clone()),
                    author: credit(result).map(|c| c.author.clone()),
                    licence: credit(result).map(|c| c.licence.code()),
                    cached: result.cached,
                    render_ms: result.render_ms,
                })
            })
            .collect();
        Report {
            duration_s: ms(r.mix.duration_s()),
            sample_rate: r.mix.sample_rate_hz,
            channels: 2,
            loudness_lufs: db(r.mix.loudness_lufs),
            true_peak_dbtp: db(r.mix.true_peak_dbtp),
            render_ms: r.render_ms,
            rows,
            chapters: chapters(script, &r.placements(), r.mix.duration_s())
                .into_iter()
                .map(|c| Chapter {
                    start_s: ms(c.start_s),
                    end_s: ms(c.end_s),
                    ..c
                })
                .collect(),
            master_gain: r.master_gain.as_ref().map(|g| ReportGain {
                gain_db: db(g.gain_db),
                from: g.from.as_str(),
            }),
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the report serialises");
        s.push('\n');
        s
    }
}

/// A time as `m:ss.s`, or `h:mm:ss.s` from an hour on, for messages.
pub fn clock(t_s: f64) -> String {
    if !t_s.is_finite() {
        return format!("{t_s} s");
    }
    let tenths = (t_s.abs() * 10.0).round() as u64;
    let sign = if t_s < 0.0 { "-" } else { "" };
    let (h, m, s) = (tenths / 36_000, tenths / 600 % 60, tenths % 600);
    if h > 0 {
        format!("{sign}{h}:{m:02}:{:02}.{}", s / 10, s % 10)
    } else {
        format!("{sign}{m}:{:02}.{}", s / 10, s % 10)
    }
}

/// The chapters of a render: one per row with `chapter:`, from that row's start on the
/// timeline to the next chapter's start, the last one to the end of the track. Validation
/// keeps two chapters from starting together; should the timeline still place them so, the
/// later row's chapter is the one kept.
pub fn chapters(script: &Script, placements: &[Placement], duration_s: f64) -> Vec<Chapter> {
    let mut starts: Vec<(f64, &str)> = placements
        .iter()
        .filter_map(|p| {
            let title = script.row(p.row)?.chapter.as_deref()?;
            Some((p.start_s, title))
        })
        .collect();
    // Rows are placed in time order already; a stable sort keeps script order for ties.
    starts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<Chapter> = Vec::with_capacity(starts.len());
    for (i, (start_s, title)) in starts.iter().enumerate() {
        let end_s = starts
            .get(i + 1)
            .map_or(duration_s, |next| next.0)
            .max(*start_s);
        if end_s > *start_s || i + 1 == starts.len() {
            out.push(Chapter {
                title: (*title).to_owned(),
                start_s: *start_s,
                end_s,
            });
        }
    }
    out
}

/// Subtitle formats for speech rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subtitles {
    Srt,
    Vtt,
}

fn stamp(t_s: f64, sep: char) -> String {
    let total_ms = (t_s.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}{sep}{:03}",
        total_ms / 3_600_000,
        total_ms / 60_000 % 60,
        total_ms / 1000 % 60,
        total_ms % 1000
    )
}

/// Longest subtitle line, characters (broadcast practice).
pub const SUBTITLE_LINE_CHARS: usize = 42;
/// Lines per subtitle cue.
pub const SUBTITLE_LINES: usize = 2;

/// Subtitles of the speech rows, naming the speaker: a cue per sentence, or per part of a
/// sentence too long for two lines of [`SUBTITLE_LINE_CHARS`] (cut at a clause end where
/// one fits, else between words). A sentence's cues span the time the voice speaks it
/// (from the clip's sentence times); the parts of a long one share that time by their
/// length. Rows whose engine gives no sentence times are shared out the same way.
pub fn subtitles(script: &Script, r: &Rendered, format: Subtitles) -> String {
    let mut out = String::new();
    if format == Subtitles::Vtt {
        out.push_str("WEBVTT\n\n");
    }
    let (from, to) = r.window_s;
    let mut n = 0;
    for p in r.placements() {
        let row = script.row(p.row).expect("placed rows are in the script");
        if row.row_type != RowType::Speech || row.action == Some(Action::End) {
            continue;
        }
        let Some(whole) = r.timeline.placement(p.row) else {
            continue;
        };
        let speaker = row.character.as_deref().unwrap_or("");
        let sentences = r.rows.get(&p.row).map_or(&[][..], |x| &x.sentences[..]);
        let spoken = spoken_parts(&row.description, sentences, whole.length_s());
        // SRT names the speaker before a row's first cue; VTT tags every cue.
        let mut label = match format {
            Subtitles::Srt => Some(format!("{speaker}:")),
            Subtitles::Vtt => None,
        };
        for (text, start_s, end_s) in spoken {
            // Times in the window's, the row's end at most.
            let start_s = (whole.start_s + start_s).min(whole.end_s) - from;
            let end_s = (whole.start_s + end_s).min(whole.end_s) - from;
            let words: Vec<&str> = text.split_whitespace().collect();
            let first_label = label.take();
            let cues = cue_words(&words, first_label.as_deref());
            let chars = |w: &[&str]| w.iter().map(|w| w.chars().count()).sum::<usize>();
            let total = chars(&words).max(1);
            let mut at = 0;
            for (i, cue) in cues.into_iter().enumerate() {
                let cue_label = if i == 0 { first_label.as_deref() } else { None };
                let a = start_s + (end_s - start_s) * at as f64 / total as f64;
                at += chars(cue);
                let b = start_s + (end_s - start_s) * at as f64 / total as f64;
                // Cut to the window: a cue that starts before it or ends after it shows
                // for the part inside.
                let (a, b) = (a.max(0.0), b.min(to - from));
                if b <= a {
                    continue;
                }
                let lines = wrap(&with_label(cue_label, cue));
                n += 1;
                match format {
                    Subtitles::Srt => out.push_str(&format!(
                        "{n}\n{} --> {}\n{}\n\n",
                        stamp(a, ','),
                        stamp(b, ','),
                        lines.join("\n")
                    )),
                    Subtitles::Vtt => out.push_str(&format!(
                        "{} --> {}\n<v {speaker}>{}\n\n",
                        stamp(a, '.'),
                        stamp(b, '.'),
                        lines.join("\n")
                    )),
                }
            }
        }
    }
    out
}

/// The row's words by sentence with their times from the clip's start: the words as
/// written when the row splits into as many sentences as the voice spoke (else as the
/// voice read them, numbers spelled out). Without sentence times (espeak-ng), the written
/// sentences share the row's `length_s` by their length.
fn spoken_parts(words: &str, sentences: &[Sentence], length_s: f64) -> Vec<(String, f64, f64)> {
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let written = split_sentences(&words, MAX_SENTENCE_CHARS);
    if sentences.is_empty() {
        let total = written
            .iter()
            .map(|s| s.chars().count())
            .sum::<usize>()
            .max(1);
        let mut at = 0;
        return written
            .into_iter()
            .map(|s| {
                let start_s = length_s * at as f64 / total as f64;
                at += s.chars().count();
                (s, start_s, length_s * at as f64 / total as f64)
            })
            .collect();
    }
    let as_written = written.len() == sentences.len();
    sentences
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let text = if as_written {
                written[i].clone()
            } else {
                s.text.clone()
            };
            (text, s.start_s, s.end_s)
        })
        .collect()
}

/// `label` (the speaker's name) as a first word before `words`.
fn with_label<'a>(label: Option<&'a str>, words: &[&'a str]) -> Vec<&'a str> {
    label.into_iter().chain(words.iter().copied()).collect()
}

/// Whether `words` wrap into at most [`SUBTITLE_LINES`] lines of [`SUBTITLE_LINE_CHARS`].
fn fits(words: &[&str]) -> bool {
    let mut lines = 1;
    let mut len = 0;
    for w in words {
        let n = w.chars().count();
        if len == 0 {
            // A word longer than a line stays whole.
            len = n;
        } else if len + 1 + n <= SUBTITLE_LINE_CHARS {
            len += 1 + n;
        } else {
            lines += 1;
            len = n;
        }
    }
    lines <= SUBTITLE_LINES
}

/// A sentence's words cut into cues that each [`fits`] (the first with `label` before
/// it): as many words as fit, cut after the last clause or sentence end (`,` `;` `:` `.`
/// `!` `?` or a dash) in the second half of the cue when there is one.
fn cue_words<'a, 'w>(words: &'w [&'a str], label: Option<&'a str>) -> Vec<&'w [&'a str]> {
    let mut cues = Vec::new();
    let mut start = 0;
    let mut label = label;
    while start < words.len() {
        let mut end = start + 1;
        while end < words.len() && fits(&with_label(label, &words[start..=end])) {
            end += 1;
        }
        if end < words.len() {
            let clause_end = |k: &usize| {
                words[k - 1].ends_with([',', ';', ':', '.', '!', '?', '\u{2014}'])
                    || words[*k] == "-"
            };
            if let Some(k) = (start + (end - start).div_ceil(2)..end)
                .rev()
                .find(clause_end)
            {
                end = k;
            }
        }
        cues.push(&words[start..end]);
        start = end;
        label = None;
    }
    cues
}

/// A cue's words in lines of at most [`SUBTITLE_LINE_CHARS`]: one line when they fit,
/// else two of balanced length.
fn wrap(words: &[&str]) -> Vec<String> {
    let line = |w: &[&str]| w.join(" ");
    let all = line(words);
    if all.chars().count() <= SUBTITLE_LINE_CHARS || words.len() < 2 {
        return vec![all];
    }
    let best = (1..words.len())
        .min_by_key(|&k| {
            let (a, b) = (line(&words[..k]), line(&words[k..]));
            a.chars().count().max(b.chars().count())
        })
        .unwrap_or(1);
    vec![line(&words[..best]), line(&words[best..])]
}

/// Longest label text in an Audacity label track, characters.
const LABEL_CHARS: usize = 60;

/// An Audacity label track (File › Import › Labels): one line per placed row,
/// `start<TAB>end<TAB>label`, times in seconds with 6 decimals, the label
/// `row N type: character: words` or `row N type: description`, cut to about 60 characters.
pub fn labels(script: &Script, r: &Rendered) -> String {
    let mut out = String::new();
    for p in &r.placements() {
        let row = script.row(p.row).expect("placed rows are in the script");
        if row.action == Some(Action::End) {
            continue;
        }
        let what = match &row.character {
            Some(c) => format!("{c}: {}", row.description),
            None => row.what().to_owned(),
        };
        let label = format!("row {} {}: {what}", row.index, row.row_type);
        // One line per label: tabs and line breaks would split it.
        let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
        out.push_str(&format!(
            "{:.6}\t{:.6}\t{}\n",
            p.start_s,
            p.end_s,
            shorten(&label, LABEL_CHARS)
        ));
    }
    out
}

/// `text` cut to at most `max` characters at a word, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", at_word.trim_end_matches([' ', ',', ';', ':', '.']))
}

/// The file name of a row's stem: `row-03-theme.wav` (its id), else `row-03-speech.wav`.
pub fn row_stem_file_name(row: &Row) -> String {
    let name = file_safe(row.id.as_deref().unwrap_or(row.row_type.as_str()));
    format!("row-{:02}-{name}.wav", row.index)
}

/// `name` for use in a file name: characters other than letters, digits, `-` and `_` become `_`.
pub fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_shortened_at_a_word() {
        let long =
            "row 12 speech: Host: Good evening and welcome to a very long news bulletin about Mars";
        let s = shorten(long, LABEL_CHARS);
        assert!(s.chars().count() <= LABEL_CHARS, "{s}");
        let kept = s.strip_suffix('…').expect("an ellipsis");
        assert!(long.starts_with(kept), "{s}");
        assert_eq!(
            long[kept.len()..].chars().next(),
            Some(' '),
            "cut inside a word: {s}"
        );
        assert_eq!(shorten("row 1 sfx: boom", LABEL_CHARS), "row 1 sfx: boom");
    }

    #[test]
    fn chapters_run_from_their_row_to_the_next_chapter() {
        let script = crate::script::parse_script(
            "rows:
  - {type: music, id: bed, action: begin, description: theme, chapter: Opening}
  - {type: speech, character: A, text: One.}
  - {type: speech, character: A, text: Two., chapter: \" Second part \"}
  - {type: music, id: bed, action: end}
  - {type: sfx, description: swoosh, duration: 1.5}
  - {type: sfx, layout: background, description: knock, duration: 0.5, chapter: Last}
  - {type: speech, character: B, text: Three.}
",
        )
        .unwrap();
        let timeline = crate::timeline::build(&script, |r| match r.row_type {
            RowType::Speech => 2.0,
            _ => r.duration.seconds().unwrap(),
        });
        let got: Vec<(String, f64, f64)> =
            chapters(&script, &timeline.placements, timeline.duration_s)
                .into_iter()
                .map(|c| (c.title, c.start_s, c.end_s))
                .collect();
        // Speech 0-2, gap, 2.3-4.3; swoosh 4.3-5.8; knock starts with row 7 at 5.8.
        assert_eq!(
            got,
            [
                ("Opening".to_owned(), 0.0, 2.3),
                ("Second part".to_owned(), 2.3, 5.8),
                ("Last".to_owned(), 5.8, 7.8),
            ]
        );
        let plain =
            crate::script::parse_script("rows:\n  - {type: speech, character: A, text: One.}\n")
                .unwrap();
        let timeline = crate::timeline::build(&plain, |_| 1.0);
        assert!(chapters(&plain, &timeline.placements, timeline.duration_s).is_empty());
    }

    #[test]
    fn long_sentences_are_cut_at_clauses_into_two_short_lines() {
        let sentence = "Residents who live near the site have asked for quieter machines, \
                        shorter working hours, and a footpath that stays open throughout the \
                        building work next year.";
        let words: Vec<&str> = sentence.split_whitespace().collect();
        let cues = cue_words(&words, Some("Host:"));
        assert!(cues.len() >= 2, "{cues:?}");
        // The first cut is at a clause end, not in the middle of one.
        assert!(cues[0].last().unwrap().ends_with(','), "{cues:?}");
        let mut all = Vec::new();
        for (i, cue) in cues.iter().enumerate() {
            let lines = wrap(&with_label((i == 0).then_some("Host:"), cue));
            assert!(lines.len() <= SUBTITLE_LINES, "{lines:?}");
            assert!(
                lines
                    .iter()
                    .all(|l| l.chars().count() <= SUBTITLE_LINE_CHARS),
                "{lines:?}"
            );
            all.extend(cue.iter().copied());
        }
        assert_eq!(all, words);
        // Short text stays on one line.
        assert_eq!(wrap(&["Good", "evening."]), ["Good evening."]);
        // Two lines are balanced.
        let two = wrap(&words[..10]);
        let (a, b) = (two[0].chars().count(), two[1].chars().count());
        assert!(a.abs_diff(b) < 12, "{two:?}");
    }

    #[test]
    fn written_words_are_kept_when_they_split_as_the_voice_spoke() {
        let spoken = |t: &str, a: f64, b: f64| Sentence {
            start_s: a,
            end_s: b,
            text: t.into(),
        };
        let parts = spoken_parts(
            "It costs $5. Buy now.",
            &[
                spoken("It costs five dollars.", 0.0, 1.0),
                spoken("Buy now.", 1.2, 2.0),
            ],
            2.0,
        );
        assert_eq!(
            parts,
            [
                ("It costs $5.".to_owned(), 0.0, 1.0),
                ("Buy now.".to_owned(), 1.2, 2.0)
            ]
        );
        // Without sentence times: the written sentences share the row by their length.
        assert_eq!(
            spoken_parts("One. Three.", &[], 3.0),
            [
                ("One.".to_owned(), 0.0, 1.2),
                ("Three.".to_owned(), 1.2, 3.0)
            ]
        );
    }

    #[test]
    fn stamps_use_the_format_separator() {
        assert_eq!(stamp(3723.5, ','), "01:02:03,500");
        assert_eq!(stamp(0.0414, '.'), "00:00:00.041");
    }
}
