//! The timeline: where every row starts and ends, and its fades.
//!
//! Foreground lengths are known only once their clips exist, so the timeline is built from
//! the script plus those lengths; backgrounds are then generated for their spans.

use std::fmt;

use crate::script::{Action, Row, RowType, Script};

/// Where one row plays.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// 1-based row index.
    pub row: usize,
    pub start_s: f64,
    pub end_s: f64,
    pub fade_in_s: f64,
    pub fade_out_s: f64,
}

impl Placement {
    pub fn length_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Every row that sounds (all but `end` rows), in script order.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub placements: Vec<Placement>,
    /// When the last row ends.
    pub duration_s: f64,
    /// What the timeline had to change from what the script asks (a negative `gap` that
    /// would start a row before the previous one), one line each, naming the row.
    pub warnings: Vec<String>,
}

/// Default fade for a music or sfx clip of `length_s`: 2 s for clips of 8 s or more, else a
/// fifth of the clip.
pub fn default_fade_s(length_s: f64) -> f64 {
    if length_s >= 8.0 { 2.0 } else { length_s / 5.0 }
}

/// Default fade at each end of a foreground sound effect, seconds: long enough not to
/// click, short enough that the first hit of a knock or a slam keeps its attack (a fifth of
/// a 1.5 s clip took 19 dB off the first of three knocks).
pub const ONE_SHOT_FADE_S: f64 = 0.005;

/// Builds the timeline. `foreground_length_s(row)` gives the length of a foreground row's
/// clip; it is called once per foreground row, in order.
///
/// Each foreground row starts its gap after the foreground rows before it have all ended
/// (a row that overlaps may end before the one it interrupts). A negative gap starts a row
/// before then, but never before the previous foreground row's start: lengths are known
/// only here, so a gap that would is shortened to start the row with the previous one, and
/// [`Timeline::warnings`] says so.
pub fn build(script: &Script, mut foreground_length_s: impl FnMut(&Row) -> f64) -> Timeline {
    let mut fg_span: Vec<Option<(f64, f64)>> = vec![None; script.rows.len()];
    let mut warnings = Vec::new();
    // When every foreground row so far has ended.
    let mut quiet_s = 0.0f64;
    let mut prev: Option<(&Row, f64)> = None;
    for (i, row) in script.rows.iter().enumerate() {
        if !row.is_foreground() {
            continue;
        }
        let start_s = match prev {
            None => 0.0,
            Some((p, prev_start_s)) => {
                let gap_s = script.gap_between_s(p, row);
                let wanted_s = quiet_s + gap_s;
                if wanted_s < prev_start_s {
                    warnings.push(format!(
                        "row {}: `gap: {gap_s}` would start it {} before row {} starts; it starts with row {} instead, at {}",
                        row.index,
                        Seconds(prev_start_s - wanted_s),
                        p.index,
                        p.index,
                        Clock(prev_start_s),
                    ));
                    prev_start_s
                } else {
                    wanted_s
                }
            }
        };
        let end_s = start_s + foreground_length_s(row).max(0.0);
        quiet_s = quiet_s.max(end_s);
        fg_span[i] = Some((start_s, end_s));
        prev = Some((row, start_s));
    }
    let next_fg_start = |i: usize| fg_span[i..].iter().flatten().next().map(|s| s.0);
    // A span ends when the foreground rows inside it have all ended.
    let last_fg_end =
        |rows: std::ops::Range<usize>| fg_span[rows].iter().flatten().map(|s| s.1).reduce(f64::max);

    let mut placements = Vec::new();
    for (i, row) in script.rows.iter().enumerate() {
        let (start_s, end_s) = if let Some(span) = fg_span[i] {
            span
        } else {
            // Validation guarantees a foreground row after every begin and one-shot
            // background, and before every end; a missing one yields an empty span.
            let start_s = next_fg_start(i).unwrap_or(quiet_s);
            match row.action {
                Some(Action::End) => continue,
                Some(Action::Begin) => {
                    let end_row = script.rows[i + 1..]
                        .iter()
                        .position(|r| r.action == Some(Action::End) && r.id == row.id)
                        .map_or(script.rows.len(), |k| i + 1 + k);
                    (
                        start_s,
                        last_fg_end(i + 1..end_row).unwrap_or(start_s).max(start_s),
                    )
                }
                None => (start_s, start_s + row.duration.seconds().unwrap_or(0.0)),
            }
        };
        let (fade_in_s, fade_out_s) = fades(row, end_s - start_s);
        placements.push(Placement {
            row: row.index,
            start_s,
            end_s,
            fade_in_s,
            fade_out_s,
        });
    }
    // The last row to end, which need not be the last row when rows overlap.
    let duration_s = placements.iter().map(|p| p.end_s).fold(0.0, f64::max);
    Timeline {
        placements,
        duration_s,
        warnings,
    }
}

