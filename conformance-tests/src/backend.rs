//! The engine under test: pfa-core, driven through its public embedding API. Every call
//! into it is guarded, so a panic becomes a reported failure of that trial or call.

use std::sync::{Arc, Mutex};

use pfa_core::value::json::from_json;
use pfa_core::{Engine, JsonStyle, LoadOptions, Method, PfaError, Program, Value};
use serde_json::Value as Json;

use crate::guard::guarded;
use crate::outcome::{ErrorInfo, Failure, Outcome};
use crate::suite::{Example, SuiteEngine, SuiteSession, Trial};
use crate::vectors::{CallKind, CallOutcome, LoadExpect, Vector, VectorEngine, VectorRun};

const STYLE: JsonStyle = JsonStyle::Conformance;

/// Runs suite examples and vectors on pfa-core.
#[derive(Clone, Debug)]
pub struct PfaCore {
    /// Timeout (milliseconds) given to suite engines through the `timeout` option, so a
    /// runaway trial fails instead of hanging the run. `None` leaves documents as they are.
    pub suite_timeout_ms: Option<u64>,
}

impl Default for PfaCore {
    fn default() -> Self {
        PfaCore {
            suite_timeout_ms: Some(10_000),
        }
    }
}

/// Converts an engine error for reporting.
pub fn error_info(e: &PfaError) -> ErrorInfo {
    ErrorInfo::new(e.class(), e.code().map(i64::from), e.message())
}

/// Runs `f` guarded, flattening a PFA error and a panic into a [`Failure`].
fn call<T>(f: impl FnOnce() -> Result<T, PfaError>) -> Result<T, Failure> {
    match guarded(f) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::Error(error_info(&e))),
        Err(msg) => Err(Failure::Panic(msg)),
    }
}

fn load(doc: &Json, options: Vec<(String, Json)>) -> Result<Program, Failure> {
    let opts = LoadOptions {
        options,
        ..LoadOptions::default()
    };
    call(|| Program::from_json(doc, &opts))
}

/// Instance `instance` of `n` new engines.
fn instance(program: &Program, n: usize, instance: usize) -> Result<Engine, Failure> {
    let mut engines = call(|| program.engines(n))?;
    if instance < engines.len() {
        Ok(engines.swap_remove(instance))
    } else {
        Err(Failure::Error(ErrorInfo::new(
            "PFAUsageException",
            None,
            format!("asked for {n} instances, got {}", engines.len()),
        )))
    }
}

fn encode(program: &Program, v: &Value) -> Result<Json, Failure> {
    guarded(|| program.output_to_json(v, STYLE)).map_err(Failure::Panic)
}

/// Decodes a tally (merge and set_tally inputs): its type is the output type.
fn decode_tally(program: &Program, json: &Json) -> Result<Value, Failure> {
    call(|| {
        from_json(json, program.output_type(), program.types(), STYLE).map_err(|e| PfaError::Data {
            message: e.message,
            at: Some(e.path),
        })
    })
}

impl SuiteEngine for PfaCore {
    fn load<'a>(&'a self, ex: &'a Example) -> Result<Box<dyn SuiteSession + 'a>, Failure> {
        let options = self
            .suite_timeout_ms
            .map(|ms| vec![("timeout".to_string(), Json::from(ms))])
            .unwrap_or_default();
        let program = load(&ex.engine, options)?;
        let engine = fresh_engine(&program)?;
        Ok(Box::new(CoreSession {
            program,
            engine: Ok(engine),
        }))
    }
}

/// A new engine instance with its `begin` phase run.
fn fresh_engine(program: &Program) -> Result<Engine, Failure> {
    let mut e = instance(program, 1, 0)?;
    call(|| e.begin())?;
    Ok(e)
}

/// One loaded suite example.
struct CoreSession {
    program: Program,
    /// The engine, or why there is none (it could not be rebuilt after a panic).
    engine: Result<Engine, String>,
}

