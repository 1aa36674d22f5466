//! Cross-checks the library registry against the spec's function list
//! (`../shared/spec/libfcns.xml`, read in place; the test is skipped if it is absent):
//! every registered function must exist there with the same signature count, the same
//! parameter names and deprecations per signature, and the same error codes, each with
//! one of the messages its documentation quotes. Functions not registered yet are listed, not failed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pfa_core::library::Registry;

/// What the function list says about one function.
#[derive(Debug, Default)]
struct SpecFn {
    /// Parameter names of each signature, in order.
    sigs: Vec<Vec<String>>,
    /// For each signature: the version that deprecated it, if any.
    deprecated: Vec<Option<String>>,
    /// Error codes in order of appearance, with the phrases quoted in their text.
    errors: Vec<(i32, Vec<String>)>,
}

fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/spec/libfcns.xml")
}

fn load_spec() -> Option<BTreeMap<String, SpecFn>> {
    let path = spec_path();
    match std::fs::read_to_string(&path) {
        Ok(xml) => Some(scan(&xml).unwrap_or_else(|e| panic!("{}: {e}", path.display()))),
        Err(e) => {
            println!("skipping: cannot read {}: {e}", path.display());
            None
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text between `open` and the next `close` at or after `from`, and the position
/// just past `close`.
fn between<'a>(s: &'a str, from: usize, open: &str, close: &str) -> Option<(&'a str, usize)> {
    let start = from + s[from..].find(open)? + open.len();
    let end = start + s[start..].find(close)?;
    Some((&s[start..end], end + close.len()))
}

/// All non-overlapping bodies of `<tag ...>...</tag>` in `s` (the text after the opening
/// tag's name, attributes included).
fn elements<'a>(s: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = s[at..].find(&open) {
        let start = at + i + open.len();
        // `<sig` must not match `<signature`: the tag name ends at a space or `>`.
        if !matches!(s[start..].chars().next(), Some(' ' | '>')) {
            at = start;
            continue;
        }
        let Some(len) = s[start..].find(&close) else {
            break;
        };
        out.push(&s[start..start + len]);
        at = start + len + close.len();
    }
    out
}

/// A hand-written scan of the function list: just enough structure for the checks.
fn scan(xml: &str) -> Result<BTreeMap<String, SpecFn>, String> {
    let mut fns = BTreeMap::new();
    for body in elements(xml, "fcn") {
        let (name, _) = between(body, 0, "name=\"", "\"").ok_or("fcn without name")?;
        let mut f = SpecFn::default();
        for sig in elements(body, "sig") {
            let attrs = &sig[..sig.find('>').unwrap_or(0)];
            f.deprecated
                .push(between(attrs, 0, "deprecation=\"", "\"").map(|(v, _)| v.to_string()));
            let mut params = Vec::new();
            let mut at = 0;
            while let Some((p, next)) = between(sig, at, "<par name=\"", "\"") {
                params.push(unescape(p));
                at = next;
            }
            f.sigs.push(params);
        }
        for err in elements(body, "error") {
            let (code, text_at) = between(err, 0, "code=\"", "\"").ok_or("error without code")?;
            let code: i32 = code.parse().map_err(|_| format!("bad error code {code}"))?;
            let text = &err[text_at..];
            let mut quoted = Vec::new();
            let mut at = 0;
            while let Some((q, next)) = between(text, at, "&quot;", "&quot;") {
                quoted.push(unescape(q));
                at = next;
            }
            f.errors.push((code, quoted));
        }
        if fns.insert(unescape(name), f).is_some() {
            return Err(format!("function {name} listed twice"));
        }
    }
    Ok(fns)
}

#[test]
fn scan_reads_the_function_list() {
    let Some(spec) = load_spec() else { return };
    assert!(spec.len() > 400, "only {} functions found", spec.len());
    let add = &spec["+"];
    assert_eq!(add.sigs, vec![vec!["x".to_string(), "y".to_string()]]);
    let codes: Vec<i32> = add.errors.iter().map(|e| e.0).collect();
    assert_eq!(codes, [18000, 18001]);
    assert_eq!(add.errors[0].1, ["int overflow"]);
    assert_eq!(spec["m.pi"].sigs, vec![Vec::<String>::new()]);
    assert_eq!(spec["&&&"].sigs.len(), 1);
    assert_eq!(spec["m.round"].sigs.len(), 2);
    assert!(spec.contains_key("<="));
    assert_eq!(spec["m.round"].deprecated, [None, None]);
    assert!(spec["rand.uuid"]
        .deprecated
        .iter()
        .any(|d| d.as_deref() == Some("0.7.2")));
}

#[test]
fn registry_matches_function_list() {
    let Some(spec) = load_spec() else { return };
    let registry = Registry::standard();
    let mut names: Vec<&str> = registry.names().collect();
    names.sort_unstable();

    let mut problems = Vec::new();
    for name in &names {
        let Some(f) = registry.get(name) else {
            problems.push(format!("{name}: listed by names() but not found by get()"));
            continue;
        };
        let Some(want) = spec.get(*name) else {
            problems.push(format!("{name}: not in the spec's function list"));
            continue;
        };
        if f.sigs.len() != want.sigs.len() {
            problems.push(format!(
                "{name}: {} signatures, the spec has {}",
                f.sigs.len(),
                want.sigs.len()
            ));
        } else {
            for (i, (sig, params)) in f.sigs.iter().zip(&want.sigs).enumerate() {
                let got: Vec<&str> = sig.params.iter().map(|(p, _)| p.as_str()).collect();
                if got != *params {
                    problems.push(format!(
                        "{name}: signature {i} has parameters {got:?}, the spec {params:?}"
                    ));
                }
                let got = f.deprecated.get(i).copied().flatten();
                let spec_dep = want.deprecated[i].as_deref();
                if got != spec_dep {
                    problems.push(format!(
                        "{name}: signature {i} deprecated since {got:?}, the spec says {spec_dep:?}"
                    ));
                }
            }
        }
        let got: Vec<i32> = f.errors.iter().map(|e| e.0).collect();
        let mut sorted_got = got.clone();
        sorted_got.sort_unstable();
        let mut sorted_want: Vec<i32> = want.errors.iter().map(|e| e.0).collect();
        sorted_want.sort_unstable();
        if sorted_got != sorted_want {
            problems.push(format!(
                "{name}: error codes {sorted_got:?}, the spec {sorted_want:?}"
            ));
        }
        for &(code, message) in f.errors {
            if let Some((_, quoted)) = want.errors.iter().find(|e| e.0 == code) {
                if !quoted.is_empty() && !quoted.iter().any(|q| q == message) {
                    problems.push(format!(
                        "{name}: error {code} says {message:?}, the spec quotes {quoted:?}"
                    ));
                }
            }
        }
    }

    let missing: Vec<&str> = spec
        .keys()
        .map(String::as_str)
        .filter(|n| registry.get(n).is_none())
        .collect();
    println!(
        "{} of {} spec functions registered; {} not yet:",
        spec.len() - missing.len(),
        spec.len(),
        missing.len()
    );
    for chunk in missing.chunks(8) {
        println!("    {}", chunk.join(" "));
    }

    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
