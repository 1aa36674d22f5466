//! `pfa-conformance`: runs the PFA conformance suite or engine vectors against pfa-core.

use std::io::Write;
use std::process::ExitCode;

use conformance_tests::backend::PfaCore;
use conformance_tests::cli::{execute, parse_args, USAGE};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let parsed = match parse_args(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("pfa-conformance: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let engine = PfaCore::default();
    let mut out = std::io::stdout().lock();
    let status = execute(&parsed, &engine, &engine, &mut out);
    // A closed pipe (e.g. `| head`) is not an error of the run.
    let _ = out.flush();
    ExitCode::from(u8::try_from(status).unwrap_or(2))
}
