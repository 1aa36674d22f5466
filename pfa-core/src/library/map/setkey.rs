//! Keys of map-sets (spec §18.5): a value's Avro binary encoding at its type (the one
//! `cast.avro` produces, see [`crate::value::avro_binary`]), in standard base64 with
//! padding.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::PfaError;
use crate::types::{Type, TypeTable};
use crate::value::avro_binary::encode;
use crate::value::Value;

/// The set key of `v`, a value of type `ty`.
pub(crate) fn set_key(v: &Value, ty: &Type, types: &TypeTable) -> Result<Arc<str>, PfaError> {
    let mut buf = Vec::new();
    encode(v, ty, types, &mut buf)?;
    Ok(Arc::from(STANDARD.encode(&buf)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing::{define, field};
    use crate::types::NamedKind;
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
        let e = define(
            &mut t,
            "E",
            NamedKind::Enum {
                symbols: vec!["a".into(), "b".into()],
            },
        );
        let f = define(&mut t, "F", NamedKind::Fixed { size: 2 });
        let r = define(
            &mut t,
            "R",
            NamedKind::Record {
                fields: vec![field("x", Type::Int), field("y", Type::String)],
            },
        );
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
