//! Counting verdicts and presenting them: the totals and tables printed on stdout, the
//! JSON report, and the baseline (the sorted list of names whose trials all pass).
//!
//! An [`Aggregate`] only holds counters and one sample per failure reason, so its size
//! does not grow with the number of trials. Workers each fill their own and they are
//! merged at the end.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use serde_json::{json, Value as Json};

/// What was run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The function-library suite (names are function names).
    Suite,
    /// Engine vectors (names are vector ids).
    Vectors,
}

impl Kind {
    /// `"suite"` or `"vectors"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Suite => "suite",
            Kind::Vectors => "vectors",
        }
    }
}

/// Trial counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Trials run.
    pub trials: u64,
    /// Trials that pass the official comparison.
    pub passed: u64,
    /// Trials that fail it.
    pub failed: u64,
    /// Trials that pass the strict comparison.
    pub strict_passed: u64,
}

impl Counts {
    fn add(&mut self, o: &Counts) {
        self.trials += o.trials;
        self.passed += o.passed;
        self.failed += o.failed;
        self.strict_passed += o.strict_passed;
    }

    fn record(&mut self, official: bool, strict: bool) {
        self.trials += 1;
        if official {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        if strict {
            self.strict_passed += 1;
        }
    }
}

/// Counters of one function (suite) or vector id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameCounts {
    /// Examples (suite) or vectors with this name.
    pub examples: u64,
    /// All trials.
    pub all: Counts,
    /// The part of `all` from examples marked `"oracle-doubt"`.
    pub doubted: Counts,
    /// Examples that failed to load.
    pub load_failures: u64,
    /// Failed trials that are listed deviations (included in `all.failed`).
    pub deviations: u64,
    /// The part of `deviations` from trusted (not doubted) trials.
    pub trusted_deviations: u64,
}

impl NameCounts {
    /// Whether every trial whose expectation is trusted passes (and there is at least one),
    /// not counting listed deviations; or whether every failure, trusted or doubted, is a
    /// listed deviation (their answers were checked against the specification).
    pub fn fully_passes(&self) -> bool {
        let trusted = self.all.trials - self.doubted.trials;
        let trusted_failed = self.all.failed - self.doubted.failed - self.trusted_deviations;
        (trusted > 0 && trusted_failed == 0)
            || (self.deviations > 0 && self.all.failed == self.deviations)
    }
}

/// One concrete failure, shown next to its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// (example index, trial index): the smallest is kept, so output is deterministic.
    pub order: (usize, usize),
    /// Function or vector id.
    pub name: String,
    /// The input (or the call made).
    pub input: String,
    /// What was expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
}

/// A failed trial's reason key, its (example, trial) position, and a builder for its
/// sample (called only when the sample may be kept).
pub type FailureNote<'a> = (String, (usize, usize), &'a dyn Fn() -> Sample);

/// How often a failure reason occurred, with its first example.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// Number of failed trials with this reason.
    pub count: u64,
    /// The first such trial.
    pub sample: Sample,
}

/// Everything counted in one run (or one worker's share of it).
#[derive(Clone, Debug)]
pub struct Aggregate {
    /// What was run.
    pub kind: Kind,
    /// Examples (suite) or vectors run.
    pub examples: u64,
    /// All trials.
    pub totals: Counts,
    /// Trials of examples marked `"oracle-doubt"` (included in `totals`).
    pub doubted: Counts,
    /// Examples that were expected to load but did not.
    pub load_failures: u64,
    /// Panics caught (each is an engine bug).
    pub panics: u64,
    /// Problems with the input files themselves (malformed examples, truncation).
    pub errors: Vec<String>,
    /// Number of entries that `errors` would hold without its cap.
    pub error_count: u64,
    /// Counters per function (suite) or vector id.
    pub by_name: BTreeMap<String, NameCounts>,
    /// Failure reasons.
    pub reasons: HashMap<String, Reason>,
    /// Remarks for the reader that are not failures (e.g. a filter that matched nothing).
    pub notes: Vec<String>,
    /// Failed trials that are listed deviations (included in `totals.failed`).
    pub deviations: u64,
    /// Keys of listed deviations seen failing.
    pub deviations_failing: BTreeSet<String>,
    /// Keys of listed deviations seen passing (no longer needed).
    pub deviations_passing: BTreeSet<String>,
    /// Failed trials as JSON lines with their (example, trial) position, when collected.
    pub dumped: Option<Vec<((usize, usize), String)>>,
}

