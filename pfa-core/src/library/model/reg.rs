//! Regression (spec §26.1): model.reg.*
//!
//! Vectors and matrices come as arrays (dense, indexes must line up) or maps (sparse,
//! a missing entry is zero). The map forms compute every product the dense formula
//! has, so `0 × ∞` terms give NaN exactly as a dense evaluation would.
//!
//! `residual`, `pull`, `mahalanobis`, `updateChi2`, `reducedChi2` and `chi2Prob` are
//! deprecated since PFA 0.7.2 (replaced by `stat.test.*`) but still accepted.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{arr, doubles, field, field_indexes, internal, map, num, rec, record_id};
use crate::error::PfaError;
use crate::library::args::{self, any, fail, ErrCode, Ret};
use crate::library::stat::gamma::lower_gamma_regularized;
use crate::library::{Host, NativeFn, Registry, Spec};
use crate::value::{MapData, Record, Value};

const MISALIGNED_COEFF: ErrCode = (31000, "misaligned coeff");
const MISALIGNED_CONST: ErrCode = (31001, "misaligned const");
const MISALIGNED_COVARIANCE: ErrCode = (31010, "misaligned covariance");
const RESIDUAL_MISALIGNED: ErrCode = (31020, "misaligned prediction");
const PULL_MISALIGNED_PREDICTION: ErrCode = (31030, "misaligned prediction");
const PULL_MISALIGNED_UNCERTAINTY: ErrCode = (31031, "misaligned uncertainty");
const MAHALANOBIS_TOO_FEW: ErrCode = (31040, "too few rows/cols");
const MAHALANOBIS_PREDICTION: ErrCode = (31041, "misaligned prediction");
const MAHALANOBIS_COVARIANCE: ErrCode = (31042, "misaligned covariance");
const CHI2_INVALID: ErrCode = (31070, "invalid parameterization");
const GP_EMPTY_TABLE: ErrCode = (31080, "table must have at least 1 entry");
const GP_EMPTY_X: ErrCode = (31081, "x must have at least 1 feature");
const GP_FEATURES: ErrCode = (31082, "table must have the same number of features as x");
const GP_EMPTY_TO: ErrCode = (31083, "table outputs must have at least 1 dimension");
const GP_OUTPUTS: ErrCode = (
    31084,
    "table outputs must all have the same number of dimensions",
);
const GP_X_NOT_FINITE: ErrCode = (31085, "x is not finite");
const GP_TABLE_NOT_FINITE: ErrCode = (31086, "table value is not finite");
const GP_WEIGHT_NOT_FINITE: ErrCode = (31087, "krigingWeight is not finite");
const GP_NOT_POSITIVE_DEFINITE: ErrCode =
    (31088, "matrix of kernel results is not positive definite");

const DEPRECATED: &str = "0.7.2";

