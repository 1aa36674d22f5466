//! The function-library suite (`pfa-tests.json`): examples, their trials, how a trial's
//! outcome is judged, and the streaming run over a whole file.
//!
//! Engines plug in through [`SuiteEngine`], so the judging and reporting can be tested
//! with a fake engine.

use std::path::Path;

use std::collections::HashMap;

use serde_json::value::RawValue;
use serde_json::Value as Json;

use crate::compare::{sort_unordered, Comparator, Mode};
use crate::deviations::Deviations;
use crate::guard::guarded;
use crate::outcome::{describe_outcome, Failure, Outcome};
use crate::pool::run_parallel;
use crate::report::{truncate, Aggregate, Kind, Sample};
use crate::scan::{open_maybe_gz, SuiteSplitter};
use crate::schema::DocShapes;

/// What a trial expects.
#[derive(Clone, Debug, PartialEq)]
pub enum Expect {
    /// A result (`"result"`).
    Value(Json),
    /// A runtime error with this code (`"error"`).
    Error(i64),
    /// Success with any value (pseudorandom trials record no result).
    Success,
}

/// Why a trial's value cannot be compared exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum Nondet {
    /// Depends on the random generator: only success/failure and the type are checked.
    Pseudorandom,
    /// Numerically unstable: only success/failure and the type are checked.
    Unstable,
    /// An array whose order is unspecified: compared after sorting.
    Unordered,
    /// Any other marker: treated like `Unstable`.
    Other(String),
}

/// One trial: an input record and what it should produce.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// The input record (keys the input type does not declare are removed).
    pub sample: Json,
    /// The expectation.
    pub expect: Expect,
    /// Nondeterminism marker, if any.
    pub nondet: Option<Nondet>,
}

/// One example: an engine and its trials.
///
/// Trials are kept as raw JSON text and parsed one at a time while running: a few
/// examples hold tens of thousands of trials (over 20 MB of text), and their parsed
/// trees would be many times larger.
#[derive(Clone, Debug)]
pub struct Example {
    /// Position in the file, from 0.
    pub index: usize,
    /// Line where it starts.
    pub line: usize,
    /// The library function it exercises.
    pub function: String,
    /// The PFA document.
    pub engine: Json,
    /// Whether the recorded expectations are doubted (`"oracle-doubt": true`).
    pub oracle_doubt: bool,
    /// Types read from the document.
    pub shapes: DocShapes,
    trials: Vec<Box<RawValue>>,
    input_fields: Option<Vec<String>>,
}

impl Example {
    /// Parses one element of the `"pfa-tests"` array (trials are only checked to be
    /// JSON; [`Example::trial`] parses each).
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn parse(index: usize, line: usize, text: &str) -> Result<Example, String> {
        let mut obj: HashMap<String, Box<RawValue>> =
            serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let field =
            |obj: &mut HashMap<String, Box<RawValue>>, k: &str| -> Result<Option<Json>, String> {
                obj.remove(k)
                    .map(|r| serde_json::from_str(r.get()).map_err(|e| format!("\"{k}\": {e}")))
                    .transpose()
            };
        let function = match field(&mut obj, "function")? {
            Some(Json::String(s)) => s,
            _ => return Err("missing \"function\" name".into()),
        };
        let engine = field(&mut obj, "engine")?.unwrap_or(Json::Null);
        let oracle_doubt = field(&mut obj, "oracle-doubt")?
            .and_then(|j| j.as_bool())
            .unwrap_or(false);
        let trials: Vec<Box<RawValue>> = match obj.remove("trials") {
            Some(r) => serde_json::from_str(r.get())
                .map_err(|e| format!("{function}: \"trials\" is not an array: {e}"))?,
            None => return Err(format!("{function}: missing \"trials\" array")),
        };
        Example::build(index, line, function, engine, oracle_doubt, trials)
    }

    /// Builds an example from its parsed JSON.
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn from_json(index: usize, line: usize, json: Json) -> Result<Example, String> {
        Example::parse(index, line, &json.to_string())
    }

