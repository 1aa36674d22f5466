//! Property tests of the type system: acceptance is reflexive and transitive, the
//! narrowest supertype accepts every member, and schema JSON round-trips.

use std::collections::HashSet;

use pfa_core::types::accepts::{accepts, narrowest_supertype};
use pfa_core::types::schema::{resolve_all, resolve_one, to_schema_json};
use pfa_core::types::{FcnType, NamedKind, Type, TypeTable};
use proptest::prelude::*;
use serde_json::json;

/// A table with recursive, namespaced and cross-referencing named types.
fn base_table() -> (TypeTable, Vec<Type>) {
    let schemas = [
        json!({"type": "record", "name": "Point", "fields": [
            {"name": "x", "type": "int"},
            {"name": "tree", "type": ["null", "t.Tree"], "default": null},
            {"name": "color", "type": "c.Color"}
        ]}),
        json!({"type": "record", "name": "Tree", "namespace": "t", "doc": "a tree", "fields": [
            {"name": "value", "type": "double", "doc": "payload"},
            {"name": "kids", "type": {"type": "array", "items": "Tree"}}
        ]}),
        json!({"type": "enum", "name": "c.Color", "symbols": ["R", "G", "B"]}),
        json!({"type": "enum", "name": "Other", "symbols": ["X"]}),
        json!({"type": "fixed", "name": "Hash", "namespace": "h", "size": 16}),
    ];
    let refs: Vec<&serde_json::Value> = schemas.iter().collect();
    let mut table = TypeTable::new();
    let named = resolve_all(&refs, &mut table).expect("base schemas are valid");
    (table, named)
}

fn primitive() -> impl Strategy<Value = Type> {
    prop_oneof![
        Just(Type::Null),
        Just(Type::Boolean),
        Just(Type::Int),
        Just(Type::Long),
        Just(Type::Float),
        Just(Type::Double),
        Just(Type::String),
        Just(Type::Bytes),
    ]
}

/// A key that may appear once per Avro union: one per primitive, one array, one map,
/// one per named type, one per distinct function type.
fn union_key(t: &Type) -> String {
    match t {
        Type::Array(_) => "array".into(),
        Type::Map(_) => "map".into(),
        other => format!("{other:?}"),
    }
}

/// A valid Avro union of the given members (nested unions flattened, clashes dropped).
fn make_union(members: Vec<Type>) -> Type {
    let mut out: Vec<Type> = Vec::new();
    let mut keys = HashSet::new();
    for m in members {
        let flat = match m {
            Type::Union(bs) => bs,
            other => vec![other],
        };
        for b in flat {
            if keys.insert(union_key(&b)) {
                out.push(b);
            }
        }
    }
    Type::Union(out)
}

fn types(named: Vec<Type>, with_fcn: bool) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![3 => primitive(), 1 => proptest::sample::select(named)];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        let base = prop_oneof![
            inner.clone().prop_map(Type::array),
            inner.clone().prop_map(Type::map),
            proptest::collection::vec(inner.clone(), 1..4).prop_map(make_union),
        ];
        if with_fcn {
            prop_oneof![
                3 => base,
                1 => (proptest::collection::vec(inner.clone(), 0..3), inner).prop_map(|(params, ret)| {
                    Type::Fcn(FcnType {
                        params,
                        ret: Box::new(ret),
                    })
                }),
            ]
            .boxed()
        } else {
            base.boxed()
        }
    })
    .boxed()
}

/// A supertype of `t`, built by numeric promotion, covariance and adding union branches.
fn widen(t: &Type, choice: &[u8]) -> Type {
    let c = choice.first().copied().unwrap_or(0);
    let rest = choice.get(1..).unwrap_or(&[]);
    match t {
        Type::Int if c % 3 == 1 => Type::Long,
        Type::Int | Type::Long if c % 3 == 2 => Type::Double,
        Type::Array(x) => Type::array(widen(x, rest)),
        Type::Map(x) => Type::map(widen(x, rest)),
        Type::Union(bs) => {
            let mut bs: Vec<Type> = bs.iter().map(|b| widen(b, rest)).collect();
            if c % 2 == 0 {
                bs.push(Type::Null);
            }
            make_union(bs)
        }
        other if c % 4 == 3 => make_union(vec![other.clone(), Type::String]),
        other => other.clone(),
    }
}

