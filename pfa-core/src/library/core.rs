//! Core library (spec §8): arithmetic, comparison, logical, Kleene and bitwise operators.
//!
//! Each operator is a small module holding its registration (signatures and error codes
//! exactly as in the spec's function list) next to its natives. Numeric operators are
//! specialized per matched type at check time, so a native only unpacks its arguments,
//! which arrive already promoted to the matched parameter types (`{"+": [1, 2.5]}` gets
//! two doubles). `&&` and `||` are compiled as control flow to short-circuit; their
//! natives here serve calls on two evaluated arguments (e.g. constant folding).

#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use super::args::{self, any, boolean, by_integer, by_numeric, fail, int, long};
use super::args::{maybe_boolean, ErrCode, Ret};
use super::{Host, NativeFn, Registry, Spec};
use crate::types::Type;
use crate::value::{cmp, Value};

/// Registers the core operators.
pub fn register(r: &mut Registry) {
    add::register(r);
    sub::register(r);
    mul::register(r);
    div::register(r);
    floordiv::register(r);
    neg::register(r);
    modulo::register(r);
    rem::register(r);
    pow::register(r);

    compare::register(r);
    eq::register(r);
    ne::register(r);
    lt::register(r);
    le::register(r);
    gt::register(r);
    ge::register(r);
    max::register(r);
    min::register(r);

    logic::register(r);
    kleene::register(r);
    bitwise::register(r);
}

/// The signature of binary numeric operators with parameters `x`, `y`.
const NUM_XY: &str = "(x: any A of {int, long, float, double}, y: A) -> A";
/// The signature of binary numeric operators with parameters `k`, `n`.
const NUM_KN: &str = "(k: any A of {int, long, float, double}, n: A) -> A";

// ---------------------------------------------------------------------------------------
// §8.1 Basic arithmetic

/// `+`, `-`, `*` (§8.1.1-3): checked on int and long (results out of range raise),
/// IEEE 754 on float and double (overflow gives an infinity). Float results are computed
/// in single precision, as the spec defines `float` as a 32-bit IEEE number.
macro_rules! checked_arith {
    ($(#[$doc:meta])* $m:ident, $name:literal, $checked:ident, $op:tt, $int_err:expr, $long_err:expr) => {
        $(#[$doc])*
        pub(crate) mod $m {
            use super::*;

            /// An int result out of range.
            pub(crate) const INT_OVERFLOW: ErrCode = $int_err;
            /// A long result out of range.
            pub(crate) const LONG_OVERFLOW: ErrCode = $long_err;

            pub(super) fn register(r: &mut Registry) {
                r.def($name)
                    .sig(NUM_XY)
                    .errors(&[INT_OVERFLOW, LONG_OVERFLOW])
                    .specialize(|s| by_numeric(s, [int, long, float, double]));
            }

            pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
                let (x, y) = (args::int(a, 0)?, args::int(a, 1)?);
                x.$checked(y).map(Value::Int).ok_or_else(|| fail(INT_OVERFLOW))
            }

            pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
                let (x, y) = (args::long(a, 0)?, args::long(a, 1)?);
                x.$checked(y).map(Value::Long).ok_or_else(|| fail(LONG_OVERFLOW))
            }

            pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Float(args::float(a, 0)? $op args::float(a, 1)?))
            }

            pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Double(args::double(a, 0)? $op args::double(a, 1)?))
            }
        }
    };
}

checked_arith!(
    /// `+` (§8.1.1).
    add, "+", checked_add, +, (18000, "int overflow"), (18001, "long overflow")
);
checked_arith!(
    /// `-` (§8.1.2).
    sub, "-", checked_sub, -, (18010, "int overflow"), (18011, "long overflow")
);
checked_arith!(
    /// `*` (§8.1.3).
    mul, "*", checked_mul, *, (18020, "int overflow"), (18021, "long overflow")
);

/// `/` (§8.1.4): always floating-point; x/0 is an infinity, 0/0 is NaN (IEEE 754).
pub(crate) mod div {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("/")
            .sig("(x: double, y: double) -> double")
            .native(double);
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(args::double(a, 0)? / args::double(a, 1)?))
    }
}

/// `//` (§8.1.5): floor division, the largest whole N with N <= x/y. The spec's
/// definition rounds toward negative infinity (1 // -2 is -1), unlike truncating
/// implementations.
pub(crate) mod floordiv {
    use super::*;

    /// Division by zero.
    pub(crate) const DIV_ZERO: ErrCode = (18040, "integer division by zero");

