//! The function-library suite (`pfa-tests.json`): examples, their trials, how a trial's
//! outcome is judged, and the streaming run over a whole file.
//!
//! Engines plug in through [`SuiteEngine`], so the judging and reporting can be tested
//! with a fake engine.

use std::path::Path;

use serde_json::Value as Json;

use crate::compare::{sort_unordered, Comparator, Mode};
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
    /// The trials, in file order.
    pub trials: Vec<Trial>,
    /// Whether the recorded expectations are doubted (`"oracle-doubt": true`).
    pub oracle_doubt: bool,
    /// Types read from the document.
    pub shapes: DocShapes,
}

impl Example {
    /// Parses one element of the `"pfa-tests"` array.
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn parse(index: usize, line: usize, text: &str) -> Result<Example, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
        Example::from_json(index, line, json)
    }

    /// Builds an example from its parsed JSON.
    ///
    /// # Errors
    /// A description of what is malformed.
    pub fn from_json(index: usize, line: usize, json: Json) -> Result<Example, String> {
        let Json::Object(mut obj) = json else {
            return Err("an example must be an object".into());
        };
        let function = match obj.remove("function") {
            Some(Json::String(s)) => s,
            _ => return Err("missing \"function\" name".into()),
        };
        let engine = obj
            .remove("engine")
            .filter(Json::is_object)
            .ok_or_else(|| format!("{function}: missing \"engine\" object"))?;
        let oracle_doubt = obj
            .get("oracle-doubt")
            .and_then(Json::as_bool)
            .unwrap_or(false);
        let raw_trials = match obj.remove("trials") {
            Some(Json::Array(t)) => t,
            _ => return Err(format!("{function}: missing \"trials\" array")),
        };
        let shapes = DocShapes::of(&engine);
        let fields: Option<Vec<String>> = shapes
            .input_fields()
            .map(|f| f.into_iter().map(str::to_string).collect());
        let trials = raw_trials
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                parse_trial(t, fields.as_deref()).map_err(|e| format!("{function}: trial {i}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Example {
            index,
            line,
            function,
            engine,
            trials,
            oracle_doubt,
            shapes,
        })
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

/// Runs the trials of an example on an engine.
///
/// Implemented by the real engine ([`crate::backend::PfaCore`]) and, in tests, by fakes:
/// any `Fn(&Example) -> Result<Vec<Outcome>, Failure> + Sync` closure works.
pub trait SuiteEngine: Sync {
    /// Loads `example.engine` and runs every trial in order, returning one outcome per
    /// trial (the output encoded with the output type in the conformance convention), or
    /// `Err` if the engine could not be loaded at all.
    fn run_example(&self, example: &Example) -> Result<Vec<Outcome>, Failure>;
}

impl<F> SuiteEngine for F
where
    F: Fn(&Example) -> Result<Vec<Outcome>, Failure> + Sync,
{
    fn run_example(&self, example: &Example) -> Result<Vec<Outcome>, Failure> {
        self(example)
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

/// Runs one example on an engine and counts its trials into `agg`.
pub fn run_example(engine: &dyn SuiteEngine, ex: &Example, agg: &mut Aggregate) {
    let outcomes = match guarded(|| engine.run_example(ex)) {
        Ok(r) => r,
        Err(msg) => Err(Failure::Panic(msg)),
    };
    match outcomes {
        Err(f) => {
            agg.example(&ex.function, true);
            if matches!(f, Failure::Panic(_)) {
                agg.panics += 1;
            }
            let key = match &f {
                Failure::Error(e) => format!("load failure: {}", e.class),
                other => format!("load failure: {}", other.key()),
            };
            let actual = f.describe();
            for (i, t) in ex.trials.iter().enumerate() {
                let sample = || sample(ex, i, t, &actual);
                agg.trial(
                    &ex.function,
                    ex.oracle_doubt,
                    false,
                    false,
                    Some((key.clone(), (ex.index, i), &sample)),
                );
            }
        }
        Ok(outs) => {
            agg.example(&ex.function, false);
            let missing = Err(Failure::Skipped(
                "the engine returned no outcome for this trial".into(),
            ));
            for (i, t) in ex.trials.iter().enumerate() {
                let out = outs.get(i).unwrap_or(&missing);
                let v = check_trial(t, out, &ex.shapes);
                if v.panicked {
                    agg.panics += 1;
                }
                match v.reason {
                    None => agg.trial(&ex.function, ex.oracle_doubt, v.official, v.strict, None),
                    Some(key) => {
                        let actual = describe_outcome(out);
                        let sample = || sample(ex, i, t, &actual);
                        agg.trial(
                            &ex.function,
                            ex.oracle_doubt,
                            v.official,
                            v.strict,
                            Some((key, (ex.index, i), &sample)),
                        );
                    }
                }
            }
        }
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
}

/// Streams a suite file and runs every (selected) example. File-level problems are
/// recorded in [`Aggregate::errors`]; the examples before them are still counted.
pub fn run_suite(path: &Path, engine: &dyn SuiteEngine, opts: &SuiteOptions) -> Aggregate {
    let mut agg = Aggregate::new(Kind::Suite);
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
    let parts = run_parallel(
        items,
        opts.threads.max(1),
        || Aggregate::new(Kind::Suite),
        |acc, raw| match Example::parse(raw.index, raw.line, &raw.text) {
            Ok(ex) => {
                if opts.functions.is_empty() || opts.functions.contains(&ex.function) {
                    run_example(engine, &ex, acc);
                }
            }
            Err(e) => acc.error(format!("example {} (line {}): {e}", raw.index, raw.line)),
        },
    );
    for p in parts {
        agg.merge(p);
    }
    if let Some(e) = scan_error {
        agg.error(format!("{}: {e}", path.display()));
    }
    agg
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
        assert_eq!(ex.trials[0].sample, json!({"x": 1}));
        assert_eq!(ex.trials[1].expect, Expect::Error(7));
        assert_eq!(ex.trials[1].nondet, Some(Nondet::Pseudorandom));
        assert_eq!(ex.trials[2].expect, Expect::Success);
        assert!(Example::from_json(
            0,
            1,
            json!({"function": "f", "engine": {}, "trials": [{"sample": 1}]})
        )
        .is_err());
        assert!(Example::parse(0, 1, "{").is_err());
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
        let t = &ex.trials;
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
