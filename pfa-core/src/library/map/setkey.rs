//! Keys of map-sets (spec §18.5): a value's Avro binary encoding at its type, in
//! standard base64 with padding.
//!
//! Avro's binary encoding: null is empty; booleans one byte; int, long, enum indexes,
//! lengths, block counts and union branch indexes are zig-zag varints; float and double
//! little-endian IEEE; strings and bytes a length then the bytes; fixed its bytes;
//! arrays and maps one block (count, items) and a zero count; records their fields in
//! order. Map entries are written in key order, so equal maps give equal keys.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::PfaError;
use crate::types::{Type, TypeTable};
use crate::value::Value;

/// The set key of `v`, a value of type `ty`.
pub(crate) fn set_key(v: &Value, ty: &Type, types: &TypeTable) -> Result<Arc<str>, PfaError> {
    let mut buf = Vec::new();
    encode(v, ty, types, &mut buf)?;
    Ok(Arc::from(STANDARD.encode(&buf)))
}

#[cold]
#[inline(never)]
fn mismatch(ty: &Type, types: &TypeTable) -> PfaError {
    PfaError::runtime(
        0,
        format!(
            "internal error: value does not have the representation of {}",
            types.show(ty)
        ),
    )
}

/// Appends the zig-zag varint of `n`.
fn long(n: i64, out: &mut Vec<u8>) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// Appends a length or count (collections never exceed i64::MAX items).
fn count(n: usize, out: &mut Vec<u8>) {
    long(i64::try_from(n).unwrap_or(i64::MAX), out);
}

