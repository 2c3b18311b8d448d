//! The README's examples run as written: every YAML block in it is a valid script, the first
//! episode is the same as `examples/first-episode.yaml`, the walkthrough's commands run in
//! order in a fresh folder and make the files they name, and every flag of the command list
//! is one the program takes.

#[path = "support/onair.rs"]
mod onair_bin;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn readme() -> String {
    fs::read_to_string(repo().join("README.md")).unwrap()
}

/// A fenced block of the README: its language, the section it is in, and its lines.
struct Block {
    lang: String,
    section: String,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut open: Option<Block> = None;
    for line in markdown.lines() {
        if let Some(block) = open.as_mut() {
            if line.trim_start().starts_with("```") {
                out.push(open.take().unwrap());
            } else {
                block.text.push_str(line);
                block.text.push('\n');
            }
        } else if let Some(lang) = line.trim_start().strip_prefix("```") {
            open = Some(Block {
                lang: lang.trim().to_owned(),
                section: section.clone(),
                text: String::new(),
            });
        } else if let Some(title) = line.strip_prefix("## ") {
            section = title.trim().to_owned();
        }
    }
    assert!(open.is_none(), "README.md has an unclosed code block");
    out
}

/// The `onair …` command lines of a shell block, joined across `\` continuations and without
/// trailing comments, split into words as a POSIX shell would for the quoting used here.
fn onair_commands(block: &str) -> Vec<Vec<String>> {
    let mut joined = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let line = line.trim();
        if let Some(head) = line.strip_suffix('\\') {
            current.push_str(head);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        joined.push(std::mem::take(&mut current));
    }
    joined
        .iter()
        .map(|line| words(line))
        .filter(|w| w.first().is_some_and(|w| w == "onair"))
        .collect()
}

/// Shell words: spaces separate, single and double quotes group, `#` outside quotes at a word
/// start begins a comment.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.get_or_insert_with(String::new).push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (None, '#') if word.is_none() => break,
            (None, c) if c.is_whitespace() => out.extend(word.take()),
            (None, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote in README line: {line}");
    out.extend(word);
    out
}

fn onair(dir: &Path, args: &[String]) -> Output {
    onair_bin::command()
        .args(args)
        .current_dir(dir)
        .env("ONAIR_CACHE", dir.join("cache"))
        .output()
        .unwrap()
}

fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stderr\n{}\n--- stdout\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    )
}

#[test]
fn every_yaml_block_is_a_valid_script() {
    let yaml: Vec<Block> = blocks(&readme())
        .into_iter()
        .filter(|b| b.lang == "yaml")
        .collect();
    assert!(
        yaml.len() >= 2,
        "the README shows a first script and the format"
    );
    for b in &yaml {
        if let Err(e) = onair::script::parse_script(&b.text) {
            panic!(
                "a YAML block in README section {:?} is invalid: {e}",
                b.section
            );
        }
    }
}

#[test]
fn the_first_episode_is_the_example_file() {
    let first = blocks(&readme())
        .into_iter()
        .find(|b| b.lang == "yaml" && b.section == "Your first episode")
        .expect("README has a first episode");
    let file = fs::read_to_string(repo().join("examples/first-episode.yaml")).unwrap();
    assert_eq!(
        first.text, file,
        "README's first episode and examples/first-episode.yaml differ"
    );
}

#[test]
fn the_walkthrough_runs_as_written() {
    let all = blocks(&readme());
    let script = &all
        .iter()
        .find(|b| b.lang == "yaml" && b.section == "Your first episode")
        .expect("README has a first episode")
        .text;
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("first.yaml"), script).unwrap();
    let commands: Vec<Vec<String>> = all
        .iter()
        .filter(|b| b.lang == "sh" && b.section == "Your first episode")
        .flat_map(|b| onair_commands(&b.text))
        .collect();
    assert!(
        commands.len() >= 3,
        "the walkthrough validates, renders, edits and renders again"
    );
    for command in &commands {
        let o = onair(dir.path(), &command[1..]);
        assert!(
            o.status.success(),
            "`{}`: {}",
            command.join(" "),
            describe(&o)
        );
        // Every file the command names as an output exists afterwards.
        for pair in command.windows(2) {
            if ["-o", "--output", "--srt", "--report"].contains(&pair[0].as_str()) {
                let made = dir.path().join(&pair[1]);
                assert!(
                    made.is_file() && fs::metadata(&made).unwrap().len() > 0,
                    "`{}` did not write {}",
                    command.join(" "),
                    pair[1]
                );
            }
        }
    }
}

#[test]
fn every_flag_in_the_command_list_exists() {
    let all = blocks(&readme());
    let commands: Vec<Vec<String>> = all
        .iter()
        .filter(|b| b.lang == "sh")
        .flat_map(|b| onair_commands(&b.text))
        .collect();
    assert!(commands.len() >= 15, "the README lists the commands");
    let dir = tempfile::tempdir().unwrap();
    for command in &commands {
        // The subcommand, and its own subcommand for the groups (`sfx search`, `cache verify`).
        let mut path: Vec<String> = command[1..2].to_vec();
        if ["sfx", "cache"].contains(&command[1].as_str()) {
            path.push(command[2].clone());
        }
        let mut args = path.clone();
        args.push("--help".into());
        let o = onair(dir.path(), &args);
        assert!(
            o.status.success(),
            "`onair {}` is not a command: {}",
            path.join(" "),
            describe(&o)
        );
        let help = String::from_utf8_lossy(&o.stdout);
        for word in command.iter().filter(|w| w.starts_with('-') && w.len() > 1) {
            let flag = word.split('=').next().unwrap();
            if flag.parse::<f64>().is_ok() {
                continue; // a negative number, not a flag
            }
            let taken = help.contains(&format!("{flag} ")) || help.contains(&format!("{flag},"));
            assert!(
                taken,
                "README: `{}` uses {flag}, which `onair {} --help` does not list",
                command.join(" "),
                path.join(" ")
            );
        }
    }
}
