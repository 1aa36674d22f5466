//! Writing outputs as JSON text directly, without building a JSON tree per output. It
//! writes exactly what `Program::output_to_json` with `JsonStyle::Avro` gives (checked by
//! the tests below); a value that does not have its type's representation is left to
//! that general encoder.

use pfa_core::types::{NamedKind, Type, TypeTable};
use pfa_core::value::json::branch_name;
use pfa_core::Value;

/// Appends `v` (of type `ty`) as Avro-JSON; `false` (with `out` possibly extended) if the
/// general encoder must do it.
pub fn write(v: &Value, ty: &Type, types: &TypeTable, out: &mut Vec<u8>) -> bool {
    match (ty, v) {
        (Type::Union(bs), v) => {
            if v.is_null() {
                out.extend_from_slice(b"null");
                return true;
            }
            let Some(b) = v.union_branch(bs).and_then(|i| bs.get(i)) else {
                return false;
            };
            out.push(b'{');
            string(&branch_name(b, types), out);
            out.push(b':');
            let ok = write(v, b, types, out);
            out.push(b'}');
            ok
        }
        (Type::Null, Value::Null) => {
            out.extend_from_slice(b"null");
            true
        }
        (Type::Boolean, Value::Boolean(b)) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" });
            true
        }
        (Type::Int, Value::Int(x)) => serde_json::to_writer(out, x).is_ok(),
        (Type::Long, Value::Long(x)) => serde_json::to_writer(out, x).is_ok(),
        (Type::Double, Value::Double(x)) => {
            double(*x, out);
            true
        }
        (Type::Float, Value::Float(x)) => {
            if x.is_finite() {
                // The shortest decimal that reads back as this float, as a double.
                double(x.to_string().parse::<f64>().unwrap_or(f64::from(*x)), out);
            } else {
                double(f64::from(*x), out);
            }
            true
        }
        (Type::String, Value::String(s)) => {
            string(s, out);
            true
        }
        (Type::Bytes, Value::Bytes(b)) | (Type::Fixed(_), Value::Fixed(_, b)) => {
            let s: String = b.iter().map(|&c| char::from(c)).collect();
            string(&s, out);
            true
        }
        (Type::Enum(_), Value::Enum(id, i)) => match types.try_get(*id).map(|d| &d.kind) {
            Some(NamedKind::Enum { symbols }) => match symbols.get(*i as usize) {
                Some(s) => {
                    string(s, out);
                    true
                }
                None => false,
            },
            _ => false,
        },
        (Type::Array(item), Value::Array(xs)) => {
            out.push(b'[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !write(x, item, types, out) {
                    return false;
                }
            }
            out.push(b']');
            true
        }
        (Type::Map(vt), Value::Map(m)) => {
            out.push(b'{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(k, out);
                out.push(b':');
                if !write(x, vt, types, out) {
                    return false;
                }
            }
            out.push(b'}');
            true
        }
        (Type::Record(id), Value::Record(r)) if r.ty == *id => {
            let fields = types.fields(*id);
            if fields.len() != r.fields.len() {
                return false;
            }
            out.push(b'{');
            for (i, (f, x)) in fields.iter().zip(r.fields.iter()).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(&f.name, out);
                out.push(b':');
                if !write(x, &f.ty, types, out) {
                    return false;
                }
            }
            out.push(b'}');
            true
        }
        _ => false,
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    // Serializing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(out, s);
}

fn double(x: f64, out: &mut Vec<u8>) {
    match serde_json::Number::from_f64(x) {
        Some(n) => {
            let _ = serde_json::to_writer(out, &n);
        }
        None if x.is_nan() => out.extend_from_slice(b"\"NaN\""),
        None if x > 0.0 => out.extend_from_slice(b"\"Infinity\""),
        None => out.extend_from_slice(b"\"-Infinity\""),
    }
}

#[cfg(test)]
mod tests {
    use pfa_core::{JsonStyle, LoadOptions, Program};

    /// Each datum written directly equals the general encoder's output.
    #[test]
    fn same_as_the_general_encoder() {
        let ty = r#"{"type": "record", "name": "R", "fields": [
            {"name": "a", "type": "int"}, {"name": "b", "type": "double"},
            {"name": "c", "type": ["null", "string", {"type": "array", "items": "R"}]},
            {"name": "d", "type": {"type": "map", "values": "float"}},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["x", "y"]}},
            {"name": "f", "type": "bytes"}, {"name": "g", "type": "long"},
            {"name": "h", "type": ["boolean", "double"]}]}"#;
        let doc = format!(r#"{{"input": {ty}, "output": "R", "action": "input"}}"#);
        let p = Program::from_str(&doc, &LoadOptions::default()).unwrap();
        for line in [
            r#"{"a": 1, "b": 2, "c": null, "d": {}, "e": "y", "f": "", "g": 0, "h": {"boolean": true}}"#,
            r#"{"a": -5, "b": 1e300, "c": {"string": "q\"\n\u0001é"}, "d": {"k": 0.1, "j": "NaN", "i": "-Infinity"}, "e": "x", "f": "\u00ff\u0000a", "g": -9007199254740993, "h": {"double": "Infinity"}}"#,
            r#"{"a": 1, "b": -0.0, "c": {"array": [{"a": 2, "b": 0.5, "c": null, "d": {"z": 3e38}, "e": "x", "f": "b", "g": 1, "h": {"double": 2.5}}]}, "d": {}, "e": "y", "f": "", "g": 5, "h": {"boolean": false}}"#,
        ] {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let v = p.input_from_json(&json, JsonStyle::Avro).unwrap();
            let mut out = Vec::new();
            assert!(super::write(&v, p.output_type(), p.types(), &mut out));
            let general = p.output_to_json(&v, JsonStyle::Avro).to_string();
            assert_eq!(String::from_utf8(out).unwrap(), general);
        }
    }
}
