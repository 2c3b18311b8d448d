//! The row commands (`set`, `insert`, `delete`, `move`) through the real binary: edits keep
//! every other line of the file as it was, and an edit that would break the script leaves the
//! file untouched.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn onair(dir: &Path, args: &[&str]) -> Output {
    onair_bin::command()
        .args(args)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\n--- stderr\n{}\n--- stdout\n{}",
        o.status.code(),
        stderr(o),
        stdout(o)
    );
    stdout(o)
}

/// examples/mars-news.yaml with comments, blank lines and flow rows added.
fn commented_script() -> String {
    let text = fs::read_to_string(repo().join("examples/mars-news.yaml")).unwrap();
    let text = text
        .replace(
            "rows:\n",
            "rows:   # the running order\n  # The theme opens the show.\n",
        )
        .replace(
            "  - type: sfx\n    volume: -24\n    duration: 1.2\n    description: Transition swoosh\n",
            "\n  - { type: sfx, volume: -24, duration: 1.2, description: Transition swoosh }   # whoosh\n\n",
        )
        .replace(
            "    description: When will we hear from Alpha Centauri?\n",
            "    # a short question\n    description: \"When will we hear from Alpha Centauri?\"\n",
        )
        .replace(
            "  - type: sfx\n    id: office\n    action: end\n",
            "  - {type: sfx, id: office, action: end}\n",
        );
    assert!(text.contains("{ type: sfx, volume: -24"));
    assert!(text.contains("{type: sfx, id: office"));
    text
}

/// The lines that differ, by common start and end: (first line, removed, added).
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
    let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    (
        start,
        lines(&b[start..b.len() - end]),
        lines(&a[start..a.len() - end]),
    )
}

struct Script {
    dir: tempfile::TempDir,
}

impl Script {
    fn new(text: &str) -> Script {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("s.yaml"), text).unwrap();
        Script { dir }
    }

    fn text(&self) -> String {
        fs::read_to_string(self.dir.path().join("s.yaml")).unwrap()
    }

    fn run(&self, args: &[&str]) -> Output {
        onair(self.dir.path(), args)
    }

    /// Runs an edit, checks it succeeded, and gives back (printed line, text before, after).
    #[track_caller]
    fn edit(&self, args: &[&str]) -> (String, String, String) {
        let before = self.text();
        let mut all = vec![args[0], "s.yaml"];
        all.extend(&args[1..]);
        let line = ok(&self.run(&all));
        (line.trim_end().to_owned(), before, self.text())
    }

    /// `onair table` output.
    fn table(&self) -> String {
        ok(&self.run(&["table", "s.yaml"]))
    }
}

#[test]
fn set_changes_only_the_edited_lines() {
    let s = Script::new(&commented_script());
    // A block row.
    let (line, before, after) = s.edit(&["set", "3", "description=Tonight: a first."]);
    assert_eq!(line, "row 3: description changed (14 rows)");
    let (_, removed, added) = diff(&before, &after);
    assert_eq!(removed.len(), 1, "{removed:?}");
    assert_eq!(added, ["    description: \"Tonight: a first.\""]);
    assert!(s.table().contains("Tonight: a first."));
    // A flow row, keeping its trailing comment.
    let (line, before, after) = s.edit(&["set", "6", "volume=-20", "duration=2"]);
    assert_eq!(line, "row 6: volume changed, duration changed (14 rows)");
    let (_, removed, added) = diff(&before, &after);
    assert_eq!(removed.len(), 1);
    assert_eq!(
        added,
        ["  - { type: sfx, volume: -20, duration: 2, description: Transition swoosh }   # whoosh"]
    );
    // A quoted value stays on its line; the comment above it stays.
    let (_, before, after) = s.edit(&["set", "10", "description=When, exactly?"]);
    let (_, removed, added) = diff(&before, &after);
    assert_eq!(
        (removed.len(), added),
        (1, vec!["    description: When, exactly?".to_string()])
    );
    // A new field gets a line of its own; removing it gives the file back.
    let (line, before, after) = s.edit(&["set", "2", "volume=-12"]);
    assert_eq!(line, "row 2: volume added (14 rows)");
    let (_, removed, added) = diff(&before, &after);
    assert!(removed.is_empty());
    assert_eq!(added, ["    volume: -12"]);
    let (line, _, after) = s.edit(&["set", "2", "volume="]);
    assert_eq!(line, "row 2: volume removed (14 rows)");
    assert_eq!(after, before);
}

