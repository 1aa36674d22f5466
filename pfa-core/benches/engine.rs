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

criterion_group!(benches, trivial, while_loop, record_access, load_time);
criterion_main!(benches);