pub(super) fn register(r: &mut Registry) {
    r.def("model.reg.linear")
        .sig("(datum: array<double>, model: record M {coeff: array<double>, const: double}) -> double")
        .sig("(datum: array<double>, model: record M {coeff: array<array<double>>, const: array<double>}) -> array<double>")
        .sig("(datum: map<double>, model: record M {coeff: map<double>, const: double}) -> double")
        .sig("(datum: map<double>, model: record M {coeff: map<map<double>>, const: map<double>}) -> map<double>")
        .errors(&[MISALIGNED_COEFF, MISALIGNED_CONST])
        .specialize(|s| by_sig(s, &[linear_1, linear_n, linear_map_1, linear_map_n]));
    r.def("model.reg.linearVariance")
        .sig("(datum: array<double>, model: record M {covar: array<array<double>>}) -> double")
        .sig("(datum: array<double>, model: record M {covar: array<array<array<double>>>}) -> array<double>")
        .sig("(datum: map<double>, model: record M {covar: map<map<double>>}) -> double")
        .sig("(datum: map<double>, model: record M {covar: map<map<map<double>>>}) -> map<double>")
        .errors(&[MISALIGNED_COVARIANCE])
        .specialize(|s| by_sig(s, &[variance_1, variance_n, variance_map_1, variance_map_n]));
    r.def("model.reg.gaussianProcess")
        .sig("(x: double, table: array<record R {x: double, to: double}>, krigingWeight: union<null, double>, kernel: fcn(array<double>, array<double>) -> double) -> double")
        .sig("(x: double, table: array<record R {x: double, to: array<double>}>, krigingWeight: union<null, double>, kernel: fcn(array<double>, array<double>) -> double) -> array<double>")
        .sig("(x: array<double>, table: array<record R {x: array<double>, to: double}>, krigingWeight: union<null, double>, kernel: fcn(array<double>, array<double>) -> double) -> double")
        .sig("(x: array<double>, table: array<record R {x: array<double>, to: array<double>}>, krigingWeight: union<null, double>, kernel: fcn(array<double>, array<double>) -> double) -> array<double>")
        .errors(&[
            GP_EMPTY_TABLE,
            GP_EMPTY_X,
            GP_FEATURES,
            GP_EMPTY_TO,
            GP_OUTPUTS,
            GP_X_NOT_FINITE,
            GP_TABLE_NOT_FINITE,
            GP_WEIGHT_NOT_FINITE,
            GP_NOT_POSITIVE_DEFINITE,
        ])
        .specialize(gp_specialize);
    r.def("model.reg.residual")
        .deprecated_sig(
            "(observation: double, prediciton: double) -> double",
            DEPRECATED,
        )
        .deprecated_sig(
            "(observation: array<double>, prediciton: array<double>) -> array<double>",
            DEPRECATED,
        )
        .deprecated_sig(
            "(observation: map<double>, prediciton: map<double>) -> map<double>",
            DEPRECATED,
        )
        .errors(&[RESIDUAL_MISALIGNED])
        .native(residual);
    r.def("model.reg.pull")
        .deprecated_sig(
            "(observation: double, prediciton: double, uncertainty: double) -> double",
            DEPRECATED,
        )
        .deprecated_sig("(observation: array<double>, prediciton: array<double>, uncertainty: array<double>) -> array<double>", DEPRECATED)
        .deprecated_sig("(observation: map<double>, prediciton: map<double>, uncertainty: map<double>) -> map<double>", DEPRECATED)
        .errors(&[PULL_MISALIGNED_PREDICTION, PULL_MISALIGNED_UNCERTAINTY])
        .native(pull);
    r.def("model.reg.mahalanobis")
        .deprecated_sig("(observation: array<double>, prediction: array<double>, covariance: array<array<double>>) -> double", DEPRECATED)
        .deprecated_sig("(observation: map<double>, prediction: map<double>, covariance: map<map<double>>) -> double", DEPRECATED)
        .errors(&[
            MAHALANOBIS_TOO_FEW,
            MAHALANOBIS_PREDICTION,
            MAHALANOBIS_COVARIANCE,
        ])
        .native(mahalanobis);
    r.def("model.reg.updateChi2")
        .deprecated_sig(
            "(pull: double, state: record A {chi2: double, DOF: int}) -> A",
            DEPRECATED,
        )
        .deprecated_sig(
            "(pull: array<double>, state: record A {chi2: double, DOF: int}) -> A",
            DEPRECATED,
        )
        .deprecated_sig(
            "(pull: map<double>, state: record A {chi2: double, DOF: int}) -> A",
            DEPRECATED,
        )
        .native(update_chi2);
    r.def("model.reg.reducedChi2")
        .deprecated_sig(
            "(state: record A {chi2: double, DOF: int}) -> double",
            DEPRECATED,
        )
        .native(reduced_chi2);
    r.def("model.reg.chi2Prob")
        .deprecated_sig(
            "(state: record A {chi2: double, DOF: int}) -> double",
            DEPRECATED,
        )
        .errors(&[CHI2_INVALID])
        .native(chi2_prob);
}

/// The native for the matched signature.
fn by_sig(s: &Spec<'_>, natives: &[NativeFn]) -> Result<NativeFn, String> {
    natives
        .get(s.sig)
        .copied()
        .ok_or_else(|| format!("no implementation for signature {}", s.sig))
}

