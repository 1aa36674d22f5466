//! Property tests of runtime values: JSON round trips for arbitrary types (named records,
//! enums and fixed included) in both JSON styles, the total order of `compare` and its
//! agreement with `equal` and `hash_value`, and the representation produced by
//! promotions.

use std::{
    cmp::Ordering,
    collections::{hash_map::DefaultHasher, BTreeMap},
    hash::Hasher,
    sync::Arc,
};

use pfa_core::{
    types::{Field, NamedKind, NamedType, Type, TypeTable},
    value::{
        cmp::{compare, equal, hash_value},
        convert::{conforms, converter},
        json::{from_json, to_json, JsonStyle},
    },
    Value,
};
use proptest::{collection::vec, prelude::*, strategy::Union as OneOf};

/// A type shape; named types get their definitions when the shape is built.
#[derive(Clone, Debug)]
enum Shape {
    Prim(u8),
    Fixed(usize),
    Enum(usize),
    Record(Vec<Shape>),
    Array(Box<Shape>),
    Map(Box<Shape>),
    Union(Vec<Shape>),
}

fn shape() -> impl Strategy<Value = Shape> {
    let leaf = prop_oneof![
        4 => (0u8..8).prop_map(Shape::Prim),
        1 => (0usize..4).prop_map(Shape::Fixed),
        1 => (1usize..4).prop_map(Shape::Enum),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Shape::Record),
            inner.clone().prop_map(|s| Shape::Array(Box::new(s))),
            inner.clone().prop_map(|s| Shape::Map(Box::new(s))),
            vec(inner, 1..4).prop_map(Shape::Union),
        ]
    })
}

fn prim(k: u8) -> Type {
    [
        Type::Null,
        Type::Boolean,
        Type::Int,
        Type::Long,
        Type::Float,
        Type::Double,
        Type::String,
        Type::Bytes,
    ][k as usize % 8]
        .clone()
}

fn def(table: &TypeTable, kind: NamedKind) -> NamedType {
    let n = table.len();
    NamedType {
        name: format!("T{n}"),
        // Every other named type has a namespace, so union tags need full names.
        namespace: (n % 2 == 1).then(|| "ns.sub".to_string()),
        doc: None,
        aliases: vec![],
        kind,
    }
}

fn build(s: &Shape, t: &mut TypeTable) -> Type {
    match s {
        Shape::Prim(k) => prim(*k),
        Shape::Fixed(size) => {
            Type::Fixed(t.insert(def(t, NamedKind::Fixed { size: *size })).unwrap())
        }
        Shape::Enum(n) => {
            let symbols = (0..*n).map(|i| format!("S{i}")).collect();
            Type::Enum(t.insert(def(t, NamedKind::Enum { symbols })).unwrap())
        }
        Shape::Record(fs) => {
            // Reserve the name first, as a schema reader does, then fill in the fields.
            let id = t
                .insert(def(t, NamedKind::Record { fields: vec![] }))
                .unwrap();
            let fields = fs
                .iter()
                .enumerate()
                .map(|(i, f)| Field {
                    name: format!("f{i}"),
                    ty: build(f, t),
                    default: None,
                    doc: None,
                })
                .collect();
            t.set_kind(id, NamedKind::Record { fields });
            Type::Record(id)
        }
        Shape::Array(x) => Type::array(build(x, t)),
        Shape::Map(x) => Type::map(build(x, t)),
        Shape::Union(bs) => {
            // Avro unions: no nested unions, no two branches of the same kind.
            let mut out: Vec<Type> = Vec::new();
            for b in bs {
                let ty = build(b, t);
                let clash = out.iter().any(|o| {
                    o == &ty
                        || matches!(
                            (o, &ty),
                            (Type::Array(_), Type::Array(_)) | (Type::Map(_), Type::Map(_))
                        )
                });
                if !matches!(ty, Type::Union(_)) && !clash {
                    out.push(ty);
                }
            }
            if out.len() < 2 {
                out.push(if out.contains(&Type::Null) {
                    Type::String
                } else {
                    Type::Null
                });
            }
            Type::Union(out)
        }
    }
}