#[test]
fn insert_delete_and_move_touch_only_the_rows_lines() {
    let original = commented_script();
    let s = Script::new(&original);
    let (line, before, after) = s.edit(&[
        "insert",
        "3",
        "type=sfx",
        "description=Door slam",
        "duration=1.5",
    ]);
    assert_eq!(line, "inserted row 3 (15 rows)");
    let (first, removed, added) = diff(&before, &after);
    assert!(removed.is_empty());
    assert_eq!(
        added,
        [
            "  - type: sfx",
            "    duration: 1.5",
            "    description: Door slam"
        ]
    );
    assert_eq!(before.lines().nth(first), Some("  - type: speech"));
    assert!(s.table().contains("Door slam"));

    // Next to a flow row, a flow row.
    let (_, before, after) = s.edit(&[
        "insert",
        "7",
        "type=sfx",
        "description=Click",
        "duration=0.2",
    ]);
    let (_, _, added) = diff(&before, &after);
    assert_eq!(
        added,
        ["  - { type: sfx, duration: 0.2, description: Click }"]
    );

    // Delete them again: the file as it was.
    let (line, _, after) = s.edit(&["delete", "3", "7"]);
    assert_eq!(line, "deleted rows 3, 7 (14 rows)");
    assert_eq!(after, original);

    // Move the flow row (6) up to 2: its line moves, and one of the blank lines around it
    // goes with it (the rows there have none between them).
    let (line, before, after) = s.edit(&["move", "6", "2"]);
    assert_eq!(line, "moved row 6 to 2 (14 rows)");
    let mut lines: Vec<&str> = before.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Transition swoosh"))
        .unwrap();
    let moved = lines.remove(at);
    assert_eq!(lines.remove(at), "");
    let to = lines
        .iter()
        .position(|l| l.contains("I'm your anchor"))
        .unwrap()
        - 2;
    lines.insert(to, moved);
    assert_eq!(after, lines.join("\n") + "\n");
    // Back: the file as it was but for that blank line.
    let (_, _, after) = s.edit(&["move", "2", "6"]);
    let (_, removed, added) = diff(&original, &after);
    assert_eq!((removed, added), (vec![String::new()], vec![]));

    // A block row moves with the comment line inside it.
    let (_, before, after) = s.edit(&["move", "10", "14"]);
    let mut lines: Vec<&str> = before.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("# a short question"))
        .unwrap()
        - 2;
    let moved: Vec<&str> = lines.drain(at..at + 4).collect();
    assert!(moved[0].starts_with("  - type: speech"), "{moved:?}");
    lines.extend(moved);
    assert_eq!(after, lines.join("\n") + "\n");
    let table = s.table();
    let last = table.lines().last().unwrap();
    assert!(
        last.starts_with("14") && last.contains("Alpha Centauri"),
        "{table}"
    );
}

#[track_caller]
fn refused(s: &Script, args: &[&str], expect: &[&str]) {
    let before = s.text();
    let mut all = vec![args[0], "s.yaml"];
    all.extend(&args[1..]);
    let o = s.run(&all);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    for e in expect {
        assert!(err.contains(e), "{args:?}: expected {e:?} in\n{err}");
    }
    assert_eq!(s.text(), before, "{args:?} changed the file");
}

