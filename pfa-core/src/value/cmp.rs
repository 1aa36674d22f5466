//! Type-directed comparison and equality of values (spec §8.2).
//!
//! The spec defers to Avro's sort order (§4.1, §8.2): null equals null, booleans
//! `false < true`, numbers numerically, strings by Unicode code point, bytes and fixed
//! lexicographically by unsigned byte, enums by symbol order, arrays lexicographically
//! item by item, records field by field in declaration order, and unions first by the
//! position of the value's branch in the union, then by value.
//!
//! Where Avro is silent or partial, this module decides:
//! - NaN: Avro only says "numerically". Sorting needs a total order, so NaN equals NaN
//!   and is greater than every other number (as Avro's Java implementation orders
//!   doubles). Unlike Java, `-0.0` and `0.0` are equal, because they are numerically
//!   equal.
//! - Maps: Avro declares maps incomparable. Here they compare as their key-ordered
//!   sequences of (key, value) entries, lexicographically, so that every PFA type has a
//!   total order and `cmp` never fails at run time.
//! - Record field `order` ("descending", "ignore") is not kept by the type table, so
//!   every field sorts ascending.
//!
//! Equality is exactly `compare(..) == Equal`, and [`hash_value`] agrees with it.
//! Because a value of a union carries its branch in its representation (distinct
//! variants, named types by id), equality needs no type.

use std::{
    cmp::Ordering,
    hash::{Hash, Hasher},
};

use super::Value;
use crate::types::{NamedKind, Type, TypeTable};

/// Total order of two values of type `ty`, as `cmp`, `<`, `max`, sorting use it.
///
/// Values that do not have `ty`'s representation are still ordered (totally, by an
/// untyped structural order) rather than causing a panic.
pub fn compare(a: &Value, b: &Value, ty: &Type, types: &TypeTable) -> Ordering {
    cmp_at(a, b, Some(ty), types)
}

/// Equality of two values of type `ty`, as `==` uses it.
///
/// Consistent with [`compare`]: `equal(a, b, ..)` iff `compare(a, b, ..) == Equal`.
pub fn equal(a: &Value, b: &Value, ty: &Type, types: &TypeTable) -> bool {
    let _ = (ty, types);
    eq_values(a, b)
}

/// Structural equality of two values, independent of their static type (the
/// representation already distinguishes union branches). Same as [`equal`].
pub fn eq_values(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Boolean(x), Value::Boolean(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Long(x), Value::Long(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::Double(x), Value::Double(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::Fixed(i, x), Value::Fixed(j, y)) => i == j && x == y,
        (Value::Enum(i, x), Value::Enum(j, y)) => i == j && x == y,
        (Value::Array(x), Value::Array(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| eq_values(p, q)))
        }
        (Value::Map(x), Value::Map(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.len() == y.len()
                    && x.iter()
                        .zip(y.iter())
                        .all(|((k1, v1), (k2, v2))| k1 == k2 && eq_values(v1, v2)))
        }
        (Value::Record(x), Value::Record(y)) => {
            std::sync::Arc::ptr_eq(x, y)
                || (x.ty == y.ty
                    && x.fields.len() == y.fields.len()
                    && x.fields
                        .iter()
                        .zip(y.fields.iter())
                        .all(|(p, q)| eq_values(p, q)))
        }
        _ => false,
    }
}

