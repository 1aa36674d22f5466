//! Tests of stat.sample.*: state records written as JSON, one line per case where the
//! case fits, every error code, and the check-time rules on optional fields.

use serde_json::{json, Value as Json};

use super::*;
use crate::library::model::testing::{assert_err, Callback, Fixture};
use crate::types::pattern::SigMatch;

/// Runs `f` on `x, w` (or other leading doubles) and a state of type `ty` given as JSON;
/// gives the result as JSON of type `ret`.
fn with_state(
    fx: &Fixture,
    f: NativeFn,
    lead: &[Value],
    ty: &Type,
    state: Json,
    ret: &Type,
) -> Result<Json, PfaError> {
    let mut args = lead.to_vec();
    let mut types: Vec<Type> = lead
        .iter()
        .map(|v| match v {
            Value::Int(_) => Type::Int,
            Value::Boolean(_) => Type::Boolean,
            Value::String(_) => Type::String,
            _ => Type::Double,
        })
        .collect();
    args.push(fx.val(state, ty));
    types.push(ty.clone());
    fx.run(f, &types, &args, Vec::new())
        .map(|v| fx.json(&v, ret))
}

fn d(x: f64) -> Value {
    Value::Double(x)
}

#[track_caller]
fn same(got: Result<Json, PfaError>, want: Json) {
    match got {
        Ok(g) => assert_eq!(g, want),
        Err(e) => panic!("got error {e}, want {want}"),
    }
}

#[track_caller]
fn fails(got: Result<Json, PfaError>, want: ErrCode) {
    assert_err(got.map(|_| Value::Null), want);
}

fn record(fx: &mut Fixture, name: &str, fields: Json) -> Type {
    fx.ty(json!({"type": "record", "name": name, "fields": fields}))
}

/// The check-time choice for parameter `param` of type `ty`.
fn specialize(
    fx: &Fixture,
    f: super::super::super::SpecializeFn,
    sig: usize,
    params: Vec<Type>,
) -> Result<NativeFn, String> {
    let matched = SigMatch {
        params,
        ret: Type::Null,
    };
    f(&Spec {
        sig,
        matched: &matched,
        types: &fx.types,
    })
}