/// Appends the binary encoding of `v` at type `ty`.
pub(crate) fn encode(
    v: &Value,
    ty: &Type,
    types: &TypeTable,
    out: &mut Vec<u8>,
) -> Result<(), PfaError> {
    match (ty, v) {
        (Type::Null, Value::Null) => {}
        (Type::Boolean, Value::Boolean(b)) => out.push(u8::from(*b)),
        (Type::Int, Value::Int(n)) => long(i64::from(*n), out),
        (Type::Long, Value::Long(n)) => long(*n, out),
        (Type::Float, Value::Float(x)) => out.extend_from_slice(&x.to_le_bytes()),
        (Type::Double, Value::Double(x)) => out.extend_from_slice(&x.to_le_bytes()),
        (Type::String, Value::String(s)) => {
            count(s.len(), out);
            out.extend_from_slice(s.as_bytes());
        }
        (Type::Bytes, Value::Bytes(b)) => {
            count(b.len(), out);
            out.extend_from_slice(b);
        }
        (Type::Fixed(a), Value::Fixed(b, bytes)) if a == b => out.extend_from_slice(bytes),
        (Type::Enum(a), Value::Enum(b, i)) if a == b => long(i64::from(*i), out),
        (Type::Array(items), Value::Array(xs)) => {
            if !xs.is_empty() {
                count(xs.len(), out);
                for x in xs.iter() {
                    encode(x, items, types, out)?;
                }
            }
            out.push(0);
        }
        (Type::Map(values), Value::Map(m)) => {
            if !m.is_empty() {
                count(m.len(), out);
                for (k, x) in m.iter() {
                    count(k.len(), out);
                    out.extend_from_slice(k.as_bytes());
                    encode(x, values, types, out)?;
                }
            }
            out.push(0);
        }
        (Type::Record(id), Value::Record(r)) if r.ty == *id => {
            let fields = match types.try_get(*id) {
                Some(_) => types.fields(*id),
                None => return Err(mismatch(ty, types)),
            };
            if fields.len() != r.fields.len() {
                return Err(mismatch(ty, types));
            }
            for (f, x) in fields.iter().zip(r.fields.iter()) {
                encode(x, &f.ty, types, out)?;
            }
        }
        (Type::Union(branches), v) => {
            let i = v
                .union_branch(branches)
                .ok_or_else(|| mismatch(ty, types))?;
            count(i, out);
            encode(v, &branches[i], types, out)?;
        }
        _ => return Err(mismatch(ty, types)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Field, NamedKind, NamedType};
    use std::collections::BTreeMap;

    fn key(v: &Value, ty: &Type) -> String {
        set_key(v, ty, &TypeTable::new()).unwrap().to_string()
    }

    #[test]
    fn primitives() {
        // Expected keys as in the conformance suite's map.toset examples.
        for (n, want) in [
            (0, "AA=="),
            (-1, "AQ=="),
            (1, "Ag=="),
            (-2, "Aw=="),
            (-100, "xwE="),
            (100, "yAE="),
        ] {
            assert_eq!(key(&Value::Int(n), &Type::Int), want, "{n}");
        }
        assert_eq!(key(&Value::Null, &Type::Null), "");
        assert_eq!(key(&Value::Boolean(true), &Type::Boolean), "AQ==");
        assert_eq!(key(&Value::Long(i64::MIN), &Type::Long), "////////////AQ==");
        assert_eq!(key(&Value::Double(1.0), &Type::Double), "AAAAAAAA8D8=");
        assert_eq!(key(&Value::Float(1.0), &Type::Float), "AACAPw==");
        assert_eq!(key(&Value::str("o"), &Type::String), "Am8=");
        assert_eq!(
            key(&Value::Bytes(Arc::from(&b"o"[..])), &Type::Bytes),
            "Am8="
        );
    }

    #[test]
    fn containers() {
        let strs = Type::array(Type::String);
        assert_eq!(key(&Value::array(vec![]), &strs), "AA==");
        assert_eq!(key(&Value::array(vec![Value::str("")]), &strs), "AgAA");
        assert_eq!(
            key(
                &Value::array(vec![Value::str("o"), Value::str("hello")]),
                &strs
            ),
            "BAJvCmhlbGxvAA=="
        );
        let mut m = BTreeMap::new();
        m.insert(Arc::from("a"), Value::Int(1));
        assert_eq!(
            key(&Value::Map(Arc::new(m)), &Type::map(Type::Int)),
            "AgJhAgA="
        );
        let u = Type::Union(vec![Type::Null, Type::Double]);
        assert_eq!(key(&Value::Null, &u), "AA==");
        assert_eq!(key(&Value::Double(0.0), &u), "AgAAAAAAAAAA");
    }

    #[test]
    fn named() {
        let mut t = TypeTable::new();
        let named = |name: &str, kind| NamedType {
            name: name.into(),
            namespace: None,
            doc: None,
            aliases: vec![],
            kind,
        };
        let e = t
            .insert(named(
                "E",
                NamedKind::Enum {
                    symbols: vec!["a".into(), "b".into()],
                },
            ))
            .unwrap();
        let f = t.insert(named("F", NamedKind::Fixed { size: 2 })).unwrap();
        let field = |name: &str, ty| Field {
            name: name.into(),
            ty,
            default: None,
            doc: None,
        };
        let r = t
            .insert(named(
                "R",
                NamedKind::Record {
                    fields: vec![field("x", Type::Int), field("y", Type::String)],
                },
            ))
            .unwrap();
        let k = |v: &Value, ty: &Type| set_key(v, ty, &t).unwrap().to_string();
        assert_eq!(k(&Value::Enum(e, 1), &Type::Enum(e)), "Ag==");
        assert_eq!(
            k(&Value::Fixed(f, Arc::from(&b"ab"[..])), &Type::Fixed(f)),
            "YWI="
        );
        let rec = Value::record(r, vec![Value::Int(0), Value::str("o")]);
        assert_eq!(k(&rec, &Type::Record(r)), "AAJv");
        // A value that does not fit its type is an internal error, not a panic.
        assert!(set_key(&Value::Int(1), &Type::Record(r), &t).is_err());
        assert!(set_key(&Value::record(r, vec![]), &Type::Record(r), &t).is_err());
        assert!(set_key(
            &Value::str("x"),
            &Type::Union(vec![Type::Null, Type::Int]),
            &t
        )
        .is_err());
    }
}
