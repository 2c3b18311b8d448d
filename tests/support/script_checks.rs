//! Properties of the script parser, the timeline builder and the row edits that must hold for
//! any text at all, valid script or not. Shared by the fuzz target (`fuzz/`, see
//! `scripts/fuzz`) and by `tests/script_cases.rs`, which runs them over the files the fuzzer
//! found and the invalid-script fixtures.
//!
//! [`check`] panics, naming the broken property, when one does not hold.
//!
//! Edits: a comment line `#!set|ROW|FIELD=VALUE|…`, `#!insert|AT|FIELD=VALUE|…`,
//! `#!delete|ROW|…` or `#!move|ROW|TO` in the text asks for that edit (YAML ignores
//! comments, so the fuzzer mutates commands and script together); every text also gets one
//! edit chosen from a hash of it.

use onair::edit::{self, Assignment, Edit};
use onair::script::{Action, Duration, Row, RowType, Script, parse_script};
use onair::timeline::{Timeline, build};

/// Edit commands read from one text, at most.
const MAX_EDITS: usize = 4;

/// Runs every check on `text`.
pub fn check(text: &str) {
    let parsed = parse_script(text);
    match &parsed {
        Ok(script) => {
            for plan in LengthPlan::ALL {
                check_timeline(text, script, plan);
            }
            // The table cuts long descriptions by characters, not bytes.
            let _ = onair::cli::table(script);
        }
        Err(errors) => check_errors(text, errors),
    }
    let mut edits = edit_commands(text);
    edits.push(hashed_edit(
        text,
        parsed.as_ref().map_or(0, |s| s.rows.len()),
    ));
    for e in &edits {
        check_edit(text, parsed.as_ref().ok(), e);
    }
}

/// Every error names a place that exists and says something.
fn check_errors(text: &str, errors: &onair::script::ValidationErrors) {
    assert!(!errors.0.is_empty(), "an invalid script with no error");
    // YAML breaks lines at `\r\n`, `\n` and a lone `\r`.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count() as u32;
    for e in &errors.0 {
        assert!(
            !e.message.trim().is_empty(),
            "an error without a message: {e:?}"
        );
        assert!(
            e.line <= lines,
            "error at line {} of a {lines}-line text: {e}",
            e.line
        );
        assert!(e.row != Some(0), "rows are numbered from 1: {e}");
    }
    let _ = errors.to_string();
}

/// Which foreground clip lengths a timeline is built with: the edges (none, a sliver, days)
/// and ordinary lengths spread by a hash of the text.
#[derive(Clone, Copy, Debug)]
enum LengthPlan {
    Zero,
    Sliver,
    Hashed,
    /// The row's own `duration` where it has one (as the generators make it), else hashed.
    Requested,
    Huge,
}

impl LengthPlan {
    const ALL: [LengthPlan; 5] = [
        LengthPlan::Zero,
        LengthPlan::Sliver,
        LengthPlan::Hashed,
        LengthPlan::Requested,
        LengthPlan::Huge,
    ];

    fn length_s(self, seed: u64, row: &Row) -> f64 {
        let h = mix(seed ^ row.index as u64);
        // 0 to 30 s in steps of a sample at 48 kHz.
        let hashed = (h % (30 * 48_000)) as f64 / 48_000.0;
        match self {
            LengthPlan::Zero => 0.0,
            LengthPlan::Sliver => 1e-9 * (1 + h % 7) as f64,
            LengthPlan::Hashed => hashed,
            LengthPlan::Requested => row.duration.seconds().unwrap_or(hashed),
            LengthPlan::Huge => 1e7 + hashed,
        }
    }
}

/// A float that is equal to `want` but for rounding in sums of times up to `magnitude`: a
/// length taken as end - start is only as precise as the start (at 10^7 s, a few ns).
fn close(got: f64, want: f64, magnitude: f64) -> bool {
    (got - want).abs() <= 1e-12 * magnitude.abs().max(want.abs()).max(1.0)
}

