//! Kernel functions (spec §9.6): `m.kernel.*`, for support vector machines.

use super::args::{fail, ErrCode, Ret};
use super::core::pow::fpow;
use super::{args, Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// Arrays of different lengths, per function.
const LINEAR_LENGTHS: ErrCode = (23000, "arrays must have same length");
const RBF_LENGTHS: ErrCode = (23010, "arrays must have same length");
const POLY_LENGTHS: ErrCode = (23020, "arrays must have same length");
const SIGMOID_LENGTHS: ErrCode = (23030, "arrays must have same length");

/// Registers `m.kernel.*`.
pub fn register(r: &mut Registry) {
    r.def("m.kernel.linear")
        .sig("(x: array<double>, y: array<double>) -> double")
        .errors(&[LINEAR_LENGTHS])
        .native(linear);
    r.def("m.kernel.rbf")
        .sig("(x: array<double>, y: array<double>, gamma: double) -> double")
        .errors(&[RBF_LENGTHS])
        .native(rbf);
    r.def("m.kernel.poly")
        .sig("(x: array<double>, y: array<double>, gamma: double, intercept: double, degree: double) -> double")
        .errors(&[POLY_LENGTHS])
        .native(poly);
    r.def("m.kernel.sigmoid")
        .sig("(x: array<double>, y: array<double>, gamma: double, intercept: double) -> double")
        .errors(&[SIGMOID_LENGTHS])
        .native(sigmoid);
}

/// The two array arguments as pairs of doubles, or the function's length error.
fn pairs<'a>(
    a: &'a [Value],
    lengths: ErrCode,
) -> Result<impl Iterator<Item = Result<(f64, f64), PfaError>> + 'a, PfaError> {
    let (Some(Value::Array(x)), Some(Value::Array(y))) = (a.first(), a.get(1)) else {
        return Err(internal());
    };
    if x.len() != y.len() {
        return Err(fail(lengths));
    }
    Ok(x.iter().zip(y.iter()).map(|pair| match pair {
        (Value::Double(p), Value::Double(q)) => Ok((*p, *q)),
        _ => Err(internal()),
    }))
}

#[cold]
fn internal() -> PfaError {
    PfaError::runtime(
        0,
        "internal error: kernel arguments are not arrays of doubles",
    )
}

/// Σ x_i y_i.
fn dot(a: &[Value], lengths: ErrCode) -> Result<f64, PfaError> {
    pairs(a, lengths)?.try_fold(0.0, |s, p| p.map(|(x, y)| s + x * y))
}

/// §9.6.1: the dot product.
pub(crate) fn linear(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(dot(a, LINEAR_LENGTHS)?))
}

/// §9.6.2: exp(-γ ‖x - y‖²).
pub(crate) fn rbf(_: &mut dyn Host, a: &[Value]) -> Ret {
    let gamma = args::double(a, 2)?;
    let d2 = pairs(a, RBF_LENGTHS)?.try_fold(0.0, |s, p| p.map(|(x, y)| s + (x - y) * (x - y)))?;
    Ok(Value::Double((-gamma * d2).exp()))
}

/// §9.6.3: (γ x·y + intercept)^degree, with the power's special cases as `**`.
pub(crate) fn poly(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (gamma, intercept, degree) = (
        args::double(a, 2)?,
        args::double(a, 3)?,
        args::double(a, 4)?,
    );
    let base = gamma * dot(a, POLY_LENGTHS)? + intercept;
    Ok(Value::Double(fpow(base, degree)))
}

/// §9.6.4: tanh(γ x·y + intercept).
pub(crate) fn sigmoid(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (gamma, intercept) = (args::double(a, 2)?, args::double(a, 3)?);
    Ok(Value::Double(
        (gamma * dot(a, SIGMOID_LENGTHS)? + intercept).tanh(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::args::ErrCode;
    use crate::library::testing::{run_typed, same};
    use crate::library::NativeFn;
    use crate::types::{Type, TypeTable};
    use crate::value::Value::Double as D;

    fn arr(xs: &[f64]) -> Value {
        Value::array(xs.iter().map(|x| D(*x)).collect())
    }

    fn call(f: NativeFn, x: &[f64], y: &[f64], rest: &[f64]) -> Ret {
        let mut args = vec![arr(x), arr(y)];
        args.extend(rest.iter().map(|v| D(*v)));
        let mut types = vec![Type::Array(Box::new(Type::Double)); 2];
        types.extend(rest.iter().map(|_| Type::Double));
        run_typed(f, TypeTable::new(), &types, &args)
    }

    #[test]
    fn values() {
        let (x, y) = ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]);
        // (native, extra arguments, expected)
        let cases: &[(NativeFn, &[f64], f64)] = &[
            (linear, &[], 32.0),
            (rbf, &[0.1], (-2.7f64).exp()),
            (poly, &[0.5, 1.0, 2.0], 289.0),
            // A negative base with a fractional degree has no real power.
            (poly, &[-1.0, 0.0, 0.5], f64::NAN),
            (sigmoid, &[0.01, -0.32], 0.0),
        ];
        for &(f, rest, want) in cases {
            let got = call(f, &x, &y, rest).expect("kernel value");
            assert!(same(&got, &D(want)), "{rest:?}: got {got:?}, want {want}");
        }
        let got = call(linear, &[], &[], &[]).expect("empty dot product");
        assert!(same(&got, &D(0.0)));
    }

    #[test]
    fn length_errors() {
        let cases: &[(NativeFn, &[f64], ErrCode)] = &[
            (linear, &[], LINEAR_LENGTHS),
            (rbf, &[1.0], RBF_LENGTHS),
            (poly, &[1.0, 0.0, 2.0], POLY_LENGTHS),
            (sigmoid, &[1.0, 0.0], SIGMOID_LENGTHS),
        ];
        for &(f, rest, want) in cases {
            match call(f, &[1.0, 2.0], &[1.0], rest) {
                Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), want),
                other => panic!("{want:?}: got {other:?}"),
            }
        }
    }
}
