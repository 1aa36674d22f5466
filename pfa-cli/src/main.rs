//! `pfa`: score data with a PFA model, or check a model.
//!
//! ```text
//! pfa score MODEL [INPUT...] [-o FILE] [--on-error fail|skip|log] [--option KEY=VALUE]...
//! pfa check MODEL
//! ```
//! Input and output are JSON lines (one Avro-JSON datum per line; unions tagged).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use pfa_core::{JsonStyle, LoadOptions, Method, PfaError, Program, Value};

const USAGE: &str = "usage:
  pfa score MODEL [INPUT...] [-o FILE] [--on-error fail|skip|log] [--option KEY=VALUE]...
  pfa check MODEL

MODEL is a PFA document (.pfa/.json/.yaml/.yml, optionally gzipped). INPUT files (or
standard input) hold one JSON datum per line; outputs are written one per line.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("pfa: {msg}");
            ExitCode::from(2)
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum OnError {
    Fail,
    Skip,
    Log,
}

struct ScoreArgs {
    model: PathBuf,
    inputs: Vec<PathBuf>,
    output: Option<PathBuf>,
    on_error: OnError,
    options: Vec<(String, serde_json::Value)>,
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(|s| s.as_str()) {
        Some("score") => score(parse_score(&args[1..])?),
        Some("check") => {
            let model = args
                .get(1)
                .ok_or_else(|| format!("check needs a MODEL\n{USAGE}"))?;
            check(Path::new(model))
        }
        Some("-h") | Some("--help") | Some("help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command \"{other}\"\n{USAGE}")),
        None => Err(USAGE.to_string()),
    }
}

fn parse_score(args: &[String]) -> Result<ScoreArgs, String> {
    let mut it = args.iter();
    let mut model = None;
    let mut inputs = Vec::new();
    let mut output = None;
    let mut on_error = OnError::Fail;
    let mut options = Vec::new();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(it.next().ok_or("-o needs a file")?)),
            "--on-error" => {
                on_error = match it.next().map(|s| s.as_str()) {
                    Some("fail") => OnError::Fail,
                    Some("skip") => OnError::Skip,
                    Some("log") => OnError::Log,
                    _ => return Err("--on-error takes fail, skip or log".into()),
                }
            }
            "--option" => {
                let kv = it.next().ok_or("--option needs KEY=VALUE")?;
                let (k, v) = kv.split_once('=').ok_or("--option needs KEY=VALUE")?;
                let v = serde_json::from_str(v)
                    .unwrap_or_else(|_| serde_json::Value::String(v.to_string()));
                options.push((k.to_string(), v));
            }
            s if s.starts_with('-') && s != "-" => {
                return Err(format!("unknown option \"{s}\"\n{USAGE}"))
            }
            s => {
                if model.is_none() {
                    model = Some(PathBuf::from(s));
                } else {
                    inputs.push(PathBuf::from(s));
                }
            }
        }
    }
    Ok(ScoreArgs {
        model: model.ok_or_else(|| format!("score needs a MODEL\n{USAGE}"))?,
        inputs,
        output,
        on_error,
        options,
    })
}

fn load(path: &Path, options: Vec<(String, serde_json::Value)>) -> Result<Program, String> {
    let opts = LoadOptions {
        options,
        ..Default::default()
    };
    Program::from_file(path, &opts).map_err(|e| format!("{}: {e}", path.display()))
}

fn check(model: &Path) -> Result<ExitCode, String> {
    match load(model, Vec::new()) {
        Ok(p) => {
            for w in p.warnings() {
                eprintln!("warning: {w}");
            }
            println!(
                "{}: ok (name {}, method {:?}, input {}, output {})",
                model.display(),
                p.name(),
                p.method(),
                p.types().show(p.input_type()),
                p.types().show(p.output_type())
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Opens an input file (or stdin for "-"), un-gzipping if needed.
fn open_input(path: &Path) -> Result<Box<dyn BufRead>, String> {
    let raw: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| format!("{}: {e}", path.display()))?)
    };
    let mut br = BufReader::new(raw);
    let gz = br
        .fill_buf()
        .map(|b| b.starts_with(&[0x1f, 0x8b]))
        .unwrap_or(false);
    if gz {
        Ok(Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(
            br,
        ))))
    } else {
        Ok(Box::new(br))
    }
}

fn score(a: ScoreArgs) -> Result<ExitCode, String> {
    let program = load(&a.model, a.options)?;
    let mut engine = program.engine().map_err(|e| e.to_string())?;
    let out: Box<dyn Write + Send> = match &a.output {
        Some(p) => Box::new(File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => Box::new(io::stdout()),
    };
    let out = Arc::new(Mutex::new(BufWriter::new(out)));
    let style = JsonStyle::Avro;
    if program.method() == Method::Emit {
        let sink = out.clone();
        let p = program.clone();
        engine.set_emit(Box::new(move |v: Value| {
            let j = p.output_to_json(&v, style);
            if let Ok(mut w) = sink.lock() {
                let _ = writeln!(w, "{j}");
            }
        }));
    }
    engine.begin().map_err(|e| format!("begin: {e}"))?;
    let inputs = if a.inputs.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.inputs.clone()
    };
    let mut failures = 0u64;
    let mut record = 0u64;
    for input in &inputs {
        let reader = open_input(input)?;
        for (lineno, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| format!("{}: {e}", input.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            record += 1;
            let result = serde_json::from_str::<serde_json::Value>(&line)
                .map_err(|e| PfaError::Data {
                    message: format!("not JSON: {e}"),
                    at: None,
                })
                .and_then(|j| program.input_from_json(&j, style))
                .and_then(|v| engine.action(v));
            match result {
                Ok(v) => {
                    if program.method() == Method::Map {
                        let j = program.output_to_json(&v, style);
                        let mut w = out.lock().map_err(|_| "output lock poisoned")?;
                        if let Err(e) = writeln!(w, "{j}") {
                            return broken_pipe_ok(e);
                        }
                    }
                }
                Err(e) => {
                    failures += 1;
                    let msg = format!("{}:{}: record {record}: {e}", input.display(), lineno + 1);
                    match a.on_error {
                        OnError::Fail => {
                            let _ = out.lock().map(|mut w| w.flush());
                            eprintln!("pfa: {msg}");
                            return Ok(ExitCode::from(1));
                        }
                        OnError::Log => eprintln!("pfa: {msg}"),
                        OnError::Skip => {}
                    }
                }
            }
        }
    }
    engine.end().map_err(|e| format!("end: {e}"))?;
    if program.method() == Method::Fold {
        if let Some(t) = engine.tally() {
            let j = program.output_to_json(t, style);
            let mut w = out.lock().map_err(|_| "output lock poisoned")?;
            if let Err(e) = writeln!(w, "{j}") {
                return broken_pipe_ok(e);
            }
        }
    }
    if let Ok(mut w) = out.lock() {
        if let Err(e) = w.flush() {
            return broken_pipe_ok(e);
        }
    }
    Ok(if failures > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A closed pipe (e.g. `pfa score ... | head`) is a normal way to stop.
fn broken_pipe_ok(e: io::Error) -> Result<ExitCode, String> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(format!("writing output: {e}"))
    }
}
