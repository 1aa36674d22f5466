//! Naive Bayes (spec §26.5): model.naive.*
//!
//! Each function gives the unscaled log-likelihood of a datum for one class. Models
//! may be arrays (matched by position) or maps (matched by key); map keys are visited in
//! key order.

use super::{arr, field, field_index, internal, map, num, rec, record_id};
use crate::error::PfaError;
use crate::library::args::{any, fail, ErrCode, Ret};
use crate::library::{Host, Registry};
use crate::types::Type;
use crate::value::{MapData, Value};

const GAUSSIAN_MISALIGNED: ErrCode = (10000, "datum and classModel misaligned");
const BAD_VARIANCE: ErrCode = (10001, "variance less than or equal to zero");
const MULTINOMIAL_MISALIGNED: ErrCode = (10010, "datum and classModel misaligned");
const BAD_MULTINOMIAL: ErrCode = (10011, "classModel must be non-empty and strictly positive");
const BAD_PROBABILITY: ErrCode = (
    10020,
    "probability in classModel must be strictly between 0 and 1",
);

/// Smallest positive normal double, added to normalized multinomial probabilities so
/// that a zero count does not give an infinite log-likelihood.
const TINY: f64 = f64::MIN_POSITIVE;

pub(super) fn register(r: &mut Registry) {
    r.def("model.naive.gaussian")
        .sig("(datum: array<double>, classModel: array<record A {mean: double, variance: double}>) -> double")
        .sig("(datum: map<double>, classModel: map<record A {mean: double, variance: double}>) -> double")
        .errors(&[GAUSSIAN_MISALIGNED, BAD_VARIANCE])
        .native(gaussian);
    r.def("model.naive.multinomial")
        .sig("(datum: array<double>, classModel: array<double>) -> double")
        .sig("(datum: map<double>, classModel: map<double>) -> double")
        .sig("(datum: array<double>, classModel: record C {values: array<double>}) -> double")
        .sig("(datum: map<double>, classModel: record C {values: map<double>}) -> double")
        .errors(&[MULTINOMIAL_MISALIGNED, BAD_MULTINOMIAL])
        .native(multinomial);
    r.def("model.naive.bernoulli")
        .sig("(datum: array<string>, classModel: map<double>) -> double")
        .sig("(datum: array<string>, classModel: record C {values: map<double>}) -> double")
        .errors(&[BAD_PROBABILITY])
        .native(bernoulli);
}

/// Whether two maps have exactly the same keys.
fn same_keys(x: &MapData, y: &MapData) -> bool {
    x.len() == y.len() && x.keys().zip(y.keys()).all(|(a, b)| a == b)
}

fn gaussian(host: &mut dyn Host, a: &[Value]) -> Ret {
    let t = record_id(host.arg_type(1))?;
    let types = host.types();
    let (mean_i, var_i) = (
        field_index(types, t, "mean")?,
        field_index(types, t, "variance")?,
    );
    let term = |x: &Value, m: &Value| -> Result<f64, PfaError> {
        let m = rec(m)?;
        let (mu, var) = (num(field(m, mean_i)?)?, num(field(m, var_i)?)?);
        if var <= 0.0 {
            return Err(fail(BAD_VARIANCE));
        }
        let d = num(x)? - mu;
        Ok(-0.5 * (2.0 * std::f64::consts::PI * var).ln() - 0.5 * (d * d / var))
    };
    let mut ll = 0.0;
    match (any(a, 0)?, any(a, 1)?) {
        (Value::Array(x), Value::Array(m)) => {
            if x.len() != m.len() {
                return Err(fail(GAUSSIAN_MISALIGNED));
            }
            for (x, m) in x.iter().zip(m.iter()) {
                ll += term(x, m)?;
            }
        }
        (Value::Map(x), Value::Map(m)) => {
            if !same_keys(x, m) {
                return Err(fail(GAUSSIAN_MISALIGNED));
            }
            for (x, m) in x.values().zip(m.values()) {
                ll += term(x, m)?;
            }
        }
        _ => return Err(internal("datum and classModel of different kinds")),
    }
    Ok(Value::Double(ll))
}

