//! Renders procedural sound recipes to WAV files for listening, and times them:
//! `cargo run --release --example recipe_wav -- OUT_DIR NAME[:DESCRIPTION] ...`.
use onair::audio::wav::{BitDepth, write_wav};
use onair::dsp::sounds::SoundParams;
use onair::generate::sfx::{find_recipe, parse_params};
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(&args[0]);
    for spec in &args[1..] {
        let (name, description) = spec.split_once(':').unwrap_or((spec, ""));
        let recipe = find_recipe(name).unwrap_or_else(|| panic!("no recipe {name}"));
        let params = parse_params(description);
        let frames = recipe.natural_frames(&params, 48_000);
        let buf = recipe.render(&params, frames, 48_000, false, 1);
        write_wav(&dir.join(format!("{name}.wav")), &buf, BitDepth::Int16).unwrap();
        // Speed: a 10 s background at full intensity, as the sfx bench measures it.
        let heavy = SoundParams {
            intensity: 1.0,
            ..SoundParams::default()
        };
        let t = Instant::now();
        recipe.render(&heavy, 480_000, 48_000, true, 2);
        println!(
            "{name:<20} {:>6.0}x real time",
            10.0 / t.elapsed().as_secs_f64()
        );
    }
}
