//! Table tests of `map.*`, calling the natives directly through a host whose function
//! arguments are Rust closures.

use super::*;
use crate::library::testing::{resolve_in, TestHost};
use crate::types::TypeTable;
use crate::value::Value::{Boolean as B, Int as I, Null};

type FnHost = TestHost<'static>;

fn host(args: Vec<Type>) -> FnHost {
    TestHost::new(args, TypeTable::new())
}

fn with_fcn(h: FnHost, i: usize, f: impl FnMut(&[Value]) -> Ret + 'static) -> FnHost {
    h.with_fcn(i, f)
}

/// A map of ints.
fn m(entries: &[(&str, i32)]) -> Value {
    Value::Map(Arc::new(
        entries
            .iter()
            .map(|(k, v)| (Arc::from(*k), I(*v)))
            .collect(),
    ))
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn strs(xs: &[&str]) -> Value {
    Value::array(xs.iter().map(|x| s(x)).collect())
}

fn ints(xs: &[i32]) -> Value {
    Value::array(xs.iter().map(|x| I(*x)).collect())
}

fn mi() -> Type {
    Type::map(Type::Int)
}

/// Structural equality of results.
fn same(a: &Value, b: &Value) -> bool {
    cmp::eq_values(a, b)
}

#[track_caller]
fn check(h: &mut FnHost, f: NativeFn, args: &[Value], want: Value) {
    match f(h, args) {
        Ok(got) => assert!(same(&got, &want), "{args:?}: got {got:?}, want {want:?}"),
        Err(e) => panic!("{args:?}: got error {e}, want {want:?}"),
    }
}

#[track_caller]
fn check_err(h: &mut FnHost, f: NativeFn, args: &[Value], want: ErrCode) {
    match f(h, args) {
        Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), want, "{args:?}"),
        other => panic!("{args:?}: got {other:?}, want error {want:?}"),
    }
}

/// Runs a native whose arguments are a map of ints and then `rest` (typed as given).
#[track_caller]
fn on_ints(f: NativeFn, args: &[Value], rest: &[Type], want: Value) {
    let mut types = vec![mi()];
    types.extend_from_slice(rest);
    check(&mut host(types), f, args, want);
}

#[test]
fn access() {
    use access::*;
    let abc = m(&[("b", 2), ("a", 1), ("c", 3)]);
    on_ints(len, &[m(&[])], &[], I(0));
    on_ints(len, std::slice::from_ref(&abc), &[], I(3));
    on_ints(
        keys,
        std::slice::from_ref(&abc),
        &[],
        strs(&["a", "b", "c"]),
    );
    on_ints(keys, &[m(&[])], &[], strs(&[]));
    on_ints(values, &[abc], &[], ints(&[1, 2, 3]));
}

#[test]
fn search() {
    use search::*;
    let ab = m(&[("a", 1), ("b", 2)]);
    on_ints(
        contains_key,
        &[ab.clone(), s("a")],
        &[Type::String],
        B(true),
    );
    on_ints(
        contains_key,
        &[ab.clone(), s("z")],
        &[Type::String],
        B(false),
    );
    on_ints(contains_value, &[ab.clone(), I(2)], &[Type::Int], B(true));
    on_ints(contains_value, &[ab.clone(), I(3)], &[Type::Int], B(false));

    let mut h = with_fcn(host(vec![mi()]), 1, |a| Ok(B(a[0].as_str() == Some("b"))));
    check(&mut h, contains_key_fcn, &[ab.clone(), Null], B(true));
    let mut h = with_fcn(host(vec![mi()]), 1, |a| {
        Ok(B(matches!(a[0], I(x) if x > 5)))
    });
    check(&mut h, contains_value_fcn, &[ab.clone(), Null], B(false));
    // Stops at the first hit.
    let mut h = with_fcn(host(vec![mi()]), 1, |_| Ok(B(true)));
    check(&mut h, contains_value_fcn, &[ab, Null], B(true));
    assert_eq!(h.calls, 1);
}