/// The class model itself, or its `values` field in the record form.
fn class_model<'a>(host: &dyn Host, v: &'a Value) -> Result<&'a Value, PfaError> {
    match host.arg_type(1) {
        Type::Record(t) => {
            let i = field_index(host.types(), *t, "values")?;
            field(rec(v)?, i)
        }
        _ => Ok(v),
    }
}

fn multinomial(host: &mut dyn Host, a: &[Value]) -> Ret {
    let model = class_model(host, any(a, 1)?)?;
    let mut ll = 0.0;
    match (any(a, 0)?, model) {
        (Value::Array(x), Value::Array(m)) => {
            let total = positive_total(m.iter())?;
            if x.len() != m.len() {
                return Err(fail(MULTINOMIAL_MISALIGNED));
            }
            for (x, p) in x.iter().zip(m.iter()) {
                ll += num(x)? * (num(p)? / total + TINY).ln();
            }
        }
        (Value::Map(x), Value::Map(m)) => {
            let total = positive_total(m.values())?;
            if !same_keys(x, m) {
                return Err(fail(MULTINOMIAL_MISALIGNED));
            }
            for (x, p) in x.values().zip(m.values()) {
                ll += num(x)? * (num(p)? / total + TINY).ln();
            }
        }
        _ => return Err(internal("datum and classModel of different kinds")),
    }
    Ok(Value::Double(ll))
}

/// The sum of a multinomial class model, which must be non-empty and strictly
/// positive (a NaN is not positive).
fn positive_total<'a>(items: impl Iterator<Item = &'a Value>) -> Result<f64, PfaError> {
    let mut total = 0.0;
    let mut count = 0usize;
    for p in items {
        let p = num(p)?;
        if p.is_nan() || p <= 0.0 {
            return Err(fail(BAD_MULTINOMIAL));
        }
        total += p;
        count += 1;
    }
    if count == 0 {
        return Err(fail(BAD_MULTINOMIAL));
    }
    Ok(total)
}

fn bernoulli(host: &mut dyn Host, a: &[Value]) -> Ret {
    let model = map(class_model(host, any(a, 1)?)?)?;
    let mut ll = 0.0;
    for p in model.values() {
        let p = num(p)?;
        if !(p > 0.0 && p < 1.0) {
            return Err(fail(BAD_PROBABILITY));
        }
        ll += (1.0 - p).ln();
    }
    for item in arr(any(a, 0)?)? {
        let key = item
            .as_str()
            .ok_or_else(|| internal("datum item is not a string"))?;
        if let Some(p) = model.get(key) {
            let p = num(p)?;
            ll += p.ln() - (1.0 - p).ln();
        }
    }
    Ok(Value::Double(ll))
}

#[cfg(test)]
mod tests {
    // Case tables are tuples, one line per case.
    #![allow(clippy::type_complexity)]

    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{assert_double, assert_err, code, Fixture};

    const LN_2PI: f64 = 1.837_877_066_409_345_5;

