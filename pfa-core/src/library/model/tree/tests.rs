//! Table tests of the tree functions: comparisons through the natives, walks with
//! closures as test functions, and whole documents with trees in cells.

// Case tables are tuples, one line per case.
#![allow(clippy::type_complexity)]

use serde_json::json;

use super::*;
use crate::library::model::testing::{assert_err, code, score, Callback, Fixture};

/// A datum type with numeric, string, nullable and long fields, and comparison types
/// whose values have various types.
fn fixture() -> (Fixture, Type, Vec<Type>) {
    let mut fx = Fixture::new();
    let d = fx.ty(json!({"type": "record", "name": "D", "fields": [
        {"name": "one", "type": "int"},
        {"name": "two", "type": "double"},
        {"name": "three", "type": "string"},
        {"name": "four", "type": ["null", "double"]},
        {"name": "five", "type": "long"},
        {"name": "six", "type": ["null", "string"]}
    ]}));
    let fields = json!({"type": "enum", "name": "F",
        "symbols": ["one", "two", "three", "four", "five", "six"]});
    let value_types = [
        json!("double"),
        json!("int"),
        json!("string"),
        json!({"type": "array", "items": "string"}),
        json!({"type": "array", "items": "double"}),
        json!(["null", "double"]),
        json!(["double", "string"]),
    ];
    let mut ts = Vec::new();
    for (i, v) in value_types.iter().enumerate() {
        let field_ty = if i == 0 { fields.clone() } else { json!("F") };
        ts.push(fx.ty(
            json!({"type": "record", "name": format!("T{i}"), "fields": [
                {"name": "field", "type": field_ty},
                {"name": "operator", "type": "string"},
                {"name": "value", "type": v}
            ]}),
        ));
    }
    (fx, d, ts)
}

fn datum(fx: &Fixture, d: &Type, four: serde_json::Value, six: serde_json::Value) -> Value {
    fx.val(
        json!({"one": 3, "two": 2.5, "three": "abc", "four": four, "five": 9007199254740993i64, "six": six}),
        d,
    )
}

/// Comparison of type `ts[t]`.
fn comparison(
    fx: &Fixture,
    ts: &[Type],
    t: usize,
    f: &str,
    op: &str,
    v: serde_json::Value,
) -> Value {
    fx.val(json!({"field": f, "operator": op, "value": v}), &ts[t])
}

