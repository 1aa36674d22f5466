//! Statistical tests (spec §25.1): stat.test.*

use std::sync::Arc;

use super::super::args::{self, any, fail, ErrCode, Ret};
use super::super::la::{by_sig, quadratic_form, square_from_map, square_from_rows};
use super::super::model::{arr, map, num, rec};
use super::super::{Host, Registry};
use super::gamma::lower_gamma_regularized;
use super::{get_f64, get_i32, replaced, required};
use crate::error::PfaError;
use crate::value::{MapData, Value};

const RESIDUAL_MISALIGNED: ErrCode = (38010, "misaligned prediction");
const PULL_MISALIGNED: ErrCode = (38020, "misaligned prediction");
const PULL_UNCERTAINTY: ErrCode = (38021, "misaligned uncertainty");
const MAHALANOBIS_TOO_FEW: ErrCode = (38030, "too few rows/cols");
const MAHALANOBIS_PREDICTION: ErrCode = (38031, "misaligned prediction");
const MAHALANOBIS_COVARIANCE: ErrCode = (38032, "misaligned covariance");
const CHI2_INVALID: ErrCode = (38060, "invalid parameterization");

const CHI2_STATE: &str = "record A {chi2: double, dof: int}";

/// Registers stat.test.*.
pub(super) fn register(r: &mut Registry) {
    r.def("stat.test.kolmogorov")
        .sig("(x: array<double>, y: array<double>) -> double")
        .native(kolmogorov);
    r.def("stat.test.residual")
        .sig("(observation: double, prediciton: double) -> double")
        .sig("(observation: array<double>, prediciton: array<double>) -> array<double>")
        .sig("(observation: map<double>, prediciton: map<double>) -> map<double>")
        .errors(&[RESIDUAL_MISALIGNED])
        .specialize(|s| by_sig(s, &[residual_d, residual_a, residual_m]));
    r.def("stat.test.pull")
        .sig("(observation: double, prediciton: double, uncertainty: double) -> double")
        .sig("(observation: array<double>, prediciton: array<double>, uncertainty: array<double>) -> array<double>")
        .sig("(observation: map<double>, prediciton: map<double>, uncertainty: map<double>) -> map<double>")
        .errors(&[PULL_MISALIGNED, PULL_UNCERTAINTY])
        .specialize(|s| by_sig(s, &[pull_d, pull_a, pull_m]));
    r.def("stat.test.mahalanobis")
        .sig("(observation: array<double>, prediction: array<double>, covariance: array<array<double>>) -> double")
        .sig("(observation: map<double>, prediction: map<double>, covariance: map<map<double>>) -> double")
        .errors(&[
            MAHALANOBIS_TOO_FEW,
            MAHALANOBIS_PREDICTION,
            MAHALANOBIS_COVARIANCE,
        ])
        .specialize(|s| by_sig(s, &[mahalanobis_a, mahalanobis_m]));
    r.def("stat.test.updateChi2")
        .sig(&format!("(pull: double, state: {CHI2_STATE}) -> A"))
        .sig(&format!("(pull: array<double>, state: {CHI2_STATE}) -> A"))
        .sig(&format!("(pull: map<double>, state: {CHI2_STATE}) -> A"))
        .specialize(|s| by_sig(s, &[update_chi2_d, update_chi2_a, update_chi2_m]));
    r.def("stat.test.reducedChi2")
        .sig(&format!("(state: {CHI2_STATE}) -> double"))
        .native(reduced_chi2);
    r.def("stat.test.chi2Prob")
        .sig(&format!("(state: {CHI2_STATE}) -> double"))
        .errors(&[CHI2_INVALID])
        .native(chi2_prob);
}

// ---------------------------------------------------------------------------------------
// §25.1.1 Kolmogorov-Smirnov test

/// The non-NaN values of an array, sorted.
fn sorted_numbers(v: &Value) -> Result<Vec<f64>, PfaError> {
    let mut out = Vec::new();
    for x in arr(v)? {
        let x = num(x)?;
        if !x.is_nan() {
            out.push(x);
        }
    }
    out.sort_by(f64::total_cmp);
    Ok(out)
}

/// The Kolmogorov distribution's CDF, by the series
/// `sqrt(2 pi)/z * sum_{k>=1} exp(-(2k-1)^2 pi^2 / (8 z^2))`, summed over the first 149
/// terms as the reference implementations do (the terms vanish long before for the
/// statistics a comparison produces).
fn kolmogorov_cdf(z: f64) -> f64 {
    use std::f64::consts::PI;
    let factor = (2.0 * PI).sqrt() * (1.0 / z);
    let mut sum = 0.0;
    for k in 1..150 {
        let odd = 2.0 * f64::from(k) - 1.0;
        sum += (-(odd * odd) * ((PI * PI) / (8.0 * (z * z)))).exp();
    }
    factor * sum
}