    #[test]
    fn gaussian_arrays_and_maps() {
        let mut fx = Fixture::new();
        let a = fx.ty(json!({"type": "record", "name": "A", "fields": [
            {"name": "variance", "type": "double"}, {"name": "mean", "type": "double"}]}));
        let at = [Type::array(Type::Double), Type::array(a.clone())];
        let mt = [Type::map(Type::Double), Type::map(a.clone())];
        // One term: -ln(2π v)/2 - (x - m)²/(2v).
        let term = |x: f64, m: f64, v: f64| -0.5 * (LN_2PI + v.ln()) - 0.5 * (x - m) * (x - m) / v;
        let cases: Vec<(serde_json::Value, serde_json::Value, Result<f64, i32>)> = vec![
            (
                json!([1.0]),
                json!([{"mean": 0.0, "variance": 1.0}]),
                Ok(term(1.0, 0.0, 1.0)),
            ),
            (
                json!([1.0, 2.0]),
                json!([{"mean": 0.0, "variance": 1.0}, {"mean": 3.0, "variance": 4.0}]),
                Ok(term(1.0, 0.0, 1.0) + term(2.0, 3.0, 4.0)),
            ),
            (json!([]), json!([]), Ok(0.0)),
            (json!([1.0]), json!([]), Err(10000)),
            (
                json!([1.0]),
                json!([{"mean": 0.0, "variance": 0.0}]),
                Err(10001),
            ),
            (
                json!([1.0]),
                json!([{"mean": 0.0, "variance": -1.0}]),
                Err(10001),
            ),
        ];
        for (x, m, want) in cases {
            let r = fx.run(
                gaussian,
                &at,
                &[fx.val(x, &at[0]), fx.val(m, &at[1])],
                vec![],
            );
            match want {
                Ok(w) => assert_double(r, w),
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        let cases: Vec<(serde_json::Value, serde_json::Value, Result<f64, i32>)> = vec![
            (
                json!({"a": 1.0, "b": 2.0}),
                json!({"b": {"mean": 3.0, "variance": 4.0}, "a": {"mean": 0.0, "variance": 1.0}}),
                Ok(term(1.0, 0.0, 1.0) + term(2.0, 3.0, 4.0)),
            ),
            (
                json!({"a": 1.0}),
                json!({"b": {"mean": 0.0, "variance": 1.0}}),
                Err(10000),
            ),
            (
                json!({"a": 1.0}),
                json!({"a": {"mean": 0.0, "variance": 1.0}, "b": {"mean": 0.0, "variance": 1.0}}),
                Err(10000),
            ),
            (
                json!({"a": 1.0}),
                json!({"a": {"mean": 0.0, "variance": 0.0}}),
                Err(10001),
            ),
        ];
        for (x, m, want) in cases {
            let r = fx.run(
                gaussian,
                &mt,
                &[fx.val(x, &mt[0]), fx.val(m, &mt[1])],
                vec![],
            );
            match want {
                Ok(w) => assert_double(r, w),
                Err(c) => assert_eq!(code(&r), Some(c)),
            }
        }
        let r = fx.run(
            gaussian,
            &at,
            &[fx.val(json!([1.0]), &at[0]), fx.val(json!([]), &at[1])],
            vec![],
        );
        assert_err(r, (10000, "datum and classModel misaligned"));
        let bad = fx.val(json!([{"mean": 0.0, "variance": 0.0}]), &at[1]);
        let r = fx.run(gaussian, &at, &[fx.val(json!([1.0]), &at[0]), bad], vec![]);
        assert_err(r, (10001, "variance less than or equal to zero"));
    }

    #[test]
    fn multinomial_all_forms() {
        let mut fx = Fixture::new();
        let c = fx.ty(json!({"type": "record", "name": "C", "fields": [
            {"name": "values", "type": {"type": "array", "items": "double"}}]}));
        let cm = fx.ty(json!({"type": "record", "name": "CM", "fields": [
            {"name": "values", "type": {"type": "map", "values": "double"}}]}));
        let ad = Type::array(Type::Double);
        let md = Type::map(Type::Double);
        // 2·ln(1/4) + 1·ln(3/4), probabilities normalized from counts.
        let want = 2.0 * (0.25f64 + f64::MIN_POSITIVE).ln() + (0.75f64).ln();
        let runs: Vec<([Type; 2], serde_json::Value, serde_json::Value)> = vec![
            (
                [ad.clone(), ad.clone()],
                json!([2.0, 1.0]),
                json!([1.0, 3.0]),
            ),
            (
                [ad.clone(), c.clone()],
                json!([2.0, 1.0]),
                json!({"values": [1.0, 3.0]}),
            ),
            (
                [md.clone(), md.clone()],
                json!({"a": 2.0, "b": 1.0}),
                json!({"b": 3.0, "a": 1.0}),
            ),
            (
                [md.clone(), cm.clone()],
                json!({"a": 2.0, "b": 1.0}),
                json!({"values": {"a": 1.0, "b": 3.0}}),
            ),
        ];
        for (t, x, m) in runs {
            let r = fx.run(
                multinomial,
                &t,
                &[fx.val(x, &t[0]), fx.val(m, &t[1])],
                vec![],
            );
            assert_double(r, want);
        }
        let cases: Vec<([Type; 2], serde_json::Value, serde_json::Value, (i32, &str))> = vec![
            (
                [ad.clone(), ad.clone()],
                json!([1.0]),
                json!([1.0, 2.0]),
                (10010, "datum and classModel misaligned"),
            ),
            (
                [md.clone(), md.clone()],
                json!({"a": 1.0}),
                json!({"b": 1.0}),
                (10010, "datum and classModel misaligned"),
            ),
            (
                [ad.clone(), ad.clone()],
                json!([]),
                json!([]),
                (10011, "classModel must be non-empty and strictly positive"),
            ),
            (
                [ad.clone(), ad.clone()],
                json!([1.0, 1.0]),
                json!([1.0, 0.0]),
                (10011, "classModel must be non-empty and strictly positive"),
            ),
            (
                [ad.clone(), c.clone()],
                json!([1.0]),
                json!({"values": ["nan"]}),
                (10011, "classModel must be non-empty and strictly positive"),
            ),
            (
                [md.clone(), cm.clone()],
                json!({}),
                json!({"values": {}}),
                (10011, "classModel must be non-empty and strictly positive"),
            ),
            // Positivity is checked before alignment.
            (
                [ad.clone(), ad.clone()],
                json!([1.0]),
                json!([-1.0, 2.0]),
                (10011, "classModel must be non-empty and strictly positive"),
            ),
        ];
        for (t, x, m, want) in cases {
            let r = fx.run(
                multinomial,
                &t,
                &[fx.val(x, &t[0]), fx.val(m, &t[1])],
                vec![],
            );
            assert_err(r, want);
        }
    }

    #[test]
    fn bernoulli_both_forms() {
        let mut fx = Fixture::new();
        let c = fx.ty(json!({"type": "record", "name": "C", "fields": [
            {"name": "values", "type": {"type": "map", "values": "double"}}]}));
        let datum = Type::array(Type::String);
        let md = Type::map(Type::Double);
        let (pa, pb) = (0.2f64, 0.6f64);
        let base = (1.0 - pa).ln() + (1.0 - pb).ln();
        let odds = |p: f64| p.ln() - (1.0 - p).ln();
        let cases: Vec<(serde_json::Value, f64)> = vec![
            (json!([]), base),
            (json!(["a"]), base + odds(pa)),
            (json!(["a", "b", "zzz"]), base + odds(pa) + odds(pb)),
            (json!(["b", "b"]), base + 2.0 * odds(pb)),
        ];
        for (x, want) in cases {
            let m = fx.val(json!({"a": pa, "b": pb}), &md);
            let r = fx.run(
                bernoulli,
                &[datum.clone(), md.clone()],
                &[fx.val(x.clone(), &datum), m],
                vec![],
            );
            assert_double(r, want);
            let m = fx.val(json!({"values": {"a": pa, "b": pb}}), &c);
            let r = fx.run(
                bernoulli,
                &[datum.clone(), c.clone()],
                &[fx.val(x, &datum), m],
                vec![],
            );
            assert_double(r, want);
        }
        for bad in [
            json!(0.0),
            json!(1.0),
            json!(-0.5),
            json!(2.0),
            json!("nan"),
        ] {
            let m = fx.val(json!({"a": 0.5, "b": bad}), &md);
            let r = fx.run(
                bernoulli,
                &[datum.clone(), md.clone()],
                &[fx.val(json!(["a"]), &datum), m],
                vec![],
            );
            assert_err(
                r,
                (
                    10020,
                    "probability in classModel must be strictly between 0 and 1",
                ),
            );
        }
    }
}