fn named_kind(t: &TypeTable, id: u32) -> NamedKind {
    t.get(id).kind.clone()
}

fn double() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(-0.0),
        2 => (-3i32..3).prop_map(f64::from),
    ]
    .boxed()
}

fn float() -> BoxedStrategy<f32> {
    prop_oneof![
        4 => any::<f32>(),
        1 => Just(f32::NAN),
        1 => Just(f32::INFINITY),
        1 => Just(-0.0f32),
        2 => (-3i32..3).prop_map(|x| x as f32),
    ]
    .boxed()
}

/// Values of `ty`, with small domains mixed in so that equal values and ties occur.
fn value_of(ty: &Type, t: &Arc<TypeTable>) -> BoxedStrategy<Value> {
    match ty {
        Type::Null => Just(Value::Null).boxed(),
        Type::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        Type::Int => prop_oneof![any::<i32>(), -2i32..2]
            .prop_map(Value::Int)
            .boxed(),
        Type::Long => prop_oneof![any::<i64>(), -2i64..2]
            .prop_map(Value::Long)
            .boxed(),
        Type::Float => float().prop_map(Value::Float).boxed(),
        Type::Double => double().prop_map(Value::Double).boxed(),
        Type::String => prop_oneof![".{0,6}", "[ab]{0,2}"]
            .prop_map(|s: String| Value::str(&s))
            .boxed(),
        Type::Bytes => vec(prop_oneof![any::<u8>(), 0u8..2], 0..5)
            .prop_map(|b| Value::Bytes(Arc::from(b)))
            .boxed(),
        Type::Fixed(id) => {
            let NamedKind::Fixed { size } = named_kind(t, *id) else {
                unreachable!()
            };
            let id = *id;
            vec(0u8..3, size)
                .prop_map(move |b| Value::Fixed(id, Arc::from(b)))
                .boxed()
        }
        Type::Enum(id) => {
            let NamedKind::Enum { symbols } = named_kind(t, *id) else {
                unreachable!()
            };
            let id = *id;
            (0..symbols.len() as u32)
                .prop_map(move |i| Value::Enum(id, i))
                .boxed()
        }
        Type::Record(id) => {
            let NamedKind::Record { fields } = named_kind(t, *id) else {
                unreachable!()
            };
            let id = *id;
            let parts: Vec<BoxedStrategy<Value>> =
                fields.iter().map(|f| value_of(&f.ty, t)).collect();
            parts.prop_map(move |fs| Value::record(id, fs)).boxed()
        }
        Type::Array(item) => vec(value_of(item, t), 0..4).prop_map(Value::array).boxed(),
        Type::Map(vt) => proptest::collection::btree_map("[a-c]{0,2}", value_of(vt, t), 0..4)
            .prop_map(|m| {
                let m: BTreeMap<Arc<str>, Value> =
                    m.into_iter().map(|(k, v)| (Arc::from(k), v)).collect();
                Value::Map(Arc::new(m))
            })
            .boxed(),
        Type::Union(bs) => OneOf::new(bs.iter().map(|b| value_of(b, t))).boxed(),
        Type::Fcn(_) => unreachable!("no function types are generated"),
    }
}

/// A generated type with its table and a few values of it.
fn typed_values(n: usize) -> impl Strategy<Value = (Type, Arc<TypeTable>, Vec<Value>)> {
    shape().prop_flat_map(move |s| {
        let mut table = TypeTable::new();
        let ty = build(&s, &mut table);
        let table = Arc::new(table);
        let values = vec(value_of(&ty, &table), n);
        (Just(ty), Just(table), values)
    })
}

fn hash(v: &Value) -> u64 {
    let mut h = DefaultHasher::new();
    hash_value(v, &mut h);
    h.finish()
}