#[test]
fn manipulation() {
    use manip::*;
    let ab = m(&[("a", 1), ("b", 2)]);
    let st = [Type::String];
    on_ints(
        add,
        &[ab.clone(), s("c"), I(3)],
        &[Type::String, Type::Int],
        m(&[("a", 1), ("b", 2), ("c", 3)]),
    );
    on_ints(
        add,
        &[ab.clone(), s("a"), I(9)],
        &[Type::String, Type::Int],
        m(&[("a", 9), ("b", 2)]),
    );
    on_ints(add_item, &[m(&[]), I(1)], &[Type::Int], m(&[("Ag==", 1)]));
    on_ints(remove, &[ab.clone(), s("a")], &st, m(&[("b", 2)]));
    on_ints(remove, &[ab.clone(), s("z")], &st, ab.clone());
    let sa = [Type::array(Type::String)];
    on_ints(only, &[ab.clone(), strs(&["b", "z"])], &sa, m(&[("b", 2)]));
    on_ints(only, &[ab.clone(), strs(&[])], &sa, m(&[]));
    on_ints(
        except,
        &[ab.clone(), strs(&["b", "z", "b"])],
        &sa,
        m(&[("a", 1)]),
    );
    on_ints(except, &[ab.clone(), strs(&["z"])], &sa, ab.clone());
    on_ints(
        update,
        &[ab.clone(), m(&[("b", 5), ("c", 6)])],
        &[mi()],
        m(&[("a", 1), ("b", 5), ("c", 6)]),
    );
    on_ints(update, &[ab.clone(), m(&[])], &[mi()], ab.clone());
    on_ints(
        split,
        std::slice::from_ref(&ab),
        &[],
        Value::array(vec![m(&[("a", 1)]), m(&[("b", 2)])]),
    );
    on_ints(split, &[m(&[])], &[], Value::array(vec![]));
    let maps = Value::array(vec![ab.clone(), m(&[("b", 7)]), m(&[("c", 8)])]);
    check(
        &mut host(vec![Type::array(mi())]),
        join,
        &[maps],
        m(&[("a", 1), ("b", 7), ("c", 8)]),
    );
    check(
        &mut host(vec![Type::array(mi())]),
        join,
        &[Value::array(vec![])],
        m(&[]),
    );
}

#[test]
fn removing_nothing_shares_the_map() {
    let ab = m(&[("a", 1)]);
    let out = manip::remove(&mut host(vec![mi(), Type::String]), &[ab.clone(), s("z")]).unwrap();
    assert!(Arc::ptr_eq(ab.as_map().unwrap(), out.as_map().unwrap()));
}

#[test]
fn extremes() {
    use extreme::*;
    // Ties go to the first key in key order, for max and min alike.
    let tied = m(&[("d", 5), ("b", 5), ("c", 1), ("a", 1), ("e", 3)]);
    on_ints(argmax, std::slice::from_ref(&tied), &[], s("b"));
    on_ints(argmin, std::slice::from_ref(&tied), &[], s("a"));
    let it = [Type::Int];
    on_ints(argmax_n, &[tied.clone(), I(3)], &it, strs(&["b", "d", "e"]));
    on_ints(argmin_n, &[tied.clone(), I(3)], &it, strs(&["a", "c", "e"]));
    on_ints(argmax_n, &[tied.clone(), I(0)], &it, strs(&[]));
    on_ints(
        argmax_n,
        &[tied.clone(), I(99)],
        &it,
        strs(&["b", "d", "e", "a", "c"]),
    );

    let lt = |a: &[Value]| match (&a[0], &a[1]) {
        (I(x), I(y)) => Ok(B(x < y)),
        _ => Err(PfaError::runtime(0, "bad")),
    };
    let mut h = with_fcn(host(vec![mi()]), 1, lt);
    check(&mut h, argmax_lt, &[tied.clone(), Null], s("b"));
    check(&mut h, argmin_lt, &[tied.clone(), Null], s("a"));
    let mut h = with_fcn(host(vec![mi(), Type::Int]), 2, lt);
    check(
        &mut h,
        argmax_nlt,
        &[tied.clone(), I(3), Null],
        strs(&["b", "d", "e"]),
    );
    check(
        &mut h,
        argmin_nlt,
        &[tied.clone(), I(4), Null],
        strs(&["a", "c", "e", "b"]),
    );
    check(
        &mut h,
        argmin_nlt,
        &[tied.clone(), I(9), Null],
        strs(&["a", "c", "e", "b", "d"]),
    );
}

