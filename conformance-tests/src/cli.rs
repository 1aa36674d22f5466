//! The command line: argument parsing and the two commands, with the engine passed in so
//! the whole flow (reports, baselines, exit status) can be tested with a fake engine.

use std::io::Write;
use std::path::PathBuf;

use crate::deviations::Deviations;
use crate::report::{format_baseline, parse_baseline, regressions, Aggregate};
use crate::suite::{run_suite, SuiteEngine, SuiteOptions};
use crate::vectors::{run_vectors_with, vector_files, VectorEngine};

/// Usage text.
pub const USAGE: &str = "\
usage:
  pfa-conformance suite PATH [--function NAME]... [--report-json FILE]
                  [--baseline FILE] [--write-baseline FILE] [--threads N]
                  [--deviations FILE] [--dump-failures FILE]
  pfa-conformance vectors PATH... [--report-json FILE]
                  [--baseline FILE] [--write-baseline FILE] [--threads N]
                  [--deviations FILE] [--dump-failures FILE]

suite    runs the function-library suite (pfa-tests.json, plain or gzip)
vectors  runs engine vectors (*.jsonl, *.jsonl.gz files, or directories of them)

--function NAME        run only this function (repeatable; suite only)
--report-json FILE     write the counts as JSON
--write-baseline FILE  write the sorted names (functions or vector ids) whose trials all pass
--baseline FILE        exit 1 if a name listed in FILE no longer fully passes
--threads N            worker threads (default: available cores)
--deviations FILE      JSONL list of trials (function + sample) or vectors (id) where
                       pfa-core deliberately differs from the recording: their failures
                       are counted as deviations and do not keep a name out of the baseline
--dump-failures FILE   write every failed trial (suite) or failing vector as JSONL

Exit status: 0 ok, 1 a panic or a baseline regression, 2 bad usage or unreadable input.";

/// Which command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// The library suite.
    Suite,
    /// Engine vectors.
    Vectors,
}

/// Parsed arguments.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    /// The command.
    pub command: Command,
    /// Input paths (exactly one for the suite).
    pub paths: Vec<PathBuf>,
    /// `--function` filters.
    pub functions: Vec<String>,
    /// `--report-json`
    pub report_json: Option<PathBuf>,
    /// `--baseline`
    pub baseline: Option<PathBuf>,
    /// `--write-baseline`
    pub write_baseline: Option<PathBuf>,
    /// `--threads` (0 = available cores).
    pub threads: usize,
    /// `--deviations`
    pub deviations: Option<PathBuf>,
    /// `--dump-failures`
    pub dump_failures: Option<PathBuf>,
}

