//! Table tests of the regression functions.

// Case tables are tuples, one line per case.
#![allow(clippy::type_complexity)]

use serde_json::json;

use super::*;
use crate::library::model::testing::{
    aadouble, adouble, assert_double, assert_doubles, assert_err, code, dm, doubles_of, dv,
    Callback, Fixture,
};
use crate::types::Type;

#[test]
fn linear_arrays() {
    let mut fx = Fixture::new();
    let m1 = fx.ty(json!({"type": "record", "name": "M1", "fields": [
        {"name": "const", "type": "double"},
        {"name": "coeff", "type": {"type": "array", "items": "double"}}]}));
    let m2 = fx.ty(json!({"type": "record", "name": "M2", "fields": [
        {"name": "coeff", "type": {"type": "array", "items": {"type": "array", "items": "double"}}},
        {"name": "const", "type": {"type": "array", "items": "double"}}]}));
    let t1 = [adouble(), m1.clone()];
    let cases: Vec<(&[f64], serde_json::Value, Result<f64, i32>)> = vec![
        (
            &[1.0, 2.0],
            json!({"coeff": [3, 4], "const": 0.5}),
            Ok(11.5),
        ),
        (&[], json!({"coeff": [], "const": -2}), Ok(-2.0)),
        (&[1.0], json!({"coeff": [3, 4], "const": 0}), Err(31000)),
    ];
    for (x, m, want) in cases {
        let r = fx.run(linear_1, &t1, &[dv(x), fx.val(m, &m1)], vec![]);
        match want {
            Ok(w) => assert_double(r, w),
            Err(c) => assert_eq!(code(&r), Some(c)),
        }
    }
    let t2 = [adouble(), m2.clone()];
    let cases: Vec<(&[f64], serde_json::Value, Result<Vec<f64>, i32>)> = vec![
        (
            &[1.0, 2.0],
            json!({"coeff": [[1, 0], [0, 1], [1, 1]], "const": [0, 10, 100]}),
            Ok(vec![1.0, 12.0, 103.0]),
        ),
        (
            &[],
            json!({"coeff": [[], []], "const": [1, 2]}),
            Ok(vec![1.0, 2.0]),
        ),
        (&[1.0], json!({"coeff": [], "const": []}), Ok(vec![])),
        (&[1.0], json!({"coeff": [[1]], "const": [1, 2]}), Err(31001)),
        (
            &[1.0],
            json!({"coeff": [[1], [1, 2]], "const": [1, 2]}),
            Err(31000),
        ),
        // The const check comes first.
        (&[1.0], json!({"coeff": [[1, 2]], "const": []}), Err(31001)),
    ];
    for (x, m, want) in cases {
        let r = fx.run(linear_n, &t2, &[dv(x), fx.val(m, &m2)], vec![]);
        match want {
            Ok(w) => assert_doubles(&doubles_of(r), &w),
            Err(c) => assert_eq!(code(&r), Some(c)),
        }
    }
    let bad = fx.val(json!({"coeff": [[1, 2]], "const": [0]}), &m2);
    assert_err(
        fx.run(linear_n, &t2, &[dv(&[1.0]), bad], vec![]),
        (31000, "misaligned coeff"),
    );
    let bad = fx.val(json!({"coeff": [[1]], "const": []}), &m2);
    assert_err(
        fx.run(linear_n, &t2, &[dv(&[1.0]), bad], vec![]),
        (31001, "misaligned const"),
    );
}