fn kolmogorov(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = sorted_numbers(any(a, 0)?)?;
    let y = sorted_numbers(any(a, 1)?)?;
    if x == y {
        return Ok(Value::Double(1.0));
    }
    if x.is_empty() || y.is_empty() {
        return Ok(Value::Double(0.0));
    }
    // The largest distance between the two empirical CDFs.
    let (n1, n2) = (x.len() as f64, y.len() as f64);
    let (mut j1, mut j2) = (0, 0);
    let (mut f1, mut f2, mut d) = (0.0, 0.0, 0.0_f64);
    while let (Some(&d1), Some(&d2)) = (x.get(j1), y.get(j2)) {
        if d1 <= d2 {
            j1 += 1;
            f1 = j1 as f64 / n1;
        }
        if d2 <= d1 {
            j2 += 1;
            f2 = j2 as f64 / n2;
        }
        let dt = (f2 - f1).abs();
        if dt > d {
            d = dt;
        }
    }
    let en = ((n1 * n2) / (n1 + n2)).sqrt();
    let statistic = (en + 0.12 + 0.11 / en) * d;
    if statistic <= 0.0 {
        return Ok(Value::Double(1.0));
    }
    Ok(Value::Double(1.0 - kolmogorov_cdf(statistic)))
}

// ---------------------------------------------------------------------------------------
// §25.1.2-3 Residuals and pulls

fn residual_d(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(args::double(a, 0)? - args::double(a, 1)?))
}

fn residual_a(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?);
    if o.len() != p.len() {
        return Err(fail(RESIDUAL_MISALIGNED));
    }
    let mut out = Vec::with_capacity(o.len());
    for (x, y) in o.iter().zip(p) {
        out.push(Value::Double(num(x)? - num(y)?));
    }
    Ok(Value::array(out))
}

/// Whether two maps have the same keys.
fn same_keys(x: &MapData, y: &MapData) -> bool {
    x.len() == y.len() && x.keys().zip(y.keys()).all(|(p, q)| p == q)
}

fn residual_m(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p) = (map(any(a, 0)?)?, map(any(a, 1)?)?);
    if !same_keys(o, p) {
        return Err(fail(RESIDUAL_MISALIGNED));
    }
    let mut out = MapData::new();
    for ((k, x), y) in o.iter().zip(p.values()) {
        out.insert(Arc::clone(k), Value::Double(num(x)? - num(y)?));
    }
    Ok(Value::Map(Arc::new(out)))
}

fn pull_d(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p, u) = (
        args::double(a, 0)?,
        args::double(a, 1)?,
        args::double(a, 2)?,
    );
    Ok(Value::Double((o - p) / u))
}

fn pull_a(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p, u) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?, arr(any(a, 2)?)?);
    if o.len() != p.len() {
        return Err(fail(PULL_MISALIGNED));
    }
    if o.len() != u.len() {
        return Err(fail(PULL_UNCERTAINTY));
    }
    let mut out = Vec::with_capacity(o.len());
    for ((x, y), z) in o.iter().zip(p).zip(u) {
        out.push(Value::Double((num(x)? - num(y)?) / num(z)?));
    }
    Ok(Value::array(out))
}

fn pull_m(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p, u) = (map(any(a, 0)?)?, map(any(a, 1)?)?, map(any(a, 2)?)?);
    if !same_keys(o, p) {
        return Err(fail(PULL_MISALIGNED));
    }
    if !same_keys(o, u) {
        return Err(fail(PULL_UNCERTAINTY));
    }
    let mut out = MapData::new();
    for (((k, x), y), z) in o.iter().zip(p.values()).zip(u.values()) {
        out.insert(Arc::clone(k), Value::Double((num(x)? - num(y)?) / num(z)?));
    }
    Ok(Value::Map(Arc::new(out)))
}

// ---------------------------------------------------------------------------------------
// §25.1.4 Mahalanobis distance

/// `sqrt(d^T C^-1 d)`; NaN if the quadratic form is negative (C not positive definite)
/// or C is singular.
fn mahalanobis(c: nalgebra::DMatrix<f64>, d: &[f64]) -> Value {
    let squared = quadratic_form(c, d);
    Value::Double(if squared < 0.0 {
        f64::NAN
    } else {
        squared.sqrt()
    })
}

