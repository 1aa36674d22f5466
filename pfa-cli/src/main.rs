//! `pfa`: score data with a PFA model, check it, describe it, or verify it against test
//! cases. Run `pfa --help` for the commands and options.

/// Prints a line on standard output. A closed pipe is not an error (whoever reads has
/// what it wanted), and nothing here may panic on it.
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// Prints a line on standard error, ignoring a closed stream.
macro_rules! errln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod args;
mod check;
mod formats;
mod locate;
mod progress;
mod score;
mod verify;

use std::process::ExitCode;

use anyhow::Result;
use pfa_core::{LoadOptions, PfaError, Program};

use crate::args::{Command, ModelArgs, UsageError, USAGE};

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let result = args::parse(args).and_then(run);
    match result {
        Ok(code) => code,
        Err(e) => {
            if e.is::<UsageError>() {
                errln!("pfa: {e}");
                ExitCode::from(2)
            } else {
                errln!("pfa: {e:#}");
                ExitCode::from(1)
            }
        }
    }
}

fn run(cmd: Command) -> Result<ExitCode> {
    match cmd {
        Command::Help => {
            outln!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            outln!("pfa {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Command::Score(a) => score::run(a),
        Command::Check(a) => check::check(a),
        Command::Inspect(a) => check::inspect(a),
        Command::Verify(a) => verify::run(a),
    }
}

/// The load options a command line asks for.
fn load_options(m: &ModelArgs) -> LoadOptions {
    LoadOptions {
        options: m.options.clone(),
        seed: m.seed,
        ..Default::default()
    }
}

/// Loads the model, or fails with the engine's error and where in the document it is.
fn load(m: &ModelArgs) -> Result<Program> {
    Program::from_file(&m.model, &load_options(m))
        .map_err(|e| anyhow::anyhow!(check::describe_error(&m.model, &e)))
}

/// Loads the model, keeping the engine's error.
fn load_raw(m: &ModelArgs) -> Result<Program, PfaError> {
    Program::from_file(&m.model, &load_options(m))
}