impl SuiteSession for CoreSession {
    fn run(&mut self, trial: &Trial) -> Outcome {
        let program = &self.program;
        let e = match self.engine.as_mut() {
            Ok(e) => e,
            Err(why) => return Err(Failure::Skipped(why.clone())),
        };
        let out = call(|| {
            let input = program.input_from_json(&trial.sample, STYLE)?;
            e.action(input)
        })
        .and_then(|v| encode(program, &v));
        if matches!(out, Err(Failure::Panic(_))) {
            // The engine's state may be inconsistent after a panic: start a new one.
            self.engine = fresh_engine(program)
                .map_err(|f| format!("no engine after an earlier panic ({})", f.describe()));
        }
        out
    }

    fn finish(&mut self) {
        if let Ok(e) = self.engine.as_mut() {
            // `end` is not part of any trial; its result is not judged.
            let _ = call(|| e.end());
        }
    }
}

impl VectorEngine for PfaCore {
    fn run_vector(&self, v: &Vector) -> VectorRun {
        let loaded = load(&v.engine, v.options.clone())
            .and_then(|p| instance(&p, v.multiplicity, v.instance).map(|e| (p, e)));
        let (program, mut engine) = match loaded {
            Ok(x) => x,
            Err(f) => {
                return VectorRun {
                    load: Err(f),
                    calls: Vec::new(),
                }
            }
        };
        if matches!(v.load, LoadExpect::Rejected { .. }) {
            return VectorRun {
                load: Ok(()),
                calls: Vec::new(),
            };
        }
        let is_emit = matches!(guarded(|| program.method()), Ok(Method::Emit));
        let sink: Arc<Mutex<Vec<Value>>> = Arc::default();
        let to_sink = Arc::clone(&sink);
        let hooked = guarded(|| {
            engine.set_emit(Box::new(move |x| {
                to_sink.lock().unwrap_or_else(|p| p.into_inner()).push(x);
            }))
        });
        if let Err(msg) = hooked {
            return VectorRun {
                load: Err(Failure::Panic(msg)),
                calls: Vec::new(),
            };
        }
        let mut calls = Vec::with_capacity(v.calls.len());
        let mut broken: Option<String> = None;
        for c in &v.calls {
            if let Some(why) = &broken {
                calls.push(CallOutcome {
                    result: Err(Failure::Skipped(why.clone())),
                    emitted: Vec::new(),
                });
                continue;
            }
            let e = &mut engine;
            let result: Outcome = match c.kind {
                CallKind::Begin => call(|| e.begin()).map(|()| Json::Null),
                CallKind::End => call(|| e.end()).map(|()| Json::Null),
                CallKind::Action => call(|| {
                    let input = program.input_from_json(&c.input, STYLE)?;
                    e.action(input)
                })
                .and_then(|x| {
                    if is_emit {
                        Ok(Json::Null)
                    } else {
                        encode(&program, &x)
                    }
                }),
                CallKind::Merge => {
                    let one =
                        decode_tally(&program, c.input.get("tallyOne").unwrap_or(&Json::Null));
                    let two =
                        decode_tally(&program, c.input.get("tallyTwo").unwrap_or(&Json::Null));
                    one.and_then(|a| two.map(|b| (a, b)))
                        .and_then(|(a, b)| call(|| e.merge(a, b)))
                        .and_then(|x| encode(&program, &x))
                }
                CallKind::SetTally => decode_tally(&program, &c.input)
                    .and_then(|t| call(|| e.set_tally(t)))
                    .map(|()| Json::Null),
                CallKind::Snapshot => guarded(|| e.state_json(STYLE)).map_err(Failure::Panic),
            };
            let values = std::mem::take(&mut *sink.lock().unwrap_or_else(|p| p.into_inner()));
            let mut emitted = Vec::with_capacity(values.len());
            let mut result = result;
            for x in &values {
                match encode(&program, x) {
                    Ok(j) => emitted.push(j),
                    Err(f) => {
                        result = Err(f);
                        break;
                    }
                }
            }
            if let Err(Failure::Panic(_)) = &result {
                broken = Some(format!("the engine panicked in call {}", calls.len()));
            }
            calls.push(CallOutcome { result, emitted });
        }
        VectorRun {
            load: Ok(()),
            calls,
        }
    }
}
