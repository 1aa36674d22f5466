//! Engine vectors (`*.jsonl`, `*.jsonl.gz`): whole-engine behaviour recorded as a
//! document, whether it loads, and a sequence of calls (begin, action, end, merge,
//! set_tally, snapshot) with their expected outputs, emitted values or errors.
//!
//! Engines plug in through [`VectorEngine`]; judging and reporting are engine-free.

use std::io::BufRead;
use std::path::PathBuf;

use serde_json::Value as Json;

use crate::compare::{Comparator, Mode};
use crate::deviations::Deviations;
use crate::guard::guarded;
use crate::outcome::{describe_outcome, ErrorInfo, Failure, Outcome};
use crate::pool::run_parallel;
use crate::report::{truncate, Aggregate, Kind, Sample};
use crate::scan::open_maybe_gz;
use crate::schema::{DocShapes, Shape};
use crate::suite::Verdict;

/// Whether the document should load.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadExpect {
    /// It loads.
    Ok,
    /// Loading fails. The class is informative only: implementations legitimately
    /// classify some errors differently (syntax vs semantic).
    Rejected {
        /// The recording engine's exception class.
        class: String,
        /// The recording engine's message.
        message: String,
    },
}

/// The engine operation a call performs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallKind {
    /// `begin()`
    Begin,
    /// `action(input)`
    Action,
    /// `end()`
    End,
    /// `merge(input.tallyOne, input.tallyTwo)`
    Merge,
    /// `set_tally(input)`
    SetTally,
    /// Current cells and pools.
    Snapshot,
}

impl CallKind {
    /// The name used in vector files.
    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Begin => "begin",
            CallKind::Action => "action",
            CallKind::End => "end",
            CallKind::Merge => "merge",
            CallKind::SetTally => "set_tally",
            CallKind::Snapshot => "snapshot",
        }
    }

    fn parse(s: &str) -> Option<CallKind> {
        Some(match s {
            "begin" => CallKind::Begin,
            "action" => CallKind::Action,
            "end" => CallKind::End,
            "merge" => CallKind::Merge,
            "set_tally" => CallKind::SetTally,
            "snapshot" => CallKind::Snapshot,
            _ => return None,
        })
    }
}

/// An expected error.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpectedError {
    /// Exception class.
    pub class: String,
    /// Code (runtime errors; optional for user errors).
    pub code: Option<i64>,
    /// Message (compared for user errors only).
    pub message: Option<String>,
    /// Raised from outside PFA by the recording engine: any clear error is acceptable.
    pub non_pfa: bool,
}

impl std::fmt::Display for ExpectedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.class)?;
        if let Some(c) = self.code {
            write!(f, " {c}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if self.non_pfa {
            write!(f, " (non-PFA: any error)")?;
        }
        Ok(())
    }
}

/// One call and what it should do.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The operation.
    pub kind: CallKind,
    /// Its input (`null` where there is none).
    pub input: Json,
    /// The expected output, if recorded.
    pub output: Option<Json>,
    /// The values it should emit, in order, if recorded.
    pub emitted: Option<Vec<Json>>,
    /// The error it should raise, if any.
    pub error: Option<ExpectedError>,
}

/// One engine vector.
#[derive(Clone, Debug)]
pub struct Vector {
    /// Position among all vectors run, from 0.
    pub index: usize,
    /// `file:line` it came from.
    pub origin: String,
    /// Unique id.
    pub id: String,
    /// The PFA document.
    pub engine: Json,
    /// Whether it should load.
    pub load: LoadExpect,
    /// Host options overriding the document's.
    pub options: Vec<(String, Json)>,
    /// Number of instances to build.
    pub multiplicity: usize,
    /// The instance the calls run on.
    pub instance: usize,
    /// The calls, in order.
    pub calls: Vec<Call>,
    /// Outputs are not reproducible: check only success/failure and types.
    pub nondeterministic: bool,
    /// The recorded expectations are doubted.
    pub oracle_doubt: bool,
    /// Types read from the document.
    pub shapes: DocShapes,
}

