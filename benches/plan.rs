//! Planner validity and speed: every brief in tests/data/briefs planned by the template
//! planner (20 seeds each) and by the local planner (200 seeds, briefs in turn, with the model
//! `scripts/setup` installs); prints how many plans validate, the local model's tokens per
//! second and where its time goes (`PLAN_SEEDS=N` plans N seeds instead). Run by
//! `scripts/bench`, or `cargo bench --bench plan`.
//! Run as a test (`cargo test --all-targets`, no `--bench` argument) it plans 2 seeds, to
//! stay quick.

use std::time::Instant;

use onair::plan::local::LocalPlanner;
use onair::plan::template::TemplatePlanner;
use onair::plan::{Brief, Planner, check};

#[path = "../tests/support/briefs.rs"]
mod support;

fn briefs() -> Vec<String> {
    support::briefs()
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let briefs = briefs();

    let template_seeds = if bench { 20 } else { 2 };
    let mut template = TemplatePlanner::new();
    let (mut valid, mut total) = (0, 0);
    let started = Instant::now();
    for text in &briefs {
        for seed in 0..template_seeds {
            let (brief, _) = Brief::new(text, seed).expect("brief");
            total += 1;
            if template
                .plan(&brief)
                .is_ok_and(|p| check(&p.script).is_ok())
            {
                valid += 1;
            }
        }
    }
    println!(
        "plan       template  {valid}/{total} valid ({} briefs x {template_seeds} seeds), {:.2} ms per plan",
        briefs.len(),
        started.elapsed().as_secs_f64() * 1000.0 / total as f64
    );

    let mut local = match LocalPlanner::new(None, &onair::Settings::from_env().models_dir) {
        Ok(p) => p,
        Err(e) => {
            println!("plan       local     skipped: {e}");
            return;
        }
    };
    // PLAN_SEEDS: fewer seeds, for comparing builds side by side.
    let seeds: u64 = match std::env::var("PLAN_SEEDS") {
        Ok(n) => n.parse().expect("PLAN_SEEDS is a number"),
        Err(_) if bench => 200,
        Err(_) => 2,
    };
    let (mut valid, mut tokens, mut sampled) = (0, 0, 0);
    let (mut decode_s, mut mask_s, mut prompt_s, mut prompt_tokens) = (0.0, 0.0, 0.0, 0);
    let mut failures = Vec::new();
    let started = Instant::now();
    for seed in 0..seeds {
        let text = &briefs[seed as usize % briefs.len()];
        let (brief, _) = Brief::new(text, seed).expect("brief");
        match local.plan(&brief) {
            Ok(plan) if check(&plan.script).is_ok() => valid += 1,
            Ok(_) => failures.push(format!("seed {seed}: does not validate")),
            Err(e) => failures.push(format!("seed {seed}: {e}")),
        }
        let s = local.stats();
        tokens += s.tokens;
        sampled += s.sampled;
        decode_s += s.decode_s;
        mask_s += s.mask_s;
        prompt_s += s.prompt_s;
        prompt_tokens += s.prompt_tokens;
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "plan       local     {valid}/{seeds} valid with {}: {:.0} tokens per second ({tokens} reply tokens, {:.0}% sampled, the rest forced by the grammar; token masks {:.0}% of decoding); prompt {prompt_tokens} tokens at {:.0} tokens per second; {:.1} s per plan",
        local.model_name(),
        tokens as f64 / decode_s,
        100.0 * sampled as f64 / tokens.max(1) as f64,
        100.0 * mask_s / decode_s,
        prompt_tokens as f64 / prompt_s,
        wall / seeds as f64,
    );
    for f in &failures {
        println!("plan       local     {f}");
    }
}