/// The model record and the indexes of the named fields of its type (argument 1).
fn model_fields<'a, const N: usize>(
    host: &dyn Host,
    a: &'a [Value],
    names: [&str; N],
) -> Result<(&'a Record, [usize; N]), PfaError> {
    let id = record_id(host.arg_type(1))?;
    Ok((rec(any(a, 1)?)?, field_indexes(host.types(), id, names)?))
}

/// Dot product of two equally long double arrays.
fn dot(x: &[Value], y: &[Value]) -> Result<f64, PfaError> {
    let mut sum = 0.0;
    for (a, b) in x.iter().zip(y) {
        sum += num(a)? * num(b)?;
    }
    Ok(sum)
}

/// Dot product of two sparse vectors: every key of either map, a missing entry being
/// zero.
fn sparse_dot(x: &MapData, y: &MapData) -> Result<f64, PfaError> {
    let mut sum = 0.0;
    for (k, a) in x {
        sum += num(a)? * y.get(k).map_or(Ok(0.0), num)?;
    }
    for (k, b) in y {
        if !x.contains_key(k) {
            sum += 0.0 * num(b)?;
        }
    }
    Ok(sum)
}

fn linear_1(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [coeff, konst]) = model_fields(host, a, ["coeff", "const"])?;
    let x = arr(any(a, 0)?)?;
    let c = arr(field(model, coeff)?)?;
    if x.len() != c.len() {
        return Err(fail(MISALIGNED_COEFF));
    }
    Ok(Value::Double(dot(c, x)? + num(field(model, konst)?)?))
}

fn linear_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [coeff, konst]) = model_fields(host, a, ["coeff", "const"])?;
    let x = arr(any(a, 0)?)?;
    let rows = arr(field(model, coeff)?)?;
    let consts = field(model, konst)?;
    let c = arr(consts)?;
    if c.len() != rows.len() {
        return Err(fail(MISALIGNED_CONST));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (row, k) in rows.iter().zip(c) {
        let row = arr(row)?;
        if row.len() != x.len() {
            return Err(fail(MISALIGNED_COEFF));
        }
        out.push(dot(row, x)? + num(k)?);
    }
    Ok(doubles(out))
}

fn linear_map_1(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [coeff, konst]) = model_fields(host, a, ["coeff", "const"])?;
    let x = map(any(a, 0)?)?;
    let c = map(field(model, coeff)?)?;
    Ok(Value::Double(
        sparse_dot(x, c)? + num(field(model, konst)?)?,
    ))
}

fn linear_map_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [coeff, konst]) = model_fields(host, a, ["coeff", "const"])?;
    let x = map(any(a, 0)?)?;
    let rows = map(field(model, coeff)?)?;
    let consts = map(field(model, konst)?)?;
    let empty = MapData::new();
    let keys: BTreeSet<&Arc<str>> = rows.keys().chain(consts.keys()).collect();
    let mut out = MapData::new();
    for k in keys {
        let row = match rows.get(k) {
            Some(r) => map(r)?,
            None => &empty,
        };
        let c = consts.get(k).map_or(Ok(0.0), num)?;
        out.insert(k.clone(), Value::Double(sparse_dot(x, row)? + c));
    }
    Ok(Value::Map(Arc::new(out)))
}

/// `xᵀ C x` for a dense square matrix with the size of `x` (`C x` first).
fn quadratic_form(x: &[f64], c: &[Value]) -> Result<Option<f64>, PfaError> {
    if c.len() != x.len() {
        return Ok(None);
    }
    let mut total = 0.0;
    for (xi, row) in x.iter().zip(c) {
        let row = arr(row)?;
        if row.len() != x.len() {
            return Ok(None);
        }
        let mut cx = 0.0;
        for (cij, xj) in row.iter().zip(x) {
            cx += num(cij)? * xj;
        }
        total += xi * cx;
    }
    Ok(Some(total))
}

/// The datum with the constant term's 1 appended.
fn with_constant(datum: &Value) -> Result<Vec<f64>, PfaError> {
    let mut x = arr(datum)?
        .iter()
        .map(num)
        .collect::<Result<Vec<f64>, _>>()?;
    x.push(1.0);
    Ok(x)
}