impl Vector {
    /// Parses one line of a vector file.
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn parse(index: usize, origin: String, text: &str) -> Result<Vector, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let Json::Object(mut obj) = json else {
            return Err("a vector must be an object".into());
        };
        let id = match obj.remove("id") {
            Some(Json::String(s)) if !s.is_empty() => s,
            _ => return Err("missing \"id\"".into()),
        };
        let engine = obj
            .remove("engine")
            .ok_or_else(|| format!("{id}: missing \"engine\""))?;
        let load = match obj.remove("load") {
            None => LoadExpect::Ok,
            Some(Json::String(s)) if s == "ok" => LoadExpect::Ok,
            Some(Json::Object(r)) => match r.get("rejected") {
                Some(Json::String(class)) => LoadExpect::Rejected {
                    class: class.clone(),
                    message: r
                        .get("message")
                        .and_then(Json::as_str)
                        .unwrap_or("")
                        .to_string(),
                },
                _ => return Err(format!("{id}: \"load\" object without \"rejected\"")),
            },
            Some(other) => return Err(format!("{id}: bad \"load\": {other}")),
        };
        let options = match obj.remove("options") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Object(m)) => m.into_iter().collect(),
            Some(_) => return Err(format!("{id}: \"options\" must be an object")),
        };
        let count = |k: &str, default: usize| -> Result<usize, String> {
            match obj.get(k) {
                None | Some(Json::Null) => Ok(default),
                Some(v) => v
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| format!("{id}: \"{k}\" must be a non-negative integer")),
            }
        };
        let multiplicity = count("multiplicity", 1)?;
        let instance = count("instance", 0)?;
        if multiplicity == 0 || instance >= multiplicity {
            return Err(format!(
                "{id}: instance {instance} does not exist with multiplicity {multiplicity}"
            ));
        }
        let nondeterministic = obj
            .get("nondeterministic")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let oracle_doubt = obj
            .get("oracle-doubt")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let calls = match obj.remove("calls") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(cs)) => cs
                .into_iter()
                .enumerate()
                .map(|(i, c)| parse_call(c).map_err(|e| format!("{id}: call {i}: {e}")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(format!("{id}: \"calls\" must be an array")),
        };
        let shapes = DocShapes::of(&engine);
        Ok(Vector {
            index,
            origin,
            id,
            engine,
            load,
            options,
            multiplicity,
            instance,
            calls,
            nondeterministic,
            oracle_doubt,
            shapes,
        })
    }
}

fn parse_call(c: Json) -> Result<Call, String> {
    let Json::Object(mut c) = c else {
        return Err("not an object".into());
    };
    let kind = match c.get("fn") {
        Some(Json::String(s)) => CallKind::parse(s).ok_or_else(|| format!("unknown fn \"{s}\""))?,
        _ => return Err("missing \"fn\"".into()),
    };
    let input = c.remove("input").unwrap_or(Json::Null);
    let output = c.remove("output");
    let emitted = match c.remove("emitted") {
        None => None,
        Some(Json::Array(a)) => Some(a),
        Some(_) => return Err("\"emitted\" must be an array".into()),
    };
    let error = match c.remove("error") {
        None | Some(Json::Null) => None,
        Some(Json::Object(e)) => Some(ExpectedError {
            class: e
                .get("class")
                .and_then(Json::as_str)
                .ok_or("error without \"class\"")?
                .to_string(),
            code: e.get("code").and_then(Json::as_i64),
            message: e.get("message").and_then(Json::as_str).map(str::to_string),
            non_pfa: e.get("non_pfa").and_then(Json::as_bool).unwrap_or(false),
        }),
        Some(_) => return Err("\"error\" must be an object".into()),
    };
    if kind == CallKind::Merge
        && !(input.get("tallyOne").is_some() && input.get("tallyTwo").is_some())
    {
        return Err("merge input needs \"tallyOne\" and \"tallyTwo\"".into());
    }
    Ok(Call {
        kind,
        input,
        output,
        emitted,
        error,
    })
}

/// What an engine did with one call.
#[derive(Clone, Debug, PartialEq)]
pub struct CallOutcome {
    /// The output (JSON-encoded: action outputs and merged tallies with the output type,
    /// `null` for begin/end/set_tally and for actions of emit engines; a snapshot as
    /// `{"cells": ..., "pools": ...}`), or the failure.
    pub result: Outcome,
    /// Values emitted during the call, encoded with the output type.
    pub emitted: Vec<Json>,
}

/// What an engine did with a vector.
#[derive(Clone, Debug, PartialEq)]
pub struct VectorRun {
    /// Whether loading (including creating the instances) succeeded.
    pub load: Result<(), Failure>,
    /// One outcome per call, in order (empty if loading failed or rejection was
    /// expected).
    pub calls: Vec<CallOutcome>,
}

