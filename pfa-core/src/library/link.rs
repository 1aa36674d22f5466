//! Link functions (spec §9.5): `m.link.*`, applied to a double, or to each element of
//! an array or map of doubles.

use std::collections::BTreeMap;
use std::f64::consts::{FRAC_1_SQRT_2, PI};
use std::sync::Arc;

use super::args::{fail, ErrCode, Ret};
use super::{Host, Registry};
use crate::error::PfaError;
use crate::value::Value;

/// `m.link.softmax` of an empty array or map.
pub(crate) const EMPTY: ErrCode = (25000, "empty input");

/// Registers functions of one double that also map over arrays and maps.
macro_rules! elementwise {
    ($r:expr, $($name:literal => $f:ident),+ $(,)?) => {
        $(
            $r.def($name)
                .sig("(x: double) -> double")
                .sig("(x: array<double>) -> array<double>")
                .sig("(x: map<double>) -> map<double>")
                .native(|_: &mut dyn Host, a: &[Value]| map_values(a, $f));
        )+
    };
}

/// Registers `m.link.*`.
pub fn register(r: &mut Registry) {
    r.def("m.link.softmax")
        .sig("(x: array<double>) -> array<double>")
        .sig("(x: map<double>) -> map<double>")
        .errors(&[EMPTY])
        .native(softmax);
    elementwise!(
        r,
        "m.link.logit" => logit,
        "m.link.probit" => probit,
        "m.link.cloglog" => cloglog,
        "m.link.loglog" => loglog,
        "m.link.cauchit" => cauchit,
        "m.link.softplus" => softplus,
        "m.link.relu" => relu,
        "m.link.tanh" => tanh,
    );
}

/// Applies `f` to a double argument, or to each double of an array or map argument.
fn map_values(a: &[Value], f: fn(f64) -> f64) -> Ret {
    match a.first() {
        Some(Value::Double(x)) => Ok(Value::Double(f(*x))),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| number(v).map(|x| Value::Double(f(x))))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::array),
        Some(Value::Map(m)) => m
            .iter()
            .map(|(k, v)| number(v).map(|x| (k.clone(), Value::Double(f(x)))))
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(|m| Value::Map(Arc::new(m))),
        _ => Err(internal()),
    }
}

fn number(v: &Value) -> Result<f64, PfaError> {
    match v {
        Value::Double(x) => Ok(*x),
        _ => Err(internal()),
    }
}

#[cold]
fn internal() -> PfaError {
    PfaError::runtime(
        0,
        "internal error: argument is not a double, an array of doubles or a map of doubles",
    )
}

/// §9.5.7: exp(x_i) / Σ exp(x_j), with the largest x subtracted first so that no
/// exponential overflows (the ratio is unchanged). An infinite or NaN element makes
/// every result NaN.
pub(crate) fn softmax(_: &mut dyn Host, a: &[Value]) -> Ret {
    match a.first() {
        Some(Value::Array(items)) => {
            let xs = items.iter().map(number).collect::<Result<Vec<_>, _>>()?;
            let ys = softmax_of(&xs)?;
            Ok(Value::array(ys.into_iter().map(Value::Double).collect()))
        }
        Some(Value::Map(m)) => {
            let xs = m.values().map(number).collect::<Result<Vec<_>, _>>()?;
            let ys = softmax_of(&xs)?;
            Ok(Value::Map(Arc::new(
                m.keys()
                    .cloned()
                    .zip(ys.into_iter().map(Value::Double))
                    .collect(),
            )))
        }
        _ => Err(internal()),
    }
}

fn softmax_of(xs: &[f64]) -> Result<Vec<f64>, PfaError> {
    if xs.is_empty() {
        return Err(fail(EMPTY));
    }
    let top = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let top = if xs.iter().any(|x| x.is_nan()) {
        f64::NAN
    } else {
        top
    };
    let exps: Vec<f64> = xs.iter().map(|x| (x - top).exp()).collect();
    let total: f64 = exps.iter().sum();
    Ok(exps.into_iter().map(|e| e / total).collect())
}

/// §9.5.1: 1 / (1 + e^-x).
fn logit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// §9.5.2: (erf(x/√2) + 1)/2, as ½ erfc(-x/√2), which keeps the lower tail's digits.
fn probit(x: f64) -> f64 {
    0.5 * libm::erfc(-x * FRAC_1_SQRT_2)
}

/// §9.5.4: 1 - exp(-exp(x)), by expm1.
fn cloglog(x: f64) -> f64 {
    -(-x.exp()).exp_m1()
}

/// §9.5.3: exp(-exp(x)).
fn loglog(x: f64) -> f64 {
    (-x.exp()).exp()
}

/// §9.5.5: ½ + atan(x)/π, as atan(1/|x|)/π in the lower tail where the sum cancels.
fn cauchit(x: f64) -> f64 {
    if x < -1.0 {
        (-1.0 / x).atan() / PI
    } else {
        0.5 + x.atan() / PI
    }
}