    fn build(
        index: usize,
        line: usize,
        function: String,
        engine: Json,
        oracle_doubt: bool,
        trials: Vec<Box<RawValue>>,
    ) -> Result<Example, String> {
        if !engine.is_object() {
            return Err(format!("{function}: missing \"engine\" object"));
        }
        let shapes = DocShapes::of(&engine);
        let input_fields = shapes
            .input_fields()
            .map(|f| f.into_iter().map(str::to_string).collect());
        Ok(Example {
            index,
            line,
            function,
            engine,
            oracle_doubt,
            shapes,
            trials,
            input_fields,
        })
    }

    /// Number of trials.
    pub fn trial_count(&self) -> usize {
        self.trials.len()
    }

    /// Parses trial `i`.
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn trial(&self, i: usize) -> Result<Trial, String> {
        let raw = self.trials.get(i).ok_or_else(|| format!("no trial {i}"))?;
        let json: Json = serde_json::from_str(raw.get()).map_err(|e| e.to_string())?;
        parse_trial(json, self.input_fields.as_deref())
            .map_err(|e| format!("{}: trial {i}: {e}", self.function))
    }

    /// The sample of trial `i` exactly as the file has it (before undeclared keys are
    /// removed), if the trial is an object with a sample.
    pub fn raw_sample(&self, i: usize) -> Option<Json> {
        let raw = self.trials.get(i)?;
        match serde_json::from_str::<Json>(raw.get()).ok()? {
            Json::Object(mut m) => m.remove("sample"),
            _ => None,
        }
    }
}

fn parse_trial(t: Json, fields: Option<&[String]>) -> Result<Trial, String> {
    let Json::Object(mut t) = t else {
        return Err("not an object".into());
    };
    let mut sample = t.remove("sample").ok_or("no \"sample\"")?;
    // The suite has a few samples with a key the input record does not declare (a
    // misspelled parameter in the generator's source); they are to be ignored.
    if let (Some(fields), Json::Object(m)) = (fields, &mut sample) {
        m.retain(|k, _| fields.iter().any(|f| f == k));
    }
    let nondet = match t.get("nondeterministic") {
        None | Some(Json::Null) | Some(Json::Bool(false)) => None,
        Some(Json::String(s)) => Some(match s.as_str() {
            "pseudorandom" => Nondet::Pseudorandom,
            "unstable" => Nondet::Unstable,
            "unordered" => Nondet::Unordered,
            other => Nondet::Other(other.to_string()),
        }),
        Some(other) => Some(Nondet::Other(other.to_string())),
    };
    let expect = match (t.remove("error"), t.remove("result")) {
        (Some(e), _) => Expect::Error(e.as_i64().ok_or("\"error\" is not an integer code")?),
        (None, Some(r)) => Expect::Value(r),
        (None, None) => {
            if nondet.is_none() {
                return Err("neither \"result\" nor \"error\"".into());
            }
            Expect::Success
        }
    };
    Ok(Trial {
        sample,
        expect,
        nondet,
    })
}

/// The engine under test, for the suite.
///
/// Implemented by the real engine ([`crate::backend::PfaCore`]) and, in tests, by fakes:
/// any `Fn(&Example, &Trial) -> Outcome + Sync` closure is an engine that always loads.
pub trait SuiteEngine: Sync {
    /// Loads `example.engine`, ready to run its trials, or fails to load.
    fn load<'a>(&'a self, example: &'a Example) -> Result<Box<dyn SuiteSession + 'a>, Failure>;
}

/// A loaded example: runs its trials in order.
pub trait SuiteSession {
    /// Runs one trial: its output encoded with the output type in the conformance
    /// convention, or the failure.
    fn run(&mut self, trial: &Trial) -> Outcome;

    /// Called after the last trial (e.g. to run the `end` phase); not judged.
    fn finish(&mut self) {}
}

struct FnSession<'a, F> {
    f: &'a F,
    example: &'a Example,
}

impl<F: Fn(&Example, &Trial) -> Outcome> SuiteSession for FnSession<'_, F> {
    fn run(&mut self, trial: &Trial) -> Outcome {
        (self.f)(self.example, trial)
    }
}