/// Runs a vector on an engine. Implemented by the real engine
/// ([`crate::backend::PfaCore`]) and, in tests, by any
/// `Fn(&Vector) -> VectorRun + Sync` closure.
pub trait VectorEngine: Sync {
    /// Loads the document with the vector's options, creates `multiplicity` instances
    /// and runs the calls on instance `instance`.
    fn run_vector(&self, vector: &Vector) -> VectorRun;
}

impl<F> VectorEngine for F
where
    F: Fn(&Vector) -> VectorRun + Sync,
{
    fn run_vector(&self, vector: &Vector) -> VectorRun {
        self(vector)
    }
}

/// Whether an actual error satisfies an expected one (spec classes; see the README of
/// the conformance data): runtime errors by code, user errors by message (and code if
/// given), timeouts by class, non-PFA errors by failing at all.
pub fn error_matches(expected: &ExpectedError, actual: &ErrorInfo) -> Result<(), String> {
    if expected.non_pfa {
        return Ok(());
    }
    if expected.class != actual.class {
        return Err("wrong error class".into());
    }
    let user = expected.class == "PFAUserException";
    if user
        && expected
            .message
            .as_ref()
            .is_some_and(|m| *m != actual.message)
    {
        return Err("wrong user error message".into());
    }
    // Timeouts and other classes match by class alone.
    if (user || expected.class == "PFARuntimeException")
        && expected.code.is_some()
        && expected.code != actual.code
    {
        return Err(if user {
            "wrong user error code".into()
        } else {
            "wrong error code".into()
        });
    }
    Ok(())
}

/// The shape of a call's output.
fn output_shape(kind: CallKind, shapes: &DocShapes) -> &Shape {
    const NULL: &Shape = &Shape::Null;
    match kind {
        CallKind::Action if shapes.method == "emit" => NULL,
        CallKind::Action | CallKind::Merge => &shapes.output,
        CallKind::Snapshot => &shapes.state,
        CallKind::Begin | CallKind::End | CallKind::SetTally => NULL,
    }
}

/// Judges one call.
pub fn check_call(
    call: &Call,
    out: &CallOutcome,
    shapes: &DocShapes,
    nondeterministic: bool,
) -> Verdict {
    let name = call.kind.as_str();
    let fail = |why: String| Verdict {
        official: false,
        strict: false,
        reason: Some(format!("{name}: {why}")),
        panicked: false,
    };
    if let Some(expected) = &call.error {
        return match &out.result {
            Err(Failure::Error(actual)) => match error_matches(expected, actual) {
                Ok(()) => Verdict {
                    official: true,
                    strict: true,
                    reason: None,
                    panicked: false,
                },
                Err(why) => fail(format!("{why} (expected {})", expected.class)),
            },
            Err(f @ Failure::Panic(_)) => {
                let mut v = fail(f.key());
                v.panicked = true;
                v
            }
            Err(f) => fail(f.key()),
            Ok(_) => fail(format!("expected {}, got a result", expected.class)),
        };
    }
    let actual = match &out.result {
        Ok(a) => a,
        Err(f) => {
            let mut v = match f {
                Failure::Error(e) => fail(match e.code {
                    Some(c) => format!("unexpected {} {c}", e.class),
                    None => format!("unexpected {}", e.class),
                }),
                other => fail(other.key()),
            };
            v.panicked = matches!(f, Failure::Panic(_));
            return v;
        }
    };
    let shape = output_shape(call.kind, shapes);
    let schemas = &shapes.schemas;
    let (mut official, mut strict) = (true, true);
    let mut reason = None;
    if nondeterministic {
        if let Err(e) = schemas.conforms(actual, shape) {
            return fail(format!("output does not have the output type ({e})"));
        }
        for v in &out.emitted {
            if schemas.conforms(v, &shapes.output).is_err() {
                return fail("emitted value does not have the output type".into());
            }
        }
        return Verdict {
            official,
            strict,
            reason,
            panicked: false,
        };
    }
    if let Some(expected) = &call.output {
        let o = Comparator::new(schemas, Mode::Official).equal(expected, actual, shape);
        let s = o && Comparator::new(schemas, Mode::Strict).equal(expected, actual, shape);
        if !o {
            reason = Some(format!("{name}: wrong output"));
        }
        official &= o;
        strict &= s;
    }
    if let Some(expected) = &call.emitted {
        let seq = |mode| {
            let c = Comparator::new(schemas, mode);
            expected.len() == out.emitted.len()
                && expected
                    .iter()
                    .zip(&out.emitted)
                    .all(|(e, a)| c.equal(e, a, &shapes.output))
        };
        let o = seq(Mode::Official);
        let s = o && seq(Mode::Strict);
        if !o && reason.is_none() {
            reason = Some(format!("{name}: wrong emitted values"));
        }
        official &= o;
        strict &= s;
    }
    Verdict {
        official,
        strict,
        reason,
        panicked: false,
    }
}