    pub(super) fn register(r: &mut Registry) {
        r.def("//")
            .sig("(x: any A of {int, long}, y: A) -> A")
            .errors(&[DIV_ZERO])
            .specialize(|s| by_integer(s, [int, long]));
    }

    /// Floor division of nonzero `y`. The one quotient out of range, MIN // -1, has no
    /// error code in the spec; it wraps to MIN as two's-complement division does.
    pub(crate) fn floor_div(x: i64, y: i64) -> i64 {
        let q = x.wrapping_div(y);
        // Truncation rounded toward zero; step down when the exact quotient is negative
        // and not whole. q - 1 cannot overflow: then |y| >= 2, so |q| < 2^62.
        if x.wrapping_rem(y) != 0 && ((x < 0) != (y < 0)) {
            q - 1
        } else {
            q
        }
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (args::int(a, 0)?, args::int(a, 1)?);
        if y == 0 {
            return Err(fail(DIV_ZERO));
        }
        // Wraps for MIN // -1 like the long version (see floor_div).
        Ok(Value::Int(floor_div(x.into(), y.into()) as i32))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (args::long(a, 0)?, args::long(a, 1)?);
        if y == 0 {
            return Err(fail(DIV_ZERO));
        }
        Ok(Value::Long(floor_div(x, y)))
    }
}

/// `u-` (§8.1.6): negation; only the most negative int and long have no negation.
pub(crate) mod neg {
    use super::*;

    /// Negating -2147483648.
    pub(crate) const INT_OVERFLOW: ErrCode = (18050, "int overflow");
    /// Negating -9223372036854775808.
    pub(crate) const LONG_OVERFLOW: ErrCode = (18051, "long overflow");

    pub(super) fn register(r: &mut Registry) {
        r.def("u-")
            .sig("(x: any A of {int, long, float, double}) -> A")
            .errors(&[INT_OVERFLOW, LONG_OVERFLOW])
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::int(a, 0)?;
        x.checked_neg()
            .map(Value::Int)
            .ok_or_else(|| fail(INT_OVERFLOW))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let x = args::long(a, 0)?;
        x.checked_neg()
            .map(Value::Long)
            .ok_or_else(|| fail(LONG_OVERFLOW))
    }

    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(-args::float(a, 0)?))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(-args::double(a, 0)?))
    }
}

/// `%` (§8.1.7): modulo, with the sign of the modulus `n` (Python's `%`).
pub(crate) mod modulo {
    use super::*;

    /// Integer modulo by zero.
    pub(crate) const DIV_ZERO: ErrCode = (18060, "integer division by zero");

    pub(super) fn register(r: &mut Registry) {
        r.def("%")
            .sig(NUM_KN)
            .errors(&[DIV_ZERO])
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    /// Modulo of nonzero `n`. Never overflows: a remainder whose sign differs from `n`
    /// moves toward zero when `n` is added.
    pub(crate) fn modulo_i64(k: i64, n: i64) -> i64 {
        // wrapping_rem: MIN % -1 is 0, which is the exact answer.
        let r = k.wrapping_rem(n);
        if r != 0 && ((r < 0) != (n < 0)) {
            r + n
        } else {
            r
        }
    }

    macro_rules! float_modulo {
        ($name:ident, $t:ty) => {
            /// IEEE remainder moved into the sign of `n`; a zero result takes the sign
            /// of `n`, an infinite `n` of the other sign gives that infinity, and a zero
            /// `n` gives NaN (only integer division by zero raises).
            pub(crate) fn $name(k: $t, n: $t) -> $t {
                let r = k % n;
                if r == 0.0 {
                    (0.0 as $t).copysign(n)
                } else if (r < 0.0) != (n < 0.0) {
                    r + n
                } else {
                    r
                }
            }
        };
    }
    float_modulo!(modulo_f32, f32);
    float_modulo!(modulo_f64, f64);

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (k, n) = (args::int(a, 0)?, args::int(a, 1)?);
        if n == 0 {
            return Err(fail(DIV_ZERO));
        }
        // The result lies strictly between 0 and n, so it fits an int.
        Ok(Value::Int(modulo_i64(k.into(), n.into()) as i32))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (k, n) = (args::long(a, 0)?, args::long(a, 1)?);
        if n == 0 {
            return Err(fail(DIV_ZERO));
        }
        Ok(Value::Long(modulo_i64(k, n)))
    }

    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(modulo_f32(
            args::float(a, 0)?,
            args::float(a, 1)?,
        )))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(modulo_f64(
            args::double(a, 0)?,
            args::double(a, 1)?,
        )))
    }
}