/// Seconds for a message: `1.5 s`, to the millisecond.
struct Seconds(f64);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = (self.0 * 1000.0).round() / 1000.0;
        write!(f, "{ms} s")
    }
}

/// Fades for a row of `length_s`: none for speech; for the rest the row's own, else the
/// defaults (click-free ones for foreground effects, [`default_fade_s`] for music and
/// backgrounds), shortened together when they would overlap.
fn fades(row: &Row, length_s: f64) -> (f64, f64) {
    if row.row_type == RowType::Speech {
        return (0.0, 0.0);
    }
    let default_s = if row.row_type == RowType::Sfx && row.is_foreground() {
        ONE_SHOT_FADE_S
    } else {
        default_fade_s(length_s)
    };
    let fade_in = row.fade_in_s.unwrap_or(default_s);
    let fade_out = row.fade_out_s.unwrap_or(default_s);
    let total = fade_in + fade_out;
    if total > length_s && total > 0.0 {
        let k = length_s / total;
        (fade_in * k, fade_out * k)
    } else {
        (fade_in, fade_out)
    }
}

impl Timeline {
    pub fn placement(&self, row: usize) -> Option<&Placement> {
        self.placements.iter().find(|p| p.row == row)
    }
}

/// `mm:ss.mmm`, as the timeline and subtitles show times.
pub struct Clock(pub f64);

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = (self.0.max(0.0) * 1000.0).round() as u64;
        write!(
            f,
            "{:02}:{:02}.{:03}",
            ms / 60_000,
            ms / 1000 % 60,
            ms % 1000
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_script;

    const SCRIPT: &str = "rows:
  - {type: music, id: theme, action: begin, description: news theme}
  - {type: speech, character: A, text: One.}
  - {type: speech, character: A, text: Two.}
  - {type: music, id: theme, action: end}
  - {type: sfx, description: swoosh, duration: 1.5}
  - {type: sfx, layout: background, description: knock, duration: 0.5}
  - {type: speech, character: B, text: Three.}
";

    fn timeline() -> Timeline {
        let s = parse_script(SCRIPT).unwrap();
        build(&s, |r| match r.row_type {
            RowType::Speech => 2.0,
            _ => r.duration.seconds().unwrap(),
        })
    }

    #[test]
    fn foreground_is_sequential_with_speech_gaps() {
        let t = timeline();
        let p = |row| t.placement(row).unwrap().clone();
        assert_eq!((p(2).start_s, p(2).end_s), (0.0, 2.0));
        assert_eq!((p(3).start_s, p(3).end_s), (2.3, 4.3));
        // No gap between speech and sfx by default.
        assert_eq!((p(5).start_s, p(5).end_s), (4.3, 5.8));
        assert_eq!((p(7).start_s, p(7).end_s), (5.8, 7.8));
        assert_eq!(t.duration_s, 7.8);
    }

    #[test]
    fn backgrounds_span_their_foreground_rows() {
        let t = timeline();
        let theme = t.placement(1).unwrap();
        assert_eq!((theme.start_s, theme.end_s), (0.0, 4.3));
        assert!(t.placement(4).is_none(), "end rows do not sound");
        let knock = t.placement(6).unwrap();
        assert_eq!((knock.start_s, knock.end_s), (5.8, 6.3));
    }

    #[test]
    fn fades_follow_the_defaults() {
        let t = timeline();
        assert_eq!(t.placement(2).unwrap().fade_in_s, 0.0);
        // A foreground effect keeps its attack; a background effect and music fade longer.
        let swoosh = t.placement(5).unwrap();
        assert_eq!((swoosh.fade_in_s, swoosh.fade_out_s), (0.005, 0.005));
        let knock = t.placement(6).unwrap();
        assert!((knock.fade_in_s - 0.1).abs() < 1e-9);
        let theme = t.placement(1).unwrap();
        assert!((theme.fade_in_s - 0.86).abs() < 1e-9);
        assert_eq!(default_fade_s(10.0), 2.0);
    }

    /// The timeline of `rows` with every foreground row 2 s long.
    fn two_seconds_each(rows: &str) -> Timeline {
        let s = parse_script(&format!("rows:\n{rows}")).unwrap();
        build(&s, |r| r.duration.seconds().unwrap_or(2.0))
    }

    fn spans(t: &Timeline) -> Vec<(usize, f64, f64)> {
        let round = |x: f64| (x * 1e6).round() / 1e6;
        t.placements
            .iter()
            .map(|p| (p.row, round(p.start_s), round(p.end_s)))
            .collect()
    }

    #[test]
    fn a_row_gap_replaces_the_default_before_it() {
        let t = two_seconds_each(
            "  - {type: speech, character: A, text: One.}
  - {type: speech, character: A, text: Breathe in., gap: 4}
  - {type: speech, character: A, text: Three.}
  - {type: sfx, description: bell, duration: 1, gap: 0.5}
",
        );
        assert_eq!(
            spans(&t),
            [
                (1, 0.0, 2.0),
                (2, 6.0, 8.0),
                (3, 8.3, 10.3),
                (4, 10.8, 11.8)
            ]
        );
        assert_eq!(t.duration_s, 11.8);
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn a_negative_gap_overlaps_the_row_before() {
        // B interrupts A 0.5 s before A ends; a bed spans both.
        let t = two_seconds_each(
            "  - {type: music, id: bed, action: begin, description: calm}
  - {type: speech, character: A, text: Well I think that, duration: auto}
  - {type: speech, character: B, text: No!, gap: -0.5}
  - {type: music, id: bed, action: end}
  - {type: speech, character: A, text: Fine.}
",
        );
        assert_eq!(
            spans(&t),
            [(1, 0.0, 3.5), (2, 0.0, 2.0), (3, 1.5, 3.5), (5, 3.8, 5.8)]
        );
        assert!(t.warnings.is_empty());
    }

    #[test]
    fn an_interruption_that_ends_first_leaves_the_end_to_the_longest_row() {
        let s = parse_script(
            "rows:
  - {type: music, id: bed, action: begin, description: calm}
  - {type: speech, character: A, text: A long speech.}
  - {type: speech, character: B, text: Hm., gap: -6}
  - {type: music, id: bed, action: end}
",
        )
        .unwrap();
        // A lasts 10 s; B starts 4 s in and lasts 1 s.
        let t = build(&s, |r| if r.index == 2 { 10.0 } else { 1.0 });
        assert_eq!(spans(&t), [(1, 0.0, 10.0), (2, 0.0, 10.0), (3, 4.0, 5.0)]);
        // The last row to end, not the last row.
        assert_eq!(t.duration_s, 10.0);
        // What follows waits for A: its gap counts from when both have ended.
        let s = parse_script(
            "rows:
  - {type: speech, character: A, text: A long speech.}
  - {type: speech, character: B, text: Hm., gap: -6}
  - {type: speech, character: A, text: As I said.}
",
        )
        .unwrap();
        let t = build(&s, |r| if r.index == 1 { 10.0 } else { 1.0 });
        assert_eq!(spans(&t), [(1, 0.0, 10.0), (2, 4.0, 5.0), (3, 10.3, 11.3)]);
    }

    #[test]
    fn a_gap_that_would_start_before_the_previous_row_is_clamped_with_a_warning() {
        let t = two_seconds_each(
            "  - {type: speech, character: A, text: One.}
  - {type: speech, character: B, text: Two., gap: -5}
",
        );
        assert_eq!(spans(&t), [(1, 0.0, 2.0), (2, 0.0, 2.0)]);
        assert_eq!(
            t.warnings,
            [
                "row 2: `gap: -5` would start it 3 s before row 1 starts; it starts with row 1 instead, at 00:00.000"
            ]
        );
    }

    #[test]
    fn clock_formats() {
        assert_eq!(Clock(75.5).to_string(), "01:15.500");
    }
}
