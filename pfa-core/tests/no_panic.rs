//! Loading arbitrary (mostly wrong) documents and running whatever loads never panics:
//! every problem is a `PfaError`.

use pfa_core::{LoadOptions, Program, Value};
use proptest::prelude::*;
use serde_json::{json, Value as Json};

fn leaf() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(json!("input")),
        Just(json!("x")),
        Just(json!("nosuch")),
        any::<i32>().prop_map(|i| json!(i)),
        any::<i64>().prop_map(|i| json!(i)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(["str"])),
        Just(json!({"string": "abc"})),
        Just(json!({"base64": "AAEC"})),
        Just(json!({"type": {"type": "array", "items": "int"}, "value": [1, 2]})),
        Just(json!({"cell": "c"})),
        Just(json!({"pool": "p", "path": ["k"]})),
    ]
}

fn expr() -> impl Strategy<Value = Json> {
    leaf().prop_recursive(4, 48, 4, |inner| {
        let name = prop_oneof![
            Just("+"), Just("-"), Just("*"), Just("/"), Just("//"), Just("%"), Just("**"),
            Just("<"), Just("=="), Just("&&"), Just("!"), Just("m.sqrt"), Just("max"), Just("u.f"),
            Just("a.len"), Just("s.len"), Just("emit"),
        ];
        prop_oneof![
            (name, prop::collection::vec(inner.clone(), 0..3)).prop_map(|(n, a)| json!({n: a})),
            (inner.clone(), inner.clone()).prop_map(|(c, t)| json!({"if": c, "then": t})),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, e)| json!({"if": c, "then": t, "else": e})),
            inner.clone().prop_map(|v| json!({"let": {"x": v}})),
            inner.clone().prop_map(|v| json!({"set": {"x": v}})),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({"do": v})),
            (inner.clone(), inner.clone()).prop_map(|(c, b)| json!({"while": c, "do": b})),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| json!({"foreach": "y", "in": a, "do": b})),
            inner.clone().prop_map(|v| json!({"try": v})),
            inner.clone().prop_map(|v| json!({"attr": v, "path": [0]})),
            inner.clone().prop_map(|v| json!({"cell": "c", "to": v})),
            inner.clone().prop_map(|v| json!({"pool": "p", "path": ["k"], "to": v, "init": 0})),
            inner.clone().prop_map(|v| json!({"cast": v, "cases": [{"as": "int", "named": "z", "do": "z"}], "partial": true})),
            inner.clone().prop_map(|v| json!({"new": [v], "type": {"type": "array", "items": "int"}})),
            Just(json!({"error": "boom"})),
        ]
    })
}

fn ty() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(json!("int")),
        Just(json!("double")),
        Just(json!("string")),
        Just(json!(["null", "int"])),
        Just(json!({"type": "array", "items": "int"})),
        Just(json!({"type": "map", "values": "double"})),
    ]
}

fn input_for(t: &Json) -> Value {
    match t.as_str() {
        Some("int") => Value::Int(3),
        Some("double") => Value::Double(0.5),
        Some("string") => Value::str("s"),
        _ => Value::Null,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]
    #[test]
    fn loading_and_running_never_panics(
        action in prop::collection::vec(expr(), 1..4),
        fbody in expr(),
        input in ty(),
        output in ty(),
        method in prop_oneof![Just("map"), Just("emit")],
    ) {
        let doc = json!({
            "input": input, "output": output, "method": method,
            "action": action,
            "cells": {"c": {"type": "int", "init": 0}},
            "pools": {"p": {"type": "int"}},
            "fcns": {"f": {"params": [{"a": "int"}], "ret": "int", "do": fbody}},
            "options": {"timeout": 100}
        });
        if let Ok(p) = Program::from_json(&doc, &LoadOptions::default()) {
            let mut e = p.engine().unwrap();
            let _ = e.begin();
            let _ = e.action(input_for(&input));
            let _ = e.end();
        }
    }
}