/// `%%` (§8.1.8): remainder, with the sign of the dividend `k` (C and Java `%`).
pub(crate) mod rem {
    use super::*;

    /// Integer remainder by zero.
    pub(crate) const DIV_ZERO: ErrCode = (18070, "integer division by zero");

    pub(super) fn register(r: &mut Registry) {
        r.def("%%")
            .sig(NUM_KN)
            .errors(&[DIV_ZERO])
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (k, n) = (args::int(a, 0)?, args::int(a, 1)?);
        if n == 0 {
            return Err(fail(DIV_ZERO));
        }
        // MIN %% -1 is exactly 0; wrapping_rem gives that instead of overflowing.
        Ok(Value::Int(k.wrapping_rem(n)))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (k, n) = (args::long(a, 0)?, args::long(a, 1)?);
        if n == 0 {
            return Err(fail(DIV_ZERO));
        }
        Ok(Value::Long(k.wrapping_rem(n)))
    }

    // Rust's float `%` is C's fmod: the sign of the dividend, NaN for a zero divisor.
    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Float(args::float(a, 0)? % args::float(a, 1)?))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(args::double(a, 0)? % args::double(a, 1)?))
    }
}

/// `**` (§8.1.9): power.
pub(crate) mod pow {
    use super::*;

    /// An int result out of range.
    pub(crate) const INT_OVERFLOW: ErrCode = (18080, "int overflow");
    /// A long result out of range.
    pub(crate) const LONG_OVERFLOW: ErrCode = (18081, "long overflow");

    pub(super) fn register(r: &mut Registry) {
        r.def("**")
            .sig(NUM_XY)
            .errors(&[INT_OVERFLOW, LONG_OVERFLOW])
            .specialize(|s| by_numeric(s, [int, long, float, double]));
    }

    /// Integer power; `None` when the result is out of the long range.
    ///
    /// A negative exponent gives the whole part of 1/x^|y| (as the reference
    /// implementations do): ±1 for x = ±1, 0 for |x| >= 2, and for x = 0 the result is
    /// infinite, which is reported as an overflow.
    pub(crate) fn ipow(x: i64, y: i64) -> Option<i64> {
        match x {
            0 if y < 0 => None,
            0 => Some(if y == 0 { 1 } else { 0 }),
            1 => Some(1),
            -1 => Some(if y % 2 == 0 { 1 } else { -1 }),
            _ if y < 0 => Some(0),
            // |x| >= 2, so any exponent of 64 or more overflows.
            _ => u32::try_from(y).ok().and_then(|y| x.checked_pow(y)),
        }
    }

    /// Floating-point power with the special cases of the JVM and Python reference
    /// implementations, where they differ from C's `pow`: a NaN exponent (other than
    /// with a zero exponent) gives NaN even for base 1, and ±1 raised to an infinity is
    /// NaN (C gives 1 for both).
    pub(crate) fn fpow(x: f64, y: f64) -> f64 {
        if y == 0.0 {
            1.0
        } else if y.is_nan() || x.is_nan() || (y.is_infinite() && x.abs() == 1.0) {
            f64::NAN
        } else {
            x.powf(y)
        }
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (args::int(a, 0)?, args::int(a, 1)?);
        ipow(x.into(), y.into())
            .and_then(|p| i32::try_from(p).ok())
            .map(Value::Int)
            .ok_or_else(|| fail(INT_OVERFLOW))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        let (x, y) = (args::long(a, 0)?, args::long(a, 1)?);
        ipow(x, y)
            .map(Value::Long)
            .ok_or_else(|| fail(LONG_OVERFLOW))
    }

    pub(crate) fn float(_: &mut dyn Host, a: &[Value]) -> Ret {
        // In double precision, then rounded once to float.
        let (x, y) = (args::float(a, 0)?, args::float(a, 1)?);
        Ok(Value::Float(fpow(x.into(), y.into()) as f32))
    }

    pub(crate) fn double(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Double(fpow(
            args::double(a, 0)?,
            args::double(a, 1)?,
        )))
    }
}

// ---------------------------------------------------------------------------------------
// §8.2 Comparison operators: generic over any type, using Avro's sort order as
// implemented by `value::cmp` for the static argument type. int and long, whose order has
// no special cases, get direct natives.

/// The signature of the relational operators.
const CMP_SIG: &str = "(x: any A, y: A) -> boolean";

/// Compares arguments 0 and 1 in the order of their static type.
fn order(h: &mut dyn Host, a: &[Value]) -> Result<Ordering, crate::error::PfaError> {
    let (x, y) = (any(a, 0)?, any(a, 1)?);
    Ok(cmp::compare(x, y, h.arg_type(0), h.types()))
}

