//! The `pfa` binary, run as a person would: on the bundled examples and on bad input.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn example(rel: &str) -> String {
    root().join("examples").join(rel).display().to_string()
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "pfa-cli-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn pfa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pfa"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn pfa_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pfa"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// A model that loads (every library function it calls is implemented).
fn loads(model: &str) -> bool {
    let o = pfa(&["check", model]);
    assert_eq!(code(&o), 0, "{model}: {}", stderr(&o));
    true
}

fn verify(model: &str, cases: &str, extra: &[&str]) {
    let model = example(model);
    if !loads(&model) {
        return;
    }
    let cases = example(cases);
    let mut args = vec!["verify", &model, &cases];
    args.extend_from_slice(extra);
    let o = pfa(&args);
    assert_eq!(code(&o), 0, "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(" 0 failed"), "{}", stdout(&o));
}

#[test]
fn examples_verify() {
    verify("iris-rules/model.yaml", "iris-rules/cases.jsonl", &[]);
    verify("diabetes-tree/model.pfa", "diabetes-tree/cases.jsonl", &[]);
    verify(
        "wine-kmeans/model.pfa",
        "wine-kmeans/cases.jsonl",
        &["--rtol", "1e-9"],
    );
    verify(
        "wine-forest/model.pfa",
        "wine-forest/cases.jsonl",
        &["--rtol", "1e-12"],
    );
    verify(
        "breast-cancer-logistic/model.pfa",
        "breast-cancer-logistic/cases.jsonl",
        &["--rtol", "1e-9"],
    );
    verify(
        "wine-stream/model.yaml",
        "wine-stream/cases.jsonl",
        &["--rtol", "1e-12"],
    );
    verify(
        "wine-stream/summary.yaml",
        "wine-stream/summary-cases.jsonl",
        &["--rtol", "1e-12"],
    );
}

#[test]
fn readme_first_command() {
    // README: cargo run --release -p pfa-cli -- score examples/iris-rules/model.yaml
    // examples/iris-rules/input.jsonl
    let o = pfa(&[
        "score",
        &example("iris-rules/model.yaml"),
        &example("iris-rules/input.jsonl"),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], r#"{"species":"setosa","seen":1}"#);
    assert_eq!(lines[5], r#"{"species":"virginica","seen":2}"#);
    assert!(
        stderr(&o).is_empty(),
        "nothing extra on a pipe: {}",
        stderr(&o)
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(readme.contains(
        "cargo run --release -p pfa-cli -- score examples/iris-rules/model.yaml examples/iris-rules/input.jsonl"
    ));
}

/// The diabetes inputs repeated, to span several batches.
fn many_diabetes_rows(times: usize) -> String {
    let one = std::fs::read_to_string(example("diabetes-tree/input.jsonl")).unwrap();
    one.repeat(times)
}

#[test]
fn engines_keep_input_order() {
    let dir = scratch("order");
    let input = write(&dir, "in.jsonl", &many_diabetes_rows(6));
    let model = example("diabetes-tree/model.pfa");
    let one = pfa(&["score", &model, &input]);
    let three = pfa(&["score", &model, &input, "-n", "3"]);
    assert_eq!(code(&one), 0, "{}", stderr(&one));
    assert_eq!(code(&three), 0, "{}", stderr(&three));
    assert_eq!(stdout(&one).lines().count(), 442 * 6);
    assert_eq!(stdout(&one), stdout(&three));
}

#[test]
fn avro_round_trip_and_schema_check() {
    let dir = scratch("avro");
    // An identity model writes the inputs as an Avro file of the tree's input type.
    let ident = write(
        &dir,
        "ident.json",
        &format!(
            r#"{{"input": {}, "output": "Patient", "action": "input"}}"#,
            input_schema(&example("diabetes-tree/model.pfa"))
        ),
    );
    let avro = dir.join("in.avro").display().to_string();
    let o = pfa(&[
        "score",
        &ident,
        &example("diabetes-tree/input.jsonl"),
        "-o",
        &avro,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let model = example("diabetes-tree/model.pfa");
    let from_avro = pfa(&["score", &model, &avro]);
    let from_json = pfa(&["score", &model, &example("diabetes-tree/input.jsonl")]);
    assert_eq!(code(&from_avro), 0, "{}", stderr(&from_avro));
    assert_eq!(stdout(&from_avro), stdout(&from_json));
    // Avro out, then back to JSON through an identity model of the output type.
    let out_avro = dir.join("out.avro").display().to_string();
    let o = pfa(&["score", &model, &avro, "-o", &out_avro, "-n", "2"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let back = write(
        &dir,
        "back.json",
        r#"{"input": "double", "output": "double", "action": "input"}"#,
    );
    let o = pfa(&["score", &back, &out_avro]);
    assert_eq!(stdout(&o), stdout(&from_json));
    // A file of another schema is refused before any record, naming the file.
    let o = pfa(&["score", &example("wine-kmeans/model.pfa"), &avro]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("in.avro"), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot be read as"), "{}", stderr(&o));
    // Truncated: every complete record before the damage is scored, then a clear error.
    let bytes = std::fs::read(&avro).unwrap();
    let cut = write_bytes(&dir, "cut.avro", &bytes[..bytes.len() * 2 / 3]);
    let o = pfa(&["score", &model, &cut, "--on-error", "log"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("cut.avro"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    // A different but compatible schema is resolved: fields reordered, int promoted to
    // double, a missing field taken from its default.
    let wi = write(
        &dir,
        "wi.json",
        r#"{"input": {"type": "record", "name": "R", "fields": [{"name": "x", "type": "int"}, {"name": "s", "type": "string"}]}, "output": "R", "action": "input"}"#,
    );
    let rd = write(
        &dir,
        "rd.json",
        r#"{"input": {"type": "record", "name": "R", "fields": [{"name": "s", "type": "string"}, {"name": "x", "type": "double"}, {"name": "extra", "type": "int", "default": 7}]}, "output": "double", "action": {"+": ["input.x", "input.extra"]}}"#,
    );
    let small = dir.join("small.avro").display().to_string();
    let o = pfa_stdin(
        &["score", &wi, "-o", &small],
        b"{\"x\": 1, \"s\": \"a\"}\n{\"x\": 2, \"s\": \"b\"}\n",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = pfa(&["score", &rd, &small]);
    assert_eq!(stdout(&o), "8.0\n9.0\n", "{}", stderr(&o));
    // Not Avro at all.
    let o = pfa(&[
        "score",
        &model,
        &example("diabetes-tree/input.jsonl"),
        "--input-format",
        "avro",
    ]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("not an Avro"), "{}", stderr(&o));
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

fn input_schema(model: &str) -> String {
    let o = pfa(&["inspect", "--json", model]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    j["input"].to_string()
}

#[test]
fn csv_in_and_out() {
    let dir = scratch("csv");
    let model = example("iris-rules/model.yaml");
    let csv = write(
        &dir,
        "in.csv",
        "id,sepal_length,sepal_width,petal_length,petal_width\n1,5.1,3.5,1.4,0.2\n2,6.3,3.3,6.0,2.5\n",
    );
    let o = pfa(&["score", &model, &csv]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"species\":\"setosa\",\"seen\":1}\n{\"species\":\"virginica\",\"seen\":1}\n"
    );
    let out = dir.join("out.csv").display().to_string();
    let o = pfa(&["score", &model, &csv, "-o", &out]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "species,seen\nsetosa,1\nvirginica,1\n"
    );
    // A bad cell names the record and the field; the other rows are still scored.
    let bad = write(
        &dir,
        "bad.csv",
        "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n5.1,x,1.4,0.2\n6.3,3.3,6.0,2.5\n",
    );
    let o = pfa(&["score", &model, &bad, "--on-error", "log"]);
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o).lines().count(), 2);
    let err = stderr(&o);
    assert!(err.contains("record 2"), "{err}");
    assert!(err.contains("sepal_width"), "{err}");
    // A missing column is reported before any record.
    let missing = write(&dir, "missing.csv", "sepal_length,sepal_width\n1,2\n");
    let o = pfa(&["score", &model, &missing]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("petal_length"), "{}", stderr(&o));
    // Non-flat input types cannot be CSV.
    let nested = write(
        &dir,
        "nested.json",
        r#"{"input": {"type": "array", "items": "double"}, "output": "double", "action": {"a.sum": ["input"]}}"#,
    );
    let o = pfa(&["score", &nested, &csv]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("CSV"), "{}", stderr(&o));
}

#[test]
fn gzip_and_stdin() {
    let dir = scratch("gzip");
    let text = std::fs::read(example("iris-rules/input.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).unwrap();
    let gz = write_bytes(&dir, "in.jsonl.gz", &gz.finish().unwrap());
    let model = example("iris-rules/model.yaml");
    let plain = pfa(&["score", &model, &example("iris-rules/input.jsonl")]);
    let o = pfa(&["score", &model, &gz]);
    assert_eq!(stdout(&o), stdout(&plain));
    let o = pfa_stdin(&["score", &model], &text);
    assert_eq!(stdout(&o), stdout(&plain));
    // Truncated gzip: an error naming the file, no panic.
    let bytes = std::fs::read(&gz).unwrap();
    let cut = write_bytes(&dir, "cut.jsonl.gz", &bytes[..bytes.len() / 2]);
    let o = pfa(&["score", &model, &cut]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("cut.jsonl.gz"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

const FRAGILE: &str = r#"{"input": {"type": "record", "name": "In", "fields": [{"name": "x", "type": "int"}]},
 "output": "int",
 "action": [{"if": {"==": ["input.x", 13]}, "then": {"error": "unlucky", "code": -13}},
            {"+": ["input.x", 2147483600]}]}"#;

#[test]
fn on_error_modes() {
    let dir = scratch("errors");
    let model = write(&dir, "fragile.json", FRAGILE);
    let input = "{\"x\": 1}\n{\"x\": 100}\nnot json\n{\"x\": \"text\"}\n{\"x\": 13}\n{\"x\": 2}\n";
    // log: every failing record on stderr, all other outputs on stdout, exit 1.
    let o = pfa_stdin(&["score", &model, "--on-error", "log"], input.as_bytes());
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "2147483601\n2147483602\n");
    let err = stderr(&o);
    assert!(err.contains("record 2") && err.contains("18000"), "{err}");
    assert!(err.contains("record 3") && err.contains("JSON"), "{err}");
    assert!(err.contains("record 4") && err.contains(".x"), "{err}");
    assert!(err.contains("record 5") && err.contains("unlucky"), "{err}");
    assert_eq!(err.lines().count(), 4, "{err}");
    // skip: quiet, same outputs, still exit 1.
    let o = pfa_stdin(&["score", &model, "--on-error", "skip"], input.as_bytes());
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "2147483601\n2147483602\n");
    assert!(stderr(&o).is_empty());
    // fail (default): stop at the first failure, keep the outputs before it.
    let o = pfa_stdin(&["score", &model, "-n", "2"], input.as_bytes());
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "2147483601\n");
    assert!(stderr(&o).contains("record 2"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("PFA runtime error 18000"),
        "{}",
        stderr(&o)
    );
    // Clean input: exit 0.
    let o = pfa_stdin(&["score", &model], b"{\"x\": 1}\n");
    assert_eq!(code(&o), 0);
}

#[test]
fn bad_command_lines() {
    let model = example("iris-rules/model.yaml");
    for args in [
        vec!["score"],
        vec!["score", &model, "--input-format", "xml"],
        vec!["score", &model, "-n", "0"],
        vec!["score", &model, "data.parquet"],
        vec!["score", &model, "-o", "out.xlsx"],
        vec!["score", &model, "--bogus"],
        vec!["frobnicate"],
        vec!["verify", &model],
    ] {
        let o = pfa(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty());
    }
    let o = pfa(&["score", &model, "/no/such/file.jsonl"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("/no/such/file.jsonl"), "{}", stderr(&o));
    let o = pfa(&["--help"]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("pfa score MODEL"));
}

#[test]
fn check_reports_positions() {
    let dir = scratch("check");
    let o = pfa(&["check", &example("iris-rules/model.yaml")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("ok: iris_rules"), "{}", stdout(&o));
    let bad = write(
        &dir,
        "bad.yaml",
        "input: double\noutput: double\naction:\n  - let:\n      x: {\"+\": [input, 1]}\n  - {\"+\": [y, 1]}\n",
    );
    let o = pfa(&["check", &bad]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(err.contains("bad.yaml:6:"), "{err}");
    assert!(err.contains("action[1]"), "{err}");
    assert!(err.contains("unknown symbol"), "{err}");
    let bad = write(
        &dir,
        "bad.json",
        "{\"input\": \"double\",\n \"output\": \"string\",\n \"action\": [{\"@\": \"line 3\", \"+\": [\"input\", 1]}]}",
    );
    let o = pfa(&["check", "--json", &bad]);
    assert_eq!(code(&o), 1);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &j["errors"][0];
    assert_eq!(e["class"], "PFASemanticException");
    assert_eq!(e["line"], 3, "{j}");
    let broken = write(&dir, "broken.json", "{\"input\": \"double\",,}");
    let o = pfa(&["check", &broken]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("line 1"), "{}", stderr(&o));
}

#[test]
fn inspect_describes_a_model() {
    let o = pfa(&["inspect", "--json", &example("wine-stream/model.yaml")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["name"], "wine_stream");
    assert_eq!(j["method"], "emit");
    assert_eq!(j["cells"].as_array().unwrap().len(), 3);
    assert_eq!(j["pools"][0]["name"], "stats");
    let libs: Vec<&str> = j["library_functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x.as_str())
        .collect();
    assert!(libs.contains(&"stat.sample.update"), "{libs:?}");
    assert!(libs.contains(&"m.sqrt"), "{libs:?}");
    let o = pfa(&["inspect", &example("diabetes-tree/model.pfa")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("model.tree.simpleWalk"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("tree:"), "{}", stdout(&o));
}

#[test]
fn verify_reports_mismatches() {
    let dir = scratch("verify");
    let model = write(&dir, "fragile.json", FRAGILE);
    let cases = write(
        &dir,
        "cases.jsonl",
        concat!(
            "{\"input\": {\"x\": 1}, \"output\": 2147483601}\n",
            "{\"input\": {\"x\": 2}, \"output\": 5}\n",
            "{\"input\": {\"x\": 13}, \"error\": {\"code\": -13}}\n",
            "{\"input\": {\"x\": 100}, \"error\": {\"code\": 18000}}\n",
            "{\"input\": {\"x\": 13}, \"error\": {\"class\": \"PFAUserException\", \"message\": \"lucky\"}}\n",
        ),
    );
    let report = dir.join("report.json");
    let o = pfa(&[
        "verify",
        &model,
        &cases,
        "--report-json",
        &report.display().to_string(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stdout(&o).contains("case 2"), "{}", stdout(&o));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(j["cases"], 5);
    assert_eq!(j["passed"], 3);
    assert_eq!(j["failed"], 2);
    assert_eq!(j["mismatches"][0]["record"], 2);
    assert_eq!(j["mismatches"][0]["actual"], 2147483602);
    assert_eq!(j["mismatches"][1]["record"], 5);
}

#[test]
fn fold_tallies_and_engines() {
    let model = example("wine-stream/summary.yaml");
    let input = example("wine-stream/input.jsonl");
    let o = pfa(&["score", &model, &input, "--tally-every", "50"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // After 50, 100, 150 records and at the end (178).
    let tallies: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(tallies.len(), 4);
    let count = |t: &serde_json::Value| -> f64 {
        t.as_object()
            .unwrap()
            .values()
            .map(|s| s["count"].as_f64().unwrap())
            .sum()
    };
    assert_eq!(
        tallies.iter().map(count).collect::<Vec<_>>(),
        [50.0, 100.0, 150.0, 178.0]
    );
    // Several engines over several batches: merged tallies agree with one engine's.
    let dir = scratch("fold");
    let text = std::fs::read_to_string(&input).unwrap().repeat(8);
    let big = write(&dir, "big.jsonl", &text);
    let one = pfa(&["score", &model, &big]);
    let two = pfa(&["score", &model, &big, "-n", "2", "--tally-every", "700"]);
    assert_eq!(code(&two), 0, "{}", stderr(&two));
    let one: serde_json::Value = serde_json::from_str(stdout(&one).trim()).unwrap();
    let two: Vec<serde_json::Value> = stdout(&two)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        two.iter().map(count).collect::<Vec<_>>(),
        [700.0, 1400.0, 1424.0]
    );
    let last = two.last().unwrap();
    for (k, s) in one.as_object().unwrap() {
        for f in ["count", "mean", "variance"] {
            let a = s[f].as_f64().unwrap();
            let b = last[k][f].as_f64().unwrap();
            assert!((a - b).abs() <= 1e-9 * a.abs(), "{k}.{f}: {a} vs {b}");
        }
    }
}

#[test]
fn save_state_and_seed() {
    let dir = scratch("state");
    let state = dir.join("state.json").display().to_string();
    let model = example("iris-rules/model.yaml");
    let o = pfa(&[
        "score",
        &model,
        &example("iris-rules/input.jsonl"),
        "--save-state",
        &state,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The state is a PFA document that goes on counting from where it stopped.
    let o = pfa(&["score", &state, &example("iris-rules/input.jsonl")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("{\"species\":\"setosa\",\"seen\":3}"),
        "{}",
        stdout(&o)
    );
    let random = write(
        &dir,
        "random.json",
        r#"{"input": "null", "output": "int", "action": {"rand.int": [0, 1000000]}}"#,
    );
    let nulls = "null\n".repeat(5);
    let a = pfa_stdin(&["score", &random, "--seed", "42"], nulls.as_bytes());
    let b = pfa_stdin(&["score", &random, "--seed", "42"], nulls.as_bytes());
    let c = pfa_stdin(&["score", &random, "--seed", "43"], nulls.as_bytes());
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
    assert_ne!(stdout(&a), stdout(&c));
    // Host options reach the engine: a zero timeout is no limit, a bad one is refused.
    let o = pfa_stdin(&["score", &random, "--option", "timeout=oops"], b"null\n");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("timeout"), "{}", stderr(&o));
}

#[test]
fn broken_pipe_is_success() {
    let dir = scratch("pipe");
    let input = write(&dir, "in.jsonl", &many_diabetes_rows(200));
    let mut child = Command::new(env!("CARGO_BIN_EXE_pfa"))
        .args(["score", &example("diabetes-tree/model.pfa"), &input])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn closed_stdout_is_no_panic() {
    let model = example("wine-forest/model.pfa");
    for args in [
        vec!["--help"],
        vec!["inspect", &model],
        vec!["check", &model],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pfa"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn check_lists_every_error_with_its_place() {
    let dir = scratch("check-errors");
    let model = write(
        &dir,
        "bad.json",
        r#"{"input": "int", "output": "int",
 "action": [
   {"let": {"x": {"+": ["input", ["oops"]]}}},
   {"nosuch.function": ["x"]},
   "input"],
 "fcns": {"f": {"params": [{"a": "int"}], "ret": "string", "do": "a"}}}"#,
    );
    let o = pfa(&["check", &model]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        err.contains("fcns.f") && err.contains("action[0].let.x") && err.contains("action[1]"),
        "{err}"
    );
    // Each line has file:line:col.
    assert!(lines.iter().all(|l| l.contains("bad.json:")), "{err}");
}