#[test]
fn update_counts_means_and_variances() {
    let mut fx = Fixture::new();
    let c = record(
        &mut fx,
        "C",
        json!([{"name": "count", "type": "double"}, {"name": "tag", "type": "string"}]),
    );
    let cm = record(
        &mut fx,
        "CM",
        json!([{"name": "mean", "type": "double"}, {"name": "count", "type": "double"}]),
    );
    let cmv = record(
        &mut fx,
        "CMV",
        json!([{"name": "count", "type": "double"}, {"name": "mean", "type": "double"}, {"name": "variance", "type": "double"}]),
    );
    same(
        with_state(
            &fx,
            update,
            &[d(5.0), d(2.0)],
            &c,
            json!({"count": 1.0, "tag": "t"}),
            &c,
        ),
        json!({"count": 3.0, "tag": "t"}),
    );
    same(
        with_state(
            &fx,
            update,
            &[d(4.0), d(1.0)],
            &cm,
            json!({"mean": 2.0, "count": 1.0}),
            &cm,
        ),
        json!({"mean": 3.0, "count": 2.0}),
    );
    // The population variance of 2 and 4 is 1.
    same(
        with_state(
            &fx,
            update,
            &[d(4.0), d(1.0)],
            &cmv,
            json!({"count": 1.0, "mean": 2.0, "variance": 0.0}),
            &cmv,
        ),
        json!({"count": 2.0, "mean": 3.0, "variance": 1.0}),
    );
    // A first sample from zero: count 0 gives mean x, variance 0.
    same(
        with_state(
            &fx,
            update,
            &[d(7.0), d(1.0)],
            &cmv,
            json!({"count": 0.0, "mean": 0.0, "variance": 0.0}),
            &cmv,
        ),
        json!({"count": 1.0, "mean": 7.0, "variance": 0.0}),
    );

    // Running over a sequence gives the batch statistics.
    let xs = [1.5, -2.0, 4.25, 8.0, 0.5, 3.0];
    let mut state = fx.val(json!({"count": 0.0, "mean": 0.0, "variance": 0.0}), &cmv);
    for x in xs {
        state = fx
            .run(
                update,
                &[Type::Double, Type::Double, cmv.clone()],
                &[d(x), d(1.0), state],
                Vec::new(),
            )
            .unwrap();
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    let got = fx.json(&state, &cmv);
    assert!((got["mean"].as_f64().unwrap() - mean).abs() < 1e-14);
    assert!((got["variance"].as_f64().unwrap() - var).abs() < 1e-13);

    // Check time: optional fields must be doubles, and a variance needs a mean.
    let v_only = record(
        &mut fx,
        "V",
        json!([{"name": "count", "type": "double"}, {"name": "variance", "type": "double"}]),
    );
    let bad_mean = record(
        &mut fx,
        "BM",
        json!([{"name": "count", "type": "double"}, {"name": "mean", "type": "int"}]),
    );
    let spec = |t: &Type| {
        specialize(
            &fx,
            |s| mean_variance(s, "stat.sample.update", 2, update),
            0,
            vec![Type::Double, Type::Double, t.clone()],
        )
    };
    assert!(spec(&cmv).is_ok());
    assert!(spec(&v_only)
        .unwrap_err()
        .contains("must also have \"mean\""));
    assert!(spec(&bad_mean)
        .unwrap_err()
        .contains("\"mean\" field is not"));
}

#[test]
fn covariance_arrays_and_maps() {
    let mut fx = Fixture::new();
    let a = record(
        &mut fx,
        "A",
        json!([{"name": "count", "type": "double"}, {"name": "mean", "type": {"type": "array", "items": "double"}}, {"name": "covariance", "type": {"type": "array", "items": {"type": "array", "items": "double"}}}, {"name": "other", "type": "int"}]),
    );
    let xa = Type::array(Type::Double);
    let run_a = |x: Json, state: Json| {
        let args = [fx.val(x, &xa), d(1.0), fx.val(state, &a)];
        fx.run(
            covariance_array,
            &[xa.clone(), Type::Double, a.clone()],
            &args,
            Vec::new(),
        )
        .map(|v| fx.json(&v, &a))
    };
    let zero = json!({"count": 0.0, "mean": [0.0, 0.0], "covariance": [[0.0, 0.0], [0.0, 0.0]], "other": 3});
    same(
        run_a(json!([1.0, 2.0]), zero.clone()),
        json!({"count": 1.0, "mean": [1.0, 2.0], "covariance": [[0.0, 0.0], [0.0, 0.0]], "other": 3}),
    );
    // Second sample (3, 6): means (2, 4), covariances [[1, 2], [2, 4]].
    let one = json!({"count": 1.0, "mean": [1.0, 2.0], "covariance": [[0.0, 0.0], [0.0, 0.0]], "other": 3});
    same(
        run_a(json!([3.0, 6.0]), one),
        json!({"count": 2.0, "mean": [2.0, 4.0], "covariance": [[1.0, 2.0], [2.0, 4.0]], "other": 3}),
    );
    fails(run_a(json!([1.0]), zero.clone()), COVARIANCE_TOO_FEW);
    fails(run_a(json!([1.0, 2.0, 3.0]), zero), COVARIANCE_UNEQUAL);
    fails(
        run_a(
            json!([1.0, 2.0]),
            json!({"count": 0.0, "mean": [0.0, 0.0], "covariance": [[0.0, 0.0], [0.0]], "other": 3}),
        ),
        COVARIANCE_UNEQUAL,
    );

    let mmd = json!({"type": "map", "values": {"type": "map", "values": "double"}});
    let m = record(
        &mut fx,
        "M",
        json!([{"name": "count", "type": mmd}, {"name": "mean", "type": {"type": "map", "values": "double"}}, {"name": "covariance", "type": mmd}]),
    );
    let xm = Type::map(Type::Double);
    let run_m = |x: Json, state: Json| {
        let args = [fx.val(x, &xm), d(1.0), fx.val(state, &m)];
        fx.run(
            covariance_map,
            &[xm.clone(), Type::Double, m.clone()],
            &args,
            Vec::new(),
        )
        .map(|v| fx.json(&v, &m))
    };
    let empty = json!({"count": {}, "mean": {}, "covariance": {}});
    let first = json!({"count": {"a": {"a": 1.0, "b": 1.0}, "b": {"a": 1.0, "b": 1.0}}, "mean": {"a": 1.0, "b": 2.0}, "covariance": {"a": {"a": 0.0, "b": 0.0}, "b": {"a": 0.0, "b": 0.0}}});
    same(
        run_m(json!({"a": 1.0, "b": 2.0}), empty.clone()),
        first.clone(),
    );
    // A new key enters with its own count; pairs with a missing key are unchanged.
    same(
        run_m(json!({"a": 3.0, "c": 5.0}), first),
        json!({
        "count": {"a": {"a": 2.0, "b": 1.0, "c": 1.0}, "b": {"a": 1.0, "b": 1.0, "c": 0.0}, "c": {"a": 1.0, "b": 0.0, "c": 1.0}},
        "mean": {"a": 2.0, "b": 2.0, "c": 5.0},
        "covariance": {"a": {"a": 1.0, "b": 0.0, "c": 0.0}, "b": {"a": 0.0, "b": 0.0, "c": 0.0}, "c": {"a": 0.0, "b": 0.0, "c": 0.0}}}),
    );
    fails(run_m(json!({"a": 1.0}), empty), COVARIANCE_TOO_FEW);
}

#[test]
fn windows() {
    let mut fx = Fixture::new();
    let r = record(
        &mut fx,
        "W",
        json!([{"name": "x", "type": "double"}, {"name": "w", "type": "double"}, {"name": "count", "type": "double"}, {"name": "mean", "type": "double"}, {"name": "variance", "type": "double"}]),
    );
    let extra = record(
        &mut fx,
        "E",
        json!([{"name": "x", "type": "double"}, {"name": "w", "type": "double"}, {"name": "count", "type": "double"}, {"name": "tag", "type": "int"}]),
    );
    let (ar, ae) = (Type::array(r.clone()), Type::array(extra.clone()));
    let run = |ty: &Type, x: f64, state: Json, window: i32| {
        let args = [d(x), d(1.0), fx.val(state, ty), Value::Int(window)];
        fx.run(
            update_window,
            &[Type::Double, Type::Double, ty.clone(), Type::Int],
            &args,
            Vec::new(),
        )
        .map(|v| fx.json(&v, ty))
    };
    same(
        run(&ar, 4.0, json!([]), 3),
        json!([{"x": 4.0, "w": 1.0, "count": 1.0, "mean": 4.0, "variance": 0.0}]),
    );
    fails(run(&ae, 4.0, json!([]), 3), WINDOW_UNRECOGNIZED);
    same(
        run(
            &ae,
            4.0,
            json!([{"x": 1.0, "w": 1.0, "count": 1.0, "tag": 9}]),
            3,
        ),
        json!([{"x": 1.0, "w": 1.0, "count": 1.0, "tag": 9}, {"x": 4.0, "w": 1.0, "count": 2.0, "tag": 9}]),
    );
    fails(run(&ar, 4.0, json!([]), 1), WINDOW_SIZE);
    fails(run(&ar, 4.0, json!([]), -5), WINDOW_SIZE);

    // Over a sequence, the last record holds the statistics of the last `window` values.
    let xs = [2.0, 9.0, -1.0, 4.0, 4.5, 10.0, 3.0];
    let mut state = fx.val(json!([]), &ar);
    for x in xs {
        let args = [d(x), d(1.0), state, Value::Int(3)];
        state = fx
            .run(
                update_window,
                &[Type::Double, Type::Double, ar.clone(), Type::Int],
                &args,
                Vec::new(),
            )
            .unwrap();
    }
    let got = fx.json(&state, &ar);
    let items = got.as_array().unwrap();
    assert_eq!(items.len(), 3);
    let last = &items[2];
    let tail = &xs[xs.len() - 3..];
    let mean = tail.iter().sum::<f64>() / 3.0;
    let var = tail.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / 3.0;
    assert_eq!(last["count"], json!(3.0));
    assert!((last["mean"].as_f64().unwrap() - mean).abs() < 1e-13);
    assert!((last["variance"].as_f64().unwrap() - var).abs() < 1e-12);
}

#[test]
fn smoothing() {
    let mut fx = Fixture::new();
    let m = record(&mut fx, "M", json!([{"name": "mean", "type": "double"}]));
    let mv = record(
        &mut fx,
        "MV",
        json!([{"name": "mean", "type": "double"}, {"name": "variance", "type": "double"}]),
    );
    same(
        with_state(
            &fx,
            update_ewma,
            &[d(10.0), d(0.25)],
            &m,
            json!({"mean": 2.0}),
            &m,
        ),
        json!({"mean": 4.0}),
    );
    same(
        with_state(
            &fx,
            update_ewma,
            &[d(10.0), d(0.5)],
            &mv,
            json!({"mean": 2.0, "variance": 1.0}),
            &mv,
        ),
        json!({"mean": 6.0, "variance": 16.5}),
    );
    same(
        with_state(
            &fx,
            update_ewma,
            &[d(10.0), d(f64::NAN)],
            &m,
            json!({"mean": 2.0}),
            &m,
        ),
        json!({"mean": "nan"}),
    );
    fails(
        with_state(
            &fx,
            update_ewma,
            &[d(1.0), d(-0.1)],
            &m,
            json!({"mean": 2.0}),
            &m,
        ),
        EWMA_ALPHA,
    );
    fails(
        with_state(
            &fx,
            update_ewma,
            &[d(1.0), d(1.1)],
            &m,
            json!({"mean": 2.0}),
            &m,
        ),
        EWMA_ALPHA,
    );

    let hw = record(
        &mut fx,
        "HW",
        json!([{"name": "level", "type": "double"}, {"name": "trend", "type": "double"}]),
    );
    // a = 0.5 * 10 + 0.5 * (2 + 1) = 6.5; b = 0.5 * (6.5 - 2) + 0.5 * 1 = 2.75
    same(
        with_state(
            &fx,
            update_holt_winters,
            &[d(10.0), d(0.5), d(0.5)],
            &hw,
            json!({"level": 2.0, "trend": 1.0}),
            &hw,
        ),
        json!({"level": 6.5, "trend": 2.75}),
    );
    fails(
        with_state(
            &fx,
            update_holt_winters,
            &[d(1.0), d(2.0), d(0.5)],
            &hw,
            json!({"level": 0.0, "trend": 0.0}),
            &hw,
        ),
        HW_ALPHA,
    );
    fails(
        with_state(
            &fx,
            update_holt_winters,
            &[d(1.0), d(0.5), d(-1.0)],
            &hw,
            json!({"level": 0.0, "trend": 0.0}),
            &hw,
        ),
        HW_BETA,
    );

    let p = record(
        &mut fx,
        "P",
        json!([{"name": "level", "type": "double"}, {"name": "trend", "type": "double"}, {"name": "cycle", "type": {"type": "array", "items": "double"}}, {"name": "multiplicative", "type": "boolean"}]),
    );
    let lead = |x: f64, a: f64, b: f64, g: f64| [d(x), d(a), d(b), d(g)];
    // Additive: c_prev = 2 (second item); a = 0.5 (10 - 2) + 0.5 (1 + 1) = 5;
    // b = 0.5 (5 - 1) + 0.5 = 2.5; c = 0.5 (10 - 5) + 0.5 * 2 = 3.5; cycle [3.5, 3, 1].
    same(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(10.0, 0.5, 0.5, 0.5),
            &p,
            json!({"level": 1.0, "trend": 1.0, "cycle": [1.0, 2.0, 3.0], "multiplicative": false}),
            &p,
        ),
        json!({"level": 5.0, "trend": 2.5, "cycle": [3.5, 3.0, 1.0], "multiplicative": false}),
    );
    // Multiplicative: a = 0.5 * 10 / 2 + 0.5 * 2 = 3.5; b = 0.5 * 2.5 + 0.5 = 1.75;
    // c = 0.5 * 10 / 3.5 + 0.5 * 2.
    same(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(10.0, 0.5, 0.5, 0.5),
            &p,
            json!({"level": 1.0, "trend": 1.0, "cycle": [1.0, 2.0], "multiplicative": true}),
            &p,
        ),
        json!({"level": 3.5, "trend": 1.75, "cycle": [0.5 * 10.0 / 3.5 + 1.0, 1.0], "multiplicative": true}),
    );
    same(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(4.0, 1.0, 0.0, 1.0),
            &p,
            json!({"level": 0.0, "trend": 0.0, "cycle": [1.0], "multiplicative": false}),
            &p,
        ),
        json!({"level": 3.0, "trend": 0.0, "cycle": [1.0], "multiplicative": false}),
    );
    let zero = json!({"level": 0.0, "trend": 0.0, "cycle": [1.0], "multiplicative": false});
    fails(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(1.0, -1.0, 0.5, 0.5),
            &p,
            zero.clone(),
            &p,
        ),
        HWP_ALPHA,
    );
    fails(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(1.0, 0.5, 2.0, 0.5),
            &p,
            zero.clone(),
            &p,
        ),
        HWP_BETA,
    );
    fails(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(1.0, 0.5, 0.5, 1.5),
            &p,
            zero,
            &p,
        ),
        HWP_GAMMA,
    );
    fails(
        with_state(
            &fx,
            update_holt_winters_periodic,
            &lead(1.0, 0.5, 0.5, 0.5),
            &p,
            json!({"level": 0.0, "trend": 0.0, "cycle": [], "multiplicative": false}),
            &p,
        ),
        HWP_EMPTY,
    );

    // Forecasts.
    let st =
        json!({"level": 1.0, "trend": 2.0, "cycle": [10.0, 20.0, 30.0], "multiplicative": false});
    let arr_d = Type::array(Type::Double);
    same(
        with_state(
            &fx,
            forecast1,
            &[],
            &hw,
            json!({"level": 1.0, "trend": 2.0}),
            &Type::Double,
        ),
        json!(3.0),
    );
    same(
        with_state(&fx, forecast1, &[], &p, st.clone(), &Type::Double),
        json!(23.0),
    );
    same(
        with_state(
            &fx,
            forecast1,
            &[],
            &p,
            json!({"level": 1.0, "trend": 2.0, "cycle": [10.0, 2.0], "multiplicative": true}),
            &Type::Double,
        ),
        json!(6.0),
    );
    fails(
        with_state(
            &fx,
            forecast1,
            &[],
            &p,
            json!({"level": 1.0, "trend": 2.0, "cycle": [], "multiplicative": true}),
            &Type::Double,
        ),
        FORECAST1_EMPTY,
    );
    same(
        with_state(
            &fx,
            forecast,
            &[Value::Int(4)],
            &hw,
            json!({"level": 1.0, "trend": 2.0}),
            &arr_d,
        ),
        json!([3.0, 5.0, 7.0, 9.0]),
    );
    same(
        with_state(&fx, forecast, &[Value::Int(4)], &p, st.clone(), &arr_d),
        json!([23.0, 35.0, 17.0, 29.0]),
    );
    same(
        with_state(&fx, forecast, &[Value::Int(-3)], &p, st, &arr_d),
        json!([]),
    );
    fails(
        with_state(
            &fx,
            forecast,
            &[Value::Int(2)],
            &p,
            json!({"level": 1.0, "trend": 2.0, "cycle": [], "multiplicative": true}),
            &arr_d,
        ),
        FORECAST_EMPTY,
    );

    // Check time: cycle and multiplicative come together.
    let half = record(
        &mut fx,
        "H",
        json!([{"name": "level", "type": "double"}, {"name": "trend", "type": "double"}, {"name": "cycle", "type": {"type": "array", "items": "double"}}]),
    );
    let spec = |t: &Type| {
        specialize(
            &fx,
            |s| periodic_fields(s, "f", 0, forecast1),
            0,
            vec![t.clone()],
        )
    };
    assert!(spec(&p).is_ok());
    assert!(spec(&hw).is_ok());
    assert!(spec(&half).unwrap_err().contains("vice-versa"));
}

