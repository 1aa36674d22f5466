//! Listed deviations (`--deviations`): failing trials that match count as deviations,
//! keep their function in the baseline, and are reported apart; checked with a fake
//! engine over the small files in `tests/data/` (`tests/data/deviations/` holds its own).

use std::path::{Path, PathBuf};

use conformance_tests::cli::{execute, parse_args};
use conformance_tests::deviations::Deviations;
use conformance_tests::outcome::Outcome;
use conformance_tests::report::parse_baseline;
use conformance_tests::suite::{Example, Trial};
use conformance_tests::vectors::{CallOutcome, Vector, VectorRun};
use serde_json::{json, Value as Json};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pfa-conformance-dev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Floor division for `//`; the other functions return `x` (wrong where `x` is negative).
fn fake_suite(ex: &Example, t: &Trial) -> Outcome {
    let x = t.sample["x"].as_i64().unwrap_or(0);
    let y = t.sample["y"].as_i64().unwrap_or(1);
    Ok(if ex.function == "//" {
        json!(x.div_euclid(y))
    } else {
        json!(x)
    })
}

/// Replays the recorded outputs, except in vector `bad-off-by-10pc`.
fn fake_vectors(v: &Vector) -> VectorRun {
    let calls = v
        .calls
        .iter()
        .map(|c| {
            let out = c.output.clone().unwrap_or(Json::Null);
            let result = match (v.id.as_str(), out.as_f64()) {
                ("bad-off-by-10pc", Some(x)) if out.is_f64() => json!(x * 1.1),
                _ => out,
            };
            CallOutcome {
                result: Ok(result),
                emitted: c.emitted.clone().unwrap_or_default(),
            }
        })
        .collect();
    VectorRun {
        load: Ok(()),
        calls,
    }
}

fn run_cli(args: &str) -> (i32, String) {
    let args: Vec<String> = args.split_whitespace().map(str::to_string).collect();
    let parsed = parse_args(&args).unwrap();
    let mut out = Vec::new();
    let status = execute(&parsed, &fake_suite, &fake_vectors, &mut out);
    (status, String::from_utf8(out).unwrap())
}

#[test]
fn the_file_parses() {
    let text = std::fs::read_to_string(data("deviations/list.jsonl")).unwrap();
    let d = Deviations::parse(&text).unwrap();
    assert!(d.trial_key("//", &json!({"x": -7, "y": 2})).is_some());
    assert!(d.trial_key("//", &json!({"x": -7, "y": 3})).is_none());
    assert!(d.has_vector("bad-off-by-10pc"));
    assert_eq!(d.entries().len(), 6);
}

#[test]
fn suite_deviations() {
    let suite = data("deviations/suite.json");
    let devs = data("deviations/list.jsonl");
    let (report, base, dump) = (tmp("r.json"), tmp("b.txt"), tmp("d.jsonl"));

    // Without the list: `//` fails one trial and is not in the baseline.
    let (status, out) = run_cli(&format!(
        "suite {} --threads 1 --write-baseline {} --dump-failures {}",
        suite.display(),
        base.display(),
        dump.display()
    ));
    assert_eq!(status, 0, "{out}");
    assert!(!out.contains("deviations (listed"), "{out}");
    let names = parse_baseline(&std::fs::read_to_string(&base).unwrap());
    assert!(names.is_empty(), "{names:?}");
    let dumped: Vec<Json> = std::fs::read_to_string(&dump)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(dumped.len(), 3, "{dumped:?}");
    assert_eq!(
        dumped[0],
        json!({"function": "//", "sample": {"x": -7, "y": 2}, "expected": -3, "actual": -4})
    );
    // The dump keeps the sample exactly as the suite has it, undeclared keys included.
    assert_eq!(
        dumped[2]["sample"]["undeclared"],
        json!([1, {"b": 1, "a": 2}])
    );

    // With it: the listed failures are deviations, and the functions whose only
    // failures are listed (`//`, and `u.doubted` although all its trials are doubted)
    // fully pass.
    let (status, out) = run_cli(&format!(
        "suite {} --threads 2 --deviations {} --report-json {} --write-baseline {}",
        suite.display(),
        devs.display(),
        report.display(),
        base.display()
    ));
    assert_eq!(status, 0, "{out}");
    assert!(out.contains("passed: 4 (57.14%)  failed: 3"), "{out}");
    assert!(
        out.contains("deviations (listed failures, counted above, ignored by the baseline): 2"),
        "{out}"
    );
    assert!(
        out.contains("deviation no longer needed: // {\"x\":1,\"y\":1}"),
        "{out}"
    );
    assert!(
        out.contains("note: 1 listed deviations of names that were run matched no trial"),
        "{out}"
    );
    let names = parse_baseline(&std::fs::read_to_string(&base).unwrap());
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        vec!["//".to_string(), "u.doubted".to_string()]
    );
    let j: Json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(j["deviations"], 2);
    assert_eq!(j["failed"], 3);
    assert_eq!(j["by_function"]["//"]["deviations"], 1);
    assert_eq!(j["by_function"]["//"]["failed"], 1);
    assert!(j["by_function"]["u.wrong"].get("deviations").is_none());

    // The baseline holds with the list and fails without it.
    let (status, out) = run_cli(&format!(
        "suite {} --deviations {} --baseline {}",
        suite.display(),
        devs.display(),
        base.display()
    ));
    assert_eq!(status, 0, "{out}");
    let (status, out) = run_cli(&format!(
        "suite {} --baseline {}",
        suite.display(),
        base.display()
    ));
    assert_eq!(status, 1, "{out}");
    assert!(out.contains("//: 1 of 3 trials failed"), "{out}");
}

#[test]
fn vector_deviations() {
    let vectors = format!(
        "{} {}",
        data("vectors-small.jsonl").display(),
        data("vectors-more.jsonl.gz").display()
    );
    let devs = data("deviations/list.jsonl");
    let (report, base) = (tmp("vr.json"), tmp("vb.txt"));
    let (status, out) = run_cli(&format!(
        "vectors {} --threads 2 --deviations {} --report-json {} --write-baseline {}",
        vectors,
        devs.display(),
        report.display(),
        base.display()
    ));
    assert!(status <= 1, "{out}");
    assert!(out.contains("deviation no longer needed: ok-map"), "{out}");
    let names = parse_baseline(&std::fs::read_to_string(&base).unwrap());
    assert!(names.contains("bad-off-by-10pc"), "{names:?}");
    let j: Json = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let failed = j["by_function"]["bad-off-by-10pc"]["failed"]
        .as_u64()
        .unwrap();
    assert!(failed > 0);
    assert_eq!(j["by_function"]["bad-off-by-10pc"]["deviations"], failed);
    assert_eq!(j["deviations"], failed);
}

#[test]
fn a_bad_list_is_a_usage_error() {
    let bad = tmp("bad.jsonl");
    std::fs::write(&bad, "{\"function\": \"//\"}\n").unwrap();
    let (status, out) = run_cli(&format!(
        "suite {} --deviations {}",
        data("deviations/suite.json").display(),
        bad.display()
    ));
    assert_eq!(status, 2, "{out}");
    assert!(out.contains("line 1"), "{out}");
}
