//! Type acceptance with promotion (spec §4.4) and narrowest supertype (spec §4.5).
//!
//! Named types are compared by identity: within one [`TypeTable`] a full name denotes
//! exactly one definition, so "same fully-qualified name" (as the spec words it for
//! fixed, enum and record) is "same [`TypeId`](super::TypeId)".

use super::{Type, TypeTable};

/// Whether a value of type `b` may be used where `a` is expected ("`a` accepts `b`").
///
/// Spec §4.4: `int` promotes to `long`, `float` and `double`, `long` to `float` and
/// `double`, `float` to `double`; arrays and maps are covariant; a union accepts any
/// type one of its branches accepts, and a union whose every branch it accepts; a
/// non-union type accepts a union only if it accepts every branch (e.g. `double`
/// accepts `["int", "long"]`); named types accept only themselves; function types are
/// contravariant in their parameters and covariant in their return type.
// The table is part of the signature so that callers need not change if named types
// ever compare by structure (e.g. Avro aliases); today identity suffices.
#[allow(clippy::only_used_in_recursion)]
pub fn accepts(a: &Type, b: &Type, table: &TypeTable) -> bool {
    match (a, b) {
        (Type::Union(xs), Type::Union(ys)) => {
            ys.iter().all(|y| xs.iter().any(|x| accepts(x, y, table)))
        }
        (Type::Union(xs), _) => xs.iter().any(|x| accepts(x, b, table)),
        (_, Type::Union(ys)) => ys.iter().all(|y| accepts(a, y, table)),
        (Type::Null, Type::Null)
        | (Type::Boolean, Type::Boolean)
        | (Type::Int, Type::Int)
        | (Type::Long, Type::Int | Type::Long)
        | (Type::Float, Type::Int | Type::Long | Type::Float)
        | (Type::Double, Type::Int | Type::Long | Type::Float | Type::Double)
        | (Type::String, Type::String)
        | (Type::Bytes, Type::Bytes) => true,
        (Type::Fixed(x), Type::Fixed(y))
        | (Type::Enum(x), Type::Enum(y))
        | (Type::Record(x), Type::Record(y)) => x == y,
        (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => accepts(x, y, table),
        (Type::Fcn(f), Type::Fcn(g)) => {
            f.params.len() == g.params.len()
                && f.params
                    .iter()
                    .zip(&g.params)
                    .all(|(fp, gp)| accepts(gp, fp, table))
                && accepts(&f.ret, &g.ret, table)
        }
        _ => false,
    }
}

/// Rank of a numeric type in the promotion order `int < long < float < double`.
fn numeric_rank(t: &Type) -> Option<u8> {
    match t {
        Type::Int => Some(0),
        Type::Long => Some(1),
        Type::Float => Some(2),
        Type::Double => Some(3),
        _ => None,
    }
}

/// One slot of the result of [`narrowest_supertype`], in order of first appearance.
enum Slot<'a> {
    /// A type that only combines with itself (null, boolean, string, bytes, named types).
    Same(&'a Type),
    /// The widest numeric type seen so far.
    Numeric(Type),
    /// Item types of all arrays.
    Arrays(Vec<Type>),
    /// Value types of all maps.
    Maps(Vec<Type>),
}

/// The narrowest type that accepts every one of `types` (spec §4.5), or `None` if the
/// list is empty or the types cannot be combined.
///
/// Unions are flattened; numeric types combine to the widest of them; arrays combine to
/// an array of the narrowest supertype of their items, maps likewise; records, `null`,
/// `boolean`, `string` and `bytes` keep one branch each; anything left over becomes a
/// union. Two different fixed types, two different enum types, or a function type with
/// anything but itself are a type error (`None`).
///
/// Spec §4.5 rule 14 reads as excluding every collection "containing fixed and enum"
/// from unions, but its rationale is about combining *different* fixed or enum types;
/// like the reference implementations we allow e.g. an enum with `null`.
pub fn narrowest_supertype(types: &[Type], table: &TypeTable) -> Option<Type> {
    if types.is_empty() {
        return None;
    }
    // A type that already accepts all the others is the narrowest supertype; returning
    // it as written keeps e.g. a declared union's branch order.
    if let Some(t) = types
        .iter()
        .find(|t| types.iter().all(|u| accepts(t, u, table)))
    {
        return Some(t.clone());
    }
    let mut members: Vec<&Type> = Vec::new();
    for t in types {
        match t {
            Type::Union(bs) => members.extend(bs.iter()),
            _ => members.push(t),
        }
    }
    if members.iter().any(|t| matches!(t, Type::Fcn(_))) {
        let first = members[0];
        return members.iter().all(|t| *t == first).then(|| first.clone());
    }
    let mut slots: Vec<Slot<'_>> = Vec::new();
    let mut fixed = None;
    let mut enumeration = None;
    for t in members {
        match t {
            Type::Fixed(id) if *fixed.get_or_insert(*id) != *id => return None,
            Type::Enum(id) if *enumeration.get_or_insert(*id) != *id => return None,
            _ => {}
        }
        if let Some(rank) = numeric_rank(t) {
            match slots.iter_mut().find_map(|s| match s {
                Slot::Numeric(n) => Some(n),
                _ => None,
            }) {
                Some(n) => {
                    if numeric_rank(n).is_some_and(|r| rank > r) {
                        *n = t.clone();
                    }
                }
                None => slots.push(Slot::Numeric(t.clone())),
            }
            continue;
        }
        match t {
            Type::Array(items) => match slots.iter_mut().find_map(|s| match s {
                Slot::Arrays(v) => Some(v),
                _ => None,
            }) {
                Some(v) => v.push((**items).clone()),
                None => slots.push(Slot::Arrays(vec![(**items).clone()])),
            },
            Type::Map(values) => match slots.iter_mut().find_map(|s| match s {
                Slot::Maps(v) => Some(v),
                _ => None,
            }) {
                Some(v) => v.push((**values).clone()),
                None => slots.push(Slot::Maps(vec![(**values).clone()])),
            },
            _ => {
                if !slots.iter().any(|s| matches!(s, Slot::Same(x) if *x == t)) {
                    slots.push(Slot::Same(t));
                }
            }
        }
    }
    let mut out = Vec::with_capacity(slots.len());
    for s in slots {
        out.push(match s {
            Slot::Same(t) => t.clone(),
            Slot::Numeric(t) => t,
            Slot::Arrays(items) => Type::array(narrowest_supertype(&items, table)?),
            Slot::Maps(values) => Type::map(narrowest_supertype(&values, table)?),
        });
    }
    Some(if out.len() == 1 {
        out.swap_remove(0)
    } else {
        Type::Union(out)
    })
}

/// The union of `types`: unions among them are flattened and repeated types dropped;
/// a single remaining type is returned as itself.
///
/// Unlike [`narrowest_supertype`] this does not merge types (`int` and `double` stay two
/// branches), so it is the right tool to write down a union pattern's branches. An empty
/// input gives the empty union, which no value has.
pub fn union_of(types: Vec<Type>) -> Type {
    fn push(t: Type, out: &mut Vec<Type>) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    let mut out: Vec<Type> = Vec::with_capacity(types.len());
    for t in types {
        match t {
            Type::Union(bs) => {
                for b in bs {
                    push(b, &mut out);
                }
            }
            t => push(t, &mut out),
        }
    }
    if out.len() == 1 {
        out.swap_remove(0)
    } else {
        Type::Union(out)
    }
}

/// The branches of a union, or the type itself as a one-element slice.
pub fn branches(t: &Type) -> &[Type] {
    match t {
        Type::Union(bs) => bs,
        _ => std::slice::from_ref(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::testing::define;
    use crate::types::{FcnType, NamedKind};

    fn table() -> (TypeTable, Type, Type, Type, Type) {
        let mut t = TypeTable::new();
        let mut add = |name: &str, kind: NamedKind| define(&mut t, name, kind);
        let r1 = add("R1", NamedKind::Record { fields: vec![] });
        let r2 = add("R2", NamedKind::Record { fields: vec![] });
        let e1 = add(
            "E1",
            NamedKind::Enum {
                symbols: vec!["A".into()],
            },
        );
        let e2 = add(
            "E2",
            NamedKind::Enum {
                symbols: vec!["A".into()],
            },
        );
        (
            t,
            Type::Record(r1),
            Type::Record(r2),
            Type::Enum(e1),
            Type::Enum(e2),
        )
    }

    fn u(ts: &[Type]) -> Type {
        Type::Union(ts.to_vec())
    }

    #[test]
    fn numeric_promotion() {
        let t = TypeTable::new();
        use Type::*;
        assert!(accepts(&Double, &Int, &t));
        assert!(accepts(&Double, &Float, &t));
        assert!(accepts(&Float, &Long, &t));
        assert!(accepts(&Long, &Int, &t));
        assert!(!accepts(&Int, &Long, &t));
        assert!(!accepts(&Float, &Double, &t));
        assert!(!accepts(&Double, &String, &t));
        assert!(accepts(&Double, &u(&[Int, Long]), &t));
        assert!(!accepts(&Long, &u(&[Int, Float]), &t));
        assert!(accepts(&Int, &u(&[Int]), &t));
    }

    #[test]
    fn containers_and_unions() {
        let t = TypeTable::new();
        use Type::*;
        assert!(accepts(&Type::array(Double), &Type::array(Int), &t));
        assert!(!accepts(&Type::array(Int), &Type::array(Double), &t));
        assert!(accepts(&Type::map(Long), &Type::map(Int), &t));
        assert!(!accepts(&Type::map(Long), &Type::array(Int), &t));
        let sbn = u(&[String, Bytes, Null]);
        assert!(accepts(&sbn, &u(&[String, Bytes]), &t));
        assert!(accepts(&sbn, &String, &t));
        assert!(!accepts(&u(&[String, Bytes]), &sbn, &t));
        assert!(!accepts(&String, &sbn, &t));
        assert!(accepts(&u(&[Double, Null]), &u(&[Int, Null]), &t));
    }

    #[test]
    fn named_and_functions() {
        let (t, r1, r2, e1, _) = table();
        assert!(accepts(&r1, &r1, &t));
        assert!(!accepts(&r1, &r2, &t));
        assert!(!accepts(&e1, &Type::String, &t));
        let f = |p: Type, r: Type| {
            Type::Fcn(FcnType {
                params: vec![p],
                ret: Box::new(r),
            })
        };
        // A function taking double can stand in for one taking int, not the reverse.
        assert!(accepts(
            &f(Type::Int, Type::Double),
            &f(Type::Double, Type::Int),
            &t
        ));
        assert!(!accepts(
            &f(Type::Double, Type::Double),
            &f(Type::Int, Type::Double),
            &t
        ));
        assert!(!accepts(
            &f(Type::Int, Type::Int),
            &f(Type::Int, Type::Double),
            &t
        ));
    }

    #[test]
    fn narrowest() {
        let (t, r1, r2, e1, e2) = table();
        use Type::*;
        let n = |ts: &[Type]| narrowest_supertype(ts, &t);
        assert_eq!(n(&[]), None);
        assert_eq!(n(&[Null, Null]), Some(Null));
        assert_eq!(n(&[Int, Int]), Some(Int));
        assert_eq!(n(&[Int, Long]), Some(Long));
        assert_eq!(n(&[Int, Float, Long]), Some(Float));
        assert_eq!(n(&[Int, Double]), Some(Double));
        assert_eq!(n(&[Int, String]), Some(u(&[Int, String])));
        assert_eq!(n(&[u(&[Int, String]), Double]), Some(u(&[Double, String])));
        assert_eq!(
            n(&[u(&[Null, Int]), u(&[Int, String])]),
            Some(u(&[Null, Int, String]))
        );
        assert_eq!(
            n(&[Type::array(Int), Type::array(Double)]),
            Some(Type::array(Double))
        );
        assert_eq!(
            n(&[Type::array(Int), Type::array(String), Null]),
            Some(u(&[Type::array(u(&[Int, String])), Null]))
        );
        assert_eq!(n(&[Type::map(Int), Type::map(Long)]), Some(Type::map(Long)));
        assert_eq!(n(&[r1.clone(), r1.clone()]), Some(r1.clone()));
        assert_eq!(
            n(&[r1.clone(), r2.clone()]),
            Some(u(&[r1.clone(), r2.clone()]))
        );
        assert_eq!(n(&[e1.clone(), e1.clone()]), Some(e1.clone()));
        assert_eq!(n(&[e1.clone(), e2.clone()]), None);
        assert_eq!(n(&[e1.clone(), Null]), Some(u(&[e1.clone(), Null])));
        assert_eq!(n(&[u(&[Int, Double])]), Some(u(&[Int, Double])));
        assert_eq!(n(&[u(&[Null, Double]), Double]), Some(u(&[Null, Double])));
    }

    #[test]
    fn unions_of() {
        use Type::*;
        assert_eq!(union_of(vec![Int]), Int);
        assert_eq!(
            union_of(vec![u(&[Int, Null]), Null, Double]),
            u(&[Int, Null, Double])
        );
        assert_eq!(branches(&Int), &[Int]);
        assert_eq!(branches(&u(&[Int, Null])), &[Int, Null]);
    }
}