#[test]
fn histograms() {
    let mut fx = Fixture::new();
    let fixed = record(
        &mut fx,
        "F",
        json!([{"name": "numbins", "type": "int"}, {"name": "low", "type": "double"}, {"name": "high", "type": "double"}, {"name": "values", "type": {"type": "array", "items": "double"}}, {"name": "underflow", "type": "double"}, {"name": "overflow", "type": "double"}, {"name": "nanflow", "type": "double"}]),
    );
    let grow = record(
        &mut fx,
        "G",
        json!([{"name": "low", "type": "double"}, {"name": "binsize", "type": "double"}, {"name": "values", "type": {"type": "array", "items": "double"}}, {"name": "infflow", "type": "double"}]),
    );
    let ranges = record(
        &mut fx,
        "R",
        json!([{"name": "ranges", "type": {"type": "array", "items": {"type": "array", "items": "double"}}}, {"name": "values", "type": {"type": "array", "items": "double"}}, {"name": "underflow", "type": "double"}]),
    );
    let both = record(
        &mut fx,
        "B",
        json!([{"name": "numbins", "type": "int"}, {"name": "low", "type": "double"}, {"name": "high", "type": "double"}, {"name": "binsize", "type": "double"}, {"name": "values", "type": {"type": "array", "items": "double"}}]),
    );
    let h = |x: f64, vals: Json| {
        (
            x,
            json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": vals, "underflow": 0.0, "overflow": 0.0, "nanflow": 0.0}),
        )
    };
    let fill = |f: NativeFn, ty: &Type, (x, state): (f64, Json)| {
        with_state(&fx, f, &[d(x), d(1.0)], ty, state, ty)
    };
    same(
        fill(fill_fixed, &fixed, h(1.5, json!([0.0, 0.0]))),
        json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": [0.0, 1.0], "underflow": 0.0, "overflow": 0.0, "nanflow": 0.0}),
    );
    same(
        fill(fill_fixed, &fixed, h(2.0, json!([0.0, 0.0]))),
        json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": [0.0, 0.0], "underflow": 0.0, "overflow": 1.0, "nanflow": 0.0}),
    );
    same(
        fill(fill_fixed, &fixed, h(-0.5, json!([0.0, 0.0]))),
        json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": [0.0, 0.0], "underflow": 1.0, "overflow": 0.0, "nanflow": 0.0}),
    );
    // Without infflow, infinities go to the under/overflow counters.
    same(
        fill(fill_fixed, &fixed, h(f64::INFINITY, json!([0.0, 0.0]))),
        json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": [0.0, 0.0], "underflow": 0.0, "overflow": 1.0, "nanflow": 0.0}),
    );
    same(
        fill(fill_fixed, &fixed, h(f64::NAN, json!([0.0, 0.0]))),
        json!({"numbins": 2, "low": 0.0, "high": 2.0, "values": [0.0, 0.0], "underflow": 0.0, "overflow": 0.0, "nanflow": 1.0}),
    );
    fails(fill(fill_fixed, &fixed, h(1.0, json!([0.0]))), HIST_SIZE);
    fails(
        fill(
            fill_fixed,
            &fixed,
            (
                1.0,
                json!({"numbins": 2, "low": 2.0, "high": 2.0, "values": [0.0, 0.0], "underflow": 0.0, "overflow": 0.0, "nanflow": 0.0}),
            ),
        ),
        HIST_RANGE,
    );
    fails(
        fill(
            fill_fixed,
            &fixed,
            (
                1.0,
                json!({"numbins": 2, "low": "nan", "high": 2.0, "values": [0.0, 0.0], "underflow": 0.0, "overflow": 0.0, "nanflow": 0.0}),
            ),
        ),
        HIST_RANGE,
    );
    fails(
        fill(
            fill_fixed,
            &fixed,
            (
                1.0,
                json!({"numbins": 0, "low": 0.0, "high": 2.0, "values": [], "underflow": 0.0, "overflow": 0.0, "nanflow": 0.0}),
            ),
        ),
        HIST_SCALE,
    );

    let g = |x: f64, vals: Json| {
        (
            x,
            json!({"low": 10.0, "binsize": 2.0, "values": vals, "infflow": 0.0}),
        )
    };
    same(
        fill(fill_growable, &grow, g(13.0, json!([1.0, 1.0]))),
        json!({"low": 10.0, "binsize": 2.0, "values": [1.0, 2.0], "infflow": 0.0}),
    );
    same(
        fill(fill_growable, &grow, g(17.0, json!([1.0]))),
        json!({"low": 10.0, "binsize": 2.0, "values": [1.0, 0.0, 0.0, 1.0], "infflow": 0.0}),
    );
    // Empty values grow to the bin of x too (spec §25.2.6; see DEVIATIONS.md).
    same(
        fill(fill_growable, &grow, g(15.0, json!([]))),
        json!({"low": 10.0, "binsize": 2.0, "values": [0.0, 0.0, 1.0], "infflow": 0.0}),
    );
    same(
        fill(fill_growable, &grow, g(f64::INFINITY, json!([]))),
        json!({"low": 10.0, "binsize": 2.0, "values": [], "infflow": 1.0}),
    );
    fails(
        fill(
            fill_growable,
            &grow,
            (
                1.0,
                json!({"low": 10.0, "binsize": 0.0, "values": [], "infflow": 0.0}),
            ),
        ),
        HIST_SCALE,
    );
    fails(
        fill(fill_growable, &grow, g(1e300, json!([]))),
        (0, "result too large (more than 16777216 values)"),
    );

    let r =
        |x: f64, rs: Json, vals: Json| (x, json!({"ranges": rs, "values": vals, "underflow": 0.0}));
    // Overlapping ranges all count; a degenerate range [a, a] holds exactly a
    // (spec §25.2.6; see DEVIATIONS.md).
    same(
        fill(
            fill_ranges,
            &ranges,
            r(
                1.0,
                json!([[0.0, 2.0], [1.0, 3.0], [1.0, 1.0], [2.0, 2.0]]),
                json!([0.0, 0.0, 0.0, 0.0]),
            ),
        ),
        json!({"ranges": [[0.0, 2.0], [1.0, 3.0], [1.0, 1.0], [2.0, 2.0]], "values": [1.0, 1.0, 1.0, 0.0], "underflow": 0.0}),
    );
    same(
        fill(
            fill_ranges,
            &ranges,
            r(5.0, json!([[0.0, 2.0]]), json!([0.0])),
        ),
        json!({"ranges": [[0.0, 2.0]], "values": [0.0], "underflow": 1.0}),
    );
    fails(
        fill(fill_ranges, &ranges, r(1.0, json!([[0.0, 2.0]]), json!([]))),
        HIST_SIZE,
    );
    fails(
        fill(fill_ranges, &ranges, r(1.0, json!([[0.0]]), json!([0.0]))),
        HIST_RANGES,
    );
    fails(
        fill(
            fill_ranges,
            &ranges,
            r(1.0, json!([[2.0, 1.0]]), json!([0.0])),
        ),
        HIST_RANGES,
    );
    fails(
        fill(
            fill_ranges,
            &ranges,
            r(1.0, json!([[0.0, "inf"]]), json!([0.0])),
        ),
        HIST_RANGES,
    );

    // Check time: exactly one kind of histogram.
    let spec = |t: &Type| {
        specialize(
            &fx,
            histogram_method,
            0,
            vec![Type::Double, Type::Double, t.clone()],
        )
    };
    assert!(spec(&fixed).is_ok() && spec(&grow).is_ok() && spec(&ranges).is_ok());
    assert!(spec(&both).unwrap_err().contains("xor"));
}

