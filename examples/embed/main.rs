//! Embedding the engine: a multi-threaded scorer built on the `pfa-core` API.
//!
//! ```sh
//! cargo run --release -p pfa-cli --example embed -- \
//!     examples/wine-kmeans/model.pfa examples/wine-kmeans/input.jsonl 2
//! ```
//!
//! The model is loaded once into a `Program` (parsed, type-checked and compiled). Then
//! `program.engines(n)` makes n engine instances that share the program's compiled code
//! and its `shared` cells and pools; each one scores a contiguous share of the input on its
//! own thread, and the outputs are printed in input order.

use std::process::ExitCode;
use std::time::Instant;

use pfa_core::{Engine, JsonStyle, LoadOptions, PfaError, Program};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: embed MODEL INPUT.jsonl [THREADS]");
        return ExitCode::from(2);
    }
    match run(
        &args[0],
        &args[1],
        args.get(2).and_then(|n| n.parse().ok()).unwrap_or(2),
    ) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            // Every error says its class (syntax, semantic, runtime, ...), and runtime and
            // user errors carry a code.
            eprintln!(
                "embed: {} ({}): {}",
                e.class(),
                e.code().unwrap_or(0),
                e.message()
            );
            ExitCode::from(1)
        }
    }
}

/// Scores `input` with `threads` engines; returns the number of records that failed.
fn run(model: &str, input: &str, threads: usize) -> Result<usize, PfaError> {
    let start = Instant::now();
    let program = Program::from_file(model, &LoadOptions::default())?;
    let loaded = start.elapsed();
    let text =
        std::fs::read_to_string(input).map_err(|e| PfaError::Usage(format!("{input}: {e}")))?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();

    let threads = threads.clamp(1, 64);
    let mut engines = program.engines(threads)?;
    for e in &mut engines {
        e.begin()?;
    }
    let share = lines.len().div_ceil(threads).max(1);
    // Each thread owns one engine (engines are Send) and returns its outputs in order.
    let results: Vec<Vec<Result<String, PfaError>>> = std::thread::scope(|s| {
        let handles: Vec<_> = engines
            .iter_mut()
            .zip(lines.chunks(share))
            .map(|(engine, chunk)| {
                let program = program.clone();
                s.spawn(move || score(&program, engine, chunk))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for e in &mut engines {
        e.end()?;
    }

    let mut failed = 0;
    for (i, r) in results.into_iter().flatten().enumerate() {
        match r {
            Ok(json) => println!("{json}"),
            Err(e) => {
                failed += 1;
                eprintln!("record {}: {e}", i + 1);
            }
        }
    }
    eprintln!(
        "{} records, {} failed, {} engines; loaded in {:.1} ms, total {:.1} ms",
        lines.len(),
        failed,
        threads,
        loaded.as_secs_f64() * 1e3,
        start.elapsed().as_secs_f64() * 1e3
    );
    Ok(failed)
}

/// One engine's share: JSON in, JSON out.
fn score(program: &Program, engine: &mut Engine, lines: &[&str]) -> Vec<Result<String, PfaError>> {
    lines
        .iter()
        .map(|line| {
            let json: serde_json::Value =
                serde_json::from_str(line).map_err(|e| PfaError::Data {
                    message: format!("not JSON: {e}"),
                    at: None,
                })?;
            let datum = program.input_from_json(&json, JsonStyle::Avro)?;
            let out = engine.action(datum)?;
            Ok(program.output_to_json(&out, JsonStyle::Avro).to_string())
        })
        .collect()
}
