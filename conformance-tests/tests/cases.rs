//! The hand-written engine vectors in `cases/` (and the recorded titus2 vectors, when the
//! shared conformance data is present) run on pfa-core itself.

use std::path::{Path, PathBuf};

use conformance_tests::backend::PfaCore;
use conformance_tests::report::Aggregate;
use conformance_tests::vectors::{run_vectors, vector_files};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

fn run(paths: &[PathBuf]) -> Aggregate {
    let files = vector_files(paths).expect("vector files");
    assert!(!files.is_empty(), "no vector files in {paths:?}");
    run_vectors(&files, &PfaCore::default(), 2)
}

/// Whether a failure reason only says that a library function is missing, which is
/// a known gap rather than a wrong answer.
fn is_missing_function(reason: &str) -> bool {
    reason.starts_with("load failure: PFASemanticException: library function")
        && reason.ends_with("is not implemented")
}

#[test]
fn cases_are_well_formed_and_never_panic() {
    let agg = run(&[cases_dir()]);
    let report = agg.to_text("cases/");
    println!("{report}");
    assert!(
        agg.errors.is_empty(),
        "problems in cases/: {:?}",
        agg.errors
    );
    assert!(agg.examples >= 12, "{report}");
    assert_eq!(agg.panics, 0, "pfa-core panicked:\n{report}");
    let wrong: Vec<&String> = agg
        .reasons
        .keys()
        .filter(|k| !is_missing_function(k))
        .collect();
    assert!(
        wrong.is_empty(),
        "cases fail for reasons other than missing library functions: {wrong:?}\n{report}"
    );
}

#[test]
fn cases_all_pass() {
    let agg = run(&[cases_dir()]);
    let report = agg.to_text("cases/");
    assert_eq!(agg.totals.failed, 0, "{report}");
    assert_eq!(agg.totals.passed, agg.totals.trials, "{report}");
}

#[test]
fn titus_vectors_never_panic() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance/titus-vectors-sample.jsonl.gz");
    if !file.exists() {
        println!("skipped: {} is absent", file.display());
        return;
    }
    let agg = run(&[file]);
    let report = agg.to_text("titus-vectors-sample");
    println!("{report}");
    assert!(agg.errors.is_empty(), "{:?}", agg.errors);
    assert_eq!(agg.examples, 438);
    assert_eq!(agg.panics, 0, "pfa-core panicked:\n{report}");
}