fn describe_call(c: &Call) -> String {
    let mut parts = Vec::new();
    if let Some(e) = &c.error {
        parts.push(format!("error {e}"));
    }
    if let Some(o) = &c.output {
        parts.push(format!("output {}", truncate(&o.to_string(), 300)));
    }
    if let Some(e) = &c.emitted {
        parts.push(format!(
            "emitted {}",
            truncate(&Json::Array(e.clone()).to_string(), 300)
        ));
    }
    if parts.is_empty() {
        "success".to_string()
    } else {
        parts.join("; ")
    }
}

fn describe_call_outcome(o: &CallOutcome, c: &Call) -> String {
    let mut s = describe_outcome(&o.result);
    if c.emitted.is_some() || !o.emitted.is_empty() {
        s.push_str(&format!(
            "; emitted {}",
            truncate(&Json::Array(o.emitted.clone()).to_string(), 300)
        ));
    }
    s
}

/// Runs one vector like [`run_vector`]; if it fails and is a listed deviation, its failed
/// trials count as deviations. A failing vector is also kept in the dump, if collected.
pub fn run_vector_with(
    engine: &dyn VectorEngine,
    v: &Vector,
    deviations: &Deviations,
    agg: &mut Aggregate,
) {
    let failed = |a: &Aggregate| a.by_name.get(&v.id).map_or(0, |n| n.all.failed);
    let before = failed(agg);
    run_vector(engine, v, agg);
    let new = failed(agg) - before;
    if new > 0 {
        agg.dump((v.index, 0), || {
            serde_json::json!({"vector": v.id, "origin": v.origin, "failed": new}).to_string()
        });
    }
    if deviations.has_vector(&v.id) {
        if new == 0 {
            agg.deviation_passed(v.id.clone());
        }
        for _ in 0..new {
            agg.deviation(&v.id, v.oracle_doubt, v.id.clone());
        }
    }
}

/// Runs one vector on an engine and counts its trials into `agg`: one trial per call
/// (one for the load itself when rejection is expected or there are no calls).
pub fn run_vector(engine: &dyn VectorEngine, v: &Vector, agg: &mut Aggregate) {
    let run = guarded(|| engine.run_vector(v)).unwrap_or_else(|msg| VectorRun {
        load: Err(Failure::Panic(msg)),
        calls: Vec::new(),
    });
    let doubt = v.oracle_doubt;
    let order = |i: usize| (v.index, i);
    let sample = |input: String, expected: String, actual: String| Sample {
        order: (v.index, 0),
        name: v.id.clone(),
        input,
        expected,
        actual,
    };
    let load_input = || format!("load ({})", v.origin);
    if let LoadExpect::Rejected { class, message } = &v.load {
        agg.example(&v.id, false);
        let expected = format!("rejected ({class}: {})", truncate(message, 200));
        match &run.load {
            Err(Failure::Error(_)) => agg.trial(&v.id, doubt, true, true, None),
            Ok(()) => {
                let s = || sample(load_input(), expected.clone(), "loaded".into());
                agg.trial(
                    &v.id,
                    doubt,
                    false,
                    false,
                    Some((
                        "load: expected a rejection, but it loaded".into(),
                        order(0),
                        &s,
                    )),
                );
            }
            Err(f) => {
                if matches!(f, Failure::Panic(_)) {
                    agg.panics += 1;
                }
                let s = || sample(load_input(), expected.clone(), f.describe());
                agg.trial(
                    &v.id,
                    doubt,
                    false,
                    false,
                    Some((format!("load: {}", f.key()), order(0), &s)),
                );
            }
        }
        return;
    }
    match &run.load {
        Err(f) => {
            agg.example(&v.id, true);
            if matches!(f, Failure::Panic(_)) {
                agg.panics += 1;
            }
            let key = format!("load failure: {}", f.load_key());
            for i in 0..v.calls.len().max(1) {
                let s = || sample(load_input(), "loads".into(), f.describe());
                agg.trial(
                    &v.id,
                    doubt,
                    false,
                    false,
                    Some((key.clone(), order(i), &s)),
                );
            }
        }
        Ok(()) => {
            agg.example(&v.id, false);
            if v.calls.is_empty() {
                agg.trial(&v.id, doubt, true, true, None);
            }
            let missing = CallOutcome {
                result: Err(Failure::Skipped(
                    "the engine returned no outcome for this call".into(),
                )),
                emitted: Vec::new(),
            };
            for (i, call) in v.calls.iter().enumerate() {
                let out = run.calls.get(i).unwrap_or(&missing);
                let verdict = check_call(call, out, &v.shapes, v.nondeterministic);
                if verdict.panicked {
                    agg.panics += 1;
                }
                match verdict.reason {
                    None => agg.trial(&v.id, doubt, verdict.official, verdict.strict, None),
                    Some(key) => {
                        let s = || {
                            let mut s = sample(
                                format!(
                                    "call {i} {}: {}",
                                    call.kind.as_str(),
                                    truncate(&call.input.to_string(), 300)
                                ),
                                describe_call(call),
                                describe_call_outcome(out, call),
                            );
                            s.order = order(i);
                            s
                        };
                        agg.trial(
                            &v.id,
                            doubt,
                            verdict.official,
                            verdict.strict,
                            Some((key, order(i), &s)),
                        );
                    }
                }
            }
        }
    }
}

