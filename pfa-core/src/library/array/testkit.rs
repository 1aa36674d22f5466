//! Table-test support for `a.*`: calls a function the way a call site does (signature
//! matching, specialization, promotion) on arguments written as (Avro schema, JSON
//! value) pairs, with function arguments chosen by name from a few canned functions,
//! and compares the result as conformance-style JSON.

use std::cmp::Ordering;

use serde_json::Value as Json;

use crate::error::PfaError;
use crate::library::testing::{promote, resolve_in, Callback, TestHost};
use crate::library::Registry;
use crate::types::schema::resolve_one;
use crate::types::{FcnType, Type, TypeTable};
use crate::value::json::{from_json, to_json, JsonStyle};
use crate::value::{cmp, Value};

/// `int`
pub(crate) const INT: &str = r#""int""#;
/// `double`
pub(crate) const DOUBLE: &str = r#""double""#;
/// `string`
pub(crate) const STRING: &str = r#""string""#;
/// `array<int>`
pub(crate) const ARR_INT: &str = r#"{"type":"array","items":"int"}"#;
/// `array<long>`
pub(crate) const ARR_LONG: &str = r#"{"type":"array","items":"long"}"#;
/// `array<float>`
pub(crate) const ARR_FLOAT: &str = r#"{"type":"array","items":"float"}"#;
/// `array<double>`
pub(crate) const ARR_DOUBLE: &str = r#"{"type":"array","items":"double"}"#;
/// `array<string>`
pub(crate) const ARR_STRING: &str = r#"{"type":"array","items":"string"}"#;
/// `array<array<int>>`
pub(crate) const ARR_ARR_INT: &str = r#"{"type":"array","items":{"type":"array","items":"int"}}"#;
/// `array<union<null, double>>`
pub(crate) const ARR_OPT_DOUBLE: &str = r#"{"type":"array","items":["null","double"]}"#;
/// `union<null, double>`
pub(crate) const OPT_DOUBLE: &str = r#"["null","double"]"#;
/// `array<R>` where `R` is the record `{x: int, y: string}`.
pub(crate) const ARR_REC: &str = r#"{"type":"array","items":{"type":"record","name":"R","fields":[{"name":"x","type":"int"},{"name":"y","type":"string"}]}}"#;

/// `fcn(int) -> boolean`
pub(crate) const F_INT_BOOL: &str = r#"{"params":["int"],"ret":"boolean"}"#;
/// `fcn(int, int) -> boolean`
pub(crate) const F_INT2_BOOL: &str = r#"{"params":["int","int"],"ret":"boolean"}"#;
/// `fcn(int, int, int) -> boolean`
pub(crate) const F_INT3_BOOL: &str = r#"{"params":["int","int","int"],"ret":"boolean"}"#;
/// `fcn(int) -> int`
pub(crate) const F_INT_INT: &str = r#"{"params":["int"],"ret":"int"}"#;
/// `fcn(int, int) -> int`
pub(crate) const F_INT2_INT: &str = r#"{"params":["int","int"],"ret":"int"}"#;
/// `fcn(int, int, int) -> int`
pub(crate) const F_INT3_INT: &str = r#"{"params":["int","int","int"],"ret":"int"}"#;
/// `fcn(int, int, int, int) -> int`
pub(crate) const F_INT4_INT: &str = r#"{"params":["int","int","int","int"],"ret":"int"}"#;
/// `fcn(int, int, int, int, int) -> int`
pub(crate) const F_INT5_INT: &str = r#"{"params":["int","int","int","int","int"],"ret":"int"}"#;

/// A canned function argument.
type Canned = fn(&[Value]) -> Result<Value, PfaError>;

fn int_at(xs: &[Value], i: usize) -> i64 {
    xs.get(i).and_then(Value::as_i64).unwrap_or(0)
}

/// The canned functions, by name.
fn canned(name: &str) -> Canned {
    match name {
        // Structural less-than / greater-than of two values.
        "lt" => |x| Ok(Value::Boolean(order(x) == Ordering::Less)),
        "gt" => |x| Ok(Value::Boolean(order(x) == Ordering::Greater)),
        // Orders ints by absolute value only (many ties).
        "lt_abs" => |x| Ok(Value::Boolean(int_at(x, 0).abs() < int_at(x, 1).abs())),
        // Sum of all int arguments.
        "sum" => |x| {
            Ok(Value::Int(
                (0..x.len()).map(|i| int_at(x, i)).sum::<i64>() as i32
            ))
        },
        // x - y, to see argument order.
        "minus" => |x| Ok(Value::Int((int_at(x, 0) - int_at(x, 1)) as i32)),
        // 10 * x + y, to see the order of accumulation.
        "shift" => |x| Ok(Value::Int((10 * int_at(x, 0) + int_at(x, 1)) as i32)),
        "even" => |x| Ok(Value::Boolean(int_at(x, 0) % 2 == 0)),
        "positive" => |x| Ok(Value::Boolean(int_at(x, 0) > 0)),
        // With an index first: index < item.
        "idx_lt" => |x| Ok(Value::Boolean(int_at(x, 0) < int_at(x, 1))),
        "twice" => |x| Ok(Value::Int((2 * int_at(x, 0)) as i32)),
        // null for odd, the item for even.
        "even_or_null" => |x| {
            let v = int_at(x, x.len() - 1);
            Ok(if v % 2 == 0 {
                Value::Int(v as i32)
            } else {
                Value::Null
            })
        },
        // [x, x] (with an index first: [i, x]).
        "pair" => |x| Ok(Value::array(x.to_vec())),
        "parity" => |x| {
            Ok(Value::str(if int_at(x, 0) % 2 == 0 {
                "even"
            } else {
                "odd"
            }))
        },
        "fail" => |_| Err(PfaError::runtime(-99, "canned failure")),
        other => panic!("no canned function {other}"),
    }
}

