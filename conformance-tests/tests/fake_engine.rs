//! The runner's judging, counting, reports and baselines, checked with fake engines over
//! the small hand-made files in `tests/data/` (plain and gzip, pretty and compact).

use std::path::{Path, PathBuf};

use conformance_tests::cli::{execute, parse_args};
use conformance_tests::outcome::{ErrorInfo, Failure, Outcome};
use conformance_tests::report::Aggregate;
use conformance_tests::suite::{
    run_suite, Example, SuiteEngine, SuiteOptions, SuiteSession, Trial,
};
use conformance_tests::vectors::{
    run_vectors, vector_files, CallOutcome, LoadExpect, Vector, VectorRun,
};
use serde_json::{json, Value as Json};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pfa-conformance-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn runtime(code: i64) -> Outcome {
    Err(Failure::Error(ErrorInfo::new(
        "PFARuntimeException",
        Some(code),
        "fake",
    )))
}

/// Implements the few functions of the test files, with deliberate mistakes.
struct FakeSuite;

struct FakeSession {
    function: String,
    calls: usize,
}

impl SuiteEngine for FakeSuite {
    fn load<'a>(&'a self, ex: &'a Example) -> Result<Box<dyn SuiteSession + 'a>, Failure> {
        if ex.function == "load.fail" {
            return Err(Failure::Error(ErrorInfo::new(
                "PFASemanticException",
                None,
                "library function \"load.fail\" is not implemented",
            )));
        }
        Ok(Box::new(FakeSession {
            function: ex.function.clone(),
            calls: 0,
        }))
    }
}

impl SuiteSession for FakeSession {
    fn run(&mut self, t: &Trial) -> Outcome {
        self.calls += 1;
        let s = &t.sample;
        let int = |k: &str| s[k].as_i64().unwrap();
        let num = |k: &str| match &s[k] {
            Json::String(x) if x == "inf" => f64::INFINITY,
            v => v.as_f64().unwrap(),
        };
        let enc = |x: f64| {
            if x.is_nan() {
                json!("nan")
            } else if x.is_infinite() {
                json!(if x > 0.0 { "inf" } else { "-inf" })
            } else {
                json!(x)
            }
        };
        match self.function.as_str() {
            "+" => {
                assert!(
                    s.get("unused").is_none(),
                    "undeclared sample keys are dropped"
                );
                let (x, y) = (int("x"), int("y"));
                if x > i64::from(i32::MAX) || y > i64::from(i32::MAX) {
                    x.checked_add(y)
                        .map(|v| json!(v))
                        .ok_or(())
                        .or_else(|()| runtime(18001))
                } else {
                    i32::try_from(x + y)
                        .map(|v| json!(v))
                        .or_else(|_| runtime(18000))
                }
            }
            // Off by one part in a million: passes the official comparison only.
            "m.sqrt" => Ok(enc(num("x").sqrt() * (1.0 + 1e-6))),
            "a.shuffle" => {
                let mut a: Vec<i64> = s["a"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_i64().unwrap())
                    .collect();
                a.sort();
                Ok(json!(a))
            }
            "rand.int" => match (int("low"), int("high")) {
                (l, h) if l >= h => runtime(34000),
                (1, _) => Ok(json!("not an int")),
                (l, _) => Ok(json!(l)),
            },
            // Floors, as the spec says; the doubted expectation truncates.
            "//" => Ok(json!(int("x").div_euclid(int("y")))),
            "bad.fn" => match s["s"].as_str().unwrap() {
                "c" => runtime(5555),
                other => Ok(json!(other)),
            },
            "panic.fn" => {
                if int("x") == 2 {
                    panic!("fake engine bug");
                }
                Ok(json!(int("x")))
            }
            "s.len" => Ok(json!(s["s"].as_str().unwrap().chars().count())),
            "m.abs" => Ok(json!(f64::from(num("x").abs() as f32))),
            other => panic!("unexpected function {other}"),
        }
    }
}

/// A panic's reason key without its source location.
fn without_location(key: &str) -> &str {
    match key.find(" (conformance-tests/") {
        Some(i) => &key[..i],
        None => key,
    }
}