#[test]
fn extreme_errors() {
    use extreme::*;
    let e = m(&[]);
    let one = m(&[("a", 1)]);
    let lt = |_: &[Value]| Ok(B(false));
    on_err(argmax, std::slice::from_ref(&e), (26120, "empty map"));
    on_err(argmin, std::slice::from_ref(&e), (26130, "empty map"));
    let mut h = with_fcn(host(vec![mi()]), 1, lt);
    check_err(&mut h, argmax_lt, &[e.clone(), Null], (26140, "empty map"));
    check_err(&mut h, argmin_lt, &[e.clone(), Null], (26150, "empty map"));
    // Emptiness is checked before n.
    on_err(argmax_n, &[e.clone(), I(-1)], (26160, "empty map"));
    on_err(argmax_n, &[one.clone(), I(-1)], (26161, "n < 0"));
    on_err(argmin_n, &[e.clone(), I(1)], (26170, "empty map"));
    on_err(argmin_n, &[one.clone(), I(-1)], (26171, "n < 0"));
    let mut h = with_fcn(host(vec![mi(), Type::Int]), 2, lt);
    check_err(
        &mut h,
        argmax_nlt,
        &[e.clone(), I(-1), Null],
        (26180, "empty map"),
    );
    check_err(
        &mut h,
        argmax_nlt,
        &[one.clone(), I(-1), Null],
        (26181, "n < 0"),
    );
    check_err(&mut h, argmin_nlt, &[e, I(2), Null], (26190, "empty map"));
    check_err(&mut h, argmin_nlt, &[one, I(-5), Null], (26191, "n < 0"));
}

#[track_caller]
fn on_err(f: NativeFn, args: &[Value], want: ErrCode) {
    check_err(&mut host(vec![mi(), Type::Int]), f, args, want);
}

#[test]
fn merge_sort_is_stable_and_total() {
    let items: Vec<(u32, i32)> = (0..37).map(|i| (i, (i as i32 * 7) % 5)).collect();
    let sorted = extreme::merge_sort(items.clone(), &mut |x, y| Ok(x.1 < y.1)).unwrap();
    let mut want = items.clone();
    want.sort_by_key(|x| x.1);
    assert_eq!(sorted, want);
    // An inconsistent "order" gives some permutation, never a panic.
    let mut flip = false;
    let out = extreme::merge_sort(items.clone(), &mut |_, _| {
        flip = !flip;
        Ok(flip)
    })
    .unwrap();
    assert_eq!(out.len(), items.len());
    // Errors stop the sort.
    let e = extreme::merge_sort(items, &mut |_, _| Err(PfaError::runtime(7, "stop")));
    assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 7));
}

#[test]
fn sets() {
    use sets::*;
    let ai = Type::array(Type::Int);
    check(
        &mut host(vec![ai.clone()]),
        toset,
        &[ints(&[1, -1, 1])],
        m(&[("AQ==", -1), ("Ag==", 1)]),
    );
    check(&mut host(vec![ai]), toset, &[ints(&[])], m(&[]));
    let set = m(&[("AQ==", -1), ("Ag==", 1)]);
    on_ints(fromset, std::slice::from_ref(&set), &[], ints(&[-1, 1]));
    on_ints(contains, &[set.clone(), I(-1)], &[Type::Int], B(true));
    on_ints(contains, &[set.clone(), I(2)], &[Type::Int], B(false));

    let x = m(&[("a", 1), ("b", 2)]);
    let y = m(&[("b", 20), ("c", 30)]);
    let two = [mi()];
    on_ints(
        union,
        &[x.clone(), y.clone()],
        &two,
        m(&[("a", 1), ("b", 20), ("c", 30)]),
    );
    on_ints(union, &[x.clone(), m(&[])], &two, x.clone());
    on_ints(intersection, &[x.clone(), y.clone()], &two, m(&[("b", 2)]));
    on_ints(diff, &[x.clone(), y.clone()], &two, m(&[("a", 1)]));
    on_ints(
        symdiff,
        &[x.clone(), y.clone()],
        &two,
        m(&[("a", 1), ("c", 30)]),
    );
    on_ints(subset, &[x.clone(), y.clone()], &two, B(false));
    on_ints(subset, &[m(&[("b", 0)]), x.clone()], &two, B(true));
    on_ints(subset, &[m(&[]), m(&[])], &two, B(true));
    on_ints(disjoint, &[x.clone(), y.clone()], &two, B(false));
    on_ints(disjoint, &[x, m(&[("c", 0)])], &two, B(true));
}