fn mahalanobis_a(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p, c) = (arr(any(a, 0)?)?, arr(any(a, 1)?)?, arr(any(a, 2)?)?);
    let n = o.len();
    if n < 1 {
        return Err(fail(MAHALANOBIS_TOO_FEW));
    }
    if p.len() != n {
        return Err(fail(MAHALANOBIS_PREDICTION));
    }
    if c.len() != n {
        return Err(fail(MAHALANOBIS_COVARIANCE));
    }
    for row in c {
        if arr(row)?.len() != n {
            return Err(fail(MAHALANOBIS_COVARIANCE));
        }
    }
    let mut d = Vec::with_capacity(n);
    for (x, y) in o.iter().zip(p) {
        d.push(num(x)? - num(y)?);
    }
    Ok(mahalanobis(square_from_rows(c, n)?, &d))
}

fn mahalanobis_m(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (o, p, c) = (map(any(a, 0)?)?, map(any(a, 1)?)?, map(any(a, 2)?)?);
    if o.is_empty() {
        return Err(fail(MAHALANOBIS_TOO_FEW));
    }
    if !same_keys(o, p) {
        return Err(fail(MAHALANOBIS_PREDICTION));
    }
    // The covariance needs an entry for every pair of the observation's keys; others
    // are ignored.
    for k in o.keys() {
        let row = map(c.get(k).ok_or_else(|| fail(MAHALANOBIS_COVARIANCE))?)?;
        if !o.keys().all(|j| row.contains_key(j)) {
            return Err(fail(MAHALANOBIS_COVARIANCE));
        }
    }
    let keys: Vec<&Arc<str>> = o.keys().collect();
    let mut d = Vec::with_capacity(keys.len());
    for (x, y) in o.values().zip(p.values()) {
        d.push(num(x)? - num(y)?);
    }
    Ok(mahalanobis(square_from_map(c, &keys)?, &d))
}

// ---------------------------------------------------------------------------------------
// §25.1.5-7 Chi-square

/// The record's `chi2` and `dof` field positions and values.
fn chi2_state(v: &Value, host: &dyn Host) -> Result<([usize; 2], f64, i32), PfaError> {
    let r = rec(v)?;
    let types = host.types();
    let (ci, di) = (
        required(types, r.ty, "chi2")?,
        required(types, r.ty, "dof")?,
    );
    Ok(([ci, di], get_f64(r, ci)?, get_i32(r, di)?))
}

/// Adds `squares` to the chi-square and one degree of freedom.
fn update_chi2(host: &dyn Host, state: &Value, squares: f64) -> Ret {
    let ([ci, di], chi2, dof) = chi2_state(state, host)?;
    let dof = dof
        .checked_add(1)
        .ok_or_else(|| PfaError::runtime(0, "int overflow"))?;
    replaced(
        rec(state)?,
        [(ci, Value::Double(chi2 + squares)), (di, Value::Int(dof))],
    )
}

/// The sum of the squares of some numbers, in order.
fn sum_of_squares<'a>(xs: impl IntoIterator<Item = &'a Value>) -> Result<f64, PfaError> {
    let mut sum = 0.0;
    for x in xs {
        let x = num(x)?;
        sum += x * x;
    }
    Ok(sum)
}

fn update_chi2_d(host: &mut dyn Host, a: &[Value]) -> Ret {
    let pull = args::double(a, 0)?;
    update_chi2(host, any(a, 1)?, pull * pull)
}

fn update_chi2_a(host: &mut dyn Host, a: &[Value]) -> Ret {
    let squares = sum_of_squares(arr(any(a, 0)?)?)?;
    update_chi2(host, any(a, 1)?, squares)
}

fn update_chi2_m(host: &mut dyn Host, a: &[Value]) -> Ret {
    let squares = sum_of_squares(map(any(a, 0)?)?.values())?;
    update_chi2(host, any(a, 1)?, squares)
}

fn reduced_chi2(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (_, chi2, dof) = chi2_state(any(a, 0)?, host)?;
    Ok(Value::Double(chi2 / f64::from(dof)))
}