/// How many file errors are kept verbatim.
const MAX_ERRORS: usize = 20;

impl Aggregate {
    /// An empty aggregate.
    pub fn new(kind: Kind) -> Self {
        Aggregate {
            kind,
            examples: 0,
            totals: Counts::default(),
            doubted: Counts::default(),
            load_failures: 0,
            panics: 0,
            errors: Vec::new(),
            error_count: 0,
            by_name: BTreeMap::new(),
            reasons: HashMap::new(),
            notes: Vec::new(),
            deviations: 0,
            deviations_failing: BTreeSet::new(),
            deviations_passing: BTreeSet::new(),
            dumped: None,
        }
    }

    /// Notes a problem with an input file.
    pub fn error(&mut self, msg: String) {
        self.error_count += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(msg);
        }
    }

    /// Counts one example (or vector) of `name`.
    pub fn example(&mut self, name: &str, load_failed: bool) {
        self.examples += 1;
        let n = self.by_name.entry(name.to_string()).or_default();
        n.examples += 1;
        if load_failed {
            n.load_failures += 1;
            self.load_failures += 1;
        }
    }

    /// Counts one trial. On failure, `failure` gives the reason key and builds the sample
    /// (only called when the sample might be kept).
    pub fn trial(
        &mut self,
        name: &str,
        doubted: bool,
        official: bool,
        strict: bool,
        failure: Option<FailureNote<'_>>,
    ) {
        self.totals.record(official, strict);
        let n = self.by_name.entry(name.to_string()).or_default();
        n.all.record(official, strict);
        if doubted {
            self.doubted.record(official, strict);
            n.doubted.record(official, strict);
        }
        if let Some((key, order, sample)) = failure {
            self.reason(key, order, sample);
        }
    }

    /// Marks the failed trial just counted for `name` as the listed deviation `key`.
    pub fn deviation(&mut self, name: &str, doubted: bool, key: String) {
        self.deviations += 1;
        let n = self.by_name.entry(name.to_string()).or_default();
        n.deviations += 1;
        if !doubted {
            n.trusted_deviations += 1;
        }
        self.deviations_failing.insert(key);
    }

    /// Notes that the listed deviation `key` was run and passed.
    pub fn deviation_passed(&mut self, key: String) {
        self.deviations_passing.insert(key);
    }

    /// Keeps a failed trial's JSON line, if failures are being collected.
    pub fn dump(&mut self, order: (usize, usize), line: impl FnOnce() -> String) {
        if let Some(d) = self.dumped.as_mut() {
            d.push((order, line()));
        }
    }

    /// The collected failure lines in file order, one JSON text per line.
    pub fn dump_text(&self) -> String {
        let mut v: Vec<&((usize, usize), String)> = self.dumped.iter().flatten().collect();
        v.sort_by_key(|(o, _)| *o);
        v.iter().map(|(_, l)| format!("{l}\n")).collect()
    }

    /// Counts an occurrence of a failure reason.
    pub fn reason(&mut self, key: String, order: (usize, usize), sample: &dyn Fn() -> Sample) {
        match self.reasons.get_mut(&key) {
            Some(r) => {
                r.count += 1;
                if order < r.sample.order {
                    r.sample = sample();
                }
            }
            None => {
                self.reasons.insert(
                    key,
                    Reason {
                        count: 1,
                        sample: sample(),
                    },
                );
            }
        }
    }

    /// Adds another aggregate's counts to this one.
    pub fn merge(&mut self, other: Aggregate) {
        self.examples += other.examples;
        self.totals.add(&other.totals);
        self.doubted.add(&other.doubted);
        self.load_failures += other.load_failures;
        self.panics += other.panics;
        self.error_count += other.error_count;
        self.notes.extend(other.notes);
        self.deviations += other.deviations;
        self.deviations_failing.extend(other.deviations_failing);
        self.deviations_passing.extend(other.deviations_passing);
        if let (Some(mine), Some(theirs)) = (self.dumped.as_mut(), other.dumped) {
            mine.extend(theirs);
        }
        for e in other.errors {
            if self.errors.len() < MAX_ERRORS {
                self.errors.push(e);
            }
        }
        for (k, v) in other.by_name {
            let n = self.by_name.entry(k).or_default();
            n.examples += v.examples;
            n.all.add(&v.all);
            n.doubted.add(&v.doubted);
            n.load_failures += v.load_failures;
            n.deviations += v.deviations;
            n.trusted_deviations += v.trusted_deviations;
        }
        for (k, r) in other.reasons {
            match self.reasons.get_mut(&k) {
                Some(mine) => {
                    mine.count += r.count;
                    if r.sample.order < mine.sample.order {
                        mine.sample = r.sample;
                    }
                }
                None => {
                    self.reasons.insert(k, r);
                }
            }
        }
    }

    /// Names whose trusted trials all pass, sorted.
    pub fn passing_names(&self) -> Vec<String> {
        self.by_name
            .iter()
            .filter(|(_, n)| n.fully_passes())
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// Reasons, most common first (ties by name, so output is stable).
    pub fn sorted_reasons(&self) -> Vec<(&String, &Reason)> {
        let mut v: Vec<_> = self.reasons.iter().collect();
        v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(b.0)));
        v
    }

    /// The JSON report.
    pub fn to_json(&self) -> Json {
        let by_name: serde_json::Map<String, Json> = self
            .by_name
            .iter()
            .map(|(k, n)| {
                let mut o = json!({
                    "trials": n.all.trials,
                    "passed": n.all.passed,
                    "failed": n.all.failed,
                    "strict_passed": n.all.strict_passed,
                });
                if n.load_failures > 0 {
                    o["load_failures"] = json!(n.load_failures);
                }
                if n.deviations > 0 {
                    o["deviations"] = json!(n.deviations);
                }
                if n.doubted.trials > 0 {
                    o["doubted_trials"] = json!(n.doubted.trials);
                    o["doubted_failed"] = json!(n.doubted.failed);
                }
                (k.clone(), o)
            })
            .collect();
        let reasons: Vec<Json> = self
            .sorted_reasons()
            .iter()
            .take(50)
            .map(|(k, r)| {
                json!({
                    "reason": k,
                    "count": r.count,
                    "example": {
                        "name": r.sample.name,
                        "input": r.sample.input,
                        "expected": r.sample.expected,
                        "actual": r.sample.actual,
                    }
                })
            })
            .collect();
        json!({
            "kind": self.kind.as_str(),
            "examples": self.examples,
            "trials": self.totals.trials,
            "passed": self.totals.passed,
            "failed": self.totals.failed,
            "strict_passed": self.totals.strict_passed,
            "load_failures": self.load_failures,
            "panics": self.panics,
            "deviations": self.deviations,
            "doubted": {
                "trials": self.doubted.trials,
                "passed": self.doubted.passed,
                "failed": self.doubted.failed,
            },
            "file_errors": self.error_count,
            "by_function": by_name,
            "reasons": reasons,
        })
    }

    /// The human-readable report for stdout.
    pub fn to_text(&self, source: &str) -> String {
        let mut s = String::new();
        let t = &self.totals;
        let what = match self.kind {
            Kind::Suite => "examples",
            Kind::Vectors => "vectors",
        };
        let _ = writeln!(s, "pfa-conformance {}: {source}", self.kind.as_str());
        let _ = writeln!(s, "{what}: {}  trials: {}", self.examples, t.trials);
        let _ = writeln!(
            s,
            "passed: {} ({})  failed: {}  strict passes: {} ({})",
            t.passed,
            percent(t.passed, t.trials),
            t.failed,
            t.strict_passed,
            percent(t.strict_passed, t.trials),
        );
        let _ = writeln!(
            s,
            "load failures: {}  panics: {}",
            self.load_failures, self.panics
        );
        if self.doubted.trials > 0 {
            let _ = writeln!(
                s,
                "oracle-doubt trials (counted above, ignored by the baseline): {}  passed: {}  failed: {}",
                self.doubted.trials, self.doubted.passed, self.doubted.failed
            );
        }
        if self.deviations > 0 || !self.deviations_passing.is_empty() {
            let _ = writeln!(
                s,
                "deviations (listed failures, counted above, ignored by the baseline): {}",
                self.deviations
            );
        }
        for k in &self.deviations_passing {
            let _ = writeln!(s, "deviation no longer needed: {}", truncate(k, 300));
        }
        if self.error_count > 0 {
            let _ = writeln!(s, "file errors: {}", self.error_count);
            for e in &self.errors {
                let _ = writeln!(s, "  {e}");
            }
        }
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        s.push('\n');
        self.failure_table(&mut s);
        self.reason_list(&mut s);
        s
    }

    fn failure_table(&self, s: &mut String) {
        // Vectors are grouped by id prefix: ids are often hashes, one per test.
        let rows: Vec<(String, NameCounts, Vec<&str>)> = match self.kind {
            Kind::Suite => self
                .by_name
                .iter()
                .filter(|(_, n)| n.all.failed > 0)
                .map(|(k, n)| (k.clone(), n.clone(), Vec::new()))
                .collect(),
            Kind::Vectors => {
                let mut groups: BTreeMap<&str, (NameCounts, Vec<&str>)> = BTreeMap::new();
                for (k, n) in &self.by_name {
                    let g = groups.entry(id_prefix(k)).or_default();
                    g.0.examples += n.examples;
                    g.0.all.add(&n.all);
                    g.0.doubted.add(&n.doubted);
                    g.0.load_failures += n.load_failures;
                    if n.all.failed > 0 {
                        g.1.push(k);
                    }
                }
                groups
                    .into_iter()
                    .filter(|(_, (n, _))| n.all.failed > 0)
                    .map(|(k, (n, ids))| (k.to_string(), n, ids))
                    .collect()
            }
        };
        if rows.is_empty() {
            let _ = writeln!(s, "no failures\n");
            return;
        }
        let mut rows = rows;
        rows.sort_by(|a, b| {
            b.1.all
                .failed
                .cmp(&a.1.all.failed)
                .then_with(|| a.0.cmp(&b.0))
        });
        let label = match self.kind {
            Kind::Suite => "function",
            Kind::Vectors => "id prefix",
        };
        let _ = writeln!(s, "failures by {label} ({} with failures):", rows.len());
        let width = rows
            .iter()
            .map(|r| r.0.chars().count())
            .max()
            .unwrap_or(8)
            .clamp(8, 40);
        let _ = writeln!(
            s,
            "  {label:<width$} {:>8} {:>8} {:>8} {:>6}",
            "trials", "passed", "failed", "load"
        );
        const MAX_ROWS: usize = 100;
        for (name, n, ids) in rows.iter().take(MAX_ROWS) {
            let _ = writeln!(
                s,
                "  {name:<width$} {:>8} {:>8} {:>8} {:>6}",
                n.all.trials, n.all.passed, n.all.failed, n.load_failures
            );
            if !ids.is_empty() {
                let shown: Vec<&str> = ids.iter().take(8).copied().collect();
                let more = if ids.len() > 8 {
                    format!(" (+{} more)", ids.len() - 8)
                } else {
                    String::new()
                };
                let _ = writeln!(s, "      failing: {}{more}", shown.join(", "));
            }
        }
        if rows.len() > MAX_ROWS {
            let _ = writeln!(
                s,
                "  ... and {} more (see --report-json)",
                rows.len() - MAX_ROWS
            );
        }
        s.push('\n');
    }

    fn reason_list(&self, s: &mut String) {
        let reasons = self.sorted_reasons();
        if reasons.is_empty() {
            return;
        }
        let _ = writeln!(s, "most common failure reasons:");
        for (key, r) in reasons.iter().take(15) {
            let _ = writeln!(s, "  {:>8} x {key}", r.count);
            let _ = writeln!(s, "      {}: {}", name_label(self.kind), r.sample.name);
            let _ = writeln!(s, "      input:    {}", r.sample.input);
            let _ = writeln!(s, "      expected: {}", r.sample.expected);
            let _ = writeln!(s, "      actual:   {}", r.sample.actual);
        }
        if reasons.len() > 15 {
            let _ = writeln!(s, "  ... and {} more reasons", reasons.len() - 15);
        }
    }
}