/// Structural equality of types living in two different tables.
fn same(
    a: &Type,
    ta: &TypeTable,
    b: &Type,
    tb: &TypeTable,
    seen: &mut HashSet<(u32, u32)>,
) -> bool {
    match (a, b) {
        (Type::Array(x), Type::Array(y)) | (Type::Map(x), Type::Map(y)) => same(x, ta, y, tb, seen),
        (Type::Union(xs), Type::Union(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| same(x, ta, y, tb, seen))
        }
        (Type::Record(x), Type::Record(y))
        | (Type::Enum(x), Type::Enum(y))
        | (Type::Fixed(x), Type::Fixed(y)) => {
            let (dx, dy) = (ta.get(*x), tb.get(*y));
            if dx.full_name() != dy.full_name() || dx.doc != dy.doc {
                return false;
            }
            if !seen.insert((*x, *y)) {
                return true;
            }
            match (&dx.kind, &dy.kind) {
                (NamedKind::Record { fields: fx }, NamedKind::Record { fields: fy }) => {
                    fx.len() == fy.len()
                        && fx.iter().zip(fy).all(|(f, g)| {
                            f.name == g.name
                                && f.default == g.default
                                && f.doc == g.doc
                                && same(&f.ty, ta, &g.ty, tb, seen)
                        })
                }
                (kx, ky) => kx == ky,
            }
        }
        _ => a == b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn accepts_is_reflexive(t in types(base_table().1, true)) {
        let (table, _) = base_table();
        prop_assert!(accepts(&t, &t, &table), "{} does not accept itself", table.show(&t));
    }

    #[test]
    fn accepts_is_transitive(ts in proptest::collection::vec(types(base_table().1, true), 6)) {
        let (table, _) = base_table();
        for a in &ts {
            for b in &ts {
                if !accepts(a, b, &table) {
                    continue;
                }
                for c in &ts {
                    if accepts(b, c, &table) {
                        prop_assert!(
                            accepts(a, c, &table),
                            "{} accepts {} accepts {}, but not transitively",
                            table.show(a), table.show(b), table.show(c)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn widening_chains_are_accepted(t in types(base_table().1, false), c1 in proptest::collection::vec(any::<u8>(), 6), c2 in proptest::collection::vec(any::<u8>(), 6)) {
        let (table, _) = base_table();
        let b = widen(&t, &c1);
        let a = widen(&b, &c2);
        prop_assert!(accepts(&b, &t, &table));
        prop_assert!(accepts(&a, &b, &table));
        prop_assert!(accepts(&a, &t, &table), "{} should accept {}", table.show(&a), table.show(&t));
    }

    #[test]
    fn narrowest_supertype_accepts_members(ts in proptest::collection::vec(types(base_table().1, false), 1..5)) {
        let (table, _) = base_table();
        if let Some(n) = narrowest_supertype(&ts, &table) {
            for t in &ts {
                prop_assert!(accepts(&n, t, &table), "{} does not accept {}", table.show(&n), table.show(t));
            }
        } else {
            // Only different enums or different fixed types cannot be combined.
            let mut flat: Vec<&Type> = Vec::new();
            for t in &ts {
                match t {
                    Type::Union(bs) => flat.extend(bs),
                    other => flat.push(other),
                }
            }
            let enums: HashSet<_> = flat.iter().filter(|t| matches!(t, Type::Enum(_))).collect();
            let fixed: HashSet<_> = flat.iter().filter(|t| matches!(t, Type::Fixed(_))).collect();
            let arrays_or_maps = flat.iter().any(|t| matches!(t, Type::Array(_) | Type::Map(_)));
            prop_assert!(enums.len() > 1 || fixed.len() > 1 || arrays_or_maps);
        }
    }

    #[test]
    fn schema_json_round_trips(t in types(base_table().1, false)) {
        let (table, _) = base_table();
        let json = to_schema_json(&t, &table);
        let mut fresh = TypeTable::new();
        let back = resolve_one(&json, &mut fresh)
            .map_err(|e| TestCaseError::fail(format!("{json}: {e}")))?;
        prop_assert!(same(&t, &table, &back, &fresh, &mut HashSet::new()), "{json}");
        prop_assert_eq!(to_schema_json(&back, &fresh), json);
        // Reading the output again into a table that already has the types is fine too.
        let mut again = table.clone();
        let back2 = resolve_one(&to_schema_json(&t, &table), &mut again)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back2, t);
        prop_assert_eq!(again.len(), table.len());
    }
}