fn order(x: &[Value]) -> Ordering {
    match x {
        [a, b] => cmp::compare(a, b, &Type::Null, &TypeTable::new()),
        _ => Ordering::Equal,
    }
}

fn registry() -> &'static Registry {
    static R: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let mut r = Registry::default();
        super::register(&mut r);
        r
    })
}

/// Calls `name` on `args`, each a (schema, JSON value) pair; a schema
/// `{"params": [...], "ret": ...}` declares a function argument whose "value" names a
/// canned function. Gives the result as conformance JSON, or the error.
pub(crate) fn call(name: &str, args: &[(&str, &str)]) -> Result<Json, PfaError> {
    let mut types = TypeTable::new();
    let mut arg_types = Vec::new();
    let mut values = Vec::new();
    let mut fcns: Vec<(usize, Callback<'static>)> = Vec::new();
    for (i, (schema, value)) in args.iter().enumerate() {
        let schema: Json = serde_json::from_str(schema).expect("schema JSON");
        if let Some(params) = schema.get("params") {
            let params = params
                .as_array()
                .expect("params")
                .iter()
                .map(|p| resolve_one(p, &mut types).expect("param schema"))
                .collect();
            let ret = resolve_one(&schema["ret"], &mut types).expect("ret schema");
            arg_types.push(Type::Fcn(FcnType {
                params,
                ret: Box::new(ret),
            }));
            values.push(Value::Null);
            fcns.push((i, Box::new(canned(value))));
        } else {
            let ty = resolve_one(&schema, &mut types).expect("schema");
            let json: Json = serde_json::from_str(value).expect("value JSON");
            let v = from_json(&json, &ty, &types, JsonStyle::Conformance).expect("value fits");
            arg_types.push(ty);
            values.push(v);
        }
    }
    let (matched, native) =
        resolve_in(registry(), name, &arg_types, &types).unwrap_or_else(|e| panic!("{e}"));
    let promoted = promote(values, &arg_types, &matched.params, &types);
    let mut host = TestHost::new(matched.params.clone(), types);
    host.fcns = fcns;
    let out = native(&mut host, &promoted)?;
    Ok(to_json(
        &out,
        &matched.ret,
        &host.types,
        JsonStyle::Conformance,
    ))
}

/// Asserts that `name(args)` gives the JSON `want`, or raises the runtime error with
/// code `want` and the message the function declares for that code.
#[track_caller]
pub(crate) fn check(name: &str, args: &[(&str, &str)], want: Result<&str, i32>) {
    let got = call(name, args);
    match (got, want) {
        (Ok(got), Ok(want)) => {
            let want: Json = serde_json::from_str(want).expect("expected JSON");
            assert!(
                same_json(&got, &want),
                "{name} {args:?}: got {got}, want {want}"
            );
        }
        (Err(PfaError::Runtime(e)), Err(code)) => {
            assert_eq!(e.code, code, "{name} {args:?}: {}", e.message);
            let declared = registry()
                .get(name)
                .and_then(|f| f.errors.iter().find(|(c, _)| *c == code))
                .map(|(_, m)| *m);
            if code > 0 {
                assert_eq!(Some(e.message.as_str()), declared, "{name}: message");
            }
        }
        (got, want) => panic!("{name} {args:?}: got {got:?}, want {want:?}"),
    }
}

/// JSON equality with numbers compared by value (`1` equals `1.0`).
fn same_json(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(xs), Json::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same_json(x, y))
        }
        (Json::Object(xs), Json::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| same_json(x, y)))
        }
        _ => a == b,
    }
}

/// `check` for a successful call.
#[track_caller]
pub(crate) fn ok(name: &str, args: &[(&str, &str)], want: &str) {
    check(name, args, Ok(want));
}

/// `check` for a failing call.
#[track_caller]
pub(crate) fn err(name: &str, args: &[(&str, &str)], code: i32) {
    check(name, args, Err(code));
}
