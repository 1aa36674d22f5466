//! Unit tests of the reader's building blocks; whole documents are tested in
//! `tests/reader.rs`.

use serde_json::json;

use super::forms::{is_function_name, is_identifier, strip_marks, Reader};
use super::{read_document, read_text};
use crate::error::PfaError;

#[test]
fn identifiers() {
    for ok in ["x", "_", "_a1", "Abc_9"] {
        assert!(is_identifier(ok), "{ok}");
    }
    for bad in ["", "1a", "a.b", "a-b", "é", "a b"] {
        assert!(!is_identifier(bad), "{bad}");
    }
}

#[test]
fn function_names() {
    for ok in ["f", "_f", "a.b", "a.b.c9", "_x.y_"] {
        assert!(is_function_name(ok), "{ok}");
    }
    // Words after a dot start with a letter (§6).
    for bad in ["", ".a", "a.", "a..b", "a._b", "a.9", "9a", "+"] {
        assert!(!is_function_name(bad), "{bad}");
    }
}

#[test]
fn strip_marks_everywhere_keeping_order() {
    let mut j = json!({"@": "m", "b": [1, {"@": "n", "z": 1, "a": 2}], "a": {"@": "o"}});
    strip_marks(&mut j);
    assert_eq!(j, json!({"b": [1, {"z": 1, "a": 2}], "a": {}}));
    let keys: Vec<_> = j["b"][1].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["z", "a"]);
}

#[test]
fn reader_paths_and_marks() {
    let mut r = Reader::new();
    let e = r
        .key("action", |r| {
            r.index(2, |r| r.key("let", |r| Err::<(), _>(r.err("x"))))
        })
        .unwrap_err();
    let PfaError::Syntax { loc, .. } = e else {
        panic!()
    };
    assert_eq!(loc.path, "action[2].let");
    // The path is restored after each step.
    assert_eq!(r.err("y").to_string(), "PFA syntax error at (document): y");
    let obj = json!({"@": "here", "x": 1});
    let id = r
        .in_object(obj.as_object().unwrap(), |r| r.key("x", |r| Ok(r.loc())))
        .unwrap();
    assert_eq!(r.locs[id as usize].path, "x");
    assert_eq!(r.locs[id as usize].mark.as_deref(), Some("here"));
    assert_eq!(r.err("z").to_string(), "PFA syntax error at (document): z");
}

#[test]
fn expression_sequences() {
    let mut r = Reader::new();
    let es = r
        .key("then", |r| r.exprs(&json!(["a", ["b"]]), false))
        .unwrap();
    assert_eq!(es.len(), 2);
    assert_eq!(r.locs[es[1].loc as usize].path, "then[1]");
    assert!(r.exprs(&json!([]), false).is_err());
    assert!(r.exprs(&json!([]), true).unwrap().is_empty());
}

#[test]
fn text_detection() {
    assert_eq!(read_text("\u{feff} {\"a\": 1}").unwrap(), json!({"a": 1}));
    assert_eq!(
        read_text("a: 1\nb: [x, 2.5]").unwrap(),
        json!({"a": 1, "b": ["x", 2.5]})
    );
    assert_eq!(read_text("").unwrap(), json!(null));
    let e = read_text("{\"a\": }").unwrap_err();
    assert!(e.message().contains("line 1, column 7"), "{e}");
}

#[test]
fn document_locations_are_preorder_and_complete() {
    let d = read_document(&json!({"input": "int", "output": "int",
        "action": {"+": [1, {"-": [2, 3]}]}}))
    .unwrap();
    let paths: Vec<&str> = d.locs.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "input",
            "output",
            "action",
            "action.+[0]",
            "action.+[1]",
            "action.+[1].-[0]",
            "action.+[1].-[1]"
        ]
    );
}

#[test]
fn broken_json_is_not_retried_as_yaml() {
    // Valid YAML (a mapping to null), but text starting with "{" is JSON.
    let e = read_text("{\"a\": }").unwrap_err();
    assert!(e.message().starts_with("invalid JSON at line 1"), "{e}");
    // Block-style YAML is fine.
    assert_eq!(read_text("a: {b: [1]}").unwrap(), json!({"a": {"b": [1]}}));
}
