//! Impute library (spec §22): impute.*
//!
//! Missing values are either `null` (§22.1) or non-finite floating-point numbers (§22.2).
//! The float and double signatures of §22.2 get their own natives, chosen by the matched
//! signature, so a float stays a float.

use super::args::{self, any, fail, ErrCode, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::value::Value;

/// `impute.errorOnNull` on `null`.
pub(crate) const ENCOUNTERED_NULL: ErrCode = (21000, "encountered null");
/// `impute.errorOnNonNum` on NaN.
pub(crate) const ENCOUNTERED_NAN: ErrCode = (21050, "encountered nan");
/// `impute.errorOnNonNum` on positive infinity.
pub(crate) const ENCOUNTERED_POS_INF: ErrCode = (21051, "encountered +inf");
/// `impute.errorOnNonNum` on negative infinity.
pub(crate) const ENCOUNTERED_NEG_INF: ErrCode = (21052, "encountered -inf");

/// A specializer taking the float native for signature 0 and the double one otherwise.
macro_rules! float_or_double {
    ($f:path, $d:path) => {
        |s: &Spec<'_>| -> Result<NativeFn, String> { Ok(if s.sig == 0 { $f } else { $d }) }
    };
}

/// Registers this namespace's functions.
pub fn register(r: &mut Registry) {
    r.def("impute.errorOnNull")
        .sig("(x: union<any A, null>) -> A")
        .errors(&[ENCOUNTERED_NULL])
        .native(error_on_null);
    r.def("impute.defaultOnNull")
        .sig("(x: union<any A, null>, default: A) -> A")
        .native(default_on_null);
    r.def("impute.isnan")
        .sig("(x: float) -> boolean")
        .sig("(x: double) -> boolean")
        .specialize(float_or_double!(isnan_f, isnan_d));
    r.def("impute.isinf")
        .sig("(x: float) -> boolean")
        .sig("(x: double) -> boolean")
        .specialize(float_or_double!(isinf_f, isinf_d));
    r.def("impute.isnum")
        .sig("(x: float) -> boolean")
        .sig("(x: double) -> boolean")
        .specialize(float_or_double!(isnum_f, isnum_d));
    r.def("impute.errorOnNonNum")
        .sig("(x: float) -> float")
        .sig("(x: double) -> double")
        .errors(&[ENCOUNTERED_NAN, ENCOUNTERED_POS_INF, ENCOUNTERED_NEG_INF])
        .specialize(float_or_double!(error_on_non_num_f, error_on_non_num_d));
    r.def("impute.defaultOnNonNum")
        .sig("(x: float, default: float) -> float")
        .sig("(x: double, default: double) -> double")
        .specialize(float_or_double!(default_on_non_num_f, default_on_non_num_d));
}

// ---------------------------------------------------------------------------------------
// §22.1 Missing values as null. A non-null union value already has the representation
// of its branch, which is the return type A, so it passes through unchanged.

/// §22.1.1: `x` unless it is null.
pub(crate) fn error_on_null(_: &mut dyn Host, a: &[Value]) -> Ret {
    match any(a, 0)? {
        Value::Null => Err(fail(ENCOUNTERED_NULL)),
        x => Ok(x.clone()),
    }
}

/// §22.1.2: `x`, or `default` if `x` is null.
pub(crate) fn default_on_null(_: &mut dyn Host, a: &[Value]) -> Ret {
    match any(a, 0)? {
        Value::Null => any(a, 1).cloned(),
        x => Ok(x.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// §22.2 Floating-point missing values.

/// Declares the float and double natives of a test on one number.
macro_rules! tests_of_one {
    ($($(#[$doc:meta])* $f:ident / $d:ident = |$x:ident| $body:expr;)*) => {
        $(
            $(#[$doc])*
            pub(crate) fn $f(_: &mut dyn Host, a: &[Value]) -> Ret {
                let $x = args::float(a, 0)?;
                Ok(Value::Boolean($body))
            }
            $(#[$doc])*
            pub(crate) fn $d(_: &mut dyn Host, a: &[Value]) -> Ret {
                let $x = args::double(a, 0)?;
                Ok(Value::Boolean($body))
            }
        )*
    };
}

tests_of_one! {
    /// §22.2.1: NaN.
    isnan_f / isnan_d = |x| x.is_nan();
    /// §22.2.2: either infinity.
    isinf_f / isinf_d = |x| x.is_infinite();
    /// §22.2.3: neither NaN nor infinite.
    isnum_f / isnum_d = |x| x.is_finite();
}

/// The error for a non-finite number, or `None` for a finite one.
fn non_num(x: f64) -> Option<ErrCode> {
    if x.is_nan() {
        Some(ENCOUNTERED_NAN)
    } else if x == f64::INFINITY {
        Some(ENCOUNTERED_POS_INF)
    } else if x == f64::NEG_INFINITY {
        Some(ENCOUNTERED_NEG_INF)
    } else {
        None
    }
}

/// §22.2.4 on a float.
pub(crate) fn error_on_non_num_f(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::float(a, 0)?;
    match non_num(x.into()) {
        Some(e) => Err(fail(e)),
        None => Ok(Value::Float(x)),
    }
}

/// §22.2.4 on a double.
pub(crate) fn error_on_non_num_d(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    match non_num(x) {
        Some(e) => Err(fail(e)),
        None => Ok(Value::Double(x)),
    }
}

/// §22.2.5 on floats.
pub(crate) fn default_on_non_num_f(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::float(a, 0)?;
    let d = args::float(a, 1)?;
    Ok(Value::Float(if x.is_finite() { x } else { d }))
}

/// §22.2.5 on doubles.
pub(crate) fn default_on_non_num_d(_: &mut dyn Host, a: &[Value]) -> Ret {
    let x = args::double(a, 0)?;
    let d = args::double(a, 1)?;
    Ok(Value::Double(if x.is_finite() { x } else { d }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::testing::{err, ok};
    use crate::value::Value::{Boolean as B, Double as D, Float as F, Int as I, Null};

    const INF: f64 = f64::INFINITY;
    const NAN: f64 = f64::NAN;

    #[test]
    fn null_handling() {
        ok(error_on_null, &[I(3)], I(3));
        ok(error_on_null, &[Value::str("x")], Value::str("x"));
        err(error_on_null, &[Null], ENCOUNTERED_NULL);
        ok(default_on_null, &[I(3), I(7)], I(3));
        ok(default_on_null, &[Null, I(7)], I(7));
        ok(default_on_null, &[Null, Null], Null);
    }

    #[test]
    fn classification() {
        for (x, nan, inf, num) in [
            (0.0, false, false, true),
            (-1.5, false, false, true),
            (f64::MAX, false, false, true),
            (INF, false, true, false),
            (-INF, false, true, false),
            (NAN, true, false, false),
        ] {
            ok(isnan_d, &[D(x)], B(nan));
            ok(isinf_d, &[D(x)], B(inf));
            ok(isnum_d, &[D(x)], B(num));
            ok(isnan_f, &[F(x as f32)], B(nan));
            ok(isinf_f, &[F(x as f32)], B(inf || x == f64::MAX));
            ok(isnum_f, &[F(x as f32)], B(num && x != f64::MAX));
        }
    }

    #[test]
    fn non_numbers() {
        ok(error_on_non_num_d, &[D(2.5)], D(2.5));
        ok(error_on_non_num_f, &[F(2.5)], F(2.5));
        err(error_on_non_num_d, &[D(NAN)], ENCOUNTERED_NAN);
        err(error_on_non_num_d, &[D(INF)], ENCOUNTERED_POS_INF);
        err(error_on_non_num_d, &[D(-INF)], ENCOUNTERED_NEG_INF);
        err(error_on_non_num_f, &[F(f32::NAN)], ENCOUNTERED_NAN);
        err(error_on_non_num_f, &[F(f32::INFINITY)], ENCOUNTERED_POS_INF);
        err(
            error_on_non_num_f,
            &[F(f32::NEG_INFINITY)],
            ENCOUNTERED_NEG_INF,
        );
        ok(default_on_non_num_d, &[D(2.5), D(0.0)], D(2.5));
        ok(default_on_non_num_d, &[D(NAN), D(1.0)], D(1.0));
        ok(default_on_non_num_d, &[D(-INF), D(1.0)], D(1.0));
        ok(default_on_non_num_f, &[F(f32::INFINITY), F(1.0)], F(1.0));
        ok(default_on_non_num_f, &[F(-3.0), F(1.0)], F(-3.0));
    }

    #[test]
    fn signature_selection() {
        use crate::library::{testing::run_typed, Imp};
        use crate::types::{Type, TypeTable};
        let mut r = Registry::default();
        register(&mut r);
        let f = r.get("impute.errorOnNonNum").unwrap();
        let types = TypeTable::new();
        // int promotes to the first matching signature (float); double takes the second.
        for (arg, want_sig, want_ty) in
            [(Type::Int, 0, Type::Float), (Type::Double, 1, Type::Double)]
        {
            let (sig, m) = f
                .sigs
                .iter()
                .enumerate()
                .find_map(|(i, s)| {
                    s.matches(std::slice::from_ref(&arg), &types)
                        .map(|m| (i, m))
                })
                .unwrap();
            assert_eq!((sig, &m.ret), (want_sig, &want_ty));
            let Imp::Specialize(spec) = f.imp else {
                panic!("not specialized")
            };
            let native = spec(&Spec {
                sig,
                matched: &m,
                types: &types,
            })
            .unwrap();
            let x = if sig == 0 { F(2.0) } else { D(2.0) };
            let out = run_typed(
                native,
                TypeTable::new(),
                &m.params,
                std::slice::from_ref(&x),
            )
            .unwrap();
            assert!(crate::library::testing::same(&out, &x));
        }
    }
}