/// The type with every number widened to double (union branches only where that keeps
/// the branches distinct), so that the original type promotes to it.
fn widen(ty: &Type) -> Type {
    match ty {
        Type::Int | Type::Long | Type::Float => Type::Double,
        Type::Array(x) => Type::array(widen(x)),
        Type::Map(x) => Type::map(widen(x)),
        Type::Union(bs) => {
            let mut out: Vec<Type> = Vec::new();
            for b in bs {
                let w = widen(b);
                out.push(if bs.contains(&w) || out.contains(&w) {
                    b.clone()
                } else {
                    w
                });
            }
            Type::Union(out)
        }
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn json_round_trip((ty, t, values) in typed_values(3)) {
        for v in &values {
            prop_assert!(conforms(v, &ty, &t), "generator broke the representation");
            for style in [JsonStyle::Avro, JsonStyle::Conformance] {
                let j = to_json(v, &ty, &t, style);
                // Through text too: what is written must read back.
                let text = serde_json::to_string(&j).unwrap();
                let j2: serde_json::Value = serde_json::from_str(&text).unwrap();
                let back = from_json(&j2, &ty, &t, style);
                prop_assert!(back.is_ok(), "{:?} failed to decode: {:?} from {}", style, back, text);
                let back = back.unwrap();
                prop_assert!(equal(v, &back, &ty, &t), "{:?}: {:?} became {:?} via {}", style, v, back, text);
                prop_assert!(conforms(&back, &ty, &t));
            }
        }
    }

    #[test]
    fn compare_is_a_total_order_consistent_with_equal((ty, t, mut values) in typed_values(8)) {
        for a in &values {
            prop_assert_eq!(compare(a, a, &ty, &t), Ordering::Equal);
            prop_assert!(equal(a, a, &ty, &t));
            for b in &values {
                let ab = compare(a, b, &ty, &t);
                prop_assert_eq!(ab, compare(b, a, &ty, &t).reverse());
                prop_assert_eq!(ab == Ordering::Equal, equal(a, b, &ty, &t));
                if ab == Ordering::Equal {
                    prop_assert_eq!(hash(a), hash(b));
                }
            }
        }
        // Transitivity on the sample: after sorting, every earlier value is <= every later.
        values.sort_by(|a, b| compare(a, b, &ty, &t));
        for i in 0..values.len() {
            for j in i + 1..values.len() {
                prop_assert_ne!(compare(&values[i], &values[j], &ty, &t), Ordering::Greater);
            }
        }
    }

    #[test]
    fn promotion_yields_target_representation((ty, t, values) in typed_values(3)) {
        let wide = widen(&ty);
        let conv = converter(&ty, &wide, &t);
        for v in values {
            let out = match &conv {
                Some(c) => c.apply(v.clone()),
                None => v.clone(),
            };
            prop_assert!(conforms(&out, &wide, &t), "{:?} -> {:?} gave {:?}", ty, wide, out);
            // Into a nullable union of the wider type as well.
            let target = match &wide {
                Type::Union(bs) if bs.contains(&Type::Null) => wide.clone(),
                Type::Union(bs) => Type::Union([vec![Type::Null], bs.clone()].concat()),
                other => Type::Union(vec![Type::Null, other.clone()]),
            };
            let out = match converter(&ty, &target, &t) {
                Some(c) => c.apply(v.clone()),
                None => v.clone(),
            };
            prop_assert!(conforms(&out, &target, &t), "{:?} -> {:?} gave {:?}", ty, target, out);
        }
    }
}

#[test]
fn numeric_promotions_have_target_representation() {
    let t = TypeTable::new();
    let cases = [
        (Type::Int, Type::Long, Value::Int(-3)),
        (Type::Int, Type::Float, Value::Int(16_777_217)),
        (Type::Int, Type::Double, Value::Int(i32::MIN)),
        (Type::Long, Type::Float, Value::Long(i64::MAX)),
        (Type::Long, Type::Double, Value::Long(1 << 60)),
        (Type::Float, Type::Double, Value::Float(0.1)),
    ];
    for (from, to, v) in cases {
        let c = converter(&from, &to, &t).expect("a promotion needs work");
        let out = c.apply(v.clone());
        assert!(conforms(&out, &to, &t), "{from:?} -> {to:?}: {out:?}");
        assert_eq!(out.as_f64().map(|x| x as f32), v.as_f64().map(|x| x as f32));
    }
}