fn chi2_prob(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (_, chi2, dof) = chi2_state(any(a, 0)?, host)?;
    if dof < 0 {
        return Err(fail(CHI2_INVALID));
    }
    let p = if dof == 0 {
        // A distribution concentrated at zero.
        if chi2 > 0.0 {
            1.0
        } else {
            0.0
        }
    } else if chi2.is_nan() {
        f64::NAN
    } else {
        lower_gamma_regularized(f64::from(dof) / 2.0, chi2 / 2.0)
    };
    Ok(Value::Double(p))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::library::model::testing::{assert_double, assert_err, dm, doubles_of, dv, Fixture};
    use crate::types::Type;

    fn d(x: f64) -> Value {
        Value::Double(x)
    }

    fn dmap(entries: &[(&str, f64)]) -> Value {
        Value::Map(Arc::new(
            entries
                .iter()
                .map(|(k, x)| (Arc::from(*k), d(*x)))
                .collect(),
        ))
    }

    fn run(f: crate::library::NativeFn, args: &[Value]) -> Ret {
        Fixture::new().run(f, &[], args, Vec::new())
    }

    #[test]
    fn kolmogorov_smirnov() {
        let ks = |x: &[f64], y: &[f64]| run(kolmogorov, &[dv(x), dv(y)]);
        assert_double(ks(&[], &[]), 1.0);
        assert_double(ks(&[f64::NAN], &[]), 1.0);
        assert_double(ks(&[1.0, 2.0], &[2.0, 1.0, f64::NAN]), 1.0);
        assert_double(ks(&[], &[1.0]), 0.0);
        // Recorded by the reference implementation.
        assert_double(ks(&[0.0], &[1e-05, 0.99999]), 0.201_312_970_645_418_53);
        let far = ks(&[1.0, 2.0, 3.0, 4.0, 5.0], &[11.0, 12.0, 13.0, 14.0, 15.0]);
        assert!(matches!(far, Ok(Value::Double(p)) if p < 0.01));
    }

    #[test]
    fn residuals_and_pulls() {
        assert_double(run(residual_d, &[d(3.0), d(5.0)]), -2.0);
        assert_eq!(
            doubles_of(run(residual_a, &[dv(&[3.0, 1.0]), dv(&[1.0, 1.0])])),
            [2.0, 0.0]
        );
        assert_err(
            run(residual_a, &[dv(&[3.0]), dv(&[1.0, 1.0])]),
            RESIDUAL_MISALIGNED,
        );
        let r = run(residual_m, &[dmap(&[("a", 3.0)]), dmap(&[("a", 1.0)])]).unwrap();
        assert_eq!(map(&r).unwrap().get("a").and_then(Value::as_f64), Some(2.0));
        assert_err(
            run(residual_m, &[dmap(&[("a", 3.0)]), dmap(&[("b", 1.0)])]),
            RESIDUAL_MISALIGNED,
        );

        assert_double(run(pull_d, &[d(3.0), d(5.0), d(4.0)]), -0.5);
        assert_double(run(pull_d, &[d(3.0), d(3.0), d(0.0)]), f64::NAN);
        assert_eq!(
            doubles_of(run(pull_a, &[dv(&[3.0]), dv(&[1.0]), dv(&[4.0])])),
            [0.5]
        );
        assert_err(
            run(pull_a, &[dv(&[3.0]), dv(&[]), dv(&[4.0])]),
            PULL_MISALIGNED,
        );
        assert_err(
            run(pull_a, &[dv(&[3.0]), dv(&[1.0]), dv(&[])]),
            PULL_UNCERTAINTY,
        );
        let (o, p) = (dmap(&[("a", 3.0)]), dmap(&[("a", 1.0)]));
        let r = run(pull_m, &[o.clone(), p.clone(), dmap(&[("a", 4.0)])]).unwrap();
        assert_eq!(map(&r).unwrap().get("a").and_then(Value::as_f64), Some(0.5));
        assert_err(
            run(pull_m, &[o.clone(), dmap(&[]), dmap(&[("a", 4.0)])]),
            PULL_MISALIGNED,
        );
        assert_err(run(pull_m, &[o, p, dmap(&[("b", 4.0)])]), PULL_UNCERTAINTY);
    }

    #[test]
    fn mahalanobis_distances() {
        let c = dm(&[&[4.0, 0.0], &[0.0, 1.0]]);
        assert_double(
            run(
                mahalanobis_a,
                &[dv(&[2.0, 3.0]), dv(&[0.0, 0.0]), c.clone()],
            ),
            10.0_f64.sqrt(),
        );
        // Recorded by the reference implementation (a covariance that is not symmetric).
        let cov = dm(&[
            &[0.16, 1.15, -0.23],
            &[-0.27, 0.3, -0.24],
            &[0.03, -1.66, -1.07],
        ]);
        assert_double(
            run(
                mahalanobis_a,
                &[dv(&[1.0, 2.0, 3.0]), dv(&[2.0, -1.0, 0.0]), cov],
            ),
            0.143_109_073_639_234_28,
        );
        // Not positive definite: the square is negative.
        assert_double(
            run(mahalanobis_a, &[dv(&[1.0]), dv(&[0.0]), dm(&[&[-1.0]])]),
            f64::NAN,
        );
        assert_double(
            run(mahalanobis_a, &[dv(&[1.0]), dv(&[0.0]), dm(&[&[0.0]])]),
            f64::NAN,
        );
        assert_err(
            run(mahalanobis_a, &[dv(&[]), dv(&[]), dm(&[])]),
            MAHALANOBIS_TOO_FEW,
        );
        assert_err(
            run(mahalanobis_a, &[dv(&[1.0]), dv(&[]), c.clone()]),
            MAHALANOBIS_PREDICTION,
        );
        assert_err(
            run(
                mahalanobis_a,
                &[dv(&[1.0, 2.0]), dv(&[1.0, 2.0]), dm(&[&[1.0, 0.0], &[1.0]])],
            ),
            MAHALANOBIS_COVARIANCE,
        );
        assert_err(
            run(mahalanobis_a, &[dv(&[1.0]), dv(&[1.0]), c]),
            MAHALANOBIS_COVARIANCE,
        );

        let fx = Fixture::new();
        let mm = Type::map(Type::map(Type::Double));
        let cm = fx.val(
            json!({"a": {"a": 4.0, "b": 0.0, "z": 7.0}, "b": {"a": 0.0, "b": 1.0}}),
            &mm,
        );
        let o = dmap(&[("a", 2.0), ("b", 3.0)]);
        let p = dmap(&[("a", 0.0), ("b", 0.0)]);
        assert_double(
            run(mahalanobis_m, &[o.clone(), p.clone(), cm.clone()]),
            10.0_f64.sqrt(),
        );
        assert_err(
            run(mahalanobis_m, &[dmap(&[]), dmap(&[]), cm.clone()]),
            MAHALANOBIS_TOO_FEW,
        );
        assert_err(
            run(mahalanobis_m, &[o.clone(), dmap(&[("a", 0.0)]), cm]),
            MAHALANOBIS_PREDICTION,
        );
        let missing = fx.val(json!({"a": {"a": 4.0}, "b": {"a": 0.0, "b": 1.0}}), &mm);
        assert_err(run(mahalanobis_m, &[o, p, missing]), MAHALANOBIS_COVARIANCE);
    }

    #[test]
    fn chi_square() {
        let mut fx = Fixture::new();
        let t = fx.ty(json!({"type": "record", "name": "S", "fields": [{"name": "dof", "type": "int"}, {"name": "chi2", "type": "double"}, {"name": "note", "type": "string"}]}));
        let Type::Record(id) = t else {
            panic!("a record type")
        };
        let state = |chi2: f64, dof: i32| {
            Value::record(id, vec![Value::Int(dof), d(chi2), Value::str("n")])
        };
        let go = |f: crate::library::NativeFn, args: &[Value]| fx.run(f, &[], args, Vec::new());
        let updated = go(update_chi2_d, &[d(2.0), state(1.0, 3)]).unwrap();
        assert_eq!(
            fx.json(&updated, &t),
            json!({"dof": 4, "chi2": 5.0, "note": "n"})
        );
        let updated = go(update_chi2_a, &[dv(&[1.0, 2.0]), state(1.0, 3)]).unwrap();
        assert_eq!(
            fx.json(&updated, &t),
            json!({"dof": 4, "chi2": 6.0, "note": "n"})
        );
        let updated = go(update_chi2_m, &[dmap(&[("a", 3.0)]), state(0.0, 0)]).unwrap();
        assert_eq!(
            fx.json(&updated, &t),
            json!({"dof": 1, "chi2": 9.0, "note": "n"})
        );
        assert_double(go(reduced_chi2, &[state(6.0, 4)]), 1.5);
        assert_double(go(reduced_chi2, &[state(0.0, 0)]), f64::NAN);
        assert_double(go(reduced_chi2, &[state(1.0, 0)]), f64::INFINITY);
        assert_double(go(chi2_prob, &[state(11.070_497_693_516_35, 5)]), 0.95);
        assert_double(go(chi2_prob, &[state(2.0, 2)]), 1.0 - (-1.0_f64).exp());
        assert_double(go(chi2_prob, &[state(0.5, 0)]), 1.0);
        assert_double(go(chi2_prob, &[state(0.0, 0)]), 0.0);
        assert_double(go(chi2_prob, &[state(-1.0, 3)]), 0.0);
        assert_double(go(chi2_prob, &[state(f64::NAN, 3)]), f64::NAN);
        assert_double(go(chi2_prob, &[state(f64::INFINITY, 3)]), 1.0);
        assert_err(go(chi2_prob, &[state(1.0, -1)]), CHI2_INVALID);
    }
}