impl<F> SuiteEngine for F
where
    F: Fn(&Example, &Trial) -> Outcome + Sync,
{
    fn load<'a>(&'a self, example: &'a Example) -> Result<Box<dyn SuiteSession + 'a>, Failure> {
        Ok(Box::new(FnSession { f: self, example }))
    }
}

/// The judgement of one trial.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// Passes the official comparison.
    pub official: bool,
    /// Passes the strict comparison.
    pub strict: bool,
    /// Why it failed (a key grouping similar failures), if it did.
    pub reason: Option<String>,
    /// Whether the engine panicked.
    pub panicked: bool,
}

impl Verdict {
    fn pass() -> Self {
        Verdict {
            official: true,
            strict: true,
            reason: None,
            panicked: false,
        }
    }

    fn fail(reason: impl Into<String>) -> Self {
        Verdict {
            official: false,
            strict: false,
            reason: Some(reason.into()),
            panicked: false,
        }
    }
}

/// A failure key for an outcome that is an error where none (or another) was expected.
fn unexpected(f: &Failure) -> Verdict {
    let mut v = match f {
        Failure::Error(e) if e.class == "PFADataException" => {
            Verdict::fail("input not accepted (PFADataException)")
        }
        Failure::Error(e) => match e.code {
            Some(c) => Verdict::fail(format!("unexpected {} {c}", e.class)),
            None => Verdict::fail(format!("unexpected {}", e.class)),
        },
        other => Verdict::fail(other.key()),
    };
    v.panicked = matches!(f, Failure::Panic(_));
    v
}

/// Judges one trial's outcome.
pub fn check_trial(trial: &Trial, outcome: &Outcome, shapes: &DocShapes) -> Verdict {
    match (&trial.expect, outcome) {
        (Expect::Error(code), Err(Failure::Error(e))) => {
            if e.code == Some(*code) {
                Verdict::pass()
            } else if e.class == "PFADataException" {
                unexpected(&Failure::Error(e.clone()))
            } else {
                Verdict::fail(format!("wrong error code (expected {code})"))
            }
        }
        (Expect::Error(code), Ok(_)) => {
            Verdict::fail(format!("expected error {code}, got a result"))
        }
        (_, Err(f)) => unexpected(f),
        (Expect::Success, Ok(actual)) => conforms(actual, shapes),
        (Expect::Value(expected), Ok(actual)) => match &trial.nondet {
            Some(Nondet::Pseudorandom | Nondet::Unstable | Nondet::Other(_)) => {
                conforms(actual, shapes)
            }
            Some(Nondet::Unordered) => {
                let (mut e, mut a) = (expected.clone(), actual.clone());
                sort_unordered(&mut e);
                sort_unordered(&mut a);
                compare(&e, &a, shapes)
            }
            None => compare(expected, actual, shapes),
        },
    }
}

fn conforms(actual: &Json, shapes: &DocShapes) -> Verdict {
    match shapes.schemas.conforms(actual, &shapes.output) {
        Ok(()) => Verdict::pass(),
        Err(_) => Verdict::fail("output does not have the output type"),
    }
}

fn compare(expected: &Json, actual: &Json, shapes: &DocShapes) -> Verdict {
    let official =
        Comparator::new(&shapes.schemas, Mode::Official).equal(expected, actual, &shapes.output);
    let strict = official
        && Comparator::new(&shapes.schemas, Mode::Strict).equal(expected, actual, &shapes.output);
    if official {
        Verdict {
            official,
            strict,
            reason: None,
            panicked: false,
        }
    } else {
        Verdict::fail("wrong result")
    }
}

fn describe_expect(e: &Expect) -> String {
    match e {
        Expect::Value(j) => truncate(&j.to_string(), 300),
        Expect::Error(c) => format!("error {c}"),
        Expect::Success => "any value of the output type".to_string(),
    }
}

fn expect_json(e: &Expect) -> Json {
    match e {
        Expect::Value(j) => j.clone(),
        Expect::Error(c) => serde_json::json!({ "error": c }),
        Expect::Success => Json::Null,
    }
}

fn outcome_json(o: &Outcome) -> Json {
    match o {
        Ok(j) => j.clone(),
        Err(f) => serde_json::json!({ "failure": f.describe() }),
    }
}