fn suite(path: &Path, functions: &[&str], threads: usize) -> Aggregate {
    let opts = SuiteOptions {
        functions: functions.iter().map(|s| s.to_string()).collect(),
        threads,
        ..SuiteOptions::default()
    };
    run_suite(path, &FakeSuite, &opts)
}

#[test]
fn suite_counts_verdicts() {
    for threads in [1, 3] {
        let agg = suite(&data("suite-small.json"), &[], threads);
        assert!(agg.errors.is_empty(), "{:?}", agg.errors);
        assert_eq!(agg.examples, 9);
        assert_eq!(agg.totals.trials, 23);
        assert_eq!(agg.totals.passed, 15, "{}", agg.to_text("x"));
        assert_eq!(agg.totals.failed, 8);
        assert_eq!(agg.totals.strict_passed, 13);
        assert_eq!(agg.load_failures, 1);
        assert_eq!(agg.panics, 1);
        assert_eq!((agg.doubted.trials, agg.doubted.failed), (2, 1));
        let plus = &agg.by_name["+"];
        assert_eq!((plus.examples, plus.all.trials, plus.all.passed), (2, 5, 5));
        let sqrt = &agg.by_name["m.sqrt"];
        assert_eq!((sqrt.all.passed, sqrt.all.strict_passed), (4, 2));
        assert_eq!(
            agg.passing_names(),
            vec!["+".to_string(), "a.shuffle".into(), "m.sqrt".into()]
        );
        let reasons: Vec<(&str, u64)> = agg
            .sorted_reasons()
            .iter()
            .map(|(k, r)| (without_location(k), r.count))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (
                    "load failure: PFASemanticException: library function \"…\" is not implemented",
                    2
                ),
                ("expected error 1234, got a result", 1),
                ("output does not have the output type", 1),
                ("panic: fake engine bug", 1),
                ("unexpected PFARuntimeException 5555", 1),
                ("wrong result: // [oracle-doubt]", 1),
                ("wrong result: bad.fn", 1),
            ]
        );
        // The sample of a reason is its first occurrence in file order.
        let wrong = &agg.reasons["wrong result: // [oracle-doubt]"].sample;
        assert_eq!(wrong.name, "//");
        assert_eq!(wrong.input, r#"{"x":-17,"y":5}"#);
        assert_eq!(wrong.expected, "-3");
        assert_eq!(wrong.actual, "-4");
    }
}

#[test]
fn suite_gzip_compact_and_filter() {
    let agg = suite(&data("suite-compact.json.gz"), &[], 2);
    assert!(agg.errors.is_empty(), "{:?}", agg.errors);
    assert_eq!(
        (agg.examples, agg.totals.trials, agg.totals.passed),
        (2, 3, 3)
    );
    assert_eq!(
        agg.totals.strict_passed, 3,
        "float results compare at single precision"
    );

    let agg = suite(&data("suite-small.json"), &["+", "nope"], 2);
    assert_eq!((agg.examples, agg.totals.trials), (2, 5));
    assert_eq!(
        agg.notes,
        vec!["no example of function nope was found".to_string()]
    );
}

#[test]
fn suite_bad_files() {
    let truncated = tmp("truncated.json");
    let text = std::fs::read_to_string(data("suite-small.json")).unwrap();
    std::fs::write(&truncated, &text[..text.len() / 2]).unwrap();
    let agg = suite(&truncated, &[], 2);
    assert!(agg.examples >= 3, "examples before the cut still count");
    assert!(
        agg.errors.iter().any(|e| e.contains("truncated")),
        "{:?}",
        agg.errors
    );

    let not_suite = tmp("not-suite.json");
    std::fs::write(&not_suite, "[1, 2, 3]").unwrap();
    let agg = suite(&not_suite, &[], 1);
    assert!(
        agg.errors[0].contains("not a PFA test suite"),
        "{:?}",
        agg.errors
    );

    let agg = suite(&tmp("does-not-exist.json"), &[], 1);
    assert!(agg.errors[0].contains("cannot read"), "{:?}", agg.errors);
}

