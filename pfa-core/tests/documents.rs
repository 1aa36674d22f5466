//! Runs the PFA documents under `tests/documents/*.yaml`: each file lists cases, each
//! case an engine (a PFA document), how loading must end, and a sequence of calls with
//! their expected results. Values use the conformance conventions (tagged unions,
//! base64 bytes, "inf"/"nan" strings).
//!
//! ```yaml
//! - name: adds one
//!   engine: {input: int, output: int, action: {+: [input, 1]}}
//!   calls:
//!     - {action: 1, output: 2}
//!     - {action: 2147483647, error: 18000}
//! ```
//! Call kinds: `action: IN` with `output`, `emitted: [...]`, `error: CODE`,
//! `user-error: MESSAGE` (optional `code`), or `timeout: true`; `begin`/`end` (value
//! ignored) with optional `error`; `merge: [A, B]` with `output`; `snapshot` with
//! `{cells: {...}, pools: {...}}`. A case may instead say `rejected: TEXT` (loading
//! must fail with a message containing TEXT) and set `options`, `multiplicity`,
//! `instance`.

use std::sync::{Arc, Mutex};

use pfa_core::value::json::{from_json, to_json};
use pfa_core::{Engine, JsonStyle, LoadOptions, PfaError, Program, Value};
use serde_json::Value as Json;

const STYLE: JsonStyle = JsonStyle::Conformance;

fn close(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return x == y;
            }
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| close(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

struct Failure(String);

fn check_error(e: &PfaError, call: &Json) -> Result<(), String> {
    if let Some(code) = call.get("error") {
        return match (e, code.as_i64()) {
            (PfaError::Runtime(r), Some(c)) if r.code as i64 == c => Ok(()),
            _ => Err(format!("expected runtime error {code}, got {e}")),
        };
    }
    if let Some(msg) = call.get("user-error") {
        return match e {
            PfaError::User { message, code, .. } => {
                if Some(message.as_str()) != msg.as_str() {
                    return Err(format!("expected user error {msg}, got {e}"));
                }
                if let Some(c) = call.get("code") {
                    if code.map(|x| x as i64) != c.as_i64() {
                        return Err(format!("expected user error code {c}, got {e}"));
                    }
                }
                Ok(())
            }
            _ => Err(format!("expected user error {msg}, got {e}")),
        };
    }
    if call.get("timeout").is_some() {
        return match e {
            PfaError::Timeout { .. } => Ok(()),
            _ => Err(format!("expected a timeout, got {e}")),
        };
    }
    Err(format!("unexpected error: {e}"))
}

fn expects_error(call: &Json) -> bool {
    call.get("error").is_some() || call.get("user-error").is_some() || call.get("timeout").is_some()
}

fn run_case(case: &Json) -> Result<(), Failure> {
    let f = |m: String| Failure(m);
    let engine_json = case
        .get("engine")
        .ok_or_else(|| f("case has no engine".into()))?;
    let engine_json = match engine_json {
        Json::String(text) => {
            pfa_core::syntax::read_text(text).map_err(|e| f(format!("engine text: {e}")))?
        }
        j => j.clone(),
    };
    let mut opts = LoadOptions::default();
    if let Some(Json::Object(o)) = case.get("options") {
        opts.options = o.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    let loaded = Program::from_json(&engine_json, &opts);
    if let Some(want) = case.get("rejected") {
        return match loaded {
            Ok(_) => Err(f(format!("expected load to fail with {want}"))),
            Err(e) => {
                let text = e.to_string();
                match want.as_str() {
                    Some(w) if !text.contains(w) => Err(f(format!(
                        "load failed with \"{text}\", expected it to mention \"{w}\""
                    ))),
                    _ => Ok(()),
                }
            }
        };
    }
    let program = loaded.map_err(|e| f(format!("load failed: {e}")))?;
    let n = case
        .get("multiplicity")
        .and_then(|m| m.as_u64())
        .unwrap_or(1) as usize;
    let which = case.get("instance").and_then(|m| m.as_u64()).unwrap_or(0) as usize;
    let mut engines = program
        .engines(n)
        .map_err(|e| f(format!("instances: {e}")))?;
    let mut engine: Engine = engines.swap_remove(which.min(n - 1));
    let emitted = Arc::new(Mutex::new(Vec::<Value>::new()));
    let sink = emitted.clone();
    engine.set_emit(Box::new(move |v| sink.lock().unwrap().push(v)));
    let types = program.types().clone();
    let out_ty = program.output_type().clone();
    let calls = case
        .get("calls")
        .and_then(|c| c.as_array())
        .cloned()
        .unwrap_or_default();
    for (i, call) in calls.iter().enumerate() {
        let at = |m: String| f(format!("call {i}: {m}"));
        emitted.lock().unwrap().clear();
        let result: Result<Option<Value>, PfaError> = if let Some(input) = call.get("action") {
            let v = program
                .input_from_json(input, STYLE)
                .map_err(|e| at(format!("bad input: {e}")))?;
            engine.action(v).map(Some)
        } else if call.get("begin").is_some() {
            engine.begin().map(|_| None)
        } else if call.get("end").is_some() {
            engine.end().map(|_| None)
        } else if let Some(Json::Array(ab)) = call.get("merge") {
            let a = from_json(&ab[0], &out_ty, &types, STYLE).map_err(|e| at(format!("{e:?}")))?;
            let b = from_json(&ab[1], &out_ty, &types, STYLE).map_err(|e| at(format!("{e:?}")))?;
            engine.merge(a, b).map(Some)
        } else if let Some(want) = call.get("snapshot") {
            let got = engine.state_json(STYLE);
            if !close(&got, want) {
                return Err(at(format!("state {got} != expected {want}")));
            }
            continue;
        } else {
            return Err(at(format!("unknown call {call}")));
        };
        match result {
            Err(e) => check_error(&e, call).map_err(at)?,
            Ok(v) => {
                if expects_error(call) {
                    return Err(at("expected an error, got success".into()));
                }
                if let (Some(want), Some(v)) = (call.get("output"), v) {
                    let got = to_json(&v, &out_ty, &types, STYLE);
                    if !close(&got, want) {
                        return Err(at(format!("output {got} != expected {want}")));
                    }
                }
                if let Some(Json::Array(want)) = call.get("emitted") {
                    let got: Vec<Json> = emitted
                        .lock()
                        .unwrap()
                        .iter()
                        .map(|v| to_json(v, &out_ty, &types, STYLE))
                        .collect();
                    if !close(&Json::Array(got.clone()), &Json::Array(want.clone())) {
                        return Err(at(format!("emitted {got:?} != expected {want:?}")));
                    }
                }
            }
        }
    }
    Ok(())
}

#[test]
fn documents() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let (mut passed, mut failed) = (0, Vec::new());
    for path in files {
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let cases: Json =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        for case in cases.as_array().cloned().unwrap_or_default() {
            let name = case
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("?")
                .to_string();
            match std::panic::catch_unwind(|| run_case(&case)) {
                Ok(Ok(())) => passed += 1,
                Ok(Err(Failure(m))) => failed.push(format!("{file}: {name}: {m}")),
                Err(_) => failed.push(format!("{file}: {name}: PANIC")),
            }
        }
    }
    println!("documents: {passed} passed, {} failed", failed.len());
    for f in &failed {
        println!("  FAIL {f}");
    }
    assert!(failed.is_empty(), "{} document cases failed", failed.len());
}