/// Runs one example on an engine and counts its trials into `agg`.
pub fn run_example(engine: &dyn SuiteEngine, ex: &Example, agg: &mut Aggregate) {
    run_example_with(engine, ex, &Deviations::default(), agg);
}

/// Notes a failed trial: whether it is a listed deviation, and its dump line.
fn note_failure(
    ex: &Example,
    i: usize,
    expected: impl FnOnce() -> Json,
    actual: impl FnOnce() -> Json,
    deviations: &Deviations,
    agg: &mut Aggregate,
) {
    if deviations.has_function(&ex.function) {
        if let Some(key) = ex
            .raw_sample(i)
            .and_then(|s| deviations.trial_key(&ex.function, &s))
        {
            agg.deviation(&ex.function, ex.oracle_doubt, key);
        }
    }
    agg.dump((ex.index, i), || {
        serde_json::json!({
            "function": ex.function,
            "sample": ex.raw_sample(i).unwrap_or(Json::Null),
            "expected": expected(),
            "actual": actual(),
        })
        .to_string()
    });
}

/// Runs one example on an engine, counting its trials into `agg` and matching failed
/// trials against the listed `deviations`.
pub fn run_example_with(
    engine: &dyn SuiteEngine,
    ex: &Example,
    deviations: &Deviations,
    agg: &mut Aggregate,
) {
    let session = guarded(|| engine.load(ex)).unwrap_or_else(|msg| Err(Failure::Panic(msg)));
    let mut session = match session {
        Ok(s) => s,
        Err(f) => {
            agg.example(&ex.function, true);
            if matches!(f, Failure::Panic(_)) {
                agg.panics += 1;
            }
            let key = reason_key(format!("load failure: {}", f.load_key()), ex);
            let actual = f.describe();
            for i in 0..ex.trial_count() {
                let sample = || match ex.trial(i) {
                    Ok(t) => sample(ex, i, &t, &actual),
                    Err(e) => Sample {
                        order: (ex.index, i),
                        name: ex.function.clone(),
                        input: format!("(malformed trial: {e})"),
                        expected: String::new(),
                        actual: actual.clone(),
                    },
                };
                agg.trial(
                    &ex.function,
                    ex.oracle_doubt,
                    false,
                    false,
                    Some((key.clone(), (ex.index, i), &sample)),
                );
                let expected = || match ex.trial(i) {
                    Ok(t) => expect_json(&t.expect),
                    Err(_) => Json::Null,
                };
                note_failure(
                    ex,
                    i,
                    expected,
                    || serde_json::json!({ "failure": actual }),
                    deviations,
                    agg,
                );
            }
            return;
        }
    };
    agg.example(&ex.function, false);
    for i in 0..ex.trial_count() {
        let t = match ex.trial(i) {
            Ok(t) => t,
            Err(e) => {
                agg.error(format!("example {} (line {}): {e}", ex.index, ex.line));
                continue;
            }
        };
        let out = guarded(|| session.run(&t)).unwrap_or_else(|msg| Err(Failure::Panic(msg)));
        let v = check_trial(&t, &out, &ex.shapes);
        if v.panicked {
            agg.panics += 1;
        }
        if v.official && deviations.has_function(&ex.function) {
            if let Some(key) = ex
                .raw_sample(i)
                .and_then(|s| deviations.trial_key(&ex.function, &s))
            {
                agg.deviation_passed(key);
            }
        }
        match v.reason {
            None => agg.trial(&ex.function, ex.oracle_doubt, v.official, v.strict, None),
            Some(key) => {
                let key = reason_key(key, ex);
                let actual = describe_outcome(&out);
                let sample = || sample(ex, i, &t, &actual);
                agg.trial(
                    &ex.function,
                    ex.oracle_doubt,
                    v.official,
                    v.strict,
                    Some((key, (ex.index, i), &sample)),
                );
                if !v.official {
                    note_failure(
                        ex,
                        i,
                        || expect_json(&t.expect),
                        || outcome_json(&out),
                        deviations,
                        agg,
                    );
                }
            }
        }
    }
    if let Err(msg) = guarded(|| session.finish()) {
        agg.panics += 1;
        let actual = format!("panic: {msg}");
        let s = || Sample {
            order: (ex.index, usize::MAX),
            name: ex.function.clone(),
            input: "(end of example)".into(),
            expected: "no panic".into(),
            actual: actual.clone(),
        };
        agg.reason(
            format!("panic at end: {}", truncate(&msg, 120)),
            (ex.index, usize::MAX),
            &s,
        );
    }
}