#[test]
fn functional() {
    use functional::*;
    let abc = m(&[("c", 3), ("a", 1), ("b", 2)]);
    let double = |a: &[Value]| match a.last() {
        Some(I(x)) => Ok(I(x * 2)),
        _ => Err(PfaError::runtime(0, "bad")),
    };
    let mut h = with_fcn(host(vec![mi()]), 1, double);
    check(
        &mut h,
        map,
        &[abc.clone(), Null],
        m(&[("a", 2), ("b", 4), ("c", 6)]),
    );
    assert_eq!(h.calls, 3);
    let mut h = with_fcn(host(vec![mi()]), 1, |a| {
        Ok(Value::str(&format!(
            "{}{:?}",
            a[0].as_str().unwrap_or("?"),
            a[1]
        )))
    });
    let got = map_with_key(&mut h, &[m(&[("k", 1)]), Null]).unwrap();
    assert_eq!(
        got.as_map().unwrap().get("k").and_then(|v| v.as_str()),
        Some("kInt(1)")
    );

    let odd = |a: &[Value]| Ok(B(matches!(a.last(), Some(I(x)) if x % 2 == 1)));
    let mut h = with_fcn(host(vec![mi()]), 1, odd);
    check(
        &mut h,
        filter,
        &[abc.clone(), Null],
        m(&[("a", 1), ("c", 3)]),
    );
    let mut h = with_fcn(host(vec![mi()]), 1, |a| Ok(B(a[0].as_str() != Some("a"))));
    check(
        &mut h,
        filter_with_key,
        &[abc.clone(), Null],
        m(&[("b", 2), ("c", 3)]),
    );

    let half = |a: &[Value]| match a.last() {
        Some(I(x)) if x % 2 == 0 => Ok(I(x / 2)),
        _ => Ok(Null),
    };
    let mut h = with_fcn(host(vec![mi()]), 1, half);
    check(&mut h, filter_map, &[abc.clone(), Null], m(&[("b", 1)]));
    check(
        &mut h,
        filter_map_with_key,
        &[abc.clone(), Null],
        m(&[("b", 1)]),
    );

    // Results overlay in key order: "c" is called last and wins the shared key.
    let spread = |a: &[Value]| match a.last() {
        Some(I(x)) => Ok(m(&[("same", *x), (&format!("k{x}"), *x)])),
        _ => Err(PfaError::runtime(0, "bad")),
    };
    let mut h = with_fcn(host(vec![mi()]), 1, spread);
    let want = m(&[("same", 3), ("k1", 1), ("k2", 2), ("k3", 3)]);
    check(&mut h, flat_map, &[abc.clone(), Null], want.clone());
    check(&mut h, flat_map_with_key, &[abc.clone(), Null], want);

    // Errors from the function argument propagate.
    let mut h = with_fcn(host(vec![mi()]), 1, |_| Err(PfaError::runtime(5, "boom")));
    check_err(&mut h, map, &[abc, Null], (5, "boom"));
}