#[test]
fn simple_and_missing_test() {
    let (fx, d, ts) = fixture();
    let full = datum(&fx, &d, json!({"double": 1.5}), json!({"string": "s"}));
    let gaps = datum(&fx, &d, json!(null), json!(null));
    let u = |x: f64| json!({"double": x});
    let us = |x: &str| json!({"string": x});
    // (datum, comparison type, field, operator, value, simpleTest, missingTest);
    // a result is Ok(Some(b)), Ok(None) for null, or Err(code).
    type R = Result<Option<bool>, i32>;
    let cases: Vec<(&Value, usize, &str, &str, serde_json::Value, R, R)> = vec![
        // Numbers compare by value across numeric types.
        (
            &full,
            0,
            "one",
            "<",
            json!(3.5),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "one",
            "<=",
            json!(3.0),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "one",
            ">",
            json!(2.999),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "one",
            ">=",
            json!(3.5),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            0,
            "one",
            "==",
            json!(3.0),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "one",
            "!=",
            json!(3.0),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            1,
            "two",
            ">",
            json!(2),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            1,
            "two",
            "==",
            json!(2),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        // A long is not rounded to a double: 2^53 + 1 > 2^53.
        (
            &full,
            0,
            "five",
            ">",
            json!(9007199254740992.0),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "five",
            "==",
            json!(9007199254740992.0),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            0,
            "two",
            "<",
            json!("nan"),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            0,
            "two",
            "!=",
            json!("nan"),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            0,
            "two",
            "==",
            json!("inf"),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            2,
            "three",
            "<",
            json!("abd"),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            2,
            "three",
            "==",
            json!("abc"),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            2,
            "three",
            ">=",
            json!("b"),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            6,
            "three",
            "==",
            us("abc"),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (&full, 6, "one", "<", u(4.0), Ok(Some(true)), Ok(Some(true))),
        // Sets.
        (
            &full,
            3,
            "three",
            "in",
            json!(["x", "abc"]),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            3,
            "three",
            "notIn",
            json!(["x", "abc"]),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            3,
            "three",
            "in",
            json!([]),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &full,
            4,
            "one",
            "in",
            json!([1, 3]),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            4,
            "one",
            "notIn",
            json!([1.5]),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        // Operators that ignore the value.
        (
            &full,
            2,
            "one",
            "alwaysTrue",
            json!("x"),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (
            &full,
            2,
            "one",
            "alwaysFalse",
            json!("x"),
            Ok(Some(false)),
            Ok(Some(false)),
        ),
        (
            &gaps,
            0,
            "four",
            "isMissing",
            json!(0),
            Ok(Some(true)),
            Err(32010),
        ),
        (
            &full,
            0,
            "four",
            "isMissing",
            json!(0),
            Ok(Some(false)),
            Err(32010),
        ),
        (
            &gaps,
            0,
            "four",
            "notMissing",
            json!(0),
            Ok(Some(false)),
            Err(32010),
        ),
        // Nullable fields: simpleTest compares the union, missingTest its non-null part.
        (
            &full,
            5,
            "four",
            "<",
            u(2.0),
            Ok(Some(true)),
            Ok(Some(true)),
        ),
        (&gaps, 5, "four", "<", u(2.0), Ok(Some(true)), Ok(None)),
        (
            &full,
            0,
            "four",
            "<",
            json!(2.0),
            Err(32001),
            Ok(Some(true)),
        ),
        (&gaps, 0, "four", ">", json!(2.0), Err(32001), Ok(None)),
        (&gaps, 3, "six", "in", json!(["s"]), Err(32001), Ok(None)),
        (
            &full,
            3,
            "six",
            "in",
            json!(["s"]),
            Err(32001),
            Ok(Some(true)),
        ),
        (&gaps, 0, "four", "~", json!(2.0), Err(32001), Err(32010)),
        // Bad value types: checked before the operator.
        (&full, 2, "one", "<", json!("x"), Err(32001), Err(32011)),
        (&full, 2, "one", "~", json!("x"), Err(32001), Err(32011)),
        (&full, 1, "three", "==", json!(1), Err(32001), Err(32011)),
        (&full, 3, "one", "in", json!(["3"]), Err(32001), Err(32011)),
        (&full, 0, "three", "in", json!(1), Err(32001), Err(32011)),
        (&full, 5, "one", "<", json!(null), Err(32001), Err(32011)),
        // Invalid operators.
        (&full, 0, "one", "<>", json!(1), Err(32000), Err(32010)),
        (&full, 2, "three", "", json!("x"), Err(32000), Err(32010)),
        (&full, 0, "one", "IN", json!(1), Err(32000), Err(32010)),
    ];
    for (i, (dat, t, f, op, v, simple, missing)) in cases.into_iter().enumerate() {
        let c = comparison(&fx, &ts, t, f, op, v);
        let types = [d.clone(), ts[t].clone()];
        let args = [dat.clone(), c];
        let got = fx.run(simple_test, &types, &args, vec![]);
        let want = simple.map(|b| Value::Boolean(b.unwrap_or(false)));
        match (&got, &want) {
            (Ok(Value::Boolean(g)), Ok(Value::Boolean(w))) => {
                assert_eq!(g, w, "simpleTest case {i}")
            }
            _ => assert_eq!(code(&got), want.err(), "simpleTest case {i}: {got:?}"),
        }
        let got = fx.run(missing_test, &types, &args, vec![]);
        match (&got, missing) {
            (Ok(Value::Boolean(g)), Ok(Some(w))) => assert_eq!(*g, w, "missingTest case {i}"),
            (Ok(Value::Null), Ok(None)) => {}
            (_, Err(c)) => assert_eq!(code(&got), Some(c), "missingTest case {i}: {got:?}"),
            _ => panic!("missingTest case {i}: got {got:?}, want {missing:?}"),
        }
    }
    // The exact messages.
    let c = comparison(&fx, &ts, 0, "one", "<>", json!(1));
    let r = fx.run(
        simple_test,
        &[d.clone(), ts[0].clone()],
        &[full.clone(), c],
        vec![],
    );
    assert_err(r, (32000, "invalid comparison operator"));
    let c = comparison(&fx, &ts, 2, "one", "<", json!("x"));
    let r = fx.run(
        missing_test,
        &[d.clone(), ts[2].clone()],
        &[full, c],
        vec![],
    );
    assert_err(r, (32011, "bad value type"));
}

/// A test function that answers from a list, counting its calls.
fn answers<'a>(list: &'a [Value], calls: &'a std::cell::Cell<usize>) -> Callback<'a> {
    Box::new(move |_: &[Value]| {
        let i = calls.get();
        calls.set(i + 1);
        list.get(i)
            .cloned()
            .ok_or_else(|| PfaError::runtime(-1, "called too often"))
    })
}

#[test]
fn compound_and_surrogate_tests() {
    let mut fx = Fixture::new();
    let d = fx.ty(json!({"type": "record", "name": "D", "fields": [{"name": "x", "type": "int"}]}));
    let t = fx.ty(json!({"type": "record", "name": "T", "fields": [{"name": "y", "type": "int"}]}));
    let datum = fx.val(json!({"x": 1}), &d);
    let three = fx.val(
        json!([{"y": 1}, {"y": 2}, {"y": 3}]),
        &Type::array(t.clone()),
    );
    let none = fx.val(json!([]), &Type::array(t.clone()));
    let b = Value::Boolean;
    let types = [d, Type::String, Type::array(t.clone())];
    // (operator, comparisons, test answers, result or error code, calls made)
    let cases: Vec<(&str, &Value, Vec<Value>, Result<bool, i32>, usize)> = vec![
        ("and", &three, vec![b(true), b(true), b(true)], Ok(true), 3),
        ("and", &three, vec![b(true), b(false)], Ok(false), 2),
        ("and", &none, vec![], Ok(true), 0),
        ("or", &three, vec![b(false), b(true)], Ok(true), 2),
        (
            "or",
            &three,
            vec![b(false), b(false), b(false)],
            Ok(false),
            3,
        ),
        ("or", &none, vec![], Ok(false), 0),
        ("xor", &three, vec![b(true), b(true), b(true)], Ok(true), 3),
        (
            "xor",
            &three,
            vec![b(true), b(false), b(true)],
            Ok(false),
            3,
        ),
        ("xor", &none, vec![], Ok(false), 0),
        ("nand", &three, vec![], Err(32020), 0),
        ("", &none, vec![], Err(32020), 0),
    ];
    for (op, comparisons, list, want, calls) in cases {
        let n = std::cell::Cell::new(0);
        let args = [
            datum.clone(),
            Value::str(op),
            comparisons.clone(),
            Value::Null,
        ];
        let got = fx.run(compound_test, &types, &args, vec![(3, answers(&list, &n))]);
        match want {
            Ok(w) => assert!(
                matches!(got, Ok(Value::Boolean(g)) if g == w),
                "{op}: {got:?}"
            ),
            Err(c) => assert_eq!(code(&got), Some(c), "{op}"),
        }
        assert_eq!(n.get(), calls, "{op}: calls");
    }
    let args = [datum.clone(), Value::str("nor"), none.clone(), Value::Null];
    let n = std::cell::Cell::new(0);
    let r = fx.run(compound_test, &types, &args, vec![(3, answers(&[], &n))]);
    assert_err(r, (32020, "unrecognized logical operator"));

    // surrogateTest: the first non-null answer.
    let types = [types[0].clone(), types[2].clone()];
    let cases: Vec<(&Value, Vec<Value>, Result<bool, i32>, usize)> = vec![
        (&three, vec![b(true)], Ok(true), 1),
        (&three, vec![Value::Null, b(false)], Ok(false), 2),
        (&three, vec![Value::Null, Value::Null, b(true)], Ok(true), 3),
        (
            &three,
            vec![Value::Null, Value::Null, Value::Null],
            Err(32030),
            3,
        ),
        (&none, vec![], Err(32030), 0),
    ];
    for (comparisons, list, want, calls) in cases {
        let n = std::cell::Cell::new(0);
        let args = [datum.clone(), comparisons.clone(), Value::Null];
        let got = fx.run(surrogate_test, &types, &args, vec![(2, answers(&list, &n))]);
        match want {
            Ok(w) => assert!(matches!(got, Ok(Value::Boolean(g)) if g == w), "{got:?}"),
            Err(c) => assert_eq!(code(&got), Some(c)),
        }
        assert_eq!(n.get(), calls);
    }
    let n = std::cell::Cell::new(0);
    let r = fx.run(
        surrogate_test,
        &types,
        &[datum, none, Value::Null],
        vec![(2, answers(&[], &n))],
    );
    assert_err(r, (32030, "no successful surrogate"));
}

/// A three-level tree with string leaves: node `a` splits on x < 3, `b` and `c` on
/// y < 0; a missing branch points to a leaf named after the node. The comparison
/// values are nullable like the fields, so that simpleTest accepts them too.
fn walk_fixture() -> (Fixture, Type, Type, Value) {
    let mut fx = Fixture::new();
    let d = fx.ty(json!({"type": "record", "name": "D", "fields": [
        {"name": "x", "type": ["null", "int"]}, {"name": "y", "type": ["null", "int"]}]}));
    let t = fx.ty(json!({"type": "record", "name": "T", "fields": [
        {"name": "field", "type": {"type": "enum", "name": "F", "symbols": ["x", "y"]}},
        {"name": "operator", "type": "string"},
        {"name": "value", "type": ["null", "int"]},
        {"name": "pass", "type": ["T", "string"]},
        {"name": "fail", "type": ["T", "string"]},
        {"name": "missing", "type": ["T", "string"]}]}));
    let leaf = |s: &str| json!({"string": s});
    let node = |f: &str, v: i32, pass: serde_json::Value, fail: serde_json::Value, miss: &str| json!({"field": f, "operator": "<", "value": {"int": v}, "pass": pass, "fail": fail, "missing": leaf(miss)});
    let b = node("y", 0, leaf("x<3,y<0"), leaf("x<3,y>=0"), "b?");
    let c = node("y", 0, leaf("x>=3,y<0"), leaf("x>=3,y>=0"), "c?");
    let root = fx.val(node("x", 3, json!({"T": b}), json!({"T": c}), "a?"), &t);
    (fx, d, t, root)
}

#[test]
fn walks() {
    let (fx, d, t, root) = walk_fixture();
    let types = [d.clone(), t.clone()];
    // The test function: missingTest on the node, through the native itself.
    let test_with = |f: fn(&mut dyn Host, &[Value]) -> Ret| -> Callback<'_> {
        let types = types.clone();
        let fx = &fx;
        Box::new(move |args: &[Value]| fx.run(f, &types, args, vec![]))
    };
    let input = |x: Option<i32>, y: Option<i32>| {
        let tag = |v: Option<i32>| v.map_or(json!(null), |v| json!({"int": v}));
        fx.val(json!({"x": tag(x), "y": tag(y)}), &d)
    };
    let cases = [
        (Some(1), Some(-1), "x<3,y<0", "x<3,y<0"),
        (Some(1), Some(5), "x<3,y>=0", "x<3,y>=0"),
        (Some(3), Some(-1), "x>=3,y<0", "x>=3,y<0"),
        (Some(7), Some(0), "x>=3,y>=0", "x>=3,y>=0"),
        (None, Some(0), "a?", ""),
        (Some(1), None, "b?", ""),
        (Some(4), None, "c?", ""),
    ];
    let wt = [d.clone(), t.clone(), Type::Null];
    for (x, y, missing_leaf, simple_leaf) in cases {
        let args = [input(x, y), root.clone(), Value::Null];
        let got = fx.run(missing_walk, &wt, &args, vec![(2, test_with(missing_test))]);
        assert_eq!(
            got.ok().and_then(|v| v.as_str().map(String::from)),
            Some(missing_leaf.into())
        );
        if !simple_leaf.is_empty() {
            let got = fx.run(simple_walk, &wt, &args, vec![(2, test_with(simple_test))]);
            assert_eq!(
                got.ok().and_then(|v| v.as_str().map(String::from)),
                Some(simple_leaf.into())
            );
            let got = fx.run(simple_tree, &types, &args[..2], vec![]);
            assert_eq!(
                got.ok().and_then(|v| v.as_str().map(String::from)),
                Some(simple_leaf.into())
            );
        }
    }
    // Errors of the test function pass through the walks.
    let args = [input(Some(1), Some(1)), root.clone(), Value::Null];
    let failing: Callback<'_> = Box::new(|_: &[Value]| Err(PfaError::runtime(77, "boom")));
    assert_eq!(
        code(&fx.run(simple_walk, &wt, &args, vec![(2, failing)])),
        Some(77)
    );
}

#[test]
fn simple_tree_errors() {
    let mut fx = Fixture::new();
    let d = fx.ty(json!({"type": "record", "name": "D", "fields": [
        {"name": "x", "type": "int"}, {"name": "s", "type": "string"}]}));
    let t = fx.ty(json!({"type": "record", "name": "T", "fields": [
        {"name": "field", "type": {"type": "enum", "name": "F", "symbols": ["x", "s"]}},
        {"name": "operator", "type": "string"},
        {"name": "value", "type": "int"},
        {"name": "pass", "type": ["T", "int"]},
        {"name": "fail", "type": ["T", "int"]}]}));
    let datum = fx.val(json!({"x": 5, "s": "q"}), &d);
    let inner = |f: &str, op: &str| {
        json!({"T": {"field": f, "operator": op, "value": 1,
        "pass": {"int": 1}, "fail": {"int": 2}}})
    };
    let tree = |f: &str, op: &str| {
        fx.val(json!({"field": "x", "operator": ">", "value": 0, "pass": inner(f, op), "fail": {"int": 0}}), &t)
    };
    let types = [d.clone(), t.clone()];
    let run = |tr: Value| fx.run(simple_tree, &types, &[datum.clone(), tr], vec![]);
    assert!(matches!(run(tree("x", ">=")), Ok(Value::Int(1))));
    assert!(matches!(run(tree("x", "notMissing")), Ok(Value::Int(1))));
    assert!(matches!(run(tree("x", "isMissing")), Ok(Value::Int(2))));
    assert_err(run(tree("x", "=")), (32060, "invalid comparison operator"));
    assert_err(run(tree("s", "<")), (32061, "bad value type"));
}

/// The spec's example 2.3: a tree in a cell, walked with simpleWalk and simpleTest.
const SPEC_EXAMPLE: &str = r#"{
  "input": {"type": "record", "name": "Datum", "fields": [
    {"name": "one", "type": "int"}, {"name": "two", "type": "double"},
    {"name": "three", "type": "string"}]},
  "output": "string",
  "cells": {"tree": {"type": {"type": "record", "name": "TreeNode", "fields": [
      {"name": "field", "type": {"type": "enum", "name": "TreeFields", "symbols": ["one", "two", "three"]}},
      {"name": "operator", "type": "string"},
      {"name": "value", "type": ["double", "string"]},
      {"name": "pass", "type": ["string", "TreeNode"]},
      {"name": "fail", "type": ["string", "TreeNode"]}]},
    "init": {"field": "one", "operator": "<", "value": {"double": 12},
      "pass": {"TreeNode": {"field": "two", "operator": ">", "value": {"double": 3.5},
        "pass": {"string": "yes-yes"}, "fail": {"string": "yes-no"}}},
      "fail": {"TreeNode": {"field": "three", "operator": "==", "value": {"string": "TEST"},
        "pass": {"string": "no-yes"}, "fail": {"string": "no-no"}}}}}},
  "action": {"model.tree.simpleWalk": ["input", {"cell": "tree"},
    {"params": [{"d": "Datum"}, {"t": "TreeNode"}], "ret": "boolean",
     "do": {"model.tree.simpleTest": ["d", "t"]}}]}
}"#;

#[test]
fn spec_example_document() {
    let out = score(
        SPEC_EXAMPLE,
        &[
            json!({"one": 1, "two": 7.0, "three": "x"}),
            json!({"one": 1, "two": 0.0, "three": "x"}),
            json!({"one": 12, "two": 0.0, "three": "TEST"}),
            json!({"one": 15, "two": 0.0, "three": "TESTS"}),
        ],
    );
    let want = ["yes-yes", "yes-no", "no-yes", "no-no"];
    for (got, want) in out.iter().zip(want) {
        assert_eq!(got, &Ok(json!(want)));
    }
    // The same tree with simpleTree.
    let doc = SPEC_EXAMPLE.replace(
        r#"{"model.tree.simpleWalk": ["input", {"cell": "tree"},
    {"params": [{"d": "Datum"}, {"t": "TreeNode"}], "ret": "boolean",
     "do": {"model.tree.simpleTest": ["d", "t"]}}]}"#,
        r#"{"model.tree.simpleTree": ["input", {"cell": "tree"}]}"#,
    );
    assert!(doc.contains("simpleTree"));
    let out = score(&doc, &[json!({"one": 1, "two": 7.0, "three": "x"})]);
    assert_eq!(out, vec![Ok(json!("yes-yes"))]);
}

