//! Table tests of `cast.*`.

use serde_json::{json, Value as Json};

use super::*;
use crate::library::string::tests::{call_err, call_ok, call_typed};
use crate::library::testing::{err, ok};
use crate::types::schema::resolve_one;
use crate::types::TypeTable;
use crate::value::cmp::eq_values;
use crate::value::json::from_json;
use crate::value::Value::{Boolean as B, Double as D, Float as F, Int as I, Long as L};

const LMIN: i64 = i64::MIN;
const LMAX: i64 = i64::MAX;

/// Calls one-argument `name` on `datum` of Avro type `schema` (in the suite's JSON
/// conventions), resolving the signature for that type.
fn call_schema(name: &str, schema: Json, datum: Json) -> Result<Value, PfaError> {
    let mut types = TypeTable::new();
    let ty = resolve_one(&schema, &mut types).expect("schema");
    let v = from_json(&datum, &ty, &types, JsonStyle::Conformance).expect("datum");
    call_typed(name, &[ty], &types, &[v])
}

#[track_caller]
fn avro_is(schema: Json, datum: Json, want: &[u8]) {
    match call_schema("cast.avro", schema, datum) {
        Ok(Value::Bytes(b)) => assert_eq!(&*b, want),
        other => panic!("got {other:?}, want {want:?}"),
    }
}

#[track_caller]
fn json_is(schema: Json, datum: Json, want: &str) {
    match call_schema("cast.json", schema, datum) {
        Ok(Value::String(s)) => assert_eq!(&*s, want),
        other => panic!("got {other:?}, want {want:?}"),
    }
}

#[test]
fn signed_wraps_around() {
    ok(signed, &[L(17), I(5)], L(-15));
    ok(signed, &[L(5), I(2)], L(1));
    ok(signed, &[L(-1), I(5)], L(-1));
    ok(signed, &[L(100), I(2)], L(0));
    ok(signed, &[L(127), I(8)], L(127));
    ok(signed, &[L(128), I(8)], L(-128));
    ok(signed, &[L(255), I(8)], L(-1));
    ok(signed, &[L(LMIN), I(64)], L(LMIN));
    ok(signed, &[L(LMAX), I(63)], L(-1));
    ok(signed, &[L(LMAX), I(2)], L(-1));
    for bits in [i32::MIN, -1, 0, 1, 65, i32::MAX] {
        err(
            signed,
            &[L(5), I(bits)],
            (17000, "unrepresentable unsigned number"),
        );
    }
}

#[test]
fn unsigned_wraps_around() {
    ok(unsigned, &[L(-1), I(17)], L(131_071));
    ok(unsigned, &[L(-2), I(5)], L(30));
    ok(unsigned, &[L(100), I(5)], L(4));
    ok(unsigned, &[L(-2), I(1)], L(0));
    ok(unsigned, &[L(-1), I(63)], L(LMAX));
    ok(unsigned, &[L(LMIN), I(63)], L(0));
    for bits in [i32::MIN, -1, 0, 64, i32::MAX] {
        err(
            unsigned,
            &[L(5), I(bits)],
            (17010, "unrepresentable unsigned number"),
        );
    }
}

#[test]
fn to_int() {
    call_ok("cast.int", &[I(-5)], I(-5));
    call_ok("cast.int", &[L(2_147_483_647)], I(i32::MAX));
    call_ok("cast.int", &[L(-2_147_483_648)], I(i32::MIN));
    call_err("cast.int", &[L(2_147_483_648)], 17020);
    call_ok("cast.int", &[F(0.5)], I(1));
    call_ok("cast.int", &[F(-0.5)], I(0));
    call_ok("cast.int", &[F(-0.9)], I(-1));
    call_ok("cast.int", &[F(2_147_483_520.0)], I(2_147_483_520));
    call_err("cast.int", &[F(2_147_483_648.0)], 17020);
    call_err("cast.int", &[F(f32::NAN)], 17020);
    call_err("cast.int", &[F(f32::NEG_INFINITY)], 17020);
    call_ok("cast.int", &[D(2_147_483_647.4)], I(i32::MAX));
    call_err("cast.int", &[D(2_147_483_647.5)], 17020);
    call_ok("cast.int", &[D(-2_147_483_648.5)], I(i32::MIN));
    call_err("cast.int", &[D(-2_147_483_648.6)], 17020);
    call_err("cast.int", &[D(f64::INFINITY)], 17020);
    err(numbers::long_to_int, &[L(LMAX)], (17020, "int overflow"));
}