/// Feeds a value to a hasher, consistently with [`equal`]: equal values hash equally
/// (all NaNs alike, `-0.0` like `0.0`). Useful for hash sets of values.
pub fn hash_value(v: &Value, h: &mut impl Hasher) {
    h.write_u8(rank(v));
    match v {
        Value::Null => {}
        Value::Boolean(x) => x.hash(h),
        Value::Int(x) => x.hash(h),
        Value::Long(x) => x.hash(h),
        Value::Float(x) => {
            // Normalise the values that compare equal but differ in bits.
            let bits = if x.is_nan() {
                f32::NAN.to_bits()
            } else if *x == 0.0 {
                0
            } else {
                x.to_bits()
            };
            h.write_u32(bits);
        }
        Value::Double(x) => {
            let bits = if x.is_nan() {
                f64::NAN.to_bits()
            } else if *x == 0.0 {
                0
            } else {
                x.to_bits()
            };
            h.write_u64(bits);
        }
        Value::String(s) => s.hash(h),
        Value::Bytes(b) => b.hash(h),
        Value::Fixed(id, b) => {
            id.hash(h);
            b.hash(h);
        }
        Value::Enum(id, i) => {
            id.hash(h);
            i.hash(h);
        }
        Value::Array(xs) => {
            h.write_usize(xs.len());
            for x in xs.iter() {
                hash_value(x, h);
            }
        }
        Value::Map(m) => {
            h.write_usize(m.len());
            for (k, x) in m.iter() {
                k.hash(h);
                hash_value(x, h);
            }
        }
        Value::Record(r) => {
            r.ty.hash(h);
            for x in r.fields.iter() {
                hash_value(x, h);
            }
        }
    }
}

/// Orders variants among themselves when values of different kinds meet outside a
/// union (only for values that break the representation invariant).
fn rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Boolean(_) => 1,
        Value::Int(_) => 2,
        Value::Long(_) => 3,
        Value::Float(_) => 4,
        Value::Double(_) => 5,
        Value::String(_) => 6,
        Value::Bytes(_) => 7,
        Value::Fixed(..) => 8,
        Value::Enum(..) => 9,
        Value::Array(_) => 10,
        Value::Map(_) => 11,
        Value::Record(_) => 12,
    }
}

/// Total order on doubles: numeric, `-0.0 == 0.0`, NaN equal to itself and above all.
pub fn cmp_f64(x: f64, y: f64) -> Ordering {
    match x.partial_cmp(&y) {
        Some(o) => o,
        None => x.is_nan().cmp(&y.is_nan()),
    }
}

/// Total order on floats, like [`cmp_f64`].
pub fn cmp_f32(x: f32, y: f32) -> Ordering {
    match x.partial_cmp(&y) {
        Some(o) => o,
        None => x.is_nan().cmp(&y.is_nan()),
    }
}