/// §9.5.8: ln(1 + e^x), as max(x, 0) + ln(1 + e^-|x|) so that e^x never overflows.
fn softplus(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

/// §9.5.9: the rectified linear unit max(0, x) named by the function's description (its
/// printed formula repeats softplus's); NaN stays NaN.
fn relu(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.max(0.0)
    }
}

/// §9.5.6.
fn tanh(x: f64) -> f64 {
    x.tanh()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::testing::{ok, run_typed};
    use crate::types::{Type, TypeTable};
    use crate::value::Value::Double as D;

    const NAN: f64 = f64::NAN;
    const INF: f64 = f64::INFINITY;

    fn arr(xs: &[f64]) -> Value {
        Value::array(xs.iter().map(|x| D(*x)).collect())
    }

    fn apply(f: fn(&mut dyn Host, &[Value]) -> Ret, x: Value, ty: Type) -> Ret {
        run_typed(f, TypeTable::new(), &[ty], &[x])
    }

    fn doubles(v: &Value) -> Vec<f64> {
        match v {
            Value::Array(items) => items.iter().map(|v| v.as_f64().unwrap_or(NAN)).collect(),
            Value::Map(m) => m.values().map(|v| v.as_f64().unwrap_or(NAN)).collect(),
            _ => panic!("not a container: {v:?}"),
        }
    }

    fn close(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            let same = (g.is_nan() && w.is_nan()) || (g - w).abs() <= 1e-14 * w.abs().max(1e-300);
            assert!(same, "{got:?} vs {want:?}");
        }
    }

    #[test]
    fn scalar_links() {
        // (function, x, expected)
        type Case = (fn(f64) -> f64, f64, f64);
        let cases: &[Case] = &[
            (logit, 0.0, 0.5),
            (logit, 2.0, 0.880_797_077_977_882_3),
            (logit, -800.0, 0.0),
            (probit, 0.0, 0.5),
            (probit, -10.0, 7.619_853_024_160_526e-24),
            (cloglog, 0.0, 0.632_120_558_828_557_7),
            (cloglog, -40.0, 4.248_354_255_291_589e-18),
            (loglog, 0.0, 0.367_879_441_171_442_33),
            (cauchit, 1.0, 0.75),
            (cauchit, -1e10, 3.183_098_861_837_907e-11),
            (softplus, 0.0, std::f64::consts::LN_2),
            (softplus, 1000.0, 1000.0),
            (softplus, -1000.0, 0.0),
            (relu, -2.0, 0.0),
            (relu, 3.5, 3.5),
            (tanh, 0.5, 0.462_117_157_260_009_74),
        ];
        for &(f, x, want) in cases {
            close(&[f(x)], &[want]);
        }
        for f in [
            logit, probit, cloglog, loglog, cauchit, softplus, relu, tanh,
        ] {
            assert!(f(NAN).is_nan());
        }
        assert_eq!(softplus(INF), INF);
        assert_eq!(relu(INF), INF);
    }

    #[test]
    fn elementwise_over_containers() {
        let f: crate::library::NativeFn = |_, a| map_values(a, relu);
        ok(f, &[D(-1.0)], D(0.0));
        let got = apply(f, arr(&[-1.0, 2.0]), Type::Array(Box::new(Type::Double)));
        close(&doubles(&got.expect("array")), &[0.0, 2.0]);
        let m: BTreeMap<Arc<str>, Value> = [(Arc::from("a"), D(-3.0)), (Arc::from("b"), D(4.0))]
            .into_iter()
            .collect();
        let got = apply(
            f,
            Value::Map(Arc::new(m)),
            Type::Map(Box::new(Type::Double)),
        );
        close(&doubles(&got.expect("map")), &[0.0, 4.0]);
    }

    #[test]
    fn softmax_values_and_errors() {
        let ty = Type::Array(Box::new(Type::Double));
        let got = apply(softmax, arr(&[1e-5, 0.99999]), ty.clone()).expect("softmax");
        close(
            &doubles(&got),
            &[0.268_945_353_626_831_5, 0.731_054_646_373_168_5],
        );
        // Large inputs do not overflow.
        let got = apply(softmax, arr(&[1000.0, 1000.0]), ty.clone()).expect("softmax");
        close(&doubles(&got), &[0.5, 0.5]);
        let got = apply(softmax, arr(&[1.0, INF]), ty.clone()).expect("softmax");
        close(&doubles(&got), &[NAN, NAN]);
        let got = apply(softmax, arr(&[1.0, NAN]), ty.clone()).expect("softmax");
        close(&doubles(&got), &[NAN, NAN]);
        match apply(softmax, arr(&[]), ty) {
            Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), EMPTY),
            other => panic!("{other:?}"),
        }
        let mty = Type::Map(Box::new(Type::Double));
        match apply(softmax, Value::Map(Arc::new(BTreeMap::new())), mty) {
            Err(PfaError::Runtime(e)) => assert_eq!((e.code, e.message.as_str()), EMPTY),
            other => panic!("{other:?}"),
        }
    }
}