/// Replays the recorded expectations, except where a vector's id asks for a mistake.
fn fake_vectors(v: &Vector) -> VectorRun {
    let id = v.id.as_str();
    let rejected = matches!(v.load, LoadExpect::Rejected { .. });
    if id == "panic-vector" {
        panic!("fake engine bug");
    }
    if (rejected && id != "bad-loads-anyway") || id == "bad-load-fails" {
        let e = ErrorInfo::new(
            "PFASemanticException",
            None,
            "library function \"f\" is not implemented",
        );
        return VectorRun {
            load: Err(Failure::Error(e)),
            calls: Vec::new(),
        };
    }
    if rejected {
        return VectorRun {
            load: Ok(()),
            calls: Vec::new(),
        };
    }
    let scale = |j: &Json, f: f64| match j.as_f64() {
        Some(x) if j.is_f64() => json!(x * f),
        _ => j.clone(),
    };
    let calls = v
        .calls
        .iter()
        .map(|c| {
            let result = match &c.error {
                Some(e) if e.non_pfa => Err(Failure::Error(ErrorInfo::new(
                    "PFADataException",
                    None,
                    "bad input",
                ))),
                Some(e) => {
                    let code = e
                        .code
                        .map(|c| if id == "bad-wrong-code" { c + 1 } else { c });
                    let msg = e.message.clone().unwrap_or_default();
                    Err(Failure::Error(ErrorInfo::new(e.class.clone(), code, msg)))
                }
                None => {
                    let out = c.output.clone().unwrap_or(Json::Null);
                    Ok(match id {
                        "bad-off-by-10pc" => scale(&out, 1.1),
                        "near-values" => scale(&out, 1.0 + 1e-6),
                        "nondet-random" => json!(out.as_f64().unwrap() + 0.01),
                        _ => out,
                    })
                }
            };
            let mut emitted = c.emitted.clone().unwrap_or_default();
            if id == "bad-drop-emit" {
                emitted.pop();
            }
            if id == "ok-emit" {
                // What an engine computing in single precision reports for [0.1].
                emitted = emitted.iter().map(|_| json!([f64::from(0.1f32)])).collect();
            }
            CallOutcome { result, emitted }
        })
        .collect();
    VectorRun {
        load: Ok(()),
        calls,
    }
}

fn vectors(threads: usize) -> Aggregate {
    let files =
        vector_files(&[data("vectors-small.jsonl"), data("vectors-more.jsonl.gz")]).unwrap();
    run_vectors(&files, &fake_vectors, threads)
}

#[test]
fn vectors_count_verdicts() {
    for threads in [1, 2] {
        let agg = vectors(threads);
        assert!(agg.errors.is_empty(), "{:?}", agg.errors);
        assert_eq!(agg.examples, 14);
        assert_eq!(agg.totals.trials, 29, "{}", agg.to_text("x"));
        assert_eq!(agg.totals.passed, 22, "{}", agg.to_text("x"));
        assert_eq!(agg.totals.failed, 7);
        assert_eq!(agg.totals.strict_passed, 21);
        assert_eq!(agg.load_failures, 2);
        assert_eq!(agg.panics, 1);
        assert_eq!(
            agg.passing_names(),
            [
                "near-values",
                "nondet-random",
                "ok-emit",
                "ok-errors",
                "ok-fold",
                "ok-map",
                "ok-rejected",
                "ok-snapshot"
            ]
        );
        let keys: Vec<&str> = agg
            .sorted_reasons()
            .iter()
            .map(|(k, _)| without_location(k))
            .collect();
        assert_eq!(
            keys,
            [
                "load failure: PFASemanticException: library function \"…\" is not implemented",
                "action: wrong emitted values",
                "action: wrong error code (expected PFARuntimeException)",
                "action: wrong output",
                "load failure: panic: fake engine bug",
                "load: expected a rejection, but it loaded",
            ]
        );
        let text = agg.to_text("data");
        assert!(text.contains("failures by id prefix"), "{text}");
        assert!(
            text.contains("failing: bad-drop-emit, bad-load-fails"),
            "{text}"
        );
    }
    // Directories are searched for vector files.
    let files = vector_files(&[data("")]).unwrap();
    assert_eq!(files.len(), 2);
}

