//! Special functions (spec §9.4): `m.special.*`, and the numerical kernels they share
//! with the probability distributions (`prob.dist.*`, spec §24).

pub(crate) mod beta;
pub(crate) mod density;
pub(crate) mod gamma;
pub(crate) mod normal;
pub(crate) mod roots;
#[cfg(test)]
mod tests;

use super::args::{self, fail, ErrCode, Ret};
use super::{Host, Registry};
use crate::value::Value;

/// "domain error" of `m.special.nChooseK`.
pub(crate) const CHOOSE_DOMAIN: ErrCode = (36000, "domain error");
/// "domain error" of `m.special.lnBeta`.
pub(crate) const BETA_DOMAIN: ErrCode = (36010, "domain error");

/// Registers `m.special.*`.
pub fn register(r: &mut Registry) {
    r.def("m.special.nChooseK")
        .sig("(n: int, k: int) -> int")
        .errors(&[CHOOSE_DOMAIN])
        .native(n_choose_k);
    r.def("m.special.lnBeta")
        .sig("(a: double, b: double) -> double")
        .errors(&[BETA_DOMAIN])
        .native(ln_beta);
    r.def("m.special.erf")
        .sig("(x: double) -> double")
        .native(erf);
    r.def("m.special.erfc")
        .sig("(x: double) -> double")
        .native(erfc);
    r.def("m.special.lnGamma")
        .sig("(x: double) -> double")
        .native(ln_gamma);
}

/// §9.4.5: the binomial coefficient, exactly. The spec's domain is 0 < k < n. A result
/// beyond the int range is outside the function's codomain and raises the same
/// "domain error" (the spec gives no other error to raise).
pub(crate) fn n_choose_k(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (n, k) = (args::int(a, 0)?, args::int(a, 1)?);
    if k <= 0 || k >= n {
        return Err(fail(CHOOSE_DOMAIN));
    }
    let (n, k) = (u128::from(n.unsigned_abs()), u128::from(k.unsigned_abs()));
    let k = k.min(n - k);
    // c = C(n - k + i, i) after step i: each division is exact, and c only grows.
    let mut c: u128 = 1;
    for i in 1..=k {
        c = c * (n - k + i) / i;
        if c > i32::MAX as u128 {
            return Err(fail(CHOOSE_DOMAIN));
        }
    }
    i32::try_from(c)
        .map(Value::Int)
        .map_err(|_| fail(CHOOSE_DOMAIN))
}

/// §9.4.4: ln B(a, b). An infinite argument is not a point of the function (the spec
/// defines B by an integral over finite shapes), so like NaN it gives NaN, as in the
/// reference implementations.
pub(crate) fn ln_beta(_: &mut dyn Host, a: &[Value]) -> Ret {
    let (x, y) = (args::double(a, 0)?, args::double(a, 1)?);
    if x <= 0.0 || y <= 0.0 {
        return Err(fail(BETA_DOMAIN));
    }
    Ok(Value::Double(if x.is_finite() && y.is_finite() {
        gamma::ln_beta(x, y)
    } else {
        f64::NAN
    }))
}

/// §9.4.1.
pub(crate) fn erf(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(libm::erf(args::double(a, 0)?)))
}

/// §9.4.2: computed directly, so the upper tail keeps its digits.
pub(crate) fn erfc(_: &mut dyn Host, a: &[Value]) -> Ret {
    Ok(Value::Double(libm::erfc(args::double(a, 0)?)))
}

/// §9.4.3: the natural logarithm of Γ(x) as a real function. The spec lists no error,
/// so outside the domain the result follows IEEE 754 like the other `m.*` functions:
/// NaN where Γ(x) is negative or x is a pole (0, -1, -2, ...), and NaN at ±∞ (as in the
/// reference implementations). Where Γ(x) > 0 for negative x (e.g. -1.5), the value is
/// real and returned.
pub(crate) fn ln_gamma(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    Ok(Value::Double(ln_gamma_real(x)))
}

/// ln Γ(x) where Γ(x) > 0, else NaN (see [`ln_gamma`]).
pub(crate) fn ln_gamma_real(x: f64) -> f64 {
    if x > 0.0 && x.is_finite() {
        gamma::ln_gamma(x)
    } else if x.is_finite() && x != x.floor() && (x.floor() as i64) % 2 == 0 {
        // Γ alternates sign between poles and is positive on (-2, -1), (-4, -3), ...
        gamma::ln_gamma(x)
    } else {
        f64::NAN
    }
}
