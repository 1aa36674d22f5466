//! Command-line arguments: lexed with `lexopt`, validated into one struct per command.

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use lexopt::prelude::*;

use crate::formats::Format;

/// What to do with a record whose scoring fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnError {
    /// Stop at the first failing record.
    Fail,
    /// Drop the record silently (the exit code still reports it).
    Skip,
    /// Report the record on standard error and go on.
    Log,
}

/// Settings shared by every command that loads a model.
#[derive(Debug, Default)]
pub struct ModelArgs {
    /// The PFA document.
    pub model: PathBuf,
    /// `--option KEY=VALUE` host options, in order.
    pub options: Vec<(String, serde_json::Value)>,
    /// `--seed N`.
    pub seed: Option<i64>,
}

/// `pfa score`.
#[derive(Debug)]
pub struct ScoreArgs {
    /// Model and load settings.
    pub model: ModelArgs,
    /// Input files; empty means standard input.
    pub inputs: Vec<PathBuf>,
    /// `-o FILE`; `None` means standard output.
    pub output: Option<PathBuf>,
    /// `--input-format`.
    pub input_format: Option<Format>,
    /// `--output-format`.
    pub output_format: Option<Format>,
    /// `-n/--engines`.
    pub engines: usize,
    /// `--on-error`.
    pub on_error: OnError,
    /// `--save-state FILE`.
    pub save_state: Option<PathBuf>,
    /// `--tally-every N` (fold engines).
    pub tally_every: Option<u64>,
    /// `--progress` / `--no-progress`: `None` means "when standard error is a terminal".
    pub progress: Option<bool>,
}

/// `pfa check` and `pfa inspect`.
#[derive(Debug)]
pub struct CheckArgs {
    /// Model and load settings.
    pub model: ModelArgs,
    /// `--json`: machine-readable output.
    pub json: bool,
}

/// `pfa verify`.
#[derive(Debug)]
pub struct VerifyArgs {
    /// Model and load settings.
    pub model: ModelArgs,
    /// The cases file (JSON lines).
    pub cases: PathBuf,
    /// Relative tolerance for floating-point comparisons.
    pub rtol: f64,
    /// Absolute tolerance for floating-point comparisons.
    pub atol: f64,
    /// `--report-json FILE`.
    pub report_json: Option<PathBuf>,
}

/// A parsed command line.
#[derive(Debug)]
pub enum Command {
    /// Score data.
    Score(ScoreArgs),
    /// Load and type-check a model.
    Check(CheckArgs),
    /// Describe a model.
    Inspect(CheckArgs),
    /// Run test cases against a model.
    Verify(VerifyArgs),
    /// Print usage.
    Help,
    /// Print the version.
    Version,
}

/// The usage text.
pub const USAGE: &str = "\
pfa: score, check, inspect and verify PFA models

usage:
  pfa score MODEL [INPUT...] [options]
  pfa check MODEL [--json]
  pfa inspect MODEL [--json]
  pfa verify MODEL CASES [--rtol R] [--atol A] [--report-json FILE]

MODEL is a PFA document (.pfa, .json, .yaml, .yml; gzip allowed).