fn variance_1(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [covar]) = model_fields(host, a, ["covar"])?;
    let x = with_constant(any(a, 0)?)?;
    match quadratic_form(&x, arr(field(model, covar)?)?)? {
        Some(v) => Ok(Value::Double(v)),
        None => Err(fail(MISALIGNED_COVARIANCE)),
    }
}

fn variance_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [covar]) = model_fields(host, a, ["covar"])?;
    let x = with_constant(any(a, 0)?)?;
    let mut out = Vec::new();
    for c in arr(field(model, covar)?)? {
        match quadratic_form(&x, arr(c)?)? {
            Some(v) => out.push(v),
            None => return Err(fail(MISALIGNED_COVARIANCE)),
        }
    }
    Ok(doubles(out))
}

/// `xᵀ C x` for sparse `x` (with the constant term under the key "") and sparse `C`,
/// over the keys of the datum, the constant and the columns of `C`.
fn sparse_quadratic_form(datum: &MapData, c: &MapData) -> Result<f64, PfaError> {
    let mut keys: BTreeSet<&str> = datum.keys().map(|k| &**k).collect();
    keys.insert("");
    for row in c.values() {
        keys.extend(map(row)?.keys().map(|k| &**k));
    }
    let x = keys
        .iter()
        .map(|k| {
            if k.is_empty() {
                Ok(1.0)
            } else {
                datum.get(*k).map_or(Ok(0.0), num)
            }
        })
        .collect::<Result<Vec<f64>, PfaError>>()?;
    let empty = MapData::new();
    let mut total = 0.0;
    for (i, xi) in keys.iter().zip(&x) {
        let row = match c.get(*i) {
            Some(r) => map(r)?,
            None => &empty,
        };
        let mut cx = 0.0;
        for (j, xj) in keys.iter().zip(&x) {
            cx += row.get(*j).map_or(Ok(0.0), num)? * xj;
        }
        total += xi * cx;
    }
    Ok(total)
}

fn variance_map_1(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [covar]) = model_fields(host, a, ["covar"])?;
    let v = sparse_quadratic_form(map(any(a, 0)?)?, map(field(model, covar)?)?)?;
    Ok(Value::Double(v))
}

fn variance_map_n(host: &mut dyn Host, a: &[Value]) -> Ret {
    let (model, [covar]) = model_fields(host, a, ["covar"])?;
    let datum = map(any(a, 0)?)?;
    let mut out = MapData::new();
    for (k, c) in map(field(model, covar)?)? {
        let v = sparse_quadratic_form(datum, map(c)?)?;
        out.insert(k.clone(), Value::Double(v));
    }
    Ok(Value::Map(Arc::new(out)))
}

// ---------------------------------------------------------------------------------------
// Gaussian process.

/// Rejects a table record whose optional `sigma` field does not have the type of `to`
/// (spec: "If present, it must have the same type as to").
fn gp_specialize(s: &Spec<'_>) -> Result<NativeFn, String> {
    if let Some(Ok(r)) = s.matched.params.get(1).map(record_id) {
        let fields = s.types.fields(r);
        let to = fields.iter().find(|f| f.name == "to");
        let sigma = fields.iter().find(|f| f.name == "sigma");
        if let (Some(to), Some(sigma)) = (to, sigma) {
            if to.ty != sigma.ty {
                return Err(format!(
                    "the table's \"sigma\" field has type {} but \"to\" has type {}",
                    s.types.show(&sigma.ty),
                    s.types.show(&to.ty)
                ));
            }
        }
    }
    by_sig(
        s,
        &[
            gp_scalar_scalar,
            gp_scalar_vector,
            gp_vector_scalar,
            gp_vector_vector,
        ],
    )
}

fn gp_scalar_scalar(host: &mut dyn Host, a: &[Value]) -> Ret {
    gaussian_process(host, a, false, false)
}

fn gp_scalar_vector(host: &mut dyn Host, a: &[Value]) -> Ret {
    gaussian_process(host, a, false, true)
}

fn gp_vector_scalar(host: &mut dyn Host, a: &[Value]) -> Ret {
    gaussian_process(host, a, true, false)
}

fn gp_vector_vector(host: &mut dyn Host, a: &[Value]) -> Ret {
    gaussian_process(host, a, true, true)
}

