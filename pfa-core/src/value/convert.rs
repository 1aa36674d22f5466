//! Promotion of a value from one static type to a wider one (int to double, array<int>
//! to array<double>, a type into a union containing it, ...).
//!
//! Only numbers change representation: `int` to `long`/`float`/`double`, `long` to
//! `float`/`double`, `float` to `double` (spec §4.4), and arrays, maps and unions that
//! contain such numbers. A union value carries its branch in its representation, so
//! putting a value into a union that has its type is free; named types are matched by
//! identity and never converted.

use std::sync::Arc;

use super::Value;
use crate::types::{NamedKind, Type, TypeTable};

/// A precomputed conversion from one type's representation to another's.
#[derive(Clone, Debug, PartialEq)]
pub enum Conv {
    /// `int` to `long`.
    IntToLong,
    /// `int` to `float`.
    IntToFloat,
    /// `int` to `double`.
    IntToDouble,
    /// `long` to `float` (rounds to nearest).
    LongToFloat,
    /// `long` to `double` (rounds to nearest).
    LongToDouble,
    /// `float` to `double` (exact).
    FloatToDouble,
    /// Converts every item of an array.
    Array(Box<Conv>),
    /// Converts every value of a map.
    Map(Box<Conv>),
    /// A value of a union: converts it with the conversion listed for its kind, and
    /// passes values of unlisted kinds through unchanged.
    Branches(Box<[(BranchKind, Conv)]>),
}

/// The kinds of union branch whose values may need a conversion (a union has at most
/// one array and one map branch, so the kind identifies the branch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BranchKind {
    /// An `int` value.
    Int,
    /// A `long` value.
    Long,
    /// A `float` value.
    Float,
    /// An array value.
    Array,
    /// A map value.
    Map,
}

impl BranchKind {
    fn of_type(ty: &Type) -> Option<BranchKind> {
        match ty {
            Type::Int => Some(BranchKind::Int),
            Type::Long => Some(BranchKind::Long),
            Type::Float => Some(BranchKind::Float),
            Type::Array(_) => Some(BranchKind::Array),
            Type::Map(_) => Some(BranchKind::Map),
            _ => None,
        }
    }

    fn matches(self, v: &Value) -> bool {
        matches!(
            (self, v),
            (BranchKind::Int, Value::Int(_))
                | (BranchKind::Long, Value::Long(_))
                | (BranchKind::Float, Value::Float(_))
                | (BranchKind::Array, Value::Array(_))
                | (BranchKind::Map, Value::Map(_))
        )
    }
}

/// The conversion from `from` to `to`, or `None` if values of `from` already have the
/// representation of `to` (no work at run time).
///
/// `to` is expected to accept `from` (spec §4.4); for pairs it does not accept, the
/// result is `None`. A value going into a union takes the union's branch of its own
/// type if there is one, otherwise the narrowest branch that accepts it (an `int` into
/// `["long", "double"]` becomes a `long`).
// The table is part of the interface for named-type rules; today named types match by
// id alone, so it is only passed down.
#[allow(clippy::only_used_in_recursion)]
pub fn converter(from: &Type, to: &Type, types: &TypeTable) -> Option<Conv> {
    if from == to {
        return None;
    }
    match (from, to) {
        (Type::Int, Type::Long) => Some(Conv::IntToLong),
        (Type::Int, Type::Float) => Some(Conv::IntToFloat),
        (Type::Int, Type::Double) => Some(Conv::IntToDouble),
        (Type::Long, Type::Float) => Some(Conv::LongToFloat),
        (Type::Long, Type::Double) => Some(Conv::LongToDouble),
        (Type::Float, Type::Double) => Some(Conv::FloatToDouble),
        (Type::Array(a), Type::Array(b)) => {
            converter(a, b, types).map(|c| Conv::Array(Box::new(c)))
        }
        (Type::Map(a), Type::Map(b)) => converter(a, b, types).map(|c| Conv::Map(Box::new(c))),
        (Type::Union(branches), _) => {
            let arms: Vec<(BranchKind, Conv)> = branches
                .iter()
                .filter_map(|b| {
                    let c = converter(b, to, types)?;
                    Some((BranchKind::of_type(b)?, c))
                })
                .collect();
            if arms.is_empty() {
                None
            } else {
                Some(Conv::Branches(arms.into_boxed_slice()))
            }
        }
        (_, Type::Union(branches)) => {
            let i = target_branch(from, branches)?;
            converter(from, &branches[i], types)
        }
        _ => None,
    }
}