score writes one output per record (map engines), every emitted value (emit) or the final
tally (fold). Gzip-compressed inputs are detected. Options:
  -o, --output FILE        write here instead of standard output
  --input-format FMT       jsonl, avro or csv (default: from each file's extension, else jsonl)
  --output-format FMT      jsonl, avro or csv (default: from -o's extension, else jsonl)
  -n, --engines N          N engines on N threads, sharing `shared` cells and pools;
                           outputs keep the input order
  --on-error MODE          fail (default): stop at the first failing record;
                           log: report it on standard error and go on; skip: go on quietly
  --tally-every N          fold engines: also write the tally after every N records
  --save-state FILE        write the engine's cells and pools at the end as a PFA document
                           (with -n, engine 0's: all shared ones and its private ones)
  --progress, --no-progress  force the records/s indicator on or off (default: on when
                           standard error is a terminal)

options for every command that loads a model:
  --option KEY=VALUE       host option overriding the document's options (VALUE is JSON,
                           or else a string), e.g. --option timeout=1000
  --seed N                 override the document's randseed

verify: CASES holds JSON lines {\"input\": ..., \"output\": ...} (fold: the tally after
the record), {\"input\": ..., \"emitted\": [...]}, or {\"input\": ..., \"error\": {...}};
values use the conformance conventions (tagged unions, base64 bytes, \"inf\"/\"nan\").
  --rtol R, --atol A       float tolerance (default rtol 1e-9, atol 0)
  --report-json FILE       write a summary with every mismatch

exit status: 0 success; 1 a record failed, the model is invalid, a case did not match or
an input could not be read; 2 bad command line.";

/// A command-line error (exit status 2).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n(run `pfa --help` for usage)", self.0)
    }
}

impl std::error::Error for UsageError {}

fn usage(msg: impl Into<String>) -> anyhow::Error {
    anyhow!(UsageError(msg.into()))
}

/// Parses the arguments after the program name.
pub fn parse(args: Vec<OsString>) -> Result<Command> {
    // `pfa score --help` and the like: help wins over everything else.
    if args
        .iter()
        .take_while(|a| *a != "--")
        .any(|a| a == "-h" || a == "--help")
    {
        return Ok(Command::Help);
    }
    let mut p = lexopt::Parser::from_args(args);
    let cmd = match p.next().map_err(|e| usage(e.to_string()))? {
        None => return Err(usage("no command given")),
        Some(Short('h')) | Some(Long("help")) => return Ok(Command::Help),
        Some(Short('V')) | Some(Long("version")) => return Ok(Command::Version),
        Some(Value(v)) => v.string().map_err(|e| usage(e.to_string()))?,
        Some(other) => return Err(usage(other.unexpected().to_string())),
    };
    let r = match cmd.as_str() {
        "score" => parse_score(&mut p).map(Command::Score),
        "check" => parse_check(&mut p).map(Command::Check),
        "inspect" => parse_check(&mut p).map(Command::Inspect),
        "verify" => parse_verify(&mut p).map(Command::Verify),
        "help" => Ok(Command::Help),
        other => Err(usage(format!("unknown command \"{other}\""))),
    };
    // lexopt's own errors (missing values, bad UTF-8) are usage errors too.
    r.map_err(|e| match e.downcast::<lexopt::Error>() {
        Ok(le) => usage(le.to_string()),
        Err(e) => e,
    })
}

/// An argument, owned, so the parser can be used again while it is matched.
enum A {
    Short(char),
    Long(String),
    Value(OsString),
}

fn next(p: &mut lexopt::Parser) -> Result<Option<A>> {
    Ok(match p.next()? {
        None => None,
        Some(Short(c)) => Some(A::Short(c)),
        Some(Long(s)) => Some(A::Long(s.to_string())),
        Some(Value(v)) => Some(A::Value(v)),
    })
}

fn unexpected(a: A) -> anyhow::Error {
    match a {
        A::Short(c) => usage(format!("invalid option '-{c}'")),
        A::Long(s) => usage(format!("invalid option '--{s}'")),
        A::Value(v) => usage(format!("unexpected argument {v:?}")),
    }
}

/// Handles the options every model-loading command accepts; `false` if `arg` is not one.
fn model_option(p: &mut lexopt::Parser, arg: &A, m: &mut ModelArgs) -> Result<bool> {
    let A::Long(name) = arg else {
        return Ok(false);
    };
    match name.as_str() {
        "option" => {
            let kv = p.value()?.string().map_err(|e| usage(e.to_string()))?;
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| usage(format!("--option needs KEY=VALUE, got \"{kv}\"")))?;
            // A JSON value if it parses as one (numbers, booleans, objects), else a string.
            let v = serde_json::from_str(v)
                .unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
            m.options.push((k.to_string(), v));
        }
        "seed" => {
            let s = p.value()?.string().map_err(|e| usage(e.to_string()))?;
            m.seed = Some(
                s.parse()
                    .map_err(|_| usage(format!("--seed needs an integer, got \"{s}\"")))?,
            );
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn positive(p: &mut lexopt::Parser, name: &str) -> Result<u64> {
    let s = p.value()?.string().map_err(|e| usage(e.to_string()))?;
    match s.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(usage(format!(
            "{name} needs a positive integer, got \"{s}\""
        ))),
    }
}

fn float(p: &mut lexopt::Parser, name: &str) -> Result<f64> {
    let s = p.value()?.string().map_err(|e| usage(e.to_string()))?;
    match s.parse::<f64>() {
        Ok(x) if x >= 0.0 && x.is_finite() => Ok(x),
        _ => Err(usage(format!(
            "{name} needs a non-negative number, got \"{s}\""
        ))),
    }
}

fn format_value(p: &mut lexopt::Parser, name: &str) -> Result<Format> {
    let s = p.value()?.string().map_err(|e| usage(e.to_string()))?;
    Format::from_name(&s).ok_or_else(|| {
        usage(format!(
            "{name}: unknown format \"{s}\" (jsonl, avro or csv)"
        ))
    })
}

fn parse_score(p: &mut lexopt::Parser) -> Result<ScoreArgs> {
    let mut model = ModelArgs::default();
    let mut positional: Vec<PathBuf> = Vec::new();
    let mut a = ScoreArgs {
        model: ModelArgs::default(),
        inputs: Vec::new(),
        output: None,
        input_format: None,
        output_format: None,
        engines: 1,
        on_error: OnError::Fail,
        save_state: None,
        tally_every: None,
        progress: None,
    };
    while let Some(arg) = next(p)? {
        if model_option(p, &arg, &mut model)? {
            continue;
        }
        let name = match &arg {
            A::Short('o') => "output",
            A::Short('n') => "engines",
            A::Long(s) => s.as_str(),
            _ => "",
        };
        match name {
            "output" => a.output = Some(p.value()?.into()),
            "input-format" => a.input_format = Some(format_value(p, "--input-format")?),
            "output-format" => a.output_format = Some(format_value(p, "--output-format")?),
            "engines" => {
                let n = positive(p, "--engines")?;
                if n > 1024 {
                    return Err(usage("--engines: at most 1024"));
                }
                a.engines = n as usize;
            }
            "on-error" => {
                let s = p.value()?.string().map_err(|e| usage(e.to_string()))?;
                a.on_error = match s.as_str() {
                    "fail" => OnError::Fail,
                    "skip" => OnError::Skip,
                    "log" => OnError::Log,
                    _ => return Err(usage("--on-error takes fail, skip or log")),
                }
            }
            "save-state" => a.save_state = Some(p.value()?.into()),
            "tally-every" => a.tally_every = Some(positive(p, "--tally-every")?),
            "progress" => a.progress = Some(true),
            "no-progress" => a.progress = Some(false),
            _ => match arg {
                A::Value(v) => positional.push(v.into()),
                other => return Err(unexpected(other)),
            },
        }
    }
    let mut it = positional.into_iter();
    model.model = it.next().ok_or_else(|| usage("score needs a MODEL"))?;
    a.model = model;
    a.inputs = it.collect();
    Ok(a)
}

fn parse_check(p: &mut lexopt::Parser) -> Result<CheckArgs> {
    let mut model = ModelArgs::default();
    let mut json = false;
    let mut positional: Vec<PathBuf> = Vec::new();
    while let Some(arg) = next(p)? {
        if model_option(p, &arg, &mut model)? {
            continue;
        }
        match arg {
            A::Long(s) if s == "json" => json = true,
            A::Value(v) => positional.push(v.into()),
            other => return Err(unexpected(other)),
        }
    }
    if positional.len() != 1 {
        bail!(usage("expected exactly one MODEL"));
    }
    model.model = positional.remove(0);
    Ok(CheckArgs { model, json })
}

fn parse_verify(p: &mut lexopt::Parser) -> Result<VerifyArgs> {
    let mut model = ModelArgs::default();
    let mut positional: Vec<PathBuf> = Vec::new();
    let mut rtol = 1e-9;
    let mut atol = 0.0;
    let mut report_json = None;
    while let Some(arg) = next(p)? {
        if model_option(p, &arg, &mut model)? {
            continue;
        }
        match arg {
            A::Long(s) if s == "rtol" => rtol = float(p, "--rtol")?,
            A::Long(s) if s == "atol" => atol = float(p, "--atol")?,
            A::Long(s) if s == "report-json" => report_json = Some(p.value()?.into()),
            A::Value(v) => positional.push(v.into()),
            other => return Err(unexpected(other)),
        }
    }
    if positional.len() != 2 {
        bail!(usage("verify needs MODEL and CASES"));
    }
    let cases = positional.pop().context("CASES")?;
    model.model = positional.pop().context("MODEL")?;
    Ok(VerifyArgs {
        model,
        cases,
        rtol,
        atol,
        report_json,
    })
}