#[test]
fn histograms_2d_and_counters() {
    let mut fx = Fixture::new();
    let t = record(
        &mut fx,
        "T",
        json!([{"name": "xnumbins", "type": "int"}, {"name": "xlow", "type": "double"}, {"name": "xhigh", "type": "double"}, {"name": "ynumbins", "type": "int"}, {"name": "ylow", "type": "double"}, {"name": "yhigh", "type": "double"}, {"name": "values", "type": {"type": "array", "items": {"type": "array", "items": "double"}}}, {"name": "overmidflow", "type": "double"}, {"name": "nanflow", "type": "double"}, {"name": "infflow", "type": "double"}]),
    );
    let h = |vals: Json| json!({"xnumbins": 2, "xlow": 0.0, "xhigh": 2.0, "ynumbins": 1, "ylow": 0.0, "yhigh": 1.0, "values": vals, "overmidflow": 0.0, "nanflow": 0.0, "infflow": 0.0});
    let fill = |x: f64, y: f64, state: Json| {
        with_state(&fx, fill_histogram_2d, &[d(x), d(y), d(1.0)], &t, state, &t)
    };
    let out = |vals: Json, omf: f64, nan: f64, inf: f64| json!({"xnumbins": 2, "xlow": 0.0, "xhigh": 2.0, "ynumbins": 1, "ylow": 0.0, "yhigh": 1.0, "values": vals, "overmidflow": omf, "nanflow": nan, "infflow": inf});
    same(
        fill(1.5, 0.5, h(json!([[0.0], [0.0]]))),
        out(json!([[0.0], [1.0]]), 0.0, 0.0, 0.0),
    );
    same(
        fill(2.5, 0.5, h(json!([[0.0], [0.0]]))),
        out(json!([[0.0], [0.0]]), 1.0, 0.0, 0.0),
    );
    // NaN wins over infinity; an infinity goes to infflow when there is one.
    same(
        fill(f64::INFINITY, f64::NAN, h(json!([[0.0], [0.0]]))),
        out(json!([[0.0], [0.0]]), 0.0, 1.0, 0.0),
    );
    same(
        fill(f64::INFINITY, 0.5, h(json!([[0.0], [0.0]]))),
        out(json!([[0.0], [0.0]]), 0.0, 0.0, 1.0),
    );
    // Unlisted counters (here: underunderflow) are simply not kept.
    same(
        fill(-1.0, -1.0, h(json!([[0.0], [0.0]]))),
        out(json!([[0.0], [0.0]]), 0.0, 0.0, 0.0),
    );
    fails(fill(1.0, 0.5, h(json!([[0.0]]))), HIST2D_SIZE);
    fails(fill(1.0, 0.5, h(json!([[0.0], [0.0, 0.0]]))), HIST2D_SIZE);
    fails(
        fill(
            1.0,
            0.5,
            json!({"xnumbins": 2, "xlow": 0.0, "xhigh": 0.0, "ynumbins": 1, "ylow": 0.0, "yhigh": 1.0, "values": [[0.0], [0.0]], "overmidflow": 0.0, "nanflow": 0.0, "infflow": 0.0}),
        ),
        HIST2D_RANGE,
    );
    fails(
        fill(
            1.0,
            0.5,
            json!({"xnumbins": 2, "xlow": 0.0, "xhigh": 2.0, "ynumbins": 0, "ylow": 0.0, "yhigh": 1.0, "values": [[], []], "overmidflow": 0.0, "nanflow": 0.0, "infflow": 0.0}),
        ),
        HIST2D_SCALE,
    );

    let c = record(
        &mut fx,
        "C",
        json!([{"name": "values", "type": {"type": "map", "values": "double"}}]),
    );
    let count = |x: &str, state: Json| {
        with_state(&fx, fill_counter, &[Value::str(x), d(2.0)], &c, state, &c)
    };
    same(
        count("a", json!({"values": {"a": 1.0}})),
        json!({"values": {"a": 3.0}}),
    );
    same(
        count("b", json!({"values": {"a": 1.0}})),
        json!({"values": {"a": 1.0, "b": 2.0}}),
    );
}