fn check_timeline(text: &str, script: &Script, plan: LengthPlan) {
    let seed = hash(text.as_bytes());
    let mut asked = Vec::new();
    let t = build(script, |row| {
        asked.push(row.index);
        plan.length_s(seed, row)
    });
    let ctx = |what: String| format!("{plan:?} lengths: {what}\n{t:#?}");
    let foreground: Vec<usize> = script
        .rows
        .iter()
        .filter(|r| r.is_foreground())
        .map(|r| r.index)
        .collect();
    assert_eq!(
        asked, foreground,
        "lengths asked once per foreground row, in order"
    );

    // One placement per sounding row, in script order.
    let sounding: Vec<usize> = script
        .rows
        .iter()
        .filter(|r| r.action != Some(Action::End))
        .map(|r| r.index)
        .collect();
    let placed: Vec<usize> = t.placements.iter().map(|p| p.row).collect();
    assert_eq!(
        placed,
        sounding,
        "{}",
        ctx("placements in script order".into())
    );

    let mut max_end = 0.0f64;
    for p in &t.placements {
        let row = &script.rows[p.row - 1];
        let length = p.end_s - p.start_s;
        let finite = [p.start_s, p.end_s, p.fade_in_s, p.fade_out_s];
        assert!(
            finite.iter().all(|x| x.is_finite()),
            "{}",
            ctx(format!("row {} has a value that is not finite", p.row))
        );
        assert!(
            0.0 <= p.start_s && p.start_s <= p.end_s,
            "{}",
            ctx(format!("row {} does not start at or before its end", p.row))
        );
        assert!(
            p.fade_in_s >= 0.0 && p.fade_out_s >= 0.0,
            "{}",
            ctx(format!("row {} has a negative fade", p.row))
        );
        assert!(
            p.fade_in_s + p.fade_out_s <= length + 1e-9 * length.max(1.0),
            "{}",
            ctx(format!("row {}'s fades are longer than the row", p.row))
        );
        if row.row_type == RowType::Speech {
            assert_eq!(
                (p.fade_in_s, p.fade_out_s),
                (0.0, 0.0),
                "speech has no fades"
            );
        }
        if row.is_foreground() {
            let want = plan.length_s(seed, row);
            assert!(
                close(length, want, p.end_s),
                "{}",
                ctx(format!("row {} lasts {length}, its clip {want}", p.row))
            );
        } else if row.action.is_none()
            && let Duration::Seconds(d) = row.duration
        {
            assert!(
                close(length, d, p.end_s),
                "{}",
                ctx(format!("one-shot row {} lasts {length}, not {d}", p.row))
            );
        }
        max_end = max_end.max(p.end_s);
    }
    assert_eq!(
        t.duration_s,
        max_end,
        "{}",
        ctx("duration is the last end".into())
    );
    check_sequence(script, &t, &ctx);
}

/// Foreground rows follow each other with their gap, counted from when the rows before have
/// all ended, but never start before the previous one; a background starts with the next
/// foreground row and a begin/end span ends when the foreground rows inside it have ended.
fn check_sequence(script: &Script, t: &Timeline, ctx: &dyn Fn(String) -> String) {
    let place = |i: usize| t.placement(i).expect("every sounding row is placed");
    let mut prev: Option<&Row> = None;
    let mut quiet_s = 0.0f64;
    for row in script.rows.iter().filter(|r| r.is_foreground()) {
        if let Some(p) = prev {
            let want = script.gap_between_s(p, row);
            let start = (quiet_s + want).max(place(p.index).start_s);
            assert!(
                close(place(row.index).start_s, start, place(row.index).start_s),
                "{}",
                ctx(format!(
                    "row {} starts at {}, not {start} (gap {want} after {quiet_s})",
                    row.index,
                    place(row.index).start_s
                ))
            );
        }
        quiet_s = quiet_s.max(place(row.index).end_s);
        prev = Some(row);
    }
    for (i, row) in script.rows.iter().enumerate() {
        if row.is_foreground() || row.action == Some(Action::End) {
            continue;
        }
        let next_fg = script.rows[i + 1..].iter().find(|r| r.is_foreground());
        let next_fg = next_fg.expect("validation puts a foreground row after a background");
        assert_eq!(
            place(row.index).start_s,
            place(next_fg.index).start_s,
            "{}",
            ctx(format!(
                "background row {} does not start with row {}",
                row.index, next_fg.index
            ))
        );
        if row.action == Some(Action::Begin) {
            let end = script.rows[i + 1..]
                .iter()
                .position(|r| r.action == Some(Action::End) && r.id == row.id)
                .map(|k| i + 1 + k)
                .expect("validation pairs every begin with an end");
            let last_end = script.rows[i + 1..end]
                .iter()
                .filter(|r| r.is_foreground())
                .map(|r| place(r.index).end_s)
                .reduce(f64::max)
                .expect("validation puts a foreground row inside every span");
            assert_eq!(
                place(row.index).end_s,
                last_end,
                "{}",
                ctx(format!(
                    "span of row {} does not end when its foreground rows have ended",
                    row.index
                ))
            );
        }
    }
}

