use super::*;
use crate::script::{FieldKind, ROW_FIELDS};

const SCRIPT: &str = "\
# A script with comments.
title: Test   # the title
rows:
  # The theme starts.
  - type: music
    id: theme
    action: begin
    volume: -28   # quiet
    description: Theme

  - type: speech
    character: Host
    # the words
    description: >-
      Hello there,
      and welcome.
  - { type: sfx, description: \"Door, slam\", duration: 1.5 }
  # Section two
  - type: music   # the end
    id: theme
    action: end
voices:
  Host: { voice: en_US-joe-medium }
";

fn a(s: &str) -> Assignment {
    s.parse().unwrap()
}

fn set(text: &str, row: usize, fields: &[&str]) -> Result<Edited, Error> {
    apply(
        text,
        &Edit::Set {
            row,
            fields: fields.iter().map(|s| a(s)).collect(),
        },
    )
}

/// The lines of `after` that differ from `before`: (first differing line, lines removed,
/// lines added), comparing the common start and end.
fn diff(before: &str, after: &str) -> (usize, Vec<String>, Vec<String>) {
    let b: Vec<&str> = before.lines().collect();
    let a: Vec<&str> = after.lines().collect();
    let start = b.iter().zip(&a).take_while(|(x, y)| x == y).count();
    let end = b[start..]
        .iter()
        .rev()
        .zip(a[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (
        start,
        b[start..b.len() - end]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        a[start..a.len() - end]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    )
}

#[test]
fn the_fixture_is_valid() {
    let s = parse_script(SCRIPT).unwrap();
    assert_eq!(s.rows.len(), 4);
    assert_eq!(s.rows[1].description, "Hello there, and welcome.");
}

#[test]
fn set_changes_only_the_value() {
    let e = set(SCRIPT, 1, &["volume=-20"]).unwrap();
    assert_eq!(e.message, "row 1: volume changed (4 rows)");
    assert_eq!(
        diff(SCRIPT, &e.text),
        (
            7,
            vec!["    volume: -28   # quiet".into()],
            vec!["    volume: -20   # quiet".into()]
        )
    );
}

#[test]
fn set_replaces_a_block_scalar() {
    let e = set(SCRIPT, 2, &["description=Hi: all"]).unwrap();
    let (_, removed, added) = diff(SCRIPT, &e.text);
    assert_eq!(removed.len(), 3);
    assert_eq!(added, vec!["    description: \"Hi: all\"".to_string()]);
    assert_eq!(
        parse_script(&e.text).unwrap().rows[1].description,
        "Hi: all"
    );
}

#[test]
fn set_on_a_flow_row() {
    let e = set(
        SCRIPT,
        3,
        &["description=Door slam", "volume=-30", "duration="],
    )
    .unwrap();
    assert_eq!(
        e.message,
        "row 3: description changed, volume added, duration removed (4 rows)"
    );
    let (_, _, added) = diff(SCRIPT, &e.text);
    assert_eq!(
        added,
        vec!["  - { type: sfx, volume: -30, description: Door slam }".to_string()]
    );
    // The last field removed.
    let e = set(&e.text, 3, &["description=x, y", "pan=0.5"]).unwrap();
    let e = set(&e.text, 3, &["pan="]).unwrap();
    let (_, _, added) = diff(SCRIPT, &e.text);
    assert_eq!(
        added,
        vec!["  - { type: sfx, volume: -30, description: \"x, y\" }".to_string()]
    );
}

#[test]
fn a_new_field_takes_its_place_among_the_others() {
    let e = set(SCRIPT, 2, &["volume=-12"]).unwrap();
    let (first, removed, added) = diff(SCRIPT, &e.text);
    assert!(removed.is_empty());
    // Before the comment that describes `description`.
    assert_eq!(added, vec!["    volume: -12".to_string()]);
    assert_eq!(SCRIPT.lines().nth(first), Some("    # the words"));
    // `type` goes first, onto the dash line.
    let text = "rows:\n  - character: Host\n    description: Hi\n";
    let e = set(text, 1, &["type=speech"]).unwrap();
    assert_eq!(
        e.text,
        "rows:\n  - type: speech\n    character: Host\n    description: Hi\n"
    );
    // At the end, in a file without a final line break.
    let text = "rows:\n  - type: sfx\n    description: Boom";
    let e = set(text, 1, &["duration=2"]).unwrap();
    assert_eq!(
        e.text,
        "rows:\n  - type: sfx\n    duration: 2\n    description: Boom"
    );
    let text = "rows:\n  - type: sfx\n    duration: 1";
    let e = set(text, 1, &["pan=-1"]).unwrap();
    assert_eq!(e.text, "rows:\n  - type: sfx\n    duration: 1\n    pan: -1");
}

#[test]
fn removing_fields() {
    let text = "rows:\n  - character: Host   # who\n    type: speech\n    description: Hi\n    volume: -3\n";
    let e = set(text, 1, &["volume="]).unwrap();
    assert_eq!(
        e.text,
        "rows:\n  - character: Host   # who\n    type: speech\n    description: Hi\n"
    );
    let e = set(SCRIPT, 2, &["character=", "type=sfx", "description=Boom"]).unwrap();
    let (_, removed, added) = diff(SCRIPT, &e.text);
    assert_eq!(removed.len(), 6);
    assert_eq!(
        added,
        vec![
            "  - type: sfx".to_string(),
            "    # the words".into(),
            "    description: Boom".into()
        ]
    );
    // The first field: the next one moves up onto the dash line.
    let text = "rows:\n  - id: x\n    type: sfx\n    description: Boom\n";
    let e = set(text, 1, &["id="]).unwrap();
    assert_eq!(e.text, "rows:\n  - type: sfx\n    description: Boom\n");
    // A field that is not there.
    let e = set(text, 1, &["pan="]).unwrap();
    assert_eq!(e.text, text);
    assert_eq!(e.message, "row 1: pan absent (1 row)");
}

#[test]
fn description_and_text_are_one_field() {
    let text = "rows:\n  - type: sfx\n    text: Boom\n";
    let e = set(text, 1, &["description=Bang"]).unwrap();
    assert_eq!(e.text, "rows:\n  - type: sfx\n    text: Bang\n");
}

#[test]
fn a_typo_in_the_file_can_be_removed() {
    let text = "rows:\n  - type: sfx\n    description: Boom\n    descripton: x\n";
    let e = set(text, 1, &["descripton="]).unwrap();
    assert_eq!(e.text, "rows:\n  - type: sfx\n    description: Boom\n");
}

#[test]
fn bad_input_is_refused() {
    let msg = |r: Result<Edited, Error>| r.unwrap_err().to_string();
    assert_eq!(
        msg(set(SCRIPT, 1, &["descripton=x"])),
        "row 1: unknown field `descripton`; did you mean `description`?"
    );
    assert_eq!(
        msg(set(SCRIPT, 5, &["volume=-3"])),
        "row 5 does not exist; the script has 4 rows (1 to 4)"
    );
    assert!(msg(set(SCRIPT, 0, &["volume=-3"])).contains("1 to 4"));
    let e = set(SCRIPT, 1, &["volume=5"]).unwrap_err();
    assert!(matches!(e, Error::Invalid(_)));
    let e = msg(set(SCRIPT, 1, &["type=speech"]));
    assert!(e.contains("row 1, field `character`"), "{e}");
    assert!("volume".parse::<Assignment>().is_err());
    assert!(msg(set(SCRIPT, 1, &["volume=1", "volume=2"])).contains("twice"));
}

#[test]
fn unusual_values_round_trip() {
    let values = [
        "He said \"hi\": it's #1",
        "Zürich — 東京 🎙",
        "42",
        "1.50",
        "true",
        "a, b {c} [d]",
        "x: y # z",
        "'quoted'",
        "- dash",
    ];
    for row in [2, 3] {
        for v in values {
            let e = set(SCRIPT, row, &[&format!("description={v}")]).unwrap();
            let s = parse_script(&e.text).unwrap();
            assert_eq!(s.rows[row - 1].description, v, "row {row}");
            // And nothing else moved.
            let (_, _, added) = diff(SCRIPT, &e.text);
            assert_eq!(added.len(), 1, "{v:?} in row {row}: {added:?}");
        }
    }
}

#[test]
fn insert_copies_the_neighbours_style() {
    let insert = |text: &str, at: usize, fields: &[&str]| {
        apply(
            text,
            &Edit::Insert {
                at,
                fields: fields.iter().map(|s| a(s)).collect(),
            },
        )
    };
    let e = insert(SCRIPT, 2, &["description=Boom", "type=sfx", "duration=1"]).unwrap();
    assert_eq!(e.message, "inserted row 2 (5 rows)");
    let (first, removed, added) = diff(SCRIPT, &e.text);
    assert!(removed.is_empty());
    // After the blank line that separated rows 1 and 2: the usual separator is none.
    assert_eq!(
        added,
        vec![
            "  - type: sfx".to_string(),
            "    duration: 1".into(),
            "    description: Boom".into()
        ]
    );
    assert_eq!(SCRIPT.lines().nth(first), Some("  - type: speech"));
    // Before a flow row: a flow row.
    let e = insert(SCRIPT, 3, &["type=sfx", "description=a, b", "duration=1"]).unwrap();
    let (first, _, added) = diff(SCRIPT, &e.text);
    assert_eq!(
        added,
        vec!["  - { type: sfx, duration: 1, description: \"a, b\" }".to_string()]
    );
    assert_eq!(first, 16);
    // Before a block row: above its comment.
    let e = insert(SCRIPT, 4, &["type=sfx", "description=Boom", "duration=1"]).unwrap();
    let (first, _, added) = diff(SCRIPT, &e.text);
    assert_eq!(added.len(), 3);
    assert_eq!(SCRIPT.lines().nth(first), Some("  # Section two"));
    // Appended: after the last row's lines, before `voices:`.
    let e = insert(SCRIPT, 5, &["type=sfx", "description=Boom", "duration=1"]).unwrap();
    assert!(
        e.text.contains("    action: end\n  - type: sfx\n"),
        "{}",
        e.text
    );
    assert!(
        insert(SCRIPT, 6, &["type=sfx"])
            .unwrap_err()
            .to_string()
            .contains("1 to 5")
    );
    assert!(insert(SCRIPT, 1, &["type="]).is_err());
}

#[test]
fn rows_with_wide_dashes_and_blank_separators() {
    let text = "rows:\n-   type: sfx\n    description: One\n    duration: 1\n\n-   type: sfx\n    description: Two\n    duration: 1\n\n-   type: sfx\n    description: Three\n    duration: 1\n";
    let e = apply(
        text,
        &Edit::Insert {
            at: 4,
            fields: vec![a("type=sfx"), a("description=Four"), a("duration=1")],
        },
    )
    .unwrap();
    assert!(
        e.text.ends_with(
            "Three\n    duration: 1\n\n-   type: sfx\n    duration: 1\n    description: Four\n"
        ),
        "{}",
        e.text
    );
    let e = apply(text, &Edit::Move { row: 3, to: 1 }).unwrap();
    assert_eq!(
        e.text,
        "rows:\n-   type: sfx\n    description: Three\n    duration: 1\n\n-   type: sfx\n    description: One\n    duration: 1\n\n-   type: sfx\n    description: Two\n    duration: 1\n"
    );
    let e = apply(text, &Edit::Delete { rows: vec![2] }).unwrap();
    assert_eq!(
        e.text,
        "rows:\n-   type: sfx\n    description: One\n    duration: 1\n\n-   type: sfx\n    description: Three\n    duration: 1\n"
    );
    let e = apply(text, &Edit::Delete { rows: vec![3] }).unwrap();
    assert!(e.text.ends_with("Two\n    duration: 1\n"), "{}", e.text);
}

#[test]
fn delete_and_move_keep_comments_with_their_rows() {
    // Deleting a background's begin and end together.
    let e = apply(SCRIPT, &Edit::Delete { rows: vec![1, 4] }).unwrap();
    assert_eq!(e.message, "deleted rows 1, 4 (2 rows)");
    let expected: String = SCRIPT
        .lines()
        .enumerate()
        .filter(|(i, _)| !(3..=9).contains(i) && !(17..=20).contains(i))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    assert_eq!(e.text, expected);
    // A begin alone cannot go.
    assert!(matches!(
        apply(SCRIPT, &Edit::Delete { rows: vec![1] }),
        Err(Error::BadInput(_))
    ));
    // Moving the flow row first: its line only moves.
    let e = apply(SCRIPT, &Edit::Move { row: 3, to: 1 }).unwrap();
    let mut lines: Vec<&str> = SCRIPT.lines().collect();
    let row = lines.remove(16);
    lines.insert(3, row);
    assert_eq!(e.text, lines.join("\n") + "\n");
    assert_eq!(e.message, "moved row 3 to 1 (4 rows)");
    // Moving row 2 (and its comments) down: it lands after row 3.
    let e = apply(SCRIPT, &Edit::Move { row: 2, to: 3 }).unwrap();
    let mut lines: Vec<&str> = SCRIPT.lines().collect();
    let row: Vec<&str> = lines.drain(10..16).collect();
    for (k, l) in row.into_iter().enumerate() {
        lines.insert(11 + k, l);
    }
    assert_eq!(e.text, lines.join("\n") + "\n");
}

#[test]
fn flow_lists_of_rows_take_set_only() {
    let text = "rows: [{type: sfx, description: Boom, duration: 1}]\n";
    let e = set(text, 1, &["volume=-20"]).unwrap();
    assert_eq!(
        e.text,
        "rows: [{type: sfx, volume: -20, description: Boom, duration: 1}]\n"
    );
    let e = apply(text, &Edit::Delete { rows: vec![1] }).unwrap_err();
    assert!(e.to_string().contains("`[ … ]`"), "{e}");
}

#[test]
fn crlf_files_stay_crlf() {
    let text = "rows:\r\n  - type: sfx\r\n    description: Boom\r\n";
    let e = set(text, 1, &["duration=2", "description=Bang"]).unwrap();
    assert_eq!(
        e.text,
        "rows:\r\n  - type: sfx\r\n    duration: 2\r\n    description: Bang\r\n"
    );
}

/// Found by fuzzing: YAML also breaks lines at a lone `\r`, and the row commands took the
/// parser's line numbers for lines split at `\n` only (an index out of bounds).
#[test]
fn cr_files_are_edited_by_the_parsers_lines() {
    let text = "rows:\r  - type: sfx\r    duration: 1\r    description: Boom\r  - {type: sfx, duration: 2, description: Bang}\r";
    let e = set(text, 1, &["duration=3"]).unwrap();
    assert_eq!(e.text, text.replace("duration: 1", "duration: 3"));
    let e = apply(text, &Edit::Move { row: 2, to: 1 }).unwrap();
    assert_eq!(
        e.text,
        "rows:\r  - {type: sfx, duration: 2, description: Bang}\r  - type: sfx\r    duration: 1\r    description: Boom\r"
    );
    let e = apply(text, &Edit::Delete { rows: vec![1] }).unwrap();
    assert_eq!(
        e.text,
        "rows:\r  - {type: sfx, duration: 2, description: Bang}\r"
    );
    let e = apply(
        text,
        &Edit::Insert {
            at: 3,
            fields: vec![a("type=sfx"), a("duration=4"), a("description=Knock")],
        },
    )
    .unwrap();
    assert!(
        e.text
            .ends_with("Bang}\r  - {type: sfx, duration: 4, description: Knock}\r"),
        "{:?}",
        e.text
    );
    // The parser's line numbers for a row on the lines after lone `\r`s: once an index out
    // of bounds.
    let e = apply("\nrows:\n-\r\r\r:", &Edit::Delete { rows: vec![1] });
    assert!(e.is_err(), "{e:?}");
}

/// One row of each kind, so that every field is valid on at least one of them.
const EVERY_KIND: &str = "\
rows:
  - type: speech
    character: Host
    text: Hello.
  - type: music
    id: bed
    action: begin
    description: calm
  - type: speech
    character: Host
    text: Again.
  - type: music
    id: bed
    action: end
  - type: sfx
    description: door
    duration: 1
";

/// Values a field of this kind takes, as a user types them after `field=`.
fn values_of(kind: FieldKind) -> Vec<String> {
    let number = |x: f64| format!("{x}");
    match kind {
        FieldKind::Text { .. } => vec!["Intro 2".into(), "42".into()],
        FieldKind::Path => vec!["sounds/the theme.mp3".into()],
        FieldKind::Choice(words) => words.iter().map(|w| w.to_string()).collect(),
        FieldKind::Number { min, max } => {
            vec![number(min), number(max), number((min + max) / 2.0)]
        }
        FieldKind::Integer { min, max } => vec![min.to_string(), (min + 1).min(max).to_string()],
        FieldKind::SecondsOrAuto { max } => vec!["2.5".into(), number(max), "auto".into()],
        FieldKind::BoolOrNumber { max } => {
            vec!["true".into(), "false".into(), "12".into(), number(max)]
        }
    }
}

#[test]
fn every_row_field_is_set_in_a_form_the_parser_accepts() {
    // From the table: a field added to it is covered here without a change to this test.
    for spec in ROW_FIELDS {
        for value in values_of(spec.kind) {
            let assignment = format!("{}={value}", spec.name);
            let results: Vec<_> = (1..=5)
                .map(|row| set(EVERY_KIND, row, &[&assignment]))
                .collect();
            let Some(edited) = results.iter().find_map(|r| r.as_ref().ok()) else {
                panic!("`onair set` cannot write {assignment} on any row: {results:#?}");
            };
            let script = parse_script(&edited.text).unwrap();
            let plain = !matches!(
                spec.kind,
                FieldKind::Text { .. } | FieldKind::Path | FieldKind::Choice(_)
            );
            if plain {
                // Written as YAML reads a number or flag, not as quoted text.
                assert!(
                    edited.text.contains(&format!("{}: {value}\n", spec.name)),
                    "{assignment}:\n{}",
                    edited.text
                );
            }
            assert_eq!(script.rows.len(), 5);
        }
    }
}

#[test]
fn numbers_are_written_as_numbers_by_insert_too() {
    for extra in ["take=3", "gap=-0.5", "gap=2", "volume=-20", "pan=0.5"] {
        let e = apply(
            EVERY_KIND,
            &Edit::Insert {
                at: 3,
                fields: vec![
                    a("type=speech"),
                    a("character=Guest"),
                    a("text=Me too."),
                    a(extra),
                ],
            },
        )
        .unwrap_or_else(|e| panic!("insert … {extra}: {e}"));
        let (field, value) = extra.split_once('=').unwrap();
        assert!(
            e.text.contains(&format!("    {field}: {value}\n")),
            "{extra}:\n{}",
            e.text
        );
    }
    let e = apply(
        EVERY_KIND,
        &Edit::Insert {
            at: 6,
            fields: vec![
                a("type=sfx"),
                a("layout=background"),
                a("duration=1"),
                a("duck=12"),
                a("description=thunder"),
            ],
        },
    );
    // A one-shot background needs a foreground row after it; at the end it has none, and
    // the error is about that, not about how `duck` was written.
    let Err(Error::Invalid(errors)) = e else {
        panic!("{e:?}");
    };
    assert!(
        errors
            .0
            .iter()
            .all(|e| e.field.as_deref() == Some("layout")),
        "{errors}"
    );
}

#[test]
fn deleting_half_a_background_names_the_other_half() {
    let path = std::path::Path::new("s.yaml");
    let delete = |rows: Vec<usize>| apply_to(path, EVERY_KIND, &Edit::Delete { rows });
    let Err(Error::BadInput(message)) = delete(vec![2]) else {
        panic!("deleting a begin alone succeeded");
    };
    assert_eq!(
        message,
        "row 2 begins background `bed`, which row 4 ends; delete both with `onair delete s.yaml 2 4`"
    );
    let Err(Error::BadInput(message)) = delete(vec![4, 5]) else {
        panic!("deleting an end alone succeeded");
    };
    assert_eq!(
        message,
        "row 4 ends background `bed`, which row 2 begins; delete them together with `onair delete s.yaml 2 4 5`"
    );
    // Both halves: fine.
    let e = delete(vec![2, 4]).unwrap();
    assert_eq!(e.rows, 3);
    assert_eq!(e.message, "deleted rows 2, 4 (3 rows)");
}