/// A complete binary tree of depth `depth` over one double field: the leaf reached is
/// the number of the input's bits read from the top.
pub(crate) fn deep_tree_document(depth: u32) -> String {
    fn node(level: u32, depth: u32, prefix: u64) -> serde_json::Value {
        if level == depth {
            return json!({"int": prefix});
        }
        let half = 1u64 << (depth - level - 1);
        let threshold = (prefix * 2 + 1) * half;
        json!({"TreeNode": {"field": "x", "operator": "<", "value": threshold as f64,
            "pass": node(level + 1, depth, prefix * 2),
            "fail": node(level + 1, depth, prefix * 2 + 1)}})
    }
    let root = match node(0, depth, 0) {
        serde_json::Value::Object(mut m) => m.remove("TreeNode").unwrap_or_default(),
        other => other,
    };
    json!({
        "input": {"type": "record", "name": "Datum", "fields": [{"name": "x", "type": "double"}]},
        "output": "int",
        "cells": {"tree": {"type": {"type": "record", "name": "TreeNode", "fields": [
            {"name": "field", "type": {"type": "enum", "name": "Fields", "symbols": ["x"]}},
            {"name": "operator", "type": "string"},
            {"name": "value", "type": "double"},
            {"name": "pass", "type": ["TreeNode", "int"]},
            {"name": "fail", "type": ["TreeNode", "int"]}]},
          "init": root}},
        "action": {"model.tree.simpleWalk": ["input", {"cell": "tree"},
            {"params": [{"d": "Datum"}, {"t": "TreeNode"}], "ret": "boolean",
             "do": {"model.tree.simpleTest": ["d", "t"]}}]}
    })
    .to_string()
}

#[test]
fn depth_ten_tree_in_a_cell() {
    let doc = deep_tree_document(10);
    let inputs: Vec<_> = [0.0, 1.5, 511.0, 512.0, 1023.0, 5000.0, -3.0]
        .iter()
        .map(|x| json!({"x": x}))
        .collect();
    let out = score(&doc, &inputs);
    let want = [0, 1, 511, 512, 1023, 1023, 0];
    for (got, want) in out.iter().zip(want) {
        assert_eq!(got, &Ok(json!(want)));
    }
}