#[test]
fn linear_maps() {
    let mut fx = Fixture::new();
    let m3 = fx.ty(json!({"type": "record", "name": "M3", "fields": [
        {"name": "coeff", "type": {"type": "map", "values": "double"}},
        {"name": "const", "type": "double"}]}));
    let m4 = fx.ty(json!({"type": "record", "name": "M4", "fields": [
        {"name": "coeff", "type": {"type": "map", "values": {"type": "map", "values": "double"}}},
        {"name": "const", "type": {"type": "map", "values": "double"}}]}));
    let md = Type::map(Type::Double);
    let cases: Vec<(serde_json::Value, serde_json::Value, f64)> = vec![
        (
            json!({"a": 1, "b": 2}),
            json!({"coeff": {"a": 3, "b": 4}, "const": 0.5}),
            11.5,
        ),
        // Missing entries are zero.
        (
            json!({"a": 1, "c": 2}),
            json!({"coeff": {"a": 3, "b": 4}, "const": 0}),
            3.0,
        ),
        (json!({}), json!({"coeff": {}, "const": 7}), 7.0),
        // ... and zero times infinity is NaN, as in the dense product.
        (
            json!({"a": 1, "c": "inf"}),
            json!({"coeff": {"a": 3}, "const": 0}),
            f64::NAN,
        ),
    ];
    for (x, m, want) in cases {
        let r = fx.run(
            linear_map_1,
            &[md.clone(), m3.clone()],
            &[fx.val(x, &md), fx.val(m, &m3)],
            vec![],
        );
        assert_double(r, want);
    }
    let x = fx.val(json!({"a": 1, "b": 2}), &md);
    let m = fx.val(
        json!({"coeff": {"p": {"a": 1}, "q": {"b": 1, "z": 5}}, "const": {"q": 10, "r": 100}}),
        &m4,
    );
    let r = fx
        .run(linear_map_n, &[md.clone(), m4.clone()], &[x, m], vec![])
        .expect("map");
    assert_eq!(fx.json(&r, &md), json!({"p": 1.0, "q": 12.0, "r": 100.0}));
}

#[test]
fn linear_variance() {
    let mut fx = Fixture::new();
    let v1 = fx.ty(json!({"type": "record", "name": "V1", "fields": [
        {"name": "covar", "type": {"type": "array", "items": {"type": "array", "items": "double"}}}]}));
    let v2 = fx.ty(json!({"type": "record", "name": "V2", "fields": [
        {"name": "covar", "type": {"type": "array", "items": {"type": "array", "items": {"type": "array", "items": "double"}}}}]}));
    let v3 = fx.ty(json!({"type": "record", "name": "V3", "fields": [
        {"name": "covar", "type": {"type": "map", "values": {"type": "map", "values": "double"}}}]}));
    let v4 = fx.ty(json!({"type": "record", "name": "V4", "fields": [
        {"name": "covar", "type": {"type": "map", "values": {"type": "map", "values": {"type": "map", "values": "double"}}}}]}));
    // x = [1, 2, 1 (constant)]: xᵀ C x.
    let c = json!([[1, 0, 0], [0, 2, 0], [0, 0, 3]]);
    let r = fx.run(
        variance_1,
        &[adouble(), v1.clone()],
        &[dv(&[1.0, 2.0]), fx.val(json!({"covar": c}), &v1)],
        vec![],
    );
    assert_double(r, 1.0 + 8.0 + 3.0);
    let full = json!([[1, 1, 0], [1, 1, 0], [0, 0, 1]]);
    let r = fx.run(
        variance_n,
        &[adouble(), v2.clone()],
        &[dv(&[1.0, 2.0]), fx.val(json!({"covar": [c, full]}), &v2)],
        vec![],
    );
    assert_doubles(&doubles_of(r), &[12.0, 10.0]);
    for bad in [
        json!([[1, 0], [0, 1]]),
        json!([[1, 0, 0], [0, 1], [0, 0, 1]]),
    ] {
        let r = fx.run(
            variance_1,
            &[adouble(), v1.clone()],
            &[dv(&[1.0, 2.0]), fx.val(json!({"covar": bad}), &v1)],
            vec![],
        );
        assert_err(r, (31010, "misaligned covariance"));
    }
    let r = fx.run(
        variance_n,
        &[adouble(), v2.clone()],
        &[dv(&[1.0]), fx.val(json!({"covar": [[[1]]]}), &v2)],
        vec![],
    );
    assert_err(r, (31010, "misaligned covariance"));

    let md = Type::map(Type::Double);
    let x = fx.val(json!({"a": 1, "b": 2}), &md);
    let cm = json!({"a": {"a": 1}, "b": {"b": 2, "": 0.5}, "": {"": 3, "b": 0.5}});
    let r = fx.run(
        variance_map_1,
        &[md.clone(), v3.clone()],
        &[x.clone(), fx.val(json!({"covar": cm.clone()}), &v3)],
        vec![],
    );
    // 1·1·1 + 2·2·2 + 3·1·1 + 2·(0.5·2·1)
    assert_double(r, 1.0 + 8.0 + 3.0 + 2.0);
    let r = fx
        .run(
            variance_map_n,
            &[md.clone(), v4.clone()],
            &[x, fx.val(json!({"covar": {"p": cm, "q": {}}}), &v4)],
            vec![],
        )
        .expect("map");
    assert_eq!(fx.json(&r, &md), json!({"p": 14.0, "q": 0.0}));
}