/// The edit commands written in the text's `#!` comment lines.
fn edit_commands(text: &str) -> Vec<Edit> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(command) = line.trim_start().strip_prefix("#!") else {
            continue;
        };
        let mut parts = command.split('|');
        let verb = parts.next().unwrap_or("").trim();
        let rest: Vec<&str> = parts.collect();
        let number = |i: usize| rest.get(i).and_then(|s| s.trim().parse::<usize>().ok());
        let fields = |from: usize| -> Vec<Assignment> {
            rest.iter()
                .skip(from)
                .filter_map(|a| a.parse::<Assignment>().ok())
                .collect()
        };
        let edit = match verb {
            "set" => number(0).map(|row| Edit::Set {
                row,
                fields: fields(1),
            }),
            "insert" => number(0).map(|at| Edit::Insert {
                at,
                fields: fields(1),
            }),
            "delete" => Some(Edit::Delete {
                rows: (0..rest.len()).filter_map(number).collect(),
            }),
            "move" => number(0)
                .zip(number(1))
                .map(|(row, to)| Edit::Move { row, to }),
            _ => None,
        };
        out.extend(edit);
        if out.len() == MAX_EDITS {
            break;
        }
    }
    out
}

/// Values the hashed edit sets, by field: ordinary ones, and ones that need quoting.
const VALUES: &[(&str, &[&str])] = &[
    (
        "description",
        &[
            "Door slam",
            "Yes, and no: maybe # not a comment",
            "\"quoted\" and 'single'",
            "ünïcödé — “curly” 日本語",
            "line one\nline two",
            "- a dash",
            "42",
            "true",
            "{not: a mapping}",
            "  padded  ",
            "tab\there",
        ],
    ),
    ("text", &["Hello there.", "a: b", "&anchor *alias"]),
    ("volume", &["-20", "0", "-70", "-3.5e1", "loud", ".inf"]),
    ("duration", &["1.5", "auto", "0", "3600", "1e9"]),
    ("fade_in", &["0", "0.25", "100"]),
    ("fade_out", &["0.5", "3599"]),
    ("pan", &["-1", "0.5", "2"]),
    ("duck", &["true", "false", "no"]),
    ("take", &["1", "2", "1000"]),
    ("type", &["speech", "music", "sfx", "noise"]),
    ("layout", &["foreground", "background"]),
    ("action", &["begin", "end"]),
    ("id", &["theme", "b g", "1"]),
    ("character", &["Host", "Dr. Who: Returns", "#1"]),
];

fn assignment(h: u64) -> Assignment {
    let (field, values) = VALUES[(h % VALUES.len() as u64) as usize];
    let value = values[(mix(h) % values.len() as u64) as usize];
    Assignment {
        field: field.to_owned(),
        // A few removals among the changes.
        value: (!mix(h ^ 1).is_multiple_of(5)).then(|| value.to_owned()),
    }
}

