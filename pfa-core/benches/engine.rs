//! Scoring speed of the VM on small documents: per-action overhead, loop iterations,
//! record access with arithmetic, and (when the library has it) a decision-tree walk.
//! Run with `cargo bench -p pfa-core --bench engine`.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pfa_core::value::Record;
use pfa_core::{LoadOptions, Program, Value};

fn load(doc: &str) -> Program {
    Program::from_str(doc, &LoadOptions::default()).expect("benchmark document loads")
}

fn trivial(c: &mut Criterion) {
    let p = load(r#"{"input": "int", "output": "int", "action": [{"+": ["input", 1]}]}"#);
    let mut e = p.engine().unwrap();
    let mut g = c.benchmark_group("action");
    g.throughput(Throughput::Elements(1));
    g.bench_function("trivial +1", |b| {
        let mut i = 0i32;
        b.iter(|| {
            i = i.wrapping_add(1) & 0xffff;
            black_box(e.action(Value::Int(i)).unwrap())
        })
    });
    g.finish();
}

fn while_loop(c: &mut Criterion) {
    let p = load(
        r#"{"input": "int", "output": "long", "action": [
            {"let": {"i": 1, "s": {"long": 0}}},
            {"while": {"<=": ["i", "input"]}, "do": [
                {"set": {"s": {"+": ["s", "i"]}}},
                {"set": {"i": {"+": ["i", 1]}}}]},
            "s"]}"#,
    );
    let mut e = p.engine().unwrap();
    let mut g = c.benchmark_group("loop");
    // Elements = loop iterations, so the reported rate is per iteration.
    g.throughput(Throughput::Elements(1000));
    g.bench_function("while sum 1..1000", |b| {
        b.iter(|| black_box(e.action(Value::Int(1000)).unwrap()))
    });
    g.finish();
}

fn record_access(c: &mut Criterion) {
    let p = load(
        r#"{"input": {"type": "record", "name": "R", "fields": [
                {"name": "x", "type": "double"}, {"name": "y", "type": "double"},
                {"name": "z", "type": "double"}, {"name": "label", "type": "string"}]},
            "output": "double",
            "action": [{"+": [{"*": ["input.x", "input.y"]}, {"-": ["input.z", 0.5]}]}]}"#,
    );
    let mut e = p.engine().unwrap();
    let ty = p.types().lookup("R").unwrap();
    let rec = Value::Record(Arc::new(Record {
        ty,
        fields: vec![
            Value::Double(1.5),
            Value::Double(2.0),
            Value::Double(3.0),
            Value::str("a"),
        ]
        .into_boxed_slice(),
    }));
    let mut g = c.benchmark_group("action");
    g.throughput(Throughput::Elements(1));
    g.bench_function("record fields x*y + (z-0.5)", |b| {
        b.iter(|| black_box(e.action(rec.clone()).unwrap()))
    });
    g.finish();
}

fn load_time(c: &mut Criterion) {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/iris-rules/model.yaml"
    ))
    .unwrap();
    let mut g = c.benchmark_group("load");
    g.bench_function("iris-rules (yaml)", |b| {
        b.iter(|| black_box(Program::from_str(&doc, &LoadOptions::default()).unwrap()))
    });
    g.finish();
}

/// A complete binary tree of the given depth over fields x0..x10, as JSON.
fn tree_json(depth: u32, next: &mut u64) -> serde_json::Value {
    // A small LCG keeps the tree deterministic without a dependency.
    *next = next
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let field = format!("x{}", (*next >> 33) % 11);
    let value = ((*next >> 20) % 1000) as f64 / 1000.0;
    let child = |d: u32, next: &mut u64| {
        if d == 0 {
            serde_json::json!({"string": format!("leaf{}", *next % 7)})
        } else {
            serde_json::json!({"TreeNode": tree_json(d, next)})
        }
    };
    let pass = child(depth - 1, next);
    let fail = child(depth - 1, next);
    serde_json::json!({"field": field, "operator": "<", "value": value, "pass": pass, "fail": fail})
}

fn tree_walk(c: &mut Criterion) {
    let fields: Vec<serde_json::Value> = (0..11)
        .map(|i| serde_json::json!({"name": format!("x{i}"), "type": "double"}))
        .collect();
    let names: Vec<String> = (0..11).map(|i| format!("x{i}")).collect();
    let mut seed = 7;
    let doc = serde_json::json!({
        "input": {"type": "record", "name": "Datum", "fields": fields},
        "output": "string",
        "cells": {"tree": {
            "type": {"type": "record", "name": "TreeNode", "fields": [
                {"name": "field", "type": {"type": "enum", "name": "Fields", "symbols": names}},
                {"name": "operator", "type": "string"},
                {"name": "value", "type": "double"},
                {"name": "pass", "type": ["string", "TreeNode"]},
                {"name": "fail", "type": ["string", "TreeNode"]}]},
            "init": tree_json(10, &mut seed)}},
        "action": [{"model.tree.simpleWalk": ["input", {"cell": "tree"},
            {"params": [{"d": "Datum"}, {"t": "TreeNode"}], "ret": "boolean",
             "do": {"model.tree.simpleTest": ["d", "t"]}}]}]
    });
    let p = match Program::from_json(&doc, &LoadOptions::default()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("tree walk benchmark skipped: {e}");
            return;
        }
    };
    let mut e = p.engine().unwrap();
    let ty = p.types().lookup("Datum").unwrap();
    let inputs: Vec<Value> = (0..64)
        .map(|k| {
            let fields = (0..11)
                .map(|i| Value::Double(((k * 37 + i * 11) % 100) as f64 / 100.0))
                .collect();
            Value::record(ty, fields)
        })
        .collect();
    let mut g = c.benchmark_group("action");
    g.throughput(Throughput::Elements(1));
    g.bench_function("depth-10 tree walk (model.tree.simpleWalk)", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % inputs.len();
            black_box(e.action(inputs[i].clone()).unwrap())
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    trivial,
    while_loop,
    record_access,
    tree_walk,
    load_time
);
criterion_main!(benches);
