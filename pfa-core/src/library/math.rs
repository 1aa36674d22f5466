//! Math library (spec §9): constants, elementary functions and rounding (`m.*`, except
//! `m.special.*`, `m.link.*` and `m.kernel.*`, which have their own modules).
//!
//! Domain errors follow IEEE 754: outside a function's domain the result is NaN or an
//! infinity, never an exception. Only integer overflow (`m.abs`, `m.round`) and a bad
//! logarithm base raise runtime errors.

#[cfg(test)]
mod tests;

use super::args::{self, by_numeric, fail, ErrCode, Ret};
use super::{Host, Registry};
use crate::types::Type;
use crate::value::Value;

/// Registers `m.*`.
pub fn register(r: &mut Registry) {
    constants::register(r);
    elementary::register(r);
    abs::register(r);
    copysign::register(r);
    log::register(r);
    rounding::register(r);
}

// ---------------------------------------------------------------------------------------
// §9.1 Constants: functions of no arguments.

/// `m.pi` (§9.1.1) and `m.e` (§9.1.2).
pub(crate) mod constants {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("m.pi").sig("() -> double").native(pi);
        r.def("m.e").sig("() -> double").native(e);
    }

    pub(crate) fn pi(_: &mut dyn Host, _: &[Value]) -> Ret {
        Ok(Value::Double(std::f64::consts::PI))
    }

    pub(crate) fn e(_: &mut dyn Host, _: &[Value]) -> Ret {
        Ok(Value::Double(std::f64::consts::E))
    }
}

// ---------------------------------------------------------------------------------------
// §9.2 Common functions of doubles.

/// Functions of one or two doubles with no errors: each is a thin wrapper over the
/// IEEE 754 operation of the same meaning.
pub(crate) mod elementary {
    use super::*;

    /// Declares `name(x: double) -> double` natives.
    macro_rules! unary {
        ($($(#[$doc:meta])* $f:ident = $name:literal, |$x:ident| $body:expr;)*) => {
            $(
                $(#[$doc])*
                pub(crate) fn $f(_: &mut dyn Host, a: &[Value]) -> Ret {
                    let $x = args::double(a, 0)?;
                    Ok(Value::Double($body))
                }
            )*

            fn register_unary(r: &mut Registry) {
                $(r.def($name).sig("(x: double) -> double").native($f);)*
            }
        };
    }

    unary! {
        /// §9.2.1: NaN below zero; sqrt(-0) is -0.
        sqrt = "m.sqrt", |x| x.sqrt();
        /// §9.2.3.
        sin = "m.sin", |x| x.sin();
        /// §9.2.4.
        cos = "m.cos", |x| x.cos();
        /// §9.2.5.
        tan = "m.tan", |x| x.tan();
        /// §9.2.6: NaN outside [-1, 1].
        asin = "m.asin", |x| x.asin();
        /// §9.2.7: NaN outside [-1, 1].
        acos = "m.acos", |x| x.acos();
        /// §9.2.8.
        atan = "m.atan", |x| x.atan();
        /// §9.2.10.
        sinh = "m.sinh", |x| x.sinh();
        /// §9.2.11.
        cosh = "m.cosh", |x| x.cosh();
        /// §9.2.12.
        tanh = "m.tanh", |x| x.tanh();
        /// §9.2.13.
        exp = "m.exp", |x| x.exp();
        /// §9.2.14: e^x - 1, accurate near zero.
        expm1 = "m.expm1", |x| x.exp_m1();
        /// §9.2.15: -inf at zero, NaN below.
        ln = "m.ln", |x| x.ln();
        /// §9.2.16: -inf at zero, NaN below.
        log10 = "m.log10", |x| x.log10();
        /// §9.2.18: ln(1 + x), accurate near zero; -inf at -1, NaN below. (The printed
        /// spec says ln(x² + 1); the function list and the name say ln(x + 1).)
        ln1p = "m.ln1p", |x| x.ln_1p();
        /// §9.3.2: toward negative infinity.
        floor = "m.floor", |x| x.floor();
        /// §9.3.3: toward positive infinity.
        ceil = "m.ceil", |x| x.ceil();
        /// §9.3.5: nearest whole number, ties to even.
        rint = "m.rint", |x| x.round_ties_even();
    }

    pub(super) fn register(r: &mut Registry) {
        register_unary(r);
        r.def("m.atan2")
            .sig("(y: double, x: double) -> double")
            .native(atan2);
        r.def("m.hypot")
            .sig("(x: double, y: double) -> double")
            .native(hypot);
    }

    /// §9.2.9: the angle of (x, y); note that y comes first.
    pub(crate) fn atan2(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(
            args::double(a, 0)?.atan2(args::double(a, 1)?),
        ))
    }

    /// §9.2.2: sqrt(x² + y²) without intermediate overflow; infinite if either is
    /// infinite, even when the other is NaN.
    pub(crate) fn hypot(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(
            args::double(a, 0)?.hypot(args::double(a, 1)?),
        ))
    }
}

/// `m.log` (§9.2.17): logarithm to an integer base, ln(x) / ln(base). Base 1 divides by
/// zero and so gives an infinity or NaN, not an error.
pub(crate) mod log {
    use super::*;

    /// A base of zero or less.
    pub(crate) const BASE_NOT_POSITIVE: ErrCode = (27170, "base must be positive");