/// The vector files named by `paths`: files as given, directories searched (not
/// recursively) for `*.jsonl` and `*.jsonl.gz`, in name order.
///
/// # Errors
/// Unreadable paths.
pub fn vector_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("cannot list {}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    f.is_file() && (name.ends_with(".jsonl") || name.ends_with(".jsonl.gz"))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!("no such file or directory: {}", p.display()));
        }
    }
    Ok(out)
}

/// Streams the vectors of `files` and runs them on `threads` workers.
pub fn run_vectors(files: &[PathBuf], engine: &dyn VectorEngine, threads: usize) -> Aggregate {
    run_vectors_with(files, engine, threads, &Deviations::default(), false)
}

/// Streams the vectors of `files` and runs them on `threads` workers, matching failing
/// vectors against the listed `deviations` and, if `dump_failures`, collecting them in
/// [`Aggregate::dumped`].
pub fn run_vectors_with(
    files: &[PathBuf],
    engine: &dyn VectorEngine,
    threads: usize,
    deviations: &Deviations,
    dump_failures: bool,
) -> Aggregate {
    let fresh = || {
        let mut a = Aggregate::new(Kind::Vectors);
        if dump_failures {
            a.dumped = Some(Vec::new());
        }
        a
    };
    let mut agg = fresh();
    let mut lines = VectorLines {
        files: files.iter().rev().cloned().collect(),
        current: None,
        errors: Vec::new(),
    };
    let parts = run_parallel(
        lines.by_ref().enumerate(),
        threads,
        fresh,
        |acc, (index, (origin, text))| match Vector::parse(index, origin.clone(), &text) {
            Ok(v) => run_vector_with(engine, &v, deviations, acc),
            Err(e) => acc.error(format!("{origin}: {e}")),
        },
    );
    for p in parts {
        agg.merge(p);
    }
    for e in lines.errors {
        agg.error(e);
    }
    let duplicates: Vec<String> = agg
        .by_name
        .iter()
        .filter(|(_, n)| n.examples > 1)
        .map(|(id, n)| format!("duplicate vector id {id} ({} vectors)", n.examples))
        .collect();
    for d in duplicates {
        agg.error(d);
    }
    agg
}

/// A vector file being read: its path, its lines, and the number of lines read.
type OpenFile = (PathBuf, std::io::Lines<Box<dyn BufRead + Send>>, usize);

/// The non-blank lines of a list of vector files, read lazily, each with its
/// `file:line` origin.
struct VectorLines {
    /// Files still to open, last first.
    files: Vec<PathBuf>,
    current: Option<OpenFile>,
    errors: Vec<String>,
}