/// A scalar or vector field as doubles.
fn values_of(v: &Value, vector: bool) -> Result<Vec<f64>, PfaError> {
    if vector {
        arr(v)?.iter().map(num).collect()
    } else {
        Ok(vec![num(v)?])
    }
}

/// Mean and population standard deviation.
fn mean_std(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let mean = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// Fits a Gaussian process with a constant trend (ordinary Kriging) to the table and
/// predicts at `x`. Inputs are standardized per feature and outputs per dimension;
/// the correlation matrix has the kernel between standardized table points off the
/// diagonal and 1 plus a nugget on it.
fn gaussian_process(host: &mut dyn Host, a: &[Value], x_vec: bool, to_vec: bool) -> Ret {
    let r = record_id(host.arg_type(1))?;
    let types = host.types();
    let [x_i, to_i] = field_indexes(types, r, ["x", "to"])?;
    let sigma_i = types.fields(r).iter().position(|f| f.name == "sigma");

    let table = arr(any(a, 1)?)?;
    if table.is_empty() {
        return Err(fail(GP_EMPTY_TABLE));
    }
    let x = values_of(any(a, 0)?, x_vec)?;
    let mut xs = Vec::with_capacity(table.len());
    let mut tos = Vec::with_capacity(table.len());
    for row in table {
        let row = rec(row)?;
        xs.push(values_of(field(row, x_i)?, x_vec)?);
        tos.push(values_of(field(row, to_i)?, to_vec)?);
    }
    if x_vec {
        if x.is_empty() {
            return Err(fail(GP_EMPTY_X));
        }
        if xs.iter().any(|t| t.len() != x.len()) {
            return Err(fail(GP_FEATURES));
        }
    }
    let n_out = tos[0].len();
    if to_vec {
        if n_out < 1 {
            return Err(fail(GP_EMPTY_TO));
        }
        if tos.iter().any(|t| t.len() != n_out) {
            return Err(fail(GP_OUTPUTS));
        }
    }
    if x.iter().any(|v| !v.is_finite()) {
        return Err(fail(GP_X_NOT_FINITE));
    }
    if tos.iter().flatten().any(|v| !v.is_finite()) || xs.iter().flatten().any(|v| !v.is_finite()) {
        return Err(fail(GP_TABLE_NOT_FINITE));
    }
    let weight = match any(a, 2)? {
        Value::Null => None,
        v => {
            let w = num(v)?;
            if !w.is_finite() {
                return Err(fail(GP_WEIGHT_NOT_FINITE));
            }
            Some(w)
        }
    };
    let sigmas = match sigma_i {
        Some(i) => {
            let sigmas = table
                .iter()
                .map(|row| values_of(field(rec(row)?, i)?, to_vec))
                .collect::<Result<Vec<Vec<f64>>, PfaError>>()?;
            // An uncertainty for each output dimension, like `to`.
            if sigmas.iter().any(|s| s.len() != n_out) {
                return Err(fail(GP_OUTPUTS));
            }
            Some(sigmas)
        }
        None => None,
    };

    // Standardized inputs, as arrays for the kernel.
    let n = table.len();
    let features = x.len();
    let mut norm_rows: Vec<Vec<f64>> = vec![Vec::with_capacity(features); n];
    let mut x_norm = Vec::with_capacity(features);
    for f in 0..features {
        let (m, s) = mean_std(xs.iter().map(|t| t[f]));
        for (row, t) in norm_rows.iter_mut().zip(&xs) {
            row.push((t[f] - m) / s);
        }
        x_norm.push((x[f] - m) / s);
    }
    let norm_values: Vec<Value> = norm_rows.into_iter().map(doubles).collect();
    let x_norm = doubles(x_norm);

    // Kernel between table points (upper triangle) and from x to each table point.
    let cells = n
        .checked_mul(n)
        .ok_or_else(|| internal("Gaussian process table too large"))?;
    let mut kernel: Vec<f64> = Vec::new();
    kernel
        .try_reserve_exact(cells)
        .map_err(|_| internal("Gaussian process table too large"))?;
    kernel.resize(cells, 0.0);
    for i in 0..n {
        for j in i + 1..n {
            let k = num(&host.call_fcn(3, &[norm_values[i].clone(), norm_values[j].clone()])?)?;
            kernel[i * n + j] = k;
            kernel[j * n + i] = k;
        }
    }
    let mut to_x = Vec::with_capacity(n);
    for v in &norm_values {
        to_x.push(num(&host.call_fcn(3, &[x_norm.clone(), v.clone()])?)?);
    }

    let mut out = Vec::with_capacity(n_out);
    for o in 0..n_out {
        let y: Vec<f64> = tos.iter().map(|t| t[o]).collect();
        let mut corr = kernel.clone();
        for i in 0..n {
            let nugget = match &sigmas {
                Some(s) if y[i] != 0.0 => {
                    let sigma = s.get(i).and_then(|s| s.get(o)).copied().unwrap_or(f64::NAN);
                    (sigma / y[i]).powi(2)
                }
                Some(_) => f64::INFINITY,
                None => 10.0 * f64::EPSILON,
            };
            corr[i * n + i] = 1.0 + nugget;
        }
        out.push(krige(&mut corr, n, &y, weight, &to_x)?);
    }
    if to_vec {
        Ok(doubles(out))
    } else {
        Ok(Value::Double(out[0]))
    }
}

/// Prediction of one output dimension: `corr` (n × n, overwritten by its Cholesky
/// factor) is the correlation matrix, `y` the outputs, `to_x` the correlations of the
/// prediction point, `weight` the trend (universal Kriging estimates it if `None`).
fn krige(
    corr: &mut [f64],
    n: usize,
    y: &[f64],
    weight: Option<f64>,
    to_x: &[f64],
) -> Result<f64, PfaError> {
    cholesky(corr, n)?;
    let (y_mean, y_std) = mean_std(y.iter().copied());
    let y_norm: Vec<f64> = y.iter().map(|v| (v - y_mean) / y_std).collect();
    let ft = forward(corr, n, vec![1.0; n]);
    let yt = forward(corr, n, y_norm);
    // Least squares of yt on ft (a single column): the generalized mean.
    let beta = match weight {
        Some(w) => w,
        None => {
            let fy: f64 = ft.iter().zip(&yt).map(|(f, y)| f * y).sum();
            let ff: f64 = ft.iter().map(|f| f * f).sum();
            fy / ff
        }
    };
    let rho: Vec<f64> = yt.iter().zip(&ft).map(|(y, f)| y - f * beta).collect();
    let gamma = backward(corr, n, rho);
    let pred = beta + to_x.iter().zip(&gamma).map(|(k, g)| k * g).sum::<f64>();
    Ok(y_mean + y_std * pred)
}

/// In-place Cholesky factorization `A = L Lᵀ` of a symmetric matrix (row-major,
/// lower triangle used and replaced by `L`).
fn cholesky(m: &mut [f64], n: usize) -> Result<(), PfaError> {
    for j in 0..n {
        let mut d = m[j * n + j];
        for k in 0..j {
            d -= m[j * n + k] * m[j * n + k];
        }
        if d.is_nan() || d <= 0.0 {
            return Err(fail(GP_NOT_POSITIVE_DEFINITE));
        }
        let d = d.sqrt();
        m[j * n + j] = d;
        for i in j + 1..n {
            let mut s = m[i * n + j];
            for k in 0..j {
                s -= m[i * n + k] * m[j * n + k];
            }
            m[i * n + j] = s / d;
        }
    }
    Ok(())
}

/// Solves `L z = b` for lower-triangular `L`.
fn forward(l: &[f64], n: usize, mut b: Vec<f64>) -> Vec<f64> {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    b
}

/// Solves `Lᵀ z = b` for lower-triangular `L`.
fn backward(l: &[f64], n: usize, mut b: Vec<f64>) -> Vec<f64> {
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    b
}

// ---------------------------------------------------------------------------------------
// Deprecated comparisons of observations with predictions.

fn residual(_: &mut dyn Host, a: &[Value]) -> Ret {
    match (any(a, 0)?, any(a, 1)?) {
        (Value::Double(o), Value::Double(p)) => Ok(Value::Double(o - p)),
        (Value::Array(o), Value::Array(p)) => {
            if o.len() != p.len() {
                return Err(fail(RESIDUAL_MISALIGNED));
            }
            let d = o
                .iter()
                .zip(p.iter())
                .map(|(o, p)| Ok(num(o)? - num(p)?))
                .collect::<Result<Vec<f64>, PfaError>>()?;
            Ok(doubles(d))
        }
        (Value::Map(o), Value::Map(p)) => {
            if o.len() != p.len() {
                return Err(fail(RESIDUAL_MISALIGNED));
            }
            let mut out = MapData::new();
            for (k, o) in o.iter() {
                let p = p.get(k).ok_or_else(|| fail(RESIDUAL_MISALIGNED))?;
                out.insert(k.clone(), Value::Double(num(o)? - num(p)?));
            }
            Ok(Value::Map(Arc::new(out)))
        }
        _ => Err(internal("arguments of different kinds")),
    }
}

fn pull(_: &mut dyn Host, a: &[Value]) -> Ret {
    match (any(a, 0)?, any(a, 1)?, any(a, 2)?) {
        (Value::Double(o), Value::Double(p), Value::Double(u)) => Ok(Value::Double((o - p) / u)),
        (Value::Array(o), Value::Array(p), Value::Array(u)) => {
            if o.len() != p.len() {
                return Err(fail(PULL_MISALIGNED_PREDICTION));
            }
            if p.len() != u.len() {
                return Err(fail(PULL_MISALIGNED_UNCERTAINTY));
            }
            let mut out = Vec::with_capacity(o.len());
            for ((o, p), u) in o.iter().zip(p.iter()).zip(u.iter()) {
                out.push((num(o)? - num(p)?) / num(u)?);
            }
            Ok(doubles(out))
        }
        (Value::Map(o), Value::Map(p), Value::Map(u)) => {
            if o.len() != p.len() {
                return Err(fail(PULL_MISALIGNED_PREDICTION));
            }
            if p.len() != u.len() {
                return Err(fail(PULL_MISALIGNED_UNCERTAINTY));
            }
            let mut out = MapData::new();
            for (k, o) in o.iter() {
                let p = p.get(k).ok_or_else(|| fail(PULL_MISALIGNED_PREDICTION))?;
                let u = u.get(k).ok_or_else(|| fail(PULL_MISALIGNED_UNCERTAINTY))?;
                out.insert(k.clone(), Value::Double((num(o)? - num(p)?) / num(u)?));
            }
            Ok(Value::Map(Arc::new(out)))
        }
        _ => Err(internal("arguments of different kinds")),
    }
}

fn mahalanobis(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (diff, mut c) = match (any(a, 0)?, any(a, 1)?, any(a, 2)?) {
        (Value::Array(o), Value::Array(p), Value::Array(cov)) => {
            if o.is_empty() {
                return Err(fail(MAHALANOBIS_TOO_FEW));
            }
            if o.len() != p.len() {
                return Err(fail(MAHALANOBIS_PREDICTION));
            }
            let n = o.len();
            if cov.len() != n {
                return Err(fail(MAHALANOBIS_COVARIANCE));
            }
            let mut c = Vec::with_capacity(n * n);
            for row in cov.iter() {
                let row = arr(row)?;
                if row.len() != n {
                    return Err(fail(MAHALANOBIS_COVARIANCE));
                }
                for v in row {
                    c.push(num(v)?);
                }
            }
            let diff = o
                .iter()
                .zip(p.iter())
                .map(|(o, p)| Ok(num(o)? - num(p)?))
                .collect::<Result<Vec<f64>, PfaError>>()?;
            (diff, c)
        }
        (Value::Map(o), Value::Map(p), Value::Map(cov)) => {
            if o.is_empty() {
                return Err(fail(MAHALANOBIS_TOO_FEW));
            }
            if o.len() != p.len() {
                return Err(fail(MAHALANOBIS_PREDICTION));
            }
            let mut diff = Vec::with_capacity(o.len());
            for (k, o) in o.iter() {
                let p = p.get(k).ok_or_else(|| fail(MAHALANOBIS_PREDICTION))?;
                diff.push(num(o)? - num(p)?);
            }
            let mut c = Vec::with_capacity(o.len() * o.len());
            for k1 in o.keys() {
                let row = map(cov.get(k1).ok_or_else(|| fail(MAHALANOBIS_COVARIANCE))?)?;
                for k2 in o.keys() {
                    c.push(num(row
                        .get(k2)
                        .ok_or_else(|| fail(MAHALANOBIS_COVARIANCE))?)?);
                }
            }
            (diff, c)
        }
        _ => return Err(internal("arguments of different kinds")),
    };
    let z = solve(&mut c, diff.clone());
    let q: f64 = z.iter().zip(&diff).map(|(z, d)| z * d).sum();
    Ok(Value::Double(q.sqrt()))
}

/// Solves `A z = b` by Gaussian elimination with partial pivoting (`A` row-major,
/// overwritten). A singular matrix gives infinities or NaNs, not an error.
fn solve(m: &mut [f64], mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let mut pivot = col;
        for r in col + 1..n {
            if m[r * n + col].abs() > m[pivot * n + col].abs() {
                pivot = r;
            }
        }
        if pivot != col {
            for k in 0..n {
                m.swap(col * n + k, pivot * n + k);
            }
            b.swap(col, pivot);
        }
        let d = m[col * n + col];
        for r in col + 1..n {
            let f = m[r * n + col] / d;
            if f != 0.0 {
                for k in col..n {
                    m[r * n + k] -= f * m[col * n + k];
                }
                b[r] -= f * b[col];
            }
        }
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= m[i * n + k] * b[k];
        }
        b[i] = s / m[i * n + i];
    }
    b
}