#[test]
fn vector_file_problems() {
    let bad = tmp("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\": \"a\", \"engine\": {}}\nnot json\n{\"id\": \"a\", \"engine\": {}}\n",
    )
    .unwrap();
    let agg = run_vectors(&[bad], &fake_vectors, 1);
    assert_eq!(agg.examples, 2);
    assert_eq!(agg.error_count, 2, "{:?}", agg.errors);
    assert!(agg
        .errors
        .iter()
        .any(|e| e.contains("bad.jsonl:2: invalid JSON")));
    assert!(agg
        .errors
        .iter()
        .any(|e| e.contains("duplicate vector id a")));
}

fn run_cli(args: &str) -> (i32, String) {
    let args: Vec<String> = args.split_whitespace().map(str::to_string).collect();
    let parsed = parse_args(&args).unwrap();
    let mut out = Vec::new();
    let status = execute(&parsed, &FakeSuite, &fake_vectors, &mut out);
    (status, String::from_utf8(out).unwrap())
}

#[test]
fn cli_reports_and_baselines() {
    let suite_file = data("suite-small.json");
    let report = tmp("report.json");
    let base = tmp("base.txt");
    let (status, out) = run_cli(&format!(
        "suite {} --threads 2 --report-json {} --write-baseline {}",
        suite_file.display(),
        report.display(),
        base.display()
    ));
    assert_eq!(status, 1, "a panic fails the run: {out}");
    assert!(out.contains("examples: 9  trials: 23"), "{out}");
    assert!(out.contains("load failures: 1  panics: 1"), "{out}");
    assert!(out.contains("most common failure reasons"), "{out}");
    let j: Json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(j["kind"], "suite");
    assert_eq!(
        (
            j["trials"].as_u64(),
            j["passed"].as_u64(),
            j["failed"].as_u64()
        ),
        (Some(23), Some(15), Some(8))
    );
    assert_eq!(
        (
            j["strict_passed"].as_u64(),
            j["load_failures"].as_u64(),
            j["panics"].as_u64()
        ),
        (Some(13), Some(1), Some(1))
    );
    assert_eq!(j["by_function"]["bad.fn"]["failed"], 3);
    assert_eq!(j["by_function"]["+"]["trials"], 5);
    assert_eq!(
        std::fs::read_to_string(&base).unwrap(),
        "+\na.shuffle\nm.sqrt\n"
    );

    // Only the passing functions: no panic, baseline holds.
    let (status, out) = run_cli(&format!(
        "suite {} --function + --function m.sqrt --baseline {}",
        suite_file.display(),
        base.display()
    ));
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("baseline: all 3 listed names still pass"),
        "{out}"
    );

    // A baseline naming a failing function.
    let base2 = tmp("base2.txt");
    std::fs::write(&base2, "# functions that must keep passing\n+\nbad.fn\n").unwrap();
    let (status, out) = run_cli(&format!(
        "suite {} --function + --function bad.fn --baseline {}",
        suite_file.display(),
        base2.display()
    ));
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("bad.fn: 3 of 3 trials failed"), "{out}");

    // Vectors: report keys are vector ids.
    let vreport = tmp("vreport.json");
    let vbase = tmp("vbase.txt");
    let (status, out) = run_cli(&format!(
        "vectors {} {} --report-json {} --write-baseline {}",
        data("vectors-small.jsonl").display(),
        data("vectors-more.jsonl.gz").display(),
        vreport.display(),
        vbase.display()
    ));
    assert_eq!(status, 1, "{out}");
    let j: Json = serde_json::from_str(&std::fs::read_to_string(&vreport).unwrap()).unwrap();
    assert_eq!(j["kind"], "vectors");
    assert_eq!(j["by_function"]["bad-off-by-10pc"]["failed"], 1);
    assert_eq!(std::fs::read_to_string(&vbase).unwrap().lines().count(), 8);

    // Unreadable input is exit status 2.
    let (status, _) = run_cli("suite /nonexistent/file.json");
    assert_eq!(status, 2);
    let (status, _) = run_cli("vectors /nonexistent/dir");
    assert_eq!(status, 2);
}