/// Picks the int, long or generic native by the matched type of `x`.
fn by_comparable(s: &Spec<'_>, natives: [NativeFn; 3]) -> Result<NativeFn, String> {
    let [int, long, generic] = natives;
    Ok(match s.matched.params.first() {
        Some(Type::Int) => int,
        Some(Type::Long) => long,
        _ => generic,
    })
}

/// `cmp` (§8.2.1): -1, 0 or 1.
pub(crate) mod compare {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("cmp")
            .sig("(x: any A, y: A) -> int")
            .specialize(|s| by_comparable(s, [int, long, generic]));
    }

    fn sign(o: Ordering) -> Value {
        Value::Int(o as i32)
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(sign(args::int(a, 0)?.cmp(&args::int(a, 1)?)))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(sign(args::long(a, 0)?.cmp(&args::long(a, 1)?)))
    }

    pub(crate) fn generic(h: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(sign(order(h, a)?))
    }
}

/// `==` (§8.2.2) and `!=` (§8.2.3): equality in the sense of `value::cmp::equal`.
macro_rules! equality {
    ($(#[$doc:meta])* $m:ident, $name:literal, $want:literal) => {
        $(#[$doc])*
        pub(crate) mod $m {
            use super::*;

            pub(super) fn register(r: &mut Registry) {
                r.def($name)
                    .sig(CMP_SIG)
                    .specialize(|s| by_comparable(s, [int, long, generic]));
            }

            pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Boolean((args::int(a, 0)? == args::int(a, 1)?) == $want))
            }

            pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Boolean((args::long(a, 0)? == args::long(a, 1)?) == $want))
            }

            pub(crate) fn generic(h: &mut dyn Host, a: &[Value]) -> Ret {
                let (x, y) = (any(a, 0)?, any(a, 1)?);
                let eq = cmp::equal(x, y, h.arg_type(0), h.types());
                Ok(Value::Boolean(eq == $want))
            }
        }
    };
}

equality!(
    /// `==` (§8.2.2).
    eq, "==", true
);
equality!(
    /// `!=` (§8.2.3).
    ne, "!=", false
);

/// `<`, `<=`, `>`, `>=` (§8.2.4-7): true when the ordering of x relative to y satisfies
/// the predicate.
macro_rules! relational {
    ($(#[$doc:meta])* $m:ident, $name:literal, |$o:ident| $test:expr) => {
        $(#[$doc])*
        pub(crate) mod $m {
            use super::*;

            pub(super) fn register(r: &mut Registry) {
                r.def($name)
                    .sig(CMP_SIG)
                    .specialize(|s| by_comparable(s, [int, long, generic]));
            }

            fn holds($o: Ordering) -> bool {
                $test
            }

            pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Boolean(holds(args::int(a, 0)?.cmp(&args::int(a, 1)?))))
            }

            pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Boolean(holds(args::long(a, 0)?.cmp(&args::long(a, 1)?))))
            }

            pub(crate) fn generic(h: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Boolean(holds(order(h, a)?)))
            }
        }
    };
}

relational!(
    /// `<` (§8.2.4).
    lt, "<", |o| o == Ordering::Less
);
relational!(
    /// `<=` (§8.2.5).
    le, "<=", |o| o != Ordering::Greater
);
relational!(
    /// `>` (§8.2.6).
    gt, ">", |o| o == Ordering::Greater
);
relational!(
    /// `>=` (§8.2.7).
    ge, ">=", |o| o != Ordering::Less
);

/// `max` (§8.2.8): x if x >= y, y otherwise.
pub(crate) mod max {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("max")
            .sig("(x: any A, y: A) -> A")
            .specialize(|s| by_comparable(s, [int, long, generic]));
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Int(args::int(a, 0)?.max(args::int(a, 1)?)))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Long(args::long(a, 0)?.max(args::long(a, 1)?)))
    }

    pub(crate) fn generic(h: &mut dyn Host, a: &[Value]) -> Ret {
        let pick = if order(h, a)? != Ordering::Less { 0 } else { 1 };
        Ok(any(a, pick)?.clone())
    }
}

/// `min` (§8.2.9): x if x < y, y otherwise.
pub(crate) mod min {
    use super::*;

    pub(super) fn register(r: &mut Registry) {
        r.def("min")
            .sig("(x: any A, y: A) -> A")
            .specialize(|s| by_comparable(s, [int, long, generic]));
    }

