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
        if !(p > 0.0) {
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