#[test]
fn to_long() {
    call_ok("cast.long", &[I(i32::MIN)], L(-2_147_483_648));
    call_ok("cast.long", &[L(LMIN)], L(LMIN));
    call_ok("cast.long", &[F(1e-5)], L(0));
    call_ok("cast.long", &[F(-1.5)], L(-1));
    call_err("cast.long", &[F(9.3e18)], 17030);
    call_ok("cast.long", &[D(9.2e18)], L(9_200_000_000_000_000_000));
    call_ok("cast.long", &[D(-9_223_372_036_854_775_808.0)], L(LMIN));
    call_err("cast.long", &[D(9_223_372_036_854_775_808.0)], 17030);
    call_err("cast.long", &[D(f64::NAN)], 17030);
    err(
        numbers::double_to_long,
        &[D(f64::INFINITY)],
        (17030, "long overflow"),
    );
}

#[test]
fn to_float_and_double() {
    call_ok("cast.float", &[I(16_777_217)], F(16_777_216.0));
    call_ok("cast.float", &[L(LMAX)], F(9.223_372e18));
    call_ok("cast.float", &[F(0.1)], F(0.1));
    call_ok("cast.float", &[D(0.1)], F(0.1));
    call_ok("cast.float", &[D(1e39)], F(f32::INFINITY));
    call_ok("cast.float", &[D(-1e-50)], F(-0.0));
    call_ok("cast.float", &[D(f64::NAN)], F(f32::NAN));
    call_ok("cast.double", &[I(-7)], D(-7.0));
    call_ok("cast.double", &[L(LMAX)], D(9.223_372_036_854_776e18));
    call_ok("cast.double", &[F(0.1)], D(0.100_000_001_490_116_12));
    call_ok("cast.double", &[D(-0.0)], D(-0.0));
}

fn strs(xs: &[&str]) -> Value {
    Value::array(xs.iter().map(|x| Value::str(x)).collect())
}

fn bools(xs: &[bool]) -> Value {
    Value::array(xs.iter().map(|b| B(*b)).collect())
}

#[test]
fn fanout_strings() {
    let s = Value::str;
    let d = || strs(&["o", "hello"]);
    call_ok(
        "cast.fanoutBoolean",
        &[s("hello"), d(), B(false)],
        bools(&[false, true]),
    );
    call_ok(
        "cast.fanoutBoolean",
        &[s("hello"), d(), B(true)],
        bools(&[false, true, false]),
    );
    call_ok(
        "cast.fanoutBoolean",
        &[s("x"), d(), B(true)],
        bools(&[false, false, true]),
    );
    call_ok(
        "cast.fanoutBoolean",
        &[s("x"), strs(&[]), B(true)],
        bools(&[true]),
    );
    call_ok(
        "cast.fanoutBoolean",
        &[s("x"), strs(&[]), B(false)],
        bools(&[]),
    );
    call_ok(
        "cast.fanoutInt",
        &[s("o"), d(), B(true)],
        Value::array(vec![I(1), I(0), I(0)]),
    );
    call_ok(
        "cast.fanoutLong",
        &[s("x"), d(), B(true)],
        Value::array(vec![L(0), L(0), L(1)]),
    );
    call_ok(
        "cast.fanoutFloat",
        &[s("hello"), d(), B(false)],
        Value::array(vec![F(0.0), F(1.0)]),
    );
    call_ok(
        "cast.fanoutDouble",
        &[s("o"), d(), B(false)],
        Value::array(vec![D(1.0), D(0.0)]),
    );
    let dup = || strs(&["a", "b", "a"]);
    call_err("cast.fanoutBoolean", &[s("a"), dup(), B(false)], 17060);
    call_err("cast.fanoutInt", &[s("a"), dup(), B(true)], 17070);
    call_err("cast.fanoutLong", &[s("a"), dup(), B(false)], 17080);
    call_err("cast.fanoutFloat", &[s("a"), dup(), B(false)], 17090);
    call_err("cast.fanoutDouble", &[s("a"), dup(), B(false)], 17100);
}