#[test]
fn invalid_edits_exit_2_and_leave_the_file_alone() {
    let s = Script::new(&commented_script());
    refused(
        &s,
        &["set", "1", "type=speech"],
        &["s.yaml not changed", "row 1, field `character`"],
    );
    refused(
        &s,
        &["set", "6", "volume=5"],
        &["row 6, field `volume`", "out of range"],
    );
    refused(
        &s,
        &["set", "6", "volume=loud"],
        &["row 6, field `volume`", "expected a number"],
    );
    refused(
        &s,
        &["set", "2", "descripton=Hi"],
        &["row 2: unknown field `descripton`; did you mean `description`?"],
    );
    refused(&s, &["set", "15", "volume=-3"], &["row 15", "1 to 14"]);
    refused(&s, &["set", "2", "volume"], &["not field=value"]);
    refused(&s, &["insert", "16", "type=sfx"], &["1 to 15"]);
    refused(
        &s,
        &["insert", "2", "type=speech"],
        &["row 2, field `character`"],
    );
    // Once it said the `end` of `theme` had no open `begin`, about a row left in the file.
    refused(
        &s,
        &["delete", "1"],
        &[
            "s.yaml not changed: row 1 begins background `theme`, which row 4 ends; delete both with `onair delete s.yaml 1 4`",
        ],
    );
    refused(
        &s,
        &["delete", "13", "14"],
        &[
            "row 13 ends background `office`, which row 7 begins; delete them together with `onair delete s.yaml 7 13 14`",
        ],
    );
    refused(&s, &["delete", "0"], &["row 0 does not exist"]);
    refused(&s, &["move", "4", "1"], &["no open `begin`"]);
    let bad = Script::new("rows:\n  - type: [\n");
    refused(&bad, &["set", "1", "type=sfx"], &["YAML syntax"]);
}

#[test]
fn set_and_insert_write_whole_numbers_as_numbers() {
    // `take` was once written as the text "2", which the script refuses.
    let s = Script::new(&commented_script());
    let (line, _, after) = s.edit(&["set", "14", "take=2"]);
    assert_eq!(line, "row 14: take added (14 rows)");
    assert!(after.contains("    take: 2\n"), "{after}");
    let (line, _, after) = s.edit(&["insert", "3", "type=sfx", "duration=1", "take=3"]);
    assert_eq!(line, "inserted row 3 (15 rows)");
    assert!(after.contains("    take: 3\n"), "{after}");
    let (_, _, after) = s.edit(&["set", "2", "take=4", "chapter=2"]);
    assert!(after.contains("    take: 4\n"), "{after}");
    assert!(after.contains("    chapter: \"2\"\n"), "{after}");
    let (_, _, after) = s.edit(&["set", "3", "gap=-0.5"]);
    assert!(after.contains("gap: -0.5"), "{after}");
    // Row 2 is the first foreground row: validation refuses the gap, by its name.
    refused(
        &s,
        &["set", "2", "gap=1"],
        &["row 2, field `gap`", "the first foreground row"],
    );
}

#[test]
fn every_example_takes_a_new_description_on_every_row() {
    let mut examples: Vec<PathBuf> = fs::read_dir(repo().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 3);
    for path in examples {
        let original = fs::read_to_string(&path).unwrap();
        let s = Script::new(&original);
        let rows = s.table().lines().count() - 1;
        for row in 1..=rows {
            let description = format!("New words for row {row}: \"quoted\", #{row}");
            let arg = format!("description={description}");
            let before = s.text();
            let o = s.run(&["set", "s.yaml", &row.to_string(), &arg]);
            let table = s.table();
            let line = table.lines().nth(row).unwrap();
            if line.contains(" end") && o.status.code() == Some(2) {
                // An `end` row takes no description.
                assert!(
                    stderr(&o).contains("no effect on an `end` row"),
                    "{}",
                    stderr(&o)
                );
                assert_eq!(s.text(), before);
                continue;
            }
            ok(&o);
            assert!(
                line.contains(&description),
                "{}: row {row} shows {line}",
                path.display()
            );
            let (_, removed, added) = diff(&before, &s.text());
            assert_eq!((removed.len(), added.len()), (1, 1), "{}", path.display());
        }
        ok(&s.run(&["validate", "s.yaml"]));
    }
}

#[test]
fn values_with_quotes_colons_hashes_and_unicode_round_trip() {
    let s = Script::new(&commented_script());
    for (row, value) in [
        ("2", "She said \"hello\": it's #1 — 東京 🎙"),
        ("6", "a, b {c} [d]: e # f"),
        ("6", "'single'"),
        ("3", "1.50"),
        ("3", "true"),
        ("3", "  padded  "),
    ] {
        s.edit(&["set", row, &format!("description={value}")]);
        let table = s.table();
        let line = table.lines().nth(row.parse().unwrap()).unwrap();
        assert!(line.contains(value.trim()), "{value:?}: {line}");
    }
    // Numbers as text.
    s.edit(&["set", "2", "id=007"]);
    assert!(
        s.text().contains("  - type: speech\n    id: \"007\"\n"),
        "{}",
        s.text()
    );
    assert!(s.table().lines().nth(2).unwrap().contains(" 007 "));
}