#[test]
fn gaussian_process() {
    let mut fx = Fixture::new();
    let r1 = fx.ty(json!({"type": "record", "name": "R1", "fields": [
        {"name": "x", "type": "double"}, {"name": "to", "type": "double"}]}));
    let r2 = fx.ty(json!({"type": "record", "name": "R2", "fields": [
        {"name": "x", "type": {"type": "array", "items": "double"}},
        {"name": "to", "type": {"type": "array", "items": "double"}}]}));
    let r3 = fx.ty(json!({"type": "record", "name": "R3", "fields": [
        {"name": "x", "type": "double"}, {"name": "to", "type": "double"},
        {"name": "sigma", "type": "double"}]}));
    let r4 = fx.ty(json!({"type": "record", "name": "R4", "fields": [
        {"name": "x", "type": "double"}, {"name": "to", "type": {"type": "array", "items": "double"}},
        {"name": "sigma", "type": {"type": "array", "items": "double"}}]}));
    let kw = Type::Union(vec![Type::Null, Type::Double]);
    let rbf = || -> Callback<'static> {
        Box::new(|a: &[Value]| {
            let (x, y) = (arr(&a[0])?, arr(&a[1])?);
            let mut s = 0.0;
            for (p, q) in x.iter().zip(y) {
                s += (num(p)? - num(q)?).powi(2);
            }
            Ok(Value::Double((-s).exp()))
        })
    };
    let run = |f: NativeFn, rt: &Type, x: Value, table: serde_json::Value, w: Value| {
        let tt = Type::array(rt.clone());
        let types = [Type::Double, tt.clone(), kw.clone(), Type::Null];
        fx.run(
            f,
            &types,
            &[x, fx.val(table, &tt), w, Value::Null],
            vec![(3, rbf())],
        )
    };
    // A GP interpolates its training points (up to the tiny nugget).
    let table = json!([{"x": 0, "to": 1}, {"x": 1, "to": 3}, {"x": 2, "to": 2}, {"x": 4, "to": 0}]);
    for (x, to) in [(0.0, 1.0), (1.0, 3.0), (2.0, 2.0), (4.0, 0.0)] {
        let r = run(
            gp_scalar_scalar,
            &r1,
            Value::Double(x),
            table.clone(),
            Value::Null,
        );
        let got = num(&r.expect("gp")).expect("double");
        assert!((got - to).abs() < 1e-6, "f({x}) = {got}, want {to}");
        let r = run(
            gp_scalar_scalar,
            &r1,
            Value::Double(x),
            table.clone(),
            Value::Double(0.5),
        );
        let got = num(&r.expect("gp")).expect("double");
        assert!(
            (got - to).abs() < 1e-6,
            "kriging weight: f({x}) = {got}, want {to}"
        );
    }
    // Far from the data the prediction falls back to the trend: the data mean plus
    // the trend in standard deviations (the kriging weight), or the estimated trend.
    let far = run(
        gp_scalar_scalar,
        &r1,
        Value::Double(100.0),
        table.clone(),
        Value::Double(0.0),
    );
    assert_double(far, 1.5);
    let far = run(
        gp_scalar_scalar,
        &r1,
        Value::Double(100.0),
        table.clone(),
        Value::Double(1.0),
    );
    let std = (((1.0f64 - 1.5).powi(2) + 2.25 + 0.25 + 2.25) / 4.0).sqrt();
    assert_double(far, 1.5 + std);
    // A single point: standardization divides by zero; the result is NaN, not an error.
    let one = run(
        gp_scalar_scalar,
        &r1,
        Value::Double(1.0),
        json!([{"x": 1, "to": 2}]),
        Value::Null,
    );
    assert!(num(&one.expect("gp")).expect("double").is_nan());
    // With sigma: nuggets (sigma/to)² smooth instead of interpolating.
    let noisy = json!([{"x": 0, "to": 1, "sigma": 1}, {"x": 1, "to": 3, "sigma": 3}, {"x": 2, "to": 2, "sigma": 2}]);
    let r = run(
        gp_scalar_scalar,
        &r3,
        Value::Double(1.0),
        noisy,
        Value::Null,
    );
    let got = num(&r.expect("gp")).expect("double");
    assert!(got.is_finite() && (got - 3.0).abs() > 1e-3);
    // Uncertainties must have the dimensions of the outputs.
    let short =
        json!([{"x": 0, "to": [1, 2], "sigma": [1]}, {"x": 1, "to": [3, 4], "sigma": [1, 1]}]);
    let r = run(
        gp_scalar_vector,
        &r4,
        Value::Double(1.0),
        short,
        Value::Null,
    );
    assert_err(r, GP_OUTPUTS);
    let fine =
        json!([{"x": 0, "to": [1, 2], "sigma": [1, 1]}, {"x": 1, "to": [3, 4], "sigma": [1, 1]}]);
    let r = run(gp_scalar_vector, &r4, Value::Double(1.0), fine, Value::Null);
    assert_eq!(doubles_of(r).len(), 2);
    // Vector outputs fit each dimension on its own.
    let tt = Type::array(r2.clone());
    let types = [adouble(), tt.clone(), kw.clone(), Type::Null];
    let table2 = json!([{"x": [0, 0], "to": [1, 10]}, {"x": [1, 0], "to": [3, 30]}, {"x": [0, 1], "to": [2, 20]}]);
    let r = fx.run(
        gp_vector_vector,
        &types,
        &[
            dv(&[1.0, 0.0]),
            fx.val(table2, &tt),
            Value::Null,
            Value::Null,
        ],
        vec![(3, rbf())],
    );
    let got = doubles_of(r);
    assert!(
        (got[0] - 3.0).abs() < 1e-6 && (got[1] - 30.0).abs() < 1e-5,
        "{got:?}"
    );

    // Errors, in the order they are checked.
    let vx = |x: &[f64], table: serde_json::Value, w: Value| {
        fx.run(
            gp_vector_vector,
            &types,
            &[dv(x), fx.val(table, &tt), w, Value::Null],
            vec![(3, rbf())],
        )
    };
    let good = json!([{"x": [0, 0], "to": [1]}, {"x": [1, 0], "to": [2]}]);
    let cases: Vec<(&[f64], serde_json::Value, Value, (i32, &str))> = vec![
        (&[0.0, 0.0], json!([]), Value::Null, GP_EMPTY_TABLE),
        (&[], good.clone(), Value::Null, GP_EMPTY_X),
        (&[0.0], good.clone(), Value::Null, GP_FEATURES),
        (
            &[0.0, 0.0],
            json!([{"x": [0, 0], "to": []}]),
            Value::Null,
            GP_EMPTY_TO,
        ),
        (
            &[0.0, 0.0],
            json!([{"x": [0, 0], "to": [1]}, {"x": [1, 0], "to": [1, 2]}]),
            Value::Null,
            GP_OUTPUTS,
        ),
        (&[f64::NAN, 0.0], good.clone(), Value::Null, GP_X_NOT_FINITE),
        (
            &[0.0, 0.0],
            json!([{"x": [0, 0], "to": ["inf"]}, {"x": [1, 0], "to": [2]}]),
            Value::Null,
            GP_TABLE_NOT_FINITE,
        ),
        (
            &[0.0, 0.0],
            json!([{"x": [0, "-inf"], "to": [1]}, {"x": [1, 0], "to": [2]}]),
            Value::Null,
            GP_TABLE_NOT_FINITE,
        ),
        (
            &[0.0, 0.0],
            good.clone(),
            Value::Double(f64::INFINITY),
            GP_WEIGHT_NOT_FINITE,
        ),
        // Duplicate points make the correlation matrix singular beyond the nugget.
        (
            &[0.0, 0.0],
            json!([{"x": [0, 0], "to": [1]}, {"x": [0, 0], "to": [2]}, {"x": [1, 1], "to": [2]}]),
            Value::Null,
            GP_NOT_POSITIVE_DEFINITE,
        ),
    ];
    for (x, table, w, want) in cases {
        let r = vx(x, table, w);
        if want == GP_NOT_POSITIVE_DEFINITE {
            // Two equal points: kernel 1 off the diagonal, 1 + 2.2e-15 on it; the
            // factorization may survive by rounding, so accept either outcome.
            assert!(r.is_ok() || code(&r) == Some(want.0));
        } else {
            assert_err(r, want);
        }
    }
    // A kernel that is too large off the diagonal is not a correlation.
    let two: Callback<'static> = Box::new(|_: &[Value]| Ok(Value::Double(2.0)));
    let tt1 = Type::array(r1.clone());
    let r = fx.run(
        gp_scalar_scalar,
        &[Type::Double, tt1.clone(), kw.clone(), Type::Null],
        &[
            Value::Double(0.0),
            fx.val(table, &tt1),
            Value::Null,
            Value::Null,
        ],
        vec![(3, two)],
    );
    assert_err(r, GP_NOT_POSITIVE_DEFINITE);
}

