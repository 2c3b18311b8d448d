//! The `onair` command: parse arguments, run, print the whole error chain, set the exit code
//! (0 success, 2 invalid input, 1 any other failure).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints usage errors itself and exits with code 2.
    let args = onair::cli::Args::parse();
    match onair::cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("onair: {err:#}");
            let invalid_input = err
                .chain()
                .filter_map(|e| e.downcast_ref::<onair::Error>())
                .any(onair::Error::is_invalid_input);
            ExitCode::from(if invalid_input { 2 } else { 1 })
        }
    }
}
