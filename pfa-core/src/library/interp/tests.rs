//! Table tests of `interp.*` on tables built in a small type table.

use super::*;
use crate::library::testing::TestHost;
use crate::types::testing::{define, field};
use crate::types::{NamedKind, TypeTable};
use crate::value::Value::{Double as D, Int as I, Null};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

type TableHost = TestHost<'static>;

/// A host for `f(x, table)` whose records are `{name: string, to: T, x: X}` (the fields
/// in a different order than the signature names them, to exercise the lookup).
fn table_host(x: Type, xs: Type, to: Type) -> TableHost {
    let mut types = TypeTable::new();
    let id = define(
        &mut types,
        "R",
        NamedKind::Record {
            fields: vec![field("name", Type::String), field("to", to), field("x", xs)],
        },
    );
    TestHost::new(vec![x, Type::array(Type::Record(id))], types)
}

fn row(x: Value, to: Value) -> Value {
    Value::record(0, vec![Value::str("r"), to, x])
}

fn scalar_table(rows: &[(f64, f64)]) -> Value {
    Value::array(rows.iter().map(|(x, y)| row(D(*x), D(*y))).collect())
}

fn dv(xs: &[f64]) -> Value {
    Value::array(xs.iter().map(|x| D(*x)).collect())
}

fn vector_table(rows: &[(&[f64], f64)]) -> Value {
    Value::array(rows.iter().map(|(x, y)| row(dv(x), D(*y))).collect())
}

fn run(h: &mut TableHost, f: NativeFn, args: &[Value]) -> Ret {
    f(h, args)
}

#[track_caller]
fn is(got: Ret, want: Value) {
    match got {
        Ok(v) => assert!(
            crate::library::testing::same(&v, &want) || crate::value::cmp::eq_values(&v, &want),
            "got {v:?}, want {want:?}"
        ),
        Err(e) => panic!("got error {e}, want {want:?}"),
    }
}

#[track_caller]
fn is_err(got: Ret, want: ErrCode) {
    match got {
        Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), want),
        other => panic!("got {other:?}, want error {want:?}"),
    }
}

#[test]
fn bin_by_count() {
    use crate::library::testing::{err, ok};
    use bin::*;
    for (x, n, lo, hi, want) in [
        (0.0, 5, 0.0, 1.0, 0),
        (0.2, 5, 0.0, 1.0, 1),
        (0.99, 5, 0.0, 1.0, 4),
        (-1.0, 4, -1.0, 1.0, 0),
        (0.5, 1, 0.0, 1.0, 0),
        // Rounding of (x - low) / (high - low) to 1 still gives the last bin.
        (0.0, 3, -1.0, 1e-17, 2),
        // Edges near the largest doubles do not overflow.
        (0.0, 2, -f64::MAX, f64::MAX, 1),
    ] {
        ok(by_count, &[D(x), I(n), D(lo), D(hi)], I(want));
    }
    for (x, n, lo, hi, want) in [
        (0.5, 5, 1.0, 1.0, BAD_RANGE),
        (0.5, 5, 2.0, 1.0, BAD_RANGE),
        (0.5, 5, NAN, 1.0, BAD_RANGE),
        (0.5, 5, 0.0, NAN, BAD_RANGE),
        (0.5, 0, 0.0, 1.0, BAD_SCALE),
        (0.5, -3, 0.0, 1.0, BAD_SCALE),
        (1.0, 5, 0.0, 1.0, OUT_OF_RANGE),
        (-0.1, 5, 0.0, 1.0, OUT_OF_RANGE),
        (NAN, 5, 0.0, 1.0, OUT_OF_RANGE),
        (0.0, 5, -INF, 1.0, OUT_OF_RANGE),
        // Range is checked before scale, scale before x.
        (9.0, 0, 1.0, 0.0, BAD_RANGE),
        (9.0, 0, 0.0, 1.0, BAD_SCALE),
    ] {
        err(by_count, &[D(x), I(n), D(lo), D(hi)], want);
    }
}

#[test]
fn bin_by_width() {
    use crate::library::testing::{err, ok};
    use bin::*;
    for (x, origin, width, want) in [
        (0.0, 0.0, 1.0, 0),
        (2.5, 0.0, 1.0, 2),
        (-0.5, 0.0, 1.0, -1),
        (10.0, 5.0, 2.5, 2),
        (-10.0, 5.0, 2.5, -6),
    ] {
        ok(by_width, &[D(x), D(origin), D(width)], I(want));
    }
    for (x, origin, width, want) in [
        (0.0, INF, 1.0, BAD_RANGE),
        (0.0, NAN, 1.0, BAD_RANGE),
        (0.0, 0.0, 0.0, BAD_SCALE),
        (0.0, 0.0, -1.0, BAD_SCALE),
        (0.0, 0.0, NAN, BAD_SCALE),
        (INF, 0.0, 1.0, OUT_OF_RANGE),
        (NAN, 0.0, 1.0, OUT_OF_RANGE),
        // A bin number beyond int.
        (1e300, 0.0, 1.0, OUT_OF_RANGE),
    ] {
        err(by_width, &[D(x), D(origin), D(width)], want);
    }
}