#[test]
fn zipmaps() {
    use functional::*;
    let x = m(&[("a", 1), ("b", 2)]);
    let y = m(&[("b", 20), ("a", 10)]);
    let z = m(&[("a", 100), ("b", 200)]);
    let sum = |a: &[Value]| Ok(I(a.iter().map(|v| if let I(x) = v { *x } else { 0 }).sum()));
    let mut h = with_fcn(host(vec![mi(), mi()]), 2, sum);
    check(
        &mut h,
        zipmap,
        &[x.clone(), y.clone(), Null],
        m(&[("a", 11), ("b", 22)]),
    );
    let mut h = with_fcn(host(vec![mi(), mi(), mi()]), 3, sum);
    check(
        &mut h,
        zipmap,
        &[x.clone(), y.clone(), z.clone(), Null],
        m(&[("a", 111), ("b", 222)]),
    );
    let mut h = with_fcn(host(vec![mi(), mi(), mi(), mi()]), 4, sum);
    check(
        &mut h,
        zipmap,
        &[x.clone(), y.clone(), z.clone(), x.clone(), Null],
        m(&[("a", 112), ("b", 224)]),
    );
    // With the key first.
    let keyed = |a: &[Value]| {
        Ok(I(
            a[0].as_str().map_or(0, |k| k.len() as i32) + if let I(x) = a[1] { x } else { 0 }
        ))
    };
    let mut h = with_fcn(host(vec![mi(), mi()]), 2, keyed);
    check(
        &mut h,
        zipmap_with_key,
        &[x.clone(), y.clone(), Null],
        m(&[("a", 2), ("b", 3)]),
    );
    let mut h = with_fcn(host(vec![mi(), mi(), mi()]), 3, keyed);
    check(
        &mut h,
        zipmap_with_key,
        &[x.clone(), y.clone(), z.clone(), Null],
        m(&[("a", 2), ("b", 3)]),
    );

    // Misaligned: different key sets, or a missing key.
    let mut h = with_fcn(host(vec![mi(), mi()]), 2, sum);
    check_err(
        &mut h,
        zipmap,
        &[x.clone(), m(&[("a", 1)]), Null],
        ZIPMAP_MISALIGNED,
    );
    check_err(
        &mut h,
        zipmap,
        &[x.clone(), m(&[("a", 1), ("c", 2)]), Null],
        ZIPMAP_MISALIGNED,
    );
    check_err(
        &mut h,
        zipmap_with_key,
        &[x.clone(), m(&[]), Null],
        ZIPMAP_WITH_KEY_MISALIGNED,
    );
    let mut h = with_fcn(host(vec![mi(), mi(), mi(), mi()]), 4, sum);
    check_err(
        &mut h,
        zipmap,
        &[x.clone(), y.clone(), z.clone(), m(&[]), Null],
        (26370, "misaligned maps"),
    );
    check_err(
        &mut h,
        zipmap_with_key,
        &[x, y, z, m(&[("q", 1)]), Null],
        (26380, "misaligned maps"),
    );
    assert_eq!(h.calls, 0);
    check(
        &mut h,
        zipmap,
        &[m(&[]), m(&[]), m(&[]), m(&[]), Null],
        m(&[]),
    );
}

#[test]
fn corresponds() {
    use tests_of::*;
    let x = m(&[("a", 1), ("b", 2)]);
    let y = m(&[("a", 2), ("b", 4)]);
    let twice = |a: &[Value]| match (&a[a.len() - 2], &a[a.len() - 1]) {
        (I(p), I(q)) => Ok(B(2 * p == *q)),
        _ => Err(PfaError::runtime(0, "bad")),
    };
    let mut h = with_fcn(host(vec![mi(), mi()]), 2, twice);
    check(&mut h, corresponds, &[x.clone(), y.clone(), Null], B(true));
    check(&mut h, corresponds, &[y.clone(), x.clone(), Null], B(false));
    check(
        &mut h,
        corresponds,
        &[x.clone(), m(&[("a", 2)]), Null],
        B(false),
    );
    check(&mut h, corresponds, &[m(&[]), m(&[]), Null], B(true));
    check(
        &mut h,
        corresponds_with_key,
        &[x.clone(), y.clone(), Null],
        B(true),
    );
    let mut h = with_fcn(host(vec![mi(), mi()]), 2, |a| {
        Ok(B(a[0].as_str() == Some("a")))
    });
    check(&mut h, corresponds_with_key, &[x, y, Null], B(false));
}

#[test]
fn registered_signatures_resolve() {
    let mut r = Registry::default();
    register(&mut r);
    let types = TypeTable::new();
    let f = |params: Vec<Type>, ret: Type| {
        Type::Fcn(crate::types::FcnType {
            params,
            ret: Box::new(ret),
        })
    };
    for (name, args, want_ret) in [
        ("map.containsKey", vec![mi(), Type::String], Type::Boolean),
        (
            "map.containsKey",
            vec![mi(), f(vec![Type::String], Type::Boolean)],
            Type::Boolean,
        ),
        ("map.add", vec![mi(), Type::String, Type::Int], mi()),
        ("map.add", vec![mi(), Type::Int], mi()),
        (
            "map.zipmap",
            vec![mi(), mi(), mi(), f(vec![Type::Int; 3], Type::String)],
            Type::map(Type::String),
        ),
        ("map.toset", vec![Type::array(Type::Int)], mi()),
    ] {
        let (m, _) = resolve_in(&r, name, &args, &types).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.ret, want_ret, "{name}");
    }
}