/// Wrong values are grouped per function (each is its own bug), other failures across
/// functions; failures in doubted examples are kept apart from the rest.
fn reason_key(key: String, ex: &Example) -> String {
    let key = if key == "wrong result" || key.starts_with("wrong error code") {
        format!("{key}: {}", ex.function)
    } else {
        key
    };
    if ex.oracle_doubt {
        format!("{key} [oracle-doubt]")
    } else {
        key
    }
}

fn sample(ex: &Example, i: usize, t: &Trial, actual: &str) -> Sample {
    let mut expected = describe_expect(&t.expect);
    if let Some(n) = &t.nondet {
        expected.push_str(&format!(" (nondeterministic: {n:?})"));
    }
    Sample {
        order: (ex.index, i),
        name: ex.function.clone(),
        input: truncate(&t.sample.to_string(), 300),
        expected,
        actual: actual.to_string(),
    }
}

/// Settings of a suite run.
#[derive(Clone, Debug, Default)]
pub struct SuiteOptions {
    /// Run only these functions (all if empty).
    pub functions: Vec<String>,
    /// Worker threads (at least 1).
    pub threads: usize,
    /// Failed trials that deliberately differ from the recording.
    pub deviations: Deviations,
    /// Collect every failed trial in [`Aggregate::dumped`].
    pub dump_failures: bool,
}

/// Streams a suite file and runs every (selected) example. File-level problems are
/// recorded in [`Aggregate::errors`]; the examples before them are still counted.
pub fn run_suite(path: &Path, engine: &dyn SuiteEngine, opts: &SuiteOptions) -> Aggregate {
    let fresh = || {
        let mut a = Aggregate::new(Kind::Suite);
        if opts.dump_failures {
            a.dumped = Some(Vec::new());
        }
        a
    };
    let mut agg = fresh();
    let reader = match open_maybe_gz(path) {
        Ok(r) => r,
        Err(e) => {
            agg.error(format!("cannot read {}: {e}", path.display()));
            return agg;
        }
    };
    let mut scan_error = None;
    let items = SuiteSplitter::new(reader).map_while(|r| match r {
        Ok(raw) => Some(raw),
        Err(e) => {
            scan_error = Some(e.0);
            None
        }
    });
    // Skip unselected examples before they are sent to a worker and parsed.
    let items = items.filter(|raw| {
        opts.functions.is_empty()
            || match peek_function(&raw.text) {
                Some(f) => opts.functions.contains(&f),
                None => true,
            }
    });
    let parts = run_parallel(
        items,
        opts.threads.max(1),
        fresh,
        |acc, raw| match Example::parse(raw.index, raw.line, &raw.text) {
            Ok(ex) => {
                if opts.functions.is_empty() || opts.functions.contains(&ex.function) {
                    run_example_with(engine, &ex, &opts.deviations, acc);
                }
            }
            Err(e) => acc.error(format!("example {} (line {}): {e}", raw.index, raw.line)),
        },
    );
    for p in parts {
        agg.merge(p);
    }
    for f in &opts.functions {
        if !agg.by_name.contains_key(f) {
            agg.notes
                .push(format!("no example of function {f} was found"));
        }
    }
    if let Some(e) = scan_error {
        agg.error(format!("{}: {e}", path.display()));
    }
    agg
}