/// Parses the arguments after the program name.
///
/// # Errors
/// A message for the user (print it with [`USAGE`]).
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut it = args.iter();
    let command = match it.next().map(String::as_str) {
        Some("suite") => Command::Suite,
        Some("vectors") => Command::Vectors,
        Some(other) => return Err(format!("unknown command \"{other}\"")),
        None => return Err("missing command".into()),
    };
    let mut a = Args {
        command,
        paths: Vec::new(),
        functions: Vec::new(),
        report_json: None,
        baseline: None,
        write_baseline: None,
        threads: 0,
        deviations: None,
        dump_failures: None,
    };
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        if !flag.starts_with("--") || flag == "--" {
            a.paths.push(PathBuf::from(arg));
            continue;
        }
        let mut value = || -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value")),
            }
        };
        match flag {
            "--function" => {
                if command != Command::Suite {
                    return Err("--function applies to the suite only".into());
                }
                a.functions.push(value()?);
            }
            "--report-json" => a.report_json = Some(PathBuf::from(value()?)),
            "--baseline" => a.baseline = Some(PathBuf::from(value()?)),
            "--write-baseline" => a.write_baseline = Some(PathBuf::from(value()?)),
            "--deviations" => a.deviations = Some(PathBuf::from(value()?)),
            "--dump-failures" => a.dump_failures = Some(PathBuf::from(value()?)),
            "--threads" => {
                let v = value()?;
                a.threads = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("--threads needs a positive number, not \"{v}\""))?;
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    match (command, a.paths.len()) {
        (_, 0) => return Err("missing PATH".into()),
        (Command::Suite, n) if n > 1 => return Err("the suite takes exactly one PATH".into()),
        _ => {}
    }
    Ok(a)
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs a parsed command, writing the report to `out`; returns the exit status.
pub fn execute(
    args: &Args,
    suite_engine: &dyn SuiteEngine,
    vector_engine: &dyn VectorEngine,
    out: &mut dyn Write,
) -> i32 {
    let threads = if args.threads == 0 {
        default_threads()
    } else {
        args.threads
    };
    // Read the baseline first: a missing file should not cost a whole run.
    let baseline = match &args.baseline {
        Some(p) => match std::fs::read_to_string(p) {
            Ok(t) => Some(parse_baseline(&t)),
            Err(e) => {
                let _ = writeln!(out, "error: cannot read baseline {}: {e}", p.display());
                return 2;
            }
        },
        None => None,
    };
    let deviations = match &args.deviations {
        Some(p) => match Deviations::load(p) {
            Ok(d) => d,
            Err(e) => {
                let _ = writeln!(out, "error: {e}");
                return 2;
            }
        },
        None => Deviations::default(),
    };
    let source = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let agg: Aggregate = match args.command {
        Command::Suite => {
            let opts = SuiteOptions {
                functions: args.functions.clone(),
                threads,
                deviations: deviations.clone(),
                dump_failures: args.dump_failures.is_some(),
            };
            run_suite(&args.paths[0], suite_engine, &opts)
        }
        Command::Vectors => match vector_files(&args.paths) {
            Ok(files) => run_vectors_with(
                &files,
                vector_engine,
                threads,
                &deviations,
                args.dump_failures.is_some(),
            ),
            Err(e) => {
                let _ = writeln!(out, "error: {e}");
                return 2;
            }
        },
    };
    let _ = write!(out, "{}", agg.to_text(&source));
    // Listed deviations of names that were run but never met: the list is out of date.
    let unmatched = deviations
        .entries()
        .into_iter()
        .filter(|(name, key)| {
            agg.by_name.contains_key(name)
                && !agg.deviations_failing.contains(key)
                && !agg.deviations_passing.contains(key)
        })
        .count();
    if unmatched > 0 {
        let _ = writeln!(
            out,
            "note: {unmatched} listed deviations of names that were run matched no trial"
        );
    }
    let mut status = 0;
    if let Some(p) = &args.dump_failures {
        if let Err(e) = std::fs::write(p, agg.dump_text()) {
            let _ = writeln!(out, "error: cannot write {}: {e}", p.display());
            status = 2;
        }
    }
    if let Some(p) = &args.report_json {
        let text = serde_json::to_string_pretty(&agg.to_json()).unwrap_or_default() + "\n";
        if let Err(e) = std::fs::write(p, text) {
            let _ = writeln!(out, "error: cannot write {}: {e}", p.display());
            status = 2;
        }
    }
    if let Some(p) = &args.write_baseline {
        let names = agg.passing_names();
        match std::fs::write(p, format_baseline(&names)) {
            Ok(()) => {
                let _ = writeln!(
                    out,
                    "wrote baseline of {} names to {}",
                    names.len(),
                    p.display()
                );
            }
            Err(e) => {
                let _ = writeln!(out, "error: cannot write {}: {e}", p.display());
                status = 2;
            }
        }
    }
    if let Some(base) = &baseline {
        let selected = |n: &str| args.functions.is_empty() || args.functions.iter().any(|f| f == n);
        let reg = regressions(base, &agg, &selected);
        if reg.is_empty() {
            let _ = writeln!(out, "baseline: all {} listed names still pass", base.len());
        } else {
            let _ = writeln!(out, "baseline regressions ({}):", reg.len());
            for r in &reg {
                let _ = writeln!(out, "  {r}");
            }
            status = status.max(1);
        }
    }
    if agg.panics > 0 {
        let _ = writeln!(
            out,
            "FAILED: {} panics (a panic is always an engine bug)",
            agg.panics
        );
        status = status.max(1);
    }
    if agg.error_count > 0 {
        let _ = writeln!(
            out,
            "FAILED: {} problems with the input files",
            agg.error_count
        );
        status = 2;
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<Args, String> {
        parse_args(&s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn parsing() {
        let a =
            args("suite f.json.gz --function + --function=a.sort --threads 3 --report-json r.json")
                .unwrap();
        assert_eq!(a.command, Command::Suite);
        assert_eq!(a.paths, vec![PathBuf::from("f.json.gz")]);
        assert_eq!(a.functions, vec!["+", "a.sort"]);
        assert_eq!(a.threads, 3);
        assert_eq!(a.report_json, Some(PathBuf::from("r.json")));
        let v = args("vectors a.jsonl dir --baseline b.txt --write-baseline w.txt").unwrap();
        assert_eq!(v.paths.len(), 2);
        assert!(args("vectors a --function x").is_err());
        assert!(args("suite a b").is_err());
        assert!(args("suite").is_err());
        assert!(args("suite a --threads 0").is_err());
        assert!(args("suite a --bogus").is_err());
        assert!(args("suite a --report-json").is_err());
        assert!(args("frobnicate a").is_err());
    }
}