    pub(super) fn register(r: &mut Registry) {
        r.def("m.log")
            .sig("(x: double, base: int) -> double")
            .errors(&[BASE_NOT_POSITIVE])
            .native(log);
    }

    pub(crate) fn log(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, base) = (args::double(a, 0)?, args::int(a, 1)?);
        if base <= 0 {
            return Err(fail(BASE_NOT_POSITIVE));
        }
        Ok(Value::Double(x.ln() / f64::from(base).ln()))
    }
}

// ---------------------------------------------------------------------------------------
// §9.3 Rounding

/// `m.abs` (§9.3.1): only the most negative int and long have no absolute value.
pub(crate) mod abs {
    use super::*;

    /// |-2147483648|.
    pub(crate) const INT_OVERFLOW: ErrCode = (27020, "int overflow");
    /// |-9223372036854775808|.
    pub(crate) const LONG_OVERFLOW: ErrCode = (27021, "long overflow");

    pub(super) fn register(r: &mut Registry) {
        r.def("m.abs")
            .sig("(x: any A of {int, long, float, double}) -> A")
            .errors(&[INT_OVERFLOW, LONG_OVERFLOW])
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::int(a, 0)?;
        x.checked_abs()
            .map(Value::Int)
            .ok_or_else(|| fail(INT_OVERFLOW))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::long(a, 0)?;
        x.checked_abs()
            .map(Value::Long)
            .ok_or_else(|| fail(LONG_OVERFLOW))
    }

    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(args::float(a, 0)?.abs()))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(args::double(a, 0)?.abs()))
    }
}

/// `m.copysign` (§9.3.7): the magnitude of `mag` with the sign of `sign`. A zero `sign`
/// counts as positive for integers; for floating point the sign bit decides (IEEE 754
/// copySign), so -0.0 counts as negative.
pub(crate) mod copysign {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("m.copysign")
            .sig("(mag: any A of {int, long, float, double}, sign: A) -> A")
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    // The spec declares no error for this function ("no pair of inputs is invalid"), so
    // the one magnitude that does not fit, that of the most negative value, wraps back to
    // that value, as two's-complement abs and negation do.
    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (mag, sign) = (args::int(a, 0)?, args::int(a, 1)?);
        let m = mag.wrapping_abs();
        Ok(Value::Int(if sign < 0 { m.wrapping_neg() } else { m }))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (mag, sign) = (args::long(a, 0)?, args::long(a, 1)?);
        let m = mag.wrapping_abs();
        Ok(Value::Long(if sign < 0 { m.wrapping_neg() } else { m }))
    }

    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(
            args::float(a, 0)?.copysign(args::float(a, 1)?),
        ))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(
            args::double(a, 0)?.copysign(args::double(a, 1)?),
        ))
    }
}

/// `m.round` (§9.3.4) and `m.signum` (§9.3.6).
pub(crate) mod rounding {
    use super::*;

    /// A float whose rounding is not an int (including infinities and NaN).
    pub(crate) const INT_OVERFLOW: ErrCode = (27190, "int overflow");
    /// A double whose rounding is not a long (including infinities and NaN).
    pub(crate) const LONG_OVERFLOW: ErrCode = (27191, "long overflow");

    pub(super) fn register(r: &mut Registry) {
        r.def("m.round")
            .sig("(x: float) -> int")
            .sig("(x: double) -> long")
            .errors(&[INT_OVERFLOW, LONG_OVERFLOW])
            .specialize(|s| match s.matched.params.first() {
                Some(Type::Float) => Ok(round_float),
                Some(Type::Double) => Ok(round_double),
                other => Err(args::no_native(s, other)),
            });
        r.def("m.signum").sig("(x: double) -> int").native(signum);
    }

    /// The closest whole number, halves rounded up: floor(x + 0.5) in exact arithmetic.
    /// (Adding 0.5 in floating point would round 0.49999999999999994 up to 1.) The
    /// fraction x - floor(x) is exact for every finite double.
    pub(crate) fn round_half_up(x: f64) -> f64 {
        let f = x.floor();
        if x - f >= 0.5 {
            f + 1.0
        } else {
            f
        }
    }

    pub(crate) fn round_float(_: &mut dyn Host, a: &[Value]) -> Ret {
        // Every float is exact as a double, and so is its rounding.
        let r = round_half_up(args::float(a, 0)?.into());
        // NaN fails both comparisons.
        if (-2_147_483_648.0..=2_147_483_647.0).contains(&r) {
            Ok(Value::Int(r as i32))
        } else {
            Err(fail(INT_OVERFLOW))
        }
    }

    pub(crate) fn round_double(_: &mut dyn Host, a: &[Value]) -> Ret {
        let r = round_half_up(args::double(a, 0)?);
        // 2^63 is the first double above the long range; -2^63 is in range.
        if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r) {
            Ok(Value::Long(r as i64))
        } else {
            Err(fail(LONG_OVERFLOW))
        }
    }

    /// 1 for positive, -1 for negative, 0 for either zero. NaN, which is neither, gives 0
    /// as in the reference implementations.
    pub(crate) fn signum(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::double(a, 0)?;
        Ok(Value::Int(if x > 0.0 {
            1
        } else if x < 0.0 {
            -1
        } else {
            0
        }))
    }
}