impl Iterator for VectorLines {
    type Item = (String, String);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((path, lines, n)) = self.current.as_mut() {
                match lines.next() {
                    Some(Ok(l)) => {
                        *n += 1;
                        if !l.trim().is_empty() {
                            return Some((format!("{}:{n}", path.display()), l));
                        }
                    }
                    Some(Err(e)) => {
                        self.errors
                            .push(format!("{}:{}: read error: {e}", path.display(), *n + 1));
                        self.current = None;
                    }
                    None => self.current = None,
                }
                continue;
            }
            let path = self.files.pop()?;
            match open_maybe_gz(&path) {
                Ok(r) => self.current = Some((path, r.lines(), 0)),
                Err(e) => self
                    .errors
                    .push(format!("cannot read {}: {e}", path.display())),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vector(line: Json) -> Vector {
        Vector::parse(0, "t:1".into(), &line.to_string()).unwrap()
    }

    #[test]
    fn parse_and_errors() {
        let v = vector(
            json!({"id": "a", "engine": {"input": "int", "output": "int", "action": "input"},
            "calls": [{"fn": "action", "input": 1, "output": 1},
                      {"fn": "action", "input": 2, "error": {"class": "PFAUserException", "code": null, "message": "m"}}]}),
        );
        assert_eq!(v.load, LoadExpect::Ok);
        assert_eq!(v.calls.len(), 2);
        assert_eq!(v.calls[1].error.as_ref().unwrap().code, None);
        assert!(Vector::parse(0, "t".into(), r#"{"engine": {}}"#).is_err());
        assert!(Vector::parse(
            0,
            "t".into(),
            r#"{"id": "x", "engine": {}, "calls": [{"fn": "bogus"}]}"#
        )
        .is_err());
        assert!(Vector::parse(
            0,
            "t".into(),
            r#"{"id": "x", "engine": {}, "multiplicity": 2, "instance": 2}"#
        )
        .is_err());
        assert!(Vector::parse(
            0,
            "t".into(),
            r#"{"id": "x", "engine": {}, "calls": [{"fn": "merge", "input": 1}]}"#
        )
        .is_err());
    }

    #[test]
    fn error_matching() {
        let rt = |code| ExpectedError {
            class: "PFARuntimeException".into(),
            code,
            message: None,
            non_pfa: false,
        };
        let got = ErrorInfo::new("PFARuntimeException", Some(18000), "int overflow");
        assert!(error_matches(&rt(Some(18000)), &got).is_ok());
        assert!(error_matches(&rt(Some(18001)), &got).is_err());
        let user = ExpectedError {
            class: "PFAUserException".into(),
            code: None,
            message: Some("too small".into()),
            non_pfa: false,
        };
        assert!(error_matches(
            &user,
            &ErrorInfo::new("PFAUserException", None, "too small")
        )
        .is_ok());
        assert!(error_matches(
            &user,
            &ErrorInfo::new("PFAUserException", Some(-3), "too small")
        )
        .is_ok());
        assert!(
            error_matches(&user, &ErrorInfo::new("PFAUserException", None, "too big")).is_err()
        );
        assert!(error_matches(&user, &got).is_err());
        let other = ExpectedError {
            class: "TypeError".into(),
            code: None,
            message: None,
            non_pfa: true,
        };
        assert!(error_matches(&other, &ErrorInfo::new("PFADataException", None, "bad")).is_ok());
        let timeout = ExpectedError {
            class: "PFATimeoutException".into(),
            code: None,
            message: Some("x".into()),
            non_pfa: false,
        };
        assert!(error_matches(
            &timeout,
            &ErrorInfo::new("PFATimeoutException", None, "exceeded")
        )
        .is_ok());
    }

    #[test]
    fn emit_and_snapshot_shapes() {
        let v = vector(
            json!({"id": "e", "engine": {"input": "int", "output": "double", "method": "emit",
            "cells": {"c": {"type": "float", "init": 0.5}}, "action": []},
            "calls": [{"fn": "action", "input": 1, "output": null, "emitted": [1.0, 2.0]},
                      {"fn": "snapshot", "output": {"cells": {"c": 0.1}, "pools": {}}}]}),
        );
        let ok = |result: Outcome, emitted: Vec<Json>| CallOutcome { result, emitted };
        let pass = check_call(
            &v.calls[0],
            &ok(Ok(Json::Null), vec![json!(1.0), json!(2.0)]),
            &v.shapes,
            false,
        );
        assert!(pass.official && pass.strict, "{pass:?}");
        let short = check_call(
            &v.calls[0],
            &ok(Ok(Json::Null), vec![json!(1.0)]),
            &v.shapes,
            false,
        );
        assert_eq!(
            short.reason.as_deref(),
            Some("action: wrong emitted values")
        );
        let snap = check_call(
            &v.calls[1],
            &ok(
                Ok(json!({"cells": {"c": 0.1f32 as f64}, "pools": {}})),
                vec![],
            ),
            &v.shapes,
            false,
        );
        assert!(snap.strict, "{snap:?}");
        let nd = check_call(
            &v.calls[0],
            &ok(Ok(Json::Null), vec![json!("x")]),
            &v.shapes,
            true,
        );
        assert!(!nd.official);
    }
}