/// The branch of a union that a value of the non-union type `from` goes into: the
/// branch equal to `from`, else the narrowest branch that accepts it.
pub fn target_branch(from: &Type, branches: &[Type]) -> Option<usize> {
    if let Some(i) = branches.iter().position(|b| b == from) {
        return Some(i);
    }
    branches
        .iter()
        .enumerate()
        .filter(|(_, b)| accepts(b, from))
        .min_by_key(|(_, b)| numeric_rank(b))
        .map(|(i, _)| i)
}

/// Width order of the numeric types; other types do not compete with each other (only
/// one branch of their kind can accept a given type).
fn numeric_rank(ty: &Type) -> u8 {
    match ty {
        Type::Int => 0,
        Type::Long => 1,
        Type::Float => 2,
        Type::Double => 3,
        _ => 0,
    }
}

/// Whether `to` accepts `from` for the purpose of choosing conversions (spec §4.4, with
/// named types by identity: within one type table a full name has one id).
fn accepts(to: &Type, from: &Type) -> bool {
    match (to, from) {
        _ if to == from => true,
        (Type::Long, Type::Int)
        | (Type::Float, Type::Int | Type::Long)
        | (Type::Double, Type::Int | Type::Long | Type::Float) => true,
        (Type::Array(a), Type::Array(b)) | (Type::Map(a), Type::Map(b)) => accepts(a, b),
        (_, Type::Union(fs)) => fs.iter().all(|f| accepts(to, f)),
        (Type::Union(ts), _) => ts.iter().any(|t| accepts(t, from)),
        _ => false,
    }
}

impl Conv {
    /// Applies the conversion.
    ///
    /// Values that need no change (a union value in a branch that is not converted, an
    /// array whose items all stay) are returned as they are, without allocating; a
    /// container is copied only if it is shared and something in it changes.
    pub fn apply(&self, v: Value) -> Value {
        match (self, v) {
            (Conv::IntToLong, Value::Int(x)) => Value::Long(i64::from(x)),
            (Conv::IntToFloat, Value::Int(x)) => Value::Float(x as f32),
            (Conv::IntToDouble, Value::Int(x)) => Value::Double(f64::from(x)),
            (Conv::LongToFloat, Value::Long(x)) => Value::Float(x as f32),
            (Conv::LongToDouble, Value::Long(x)) => Value::Double(x as f64),
            (Conv::FloatToDouble, Value::Float(x)) => Value::Double(f64::from(x)),
            (Conv::Array(c), Value::Array(mut xs)) => {
                if let Some(first) = xs.iter().position(|x| c.changes(x)) {
                    let items = Arc::make_mut(&mut xs);
                    for x in &mut items[first..] {
                        let old = std::mem::replace(x, Value::Null);
                        *x = c.apply(old);
                    }
                }
                Value::Array(xs)
            }
            (Conv::Map(c), Value::Map(mut m)) => {
                if let Some(first) = m.values().position(|x| c.changes(x)) {
                    let entries = Arc::make_mut(&mut m);
                    for x in entries.values_mut().skip(first) {
                        let old = std::mem::replace(x, Value::Null);
                        *x = c.apply(old);
                    }
                }
                Value::Map(m)
            }
            (Conv::Branches(arms), v) => match arms.iter().find(|(k, _)| k.matches(&v)) {
                Some((_, c)) => c.apply(v),
                None => v,
            },
            // A value without the source representation is left alone.
            (_, v) => v,
        }
    }

