use onair::plan::local::LocalPlanner;
use onair::plan::{Brief, Planner, to_yaml};
#[test]
fn show() {
    let mut p = LocalPlanner::new(None, &onair::assets::models_dir()).unwrap();
    for seed in 0..1 {
        let (b, _) = Brief::new("A science-fiction news segment: Mars News reports that humans sent a light-speed probe to Alpha Centauri. Start with the news anchor, then a reporter interviews the chief engineer, and end with the anchor.", seed).unwrap();
        let t = std::time::Instant::now();
        let plan = p.plan(&b).unwrap();
        eprintln!("{}\n{:?}\n{:?} {:?}", to_yaml(&plan, &b), plan.warnings, p.stats(), t.elapsed());
    }
}