    pub(crate) fn int(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Int(args::int(a, 0)?.min(args::int(a, 1)?)))
    }

    pub(crate) fn long(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Long(args::long(a, 0)?.min(args::long(a, 1)?)))
    }

    pub(crate) fn generic(h: &mut dyn Host, a: &[Value]) -> Ret {
        let pick = if order(h, a)? == Ordering::Less { 0 } else { 1 };
        Ok(any(a, pick)?.clone())
    }
}

// ---------------------------------------------------------------------------------------
// §8.3 Logical operators

/// `&&`, `||`, `^^`, `!` (§8.3.1-4).
pub(crate) mod logic {
    use super::*;

    const BOOL2: &str = "(x: boolean, y: boolean) -> boolean";

    pub(super) fn register(r: &mut Registry) {
        // The compiler short-circuits `&&` and `||` (y is not evaluated when x decides).
        r.def("&&").sig(BOOL2).native(and);
        r.def("||").sig(BOOL2).native(or);
        r.def("^^").sig(BOOL2).native(xor);
        r.def("!").sig("(x: boolean) -> boolean").native(not);
    }

    pub(crate) fn and(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Boolean(boolean(a, 0)? && boolean(a, 1)?))
    }

    pub(crate) fn or(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Boolean(boolean(a, 0)? || boolean(a, 1)?))
    }

    pub(crate) fn xor(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Boolean(boolean(a, 0)? != boolean(a, 1)?))
    }

    pub(crate) fn not(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Boolean(!boolean(a, 0)?))
    }
}

// ---------------------------------------------------------------------------------------
// §8.4 Kleene operators: three-valued logic where null is "unknown".

/// `&&&`, `|||`, `!!!` (§8.4.1-3).
pub(crate) mod kleene {
    use super::*;

    const KLEENE2: &str =
        "(x: union<boolean, null>, y: union<boolean, null>) -> union<boolean, null>";

    pub(super) fn register(r: &mut Registry) {
        // Like `&&`/`||`, the compiler skips y when x alone decides.
        r.def("&&&").sig(KLEENE2).native(and);
        r.def("|||").sig(KLEENE2).native(or);
        r.def("!!!")
            .sig("(x: union<boolean, null>) -> union<boolean, null>")
            .native(not);
    }

    fn out(b: Option<bool>) -> Value {
        b.map_or(Value::Null, Value::Boolean)
    }

    /// false if either is false, true if both are true, null otherwise.
    pub(crate) fn and(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(out(match (maybe_boolean(a, 0)?, maybe_boolean(a, 1)?) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        }))
    }

    /// true if either is true, false if both are false, null otherwise.
    pub(crate) fn or(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(out(match (maybe_boolean(a, 0)?, maybe_boolean(a, 1)?) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }))
    }

    /// Negation; null stays null.
    pub(crate) fn not(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(out(maybe_boolean(a, 0)?.map(|b| !b)))
    }
}

// ---------------------------------------------------------------------------------------
// §8.5 Bitwise arithmetic

/// `&`, `|`, `^`, `~` (§8.5.1-4), on int and on long.
pub(crate) mod bitwise {
    use super::*;

    const INT2: &str = "(x: int, y: int) -> int";
    const LONG2: &str = "(x: long, y: long) -> long";

    pub(super) fn register(r: &mut Registry) {
        r.def("&")
            .sig(INT2)
            .sig(LONG2)
            .specialize(|s| by_integer(s, [and_int, and_long]));
        r.def("|")
            .sig(INT2)
            .sig(LONG2)
            .specialize(|s| by_integer(s, [or_int, or_long]));
        r.def("^")
            .sig(INT2)
            .sig(LONG2)
            .specialize(|s| by_integer(s, [xor_int, xor_long]));
        r.def("~")
            .sig("(x: int) -> int")
            .sig("(x: long) -> long")
            .specialize(|s| by_integer(s, [not_int, not_long]));
    }

    macro_rules! bit_binop {
        ($int:ident, $long:ident, $op:tt) => {
            pub(crate) fn $int(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Int(int(a, 0)? $op int(a, 1)?))
            }

            pub(crate) fn $long(_: &mut dyn Host, a: &[Value]) -> Ret {
                Ok(Value::Long(long(a, 0)? $op long(a, 1)?))
            }
        };
    }
    bit_binop!(and_int, and_long, &);
    bit_binop!(or_int, or_long, |);
    bit_binop!(xor_int, xor_long, ^);

    pub(crate) fn not_int(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Int(!int(a, 0)?))
    }

    pub(crate) fn not_long(_: &mut dyn Host, a: &[Value]) -> Ret {
        Ok(Value::Long(!long(a, 0)?))
    }
}