#[test]
fn nearest_scalar_and_vector() {
    use nearest::*;
    let mut h = table_host(Type::Double, Type::Double, Type::Double);
    let t = scalar_table(&[(0.0, 10.0), (1.0, 11.0), (3.0, 13.0), (1.0, 99.0)]);
    for (x, want) in [
        (-5.0, 10.0),
        (0.9, 11.0),
        (2.0, 11.0),
        (2.1, 13.0),
        (NAN, 10.0),
    ] {
        is(run(&mut h, scalar, &[D(x), t.clone()]), D(want));
    }
    is_err(run(&mut h, scalar, &[D(0.0), Value::array(vec![])]), EMPTY);

    let arr = Type::array(Type::Double);
    let mut h = table_host(arr.clone(), arr, Type::Double);
    let t = vector_table(&[(&[0.0, 0.0], 1.0), (&[1.0, 1.0], 2.0), (&[-1.0, -1.0], 3.0)]);
    is(run(&mut h, vector, &[dv(&[0.9, 0.6]), t.clone()]), D(2.0));
    // Equidistant: the first entry wins.
    is(run(&mut h, vector, &[dv(&[0.5, 0.5]), t.clone()]), D(1.0));
    is_err(run(&mut h, vector, &[dv(&[0.5]), t]), DIMENSIONS);
    let ragged = vector_table(&[(&[0.0, 0.0], 1.0), (&[1.0], 2.0)]);
    is_err(run(&mut h, vector, &[dv(&[0.0, 0.0]), ragged]), DIMENSIONS);
    is_err(run(&mut h, vector, &[dv(&[]), Value::array(vec![])]), EMPTY);
}

#[test]
fn nearest_with_metric() {
    use nearest::*;
    let mut h = table_host(Type::Int, Type::Int, Type::String);
    h.set_fcn(2, |a| match a {
        [I(p), I(q)] => Ok(D(f64::from((p - q).abs()))),
        _ => Err(PfaError::runtime(0, "bad metric arguments")),
    });
    let t = Value::array(vec![
        row(I(10), Value::str("ten")),
        row(I(20), Value::str("twenty")),
        row(I(16), Value::str("sixteen")),
    ]);
    is(
        run(&mut h, metric, &[I(14), t.clone(), Null]),
        Value::str("sixteen"),
    );
    is(
        run(&mut h, metric, &[I(15), t.clone(), Null]),
        Value::str("sixteen"),
    );
    is(run(&mut h, metric, &[I(0), t, Null]), Value::str("ten"));
    is_err(
        run(&mut h, metric, &[I(0), Value::array(vec![]), Null]),
        EMPTY,
    );
    // Errors of the metric propagate.
    h.set_fcn(2, |_| Err(PfaError::runtime(9, "metric failed")));
    let t = Value::array(vec![row(I(1), Value::str("one"))]);
    is_err(run(&mut h, metric, &[I(0), t, Null]), (9, "metric failed"));
}

#[test]
fn linear_scalar() {
    use linear::*;
    let mut h = table_host(Type::Double, Type::Double, Type::Double);
    let t = scalar_table(&[(0.0, 0.0), (1.0, 10.0), (3.0, 30.0), (1.0, -5.0)]);
    for (x, lin, flat_, miss) in [
        (0.5, 5.0, 5.0, Some(5.0)),
        (1.0, 10.0, 10.0, Some(10.0)),
        (2.0, 20.0, 20.0, Some(20.0)),
        // Beyond: extrapolate from the two closest, flat, or missing.
        (4.0, 40.0, 30.0, None),
        (-1.0, -10.0, 0.0, None),
        // At the last point: not bracketed, but still inside the table.
        (3.0, 30.0, 30.0, Some(30.0)),
    ] {
        is(run(&mut h, linear, &[D(x), t.clone()]), D(lin));
        is(run(&mut h, flat, &[D(x), t.clone()]), D(flat_));
        is(
            run(&mut h, missing, &[D(x), t.clone()]),
            miss.map_or(Null, D),
        );
    }
    let one = scalar_table(&[(1.0, 1.0), (1.0, 2.0)]);
    is_err(run(&mut h, linear, &[D(5.0), one.clone()]), LINEAR[0]);
    is_err(run(&mut h, flat, &[D(5.0), one.clone()]), FLAT[0]);
    is_err(run(&mut h, missing, &[D(5.0), one]), MISSING[0]);
    is_err(
        run(&mut h, linear, &[D(5.0), Value::array(vec![])]),
        LINEAR[0],
    );
}

#[test]
fn linear_vector() {
    use linear::*;
    let arr = Type::array(Type::Double);
    let mut h = table_host(Type::Double, Type::Double, arr);
    let t = Value::array(vec![
        row(D(0.0), dv(&[0.0, 10.0])),
        row(D(2.0), dv(&[2.0, 30.0])),
    ]);
    is(run(&mut h, linear, &[D(1.0), t.clone()]), dv(&[1.0, 20.0]));
    is(run(&mut h, flat, &[D(3.0), t.clone()]), dv(&[2.0, 30.0]));
    is(run(&mut h, missing, &[D(3.0), t]), Null);
    let ragged = Value::array(vec![row(D(0.0), dv(&[0.0, 10.0])), row(D(2.0), dv(&[2.0]))]);
    is_err(run(&mut h, linear, &[D(1.0), ragged.clone()]), LINEAR[1]);
    is_err(run(&mut h, flat, &[D(1.0), ragged.clone()]), FLAT[1]);
    is_err(run(&mut h, missing, &[D(1.0), ragged]), MISSING[1]);
}

#[test]
fn tables_must_be_records_with_x_and_to() {
    let mut h = table_host(Type::Double, Type::Double, Type::Double);
    h.args.to_mut()[1] = Type::array(Type::Double);
    let e = nearest::scalar(&mut h, &[D(0.0), dv(&[1.0])]);
    assert!(matches!(e, Err(PfaError::Runtime(r)) if r.code == 0));
}
