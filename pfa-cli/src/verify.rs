//! `pfa verify`: runs test cases (JSON lines) through one engine in order and compares
//! every output, emitted list or error with the expected one.
//!
//! Values use the conformance conventions (`JsonStyle::Conformance`). Expected values are
//! read with the output type and written back before comparing, so `1` and `1.0` for a
//! double, or differently ordered map keys, are the same value. Floating-point numbers
//! compare within `atol + rtol * |expected|`; `"nan"` equals `"nan"`.

use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use pfa_core::{JsonStyle, Method, PfaError, Program, Value};
use serde_json::{json, Value as Json};

use crate::args::VerifyArgs;

const STYLE: JsonStyle = JsonStyle::Conformance;

struct Mismatch {
    record: usize,
    expected: Json,
    actual: Json,
    note: Option<String>,
}

/// Runs `pfa verify`.
pub fn run(a: VerifyArgs) -> Result<ExitCode> {
    let program = match crate::load_raw(&a.model) {
        Ok(p) => p,
        Err(e) => {
            errln!("{}", crate::check::describe_error(&a.model.model, &e));
            return Ok(ExitCode::from(1));
        }
    };
    let reader =
        crate::formats::open_input(&a.cases).with_context(|| format!("{}", a.cases.display()))?;
    let mut engine = program.engine().map_err(|e| anyhow!("{e}"))?;
    let emitted: Arc<Mutex<Vec<Value>>> = Arc::new(Mutex::new(Vec::new()));
    {
        let sink = emitted.clone();
        engine.set_emit(Box::new(move |v| {
            if let Ok(mut b) = sink.lock() {
                b.push(v);
            }
        }));
    }
    engine.begin().map_err(|e| anyhow!("begin: {e}"))?;
    let take = || -> Vec<Value> {
        emitted
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    };
    take();

    let cmp = Compare {
        rtol: a.rtol,
        atol: a.atol,
    };
    let mut mismatches = Vec::new();
    let mut cases = 0usize;
    let file = a.cases.display().to_string();
    for (lineno, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{file}: line {}", lineno + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        cases += 1;
        let record = cases;
        let case: Json = serde_json::from_str(&line)
            .with_context(|| format!("{file}:{}: case {record} is not valid JSON", lineno + 1))?;
        let input = case
            .get("input")
            .ok_or_else(|| anyhow!("{file}:{}: case {record} has no \"input\"", lineno + 1))?;
        let result = program
            .input_from_json(input, STYLE)
            .and_then(|v| engine.action(v));
        let got_emitted = take();
        let mut fail = |expected: Json, actual: Json, note: Option<String>| {
            mismatches.push(Mismatch {
                record,
                expected,
                actual,
                note,
            })
        };
        if let Some(want) = case.get("error") {
            match &result {
                Err(e) if error_matches(want, e) => {}
                Err(e) => fail(json!({"error": want}), error_json(e), None),
                Ok(v) => fail(json!({"error": want}), output_json(&program, v), None),
            }
            continue;
        }
        let v = match result {
            Ok(v) => v,
            Err(e) => {
                let want = case
                    .get("output")
                    .or_else(|| case.get("emitted"))
                    .cloned()
                    .unwrap_or(Json::Null);
                fail(want, error_json(&e), None);
                continue;
            }
        };
        if let Some(want) = case.get("emitted") {
            let got: Vec<Json> = got_emitted
                .iter()
                .map(|x| program.output_to_json(x, STYLE))
                .collect();
            match want.as_array() {
                Some(items) => {
                    let canon: Result<Vec<Json>, String> =
                        items.iter().map(|x| canonical(&program, x)).collect();
                    match canon {
                        Ok(c)
                            if c.len() == got.len()
                                && c.iter().zip(&got).all(|(e, g)| cmp.same(e, g)) => {}
                        Ok(_) => fail(want.clone(), Json::Array(got), None),
                        Err(m) => fail(want.clone(), Json::Array(got), Some(m)),
                    }
                }
                None => fail(
                    want.clone(),
                    Json::Array(got),
                    Some("\"emitted\" must be a list".into()),
                ),
            }
        }
        if let Some(want) = case.get("output") {
            let got = if program.method() == Method::Emit {
                Json::Null
            } else {
                program.output_to_json(&v, STYLE)
            };
            match canonical(&program, want) {
                Ok(c) if cmp.same(&c, &got) => {}
                Ok(_) => fail(want.clone(), got, None),
                Err(m) => fail(want.clone(), got, Some(m)),
            }
        }
    }
    engine.end().map_err(|e| anyhow!("end: {e}"))?;

    let failed: BTreeCount = mismatches.iter().map(|m| m.record).collect();
    let failed = failed.0;
    let passed = cases - failed;
    let mut out = std::io::stdout().lock();
    for m in &mismatches {
        let _ = writeln!(
            out,
            "{file}: case {}: expected {}, got {}{}",
            m.record,
            m.expected,
            m.actual,
            m.note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "{}: {cases} cases, {passed} passed, {failed} failed",
        a.model.model.display()
    );
    if let Some(path) = &a.report_json {
        let report = json!({
            "cases": cases,
            "passed": passed,
            "failed": failed,
            "mismatches": mismatches.iter().map(|m| {
                let mut o = json!({"record": m.record, "expected": m.expected, "actual": m.actual});
                if let Some(n) = &m.note {
                    o["note"] = json!(n);
                }
                o
            }).collect::<Vec<_>>(),
        });
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("{}", path.display()))?;
    }
    Ok(if mismatches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Counts distinct record numbers (a record can mismatch in output and emitted both).
struct BTreeCount(usize);

impl FromIterator<usize> for BTreeCount {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let set: std::collections::BTreeSet<usize> = iter.into_iter().collect();
        BTreeCount(set.len())
    }
}

fn output_json(program: &Program, v: &Value) -> Json {
    json!({"output": program.output_to_json(v, STYLE)})
}

fn error_json(e: &PfaError) -> Json {
    json!({"error": {"class": e.class(), "code": e.code(), "message": e.message()}})
}

/// Whether an error is the expected one: every field given (`class`, `code`, `message`)
/// must match.
fn error_matches(want: &Json, e: &PfaError) -> bool {
    if let Some(code) = want.get("code") {
        if code.as_i64() != e.code().map(i64::from) {
            return false;
        }
    }
    if let Some(class) = want.get("class").and_then(|c| c.as_str()) {
        if class != e.class() {
            return false;
        }
    }
    if let Some(msg) = want.get("message").and_then(|m| m.as_str()) {
        if msg != e.message() {
            return false;
        }
    }
    true
}

/// The expected value as the engine would write it.
fn canonical(program: &Program, want: &Json) -> Result<Json, String> {
    let types = program.types();
    let v = pfa_core::value::json::from_json(want, program.output_type(), types, STYLE)
        .map_err(|e| format!("the expected value does not fit the output type: {e}"))?;
    Ok(program.output_to_json(&v, STYLE))
}

struct Compare {
    rtol: f64,
    atol: f64,
}

impl Compare {
    fn same(&self, want: &Json, got: &Json) -> bool {
        match (want, got) {
            (Json::Number(a), Json::Number(b)) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) if a.is_f64() || b.is_f64() => {
                    x == y || (x - y).abs() <= self.atol + self.rtol * x.abs()
                }
                _ => a == b,
            },
            (Json::Array(a), Json::Array(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| self.same(x, y))
            }
            (Json::Object(a), Json::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, x)| b.get(k).is_some_and(|y| self.same(x, y)))
            }
            _ => want == got,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance() {
        let c = Compare {
            rtol: 1e-6,
            atol: 0.0,
        };
        assert!(c.same(&json!(1.0), &json!(1.0000001)));
        assert!(!c.same(&json!(1.0), &json!(1.1)));
        assert!(c.same(&json!({"a": [1.0, "nan"]}), &json!({"a": [1.0, "nan"]})));
        assert!(!c.same(&json!(3), &json!(4)));
    }
}