#[test]
fn top_n_keeps_the_n_largest() {
    let fx = Fixture::new();
    let run = |x: i32, top: &[i32], n: i32| {
        let less: Callback<'_> = Box::new(|a: &[Value]| match (&a[0], &a[1]) {
            (Value::Int(p), Value::Int(q)) => Ok(Value::Boolean(p < q)),
            _ => Err(PfaError::runtime(0, "not ints")),
        });
        let top = Value::array(top.iter().map(|i| Value::Int(*i)).collect());
        let t = Type::array(Type::Int);
        let got = fx
            .run(
                top_n,
                &[Type::Int, t.clone(), Type::Int, Type::Null],
                &[Value::Int(x), top, Value::Int(n), Value::Null],
                vec![(3, less)],
            )
            .unwrap();
        got.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap() as i32)
            .collect::<Vec<_>>()
    };
    assert_eq!(run(5, &[9, 7, 3, 1], 3), [9, 7, 5]);
    assert_eq!(run(0, &[9, 7, 3], 3), [9, 7, 3]);
    assert_eq!(run(0, &[9, 7], 3), [9, 7, 0]);
    // Equal items already there keep precedence.
    assert_eq!(run(7, &[9, 7, 3], 4), [9, 7, 7, 3]);
    assert_eq!(run(10, &[], 2), [10]);
    assert_eq!(run(10, &[9], 0), Vec::<i32>::new());
    assert_eq!(run(10, &[9], -1), Vec::<i32>::new());
}