/// Field indexes `[chi2, DOF]` of the state record (argument `i`).
fn chi2_fields(host: &dyn Host, i: usize) -> Result<[usize; 2], PfaError> {
    field_indexes(host.types(), record_id(host.arg_type(i))?, ["chi2", "DOF"])
}

fn update_chi2(host: &mut dyn Host, a: &[Value]) -> Ret {
    let [chi2_i, dof_i] = chi2_fields(host, 1)?;
    let squares = match any(a, 0)? {
        Value::Double(p) => p * p,
        Value::Array(ps) => ps
            .iter()
            .map(|p| num(p).map(|p| p * p))
            .sum::<Result<f64, _>>()?,
        Value::Map(ps) => ps
            .values()
            .map(|p| num(p).map(|p| p * p))
            .sum::<Result<f64, _>>()?,
        _ => return Err(internal("pull is not a number, array or map")),
    };
    let state = rec(any(a, 1)?)?;
    let mut fields = state.fields.clone();
    let chi2 = num(field(state, chi2_i)?)?;
    let dof = args::int(&state.fields, dof_i)?;
    if let Some(slot) = fields.get_mut(chi2_i) {
        *slot = Value::Double(chi2 + squares);
    }
    if let Some(slot) = fields.get_mut(dof_i) {
        // No error is defined for an overflowing count; it stays at the maximum.
        *slot = Value::Int(dof.saturating_add(1));
    }
    Ok(Value::Record(Arc::new(Record {
        ty: state.ty,
        fields,
    })))
}

fn reduced_chi2(host: &mut dyn Host, a: &[Value]) -> Ret {
    let [chi2_i, dof_i] = chi2_fields(host, 0)?;
    let state = rec(any(a, 0)?)?;
    let chi2 = num(field(state, chi2_i)?)?;
    let dof = args::int(&state.fields, dof_i)?;
    Ok(Value::Double(chi2 / f64::from(dof)))
}

fn chi2_prob(host: &mut dyn Host, a: &[Value]) -> Ret {
    let [chi2_i, dof_i] = chi2_fields(host, 0)?;
    let state = rec(any(a, 0)?)?;
    let x = num(field(state, chi2_i)?)?;
    let dof = args::int(&state.fields, dof_i)?;
    if dof < 0 {
        return Err(fail(CHI2_INVALID));
    }
    let p = if x.is_nan() {
        f64::NAN
    } else if x <= 0.0 {
        0.0
    } else if dof == 0 {
        // All the mass is at zero.
        1.0
    } else {
        lower_gamma_regularized(f64::from(dof) / 2.0, x / 2.0)
    };
    Ok(Value::Double(p))
}

#[cfg(test)]
mod tests;