#[test]
fn gp_rejects_a_sigma_of_another_type() {
    use crate::types::pattern::SigMatch;
    let mut fx = Fixture::new();
    let bad = fx.ty(json!({"type": "record", "name": "Bad", "fields": [
        {"name": "x", "type": "double"}, {"name": "to", "type": "double"},
        {"name": "sigma", "type": {"type": "array", "items": "double"}}]}));
    let good = fx.ty(json!({"type": "record", "name": "Good", "fields": [
        {"name": "x", "type": "double"}, {"name": "to", "type": "double"},
        {"name": "sigma", "type": "double"}]}));
    for (r, ok) in [(bad, false), (good, true)] {
        let matched = SigMatch {
            params: vec![Type::Double, Type::array(r), Type::Null, Type::Null],
            ret: Type::Double,
        };
        let spec = Spec {
            sig: 0,
            matched: &matched,
            types: &fx.types,
        };
        assert_eq!(gp_specialize(&spec).is_ok(), ok);
    }
}

#[test]
fn deprecated_comparisons() {
    let mut fx = Fixture::new();
    // chi-square state
    let a = fx.ty(json!({"type": "record", "name": "A", "fields": [
        {"name": "DOF", "type": "int"}, {"name": "chi2", "type": "double"}]}));
    let md = Type::map(Type::Double);
    let d = Value::Double;
    // residual
    assert_double(
        fx.run(
            residual,
            &[Type::Double, Type::Double],
            &[d(5.0), d(3.5)],
            vec![],
        ),
        1.5,
    );
    assert_doubles(
        &doubles_of(fx.run(
            residual,
            &[adouble(), adouble()],
            &[dv(&[1.0, 2.0]), dv(&[0.5, 4.0])],
            vec![],
        )),
        &[0.5, -2.0],
    );
    assert_err(
        fx.run(
            residual,
            &[adouble(), adouble()],
            &[dv(&[1.0]), dv(&[])],
            vec![],
        ),
        (31020, "misaligned prediction"),
    );
    let r = fx
        .run(
            residual,
            &[md.clone(), md.clone()],
            &[fx.val(json!({"a": 1}), &md), fx.val(json!({"a": 3}), &md)],
            vec![],
        )
        .expect("map");
    assert_eq!(fx.json(&r, &md), json!({"a": -2.0}));
    let r = fx.run(
        residual,
        &[md.clone(), md.clone()],
        &[fx.val(json!({"a": 1}), &md), fx.val(json!({"b": 3}), &md)],
        vec![],
    );
    assert_eq!(code(&r), Some(31020));
    // pull
    assert_double(
        fx.run(
            pull,
            &[Type::Double, Type::Double, Type::Double],
            &[d(5.0), d(3.0), d(4.0)],
            vec![],
        ),
        0.5,
    );
    assert_doubles(
        &doubles_of(fx.run(
            pull,
            &[adouble(), adouble(), adouble()],
            &[dv(&[1.0]), dv(&[0.0]), dv(&[2.0])],
            vec![],
        )),
        &[0.5],
    );
    assert_err(
        fx.run(
            pull,
            &[adouble(), adouble(), adouble()],
            &[dv(&[1.0]), dv(&[]), dv(&[])],
            vec![],
        ),
        (31030, "misaligned prediction"),
    );
    assert_err(
        fx.run(
            pull,
            &[adouble(), adouble(), adouble()],
            &[dv(&[1.0]), dv(&[1.0]), dv(&[])],
            vec![],
        ),
        (31031, "misaligned uncertainty"),
    );
    let m = |j: serde_json::Value| fx.val(j, &md);
    let r = fx.run(
        pull,
        &[md.clone(), md.clone(), md.clone()],
        &[m(json!({"a": 1})), m(json!({"a": 0})), m(json!({"b": 1}))],
        vec![],
    );
    assert_eq!(code(&r), Some(31031));
    // mahalanobis: sqrt(dᵀ C⁻¹ d)
    let mt = [adouble(), adouble(), aadouble()];
    let r = fx.run(
        mahalanobis,
        &mt,
        &[
            dv(&[3.0, 4.0]),
            dv(&[0.0, 0.0]),
            dm(&[&[1.0, 0.0], &[0.0, 4.0]]),
        ],
        vec![],
    );
    assert_double(r, 13.0f64.sqrt());
    let r = fx.run(
        mahalanobis,
        &mt,
        &[
            dv(&[1.0, 1.0]),
            dv(&[0.0, 0.0]),
            dm(&[&[2.0, 1.0], &[1.0, 2.0]]),
        ],
        vec![],
    );
    assert_double(r, (2.0f64 / 3.0).sqrt());
    assert_err(
        fx.run(mahalanobis, &mt, &[dv(&[]), dv(&[]), dm(&[])], vec![]),
        (31040, "too few rows/cols"),
    );
    assert_err(
        fx.run(
            mahalanobis,
            &mt,
            &[dv(&[1.0]), dv(&[]), dm(&[&[1.0]])],
            vec![],
        ),
        (31041, "misaligned prediction"),
    );
    assert_err(
        fx.run(
            mahalanobis,
            &mt,
            &[dv(&[1.0]), dv(&[1.0]), dm(&[&[1.0, 2.0]])],
            vec![],
        ),
        (31042, "misaligned covariance"),
    );
    let mm = Type::map(md.clone());
    let mmt = [md.clone(), md.clone(), mm.clone()];
    let cov = fx.val(json!({"a": {"a": 1, "b": 0}, "b": {"a": 0, "b": 4}}), &mm);
    let r = fx.run(
        mahalanobis,
        &mmt,
        &[
            m(json!({"a": 3, "b": 4})),
            m(json!({"a": 0, "b": 0})),
            cov.clone(),
        ],
        vec![],
    );
    assert_double(r, 13.0f64.sqrt());
    let r = fx.run(
        mahalanobis,
        &mmt,
        &[m(json!({"a": 3, "c": 4})), m(json!({"a": 0, "c": 0})), cov],
        vec![],
    );
    assert_eq!(code(&r), Some(31042));
    let r = fx.run(
        mahalanobis,
        &mmt,
        &[
            m(json!({"a": 3})),
            m(json!({"b": 0})),
            fx.val(json!({}), &mm),
        ],
        vec![],
    );
    assert_eq!(code(&r), Some(31041));

    let a_id = record_id(&a).expect("a record");
    // Fields in declaration order: DOF, chi2.
    let state = |chi2: f64, dof: i32| Value::record(a_id, vec![Value::Int(dof), d(chi2)]);
    let r = fx
        .run(
            update_chi2,
            &[adouble(), a.clone()],
            &[dv(&[1.0, 2.0]), state(0.5, 3)],
            vec![],
        )
        .expect("state");
    assert_eq!(fx.json(&r, &a), json!({"DOF": 4, "chi2": 5.5}));
    let r = fx
        .run(
            update_chi2,
            &[Type::Double, a.clone()],
            &[d(3.0), state(1.0, 0)],
            vec![],
        )
        .expect("state");
    assert_eq!(fx.json(&r, &a), json!({"DOF": 1, "chi2": 10.0}));
    let r = fx
        .run(
            update_chi2,
            &[md.clone(), a.clone()],
            &[m(json!({"x": 2})), state(0.0, 0)],
            vec![],
        )
        .expect("state");
    assert_eq!(fx.json(&r, &a), json!({"DOF": 1, "chi2": 4.0}));
    assert_double(
        fx.run(
            reduced_chi2,
            std::slice::from_ref(&a),
            &[state(6.0, 4)],
            vec![],
        ),
        1.5,
    );
    // chi2Prob: known CDF values.
    let cases = [
        (3.84145882069412, 1, 0.95),
        (2.0, 2, 1.0 - (-1.0f64).exp()),
        (18.307038053275146, 10, 0.95),
        (0.5, 3, 0.08110858834532447),
        (100.0, 10, 1.0),
        (0.0, 4, 0.0),
        (-1.0, 4, 0.0),
        (1.0, 0, 1.0),
        (0.0, 0, 0.0),
        (f64::NAN, 2, f64::NAN),
    ];
    for (x, k, want) in cases {
        let r = fx.run(chi2_prob, std::slice::from_ref(&a), &[state(x, k)], vec![]);
        match r {
            Ok(Value::Double(got)) => assert!(
                (got.is_nan() && want.is_nan()) || (got - want).abs() < 1e-10,
                "chi2Prob({x}, {k}) = {got}, want {want}"
            ),
            other => panic!("{other:?}"),
        }
    }
    assert_err(
        fx.run(
            chi2_prob,
            std::slice::from_ref(&a),
            &[state(1.0, -1)],
            vec![],
        ),
        (31070, "invalid parameterization"),
    );
}