    /// Whether applying this conversion would change `v`.
    pub fn changes(&self, v: &Value) -> bool {
        match (self, v) {
            (Conv::IntToLong | Conv::IntToFloat | Conv::IntToDouble, Value::Int(_))
            | (Conv::LongToFloat | Conv::LongToDouble, Value::Long(_))
            | (Conv::FloatToDouble, Value::Float(_)) => true,
            (Conv::Array(c), Value::Array(xs)) => xs.iter().any(|x| c.changes(x)),
            (Conv::Map(c), Value::Map(m)) => m.values().any(|x| c.changes(x)),
            (Conv::Branches(arms), v) => arms.iter().any(|(k, c)| k.matches(v) && c.changes(v)),
            _ => false,
        }
    }
}

/// Whether `v` has exactly the representation of `ty`: the variant of its type (of one
/// of its branches, for a union), a fixed of the right size, an enum symbol in range, a
/// record with one conforming value per field, recursively.
pub fn conforms(v: &Value, ty: &Type, types: &TypeTable) -> bool {
    match (ty, v) {
        (Type::Null, Value::Null)
        | (Type::Boolean, Value::Boolean(_))
        | (Type::Int, Value::Int(_))
        | (Type::Long, Value::Long(_))
        | (Type::Float, Value::Float(_))
        | (Type::Double, Value::Double(_))
        | (Type::String, Value::String(_))
        | (Type::Bytes, Value::Bytes(_)) => true,
        (Type::Fixed(id), Value::Fixed(vid, b)) => {
            id == vid
                && matches!(types.try_get(*id).map(|d| &d.kind),
                    Some(NamedKind::Fixed { size }) if *size == b.len())
        }
        (Type::Enum(id), Value::Enum(vid, i)) => {
            id == vid
                && matches!(types.try_get(*id).map(|d| &d.kind),
                    Some(NamedKind::Enum { symbols }) if (*i as usize) < symbols.len())
        }
        (Type::Record(id), Value::Record(r)) => {
            r.ty == *id
                && match types.try_get(*id).map(|d| &d.kind) {
                    Some(NamedKind::Record { fields }) => {
                        fields.len() == r.fields.len()
                            && fields
                                .iter()
                                .zip(r.fields.iter())
                                .all(|(f, x)| conforms(x, &f.ty, types))
                    }
                    _ => false,
                }
        }
        (Type::Array(item), Value::Array(xs)) => xs.iter().all(|x| conforms(x, item, types)),
        (Type::Map(vt), Value::Map(m)) => m.values().all(|x| conforms(x, vt, types)),
        (Type::Union(branches), v) => v
            .union_branch(branches)
            .is_some_and(|i| conforms(v, &branches[i], types)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::types::testing::{define, field};

    fn u(ts: Vec<Type>) -> Type {
        Type::Union(ts)
    }

    #[test]
    fn no_work_cases() {
        let t = TypeTable::new();
        assert_eq!(converter(&Type::Int, &Type::Int, &t), None);
        assert_eq!(
            converter(&Type::Int, &u(vec![Type::Null, Type::Int]), &t),
            None
        );
        assert_eq!(
            converter(&Type::Null, &u(vec![Type::Null, Type::Int]), &t),
            None
        );
        assert_eq!(
            converter(&Type::Record(0), &u(vec![Type::Null, Type::Record(0)]), &t),
            None
        );
        assert_eq!(
            converter(&Type::Int, &u(vec![Type::Double, Type::Int]), &t),
            None
        );
        assert_eq!(
            converter(
                &u(vec![Type::Int, Type::Null]),
                &u(vec![Type::Null, Type::Int, Type::String]),
                &t
            ),
            None
        );
        assert_eq!(
            converter(&Type::array(Type::String), &Type::array(Type::String), &t),
            None
        );
    }

    #[test]
    fn promotions() {
        let t = TypeTable::new();
        assert_eq!(
            converter(&Type::Int, &Type::Double, &t),
            Some(Conv::IntToDouble)
        );
        assert_eq!(
            converter(&Type::Long, &Type::Float, &t),
            Some(Conv::LongToFloat)
        );
        // Narrowest accepting branch.
        assert_eq!(
            converter(&Type::Int, &u(vec![Type::Double, Type::Long]), &t),
            Some(Conv::IntToLong)
        );
        assert_eq!(
            converter(&Type::Float, &u(vec![Type::Null, Type::Double]), &t),
            Some(Conv::FloatToDouble)
        );
        let c = converter(&Type::array(Type::Int), &Type::array(Type::Double), &t).unwrap();
        assert_eq!(c, Conv::Array(Box::new(Conv::IntToDouble)));
        let v = c.apply(Value::array(vec![Value::Int(1), Value::Int(2)]));
        assert!(conforms(&v, &Type::array(Type::Double), &t));
        let c = converter(
            &u(vec![Type::Int, Type::Long, Type::String]),
            &u(vec![Type::Double, Type::String]),
            &t,
        )
        .unwrap();
        assert!(matches!(c.apply(Value::Long(3)), Value::Double(x) if x == 3.0));
        assert!(matches!(c.apply(Value::Int(3)), Value::Double(x) if x == 3.0));
        assert!(matches!(c.apply(Value::str("s")), Value::String(_)));
        let c = converter(&u(vec![Type::Int, Type::Long]), &Type::Double, &t).unwrap();
        assert!(matches!(c.apply(Value::Int(2)), Value::Double(_)));
    }

    #[test]
    fn no_copy_when_nothing_changes() {
        let t = TypeTable::new();
        let from = Type::array(u(vec![Type::Int, Type::String]));
        let to = Type::array(u(vec![Type::Double, Type::String]));
        let c = converter(&from, &to, &t).unwrap();
        let xs = Arc::new(vec![Value::str("a"), Value::str("b")]);
        let out = c.apply(Value::Array(xs.clone()));
        assert!(Arc::ptr_eq(out.as_array().unwrap(), &xs));
        // Shared and changed: the original stays untouched.
        let ys = Arc::new(vec![Value::str("a"), Value::Int(1)]);
        let out = c.apply(Value::Array(ys.clone()));
        assert!(matches!(ys[1], Value::Int(1)));
        assert!(matches!(out.as_array().unwrap()[1], Value::Double(_)));
        assert!(conforms(&out, &to, &t));
    }

    #[test]
    fn maps_and_nested() {
        let t = TypeTable::new();
        let from = Type::map(Type::array(Type::Long));
        let to = Type::map(Type::array(Type::Double));
        let c = converter(&from, &to, &t).unwrap();
        let m: BTreeMap<Arc<str>, Value> = [
            (Arc::from("a"), Value::array(vec![])),
            (Arc::from("b"), Value::array(vec![Value::Long(7)])),
        ]
        .into_iter()
        .collect();
        let v = c.apply(Value::Map(Arc::new(m)));
        assert!(conforms(&v, &to, &t));
        assert!(!conforms(&v, &from, &t));
    }

    #[test]
    fn conforms_checks_named_types() {
        let mut t = TypeTable::new();
        let r = define(
            &mut t,
            "R",
            NamedKind::Record {
                fields: vec![field("x", Type::Double)],
            },
        );
        assert!(conforms(
            &Value::record(r, vec![Value::Double(1.0)]),
            &Type::Record(r),
            &t
        ));
        assert!(!conforms(
            &Value::record(r, vec![Value::Int(1)]),
            &Type::Record(r),
            &t
        ));
        assert!(!conforms(&Value::record(r, vec![]), &Type::Record(r), &t));
        assert!(!conforms(
            &Value::Int(1),
            &u(vec![Type::Null, Type::Double]),
            &t
        ));
    }
}
