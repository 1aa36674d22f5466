//! Integer arithmetic run through whole engines matches Rust's checked i32/i64
//! arithmetic, with the spec's overflow codes, for arbitrary operands.

use pfa_core::{LoadOptions, PfaError, Program, Value};
use proptest::prelude::*;

fn engine(op: &str, ty: &str) -> pfa_core::Engine {
    let doc = format!(
        r#"{{"input": {{"type": "record", "name": "P", "fields": [{{"name": "a", "type": "{ty}"}}, {{"name": "b", "type": "{ty}"}}]}},
            "output": "{ty}", "action": [{{"{op}": ["input.a", "input.b"]}}]}}"#
    );
    Program::from_str(&doc, &LoadOptions::default())
        .unwrap()
        .engine()
        .unwrap()
}

fn pair(p: &Program, a: Value, b: Value) -> Value {
    let ty = p.types().lookup("P").unwrap();
    Value::record(ty, vec![a, b])
}

fn code(r: Result<Value, PfaError>) -> Result<Value, i32> {
    r.map_err(|e| e.code().unwrap_or(0))
}

proptest! {
    #[test]
    fn int_ops_match_checked_i32(a in any::<i32>(), b in any::<i32>()) {
        for (op, want, ovf) in [
            ("+", a.checked_add(b), 18000),
            ("-", a.checked_sub(b), 18010),
            ("*", a.checked_mul(b), 18020),
        ] {
            let mut e = engine(op, "int");
            let p = e.program();
            let got = code(e.action(pair(&p, Value::Int(a), Value::Int(b))));
            match want {
                Some(w) => prop_assert!(matches!(got, Ok(Value::Int(x)) if x == w), "{a} {op} {b}: {got:?}"),
                None => prop_assert_eq!(got.err(), Some(ovf)),
            }
        }
    }

    #[test]
    fn long_ops_match_checked_i64(a in any::<i64>(), b in any::<i64>()) {
        for (op, want, ovf) in [
            ("+", a.checked_add(b), 18001),
            ("-", a.checked_sub(b), 18011),
            ("*", a.checked_mul(b), 18021),
        ] {
            let mut e = engine(op, "long");
            let p = e.program();
            let got = code(e.action(pair(&p, Value::Long(a), Value::Long(b))));
            match want {
                Some(w) => prop_assert!(matches!(got, Ok(Value::Long(x)) if x == w), "{a} {op} {b}: {got:?}"),
                None => prop_assert_eq!(got.err(), Some(ovf)),
            }
        }
    }

    #[test]
    fn floor_division_and_modulo(a in any::<i32>(), b in any::<i32>()) {
        let mut e = engine("//", "int");
        let p = e.program();
        let got = code(e.action(pair(&p, Value::Int(a), Value::Int(b))));
        if b == 0 {
            prop_assert_eq!(got.err(), Some(18040));
        } else if let Some(q) = a.checked_div_euclid(b) {
            // Floor division: the largest whole number N <= a/b.
            let floor = if (a % b != 0) && ((a < 0) != (b < 0)) { a / b - 1 } else { a / b };
            let _ = q;
            prop_assert!(matches!(got, Ok(Value::Int(x)) if x == floor), "{a} // {b}: {got:?}");
        }
    }

    #[test]
    fn comparisons_match(a in any::<i64>(), b in any::<i64>()) {
        let doc = r#"{"input": {"type": "array", "items": "long"}, "output": {"type": "array", "items": "boolean"},
            "action": [{"new": [{"<": ["input.0", "input.1"]}, {"<=": ["input.0", "input.1"]},
                                 {">": ["input.0", "input.1"]}, {">=": ["input.0", "input.1"]},
                                 {"==": ["input.0", "input.1"]}, {"!=": ["input.0", "input.1"]}],
                        "type": {"type": "array", "items": "boolean"}}]}"#;
        let p = Program::from_str(doc, &LoadOptions::default()).unwrap();
        let mut e = p.engine().unwrap();
        let out = e.action(Value::array(vec![Value::Long(a), Value::Long(b)])).unwrap();
        let got: Vec<bool> = out.as_array().unwrap().iter().map(|v| v.as_bool().unwrap()).collect();
        prop_assert_eq!(got, vec![a < b, a <= b, a > b, a >= b, a == b, a != b]);
    }
}