/// The function name of an example whose text starts with `{"function": "NAME"` (the
/// usual layout), without parsing the rest; `None` if it does not start that way.
pub fn peek_function(text: &str) -> Option<String> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"function\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    serde_json::Deserializer::from_str(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::ErrorInfo;
    use serde_json::json;

    fn example(trials: Json) -> Example {
        Example::from_json(
            0,
            1,
            json!({
                "function": "f",
                "engine": {"input": {"type": "record", "name": "Input", "fields": [{"name": "x", "type": "double"}]},
                           "output": {"type": "array", "items": "float"}, "action": "input.x"},
                "trials": trials
            }),
        )
        .unwrap()
    }

    fn err(code: i64) -> Outcome {
        Err(Failure::Error(ErrorInfo::new(
            "PFARuntimeException",
            Some(code),
            "m",
        )))
    }

    #[test]
    fn parse_trials() {
        let ex = example(json!([
            {"sample": {"x": 1, "prediction": 2}, "result": [1.0]},
            {"sample": {"x": 1}, "error": 7, "nondeterministic": "pseudorandom"},
            {"sample": {"x": 1}, "nondeterministic": "pseudorandom"}
        ]));
        assert_eq!(ex.trial_count(), 3);
        assert_eq!(ex.trial(0).unwrap().sample, json!({"x": 1}));
        assert_eq!(ex.trial(1).unwrap().expect, Expect::Error(7));
        assert_eq!(ex.trial(1).unwrap().nondet, Some(Nondet::Pseudorandom));
        assert_eq!(ex.trial(2).unwrap().expect, Expect::Success);
        let bad = json!({"function": "f", "engine": {}, "trials": [{"sample": 1}]});
        assert!(Example::from_json(0, 1, bad).unwrap().trial(0).is_err());
        assert!(Example::from_json(0, 1, json!({"function": "f", "trials": []})).is_err());
        assert!(Example::from_json(0, 1, json!({"function": "f", "engine": {}})).is_err());
        assert!(Example::parse(0, 1, "{").is_err());
    }

    #[test]
    fn peeking() {
        assert_eq!(
            peek_function(r#" {"function": "a\"b", "x": 1}"#).as_deref(),
            Some("a\"b")
        );
        assert_eq!(
            peek_function(r#"{"function":"+","engine":{}}"#).as_deref(),
            Some("+")
        );
        assert_eq!(peek_function(r#"{"engine": {}, "function": "+"}"#), None);
        assert_eq!(peek_function(r#"{"function": 3}"#), None);
    }

    #[test]
    fn judging() {
        let ex = example(json!([
            {"sample": {"x": 1}, "result": [0.1, 2.0]},
            {"sample": {"x": 1}, "error": 7},
            {"sample": {"x": 1}, "result": [3.0, 1.0], "nondeterministic": "unordered"},
            {"sample": {"x": 1}, "result": [5.0], "nondeterministic": "unstable"}
        ]));
        let s = &ex.shapes;
        let t: Vec<Trial> = (0..ex.trial_count())
            .map(|i| ex.trial(i).unwrap())
            .collect();
        let f = (0.1f32) as f64;
        assert_eq!(check_trial(&t[0], &Ok(json!([f, 2.0])), s), Verdict::pass());
        let near = check_trial(&t[0], &Ok(json!([0.1, 2.05])), s);
        assert!(near.official && !near.strict);
        assert_eq!(
            check_trial(&t[0], &Ok(json!([0.1, 3.0])), s)
                .reason
                .as_deref(),
            Some("wrong result")
        );
        assert_eq!(
            check_trial(&t[0], &err(7), s).reason.as_deref(),
            Some("unexpected PFARuntimeException 7")
        );
        assert_eq!(check_trial(&t[1], &err(7), s), Verdict::pass());
        assert!(check_trial(&t[1], &err(8), s)
            .reason
            .unwrap()
            .starts_with("wrong error code"));
        assert!(check_trial(&t[1], &Ok(json!([])), s)
            .reason
            .unwrap()
            .starts_with("expected error 7"));
        assert_eq!(
            check_trial(&t[2], &Ok(json!([1.0, 3.0])), s),
            Verdict::pass()
        );
        assert_eq!(
            check_trial(&t[3], &Ok(json!([9.0, 9.0])), s),
            Verdict::pass()
        );
        assert_eq!(
            check_trial(&t[3], &Ok(json!(["x"])), s).reason.as_deref(),
            Some("output does not have the output type")
        );
        let p = check_trial(&t[0], &Err(Failure::Panic("boom".into())), s);
        assert!(p.panicked && !p.official);
    }
}