/// Compares at a static type, or structurally (`None`) where the type is unknown. Only
/// unions need the type (branch order); record field types come from the record's id.
fn cmp_at(a: &Value, b: &Value, ty: Option<&Type>, types: &TypeTable) -> Ordering {
    if let Some(Type::Union(branches)) = ty {
        return match (a.union_branch(branches), b.union_branch(branches)) {
            (Some(i), Some(j)) => i
                .cmp(&j)
                .then_with(|| cmp_at(a, b, Some(&branches[i]), types)),
            _ => cmp_at(a, b, None, types),
        };
    }
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Boolean(x), Value::Boolean(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Long(x), Value::Long(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => cmp_f32(*x, *y),
        (Value::Double(x), Value::Double(y)) => cmp_f64(*x, *y),
        // UTF-8 byte order is Unicode code point order.
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        (Value::Fixed(i, x), Value::Fixed(j, y)) => x.cmp(y).then(i.cmp(j)),
        (Value::Enum(i, x), Value::Enum(j, y)) => x.cmp(y).then(i.cmp(j)),
        (Value::Array(x), Value::Array(y)) => {
            let item = match ty {
                Some(Type::Array(t)) => Some(&**t),
                _ => None,
            };
            for (p, q) in x.iter().zip(y.iter()) {
                let o = cmp_at(p, q, item, types);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Map(x), Value::Map(y)) => {
            let value = match ty {
                Some(Type::Map(t)) => Some(&**t),
                _ => None,
            };
            for ((k1, v1), (k2, v2)) in x.iter().zip(y.iter()) {
                let o = k1
                    .as_bytes()
                    .cmp(k2.as_bytes())
                    .then_with(|| cmp_at(v1, v2, value, types));
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Record(x), Value::Record(y)) => {
            if x.ty != y.ty {
                return x.ty.cmp(&y.ty);
            }
            let fields = match types.try_get(x.ty).map(|d| &d.kind) {
                Some(NamedKind::Record { fields }) => fields.as_slice(),
                _ => &[],
            };
            for (k, (p, q)) in x.fields.iter().zip(y.fields.iter()).enumerate() {
                let o = cmp_at(p, q, fields.get(k).map(|f| &f.ty), types);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.fields.len().cmp(&y.fields.len())
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use std::{collections::BTreeMap, sync::Arc};

    use super::*;
    use crate::types::testing::{define, field};

    fn c(a: &Value, b: &Value, ty: &Type) -> Ordering {
        compare(a, b, ty, &TypeTable::new())
    }

    #[test]
    fn numbers() {
        assert_eq!(
            c(&Value::Int(1), &Value::Int(2), &Type::Int),
            Ordering::Less
        );
        assert_eq!(
            c(&Value::Long(5), &Value::Long(-5), &Type::Long),
            Ordering::Greater
        );
        let d = |x| Value::Double(x);
        assert_eq!(c(&d(-0.0), &d(0.0), &Type::Double), Ordering::Equal);
        assert_eq!(
            c(&d(f64::NAN), &d(f64::INFINITY), &Type::Double),
            Ordering::Greater
        );
        assert_eq!(
            c(&d(f64::NAN), &d(-f64::NAN), &Type::Double),
            Ordering::Equal
        );
        assert_eq!(
            c(&d(f64::NEG_INFINITY), &d(-1e300), &Type::Double),
            Ordering::Less
        );
        assert!(equal(
            &d(f64::NAN),
            &d(f64::NAN),
            &Type::Double,
            &TypeTable::new()
        ));
        let f = |x| Value::Float(x);
        assert_eq!(c(&f(1.5), &f(f32::NAN), &Type::Float), Ordering::Less);
    }

    #[test]
    fn strings_by_code_point() {
        let s = Value::str;
        assert_eq!(c(&s("abc"), &s("abd"), &Type::String), Ordering::Less);
        assert_eq!(c(&s("ab"), &s("abc"), &Type::String), Ordering::Less);
        // U+FF61 above U+1F600 in UTF-16 code units, but below by code point.
        assert_eq!(
            c(&s("\u{ff61}"), &s("\u{1f600}"), &Type::String),
            Ordering::Less
        );
        assert_eq!(c(&s("Z"), &s("a"), &Type::String), Ordering::Less);
    }

    #[test]
    fn bytes_booleans_null() {
        let b = |x: &[u8]| Value::Bytes(Arc::from(x));
        assert_eq!(c(&b(&[1, 255]), &b(&[2]), &Type::Bytes), Ordering::Less);
        assert_eq!(
            c(&b(&[200]), &b(&[100, 0]), &Type::Bytes),
            Ordering::Greater
        );
        assert_eq!(
            c(
                &Value::Boolean(false),
                &Value::Boolean(true),
                &Type::Boolean
            ),
            Ordering::Less
        );
        assert_eq!(c(&Value::Null, &Value::Null, &Type::Null), Ordering::Equal);
    }

    #[test]
    fn arrays_and_maps() {
        let ty = Type::array(Type::Int);
        let a = |xs: &[i32]| Value::array(xs.iter().map(|&x| Value::Int(x)).collect());
        assert_eq!(c(&a(&[1, 2]), &a(&[1, 3]), &ty), Ordering::Less);
        assert_eq!(c(&a(&[1, 2]), &a(&[1, 2, 0]), &ty), Ordering::Less);
        assert_eq!(c(&a(&[2]), &a(&[1, 9]), &ty), Ordering::Greater);
        let m = |xs: &[(&str, i32)]| {
            Value::Map(Arc::new(
                xs.iter()
                    .map(|(k, v)| (Arc::from(*k), Value::Int(*v)))
                    .collect::<BTreeMap<_, _>>(),
            ))
        };
        let ty = Type::map(Type::Int);
        assert_eq!(c(&m(&[("a", 1)]), &m(&[("a", 2)]), &ty), Ordering::Less);
        assert_eq!(c(&m(&[("b", 1)]), &m(&[("a", 2)]), &ty), Ordering::Greater);
        assert_eq!(
            c(&m(&[("a", 1)]), &m(&[("a", 1), ("b", 0)]), &ty),
            Ordering::Less
        );
        assert!(equal(
            &m(&[("a", 1)]),
            &m(&[("a", 1)]),
            &ty,
            &TypeTable::new()
        ));
    }

    #[test]
    fn unions_by_branch_then_value() {
        let ty = Type::Union(vec![Type::String, Type::Int, Type::Null]);
        assert_eq!(c(&Value::str("z"), &Value::Int(0), &ty), Ordering::Less);
        assert_eq!(c(&Value::Null, &Value::Int(0), &ty), Ordering::Greater);
        assert_eq!(c(&Value::Int(3), &Value::Int(2), &ty), Ordering::Greater);
        let ty = Type::Union(vec![Type::Double, Type::Int]);
        assert_eq!(
            c(&Value::Double(100.0), &Value::Int(0), &ty),
            Ordering::Less
        );
        assert!(!equal(
            &Value::Double(1.0),
            &Value::Int(1),
            &ty,
            &TypeTable::new()
        ));
    }

    #[test]
    fn enums_and_records() {
        let mut t = TypeTable::new();
        let e = define(
            &mut t,
            "E",
            NamedKind::Enum {
                symbols: vec!["z".into(), "a".into()],
            },
        );
        let r = define(
            &mut t,
            "R",
            NamedKind::Record {
                fields: vec![
                    field("x", Type::Union(vec![Type::Null, Type::Int])),
                    field("y", Type::Enum(e)),
                ],
            },
        );
        // Symbol order, not alphabetical.
        assert_eq!(
            compare(&Value::Enum(e, 0), &Value::Enum(e, 1), &Type::Enum(e), &t),
            Ordering::Less
        );
        let rec = |x: Value, y: u32| Value::record(r, vec![x, Value::Enum(e, y)]);
        let ty = Type::Record(r);
        assert_eq!(
            compare(&rec(Value::Null, 1), &rec(Value::Int(-5), 0), &ty, &t),
            Ordering::Less
        );
        assert_eq!(
            compare(&rec(Value::Int(1), 1), &rec(Value::Int(1), 0), &ty, &t),
            Ordering::Greater
        );
        assert!(equal(
            &rec(Value::Int(1), 1),
            &rec(Value::Int(1), 1),
            &ty,
            &t
        ));
    }

    #[test]
    fn mismatched_values_do_not_panic() {
        let t = TypeTable::new();
        let o = compare(&Value::Int(1), &Value::str("x"), &Type::Int, &t);
        assert_eq!(
            o,
            compare(&Value::str("x"), &Value::Int(1), &Type::Int, &t).reverse()
        );
        let _ = compare(
            &Value::record(7, vec![]),
            &Value::record(7, vec![]),
            &Type::Record(7),
            &t,
        );
    }

    #[test]
    fn hash_agrees_with_equal() {
        use std::collections::hash_map::DefaultHasher;
        let h = |v: &Value| {
            let mut s = DefaultHasher::new();
            hash_value(v, &mut s);
            s.finish()
        };
        assert_eq!(h(&Value::Double(0.0)), h(&Value::Double(-0.0)));
        assert_eq!(h(&Value::Double(f64::NAN)), h(&Value::Double(-f64::NAN)));
        assert_ne!(h(&Value::Int(1)), h(&Value::Long(1)));
    }
}