fn name_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Suite => "function",
        Kind::Vectors => "vector",
    }
}

fn percent(n: u64, d: u64) -> String {
    if d == 0 {
        "-".to_string()
    } else {
        format!("{:.2}%", n as f64 * 100.0 / d as f64)
    }
}

/// The group of a vector id in the stdout table: the text before its first `-` or `/`
/// (`titus-65f5…` → `titus`, `spec/arith-add` → `spec`).
pub fn id_prefix(id: &str) -> &str {
    match id.find(['-', '/']) {
        Some(i) if i > 0 => &id[..i],
        _ => id,
    }
}

/// Shortens text to at most `max` characters, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// Reads a baseline file: one name per line; blank lines and lines starting with `#`
/// are ignored.
pub fn parse_baseline(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Writes a baseline: the sorted names, one per line.
pub fn format_baseline(names: &[String]) -> String {
    let mut sorted = names.to_vec();
    sorted.sort();
    let mut s = sorted.join("\n");
    if !s.is_empty() {
        s.push('\n');
    }
    s
}

/// Names from the baseline that no longer fully pass, with why. `selected` says whether
/// a name was part of this run (names outside a `--function` filter are not checked).
pub fn regressions(
    baseline: &BTreeSet<String>,
    agg: &Aggregate,
    selected: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    baseline
        .iter()
        .filter(|n| selected(n))
        .filter_map(|n| match agg.by_name.get(n) {
            None => Some(format!("{n}: listed in the baseline but not run")),
            Some(c) if !c.fully_passes() => Some(format!(
                "{n}: {} of {} trials failed",
                c.all.failed - c.doubted.failed - c.trusted_deviations,
                c.all.trials - c.doubted.trials
            )),
            Some(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str, order: (usize, usize)) -> Sample {
        Sample {
            order,
            name: name.into(),
            input: "{}".into(),
            expected: "1".into(),
            actual: "2".into(),
        }
    }

    #[test]
    fn aggregate_merge_and_baseline() {
        let mut a = Aggregate::new(Kind::Suite);
        a.example("f", false);
        a.trial("f", false, true, true, None);
        a.trial(
            "f",
            false,
            false,
            false,
            Some(("wrong".into(), (3, 1), &|| sample("f", (3, 1)))),
        );
        let mut b = Aggregate::new(Kind::Suite);
        b.example("g", false);
        b.trial("g", false, true, false, None);
        b.trial(
            "f",
            false,
            false,
            false,
            Some(("wrong".into(), (1, 0), &|| sample("f", (1, 0)))),
        );
        b.example("h", false);
        b.trial("h", true, false, false, None);
        b.trial("h", false, true, true, None);
        a.merge(b);
        assert_eq!(
            a.totals,
            Counts {
                trials: 6,
                passed: 3,
                failed: 3,
                strict_passed: 2
            }
        );
        assert_eq!(a.reasons["wrong"].count, 2);
        assert_eq!(a.reasons["wrong"].sample.order, (1, 0));
        assert_eq!(a.passing_names(), vec!["g".to_string(), "h".to_string()]);
        let base = parse_baseline("# comment\ng\nf\n\nzz\n");
        let reg = regressions(&base, &a, &|_| true);
        assert_eq!(reg.len(), 2, "{reg:?}");
        assert!(reg[0].starts_with("f: 2 of 3"));
        assert!(reg[1].starts_with("zz: listed"));
        assert!(regressions(&base, &a, &|n| n == "g").is_empty());
        assert_eq!(format_baseline(&a.passing_names()), "g\nh\n");
        let j = a.to_json();
        assert_eq!(j["by_function"]["f"]["failed"], 2);
        assert_eq!(j["doubted"]["trials"], 1);
        let text = a.to_text("x");
        assert!(
            text.contains("failures by function (2 with failures)"),
            "{text}"
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(id_prefix("titus-abc"), "titus");
        assert_eq!(id_prefix("spec/arith-add"), "spec");
        assert_eq!(id_prefix("plain"), "plain");
        assert_eq!(truncate("abcdef", 3), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