/// One edit chosen by a hash of the text, with row numbers from 0 to one past the end.
fn hashed_edit(text: &str, rows: usize) -> Edit {
    let h = hash(text.as_bytes());
    let row = |k: u64| (mix(h ^ k) % (rows as u64 + 2)) as usize;
    match h % 4 {
        0 => Edit::Set {
            row: row(1),
            fields: (0..1 + mix(h ^ 2) % 2)
                .map(|k| assignment(mix(h ^ 3 ^ k)))
                .collect(),
        },
        1 => Edit::Insert {
            at: row(1),
            fields: vec![
                Assignment {
                    field: "type".into(),
                    value: Some("sfx".into()),
                },
                Assignment {
                    field: "duration".into(),
                    value: Some("1".into()),
                },
                Assignment {
                    field: "description".into(),
                    value: Some(
                        VALUES[0].1[(mix(h ^ 4) % VALUES[0].1.len() as u64) as usize].into(),
                    ),
                },
            ],
        },
        2 => Edit::Delete {
            rows: vec![row(1), row(2)],
        },
        _ => Edit::Move {
            row: row(1),
            to: row(2),
        },
    }
}

/// A row as it sounds, whatever its number and place in the file.
fn sound(row: &Row) -> Row {
    Row {
        index: 0,
        line: 0,
        column: 0,
        ..row.clone()
    }
}

/// The script's settings apart from its rows and the places of things in the file.
fn settings(script: &Script) -> Script {
    let mut s = script.clone();
    s.rows.clear();
    for lib in &mut s.libraries {
        (lib.line, lib.column) = (0, 0);
    }
    s
}

/// An edit never panics; one that succeeds gives a valid script in which, when the old text
/// was valid too, exactly the asked-for rows changed.
fn check_edit(text: &str, before: Option<&Script>, e: &Edit) {
    let Ok(edited) = edit::apply(text, e) else {
        return;
    };
    let after = parse_script(&edited.text).unwrap_or_else(|errors| {
        panic!(
            "{e:?} gave an invalid script:\n{errors}\n--- text\n{}",
            edited.text
        )
    });
    assert_eq!(after.rows.len(), edited.rows, "{e:?}: row count");
    let Some(before) = before else {
        return;
    };
    let ctx = || format!("{e:?}\n--- before\n{text}\n--- after\n{}", edited.text);
    assert_eq!(settings(&after), settings(before), "{}", ctx());
    let old: Vec<Row> = before.rows.iter().map(sound).collect();
    let new: Vec<Row> = after.rows.iter().map(sound).collect();
    match e {
        Edit::Set { row, fields } => {
            assert_eq!(new.len(), old.len(), "{}", ctx());
            for (i, (a, b)) in old.iter().zip(&new).enumerate() {
                if i + 1 != *row {
                    assert_eq!(a, b, "row {} changed\n{}", i + 1, ctx());
                }
            }
            for a in fields {
                if let (Some(v), "description" | "text") = (&a.value, a.field.as_str()) {
                    assert_eq!(new[row - 1].description, v.trim(), "{}", ctx());
                }
            }
        }
        Edit::Insert { at, fields } => {
            let mut rest = new.clone();
            let inserted = rest.remove(at - 1);
            assert_eq!(rest, old, "{}", ctx());
            for a in fields {
                if let (Some(v), "description" | "text") = (&a.value, a.field.as_str()) {
                    assert_eq!(inserted.description, v.trim(), "{}", ctx());
                }
            }
        }
        Edit::Delete { rows } => {
            let kept: Vec<Row> = old
                .iter()
                .enumerate()
                .filter(|(i, _)| !rows.contains(&(i + 1)))
                .map(|(_, r)| r.clone())
                .collect();
            assert_eq!(new, kept, "{}", ctx());
        }
        Edit::Move { row, to } => {
            let mut moved = old.clone();
            let r = moved.remove(row - 1);
            moved.insert(to - 1, r);
            assert_eq!(new, moved, "{}", ctx());
        }
    }
}

/// FNV-1a: a stable hash of the text, so that a case replays exactly.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// SplitMix64's finaliser: spreads a hash over all bits.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