#[test]
fn fanout_ranges() {
    let f = "cast.fanoutBoolean";
    call_ok(
        f,
        &[I(-2), I(-5), I(0), B(false)],
        bools(&[false, false, false, true, false]),
    );
    call_ok(
        f,
        &[I(0), I(-5), I(0), B(true)],
        bools(&[false, false, false, false, false, true]),
    );
    call_ok(f, &[I(-5), I(-5), I(-4), B(true)], bools(&[true, false]));
    call_ok(f, &[I(1), I(17), I(0), B(false)], bools(&[]));
    call_ok(f, &[I(1), I(17), I(0), B(true)], bools(&[true]));
    call_ok(f, &[I(1), I(1), I(1), B(true)], bools(&[true]));
    call_ok(
        "cast.fanoutInt",
        &[I(3), I(2), I(5), B(true)],
        Value::array(vec![I(0), I(1), I(0), I(0)]),
    );
    call_ok(
        "cast.fanoutDouble",
        &[I(9), I(2), I(4), B(false)],
        Value::array(vec![D(0.0), D(0.0)]),
    );
    // A range too large to allocate is an engine limit, not a crash.
    call_err(f, &[I(0), I(i32::MIN), I(i32::MAX), B(false)], 0);
}

#[test]
fn fanout_enums() {
    let schema = json!({"type": "enum", "name": "E", "symbols": ["one", "two", "three"]});
    let got = call_schema("cast.fanoutBoolean", schema.clone(), json!("two")).unwrap();
    assert!(eq_values(&got, &bools(&[false, true, false])));
    let got = call_schema("cast.fanoutLong", schema.clone(), json!("three")).unwrap();
    assert!(eq_values(&got, &Value::array(vec![L(0), L(0), L(1)])));
    let got = call_schema("cast.fanoutFloat", schema, json!("one")).unwrap();
    assert!(eq_values(&got, &Value::array(vec![F(1.0), F(0.0), F(0.0)])));
}

#[test]
fn avro_encoding() {
    avro_is(json!("int"), json!(5), &[0x0a]);
    avro_is(json!("int"), json!(-100), &[0xc7, 0x01]);
    avro_is(
        json!("long"),
        json!(LMIN),
        &[0xff; 9].iter().copied().chain([0x01]).collect::<Vec<_>>(),
    );
    avro_is(json!("null"), json!(null), &[]);
    avro_is(json!("boolean"), json!(true), &[1]);
    avro_is(json!("float"), json!(1.0), &[0, 0, 0x80, 0x3f]);
    avro_is(
        json!("double"),
        json!("nan"),
        &[0, 0, 0, 0, 0, 0, 0xf8, 0x7f],
    );
    avro_is(json!("string"), json!("−"), &[6, 0xe2, 0x88, 0x92]);
    avro_is(json!("bytes"), json!("AAE="), &[4, 0, 1]);
    avro_is(
        json!({"type": "fixed", "name": "F", "size": 2}),
        json!("AAE="),
        &[0, 1],
    );
    avro_is(
        json!({"type": "enum", "name": "E", "symbols": ["a", "b"]}),
        json!("b"),
        &[2],
    );
    avro_is(json!({"type": "array", "items": "string"}), json!([]), &[0]);
    avro_is(
        json!({"type": "array", "items": "string"}),
        json!(["o", "hello"]),
        b"\x04\x02o\x0ahello\x00",
    );
    avro_is(
        json!({"type": "map", "values": "int"}),
        json!({"b": 2, "a": 1}),
        b"\x04\x02a\x02\x02b\x04\x00",
    );
    avro_is(
        json!({"type": "record", "name": "R", "fields": [
            {"name": "x", "type": "int"}, {"name": "y", "type": "string"}]}),
        json!({"x": -100, "y": "hello"}),
        b"\xc7\x01\x0ahello",
    );
    avro_is(json!(["null", "double"]), json!(null), &[0]);
    avro_is(
        json!(["null", "double"]),
        json!({"double": 1.0}),
        &[2, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
    );
}

#[test]
fn json_encoding() {
    json_is(json!("int"), json!(-100), "-100");
    json_is(json!("double"), json!(0.5), "0.5");
    json_is(json!("double"), json!("-inf"), "\"-Infinity\"");
    json_is(json!("float"), json!(0.1), "0.1");
    json_is(json!("string"), json!("a\"−"), "\"a\\\"−\"");
    json_is(json!("bytes"), json!("AP8="), "\"\\u0000ÿ\"");
    json_is(
        json!({"type": "array", "items": "string"}),
        json!(["o", "hello"]),
        "[\"o\",\"hello\"]",
    );
    json_is(
        json!({"type": "record", "name": "R", "fields": [
            {"name": "y", "type": "string"}, {"name": "x", "type": ["null", "int"]}]}),
        json!({"y": "hello", "x": {"int": 3}}),
        "{\"y\":\"hello\",\"x\":{\"int\":3}}",
    );
    json_is(json!(["null", "double"]), json!(null), "null");
    json_is(
        json!({"type": "map", "values": {"type": "enum", "name": "E", "symbols": ["a"]}}),
        json!({"k": "a"}),
        "{\"k\":\"a\"}",
    );
}
