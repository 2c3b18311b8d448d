//! The local planner with the model `scripts/setup` installs (SmolLM2-135M-Instruct, GGUF):
//! its decoding is constrained by the script grammar, so every seed gives a script that
//! validates, and the same seed gives the same script.

use onair::plan::local::LocalPlanner;
use onair::plan::{Brief, Planner, check, to_yaml};
use onair::script::parse_script;

fn planner() -> LocalPlanner {
    LocalPlanner::new(None, &onair::Settings::default().models_dir)
        .unwrap_or_else(|e| panic!("{e} (run scripts/setup)"))
}

#[path = "support/briefs.rs"]
mod support;
use support::briefs;

/// Rows without their line and column, which differ between the JSON and the YAML text.
fn without_places(mut rows: Vec<onair::script::Row>) -> Vec<onair::script::Row> {
    for r in &mut rows {
        (r.line, r.column) = (0, 0);
    }
    rows
}

/// One test, so the model runs alone (candle's thread pool is shared by the process).
#[test]
fn twenty_seeds_give_twenty_valid_scripts_and_a_seed_repeats_its_script() {
    let briefs = briefs();
    assert!(briefs.len() >= 12, "{} briefs", briefs.len());
    let mut planner = planner();
    let mut first = None;
    let mut tokens = 0;
    let mut decode_s = 0.0;
    for seed in 0..20u64 {
        let (name, text) = &briefs[seed as usize % briefs.len()];
        let (brief, _) = Brief::new(text, seed).unwrap();
        let plan = planner
            .plan(&brief)
            .unwrap_or_else(|e| panic!("{name}, seed {seed}: {e}"));
        let script = check(&plan.script).unwrap_or_else(|e| panic!("{name}, seed {seed}: {e}"));
        // What the user gets is the YAML: it must read back as the same script.
        let yaml = to_yaml(&plan, &brief);
        let reread =
            parse_script(&yaml).unwrap_or_else(|e| panic!("{name}, seed {seed}: {e}\n{yaml}"));
        assert_eq!(
            without_places(reread.rows),
            without_places(script.rows.clone()),
            "{yaml}"
        );
        assert!(script.rows.iter().any(|r| r.is_foreground()), "{yaml}");
        let stats = planner.stats();
        tokens += stats.tokens;
        decode_s += stats.decode_s;
        first.get_or_insert(plan.script);
    }
    eprintln!(
        "20/20 valid; {tokens} tokens in {decode_s:.1} s of decoding ({:.0} tok/s)",
        tokens as f64 / decode_s
    );

    // The same brief and seed again, after 19 other plans: the same script.
    let (_, text) = &briefs[0];
    let (brief, _) = Brief::new(text, 0).unwrap();
    assert_eq!(planner.plan(&brief).unwrap().script, first.unwrap());
}
